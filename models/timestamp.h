// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArrayView>
#include <QString>
#include <QTimeZone>

#include <cstdint>

namespace casebook {

/// A point in time as the workspace stores it: UTC epoch milliseconds plus the offset the source
/// stated (or, for a time without offset, the offset of the archive's default zone at that instant).
struct Timestamp
{
    int64_t utcMs = 0;
    int offsetSeconds = 0;
    bool hadOffset = false;
};

struct TimestampParse
{
    Timestamp ts;
    QString error; ///< empty on success
};

/// Parses RFC 3339 (`2026-01-05T09:31:02.125+08:00`, `...Z`, `t` or space as separator, 0..9 fraction
/// digits; sub-millisecond digits are truncated, the original text is kept by the caller). A time
/// without offset is read in `defaultZone`; a local time that does not exist there (daylight-saving
/// gap) is an error, an ambiguous one takes the earlier instant. Thread-safe.
TimestampParse parseTimestamp(QByteArrayView text, const QTimeZone &defaultZone);

/// Parses `YYYY-MM-DD`; returns false when malformed or not a calendar date.
bool parseDate(QByteArrayView text, int &y, int &m, int &d);

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d);

/// ISO 8601 text of `utcMs` at `offsetSeconds`, e.g. `2026-01-05T09:31:02.125+08:00`.
QString formatTimestamp(int64_t utcMs, int offsetSeconds);

} // namespace casebook
