// SPDX-License-Identifier: GPL-3.0-or-later
// Benchmark (not a ctest test): time and peak memory of a case report with N evidence items.
//   bench_report [N=10000] [WORKDIR]
// Builds a demo workspace (demo generator, 40 000 rows), a case with N evidence items (half events,
// half transactions; every 7th with a long multi-line CJK comment) and three notes, then writes the
// report once and prints wall time per phase, pages, file size and the process's peak RSS. Run it
// for several N in separate processes to see whether memory grows with the page count.

#include "casestore.h"
#include "demogenerator.h"
#include "importer.h"
#include "keyring.h"
#include "reportwriter.h"
#include "workspace.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTextStream>

#include <sys/resource.h>
#include <unistd.h>

using namespace casebook;

/// Current resident set size in KiB (Linux /proc).
static long currentRssKb()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.size() > 1 ? parts[1].toLong() * (sysconf(_SC_PAGESIZE) / 1024) : 0;
}

static long peakRssKb()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

/// Writes the report of C-0001 in `ws` (an existing workspace is reused: delete it to rebuild).
static int runReport(const QString &ws, int n, const QString &dir, QTextStream &out)
{
    const long rssBefore = peakRssKb();
    ReportRequest req;
    req.workspacePath = ws;
    req.caseRef = QStringLiteral("C-0001");
    req.outputPath = dir + QStringLiteral("/bench-%1.pdf").arg(n);
    req.zone = QTimeZone("Europe/Berlin");
    req.investigator = { QStringLiteral("Bench"), QStringLiteral("FSA") };
    QElapsedTimer clock;
    qint64 tLayout = -1, tPaint = -1;
    clock.start();
    QString phase;
    QStringList phases;
    long rssPaintMin = -1, rssPaintMax = 0, rssPaintFirst = -1, rssPaintLast = 0;
    auto r = writeCaseReport(req, nullptr, [&](const ReportProgress &p) {
        if (tLayout < 0 && p.phase == u"Laying out")
            tLayout = clock.elapsed();
        if (tPaint < 0 && p.phase == u"Writing pages")
            tPaint = clock.elapsed();
        if (p.phase == u"Writing pages") {
            const long rss = currentRssKb();
            rssPaintMin = rssPaintMin < 0 ? rss : std::min(rssPaintMin, rss);
            rssPaintMax = std::max(rssPaintMax, rss);
            if (rssPaintFirst < 0)
                rssPaintFirst = rss;
            rssPaintLast = rss;
        }
        if (p.phase != phase) {
            phase = p.phase;
            phases << QStringLiteral("%1 ms %2").arg(clock.elapsed()).arg(phase);
        }
        return true;
    });
    const qint64 total = clock.elapsed();
    if (!r)
        qFatal("report: %s", qPrintable(r.error().text()));
    out << "evidence " << r->evidence << ", pages " << r->pages << ", bytes " << r->bytes << "\n"
        << "total " << total << " ms (until first 250 rows laid out " << tLayout << " ms, until painting began " << tPaint << " ms)\n"
        << "peak RSS before report " << rssBefore / 1024 << " MiB, after " << peakRssKb() / 1024 << " MiB\n"
        << "RSS while painting (sampled every 250 rows): first " << rssPaintFirst / 1024 << " MiB, last " << rssPaintLast / 1024
        << " MiB, min " << rssPaintMin / 1024 << " MiB, max " << rssPaintMax / 1024 << " MiB\n"
        << "phases: " << phases.join(QStringLiteral("; ")) << "\n"
        << "pdf " << req.outputPath << "\n";
    return 0;
}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTextStream out(stdout);
    const int n = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 10000;
    QTemporaryDir tmp;
    const QString dir = argc > 2 ? QString::fromLocal8Bit(argv[2]) : tmp.path();
    QDir().mkpath(dir);
    const QString ws = dir + QStringLiteral("/bench-%1.casebook").arg(n);
    if (QFile::exists(ws))
        return runReport(ws, n, dir, out);

    demo::Options o;
    o.rows = std::max<int64_t>(40000, 3 * n);
    auto gen = demo::generate(dir + QStringLiteral("/archives"), o);
    if (!gen)
        qFatal("generate: %s", qPrintable(gen.error().text()));
    Keyring keyring;
    keyring.insert(QString::fromLatin1(demo::kDemoKeyId), demo::demoPublicKey());
    auto w = Workspace::create(ws);
    for (const demo::GeneratedArchive &g : *gen)
        if (importArchive(*w, { g.path, QStringLiteral("bench"), &keyring }).outcome != ImportResult::Outcome::Imported)
            qFatal("import %s", qPrintable(g.path));
    CaseStore store(w->db(), QStringLiteral("Bench (FSA)"));
    auto c = store.createCase(QStringLiteral("Benchmark case"), QStringLiteral("%1 evidence items").arg(n));
    for (RecordKind kind : { RecordKind::Event, RecordKind::Transaction }) {
        auto q = w->db().prepare(kind == RecordKind::Event ? "SELECT id FROM events ORDER BY id LIMIT ?" : "SELECT id FROM transactions ORDER BY id LIMIT ?");
        q->bind(1, qint64(kind == RecordKind::Event ? n / 2 : n - n / 2));
        QVector<int64_t> ids, longOnes;
        int i = 0;
        while (q->step() == Statement::StepResult::Row)
            (++i % 7 == 0 ? longOnes : ids) << q->columnInt(0);
        store.addEvidence(c->id, kind, ids, QStringLiteral("flagged by the night-access rule"));
        store.addEvidence(c->id, kind, longOnes,
                          QStringLiteral("Long comment: the account holder 王芳 confirmed by phone that she did not order this. "
                                         "Second line follows.\nThird line: see note 2 and the bank's letter of 3 March; "
                                         "Дмитрий from compliance agrees."));
    }
    store.addNote(c->id, QStringLiteral("# Finding\n\n- export at *02:13*\n- %1 items").arg(n));
    store.addNote(c->id, QStringLiteral("Second note with **bold** and 王芳."));
    store.addNote(c->id, QStringLiteral("1. one\n2. two\n3. three"));
    return runReport(ws, n, dir, out);
}

