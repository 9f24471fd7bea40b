// SPDX-License-Identifier: GPL-3.0-or-later
#include "pageloader.h"

#include "money.h"
#include "sqlitedb.h"

#include <QCoreApplication>

#include <sqlite3.h>

#include <algorithm>

namespace casebook {

const QVector<RecordColumn> &recordColumns(RecordKind kind)
{
    static const QVector<RecordColumn> events = {
        { QT_TRANSLATE_NOOP("RecordTableModel", "Time"), "ts_utc_ms", "ts_utc_ms", false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Institution"), "tenant_id", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Event ID"), "event_id", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Actor"), "actor", "actor", false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Name"), "actor_name", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Role"), "actor_role", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Action"), "action", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Resource"), "resource", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Outcome"), "outcome", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Source IP"), "source_ip", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Session"), "session_id", nullptr, false },
    };
    static const QVector<RecordColumn> transactions = {
        { QT_TRANSLATE_NOOP("RecordTableModel", "Time"), "ts_utc_ms", "ts_utc_ms", false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Institution"), "tenant_id", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Txn ID"), "txn_id", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Debtor account"), "debtor_account", "debtor_account", true },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Debtor"), "debtor_name", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Creditor account"), "creditor_account", "creditor_account", true },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Creditor"), "creditor_name", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Amount"), "amount_e4", "amount_e4", false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Currency"), "currency", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Channel"), "channel", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Status"), "status", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Reference"), "reference", nullptr, false },
        { QT_TRANSLATE_NOOP("RecordTableModel", "Memo"), "memo", nullptr, false },
    };
    return kind == RecordKind::Event ? events : transactions;
}

namespace {

constexpr int kAmountColumn = 7; // transactions
constexpr int kCurrencyColumn = 8;

const char *table(RecordKind k) { return k == RecordKind::Event ? "events" : "transactions"; }

struct Sql
{
    QByteArray text;
    // Parameters in order: tenants..., from, to (when a time range), then key value/id, then limit.
};

QByteArray filterSql(const RecordFilter &f)
{
    QByteArray w = " WHERE 1";
    if (!f.tenants.isEmpty()) {
        w += " AND tenant_id IN (";
        for (int i = 0; i < f.tenants.size(); ++i)
            w += i ? ",?" : "?";
        w += ")";
    }
    if (f.hasTimeRange())
        w += " AND ts_utc_ms >= ? AND ts_utc_ms < ?";
    return w;
}

int bindFilter(Statement &st, const RecordFilter &f)
{
    int i = 1;
    for (const QString &t : f.tenants)
        st.bind(i++, t);
    if (f.hasTimeRange()) {
        st.bind(i++, f.fromUtcMs);
        st.bind(i++, f.toUtcMs);
    }
    return i;
}

void bindKeyValue(Statement &st, int i, const QVariant &v)
{
    if (v.isNull())
        st.bindNull(i);
    else if (v.typeId() == QMetaType::LongLong)
        st.bind(i, qint64(v.toLongLong()));
    else
        st.bind(i, v.toString());
}

QVariant columnValue(const Statement &st, int c)
{
    switch (sqlite3_column_type(st.handle(), c)) {
    case SQLITE_NULL:
        return {};
    case SQLITE_INTEGER:
        return QVariant(qint64(st.columnInt(c)));
    default:
        return st.columnText(c);
    }
}

/// Key condition for rows strictly after (or at-or-after) `key` in the direction rows are read.
/// `greater` is the comparison direction of that read order. SQLite orders NULL first ascending and
/// last descending, so a nullable key needs the NULL region spelled out (row values compare NULL as
/// unknown).
QByteArray keyCondition(const QByteArray &k, bool nullable, bool greater, bool inclusive, bool keyIsNull)
{
    const QByteArray op = QByteArray(greater ? ">" : "<") + (inclusive ? "=" : "");
    if (!nullable)
        return " AND (" + k + ", id) " + op + " (?, ?)";
    // Ascending read: NULLs come first. Descending read: NULLs come last.
    if (greater) {
        if (keyIsNull)
            return " AND ((" + k + " IS NULL AND id " + op + " ?2x) OR " + k + " IS NOT NULL)";
        return " AND (" + k + ", id) " + op + " (?, ?)";
    }
    if (keyIsNull)
        return " AND (" + k + " IS NULL AND id " + op + " ?2x)";
    return " AND ((" + k + ", id) " + op + " (?, ?) OR " + k + " IS NULL)";
}

} // namespace

PageLoader::PageLoader(QObject *parent)
    : QObject(parent)
{
}

PageLoader::~PageLoader() = default;

void PageLoader::open(const QString &workspacePath)
{
    auto db = SqliteDb::open(workspacePath, SqliteDb::Mode::ReadOnly);
    if (!db) {
        m_db.reset();
        Q_EMIT failed(m_latest.load(), db.error().text());
        return;
    }
    m_db = std::make_unique<SqliteDb>(std::move(*db));
}

void PageLoader::count(quint64 generation, const GridQuery &q)
{
    if (!m_db || generation != m_latest.load())
        return;
    // Without a time range the counts kept per archive answer at once; otherwise the (tenant, time)
    // or (time) index answers.
    qint64 rows = 0;
    if (!q.filter.hasTimeRange()) {
        QByteArray sql = QByteArray("SELECT coalesce(sum(") + (q.kind == RecordKind::Event ? "events" : "transactions")
            + "), 0) FROM archives" + filterSql(q.filter);
        auto st = m_db->prepare(sql);
        if (!st) {
            Q_EMIT failed(generation, st.error().text());
            return;
        }
        bindFilter(*st, q.filter);
        if (st->step() == Statement::StepResult::Row)
            rows = st->columnInt(0);
    } else {
        auto st = m_db->prepare(QByteArray(QByteArray("SELECT count(*) FROM ") + table(q.kind) + filterSql(q.filter)));
        if (!st) {
            Q_EMIT failed(generation, st.error().text());
            return;
        }
        bindFilter(*st, q.filter);
        if (st->step() == Statement::StepResult::Row)
            rows = st->columnInt(0);
    }
    Q_EMIT counted(generation, rows);
}

void PageLoader::buildAnchors(quint64 generation, const GridQuery &q, int pageSize)
{
    if (!m_db || generation != m_latest.load())
        return;
    const RecordColumn &sortCol = recordColumns(q.kind)[q.sortColumn];

    // One pass over the sort index records the key of every pageSize-th row: afterwards any page can
    // be fetched directly by keyset, so the scrollbar can jump anywhere.
    const QByteArray dir = q.descending ? " DESC" : "";
    const QByteArray sql = "SELECT " + QByteArray(sortCol.sortSql) + ", id FROM " + table(q.kind) + filterSql(q.filter)
        + " ORDER BY " + sortCol.sortSql + dir + ", id" + dir;
    auto st = m_db->prepare(sql);
    if (!st) {
        Q_EMIT failed(generation, st.error().text());
        return;
    }
    bindFilter(*st, q.filter);
    QVector<SortKey> anchors;
    qint64 n = 0;
    while (st->step() == Statement::StepResult::Row) {
        if (n % pageSize == 0) {
            anchors.push_back({ columnValue(*st, 0), st->columnInt(1) });
            if (generation != m_latest.load(std::memory_order_relaxed))
                return; // superseded
        }
        ++n;
    }
    Q_EMIT anchorsReady(generation, anchors);
}

void PageLoader::fetch(const GridQuery &q, const PageRequest &r)
{
    if (!m_db || r.generation != m_latest.load())
        return;
    const QVector<RecordColumn> &cols = recordColumns(q.kind);
    const RecordColumn &sortCol = cols[q.sortColumn];
    const QByteArray k = sortCol.sortSql;

    // Read order: display order, except for Before/Last which read backwards and reverse.
    const bool backwards = r.mode == PageRequest::Mode::Before || r.mode == PageRequest::Mode::Last;
    const bool readDescending = q.descending != backwards;
    QByteArray sql = "SELECT id, tenant_id, ts_utc_ms, ts_offset_s";
    for (int c = 2; c < cols.size(); ++c)
        sql += QByteArray(", ") + cols[c].sql;
    if (q.kind == RecordKind::Event)
        sql += ", outcome";
    else
        sql += ", status";
    sql += ", " + k + " FROM " + table(q.kind) + filterSql(q.filter);
    const bool keyed = r.mode == PageRequest::Mode::After || r.mode == PageRequest::Mode::AtOrAfter
        || r.mode == PageRequest::Mode::Before;
    const bool keyIsNull = r.key.value.isNull();
    if (keyed) {
        QByteArray cond = keyCondition(k, sortCol.nullable, !readDescending, r.mode == PageRequest::Mode::AtOrAfter, keyIsNull);
        sql += cond;
    }
    const QByteArray dir = readDescending ? " DESC" : "";
    sql += " ORDER BY " + k + dir + ", id" + dir + " LIMIT ?";

    // "?2x" marks a placeholder that only takes the id (NULL key): make it a plain '?'.
    const bool idOnly = sql.contains("?2x");
    sql.replace("?2x", "?");
    auto st = m_db->prepare(sql);
    if (!st) {
        Q_EMIT failed(r.generation, st.error().text());
        return;
    }
    int i = bindFilter(*st, q.filter);
    if (keyed) {
        if (!idOnly)
            bindKeyValue(*st, i++, r.key.value);
        st->bind(i++, qint64(r.key.id));
    }
    st->bind(i, qint64(r.limit));

    QVector<RecordRow> rows;
    rows.reserve(r.limit);
    const int nCols = int(cols.size());
    const int statusCol = 4 + (nCols - 2);
    const int keyCol = statusCol + 1;
    for (;;) {
        const auto res = st->step();
        if (res == Statement::StepResult::Done)
            break;
        if (res != Statement::StepResult::Row) {
            Q_EMIT failed(r.generation, m_db->lastError());
            return;
        }
        RecordRow row;
        row.id = st->columnInt(0);
        row.tenant = st->columnText(1);
        row.utcMs = st->columnInt(2);
        row.offsetSeconds = int(st->columnInt(3));
        row.cells.resize(nCols);
        row.cells[kTenantColumn] = row.tenant;
        for (int c = 2; c < nCols; ++c)
            row.cells[c] = columnValue(*st, 4 + c - 2);
        if (q.kind == RecordKind::Transaction) {
            const QByteArray currency = row.cells[kCurrencyColumn].toString().toLatin1();
            row.cells[kAmountColumn] = money::format(row.cells[kAmountColumn].toLongLong(), currency);
        }
        const QString status = st->columnText(statusCol);
        if (q.kind == RecordKind::Event)
            row.severity = status == u"denied" ? 2 : status == u"failure" ? 1 : 0;
        else
            row.severity = (status == u"rejected" || status == u"reversed") ? 1 : 0;
        row.key = { columnValue(*st, keyCol), row.id };
        rows.push_back(std::move(row));
    }
    if (backwards)
        std::reverse(rows.begin(), rows.end());
    Q_EMIT pageLoaded(r.generation, r.page, rows);
}

} // namespace casebook
