// SPDX-License-Identifier: GPL-3.0-or-later
#include "timelinerollups.h"

#include "sqlitedb.h"

#include <QCoreApplication>

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
    // Same statements as the backfill in resources/sql/0002_timeline.sql: one GROUP BY over the new
    // rows into per-minute TEMP tables, then every level from those (small) tables, added to what the
    // workspace already holds (cells of earlier archives of the same institution may overlap).
    QByteArray sql = "CREATE TEMP TABLE IF NOT EXISTS timeline_new_events (tenant_id TEXT, cell INTEGER, events INTEGER, "
                     "failures INTEGER, denied INTEGER);\n"
                     "CREATE TEMP TABLE IF NOT EXISTS timeline_new_transactions (tenant_id TEXT, cell INTEGER, "
                     "currency TEXT, count INTEGER, amount_e4 INTEGER);\n"
                     "DELETE FROM temp.timeline_new_events;\n"
                     "DELETE FROM temp.timeline_new_transactions;\n";
    sql += "INSERT INTO temp.timeline_new_events SELECT tenant_id, " + floorDiv("ts_utc_ms", 60000)
        + " AS c, count(*), sum(outcome = 'failure'), sum(outcome = 'denied') FROM events WHERE id > "
        + QByteArray::number(afterEventId) + " GROUP BY tenant_id, c;\n";
    sql += "INSERT INTO temp.timeline_new_transactions SELECT tenant_id, " + floorDiv("ts_utc_ms", 60000)
        + " AS c, currency, count(*), sum(amount_e4) FROM transactions WHERE id > "
        + QByteArray::number(afterTransactionId) + " GROUP BY tenant_id, c, currency;\n";
    for (const int64_t level : kLevels) {
        const QByteArray lv = QByteArray::number(level);
        const QByteArray cell = level == 60 ? QByteArray("cell") : floorDiv("cell", level / 60);
        sql += "INSERT INTO timeline_events(tenant_id, level, cell, events, failures, denied) SELECT tenant_id, " + lv
            + ", " + cell + " AS c, sum(events), sum(failures), sum(denied) FROM temp.timeline_new_events WHERE true "
            + "GROUP BY tenant_id, c ON CONFLICT(tenant_id, level, cell) DO UPDATE SET events = events + "
              "excluded.events, failures = failures + excluded.failures, denied = denied + excluded.denied;\n";
        sql += "INSERT INTO timeline_transactions(tenant_id, level, cell, currency, count, amount_e4) SELECT tenant_id, "
            + lv + ", " + cell + " AS c, currency, sum(count), sum(amount_e4) FROM temp.timeline_new_transactions "
            + "WHERE true GROUP BY tenant_id, c, currency ON CONFLICT(tenant_id, level, cell, currency) DO UPDATE SET "
              "count = count + excluded.count, amount_e4 = amount_e4 + excluded.amount_e4;\n";
    }
    sql += "DELETE FROM temp.timeline_new_events;\nDELETE FROM temp.timeline_new_transactions;\n";
    if (auto st = db.exec(sql); !st)
        return Error(Error::Code::Database, tr("Cannot update the timeline"), st.error().detail);
    return ok();
}

} // namespace casebook::timelinerollups
