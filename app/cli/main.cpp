// SPDX-License-Identifier: GPL-3.0-or-later
// casebook-cli: the headless front end of casebook_models. Exit codes: 0 success, 1 failure (for
// import: an archive was rejected), 2 usage error, 130 interrupted.

#include "demogenerator.h"
#include "importer.h"
#include "keyring.h"
#include "money.h"
#include "timelineservice.h"
#include "timestamp.h"
#include "workspace.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSysInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTextStream>

#include <atomic>
#include <csignal>
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
  info WS [--json]                 institutions, archives, counts and exact totals
  quarantine WS [--json]           rows that could not be imported, with file, line and reason
  keys add NAME PUBKEY_FILE        trust a producer key (NAME = the key_id manifests carry)
  keys list                        list trusted producer keys
  keys remove NAME                 stop trusting a key
  demo WS [--rows N]               create WS (if missing) and import the demo archives into it
  generate OUTDIR [--tenants N] [--rows N] [--seed S] [--dir]
                                   write deterministic synthetic SEA archives
  timeline WS [--tenant ID[,ID...]] [--from T] [--to T] [--bucket auto|minute|5min|hour|day|week|month]
           [--tz ZONE] [--outcome O[,O...]] [--action PREFIX] [--actor ID] [--json]
                                   events, transactions and exact amounts per institution and local
                                   calendar bucket; T is RFC 3339, or a date or local time read in
                                   --tz; [--from, --to) defaults to all data; --tz defaults to the
                                   institutions' common zone, else UTC
  --version                        print the version

Options for import, demo and keys: --keyring FILE (default: $CASEBOOK_KEYRING or
~/.config/casebook/keyring.json), --as NAME (importer recorded in the workspace).

Exit codes: 0 success (import: every archive imported or already present), 1 failure
(import: at least one archive rejected), 2 usage error, 130 interrupted.
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

QString defaultImporter()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("LOGNAME", QStringLiteral("unknown"));
    return user + u'@' + QSysInfo::machineHostName();
}

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

/// Imports every archive; returns the exit code.
int importAll(Workspace &ws, const QStringList &archives, const Keyring &keyring, const QString &importedBy, bool json)
{
    std::signal(SIGINT, onSigint);
    std::signal(SIGTERM, onSigint);
    ProgressPrinter printer(!json && isatty(STDERR_FILENO));
    bool anyRejected = false;
    QJsonArray results;
    for (const QString &path : archives) {
        if (g_interrupted)
            break;
        ImportRequest req { path, importedBy, &keyring };
        const ImportResult r = importArchive(
            ws, req, [&](const ImportProgress &p) { printer(p); }, [] { return g_interrupted.load(); });
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
    out() << "created workspace " << a.positional[0] << " (schema " << Workspace::kSchemaVersion << ")\n";
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

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
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
    if (cmd == u"timeline")
        return cmdTimeline(args);
    return usage(QStringLiteral("unknown command \"%1\"").arg(cmd));
}
