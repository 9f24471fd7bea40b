// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "recordtablemodel.h"
#include "searchloader.h"
#include "searchservice.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QThread>

#include <optional>

namespace casebook {

/// Search hits as a windowed table (STYLE 23), with every query off the GUI thread.
///
/// setSearch() returns at once. Two worker threads, each with its own read-only connection to the
/// workspace (search extensions registered), do the work:
/// - the *pager* reads the first page, then any page the view asks for (keyset paging: a page is
///   fetched after the previous page's last key, before the next page's first key, as the last page
///   read backwards, or after a key from the jump table);
/// - the *counter* counts the hits per institution and kind (facets) and then, for more than one
///   page of hits, reads the sort key of every hit once to build the jump table, so the scrollbar can
///   go anywhere in millions of hits.
///
/// Until the count arrives rowCount() is the number of hits loaded from the top, and the view pulls
/// further pages with fetchMore(); once it arrives rowCount() is the total and data() serves a page
/// cache (a miss queues a fetch and shows a placeholder; dataChanged fires when the page lands).
/// Memory is bounded by kMaxCachedPages.
///
/// Each search has a generation: a newer setSearch()/setSort()/clear() makes every result of older
/// ones be dropped and interrupts their statements (SQLite progress handler), so typing fast never
/// shows stale hits. cancel() stops the running search and keeps what has been loaded.
///
/// GUI thread only.
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
        LoadedRole, ///< bool: false while the row's page is being fetched
    };
    static constexpr int kPageSize = 256;
    static constexpr int kMaxCachedPages = 96;

    explicit SearchResultModel(QObject *parent = nullptr);
    ~SearchResultModel() override;

    /// Opens `path` read-only on the workers (empty: none) and clears the model.
    void setWorkspace(const QString &path);
    QString workspace() const { return m_path; }
    /// How the Time column shows times (as the grids: UTC, each institution's zone, this computer's,
    /// or a named zone; the offset always shown). Default: as the source stated them.
    void setDisplayZone(const std::optional<DisplayZone> &zone);

    /// Starts `search` (resets the model) and returns its generation. finished() follows when both the
    /// first page and the counts are in, or on failure (searchFailed() first), or on cancel().
    quint64 setSearch(const CompiledSearch &search, SearchSort sort = SearchSort::TimeDesc);
    /// Re-reads the current search in another order (the counts are kept).
    void setSort(SearchSort sort);
    /// Stops the running search: its count and pages are abandoned (their statements interrupted);
    /// the hits loaded so far stay, and further pages are still fetched when scrolled to.
    void cancel();
    void clear();

    const std::optional<CompiledSearch> &search() const { return m_search; }
    quint64 generation() const { return m_generation; }
    SearchSort sort() const { return m_sort; }
    /// True from setSearch() until finished().
    bool isBusy() const { return m_busy; }
    /// True when the last search was stopped with cancel() before its counts arrived.
    bool wasStopped() const { return m_stopped; }
    bool countsKnown() const { return m_countsKnown; }
    const SearchCounts &counts() const { return m_counts; }
    /// The total when counted, else the hits loaded so far.
    int64_t totalHits() const { return m_countsKnown ? m_counts.total() : m_rows; }
    /// The hit in `row`, or null when it is not loaded (yet).
    const SearchHit *hit(int row) const;
    /// Number of pages cached (tests, memory checks).
    int cachedPages() const { return int(m_pages.size()); }
    /// True once the jump table is built (any page can then be read directly).
    bool hasPageKeys() const { return m_keysReady; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    void countsChanged();
    void searchFailed(const QString &message);
    void busyChanged(bool busy);
    /// The search of `generation` has its first page and counts, failed, or was stopped.
    void finished(quint64 generation);
    void pageAvailable(int page);

private:
    std::optional<DisplayZone> m_zone;
    struct Page
    {
        QVector<SearchHit> hits;
        quint64 lastUse = 0;
    };
    void start(bool keepCounts);
    void publishGeneration();
    void requestPage(int page) const;
    void requestKeys() const;
    void onCounted(quint64 generation, const SearchCounts &counts);
    void onKeys(quint64 generation, const QVector<SearchKey> &keys);
    void onPage(quint64 generation, int page, const QVector<SearchHit> &hits);
    void onFailed(quint64 generation, const QString &message);
    void maybeFinish();
    void setBusy(bool busy);
    void evict() const;
    int lastPage() const { return m_rows == 0 ? -1 : (m_rows - 1) / kPageSize; }

    QString m_path;
    std::optional<CompiledSearch> m_search;
    SearchSort m_sort = SearchSort::TimeDesc;
    quint64 m_generation = 0;
    int m_rows = 0;
    SearchCounts m_counts;
    bool m_countsKnown = false;
    bool m_firstPageIn = false;
    bool m_atEnd = false; ///< count unknown, but a short page showed where the hits end
    bool m_busy = false;
    bool m_stopped = false;
    bool m_changing = false; ///< inside a reset or insert: fetchMore() from a slot of that change is a no-op
    QVector<SearchKey> m_keys; ///< m_keys[p - 1]: the key page p starts after
    mutable bool m_keysRequested = false;
    bool m_keysReady = false;
    // Mutable: data() is const but fills the cache on demand (a miss schedules a fetch).
    mutable QHash<int, Page> m_pages;
    mutable QSet<int> m_pending;
    mutable QSet<int> m_waiting; ///< pages that need the jump table first
    mutable quint64 m_useClock = 0;
    QThread m_pagerThread;
    SearchLoader *m_pager = nullptr;
    QThread m_counterThread;
    SearchLoader *m_counter = nullptr;
};

} // namespace casebook
