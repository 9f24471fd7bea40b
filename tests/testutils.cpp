// SPDX-License-Identifier: GPL-3.0-or-later
#include "testutils.h"

#include "keyring.h"
#include "sha256.h"
#include "sqlitedb.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>

#include <sodium.h>
#include <sqlite3.h>

namespace casebook::test {

namespace {
void keypair(const char *seedText, QByteArray &pk, QByteArray &sk)
{
    if (sodium_init() < 0)
        qFatal("sodium_init failed");
    const QByteArray seed = Sha256::hash(seedText);
    pk.resize(crypto_sign_PUBLICKEYBYTES);
    sk.resize(crypto_sign_SECRETKEYBYTES);
    crypto_sign_seed_keypair(reinterpret_cast<unsigned char *>(pk.data()), reinterpret_cast<unsigned char *>(sk.data()),
                             reinterpret_cast<const unsigned char *>(seed.constData()));
}
} // namespace

QByteArray testPublicKey()
{
    QByteArray pk, sk;
    keypair("casebook test producer", pk, sk);
    return pk;
}
QByteArray testSecretKey()
{
    QByteArray pk, sk;
    keypair("casebook test producer", pk, sk);
    return sk;
}
QByteArray otherSecretKey()
{
    QByteArray pk, sk;
    keypair("somebody else", pk, sk);
    return sk;
}

QByteArray ArchiveSpec::defaultAudit()
{
    return R"({"event_id":"E1","ts":"2026-01-05T09:31:02.125+08:00","actor":"u.wang","actor_name":"王芳","actor_role":"teller","source_ip":"10.1.2.3","action":"user.login","resource":"portal","outcome":"success","session_id":"s1"}
{"event_id":"E2","ts":"2026-01-05T02:13:00+08:00","actor":"dba.zhou","actor_role":"dba","source_ip":"2001:db8::7","action":"db.export","resource":"customers","outcome":"success","details":{"rows":120000,"table":"customers"}}
{"event_id":"E3","ts":"2026-01-05T10:00:00","actor":"u.li","action":"payment.approve","resource":"P-77","outcome":"denied"}
)";
}

QByteArray ArchiveSpec::defaultTransactions()
{
    return "txn_id,ts,value_date,debtor_account,debtor_name,creditor_account,creditor_name,amount,currency,channel,status,reference,memo\r\n"
           "X1,2026-01-05T10:00:00+08:00,2026-01-05,CN001,王芳,GB33BUKB20201555555555,\"Smith, John\",1234.56,CNY,mobile,booked,R1,rent\r\n"
           "X2,2026-01-06T11:00:00Z,,CN002,李伟,CN001,王芳,0.0001,CNY,api,booked,R2,\"two\r\nlines\"\r\n"
           "X3,2026-01-07T12:00:00+08:00,2026-01-07,CN003,\"Müller \"\"Max\"\"\",DE89370400440532013000,Jäger,99999999.9999,EUR,swift,pending,R3,\r\n";
}

Status writeArchive(const QString &path, const ArchiveSpec &spec)
{
    QJsonObject base { { QStringLiteral("format"), QStringLiteral("sea") },
                       { QStringLiteral("version"), 1 },
                       { QStringLiteral("export_id"), spec.exportId },
                       { QStringLiteral("tenant"), QJsonObject { { QStringLiteral("id"), spec.tenantId },
                                                                 { QStringLiteral("name"), spec.tenantName },
                                                                 { QStringLiteral("kind"), QStringLiteral("bank") } } },
                       { QStringLiteral("period"), QJsonObject { { QStringLiteral("from"), QStringLiteral("2026-01-01T00:00:00+08:00") },
                                                                 { QStringLiteral("to"), QStringLiteral("2026-03-31T23:59:59+08:00") } } },
                       { QStringLiteral("producer"), QJsonObject { { QStringLiteral("cloud"), QStringLiteral("Test Cloud") },
                                                                   { QStringLiteral("key_id"), QString::fromLatin1(kTestKeyId) } } },
                       { QStringLiteral("created_at"), QStringLiteral("2026-04-02T10:15:00Z") } };
    if (!spec.defaultTimezone.isEmpty())
        base.insert(QStringLiteral("default_timezone"), spec.defaultTimezone);
    SeaWriter w(path.endsWith(u".zip") ? SeaWriter::Container::Zip : SeaWriter::Container::Directory, path, base);
    w.manifestHook = spec.manifestHook;
    if (auto st = w.open(); !st)
        return st;
    const auto countLines = [](const QByteArray &d) {
        qint64 n = 0;
        for (const QByteArray &l : d.split('\n'))
            if (!l.trimmed().isEmpty())
                ++n;
        return n;
    };
    if (!spec.audit.isNull()) {
        const qint64 rec = spec.auditRecords == -2 ? countLines(spec.audit) : spec.auditRecords;
        if (auto st = w.addFile(QStringLiteral("audit/part-0001.jsonl"), QStringLiteral("audit"), QStringLiteral("sea-jsonl"), spec.audit, rec); !st)
            return st;
    }
    if (!spec.transactions.isNull()) {
        // Naive count: physical lines minus header minus continuation lines is not knowable here;
        // tests with embedded newlines pass transactionRecords explicitly or -1.
        const qint64 rec = spec.transactionRecords == -2 ? -1 : spec.transactionRecords;
        if (auto st = w.addFile(QStringLiteral("transactions/part-0001.csv"), QStringLiteral("transactions"), QStringLiteral("sea-csv"), spec.transactions, rec); !st)
            return st;
    }
    if (!spec.accounts.isNull())
        if (auto st = w.addFile(QStringLiteral("accounts.csv"), QStringLiteral("accounts"), QStringLiteral("sea-csv"), spec.accounts); !st)
            return st;
    if (spec.extraEntries)
        spec.extraEntries(w);
    return w.finish(spec.sign ? (spec.signingKey.isEmpty() ? testSecretKey() : spec.signingKey) : QByteArray());
}

QByteArray workspaceDigest(const QString &workspacePath)
{
    auto db = SqliteDb::open(workspacePath, SqliteDb::Mode::ReadOnly);
    if (!db)
        return "cannot open: " + db.error().text().toUtf8();
    QCryptographicHash h(QCryptographicHash::Sha256);
    auto tables = db->prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
    QStringList names;
    while (tables->step() == Statement::StepResult::Row)
        names << tables->columnText(0);
    for (const QString &t : names) {
        // The journal records rejections too (it is append-only and verified separately).
        if (t == u"journal")
            continue;
        h.addData(t.toUtf8());
        auto q = db->prepare(QByteArray("SELECT * FROM \"" + t.toUtf8() + "\""));
        if (!q)
            continue; // virtual tables that cannot be scanned directly (none so far)
        const int cols = sqlite3_column_count(q->handle());
        while (q->step() == Statement::StepResult::Row)
            for (int c = 0; c < cols; ++c) {
                h.addData(q->columnBlob(c));
                h.addData("\x1f");
            }
    }
    return h.result().toHex();
}

QStringList schemaDefinitions(const QString &workspacePath)
{
    auto db = SqliteDb::open(workspacePath, SqliteDb::Mode::ReadOnly);
    if (!db)
        return { QStringLiteral("cannot open: ") + db.error().text() };
    auto q = db->prepare("SELECT type, name, tbl_name, sql FROM sqlite_schema");
    QStringList out;
    while (q->step() == Statement::StepResult::Row)
        out << q->columnText(0) + u'|' + q->columnText(1) + u'|' + q->columnText(2) + u'|' + q->columnText(3);
    out.sort();
    return out;
}

CliResult runCli(const QStringList &args, const QString &keyring, int timeoutMs)
{
    CliResult r;
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!keyring.isEmpty())
        env.insert(QStringLiteral("CASEBOOK_KEYRING"), keyring);
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("CASEBOOK_CLI"), args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timeout");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

void writeTestKeyring(const QString &path)
{
    auto k = Keyring::load(path);
    if (!k)
        qFatal("keyring");
    k->insert(QString::fromLatin1(kTestKeyId), testPublicKey());
    k->save();
}

} // namespace casebook::test
