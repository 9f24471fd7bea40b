// SPDX-License-Identifier: GPL-3.0-or-later
// search-screenshot WS OUT.png [--query Q] [--timeline-hits] [--select ROW] [--size WxH] [--zone Z]
// Opens the main window on a workspace, runs a search in the Search tab, optionally plots only its hits
// on the timeline and selects a hit, then saves QWidget::grab() of the window. Used by
// scripts/screenshot-search for docs/screenshots/search.png (under xvfb-run, or offscreen).

#include "mainwindow.h"
#include "searchpanel.h"
#include "searchresultmodel.h"
#include "timelineview.h"

#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QEventLoop>
#include <QSplitter>
#include <QTableView>
#include <QTimer>

#include <cstdio>

using namespace casebook;
using namespace Qt::StringLiterals;

namespace {
/// Runs the event loop until `done` holds (or `ms` pass); false on timeout.
template<typename F>
bool waitFor(F done, int ms = 30000)
{
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    poll.start(20);
    QTimer::singleShot(ms, &loop, [&] { loop.exit(1); });
    return loop.exec() == 0;
}
} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(u"CasebookScreenshot"_s);
    QCommandLineParser p;
    p.addPositionalArgument(u"workspace"_s, u"workspace"_s);
    p.addPositionalArgument(u"out"_s, u"PNG file"_s);
    p.addOptions({ { u"query"_s, u"search"_s, u"query"_s, u"王芳"_s },
                   { u"timeline-hits"_s, u"plot only the hits on the timeline"_s },
                   { u"select"_s, u"select this hit row"_s, u"row"_s, u"-1"_s },
                   { u"zone"_s, u"display zone, as in the selector"_s, u"zone"_s },
                   { u"size"_s, u"WxH"_s, u"size"_s, u"1500x900"_s } });
    p.process(app);
    if (p.positionalArguments().size() != 2) {
        std::fprintf(stderr, "usage: search-screenshot WS OUT.png [options]\n");
        return 2;
    }
    MainWindow win;
    const QStringList size = p.value(u"size"_s).split(u'x');
    win.resize(size.value(0).toInt(), size.value(1).toInt());
    win.show();
    if (!win.openWorkspace(p.positionalArguments()[0])) {
        std::fprintf(stderr, "search-screenshot: %s\n", qPrintable(win.bannerText()));
        return 1;
    }
    // A taller timeline than the default split, so the hits' bars read well.
    if (auto *centre = win.findChild<QSplitter *>(u"centreSplitter"_s))
        centre->setSizes({ 300, 600 });
    if (p.isSet(u"zone"_s))
        win.setDisplayZone(p.value(u"zone"_s));
    if (!waitFor([&] { return win.timeline()->data().bucketCount() > 0; }))
        return 1;
    SearchPanel *panel = win.searchPanel();
    if (p.isSet(u"timeline-hits"_s))
        panel->timelineHitsAction()->setChecked(true);
    bool finished = false;
    QObject::connect(panel, &SearchPanel::finished, panel, [&] { finished = true; });
    win.searchEverywhere(p.value(u"query"_s));
    if (!waitFor([&] { return finished; }))
        return 1;
    if (p.isSet(u"timeline-hits"_s) && !waitFor([&] { return win.timeline()->data().searchHits; }))
        return 1;
    const int row = p.value(u"select"_s).toInt();
    if (row >= 0) {
        if (!waitFor([&] { return panel->results()->hit(row) != nullptr; }))
            return 1;
        panel->resultView()->selectRow(row);
    }
    panel->resultView()->resizeColumnToContents(SearchResultModel::SummaryColumn);
    waitFor([] { return false; }, 800); // let the timeline and the detail pane settle
    if (!win.grab().save(p.positionalArguments()[1])) {
        std::fprintf(stderr, "search-screenshot: cannot write %s\n", qPrintable(p.positionalArguments()[1]));
        return 1;
    }
    std::printf("%s: %lld hits for %s\n", qPrintable(p.positionalArguments()[1]), qlonglong(panel->results()->totalHits()),
                qPrintable(p.value(u"query"_s)));
    return 0;
}
