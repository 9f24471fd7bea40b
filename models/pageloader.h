// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "recordquery.h"

#include <QObject>

#include <atomic>
#include <memory>

namespace casebook {

class SqliteDb;

/// What to fetch: the rows after / at-or-after / before a key in display order, or the first or last
/// rows of the result.
struct PageRequest
{
    enum class Mode { First, After, AtOrAfter, Before, Last };
    quint64 generation = 0;
    int page = 0;
    Mode mode = Mode::First;
    SortKey key;
    int limit = 0;
};

/// The query a grid runs. `sortColumn` must be sortable (RecordColumn::sortSql non-null).
struct GridQuery
{
    RecordKind kind = RecordKind::Event;
    RecordFilter filter;
    int sortColumn = kTimeColumn;
    bool descending = false;
};

/// Runs grid queries on its own thread with its own read-only connection (STYLE 16). Lives in a
/// worker thread: call its slots through queued connections only. Results carry the generation they
/// were asked for; a newer `setGeneration` makes long scans (anchors) stop early.
class PageLoader : public QObject
{
    Q_OBJECT
public:
    explicit PageLoader(QObject *parent = nullptr);
    ~PageLoader() override;

    /// Thread-safe: the newest generation the owner cares about.
    void setGeneration(quint64 g) { m_latest.store(g); }

public Q_SLOTS:
    void open(const QString &workspacePath);
    /// Counts the rows (emits counted).
    void count(quint64 generation, const casebook::GridQuery &query);
    /// Scans the sort index once to record the key of every `pageSize`-th row (emits anchorsReady).
    /// Asked for only after the first page, so the first page never waits for it.
    void buildAnchors(quint64 generation, const casebook::GridQuery &query, int pageSize);
    void fetch(const casebook::GridQuery &query, const casebook::PageRequest &request);

Q_SIGNALS:
    void failed(quint64 generation, const QString &message);
    void counted(quint64 generation, qint64 rows);
    void anchorsReady(quint64 generation, const QVector<casebook::SortKey> &anchors);
    void pageLoaded(quint64 generation, int page, const QVector<casebook::RecordRow> &rows);

private:
    std::unique_ptr<SqliteDb> m_db;
    std::atomic<quint64> m_latest { 0 };
};

} // namespace casebook

Q_DECLARE_METATYPE(casebook::PageRequest)
Q_DECLARE_METATYPE(casebook::GridQuery)
