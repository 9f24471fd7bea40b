// SPDX-License-Identifier: GPL-3.0-or-later
// timeline-screenshot WS OUT.png [--tz ZONE] [--mode events|transactions|amount] [--currency C]
//     [--layout stacked|lanes] [--outcome failure,denied] [--action PREFIX] [--size WxH] [--mark-query SQL]
//     [--from T --to T] [--select-from T --select-to T]
// Renders TimelineView on a workspace with QWidget::grab (use QT_QPA_PLATFORM=offscreen). Used by
// scripts/screenshot-timeline for docs/screenshots/; also prints the re-bucket and replot times.

#include "sqlitedb.h"
#include "qcustomplotwrapper.h"
#include "timelineview.h"
#include "timestamp.h"
#include "workspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <cstdio>

using namespace casebook;
using namespace Qt::StringLiterals;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCommandLineParser p;
    p.addPositionalArgument(u"workspace"_s, u"workspace"_s);
    p.addPositionalArgument(u"out"_s, u"PNG file"_s);
    p.addOptions({ { u"tz"_s, u"zone"_s, u"zone"_s, u"UTC"_s },
                   { u"mode"_s, u"mode"_s, u"mode"_s, u"events"_s },
                   { u"currency"_s, u"currency"_s, u"code"_s },
                   { u"layout"_s, u"layout"_s, u"layout"_s, u"stacked"_s },
                   { u"outcome"_s, u"outcomes"_s, u"list"_s },
                   { u"action"_s, u"action prefix"_s, u"prefix"_s },
                   { u"mark-query"_s, u"mark the instants (ts_utc_ms) this SELECT returns"_s, u"sql"_s },
                   { u"from"_s, u"from"_s, u"time"_s },
                   { u"to"_s, u"to"_s, u"time"_s },
                   { u"select-from"_s, u"selection from"_s, u"time"_s },
                   { u"select-to"_s, u"selection to"_s, u"time"_s },
                   { u"size"_s, u"WxH"_s, u"size"_s, u"1400x520"_s } });
    p.process(app);
    if (p.positionalArguments().size() != 2) {
        std::fprintf(stderr, "usage: timeline-screenshot WS OUT.png [options]\n");
        return 2;
    }
    const QString ws = p.positionalArguments()[0];
    const QString out = p.positionalArguments()[1];
    const QTimeZone zone = p.value(u"tz"_s) == u"UTC" ? QTimeZone::utc() : QTimeZone(p.value(u"tz"_s).toUtf8());
    const auto instant = [&](const QString &s) { return parseTimestamp(s.toUtf8(), zone).ts.utcMs; };

    TimelineView view;
    const QStringList size = p.value(u"size"_s).split(u'x');
    view.resize(size.value(0).toInt(), size.value(1).toInt());
    view.setTimeZone(zone);
    const QString mode = p.value(u"mode"_s);
    view.setMode(mode == u"amount" ? TimelineView::Mode::TransactionAmount
                 : mode == u"transactions" ? TimelineView::Mode::TransactionCount
                                           : TimelineView::Mode::Events);
    if (p.isSet(u"currency"_s))
        view.setCurrency(p.value(u"currency"_s));
    view.setLayout(p.value(u"layout"_s) == u"lanes" ? TimelineView::Layout::Lanes : TimelineView::Layout::Stacked);
    TimelineFilter f;
    if (p.isSet(u"outcome"_s))
        f.outcomes = p.value(u"outcome"_s).split(u',');
    f.actionPrefix = p.value(u"action"_s);
    view.setFilter(f);
    view.show();

    QEventLoop loop;
    QObject::connect(&view, &TimelineView::dataUpdated, &loop, &QEventLoop::quit);
    QObject::connect(&view, &TimelineView::queryFailed, &loop, [&](const QString &m) {
        std::fprintf(stderr, "timeline-screenshot: %s\n", qPrintable(m));
        loop.exit(1);
    });
    QTimer::singleShot(30000, &loop, [&] { loop.exit(1); });
    view.setWorkspace(ws);
    if (loop.exec() != 0)
        return 1;
    if (p.isSet(u"from"_s) && p.isSet(u"to"_s)) {
        view.setVisibleRange(instant(p.value(u"from"_s)), instant(p.value(u"to"_s)));
        if (loop.exec() != 0)
            return 1;
    }
    if (p.isSet(u"select-from"_s) && p.isSet(u"select-to"_s))
        view.selectRange(instant(p.value(u"select-from"_s)), instant(p.value(u"select-to"_s)));
    if (p.isSet(u"mark-query"_s)) {
        auto w = Workspace::openReadOnly(ws);
        auto q = w ? w->db().prepare(p.value(u"mark-query"_s).toUtf8()) : Result<Statement>(w.error());
        if (!q) {
            std::fprintf(stderr, "timeline-screenshot: %s\n", qPrintable(q.error().text()));
            return 1;
        }
        QVector<qint64> marks;
        while (q->step() == Statement::StepResult::Row)
            marks << q->columnInt(0);
        view.setMarkers(marks);
    }
    QElapsedTimer t;
    t.start();
    view.plot()->replot(QCustomPlot::rpImmediateRefresh);
    const double replotMs = double(t.nsecsElapsed()) / 1e6;
    if (!view.grab().save(out)) {
        std::fprintf(stderr, "timeline-screenshot: cannot write %s\n", qPrintable(out));
        return 1;
    }
    std::printf("%s: %d buckets of one %s, %d institutions; re-bucket %.1f ms, replot %.1f ms\n", qPrintable(out),
                view.data().bucketCount(), qPrintable(timebuckets::unitName(view.data().unit)), view.data().tenantCount(),
                view.lastQueryMs(), replotMs);
    return 0;
}
