// SPDX-License-Identifier: GPL-3.0-or-later
// bench_searchgui WS: what the Search tab costs the GUI thread, and how fast the background model
// answers (run by hand; docs/search.md). For each query: the time setSearch() blocks the calling
// thread, the time to the first page and to the counts (finished), the jump table, and a jump to the
// middle of the hits; then how long a Stop takes to free the workers for the next search. The same
// count + first page run synchronously (what the panel used to do on the GUI thread) for comparison.

#include "searchresultmodel.h"
#include "searchservice.h"
#include "workspace.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <cstdio>
#include <ctime>

using namespace casebook;

namespace {
double ms(const QElapsedTimer &t) { return double(t.nsecsElapsed()) / 1e6; }
/// CPU time of the calling thread (ms): tells work from waiting for a core on a loaded machine.
double threadCpuMs()
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

template<typename F>
bool waitFor(F done, int timeoutMs = 120000)
{
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    poll.start(1);
    QTimer::singleShot(timeoutMs, &loop, [&] { loop.exit(1); });
    return done() || loop.exec() == 0;
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_searchgui WS\n");
        return 2;
    }
    const QString path = QString::fromLocal8Bit(argv[1]);
    auto ws = Workspace::openReadOnly(path);
    if (!ws) {
        std::fprintf(stderr, "%s\n", qPrintable(ws.error().text()));
        return 1;
    }
    const QStringList queries = { QStringLiteral("login"), QStringLiteral("rent"), QStringLiteral("\"northgate trading\""),
                                  QStringLiteral("王芳"), QStringLiteral("田中"), QStringLiteral("account:GB33BUKB20201555555555"),
                                  QStringLiteral("role:dba outcome:denied"), QStringLiteral("ip:203.0.113.0/24"),
                                  QStringLiteral("kind:transaction status:rejected amount:1000..5000"), QString() };
    SearchResultModel model;
    model.setWorkspace(path);
    std::printf("%-52s %9s %9s %9s %9s %9s %9s %9s | %9s\n", "query", "hits", "call ms", "call cpu", "page1 ms", "count ms",
                "keys ms", "jump ms", "sync ms");
    for (const QString &q : queries) {
        auto c = SearchService::compile(q);
        if (!c)
            return 1;
        // What the old panel did on the GUI thread.
        QElapsedTimer s;
        s.start();
        SearchService service(ws->db());
        auto counts = service.count(*c);
        auto page = service.page(*c, SearchSort::TimeDesc, nullptr, 200);
        const double syncMs = ms(s);
        if (!counts || !page)
            return 1;

        bool first = false;
        const auto conn = QObject::connect(&model, &SearchResultModel::pageAvailable, &model, [&](int p) {
            if (p == 0)
                first = true;
        });
        QElapsedTimer t;
        const double cpu0 = threadCpuMs();
        t.start();
        model.setSearch(*c);
        const double callMs = ms(t);
        const double callCpu = threadCpuMs() - cpu0;
        waitFor([&] { return first; });
        const double firstMs = ms(t);
        waitFor([&] { return !model.isBusy(); });
        const double countMs = ms(t);
        double keysMs = 0, jumpMs = 0;
        if (model.rowCount() > 2 * SearchResultModel::kPageSize) {
            waitFor([&] { return model.hasPageKeys(); });
            keysMs = ms(t);
            const int mid = model.rowCount() / 2;
            QElapsedTimer j;
            j.start();
            model.index(mid, 0).data(); // queues the page
            waitFor([&] { return model.index(mid, 0).data(SearchResultModel::LoadedRole).toBool(); });
            jumpMs = ms(j);
        }
        QObject::disconnect(conn);
        std::printf("%-52s %9lld %9.3f %9.3f %9.1f %9.1f %9.1f %9.1f | %9.1f\n",
                    qPrintable(q.isEmpty() ? QStringLiteral("(everything)") : q), qlonglong(model.totalHits()), callMs, callCpu,
                    firstMs, countMs, keysMs, jumpMs, syncMs);
    }

    // Stop: a slow count is interrupted, so the next search does not wait for it.
    const auto small = *SearchService::compile(QStringLiteral("\"northgate trading\""));
    const auto slow = *SearchService::compile(QStringLiteral("kind:transaction status:rejected amount:1000..5000"));
    for (int stop = 0; stop < 2; ++stop) {
        model.setSearch(slow);
        QElapsedTimer w;
        w.start();
        waitFor([&] { return false; }, 40); // let the slow count get going
        QElapsedTimer t;
        t.start();
        if (stop)
            model.cancel();
        model.setSearch(small);
        waitFor([&] { return !model.isBusy(); });
        std::printf("%s: the next search finished %.1f ms later\n",
                    stop ? "slow count stopped after 40 ms" : "slow count superseded after 40 ms", ms(t));
    }
    return 0;
}
