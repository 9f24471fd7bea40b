// SPDX-License-Identifier: GPL-3.0-or-later
#include "searchcells.h"

#include "sqlitedb.h"

namespace casebook::searchcells {

namespace {

// Bucket b >= 1 starts at kLead[(b - 1) % 3] * 10^((b - 1) / 3).
constexpr int64_t kLead[3] = { 1, 2, 5 };

int64_t pow10(int k)
{
    int64_t p = 1;
    while (k-- > 0)
        p *= 10;
    return p;
}

// The migration's expressions (resources/sql/0006_search_cells.sql): keep them identical.
constexpr const char kDay[] = "(ts_utc_ms - ((ts_utc_ms % 86400000) + 86400000) % 86400000) / 86400000";
constexpr const char kBucket[] = "CASE WHEN amount_e4 <= 0 THEN 0 ELSE 1 + 3 * (length(amount_e4) - 1) + CASE WHEN substr(amount_e4, 1, 1) "
                                 ">= '5' THEN 2 WHEN substr(amount_e4, 1, 1) >= '2' THEN 1 ELSE 0 END END";

} // namespace

int bucketOf(int64_t amountE4)
{
    if (amountE4 <= 0)
        return 0;
    int digits = 1;
    int64_t lead = amountE4;
    while (lead >= 10) {
        lead /= 10;
        ++digits;
    }
    return 1 + 3 * (digits - 1) + (lead >= 5 ? 2 : lead >= 2 ? 1 : 0);
}

int lastBucket() { return bucketOf(std::numeric_limits<int64_t>::max()); }

int64_t bucketLow(int b)
{
    if (b <= 0)
        return std::numeric_limits<int64_t>::min();
    return kLead[(b - 1) % 3] * pow10((b - 1) / 3);
}

int64_t bucketHigh(int b)
{
    if (b >= lastBucket())
        return std::numeric_limits<int64_t>::max();
    return bucketLow(b + 1) - 1;
}

Status add(SqliteDb &db, int64_t afterEventId, int64_t afterTransactionId)
{
    const QByteArray sql = QByteArray("INSERT INTO search_cells_events(tenant_id, day, actor_role, action, outcome, n) SELECT tenant_id, ") + kDay
        + ", actor_role, action, outcome, count(*) FROM events WHERE id > " + QByteArray::number(afterEventId)
        + " GROUP BY 1, 2, 3, 4, 5;\n"
          "INSERT INTO search_cells_transactions(tenant_id, day, currency, channel, status, bucket, n) SELECT tenant_id, "
        + kDay + ", currency, channel, status, " + kBucket + ", count(*) FROM transactions WHERE id > "
        + QByteArray::number(afterTransactionId) + " GROUP BY 1, 2, 3, 4, 5, 6;\n";
    return db.exec(sql);
}

Status addTimeOrder(SqliteDb &db, int64_t archiveId, int64_t afterEventId, int64_t afterTransactionId)
{
    for (int kind = 0; kind < 2; ++kind) {
        const QByteArray table = kind == 0 ? "events" : "transactions";
        const QByteArray after = QByteArray::number(kind == 0 ? afterEventId : afterTransactionId);
        const QByteArray k = QByteArray::number(kind);
        // The running maximum of the earlier rows, in id order (a window over the new rows only).
        const QByteArray insert = "INSERT INTO time_order_exceptions(kind, row_id) SELECT " + k
            + ", id FROM (SELECT id, ts_utc_ms AS t, max(ts_utc_ms) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) "
              "AS m FROM "
            + table + " WHERE id > " + after + ") WHERE t < m";
        if (auto st = db.exec(insert); !st)
            return st;
        auto n = db.queryInt(QByteArray("SELECT count(*) FROM time_order_exceptions WHERE kind = " + k + " AND row_id > " + after));
        if (!n)
            return n.error();
        if (*n > kMaxTimeExceptions)
            if (auto st = db.exec(QByteArray("DELETE FROM time_order_exceptions WHERE kind = " + k + " AND row_id > " + after)); !st)
                return st;
        const QByteArray update = "UPDATE archives SET " + table + "_time_exceptions = " + QByteArray::number(*n) + ", " + table
            + "_ts_max = (SELECT max(ts_utc_ms) FROM " + table + " WHERE id > " + after + ") WHERE id = " + QByteArray::number(archiveId);
        if (auto st = db.exec(update); !st)
            return st;
    }
    return ok();
}

} // namespace casebook::searchcells
