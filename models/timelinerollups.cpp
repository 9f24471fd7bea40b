// SPDX-License-Identifier: GPL-3.0-or-later
#include "timelinerollups.h"

#include "searchextensions.h"
#include "sqlitedb.h"

#include <QCoreApplication>

#include <iterator>

namespace casebook::timelinerollups {

namespace {

QString tr(const char *s) { return QCoreApplication::translate("TimelineRollups", s); }

// floor(x / k) for SQLite integers of either sign (SQLite's '/' truncates towards zero).
QByteArray floorDiv(const char *x, int64_t k)
{
    const QByteArray ks = QByteArray::number(k);
    return "(" + QByteArray(x) + " - ((" + x + " % " + ks + ") + " + ks + ") % " + ks + ") / " + ks;
}

} // namespace

Status add(SqliteDb &db, int64_t afterEventId, int64_t afterTransactionId)
{
    // Same statements as the backfill in resources/sql/0002_timeline.sql. One GROUP BY over the new rows
    // into per-minute TEMP tables; each coarser level from the next finer one (a cascade: only the first
    // step sorts many rows); every level then added to what the workspace holds (cells of earlier
    // archives of the same institution may overlap). TEMP tables take part in the transaction, so a
    // rollback removes them too.
    static constexpr int64_t ascending[] = { 60, 900, 1800, 3600, 21600, 86400 };
    static_assert(std::size(ascending) == std::size(kLevels));
    const auto ev = [](int64_t level) -> QByteArray { return "temp.timeline_new_events_" + QByteArray::number(level); };
    const auto tx = [](int64_t level) -> QByteArray { return "temp.timeline_new_transactions_" + QByteArray::number(level); };
    QByteArray sql;
    for (const int64_t level : ascending)
        sql += "DROP TABLE IF EXISTS " + ev(level) + ";\nDROP TABLE IF EXISTS " + tx(level) + ";\n";
    sql += "CREATE TABLE " + ev(60) + " AS SELECT tenant_id, " + floorDiv("ts_utc_ms", 60000)
        + " AS cell, count(*) AS events, sum(outcome = 'failure') AS failures, sum(outcome = 'denied') AS denied "
          "FROM events WHERE id > "
        + QByteArray::number(afterEventId) + " GROUP BY tenant_id, 2;\n";
    sql += "CREATE TABLE " + tx(60) + " AS SELECT tenant_id, " + floorDiv("ts_utc_ms", 60000)
        + " AS cell, currency, count(*) AS count, sum(amount_e4) AS amount_e4 FROM transactions WHERE id > "
        + QByteArray::number(afterTransactionId) + " GROUP BY tenant_id, 2, currency;\n";
    for (size_t i = 1; i < std::size(ascending); ++i) {
        const int64_t level = ascending[i], finer = ascending[i - 1];
        const QByteArray cell = floorDiv("cell", level / finer);
        sql += "CREATE TABLE " + ev(level) + " AS SELECT tenant_id, " + cell
            + " AS cell, sum(events) AS events, sum(failures) AS failures, sum(denied) AS denied FROM " + ev(finer)
            + " GROUP BY tenant_id, 2;\n";
        sql += "CREATE TABLE " + tx(level) + " AS SELECT tenant_id, " + cell
            + " AS cell, currency, sum(count) AS count, sum(amount_e4) AS amount_e4 FROM " + tx(finer)
            + " GROUP BY tenant_id, 2, currency;\n";
    }
    for (const int64_t level : ascending) {
        const QByteArray lv = QByteArray::number(level);
        sql += "INSERT INTO timeline_events(tenant_id, level, cell, events, failures, denied) SELECT tenant_id, " + lv
            + ", cell, events, failures, denied FROM " + ev(level)
            + " WHERE true ON CONFLICT(tenant_id, level, cell) DO UPDATE SET events = events + excluded.events, "
              "failures = failures + excluded.failures, denied = denied + excluded.denied;\n";
        sql += "INSERT INTO timeline_transactions(tenant_id, level, cell, currency, count, amount_e4) SELECT tenant_id, "
            + lv + ", cell, currency, count, amount_e4 FROM " + tx(level)
            + " WHERE true ON CONFLICT(tenant_id, level, cell, currency) DO UPDATE SET count = count + excluded.count, "
              "amount_e4 = casebook_checked_add(amount_e4, excluded.amount_e4);\n";
    }
    for (const int64_t level : ascending)
        sql += "DROP TABLE " + ev(level) + ";\nDROP TABLE " + tx(level) + ";\n";
    if (auto st = db.exec(sql); !st)
        return Error(Error::Code::Database, tr("Cannot update the timeline"),
                     st.error().detail.contains(QLatin1StringView(kCheckedAddOverflow))
                         ? tr("the sum of the amounts of one currency in one time bucket of this institution overflows")
                         : st.error().detail);
    return ok();
}

} // namespace casebook::timelinerollups
