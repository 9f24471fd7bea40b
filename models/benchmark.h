// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

namespace casebook {

class SqliteDb;

/// What the report step returns (the step itself lives in widgets/: models/ cannot draw a PDF).
struct BenchmarkReportOutput
{
    int pages = 0;
    int64_t bytes = 0;
    int64_t evidence = 0;
};

/// Writes the report of case `caseRef` of the workspace at `workspacePath` as PDF to `pdfPath`.
using BenchmarkReportFn = std::function<Result<BenchmarkReportOutput>(const QString &workspacePath, const QString &caseRef,
                                                                      const QString &pdfPath)>;

struct BenchmarkOptions
{
    int64_t rows = 2000000; ///< events + transactions over all institutions (the demo generator's --rows)
    int tenants = 5; ///< institutions (the demo generator's --tenants)
    QString workDir; ///< an existing directory; archives, workspaces, CSVs and scratch databases go here
    /// The sqlite3 command-line tool: a name looked up on PATH or a path. When it cannot be run, the
    /// sqlite3 figures are null and `sqlite3Error` says why.
    QString sqlite3Program = QStringLiteral("sqlite3");
    int searchRuns = 5; ///< runs of each search query (the first, cold run included)
    int timelineReps = 10; ///< repetitions of each timeline range
    int gridRepeats = 3; ///< repetitions of each grid open + jump
    int reportEvidence = 10000; ///< evidence items in the report's case (fewer when the workspace has fewer rows)
    BenchmarkReportFn writeReport; ///< null: the report step is skipped (null figures)
    std::function<void(const QString &)> log; ///< one line per step and result (the CLI prints it on stderr)
    const std::atomic_bool *cancel = nullptr; ///< polled between steps and inside the import
};

/// p50 / p95 / max of a set of latencies (nearest rank), in ms.
struct LatencyFigures
{
    int samples = 0;
    double p50 = 0, p95 = 0, max = 0;
    static LatencyFigures of(QVector<double> ms);
};

/// The floor under any import into one workspace (docs/BENCHMARKS.md, "The floor"): CPU seconds the
/// sqlite3 shell alone needs for the workspace's events and transactions.
struct SqliteFloor
{
    double storeCpuSeconds = 0; ///< the rows stored with their primary and UNIQUE keys
    double indexesCpuSeconds = 0; ///< the secondary indexes, built in bulk
    double fts5CpuSeconds = 0; ///< FTS5 over the same text columns, unicode61, contentless
    double cpuSeconds() const { return storeCpuSeconds + indexesCpuSeconds + fts5CpuSeconds; }
};

/// Every figure of one benchmark run. Optional figures are null in JSON when the step was skipped or
/// impossible (sqlite3 missing, workspace too small for an estimate).
struct BenchmarkResult
{
    // Data.
    int tenants = 0, archives = 0;
    int64_t events = 0, transactions = 0, accounts = 0;
    int64_t archiveBytes = 0; ///< the .sea.zip files on disk
    int64_t dataBytes = 0; ///< uncompressed data files (what the importer parsed)
    double generateSeconds = 0;

    // Casebook import of every archive (casebook-cli import's code path) into a fresh workspace.
    double importSeconds = 0;
    std::optional<double> importLoadSeconds; ///< verify + parse + validate + insert (with keys and indexes), summed over archives
    double importFullTextSeconds = 0, importFinishSeconds = 0, importCommitSeconds = 0; ///< the other import phases
    double peakRssMb = 0;
    QString peakRssSource; ///< "VmHWM (reset before the import)" or "ru_maxrss (whole process)"
    int64_t workspaceBytes = 0;

    // The transactions CSVs of the archives, loaded by Casebook (importFile, sea-csv) and by sqlite3.
    int64_t csvRows = 0, csvBytes = 0;
    std::optional<double> casebookCsvSeconds;
    QString sqlite3Version, sqlite3Error;
    std::optional<double> sqlite3ImportSeconds, sqlite3PipelineSeconds;
    std::optional<SqliteFloor> sqlite3Floor; ///< SQLite's own CPU for the imported workspace's rows

    // Queries.
    int searchQueries = 0;
    LatencyFigures searchPage, searchCount;
    int timelineQueries = 0;
    LatencyFigures timeline;
    LatencyFigures gridFirstPage, gridLastRow; ///< medians per grid; p50/p95/max over all grids
    double gridFirstPageMs = 0, gridLastRowMs = 0; ///< the slowest grid's median
    // Report.
    int64_t reportEvidence = 0;
    int reportPages = 0;
    std::optional<double> reportSeconds;
    double caseBuildSeconds = 0;

    double totalSeconds = 0;

    int64_t rows() const { return events + transactions; }
    int64_t importedRows() const { return events + transactions + accounts; }
    /// One JSON object with every figure (keys documented in docs/BENCHMARKS.md), plus machine facts.
    QJsonObject toJson() const;
};

/// The end-to-end benchmark of `casebook-cli bench` (issue #9): generate deterministic archives,
/// import them, load the same transactions into the sqlite3 CLI, then time search, timeline, grid
/// and report on the imported workspace. Headless except for the report callback; needs a
/// QCoreApplication (the grid model works through its event loop) and runs on its thread.
class Benchmark
{
public:
    explicit Benchmark(BenchmarkOptions options);
    /// Runs every step. Fails (Error::Code::Cancelled when cancelled) on the first step that cannot
    /// complete; a missing sqlite3 is not a failure.
    Result<BenchmarkResult> run();

    /// The search query set of issue #5's "Speed" section (words, phrases, prefixes, accounts, CJK
    /// names, field + range combinations); `someAccount` is an ordinary account of the workspace.
    /// tests/bench_search runs the same set.
    static QStringList searchQueries(const QString &someAccount);
    /// The account searchQueries() wants: the debtor of the middle transaction of the workspace.
    static QString someAccount(const SqliteDb &db);

    /// Machine facts for the JSON: cores, memory_gb, cpu, kernel, date, sqlite_library_version.
    static QJsonObject machine();
    /// Peak resident set size of this process in KiB (VmHWM), and whether it could be reset.
    static int64_t peakRssKb();
    static bool resetPeakRss();

private:
    void log(const QString &line) const;
    bool cancelled() const { return m_options.cancel && m_options.cancel->load(); }

    BenchmarkOptions m_options;
};

} // namespace casebook
