// SPDX-License-Identifier: GPL-3.0-or-later
// casebook-cli: bench.

#include "cli.h"

#include "benchmark.h"
#include "reportwriter.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTimeZone>

#include <csignal>
#include <memory>

namespace casebook::cli {

namespace {

QString benchFigure(const QJsonValue &v, const char *unit, int decimals = 1)
{
    if (v.isNull() || v.isUndefined())
        return QStringLiteral("n/a");
    QString n = QString::number(v.toDouble(), 'f', decimals);
    if (decimals == 0) {
        // Thousands separators for rates: 1,234,567.
        for (qsizetype i = n.size() - 3; i > 0; i -= 3)
            n.insert(i, u',');
    }
    return unit[0] ? n + u' ' + QString::fromLatin1(unit) : n;
}

/// The readable table of `bench`: each figure, and the issue #9 goal beside it (goals are for 10M
/// rows on a 2-core machine) with whether this run meets it.
void printBenchTable(const QJsonObject &j)
{
    struct Row
    {
        QString figure, value, goal;
        int met = -1; // -1 no goal, 0 no, 1 yes
    };
    const auto num = [&](const char *key) { return j.value(QLatin1String(key)); };
    const auto meets = [&](const char *key, double goal, bool atLeast) {
        const QJsonValue v = num(key);
        if (v.isNull() || v.isUndefined())
            return -1;
        return (atLeast ? v.toDouble() >= goal : v.toDouble() <= goal) ? 1 : 0;
    };
    const QString reportItems = QString::number(j.value(QStringLiteral("report_evidence")).toInteger());
    const QVector<Row> rows {
        { QStringLiteral("rows (events + transactions)"), benchFigure(num("rows"), "", 0), {} },
        { QStringLiteral("import end to end (+ accounts)"), benchFigure(num("import_end_to_end_rows_per_s"), "rows/s", 0),
          QStringLiteral(">= 200,000 rows/s"), meets("import_end_to_end_rows_per_s", 200000, true) },
        { QStringLiteral("import throughput"), benchFigure(num("import_mb_per_s"), "MB/s of archive"), {} },
        { QStringLiteral("  vs sqlite3 .import+index+FTS5"), benchFigure(num("ratio_end_to_end_vs_sqlite3_pipeline"), "x", 2),
          QStringLiteral(">= 2x"), meets("ratio_end_to_end_vs_sqlite3_pipeline", 2, true) },
        { QStringLiteral("import load phase (estimate)"), benchFigure(num("import_load_phase_rows_per_s"), "rows/s", 0), {} },
        { QStringLiteral("  vs sqlite3 .import"), benchFigure(num("ratio_load_phase_vs_sqlite3_import"), "x", 2),
          QStringLiteral(">= 1.35x"), meets("ratio_load_phase_vs_sqlite3_import", 1.35, true) },
        { QStringLiteral("Casebook import of the same CSV"), benchFigure(num("casebook_csv_import_rows_per_s"), "rows/s", 0), {} },
        { QStringLiteral("  vs sqlite3 .import+index+FTS5"), benchFigure(num("ratio_csv_import_vs_sqlite3_pipeline"), "x", 2), {} },
        { QStringLiteral("  vs sqlite3 .import"), benchFigure(num("ratio_csv_import_vs_sqlite3_import"), "x", 2), {} },
        { QStringLiteral("sqlite3 .import"), benchFigure(num("sqlite3_import_rows_per_s"), "rows/s", 0), {} },
        { QStringLiteral("sqlite3 .import+index+FTS5"), benchFigure(num("sqlite3_pipeline_rows_per_s"), "rows/s", 0), {} },
        { QStringLiteral("SQLite floor, one writer"), benchFigure(num("sqlite3_floor_rows_per_s_one_writer"), "rows/s", 0), {} },
        { QStringLiteral("SQLite floor, 2 cores shared"), benchFigure(num("sqlite3_floor_rows_per_s_two_cores"), "rows/s", 0), {} },
        { QStringLiteral("peak RSS during the import"), benchFigure(num("peak_rss_mb"), "MiB"), QStringLiteral("<= 256 MiB"),
          meets("peak_rss_mb", 256, false) },
        { QStringLiteral("search first page p50"), benchFigure(num("search_p50_ms"), "ms"), {} },
        { QStringLiteral("search first page p95"), benchFigure(num("search_p95_ms"), "ms"), QStringLiteral("<= 50 ms"),
          meets("search_p95_ms", 50, false) },
        { QStringLiteral("search counts p50"), benchFigure(num("count_p50_ms"), "ms"), {} },
        { QStringLiteral("search counts p95"), benchFigure(num("count_p95_ms"), "ms"), QStringLiteral("<= 200 ms"),
          meets("count_p95_ms", 200, false) },
        { QStringLiteral("timeline re-bucket p95"), benchFigure(num("timeline_p95_ms"), "ms"), QStringLiteral("<= 50 ms"),
          meets("timeline_p95_ms", 50, false) },
        { QStringLiteral("grid first page"), benchFigure(num("grid_first_page_ms"), "ms"), QStringLiteral("<= 100 ms"),
          meets("grid_first_page_ms", 100, false) },
        { QStringLiteral("grid jump to last row"), benchFigure(num("grid_last_page_ms"), "ms"), QStringLiteral("<= 100 ms"),
          meets("grid_last_page_ms", 100, false) },
        { QStringLiteral("report, %1 evidence items").arg(reportItems), benchFigure(num("report_10k_s"), "s", 2),
          QStringLiteral("<= 5 s (10,000)"), meets("report_10k_s", 5, false) },
    };
    out() << QStringLiteral("%1  %2  %3\n").arg(QStringLiteral("figure"), -34).arg(QStringLiteral("this run"), 22).arg(QStringLiteral("goal (10M rows, 2 cores)"));
    for (const Row &r : rows) {
        out() << QStringLiteral("%1  %2  %3").arg(r.figure, -34).arg(r.value, 22).arg(r.goal, -20);
        if (r.met >= 0)
            out() << (r.met ? "  met" : "  NOT met");
        out() << "\n";
    }
    out() << "\n"
          << j.value(QStringLiteral("cores")).toInt() << " cores, " << j.value(QStringLiteral("memory_gb")).toDouble() << " GiB RAM, "
          << j.value(QStringLiteral("cpu")).toString() << "; sqlite3 " << (j.value(QStringLiteral("sqlite3_version")).isNull() ? QStringLiteral("not run") : j.value(QStringLiteral("sqlite3_version")).toString())
          << "; " << j.value(QStringLiteral("date")).toString() << "; total " << QString::number(j.value(QStringLiteral("total_s")).toDouble(), 'f', 0) << " s\n";
}

} // namespace

int cmdBench(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json"), QStringLiteral("keep") },
                             { QStringLiteral("rows"), QStringLiteral("tenants"), QStringLiteral("workdir"), QStringLiteral("sqlite3") });
    if (!a.error.isEmpty())
        return usage(a.error);
    if (!a.positional.isEmpty())
        return usage(QStringLiteral("bench takes no positional arguments"));
    BenchmarkOptions o;
    int64_t v;
    if (a.options.contains(QStringLiteral("rows"))) {
        if (!parseCount(a.options[QStringLiteral("rows")], v, 1000))
            return usage(QStringLiteral("--rows must be an integer of at least 1000"));
        o.rows = v;
    }
    if (a.options.contains(QStringLiteral("tenants"))) {
        if (!parseCount(a.options[QStringLiteral("tenants")], v, 1) || v > 1000)
            return usage(QStringLiteral("--tenants must be 1..1000"));
        o.tenants = int(v);
    }
    if (a.options.contains(QStringLiteral("sqlite3"))) {
        o.sqlite3Program = a.options.value(QStringLiteral("sqlite3"));
        if (o.sqlite3Program.isEmpty())
            return usage(QStringLiteral("--sqlite3 needs a program name or path"));
    }
    std::unique_ptr<QTemporaryDir> tmp;
    if (a.options.contains(QStringLiteral("workdir"))) {
        o.workDir = a.options.value(QStringLiteral("workdir"));
        if (o.workDir.isEmpty())
            return usage(QStringLiteral("--workdir needs a directory"));
        QDir d(o.workDir);
        if (!d.exists() && !QDir().mkpath(o.workDir)) {
            err() << "casebook-cli: cannot create " << o.workDir << "\n";
            return ExitFailure;
        }
        if (!d.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System).isEmpty()) {
            err() << "casebook-cli: --workdir " << o.workDir << " is not empty (the benchmark needs a new or empty folder)\n";
            return ExitFailure;
        }
    } else {
        tmp = std::make_unique<QTemporaryDir>(QDir::tempPath() + QStringLiteral("/casebook-bench-XXXXXX"));
        if (!tmp->isValid()) {
            err() << "casebook-cli: cannot create a temporary folder: " << tmp->errorString() << "\n";
            return ExitFailure;
        }
        tmp->setAutoRemove(!a.options.contains(QStringLiteral("keep")));
        o.workDir = tmp->path();
    }
    o.log = [](const QString &line) {
        err() << "bench: " << line << "\n";
        err().flush();
    };
    std::signal(SIGINT, onSigint);
    std::signal(SIGTERM, onSigint);
    o.cancel = &g_interrupted;
    if (const QStringList missing = missingReportFonts(); !missing.isEmpty())
        err() << "casebook-cli: warning: fonts missing (" << missing.join(QStringLiteral(", ")) << ") for the report\n";
    o.writeReport = [](const QString &ws, const QString &caseRef, const QString &pdf) -> Result<BenchmarkReportOutput> {
        ReportRequest req;
        req.workspacePath = ws;
        req.caseRef = caseRef;
        req.outputPath = pdf;
        req.zone = QTimeZone::utc();
        req.investigator = { QStringLiteral("Benchmark"), QStringLiteral("Casebook") };
        req.author = QStringLiteral("casebook-cli bench");
        auto r = writeCaseReport(req, nullptr, [](const ReportProgress &) { return !g_interrupted.load(); });
        if (!r)
            return r.error();
        return BenchmarkReportOutput { r->pages, r->bytes, r->evidence };
    };
    err() << "bench: working in " << o.workDir << (tmp && tmp->autoRemove() ? " (removed afterwards)" : " (kept)") << "\n";
    err().flush();
    Benchmark bench(o);
    auto r = bench.run();
    if (!r) {
        if (r.error().code == Error::Code::Cancelled || g_interrupted)
            return ExitInterrupted;
        err() << "casebook-cli: bench: " << r.error().text() << "\n";
        return ExitFailure;
    }
    QJsonObject j = r->toJson();
    j.insert(QStringLiteral("casebook_version"), QStringLiteral(CASEBOOK_VERSION));
    if (!r->sqlite3Error.isEmpty())
        j.insert(QStringLiteral("sqlite3_error"), r->sqlite3Error);
    if (a.options.contains(QStringLiteral("json")))
        out() << QJsonDocument(j).toJson(QJsonDocument::Compact) << "\n";
    else
        printBenchTable(j);
    out().flush();
    return ExitOk;
}

} // namespace casebook::cli
