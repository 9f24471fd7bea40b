// SPDX-License-Identifier: GPL-3.0-or-later
#include "searchloader.h"

#include "workspace.h"

#include <sqlite3.h>

#include <algorithm>

namespace casebook {

namespace {
/// VM instructions between two progress-handler calls: well under a millisecond of work, so a stop
/// takes effect at once, and rare enough to cost nothing measurable.
constexpr int kProgressSteps = 4000;
} // namespace

SearchLoader::SearchLoader(QObject *parent)
    : QObject(parent)
{
}

SearchLoader::~SearchLoader() = default;

int SearchLoader::progress(void *self) { return static_cast<SearchLoader *>(self)->stale() ? 1 : 0; }

void SearchLoader::open(const QString &workspacePath)
{
    m_ws.reset();
    if (workspacePath.isEmpty())
        return;
    auto ws = Workspace::openReadOnly(workspacePath); // registers the search extensions
    if (!ws) {
        Q_EMIT failed(m_latest.load(), ws.error().text());
        return;
    }
    m_ws = std::make_unique<Workspace>(std::move(*ws));
    sqlite3_progress_handler(m_ws->db().handle(), kProgressSteps, &SearchLoader::progress, this);
}

bool SearchLoader::begin(quint64 generation)
{
    m_current = generation;
    return m_ws && !stale();
}

void SearchLoader::fail(const Error &error)
{
    if (!stale()) // an interrupted statement of a superseded job is not an error anyone wants to see
        Q_EMIT failed(m_current, error.text());
}

void SearchLoader::count(quint64 generation, const CompiledSearch &search)
{
    if (!begin(generation))
        return;
    auto counts = SearchService(m_ws->db()).count(search);
    if (!counts)
        return fail(counts.error());
    if (!stale())
        Q_EMIT counted(generation, *counts);
}

void SearchLoader::buildKeys(quint64 generation, const CompiledSearch &search, SearchSort sort, int pageSize)
{
    if (!begin(generation))
        return;
    auto keys = SearchService(m_ws->db()).pageKeys(search, sort, pageSize, [this] { return stale(); });
    if (!keys)
        return fail(keys.error());
    if (!stale())
        Q_EMIT keysReady(generation, *keys);
}

void SearchLoader::fetch(const CompiledSearch &search, SearchSort sort, const SearchPageRequest &r)
{
    if (!begin(r.generation))
        return;
    SearchService service(m_ws->db());
    Result<QVector<SearchHit>> hits = QVector<SearchHit>();
    switch (r.mode) {
    case SearchPageRequest::Mode::First:
        hits = service.page(search, sort, std::optional<SearchKey>(), r.limit);
        break;
    case SearchPageRequest::Mode::After:
        hits = service.page(search, sort, std::optional<SearchKey>(r.key), r.limit);
        break;
    case SearchPageRequest::Mode::Before:
    case SearchPageRequest::Mode::Last:
        // Read backwards in the exact reverse order, then turn the rows round.
        hits = service.page(search, SearchService::reversed(sort),
                            r.mode == SearchPageRequest::Mode::Before ? std::optional<SearchKey>(r.key) : std::nullopt, r.limit);
        if (hits)
            std::reverse(hits->begin(), hits->end());
        break;
    }
    if (!hits)
        return fail(hits.error());
    if (!stale())
        Q_EMIT pageLoaded(r.generation, r.page, *hits);
}

} // namespace casebook
