// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "searchservice.h"

#include <QObject>

#include <atomic>
#include <memory>
#include <optional>

namespace casebook {

class Workspace;

/// Which page of hits to read: the first, the one after / before a key, or the last.
struct SearchPageRequest
{
    enum class Mode { First, After, Before, Last };
    quint64 generation = 0;
    int page = 0;
    Mode mode = Mode::First;
    SearchKey key; ///< After: continue strictly after it; Before: end strictly before it
    int limit = 0;
};

/// Runs searches on its own thread with its own read-only workspace connection (search extensions
/// registered, STYLE 16). Lives in a worker thread: call its slots through queued connections only.
///
/// Every job carries the generation it was asked for. The owner publishes the newest generation it
/// cares about with setGeneration() (thread-safe); a job of an older generation is skipped, and a
/// running statement is interrupted by an SQLite progress handler within a few thousand VM steps, so
/// a superseded or stopped count never keeps the thread busy. Results of such jobs are not emitted.
class SearchLoader : public QObject
{
    Q_OBJECT
public:
    explicit SearchLoader(QObject *parent = nullptr);
    ~SearchLoader() override;

    /// Thread-safe: the newest generation the owner cares about; anything else stops.
    void setGeneration(quint64 g) { m_latest.store(g); }

public Q_SLOTS:
    /// Opens `workspacePath` read-only (empty: closes).
    void open(const QString &workspacePath);
    /// Hits per institution and kind (emits counted).
    void count(quint64 generation, const casebook::CompiledSearch &search);
    /// Keys to reach any page directly (emits keysReady); see SearchService::pageKeys.
    void buildKeys(quint64 generation, const casebook::CompiledSearch &search, casebook::SearchSort sort, int pageSize);
    /// One page of hits in display order (emits pageLoaded).
    void fetch(const casebook::CompiledSearch &search, casebook::SearchSort sort, const casebook::SearchPageRequest &request);

Q_SIGNALS:
    void failed(quint64 generation, const QString &message);
    void counted(quint64 generation, const casebook::SearchCounts &counts);
    void keysReady(quint64 generation, const QVector<casebook::SearchKey> &keys);
    void pageLoaded(quint64 generation, int page, const QVector<casebook::SearchHit> &hits);

private:
    bool stale() const { return m_current != m_latest.load(std::memory_order_relaxed); }
    /// Starts job `generation`; false when it is already superseded or nothing is open.
    bool begin(quint64 generation);
    void fail(const Error &error);
    static int progress(void *self);

    std::unique_ptr<Workspace> m_ws;
    std::atomic<quint64> m_latest { 0 };
    quint64 m_current = 0; ///< the job being run (worker thread only)
};

} // namespace casebook

Q_DECLARE_METATYPE(casebook::SearchPageRequest)
Q_DECLARE_METATYPE(casebook::CompiledSearch)
Q_DECLARE_METATYPE(casebook::SearchCounts)
Q_DECLARE_METATYPE(casebook::SearchSort)
