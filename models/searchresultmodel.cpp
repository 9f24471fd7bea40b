// SPDX-License-Identifier: GPL-3.0-or-later
#include "searchresultmodel.h"

#include "money.h"

#include <QScopedValueRollback>

#include <limits>
#include <tuple>

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

SearchResultModel::SearchResultModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    qRegisterMetaType<casebook::CompiledSearch>();
    qRegisterMetaType<casebook::SearchCounts>();
    qRegisterMetaType<casebook::SearchSort>();
    qRegisterMetaType<casebook::SearchPageRequest>();
    qRegisterMetaType<QVector<casebook::SearchHit>>();
    qRegisterMetaType<QVector<casebook::SearchKey>>();
    for (auto [loader, thread, name] : { std::tuple(&m_pager, &m_pagerThread, "SearchResultModel pager"),
                                         std::tuple(&m_counter, &m_counterThread, "SearchResultModel counter") }) {
        *loader = new SearchLoader;
        (*loader)->moveToThread(thread);
        connect(thread, &QThread::finished, *loader, &QObject::deleteLater);
        connect(*loader, &SearchLoader::failed, this, &SearchResultModel::onFailed);
        thread->setObjectName(QString::fromLatin1(name));
        thread->start();
    }
    connect(m_pager, &SearchLoader::pageLoaded, this, &SearchResultModel::onPage);
    connect(m_counter, &SearchLoader::counted, this, &SearchResultModel::onCounted);
    connect(m_counter, &SearchLoader::keysReady, this, &SearchResultModel::onKeys);
}

SearchResultModel::~SearchResultModel()
{
    // Interrupt whatever runs, then wait for the workers before the model goes (STYLE 20).
    m_pager->setGeneration(~quint64(0));
    m_counter->setGeneration(~quint64(0));
    m_pagerThread.quit();
    m_counterThread.quit();
    m_pagerThread.wait();
    m_counterThread.wait();
}

void SearchResultModel::setWorkspace(const QString &path)
{
    clear();
    m_path = path;
    for (SearchLoader *l : { m_pager, m_counter })
        QMetaObject::invokeMethod(l, [l, path] { l->open(path); }, Qt::QueuedConnection);
}

quint64 SearchResultModel::setSearch(const CompiledSearch &search, SearchSort sort)
{
    m_search = search;
    m_sort = sort;
    start(false);
    return m_generation;
}

void SearchResultModel::setSort(SearchSort sort)
{
    if (!m_search) {
        m_sort = sort;
        return;
    }
    if (sort == m_sort)
        return;
    m_sort = sort;
    start(m_countsKnown);
}

void SearchResultModel::publishGeneration()
{
    m_pager->setGeneration(m_generation);
    m_counter->setGeneration(m_generation);
}

void SearchResultModel::start(bool keepCounts)
{
    {
        const QScopedValueRollback guard(m_changing, true);
        beginResetModel();
        ++m_generation;
        m_pages.clear();
        m_pending.clear();
        m_waiting.clear();
        m_keys.clear();
        m_keysRequested = false;
        m_keysReady = false;
        m_firstPageIn = false;
        m_atEnd = false;
        m_stopped = false;
        if (!keepCounts) {
            m_counts = {};
            m_countsKnown = false;
        }
        m_rows = m_countsKnown ? int(std::min<int64_t>(m_counts.total(), std::numeric_limits<int>::max())) : 0;
        endResetModel();
    }
    publishGeneration();
    if (!keepCounts)
        Q_EMIT countsChanged();
    if (!m_search || m_path.isEmpty()) {
        setBusy(false);
        return;
    }
    setBusy(true);
    // The first page first, on its own thread: it never waits for the count.
    SearchPageRequest first;
    first.generation = m_generation;
    first.page = 0;
    first.limit = kPageSize;
    m_pending.insert(0);
    QMetaObject::invokeMethod(
        m_pager, [l = m_pager, s = *m_search, sort = m_sort, first] { l->fetch(s, sort, first); }, Qt::QueuedConnection);
    if (!m_countsKnown)
        QMetaObject::invokeMethod(
            m_counter, [l = m_counter, g = m_generation, s = *m_search] { l->count(g, s); }, Qt::QueuedConnection);
    else
        requestKeys();
}

void SearchResultModel::cancel()
{
    if (!m_busy)
        return;
    // A new generation for the same search: the running jobs see it and stop; pages loaded so far keep
    // serving, and pages asked for later are read under the new generation.
    ++m_generation;
    publishGeneration();
    m_pending.clear();
    m_waiting.clear();
    m_keysRequested = false;
    m_stopped = !m_countsKnown;
    setBusy(false);
    Q_EMIT finished(m_generation - 1);
    // Rows whose pages were on their way ask again (under the new generation) when repainted.
    if (m_rows > 0)
        Q_EMIT dataChanged(index(0, 0), index(m_rows - 1, ColumnCount - 1));
}

void SearchResultModel::clear()
{
    const QScopedValueRollback guard(m_changing, true);
    beginResetModel();
    ++m_generation;
    m_search.reset();
    m_pages.clear();
    m_pending.clear();
    m_waiting.clear();
    m_keys.clear();
    m_keysRequested = false;
    m_keysReady = false;
    m_counts = {};
    m_countsKnown = false;
    m_firstPageIn = false;
    m_atEnd = false;
    m_stopped = false;
    m_rows = 0;
    endResetModel();
    publishGeneration();
    setBusy(false);
    Q_EMIT countsChanged();
}

void SearchResultModel::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

void SearchResultModel::maybeFinish()
{
    if (m_busy && m_firstPageIn && m_countsKnown) {
        setBusy(false);
        Q_EMIT finished(m_generation);
    }
}

void SearchResultModel::requestKeys() const
{
    // One pass over the hits' sort keys lets any page be read directly. It runs on the counter's
    // thread, after the count, so no page fetch queues behind it.
    if (m_keysRequested || !m_search || m_rows <= kPageSize)
        return;
    m_keysRequested = true;
    QMetaObject::invokeMethod(
        m_counter, [l = m_counter, g = m_generation, s = *m_search, sort = m_sort] { l->buildKeys(g, s, sort, kPageSize); },
        Qt::QueuedConnection);
}

void SearchResultModel::onCounted(quint64 generation, const SearchCounts &counts)
{
    if (generation != m_generation)
        return;
    m_counts = counts;
    m_countsKnown = true;
    const int n = int(std::min<int64_t>(counts.total(), std::numeric_limits<int>::max()));
    // The count and the pages may come from different snapshots while an import commits: the count
    // wins, and a page shorter than it shows placeholders.
    if (n > m_rows) {
        const QScopedValueRollback guard(m_changing, true);
        beginInsertRows({}, m_rows, n - 1);
        m_rows = n;
        endInsertRows();
    } else if (n < m_rows) {
        const QScopedValueRollback guard(m_changing, true);
        beginRemoveRows({}, n, m_rows - 1);
        m_rows = n;
        endRemoveRows();
    }
    Q_EMIT countsChanged();
    requestKeys();
    maybeFinish();
}

void SearchResultModel::onKeys(quint64 generation, const QVector<SearchKey> &keys)
{
    if (generation != m_generation)
        return;
    m_keys = keys;
    m_keysReady = true;
    const QSet<int> waiting = std::exchange(m_waiting, {});
    for (int p : waiting)
        requestPage(p);
}

void SearchResultModel::onFailed(quint64 generation, const QString &message)
{
    if (generation != m_generation)
        return;
    m_pending.clear();
    Q_EMIT searchFailed(message);
    if (m_busy) {
        setBusy(false);
        Q_EMIT finished(m_generation);
    }
}

void SearchResultModel::requestPage(int page) const
{
    if (!m_search || m_pending.contains(page) || page < 0)
        return;
    if (m_countsKnown ? page > lastPage() : page * kPageSize > m_rows)
        return;
    SearchPageRequest r;
    r.generation = m_generation;
    r.page = page;
    r.limit = kPageSize;
    const auto prev = m_pages.constFind(page - 1);
    const auto next = m_pages.constFind(page + 1);
    if (page == 0) {
        r.mode = SearchPageRequest::Mode::First;
    } else if (page - 1 < m_keys.size()) {
        r.mode = SearchPageRequest::Mode::After;
        r.key = m_keys[page - 1];
    } else if (prev != m_pages.constEnd() && prev->hits.size() == kPageSize) {
        r.mode = SearchPageRequest::Mode::After;
        r.key = SearchKey::of(prev->hits.constLast(), m_sort);
    } else if (next != m_pages.constEnd() && !next->hits.isEmpty()) {
        r.mode = SearchPageRequest::Mode::Before;
        r.key = SearchKey::of(next->hits.constFirst(), m_sort);
    } else if (m_countsKnown && page == lastPage()) {
        r.mode = SearchPageRequest::Mode::Last;
        r.limit = m_rows - page * kPageSize;
    } else {
        m_waiting.insert(page); // needs the jump table, which follows the count
        if (m_countsKnown)
            requestKeys();
        return;
    }
    m_pending.insert(page);
    QMetaObject::invokeMethod(
        m_pager, [l = m_pager, s = *m_search, sort = m_sort, r] { l->fetch(s, sort, r); }, Qt::QueuedConnection);
}

void SearchResultModel::onPage(quint64 generation, int page, const QVector<SearchHit> &hits)
{
    if (generation != m_generation)
        return;
    m_pending.remove(page);
    m_pages.insert(page, { hits, ++m_useClock });
    evict();
    const int first = page * kPageSize;
    if (!m_countsKnown) {
        // Growing from the top until the count arrives.
        if (first == m_rows && !hits.isEmpty()) {
            const QScopedValueRollback guard(m_changing, true);
            beginInsertRows({}, m_rows, m_rows + int(hits.size()) - 1);
            m_rows += int(hits.size());
            endInsertRows();
        }
        if (first + hits.size() <= m_rows && hits.size() < kPageSize)
            m_atEnd = true;
    } else {
        const int last = std::min(first + kPageSize, m_rows) - 1;
        if (first <= last)
            Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
    }
    if (page == 0)
        m_firstPageIn = true;
    Q_EMIT pageAvailable(page);
    maybeFinish();
}

void SearchResultModel::evict() const
{
    while (m_pages.size() > kMaxCachedPages) {
        auto oldest = m_pages.begin();
        for (auto it = m_pages.begin(); it != m_pages.end(); ++it)
            if (it->lastUse < oldest->lastUse)
                oldest = it;
        m_pages.erase(oldest);
    }
}

const SearchHit *SearchResultModel::hit(int row) const
{
    if (row < 0 || row >= m_rows)
        return nullptr;
    const auto it = m_pages.constFind(row / kPageSize);
    if (it == m_pages.constEnd() || row % kPageSize >= it->hits.size())
        return nullptr;
    return &it->hits[row % kPageSize];
}

int SearchResultModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : m_rows; }
int SearchResultModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

bool SearchResultModel::canFetchMore(const QModelIndex &parent) const
{
    // Only while the count is unknown: afterwards rowCount() already is the total.
    return !parent.isValid() && m_search && !m_countsKnown && !m_atEnd && !m_changing && m_rows > 0
        && m_rows % kPageSize == 0 && !m_pending.contains(m_rows / kPageSize);
}

void SearchResultModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage(m_rows / kPageSize);
}

QVariant SearchResultModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int page = index.row() / kPageSize;
    const auto it = m_pages.find(page);
    if (it == m_pages.end() || index.row() % kPageSize >= it->hits.size()) {
        if (it == m_pages.end())
            requestPage(page);
        if (role == LoadedRole)
            return false;
        if (role == Qt::DisplayRole && index.column() == TimeColumn)
            return tr("loading…");
        return {};
    }
    it->lastUse = ++m_useClock;
    const SearchHit &h = it->hits[index.row() % kPageSize];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return m_zone ? m_zone->format(h.utcMs, h.tenant) : h.timestamp();
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
    case LoadedRole:
        return true;
    case SearchQueryRole:
        if (index.column() == TenantColumn)
            return pivot("tenant", h.tenant);
        if (h.kind == HitKind::Event)
            return pivot("actor", h.actor);
        return pivot("account", h.creditorAccount.isEmpty() ? h.debtorAccount : h.creditorAccount);
    }
    return {};
}

void SearchResultModel::setDisplayZone(const std::optional<DisplayZone> &zone)
{
    m_zone = zone;
    if (m_rows > 0)
        Q_EMIT dataChanged(index(0, TimeColumn), index(m_rows - 1, TimeColumn));
    Q_EMIT headerDataChanged(Qt::Horizontal, TimeColumn, TimeColumn);
}

QVariant SearchResultModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return m_zone ? tr("Time (%1)").arg(m_zone->label()) : tr("Time");
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
