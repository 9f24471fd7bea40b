// SPDX-License-Identifier: GPL-3.0-or-later
// casebook-cli: the headless front end of casebook_models. Exit codes: 0 success, 1 failure (for
// import: an archive was rejected), 2 usage error, 130 interrupted.

#include "benchmark.h"
#include "casereport.h"
#include "casestore.h"
#include "csvexport.h"
#include "demogenerator.h"
#include "identity.h"
#include "journal.h"
#include "recordhash.h"
#include "verifier.h"
#include "importer.h"
#include "keyring.h"
#include "money.h"
#include "searchservice.h"
#include "timelineservice.h"
#include "timestamp.h"
#include "reportwriter.h"
#include "workspace.h"

#include <QApplication>

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTextStream>
#include <QTimeZone>

#include <atomic>
#include <csignal>
#include <memory>
#include <cstdio>
#include <unistd.h>

using namespace casebook;

namespace {

enum Exit { ExitOk = 0, ExitFailure = 1, ExitUsage = 2, ExitInterrupted = 130 };

std::atomic_bool g_interrupted { false };

void onSigint(int) { g_interrupted = true; }

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}
QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

const char *const kUsage = R"(Usage: casebook-cli COMMAND [ARGS]

Commands:
  init WS                          create an empty workspace file WS
  import WS ARCHIVE... [--json]    import .sea.zip files or SEA directories into WS
  import-file WS --tenant ID [--tenant-name NAME] --format FORMAT FILE... [--json]
                                   import loose files as unsigned sources of institution ID;
                                   FORMAT: cloudtrail, camt.053 (also .052/.054), mt940 (also
                                   MT942), sea-csv, sea-jsonl; --kind accounts for an accounts.csv,
                                   --timezone IANA for times without offset (default: the
                                   institution's, else UTC)
  info WS [--json]                 institutions, archives, counts and exact totals
  quarantine WS [--json]           rows that could not be imported, with file, line and reason
  keys add NAME PUBKEY_FILE        trust a producer key (NAME = the key_id manifests carry)
  keys list                        list trusted producer keys
  keys remove NAME                 stop trusting a key
  demo WS [--rows N]               create WS (if missing) and import the demo archives into it
  generate OUTDIR [--tenants N] [--rows N] [--seed S] [--dir]
                                   write deterministic synthetic SEA archives
  case new WS --title T [--description D]
                                   create a case; prints its id (C-0001) as the last word
  case list WS [--json]            list cases
  case add WS CASE --query Q [--comment C] [--tz ZONE]
                                   add every hit of a search as evidence
  case add WS CASE (--event ID | --transaction ID) [--tenant T] [--comment C]
                                   add one record as evidence
  case remove WS CASE EVIDENCE_ID  remove an evidence item (stays in the journal)
  case note WS CASE --text T       add a note (Markdown)
  case show WS CASE [--json]       a case with its evidence and notes
  case close WS CASE --outcome no_finding|finding|referred
  verify WS                        recompute the journal chain and every evidence hash
  search WS QUERY [--format table|csv|jsonl] [--limit N] [--tz ZONE] [--count] [--json]
         [--sort time|time-asc|amount|amount-asc] [--scope T1,T2,...]
                                   search events and transactions of every institution
                                   (query language: docs/search.md); --count: hits per
                                   institution and kind; --json: JSON lines (with --count:
                                   one JSON object); --tz: zone for dates in the query and
                                   for displayed times (default UTC); --scope: only these
                                   institutions. Exit 0 also without hits, 2 on a syntax error
  linked WS [--min-tenants N] [--json] [--scope T1,T2,...]
                                   accounts, IPs, actors and names seen at N (default 2) or
                                   more institutions
  timeline WS [--tenant ID[,ID...]] [--from T] [--to T] [--bucket auto|minute|5min|hour|day|week|month]
           [--tz ZONE] [--outcome O[,O...]] [--action PREFIX] [--actor ID] [--json]
                                   events, transactions and exact amounts per institution and local
                                   calendar bucket; T is RFC 3339, or a date or local time read in
                                   --tz; [--from, --to) defaults to all data; --tz defaults to the
                                   institutions' common zone, else UTC
  export-report WS CASE --out FILE.pdf [--tz ZONE] [--rehash-archives]
                                   the case report as PDF/A-1b, with FILE.pdf.sha256 and
                                   FILE.manifest.json beside it; journaled with its SHA-256.
                                   ZONE: an IANA zone (default UTC), or "source" for each
                                   record's own offset
  export-csv WS CASE --out FILE.csv [--tz ZONE] [--bom]
                                   every evidence item of the case as RFC 4180 CSV (UTF-8,
                                   exact amounts, times with offsets; default ZONE "source");
                                   journaled with its SHA-256
  bench [--rows N] [--tenants K] [--workdir DIR] [--keep] [--sqlite3 PROGRAM] [--json]
                                   the benchmark (docs/BENCHMARKS.md): generate N rows (default
                                   2000000) for K institutions (default 5), import them, load the
                                   same transactions CSV with the sqlite3 tool, time search,
                                   timeline, grids and a 10,000-item report; --json: one line.
                                   DIR (new or empty) is kept; the default temporary folder is
                                   removed unless --keep
  --version                        print the version

Options for import, import-file, demo, case, export-* and keys: --keyring FILE (default: $CASEBOOK_KEYRING or
~/.config/casebook/keyring.json), --as NAME (who is recorded in the workspace and its journal;
default: $CASEBOOK_INVESTIGATOR, else the identity set in the GUI, else user@host).

Exit codes: 0 success (import, import-file: every archive or file imported or already present),
1 failure (import, import-file: at least one rejected), 2 usage error, 130 interrupted.
)";

int usage(const QString &msg = {})
{
    if (!msg.isEmpty())
        err() << "casebook-cli: " << msg << "\n";
    err() << kUsage;
    err().flush();
    return ExitUsage;
}

/// Splits arguments into positionals and --options (with values where `valued` says so).
struct Args
{
    QStringList positional;
    QMap<QString, QString> options;
    QString error;
};

Args parseArgs(const QStringList &args, const QStringList &flags, const QStringList &valued)
{
    Args a;
    for (int i = 0; i < args.size(); ++i) {
        const QString &s = args[i];
        if (s.startsWith(u"--")) {
            QString name = s.mid(2);
            QString value;
            const int eq = name.indexOf(u'=');
            if (eq >= 0) {
                value = name.mid(eq + 1);
                name.truncate(eq);
            }
            if (flags.contains(name) && eq < 0) {
                a.options.insert(name, QStringLiteral("1"));
            } else if (valued.contains(name)) {
                if (eq < 0) {
                    if (i + 1 >= args.size()) {
                        a.error = QStringLiteral("--%1 needs a value").arg(name);
                        return a;
                    }
                    value = args[++i];
                }
                a.options.insert(name, value);
            } else {
                a.error = QStringLiteral("unknown option %1").arg(s);
                return a;
            }
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

QString defaultImporter() { return Investigator::current().display(); }

Result<Keyring> loadKeyring(const Args &a)
{
    return Keyring::load(a.options.value(QStringLiteral("keyring"), Keyring::defaultPath()));
}

QString formatTotals(const QMap<QString, int64_t> &totals)
{
    QStringList parts;
    for (auto it = totals.cbegin(); it != totals.cend(); ++it)
        parts << money::format(it.value(), it.key().toLatin1()) + u' ' + it.key();
    return parts.join(QStringLiteral(", "));
}

class ProgressPrinter
{
public:
    explicit ProgressPrinter(bool enabled)
        : m_enabled(enabled)
    {
    }
    void operator()(const ImportProgress &p)
    {
        if (!m_enabled)
            return;
        const int pct = p.bytesTotal > 0 ? int(100 * p.bytesDone / p.bytesTotal) : 0;
        err() << "\r  " << QFileInfo(p.archivePath).fileName() << ": " << pct << "%, " << p.rows << " rows, "
              << p.quarantined << " quarantined   ";
        err().flush();
        m_dirty = true;
    }
    void clear()
    {
        if (m_dirty) {
            err() << "\r\033[K";
            err().flush();
        }
        m_dirty = false;
    }

private:
    bool m_enabled;
    bool m_dirty = false;
};

QJsonObject resultJson(const ImportResult &r)
{
    QJsonObject o { { QStringLiteral("archive"), r.archivePath },
                    { QStringLiteral("outcome"), ImportResult::outcomeName(r.outcome) },
                    { QStringLiteral("state"), r.state },
                    { QStringLiteral("state_detail"), r.stateDetail },
                    { QStringLiteral("tenant"), r.tenantId },
                    { QStringLiteral("export_id"), r.exportId },
                    { QStringLiteral("sha256"), r.sha256 },
                    { QStringLiteral("events"), qint64(r.events) },
                    { QStringLiteral("transactions"), qint64(r.transactions) },
                    { QStringLiteral("accounts"), qint64(r.accounts) },
                    { QStringLiteral("rows"), qint64(r.rows()) },
                    { QStringLiteral("quarantined"), qint64(r.quarantined) },
                    { QStringLiteral("seconds"), r.seconds },
                    { QStringLiteral("rows_per_s"), r.seconds > 0 ? double(r.rows()) / r.seconds : 0.0 } };
    if (!r.message.isEmpty())
        o.insert(QStringLiteral("message"), r.message);
    return o;
}

using ImportOne = std::function<ImportResult(const QString &path, const ImportProgressFn &, const CancelFn &)>;

/// Imports every archive (or loose file) with `importOne`; prints results; returns the exit code.
int importEach(const QStringList &archives, const ImportOne &importOne, bool json)
{
    std::signal(SIGINT, onSigint);
    std::signal(SIGTERM, onSigint);
    ProgressPrinter printer(!json && isatty(STDERR_FILENO));
    bool anyRejected = false;
    QJsonArray results;
    for (const QString &path : archives) {
        if (g_interrupted)
            break;
        const ImportResult r = importOne(
            path, [&](const ImportProgress &p) { printer(p); }, [] { return g_interrupted.load(); });
        printer.clear();
        if (json) {
            results.append(resultJson(r));
        } else {
            out() << path << ": " << ImportResult::outcomeName(r.outcome);
            switch (r.outcome) {
            case ImportResult::Outcome::Imported:
                out() << " (" << r.state << ": " << r.stateDetail << ")\n"
                      << "  institution " << r.tenantId << ", export " << r.exportId << "\n"
                      << "  " << r.rows() << " rows imported (" << r.events << " events, " << r.transactions
                      << " transactions, " << r.accounts << " accounts), " << r.quarantined << " quarantined, "
                      << QString::number(r.seconds, 'f', 2) << " s, "
                      << qint64(r.seconds > 0 ? double(r.rows()) / r.seconds : 0) << " rows/s\n";
                if (r.state != u"verified")
                    out() << "  warning: archive is UNSIGNED (" << r.stateDetail << ")\n";
                break;
            case ImportResult::Outcome::AlreadyPresent:
            case ImportResult::Outcome::Rejected:
            case ImportResult::Outcome::Cancelled:
                out() << ": " << r.message << "\n";
                break;
            }
            out().flush();
        }
        if (r.outcome == ImportResult::Outcome::Rejected)
            anyRejected = true;
    }
    if (json)
        out() << QJsonDocument(results).toJson(QJsonDocument::Compact) << "\n";
    out().flush();
    if (g_interrupted)
        return ExitInterrupted;
    return anyRejected ? ExitFailure : ExitOk;
}

int importAll(Workspace &ws, const QStringList &archives, const Keyring &keyring, const QString &importedBy, bool json)
{
    return importEach(
        archives,
        [&](const QString &path, const ImportProgressFn &progress, const CancelFn &cancel) {
            return importArchive(ws, ImportRequest { path, importedBy, &keyring }, progress, cancel);
        },
        json);
}

int cmdInit(const QStringList &args)
{
    const Args a = parseArgs(args, {}, {});
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usage(a.error.isEmpty() ? QStringLiteral("init takes one workspace path") : a.error);
    auto ws = Workspace::create(a.positional[0]);
    if (!ws) {
        err() << "casebook-cli: " << ws.error().text() << "\n";
        return ExitFailure;
    }
    out() << "created workspace " << a.positional[0] << " (schema " << Workspace::latestSchemaVersion() << ")\n";
    return ExitOk;
}

int cmdImport(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") }, { QStringLiteral("keyring"), QStringLiteral("as") });
    if (!a.error.isEmpty() || a.positional.size() < 2)
        return usage(a.error.isEmpty() ? QStringLiteral("import takes a workspace and at least one archive") : a.error);
    auto keyring = loadKeyring(a);
    if (!keyring) {
        err() << "casebook-cli: " << keyring.error().text() << "\n";
        return ExitFailure;
    }
    auto ws = Workspace::open(a.positional[0]);
    if (!ws) {
        err() << "casebook-cli: " << ws.error().text() << "\n";
        return ExitFailure;
    }
    return importAll(*ws, a.positional.mid(1), *keyring, a.options.value(QStringLiteral("as"), defaultImporter()),
                     a.options.contains(QStringLiteral("json")));
}

int cmdImportFile(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") },
                             { QStringLiteral("tenant"), QStringLiteral("tenant-name"), QStringLiteral("format"),
                               QStringLiteral("kind"), QStringLiteral("timezone"), QStringLiteral("as") });
    if (!a.error.isEmpty())
        return usage(a.error);
    if (a.positional.size() < 2)
        return usage(QStringLiteral("import-file takes a workspace and at least one file"));
    const QString tenant = a.options.value(QStringLiteral("tenant"));
    const QString format = a.options.value(QStringLiteral("format"));
    if (tenant.trimmed().isEmpty())
        return usage(QStringLiteral("import-file needs --tenant ID (the institution the files belong to)"));
    if (!looseFileFormats().contains(format))
        return usage(QStringLiteral("import-file needs --format %1").arg(looseFileFormats().join(u'|')));
    const QString kind = a.options.value(QStringLiteral("kind"));
    if (!kind.isEmpty() && kind != u"audit" && kind != u"transactions" && kind != u"accounts")
        return usage(QStringLiteral("--kind must be audit, transactions or accounts"));
    auto ws = Workspace::open(a.positional[0]);
    if (!ws) {
        err() << "casebook-cli: " << ws.error().text() << "\n";
        return ExitFailure;
    }
    FileImportRequest base;
    base.format = format;
    base.kind = kind;
    base.tenantId = tenant;
    base.tenantName = a.options.value(QStringLiteral("tenant-name"));
    base.timezone = a.options.value(QStringLiteral("timezone"));
    base.importedBy = a.options.value(QStringLiteral("as"), defaultImporter());
    return importEach(
        a.positional.mid(1),
        [&](const QString &path, const ImportProgressFn &progress, const CancelFn &cancel) {
            FileImportRequest req = base;
            req.filePath = path;
            return importFile(*ws, req, progress, cancel);
        },
        a.options.contains(QStringLiteral("json")));
}

int cmdInfo(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") }, {});
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usage(a.error.isEmpty() ? QStringLiteral("info takes one workspace path") : a.error);
    auto ws = Workspace::openReadOnly(a.positional[0]);
    if (!ws) {
        err() << "casebook-cli: " << ws.error().text() << "\n";
        return ExitFailure;
    }
    auto info = ws->info();
    if (!info) {
        err() << "casebook-cli: " << info.error().text() << "\n";
        return ExitFailure;
    }
    if (a.options.contains(QStringLiteral("json"))) {
        QJsonArray tenants;
        for (const TenantSummary &t : info->tenants) {
            QJsonObject totals;
            for (auto it = t.totalsE4.cbegin(); it != t.totalsE4.cend(); ++it)
                totals.insert(it.key(), money::format(it.value(), it.key().toLatin1()));
            QJsonArray archives;
            int64_t accounts = 0;
            for (const ArchiveSummary &ar : t.archives) {
                accounts += ar.accounts;
                archives.append(QJsonObject { { QStringLiteral("sha256"), ar.sha256 },
                                              { QStringLiteral("export_id"), ar.exportId },
                                              { QStringLiteral("state"), ar.state },
                                              { QStringLiteral("state_detail"), ar.stateDetail },
                                              { QStringLiteral("period"), QJsonObject { { QStringLiteral("from"), ar.periodFrom }, { QStringLiteral("to"), ar.periodTo } } },
                                              { QStringLiteral("imported_at"), ar.importedAt },
                                              { QStringLiteral("imported_by"), ar.importedBy },
                                              { QStringLiteral("events"), qint64(ar.events) },
                                              { QStringLiteral("transactions"), qint64(ar.transactions) },
                                              { QStringLiteral("accounts"), qint64(ar.accounts) },
                                              { QStringLiteral("quarantined"), qint64(ar.quarantined) } });
            }
            tenants.append(QJsonObject { { QStringLiteral("id"), t.id },
                                         { QStringLiteral("name"), t.name },
                                         { QStringLiteral("kind"), t.kind },
                                         { QStringLiteral("default_timezone"), t.defaultTimezone },
                                         { QStringLiteral("verification"), t.verification() },
                                         { QStringLiteral("events"), qint64(t.events) },
                                         { QStringLiteral("transactions"), qint64(t.transactions) },
                                         { QStringLiteral("accounts"), qint64(accounts) },
                                         { QStringLiteral("quarantined"), qint64(t.quarantined) },
                                         { QStringLiteral("totals"), totals },
                                         { QStringLiteral("archives"), archives } });
        }
        out() << QJsonDocument(QJsonObject { { QStringLiteral("schema_version"), info->schemaVersion },
                                             { QStringLiteral("tenants"), tenants } })
                     .toJson(QJsonDocument::Compact)
              << "\n";
        return ExitOk;
    }
    out() << a.positional[0] << ": schema " << info->schemaVersion << ", " << info->tenants.size() << " institutions\n";
    for (const TenantSummary &t : info->tenants) {
        out() << "\n" << t.id << "  " << t.name << "  [" << t.verification() << "]\n"
              << "  " << t.events << " events, " << t.transactions << " transactions, " << t.quarantined
              << " quarantined\n";
        if (!t.totalsE4.isEmpty())
            out() << "  totals: " << formatTotals(t.totalsE4) << "\n";
        for (const ArchiveSummary &ar : t.archives)
            out() << "  archive " << ar.exportId << " " << ar.periodFrom << " .. " << ar.periodTo << "  " << ar.state
                  << (ar.state == u"verified" ? QString() : u" (" + ar.stateDetail + u')') << "\n"
                  << "    sha256 " << ar.sha256 << "\n";
    }
    return ExitOk;
}

int cmdQuarantine(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") }, {});
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usage(a.error.isEmpty() ? QStringLiteral("quarantine takes one workspace path") : a.error);
    auto ws = Workspace::openReadOnly(a.positional[0]);
    if (!ws) {
        err() << "casebook-cli: " << ws.error().text() << "\n";
        return ExitFailure;
    }
    auto q = ws->db().prepare("SELECT a.tenant_id, a.export_id, a.source_path, q.file, q.line, q.reason, q.raw "
                              "FROM quarantine q JOIN archives a ON a.id = q.archive_id ORDER BY q.id");
    if (!q) {
        err() << "casebook-cli: " << q.error().text() << "\n";
        return ExitFailure;
    }
    const bool json = a.options.contains(QStringLiteral("json"));
    QJsonArray rows;
    int64_t n = 0;
    while (q->step() == Statement::StepResult::Row) {
        ++n;
        if (json) {
            rows.append(QJsonObject { { QStringLiteral("tenant"), q->columnText(0) },
                                      { QStringLiteral("export_id"), q->columnText(1) },
                                      { QStringLiteral("archive"), q->columnText(2) },
                                      { QStringLiteral("file"), q->columnText(3) },
                                      { QStringLiteral("line"), qint64(q->columnInt(4)) },
                                      { QStringLiteral("reason"), q->columnText(5) },
                                      { QStringLiteral("raw"), q->columnText(6) } });
        } else {
            out() << q->columnText(0) << " " << q->columnText(3) << ":" << q->columnInt(4) << ": " << q->columnText(5)
                  << "\n    " << q->columnText(6).left(200).replace(u'\n', QStringLiteral("\\n")) << "\n";
        }
    }
    if (json)
        out() << QJsonDocument(rows).toJson(QJsonDocument::Compact) << "\n";
    else
        out() << n << " quarantined rows\n";
    return ExitOk;
}

int cmdKeys(const QStringList &args)
{
    const Args a = parseArgs(args, {}, { QStringLiteral("keyring") });
    if (!a.error.isEmpty() || a.positional.isEmpty())
        return usage(a.error.isEmpty() ? QStringLiteral("keys needs add, list or remove") : a.error);
    auto keyring = loadKeyring(a);
    if (!keyring) {
        err() << "casebook-cli: " << keyring.error().text() << "\n";
        return ExitFailure;
    }
    const QString sub = a.positional[0];
    if (sub == u"list" && a.positional.size() == 1) {
        for (auto it = keyring->keys().cbegin(); it != keyring->keys().cend(); ++it)
            out() << it.key() << "  " << QString::fromLatin1(it.value().toBase64()) << "  (sha256 "
                  << Keyring::fingerprint(it.value()) << ")\n";
        if (keyring->keys().isEmpty())
            out() << "no trusted keys in " << keyring->path() << "\n";
        return ExitOk;
    }
    if (sub == u"add" && a.positional.size() == 3) {
        QFile f(a.positional[2]);
        if (!f.open(QIODevice::ReadOnly)) {
            err() << "casebook-cli: cannot read " << a.positional[2] << ": " << f.errorString() << "\n";
            return ExitFailure;
        }
        auto key = Keyring::parsePublicKey(f.read(4096));
        if (!key) {
            err() << "casebook-cli: " << a.positional[2] << ": " << key.error().text() << "\n";
            return ExitFailure;
        }
        const bool replaced = keyring->contains(a.positional[1]);
        keyring->insert(a.positional[1], *key);
        if (auto st = keyring->save(); !st) {
            err() << "casebook-cli: " << st.error().text() << "\n";
            return ExitFailure;
        }
        out() << (replaced ? "replaced" : "added") << " key " << a.positional[1] << " (sha256 " << Keyring::fingerprint(*key)
              << ") in " << keyring->path() << "\n";
        return ExitOk;
    }
    if (sub == u"remove" && a.positional.size() == 2) {
        if (!keyring->remove(a.positional[1])) {
            err() << "casebook-cli: no key named " << a.positional[1] << " in " << keyring->path() << "\n";
            return ExitFailure;
        }
        if (auto st = keyring->save(); !st) {
            err() << "casebook-cli: " << st.error().text() << "\n";
            return ExitFailure;
        }
        out() << "removed key " << a.positional[1] << "\n";
        return ExitOk;
    }
    return usage(QStringLiteral("keys add NAME PUBKEY_FILE | keys list | keys remove NAME"));
}

bool parseCount(const QString &s, int64_t &v, int64_t min)
{
    bool ok = false;
    v = s.toLongLong(&ok);
    return ok && v >= min;
}

int cmdGenerate(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("dir") }, { QStringLiteral("tenants"), QStringLiteral("rows"), QStringLiteral("seed") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usage(a.error.isEmpty() ? QStringLiteral("generate takes one output directory") : a.error);
    demo::Options o;
    int64_t v;
    if (a.options.contains(QStringLiteral("tenants"))) {
        if (!parseCount(a.options[QStringLiteral("tenants")], v, 1) || v > 1000)
            return usage(QStringLiteral("--tenants must be 1..1000"));
        o.tenants = int(v);
    }
    if (a.options.contains(QStringLiteral("rows"))) {
        if (!parseCount(a.options[QStringLiteral("rows")], v, 0))
            return usage(QStringLiteral("--rows must be a non-negative integer"));
        o.rows = v;
    }
    if (a.options.contains(QStringLiteral("seed"))) {
        bool ok = false;
        o.seed = a.options[QStringLiteral("seed")].toULongLong(&ok);
        if (!ok)
            return usage(QStringLiteral("--seed must be a non-negative integer"));
    }
    o.zip = !a.options.contains(QStringLiteral("dir"));
    std::signal(SIGINT, onSigint);
    std::atomic_bool *cancel = &g_interrupted;
    auto r = demo::generate(a.positional[0], o, {}, cancel);
    if (!r) {
        err() << "casebook-cli: " << r.error().text() << "\n";
        return g_interrupted ? ExitInterrupted : ExitFailure;
    }
    for (const demo::GeneratedArchive &g : *r)
        out() << g.path << ": " << g.tenantId << " " << g.tenantName << ", " << g.events << " events, " << g.transactions
              << " transactions, " << g.accounts << " accounts, " << (g.signedArchive ? "signed" : "UNSIGNED") << "\n";
    return ExitOk;
}

int cmdDemo(const QStringList &args)
{
    const Args a = parseArgs(args, {}, { QStringLiteral("rows"), QStringLiteral("keyring"), QStringLiteral("as") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usage(a.error.isEmpty() ? QStringLiteral("demo takes one workspace path") : a.error);
    const QString wsPath = a.positional[0];
    demo::Options o;
    int64_t v;
    if (a.options.contains(QStringLiteral("rows"))) {
        if (!parseCount(a.options[QStringLiteral("rows")], v, 0))
            return usage(QStringLiteral("--rows must be a non-negative integer"));
        o.rows = v;
    }
    // The archives stay beside the workspace: the workspace records where each came from.
    const QFileInfo wi(wsPath);
    const QString dir = wi.absolutePath() + u'/' + wi.completeBaseName() + u"-archives";
    out() << "generating demo archives in " << dir << "\n";
    out().flush();
    auto gen = demo::generate(dir, o);
    if (!gen) {
        err() << "casebook-cli: " << gen.error().text() << "\n";
        return ExitFailure;
    }
    auto keyring = loadKeyring(a);
    if (!keyring) {
        err() << "casebook-cli: " << keyring.error().text() << "\n";
        return ExitFailure;
    }
    // Trust the demo producer for this import only; the user's keyring file is not changed.
    keyring->insert(QString::fromLatin1(demo::kDemoKeyId), demo::demoPublicKey());
    auto ws = QFileInfo::exists(wsPath) ? Workspace::open(wsPath) : Workspace::create(wsPath);
    if (!ws) {
        err() << "casebook-cli: " << ws.error().text() << "\n";
        return ExitFailure;
    }
    QStringList paths;
    for (const demo::GeneratedArchive &g : *gen)
        paths << g.path;
    return importAll(*ws, paths, *keyring, a.options.value(QStringLiteral("as"), defaultImporter()), false);
}


QJsonObject caseJson(const CaseSummary &c)
{
    return QJsonObject { { QStringLiteral("id"), c.ref },
                         { QStringLiteral("title"), c.title },
                         { QStringLiteral("description"), c.description },
                         { QStringLiteral("status"), c.status },
                         { QStringLiteral("outcome"), c.outcome.isEmpty() ? QJsonValue() : QJsonValue(c.outcome) },
                         { QStringLiteral("owner"), c.owner },
                         { QStringLiteral("created_at"), c.createdAt },
                         { QStringLiteral("updated_at"), c.updatedAt },
                         { QStringLiteral("tags"), QJsonArray::fromStringList(c.tags) },
                         { QStringLiteral("evidence_count"), qint64(c.evidenceCount) },
                         { QStringLiteral("note_count"), qint64(c.noteCount) } };
}

int fail(const Error &e)
{
    err() << "casebook-cli: " << e.text() << "\n";
    return e.code == Error::Code::Usage ? ExitUsage : ExitFailure;
}

int cmdCase(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") },
                             { QStringLiteral("title"), QStringLiteral("description"), QStringLiteral("comment"), QStringLiteral("text"),
                               QStringLiteral("outcome"), QStringLiteral("event"), QStringLiteral("transaction"), QStringLiteral("tenant"),
                               QStringLiteral("as"), QStringLiteral("query"), QStringLiteral("tz") });
    if (!a.error.isEmpty() || a.positional.size() < 2)
        return usage(a.error.isEmpty() ? QStringLiteral("case needs a subcommand and a workspace") : a.error);
    const QString sub = a.positional[0];
    const QString wsPath = a.positional[1];
    const QString author = a.options.value(QStringLiteral("as"), defaultImporter());
    auto ws = Workspace::open(wsPath);
    if (!ws)
        return fail(ws.error());
    CaseStore store(ws->db(), author);
    const bool json = a.options.contains(QStringLiteral("json"));

    if (sub == u"new") {
        if (a.positional.size() != 2 || !a.options.contains(QStringLiteral("title")))
            return usage(QStringLiteral("case new WS --title T [--description D]"));
        auto c = store.createCase(a.options.value(QStringLiteral("title")), a.options.value(QStringLiteral("description")));
        if (!c)
            return fail(c.error());
        out() << "created case " << c->ref << "\n";
        return ExitOk;
    }
    if (sub == u"list") {
        auto list = store.listCases();
        if (!list)
            return fail(list.error());
        if (json) {
            QJsonArray arr;
            for (const CaseSummary &c : *list)
                arr.append(caseJson(c));
            out() << QJsonDocument(arr).toJson(QJsonDocument::Compact) << "\n";
        } else {
            for (const CaseSummary &c : *list)
                out() << c.ref << "  [" << c.status << (c.outcome.isEmpty() ? QString() : u": " + c.outcome) << "]  " << c.title
                      << "  (" << c.evidenceCount << " evidence, " << c.noteCount << " notes)\n";
            if (list->isEmpty())
                out() << "no cases\n";
        }
        return ExitOk;
    }
    if (a.positional.size() < 3)
        return usage(QStringLiteral("case %1 needs a case id").arg(sub));
    auto c = store.findCase(a.positional[2]);
    if (!c)
        return fail(c.error());

    if (sub == u"add") {
        if (a.options.contains(QStringLiteral("query"))) {
            // Every hit of the search becomes evidence, with the query recorded beside it.
            const QString text = a.options.value(QStringLiteral("query"));
            QueryContext ctx;
            if (a.options.contains(QStringLiteral("tz"))) {
                ctx.zone = QTimeZone(a.options.value(QStringLiteral("tz")).toUtf8());
                if (!ctx.zone.isValid())
                    return usage(QStringLiteral("--tz: unknown time zone"));
            }
            int pos = 0;
            auto compiled = SearchService::compile(text, ctx, {}, &pos);
            if (!compiled) {
                err() << "casebook-cli: " << compiled.error().message << "\n";
                return ExitUsage;
            }
            SearchService search(ws->db());
            QVector<int64_t> events, transactions;
            std::optional<SearchHit> last;
            for (;;) {
                auto page = search.page(*compiled, SearchSort::TimeAsc, last ? &*last : nullptr, 2000);
                if (!page)
                    return fail(page.error());
                for (const SearchHit &h : *page)
                    (h.kind == HitKind::Event ? events : transactions) << h.rowId;
                if (page->size() < 2000)
                    break;
                last = page->constLast();
            }
            const QString comment = a.options.value(QStringLiteral("comment"));
            int64_t added = 0;
            for (const auto &[kind, ids] : { std::pair { RecordKind::Event, events }, std::pair { RecordKind::Transaction, transactions } }) {
                if (ids.isEmpty())
                    continue;
                auto r = store.addEvidence(c->id, kind, ids, comment, text);
                if (!r)
                    return fail(r.error());
                added += r->size();
            }
            out() << events.size() + transactions.size() << " hits; added " << added << " evidence items to " << c->ref << "\n";
            return ExitOk;
        }
        const bool isEvent = a.options.contains(QStringLiteral("event"));
        if (isEvent == a.options.contains(QStringLiteral("transaction")))
            return usage(QStringLiteral("case add WS CASE (--event ID | --transaction ID) [--tenant T] [--comment C]"));
        const QString key = a.options.value(isEvent ? QStringLiteral("event") : QStringLiteral("transaction"));
        const QString tenant = a.options.value(QStringLiteral("tenant"));
        const QByteArray sql = QByteArray("SELECT id FROM ") + (isEvent ? "events WHERE event_id = ?" : "transactions WHERE txn_id = ?")
            + " AND (? = '' OR tenant_id = ?)";
        auto q = ws->db().prepare(sql);
        if (!q)
            return fail(q.error());
        q->bind(1, key);
        q->bind(2, tenant);
        q->bind(3, tenant);
        QVector<int64_t> rowids;
        while (q->step() == Statement::StepResult::Row)
            rowids << q->columnInt(0);
        if (rowids.isEmpty()) {
            err() << "casebook-cli: no " << (isEvent ? "event" : "transaction") << " \"" << key << "\"" << (tenant.isEmpty() ? QString() : u" at " + tenant) << "\n";
            return ExitFailure;
        }
        if (rowids.size() > 1) {
            err() << "casebook-cli: \"" << key << "\" exists at several institutions; say which with --tenant\n";
            return ExitUsage;
        }
        auto added = store.addEvidence(c->id, isEvent ? RecordKind::Event : RecordKind::Transaction, rowids,
                                       a.options.value(QStringLiteral("comment")));
        if (!added)
            return fail(added.error());
        if (added->isEmpty())
            out() << "already evidence in " << c->ref << "\n";
        for (int64_t id : *added)
            out() << "added evidence " << id << " to " << c->ref << "\n";
        return ExitOk;
    }
    if (sub == u"remove") {
        bool okId = false;
        const qint64 evidenceId = a.positional.value(3).toLongLong(&okId);
        if (!okId)
            return usage(QStringLiteral("case remove WS CASE EVIDENCE_ID"));
        if (auto st = store.removeEvidence(c->id, evidenceId); !st)
            return fail(st.error());
        out() << "removed evidence " << evidenceId << " from " << c->ref << "\n";
        return ExitOk;
    }
    if (sub == u"note") {
        if (!a.options.contains(QStringLiteral("text")))
            return usage(QStringLiteral("case note WS CASE --text T"));
        auto n = store.addNote(c->id, a.options.value(QStringLiteral("text")));
        if (!n)
            return fail(n.error());
        out() << "added note " << *n << " to " << c->ref << "\n";
        return ExitOk;
    }
    if (sub == u"close") {
        if (auto st = store.setStatus(c->id, QStringLiteral("closed"), a.options.value(QStringLiteral("outcome"))); !st)
            return fail(st.error());
        out() << "closed " << c->ref << " (" << a.options.value(QStringLiteral("outcome")) << ")\n";
        return ExitOk;
    }
    if (sub == u"show") {
        auto ev = store.evidence(c->id);
        auto notes = store.notes(c->id);
        if (!ev)
            return fail(ev.error());
        if (!notes)
            return fail(notes.error());
        if (json) {
            QJsonObject o = caseJson(*c);
            QJsonArray items;
            for (const EvidenceItem &e : *ev) {
                QJsonObject item { { QStringLiteral("evidence_id"), qint64(e.id) },
                                   { QStringLiteral("kind"), recordKindName(e.kind) },
                                   { QStringLiteral("tenant"), e.tenant },
                                   { QStringLiteral("id"), e.recordKey },
                                   { QStringLiteral("ts"), formatTimestamp(e.utcMs, e.offsetSeconds) },
                                   { QStringLiteral("who"), e.who },
                                   { QStringLiteral("what"), e.what },
                                   { QStringLiteral("archive_sha256"), e.archiveSha256 },
                                   { QStringLiteral("content_sha256"), e.contentSha256 },
                                   { QStringLiteral("comment"), e.comment },
                                   { QStringLiteral("tags"), QJsonArray::fromStringList(e.tags) },
                                   { QStringLiteral("added_by"), e.addedBy },
                                   { QStringLiteral("added_at"), e.addedAt } };
                if (!e.currency.isEmpty()) {
                    item.insert(QStringLiteral("amount"), money::format(e.amountE4, e.currency.toLatin1()));
                    item.insert(QStringLiteral("currency"), e.currency);
                }
                items.append(item);
            }
            QJsonArray noteArr;
            for (const NoteRevision &n : *notes)
                noteArr.append(QJsonObject { { QStringLiteral("note_id"), qint64(n.noteId) },
                                             { QStringLiteral("revision"), n.revision },
                                             { QStringLiteral("text"), n.text },
                                             { QStringLiteral("author"), n.author },
                                             { QStringLiteral("at"), n.createdAt } });
            o.insert(QStringLiteral("evidence"), items);
            o.insert(QStringLiteral("notes"), noteArr);
            out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
            return ExitOk;
        }
        out() << c->ref << ": " << c->title << "  [" << c->status << (c->outcome.isEmpty() ? QString() : u": " + c->outcome) << "]\n"
              << "owner " << c->owner << ", created " << c->createdAt << ", updated " << c->updatedAt << "\n";
        if (!c->description.isEmpty())
            out() << c->description << "\n";
        out() << "\nEvidence (" << ev->size() << "):\n";
        for (const EvidenceItem &e : *ev)
            out() << "  " << e.id << "  " << recordKindName(e.kind) << " " << e.tenant << " " << e.recordKey << "  "
                  << formatTimestamp(e.utcMs, e.offsetSeconds) << "  " << e.who << "  " << e.what
                  << (e.currency.isEmpty() ? QString() : u"  " + money::format(e.amountE4, e.currency.toLatin1()) + u' ' + e.currency)
                  << (e.comment.isEmpty() ? QString() : u"  — " + e.comment) << "\n";
        out() << "\nNotes (" << notes->size() << "):\n";
        for (const NoteRevision &n : *notes)
            out() << "  [" << n.author << ", " << n.createdAt << ", revision " << n.revision << "]\n  " << QString(n.text).replace(u'\n', QStringLiteral("\n  ")) << "\n";
        return ExitOk;
    }
    return usage(QStringLiteral("unknown case subcommand \"%1\"").arg(sub));
}

int cmdVerify(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") }, { QStringLiteral("as") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usage(a.error.isEmpty() ? QStringLiteral("verify takes one workspace path") : a.error);
    auto ws = Workspace::open(a.positional[0]);
    if (!ws)
        return fail(ws.error());
    auto report = verifyWorkspace(ws->db());
    if (!report)
        return fail(report.error());
    for (const QString &n : report->notes)
        out() << "note: " << n << "\n";
    // The verification itself is journaled, recording what was verified.
    auto seq = journal::appendStandalone(ws->db(), a.options.value(QStringLiteral("as"), defaultImporter()), QStringLiteral("verification.run"),
                                         { { QStringLiteral("intact"), report->intact },
                                           { QStringLiteral("entries"), qint64(report->entries) },
                                           { QStringLiteral("head"), QString::fromLatin1(report->head) },
                                           { QStringLiteral("evidence_checked"), qint64(report->evidenceChecked) },
                                           { QStringLiteral("failure"), report->failure } });
    if (!seq)
        out() << "note: the verification could not be journaled: " << seq.error().text() << "\n";
    if (!report->intact) {
        out() << "journal BROKEN: " << report->failure << "\n";
        return ExitFailure;
    }
    out() << report->evidenceChecked << " evidence items and " << report->archivesChecked << " archive files checked\n";
    out() << "journal intact: " << report->entries << " entries, head " << report->head << "\n";
    return ExitOk;
}

// ---- search ----------------------------------------------------------------------------------

QJsonObject hitJson(const SearchHit &h, const QTimeZone *tz)
{
    QJsonObject o { { QStringLiteral("kind"), h.kindName() },
                    { QStringLiteral("tenant"), h.tenant },
                    { QStringLiteral("id"), h.id },
                    { QStringLiteral("ts"), h.timestamp() },
                    { QStringLiteral("ts_utc_ms"), qint64(h.utcMs) } };
    if (tz)
        o.insert(QStringLiteral("ts_local"), formatTimestamp(h.utcMs, tz->offsetFromUtc(QDateTime::fromMSecsSinceEpoch(h.utcMs, Qt::UTC))));
    const auto add = [&](const char *key, const QString &v) {
        if (!v.isEmpty())
            o.insert(QLatin1StringView(key), v);
    };
    if (h.kind == HitKind::Event) {
        add("actor", h.actor);
        add("actor_name", h.actorName);
        add("actor_role", h.role);
        add("source_ip", h.ip);
        add("action", h.action);
        add("resource", h.resource);
        add("outcome", h.outcome);
        add("session_id", h.sessionId);
        if (!h.details.isEmpty())
            o.insert(QStringLiteral("details"), QJsonDocument::fromJson(h.details.toUtf8()).object());
    } else {
        add("value_date", h.valueDate);
        add("debtor_account", h.debtorAccount);
        add("debtor_name", h.debtorName);
        add("debtor_bank", h.debtorBank);
        add("creditor_account", h.creditorAccount);
        add("creditor_name", h.creditorName);
        add("creditor_bank", h.creditorBank);
        o.insert(QStringLiteral("amount"), money::format(h.amountE4, h.currency.toLatin1())); // exact decimal string
        add("currency", h.currency);
        add("channel", h.channel);
        add("status", h.status);
        add("reference", h.reference);
        add("memo", h.memo);
    }
    return o;
}

bool parseScope(const Args &a, SearchScope &scope)
{
    if (!a.options.contains(QStringLiteral("scope")))
        return true;
    scope.restricted = true;
    for (const QString &t : a.options.value(QStringLiteral("scope")).split(u',', Qt::SkipEmptyParts))
        scope.tenants << t.trimmed();
    return true;
}

int cmdSearch(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("count"), QStringLiteral("json") },
                             { QStringLiteral("format"), QStringLiteral("limit"), QStringLiteral("tz"), QStringLiteral("sort"),
                               QStringLiteral("scope") });
    if (!a.error.isEmpty() || a.positional.size() != 2)
        return usage(a.error.isEmpty() ? QStringLiteral("search takes a workspace and one query (quote it)") : a.error);
    const bool json = a.options.contains(QStringLiteral("json"));
    QString format = a.options.value(QStringLiteral("format"), json ? QStringLiteral("jsonl") : QStringLiteral("table"));
    if (format != u"table" && format != u"csv" && format != u"jsonl")
        return usage(QStringLiteral("--format must be table, csv or jsonl"));
    int64_t limit = -1;
    if (a.options.contains(QStringLiteral("limit")) && !parseCount(a.options[QStringLiteral("limit")], limit, 0))
        return usage(QStringLiteral("--limit must be a non-negative integer"));
    QueryContext ctx;
    std::optional<QTimeZone> tz;
    if (a.options.contains(QStringLiteral("tz"))) {
        const QByteArray id = a.options[QStringLiteral("tz")].toUtf8();
        QTimeZone z = id == "UTC" || id == "Z" ? QTimeZone::utc() : QTimeZone(id);
        if (!z.isValid())
            return usage(QStringLiteral("--tz: unknown time zone \"%1\" (use an IANA name such as Asia/Shanghai)").arg(QString::fromUtf8(id)));
        ctx.zone = z;
        tz = z;
    }
    SearchSort sort = SearchSort::TimeDesc;
    const QString sortName = a.options.value(QStringLiteral("sort"), QStringLiteral("time"));
    if (sortName == u"time")
        sort = SearchSort::TimeDesc;
    else if (sortName == u"time-asc")
        sort = SearchSort::TimeAsc;
    else if (sortName == u"amount")
        sort = SearchSort::AmountDesc;
    else if (sortName == u"amount-asc")
        sort = SearchSort::AmountAsc;
    else
        return usage(QStringLiteral("--sort must be time, time-asc, amount or amount-asc"));
    SearchScope scope;
    parseScope(a, scope);

    const QString query = a.positional[1];
    int errorPos = -1;
    auto compiled = SearchService::compile(query, ctx, scope, &errorPos);
    if (!compiled) {
        err() << "casebook-cli: " << compiled.error().message << "\n";
        if (errorPos >= 0 && query.size() <= 200 && !query.contains(u'\n')) {
            err() << "  " << query << "\n  " << QString(errorPos, u' ') << "^\n";
        }
        err().flush();
        return ExitUsage;
    }
    auto ws = Workspace::openReadOnly(a.positional[0]);
    if (!ws) {
        err() << "casebook-cli: " << ws.error().text() << "\n";
        return ExitFailure;
    }
    SearchService service(ws->db());
    if (a.options.contains(QStringLiteral("count"))) {
        auto c = service.count(*compiled);
        if (!c) {
            err() << "casebook-cli: " << c.error().text() << "\n";
            return ExitFailure;
        }
        QStringList tenants = c->events.keys() + c->transactions.keys();
        tenants.removeDuplicates();
        tenants.sort();
        if (json) {
            QJsonObject per;
            for (const QString &t : tenants) {
                const qint64 e = c->events.value(t), x = c->transactions.value(t);
                per.insert(t, QJsonObject { { QStringLiteral("events"), e }, { QStringLiteral("transactions"), x }, { QStringLiteral("total"), e + x } });
            }
            out() << QJsonDocument(QJsonObject { { QStringLiteral("total"), qint64(c->total()) },
                                                 { QStringLiteral("events"), qint64(c->totalEvents) },
                                                 { QStringLiteral("transactions"), qint64(c->totalTransactions) },
                                                 { QStringLiteral("tenants"), per } })
                         .toJson(QJsonDocument::Compact)
                  << "\n";
        } else {
            out() << QStringLiteral("%1 %2 %3 %4\n").arg(QStringLiteral("institution"), -12).arg(QStringLiteral("events"), 12).arg(QStringLiteral("transactions"), 14).arg(QStringLiteral("total"), 12);
            for (const QString &t : tenants) {
                const qint64 e = c->events.value(t), x = c->transactions.value(t);
                out() << QStringLiteral("%1 %2 %3 %4\n").arg(t, -12).arg(e, 12).arg(x, 14).arg(e + x, 12);
            }
            out() << QStringLiteral("%1 %2 %3 %4\n").arg(QStringLiteral("all"), -12).arg(c->totalEvents, 12).arg(c->totalTransactions, 14).arg(c->total(), 12);
        }
        return ExitOk;
    }

    if (format == u"csv")
        out() << "kind,tenant,id,ts,ts_utc_ms,actor,actor_name,actor_role,source_ip,action,resource,outcome,"
                 "debtor_account,debtor_name,creditor_account,creditor_name,amount,currency,channel,status,reference,memo\n";
    std::signal(SIGINT, onSigint);
    std::signal(SIGPIPE, SIG_DFL);
    int64_t printed = 0;
    std::optional<SearchHit> last;
    const int kPage = 1000;
    while (!g_interrupted && (limit < 0 || printed < limit)) {
        const int n = int(limit < 0 ? kPage : std::min<int64_t>(kPage, limit - printed));
        auto page = service.page(*compiled, sort, last ? &*last : nullptr, n);
        if (!page) {
            err() << "casebook-cli: " << page.error().text() << "\n";
            return ExitFailure;
        }
        for (const SearchHit &h : *page) {
            if (format == u"jsonl") {
                out() << QJsonDocument(hitJson(h, tz ? &*tz : nullptr)).toJson(QJsonDocument::Compact) << "\n";
            } else if (format == u"csv") {
                const QString amount = h.kind == HitKind::Transaction ? money::format(h.amountE4, h.currency.toLatin1()) : QString();
                const QStringList f { h.kindName(), h.tenant, h.id, h.timestamp(), QString::number(h.utcMs), h.actor,
                                      h.actorName, h.role, h.ip, h.action, h.resource, h.outcome, h.debtorAccount, h.debtorName,
                                      h.creditorAccount, h.creditorName, amount, h.currency, h.channel, h.status, h.reference, h.memo };
                // Quoted and formula-neutralised like every other CSV export (docs/report.md).
                QByteArray line;
                for (qsizetype i = 0; i < f.size(); ++i) {
                    if (i > 0)
                        line += ',';
                    line += CsvWriter::encodeField(f[i], true);
                }
                out() << QString::fromUtf8(line) << "\n";
            } else {
                const QString ts = tz ? formatTimestamp(h.utcMs, tz->offsetFromUtc(QDateTime::fromMSecsSinceEpoch(h.utcMs, Qt::UTC)))
                                      : h.timestamp();
                out() << ts << "  " << QStringLiteral("%1").arg(h.kind == HitKind::Event ? QStringLiteral("event") : QStringLiteral("txn"), -5)
                      << "  " << h.tenant << "  " << h.id << "  " << QString(h.summary()).replace(u'\n', u' ') << "\n";
            }
        }
        printed += page->size();
        if (page->size() < n)
            break;
        last = page->constLast();
        out().flush();
    }
    out().flush();
    if (format == u"table")
        err() << printed << " hits\n";
    return g_interrupted ? ExitInterrupted : ExitOk;
}

int cmdLinked(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") }, { QStringLiteral("min-tenants"), QStringLiteral("scope") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usage(a.error.isEmpty() ? QStringLiteral("linked takes one workspace path") : a.error);
    int64_t minTenants = 2;
    if (a.options.contains(QStringLiteral("min-tenants")) && !parseCount(a.options[QStringLiteral("min-tenants")], minTenants, 1))
        return usage(QStringLiteral("--min-tenants must be a positive integer"));
    SearchScope scope;
    parseScope(a, scope);
    auto ws = Workspace::openReadOnly(a.positional[0]);
    if (!ws) {
        err() << "casebook-cli: " << ws.error().text() << "\n";
        return ExitFailure;
    }
    auto linked = SearchService(ws->db()).linkedEntities(int(std::min<int64_t>(minTenants, 1000000)), scope);
    if (!linked) {
        err() << "casebook-cli: " << linked.error().text() << "\n";
        return ExitFailure;
    }
    if (a.options.contains(QStringLiteral("json"))) {
        QJsonArray arr;
        for (const LinkedEntity &e : *linked) {
            QJsonObject totals, per;
            for (auto it = e.totalsE4.cbegin(); it != e.totalsE4.cend(); ++it)
                totals.insert(it.key(), money::format(it.value(), it.key().toLatin1()));
            for (auto it = e.countPerTenant.cbegin(); it != e.countPerTenant.cend(); ++it)
                per.insert(it.key(), qint64(it.value()));
            arr.append(QJsonObject { { QStringLiteral("kind"), e.kind },
                                     { QStringLiteral("value"), e.display },
                                     { QStringLiteral("key"), e.key },
                                     { QStringLiteral("tenants"), QJsonArray::fromStringList(e.tenants) },
                                     { QStringLiteral("institutions"), int(e.tenants.size()) },
                                     { QStringLiteral("count"), qint64(e.count) },
                                     { QStringLiteral("count_per_tenant"), per },
                                     { QStringLiteral("first_seen"), formatTimestamp(e.firstUtcMs, 0) },
                                     { QStringLiteral("last_seen"), formatTimestamp(e.lastUtcMs, 0) },
                                     { QStringLiteral("totals"), totals },
                                     { QStringLiteral("query"), e.searchQuery() } });
        }
        out() << QJsonDocument(arr).toJson(QJsonDocument::Compact) << "\n";
        return ExitOk;
    }
    for (const LinkedEntity &e : *linked) {
        out() << e.kind << "  " << e.display << "\n    " << e.tenants.size() << " institutions (" << e.tenants.join(QStringLiteral(", "))
              << "), " << e.count << " rows, " << formatTimestamp(e.firstUtcMs, 0) << " .. " << formatTimestamp(e.lastUtcMs, 0) << "\n";
        if (!e.totalsE4.isEmpty())
            out() << "    totals: " << formatTotals(e.totalsE4) << "\n";
    }
    out() << linked->size() << " linked entities\n";
    return ExitOk;
}

/// Reads --from/--to: RFC 3339 with offset, a local date-time without offset, or a date (local
/// midnight), the last two in `zone`.
std::optional<int64_t> parseInstant(const QString &text, const QTimeZone &zone)
{
    const QByteArray t = text.toUtf8();
    int y, m, d;
    if (parseDate(t, y, m, d))
        return QDateTime(QDate(y, m, d), QTime(0, 0), zone).toMSecsSinceEpoch();
    const TimestampParse p = parseTimestamp(t, zone);
    if (!p.error.isEmpty())
        return std::nullopt;
    return p.ts.utcMs;
}

int cmdTimeline(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") },
                             { QStringLiteral("tenant"), QStringLiteral("from"), QStringLiteral("to"), QStringLiteral("bucket"),
                               QStringLiteral("tz"), QStringLiteral("outcome"), QStringLiteral("action"), QStringLiteral("actor") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usage(a.error.isEmpty() ? QStringLiteral("timeline takes one workspace path") : a.error);
    std::optional<BucketUnit> unit;
    const QString bucket = a.options.value(QStringLiteral("bucket"), QStringLiteral("auto"));
    if (bucket != u"auto") {
        unit = timebuckets::unitFromName(bucket);
        if (!unit)
            return usage(QStringLiteral("--bucket must be auto, minute, 5min, hour, day, week or month (got \"%1\")").arg(bucket));
    }
    TimelineRequest req;
    if (a.options.contains(QStringLiteral("tenant")))
        req.tenants = a.options[QStringLiteral("tenant")].split(u',', Qt::SkipEmptyParts);
    if (a.options.contains(QStringLiteral("outcome")))
        req.filter.outcomes = a.options[QStringLiteral("outcome")].split(u',', Qt::SkipEmptyParts);
    req.filter.actionPrefix = a.options.value(QStringLiteral("action"));
    req.filter.actor = a.options.value(QStringLiteral("actor"));
    for (const QString &o : std::as_const(req.filter.outcomes))
        if (o != u"success" && o != u"failure" && o != u"denied")
            return usage(QStringLiteral("--outcome takes success, failure and/or denied (got \"%1\")").arg(o));

    auto ws = Workspace::openReadOnly(a.positional[0]);
    if (!ws) {
        err() << "casebook-cli: " << ws.error().text() << "\n";
        return ExitFailure;
    }
    auto info = ws->info();
    if (!info) {
        err() << "casebook-cli: " << info.error().text() << "\n";
        return ExitFailure;
    }
    QStringList zones;
    for (const TenantSummary &t : info->tenants) {
        if (!req.tenants.isEmpty() && !req.tenants.contains(t.id))
            continue;
        if (!zones.contains(t.defaultTimezone))
            zones << t.defaultTimezone;
    }
    for (const QString &id : std::as_const(req.tenants)) {
        if (std::none_of(info->tenants.cbegin(), info->tenants.cend(), [&](const TenantSummary &t) { return t.id == id; })) {
            err() << "casebook-cli: no institution " << id << " in " << a.positional[0] << "\n";
            return ExitFailure;
        }
    }
    QString tzName = a.options.value(QStringLiteral("tz"));
    if (tzName.isEmpty())
        tzName = zones.size() == 1 && !zones[0].isEmpty() ? zones[0] : QStringLiteral("UTC");
    req.zone = tzName == u"UTC" || tzName == u"Z" ? QTimeZone::utc() : QTimeZone(tzName.toUtf8());
    if (!req.zone.isValid())
        return usage(QStringLiteral("--tz: unknown time zone \"%1\" (use an IANA name such as Europe/Berlin)").arg(tzName));

    TimelineService service(*ws);
    auto extent = service.extent(req.tenants);
    if (!extent) {
        err() << "casebook-cli: " << extent.error().text() << "\n";
        return ExitFailure;
    }
    std::optional<int64_t> from, to;
    for (const char *name : { "from", "to" }) {
        const QString key = QString::fromLatin1(name);
        if (!a.options.contains(key))
            continue;
        const auto v = parseInstant(a.options[key], req.zone);
        if (!v)
            return usage(QStringLiteral("--%1: \"%2\" is not a date (YYYY-MM-DD) or an RFC 3339 time").arg(key, a.options[key]));
        (key == u"from" ? from : to) = v;
    }
    if (from && to && *to <= *from)
        return usage(QStringLiteral("--to must be after --from"));
    if (!from)
        from = *extent ? (*extent)->first : (to ? *to : 0);
    if (!to)
        to = *extent ? std::max((*extent)->second, *from) : *from;
    req.fromUtcMs = *from;
    req.toUtcMs = *to;
    req.unit = unit;
    if (!unit && req.toUtcMs <= req.fromUtcMs)
        req.unit = BucketUnit::Day; // nothing to show: name a sensible unit rather than "minute"
    auto data = service.query(req);
    if (!data) {
        err() << "casebook-cli: " << data.error().text() << "\n";
        return data.error().code == Error::Code::Usage ? ExitUsage : ExitFailure;
    }
    const QString tzOut = req.zone == QTimeZone::utc() ? QStringLiteral("UTC") : QString::fromUtf8(req.zone.id());
    const bool json = a.options.contains(QStringLiteral("json"));
    QJsonArray buckets;
    for (int b = 0; b < data->bucketCount(); ++b) {
        for (int t = 0; t < data->tenantCount(); ++t) {
            const TimelineCounts &c = data->at(b, t);
            if (c.events == 0 && c.transactions == 0)
                continue;
            QJsonObject amounts;
            QStringList amountText;
            for (int k = 0; k < data->currencies.size(); ++k) {
                if (data->transactionsAt(b, t, k) == 0)
                    continue;
                const QString cur = data->currencies[k];
                const QString v = money::format(data->amountAt(b, t, k), cur.toLatin1());
                amounts.insert(cur, v);
                amountText << v + u' ' + cur;
            }
            const QString start = timebuckets::formatInZone(data->edges[b], data->zone);
            const QString end = timebuckets::formatInZone(data->edges[b + 1], data->zone);
            if (json) {
                QJsonObject o { { QStringLiteral("start"), start },
                                { QStringLiteral("end"), end },
                                { QStringLiteral("tenant"), data->tenants[t] },
                                { QStringLiteral("events"), qint64(c.events) },
                                { QStringLiteral("failures"), qint64(c.failures) },
                                { QStringLiteral("denied"), qint64(c.denied) },
                                { QStringLiteral("transactions"), qint64(c.transactions) },
                                { QStringLiteral("amount"), amounts } };
                if (data->filtered)
                    o.insert(QStringLiteral("matched"), qint64(c.matched));
                buckets.append(o);
            } else {
                out() << start << "  " << data->tenants[t] << "  " << c.events << " events (" << c.failures << " failed, "
                      << c.denied << " denied" << (data->filtered ? u", " + QString::number(c.matched) + u" matched" : QString())
                      << "), " << c.transactions << " transactions" << (amountText.isEmpty() ? QString() : u": " + amountText.join(u", "))
                      << "\n";
            }
        }
    }
    if (json) {
        QJsonObject o { { QStringLiteral("bucket"), timebuckets::unitName(data->unit) },
                        { QStringLiteral("tz"), tzOut },
                        { QStringLiteral("buckets"), buckets } };
        if (data->bucketCount() > 0) {
            o.insert(QStringLiteral("from"), timebuckets::formatInZone(data->edges.first(), data->zone));
            o.insert(QStringLiteral("to"), timebuckets::formatInZone(data->edges.last(), data->zone));
        }
        out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
    } else if (data->bucketCount() == 0) {
        out() << "no data\n";
    }
    return ExitOk;
}

/// --as "Name (Organisation)" or "Name", as $CASEBOOK_INVESTIGATOR.
Investigator investigatorFrom(const Args &a)
{
    if (!a.options.contains(QStringLiteral("as")))
        return Investigator::current();
    const QString v = a.options.value(QStringLiteral("as"));
    Investigator who;
    const int open = v.indexOf(u'(');
    if (open > 0 && v.endsWith(u')')) {
        who.name = v.left(open).trimmed();
        who.organisation = v.mid(open + 1).chopped(1).trimmed();
    } else {
        who.name = v.trimmed();
    }
    return who;
}

int cmdExportReport(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("rehash-archives") }, { QStringLiteral("out"), QStringLiteral("tz"), QStringLiteral("as") });
    if (!a.error.isEmpty() || a.positional.size() != 2 || a.options.value(QStringLiteral("out")).isEmpty())
        return usage(a.error.isEmpty() ? QStringLiteral("export-report WS CASE --out FILE.pdf [--tz ZONE]") : a.error);
    ReportRequest req;
    req.workspacePath = a.positional[0];
    req.caseRef = a.positional[1];
    req.outputPath = a.options.value(QStringLiteral("out"));
    if (!parseReportZone(a.options.value(QStringLiteral("tz"), QStringLiteral("UTC")), req.zone))
        return usage(QStringLiteral("unknown time zone \"%1\" (an IANA id such as Asia/Shanghai, UTC, or source)").arg(a.options.value(QStringLiteral("tz"))));
    req.investigator = investigatorFrom(a);
    req.author = a.options.value(QStringLiteral("as"), defaultImporter());
    req.rehashArchives = a.options.contains(QStringLiteral("rehash-archives"));
    if (!QFileInfo::exists(req.workspacePath)) {
        err() << "casebook-cli: no workspace " << req.workspacePath << "\n";
        return ExitFailure;
    }
    if (const QStringList missing = missingReportFonts(); !missing.isEmpty())
        err() << "casebook-cli: warning: fonts missing (" << missing.join(QStringLiteral(", "))
              << "); CJK text may not render. Install fonts-dejavu-core fonts-droid-fallback fonts-noto-cjk\n";
    std::signal(SIGINT, onSigint);
    auto r = writeCaseReport(req, nullptr, [](const ReportProgress &) { return !g_interrupted.load(); });
    if (!r) {
        if (r.error().code == Error::Code::Cancelled)
            return ExitInterrupted;
        return fail(r.error());
    }
    out() << "wrote " << r->pdfPath << ": " << r->pages << " pages, " << r->evidence << " evidence items, " << r->bytes << " bytes, "
          << QString::number(r->seconds, 'f', 2) << " s\n"
          << "  sha256 " << r->sha256 << " (" << r->sha256Path << ")\n"
          << "  manifest " << r->manifestPath << "\n"
          << "  journal at export: " << (r->journalIntact ? "intact" : "BROKEN") << ", " << r->journalEntriesAtExport << " entries, head "
          << r->journalHeadAtExport << "\n"
          << "  journaled as entry " << r->journalSeq << " (report.exported)\n";
    return ExitOk;
}

int cmdExportCsv(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("bom") }, { QStringLiteral("out"), QStringLiteral("tz"), QStringLiteral("as") });
    if (!a.error.isEmpty() || a.positional.size() != 2 || a.options.value(QStringLiteral("out")).isEmpty())
        return usage(a.error.isEmpty() ? QStringLiteral("export-csv WS CASE --out FILE.csv [--tz ZONE] [--bom]") : a.error);
    QTimeZone zone;
    if (!parseReportZone(a.options.value(QStringLiteral("tz"), QStringLiteral("source")), zone))
        return usage(QStringLiteral("unknown time zone \"%1\" (an IANA id such as Asia/Shanghai, UTC, or source)").arg(a.options.value(QStringLiteral("tz"))));
    if (!QFileInfo::exists(a.positional[0])) {
        err() << "casebook-cli: no workspace " << a.positional[0] << "\n";
        return ExitFailure;
    }
    auto ws = Workspace::open(a.positional[0]);
    if (!ws)
        return fail(ws.error());
    CaseStore store(ws->db(), a.options.value(QStringLiteral("as"), defaultImporter()));
    auto c = store.findCase(a.positional[1]);
    if (!c)
        return fail(c.error());
    CsvOptions options;
    options.bom = a.options.contains(QStringLiteral("bom"));
    const QString path = a.options.value(QStringLiteral("out"));
    std::signal(SIGINT, onSigint);
    auto r = writeCsvFile(path, [&](QIODevice *dev) {
        return exportCaseEvidenceCsv(ws->db(), c->id, dev, options, zone, [](int64_t) { return !g_interrupted.load(); });
    });
    if (!r) {
        if (r.error().code == Error::Code::Cancelled)
            return ExitInterrupted;
        return fail(r.error());
    }
    auto seq = store.journalExport(c->id, QStringLiteral("csv.exported"),
                                   { { QStringLiteral("file"), QFileInfo(path).fileName() },
                                     { QStringLiteral("sha256"), QString::fromLatin1(r->sha256) },
                                     { QStringLiteral("bytes"), qint64(r->bytes) },
                                     { QStringLiteral("rows"), qint64(r->rows) },
                                     { QStringLiteral("time_zone"), zone.isValid() ? QString::fromUtf8(zone.id()) : QStringLiteral("source") } });
    if (!seq) {
        QFile::remove(path);
        err() << "casebook-cli: the export could not be recorded in the journal, so it was not kept: " << seq.error().text() << "\n";
        return ExitFailure;
    }
    out() << "wrote " << path << ": " << r->rows << " evidence rows, " << r->bytes << " bytes, sha256 " << r->sha256 << "\n"
          << "  journaled as entry " << *seq << " (csv.exported)\n";
    return ExitOk;
}

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

} // namespace

int main(int argc, char **argv)
{
    // Only the report (export-report, and the report step of bench) needs Qt Gui (fonts, PDF) and
    // Widgets (QCustomPlot draws the figure); every other command stays QtCore-only. A PDF needs no display: use the offscreen platform unless
    // the caller chose one.
    const bool gui = argc > 1 && (qstrcmp(argv[1], "export-report") == 0 || qstrcmp(argv[1], "bench") == 0);
    if (gui && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::unique_ptr<QCoreApplication> appHolder = gui ? std::make_unique<QApplication>(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication &app = *appHolder;
    QCoreApplication::setOrganizationName(QStringLiteral("Casebook"));
    QCoreApplication::setApplicationName(QStringLiteral("casebook-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CASEBOOK_VERSION));
    // Progress and results go to stdout/stderr explicitly; library chatter only with CASEBOOK_VERBOSE=1.
    if (qEnvironmentVariableIntValue("CASEBOOK_VERBOSE") == 0)
        QLoggingCategory::setFilterRules(QStringLiteral("casebook.*.info=false\ncasebook.*.debug=false"));
    QStringList args = app.arguments().mid(1);
    if (args.isEmpty())
        return usage();
    const QString cmd = args.takeFirst();
    if (cmd == u"--version" || cmd == u"version") {
        out() << "casebook-cli " << CASEBOOK_VERSION << "\n";
        return ExitOk;
    }
    if (cmd == u"--help" || cmd == u"-h" || cmd == u"help") {
        out() << kUsage;
        return ExitOk;
    }
    if (cmd == u"init")
        return cmdInit(args);
    if (cmd == u"import")
        return cmdImport(args);
    if (cmd == u"import-file")
        return cmdImportFile(args);
    if (cmd == u"info")
        return cmdInfo(args);
    if (cmd == u"quarantine")
        return cmdQuarantine(args);
    if (cmd == u"keys")
        return cmdKeys(args);
    if (cmd == u"generate")
        return cmdGenerate(args);
    if (cmd == u"demo")
        return cmdDemo(args);
    if (cmd == u"case")
        return cmdCase(args);
    if (cmd == u"verify")
        return cmdVerify(args);
    if (cmd == u"search")
        return cmdSearch(args);
    if (cmd == u"linked")
        return cmdLinked(args);
    if (cmd == u"timeline")
        return cmdTimeline(args);
    if (cmd == u"export-report")
        return cmdExportReport(args);
    if (cmd == u"export-csv")
        return cmdExportCsv(args);
    if (cmd == u"bench")
        return cmdBench(args);
    return usage(QStringLiteral("unknown command \"%1\"").arg(cmd));
}
