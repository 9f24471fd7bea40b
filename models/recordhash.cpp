// SPDX-License-Identifier: GPL-3.0-or-later
#include "recordhash.h"

#include "journal.h"
#include "sha256.h"
#include "sqlitedb.h"

#include <QCoreApplication>
#include <QJsonObject>

#include <sqlite3.h>

namespace casebook {

QString recordKindName(RecordKind k) { return k == RecordKind::Event ? QStringLiteral("event") : QStringLiteral("transaction"); }

bool parseRecordKind(const QString &s, RecordKind &k)
{
    if (s == u"event")
        k = RecordKind::Event;
    else if (s == u"transaction")
        k = RecordKind::Transaction;
    else
        return false;
    return true;
}

namespace {
const QByteArray &statementSql(RecordKind kind)
{
    static const QByteArray eventSql = "SELECT r.tenant_id, r.event_id, a.sha256, r.event_id, r.ts_text, r.actor, r.actor_name, "
                                       "r.actor_role, r.source_ip, r.action, r.resource, r.outcome, r.session_id, r.details, r.extra "
                                       "FROM events r JOIN archives a ON a.id = r.archive_id WHERE r.id = ?";
    static const QByteArray txnSql = "SELECT r.tenant_id, r.txn_id, a.sha256, r.txn_id, r.ts_text, r.value_date, r.debtor_account, "
                                     "r.debtor_name, r.debtor_bank, r.creditor_account, r.creditor_name, r.creditor_bank, "
                                     "r.amount_text, r.currency, r.channel, r.status, r.reference, r.memo, r.extra "
                                     "FROM transactions r JOIN archives a ON a.id = r.archive_id WHERE r.id = ?";
    return kind == RecordKind::Event ? eventSql : txnSql;
}
} // namespace

Result<RecordFingerprint> fingerprintRecord(const SqliteDb &db, RecordKind kind, int64_t rowid)
{
    RecordFingerprinter f(db);
    return f.fingerprint(kind, rowid);
}

RecordFingerprinter::RecordFingerprinter(const SqliteDb &db)
    : m_db(db)
{
}

RecordFingerprinter::~RecordFingerprinter() = default;


Result<RecordFingerprint> RecordFingerprinter::fingerprint(RecordKind kind, int64_t rowid)
{
    static const char *const eventKeys[] = { "event_id", "ts", "actor", "actor_name", "actor_role", "source_ip", "action",
                                             "resource", "outcome", "session_id", "details", "extra" };
    static const char *const txnKeys[] = { "txn_id", "ts", "value_date", "debtor_account", "debtor_name", "debtor_bank",
                                           "creditor_account", "creditor_name", "creditor_bank", "amount", "currency",
                                           "channel", "status", "reference", "memo", "extra" };
    const bool ev = kind == RecordKind::Event;
    std::unique_ptr<Statement> &cached = ev ? m_event : m_transaction;
    if (!cached) {
        auto prepared = m_db.prepare(statementSql(kind));
        if (!prepared)
            return prepared.error();
        cached = std::make_unique<Statement>(std::move(*prepared));
    }
    Statement *q = cached.get();
    q->reset();
    q->bind(1, qint64(rowid));
    if (q->step() != Statement::StepResult::Row) {
        q->reset();
        return Error(Error::Code::Database,
                     QCoreApplication::translate("RecordHash", "%1 %2 does not exist in this workspace").arg(recordKindName(kind)).arg(rowid));
    }
    RecordFingerprint f;
    f.kind = kind;
    f.rowid = rowid;
    f.tenant = q->columnText(0);
    f.recordKey = q->columnText(1);
    f.archiveSha256 = q->columnText(2);
    QJsonObject o;
    o.insert(QStringLiteral("kind"), recordKindName(kind));
    o.insert(QStringLiteral("tenant"), f.tenant);
    const int n = ev ? 12 : 16;
    const char *const *keys = ev ? eventKeys : txnKeys;
    for (int i = 0; i < n; ++i)
        if (!q->columnIsNull(3 + i))
            o.insert(QString::fromLatin1(keys[i]), q->columnText(3 + i));
    q->reset();
    f.canonical = journal::canonical(o);
    f.contentSha256 = Sha256::hexHash(f.canonical);
    return f;
}

} // namespace casebook
