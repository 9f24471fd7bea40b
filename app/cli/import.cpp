// SPDX-License-Identifier: GPL-3.0-or-later
// casebook-cli: init, import, import-file, keys, generate, demo.

#include "cli.h"

#include "demogenerator.h"
#include "importer.h"
#include "keyring.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>
#include <functional>
#include <unistd.h>

namespace casebook::cli {

namespace {

Result<Keyring> loadKeyring(const Args &a)
{
    return Keyring::load(a.options.value(QStringLiteral("keyring"), Keyring::defaultPath()));
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

} // namespace

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
    auto ws = openWorkspace(a.positional[0], false);
    if (!ws)
        return ExitFailure;
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
    auto ws = openWorkspace(a.positional[0], false);
    if (!ws)
        return ExitFailure;
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

} // namespace casebook::cli
