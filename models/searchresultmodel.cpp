// SPDX-License-Identifier: GPL-3.0-or-later
#include "searchresultmodel.h"

#include "money.h"

#include <QScopedValueRollback>

namespace casebook {

QString pivotQuery(const char *field, const QString &value)
{
    if (value.isEmpty())
        return {};
    QString v = value;
    v.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
    return QString::fromLatin1(field) + QStringLiteral(":\"") + v + u'"';
}

namespace {
QString pivot(const char *field, const QString &value) { return pivotQuery(field, value); }
} // namespace

SearchResultModel::SearchResultModel(SqliteDb &db, QObject *parent)
    : QAbstractTableModel(parent)
    , m_service(db)
{
}

Status SearchResultModel::setSearch(const CompiledSearch &search, SearchSort sort)
{
    const QScopedValueRollback guard(m_changing, true);
    beginResetModel();
    m_search = search;
    m_sort = sort;
    m_hits.clear();
    m_counts = {};
    m_atEnd = true;
    auto counts = m_service.count(search);
    if (!counts) {
        m_search.reset();
        endResetModel();
        Q_EMIT countsChanged();
        Q_EMIT searchFailed(counts.error().text());
        return counts.error();
    }
    m_counts = *counts;
    auto first = m_service.page(search, sort, nullptr, kBatchSize);
    if (!first) {
        m_search.reset();
        m_counts = {};
        endResetModel();
        Q_EMIT countsChanged();
        Q_EMIT searchFailed(first.error().text());
        return first.error();
    }
    m_hits = *first;
    m_atEnd = m_hits.size() < kBatchSize;
    endResetModel();
    Q_EMIT countsChanged();
    return ok();
}

Status SearchResultModel::setSort(SearchSort sort)
{
    if (!m_search) {
        m_sort = sort;
        return ok();
    }
    const CompiledSearch s = *m_search;
    return setSearch(s, sort);
}

void SearchResultModel::clear()
{
    const QScopedValueRollback guard(m_changing, true);
    beginResetModel();
    m_search.reset();
    m_hits.clear();
    m_counts = {};
    m_atEnd = true;
    endResetModel();
    Q_EMIT countsChanged();
}

const SearchHit *SearchResultModel::hit(int row) const
{
    return row >= 0 && row < m_hits.size() ? &m_hits[row] : nullptr;
}

int SearchResultModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_hits.size()); }
int SearchResultModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

bool SearchResultModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_search && !m_atEnd && !m_changing;
}

void SearchResultModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    auto more = m_service.page(*m_search, m_sort, &m_hits.constLast(), kBatchSize);
    if (!more) {
        m_atEnd = true;
        Q_EMIT searchFailed(more.error().text());
        return;
    }
    m_atEnd = more->size() < kBatchSize;
    if (more->isEmpty())
        return;
    const QScopedValueRollback guard(m_changing, true);
    beginInsertRows({}, int(m_hits.size()), int(m_hits.size() + more->size() - 1));
    m_hits += *more;
    endInsertRows();
}

QVariant SearchResultModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SearchHit &h = m_hits[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return h.timestamp();
        case KindColumn:
            return h.kindName();
        case TenantColumn:
            return h.tenant;
        case IdColumn:
            return h.id;
        case AmountColumn:
            return h.kind == HitKind::Transaction ? money::format(h.amountE4, h.currency.toLatin1()) + u' ' + h.currency : QString();
        case SummaryColumn:
            return h.summary();
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == AmountColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case KindRole:
        return int(h.kind);
    case RowIdRole:
        return qint64(h.rowId);
    case TenantRole:
        return h.tenant;
    case UtcMsRole:
        return qint64(h.utcMs);
    case AmountE4Role:
        return qint64(h.amountE4);
    case SearchQueryRole:
        if (index.column() == TenantColumn)
            return pivot("tenant", h.tenant);
        if (h.kind == HitKind::Event)
            return pivot("actor", h.actor);
        return pivot("account", h.creditorAccount.isEmpty() ? h.debtorAccount : h.creditorAccount);
    }
    return {};
}

QVariant SearchResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case KindColumn:
        return tr("Kind");
    case TenantColumn:
        return tr("Institution");
    case IdColumn:
        return tr("Id");
    case AmountColumn:
        return tr("Amount");
    case SummaryColumn:
        return tr("Details");
    }
    return {};
}

} // namespace casebook
