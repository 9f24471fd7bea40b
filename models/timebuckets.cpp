// SPDX-License-Identifier: GPL-3.0-or-later
#include "timebuckets.h"

#include "timestamp.h"

#include <QDateTime>

#include <algorithm>

namespace casebook::timebuckets {

namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 86'400'000;

void civilFromDays(int64_t z, int64_t &y, int &m, int &d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = int(doy - (153 * mp + 2) / 5 + 1);
    m = int(mp < 10 ? mp + 3 : mp - 9);
    y = int64_t(yoe) + era * 400 + (m <= 2);
}

int64_t subDayMs(BucketUnit u)
{
    switch (u) {
    case BucketUnit::Minute:
        return kMinuteMs;
    case BucketUnit::FiveMinutes:
        return 5 * kMinuteMs;
    case BucketUnit::Hour:
        return kHourMs;
    default:
        return 0;
    }
}

/// Calendar key of a local wall time (ms since 1970-01-01T00:00 local): the local start of its bucket
/// for the sub-day units and days/weeks, a month number for months. Monotonic in `local`.
int64_t keyOf(int64_t local, BucketUnit u)
{
    if (const int64_t s = subDayMs(u))
        return floorDiv(local, s) * s;
    const int64_t day = floorDiv(local, kDayMs);
    switch (u) {
    case BucketUnit::Day:
        return day * kDayMs;
    case BucketUnit::Week: {
        const int64_t mondayBased = ((day + 3) % 7 + 7) % 7; // 1970-01-01 was a Thursday
        return (day - mondayBased) * kDayMs;
    }
    default: {
        int64_t y;
        int m, d;
        civilFromDays(day, y, m, d);
        return y * 12 + (m - 1);
    }
    }
}

/// The smallest local bucket boundary strictly after `local`.
int64_t nextBoundary(int64_t local, BucketUnit u)
{
    if (const int64_t s = subDayMs(u))
        return floorDiv(local, s) * s + s;
    switch (u) {
    case BucketUnit::Day:
        return (floorDiv(local, kDayMs) + 1) * kDayMs;
    case BucketUnit::Week:
        return keyOf(local, u) + 7 * kDayMs;
    default: {
        int64_t y;
        int m, d;
        civilFromDays(floorDiv(local, kDayMs), y, m, d);
        if (++m > 12) {
            m = 1;
            ++y;
        }
        return daysFromCivil(y, unsigned(m), 1) * kDayMs;
    }
    }
}

struct Segment
{
    int64_t start; ///< UTC ms; the segment lasts until the next one's start
    int64_t offsetMs;
};

QVector<Segment> segments(const QTimeZone &zone, int64_t lo, int64_t hi)
{
    QVector<Segment> out;
    const QTimeZone z = zone.isValid() ? zone : QTimeZone::utc();
    out.push_back({ lo, int64_t(z.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(lo, QTimeZone::utc()))) * 1000 });
    if (z.hasTransitions()) {
        const auto list = z.transitions(QDateTime::fromMSecsSinceEpoch(lo + 1, QTimeZone::utc()),
                                        QDateTime::fromMSecsSinceEpoch(hi, QTimeZone::utc()));
        for (const QTimeZone::OffsetData &t : list) {
            const int64_t at = t.atUtc.toMSecsSinceEpoch();
            const int64_t off = int64_t(t.offsetFromUtc) * 1000;
            if (at <= out.constLast().start || at > hi)
                continue;
            if (off != out.constLast().offsetMs)
                out.push_back({ at, off });
        }
    }
    return out;
}

} // namespace

QString unitName(BucketUnit unit)
{
    switch (unit) {
    case BucketUnit::Minute:
        return QStringLiteral("minute");
    case BucketUnit::FiveMinutes:
        return QStringLiteral("5min");
    case BucketUnit::Hour:
        return QStringLiteral("hour");
    case BucketUnit::Day:
        return QStringLiteral("day");
    case BucketUnit::Week:
        return QStringLiteral("week");
    case BucketUnit::Month:
        return QStringLiteral("month");
    }
    return {};
}

std::optional<BucketUnit> unitFromName(QStringView name)
{
    for (BucketUnit u : { BucketUnit::Minute, BucketUnit::FiveMinutes, BucketUnit::Hour, BucketUnit::Day,
                          BucketUnit::Week, BucketUnit::Month })
        if (name == unitName(u))
            return u;
    if (name == u"5minutes")
        return BucketUnit::FiveMinutes;
    return std::nullopt;
}

int64_t nominalMs(BucketUnit unit)
{
    switch (unit) {
    case BucketUnit::Minute:
    case BucketUnit::FiveMinutes:
    case BucketUnit::Hour:
        return subDayMs(unit);
    case BucketUnit::Day:
        return kDayMs;
    case BucketUnit::Week:
        return 7 * kDayMs;
    case BucketUnit::Month:
        return 30 * kDayMs;
    }
    return kDayMs;
}

BucketUnit autoUnit(int64_t fromUtcMs, int64_t toUtcMs)
{
    static constexpr BucketUnit order[] = { BucketUnit::Minute, BucketUnit::FiveMinutes, BucketUnit::Hour,
                                            BucketUnit::Day, BucketUnit::Week, BucketUnit::Month };
    const int64_t span = std::max<int64_t>(toUtcMs - fromUtcMs, 1);
    for (size_t i = 0; i < std::size(order); ++i) {
        const int64_t n = (span + nominalMs(order[i]) - 1) / nominalMs(order[i]);
        if (n <= 400) {
            if (n < 100 && i > 0 && (span + nominalMs(order[i - 1]) - 1) / nominalMs(order[i - 1]) <= 1000)
                return order[i - 1];
            return order[i];
        }
    }
    return BucketUnit::Month;
}

QVector<int64_t> edges(const QTimeZone &zone, BucketUnit unit, int64_t fromUtcMs, int64_t toUtcMs)
{
    QVector<int64_t> out;
    if (fromUtcMs >= toUtcMs)
        return out;
    // Work on a window wide enough to hold the whole first and last buckets whatever the zone does
    // (Samoa skipped a whole day in 2011).
    const int64_t margin = 2 * nominalMs(unit) + 2 * kDayMs;
    const int64_t lo = fromUtcMs - margin;
    const int64_t hi = toUtcMs + margin;
    const QVector<Segment> segs = segments(zone, lo, hi);
    const bool subDay = subDayMs(unit) != 0;

    QVector<int64_t> all;
    int64_t key = keyOf(lo + segs.first().offsetMs, unit);
    for (qsizetype i = 0; i < segs.size(); ++i) {
        const Segment &s = segs[i];
        const int64_t end = i + 1 < segs.size() ? segs[i + 1].start : hi;
        if (i > 0) {
            // A transition: a new bucket when the calendar key moves on (or, for sub-day units, when
            // the clock goes back and repeats a local time).
            const int64_t k = keyOf(s.start + s.offsetMs, unit);
            const bool edge = subDay ? (k != key || s.offsetMs < segs[i - 1].offsetMs) : k > key;
            if (edge) {
                all.push_back(s.start);
                key = k;
            }
        }
        for (int64_t local = nextBoundary(s.start + s.offsetMs, unit); local < end + s.offsetMs;
             local = nextBoundary(local, unit)) {
            const int64_t k = keyOf(local, unit);
            if (subDay || k > key) {
                all.push_back(local - s.offsetMs);
                key = k;
            }
        }
    }
    // The buckets holding from and to - 1.
    auto first = std::upper_bound(all.cbegin(), all.cend(), fromUtcMs);
    auto last = std::lower_bound(all.cbegin(), all.cend(), toUtcMs);
    if (first == all.cbegin() || last == all.cend())
        return out; // cannot happen with the margin above; be safe rather than wrong
    --first;
    out.reserve(last - first + 1);
    for (auto it = first; it <= last; ++it)
        out.push_back(*it);
    return out;
}

QString formatInZone(int64_t utcMs, const QTimeZone &zone)
{
    const QTimeZone z = zone.isValid() ? zone : QTimeZone::utc();
    const QDateTime dt = QDateTime::fromMSecsSinceEpoch(utcMs, z);
    QString out = dt.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    const int off = dt.offsetFromUtc();
    if (off == 0 && z == QTimeZone::utc())
        return out + u'Z';
    const int a = std::abs(off) / 60;
    out += off < 0 ? u'-' : u'+';
    out += QString::number(a / 60).rightJustified(2, u'0') + u':' + QString::number(a % 60).rightJustified(2, u'0');
    return out;
}

} // namespace casebook::timebuckets
