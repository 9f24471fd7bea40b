// SPDX-License-Identifier: GPL-3.0-or-later
// TimelineView under the offscreen platform: loading and fitting, rubber-band selection (the range
// the grids then use), wheel zoom around the cursor, drag pan, double-click reset, stale results
// dropped, quick filters, modes, lanes, markers, tooltips, zones and export.

#include "demogenerator.h"
#include "importer.h"
#include "qcustomplotwrapper.h"
#include "testutils.h"
#include "timelineview.h"
#include "workspace.h"

#include <QApplication>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace casebook;
using namespace casebook::test;
using namespace Qt::StringLiterals;

namespace {

void mouse(QWidget *w, QEvent::Type type, QPoint pos, Qt::MouseButton button, Qt::MouseButtons buttons,
           Qt::KeyboardModifiers mods = Qt::NoModifier)
{
    QMouseEvent e(type, QPointF(pos), w->mapToGlobal(QPointF(pos)), button, buttons, mods);
    QApplication::sendEvent(w, &e);
}

void wheel(QWidget *w, QPoint pos, int delta)
{
    QWheelEvent e(QPointF(pos), w->mapToGlobal(QPointF(pos)), QPoint(), QPoint(0, delta), Qt::NoButton, Qt::NoModifier,
                  Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &e);
}

QCPBars *bars(const TimelineView &v, int i) { return qobject_cast<QCPBars *>(v.plot()->plottable(i)); }

} // namespace

class TestTimelineView : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_demo;
    QString m_empty;
    std::unique_ptr<TimelineView> m_view;

    /// A shown view on the demo workspace with its first data drawn.
    bool loadDemo()
    {
        m_view = std::make_unique<TimelineView>();
        m_view->resize(1200, 500);
        m_view->show();
        QSignalSpy spy(m_view.get(), &TimelineView::dataUpdated);
        m_view->setWorkspace(m_demo);
        if (!spy.wait(20000))
            return false;
        m_view->plot()->replot(QCustomPlot::rpImmediateRefresh); // lay out the axis rects now
        return true;
    }
    bool waitForData()
    {
        QSignalSpy spy(m_view.get(), &TimelineView::dataUpdated);
        if (!spy.wait(20000))
            return false;
        m_view->plot()->replot(QCustomPlot::rpImmediateRefresh);
        return true;
    }
    QCPAxisRect *rect() const { return m_view->plot()->axisRect(0); }
    /// Events of all institutions in [from, to), counted from the rows as a grid would show them.
    int64_t eventsBetween(qint64 from, qint64 to)
    {
        auto ws = Workspace::openReadOnly(m_demo);
        auto q = ws->db().prepare("SELECT count(*) FROM events WHERE ts_utc_ms >= ? AND ts_utc_ms < ?");
        q->bind(1, int64_t(from));
        q->bind(2, int64_t(to));
        q->step();
        return q->columnInt(0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        demo::Options o;
        o.rows = 20000;
        auto gen = demo::generate(m_dir.filePath(u"demo"_s), o);
        QVERIFY(gen);
        m_demo = m_dir.filePath(u"demo.casebook"_s);
        auto ws = Workspace::create(m_demo);
        QVERIFY(ws);
        for (const demo::GeneratedArchive &g : *gen)
            QCOMPARE(importArchive(*ws, { g.path, u"tester"_s, nullptr }).outcome, ImportResult::Outcome::Imported);
        m_empty = m_dir.filePath(u"empty.casebook"_s);
        QVERIFY(Workspace::create(m_empty));
    }

    void cleanup() { m_view.reset(); }

    void loadsAndFitsAllData()
    {
        QVERIFY(loadDemo());
        const TimelineData &d = m_view->data();
        QCOMPARE(d.tenants, (QStringList { u"T0001"_s, u"T0002"_s, u"T0003"_s, u"T0004"_s, u"T0005"_s }));
        QCOMPARE(d.unit, BucketUnit::Day); // a quarter of data
        QVERIFY(m_view->fullRange());
        QVERIFY(m_view->visibleFrom() <= m_view->fullRange()->first);
        QVERIFY(m_view->visibleTo() >= m_view->fullRange()->second);
        QCOMPARE(m_view->plot()->plottableCount(), 10); // matched + rest per institution
        for (int t = 0; t < 5; ++t) { // one legend entry per institution
            QVERIFY(m_view->plot()->legend->hasItemWithPlottable(bars(*m_view, 2 * t)));
            QVERIFY(!m_view->plot()->legend->hasItemWithPlottable(bars(*m_view, 2 * t + 1)));
        }
        int64_t drawn = 0, total = 0;
        for (int t = 0; t < 5; ++t)
            for (auto it = bars(*m_view, 2 * t)->data()->constBegin(); it != bars(*m_view, 2 * t)->data()->constEnd(); ++it)
                drawn += int64_t(it->value);
        for (const TimelineCounts &c : d.counts)
            total += c.events;
        QCOMPARE(drawn, total);
        QCOMPARE(total, eventsBetween(d.edges.first(), d.edges.last()));
        QVERIFY(m_view->lastQueryMs() > 0);
    }

    void rubberBandEmitsTheRangeTheGridsUse_data()
    {
        QTest::addColumn<int>("button");
        QTest::addColumn<int>("modifiers");
        QTest::addRow("shift + left drag") << int(Qt::LeftButton) << int(Qt::ShiftModifier);
        QTest::addRow("right drag") << int(Qt::RightButton) << int(Qt::NoModifier);
    }
    void rubberBandEmitsTheRangeTheGridsUse()
    {
        QFETCH(int, button);
        QFETCH(int, modifiers);
        QVERIFY(loadDemo());
        QSignalSpy spy(m_view.get(), &TimelineView::rangeSelected);
        QWidget *plot = m_view->plot();
        const QRect r = rect()->rect();
        const int y = r.center().y();
        const QPoint a(r.left() + r.width() / 4, y), b(r.left() + r.width() / 2, y);
        const auto btn = Qt::MouseButton(button);
        const auto mods = Qt::KeyboardModifiers(modifiers);
        mouse(plot, QEvent::MouseButtonPress, a, btn, btn, mods);
        mouse(plot, QEvent::MouseMove, (a + b) / 2, Qt::NoButton, btn, mods);
        mouse(plot, QEvent::MouseMove, b, Qt::NoButton, btn, mods);
        mouse(plot, QEvent::MouseButtonRelease, b, btn, Qt::NoButton, mods);
        QCOMPARE(spy.count(), 1);
        const qint64 from = spy[0][0].toLongLong(), to = spy[0][1].toLongLong();
        // Snapped outwards to the buckets under the band.
        const TimelineData &d = m_view->data();
        const auto msAt = [&](int x) { return qint64(std::llround(rect()->axis(QCPAxis::atBottom)->pixelToCoord(x) * 1000)); };
        const int b0 = d.bucketAt(msAt(a.x())), b1 = d.bucketAt(msAt(b.x()));
        QVERIFY(b0 >= 0 && b1 > b0);
        QCOMPARE(from, d.edges[b0]);
        QCOMPARE(to, d.edges[b1 + 1]);
        QCOMPARE(m_view->selection()->first, from);
        // The grids filter on [from, to): exactly the events of the selected bars.
        int64_t inBars = 0;
        for (int k = b0; k <= b1; ++k)
            for (int t = 0; t < d.tenantCount(); ++t)
                inBars += d.at(k, t).events;
        QCOMPARE(eventsBetween(from, to), inBars);
        QVERIFY(inBars > 0);
        // Pan and zoom did not happen.
        QVERIFY(m_view->visibleFrom() <= m_view->fullRange()->first);
    }

    void clickIsNotASelection()
    {
        QVERIFY(loadDemo());
        QSignalSpy spy(m_view.get(), &TimelineView::rangeSelected);
        const QPoint p = rect()->rect().center();
        mouse(m_view->plot(), QEvent::MouseButtonPress, p, Qt::RightButton, Qt::RightButton);
        mouse(m_view->plot(), QEvent::MouseButtonRelease, p, Qt::RightButton, Qt::NoButton);
        QCOMPARE(spy.count(), 0);
        QVERIFY(!m_view->selection());
    }

    void wheelZoomsAroundTheCursorAndRebuckets()
    {
        QVERIFY(loadDemo());
        const QRect r = rect()->rect();
        const QPoint p(r.left() + r.width() / 3, r.center().y());
        QCPAxis *x = rect()->axis(QCPAxis::atBottom);
        const double before = x->pixelToCoord(p.x());
        const qint64 span = m_view->visibleTo() - m_view->visibleFrom();
        for (int i = 0; i < 12; ++i)
            wheel(m_view->plot(), p, 120);
        QVERIFY(m_view->visibleTo() - m_view->visibleFrom() < span / 10);
        QVERIFY(std::abs(x->pixelToCoord(p.x()) - before) < 60); // the instant under the cursor stays put
        QVERIFY(waitForData());
        QCOMPARE(m_view->data().unit, BucketUnit::Hour);
        QVERIFY(m_view->data().edges.first() <= m_view->visibleFrom());
        QVERIFY(m_view->data().edges.last() >= m_view->visibleTo());
        // Zooming out stops a little beyond all the data.
        for (int i = 0; i < 40; ++i)
            wheel(m_view->plot(), p, -120);
        QVERIFY(m_view->visibleTo() - m_view->visibleFrom() <= 3 * span + 1000);
    }

    void dragPans()
    {
        QVERIFY(loadDemo());
        const QRect r = rect()->rect();
        const qint64 from = m_view->visibleFrom(), to = m_view->visibleTo();
        const QPoint a = r.center(), b = a + QPoint(100, 0);
        mouse(m_view->plot(), QEvent::MouseButtonPress, a, Qt::LeftButton, Qt::LeftButton);
        mouse(m_view->plot(), QEvent::MouseMove, b, Qt::NoButton, Qt::LeftButton);
        mouse(m_view->plot(), QEvent::MouseButtonRelease, b, Qt::LeftButton, Qt::NoButton);
        const double msPerPx = double(to - from) / r.width();
        QVERIFY(std::abs(double(from - m_view->visibleFrom()) - 100 * msPerPx) < 2 * msPerPx);
        QCOMPARE(m_view->visibleTo() - m_view->visibleFrom(), to - from);
        QVERIFY(waitForData());
    }

    void doubleClickResetsRangeAndSelection()
    {
        QVERIFY(loadDemo());
        const qint64 from = m_view->visibleFrom(), to = m_view->visibleTo();
        m_view->setVisibleRange(from + (to - from) / 3, from + (to - from) / 2);
        m_view->selectRange(from + (to - from) / 3, from + (to - from) / 2);
        QVERIFY(waitForData());
        QSignalSpy cleared(m_view.get(), &TimelineView::selectionCleared);
        const QPoint p = rect()->rect().center();
        mouse(m_view->plot(), QEvent::MouseButtonPress, p, Qt::LeftButton, Qt::LeftButton);
        mouse(m_view->plot(), QEvent::MouseButtonRelease, p, Qt::LeftButton, Qt::NoButton);
        mouse(m_view->plot(), QEvent::MouseButtonDblClick, p, Qt::LeftButton, Qt::LeftButton);
        mouse(m_view->plot(), QEvent::MouseButtonRelease, p, Qt::LeftButton, Qt::NoButton);
        QCOMPARE(m_view->visibleFrom(), from);
        QCOMPARE(m_view->visibleTo(), to);
        QCOMPARE(cleared.count(), 1);
        QVERIFY(!m_view->selection());
    }

    void staleResultsAreDropped()
    {
        QVERIFY(loadDemo());
        QSignalSpy updated(m_view.get(), &TimelineView::dataUpdated);
        const qint64 from = m_view->visibleFrom(), to = m_view->visibleTo();
        // Many requests in flight (each turn of the event loop sends one): only the last one counts.
        for (int i = 1; i <= 15; ++i) {
            m_view->setVisibleRange(from + i * 3600000LL, to - i * 7200000LL * i);
            QCoreApplication::processEvents();
        }
        const qint64 lastFrom = m_view->visibleFrom(), lastTo = m_view->visibleTo();
        QTRY_VERIFY_WITH_TIMEOUT(updated.count() > 0, 20000);
        QTest::qWait(300); // anything still queued would land now
        const TimelineData &d = m_view->data();
        QCOMPARE(d.unit, timebuckets::autoUnit(lastFrom, lastTo));
        QVERIFY(d.edges.first() <= lastFrom && d.edges.last() >= lastTo);
        // Every update that did land was for a request of this burst, and the last one drawn is the
        // last one asked (earlier replies that arrive late are dropped, not drawn over it).
        QVERIFY(updated.count() >= 1 && updated.count() <= 15);
        const int settled = int(updated.count());
        QTest::qWait(200);
        QCOMPARE(int(updated.count()), settled);
    }

    void tooltipShowsTheBucket()
    {
        QVERIFY(loadDemo());
        m_view->setTimeZone(QTimeZone("Asia/Shanghai"));
        QVERIFY(waitForData());
        const QRect r = rect()->rect();
        const QString tip = m_view->toolTipAt(r.left() + r.width() / 2);
        QVERIFY2(tip.contains(u"Asia/Shanghai (UTC+08:00)"), qPrintable(tip));
        QVERIFY2(tip.contains(u"00:00 – "), qPrintable(tip)); // day buckets start at local midnight
        for (const QString &t : { u"T0001: "_s, u"T0005: "_s })
            QVERIFY2(tip.contains(t), qPrintable(tip));
        QVERIFY(tip.contains(u"event"));
        m_view->setMode(TimelineView::Mode::TransactionAmount);
        QVERIFY(m_view->toolTipAt(r.left() + r.width() / 2).contains(u"transaction"));
        QVERIFY(m_view->toolTipAt(r.left() - 20 * r.width()).isEmpty()); // beyond the data
    }

    void quickFiltersRestyleBars()
    {
        QVERIFY(loadDemo());
        TimelineFilter f;
        f.outcomes = QStringList { u"failure"_s, u"denied"_s };
        m_view->setFilter(f);
        QVERIFY(waitForData());
        const TimelineData &d = m_view->data();
        QVERIFY(d.filtered);
        int64_t highlighted = 0;
        for (int t = 0; t < d.tenantCount(); ++t) {
            QCPBars *hi = bars(*m_view, 2 * t), *lo = bars(*m_view, 2 * t + 1);
            QCOMPARE(hi->data()->size(), d.bucketCount());
            for (int b = 0; b < d.bucketCount(); ++b) {
                QCOMPARE(int64_t(hi->data()->at(b)->value), d.at(b, t).failures + d.at(b, t).denied);
                QCOMPARE(int64_t(lo->data()->at(b)->value), d.at(b, t).events - d.at(b, t).failures - d.at(b, t).denied);
                highlighted += int64_t(hi->data()->at(b)->value);
            }
        }
        QVERIFY(highlighted > 0);
        f = TimelineFilter();
        f.actionPrefix = u"db.export"_s;
        m_view->setFilter(f);
        QVERIFY(waitForData());
        int64_t exports = 0;
        for (const TimelineCounts &c : m_view->data().counts)
            exports += c.matched;
        QVERIFY(exports > 0);
        QVERIFY(exports < highlighted * 10);
    }

    void transactionModes()
    {
        QVERIFY(loadDemo());
        m_view->setMode(TimelineView::Mode::TransactionAmount);
        m_view->setCurrency(u"CNY"_s);
        const TimelineData &d = m_view->data();
        const int cny = int(d.currencies.indexOf(u"CNY"_s));
        QVERIFY(cny >= 0);
        double sum = 0, expected = 0;
        for (int b = 0; b < d.bucketCount(); ++b) {
            sum += bars(*m_view, 0)->data()->at(b)->value;
            expected += double(d.amountAt(b, 0, cny)) / 1e4;
        }
        QVERIFY(expected > 0);
        QCOMPARE(sum, expected);
        m_view->setMode(TimelineView::Mode::TransactionCount);
        int64_t count = 0;
        for (int b = 0; b < d.bucketCount(); ++b)
            count += int64_t(bars(*m_view, 0)->data()->at(b)->value);
        int64_t expectedCount = 0;
        for (int b = 0; b < d.bucketCount(); ++b)
            expectedCount += d.at(b, 0).transactions;
        QCOMPARE(count, expectedCount);
    }

    void lanesAndMarkers()
    {
        QVERIFY(loadDemo());
        m_view->setLayout(TimelineView::Layout::Lanes);
        QCOMPARE(m_view->plot()->axisRectCount(), 5);
        const qint64 mid = (m_view->visibleFrom() + m_view->visibleTo()) / 2;
        m_view->setMarkers({ mid, mid + 3600000 });
        QCOMPARE(m_view->plot()->itemCount(), 2 * 5);
        m_view->selectRange(mid, mid + 86400000);
        QCOMPARE(m_view->plot()->itemCount(), 2 * 5 + 5);
        m_view->setLayout(TimelineView::Layout::Stacked);
        QCOMPARE(m_view->plot()->axisRectCount(), 1);
        QCOMPARE(m_view->plot()->itemCount(), 2 + 1); // markers and selection survive a relayout
    }

    void onlySearchHits()
    {
        QVERIFY(loadDemo());
        const qint64 from = m_view->visibleFrom(), to = m_view->visibleTo();
        // Hits of a narrow search: fitted to them, counted from the rows.
        m_view->setSearch(*SearchService::compile(u"action:db.export"_s));
        QVERIFY(m_view->showsSearchHits());
        QVERIFY(waitForData());
        QVERIFY(m_view->data().searchHits);
        auto ws = Workspace::openReadOnly(m_demo);
        auto q = ws->db().prepare("SELECT count(*), min(ts_utc_ms), max(ts_utc_ms) FROM events WHERE action = 'db.export'");
        QVERIFY(q && q->step() == Statement::StepResult::Row);
        const int64_t hits = q->columnInt(0);
        QVERIFY(hits > 0);
        QCOMPARE(m_view->fullRange()->first, q->columnInt(1)); // the hits' range
        QCOMPARE(m_view->fullRange()->second, q->columnInt(2) + 1);
        int64_t drawn = 0, counted = 0;
        for (int t = 0; t < 5; ++t)
            for (auto it = bars(*m_view, 2 * t)->data()->constBegin(); it != bars(*m_view, 2 * t)->data()->constEnd(); ++it)
                drawn += int64_t(it->value);
        for (const TimelineCounts &c : m_view->data().counts)
            counted += c.events;
        QCOMPARE(counted, hits);
        QCOMPARE(drawn, hits);
        // Institutions chosen on the view narrow the hits.
        m_view->setTenants({ u"T0001"_s });
        QVERIFY(waitForData());
        QCOMPARE(m_view->data().tenants, QStringList { u"T0001"_s });
        QVERIFY(m_view->data().searchHits);
        m_view->setTenants({});
        QVERIFY(waitForData());
        // Off: every row again, in the range shown before.
        m_view->setSearch(std::nullopt);
        QVERIFY(!m_view->showsSearchHits());
        QCOMPARE(m_view->visibleFrom(), from);
        QCOMPARE(m_view->visibleTo(), to);
        QVERIFY(waitForData());
        QVERIFY(!m_view->data().searchHits);
        // Hits of one kind: the view shows that kind.
        QCOMPARE(m_view->mode(), TimelineView::Mode::Events);
        m_view->setSearch(*SearchService::compile(u"account:GB33BUKB20201555555555"_s));
        QCOMPARE(m_view->mode(), TimelineView::Mode::TransactionCount);
        QVERIFY(waitForData());
        m_view->setSearch(*SearchService::compile(u"actor:dba.zhou"_s));
        QCOMPARE(m_view->mode(), TimelineView::Mode::Events);
        QVERIFY(waitForData());
        // A search without hits shows nothing.
        m_view->setSearch(*SearchService::compile(u"zzzznotthere"_s));
        QVERIFY(waitForData());
        QCOMPARE(m_view->data().bucketCount(), 0);
    }

    void currentHitIsMarkedAndCentred()
    {
        QVERIFY(loadDemo());
        const qint64 mid = (m_view->visibleFrom() + m_view->visibleTo()) / 2;
        const int items = m_view->plot()->itemCount();
        m_view->setCurrentInstant(mid);
        QCOMPARE(m_view->plot()->itemCount(), items + 1);
        QCOMPARE(m_view->visibleFrom() + (m_view->visibleTo() - m_view->visibleFrom()) / 2, mid); // in view: no pan
        // Zoomed in elsewhere: the view pans to centre the hit, keeping the zoom.
        m_view->setVisibleRange(mid - 10 * 86400000LL, mid - 9 * 86400000LL);
        m_view->setCurrentInstant(mid + 3600000);
        QCOMPARE(m_view->visibleTo() - m_view->visibleFrom(), 86400000LL);
        QCOMPARE(m_view->visibleFrom(), mid + 3600000 - 43200000LL);
        m_view->setCurrentInstant(std::nullopt);
        QCOMPARE(m_view->plot()->itemCount(), items);
    }

    void tenantsAndZone()
    {
        QVERIFY(loadDemo());
        m_view->setTenants({ u"T0002"_s });
        m_view->setTimeZone(QTimeZone("Asia/Kolkata"));
        QVERIFY(waitForData());
        QCOMPARE(m_view->data().tenants, QStringList { u"T0002"_s });
        QCOMPARE(m_view->plot()->plottableCount(), 2);
        QVERIFY(timebuckets::formatInZone(m_view->data().edges.first(), m_view->data().zone).endsWith(u"T00:00:00+05:30"));
        QVERIFY(rect()->axis(QCPAxis::atBottom)->label().contains(u"Asia/Kolkata"));
    }

    void exportsPngAndPdf()
    {
        QVERIFY(loadDemo());
        const QString png = m_dir.filePath(u"t.png"_s), pdf = m_dir.filePath(u"t.pdf"_s);
        QVERIFY(m_view->exportPng(png, 800, 300));
        QVERIFY(m_view->exportPdf(pdf, 800, 300));
        QImage img(png);
        QCOMPARE(img.size(), QSize(800, 300));
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.read(5) == "%PDF-");
        QVERIFY(f.size() > 2000);
    }

    void emptyWorkspace()
    {
        m_view = std::make_unique<TimelineView>();
        m_view->resize(800, 300);
        m_view->show();
        QSignalSpy spy(m_view.get(), &TimelineView::dataUpdated);
        m_view->setWorkspace(m_empty);
        QVERIFY(spy.wait(10000));
        QCOMPARE(m_view->data().bucketCount(), 0);
        QVERIFY(!m_view->fullRange());
        QVERIFY(m_view->toolTipAt(400).isEmpty());
        m_view->resetRange();
        m_view->plot()->replot(QCustomPlot::rpImmediateRefresh);
    }

    void requestRange()
    {
        using R = std::pair<qint64, qint64>;
        // A quarter of the span more on each side ...
        QCOMPARE(TimelineView::requestRange(1000, 2000, std::nullopt), R(750, 2250));
        QCOMPARE(TimelineView::requestRange(1000, 2000, R(0, 5000)), R(750, 2250));
        // ... but not beyond the data, unless the visible range itself is.
        QCOMPARE(TimelineView::requestRange(1000, 2000, R(900, 2100)), R(900, 2100));
        QCOMPARE(TimelineView::requestRange(1000, 2000, R(1200, 1800)), R(1000, 2000));
    }

    void badWorkspaceReportsAnError()
    {
        m_view = std::make_unique<TimelineView>();
        QSignalSpy failed(m_view.get(), &TimelineView::queryFailed);
        m_view->setWorkspace(m_dir.filePath(u"missing.casebook"_s));
        QVERIFY(failed.wait(10000));
        QVERIFY(failed[0][0].toString().contains(u"missing.casebook"));
    }
};

QTEST_MAIN(TestTimelineView)
#include "tst_timelineview.moc"
