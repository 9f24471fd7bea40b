// SPDX-License-Identifier: GPL-3.0-or-later
// The case report: PDF/A-1b text, fonts and metadata checked with poppler-utils (pdftotext,
// pdffonts, pdfinfo), sidecar hash, manifest, journaling, page growth, cancel, the worker-thread
// path and the export dialog, and casebook-cli export-report / export-csv.

#include "casestore.h"
#include "csvreader.h"
#include "importer.h"
#include "journal.h"
#include "keyring.h"
#include "reportexportdialog.h"
#include "reportwriter.h"
#include "sha256.h"
#include "sqlitedb.h"
#include "testutils.h"
#include "verifier.h"
#include "workspace.h"

#include <QApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtConcurrent>

using namespace casebook;
using namespace casebook::test;

namespace {

QByteArray manyTransactions(int n)
{
    QByteArray csv = "txn_id,ts,value_date,debtor_account,debtor_name,creditor_account,creditor_name,amount,currency,channel,status,reference,memo\r\n";
    for (int i = 0; i < n; ++i)
        csv += QStringLiteral("T%1,2026-02-%2T%3:%4:00+01:00,,ACC%5,Name %5,BEN1,Беннет,%6.50,EUR,api,booked,R%1,\r\n")
                   .arg(i, 5, 10, QLatin1Char('0'))
                   .arg(1 + i / 1440, 2, 10, QLatin1Char('0'))
                   .arg((i / 60) % 24, 2, 10, QLatin1Char('0'))
                   .arg(i % 60, 2, 10, QLatin1Char('0'))
                   .arg(i % 7)
                   .arg(i)
                   .toUtf8();
    return csv;
}

QString run(const QString &tool, const QStringList &args)
{
    QProcess p;
    p.start(tool, args);
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return QStringLiteral("FAILED: ") + QString::fromUtf8(p.readAllStandardError());
    return QString::fromUtf8(p.readAllStandardOutput());
}

QByteArray fileSha(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return Sha256::hexHash(f.readAll());
}

struct Fixture
{
    QString ws;
    int64_t caseId = 0;
    QStringList archiveHashes;
    QStringList recordIds;
};

} // namespace

class TestReportWriter : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    Keyring m_keyring;
    int m_n = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    /// Two institutions (T9001 signed, T9002 unsigned with `extra` more transactions), a case with
    /// 6 + `extra` evidence items (at least the first 3 of T9002) and two notes, one revised.
    Fixture populated(int extra = 3)
    {
        Fixture f;
        ++m_n;
        f.ws = path(QStringLiteral("%1.casebook").arg(m_n));
        auto w = Workspace::create(f.ws);
        ArchiveSpec a;
        ArchiveSpec b;
        b.tenantId = QStringLiteral("T9002");
        b.tenantName = QStringLiteral("Second Bank 第二银行");
        b.exportId = QStringLiteral("00000000-0000-4000-8000-000000000002");
        b.sign = false;
        b.transactions = manyTransactions(std::max(extra, 3));
        b.transactionRecords = std::max(extra, 3);
        for (const ArchiveSpec *spec : { &a, &b }) {
            const QString archive = path(QStringLiteral("%1-%2.sea.zip").arg(m_n).arg(spec->tenantId));
            if (!writeArchive(archive, *spec))
                qFatal("archive");
            const ImportResult r = importArchive(*w, { archive, QStringLiteral("Importer Ivan"), &m_keyring });
            if (r.outcome != ImportResult::Outcome::Imported)
                qFatal("import: %s", qPrintable(r.message));
            f.archiveHashes << r.sha256;
        }
        CaseStore store(w->db(), QStringLiteral("Ada Lovelace (FSA)"));
        auto c = store.createCase(QStringLiteral("Night export 夜间导出"), QStringLiteral("A DBA at T9001 exported customers at night."));
        f.caseId = c->id;
        store.addEvidence(c->id, RecordKind::Event, { 1, 2, 3 }, QStringLiteral("off-hours"));
        store.addEvidence(c->id, RecordKind::Transaction, { 1, 2, 3 }, QStringLiteral("=1+2 payment\nsecond line"));
        QVector<int64_t> more;
        auto q = w->db().prepare("SELECT id FROM transactions WHERE tenant_id = 'T9002' ORDER BY id LIMIT ?");
        q->bind(1, qint64(std::max(extra, 3)));
        while (q->step() == Statement::StepResult::Row)
            more << q->columnInt(0);
        if (extra > 0)
            store.addEvidence(c->id, RecordKind::Transaction, more, QStringLiteral("to the mule"), QStringLiteral("creditor:BEN1"));
        auto note = store.addNote(c->id, QStringLiteral("# Finding\n\n- export at *02:13*"));
        store.reviseNote(*note, QStringLiteral("# Finding\n\n- export at *02:13 local*\n- teller **王芳** approved"));
        store.addNote(c->id, QStringLiteral("Second note: ask T9002 for the *VPN* logs."));
        f.recordIds = QStringList { QStringLiteral("E1"), QStringLiteral("E2"), QStringLiteral("E3"), QStringLiteral("X1"),
                                    QStringLiteral("X2"), QStringLiteral("X3") };
        for (int i = 0; i < extra; ++i)
            f.recordIds << QStringLiteral("T%1").arg(i, 5, 10, QLatin1Char('0'));
        return f;
    }

    ReportRequest request(const Fixture &f, const QString &out)
    {
        ReportRequest r;
        r.workspacePath = f.ws;
        r.caseRef = QStringLiteral("C-0001");
        r.outputPath = out;
        r.zone = QTimeZone("Asia/Shanghai");
        r.investigator = { QStringLiteral("Ada Lovelace"), QStringLiteral("Financial Supervisory Authority") };
        return r;
    }

    static int64_t journalEntries(const QString &ws)
    {
        auto db = SqliteDb::open(ws, SqliteDb::Mode::ReadOnly);
        return journal::head(*db)->entries;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_keyring.insert(QString::fromLatin1(kTestKeyId), testPublicKey());
        for (const char *tool : { "pdftotext", "pdffonts", "pdfinfo" })
            if (QStandardPaths::findExecutable(QString::fromLatin1(tool)).isEmpty())
                QSKIP("poppler-utils is not installed (scripts/deps installs it)");
        QVERIFY2(missingReportFonts().isEmpty(), qPrintable(missingReportFonts().join(u", ")));
    }

    void textIsComplete()
    {
        const Fixture f = populated();
        const QString out = path(QStringLiteral("text.pdf"));
        auto headBefore = [&] {
            auto db = SqliteDb::open(f.ws, SqliteDb::Mode::ReadOnly);
            return journal::head(*db)->hash;
        }();
        auto r = writeCaseReport(request(f, out));
        QVERIFY2(r, qPrintable(r ? QString() : r.error().text()));
        QCOMPARE(r->evidence, 9);
        QCOMPARE(r->journalHeadAtExport, headBefore);
        const QString text = run(QStringLiteral("pdftotext"), { QStringLiteral("-enc"), QStringLiteral("UTF-8"), out, QStringLiteral("-") });
        QVERIFY2(!text.startsWith(u"FAILED"), qPrintable(text));
        for (const QString &needle : { QStringLiteral("C-0001"), QStringLiteral("Night export 夜间导出"), QStringLiteral("A DBA at T9001 exported"),
                                       QStringLiteral("Finding"), QStringLiteral("export at 02:13 local"), QStringLiteral("teller 王芳 approved"),
                                       QStringLiteral("ask T9002 for the VPN logs"), QStringLiteral("王芳"), QStringLiteral("Test Bank 测试银行"),
                                       QStringLiteral("Second Bank 第二银行"), QStringLiteral("Беннет"), QStringLiteral("Müller \"Max\""),
                                       QStringLiteral("Ada Lovelace"), QStringLiteral("Financial Supervisory Authority"),
                                       QStringLiteral("Casebook " CASEBOOK_VERSION), QStringLiteral("UNSIGNED"), QStringLiteral("Asia/Shanghai"),
                                       QStringLiteral("99999999.9999 EUR"), QStringLiteral("0.0001 CNY"), QStringLiteral("1234.56"),
                                       QStringLiteral("=1+2 payment"), QStringLiteral("creditor:BEN1"), QStringLiteral("Currency"),
                                       QString::fromLatin1(headBefore), QStringLiteral("Page 1 of %1").arg(r->pages),
                                       QStringLiteral("Page %1 of %1").arg(r->pages) })
            QVERIFY2(text.contains(needle), qPrintable(u"missing: " + needle));
        // The first row of the summary table (painted text, not only the title page's copy of the name).
        QVERIFY(text.contains(QRegularExpression(QStringLiteral("T9001\\s+Test Bank 测试银行\\s+3\\s+3\\s+6"))));
        for (const QString &id : f.recordIds)
            QVERIFY2(text.contains(QRegularExpression(u"\\b" + id + u"\\b")), qPrintable(u"missing record id " + id));
        for (const QString &h : f.archiveHashes)
            QVERIFY2(text.contains(h), qPrintable(u"missing archive hash " + h));
        // Every evidence item's content hash, on one line each.
        auto db = SqliteDb::open(f.ws, SqliteDb::Mode::ReadOnly);
        auto q = db->prepare("SELECT content_sha256 FROM evidence");
        int hashes = 0;
        while (q->step() == Statement::StepResult::Row) {
            QVERIFY(text.contains(q->columnText(0)));
            ++hashes;
        }
        QCOMPARE(hashes, 9);
        // Only the latest revision of a note is printed.
        QVERIFY(!text.contains(QRegularExpression(QStringLiteral("export at 02:13\\s*\\n"))));
    }

    void fontsEmbeddedAndPdfA()
    {
        const Fixture f = populated();
        const QString out = path(QStringLiteral("fonts.pdf"));
        QVERIFY(writeCaseReport(request(f, out)));
        const QString fonts = run(QStringLiteral("pdffonts"), { out });
        const QStringList lines = fonts.split(u'\n', Qt::SkipEmptyParts);
        QVERIFY2(lines.size() > 2, qPrintable(fonts));
        const qsizetype emb = lines[0].indexOf(u"emb");
        QVERIFY(emb > 0);
        for (const QString &l : lines.mid(2))
            QVERIFY2(l.mid(emb, 3) == u"yes", qPrintable(u"not embedded: " + l));
        QVERIFY2(fonts.contains(u"DroidSansFallback"), qPrintable(fonts)); // the Han font is there

        const QString meta = run(QStringLiteral("pdfinfo"), { QStringLiteral("-meta"), out });
        QVERIFY2(meta.contains(u"pdfaid:part=\"1\"") || meta.contains(u"<pdfaid:part>1</pdfaid:part>"), qPrintable(meta));
        QVERIFY2(meta.contains(u"pdfaid:conformance=\"B\"") || meta.contains(u"<pdfaid:conformance>B</pdfaid:conformance>"), qPrintable(meta));
        const QString info = run(QStringLiteral("pdfinfo"), { out });
        QVERIFY2(info.contains(u"(A4)"), qPrintable(info));
        QVERIFY2(info.contains(u"Case report C-0001"), qPrintable(info));
    }

    void sidecarManifestAndJournal()
    {
        const Fixture f = populated();
        const QString out = path(QStringLiteral("side.pdf"));
        const int64_t before = journalEntries(f.ws);
        auto r = writeCaseReport(request(f, out));
        QVERIFY(r);
        QCOMPARE(r->sha256Path, out + QStringLiteral(".sha256"));
        QCOMPARE(r->manifestPath, path(QStringLiteral("side.manifest.json")));
        QFile side(r->sha256Path);
        QVERIFY(side.open(QIODevice::ReadOnly));
        QCOMPARE(side.readAll(), fileSha(out) + "  side.pdf\n");
        QCOMPARE(r->sha256, fileSha(out));
        // sha256sum agrees.
        QProcess check;
        check.setWorkingDirectory(m_dir.path());
        check.start(QStringLiteral("sha256sum"), { QStringLiteral("-c"), QStringLiteral("side.pdf.sha256") });
        QVERIFY(check.waitForFinished());
        QCOMPARE(check.exitCode(), 0);

        QFile mf(r->manifestPath);
        QVERIFY(mf.open(QIODevice::ReadOnly));
        const QJsonObject m = QJsonDocument::fromJson(mf.readAll()).object();
        QCOMPARE(m[u"app_version"].toString(), QStringLiteral(CASEBOOK_VERSION));
        QCOMPARE(m[u"report"][u"sha256"].toString(), QString::fromLatin1(r->sha256));
        QCOMPARE(m[u"report"][u"pages"].toInt(), r->pages);
        QCOMPARE(m[u"counts"][u"evidence"].toInt(), 9);
        QCOMPARE(m[u"counts"][u"unsigned_sources"].toInt(), 1);
        QCOMPARE(m[u"journal"][u"head"].toString(), QString::fromLatin1(r->journalHeadAtExport));
        QCOMPARE(m[u"journal"][u"entries"].toInt(), before);
        QCOMPARE(m[u"totals"][u"EUR"].toString(), QStringLiteral("100000004.4999")); // 99999999.9999 + 0.50 + 1.50 + 2.50
        QStringList sourceHashes;
        for (const QJsonValue &s : m[u"sources"].toArray())
            sourceHashes << s[u"sha256"].toString();
        sourceHashes.sort();
        QStringList expected = f.archiveHashes;
        expected.sort();
        QCOMPARE(sourceHashes, expected);
        QCOMPARE(m[u"queries"].toArray().size(), 1);
        QCOMPARE(m[u"queries"][0][u"query"].toString(), QStringLiteral("creditor:BEN1"));

        // Journaled after writing, with the report's hash; the journal stays intact.
        QCOMPARE(journalEntries(f.ws), before + 1);
        QCOMPARE(r->journalSeq, before + 1);
        auto db = SqliteDb::open(f.ws, SqliteDb::Mode::ReadOnly);
        auto q = db->prepare("SELECT action, payload FROM journal WHERE seq = ?");
        q->bind(1, qint64(r->journalSeq));
        QVERIFY(q->step() == Statement::StepResult::Row);
        QCOMPARE(q->columnText(0), QStringLiteral("report.exported"));
        const QJsonObject payload = QJsonDocument::fromJson(q->columnBlob(1).toByteArray()).object();
        QCOMPARE(payload[u"sha256"].toString(), QString::fromLatin1(r->sha256));
        QCOMPARE(payload[u"journal_head_at_export"].toString(), QString::fromLatin1(r->journalHeadAtExport));
        auto v = verifyWorkspace(*db);
        QVERIFY2(v->intact, qPrintable(v->failure));
    }

    void pageCountGrowsWithEvidence()
    {
        int pages[3] = {};
        const int extra[3] = { 0, 150, 300 };
        for (int i = 0; i < 3; ++i) {
            const Fixture f = populated(extra[i]);
            auto r = writeCaseReport(request(f, path(QStringLiteral("grow-%1.pdf").arg(i))));
            QVERIFY(r);
            QCOMPARE(r->evidence, 6 + extra[i]);
            const QString info = run(QStringLiteral("pdfinfo"), { r->pdfPath });
            QVERIFY2(info.contains(QRegularExpression(QStringLiteral("Pages:\\s+%1\\n").arg(r->pages))), qPrintable(info));
            pages[i] = r->pages;
        }
        const int per150 = pages[1] - pages[0];
        QVERIFY2(per150 >= 4, qPrintable(QStringLiteral("%1 %2 %3").arg(pages[0]).arg(pages[1]).arg(pages[2])));
        QVERIFY(std::abs((pages[2] - pages[0]) - 2 * per150) <= 1);
    }

    void cancelLeavesNothing()
    {
        const Fixture f = populated(300);
        const QString out = path(QStringLiteral("cancel.pdf"));
        const int64_t before = journalEntries(f.ws);
        const QByteArray digest = workspaceDigest(f.ws);
        auto r = writeCaseReport(request(f, out), nullptr, [](const ReportProgress &p) { return p.phase != u"Writing pages"; });
        QVERIFY(!r);
        QCOMPARE(r.error().code, Error::Code::Cancelled);
        QVERIFY(!QFile::exists(out));
        QVERIFY(!QFile::exists(out + QStringLiteral(".sha256")));
        QVERIFY(!QFile::exists(path(QStringLiteral("cancel.manifest.json"))));
        QCOMPARE(journalEntries(f.ws), before);
        QCOMPARE(workspaceDigest(f.ws), digest);
    }

    void evidenceAddedDuringExport()
    {
        const Fixture f = populated(600);
        bool added = false;
        auto r = writeCaseReport(request(f, path(QStringLiteral("during.pdf"))), nullptr, [&](const ReportProgress &p) {
            if (!added && p.phase == u"Laying out") {
                // Someone adds evidence from the GUI while the worker lays out the report.
                auto other = Workspace::open(f.ws);
                CaseStore store(other->db(), QStringLiteral("Colleague"));
                added = bool(store.addEvidence(f.caseId, RecordKind::Event, { 4, 5, 6 }, QStringLiteral("added-while-exporting")));
            }
            return true;
        });
        QVERIFY(added);
        QVERIFY2(r, qPrintable(r ? QString() : r.error().text()));
        QCOMPARE(r->evidence, 606); // the snapshot the export started from
        QVERIFY(!run(QStringLiteral("pdftotext"), { r->pdfPath, QStringLiteral("-") }).contains(u"added-while-exporting"));
    }

    void badRequests()
    {
        const Fixture f = populated();
        ReportRequest r = request(f, path(QStringLiteral("bad.pdf")));
        r.caseRef = QStringLiteral("C-0099");
        auto e = writeCaseReport(r);
        QVERIFY(!e);
        QVERIFY(e.error().message.contains(u"C-0099"));
        r = request(f, path(QStringLiteral("no/such/dir/x.pdf")));
        e = writeCaseReport(r);
        QVERIFY(!e);
        QCOMPARE(e.error().code, Error::Code::Io);
        QCOMPARE(journalEntries(f.ws), journalEntries(f.ws));
    }

    void workerThreadNeedsPreparedFigure()
    {
        const Fixture f = populated();
        const ReportRequest req = request(f, path(QStringLiteral("thread.pdf")));
        auto noFigure = QtConcurrent::run([req] { return writeCaseReport(req); }).result();
        QVERIFY(!noFigure);
        QVERIFY(!QFile::exists(req.outputPath));
        auto fig = prepareTimelineFigure(req.workspacePath, req.caseRef, req.zone);
        QVERIFY(fig);
        QVERIFY(!fig->boundingRect().isEmpty());
        const QPicture picture = *fig;
        auto withFigure = QtConcurrent::run([req, picture] { return writeCaseReport(req, &picture); }).result();
        QVERIFY2(withFigure, qPrintable(withFigure ? QString() : withFigure.error().text()));
        const QString text = run(QStringLiteral("pdftotext"), { req.outputPath, QStringLiteral("-") });
        QVERIFY(text.contains(u"Timeline"));
        QVERIFY(text.contains(u"evidence items")); // the figure's axis label: vector text, not pixels
    }

    void dialogExports()
    {
        const Fixture f = populated(50);
        ReportExportDialog dialog;
        QSignalSpy finished(&dialog, &ReportExportDialog::exportFinished);
        QSignalSpy failed(&dialog, &ReportExportDialog::exportFailed);
        dialog.start(request(f, path(QStringLiteral("dialog.pdf"))));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000);
        QCOMPARE(failed.size(), 0);
        QCOMPARE(dialog.outcome().state, ReportOutcome::State::Written);
        QVERIFY(QFile::exists(path(QStringLiteral("dialog.pdf"))));
        QCOMPARE(dialog.outcome().result.sha256, fileSha(path(QStringLiteral("dialog.pdf"))));
        QVERIFY(!dialog.isRunning());
    }

    void dialogCancels()
    {
        const Fixture f = populated(3000);
        const int64_t before = journalEntries(f.ws);
        ReportExportDialog dialog;
        QSignalSpy cancelled(&dialog, &ReportExportDialog::exportCancelled);
        QSignalSpy finished(&dialog, &ReportExportDialog::exportFinished);
        QSignalSpy failed(&dialog, &ReportExportDialog::exportFailed);
        dialog.start(request(f, path(QStringLiteral("dialog-cancel.pdf"))));
        QVERIFY(dialog.isRunning());
        dialog.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(cancelled.size() + finished.size() + failed.size() > 0, 30000);
        QVERIFY2(failed.isEmpty(), qPrintable(failed.isEmpty() ? QString() : failed[0][0].toString()));
        QCOMPARE(finished.size(), 0);
        QCOMPARE(cancelled.size(), 1);
        QVERIFY(!QFile::exists(path(QStringLiteral("dialog-cancel.pdf"))));
        QCOMPARE(journalEntries(f.ws), before);
    }

    void dialogReportsFailure()
    {
        const Fixture f = populated();
        ReportExportDialog dialog;
        QSignalSpy failed(&dialog, &ReportExportDialog::exportFailed);
        ReportRequest r = request(f, path(QStringLiteral("x.pdf")));
        r.caseRef = QStringLiteral("C-0042");
        dialog.start(r);
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY(failed[0][0].toString().contains(u"C-0042"));
    }

    void cli()
    {
        const Fixture f = populated();
        const QString out = path(QStringLiteral("cli.pdf"));
        CliResult r = runCli({ QStringLiteral("export-report"), f.ws, QStringLiteral("C-0001"), QStringLiteral("--out"), out,
                               QStringLiteral("--tz"), QStringLiteral("Europe/Zurich"), QStringLiteral("--as"), QStringLiteral("Grace Hopper (FINMA)") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QVERIFY(r.out.contains(u"journaled as entry"));
        QVERIFY(QFile::exists(out + QStringLiteral(".sha256")));
        QVERIFY(QFile::exists(path(QStringLiteral("cli.manifest.json"))));
        const QString text = run(QStringLiteral("pdftotext"), { out, QStringLiteral("-") });
        QVERIFY(text.contains(u"Grace Hopper"));
        QVERIFY(text.contains(u"FINMA"));
        QVERIFY(text.contains(u"Europe/Zurich"));
        QVERIFY(text.contains(u"+01:00"));
        r = runCli({ QStringLiteral("verify"), f.ws });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(u"journal intact"));

        const QString csv = path(QStringLiteral("cli.csv"));
        r = runCli({ QStringLiteral("export-csv"), f.ws, QStringLiteral("C-0001"), QStringLiteral("--out"), csv, QStringLiteral("--bom") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QFile cf(csv);
        QVERIFY(cf.open(QIODevice::ReadOnly));
        const QByteArray bytes = cf.readAll();
        QVERIFY(bytes.startsWith("\xEF\xBB\xBF"));
        QVERIFY(bytes.contains("\"'=1+2 payment\nsecond line\""));
        QVERIFY(r.out.contains(QString::fromLatin1(Sha256::hexHash(bytes))));
        int records = 0;
        CsvReader reader;
        const auto sink = [&](const CsvRecord &) { return ++records, true; };
        reader.feed(bytes, sink);
        reader.finish(sink);
        QCOMPARE(records, 1 + 9);
        r = runCli({ QStringLiteral("verify"), f.ws });
        QCOMPARE(r.exitCode, 0);
        auto db = SqliteDb::open(f.ws, SqliteDb::Mode::ReadOnly);
        auto q = db->prepare("SELECT count(*) FROM journal WHERE action IN ('report.exported', 'csv.exported')");
        q->step();
        QCOMPARE(q->columnInt(0), 2);
    }

    void cliErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addRow("report without --out") << QStringList { QStringLiteral("export-report"), QStringLiteral("WS"), QStringLiteral("C-0001") } << 2;
        QTest::addRow("report without case") << QStringList { QStringLiteral("export-report"), QStringLiteral("WS"), QStringLiteral("--out"), QStringLiteral("x.pdf") } << 2;
        QTest::addRow("report bad zone") << QStringList { QStringLiteral("export-report"), QStringLiteral("WS"), QStringLiteral("C-0001"), QStringLiteral("--out"),
                                                          QStringLiteral("x.pdf"), QStringLiteral("--tz"), QStringLiteral("Mars/Olympus") } << 2;
        QTest::addRow("report unknown case") << QStringList { QStringLiteral("export-report"), QStringLiteral("WS"), QStringLiteral("C-0077"), QStringLiteral("--out"), QStringLiteral("OUT.pdf") } << 2;
        QTest::addRow("report no workspace") << QStringList { QStringLiteral("export-report"), QStringLiteral("NOWS"), QStringLiteral("C-0001"), QStringLiteral("--out"), QStringLiteral("OUT.pdf") } << 1;
        QTest::addRow("csv without --out") << QStringList { QStringLiteral("export-csv"), QStringLiteral("WS"), QStringLiteral("C-0001") } << 2;
        QTest::addRow("csv unknown option") << QStringList { QStringLiteral("export-csv"), QStringLiteral("WS"), QStringLiteral("C-0001"), QStringLiteral("--out"),
                                                             QStringLiteral("OUT.csv"), QStringLiteral("--excel") } << 2;
        QTest::addRow("csv no workspace") << QStringList { QStringLiteral("export-csv"), QStringLiteral("NOWS"), QStringLiteral("C-0001"), QStringLiteral("--out"), QStringLiteral("OUT.csv") } << 1;
        QTest::addRow("csv unwritable") << QStringList { QStringLiteral("export-csv"), QStringLiteral("WS"), QStringLiteral("C-0001"), QStringLiteral("--out"), QStringLiteral("/no/such/dir/x.csv") } << 1;
    }
    void cliErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        static const Fixture f = populated();
        for (QString &a : args) {
            if (a == u"WS")
                a = f.ws;
            else if (a == u"NOWS")
                a = path(QStringLiteral("missing.casebook"));
            else if (a.startsWith(u"OUT"))
                a = path(a);
        }
        const int64_t before = journalEntries(f.ws);
        const CliResult r = runCli(args);
        QVERIFY2(r.exitCode == exitCode, qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(r.err)));
        QVERIFY(!r.err.isEmpty());
        QCOMPARE(journalEntries(f.ws), before);
        QVERIFY(!QFile::exists(path(QStringLiteral("OUT.pdf"))));
        QVERIFY(!QFile::exists(path(QStringLiteral("OUT.csv"))));
    }

    void cliUsageListsExports()
    {
        const CliResult r = runCli({ QStringLiteral("--help") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(u"export-report WS CASE --out FILE.pdf [--tz ZONE]"));
        QVERIFY(r.out.contains(u"export-csv WS CASE --out FILE.csv"));
    }
};

QTEST_MAIN(TestReportWriter)
#include "tst_reportwriter.moc"
