// SPDX-License-Identifier: GPL-3.0-or-later
// Importer: every bad-input class of the SEA spec (rejections leave the workspace unchanged; row
// problems are quarantined with file, line and reason), good-path parsing, signatures, idempotence.

#include "importer.h"
#include "keyring.h"
#include "money.h"
#include "testutils.h"
#include "workspace.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace casebook;
using namespace casebook::test;

using Mutator = std::function<void(ArchiveSpec &)>;
using PostWrite = std::function<void(const QString &)>;
Q_DECLARE_METATYPE(Mutator)
Q_DECLARE_METATYPE(PostWrite)

namespace {
// Replaces key `k` of files[i] in the manifest.
void setFileKey(QJsonObject &m, int i, const QString &k, const QJsonValue &v)
{
    QJsonArray files = m.value(u"files").toArray();
    QJsonObject f = files[i].toObject();
    f.insert(k, v);
    files[i] = f;
    m.insert(QStringLiteral("files"), files);
}
} // namespace

class TestImporter : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_ws;
    Keyring m_keyring;
    int m_n = 0;

    QString tmp(const QString &name) { return m_dir.filePath(QString::number(++m_n) + u'-' + name); }

    ImportResult import(const QString &archive, int entityChunk = 1 << 17, double bulkIndexRatio = ImportRequest().bulkIndexRatio)
    {
        auto ws = Workspace::open(m_ws);
        if (!ws)
            qFatal("open failed");
        return importArchive(*ws, { archive, QStringLiteral("tester"), &m_keyring, entityChunk, bulkIndexRatio });
    }

    /// `n` transactions of institution T9001 with ids X<first>.., two accounts each, and a debtor name
    /// spelled three ways ("NAME 5", "Name 5.", "name  5": one name key, "NAME 5" the smallest).
    static QByteArray manyTransactions(int n, int first = 1000)
    {
        QByteArray csv = "txn_id,ts,debtor_account,debtor_name,creditor_account,amount,currency\n";
        for (int i = first; i < first + n; ++i) {
            const QByteArray k = QByteArray::number(i % 13);
            const QByteArray name = i % 3 == 0 ? QByteArray("NAME " + k) : i % 3 == 1 ? QByteArray("Name " + k + ".") : QByteArray("name  " + k);
            csv += "X" + QByteArray::number(i) + ",2026-01-05T10:00:00Z,D" + QByteArray::number(i % 997) + "," + name + ",C"
                + QByteArray::number(i % 89) + "," + QByteArray::number(i % 5000) + ".25,CNY\n";
        }
        return csv;
    }

    /// The indexes answer as the table does: every index is complete and consistent.
    void verifyIndexes()
    {
        auto ws = Workspace::open(m_ws);
        auto check = ws->db().prepare("PRAGMA integrity_check");
        QVERIFY(check && check->step() == Statement::StepResult::Row);
        QCOMPARE(check->columnText(0), QStringLiteral("ok"));
        QCOMPARE(*ws->db().queryInt("SELECT count(*) FROM transactions INDEXED BY transactions_debtor WHERE debtor_account = 'D7'"),
                 *ws->db().queryInt("SELECT count(*) FROM transactions NOT INDEXED WHERE debtor_account = 'D7'"));
        QCOMPARE(*ws->db().queryInt("SELECT count(*) FROM events INDEXED BY events_tenant_actor_ts WHERE tenant_id = 'T9001' AND actor > ''"),
                 *ws->db().queryInt("SELECT count(*) FROM events NOT INDEXED WHERE tenant_id = 'T9001' AND actor > ''"));
    }

    /// Rows of entity_stats that differ from a recomputation over the events and transactions.
    /// Entities whose row in entity_stats differs from a recomputation from the rows (sums, times and
    /// the display: the smallest spelling), plus rows that should not be there.
    int64_t entityStatsMismatches()
    {
        return count("SELECT count(*) FROM ("
                     "SELECT kind, key, tenant_id, currency, min(display), count(*), sum(amount_e4), min(ts), max(ts) FROM ("
                     " SELECT 'account' AS kind, debtor_account AS key, tenant_id, currency, debtor_account AS display, amount_e4, ts_utc_ms AS ts FROM transactions"
                     " UNION ALL SELECT 'account', creditor_account, tenant_id, currency, creditor_account, amount_e4, ts_utc_ms FROM transactions"
                     " UNION ALL SELECT 'name', casebook_name_key(debtor_name), tenant_id, currency, debtor_name, amount_e4, ts_utc_ms FROM transactions"
                     " UNION ALL SELECT 'name', casebook_name_key(creditor_name), tenant_id, currency, creditor_name, amount_e4, ts_utc_ms FROM transactions"
                     " UNION ALL SELECT 'ip', source_ip, tenant_id, '', source_ip, 0, ts_utc_ms FROM events"
                     " UNION ALL SELECT 'actor', actor, tenant_id, '', actor, 0, ts_utc_ms FROM events"
                     " UNION ALL SELECT 'name', casebook_name_key(actor_name), tenant_id, '', actor_name, 0, ts_utc_ms FROM events"
                     ") WHERE key <> '' GROUP BY 1, 2, 3, 4 "
                     "EXCEPT SELECT kind, key, tenant_id, currency, display, count, amount_e4, first_utc_ms, last_utc_ms FROM entity_stats)")
            + count("SELECT count(*) FROM entity_stats WHERE count = 0");
    }

    int64_t count(const char *sql)
    {
        auto ws = Workspace::open(m_ws);
        return *ws->db().queryInt(sql);
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_ws = tmp(QStringLiteral("ws.casebook"));
        QVERIFY(Workspace::create(m_ws));
        m_keyring = Keyring();
        m_keyring.insert(QString::fromLatin1(kTestKeyId), testPublicKey());
    }

    void goodArchive_data()
    {
        QTest::addColumn<bool>("zip");
        QTest::addRow("zip") << true;
        QTest::addRow("directory") << false;
    }
    void goodArchive()
    {
        QFETCH(bool, zip);
        const QString path = tmp(zip ? QStringLiteral("a.sea.zip") : QStringLiteral("a.sea"));
        ArchiveSpec spec;
        spec.accounts = "account,holder_name,holder_id,opened,type,status,risk\nCN001,王芳,ID1,2020-01-01,current,active,low\n";
        QVERIFY(writeArchive(path, spec));
        const ImportResult r = import(path);
        QCOMPARE(ImportResult::outcomeName(r.outcome), QStringLiteral("imported"));
        QCOMPARE(r.state, QStringLiteral("verified"));
        QCOMPARE(r.events, 3);
        QCOMPARE(r.transactions, 3);
        QCOMPARE(r.accounts, 1);
        QCOMPARE(r.quarantined, 0);

        auto ws = Workspace::open(m_ws);
        // A time with offset keeps it; one without is read in the default zone (Asia/Shanghai, +08:00).
        auto q = ws->db().prepare("SELECT event_id, ts_utc_ms, ts_offset_s, ts_text, details FROM events ORDER BY line");
        QVERIFY(q);
        QVERIFY(q->step() == Statement::StepResult::Row);
        QCOMPARE(q->columnInt(1), 1767576662125LL); // 2026-01-05T01:31:02.125Z
        QCOMPARE(q->columnInt(2), 8 * 3600);
        QVERIFY(q->step() == Statement::StepResult::Row);
        QCOMPARE(q->columnText(4), QStringLiteral("{\"rows\":120000,\"table\":\"customers\"}"));
        QVERIFY(q->step() == Statement::StepResult::Row);
        QCOMPARE(q->columnText(3), QStringLiteral("2026-01-05T10:00:00"));
        QCOMPARE(q->columnInt(1), 1767578400000LL); // 02:00Z
        QCOMPARE(q->columnInt(2), 8 * 3600);

        auto t = ws->db().prepare("SELECT txn_id, amount_e4, amount_text, currency, memo, creditor_name, debtor_name, line "
                                  "FROM transactions ORDER BY line");
        QVERIFY(t->step() == Statement::StepResult::Row);
        QCOMPARE(t->columnInt(1), 12345600);
        QCOMPARE(t->columnText(5), QStringLiteral("Smith, John"));
        QVERIFY(t->step() == Statement::StepResult::Row);
        QCOMPARE(t->columnInt(1), 1);
        QCOMPARE(t->columnText(4), QStringLiteral("two\r\nlines"));
        QVERIFY(t->step() == Statement::StepResult::Row);
        QCOMPARE(t->columnText(6), QStringLiteral("Müller \"Max\""));
        QCOMPARE(t->columnInt(7), 5); // the quoted CRLF made record 2 span lines 3-4
        QCOMPARE(t->columnInt(1), 999999999999LL);

        auto acc = ws->db().prepare("SELECT extra FROM accounts");
        QVERIFY(acc->step() == Statement::StepResult::Row);
        QCOMPARE(acc->columnText(0), QStringLiteral("{\"risk\":\"low\"}"));

        auto info = ws->info();
        QVERIFY(info);
        QCOMPARE(info->tenants.size(), 1);
        QCOMPARE(money::format(info->tenants[0].totalsE4.value(QStringLiteral("CNY")), "CNY"), QStringLiteral("1234.5601"));
        QCOMPARE(money::format(info->tenants[0].totalsE4.value(QStringLiteral("EUR")), "EUR"), QStringLiteral("99999999.9999"));

        // Full-text index was built in the same transaction.
        QCOMPARE(*ws->db().queryInt("SELECT count(*) FROM transactions_fts WHERE transactions_fts MATCH 'smith'"), 1);
        QCOMPARE(*ws->db().queryInt("SELECT count(*) FROM events_fts WHERE events_fts MATCH 'customers'"), 1);
    }

    void rejected_data()
    {
        QTest::addColumn<bool>("zip");
        QTest::addColumn<Mutator>("mutate");
        QTest::addColumn<PostWrite>("post");
        QTest::addColumn<QString>("message");
        const Mutator none = [](ArchiveSpec &) {};
        const PostWrite nothing = [](const QString &) {};
        for (bool zip : { true, false }) {
            const char *c = zip ? "zip" : "dir";
            QTest::addRow("%s: sha256 mismatch", c) << zip << Mutator([](ArchiveSpec &s) {
                s.manifestHook = [](QJsonObject &m) { setFileKey(m, 0, QStringLiteral("sha256"), QString(64, u'a')); };
            }) << nothing << QStringLiteral("audit/part-0001.jsonl: SHA-256 is");
            QTest::addRow("%s: size larger than stated", c) << zip << Mutator([](ArchiveSpec &s) {
                s.manifestHook = [](QJsonObject &m) { setFileKey(m, 0, QStringLiteral("bytes"), 10); };
            }) << nothing << QStringLiteral("audit/part-0001.jsonl: inflates beyond the 10 bytes");
            QTest::addRow("%s: size smaller than stated", c) << zip << Mutator([](ArchiveSpec &s) {
                s.manifestHook = [](QJsonObject &m) { setFileKey(m, 0, QStringLiteral("bytes"), 100000); };
            }) << nothing << QStringLiteral("the manifest states 100000");
            QTest::addRow("%s: records mismatch", c) << zip << Mutator([](ArchiveSpec &s) { s.auditRecords = 7; })
                                                     << nothing << QStringLiteral("holds 3 records, the manifest states 7");
            QTest::addRow("%s: listed file missing", c) << zip << Mutator([](ArchiveSpec &s) {
                s.manifestHook = [](QJsonObject &m) {
                    QJsonArray files = m.value(u"files").toArray();
                    QJsonObject f = files[0].toObject();
                    f.insert(QStringLiteral("path"), QStringLiteral("audit/part-0002.jsonl"));
                    files.append(f);
                    m.insert(QStringLiteral("files"), files);
                };
            }) << nothing << QStringLiteral("audit/part-0002.jsonl is listed in manifest.json but missing");
            QTest::addRow("%s: unlisted file", c) << zip << Mutator([](ArchiveSpec &s) {
                s.extraEntries = [](SeaWriter &w) { w.addRawEntry(QStringLiteral("notes/extra.txt"), "hello"); };
            }) << nothing << QStringLiteral("notes/extra.txt is in the archive but not listed");
            QTest::addRow("%s: unknown version", c) << zip << Mutator([](ArchiveSpec &s) {
                s.manifestHook = [](QJsonObject &m) { m.insert(QStringLiteral("version"), 2); };
            }) << nothing << QStringLiteral("unsupported SEA version 2");
            QTest::addRow("%s: bad signature", c) << zip << Mutator([](ArchiveSpec &s) { s.signingKey = otherSecretKey(); })
                                                  << nothing << QStringLiteral("manifest.sig does not verify with key \"test-producer\"");
            QTest::addRow("%s: manifest not JSON", c) << zip << Mutator([](ArchiveSpec &s) {
                s.sign = false;
                s.manifestHook = [](QJsonObject &m) { m = QJsonObject(); };
            }) << nothing << QStringLiteral("manifest.json: \"format\" must be \"sea\"");
            QTest::addRow("%s: unsafe path in manifest", c) << zip << Mutator([](ArchiveSpec &s) {
                s.manifestHook = [](QJsonObject &m) { setFileKey(m, 0, QStringLiteral("path"), QStringLiteral("../audit.jsonl")); };
            }) << nothing << QStringLiteral("is not a safe relative path");
            QTest::addRow("%s: header lacks amount", c) << zip << Mutator([](ArchiveSpec &s) {
                s.transactions = "txn_id,ts,currency\nX1,2026-01-05T10:00:00Z,CNY\n";
            }) << nothing << QStringLiteral("transactions/part-0001.csv: line 1: the header lacks the required column \"amount\"");
            QTest::addRow("%s: duplicate header column", c) << zip << Mutator([](ArchiveSpec &s) {
                s.transactions = "txn_id,ts,amount,currency,amount\nX1,2026-01-05T10:00:00Z,1,CNY,2\n";
            }) << nothing << QStringLiteral("column \"amount\" appears twice");
            QTest::addRow("%s: empty csv", c) << zip << Mutator([](ArchiveSpec &s) { s.transactions = ""; })
                                              << nothing << QStringLiteral("the file is empty");
            QTest::addRow("%s: unsupported format", c) << zip << Mutator([](ArchiveSpec &s) {
                s.manifestHook = [](QJsonObject &m) { setFileKey(m, 0, QStringLiteral("format"), QStringLiteral("ofx")); };
            }) << nothing << QStringLiteral("format \"ofx\", which this version of Casebook cannot read");
            QTest::addRow("%s: unknown default zone", c) << zip << Mutator([](ArchiveSpec &s) { s.defaultTimezone = QStringLiteral("Mars/Olympus"); })
                                                         << nothing << QStringLiteral("default_timezone \"Mars/Olympus\" is not a known IANA time zone");
        }
        QTest::addRow("zip: entry ../evil.txt") << true << Mutator([](ArchiveSpec &s) {
            s.extraEntries = [](SeaWriter &w) { w.addRawEntry(QStringLiteral("../evil.txt"), "x"); };
        }) << nothing << QStringLiteral("entry \"../evil.txt\" escapes the archive");
        QTest::addRow("zip: absolute entry") << true << Mutator([](ArchiveSpec &s) {
            s.extraEntries = [](SeaWriter &w) { w.addRawEntry(QStringLiteral("/etc/passwd"), "x"); };
        }) << nothing << QStringLiteral("entry \"/etc/passwd\" escapes the archive");
        QTest::addRow("zip: bomb") << true << Mutator([](ArchiveSpec &s) {
            // 64 MiB of one byte deflates to ~64 KiB; the manifest claims 1000 bytes.
            s.audit = QByteArray(64 << 20, ' ');
            s.auditRecords = -1;
            s.manifestHook = [](QJsonObject &m) { setFileKey(m, 0, QStringLiteral("bytes"), 1000); };
        }) << nothing << QStringLiteral("inflates beyond the 1000 bytes the manifest states");
        QTest::addRow("zip: truncated") << true << none << PostWrite([](const QString &p) {
            QFile f(p);
            QVERIFY(f.open(QIODevice::ReadWrite));
            f.resize(f.size() / 2);
        }) << QStringLiteral("is not a readable ZIP archive (truncated or corrupt)");
        QTest::addRow("zip: corrupt data") << true << none << PostWrite([](const QString &p) {
            QFile f(p);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QByteArray d = f.readAll();
            for (int i = 60; i < 200; ++i)
                d[i] = char(d[i] ^ 0x5a);
            f.seek(0);
            f.write(d);
        }) << QString(); // libarchive's wording varies (CRC or inflate error): just rejected
        QTest::addRow("zip: not a zip") << true << none << PostWrite([](const QString &p) {
            QFile f(p);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("this is not a zip file at all\n");
        }) << QStringLiteral("is not a readable ZIP archive");
        QTest::addRow("dir: manifest missing") << false << none << PostWrite([](const QString &p) {
            QVERIFY(QFile::remove(p + u"/manifest.json"));
        }) << QStringLiteral("manifest.json is missing");
    }

    void rejected()
    {
        QFETCH(bool, zip);
        QFETCH(Mutator, mutate);
        QFETCH(PostWrite, post);
        QFETCH(QString, message);

        // A workspace that already holds data: a rejection must leave every byte of it as it was.
        ArchiveSpec first;
        first.tenantId = QStringLiteral("T9000");
        first.exportId = QStringLiteral("baseline");
        const QString base = tmp(QStringLiteral("base.sea.zip"));
        QVERIFY(writeArchive(base, first));
        QCOMPARE(import(base).outcome, ImportResult::Outcome::Imported);
        const QByteArray before = workspaceDigest(m_ws);
        const QStringList schemaBefore = schemaDefinitions(m_ws);

        ArchiveSpec spec;
        mutate(spec);
        const QString path = tmp(zip ? QStringLiteral("bad.sea.zip") : QStringLiteral("bad.sea"));
        QVERIFY(writeArchive(path, spec));
        post(path);
        const ImportResult r = import(path);
        QCOMPARE(ImportResult::outcomeName(r.outcome), QStringLiteral("rejected"));
        if (!message.isEmpty())
            QVERIFY2(r.message.contains(message), qPrintable(r.message));
        QCOMPARE(r.rows(), 0);
        QCOMPARE(workspaceDigest(m_ws), before);
        QCOMPARE(schemaDefinitions(m_ws), schemaBefore);
    }

    void quarantined_data()
    {
        QTest::addColumn<bool>("audit"); // which file the row is in
        QTest::addColumn<QByteArray>("row");
        QTest::addColumn<QString>("reason");

        const auto ev = [](const char *s) { return QByteArray(s); };
        QTest::addRow("json: invalid") << true << ev("{\"event_id\":\"B1\",") << QStringLiteral("invalid JSON");
        QTest::addRow("json: not an object") << true << ev("[1,2,3]") << QStringLiteral("not a JSON object");
        QTest::addRow("json: invalid UTF-8") << true << ev("{\"event_id\":\"B1\",\"ts\":\"2026-01-05T09:00:00Z\",\"actor\":\"a\xff\",\"action\":\"x\",\"outcome\":\"success\"}") << QStringLiteral("invalid UTF-8");
        QTest::addRow("json: bad ts") << true << ev("{\"event_id\":\"B1\",\"ts\":\"yesterday\",\"actor\":\"a\",\"action\":\"x\",\"outcome\":\"success\"}") << QStringLiteral("ts \"yesterday\": timestamp is not RFC 3339");
        QTest::addRow("json: Feb 30") << true << ev("{\"event_id\":\"B1\",\"ts\":\"2026-02-30T09:00:00Z\",\"actor\":\"a\",\"action\":\"x\",\"outcome\":\"success\"}") << QStringLiteral("timestamp is not RFC 3339");
        QTest::addRow("json: bad outcome") << true << ev("{\"event_id\":\"B1\",\"ts\":\"2026-01-05T09:00:00Z\",\"actor\":\"a\",\"action\":\"x\",\"outcome\":\"maybe\"}") << QStringLiteral("outcome \"maybe\" is not success, failure or denied");
        QTest::addRow("json: missing actor") << true << ev("{\"event_id\":\"B1\",\"ts\":\"2026-01-05T09:00:00Z\",\"action\":\"x\",\"outcome\":\"success\"}") << QStringLiteral("actor is missing or empty");
        QTest::addRow("json: number as string field") << true << ev("{\"event_id\":7,\"ts\":\"2026-01-05T09:00:00Z\",\"actor\":\"a\",\"action\":\"x\",\"outcome\":\"success\"}") << QStringLiteral("event_id is not a string");
        QTest::addRow("json: bad ip") << true << ev("{\"event_id\":\"B1\",\"ts\":\"2026-01-05T09:00:00Z\",\"actor\":\"a\",\"action\":\"x\",\"outcome\":\"success\",\"source_ip\":\"ec2.amazonaws.com\"}") << QStringLiteral("source_ip \"ec2.amazonaws.com\" is not an IPv4 or IPv6 address");
        QTest::addRow("json: details not object") << true << ev("{\"event_id\":\"B1\",\"ts\":\"2026-01-05T09:00:00Z\",\"actor\":\"a\",\"action\":\"x\",\"outcome\":\"success\",\"details\":\"x\"}") << QStringLiteral("details is not a JSON object");
        QTest::addRow("json: duplicate key") << true << ev("{\"event_id\":\"B1\",\"event_id\":\"B2\",\"ts\":\"2026-01-05T09:00:00Z\",\"actor\":\"a\",\"action\":\"x\",\"outcome\":\"success\"}") << QStringLiteral("key \"event_id\" occurs twice");
        QTest::addRow("json: duplicate event_id") << true << ev("{\"event_id\":\"E1\",\"ts\":\"2026-01-05T09:00:00Z\",\"actor\":\"a\",\"action\":\"x\",\"outcome\":\"success\"}") << QStringLiteral("duplicate event_id \"E1\" (first at audit/part-0001.jsonl:1)");
        QTest::addRow("json: huge line") << true << (QByteArray("{\"event_id\":\"B1\",\"memo\":\"") + QByteArray(17 << 20, 'x') + "\"}") << QStringLiteral("line is longer than 16 MiB");

        QTest::addRow("csv: too many columns") << false << ev("B1,2026-01-05T10:00:00Z,,A,n,B,m,12,5,CNY,api,booked,r,m") << QStringLiteral("14 fields, but the header has 13");
        QTest::addRow("csv: amount with comma decimal") << false << ev("B1,2026-01-05T10:00:00Z,,A,n,B,m,\"12,5\",CNY,api,booked,r,m") << QStringLiteral("amount \"12,5\": amount is not a decimal number");
        QTest::addRow("csv: too many decimals") << false << ev("B1,2026-01-05T10:00:00Z,,A,n,B,m,1.00001,CNY,api,booked,r,m") << QStringLiteral("amount has more than 4 decimals");
        QTest::addRow("csv: negative") << false << ev("B1,2026-01-05T10:00:00Z,,A,n,B,m,-5.00,CNY,api,booked,r,m") << QStringLiteral("amount is negative");
        QTest::addRow("csv: exponent") << false << ev("B1,2026-01-05T10:00:00Z,,A,n,B,m,1e5,CNY,api,booked,r,m") << QStringLiteral("amount is not a decimal number");
        QTest::addRow("csv: empty amount") << false << ev("B1,2026-01-05T10:00:00Z,,A,n,B,m,,CNY,api,booked,r,m") << QStringLiteral("amount is empty");
        QTest::addRow("csv: too few columns") << false << ev("B1,2026-01-05T10:00:00Z,,A") << QStringLiteral("4 fields, but the header has 13");
        QTest::addRow("csv: bad ts") << false << ev("B1,05/01/2026,,A,n,B,m,1.00,CNY,api,booked,r,m") << QStringLiteral("ts \"05/01/2026\"");
        QTest::addRow("csv: bad offset") << false << ev("B1,2026-01-05T10:00:00+8,,A,n,B,m,1.00,CNY,api,booked,r,m") << QStringLiteral("malformed UTC offset");
        QTest::addRow("csv: bad value_date") << false << ev("B1,2026-01-05T10:00:00Z,2026-13-01,A,n,B,m,1.00,CNY,api,booked,r,m") << QStringLiteral("value_date \"2026-13-01\" is not a YYYY-MM-DD date");
        QTest::addRow("csv: bad currency") << false << ev("B1,2026-01-05T10:00:00Z,,A,n,B,m,1.00,yuan,api,booked,r,m") << QStringLiteral("currency \"yuan\" is not an ISO 4217 code");
        QTest::addRow("csv: bad status") << false << ev("B1,2026-01-05T10:00:00Z,,A,n,B,m,1.00,CNY,api,done,r,m") << QStringLiteral("status \"done\" is not booked");
        QTest::addRow("csv: invalid UTF-8") << false << ev("B1,2026-01-05T10:00:00Z,,A,n\xc3\x28,B,m,1.00,CNY,api,booked,r,m") << QStringLiteral("invalid UTF-8");
        QTest::addRow("csv: duplicate txn_id") << false << ev("X1,2026-01-05T10:00:00Z,,A,n,B,m,1.00,CNY,api,booked,r,m") << QStringLiteral("duplicate txn_id \"X1\" (first at transactions/part-0001.csv:2)");
        QTest::addRow("csv: malformed quote") << false << ev("B1,2026-01-05T10:00:00Z,,A,n\"x,B,m,1.00,CNY,api,booked,r,m") << QStringLiteral("malformed quoting");
        QTest::addRow("csv: huge field") << false << (QByteArray("B1,2026-01-05T10:00:00Z,,A,") + QByteArray(2 << 20, 'n') + ",B,m,1.00,CNY,api,booked,r,m") << QStringLiteral("a field is larger than 1 MiB");
        QTest::addRow("csv: unterminated quote") << false << ev("B1,2026-01-05T10:00:00Z,,A,\"n,B,m,1.00,CNY,api,booked,r,m") << QStringLiteral("unterminated quoted field");
    }

    void quarantined()
    {
        QFETCH(bool, audit);
        QFETCH(QByteArray, row);
        QFETCH(QString, reason);
        ArchiveSpec spec;
        int64_t line = 0;
        if (audit) {
            spec.audit += row + "\n";
            line = 4;
        } else {
            spec.transactions += row + "\r\n";
            line = 6;
        }
        const QString path = tmp(QStringLiteral("q.sea.zip"));
        QVERIFY(writeArchive(path, spec));
        const ImportResult r = import(path);
        QCOMPARE(ImportResult::outcomeName(r.outcome), QStringLiteral("imported"));
        QCOMPARE(r.quarantined, 1);
        QCOMPARE(r.events, 3);
        QCOMPARE(r.transactions, 3);
        auto ws = Workspace::open(m_ws);
        auto q = ws->db().prepare("SELECT file, line, reason, raw FROM quarantine");
        QVERIFY(q->step() == Statement::StepResult::Row);
        QCOMPARE(q->columnText(0), audit ? QStringLiteral("audit/part-0001.jsonl") : QStringLiteral("transactions/part-0001.csv"));
        QCOMPARE(q->columnInt(1), line);
        QVERIFY2(q->columnText(2).contains(reason), qPrintable(q->columnText(2)));
        QVERIFY(!q->columnText(3).isEmpty() || reason.contains(u"unterminated"));
        QVERIFY(q->columnBlob(3).size() <= 4096);
        auto info = ws->info();
        QCOMPARE(info->tenants[0].quarantined, 1);
    }

    void columnsInAnyOrderWithBomAndExtras()
    {
        ArchiveSpec spec;
        spec.transactions = "\xEF\xBB\xBF" "currency,amount,branch_code,ts,txn_id\n"
                            "JPY,1500,B-7,2026-03-01T09:00:00+09:00,J1\n"
                            "USD,10.5,,2026-03-01T09:00:00-05:00,U1\n";
        spec.transactionRecords = 2;
        const QString path = tmp(QStringLiteral("o.sea.zip"));
        QVERIFY(writeArchive(path, spec));
        const ImportResult r = import(path);
        QCOMPARE(r.transactions, 2);
        QCOMPARE(r.quarantined, 0);
        auto ws = Workspace::open(m_ws);
        auto q = ws->db().prepare("SELECT amount_e4, currency, extra, ts_offset_s FROM transactions ORDER BY line");
        QVERIFY(q->step() == Statement::StepResult::Row);
        QCOMPARE(q->columnInt(0), 15000000);
        QCOMPARE(q->columnText(2), QStringLiteral("{\"branch_code\":\"B-7\"}"));
        QCOMPARE(q->columnInt(3), 9 * 3600);
        QVERIFY(q->step() == Statement::StepResult::Row);
        QVERIFY(q->columnIsNull(2));
        QCOMPARE(q->columnInt(3), -5 * 3600);
    }

    void exactSumsOverManyRows()
    {
        // 100,000 amounts of 0.0001 .. plus large ones: a double would drift, integers do not.
        QByteArray csv = "txn_id,ts,amount,currency\n";
        int64_t expected = 0;
        for (int i = 0; i < 100000; ++i) {
            const int64_t e4 = (int64_t(i) * 7919) % 10000000 + 1; // up to 1000.0000
            expected += e4;
            csv += "T" + QByteArray::number(i) + ",2026-01-05T10:00:00Z," + money::format(e4).toLatin1() + ",CNY\n";
        }
        csv += "BIG,2026-01-05T10:00:00Z,90071992547409.93,CNY\n"; // beyond 2^53 in e4 units
        expected += 900719925474099300LL;
        ArchiveSpec spec;
        spec.audit = QByteArray();
        spec.transactions = csv;
        spec.transactionRecords = 100001;
        const QString path = tmp(QStringLiteral("sum.sea.zip"));
        QVERIFY(writeArchive(path, spec));
        const ImportResult r = import(path);
        QCOMPARE(r.transactions, 100001);
        auto ws = Workspace::open(m_ws);
        QCOMPARE(ws->info()->tenants[0].totalsE4.value(QStringLiteral("CNY")), expected);
        QCOMPARE(*ws->db().queryInt("SELECT sum(amount_e4) FROM transactions"), expected);
    }

    void idempotentReimport()
    {
        const QString zip = tmp(QStringLiteral("i.sea.zip"));
        const QString dir = tmp(QStringLiteral("i.sea"));
        QVERIFY(writeArchive(zip, ArchiveSpec()));
        QVERIFY(writeArchive(dir, ArchiveSpec()));
        QCOMPARE(import(zip).outcome, ImportResult::Outcome::Imported);
        const QByteArray before = workspaceDigest(m_ws);
        const ImportResult again = import(zip);
        QCOMPARE(again.outcome, ImportResult::Outcome::AlreadyPresent);
        QVERIFY2(again.message.contains(u"already present"), qPrintable(again.message));
        // The same export unpacked: same export_id, so also already present.
        QCOMPARE(import(dir).outcome, ImportResult::Outcome::AlreadyPresent);
        QCOMPARE(workspaceDigest(m_ws), before);
    }

    void duplicateAcrossArchivesOfOneTenant()
    {
        const QString a = tmp(QStringLiteral("a.sea.zip"));
        QVERIFY(writeArchive(a, ArchiveSpec()));
        QCOMPARE(import(a).outcome, ImportResult::Outcome::Imported);
        ArchiveSpec next;
        next.exportId = QStringLiteral("second-export");
        const QString b = tmp(QStringLiteral("b.sea.zip"));
        QVERIFY(writeArchive(b, next));
        const ImportResult r = import(b);
        QCOMPARE(r.outcome, ImportResult::Outcome::Imported);
        QCOMPARE(r.quarantined, 6);
        QCOMPARE(r.rows(), 0);
        QVERIFY(count("SELECT count(*) FROM quarantine WHERE reason LIKE '%of an earlier archive%'") == 6);
        // Another institution may reuse the same ids.
        ArchiveSpec other;
        other.tenantId = QStringLiteral("T9002");
        other.exportId = QStringLiteral("third-export");
        const QString c = tmp(QStringLiteral("c.sea.zip"));
        QVERIFY(writeArchive(c, other));
        QCOMPARE(import(c).rows(), 6);
    }

    // Linked-entity sums are made on the parsing thread in bounded chunks; duplicates refused by the
    // database make the importer rebuild the institution's sums. Either way entity_stats equals a
    // recomputation from the rows.
    void entityStatsInChunksAndWithDuplicates_data()
    {
        QTest::addColumn<int>("chunk");
        QTest::addRow("one chunk") << (1 << 17);
        QTest::addRow("a chunk every entity") << 1;
        QTest::addRow("a chunk every 3 entities") << 3;
    }
    void entityStatsInChunksAndWithDuplicates()
    {
        QFETCH(int, chunk);
        const QString a = tmp(QStringLiteral("a.sea.zip"));
        QVERIFY(writeArchive(a, ArchiveSpec()));
        QCOMPARE(import(a, chunk).outcome, ImportResult::Outcome::Imported);
        QCOMPARE(entityStatsMismatches(), 0);
        const int64_t entities = count("SELECT count(*) FROM entity_stats");
        QVERIFY(entities >= 15);

        // An overlapping export: X2 again (a duplicate, not imported; it would move CN001's first
        // seen and sums if it were counted) plus a new row that shares CN001.
        ArchiveSpec overlap;
        overlap.exportId = QStringLiteral("overlap");
        overlap.audit = {};
        overlap.transactions = "txn_id,ts,debtor_account,debtor_name,creditor_account,creditor_name,amount,currency\r\n"
                               "X2,2025-12-01T00:00:00Z,CN002,李伟,CN001,王芳,500.00,CNY\r\n"
                               "X9,2026-02-01T00:00:00Z,CN009,New Name,CN001,王芳,7.25,CNY\r\n";
        const QString b = tmp(QStringLiteral("b.sea.zip"));
        QVERIFY(writeArchive(b, overlap));
        const ImportResult r = import(b, chunk);
        QCOMPARE(r.outcome, ImportResult::Outcome::Imported);
        QCOMPARE(r.transactions, 1);
        QCOMPARE(r.quarantined, 1);
        QCOMPARE(entityStatsMismatches(), 0);
        QCOMPARE(count("SELECT count FROM entity_stats WHERE kind = 'account' AND key = 'CN001'"), 3);
        QCOMPARE(count("SELECT amount_e4 FROM entity_stats WHERE kind = 'account' AND key = 'CN001'"), 12345600 + 1 + 72500);
        QCOMPARE(count("SELECT count(*) FROM entity_stats"), entities + 2); // CN009, "new name"
    }

    // Past ImportRequest::entityChunk distinct entities the sums are spilled to a temporary file as
    // sorted runs and merged at the end (equal keys of different runs added up), then written in
    // pieces: the result is the same as with every entity in memory.
    void entityStatsSpilledAndMerged_data()
    {
        QTest::addColumn<int>("chunk");
        QTest::addRow("in memory") << (1 << 17);
        QTest::addRow("runs of 1000, pieces of 250") << 1000;
        QTest::addRow("runs of 7, pieces of 1") << 7;
    }
    void entityStatsSpilledAndMerged()
    {
        QFETCH(int, chunk);
        ArchiveSpec spec;
        spec.transactions = manyTransactions(5000); // 997 debtors, 89 creditors, each in many runs
        const QString a = tmp(QStringLiteral("a.sea.zip"));
        QVERIFY(writeArchive(a, spec));
        // The runs go beside the workspace, not to the system's temporary folder (often memory):
        // with that folder missing the import still works.
        ImportResult r;
        {
            const bool hadTmpdir = qEnvironmentVariableIsSet("TMPDIR");
            const QByteArray tmpdir = qgetenv("TMPDIR");
            const auto restore = qScopeGuard([&] {
                if (hadTmpdir)
                    qputenv("TMPDIR", tmpdir);
                else
                    qunsetenv("TMPDIR");
            });
            qputenv("TMPDIR", m_dir.filePath(QStringLiteral("missing")).toUtf8());
            r = import(a, chunk);
        }
        QVERIFY2(r.outcome == ImportResult::Outcome::Imported, qPrintable(r.message));
        // The spill file is gone.
        QCOMPARE(QDir(m_dir.path()).entryList({ QStringLiteral(".casebook-entities-*") }, QDir::Hidden | QDir::Files), QStringList());
        QCOMPARE(entityStatsMismatches(), 0);
        QCOMPARE(count("SELECT count(*) FROM entity_stats WHERE kind = 'account'"), 997 + 89);
        QCOMPARE(count("SELECT count FROM entity_stats WHERE kind = 'account' AND key = 'C7'"), 56); // X1075, X1164 .. X5970
        QCOMPARE(count("SELECT count(*) FROM entity_stats WHERE display <> key AND kind <> 'name'"), 0);
        // Every spelling of a name falls in many runs; the merge keeps the smallest, whichever run
        // had it first.
        QCOMPARE(count("SELECT count(*) FROM entity_stats WHERE kind = 'name' AND key LIKE 'name %'"), 13);
        QCOMPARE(count("SELECT count(*) FROM entity_stats WHERE kind = 'name' AND key LIKE 'name %' AND display = 'NAME ' || substr(key, 6)"), 13);
        QCOMPARE(count("SELECT sum(count) FROM entity_stats WHERE kind = 'name' AND key LIKE 'name %'"), 5000);
    }

    // Two archives of one institution without a duplicate row (so the sums are merged by the upsert,
    // not rebuilt): the display is the smallest spelling of the name whichever archive brought it.
    void entityDisplayAcrossArchivesIsTheSmallestSpelling()
    {
        ArchiveSpec first;
        first.audit = QByteArray();
        first.transactions = "txn_id,ts,debtor_account,debtor_name,amount,currency\n"
                             "A1,2026-01-05T10:00:00Z,CN001,name  five,1.00,CNY\n";
        first.transactionRecords = 1;
        const QString a = tmp(QStringLiteral("a.sea.zip"));
        QVERIFY(writeArchive(a, first));
        QCOMPARE(import(a).outcome, ImportResult::Outcome::Imported);
        ArchiveSpec second = first;
        second.exportId = QStringLiteral("second-export");
        second.transactions = "txn_id,ts,debtor_account,debtor_name,amount,currency\n"
                              "A2,2026-01-06T10:00:00Z,CN001,NAME FIVE.,2.00,CNY\n";
        const QString b = tmp(QStringLiteral("b.sea.zip"));
        QVERIFY(writeArchive(b, second));
        const ImportResult r = import(b);
        QCOMPARE(r.outcome, ImportResult::Outcome::Imported);
        QCOMPARE(r.quarantined, 0);
        QCOMPARE(entityStatsMismatches(), 0);
        QCOMPARE(count("SELECT count FROM entity_stats WHERE kind = 'name' AND key = 'name five'"), 2);
        QCOMPARE(count("SELECT count(*) FROM entity_stats WHERE kind = 'name' AND key = 'name five' AND display = 'NAME FIVE.'"), 1);
        // A third archive with a larger spelling does not replace it.
        ArchiveSpec third = first;
        third.exportId = QStringLiteral("third-export");
        third.transactions = "txn_id,ts,debtor_account,debtor_name,amount,currency\n"
                             "A3,2026-01-07T10:00:00Z,CN001,name five,3.00,CNY\n";
        const QString c = tmp(QStringLiteral("c.sea.zip"));
        QVERIFY(writeArchive(c, third));
        QCOMPARE(import(c).outcome, ImportResult::Outcome::Imported);
        QCOMPARE(entityStatsMismatches(), 0);
        QCOMPARE(count("SELECT count(*) FROM entity_stats WHERE kind = 'name' AND key = 'name five' AND display = 'NAME FIVE.'"), 1);
    }

    // The same entity (or time bucket) summed over two archives of one institution beyond 64 bits:
    // the second archive is rejected with a message saying which sum, and the workspace is left as it
    // was (SQLite's own + would have stored an inexact REAL).
    void sumsOverflowAcrossArchives_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("parties");
        QTest::addColumn<QString>("why");
        QTest::addRow("linked entity") << QByteArray("txn_id,ts,debtor_account,amount,currency\n") << QByteArray("CN001,")
                                       << QStringLiteral("the sum of the amounts of account \"CN001\" in CNY over this institution's archives overflows");
        QTest::addRow("timeline bucket") << QByteArray("txn_id,ts,amount,currency\n") << QByteArray()
                                         << QStringLiteral("Cannot update the timeline: the sum of the amounts of one currency in one time bucket");
    }
    void sumsOverflowAcrossArchives()
    {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, parties);
        QFETCH(QString, why);
        // 900 trillion: 9e18 in e4 units, one below int64's 9.22e18; two of them are not.
        ArchiveSpec first;
        first.audit = QByteArray();
        first.transactions = header + "A1,2026-01-05T10:00:00Z," + parties + "900000000000000.00,CNY\n";
        first.transactionRecords = 1;
        const QString a = tmp(QStringLiteral("a.sea.zip"));
        QVERIFY(writeArchive(a, first));
        QCOMPARE(import(a).outcome, ImportResult::Outcome::Imported);
        const QByteArray before = workspaceDigest(m_ws);

        ArchiveSpec second = first;
        second.exportId = QStringLiteral("second-export");
        second.transactions = header + "A2,2026-01-05T10:30:00Z," + parties + "900000000000000.00,CNY\n";
        const QString b = tmp(QStringLiteral("b.sea.zip"));
        QVERIFY(writeArchive(b, second));
        const ImportResult r = import(b);
        QCOMPARE(r.outcome, ImportResult::Outcome::Rejected);
        QVERIFY2(r.message.contains(why), qPrintable(r.message));
        QCOMPARE(workspaceDigest(m_ws), before);
        QCOMPARE(count("SELECT count(*) FROM entity_stats WHERE typeof(amount_e4) <> 'integer'"), 0);
        QCOMPARE(count("SELECT count(*) FROM timeline_transactions WHERE typeof(amount_e4) <> 'integer'"), 0);
    }

    void signatureStates_data()
    {
        QTest::addColumn<bool>("sign");
        QTest::addColumn<bool>("trusted");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("detail");
        QTest::addRow("signed, trusted key") << true << true << QStringLiteral("verified") << QStringLiteral("signed with key \"test-producer\"");
        QTest::addRow("signed, key not in keyring") << true << false << QStringLiteral("unsigned") << QStringLiteral("key_id \"test-producer\" is not in the keyring");
        QTest::addRow("no signature") << false << true << QStringLiteral("unsigned") << QStringLiteral("no manifest.sig");
    }
    void signatureStates()
    {
        QFETCH(bool, sign);
        QFETCH(bool, trusted);
        QFETCH(QString, state);
        QFETCH(QString, detail);
        if (!trusted)
            m_keyring = Keyring();
        ArchiveSpec spec;
        spec.sign = sign;
        const QString path = tmp(QStringLiteral("s.sea.zip"));
        QVERIFY(writeArchive(path, spec));
        const ImportResult r = import(path);
        QCOMPARE(r.outcome, ImportResult::Outcome::Imported);
        QCOMPARE(r.state, state);
        QVERIFY2(r.stateDetail.contains(detail), qPrintable(r.stateDetail));
        auto ws = Workspace::open(m_ws);
        const auto info = ws->info();
        QCOMPARE(info->tenants[0].archives[0].state, state);
        QCOMPARE(info->tenants[0].verification(), state);
    }

    // Bulk index build: a large archive's rows go in without the tables' non-unique indexes, which
    // are created again before the commit. The schema afterwards is the schema before, and the
    // indexes agree with the tables, whichever path each import took.
    void bulkIndexBuild_data()
    {
        QTest::addColumn<double>("ratio");
        QTest::addColumn<bool>("firstBulk");
        QTest::addColumn<bool>("secondBulk");
        QTest::addRow("always") << 0.0 << true << true;
        QTest::addRow("default: archive at least as large as the table") << ImportRequest().bulkIndexRatio << true << false;
        QTest::addRow("never") << -1.0 << false << false;
    }
    void bulkIndexBuild()
    {
        QFETCH(double, ratio);
        QFETCH(bool, firstBulk);
        QFETCH(bool, secondBulk);
        const QStringList schema = schemaDefinitions(m_ws);
        QVERIFY(schema.join(u'\n').contains(u"CREATE INDEX transactions_debtor ON transactions(debtor_account)"));

        ArchiveSpec big;
        big.transactions = manyTransactions(3000); // X1000..X3999
        const QString a = tmp(QStringLiteral("a.sea.zip"));
        QVERIFY(writeArchive(a, big));
        const ImportResult r1 = import(a, 1 << 17, ratio);
        QCOMPARE(r1.outcome, ImportResult::Outcome::Imported);
        QCOMPARE(r1.bulkIndexes > 0, firstBulk);
        if (firstBulk) // events (5), transactions (5), no accounts in this archive
            QCOMPARE(r1.bulkIndexes, 10);
        QCOMPARE(schemaDefinitions(m_ws), schema);
        verifyIndexes();

        // A smaller second archive into the same tables (with a duplicate id, which the unique index
        // still catches while the secondary indexes are away).
        ArchiveSpec small;
        small.exportId = QStringLiteral("second");
        small.audit = {};
        small.transactions = manyTransactions(200, 3999); // X3999 is there already
        const QString b = tmp(QStringLiteral("b.sea.zip"));
        QVERIFY(writeArchive(b, small));
        const ImportResult r2 = import(b, 1 << 17, ratio);
        QCOMPARE(r2.outcome, ImportResult::Outcome::Imported);
        QCOMPARE(r2.bulkIndexes, secondBulk ? 5 : 0); // transactions only
        QCOMPARE(r2.transactions, 199);
        QCOMPARE(r2.quarantined, 1);
        QCOMPARE(schemaDefinitions(m_ws), schema);
        verifyIndexes();
        QCOMPARE(count("SELECT count(*) FROM transactions"), 3000 + 199);
        QCOMPARE(entityStatsMismatches(), 0);
    }

    // DROP INDEX deletes an index's sqlite_stat1 rows: a workspace that was ANALYZEd keeps them.
    void bulkIndexBuildKeepsStatistics()
    {
        const QString a = tmp(QStringLiteral("a.sea.zip"));
        QVERIFY(writeArchive(a, ArchiveSpec()));
        QCOMPARE(import(a, 1 << 17, -1).outcome, ImportResult::Outcome::Imported);
        const auto stats = [&] {
            auto ws = Workspace::open(m_ws);
            auto q = ws->db().prepare("SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx");
            QStringList out;
            while (q && q->step() == Statement::StepResult::Row)
                out << q->columnText(0) + u' ' + q->columnText(1) + u' ' + q->columnText(2);
            return out;
        };
        QVERIFY(Workspace::open(m_ws)->db().exec("ANALYZE"));
        const QStringList before = stats();
        QVERIFY(before.join(u'\n').contains(u"transactions transactions_debtor "));
        ArchiveSpec big;
        big.exportId = QStringLiteral("big");
        big.audit = {};
        big.transactions = manyTransactions(100);
        const QString b = tmp(QStringLiteral("b.sea.zip"));
        QVERIFY(writeArchive(b, big));
        const ImportResult r = import(b, 1 << 17, 0);
        QCOMPARE(r.outcome, ImportResult::Outcome::Imported);
        QCOMPARE(r.bulkIndexes, 5);
        QCOMPARE(stats(), before);
        verifyIndexes();
    }

    // A rejection or a cancel while the indexes are dropped (during the load, or while CREATE INDEX
    // runs) rolls back to the workspace as it was: same rows, same schema, complete indexes.
    void bulkIndexBuildInterrupted_data()
    {
        QTest::addColumn<QString>("cancelDuring"); ///< cancel while a statement that starts so runs; empty: reject
        QTest::addRow("rejected after the load") << QString();
        QTest::addRow("cancelled during the load") << QStringLiteral("INSERT INTO transactions(");
        QTest::addRow("cancelled while an index is created") << QStringLiteral("CREATE INDEX");
    }
    void bulkIndexBuildInterrupted()
    {
        QFETCH(QString, cancelDuring);
        const bool reject = cancelDuring.isEmpty();
        ArchiveSpec first;
        first.tenantId = QStringLiteral("T9000");
        first.exportId = QStringLiteral("baseline");
        const QString base = tmp(QStringLiteral("base.sea.zip"));
        QVERIFY(writeArchive(base, first));
        QCOMPARE(import(base).outcome, ImportResult::Outcome::Imported);
        const QByteArray before = workspaceDigest(m_ws);
        const QStringList schemaBefore = schemaDefinitions(m_ws);

        ArchiveSpec spec;
        spec.transactions = manyTransactions(30000);
        const QString good = tmp(QStringLiteral("good.sea.zip"));
        QVERIFY(writeArchive(good, spec));
        if (reject) // the producer finds the mismatch only after every row was inserted
            spec.manifestHook = [](QJsonObject &m) { setFileKey(m, 1, QStringLiteral("records"), 30001); };
        const QString path = tmp(QStringLiteral("big.sea.zip"));
        QVERIFY(writeArchive(path, spec));

        ImportResult r;
        bool cancelled = false, droppedSeen = false, readerSawIndex = false;
        {
            auto ws = Workspace::open(m_ws);
            sqlite3 *h = ws->db().handle();
            const QByteArray prefix = cancelDuring.toUtf8();
            const auto count = [](sqlite3 *db, const char *sql) {
                sqlite3_stmt *q = nullptr;
                int n = -1;
                if (sqlite3_prepare_v2(db, sql, -1, &q, nullptr) == SQLITE_OK && sqlite3_step(q) == SQLITE_ROW)
                    n = sqlite3_column_int(q, 0);
                sqlite3_finalize(q);
                return n;
            };
            const char *indexRows = "SELECT count(*) FROM main.sqlite_schema WHERE name = 'transactions_debtor'";
            const CancelFn cancel = [&] {
                // Polled between batches and by SQLite's progress handler inside a running statement.
                bool busy = false;
                for (sqlite3_stmt *s = sqlite3_next_stmt(h, nullptr); s; s = sqlite3_next_stmt(h, s)) {
                    busy = busy || sqlite3_stmt_busy(s);
                    if (!reject && !cancelled)
                        cancelled = sqlite3_stmt_busy(s) && QByteArrayView(sqlite3_sql(s)).startsWith(prefix);
                }
                // Between batches (no statement running, so this connection may be used): once the
                // index is gone on the importing connection, a reader of the workspace must still see
                // it, since the DROP is part of the uncommitted transaction.
                if (!busy && !droppedSeen && count(h, indexRows) == 0) {
                    droppedSeen = true;
                    sqlite3 *reader = nullptr;
                    if (sqlite3_open_v2(m_ws.toUtf8().constData(), &reader, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK)
                        readerSawIndex = count(reader, indexRows) == 1;
                    sqlite3_close(reader);
                }
                return cancelled;
            };
            r = importArchive(*ws, { path, QStringLiteral("tester"), &m_keyring }, {}, cancel);
        }
        QCOMPARE(ImportResult::outcomeName(r.outcome), reject ? QStringLiteral("rejected") : QStringLiteral("cancelled"));
        if (reject)
            QVERIFY2(r.message.contains(u"holds 30000 records, the manifest states 30001"), qPrintable(r.message));
        else
            QVERIFY(cancelled);
        QCOMPARE(r.bulkIndexes, 0);
        QVERIFY(droppedSeen); // the bulk path was taken: the indexes were dropped during the load
        QVERIFY(readerSawIndex); // and a concurrent reader saw them all along
        QCOMPARE(workspaceDigest(m_ws), before);
        QCOMPARE(schemaDefinitions(m_ws), schemaBefore);
        verifyIndexes();

        // The good archive afterwards takes the bulk path to the end.
        const ImportResult again = import(good);
        QCOMPARE(again.outcome, ImportResult::Outcome::Imported);
        QCOMPARE(again.bulkIndexes, 10);
        QCOMPARE(schemaDefinitions(m_ws), schemaBefore);
        verifyIndexes();
    }

    void cancelLeavesNothing()
    {
        QByteArray csv = "txn_id,ts,amount,currency\n";
        for (int i = 0; i < 200000; ++i)
            csv += "T" + QByteArray::number(i) + ",2026-01-05T10:00:00Z,1.00,CNY\n";
        ArchiveSpec spec;
        spec.transactions = csv;
        const QString path = tmp(QStringLiteral("c.sea.zip"));
        QVERIFY(writeArchive(path, spec));
        const QByteArray before = workspaceDigest(m_ws);
        auto ws = Workspace::open(m_ws);
        int calls = 0;
        bool sawProgress = false;
        const ImportResult r = importArchive(
            *ws, { path, QStringLiteral("tester"), &m_keyring },
            [&](const ImportProgress &p) { sawProgress = sawProgress || p.rows > 0; },
            [&] { return ++calls > 20; });
        QCOMPARE(r.outcome, ImportResult::Outcome::Cancelled);
        QCOMPARE(workspaceDigest(m_ws), before);
        Q_UNUSED(sawProgress);
    }
};

QTEST_GUILESS_MAIN(TestImporter)
#include "tst_importer.moc"
