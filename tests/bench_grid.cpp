// SPDX-License-Identifier: GPL-3.0-or-later
// Grid benchmark (not a test): how long the windowed Events/Transactions grids take to show their
// first page and to jump to the last row, on a real workspace. Usage:
//   bench_grid WORKSPACE [REPEATS]
// Prints one line per measurement: kind, sort, first page ms (model created → rows of page 0 in),
// last row ms (jump → last page in), and the page cache size after scrolling end to end.

#include "recordtablemodel.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cstdio>

using namespace casebook;

namespace {

double waitLoaded(RecordTableModel &m, int row, QElapsedTimer &t)
{
    const QModelIndex idx = m.index(row, 0);
    idx.data(); // a miss schedules the fetch
    while (!idx.data(RecordTableModel::LoadedRole).toBool())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    return double(t.nsecsElapsed()) / 1e6;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_grid WORKSPACE [REPEATS]\n");
        return 2;
    }
    const QString ws = QString::fromLocal8Bit(argv[1]);
    const int repeats = argc > 2 ? std::max(1, atoi(argv[2])) : 5;
    for (RecordKind kind : { RecordKind::Event, RecordKind::Transaction }) {
        for (bool desc : { true, false }) {
            std::vector<double> first, last;
            qint64 rows = 0;
            int cached = 0;
            for (int r = 0; r < repeats; ++r) {
                QElapsedTimer t;
                t.start();
                RecordTableModel m(kind);
                m.sort(kTimeColumn, desc ? Qt::DescendingOrder : Qt::AscendingOrder);
                QSignalSpy counted(&m, &RecordTableModel::countAvailable);
                m.setWorkspace(ws);
                if (!counted.wait(60000))
                    return 1;
                rows = m.rowCount();
                first.push_back(waitLoaded(m, 0, t));
                t.restart();
                last.push_back(waitLoaded(m, m.rowCount() - 1, t));
                if (r == 0) {
                    // Scroll end to end in steps of a screen (40 rows every 1000 rows): memory stays flat.
                    for (int row = 0; row < m.rowCount(); row += std::max(1000, m.rowCount() / 2000)) {
                        QElapsedTimer dummy;
                        dummy.start();
                        waitLoaded(m, row, dummy);
                    }
                    cached = m.cachedPages();
                }
            }
            std::printf("%s sort=time %s rows=%lld first_page_ms=%.1f last_row_ms=%.1f pages_cached_after_scroll=%d\n",
                        kind == RecordKind::Event ? "events" : "transactions", desc ? "desc" : "asc", (long long)rows,
                        median(first), median(last), cached);
            std::fflush(stdout);
        }
    }
    return 0;
}
