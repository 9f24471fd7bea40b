// SPDX-License-Identifier: GPL-3.0-or-later
#include "tenantlistmodel.h"

#include <QLocale>

namespace casebook {

TenantListModel::TenantListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void TenantListModel::setInfo(const WorkspaceInfo &info)
{
    beginResetModel();
    m_tenants.clear();
    if (!info.tenants.isEmpty()) {
        // Row 0 sums every institution: selecting it means "no institution filter".
        TenantSummary all;
        all.name = tr("All institutions");
        for (const TenantSummary &t : info.tenants) {
            all.events += t.events;
            all.transactions += t.transactions;
            all.quarantined += t.quarantined;
            all.archives += t.archives;
            if (all.periodFrom.isEmpty() || (!t.periodFrom.isEmpty() && t.periodFrom < all.periodFrom))
                all.periodFrom = t.periodFrom;
            if (t.periodTo > all.periodTo)
                all.periodTo = t.periodTo;
        }
        m_tenants.push_back(all);
        m_tenants += info.tenants;
    }
    endResetModel();
}

const TenantSummary *TenantListModel::tenant(int row) const
{
    return row >= 1 && row < m_tenants.size() ? &m_tenants[row] : nullptr;
}

int TenantListModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_tenants.size()); }
int TenantListModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant TenantListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TenantSummary &t = m_tenants[index.row()];
    const bool verified = t.verification() == u"verified";
    switch (role) {
    case TenantIdRole:
        return t.id; // empty for "All institutions"
    case IsAllRole:
        return index.row() == 0;
    case VerifiedRole:
        return verified;
    case Qt::ToolTipRole:
        if (index.column() == VerificationColumn) {
            QStringList lines;
            for (const ArchiveSummary &a : t.archives)
                lines << a.exportId + u": " + a.state + u" (" + a.stateDetail + u')';
            return lines.join(u'\n');
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == EventsColumn || index.column() == TransactionsColumn || index.column() == QuarantinedColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return t.name;
        case IdColumn:
            return t.id;
        case PeriodColumn:
            return QString(t.periodFrom.left(10) + u" – " + t.periodTo.left(10));
        case EventsColumn:
            return role == SortRole ? QVariant(qint64(t.events)) : QVariant(QLocale().toString(qint64(t.events)));
        case TransactionsColumn:
            return role == SortRole ? QVariant(qint64(t.transactions)) : QVariant(QLocale().toString(qint64(t.transactions)));
        case QuarantinedColumn:
            return role == SortRole ? QVariant(qint64(t.quarantined)) : QVariant(QLocale().toString(qint64(t.quarantined)));
        case VerificationColumn:
            if (index.row() == 0)
                return verified ? tr("all verified") : tr("some UNSIGNED");
            return verified ? tr("verified") : tr("UNSIGNED");
        }
    }
    return {};
}

QVariant TenantListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Institution");
    case IdColumn:
        return tr("Id");
    case PeriodColumn:
        return tr("Period");
    case EventsColumn:
        return tr("Events");
    case TransactionsColumn:
        return tr("Transactions");
    case QuarantinedColumn:
        return tr("Quarantined");
    case VerificationColumn:
        return tr("Verification");
    }
    return {};
}

} // namespace casebook
