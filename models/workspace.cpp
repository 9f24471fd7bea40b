// SPDX-License-Identifier: GPL-3.0-or-later
#include "workspace.h"

#include "identity.h"
#include "journal.h"
#include "money.h"
#include "searchextensions.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>

#include <sqlite3.h>

Q_LOGGING_CATEGORY(lcWorkspace, "casebook.models.workspace")

namespace casebook {

namespace {

QString tr(const char *s) { return QCoreApplication::translate("Workspace", s); }

struct Migration
{
    int version;
    QString resource;
};

QVector<Migration> migrations()
{
    QVector<Migration> out;
    const QDir dir(QStringLiteral(":/casebook/sql"));
    static const QRegularExpression re(QStringLiteral("^(\\d{4})_.*\\.sql$"));
    for (const QString &name : dir.entryList(QDir::Files, QDir::Name)) {
        const auto m = re.match(name);
        if (m.hasMatch())
            out.push_back({ m.captured(1).toInt(), dir.filePath(name) });
    }
    return out;
}

} // namespace

QString TenantSummary::verification() const
{
    for (const auto &a : archives)
        if (a.state != u"verified")
            return QStringLiteral("unsigned");
    return QStringLiteral("verified");
}

int Workspace::latestSchemaVersion() { return migrations().isEmpty() ? 0 : migrations().constLast().version; }

Result<Workspace> Workspace::create(const QString &path)
{
    if (QFileInfo::exists(path))
        return Error(Error::Code::Usage, tr("%1 already exists").arg(path));
    return openImpl(path, true, false);
}

Result<Workspace> Workspace::open(const QString &path) { return openImpl(path, false, false); }
Result<Workspace> Workspace::openReadOnly(const QString &path) { return openImpl(path, false, true); }

Result<Workspace> Workspace::openImpl(const QString &path, bool create, bool readOnly)
{
    if (!create && !QFileInfo::exists(path))
        return Error(Error::Code::Io, tr("Workspace %1 does not exist").arg(path));
    // The file is only ever opened through SQLite. Opening and closing it any other way in this
    // process (a QFile to peek at the header, as this once did) drops every POSIX lock the process
    // holds on it, SQLite's included: another process's connection then believes it is the last one,
    // checkpoints and deletes the -wal and -shm files under the open workspace, and what this
    // process writes afterwards goes to a deleted file and is lost
    // (https://sqlite.org/howtocorrupt.html, 2.2). A file that is not a database is recognised by
    // SQLite's SQLITE_NOTADB on the first statement instead.
    auto db = SqliteDb::open(path, readOnly ? SqliteDb::Mode::ReadOnly
                                            : (create ? SqliteDb::Mode::ReadWriteCreate : SqliteDb::Mode::ReadWrite));
    if (!db)
        return db.error();
    Workspace ws;
    ws.m_db = std::move(*db);
    ws.m_path = path;
    // The search indexes use a custom tokenizer that lives in this process, not in the file: it must
    // be known to the connection before any FTS table is touched (including by migrations).
    if (auto st = registerSearchExtensions(ws.m_db.handle()); !st)
        return st.error();

    auto appId = ws.m_db.queryInt("PRAGMA application_id");
    if (!appId && (sqlite3_errcode(ws.m_db.handle()) & 0xff) == SQLITE_NOTADB)
        return Error(Error::Code::Database, tr("%1 is not a Casebook workspace (not an SQLite database)").arg(path));
    auto version = ws.m_db.queryInt("PRAGMA user_version");
    if (!appId || !version)
        return Error(Error::Code::Database, tr("%1 is not a Casebook workspace").arg(path),
                     (!appId ? appId.error() : version.error()).detail);
    auto tables = ws.m_db.queryInt("SELECT count(*) FROM sqlite_schema");
    if (!tables)
        return Error(Error::Code::Database, tr("%1 is not a Casebook workspace").arg(path), tables.error().detail);
    if (*tables > 0 && *appId != kApplicationId)
        return Error(Error::Code::Database,
                     tr("%1 is an SQLite database but not a Casebook workspace (application_id %2)").arg(path).arg(*appId));
    const int latest = latestSchemaVersion();
    if (*version > latest)
        return Error(Error::Code::SchemaTooNew,
                     tr("Workspace %1 has schema version %2, but this Casebook understands up to version %3. "
                        "Open it with a newer Casebook.")
                         .arg(path)
                         .arg(*version)
                         .arg(latest));

    if (readOnly) {
        if (*version < latest)
            return Error(Error::Code::Database,
                         tr("Workspace %1 has schema version %2 and needs an upgrade to %3; open it read-write once.")
                             .arg(path)
                             .arg(*version)
                             .arg(latest));
        ws.m_db.exec("PRAGMA foreign_keys = ON");
        return ws;
    }

    // WAL lets readers (the GUI) work while an import writes; synchronous=NORMAL in WAL mode keeps
    // every commit atomic (a crash loses at most the last commits, never half of one).
    auto st = ws.m_db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
    if (!st)
        return st.error();
    auto mig = ws.migrate();
    if (!mig)
        return mig.error();
    // The journal's first entry: the workspace's creation, or (for a workspace from before the
    // journal) the archives it already held.
    auto entries = ws.m_db.queryInt("SELECT count(*) FROM journal");
    if (entries && *entries == 0) {
        QJsonObject payload { { QStringLiteral("path"), QFileInfo(path).absoluteFilePath() },
                              { QStringLiteral("schema_version"), latestSchemaVersion() } };
        QJsonArray archives;
        auto a = ws.m_db.prepare("SELECT id, sha256, export_id, tenant_id FROM archives ORDER BY id");
        while (a && a->step() == Statement::StepResult::Row)
            archives.append(QJsonObject { { QStringLiteral("archive_id"), qint64(a->columnInt(0)) },
                                          { QStringLiteral("sha256"), a->columnText(1) },
                                          { QStringLiteral("export_id"), a->columnText(2) },
                                          { QStringLiteral("tenant"), a->columnText(3) } });
        if (!archives.isEmpty())
            payload.insert(QStringLiteral("archives"), archives);
        auto seq = journal::appendStandalone(ws.m_db, Investigator::current().display(),
                                             create ? QStringLiteral("workspace.created") : QStringLiteral("journal.started"), payload);
        if (!seq)
            return seq.error();
    }
    return ws;
}

Status Workspace::migrate()
{
    auto current = m_db.queryInt("PRAGMA user_version");
    if (!current)
        return current.error();
    for (const Migration &m : migrations()) {
        if (m.version <= *current)
            continue;
        QFile f(m.resource);
        if (!f.open(QIODevice::ReadOnly))
            return Error(Error::Code::Io, tr("Missing migration %1").arg(m.resource));
        qCInfo(lcWorkspace) << "migrating" << m_path << "to schema" << m.version;
        // Each migration is one transaction together with its version bump.
        QByteArray sql = "BEGIN IMMEDIATE;\n" + f.readAll() + "\nPRAGMA user_version = " + QByteArray::number(m.version)
            + ";\nPRAGMA application_id = " + QByteArray::number(kApplicationId) + ";\n";
        if (m.version == 1)
            sql += "INSERT INTO meta(key, value) VALUES ('created_at', '"
                + QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8() + "'), ('created_by_version', '"
                + QByteArray(CASEBOOK_VERSION) + "');\n";
        sql += "COMMIT;";
        auto st = m_db.exec(sql);
        if (!st) {
            m_db.exec("ROLLBACK");
            return Error(Error::Code::Database, tr("Upgrading workspace %1 to schema %2 failed").arg(m_path).arg(m.version),
                         st.error().detail);
        }
    }
    return ok();
}

Result<WorkspaceInfo> Workspace::info() const
{
    WorkspaceInfo info;
    auto v = m_db.queryInt("PRAGMA user_version");
    if (!v)
        return v.error();
    info.schemaVersion = int(*v);

    auto tq = m_db.prepare("SELECT id, name, lei, kind, default_timezone FROM tenants ORDER BY id");
    if (!tq)
        return tq.error();
    QMap<QString, int> index;
    while (tq->step() == Statement::StepResult::Row) {
        TenantSummary t;
        t.id = tq->columnText(0);
        t.name = tq->columnText(1);
        t.lei = tq->columnText(2);
        t.kind = tq->columnText(3);
        t.defaultTimezone = tq->columnText(4);
        index.insert(t.id, int(info.tenants.size()));
        info.tenants.push_back(t);
    }
    // Counts come from the archives table (maintained at import) so info is instant at any size.
    auto aq = m_db.prepare("SELECT id, tenant_id, sha256, export_id, state, state_detail, source_path, period_from, "
                           "period_to, imported_at, imported_by, events, transactions, accounts, quarantined "
                           "FROM archives ORDER BY tenant_id, period_from, id");
    if (!aq)
        return aq.error();
    while (aq->step() == Statement::StepResult::Row) {
        ArchiveSummary a;
        a.id = aq->columnInt(0);
        const QString tenant = aq->columnText(1);
        a.sha256 = aq->columnText(2);
        a.exportId = aq->columnText(3);
        a.state = aq->columnText(4);
        a.stateDetail = aq->columnText(5);
        a.sourcePath = aq->columnText(6);
        a.periodFrom = aq->columnText(7);
        a.periodTo = aq->columnText(8);
        a.importedAt = aq->columnText(9);
        a.importedBy = aq->columnText(10);
        a.events = aq->columnInt(11);
        a.transactions = aq->columnInt(12);
        a.accounts = aq->columnInt(13);
        a.quarantined = aq->columnInt(14);
        auto it = index.find(tenant);
        if (it == index.end())
            continue;
        TenantSummary &t = info.tenants[*it];
        t.events += a.events;
        t.transactions += a.transactions;
        t.quarantined += a.quarantined;
        if (t.periodFrom.isEmpty() || a.periodFrom < t.periodFrom)
            t.periodFrom = a.periodFrom;
        if (a.periodTo > t.periodTo)
            t.periodTo = a.periodTo;
        t.archives.push_back(a);
    }
    // Exact totals from the per-archive sums kept at import. SQLite sums integers exactly and reports
    // overflow as an error instead of wrapping or falling back to floating point (sum(), not total()).
    auto sq = m_db.prepare("SELECT a.tenant_id, t.currency, sum(t.amount_e4) FROM archive_totals t "
                           "JOIN archives a ON a.id = t.archive_id GROUP BY a.tenant_id, t.currency");
    if (!sq)
        return sq.error();
    for (;;) {
        const auto r = sq->step();
        if (r == Statement::StepResult::Done)
            break;
        if (r != Statement::StepResult::Row)
            return Error(Error::Code::Database, tr("Cannot sum transaction amounts"), m_db.lastError());
        auto it = index.find(sq->columnText(0));
        if (it != index.end())
            info.tenants[*it].totalsE4.insert(sq->columnText(1), sq->columnInt(2));
    }
    return info;
}

} // namespace casebook
