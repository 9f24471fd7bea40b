// SPDX-License-Identifier: GPL-3.0-or-later
// CSV export: RFC 4180 quoting, OWASP formula neutralisation, round trips through CsvReader,
// a case's evidence (exact amounts, times with offsets, the workspace unchanged) and whole grids.

#include "casestore.h"
#include "csvexport.h"
#include "csvreader.h"
#include "importer.h"
#include "keyring.h"
#include "sqlitedb.h"
#include "testutils.h"
#include "workspace.h"

#include <QBuffer>
#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace casebook;
using namespace casebook::test;

namespace {

QVector<QStringList> parse(const QByteArray &csv)
{
    QVector<QStringList> rows;
    CsvReader reader;
    const auto sink = [&](const CsvRecord &r) {
        QStringList row;
        for (QByteArrayView f : *r.fields)
            row << QString::fromUtf8(f);
        rows << row;
        return true;
    };
    reader.feed(csv, sink);
    reader.finish(sink);
    if (reader.unterminatedQuote())
        qWarning("unterminated quote");
    return rows;
}

/// A transactions CSV of `n` rows (one per minute from 2026-02-01T00:00:00+01:00) for ArchiveSpec.
QByteArray manyTransactions(int n)
{
    QByteArray csv = "txn_id,ts,value_date,debtor_account,debtor_name,creditor_account,creditor_name,amount,currency,channel,status,reference,memo\r\n";
    for (int i = 0; i < n; ++i) {
        const int h = i / 60, m = i % 60;
        csv += QStringLiteral("T%1,2026-02-%2T%3:%4:00+01:00,,ACC%5,Name %5,BEN1,=cmd|' /C calc'!A0,%6.%7,EUR,api,booked,R%1,\r\n")
                   .arg(i, 5, 10, QLatin1Char('0'))
                   .arg(1 + h / 24, 2, 10, QLatin1Char('0'))
                   .arg(h % 24, 2, 10, QLatin1Char('0'))
                   .arg(m, 2, 10, QLatin1Char('0'))
                   .arg(i % 7)
                   .arg(i)
                   .arg(i % 100, 2, 10, QLatin1Char('0'))
                   .toUtf8();
    }
    return csv;
}

} // namespace

class TestCsvExport : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    Keyring m_keyring;
    int m_n = 0;

    QString importSpec(const ArchiveSpec &spec)
    {
        const QString ws = m_dir.filePath(QStringLiteral("%1.casebook").arg(++m_n));
        const QString archive = m_dir.filePath(QStringLiteral("%1.sea.zip").arg(m_n));
        if (!writeArchive(archive, spec))
            qFatal("archive");
        auto w = Workspace::create(ws);
        const ImportResult r = importArchive(*w, { archive, QStringLiteral("importer"), &m_keyring });
        if (r.outcome != ImportResult::Outcome::Imported)
            qFatal("import: %s", qPrintable(r.message));
        return ws;
    }

private Q_SLOTS:
    void initTestCase() { m_keyring.insert(QString::fromLatin1(kTestKeyId), testPublicKey()); }

    void encodeField_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("neutralise");
        QTest::addColumn<QByteArray>("encoded");
        QTest::addRow("plain") << QStringLiteral("abc") << true << QByteArray("abc");
        QTest::addRow("empty") << QString() << true << QByteArray("");
        QTest::addRow("comma") << QStringLiteral("a,b") << true << QByteArray("\"a,b\"");
        QTest::addRow("quote") << QStringLiteral("say \"hi\"") << true << QByteArray("\"say \"\"hi\"\"\"");
        QTest::addRow("LF") << QStringLiteral("two\nlines") << true << QByteArray("\"two\nlines\"");
        QTest::addRow("CRLF inside") << QStringLiteral("two\r\nlines") << true << QByteArray("\"two\r\nlines\"");
        QTest::addRow("CJK") << QStringLiteral("王芳") << true << QByteArray("\xe7\x8e\x8b\xe8\x8a\xb3");
        QTest::addRow("equals") << QStringLiteral("=1+2") << true << QByteArray("\"'=1+2\"");
        QTest::addRow("plus") << QStringLiteral("+41 44 000") << true << QByteArray("\"'+41 44 000\"");
        QTest::addRow("minus") << QStringLiteral("-5") << true << QByteArray("\"'-5\"");
        QTest::addRow("at") << QStringLiteral("@SUM(A1)") << true << QByteArray("\"'@SUM(A1)\"");
        QTest::addRow("tab") << QStringLiteral("\t=x") << true << QByteArray("\"'\t=x\"");
        QTest::addRow("CR") << QStringLiteral("\r=x") << true << QByteArray("\"'\r=x\"");
        QTest::addRow("formula with quote") << QStringLiteral("=HYPERLINK(\"http://x\")") << true
                                            << QByteArray("\"'=HYPERLINK(\"\"http://x\"\")\"");
        QTest::addRow("equals inside is fine") << QStringLiteral("a=b") << true << QByteArray("a=b");
        QTest::addRow("not neutralised when off") << QStringLiteral("=1+2") << false << QByteArray("=1+2");
    }
    void encodeField()
    {
        QFETCH(QString, value);
        QFETCH(bool, neutralise);
        QFETCH(QByteArray, encoded);
        QCOMPARE(CsvWriter::encodeField(value, neutralise), encoded);
    }

    void roundTrip_data()
    {
        QTest::addColumn<bool>("neutralise");
        QTest::addColumn<bool>("bom");
        QTest::addRow("neutralised") << true << false;
        QTest::addRow("raw") << false << false;
        QTest::addRow("with BOM") << true << true;
    }
    void roundTrip()
    {
        QFETCH(bool, neutralise);
        QFETCH(bool, bom);
        const QVector<QStringList> rows = {
            { QStringLiteral("id"), QStringLiteral("text"), QStringLiteral("amount") },
            { QStringLiteral("1"), QStringLiteral("two\r\nlines"), QStringLiteral("0.0001") },
            { QStringLiteral("2"), QStringLiteral("\"quoted\", with comma"), QStringLiteral("99999999.9999") },
            { QStringLiteral("3"), QStringLiteral("=cmd|' /C calc'!A0"), QStringLiteral("1234.56") },
            { QStringLiteral("4"), QStringLiteral("lone\nLF and \"\" doubled"), QString() },
            { QStringLiteral("5"), QStringLiteral("Müller 王芳 김민준 Дмитрий"), QStringLiteral("-1") },
            { QString(), QString(), QString() },
        };
        QBuffer buf;
        buf.open(QIODevice::WriteOnly);
        CsvOptions o;
        o.neutraliseFormulas = neutralise;
        o.bom = bom;
        CsvWriter w(&buf, o);
        for (const QStringList &r : rows)
            w.writeRow(r);
        QVERIFY(w.finish());
        QCOMPARE(w.rows(), rows.size());
        QCOMPARE(buf.data().startsWith("\xEF\xBB\xBF"), bom);
        QVERIFY(buf.data().endsWith("\r\n"));
        const QVector<QStringList> back = parse(buf.data());
        QCOMPARE(back.size(), rows.size());
        for (int i = 0; i < rows.size(); ++i)
            for (int c = 0; c < rows[i].size(); ++c) {
                const QString expected = neutralise && CsvWriter::isFormulaLike(rows[i][c]) ? u'\'' + rows[i][c] : rows[i][c];
                QCOMPARE(back[i][c], expected);
            }
    }

    void caseEvidence_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("timeE1");
        QTest::addRow("source offsets") << QString() << QStringLiteral("2026-01-05T09:31:02.125+08:00");
        QTest::addRow("Tokyo") << QStringLiteral("Asia/Tokyo") << QStringLiteral("2026-01-05T10:31:02.125+09:00");
        QTest::addRow("UTC") << QStringLiteral("UTC") << QStringLiteral("2026-01-05T01:31:02.125Z");
    }
    void caseEvidence()
    {
        QFETCH(QString, zone);
        QFETCH(QString, timeE1);
        const QString ws = importSpec(ArchiveSpec());
        auto w = Workspace::open(ws);
        CaseStore store(w->db(), QStringLiteral("Ada (FSA)"));
        auto c = store.createCase(QStringLiteral("Export"));
        const QString formula = QStringLiteral("=HYPERLINK(\"http://evil\",\"click\")");
        const QString multiline = QStringLiteral("line one\nline \"two\", with comma");
        QVERIFY(store.addEvidence(c->id, RecordKind::Event, { 1, 2, 3 }, formula));
        QVERIFY(store.addEvidence(c->id, RecordKind::Transaction, { 1, 2, 3 }, multiline, QStringLiteral("amount > 1000")));
        auto ev = store.evidence(c->id);
        QVERIFY(store.setEvidenceTags(ev->front().id, { QStringLiteral("night"), QStringLiteral("dba") }));

        QBuffer buf;
        buf.open(QIODevice::WriteOnly);
        const QTimeZone z = zone.isEmpty() ? QTimeZone() : QTimeZone(zone.toUtf8());
        auto rows = exportCaseEvidenceCsv(w->db(), c->id, &buf, {}, z);
        QVERIFY2(rows, qPrintable(rows ? QString() : rows.error().text()));
        QCOMPARE(*rows, 6);
        const QVector<QStringList> back = parse(buf.data());
        QCOMPARE(back.size(), 7);
        const QStringList header = back[0];
        QCOMPARE(header.mid(0, 6), (QStringList { QStringLiteral("evidence_id"), QStringLiteral("institution"), QStringLiteral("kind"),
                                                  QStringLiteral("record_id"), QStringLiteral("time"), QStringLiteral("time_utc") }));
        const auto col = [&](const char *name) { return int(header.indexOf(QString::fromLatin1(name))); };
        QHash<QString, QStringList> byId;
        for (int i = 1; i < back.size(); ++i) {
            QCOMPARE(back[i].size(), header.size());
            byId.insert(back[i][col("record_id")], back[i]);
        }
        QCOMPARE(byId.size(), 6);
        QCOMPARE(byId[QStringLiteral("E1")][col("time")], timeE1);
        QCOMPARE(byId[QStringLiteral("E1")][col("time_utc")], QStringLiteral("2026-01-05T01:31:02.125Z"));
        QCOMPARE(byId[QStringLiteral("E1")][col("actor_or_parties")], QStringLiteral("u.wang (王芳)"));
        QCOMPARE(byId[QStringLiteral("E1")][col("comment")], u'\'' + formula); // neutralised in the file ...
        QCOMPARE(byId[QStringLiteral("E1")][col("amount")], QString());
        QCOMPARE(byId[QStringLiteral("X1")][col("amount")], QStringLiteral("1234.56"));
        QCOMPARE(byId[QStringLiteral("X2")][col("amount")], QStringLiteral("0.0001"));
        QCOMPARE(byId[QStringLiteral("X3")][col("amount")], QStringLiteral("99999999.9999"));
        QCOMPARE(byId[QStringLiteral("X3")][col("currency")], QStringLiteral("EUR"));
        QCOMPARE(byId[QStringLiteral("X3")][col("actor_or_parties")], QStringLiteral("Müller \"Max\" → Jäger"));
        QCOMPARE(byId[QStringLiteral("X2")][col("comment")], multiline);
        QCOMPARE(byId[QStringLiteral("X2")][col("query")], QStringLiteral("amount > 1000"));
        QCOMPARE(byId[QStringLiteral("X1")][col("content_sha256")].size(), 64);
        QVERIFY(byId[QStringLiteral("E1")][col("tags")] == QStringLiteral("dba;night") || byId[QStringLiteral("E2")][col("tags")] == QStringLiteral("dba;night")
                || byId[QStringLiteral("E3")][col("tags")] == QStringLiteral("dba;night"));
        // ... but the workspace keeps the original.
        auto q = w->db().prepare("SELECT count(*) FROM evidence WHERE comment = ?");
        q->bind(1, formula);
        QVERIFY(q->step() == Statement::StepResult::Row);
        QCOMPARE(q->columnInt(0), 3);
    }

    void caseEvidenceLeavesWorkspaceUnchanged()
    {
        const QString ws = importSpec(ArchiveSpec());
        int64_t caseId = 0;
        {
            auto w = Workspace::open(ws);
            CaseStore store(w->db(), QStringLiteral("Ada"));
            caseId = store.createCase(QStringLiteral("x"))->id;
            QVERIFY(store.addEvidence(caseId, RecordKind::Event, { 1 }, QStringLiteral("-1")));
        }
        const QByteArray before = workspaceDigest(ws);
        auto db = SqliteDb::open(ws, SqliteDb::Mode::ReadOnly);
        QBuffer buf;
        buf.open(QIODevice::WriteOnly);
        QVERIFY(exportCaseEvidenceCsv(*db, caseId, &buf));
        QCOMPARE(workspaceDigest(ws), before);
        QVERIFY(buf.data().contains("\"'-1\""));
    }

    void gridAllRows_data()
    {
        QTest::addColumn<bool>("descending");
        QTest::addColumn<int>("sortColumn");
        QTest::addRow("time ascending") << false << 0;
        QTest::addRow("time descending") << true << 0;
        QTest::addRow("amount ascending") << false << 7;
    }
    void gridAllRows()
    {
        QFETCH(bool, descending);
        QFETCH(int, sortColumn);
        constexpr int n = 2500; // more than any grid page
        ArchiveSpec spec;
        spec.transactions = manyTransactions(n);
        spec.transactionRecords = n;
        const QString ws = importSpec(spec);
        auto db = SqliteDb::open(ws, SqliteDb::Mode::ReadOnly);
        GridQuery q;
        q.kind = RecordKind::Transaction;
        q.sortColumn = sortColumn;
        q.descending = descending;
        QBuffer buf;
        buf.open(QIODevice::WriteOnly);
        int64_t lastProgress = 0;
        auto rows = exportRecordsCsv(*db, q, &buf, {}, nullptr, [&](int64_t r) {
            lastProgress = r;
            return true;
        });
        QVERIFY(rows);
        QCOMPARE(*rows, n);
        QCOMPARE(lastProgress, n);
        const QVector<QStringList> back = parse(buf.data());
        QCOMPARE(back.size(), n + 1);
        const QStringList header = back[0];
        QCOMPARE(header[0], QStringLiteral("Time"));
        QCOMPARE(header[1], QStringLiteral("Time (UTC)"));
        QCOMPARE(header[2], QStringLiteral("Institution"));
        const int amount = int(header.indexOf(QStringLiteral("Amount")));
        const int creditor = int(header.indexOf(QStringLiteral("Creditor")));
        QVERIFY(amount > 0 && creditor > 0);
        QSet<QString> ids;
        for (int i = 1; i < back.size(); ++i) {
            ids.insert(back[i][3]);
            QCOMPARE(back[i][creditor], QStringLiteral("'=cmd|' /C calc'!A0"));
            QVERIFY(back[i][0].endsWith(u"+01:00"));
        }
        QCOMPARE(ids.size(), n);
        // Order as the grid sorts.
        const QString first = back[1][3], last = back[n][3];
        if (sortColumn == 0)
            QCOMPARE(first, descending ? QStringLiteral("T02499") : QStringLiteral("T00000"));
        else
            QCOMPARE(back[1][amount], QStringLiteral("0.00"));
        Q_UNUSED(last);
    }

    void gridFilterZoneAndCancel()
    {
        ArchiveSpec spec;
        spec.transactions = manyTransactions(3000);
        spec.transactionRecords = 3000;
        const QString ws = importSpec(spec);
        auto db = SqliteDb::open(ws, SqliteDb::Mode::ReadOnly);
        GridQuery q;
        q.kind = RecordKind::Transaction;
        // 2026-02-01T00:00+01:00 .. +100 minutes
        q.filter.fromUtcMs = QDateTime(QDate(2026, 1, 31), QTime(23, 0), QTimeZone::utc()).toMSecsSinceEpoch();
        q.filter.toUtcMs = q.filter.fromUtcMs + 100 * 60000;
        DisplayZone tokyo;
        tokyo.mode = DisplayZone::Mode::Named;
        tokyo.zone = QTimeZone("Asia/Tokyo");
        QBuffer buf;
        buf.open(QIODevice::WriteOnly);
        auto rows = exportRecordsCsv(*db, q, &buf, {}, &tokyo);
        QVERIFY(rows);
        QCOMPARE(*rows, 100);
        const QVector<QStringList> back = parse(buf.data());
        QCOMPARE(back[1][0], QStringLiteral("2026-02-01T08:00:00.000+09:00"));
        QCOMPARE(back[1][1], QStringLiteral("2026-01-31T23:00:00.000Z"));

        q.filter = {};
        QBuffer buf2;
        buf2.open(QIODevice::WriteOnly);
        auto cancelled = exportRecordsCsv(*db, q, &buf2, {}, nullptr, [](int64_t r) { return r < 2000; });
        QVERIFY(!cancelled);
        QCOMPARE(cancelled.error().code, Error::Code::Cancelled);

        q.filter.tenants = { QStringLiteral("T0000") };
        QBuffer buf3;
        buf3.open(QIODevice::WriteOnly);
        QCOMPARE(*exportRecordsCsv(*db, q, &buf3), 0);
        QCOMPARE(parse(buf3.data()).size(), 1); // the header only
    }

    void eventsGrid()
    {
        const QString ws = importSpec(ArchiveSpec());
        auto db = SqliteDb::open(ws, SqliteDb::Mode::ReadOnly);
        GridQuery q;
        q.kind = RecordKind::Event;
        QBuffer buf;
        buf.open(QIODevice::WriteOnly);
        QCOMPARE(*exportRecordsCsv(*db, q, &buf), 3);
        const QVector<QStringList> back = parse(buf.data());
        QCOMPARE(back.size(), 4);
        QCOMPARE(back[0].last(), QStringLiteral("Details"));
        // E2 has the details object; E2 is the earliest (02:13 +08:00).
        QCOMPARE(back[1][3], QStringLiteral("E2"));
        QVERIFY(back[1].last().contains(u"\"table\":\"customers\""));
    }

    void fileIsAtomicAndHashed()
    {
        const QString path = m_dir.filePath(QStringLiteral("out.csv"));
        auto r = writeCsvFile(path, [](QIODevice *d) -> Result<int64_t> {
            CsvWriter w(d);
            w.writeRow({ QStringLiteral("a"), QStringLiteral("b") });
            if (auto st = w.finish(); !st)
                return st.error();
            return int64_t(1);
        });
        QVERIFY(r);
        QCOMPARE(r->bytes, 5);
        QCOMPARE(r->sha256, QCryptographicHash::hash("a,b\r\n", QCryptographicHash::Sha256).toHex());
        const QString failed = m_dir.filePath(QStringLiteral("failed.csv"));
        auto f = writeCsvFile(failed, [](QIODevice *) -> Result<int64_t> { return Error(Error::Code::Cancelled, QStringLiteral("stop")); });
        QVERIFY(!f);
        QVERIFY(!QFile::exists(failed));
    }
};

QTEST_GUILESS_MAIN(TestCsvExport)
#include "tst_csvexport.moc"
