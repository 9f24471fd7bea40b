// SPDX-License-Identifier: GPL-3.0-or-later
#include "recordtablemodel.h"

#include <QCoreApplication>
#include <QDateTime>

namespace casebook {

QTimeZone DisplayZone::zoneFor(const QString &tenant) const
{
    switch (mode) {
    case Mode::Utc:
        return QTimeZone::utc();
    case Mode::System:
        return QTimeZone::systemTimeZone();
    case Mode::Named:
        return zone.isValid() ? zone : QTimeZone::utc();
    case Mode::Institution: {
        const auto it = tenantZones.constFind(tenant);
        return it != tenantZones.constEnd() && it->isValid() ? *it : QTimeZone::utc();
    }
    }
    return QTimeZone::utc();
}

QString DisplayZone::format(int64_t utcMs, const QString &tenant) const
{
    const QTimeZone z = zoneFor(tenant);
    const QDateTime dt = QDateTime::fromMSecsSinceEpoch(utcMs, z);
    const int off = z.offsetFromUtc(dt);
    const int a = std::abs(off) / 60;
    QString text = dt.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz "));
    text += off < 0 ? u'-' : u'+';
    text += QString::number(a / 60).rightJustified(2, u'0') + u':' + QString::number(a % 60).rightJustified(2, u'0');
    return text;
}

QString DisplayZone::label() const
{
    switch (mode) {
    case Mode::Utc:
        return QStringLiteral("UTC");
    case Mode::Institution:
        return QCoreApplication::translate("DisplayZone", "Institution's zone");
    case Mode::System:
        return QString::fromUtf8(QTimeZone::systemTimeZoneId());
    case Mode::Named:
        return QString::fromUtf8(zone.id());
    }
    return {};
}

RecordTableModel::RecordTableModel(RecordKind kind, QObject *parent)
    : QAbstractTableModel(parent)
    , m_kind(kind)
{
    qRegisterMetaType<casebook::GridQuery>();
    qRegisterMetaType<casebook::PageRequest>();
    qRegisterMetaType<QVector<casebook::RecordRow>>();
    qRegisterMetaType<QVector<casebook::SortKey>>();
    m_query.kind = kind;
    m_query.sortColumn = kTimeColumn;
    m_loader = new PageLoader;
    m_loader->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_loader, &QObject::deleteLater);
    connect(m_loader, &PageLoader::counted, this, &RecordTableModel::onCounted);
    connect(m_loader, &PageLoader::anchorsReady, this, &RecordTableModel::onAnchors);
    connect(m_loader, &PageLoader::pageLoaded, this, &RecordTableModel::onPage);
    connect(m_loader, &PageLoader::failed, this, [this](quint64 g, const QString &msg) {
        if (g == m_generation)
            Q_EMIT loadFailed(msg);
    });
    m_thread.setObjectName(QStringLiteral("RecordTableModel loader"));
    m_thread.start();
    m_indexer = new PageLoader;
    m_indexer->moveToThread(&m_indexThread);
    connect(&m_indexThread, &QThread::finished, m_indexer, &QObject::deleteLater);
    connect(m_indexer, &PageLoader::anchorsReady, this, &RecordTableModel::onAnchors);
    m_indexThread.setObjectName(QStringLiteral("RecordTableModel indexer"));
    m_indexThread.start();
}

RecordTableModel::~RecordTableModel()
{
    // Stop the worker before the model goes: a scan in progress checks the generation and returns.
    m_loader->setGeneration(~quint64(0));
    m_indexer->setGeneration(~quint64(0));
    m_thread.quit();
    m_indexThread.quit();
    m_thread.wait();
    m_indexThread.wait();
}

void RecordTableModel::setWorkspace(const QString &path)
{
    m_path = path;
    QMetaObject::invokeMethod(m_loader, [l = m_loader, path] { l->open(path); }, Qt::QueuedConnection);
    QMetaObject::invokeMethod(m_indexer, [l = m_indexer, path] { l->open(path); }, Qt::QueuedConnection);
    restart();
}

void RecordTableModel::setFilter(const RecordFilter &filter)
{
    if (filter == m_query.filter)
        return;
    m_query.filter = filter;
    restart();
}

void RecordTableModel::setDisplayZone(const DisplayZone &zone)
{
    m_zone = zone;
    if (m_rows > 0)
        Q_EMIT dataChanged(index(0, kTimeColumn), index(m_rows - 1, kTimeColumn), { Qt::DisplayRole });
    Q_EMIT headerDataChanged(Qt::Horizontal, kTimeColumn, kTimeColumn);
}

void RecordTableModel::reload() { restart(); }

bool RecordTableModel::isSortable(int column) const
{
    const auto &cols = recordColumns(m_kind);
    return column >= 0 && column < cols.size() && cols[column].sortSql;
}

void RecordTableModel::sort(int column, Qt::SortOrder order)
{
    if (!isSortable(column))
        return;
    const bool desc = order == Qt::DescendingOrder;
    if (column == m_query.sortColumn && desc == m_query.descending)
        return;
    m_query.sortColumn = column;
    m_query.descending = desc;
    restart();
}

void RecordTableModel::restart()
{
    beginResetModel();
    ++m_generation;
    m_rows = 0;
    m_pages.clear();
    m_pending.clear();
    m_waiting.clear();
    m_anchors.clear();
    m_anchorsRequested = false;
    endResetModel();
    m_loader->setGeneration(m_generation);
    m_indexer->setGeneration(m_generation);
    if (m_path.isEmpty())
        return;
    QMetaObject::invokeMethod(m_loader, [l = m_loader, g = m_generation, q = m_query] { l->count(g, q); }, Qt::QueuedConnection);
}

void RecordTableModel::requestAnchors() const
{
    // One index scan (about 70 ms per million rows) lets any page be fetched directly. It runs on its
    // own thread after the first page (or when a jump needs it), so no page fetch queues behind it.
    if (m_anchorsRequested || m_rows <= kPageSize)
        return;
    m_anchorsRequested = true;
    QMetaObject::invokeMethod(
        m_indexer, [l = m_indexer, g = m_generation, q = m_query] { l->buildAnchors(g, q, kPageSize); }, Qt::QueuedConnection);
}

void RecordTableModel::onCounted(quint64 generation, qint64 rows)
{
    if (generation != m_generation)
        return;
    const int n = int(std::min<qint64>(rows, std::numeric_limits<int>::max()));
    if (n > 0) {
        beginInsertRows({}, 0, n - 1);
        m_rows = n;
        endInsertRows();
    }
    Q_EMIT countAvailable(rows);
}

void RecordTableModel::onAnchors(quint64 generation, const QVector<SortKey> &anchors)
{
    if (generation != m_generation)
        return;
    m_anchors = anchors;
    const QSet<int> waiting = std::exchange(m_waiting, {});
    for (int p : waiting)
        requestPage(p);
}

void RecordTableModel::requestPage(int page) const
{
    if (m_pending.contains(page) || page < 0 || page > lastPage())
        return;
    PageRequest r;
    r.generation = m_generation;
    r.page = page;
    r.limit = kPageSize;
    const auto prev = m_pages.constFind(page - 1);
    const auto next = m_pages.constFind(page + 1);
    if (page == 0) {
        r.mode = PageRequest::Mode::First;
    } else if (page < m_anchors.size()) {
        r.mode = PageRequest::Mode::AtOrAfter;
        r.key = m_anchors[page];
    } else if (prev != m_pages.constEnd() && !prev->rows.isEmpty()) {
        r.mode = PageRequest::Mode::After;
        r.key = prev->rows.constLast().key;
    } else if (next != m_pages.constEnd() && !next->rows.isEmpty()) {
        r.mode = PageRequest::Mode::Before;
        r.key = next->rows.constFirst().key;
    } else if (page == lastPage()) {
        r.mode = PageRequest::Mode::Last;
        r.limit = m_rows - page * kPageSize;
    } else {
        m_waiting.insert(page); // needs the anchors
        requestAnchors();
        return;
    }
    m_pending.insert(page);
    QMetaObject::invokeMethod(
        m_loader, [l = m_loader, q = m_query, r] { l->fetch(q, r); }, Qt::QueuedConnection);
}

void RecordTableModel::onPage(quint64 generation, int page, const QVector<RecordRow> &rows)
{
    if (generation != m_generation)
        return;
    m_pending.remove(page);
    m_pages.insert(page, { rows, ++m_useClock });
    requestAnchors();
    evict();
    const int first = page * kPageSize;
    const int last = std::min(first + kPageSize, m_rows) - 1;
    if (first <= last)
        Q_EMIT dataChanged(index(first, 0), index(last, columnCount() - 1));
    Q_EMIT pageAvailable(page);
}

void RecordTableModel::evict()
{
    while (m_pages.size() > kMaxCachedPages) {
        auto oldest = m_pages.begin();
        for (auto it = m_pages.begin(); it != m_pages.end(); ++it)
            if (it->lastUse < oldest->lastUse)
                oldest = it;
        m_pages.erase(oldest);
    }
}

int RecordTableModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : m_rows; }

int RecordTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(recordColumns(m_kind).size());
}

QVariant RecordTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const int page = index.row() / kPageSize;
    const auto it = m_pages.find(page);
    if (it == m_pages.end() || index.row() - page * kPageSize >= it->rows.size()) {
        if (it == m_pages.end())
            requestPage(page);
        if (role == LoadedRole)
            return false;
        if (role == Qt::DisplayRole && index.column() == kTimeColumn)
            return tr("loading…");
        return {};
    }
    it->lastUse = ++m_useClock;
    const RecordRow &row = it->rows[index.row() - page * kPageSize];
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        if (index.column() == kTimeColumn)
            return m_zone.format(row.utcMs, row.tenant);
        return row.cells.value(index.column());
    case Qt::TextAlignmentRole:
        if (m_kind == RecordKind::Transaction && index.column() == 7)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RecordIdRole:
        return qint64(row.id);
    case TenantRole:
        return row.tenant;
    case SeverityRole:
        return row.severity;
    case UtcMsRole:
        return qint64(row.utcMs);
    case LoadedRole:
        return true;
    }
    return {};
}

QVariant RecordTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    const auto &cols = recordColumns(m_kind);
    if (section < 0 || section >= cols.size())
        return {};
    QString title = QCoreApplication::translate("RecordTableModel", cols[section].title);
    if (section == kTimeColumn)
        title += u" (" + m_zone.label() + u')';
    return title;
}

} // namespace casebook
