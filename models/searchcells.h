// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include <QByteArrayView>
#include <QString>

namespace casebook {

class SqliteDb;

/// Search count cells (schema 6, resources/sql/0006_search_cells.sql): rows per institution, UTC day
/// and combination of the columns search terms compare exactly, so that SearchService::count answers
/// queries made only of such terms, times and amount ranges without reading every matching row.
namespace searchcells {

inline constexpr int64_t kDayMs = 86400000;

/// The amount bucket of `amountE4` (as the SQL in the migration computes it): 0 for amounts <= 0;
/// otherwise buckets start at 1, 2 and 5 times each power of ten, so round amounts are edges.
int bucketOf(int64_t amountE4);
/// Smallest amount in bucket `b` (INT64_MIN for bucket 0).
int64_t bucketLow(int b);
/// Largest amount in bucket `b` (INT64_MAX for the last bucket).
int64_t bucketHigh(int b);
/// The last bucket (that of INT64_MAX).
int lastBucket();

/// floor(ms / kDayMs).
inline int64_t dayOf(int64_t ms) { return ms >= 0 ? ms / kDayMs : -((-(ms + 1)) / kDayMs) - 1; }

/// Archives with more time-order exceptions than this are not walked newest-first (their exception
/// ids are not kept).
inline constexpr int64_t kMaxTimeExceptions = 10000;

/// The search cells and the time order of one archive's rows, gathered while the importer inserts
/// them (in id order, only rows the database accepted), then written in the same transaction. Same
/// results as the migration's statements (resources/sql/0006_search_cells.sql), without another pass
/// over the rows.
class Collector
{
public:
    /// Empty texts are NULL, as the importer binds them.
    void addEvent(int64_t id, int64_t tsUtcMs, QByteArrayView role, QByteArrayView action, QByteArrayView outcome);
    void addTransaction(int64_t id, int64_t tsUtcMs, QByteArrayView currency, QByteArrayView channel, QByteArrayView status,
                        int64_t amountE4);
    /// Appends the cells to search_cells_*, the exceptions to time_order_exceptions (at most
    /// kMaxTimeExceptions per kind) and sets archives.*_time_exceptions / *_ts_max of `archiveId`.
    Status write(SqliteDb &db, const QString &tenant, int64_t archiveId) const;

private:
    struct TimeOrder
    {
        bool any = false;
        int64_t maxTs = 0;
        int64_t count = 0;
        std::vector<int64_t> ids;
        void add(int64_t id, int64_t ts);
    };
    std::unordered_map<std::string, int64_t> m_cells[2]; ///< encoded key (see searchcells.cpp) → rows
    TimeOrder m_order[2];
};

} // namespace searchcells
} // namespace casebook
