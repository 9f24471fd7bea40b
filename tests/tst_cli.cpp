// SPDX-License-Identifier: GPL-3.0-or-later
// End to end through casebook-cli: generate → import → info/quarantine, exit codes, keys.

#include "demogenerator.h"
#include "testutils.h"
#include "sqlitedb.h"
#include "workspace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace casebook;
using namespace casebook::test;

class TestCli : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_keyring;

    QString path(const QString &name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!qEnvironmentVariableIsEmpty("CASEBOOK_CLI"));
        m_keyring = path(QStringLiteral("keyring.json"));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addRow("no command") << QStringList();
        QTest::addRow("unknown command") << QStringList { QStringLiteral("frobnicate") };
        QTest::addRow("import without archives") << QStringList { QStringLiteral("import"), path(QStringLiteral("x.casebook")) };
        QTest::addRow("unknown option") << QStringList { QStringLiteral("info"), QStringLiteral("ws"), QStringLiteral("--bogus") };
        QTest::addRow("generate bad rows") << QStringList { QStringLiteral("generate"), path(QStringLiteral("g")), QStringLiteral("--rows"), QStringLiteral("many") };
        QTest::addRow("keys without subcommand") << QStringList { QStringLiteral("keys") };
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        const CliResult r = runCli(args, m_keyring);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(u"Usage: casebook-cli"));
    }

    // The GUI keeps a workspace open while its workers open and close read-only connections, and a
    // casebook-cli in another process writes to the same workspace and exits. The CLI's connection
    // must not take itself for the last one: when this process dropped its locks (Workspace once
    // peeked at the header with a QFile, and closing that fd releases every POSIX lock of the
    // process), the CLI checkpointed and deleted the -wal and -shm files, and what this process wrote
    // next went to a deleted file: a note saved in the GUI was gone.
    void anotherProcessLeavesAnOpenWorkspaceIntact()
    {
        const QString ws = path(QStringLiteral("shared.casebook"));
        QVERIFY(Workspace::create(ws));
        auto gui = Workspace::open(ws);
        QVERIFY(gui);
        QVERIFY(gui->db().exec("CREATE TEMP TABLE t(x)")); // any use of the connection
        for (int i = 0; i < 3; ++i) { // a worker opens and closes read-only connections
            auto worker = Workspace::openReadOnly(ws);
            QVERIFY(worker);
        }
        const CliResult r = runCli({ QStringLiteral("case"), QStringLiteral("new"), ws, QStringLiteral("--title"), QStringLiteral("from the CLI") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(QFileInfo::exists(ws + u"-wal"));
        QVERIFY(QFileInfo::exists(ws + u"-shm"));
        // What the open connection writes now is seen by every other connection.
        QVERIFY(gui->db().exec("BEGIN IMMEDIATE; INSERT INTO meta(key, value) VALUES ('written-after', 'yes'); COMMIT;"));
        auto other = SqliteDb::open(ws, SqliteDb::Mode::ReadOnly);
        QVERIFY(other);
        QCOMPARE(*other->queryInt("SELECT count(*) FROM meta WHERE key = 'written-after'"), 1);
        QCOMPARE(*other->queryInt("SELECT count(*) FROM cases"), 1);
    }

    void version()
    {
        const CliResult r = runCli({ QStringLiteral("--version") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(u"casebook-cli "));
    }

    void keys()
    {
        const QString kr = path(QStringLiteral("keys-test.json"));
        const QString pub = path(QStringLiteral("pub.key"));
        QFile f(pub);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(testPublicKey().toBase64() + "\n");
        f.close();
        QCOMPARE(runCli({ QStringLiteral("keys"), QStringLiteral("list") }, kr).exitCode, 0);
        CliResult r = runCli({ QStringLiteral("keys"), QStringLiteral("add"), QStringLiteral("fcc-2026-01"), pub }, kr);
        QCOMPARE(r.exitCode, 0);
        r = runCli({ QStringLiteral("keys"), QStringLiteral("list") }, kr);
        QVERIFY(r.out.contains(u"fcc-2026-01"));
        QVERIFY(r.out.contains(QString::fromLatin1(testPublicKey().toBase64())));

        QFile bad(path(QStringLiteral("bad.key")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("AAAA\n");
        bad.close();
        r = runCli({ QStringLiteral("keys"), QStringLiteral("add"), QStringLiteral("x"), bad.fileName() }, kr);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"an Ed25519 public key has 32"), qPrintable(r.err));

        QCOMPARE(runCli({ QStringLiteral("keys"), QStringLiteral("remove"), QStringLiteral("fcc-2026-01") }, kr).exitCode, 0);
        r = runCli({ QStringLiteral("keys"), QStringLiteral("remove"), QStringLiteral("fcc-2026-01") }, kr);
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!runCli({ QStringLiteral("keys"), QStringLiteral("list") }, kr).out.contains(u"fcc-2026-01"));
    }

    void generateImportInfoCountsMatch()
    {
        const QString out = path(QStringLiteral("gen"));
        CliResult g = runCli({ QStringLiteral("generate"), out, QStringLiteral("--tenants"), QStringLiteral("5"),
                               QStringLiteral("--rows"), QStringLiteral("30000"), QStringLiteral("--seed"), QStringLiteral("7") });
        QCOMPARE(g.exitCode, 0);
        // "<path>: T0001 <name>, N events, M transactions, K accounts, signed|UNSIGNED"
        static const QRegularExpression line(QStringLiteral("^(.+): (T\\d+) .*, (\\d+) events, (\\d+) transactions, (\\d+) accounts, (signed|UNSIGNED)$"),
                                             QRegularExpression::MultilineOption);
        QMap<QString, QList<qint64>> expected;
        QStringList archives;
        QString unsignedTenant;
        for (auto it = line.globalMatch(g.out); it.hasNext();) {
            const auto m = it.next();
            archives << m.captured(1);
            expected[m.captured(2)] = { m.captured(3).toLongLong(), m.captured(4).toLongLong(), m.captured(5).toLongLong() };
            if (m.captured(6) == u"UNSIGNED")
                unsignedTenant = m.captured(2);
        }
        QCOMPARE(archives.size(), 5);
        QVERIFY(!unsignedTenant.isEmpty());

        // Trust the demo producer key through the CLI, as a user would.
        const QString pub = path(QStringLiteral("demo.pub"));
        QFile f(pub);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(demo::demoPublicKey().toBase64() + "\n");
        f.close();
        QCOMPARE(runCli({ QStringLiteral("keys"), QStringLiteral("add"), QString::fromLatin1(demo::kDemoKeyId), pub }, m_keyring).exitCode, 0);

        const QString ws = path(QStringLiteral("e2e.casebook"));
        QCOMPARE(runCli({ QStringLiteral("init"), ws }).exitCode, 0);
        QCOMPARE(runCli({ QStringLiteral("init"), ws }).exitCode, 1); // exists
        CliResult imp = runCli(QStringList { QStringLiteral("import"), ws } + archives, m_keyring);
        QCOMPARE(imp.exitCode, 0);
        QCOMPARE(imp.out.count(u": imported ("), 5);
        QVERIFY(imp.out.contains(u"rows/s"));
        QVERIFY(imp.out.contains(u"UNSIGNED"));

        CliResult info = runCli({ QStringLiteral("info"), ws, QStringLiteral("--json") });
        QCOMPARE(info.exitCode, 0);
        const QJsonObject doc = QJsonDocument::fromJson(info.out.toUtf8()).object();
        QCOMPARE(doc.value(u"schema_version").toInt(), Workspace::latestSchemaVersion());
        const QJsonArray tenants = doc.value(u"tenants").toArray();
        QCOMPARE(tenants.size(), 5);
        qint64 total = 0;
        for (const QJsonValue &tv : tenants) {
            const QJsonObject t = tv.toObject();
            const QString id = t.value(u"id").toString();
            QVERIFY2(expected.contains(id), qPrintable(id));
            QCOMPARE(qint64(t.value(u"events").toDouble()), expected[id][0]);
            QCOMPARE(qint64(t.value(u"transactions").toDouble()), expected[id][1]);
            QCOMPARE(qint64(t.value(u"quarantined").toDouble()), 0);
            QVERIFY(!t.value(u"name").toString().isEmpty());
            const QJsonObject totals = t.value(u"totals").toObject();
            QVERIFY(!totals.isEmpty());
            for (auto it = totals.begin(); it != totals.end(); ++it)
                QVERIFY2(QRegularExpression(QStringLiteral("^\\d+(\\.\\d{1,4})?$")).match(it.value().toString()).hasMatch(),
                         qPrintable(it.value().toString()));
            const QJsonArray arch = t.value(u"archives").toArray();
            QCOMPARE(arch.size(), 1);
            const QJsonObject a = arch[0].toObject();
            QCOMPARE(a.value(u"sha256").toString().size(), 64);
            QVERIFY(!a.value(u"export_id").toString().isEmpty());
            QCOMPARE(a.value(u"state").toString(), id == unsignedTenant ? QStringLiteral("unsigned") : QStringLiteral("verified"));
            QCOMPARE(qint64(a.value(u"events").toDouble()), expected[id][0]);
            QCOMPARE(qint64(a.value(u"transactions").toDouble()), expected[id][1]);
            QCOMPARE(qint64(a.value(u"quarantined").toDouble()), 0);
            total += expected[id][0] + expected[id][1];
        }
        QCOMPARE(total, 30000);

        // Importing again adds nothing and still exits 0.
        const QByteArray before = workspaceDigest(ws);
        CliResult again = runCli({ QStringLiteral("import"), ws, archives[0] }, m_keyring);
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.out.contains(u"already-present"));
        QCOMPARE(workspaceDigest(ws), before);

        // A rejected archive exits 1, names the reason, and changes nothing; good ones beside it import.
        const QString bad = path(QStringLiteral("bad.sea.zip"));
        QFile bf(bad);
        QVERIFY(bf.open(QIODevice::WriteOnly));
        bf.write("PK\x03\x04 truncated");
        bf.close();
        CliResult rej = runCli({ QStringLiteral("import"), ws, bad, QStringLiteral("--json") }, m_keyring);
        QCOMPARE(rej.exitCode, 1);
        const QJsonArray results = QJsonDocument::fromJson(rej.out.toUtf8()).array();
        QCOMPARE(results.size(), 1);
        QCOMPARE(results[0].toObject().value(u"outcome").toString(), QStringLiteral("rejected"));
        QVERIFY(results[0].toObject().value(u"message").toString().contains(u"not a readable ZIP archive"));
        QCOMPARE(workspaceDigest(ws), before);
    }

    void quarantineJson()
    {
        const QString ws = path(QStringLiteral("q.casebook"));
        const QString archive = path(QStringLiteral("q.sea.zip"));
        ArchiveSpec spec;
        spec.transactions += "BAD,2026-01-05T10:00:00Z,,A,n,B,m,-1,CNY,api,booked,r,m\r\n";
        QVERIFY(writeArchive(archive, spec));
        writeTestKeyring(m_keyring);
        QCOMPARE(runCli({ QStringLiteral("init"), ws }).exitCode, 0);
        QCOMPARE(runCli({ QStringLiteral("import"), ws, archive }, m_keyring).exitCode, 0);
        CliResult q = runCli({ QStringLiteral("quarantine"), ws, QStringLiteral("--json") });
        QCOMPARE(q.exitCode, 0);
        const QJsonArray rows = QJsonDocument::fromJson(q.out.toUtf8()).array();
        QCOMPARE(rows.size(), 1);
        const QJsonObject r = rows[0].toObject();
        QCOMPARE(r.value(u"file").toString(), QStringLiteral("transactions/part-0001.csv"));
        QCOMPARE(r.value(u"line").toInt(), 6);
        QVERIFY(r.value(u"reason").toString().contains(u"amount is negative"));
        QVERIFY(r.value(u"raw").toString().startsWith(u"BAD,"));
        CliResult text = runCli({ QStringLiteral("quarantine"), ws });
        QVERIFY(text.out.contains(u"transactions/part-0001.csv:6: amount"));
    }

    void casesAndVerify()
    {
        const QString ws = path(QStringLiteral("cases.casebook"));
        const QString archive = path(QStringLiteral("cases.sea.zip"));
        QVERIFY(writeArchive(archive, ArchiveSpec()));
        writeTestKeyring(m_keyring);
        QCOMPARE(runCli({ QStringLiteral("init"), ws }).exitCode, 0);
        QCOMPARE(runCli({ QStringLiteral("import"), ws, archive }, m_keyring).exitCode, 0);

        CliResult r = runCli({ QStringLiteral("case"), QStringLiteral("new"), ws, QStringLiteral("--title"), QStringLiteral("Night export"),
                               QStringLiteral("--as"), QStringLiteral("Ada (FSA)") });
        QCOMPARE(r.exitCode, 0);
        const QString id = r.out.trimmed().section(u' ', -1);
        QCOMPARE(id, QStringLiteral("C-0001"));
        QCOMPARE(runCli({ QStringLiteral("case"), QStringLiteral("add"), ws, id, QStringLiteral("--event"), QStringLiteral("E2"),
                          QStringLiteral("--comment"), QStringLiteral("off-hours export") }).exitCode, 0);
        QCOMPARE(runCli({ QStringLiteral("case"), QStringLiteral("add"), ws, id, QStringLiteral("--transaction"), QStringLiteral("X1") }).exitCode, 0);
        QCOMPARE(runCli({ QStringLiteral("case"), QStringLiteral("add"), ws, id, QStringLiteral("--transaction"), QStringLiteral("NOPE") }).exitCode, 1);
        // A search adds every hit (here: X1 again, already evidence, and X3 to Jäger), recording the query.
        r = runCli({ QStringLiteral("case"), QStringLiteral("add"), ws, id, QStringLiteral("--query"), QStringLiteral("amount>=1000 kind:transaction"),
                     QStringLiteral("--comment"), QStringLiteral("large") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(u"2 hits; added 1 evidence items"), qPrintable(r.out));
        QCOMPARE(runCli({ QStringLiteral("case"), QStringLiteral("add"), ws, id, QStringLiteral("--query"), QStringLiteral("amount>=(") }).exitCode, 2);
        QCOMPARE(runCli({ QStringLiteral("case"), QStringLiteral("note"), ws, id, QStringLiteral("--text"), QStringLiteral("**DBA** exported 王芳's data") }).exitCode, 0);

        r = runCli({ QStringLiteral("case"), QStringLiteral("show"), ws, id, QStringLiteral("--json") });
        QCOMPARE(r.exitCode, 0);
        QJsonObject c = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(c.value(u"id").toString(), id);
        QCOMPARE(c.value(u"owner").toString(), QStringLiteral("Ada (FSA)"));
        const QJsonArray evidence = c.value(u"evidence").toArray();
        QCOMPARE(evidence.size(), 3);
        QCOMPARE(evidence[0].toObject().value(u"id").toString(), QStringLiteral("E2"));
        QCOMPARE(evidence[0].toObject().value(u"comment").toString(), QStringLiteral("off-hours export"));
        QCOMPARE(evidence[0].toObject().value(u"content_sha256").toString().size(), 64);
        QCOMPARE(evidence[1].toObject().value(u"amount").toString(), QStringLiteral("1234.56"));
        QCOMPARE(c.value(u"notes").toArray()[0].toObject().value(u"text").toString(), QStringLiteral("**DBA** exported 王芳's data"));

        const int evidenceId = evidence[1].toObject().value(u"evidence_id").toInt();
        QCOMPARE(runCli({ QStringLiteral("case"), QStringLiteral("remove"), ws, id, QString::number(evidenceId) }).exitCode, 0);
        QCOMPARE(runCli({ QStringLiteral("case"), QStringLiteral("remove"), ws, id, QString::number(evidenceId) }).exitCode, 2);
        QCOMPARE(runCli({ QStringLiteral("case"), QStringLiteral("close"), ws, id, QStringLiteral("--outcome"), QStringLiteral("maybe") }).exitCode, 2);
        QCOMPARE(runCli({ QStringLiteral("case"), QStringLiteral("close"), ws, id, QStringLiteral("--outcome"), QStringLiteral("finding") }).exitCode, 0);
        r = runCli({ QStringLiteral("case"), QStringLiteral("list"), ws, QStringLiteral("--json") });
        const QJsonObject listed = QJsonDocument::fromJson(r.out.toUtf8()).array()[0].toObject();
        QCOMPARE(listed.value(u"status").toString(), QStringLiteral("closed"));
        QCOMPARE(listed.value(u"outcome").toString(), QStringLiteral("finding"));
        QCOMPARE(listed.value(u"evidence_count").toInt(), 2);

        r = runCli({ QStringLiteral("verify"), ws });
        QCOMPARE(r.exitCode, 0);
        static const QRegularExpression intact(QStringLiteral("journal intact: (\\d+) entries, head ([0-9a-f]{64})$"), QRegularExpression::MultilineOption);
        const auto m = intact.match(r.out);
        QVERIFY2(m.hasMatch(), qPrintable(r.out));
        // workspace.created, archive.imported, case.created, 3x evidence.added, note.added, evidence.removed, case.status_changed
        QCOMPARE(m.captured(1).toInt(), 9);

        // Tamper with the file directly (triggers dropped): verify names the entry and fails.
        {
            auto db = SqliteDb::open(ws, SqliteDb::Mode::ReadWrite);
            QVERIFY(db->exec("DROP TRIGGER journal_no_update; UPDATE journal SET author = 'Mallory' WHERE seq = 3;"));
        }
        r = runCli({ QStringLiteral("verify"), ws });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(u"journal entry 3 (case.created)"), qPrintable(r.out));
        QCOMPARE(runCli({ QStringLiteral("case"), QStringLiteral("show"), ws, QStringLiteral("C-0099") }).exitCode, 2);
    }

    void infoOnNonWorkspace()
    {
        const QString p = path(QStringLiteral("text.casebook"));
        QFile f(p);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("hello");
        f.close();
        CliResult r = runCli({ QStringLiteral("info"), p, QStringLiteral("--json") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(u"not a Casebook workspace"));
    }

    void demo()
    {
        const QString ws = path(QStringLiteral("demo.casebook"));
        CliResult r = runCli({ QStringLiteral("demo"), ws, QStringLiteral("--rows"), QStringLiteral("5000") }, path(QStringLiteral("empty-keyring.json")));
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.count(u": imported ("), 5);
        QVERIFY(!QFile::exists(path(QStringLiteral("empty-keyring.json")))); // the user's keyring is not touched
        CliResult info = runCli({ QStringLiteral("info"), ws, QStringLiteral("--json") });
        const QJsonArray tenants = QJsonDocument::fromJson(info.out.toUtf8()).object().value(u"tenants").toArray();
        QVERIFY(tenants.size() >= 5);
        int verified = 0;
        for (const QJsonValue &t : tenants)
            verified += t.toObject().value(u"verification").toString() == u"verified";
        QCOMPARE(verified, int(tenants.size()) - 1);
        // Running demo again is idempotent.
        QCOMPARE(runCli({ QStringLiteral("demo"), ws, QStringLiteral("--rows"), QStringLiteral("5000") }).exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
