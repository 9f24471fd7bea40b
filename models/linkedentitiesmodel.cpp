// SPDX-License-Identifier: GPL-3.0-or-later
#include "linkedentitiesmodel.h"

#include "money.h"
#include "timestamp.h"

namespace casebook {

LinkedEntitiesModel::LinkedEntitiesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void LinkedEntitiesModel::setEntities(const QVector<LinkedEntity> &entities)
{
    beginResetModel();
    m_entities = entities;
    endResetModel();
}

Status LinkedEntitiesModel::reload(const SearchService &service, int minTenants, const SearchScope &scope)
{
    auto e = service.linkedEntities(minTenants, scope);
    if (!e)
        return e.error();
    setEntities(*e);
    return ok();
}

const LinkedEntity *LinkedEntitiesModel::entity(int row) const
{
    return row >= 0 && row < m_entities.size() ? &m_entities[row] : nullptr;
}

int LinkedEntitiesModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_entities.size()); }
int LinkedEntitiesModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant LinkedEntitiesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LinkedEntity &e = m_entities[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case KindColumn:
            return e.kind;
        case ValueColumn:
            return e.display;
        case InstitutionsColumn:
            return e.tenants.join(QStringLiteral(", "));
        case CountColumn:
            return qint64(e.count);
        case FirstSeenColumn:
            return formatTimestamp(e.firstUtcMs, 0);
        case LastSeenColumn:
            return formatTimestamp(e.lastUtcMs, 0);
        case TotalsColumn: {
            QStringList parts;
            for (auto it = e.totalsE4.cbegin(); it != e.totalsE4.cend(); ++it)
                parts << money::format(it.value(), it.key().toLatin1()) + u' ' + it.key();
            return parts.join(QStringLiteral(", "));
        }
        }
        return {};
    case KindRole:
        return e.kind;
    case TenantsRole:
        return e.tenants;
    case SearchQueryRole:
        return e.searchQuery();
    case SortRole:
        switch (index.column()) {
        case InstitutionsColumn:
            return qint64(e.tenants.size());
        case CountColumn:
            return qint64(e.count);
        case FirstSeenColumn:
            return qint64(e.firstUtcMs);
        case LastSeenColumn:
            return qint64(e.lastUtcMs);
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    return {};
}

QVariant LinkedEntitiesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KindColumn:
        return tr("Kind");
    case ValueColumn:
        return tr("Value");
    case InstitutionsColumn:
        return tr("Institutions");
    case CountColumn:
        return tr("Rows");
    case FirstSeenColumn:
        return tr("First seen (UTC)");
    case LastSeenColumn:
        return tr("Last seen (UTC)");
    case TotalsColumn:
        return tr("Totals");
    }
    return {};
}

} // namespace casebook
