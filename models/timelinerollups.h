// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <cstdint>

namespace casebook {

class SqliteDb;

namespace timelinerollups {

/// Cell lengths in seconds of the rollup levels (timeline_events.level, timeline_transactions.level).
inline constexpr int64_t kLevels[] = { 86400, 21600, 3600, 1800, 900, 60 }; ///< coarsest first

/// Adds the events with id > afterEventId and the transactions with id > afterTransactionId to the
/// timeline rollups (every level). Call inside the transaction that inserted those rows, so rollups
/// and rows commit or roll back together (the importer does, next to the full-text index). Uses two
/// TEMP tables of this connection. Errors carry the SQLite message (e.g. integer overflow in a sum).
Status add(SqliteDb &db, int64_t afterEventId, int64_t afterTransactionId);

} // namespace timelinerollups
} // namespace casebook
