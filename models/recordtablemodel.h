// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pageloader.h"
#include "recordquery.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QThread>
#include <QTimeZone>

namespace casebook {

/// How times are shown: in UTC, in each record's institution's default zone, in this computer's
/// zone, or in one chosen IANA zone. The offset is always shown next to the time.
struct DisplayZone
{
    enum class Mode { Utc, Institution, System, Named };
    Mode mode = Mode::Utc;
    QTimeZone zone; ///< for Named
    QHash<QString, QTimeZone> tenantZones; ///< for Institution: tenant id → its default zone

    /// The zone a record of `tenant` is shown in.
    QTimeZone zoneFor(const QString &tenant) const;
    /// "2026-01-05 09:31:02.125 +08:00"
    QString format(int64_t utcMs, const QString &tenant) const;
    QString label() const;
};

/// A grid over every event or transaction of a workspace (millions of rows) as a windowed model
/// (STYLE 23): rowCount comes from a background count, data() serves a page cache and a miss queues
/// an asynchronous keyset fetch of that page (no OFFSET) while a placeholder is shown; dataChanged
/// fires when the page lands. Sorting and filtering happen in SQL. Memory is bounded by a fixed
/// number of cached pages. GUI thread only; the queries run on an internal worker thread with their
/// own read-only connection.
class RecordTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Roles {
        RecordIdRole = Qt::UserRole, ///< qint64 row id in events/transactions
        TenantRole, ///< QString
        SeverityRole, ///< int: 0 normal, 1 failure/rejected, 2 denied
        UtcMsRole, ///< qint64
        LoadedRole, ///< bool: false while the row's page is being fetched
    };
    static constexpr int kPageSize = 256;
    static constexpr int kMaxCachedPages = 96;

    explicit RecordTableModel(RecordKind kind, QObject *parent = nullptr);
    ~RecordTableModel() override;

    RecordKind kind() const { return m_kind; }
    /// Opens `path` read-only in the worker and reloads. Empty path: no workspace, no rows.
    void setWorkspace(const QString &path);
    void setFilter(const RecordFilter &filter);
    const RecordFilter &filter() const { return m_query.filter; }
    void setDisplayZone(const DisplayZone &zone);
    const DisplayZone &displayZone() const { return m_zone; }
    /// Re-reads counts and pages (after an import).
    void reload();

    /// True when `column` can be sorted (in SQL, backed by an index).
    bool isSortable(int column) const;
    int sortColumn() const { return m_query.sortColumn; }
    Qt::SortOrder sortOrder() const { return m_query.descending ? Qt::DescendingOrder : Qt::AscendingOrder; }
    /// Number of pages currently cached (for tests and memory checks).
    int cachedPages() const { return int(m_pages.size()); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

Q_SIGNALS:
    void countAvailable(qint64 rows);
    void pageAvailable(int page);
    void loadFailed(const QString &message);

private:
    struct Page
    {
        QVector<RecordRow> rows;
        quint64 lastUse = 0;
    };
    void restart();
    void requestPage(int page) const;
    void onCounted(quint64 generation, qint64 rows);
    void onAnchors(quint64 generation, const QVector<SortKey> &anchors);
    void onPage(quint64 generation, int page, const QVector<RecordRow> &rows);
    void evict();
    int lastPage() const { return m_rows == 0 ? -1 : (m_rows - 1) / kPageSize; }

    RecordKind m_kind;
    QString m_path;
    GridQuery m_query;
    DisplayZone m_zone;
    quint64 m_generation = 0;
    int m_rows = 0;
    QVector<SortKey> m_anchors;
    mutable bool m_anchorsRequested = false;
    void requestAnchors() const;
    // Mutable: data() is const but fills the cache on demand (a miss schedules a fetch).
    mutable QHash<int, Page> m_pages;
    mutable QSet<int> m_pending;
    mutable QSet<int> m_waiting; ///< pages that need the anchors first
    mutable quint64 m_useClock = 0;
    QThread m_thread; ///< counts and page fetches
    PageLoader *m_loader = nullptr;
    QThread m_indexThread; ///< the anchor scan, on its own connection so it never delays a page
    PageLoader *m_indexer = nullptr;
};

} // namespace casebook
