// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <cstdint>
#include <limits>

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

/// Adds cells for the events with id > afterEventId and the transactions with id > afterTransactionId.
/// Call inside the transaction that inserted those rows (the importer does, beside the timeline
/// rollups), so cells and rows commit or roll back together.
Status add(SqliteDb &db, int64_t afterEventId, int64_t afterTransactionId);

/// Archives with more time-order exceptions than this are not walked newest-first (their exception
/// ids are not kept).
inline constexpr int64_t kMaxTimeExceptions = 10000;

/// Records the time order of archive `archiveId`'s new rows (ids above the two given): the rows that
/// are earlier than some row with a smaller id (time_order_exceptions, when at most
/// kMaxTimeExceptions), their number and the latest time per kind (archives.*_time_exceptions,
/// *_ts_max). Same transaction as the rows. See resources/sql/0006_search_cells.sql.
Status addTimeOrder(SqliteDb &db, int64_t archiveId, int64_t afterEventId, int64_t afterTransactionId);

} // namespace searchcells
} // namespace casebook
