// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "qcustomplotwrapper.h"
#include "timebuckets.h"

#include <QTimeZone>

namespace casebook {

/// Ticks of a time axis whose coordinates are UTC seconds since the epoch, placed on local calendar
/// boundaries of a time zone (full hours, midnights, Mondays, 1st of the month, new year) and labelled
/// in that zone. `setTickCount` is the most labelled ticks wanted (the view sets it from its width).
class TimeAxisTicker : public QCPAxisTicker
{
public:
    void setTimeZone(const QTimeZone &zone) { m_zone = zone; }
    const QTimeZone &timeZone() const { return m_zone; }

    /// One step of the tick ladder: every `multiple`-th boundary of `unit`.
    struct Step
    {
        BucketUnit unit;
        int multiple;
        int64_t nominalMs() const { return timebuckets::nominalMs(unit) * multiple; }
    };
    /// The finest step giving at most `maxTicks` ticks over `spanMs`.
    static Step stepFor(int64_t spanMs, int maxTicks);
    /// Tick positions (UTC ms) of `step` in [fromMs, toMs] in `zone`.
    static QVector<int64_t> ticks(const QTimeZone &zone, Step step, int64_t fromMs, int64_t toMs);

protected:
    double getTickStep(const QCPRange &range) override;
    int getSubTickCount(double) override { return 0; }
    QVector<double> createTickVector(double tickStep, const QCPRange &range) override;
    QString getTickLabel(double tick, const QLocale &locale, QChar formatChar, int precision) override;

private:
    QTimeZone m_zone = QTimeZone::utc();
    Step m_step { BucketUnit::Day, 1 };
};

} // namespace casebook
