// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeaxisticker.h"

#include <QDateTime>

#include <cmath>

namespace casebook {

namespace {

constexpr TimeAxisTicker::Step kLadder[] = {
    { BucketUnit::Minute, 1 }, { BucketUnit::FiveMinutes, 1 }, { BucketUnit::FiveMinutes, 3 },
    { BucketUnit::FiveMinutes, 6 }, { BucketUnit::Hour, 1 }, { BucketUnit::Hour, 3 }, { BucketUnit::Hour, 6 },
    { BucketUnit::Hour, 12 }, { BucketUnit::Day, 1 }, { BucketUnit::Week, 1 }, { BucketUnit::Month, 1 },
    { BucketUnit::Month, 3 }, { BucketUnit::Month, 12 }, { BucketUnit::Month, 60 }, { BucketUnit::Month, 120 },
};

} // namespace

TimeAxisTicker::Step TimeAxisTicker::stepFor(int64_t spanMs, int maxTicks)
{
    maxTicks = std::max(maxTicks, 2);
    for (const Step &s : kLadder)
        if (spanMs / s.nominalMs() <= maxTicks)
            return s;
    return kLadder[std::size(kLadder) - 1];
}

QVector<int64_t> TimeAxisTicker::ticks(const QTimeZone &zone, Step step, int64_t fromMs, int64_t toMs)
{
    QVector<int64_t> out;
    const QVector<int64_t> edges = timebuckets::edges(zone, step.unit, fromMs, toMs + 1);
    for (int64_t e : edges) {
        if (e < fromMs || e > toMs)
            continue;
        if (step.multiple > 1) {
            const QDateTime dt = QDateTime::fromMSecsSinceEpoch(e, zone);
            if (step.unit == BucketUnit::Month) {
                const int monthIndex = dt.date().year() * 12 + dt.date().month() - 1;
                if (monthIndex % step.multiple != 0)
                    continue;
            } else {
                const int minutes = dt.time().hour() * 60 + dt.time().minute();
                if (minutes % int(step.nominalMs() / 60000) != 0)
                    continue;
            }
        }
        out.push_back(e);
    }
    return out;
}

double TimeAxisTicker::getTickStep(const QCPRange &range)
{
    m_step = stepFor(int64_t(range.size() * 1000), tickCount());
    return double(m_step.nominalMs()) / 1000;
}

QVector<double> TimeAxisTicker::createTickVector(double, const QCPRange &range)
{
    QVector<double> out;
    if (!std::isfinite(range.lower) || !std::isfinite(range.upper) || range.size() <= 0)
        return out;
    for (int64_t t : ticks(m_zone, m_step, int64_t(std::floor(range.lower * 1000)), int64_t(std::ceil(range.upper * 1000))))
        out.push_back(double(t) / 1000);
    return out;
}

QString TimeAxisTicker::getTickLabel(double tick, const QLocale &locale, QChar, int)
{
    const QDateTime dt = QDateTime::fromMSecsSinceEpoch(int64_t(std::llround(tick * 1000)), m_zone);
    switch (m_step.unit) {
    case BucketUnit::Minute:
    case BucketUnit::FiveMinutes:
    case BucketUnit::Hour:
        if (dt.time() == QTime(0, 0))
            return locale.toString(dt, QStringLiteral("d MMM"));
        return locale.toString(dt, QStringLiteral("HH:mm"));
    case BucketUnit::Day:
    case BucketUnit::Week:
        if (dt.date().day() == 1 && dt.date().month() == 1)
            return locale.toString(dt, QStringLiteral("d MMM yyyy"));
        return locale.toString(dt, QStringLiteral("d MMM"));
    case BucketUnit::Month:
        if (m_step.multiple >= 12)
            return locale.toString(dt, QStringLiteral("yyyy"));
        return locale.toString(dt, QStringLiteral("MMM yyyy"));
    }
    return {};
}

} // namespace casebook
