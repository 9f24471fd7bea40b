// SPDX-License-Identifier: GPL-3.0-or-later
#include "benchmark.h"

#include "archivesource.h"
#include "casestore.h"
#include "demogenerator.h"
#include "importer.h"
#include "keyring.h"
#include "recordtablemodel.h"
#include "searchservice.h"
#include "sqlitedb.h"
#include "timebuckets.h"
#include "timelineservice.h"
#include "workspace.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonValue>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QSysInfo>
#include <QThread>
#include <QTimer>

#include <sqlite3.h>
#include <sys/resource.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <cmath>

namespace casebook {

namespace {

using namespace Qt::StringLiterals;

double secondsOf(const QElapsedTimer &t) { return double(t.nsecsElapsed()) / 1e9; }
double msOf(const QElapsedTimer &t) { return double(t.nsecsElapsed()) / 1e6; }

/// Seconds and ratios to 3 decimals, or null.
QJsonValue nullable(const std::optional<double> &v)
{
    return v ? QJsonValue(std::round(*v * 1000) / 1000) : QJsonValue(QJsonValue::Null);
}

std::optional<double> rate(double count, const std::optional<double> &seconds)
{
    if (!seconds || *seconds <= 0)
        return std::nullopt;
    return count / *seconds;
}

std::optional<double> ratio(const std::optional<double> &a, const std::optional<double> &b)
{
    if (!a || !b || *b <= 0)
        return std::nullopt;
    return *a / *b;
}

double round1(double v) { return std::round(v * 10) / 10; }
double round3(double v) { return std::round(v * 1000) / 1000; }

/// A line of /proc/self/status or /proc/meminfo ("VmHWM:   12345 kB") in kB; -1 when absent.
int64_t procKb(const QString &file, QByteArrayView key)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith(key) && line.size() > key.size() && line[key.size()] == ':')
            return line.mid(key.size() + 1).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

/// The transactions CSV parts of one archive concatenated into one CSV file (one header row).
class TransactionsCsvWriter final : public ArchiveVisitor
{
public:
    explicit TransactionsCsvWriter(QFile &out)
        : m_out(out)
    {
    }
    Status beginFile(const QString &) override
    {
        m_skipHeader = m_files++ > 0;
        return ok();
    }
    Status chunk(QByteArrayView data) override
    {
        if (m_skipHeader) {
            const qsizetype nl = data.indexOf('\n');
            if (nl < 0)
                return ok();
            data = data.sliced(nl + 1);
            m_skipHeader = false;
        }
        if (m_out.write(data.data(), data.size()) != data.size())
            return Error(Error::Code::Io, QObject::tr("Cannot write %1").arg(m_out.fileName()), m_out.errorString());
        m_bytes += data.size();
        return ok();
    }
    Status endFile() override { return ok(); }
    int64_t bytes() const { return m_bytes; }

private:
    QFile &m_out;
    int m_files = 0;
    bool m_skipHeader = false;
    int64_t m_bytes = 0;
};

/// Writes the transactions of `archive` to `csvPath`; returns the bytes written.
Result<int64_t> extractTransactionsCsv(const QString &archive, const QString &csvPath)
{
    auto src = ArchiveSource::open(archive);
    if (!src)
        return src.error();
    auto listing = (*src)->list();
    if (!listing)
        return listing.error();
    QStringList parts;
    for (const QString &f : listing->files)
        if (f.startsWith(u"transactions/") && f.endsWith(u".csv"))
            parts << f;
    QFile out(csvPath);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return Error(Error::Code::Io, QObject::tr("Cannot create %1").arg(csvPath), out.errorString());
    TransactionsCsvWriter w(out);
    if (auto st = (*src)->stream(parts, QVector<int64_t>(parts.size(), int64_t(1) << 40), w); !st)
        return st.error();
    if (!out.flush())
        return Error(Error::Code::Io, QObject::tr("Cannot write %1").arg(csvPath), out.errorString());
    return w.bytes();
}

/// Removes an SQLite database file and its -wal and -shm files.
void removeDatabaseFiles(const QString &path)
{
    for (const char *suffix : { "", "-wal", "-shm" })
        QFile::remove(path + QString::fromLatin1(suffix));
}

/// Quotes a path for the sqlite3 shell's dot-commands.
QByteArray shellQuoted(const QString &path)
{
    QByteArray s = path.toUtf8();
    s.replace('"', "\\\"");
    return '"' + s + '"';
}

struct Sqlite3Run
{
    double seconds = 0;
    QByteArray out;
};

/// Runs `script` through the sqlite3 shell on `db` and times the whole process.
Result<Sqlite3Run> runSqlite3(const QString &program, const QString &db, const QByteArray &script)
{
    QProcess p;
    p.setProgram(program);
    p.setArguments({ u"-bail"_s, u"-batch"_s, db });
    p.setProcessChannelMode(QProcess::SeparateChannels);
    QElapsedTimer t;
    t.start();
    p.start();
    if (!p.waitForStarted(30000))
        return Error(Error::Code::Io, QObject::tr("Cannot run %1").arg(program), p.errorString());
    p.write(script);
    p.closeWriteChannel();
    if (!p.waitForFinished(-1))
        return Error(Error::Code::Io, QObject::tr("%1 did not finish").arg(program), p.errorString());
    const double secs = secondsOf(t);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return Error(Error::Code::Io, QObject::tr("%1 failed (exit %2)").arg(program).arg(p.exitCode()),
                     QString::fromUtf8(p.readAllStandardError()).trimmed());
    return Sqlite3Run { secs, p.readAllStandardOutput() };
}

/// CPU time (user + system) of every statement of a sqlite3 shell run with `.timer on`, summed.
double timerCpuSeconds(const QByteArray &out)
{
    static const QRegularExpression line(u"^Run Time: real [0-9.]+ user ([0-9.]+) sys ([0-9.]+)$"_s,
                                         QRegularExpression::MultilineOption);
    double cpu = 0;
    for (auto it = line.globalMatch(QString::fromUtf8(out)); it.hasNext();) {
        const auto m = it.next();
        cpu += m.captured(1).toDouble() + m.captured(2).toDouble();
    }
    return cpu;
}

/// The first column of every row of `sql` on `db`, as UTF-8 lines.
Result<QByteArrayList> textColumn(const SqliteDb &db, QByteArrayView sql)
{
    auto q = db.prepare(sql);
    if (!q)
        return q.error();
    QByteArrayList out;
    while (q->step() == Statement::StepResult::Row)
        out << q->columnText(0).toUtf8();
    return out;
}

/// The floor (docs/BENCHMARKS.md): the CPU the sqlite3 shell alone needs for the rows of the
/// workspace `wsPath`, each part done the cheapest way SQLite offers, in a new database `scratch`
/// (removed afterwards): the rows stored with their keys (INSERT..SELECT of typed rows), the
/// secondary indexes built in bulk, the FTS5 indexes over the same text built with the stock
/// unicode61 tokenizer into contentless tables. Reading the rows out of the workspace is measured
/// on its own and taken off. One sqlite3 process per step, one transaction each.
Result<SqliteFloor> measureSqliteFloor(const QString &sqlite3, const QString &wsPath, const QString &scratch)
{
    QByteArray eCols, tCols, eLens, tLens, eTable, tTable, indexes;
    {
        auto db = SqliteDb::open(wsPath, SqliteDb::Mode::ReadOnly);
        if (!db)
            return db.error();
        const auto one = [&](QByteArrayView sql, QByteArray &into) -> Status {
            auto r = textColumn(*db, sql);
            if (!r)
                return r.error();
            into = r->join('\n');
            return ok();
        };
        for (auto [sql, into] : std::initializer_list<std::pair<const char *, QByteArray *>> {
                 { "SELECT group_concat(name, ', ') FROM pragma_table_info('events')", &eCols },
                 { "SELECT group_concat(name, ', ') FROM pragma_table_info('transactions')", &tCols },
                 { "SELECT group_concat('length(' || name || ')', ' + ') FROM pragma_table_info('events')", &eLens },
                 { "SELECT group_concat('length(' || name || ')', ' + ') FROM pragma_table_info('transactions')", &tLens },
                 { "SELECT sql FROM sqlite_schema WHERE name = 'events'", &eTable },
                 { "SELECT sql FROM sqlite_schema WHERE name = 'transactions'", &tTable },
                 { "SELECT sql || ';' FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL "
                   "AND tbl_name IN ('events', 'transactions') ORDER BY name", &indexes } })
            if (auto st = one(sql, *into); !st)
                return st.error();
    }
    // The copies have no other tables to refer to.
    static const QRegularExpression references(u"REFERENCES\\s+\\w+\\s*\\(\\w+\\)"_s);
    eTable = QString::fromUtf8(eTable).remove(references).toUtf8();
    tTable = QString::fromUtf8(tTable).remove(references).toUtf8();
    const QByteArray eText = "actor, actor_name, action, resource, source_ip, details";
    const QByteArray tText = "debtor_account, debtor_name, creditor_account, creditor_name, reference, memo";
    const QByteArray eTextLens = "length(actor) + length(actor_name) + length(action) + length(resource) + length(source_ip) + length(details)";
    const QByteArray tTextLens = "length(debtor_account) + length(debtor_name) + length(creditor_account) + length(creditor_name) + "
                                 "length(reference) + length(memo)";
    QByteArray attach = wsPath.toUtf8();
    attach.replace('\'', "''");
    removeDatabaseFiles(scratch);
    const auto cleanup = qScopeGuard([&] { removeDatabaseFiles(scratch); });
    const auto step = [&](const QByteArray &sql) -> Result<double> {
        const QByteArray script = "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\nPRAGMA cache_size=-98304;\n"
                                  "ATTACH '" + attach + "' AS ws;\n.timer on\nBEGIN;\n" + sql + "\nCOMMIT;\n";
        auto r = runSqlite3(sqlite3, scratch, script);
        if (!r)
            return r.error();
        return timerCpuSeconds(r->out);
    };
    double cpu[9];
    const QByteArray steps[9] = {
        "SELECT sum(" + eLens + ") FROM ws.events;",
        "SELECT sum(" + tLens + ") FROM ws.transactions;",
        "SELECT sum(" + eTextLens + ") FROM ws.events;",
        "SELECT sum(" + tTextLens + ") FROM ws.transactions;",
        // WHERE keeps SQLite from copying the b-tree pages as they are.
        eTable + ";\nINSERT INTO events (" + eCols + ") SELECT " + eCols + " FROM ws.events WHERE id > 0;",
        tTable + ";\nINSERT INTO transactions (" + tCols + ") SELECT " + tCols + " FROM ws.transactions WHERE id > 0;",
        indexes,
        "CREATE VIRTUAL TABLE fe USING fts5(" + eText + ", content = '', tokenize = 'unicode61 remove_diacritics 2');\n"
        "INSERT INTO fe(rowid, " + eText + ") SELECT id, " + eText + " FROM ws.events;",
        "CREATE VIRTUAL TABLE ft USING fts5(" + tText + ", content = '', tokenize = 'unicode61 remove_diacritics 2');\n"
        "INSERT INTO ft(rowid, " + tText + ") SELECT id, " + tText + " FROM ws.transactions;",
    };
    for (int i = 0; i < 9; ++i) {
        auto c = step(steps[i]);
        if (!c)
            return c.error();
        cpu[i] = *c;
    }
    SqliteFloor f;
    f.storeCpuSeconds = std::max(0.0, cpu[4] + cpu[5] - cpu[0] - cpu[1]);
    f.indexesCpuSeconds = cpu[6];
    f.fts5CpuSeconds = std::max(0.0, cpu[7] + cpu[8] - cpu[2] - cpu[3]);
    return f;
}

/// The view's request range (TimelineView::requestRange, widgets/): the visible range plus a
/// quarter on each side, clamped to the data.
std::pair<int64_t, int64_t> timelineRequestRange(int64_t visibleFrom, int64_t visibleTo, std::pair<int64_t, int64_t> extent)
{
    const int64_t pad = (visibleTo - visibleFrom) / 4;
    int64_t from = visibleFrom - pad, to = visibleTo + pad;
    from = std::max(from, std::min(extent.first, visibleFrom));
    to = std::min(to, std::max(extent.second, visibleTo));
    return { from, to };
}

/// Runs the event loop until `done()` or `timeoutMs`; wakes on the model's signals (no polling loop).
bool waitForModel(RecordTableModel &m, const std::function<bool()> &done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    const auto check = [&] {
        if (done())
            loop.quit();
    };
    QObject::connect(&m, &RecordTableModel::countAvailable, &loop, check);
    QObject::connect(&m, &RecordTableModel::pageAvailable, &loop, check);
    QObject::connect(&m, &RecordTableModel::dataChanged, &loop, check);
    QObject::connect(&m, &RecordTableModel::modelReset, &loop, check);
    QObject::connect(&m, &RecordTableModel::loadFailed, &loop, &QEventLoop::quit);
    timeout.start(timeoutMs);
    loop.exec();
    return done();
}

bool rowLoaded(RecordTableModel &m, int row)
{
    return m.index(row, 0).data(RecordTableModel::LoadedRole).toBool();
}

} // namespace

LatencyFigures LatencyFigures::of(QVector<double> ms)
{
    LatencyFigures f;
    f.samples = int(ms.size());
    if (ms.isEmpty())
        return f;
    std::sort(ms.begin(), ms.end());
    // Nearest rank: the smallest value with at least p of the samples at or below it.
    const auto pct = [&](double p) { return ms[std::clamp<qsizetype>(qsizetype(std::ceil(p * double(ms.size()))) - 1, 0, ms.size() - 1)]; };
    f.p50 = pct(0.5);
    f.p95 = pct(0.95);
    f.max = ms.last();
    return f;
}

QString Benchmark::someAccount(const SqliteDb &db)
{
    if (auto acct = db.prepare("SELECT debtor_account FROM transactions WHERE id = (SELECT max(id) / 2 FROM transactions)");
        acct && acct->step() == Statement::StepResult::Row)
        return acct->columnText(0);
    return u"CN0000000000"_s;
}

QStringList Benchmark::searchQueries(const QString &account)
{
    return {
        u"login"_s,
        u"customers"_s,
        u"rent"_s,
        u"\"northgate trading\""_s,
        u"\"core customers\""_s,
        u"north*"_s,
        u"kyc*"_s,
        u"account:GB33BUKB20201555555555"_s,
        u"account:"_s + account,
        u"王芳"_s,
        u"周建国"_s,
        u"田中"_s,
        u"민준"_s,
        u"张"_s,
        u"amount>=50000 currency:usd"_s,
        u"actor:dba.zhou after:2026-02-08 before:2026-02-10"_s,
        u"role:dba outcome:denied"_s,
        u"ip:203.0.113.0/24"_s,
        u"action:db.* after:2026-03-01"_s,
        u"王芳 amount>10000"_s,
        u"kind:transaction status:rejected amount:1000..5000"_s,
        u"tenant:T0002 channel:swift"_s,
        u"müller OR schmidt -rent"_s,
    };
}

Benchmark::Benchmark(BenchmarkOptions options)
    : m_options(std::move(options))
{
}

void Benchmark::log(const QString &line) const
{
    if (m_options.log)
        m_options.log(line);
}

int64_t Benchmark::peakRssKb()
{
    const int64_t hwm = procKb(u"/proc/self/status"_s, "VmHWM");
    if (hwm >= 0)
        return hwm;
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

bool Benchmark::resetPeakRss()
{
#ifdef __GLIBC__
    // What the generator freed stays in malloc's arenas and would count as the import's: give it back
    // first, so the peak is what an import process needs.
    malloc_trim(0);
#endif
    // Linux >= 4.0: writing 5 to clear_refs resets VmHWM to the current RSS.
    QFile f(u"/proc/self/clear_refs"_s);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    return f.write("5") == 1;
}

QJsonObject Benchmark::machine()
{
    QString cpu;
    QFile f(u"/proc/cpuinfo"_s);
    if (f.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : f.readAll().split('\n')) {
            if (line.startsWith("model name")) {
                cpu = QString::fromUtf8(line.mid(line.indexOf(':') + 1).trimmed());
                break;
            }
        }
    }
    const int64_t memKb = procKb(u"/proc/meminfo"_s, "MemTotal");
    return QJsonObject { { u"cores"_s, QThread::idealThreadCount() },
                         { u"memory_gb"_s, memKb > 0 ? round1(double(memKb) / (1 << 20)) : QJsonValue(QJsonValue::Null) },
                         { u"cpu"_s, cpu },
                         { u"kernel"_s, QString(QSysInfo::kernelType() + u' ' + QSysInfo::kernelVersion()) },
                         { u"os"_s, QSysInfo::prettyProductName() },
                         { u"date"_s, QDateTime::currentDateTimeUtc().toString(Qt::ISODate) },
                         { u"sqlite_library_version"_s, QString::fromLatin1(sqlite3_libversion()) } };
}

QJsonObject BenchmarkResult::toJson() const
{
    const std::optional<double> importS = importSeconds;
    const auto e2e = rate(double(importedRows()), importS);
    const auto load = rate(double(importedRows()), importLoadSeconds);
    const auto cbCsv = rate(double(csvRows), casebookCsvSeconds);
    const auto sqImport = rate(double(csvRows), sqlite3ImportSeconds);
    const auto sqPipeline = rate(double(csvRows), sqlite3PipelineSeconds);
    // The floor's rates: rows over its CPU with one writer, and over half of it on two cores.
    QJsonValue floorCpu(QJsonValue::Null), floorOne(QJsonValue::Null), floorTwo(QJsonValue::Null);
    if (sqlite3Floor && sqlite3Floor->cpuSeconds() > 0) {
        const double cpu = sqlite3Floor->cpuSeconds();
        floorCpu = round3(cpu);
        floorOne = std::round(double(rows()) / cpu);
        floorTwo = std::round(2 * double(rows()) / cpu);
    }
    QJsonObject o {
        { u"rows"_s, qint64(rows()) },
        { u"events"_s, qint64(events) },
        { u"transactions"_s, qint64(transactions) },
        { u"accounts"_s, qint64(accounts) },
        { u"tenants"_s, tenants },
        { u"archives"_s, archives },
        { u"archive_mb"_s, round1(double(archiveBytes) / 1e6) },
        { u"data_mb"_s, round1(double(dataBytes) / 1e6) },
        { u"generate_s"_s, round3(generateSeconds) },
        { u"import_rows"_s, qint64(importedRows()) },
        { u"import_s"_s, round3(importSeconds) },
        { u"import_end_to_end_rows_per_s"_s, e2e ? std::round(*e2e) : QJsonValue(QJsonValue::Null) },
        { u"import_mb_per_s"_s, importSeconds > 0 ? round1(double(archiveBytes) / 1e6 / importSeconds) : QJsonValue(QJsonValue::Null) },
        { u"import_data_mb_per_s"_s, importSeconds > 0 ? round1(double(dataBytes) / 1e6 / importSeconds) : QJsonValue(QJsonValue::Null) },
        { u"import_load_phase_s"_s, nullable(importLoadSeconds) },
        { u"import_full_text_phase_s"_s, round3(importFullTextSeconds) },
        { u"import_finish_phase_s"_s, round3(importFinishSeconds) },
        { u"import_commit_phase_s"_s, round3(importCommitSeconds) },
        { u"import_load_phase_rows_per_s"_s, load ? std::round(*load) : QJsonValue(QJsonValue::Null) },
        { u"peak_rss_mb"_s, round1(peakRssMb) },
        { u"peak_rss_source"_s, peakRssSource },
        { u"workspace_mb"_s, round1(double(workspaceBytes) / 1e6) },
        { u"csv_rows"_s, qint64(csvRows) },
        { u"csv_mb"_s, round1(double(csvBytes) / 1e6) },
        { u"casebook_csv_import_s"_s, nullable(casebookCsvSeconds) },
        { u"casebook_csv_import_rows_per_s"_s, cbCsv ? std::round(*cbCsv) : QJsonValue(QJsonValue::Null) },
        { u"sqlite3_version"_s, sqlite3Version.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(sqlite3Version) },
        { u"sqlite3_import_s"_s, nullable(sqlite3ImportSeconds) },
        { u"sqlite3_pipeline_s"_s, nullable(sqlite3PipelineSeconds) },
        { u"sqlite3_import_rows_per_s"_s, sqImport ? std::round(*sqImport) : QJsonValue(QJsonValue::Null) },
        { u"sqlite3_pipeline_rows_per_s"_s, sqPipeline ? std::round(*sqPipeline) : QJsonValue(QJsonValue::Null) },
        { u"sqlite3_floor_store_cpu_s"_s, sqlite3Floor ? QJsonValue(round3(sqlite3Floor->storeCpuSeconds)) : QJsonValue(QJsonValue::Null) },
        { u"sqlite3_floor_indexes_cpu_s"_s, sqlite3Floor ? QJsonValue(round3(sqlite3Floor->indexesCpuSeconds)) : QJsonValue(QJsonValue::Null) },
        { u"sqlite3_floor_fts5_cpu_s"_s, sqlite3Floor ? QJsonValue(round3(sqlite3Floor->fts5CpuSeconds)) : QJsonValue(QJsonValue::Null) },
        { u"sqlite3_floor_cpu_s"_s, floorCpu },
        { u"sqlite3_floor_rows_per_s_one_writer"_s, floorOne },
        { u"sqlite3_floor_rows_per_s_two_cores"_s, floorTwo },
        { u"ratio_end_to_end_vs_sqlite3_pipeline"_s, nullable(ratio(e2e, sqPipeline)) },
        { u"ratio_end_to_end_vs_sqlite3_import"_s, nullable(ratio(e2e, sqImport)) },
        { u"ratio_load_phase_vs_sqlite3_import"_s, nullable(ratio(load, sqImport)) },
        { u"ratio_csv_import_vs_sqlite3_pipeline"_s, nullable(ratio(cbCsv, sqPipeline)) },
        { u"ratio_csv_import_vs_sqlite3_import"_s, nullable(ratio(cbCsv, sqImport)) },
        { u"search_queries"_s, searchQueries },
        { u"search_samples"_s, searchPage.samples },
        { u"search_p50_ms"_s, round3(searchPage.p50) },
        { u"search_p95_ms"_s, round3(searchPage.p95) },
        { u"search_max_ms"_s, round3(searchPage.max) },
        { u"count_p50_ms"_s, round3(searchCount.p50) },
        { u"count_p95_ms"_s, round3(searchCount.p95) },
        { u"count_max_ms"_s, round3(searchCount.max) },
        { u"timeline_queries"_s, timeline.samples },
        { u"timeline_p50_ms"_s, round3(timeline.p50) },
        { u"timeline_p95_ms"_s, round3(timeline.p95) },
        { u"timeline_max_ms"_s, round3(timeline.max) },
        { u"grid_first_page_ms"_s, round3(gridFirstPageMs) },
        { u"grid_last_page_ms"_s, round3(gridLastRowMs) },
        { u"report_evidence"_s, qint64(reportEvidence) },
        { u"report_pages"_s, reportPages },
        { u"report_10k_s"_s, reportSeconds ? QJsonValue(round3(*reportSeconds)) : QJsonValue(QJsonValue::Null) },
        { u"case_build_s"_s, round3(caseBuildSeconds) },
        { u"total_s"_s, round3(totalSeconds) },
    };
    const QJsonObject m = Benchmark::machine();
    for (auto it = m.begin(); it != m.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

Result<BenchmarkResult> Benchmark::run()
{
    const auto cancelledError = [] { return Error(Error::Code::Cancelled, QObject::tr("Benchmark cancelled")); };
    BenchmarkResult res;
    QElapsedTimer total;
    total.start();
    const QDir work(m_options.workDir);
    if (!work.exists())
        return Error(Error::Code::Usage, QObject::tr("No such directory: %1").arg(m_options.workDir));

    // 1. Deterministic archives.
    demo::Options gen;
    gen.rows = m_options.rows;
    gen.tenants = m_options.tenants;
    const QString archiveDir = work.filePath(u"archives"_s);
    log(QObject::tr("generating %1 rows for %2 institutions in %3").arg(m_options.rows).arg(m_options.tenants).arg(archiveDir));
    QElapsedTimer t;
    t.start();
    auto archives = demo::generate(archiveDir, gen, {}, m_options.cancel);
    if (!archives)
        return cancelled() ? cancelledError() : archives.error();
    res.generateSeconds = secondsOf(t);
    res.tenants = m_options.tenants;
    res.archives = int(archives->size());
    for (const demo::GeneratedArchive &a : *archives)
        res.archiveBytes += QFileInfo(a.path).size();

    // 2. Import end to end, exactly as `casebook-cli import` does (the demo key trusted, like `demo`).
    const QString wsPath = work.filePath(u"bench.casebook"_s);
    Keyring keyring;
    keyring.insert(QString::fromLatin1(demo::kDemoKeyId), demo::demoPublicKey());
    {
        const bool reset = resetPeakRss();
        res.peakRssSource = reset ? u"VmHWM, reset before the import"_s : u"peak of the whole process (could not reset)"_s;
        auto ws = Workspace::create(wsPath);
        if (!ws)
            return ws.error();
        log(QObject::tr("importing %1 archives into %2").arg(archives->size()).arg(wsPath));
        double loadSeconds = 0, fullTextSeconds = 0, finishSeconds = 0, commitSeconds = 0;
        QElapsedTimer all;
        all.start();
        for (const demo::GeneratedArchive &a : *archives) {
            QElapsedTimer one;
            one.start();
            const ImportResult r = importArchive(
                *ws, ImportRequest { a.path, u"casebook-cli bench"_s, &keyring }, {}, [this] { return cancelled(); });
            const double secs = secondsOf(one);
            if (r.outcome == ImportResult::Outcome::Cancelled)
                return cancelledError();
            if (r.outcome != ImportResult::Outcome::Imported)
                return Error(Error::Code::Archive, QObject::tr("Import of %1 failed: %2").arg(a.path, r.message));
            res.events += r.events;
            res.transactions += r.transactions;
            res.accounts += r.accounts;
            res.dataBytes += r.bytes;
            // The importer's own phase times: the load (verify, parse, validate, insert with keys and
            // indexes), then the bulk full-text index, linked entities / rollups / journal, COMMIT.
            loadSeconds += r.loadSeconds;
            fullTextSeconds += r.fullTextSeconds;
            finishSeconds += r.finishSeconds;
            commitSeconds += r.commitSeconds;
            log(QObject::tr("  %1: %2 rows in %3 s (%4 rows/s)")
                    .arg(QFileInfo(a.path).fileName())
                    .arg(r.rows())
                    .arg(secs, 0, 'f', 2)
                    .arg(qint64(secs > 0 ? double(r.rows()) / secs : 0)));
        }
        res.importSeconds = secondsOf(all);
        res.importLoadSeconds = loadSeconds;
        res.importFullTextSeconds = fullTextSeconds;
        res.importFinishSeconds = finishSeconds;
        res.importCommitSeconds = commitSeconds;
        res.peakRssMb = double(peakRssKb()) / 1024.0;
    }
    res.workspaceBytes = QFileInfo(wsPath).size() + QFileInfo(wsPath + u"-wal"_s).size();
    log(QObject::tr("import: %1 rows in %2 s, %3 rows/s, peak RSS %4 MiB")
            .arg(res.importedRows())
            .arg(res.importSeconds, 0, 'f', 2)
            .arg(qint64(double(res.importedRows()) / std::max(res.importSeconds, 1e-9)))
            .arg(res.peakRssMb, 0, 'f', 1));
    if (cancelled())
        return cancelledError();

    // 3. The same transactions as CSV: extracted from the archives, loaded by Casebook (a loose
    // sea-csv file per institution, the import-file path: parse, insert, indexes, full-text, rollups)
    // and by the sqlite3 shell.
    QStringList csvs;
    {
        log(QObject::tr("extracting the transactions CSVs"));
        for (const demo::GeneratedArchive &a : *archives) {
            const QString csv = work.filePath(u"transactions-%1.csv"_s.arg(a.tenantId));
            auto bytes = extractTransactionsCsv(a.path, csv);
            if (!bytes)
                return bytes.error();
            res.csvBytes += *bytes;
            res.csvRows += a.transactions;
            csvs << csv;
        }
    }
    {
        const QString csvWs = work.filePath(u"bench-csv.casebook"_s);
        auto ws = Workspace::create(csvWs);
        if (!ws)
            return ws.error();
        log(QObject::tr("casebook: importing the transactions CSVs into %1").arg(csvWs));
        QElapsedTimer all;
        all.start();
        int64_t rows = 0;
        for (int i = 0; i < csvs.size(); ++i) {
            FileImportRequest req;
            req.filePath = csvs[i];
            req.format = u"sea-csv"_s;
            req.kind = u"transactions"_s;
            req.tenantId = (*archives)[i].tenantId;
            req.tenantName = (*archives)[i].tenantName;
            req.importedBy = u"casebook-cli bench"_s;
            const ImportResult r = importFile(*ws, req, {}, [this] { return cancelled(); });
            if (r.outcome == ImportResult::Outcome::Cancelled)
                return cancelledError();
            if (r.outcome != ImportResult::Outcome::Imported)
                return Error(Error::Code::Archive, QObject::tr("Import of %1 failed: %2").arg(csvs[i], r.message));
            rows += r.transactions;
        }
        res.casebookCsvSeconds = secondsOf(all);
        if (rows != res.csvRows)
            return Error(Error::Code::Database, QObject::tr("Casebook imported %1 of the %2 CSV rows").arg(rows).arg(res.csvRows));
        log(QObject::tr("casebook: %1 CSV rows in %2 s").arg(rows).arg(*res.casebookCsvSeconds, 0, 'f', 2));
    }
    removeDatabaseFiles(work.filePath(u"bench-csv.casebook"_s));
    if (cancelled())
        return cancelledError();

    QString floorProgram; ///< the sqlite3 shell for the floor (step 8), when it runs
    const QString sqlite3 = m_options.sqlite3Program.contains(u'/') ? m_options.sqlite3Program
                                                                      : QStandardPaths::findExecutable(m_options.sqlite3Program);
    if (sqlite3.isEmpty() || !QFileInfo(sqlite3).isExecutable()) {
        res.sqlite3Error = QObject::tr("%1 not found (apt-get install sqlite3): the sqlite3 figures are null").arg(m_options.sqlite3Program);
        log(res.sqlite3Error);
    } else {
        auto version = runSqlite3(sqlite3, u":memory:"_s, "SELECT sqlite_version();\n");
        if (!version) {
            res.sqlite3Error = version.error().text();
            log(res.sqlite3Error);
        } else {
            res.sqlite3Version = QString::fromUtf8(version->out).trimmed();
            // The table has the CSV's columns, as a user would declare them (amount as text: exact).
            QFile first(csvs.value(0));
            QByteArray header;
            if (first.open(QIODevice::ReadOnly))
                header = first.readLine().trimmed();
            QByteArrayList columns;
            for (const QByteArray &c : header.split(','))
                columns << '"' + c + "\" TEXT";
            // Same durability as the workspace (WAL, synchronous=NORMAL) and the importer's page cache.
            QByteArray load = "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\nPRAGMA cache_size=-131072;\n"
                              "CREATE TABLE transactions(" + columns.join(", ") + ");\n";
            for (const QString &csv : csvs)
                load += ".import --csv --skip 1 " + shellQuoted(csv) + " transactions\n";
            const QByteArray pipeline = load
                + "CREATE INDEX transactions_ts ON transactions(ts);\n"
                  "CREATE VIRTUAL TABLE transactions_fts USING fts5(debtor_account, debtor_name, creditor_account, creditor_name, "
                  "reference, memo, content='transactions', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');\n"
                  "INSERT INTO transactions_fts(rowid, debtor_account, debtor_name, creditor_account, creditor_name, reference, memo) "
                  "SELECT rowid, debtor_account, debtor_name, creditor_account, creditor_name, reference, memo FROM transactions;\n";
            const auto runOne = [&](const char *what, const QByteArray &script, std::optional<double> &seconds) -> Status {
                const QString db = work.filePath(u"sqlite3-%1.db"_s.arg(QString::fromLatin1(what)));
                removeDatabaseFiles(db);
                log(QObject::tr("sqlite3 %1: %2").arg(QString::fromLatin1(what), db));
                auto r = runSqlite3(sqlite3, db, script);
                if (!r)
                    return r.error();
                // Every row arrived (not timed).
                auto n = runSqlite3(sqlite3, db, "SELECT count(*) FROM transactions;\n");
                if (!n)
                    return n.error();
                if (n->out.trimmed().toLongLong() != res.csvRows)
                    return Error(Error::Code::Database, QObject::tr("sqlite3 loaded %1 of the %2 CSV rows")
                                                            .arg(QString::fromUtf8(n->out.trimmed()))
                                                            .arg(res.csvRows));
                seconds = r->seconds;
                log(QObject::tr("sqlite3 %1: %2 rows in %3 s").arg(QString::fromLatin1(what)).arg(res.csvRows).arg(r->seconds, 0, 'f', 2));
                removeDatabaseFiles(db);
                return ok();
            };
            if (auto st = runOne("import", load, res.sqlite3ImportSeconds); !st)
                return st.error();
            if (cancelled())
                return cancelledError();
            if (auto st = runOne("pipeline", pipeline, res.sqlite3PipelineSeconds); !st)
                return st.error();
            floorProgram = sqlite3;
        }
    }
    if (cancelled())
        return cancelledError();

    // 4. Search: the query set of issue #5 (tests/bench_search), first page by time and counts.
    {
        auto ws = Workspace::openReadOnly(wsPath);
        if (!ws)
            return ws.error();
        const QStringList queries = searchQueries(someAccount(ws->db()));
        log(QObject::tr("search: %1 queries x %2 runs").arg(queries.size()).arg(m_options.searchRuns));
        SearchService service(ws->db());
        QVector<double> page, count;
        for (const QString &q : queries) {
            auto c = SearchService::compile(q);
            if (!c)
                return Error(Error::Code::Usage, QObject::tr("Benchmark query %1: %2").arg(q, c.error().message));
            for (int i = 0; i < m_options.searchRuns; ++i) {
                QElapsedTimer qt;
                qt.start();
                auto p = service.page(*c, SearchSort::TimeDesc, nullptr, 50);
                page << msOf(qt);
                qt.restart();
                auto n = service.count(*c);
                count << msOf(qt);
                if (!p)
                    return p.error();
                if (!n)
                    return n.error();
            }
            if (cancelled())
                return cancelledError();
        }
        res.searchQueries = int(queries.size());
        res.searchPage = LatencyFigures::of(page);
        res.searchCount = LatencyFigures::of(count);
        log(QObject::tr("search: first page p50 %1 ms, p95 %2 ms; counts p50 %3 ms, p95 %4 ms")
                .arg(res.searchPage.p50, 0, 'f', 1)
                .arg(res.searchPage.p95, 0, 'f', 1)
                .arg(res.searchCount.p50, 0, 'f', 1)
                .arg(res.searchCount.p95, 0, 'f', 1));
    }

    // 5. Timeline: re-bucket the full range and zoomed ranges (2 h, 1 d, 7 d, 30 d), all institutions
    // and one, in four zones, as the view asks (tests/timelinebench).
    {
        auto ws = Workspace::openReadOnly(wsPath);
        if (!ws)
            return ws.error();
        TimelineService service(*ws);
        auto ext = service.extent();
        if (!ext)
            return ext.error();
        if (!*ext)
            return Error(Error::Code::Database, QObject::tr("The benchmark workspace has no data"));
        const auto extent = **ext;
        auto tenants = service.tenants();
        if (!tenants)
            return tenants.error();
        QRandomGenerator rng(42);
        QVector<double> ms;
        const auto once = [&](TimelineRequest r) -> Status {
            r.unit = timebuckets::autoUnit(r.fromUtcMs, r.toUtcMs);
            std::tie(r.fromUtcMs, r.toUtcMs) = timelineRequestRange(r.fromUtcMs, r.toUtcMs, extent);
            QElapsedTimer qt;
            qt.start();
            auto d = service.query(r);
            ms << msOf(qt);
            if (!d)
                return d.error();
            return ok();
        };
        log(QObject::tr("timeline: re-bucketing, %1 repetitions per range").arg(m_options.timelineReps));
        for (const QStringList &set : { QStringList(), QStringList { tenants->value(0) } }) {
            for (const char *zoneId : { "UTC", "Asia/Shanghai", "Asia/Kolkata", "America/New_York" }) {
                const QTimeZone zone = qstrcmp(zoneId, "UTC") == 0 ? QTimeZone::utc() : QTimeZone(zoneId);
                for (int i = 0; i < m_options.timelineReps; ++i) {
                    TimelineRequest r;
                    r.tenants = set;
                    r.zone = zone;
                    r.fromUtcMs = extent.first;
                    r.toUtcMs = extent.second;
                    if (auto st = once(r); !st)
                        return st.error();
                }
                for (const int64_t spanH : { 2LL, 24LL, 7 * 24LL, 30 * 24LL }) {
                    for (int i = 0; i < m_options.timelineReps; ++i) {
                        TimelineRequest r;
                        r.tenants = set;
                        r.zone = zone;
                        const int64_t span = spanH * 3600000;
                        r.fromUtcMs = extent.first + int64_t(rng.bounded(double(std::max<int64_t>(extent.second - extent.first - span, 1))));
                        r.toUtcMs = r.fromUtcMs + span;
                        if (auto st = once(r); !st)
                            return st.error();
                    }
                }
                if (cancelled())
                    return cancelledError();
            }
        }
        res.timeline = LatencyFigures::of(ms);
        log(QObject::tr("timeline: %1 queries, p50 %2 ms, p95 %3 ms")
                .arg(res.timeline.samples)
                .arg(res.timeline.p50, 0, 'f', 1)
                .arg(res.timeline.p95, 0, 'f', 1));
    }

    // 6. Grids: model created → rows of page 0 in; jump → last row's page in (tests/bench_grid).
    {
        log(QObject::tr("grid: events and transactions, newest and oldest first, %1 repetitions").arg(m_options.gridRepeats));
        QVector<double> firstMedians, lastMedians;
        for (RecordKind kind : { RecordKind::Event, RecordKind::Transaction }) {
            for (bool desc : { true, false }) {
                QVector<double> first, last;
                for (int r = 0; r < m_options.gridRepeats; ++r) {
                    QElapsedTimer gt;
                    gt.start();
                    RecordTableModel m(kind);
                    m.sort(kTimeColumn, desc ? Qt::DescendingOrder : Qt::AscendingOrder);
                    bool counted = false;
                    QObject::connect(&m, &RecordTableModel::countAvailable, &m, [&] { counted = true; });
                    m.setWorkspace(wsPath);
                    if (!waitForModel(m, [&] { return counted; }, 120000) || m.rowCount() == 0)
                        return Error(Error::Code::Database, QObject::tr("The grid did not count its rows"));
                    if (!waitForModel(m, [&] { return rowLoaded(m, 0); }, 120000))
                        return Error(Error::Code::Database, QObject::tr("The grid's first page did not load"));
                    first << msOf(gt);
                    gt.restart();
                    const int lastRow = m.rowCount() - 1;
                    if (!waitForModel(m, [&] { return rowLoaded(m, lastRow); }, 120000))
                        return Error(Error::Code::Database, QObject::tr("The grid's last page did not load"));
                    last << msOf(gt);
                }
                firstMedians << LatencyFigures::of(first).p50;
                lastMedians << LatencyFigures::of(last).p50;
                if (cancelled())
                    return cancelledError();
            }
        }
        res.gridFirstPage = LatencyFigures::of(firstMedians);
        res.gridLastRow = LatencyFigures::of(lastMedians);
        res.gridFirstPageMs = res.gridFirstPage.max;
        res.gridLastRowMs = res.gridLastRow.max;
        log(QObject::tr("grid: first page %1 ms, last row %2 ms (slowest of 4 grids, median of %3)")
                .arg(res.gridFirstPageMs, 0, 'f', 1)
                .arg(res.gridLastRowMs, 0, 'f', 1)
                .arg(m_options.gridRepeats));
    }

    // 7. Report: a case of reportEvidence items (half events, half transactions, every 7th with a
    // long multi-line CJK comment, three notes), as tests/bench_report builds it.
    if (m_options.writeReport) {
        QString caseRef;
        {
            QElapsedTimer ct;
            ct.start();
            auto ws = Workspace::open(wsPath);
            if (!ws)
                return ws.error();
            CaseStore store(ws->db(), u"casebook-cli bench"_s);
            const int n = m_options.reportEvidence;
            auto c = store.createCase(u"Benchmark case"_s, u"%1 evidence items"_s.arg(n));
            if (!c)
                return c.error();
            caseRef = c->ref;
            for (RecordKind kind : { RecordKind::Event, RecordKind::Transaction }) {
                auto q = ws->db().prepare(kind == RecordKind::Event ? "SELECT id FROM events ORDER BY id LIMIT ?"
                                                                    : "SELECT id FROM transactions ORDER BY id LIMIT ?");
                if (!q)
                    return q.error();
                q->bind(1, qint64(kind == RecordKind::Event ? n / 2 : n - n / 2));
                QVector<int64_t> ids, longOnes;
                int i = 0;
                while (q->step() == Statement::StepResult::Row)
                    (++i % 7 == 0 ? longOnes : ids) << q->columnInt(0);
                auto a = store.addEvidence(c->id, kind, ids, u"flagged by the night-access rule"_s);
                if (!a)
                    return a.error();
                auto b = store.addEvidence(c->id, kind, longOnes,
                                           u"Long comment: the account holder 王芳 confirmed by phone that she did not order this. "
                                           "Second line follows.\nThird line: see note 2 and the bank's letter of 3 March; "
                                           "Дмитрий from compliance agrees."_s);
                if (!b)
                    return b.error();
                res.reportEvidence += a->size() + b->size();
            }
            for (const QString &note : { u"# Finding\n\n- export at *02:13*\n- %1 items"_s.arg(n), u"Second note with **bold** and 王芳."_s,
                                         u"1. one\n2. two\n3. three"_s }) {
                if (auto st = store.addNote(c->id, note); !st)
                    return st.error();
            }
            res.caseBuildSeconds = secondsOf(ct);
        }
        log(QObject::tr("report: case %1 with %2 evidence items to PDF").arg(caseRef).arg(res.reportEvidence));
        QElapsedTimer rt;
        rt.start();
        auto r = m_options.writeReport(wsPath, caseRef, work.filePath(u"report.pdf"_s));
        if (!r)
            return cancelled() ? cancelledError() : r.error();
        res.reportSeconds = secondsOf(rt);
        res.reportPages = r->pages;
        log(QObject::tr("report: %1 pages in %2 s").arg(r->pages).arg(*res.reportSeconds, 0, 'f', 2));
    }

    // 8. The floor: the workspace's rows, indexes and FTS5 rebuilt by the sqlite3 shell alone. Last,
    // because it writes gigabytes at 10M rows that would push the workspace out of the page cache
    // before the queries above.
    if (!floorProgram.isEmpty()) {
        if (cancelled())
            return cancelledError();
        log(QObject::tr("sqlite3 floor: the workspace's rows, indexes and FTS5 by the sqlite3 shell alone"));
        auto floor = measureSqliteFloor(floorProgram, wsPath, work.filePath(u"sqlite3-floor.db"_s));
        if (!floor)
            return floor.error();
        res.sqlite3Floor = *floor;
        log(QObject::tr("sqlite3 floor: store %1 s, indexes %2 s, FTS5 %3 s of CPU")
                .arg(floor->storeCpuSeconds, 0, 'f', 2)
                .arg(floor->indexesCpuSeconds, 0, 'f', 2)
                .arg(floor->fts5CpuSeconds, 0, 'f', 2));
    }

    res.totalSeconds = secondsOf(total);
    return res;
}

} // namespace casebook
