// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "searchservice.h"

#include <QAbstractTableModel>

namespace casebook {

class SqliteDb;

/// Search hits as a growing table: setSearch() counts the hits (facets) and loads the first batch;
/// the view pulls further batches with fetchMore() (keyset paging, so batch N costs the same as
/// batch 1). GUI thread only; `db` must outlive the model. A batch is a few milliseconds of SQL on an
/// indexed workspace, so it runs synchronously; counting runs once per search.
class SearchResultModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns { TimeColumn, KindColumn, TenantColumn, IdColumn, AmountColumn, SummaryColumn, ColumnCount };
    enum Roles {
        KindRole = Qt::UserRole, ///< int (HitKind)
        RowIdRole, ///< qint64: events.id / transactions.id
        TenantRole, ///< QString
        UtcMsRole, ///< qint64
        AmountE4Role, ///< qint64, -1 for events
        SearchQueryRole, ///< QString: a query that pivots on the cell's entity (account, actor, IP, name), or empty
    };
    static constexpr int kBatchSize = 200;

    explicit SearchResultModel(SqliteDb &db, QObject *parent = nullptr);

    /// Runs `search` (resets the model). On error the model is empty and the error returned.
    Status setSearch(const CompiledSearch &search, SearchSort sort = SearchSort::TimeDesc);
    /// Re-runs the current search in another order.
    Status setSort(SearchSort sort);
    void clear();

    SearchSort sort() const { return m_sort; }
    const SearchCounts &counts() const { return m_counts; }
    int64_t totalHits() const { return m_counts.total(); }
    /// The hit in `row`, or null.
    const SearchHit *hit(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void countsChanged();
    void searchFailed(const QString &message);

private:
    SearchService m_service;
    std::optional<CompiledSearch> m_search;
    SearchSort m_sort = SearchSort::TimeDesc;
    SearchCounts m_counts;
    QVector<SearchHit> m_hits;
    bool m_atEnd = true;
    bool m_changing = false; ///< inside a reset or insert: fetchMore() from a slot of that change is a no-op
};

} // namespace casebook
