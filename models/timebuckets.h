// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringView>
#include <QTimeZone>
#include <QVector>

#include <cstdint>
#include <optional>

namespace casebook {

/// Calendar bucket sizes of the timeline. Buckets are local to a time zone: an hour bucket starts at
/// a local full hour, a day bucket at local midnight, a week bucket at local Monday 00:00 (ISO
/// weeks), a month bucket at local 00:00 on the 1st.
enum class BucketUnit { Minute, FiveMinutes, Hour, Day, Week, Month };

namespace timebuckets {

/// "minute", "5min", "hour", "day", "week", "month".
QString unitName(BucketUnit unit);
/// Inverse of unitName (also accepts "5minutes"); empty for anything else.
std::optional<BucketUnit> unitFromName(QStringView name);
/// Nominal length in ms (a month counts 30 days, a day 24 hours): for choosing a unit, not for edges.
int64_t nominalMs(BucketUnit unit);

/// The unit the timeline uses for [fromUtcMs, toUtcMs): the finest one that gives at most 400
/// buckets; when that gives fewer than 100 and the next finer unit gives at most 1000, that one.
BucketUnit autoUnit(int64_t fromUtcMs, int64_t toUtcMs);

/// Bucket edges in UTC ms, ascending: bucket i is [edges[i], edges[i + 1]). The buckets are whole:
/// edges.first() <= fromUtcMs is the start of the bucket holding fromUtcMs and edges.last() >= toUtcMs
/// the end of the bucket holding toUtcMs - 1. Empty when fromUtcMs >= toUtcMs.
///
/// Edges are where the local calendar key (local wall time floored to the unit) changes, following
/// `zone`'s offset transitions: a day bucket across a daylight-saving change lasts 23 or 25 hours; a
/// day whose midnight does not exist starts at the transition. For the sub-day units a repeated local
/// hour (clocks going back) is a bucket of its own, distinguished by its offset; for day, week and
/// month it belongs to the bucket already open (keys never go backwards). Thread-safe.
QVector<int64_t> edges(const QTimeZone &zone, BucketUnit unit, int64_t fromUtcMs, int64_t toUtcMs);

/// RFC 3339 text of `utcMs` in `zone`, seconds precision: `2026-01-01T00:00:00+08:00` (`Z` for UTC).
QString formatInZone(int64_t utcMs, const QTimeZone &zone);

/// Floor division (towards minus infinity); `b` > 0.
constexpr int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && (a < 0)); }

} // namespace timebuckets
} // namespace casebook
