// SPDX-License-Identifier: GPL-3.0-or-later
// timeline-bench WS [--reps N]: re-bucket latency of TimelineService (p50/p95/max) for the full range
// and zoomed ranges, all institutions and one, in several zones, as the view asks
// (TimelineView::requestRange); the quick filters; and the replot time of TimelineView (bars without
// and with antialiasing). Not a test: run it by hand on a large workspace (docs/timeline.md).

#include "qcustomplotwrapper.h"
#include "timelineservice.h"
#include "timelineview.h"
#include "workspace.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace casebook;
using namespace Qt::StringLiterals;

namespace {

struct Stats
{
    QVector<double> ms;
    void print(const char *what) const
    {
        QVector<double> s = ms;
        std::sort(s.begin(), s.end());
        const auto pct = [&](double p) { return s[std::min<qsizetype>(s.size() - 1, qsizetype(p * double(s.size())))]; };
        std::printf("  %-58s n=%3lld  p50 %7.2f ms  p95 %7.2f ms  max %7.2f ms\n", what, qlonglong(s.size()), pct(0.5),
                    pct(0.95), s.last());
    }
};

double timeQuery(TimelineService &s, TimelineRequest r, std::pair<qint64, qint64> extent, int *buckets = nullptr)
{
    // As the view asks: unit chosen for the visible range, TimelineView::requestRange around it.
    if (!r.unit)
        r.unit = timebuckets::autoUnit(r.fromUtcMs, r.toUtcMs);
    std::tie(r.fromUtcMs, r.toUtcMs) = TimelineView::requestRange(r.fromUtcMs, r.toUtcMs, extent);
    QElapsedTimer t;
    t.start();
    auto d = s.query(r);
    const double ms = double(t.nsecsElapsed()) / 1e6;
    if (!d)
        qFatal("%s", qPrintable(d.error().text()));
    if (buckets)
        *buckets = d->bucketCount();
    return ms;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: timeline-bench WS [--reps N]\n");
        return 2;
    }
    const QString path = QString::fromLocal8Bit(argv[1]);
    const int reps = argc >= 4 && qstrcmp(argv[2], "--reps") == 0 ? atoi(argv[3]) : 20;
    auto ws = Workspace::openReadOnly(path);
    if (!ws)
        qFatal("%s", qPrintable(ws.error().text()));
    TimelineService service(*ws);
    const auto ext = service.extent();
    if (!ext || !*ext)
        qFatal("no data");
    const qint64 from = (*ext)->first, to = (*ext)->second;
    const int64_t events = *ws->db().queryInt("SELECT count(*) FROM events");
    const int64_t txns = *ws->db().queryInt("SELECT count(*) FROM transactions");
    const QStringList tenants = *service.tenants();
    std::printf("%s: %lld events, %lld transactions, %lld institutions, %.1f days\n", qPrintable(path), qlonglong(events),
                qlonglong(txns), qlonglong(tenants.size()), double(to - from) / 86400000.0);

    QRandomGenerator rng(42);
    Stats all;
    {
        TimelineRequest r;
        r.fromUtcMs = from;
        r.toUtcMs = to;
        QElapsedTimer t;
        t.start();
        service.query(r);
        std::printf("  first query after opening (cold statement cache): %.2f ms\n", double(t.nsecsElapsed()) / 1e6);
    }
    for (const QStringList &set : { QStringList(), QStringList { tenants.first() } }) {
        for (const char *zoneId : { "UTC", "Asia/Shanghai", "Asia/Kolkata", "America/New_York" }) {
            const QTimeZone zone = qstrcmp(zoneId, "UTC") == 0 ? QTimeZone::utc() : QTimeZone(zoneId);
            const QString who = set.isEmpty() ? u"all institutions"_s : set.first();
            Stats full;
            int buckets = 0;
            for (int i = 0; i < reps; ++i) {
                TimelineRequest r;
                r.tenants = set;
                r.zone = zone;
                r.fromUtcMs = from;
                r.toUtcMs = to;
                full.ms << timeQuery(service, r, **ext, &buckets);
            }
            full.print(qPrintable(u"full range (%1 %2 buckets), %3, %4"_s.arg(buckets).arg(
                timebuckets::unitName(timebuckets::autoUnit(from, to)), who, QString::fromLatin1(zoneId))));
            all.ms += full.ms;
            for (const qint64 spanH : { 2LL, 24LL, 7 * 24LL, 30 * 24LL }) {
                Stats zoomed;
                for (int i = 0; i < reps; ++i) {
                    TimelineRequest r;
                    r.tenants = set;
                    r.zone = zone;
                    const qint64 span = spanH * 3600000;
                    r.fromUtcMs = from + qint64(rng.bounded(double(std::max<qint64>(to - from - span, 1))));
                    r.toUtcMs = r.fromUtcMs + span;
                    zoomed.ms << timeQuery(service, r, **ext);
                }
                zoomed.print(qPrintable(u"zoomed to %1 h (%2 buckets), %3, %4"_s.arg(spanH).arg(
                    timebuckets::unitName(timebuckets::autoUnit(0, spanH * 3600000)), who, QString::fromLatin1(zoneId))));
                all.ms += zoomed.ms;
            }
        }
    }
    all.print("ALL re-bucket queries above");

    // Quick filters over the full range, all institutions.
    QString busiestActor;
    {
        auto q = ws->db().prepare("SELECT actor FROM events WHERE tenant_id = ? GROUP BY actor ORDER BY count(*) DESC LIMIT 1");
        q->bind(1, tenants.first());
        if (q->step() == Statement::StepResult::Row)
            busiestActor = q->columnText(0);
    }
    const QList<std::pair<QString, TimelineFilter>> filters {
        { u"filter outcome failure+denied (rollups)"_s, TimelineFilter { { u"failure"_s, u"denied"_s }, {}, {} } },
        { u"filter action prefix db.export (rows)"_s, TimelineFilter { {}, u"db.export"_s, {} } },
        { u"filter action prefix user. (rows)"_s, TimelineFilter { {}, u"user."_s, {} } },
        { u"filter actor %1 (rows)"_s.arg(busiestActor), TimelineFilter { {}, {}, busiestActor } },
    };
    for (const auto &[name, f] : filters) {
        Stats s;
        for (int i = 0; i < std::max(3, reps / 4); ++i) {
            TimelineRequest r;
            r.fromUtcMs = from;
            r.toUtcMs = to;
            r.filter = f;
            s.ms << timeQuery(service, r, **ext);
        }
        s.print(qPrintable(name + u", full range"));
    }

    // Replot.
    TimelineView view;
    view.resize(1400, 520);
    view.show();
    QSignalSpy spy(&view, &TimelineView::dataUpdated);
    view.setWorkspace(path);
    if (!spy.wait(120000))
        qFatal("no data in the view");
    const auto replots = [&](const char *what) {
        Stats s;
        for (int i = 0; i < reps; ++i) {
            QElapsedTimer t;
            t.start();
            view.plot()->replot(QCustomPlot::rpImmediateRefresh);
            s.ms << double(t.nsecsElapsed()) / 1e6;
        }
        s.print(qPrintable(u"replot, %1 (%2 buckets x %3 institutions)"_s.arg(QString::fromLatin1(what))
                               .arg(view.data().bucketCount())
                               .arg(view.data().tenantCount())));
    };
    replots("full range, auto buckets");
    view.setBucketUnit(BucketUnit::Hour);
    if (!spy.wait(120000))
        qFatal("no hourly data");
    replots("full range, hourly bars, not antialiased");
    for (int i = 0; i < view.plot()->plottableCount(); ++i) {
        view.plot()->plottable(i)->setAntialiased(true);
        view.plot()->plottable(i)->setAntialiasedFill(true);
    }
    view.plot()->setNotAntialiasedElements(QCP::aeNone);
    view.plot()->setAntialiasedElements(QCP::aeAll);
    replots("full range, hourly bars, antialiased (for comparison)");
    return 0;
}
