// SPDX-License-Identifier: GPL-3.0-or-later
// Real-world formats (CloudTrail, camt.052/053/054, MT940/MT942): every corpus file of these formats
// imported as a loose file and inside a SEA archive with asserted counts, totals and field values;
// malformed corpus files and hand-made hostile inputs (XXE, billion laughs, bad gzip, truncation,
// per-format quirks) rejected with precise messages and the workspace unchanged, or quarantined.

#include "formatparser.h"
#include "importer.h"
#include "keyring.h"
#include "sqlitedb.h"
#include "testutils.h"
#include "workspace.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace casebook;
using namespace casebook::test;

using Checks = QList<QPair<QString, QString>>; ///< SQL → expected rows ('|' between columns, '\n' between rows)
Q_DECLARE_METATYPE(Checks)

namespace {

QString corpus(const QString &rel) { return QStringLiteral(CASEBOOK_TEST_DATA "/corpus/") + rel; }

QByteArray readFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

const char *const kCtTrail = "aws_cloudtrail/flosell__trailscraper__111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json";
const char *const kCamt053 = "iso20022_camt/genkgo__camt__camt053.v2.minimal.xml";
const char *const kMt940 = "swift_mt940/wolph__mt940__betterplace_sepa_mt9401.sta";

// A minimal camt.053 around `entries`, for hand-made cases.
QByteArray camt(const QByteArray &entries, const QByteArray &ns = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02")
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"" + ns
        + "\">\n<BkToCstmrStmt>\n<GrpHdr><MsgId>M1</MsgId></GrpHdr>\n<Stmt>\n<Id>S1</Id>\n"
          "<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ownr><Nm>Own Co</Nm></Ownr></Acct>\n"
        + entries + "</Stmt>\n</BkToCstmrStmt>\n</Document>\n";
}

QByteArray ntry(const QByteArray &amt, const QByteArray &cdi = "CRDT", const QByteArray &date = "<Dt>2024-03-01</Dt>")
{
    return "<Ntry>\n<Amt Ccy=\"EUR\">" + amt + "</Amt>\n<CdtDbtInd>" + cdi + "</CdtDbtInd>\n<Sts>BOOK</Sts>\n<BookgDt>" + date
        + "</BookgDt>\n</Ntry>\n";
}

} // namespace

class TestFormats : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_ws;
    int m_n = 0;

    QString tmp(const QString &name) { return m_dir.filePath(QString::number(++m_n) + u'-' + name); }

    QString writeTmp(const QString &name, const QByteArray &data)
    {
        const QString p = tmp(name);
        QFile f(p);
        if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size())
            qFatal("cannot write %s", qPrintable(p));
        return p;
    }

    ImportResult importLoose(const QString &path, const QString &format, const QString &tz = {})
    {
        auto ws = Workspace::open(m_ws);
        if (!ws)
            qFatal("open failed");
        FileImportRequest req;
        req.filePath = path;
        req.format = format;
        req.tenantId = QStringLiteral("T7");
        req.tenantName = QStringLiteral("Loose Bank");
        req.timezone = tz;
        req.importedBy = QStringLiteral("tester");
        return importFile(*ws, req);
    }

    /// Rows of `sql`, columns joined with '|', rows with '\n'; NULL as "∅".
    QString query(const QString &sql)
    {
        auto ws = Workspace::open(m_ws);
        auto q = ws->db().prepare(sql.toUtf8());
        if (!q)
            return u"SQL error: " + q.error().text();
        QStringList rows;
        const int cols = sqlite3_column_count(q->handle());
        while (q->step() == Statement::StepResult::Row) {
            QStringList c;
            for (int i = 0; i < cols; ++i)
                c << (q->columnBlob(i).isNull() ? QStringLiteral("∅") : q->columnText(i));
            rows << c.join(u'|');
        }
        return rows.join(u'\n');
    }

    void runChecks(const Checks &checks)
    {
        for (const auto &[sql, expected] : checks) {
            const QString got = query(sql);
            if (got != expected)
                qWarning().noquote() << "check failed:" << sql;
            QCOMPARE(got, expected);
        }
    }

    QString totals()
    {
        return query(QStringLiteral("SELECT currency, (sum(amount_e4) / 10000) || '.' || printf('%04d', sum(amount_e4) % 10000), "
                                    "count(*) FROM transactions GROUP BY currency ORDER BY currency"));
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_ws = tmp(QStringLiteral("ws.casebook"));
        QVERIFY(Workspace::create(m_ws));
    }

    // ---- the corpus ---------------------------------------------------------------------------

    void corpusFile_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("format");
        QTest::addColumn<QString>("outcome");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("quarantined");
        QTest::addColumn<QString>("message"); ///< rejection message after "PATH: ", or the first quarantine row
        QTest::addColumn<QString>("totals");
        QTest::addColumn<Checks>("checks");

        const QString ev = QStringLiteral("SELECT event_id, strftime('%Y-%m-%dT%H:%M:%SZ', ts_utc_ms / 1000, 'unixepoch'), "
                                          "actor, actor_name, actor_role, source_ip, action, resource, outcome, session_id, line "
                                          "FROM events ORDER BY line");
        // A real CloudTrail S3 log file (sanitised): an assumed role and a service. sourceIPAddress is a
        // service name, not an address, so source_ip stays NULL (the name is kept in extra).
        const Checks trail {
            { ev,
              QStringLiteral("a0ed971f-389f-406a-9fcf-887c5ca6903a|2017-12-11T15:01:51Z|arn:aws:sts::111111111111:assumed-role/"
                             "someRole/AutoScalingDescribeHandlerSession|someRole|AssumedRole|∅|autoscaling.amazonaws.com:"
                             "DescribeLaunchConfigurations|∅|success|AAAAAAAAAAAAAAAAAAAAA|3\n"
                             "b25ff7e3-f1cf-4b7f-883d-b09168c454d5|2017-12-11T15:04:51Z|config.amazonaws.com|∅|AWSService|∅|"
                             "sts.amazonaws.com:AssumeRole|arn:aws:iam::111111111111:role/someRole|success|∅|39") },
            { QStringLiteral("SELECT json_extract(details, '$.requestParameters.roleSessionName'), json_extract(extra, '$.sourceIPAddress'), "
                             "json_extract(extra, '$.awsRegion') FROM events WHERE line = 39"),
              QStringLiteral("AutoScalingDescribeHandlerSession|config.amazonaws.com|eu-central-1") },
        };
        QTest::addRow("cloudtrail S3 log") << QString::fromLatin1(kCtTrail) << "cloudtrail" << "imported" << 2 << 0 << QString() << QString() << trail;
        // The same log gzip-compressed, as CloudTrail delivers it: identical rows.
        QTest::addRow("cloudtrail S3 log .json.gz") << QString::fromLatin1(kCtTrail) + u".gz" << "cloudtrail" << "imported" << 2 << 0
                                                     << QString() << QString() << trail;
        // Record 1 has every field null: no time, so it cannot be placed on a timeline → quarantined.
        // Record 2 has no eventID (old format): a content-hash id; an errorCode that is not a denial →
        // failure; "sourceIPAddress2" is not an address → NULL.
        QTest::addRow("cloudtrail all fields null")
            << "aws_cloudtrail/aws__aws-cloudtrail-processing-library__SerializerAllFieldsNull.json"
            << "cloudtrail" << "imported" << 1 << 1 << "3: eventTime is missing" << QString()
            << Checks { { ev,
                          QStringLiteral("sha256:5db7fddcede417b53975ebcb7e7fb82e|2013-11-01T00:00:00Z|userIdentityArn2|userIdentityUserName2|"
                                         "userIdentityType2|∅|eventSource2:eventName2|arn:aws:iam:sample1, arn:aws:iam:sample2, "
                                         "arn:aws:iam:sample3|failure|userIdentityAccessKeyId2|21") },
                        { QStringLiteral("SELECT json_extract(details, '$.errorCode'), json_extract(details, '$.requestParameters.parameterGroupName') FROM events"),
                          QStringLiteral("errorCode2|my-redshift-parameter-group") } };
        // userIdentity of record 1 lacks its closing brace: the document is not JSON, so no record
        // boundary can be trusted → the file is rejected. The parser notices at line 37, where the
        // object that swallowed the rest of the record meets the next record.
        QTest::addRow("cloudtrail bad JSON") << "aws_cloudtrail/aws__aws-cloudtrail-processing-library__SerializerTestFileBadJsonFormat.json"
                                             << "cloudtrail" << "rejected" << 0 << 0
                                             << "line 37, column 10: invalid JSON: unterminated object" << QString() << Checks {};

        const QString tx = QStringLiteral("SELECT txn_id, ts_text, value_date, debtor_account, debtor_name, debtor_bank, creditor_account, "
                                          "creditor_name, creditor_bank, amount_text, currency, status, reference, memo, line "
                                          "FROM transactions ORDER BY line");
        // A credit to the statement account: it is the creditor, the related debtor pays.
        QTest::addRow("camt.053 minimal") << QString::fromLatin1(kCamt053) << "camt.053" << "imported" << 1 << 0 << QString()
                                          << "EUR|8.8500|1"
                                          << Checks { { tx,
                                                        QStringLiteral("253EURNL26VAYB8060476890/1|2014-12-31|2015-01-02|NL56AGDH9619008421|NAME NAME|∅|"
                                                                       "NL26VAYB8060476890|Company Name|∅|8.85|EUR|booked|4654654654654654|∅|90") },
                                                      { QStringLiteral("SELECT ts_utc_ms, ts_offset_s, json_extract(extra, '$.BkTxCd') FROM transactions"),
                                                        QStringLiteral("1419984000000|0|544") } };
        // Well-formed, but a statement file without a statement is not a statement: rejected.
        QTest::addRow("camt.053 without Stmt") << "iso20022_camt/genkgo__camt__camt053.v2.wrong.xml" << "camt.053" << "rejected" << 0 << 0
                                               << "the camt.053.001.02 message holds no <Stmt> (no statement, report or notification)"
                                               << QString() << Checks {};
        // An intraday report (camt.052) with a booking date-time: a debit of the reporting account.
        QTest::addRow("camt.052 report") << "iso20022_camt/genkgo__camt__camt052.v2.xml" << "camt.053" << "imported" << 1 << 0 << QString()
                                         << "SEK|200000.0000|1"
                                         << Checks { { tx,
                                                       QStringLiteral("AAAASESS-FP-ACCR-01|2007-10-18T10:15:00+01:00|2007-10-18|CH2801234000123456789|"
                                                                      "NAME NAME|BANKCHZHXXX|NL56AGDH9619008421|Company Name|BANKCHZHXXX|200000|SEK|booked|∅|Credit|58") },
                                                     { QStringLiteral("SELECT ts_utc_ms, ts_offset_s FROM transactions"), QStringLiteral("1192698900000|3600") } };
        // A camt.054.001.08 notification: one batch entry with three transaction details → three
        // rows. The entry is a debit; the details say CRDT but name the statement account as their
        // debtor, so they are debits too (the detail indicator is kept in extra).
        QTest::addRow("camt.054 v8 batch")
            << "iso20022_camt/genkgo__camt__camt054.v8.xml" << "camt.053" << "imported" << 3 << 0 << QString() << "CHF|9.5000|3"
            << Checks { { tx,
                          QStringLiteral("ACSR160617103200001/1|2007-10-18|2007-10-18|CH2801234000123456789|UNIFITS GmbH|UBSWCHZH80A|"
                                         "CH4112345003131313131|Example Creditor 3 - V1|100|3.1|CHF|booked|UXC06170000006PI00001EE00001|"
                                         "Unstructured Remittance Information V1 Additional Remittance Information V1|96\n"
                                         "ACSR160617103200001/2|2007-10-18|2007-10-18|CH2801234000123456789|UNIFITS GmbH|UBSWCHZH80A|"
                                         "CH7212345003232323232|Example Creditor 3 - V2|BANKCHBE|3.2|CHF|booked|UXC06170000006PI00001EE00002|"
                                         "Additional Remittance Information V2|187\n"
                                         "ACSR160617103200001/3|2007-10-18|2007-10-18|CH2801234000123456789|UNIFITS GmbH|UBSWCHZH80A|"
                                         "CH7212345003232323232|Example Creditor 3 - V3|BANKCHBE|3.2|CHF|booked|UXC06170000006PI00001EE00002|"
                                         "Unstructured Remittance Information V3 block 1 Unstructured Remittance Information V3 block 2 "
                                         "Additional Remittance Information V3 block 1 Additional Remittance Information V3 block 2|272") },
                        { QStringLiteral("SELECT DISTINCT json_extract(extra, '$.CdtDbtInd'), json_extract(extra, '$.\"TxDtls.CdtDbtInd\"') FROM transactions"),
                          QStringLiteral("DBIT|CRDT") } };
        // Payment initiations are ISO 20022 too, but not statements: named precisely.
        QTest::addRow("pain.001 is not camt") << "iso20022_pain001/salesking__sepa_king__pain.001.001.03.xml" << "camt.053" << "rejected" << 0 << 0
                                              << "line 3: the document is pain.001.001.03, not a camt.052, camt.053 or camt.054 message"
                                              << QString() << Checks {};
        QTest::addRow("pain.001 CH is not camt")
            << "iso20022_pain001/salesking__sepa_king__pain.001.001.03.ch.02.xml" << "camt.053" << "rejected" << 0 << 0
            << "line 9: the root element's namespace \"http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd\" is not a "
               "camt.052, camt.053 or camt.054 namespace"
            << QString() << Checks {};

        // 28 KB German MT940 with 26 statements of 20 accounts: every statement balances, all 97 entries import.
        QTest::addRow("mt940 SEPA statements")
            << QString::fromLatin1(kMt940) << "mt940" << "imported" << 97 << 0 << QString() << "EUR|19646085.7800|97"
            << Checks { { QStringLiteral("SELECT txn_id, ts_text, value_date, debtor_account, debtor_name, debtor_bank, creditor_account, amount_text, "
                                         "reference, memo FROM transactions WHERE line IN (5, 19, 30)  ORDER BY line"),
                          QStringLiteral("50880050/0194774600888/00004/00001/2007-09-03/1|2007-09-04|2007-09-04|∅|∅|∅|50880050/0194774600888|300|"
                                         "TFNR 40005 00005|MTLG:Grund nicht spezifiziert Reject aus SEPA-Ueberweisungsauftrag\n"
                                         // RC: reversal of a credit, i.e. money leaves the account.
                                         "50880050/0194774600888/00004/00001/2007-09-03/6|2007-09-04|2007-09-04|50880050/0194774600888|∅|∅|∅|204.88|∅|0904059003\n"
                                         "50880050/0194777100888/00004/00001/2007-09-03/1|2007-09-04|2007-09-04|DE42100100100043921105|"
                                         "Richter Renate 70 Zeichen Beginn Fuellzeichen xxxxxxxx|PBNKDEFF100|50880050/0194777100888|15000.05|"
                                         "EndToEndIdTFNR2000400001|TO 13 TFNr 20004 Eingangskanal Mint ....................................... ...  "
                                         "........................................................... MTLG:SEPA-Ueberweisungseingang Auftraggeber: Richter Renat") },
                        { QStringLiteral("SELECT json_extract(extra, '$.mark'), json_extract(extra, '$.gvc'), json_extract(extra, '$.posting_text') "
                                         "FROM transactions WHERE line = 19"),
                          QStringLiteral("RC|079|SAMMLER/STORNO") },
                        { QStringLiteral("SELECT count(DISTINCT json_extract(extra, '$.statement')) FROM transactions"), QStringLiteral("26") } };
        // UTF-8 umlauts in :20: (outside the SWIFT character set): harmless text, kept as it is; the
        // second statement books on 03-19 a value of 03-22.
        QTest::addRow("mt940 binary character")
            << "swift_mt940/wolph__mt940__betterplace_with_binary_character.sta" << "mt940" << "imported" << 4 << 0 << QString()
            << "EUR|207497.3500|4"
            << Checks { { QStringLiteral("SELECT DISTINCT json_extract(extra, '$.statement') FROM transactions ORDER BY line"),
                          QStringLiteral("STAR1ÜTßUMS\nSTAR1ÜTUMS") },
                        { QStringLiteral("SELECT debtor_account, debtor_name, debtor_bank, amount_text, memo FROM transactions WHERE line = 5"),
                          QStringLiteral("0175526300|PAYPAL|50070010|27.00|QQW53T2245ZGY46J ABBUCHUNG VOM PAYPAL-KONTO 100318P3TX1433EV") },
                        { QStringLiteral("SELECT ts_text, value_date FROM transactions WHERE line = 22"), QStringLiteral("2010-03-19|2010-03-22") } };
        // After :61: the narrative comes under a second :25: instead of :86:. The statement's account is
        // then ambiguous and its structure broken: the file is rejected (its balance would not agree
        // either: 766656.49 + 50990.05 ≠ 1125250.40).
        QTest::addRow("mt940 broken snippet")
            << "swift_mt940/wolph__mt940__betterplace_sepa_snippet_broken.sta" << "mt940" << "rejected" << 0 << 0
            << "line 6: a second :25: (account) inside the statement that starts at line 1; after :61: only :86:, another :61: or "
               "the closing balance :62F: may follow"
            << QString() << Checks {};
        // Value date 30 February: that entry is quarantined; the statement itself balances
        // (1200.00 - 6.00 = 1194.00), so nothing else is wrong with the file.
        QTest::addRow("mt940 February 30") << "swift_mt940/wolph__mt940__self-provided_february_30.sta" << "mt940" << "imported" << 0 << 1
                                           << "6: :61: value date 160230 is not a calendar date (2016-02-30)" << QString() << Checks {};
    }

    void corpusFile()
    {
        QFETCH(QString, file);
        QFETCH(QString, format);
        QFETCH(QString, outcome);
        QFETCH(int, rows);
        QFETCH(int, quarantined);
        QFETCH(QString, message);
        QFETCH(QString, totals);
        QFETCH(Checks, checks);

        const QString path = corpus(file);
        QVERIFY2(QFile::exists(path), qPrintable(path));
        const QByteArray before = workspaceDigest(m_ws);
        const ImportResult r = importLoose(path, format);
        QCOMPARE(ImportResult::outcomeName(r.outcome), outcome);
        if (outcome == u"rejected") {
            QCOMPARE(r.message, QString(path + u": " + message));
            QCOMPARE(workspaceDigest(m_ws), before);
            return;
        }
        QCOMPARE(r.rows(), rows);
        QCOMPARE(r.quarantined, quarantined);
        QCOMPARE(r.state, QStringLiteral("unsigned"));
        if (!message.isEmpty())
            QCOMPARE(query(QStringLiteral("SELECT line || ': ' || reason FROM quarantine ORDER BY id LIMIT 1")), message);
        if (!totals.isNull())
            QCOMPARE(this->totals(), totals);
        runChecks(checks);

        // The same file inside a signed SEA archive: same rows, the archive verified.
        QVERIFY(Workspace::create(m_ws = tmp(QStringLiteral("ws2.casebook"))));
        ArchiveSpec spec;
        spec.audit = QByteArray();
        spec.transactions = QByteArray();
        const QByteArray data = readFile(path);
        const QString kind = formats::kindOf(format);
        spec.extraEntries = [&](SeaWriter &w) { w.addFile(u"native/" + file.section(u'/', -1), kind, format, data); };
        const QString archive = tmp(QStringLiteral("a.sea.zip"));
        QVERIFY(writeArchive(archive, spec));
        Keyring keyring;
        keyring.insert(QString::fromLatin1(kTestKeyId), testPublicKey());
        auto ws = Workspace::open(m_ws);
        const ImportResult a = importArchive(*ws, { archive, QStringLiteral("tester"), &keyring });
        QCOMPARE(ImportResult::outcomeName(a.outcome), QStringLiteral("imported"));
        QCOMPARE(a.state, QStringLiteral("verified"));
        QCOMPARE(a.rows(), rows);
        QCOMPARE(a.quarantined, quarantined);
        if (!totals.isNull())
            QCOMPARE(this->totals(), totals);
    }

    void corpusCopiesAreUnchanged()
    {
        // The copies in tests/data/corpus are the shared corpus files byte for byte (when the shared
        // corpus is present: CI may run from a clone without it).
        const QString shared = qEnvironmentVariable("CASEBOOK_CORPUS");
        if (shared.isEmpty() || !QFile::exists(shared))
            QSKIP("../shared/corpus is not available");
        for (const char *f : { kCtTrail, kCamt053, kMt940 })
            QCOMPARE(readFile(corpus(QString::fromLatin1(f))), readFile(shared + u"/" + QString::fromLatin1(f)));
    }

    // ---- files that must be rejected, leaving the workspace as it was ----------------------------

    void rejected_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QString>("message");

        const QByteArray gz = readFile(corpus(QString::fromLatin1(kCtTrail) + u".gz"));
        QByteArray badCrc = gz;
        badCrc[badCrc.size() - 8] = char(badCrc[badCrc.size() - 8] ^ 0x55); // the CRC-32 in the gzip trailer
        QByteArray badLen = gz;
        badLen[badLen.size() - 2] = char(badLen[badLen.size() - 2] ^ 0x01); // ISIZE in the trailer
        QByteArray badData = gz;
        badData[badData.size() / 2] = char(badData[badData.size() / 2] ^ 0xff); // inside the deflate stream
        QByteArray badMethod = gz;
        badMethod[2] = 9; // compression method: only 8 (deflate) exists
        const QByteArray trail = readFile(corpus(QString::fromLatin1(kCtTrail)));
        const QByteArray camt053 = readFile(corpus(QString::fromLatin1(kCamt053)));
        const QByteArray mt940 = readFile(corpus(QString::fromLatin1(kMt940)));

        QTest::addRow("gzip bad CRC") << "cloudtrail" << badCrc << "gzip data is corrupt: CRC-32 mismatch (incorrect data check)";
        QTest::addRow("gzip bad length") << "cloudtrail" << badLen << "gzip data is corrupt: length mismatch (incorrect length check)";
        QTest::addRow("gzip truncated") << "cloudtrail" << gz.left(gz.size() / 2) << "gzip data is truncated (the stream ends before its end marker)";
        QTest::addRow("gzip trailing garbage") << "cloudtrail" << gz + "junk" << "gzip data is followed by 4 bytes of garbage";
        QTest::addRow("gzip corrupt data") << "cloudtrail" << badData << "gzip data is corrupt: CRC-32 mismatch (incorrect data check)";
        QTest::addRow("gzip bad method") << "cloudtrail" << badMethod << "gzip data is corrupt: unknown compression method";
        QTest::addRow("gzip camt") << "camt.053" << gz << "line 1, column 1: malformed XML: Start tag expected.";

        QTest::addRow("cloudtrail empty") << "cloudtrail" << QByteArray() << "the file is empty (expected CloudTrail JSON)";
        QTest::addRow("cloudtrail whitespace") << "cloudtrail" << QByteArray(" \n\r\n\t") << "the file is empty (expected CloudTrail JSON)";
        QTest::addRow("cloudtrail truncated") << "cloudtrail" << trail.left(1500) << "line 43, column 20: invalid JSON: unterminated string";
        QTest::addRow("cloudtrail not JSON") << "cloudtrail" << QByteArray("eventTime,eventName\n") << "line 1: not JSON (CloudTrail logs start with '{' or '[')";
        QTest::addRow("cloudtrail no Records") << "cloudtrail" << QByteArray("{\"Foo\": [1, 2]}")
                                               << "line 1: the JSON object has no \"Records\" or \"Events\" array and is not a CloudTrail record";
        QTest::addRow("cloudtrail Records not array") << "cloudtrail" << QByteArray("{\"Records\": {}}")
                                                      << "line 1: the JSON object has no \"Records\" or \"Events\" array and is not a CloudTrail record";
        QTest::addRow("cloudtrail invalid UTF-8") << "cloudtrail" << QByteArray("{\"Records\": [\n{\"eventName\": \"a\xff\"}\n]}")
                                                  << "line 2: invalid UTF-8";
        QTest::addRow("cloudtrail trailing garbage") << "cloudtrail" << QByteArray("{\n\"Records\": []\n}\nxyz")
                                                     << "line 4, column 1: invalid JSON: garbage at the end of the document";

        const QByteArray doctype = "<?xml version=\"1.0\"?>\n<!DOCTYPE Document [\n<!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n]>\n";
        QTest::addRow("camt XXE") << "camt.053" << doctype + camt(ntry("1.00").replace("<Sts>", "<AddtlNtryInf>&xxe;</AddtlNtryInf><Sts>")).mid(39)
                                  << "line 4: the document has a DOCTYPE declaration, which is not accepted in camt files (it could declare "
                                     "external entities or expand entities without bound)";
        QByteArray laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
        for (int i = 1; i <= 9; ++i)
            laughs += "<!ENTITY lol" + QByteArray::number(i) + " \"" + QByteArray("&lol" + (i == 1 ? QByteArray() : QByteArray::number(i - 1)) + ";").repeated(10) + "\">\n";
        laughs += "]>\n<Document><BkToCstmrStmt><Stmt><AddtlStmtInf>&lol9;</AddtlStmtInf></Stmt></BkToCstmrStmt></Document>\n";
        QTest::addRow("camt billion laughs") << "camt.053" << laughs
                                             << "line 13: the document has a DOCTYPE declaration, which is not accepted in camt files (it could "
                                                "declare external entities or expand entities without bound)";
        QTest::addRow("camt plain DOCTYPE") << "camt.053" << QByteArray("<!DOCTYPE Document>\n") + camt(ntry("1.00")).mid(39)
                                            << "line 1: the document has a DOCTYPE declaration, which is not accepted in camt files (it could "
                                               "declare external entities or expand entities without bound)";
        QTest::addRow("camt undeclared entity") << "camt.053" << camt(ntry("1.00").replace("<Sts>", "<AddtlNtryInf>&x;</AddtlNtryInf><Sts>"))
                                                << "line 11, column 17: malformed XML: Entity 'x' not declared.";
        QTest::addRow("camt truncated") << "camt.053" << camt053.left(camt053.size() / 2)
                                        << "line 96, column 4: malformed XML: Premature end of document.";
        QTest::addRow("camt empty") << "camt.053" << QByteArray() << "line 1, column 0: malformed XML: Premature end of document.";
        QTest::addRow("camt not XML") << "camt.053" << mt940.left(200) << "line 1, column 1: malformed XML: Start tag expected.";
        QTest::addRow("camt version 01") << "camt.053" << camt(ntry("1.00"), "urn:iso:std:iso:20022:tech:xsd:camt.053.001.01")
                                         << "line 2: camt.053.001.01 is not supported (versions .02 and later are)";
        QTest::addRow("camt wrong root") << "camt.053" << QByteArray("<?xml version=\"1.0\"?>\n<Statement/>\n") << "line 2: the root element is <Statement>, not <Document>";
        QTest::addRow("camt no account") << "camt.053" << QByteArray(camt(QByteArray())).replace("<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ownr><Nm>Own Co</Nm></Ownr></Acct>", "")
                                         << "line 5: the statement has no account (<Acct><Id>)";
        QTest::addRow("camt entry before account")
            << "camt.053" << QByteArray(camt(ntry("1.00"))).replace("<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ownr><Nm>Own Co</Nm></Ownr></Acct>\n", "")
            << "line 7: an entry comes before the statement's account (<Acct>)";
        QTest::addRow("camt deep nesting") << "camt.053" << camt("<Ntry>" + QByteArray("<X>").repeated(70) + QByteArray("</X>").repeated(70) + "</Ntry>\n")
                                           << "line 8: elements nest deeper than 64 levels";

        QTest::addRow("mt940 empty") << "mt940" << QByteArray() << "no MT940 fields found (expected a statement starting with :20:)";
        QTest::addRow("mt940 truncated") << "mt940" << mt940.left(mt940.indexOf(":62F:"))
                                         << "line 1: the statement has no closing balance (:62F:); the file may be truncated";
        QTest::addRow("mt940 not MT940") << "mt940" << camt053.left(100)
                                         << "line 1: \"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\" is not inside a field (MT940 fields start with a tag such as :20:)";
        QTest::addRow("mt940 field before :20:") << "mt940" << QByteArray(":25:123\n:20:X\n") << "line 1: field :25: comes before any :20: (start of a statement)";
        QTest::addRow("mt940 entry before balance") << "mt940" << QByteArray(":20:X\n:25:DE1\n:61:2401010101C1,00NTRFNONREF\n:62F:C240101EUR1,00\n")
                                                    << "line 3: :61: comes before the statement's opening balance (:60F:)";
        QTest::addRow("mt940 entry before account") << "mt940" << QByteArray(":20:X\n:60F:C240101EUR0,00\n:61:2401010101C1,00NTRFNONREF\n")
                                                    << "line 3: :61: comes before the statement's account (:25:)";
        QTest::addRow("mt940 bad balance") << "mt940" << QByteArray(":20:X\n:25:DE1\n:60F:X240101EUR0,00\n")
                                           << "line 3: :60F: \"X240101EUR0,00\" is not a balance (D/C mark, YYMMDD date, currency, amount with decimal comma)";
        QTest::addRow("mt940 balance date") << "mt940" << QByteArray(":20:X\n:25:DE1\n:60F:C240231EUR0,00\n")
                                            << "line 3: :60F: date 240231 is not a calendar date";
        QTest::addRow("mt940 balance decimals") << "mt940" << QByteArray(":20:X\n:25:DE1\n:60F:C240101EUR0,123456\n")
                                                << "line 3: :60F: amount has more than 4 decimals";
        QTest::addRow("mt940 no account") << "mt940" << QByteArray(":20:X\n:60F:C240101EUR0,00\n:62F:C240101EUR0,00\n-\n")
                                          << "line 1: the statement has no account (:25:)";
        QTest::addRow("mt940 two openings") << "mt940" << QByteArray(":20:X\n:25:DE1\n:60F:C240101EUR0,00\n:60F:C240101EUR0,00\n")
                                            << "line 4: a second opening balance in the statement that starts at line 1";
        QTest::addRow("mt940 entry after closing") << "mt940" << QByteArray(":20:X\n:25:DE1\n:60F:C240101EUR0,00\n:62F:C240101EUR0,00\n:61:2401010101C1,00NTRFNONREF\n")
                                                   << "line 5: :61: comes after the closing balance (:62F:)";
        QTest::addRow("mt940 bad :90D:") << "mt940" << QByteArray(":20:X\n:25:DE1\n:34F:EUR0,\n:90D:xEUR1,00\n")
                                         << "line 4: :90D: \"xEUR1,00\" is not a number of entries, currency and amount";
    }

    void rejected()
    {
        QFETCH(QString, format);
        QFETCH(QByteArray, data);
        QFETCH(QString, message);
        const QString path = writeTmp(QStringLiteral("bad.dat"), data);
        const QByteArray before = workspaceDigest(m_ws);
        const ImportResult r = importLoose(path, format);
        QCOMPARE(ImportResult::outcomeName(r.outcome), QStringLiteral("rejected"));
        QCOMPARE(r.message, QString(path + u": " + message));
        QCOMPARE(workspaceDigest(m_ws), before);

        // Inside an archive, the same file rejects the archive, naming archive and file.
        ArchiveSpec spec;
        spec.extraEntries = [&](SeaWriter &w) { w.addFile(QStringLiteral("native/bad.dat"), formats::kindOf(format), format, data); };
        const QString archive = tmp(QStringLiteral("a.sea"));
        QVERIFY(writeArchive(archive, spec));
        Keyring keyring;
        keyring.insert(QString::fromLatin1(kTestKeyId), testPublicKey());
        auto ws = Workspace::open(m_ws);
        const ImportResult a = importArchive(*ws, { archive, QStringLiteral("tester"), &keyring });
        QCOMPARE(ImportResult::outcomeName(a.outcome), QStringLiteral("rejected"));
        QCOMPARE(a.message, QString(archive + u": native/bad.dat: " + message));
        QCOMPARE(workspaceDigest(m_ws), before);
    }

    void gunzipCap()
    {
        const QByteArray gz = readFile(corpus(QString::fromLatin1(kCtTrail) + u".gz"));
        auto r = formats::gunzip(gz, 1000);
        QVERIFY(!r);
        QCOMPARE(r.error().message, QStringLiteral("gzip data inflates beyond 0 MiB, the limit for files that are parsed whole"));
        auto full = formats::gunzip(gz);
        QVERIFY(full);
        QCOMPARE(*full, readFile(corpus(QString::fromLatin1(kCtTrail))));
        // Two members concatenated are one gzip file (as `cat a.gz b.gz` makes).
        auto twice = formats::gunzip(QByteArray(gz + gz));
        QVERIFY(twice);
        QCOMPARE(twice->size(), 2 * full->size());
    }

    // ---- row-level problems: quarantined with line and reason, the rest imported ------------------

    void quarantined_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<int>("rows");
        QTest::addColumn<QStringList>("reasons"); ///< "line: reason" in order
        QTest::addColumn<Checks>("checks");

        const QByteArray rec = R"({"eventID":"e1","eventTime":"2024-01-02T03:04:05Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/bob","userName":"bob"},"sourceIPAddress":"2001:db8::1"})";
        QByteArray lines = rec + "\n"
            + R"({"eventID":"e2","eventTime":"2024-01-02T03:04:06Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/eve"},"errorCode":"AccessDenied","errorMessage":"no"})" "\n"
            + "{not json}\n"
            + R"({"eventID":"e3","eventName":"X","userIdentity":{"type":"Root"}})" "\n"
            + R"({"eventID":"e4","eventTime":"yesterday","eventName":"X","userIdentity":{"type":"Root"}})" "\n"
            + R"({"eventID":"e5","eventTime":"2024-01-02T03:04:05Z","userIdentity":{"type":"Root"}})" "\n"
            + R"({"eventID":"e6","eventTime":"2024-01-02T03:04:05Z","eventName":"X","userIdentity":{}})" "\n"
            + R"({"eventID":"e7","eventTime":"2024-01-02T03:04:05Z","eventName":5,"userIdentity":{"type":"Root"}})" "\n"
            + "[1]\n"
            + "\n"
            + R"({"Records":[{"eventID":"e8","eventTime":"2024-01-02T03:04:07+08:00","eventName":"ConsoleLogin","userIdentity":{"type":"Root","accountId":"1"},"sourceIPAddress":"AWS Internal","errorCode":"Failed authentication"}]})" "\n";
        QTest::addRow("cloudtrail JSON Lines")
            << "cloudtrail" << lines << 3
            << QStringList { QStringLiteral("3: invalid JSON: The JSON document has an improper structure: missing or superfluous commas, braces, missing keys, etc."),
                             QStringLiteral("4: eventTime is missing"),
                             QStringLiteral("5: eventTime \"yesterday\": timestamp is not RFC 3339 (expected YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM])"),
                             QStringLiteral("6: eventName is missing"),
                             QStringLiteral("7: userIdentity names no actor (no arn, userName, principalId, invokedBy or type)"),
                             QStringLiteral("8: eventName is not a string"), QStringLiteral("9: the record is not a JSON object") }
            << Checks { { QStringLiteral("SELECT event_id, actor, actor_name, source_ip, action, outcome, ts_offset_s, line FROM events ORDER BY line"),
                          QStringLiteral("e1|arn:aws:iam::1:user/bob|bob|2001:db8::1|s3.amazonaws.com:GetObject|success|0|1\n"
                                         "e2|arn:aws:iam::1:user/eve|∅|∅|iam.amazonaws.com:CreateUser|denied|0|2\n"
                                         "e8|Root|∅|∅|ConsoleLogin|failure|28800|11") } };
        // The LookupEvents shape: the record is an escaped JSON string; EventId stands in for a
        // missing eventID.
        const QByteArray lookup =
            "{\"Events\":[\n"
            "{\"EventId\":\"L1\",\"EventName\":\"RunInstances\",\"EventTime\":1700000000.0,\"CloudTrailEvent\":\"{\\\"eventTime\\\":\\\"2023-11-14T22:13:20Z\\\",\\\"eventSource\\\":\\\"ec2.amazonaws.com\\\",\\\"eventName\\\":\\\"RunInstances\\\",\\\"userIdentity\\\":{\\\"type\\\":\\\"AssumedRole\\\",\\\"arn\\\":\\\"arn:aws:sts::1:assumed-role/r/s\\\",\\\"accessKeyId\\\":\\\"ASIA1\\\"},\\\"sourceIPAddress\\\":\\\"198.51.100.7\\\",\\\"requestParameters\\\":{\\\"instanceType\\\":\\\"t3.micro\\\"}}\"},\n"
            "{\"EventId\":\"L2\",\"CloudTrailEvent\":\"{broken\"},\n"
            "{\"EventId\":\"L3\",\"CloudTrailEvent\":42}\n"
            "],\"NextToken\":\"abc\"}\n";
        QTest::addRow("cloudtrail LookupEvents")
            << "cloudtrail" << lookup << 1
            << QStringList { QStringLiteral("3: CloudTrailEvent is not valid JSON: The JSON document has an improper structure: missing or superfluous commas, braces, missing keys, etc."),
                             QStringLiteral("4: CloudTrailEvent is not a string") }
            << Checks { { QStringLiteral("SELECT event_id, actor, session_id, source_ip, json_extract(details, '$.requestParameters.instanceType'), line FROM events"),
                          QStringLiteral("L1|arn:aws:sts::1:assumed-role/r/s|ASIA1|198.51.100.7|t3.micro|2") } };
        QTest::addRow("cloudtrail top-level array and BOM")
            << "cloudtrail" << QByteArray("\xEF\xBB\xBF[\n" + rec + ",\n 7\n]") << 1 << QStringList { QStringLiteral("3: the record is not a JSON object") }
            << Checks { { QStringLiteral("SELECT event_id, line FROM events"), QStringLiteral("e1|2") } };
        QTest::addRow("cloudtrail single record") << "cloudtrail" << rec << 1 << QStringList {} << Checks {};

        QTest::addRow("camt bad amounts and dates")
            << "camt.053"
            << camt(ntry("1.00") + ntry("1.00001") + ntry("-2.00") + ntry("1,00") + ntry("3.00", "XXXX") + ntry("4.00", "DBIT", "<Dt>2024-02-30</Dt>")
                    + ntry("5.00", "DBIT", "<DtTm>2024-03-01T10:00:00</DtTm>") + ntry("6.00", "CRDT", "<Dt>2024-03-01T10:00:00Z</Dt>")
                    + QByteArray("<Ntry><Amt>7.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-03-01</Dt></BookgDt></Ntry>\n")
                    + QByteArray("<Ntry><Amt Ccy=\"EUR\">8.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>\n")
                    + QByteArray("<Ntry><CdtDbtInd>CRDT</CdtDbtInd></Ntry>\n"))
            << 2
            << QStringList { QStringLiteral("14: Amt \"1.00001\": amount has more than 4 decimals"), QStringLiteral("20: Amt \"-2.00\": amount is negative"),
                             QStringLiteral("26: Amt \"1,00\": amount is not a decimal number"), QStringLiteral("32: CdtDbtInd \"XXXX\" is neither CRDT nor DBIT"),
                             QStringLiteral("38: BookgDt \"2024-02-30\" is not a YYYY-MM-DD calendar date"),
                             QStringLiteral("50: BookgDt \"2024-03-01T10:00:00Z\" is not a YYYY-MM-DD calendar date"),
                             QStringLiteral("56: Amt has currency \"\", not an ISO 4217 code"),
                             QStringLiteral("57: the entry has neither a booking date (BookgDt) nor a value date (ValDt)"),
                             QStringLiteral("58: the entry has no amount (Amt)") }
            << Checks { { QStringLiteral("SELECT txn_id, ts_text, ts_offset_s, debtor_account, creditor_account, creditor_name, amount_e4 FROM transactions ORDER BY line"),
                          // A date-time without offset is read in the institution's zone (Europe/Berlin here).
                          QStringLiteral("S1/1|2024-03-01|3600|∅|DE89370400440532013000|Own Co|10000\n"
                                         "S1/7|2024-03-01T10:00:00|3600|DE89370400440532013000|∅|∅|50000") },
                        { QStringLiteral("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ts_utc_ms / 1000, 'unixepoch') FROM transactions ORDER BY line"),
                          QStringLiteral("2024-02-29T23:00:00Z\n2024-03-01T09:00:00Z") } };

        // MT940: one statement that balances, one that does not (all its entries quarantined with the
        // figures), one entry with a bad amount; an entry booked in January for a December value.
        const QByteArray mt = ":20:OK\r\n:25:DE1\r\n:28C:1/1\r\n:60F:C231231EUR100,00\r\n"
                              ":61:2312310102D10,50NTRFNONREF//B1\r\n:86:Free text narrative\r\nsecond line\r\n"
                              ":61:231231C0,50NMSCREF2\r\nSupplementary\r\n:62F:C240102EUR90,00\r\n-\r\n"
                              ":20:BAD\r\n:25:DE1\r\n:28C:2/1\r\n:60F:C240102EUR90,00\r\n:61:240103C50,NTRFNONREF\r\n:62F:C240103EUR160,00\r\n-\r\n"
                              ":20:AMT\r\n:25:DE1\r\n:28C:3/1\r\n:60F:C240103EUR0,\r\n:61:240104CX,NTRFNONREF\r\n:61:240104C1,00QTRFNONREF\r\n:62F:C240104EUR1,\r\n-\r\n";
        QTest::addRow("mt940 balances")
            << "mt940" << mt << 2
            << QStringList { QStringLiteral("16: statement BAD (account DE1, no. 2/1, line 12) does not balance: opening balance 90.00 + entries +50.00 = 140.00, "
                                            "but the closing balance :62F: (line 17) is 160.00; the statement's entries are not imported"),
                             QStringLiteral("23: :61: amount \",\" is not digits with a decimal comma"),
                             QStringLiteral("24: :61: transaction type \"QTRF\" is not N, F or S and three letters or digits") }
            << Checks { { QStringLiteral("SELECT txn_id, ts_text, value_date, debtor_account, creditor_account, amount_text, reference, memo FROM transactions ORDER BY line"),
                          QStringLiteral("DE1/1/1/2023-12-31/1|2024-01-02|2023-12-31|DE1|∅|10.50|B1|Free text narrative\nsecond line\n"
                                         "DE1/1/1/2023-12-31/2|2023-12-31|2023-12-31|∅|DE1|0.50|REF2|Supplementary") } };
        const QByteArray mt942 = ":20:INTRA\n:25:DE1\n:28C:1\n:34F:EURD0,\n:13D:2401031200+0100\n"
                                 ":61:240103C5,NTRFNONREF\n:61:240103D2,NTRFNONREF\n:90D:1EUR2,\n:90C:1EUR5,\n-\n"
                                 ":20:INTRA2\n:25:DE1\n:28C:2\n:34F:EUR0,\n:61:240103D2,NTRFNONREF\n:90D:2EUR2,\n-\n";
        QTest::addRow("mt942 summaries")
            << "mt940" << mt942 << 2
            << QStringList { QStringLiteral("15: statement INTRA2 (account DE1, no. 2, line 11): :90D: (line 16) states 2 debits of 2.00, the entries hold 1 of 2.00; "
                                            "the statement's entries are not imported") }
            << Checks { { QStringLiteral("SELECT txn_id, debtor_account, creditor_account, amount_text FROM transactions ORDER BY line"),
                          QStringLiteral("DE1/1/2401031200+0100/1|∅|DE1|5\nDE1/1/2401031200+0100/2|DE1|∅|2") } };
        // Found by fuzzing: a type with non-ASCII letters was cut inside a UTF-8 sequence.
        QTest::addRow("mt940 non-ASCII type")
            << "mt940" << QByteArray(":20:X\n:25:DE1\n:60F:C240101EUR0,\n:61:240101C1,N\xfd\xfd\xfdREF\n:62F:C240101EUR1,\n") << 0
            << QStringList { QStringLiteral("4: :61: transaction type \"Nýýý\" is not N, F or S and three letters or digits") } << Checks {};
        // ISO 8859-1 text (not UTF-8) is read as such; a SWIFT envelope is skipped.
        const QByteArray latin1 = "{1:F01BANKDEFFAXXX0000000000}{2:O9401200240101BANKDEFFAXXX00000000002401011200N}{4:\n"
                                  ":20:L1\n:25:DE1\n:28C:1\n:60F:C240101EUR0,\n:61:240101C1,NTRFNONREF\n:86:M\xfcller\n:62F:C240101EUR1,\n-}";
        QTest::addRow("mt940 Latin-1 in SWIFT envelope")
            << "mt940" << latin1 << 1 << QStringList {}
            << Checks { { QStringLiteral("SELECT memo, line FROM transactions"), QStringLiteral("Müller|6") } };
    }

    void quarantined()
    {
        QFETCH(QString, format);
        QFETCH(QByteArray, data);
        QFETCH(int, rows);
        QFETCH(QStringList, reasons);
        QFETCH(Checks, checks);
        const QString path = writeTmp(QStringLiteral("data.txt"), data);
        const ImportResult r = importLoose(path, format, QStringLiteral("Europe/Berlin"));
        QCOMPARE(ImportResult::outcomeName(r.outcome), QStringLiteral("imported"));
        QCOMPARE(query(QStringLiteral("SELECT line || ': ' || reason FROM quarantine ORDER BY id")), reasons.join(u'\n'));
        QCOMPARE(r.rows(), rows);
        QCOMPARE(r.quarantined, reasons.size());
        runChecks(checks);

        // parseDataFile() (dry run, fed in tiny chunks) sees the same.
        auto rep = parseDataFile(formats::kindOf(format), format, data, QStringLiteral("Europe/Berlin"), 7);
        QVERIFY(rep);
        QCOMPARE(rep->events + rep->transactions, rows);
        QCOMPARE(rep->quarantine.size(), reasons.size());
    }

    // ---- loose files: provenance, idempotence, kinds, the CLI --------------------------------------

    void looseFileProvenance()
    {
        const QString path = corpus(QString::fromLatin1(kMt940));
        const ImportResult r = importLoose(path, QStringLiteral("mt940"));
        QCOMPARE(ImportResult::outcomeName(r.outcome), QStringLiteral("imported"));
        const QString sha = QStringLiteral("97941dd131faedcf91d1f7b4876372a3911dbd6525485087038c9f4ffaa17d1a");
        QCOMPARE(r.sha256, sha);
        QCOMPARE(r.exportId, QString(u"file:" + sha));
        QCOMPARE(query(QStringLiteral("SELECT container, state, state_detail, source_path, bytes, key_id, signature FROM archives")),
                 QStringLiteral("file|unsigned|loose file: no manifest or signature from the producer|") + path + u"|27979|∅|∅");
        QCOMPARE(query(QStringLiteral("SELECT path, kind, format, sha256, bytes FROM archive_files")),
                 QStringLiteral("wolph__mt940__betterplace_sepa_mt9401.sta|transactions|mt940|") + sha + u"|27979");
        QCOMPARE(query(QStringLiteral("SELECT id, name, default_timezone FROM tenants")), QStringLiteral("T7|Loose Bank|UTC"));
        const QJsonObject m = QJsonDocument::fromJson(query(QStringLiteral("SELECT manifest FROM archives")).toUtf8()).object();
        QCOMPARE(m.value(u"export_id").toString(), QString(u"file:" + sha));
        QCOMPARE(m.value(u"source").toObject().value(u"container").toString(), QStringLiteral("file"));
        QCOMPARE(m.value(u"source").toObject().value(u"path").toString(), path);

        // Again: recognised by its hash, nothing added.
        const QByteArray before = workspaceDigest(m_ws);
        const ImportResult again = importLoose(path, QStringLiteral("mt940"));
        QCOMPARE(ImportResult::outcomeName(again.outcome), QStringLiteral("already-present"));
        QCOMPARE(workspaceDigest(m_ws), before);

        // A copy under another name is the same file.
        const QString copy = writeTmp(QStringLiteral("copy.sta"), readFile(path));
        QCOMPARE(ImportResult::outcomeName(importLoose(copy, QStringLiteral("mt940")).outcome), QStringLiteral("already-present"));
        QCOMPARE(workspaceDigest(m_ws), before);
    }

    void looseSeaFiles()
    {
        auto ws = Workspace::open(m_ws);
        FileImportRequest req;
        req.tenantId = QStringLiteral("T8");
        req.timezone = QStringLiteral("Asia/Shanghai");
        req.format = QStringLiteral("sea-jsonl");
        req.filePath = writeTmp(QStringLiteral("audit.jsonl"), ArchiveSpec::defaultAudit());
        ImportResult r = importFile(*ws, req);
        QCOMPARE(ImportResult::outcomeName(r.outcome), QStringLiteral("imported"));
        QCOMPARE(r.events, 3);
        req.format = QStringLiteral("sea-csv");
        req.filePath = writeTmp(QStringLiteral("tx.csv"), ArchiveSpec::defaultTransactions());
        r = importFile(*ws, req);
        QCOMPARE(r.transactions, 3);
        req.kind = QStringLiteral("accounts");
        req.filePath = writeTmp(QStringLiteral("accounts.csv"), "account,holder_name\nCN001,王芳\n");
        r = importFile(*ws, req);
        QCOMPARE(r.accounts, 1);
        // A time without offset in the given zone.
        QCOMPARE(*ws->db().queryInt("SELECT ts_offset_s FROM events WHERE event_id = 'E3'"), 8 * 3600);

        req.kind.clear();
        req.format = QStringLiteral("ofx");
        r = importFile(*ws, req);
        QCOMPARE(r.message, QString(req.filePath + u": unknown format \"ofx\" (known: cloudtrail, camt.053, mt940, sea-csv, sea-jsonl)"));
        req.format = QStringLiteral("mt940");
        req.timezone = QStringLiteral("Mars/Olympus");
        r = importFile(*ws, req);
        QCOMPARE(r.message, QString(req.filePath + u": \"Mars/Olympus\" is not a known IANA time zone"));
        req.timezone.clear();
        req.filePath = m_dir.path();
        r = importFile(*ws, req);
        QCOMPARE(r.message, QString(m_dir.path() + u": not a file"));
    }

    void manifestKindMismatch()
    {
        ArchiveSpec spec;
        spec.extraEntries = [&](SeaWriter &w) {
            w.addFile(QStringLiteral("native/x.json"), QStringLiteral("transactions"), QStringLiteral("cloudtrail"), "{\"Records\":[]}");
        };
        const QString archive = tmp(QStringLiteral("a.sea"));
        QVERIFY(writeArchive(archive, spec));
        auto ws = Workspace::open(m_ws);
        const ImportResult a = importArchive(*ws, { archive, QStringLiteral("tester"), nullptr });
        QCOMPARE(a.message, QString(archive + u": native/x.json has kind \"transactions\" and format \"cloudtrail\", which this version of Casebook cannot read"));
    }

    void manifestRecordCount()
    {
        // "records" counts records including quarantined ones: 2 records (1 quarantined) in this file.
        const QByteArray data = readFile(corpus(QStringLiteral("aws_cloudtrail/aws__aws-cloudtrail-processing-library__SerializerAllFieldsNull.json")));
        for (int declared : { 2, 3 }) {
            ArchiveSpec spec;
            spec.exportId = QStringLiteral("00000000-0000-4000-8000-00000000000%1").arg(declared);
            spec.extraEntries = [&](SeaWriter &w) {
                w.addFile(QStringLiteral("native/ct.json"), QStringLiteral("audit"), QStringLiteral("cloudtrail"), data, declared);
            };
            const QString archive = tmp(QStringLiteral("a.sea"));
            QVERIFY(writeArchive(archive, spec));
            auto ws = Workspace::open(m_ws);
            const ImportResult a = importArchive(*ws, { archive, QStringLiteral("tester"), nullptr });
            if (declared == 2) {
                QCOMPARE(ImportResult::outcomeName(a.outcome), QStringLiteral("imported"));
            } else {
                QCOMPARE(a.message, QString(archive + u": native/ct.json: holds 2 records, the manifest states 3"));
            }
        }
    }

    void cli()
    {
        const QString ws = m_ws;
        const QString good = corpus(QString::fromLatin1(kCamt053));
        const QString bad = corpus(QStringLiteral("iso20022_camt/genkgo__camt__camt053.v2.wrong.xml"));
        CliResult r = runCli({ QStringLiteral("import-file"), ws, QStringLiteral("--tenant"), QStringLiteral("T1"), QStringLiteral("--format"),
                               QStringLiteral("camt.053"), good, QStringLiteral("--json") });
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).array().at(0).toObject();
        QCOMPARE(o.value(u"outcome").toString(), QStringLiteral("imported"));
        QCOMPARE(o.value(u"transactions").toInt(), 1);
        QCOMPARE(o.value(u"state").toString(), QStringLiteral("unsigned"));
        QCOMPARE(o.value(u"tenant").toString(), QStringLiteral("T1"));

        // Already present → 0; a rejected file among them → 1, and nothing of it is kept.
        const QByteArray before = workspaceDigest(ws);
        r = runCli({ QStringLiteral("import-file"), ws, QStringLiteral("--tenant=T1"), QStringLiteral("--format=camt.053"), good });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(u"already-present"), qPrintable(r.out));
        r = runCli({ QStringLiteral("import-file"), ws, QStringLiteral("--tenant"), QStringLiteral("T1"), QStringLiteral("--format"),
                     QStringLiteral("camt.053"), bad, good });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(bad + u": rejected: " + bad + u": the camt.053.001.02 message holds no <Stmt>"), qPrintable(r.out));
        QCOMPARE(workspaceDigest(ws), before);

        // Usage errors → 2.
        for (const QStringList &args : { QStringList { QStringLiteral("import-file"), ws, good, QStringLiteral("--format"), QStringLiteral("mt940") },
                                         QStringList { QStringLiteral("import-file"), ws, good, QStringLiteral("--tenant"), QStringLiteral("T1") },
                                         QStringList { QStringLiteral("import-file"), ws, good, QStringLiteral("--tenant"), QStringLiteral("T1"),
                                                       QStringLiteral("--format"), QStringLiteral("ofx") },
                                         QStringList { QStringLiteral("import-file"), ws, QStringLiteral("--tenant"), QStringLiteral("T1"),
                                                       QStringLiteral("--format"), QStringLiteral("mt940") },
                                         QStringList { QStringLiteral("import-file"), ws, good, QStringLiteral("--tenant"), QStringLiteral("T1"),
                                                       QStringLiteral("--format"), QStringLiteral("mt940"), QStringLiteral("--kind"), QStringLiteral("x") } }) {
            r = runCli(args);
            QCOMPARE(r.exitCode, 2);
        }
        QCOMPARE(workspaceDigest(ws), before);
    }
};

QTEST_GUILESS_MAIN(TestFormats)
#include "tst_formats.moc"
