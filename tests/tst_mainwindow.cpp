// SPDX-License-Identifier: GPL-3.0-or-later
#include "importdialog.h"
#include "importer.h"
#include "keyring.h"
#include "mainwindow.h"
#include "quarantinemodel.h"
#include "recordview.h"
#include "tenantlistmodel.h"
#include "timelineview.h"
#include "searchpanel.h"
#include "searchresultmodel.h"
#include "caseview.h"
#include "casemodels.h"
#include "testutils.h"
#include "workspace.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDialog>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace casebook;
using namespace casebook::test;

namespace {
/// (events, transactions) drawn by the timeline.
std::pair<int64_t, int64_t> timelineTotals(const TimelineData &d)
{
    std::pair<int64_t, int64_t> n(0, 0);
    for (const TimelineCounts &c : d.counts) {
        n.first += c.events;
        n.second += c.transactions;
    }
    return n;
}
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;

    QString fresh(const QString &name) { return m_dir.filePath(QString::number(++m_n) + u'-' + name); }

    /// A workspace with the default test archive imported.
    QString workspaceWithData()
    {
        const QString ws = fresh(QStringLiteral("w.casebook"));
        const QString archive = fresh(QStringLiteral("a.sea.zip"));
        if (!writeArchive(archive, ArchiveSpec()))
            qFatal("archive");
        auto w = Workspace::create(ws);
        Keyring k;
        k.insert(QString::fromLatin1(kTestKeyId), testPublicKey());
        if (importArchive(*w, { archive, QStringLiteral("t"), &k }).outcome != ImportResult::Outcome::Imported)
            qFatal("import");
        return ws;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Keep the user's settings and keyring out of the tests.
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qputenv("CASEBOOK_KEYRING", m_dir.filePath(QStringLiteral("keyring.json")).toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("CasebookTest"));
        writeTestKeyring(m_dir.filePath(QStringLiteral("keyring.json")));
    }

    void opensWorkspaceAndListsInstitutions()
    {
        const QString ws = workspaceWithData();
        MainWindow win;
        QSignalSpy opened(&win, &MainWindow::workspaceOpened);
        win.show();
        QVERIFY(win.openWorkspace(ws));
        QCOMPARE(opened.count(), 1);
        QCOMPARE(win.tenantModel()->rowCount(), 2); // All + T9001
        QCOMPARE(win.tenantModel()->index(1, TenantListModel::IdColumn).data().toString(), QStringLiteral("T9001"));
        QCOMPARE(win.tenantModel()->index(1, TenantListModel::VerificationColumn).data().toString(), QStringLiteral("verified"));
        QTRY_COMPARE(win.eventModel()->rowCount(), 3);
        QTRY_COMPARE(win.transactionModel()->rowCount(), 3);
        QVERIFY(win.windowTitle().contains(u"w.casebook"));
        QVERIFY(win.bannerText().isEmpty());
        QTRY_VERIFY(win.statusText().contains(u"3 events in view"));
        QVERIFY(QSettings().value(QStringLiteral("recent")).toStringList().contains(QFileInfo(ws).absoluteFilePath()));
    }

    void detailPaneShowsSourceAndVerification()
    {
        MainWindow win;
        win.show();
        QVERIFY(win.openWorkspace(workspaceWithData()));
        RecordView *v = win.view(MainWindow::EventsTab);
        QTRY_VERIFY(v->model()->index(0, 0).data(RecordTableModel::LoadedRole).toBool());
        v->selectRow(0);
        QTRY_VERIFY(win.detailPane()->toPlainText().contains(u"audit/part-0001.jsonl:"));
        const QString text = win.detailPane()->toPlainText();
        QVERIFY(text.contains(u"Verified archive"));
        QVERIFY(text.contains(u"archive sha256"));
        QVERIFY(text.contains(u"time as exported"));
        QVERIFY(win.statusText().contains(u"1 selected"));
        // Copy puts the selected row's cells on the clipboard.
        v->copySelection();
        QVERIFY(QApplication::clipboard()->text().contains(u"T9001"));
    }

    void choosingAZoneChangesTimesAndOffsets()
    {
        MainWindow win;
        win.show();
        QVERIFY(win.openWorkspace(workspaceWithData()));
        RecordTableModel *m = win.eventModel();
        win.setDisplayZone(QStringLiteral("UTC"));
        QTRY_VERIFY(m->index(2, 0).data(RecordTableModel::LoadedRole).toBool());
        // Sorted newest first: row 2 is E2 at 2026-01-04T18:13:00Z (02:13 +08:00).
        QCOMPARE(m->index(2, 0).data().toString(), QStringLiteral("2026-01-04 18:13:00.000 +00:00"));
        win.setDisplayZone(QStringLiteral("Asia/Shanghai"));
        QCOMPARE(m->index(2, 0).data().toString(), QStringLiteral("2026-01-05 02:13:00.000 +08:00"));
        win.setDisplayZone(QStringLiteral("America/New_York"));
        QCOMPARE(m->index(2, 0).data().toString(), QStringLiteral("2026-01-04 13:13:00.000 -05:00"));
        win.setDisplayZone(QStringLiteral("Institution's zone"));
        QCOMPARE(m->index(2, 0).data().toString(), QStringLiteral("2026-01-05 02:13:00.000 +08:00"));
        win.setDisplayZone(QStringLiteral("Not/AZone"));
        QVERIFY(win.bannerText().contains(u"not a known time zone"));
        QCOMPARE(m->index(2, 0).data().toString(), QStringLiteral("2026-01-05 02:13:00.000 +08:00"));
    }

    void selectingAnInstitutionNarrowsTheGrids()
    {
        const QString ws = workspaceWithData();
        {
            ArchiveSpec other;
            other.tenantId = QStringLiteral("T9002");
            other.exportId = QStringLiteral("other");
            other.audit = R"({"event_id":"Z1","ts":"2026-02-01T00:00:00Z","actor":"x","action":"user.login","outcome":"failure"})" "\n";
            const QString a = fresh(QStringLiteral("b.sea.zip"));
            QVERIFY(writeArchive(a, other));
            auto w = Workspace::open(ws);
            Keyring k;
            QCOMPARE(importArchive(*w, { a, QStringLiteral("t"), &k }).outcome, ImportResult::Outcome::Imported);
        }
        MainWindow win;
        win.show();
        QVERIFY(win.openWorkspace(ws));
        QTRY_COMPARE(win.eventModel()->rowCount(), 4);
        QTableView *tenantView = nullptr;
        for (auto *v : win.findChildren<QTableView *>())
            if (v->model() == win.tenantModel())
                tenantView = v;
        QVERIFY(tenantView);
        QCOMPARE(win.tenantModel()->index(2, TenantListModel::VerificationColumn).data().toString(), QStringLiteral("UNSIGNED"));
        tenantView->selectRow(2);
        QTRY_COMPARE(win.eventModel()->rowCount(), 1);
        QTRY_VERIFY(win.eventModel()->index(0, 0).data(RecordTableModel::LoadedRole).toBool());
        QCOMPARE(win.eventModel()->index(0, 0).data(RecordTableModel::SeverityRole).toInt(), 1);
        tenantView->selectRow(0);
        QTRY_COMPARE(win.eventModel()->rowCount(), 4);
    }

    void importThroughTheDialog()
    {
        const QString ws = fresh(QStringLiteral("import.casebook"));
        QVERIFY(Workspace::create(ws));
        const QString good = fresh(QStringLiteral("good.sea.zip"));
        ArchiveSpec spec;
        spec.transactions += "BAD,2026-01-05T10:00:00Z,,A,n,B,m,-1,CNY,api,booked,r,m\r\n";
        QVERIFY(writeArchive(good, spec));
        const QString bad = fresh(QStringLiteral("bad.sea.zip"));
        ArchiveSpec tampered;
        tampered.exportId = QStringLiteral("tampered");
        tampered.manifestHook = [](QJsonObject &m) { m.insert(QStringLiteral("version"), 7); };
        QVERIFY(writeArchive(bad, tampered));

        MainWindow win;
        win.show();
        QVERIFY(win.openWorkspace(ws));
        ImportDialog *dlg = win.importArchives({ good, bad });
        QVERIFY(dlg);
        QSignalSpy finished(dlg, &ImportDialog::importFinished);
        QVERIFY(finished.wait(30000));
        const auto results = finished.at(0).at(0).value<QVector<ImportResult>>();
        QCOMPARE(results.size(), 2);
        QCOMPARE(results[0].outcome, ImportResult::Outcome::Imported);
        QCOMPARE(results[0].quarantined, 1);
        QCOMPARE(results[1].outcome, ImportResult::Outcome::Rejected);
        // The summary names the rejection reason.
        auto *summary = dlg->findChild<QTableWidget *>();
        QVERIFY(summary);
        QCOMPARE(summary->item(1, 1)->text(), QStringLiteral("rejected"));
        QVERIFY(summary->item(1, 5)->text().contains(u"unsupported SEA version 7"));
        QCOMPARE(summary->item(0, 2)->text(), QStringLiteral("verified"));
        // The window picked up the new data, and the quarantine link shows the bad row.
        QTRY_COMPARE(win.transactionModel()->rowCount(), 3);
        QCOMPARE(win.tenantModel()->rowCount(), 2);
        Q_EMIT dlg->quarantineRequested(results[0].archiveId);
        QCOMPARE(win.tabs()->currentIndex(), int(MainWindow::QuarantineTab));
        QTRY_COMPARE(win.quarantineModel()->rowCount(), 1);
        QVERIFY(win.quarantineModel()->index(0, QuarantineModel::ReasonColumn).data().toString().contains(u"amount is negative"));
        dlg->close();
    }

    void cancellingAnImportLeavesTheWorkspaceAsItWas()
    {
        const QString ws = workspaceWithData();
        QByteArray csv = "txn_id,ts,amount,currency\n";
        for (int i = 0; i < 300000; ++i)
            csv += "C" + QByteArray::number(i) + ",2026-01-05T10:00:00Z,1.00,CNY\n";
        ArchiveSpec big;
        big.tenantId = QStringLiteral("T9100");
        big.exportId = QStringLiteral("big");
        big.transactions = csv;
        const QString archive = fresh(QStringLiteral("big.sea.zip"));
        QVERIFY(writeArchive(archive, big));
        const QByteArray before = workspaceDigest(ws);

        MainWindow win;
        win.show();
        QVERIFY(win.openWorkspace(ws));
        ImportDialog *dlg = win.importArchives({ archive });
        QSignalSpy finished(dlg, &ImportDialog::importFinished);
        // Cancel once the import is under way (the GUI stays responsive meanwhile: this loop runs).
        QTest::qWait(150);
        QVERIFY(dlg->isRunning());
        dlg->cancel();
        QVERIFY(finished.wait(60000));
        const auto results = finished.at(0).at(0).value<QVector<ImportResult>>();
        QCOMPARE(results[0].outcome, ImportResult::Outcome::Cancelled);
        dlg->close();
        QCOMPARE(workspaceDigest(ws), before);
    }

    void timelineSelectionNarrowsGridsAndGridExportsAllRows()
    {
        MainWindow win;
        win.show();
        QVERIFY(win.openWorkspace(workspaceWithData()));
        QTRY_COMPARE(win.eventModel()->rowCount(), 3);
        QTRY_COMPARE(win.transactionModel()->rowCount(), 3);
        // 2026-01-05T00:00Z .. 2026-01-06T00:00Z holds E1 (01:31Z) and E3 (02:00Z) and X1 (02:00Z).
        win.timeline()->selectRange(1767571200000LL, 1767657600000LL);
        QTRY_COMPARE(win.eventModel()->rowCount(), 2);
        QTRY_COMPARE(win.transactionModel()->rowCount(), 1);
        // The selection can go into a case as a whole (2 events + 1 transaction).
        QVERIFY(win.newCase(QStringLiteral("Range")) > 0);
        QCOMPARE(win.addTimelineSelectionToCase(QStringLiteral("that day")), 3);
        QCOMPARE(win.caseView()->evidenceModel()->rowCount(), 3);
        win.timeline()->clearSelection();
        QTRY_COMPARE(win.eventModel()->rowCount(), 3);

        const QString csv = fresh(QStringLiteral("events.csv"));
        QSignalSpy exported(&win, &MainWindow::gridExported);
        QVERIFY(win.exportGridCsv(MainWindow::EventsTab, csv));
        QVERIFY(exported.wait(10000));
        QCOMPARE(exported.at(0).at(1).toLongLong(), 3);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("E1") && text.contains("E2") && text.contains("E3"));
        QVERIFY(text.contains("\"{\"\"rows\"\":120000")); // details kept, quotes doubled
    }

    void searchHitsOnTheTimeline()
    {
        MainWindow win;
        win.show();
        QVERIFY(win.openWorkspace(workspaceWithData()));
        QSignalSpy drawn(win.timeline(), &TimelineView::dataUpdated);
        QVERIFY(drawn.wait(20000));
        SearchPanel *panel = win.searchPanel();
        QSignalSpy finished(panel, &SearchPanel::finished);
        win.searchEverywhere(QStringLiteral("王芳")); // E1, X1, X2
        QVERIFY(finished.wait(20000));
        QCOMPARE(panel->results()->totalHits(), 3);
        QVERIFY(win.statusText().contains(u"3 hits"));
        // "Timeline: only hits" plots the hits, and off restores every row.
        QVERIFY(!win.timeline()->showsSearchHits());
        panel->timelineHitsAction()->trigger();
        QVERIFY(win.timeline()->showsSearchHits());
        QTRY_VERIFY_WITH_TIMEOUT(win.timeline()->data().searchHits, 20000);
        QCOMPARE(timelineTotals(win.timeline()->data()), (std::pair<int64_t, int64_t>(1, 2)));
        // A new search while it is on replaces the hits.
        win.searchEverywhere(QStringLiteral("kind:transaction"));
        QVERIFY(finished.wait(20000));
        QTRY_COMPARE_WITH_TIMEOUT(timelineTotals(win.timeline()->data()), (std::pair<int64_t, int64_t>(0, 3)), 20000);
        panel->timelineHitsAction()->trigger();
        QVERIFY(!win.timeline()->showsSearchHits());
        QTRY_VERIFY_WITH_TIMEOUT(!win.timeline()->data().searchHits, 20000);
        // Selecting a hit shows it in the detail pane and marks it on the timeline.
        QTRY_VERIFY(panel->results()->hit(0));
        panel->resultView()->setCurrentIndex(panel->results()->index(0, 0));
        QCOMPARE(win.timeline()->currentInstant(), std::optional<qint64>(panel->results()->hit(0)->utcMs));
        QTRY_VERIFY(win.detailPane()->toPlainText().contains(panel->results()->hit(0)->id));
        // Dates in the query are read in the selected zone.
        win.setDisplayZone(QStringLiteral("Asia/Shanghai"));
        QVERIFY(panel->search(QStringLiteral("after:2026-01-05")));
        QVERIFY(finished.wait(20000));
        QCOMPARE(panel->results()->search()->query().root().toString(),
                 QStringLiteral("time:[%1..inf)").arg(1767542400000LL)); // 2026-01-04T16:00:00Z
        // Hits show their times in the selected zone, like the grids.
        QVERIFY(panel->search(QStringLiteral("actor:dba.zhou")));
        QVERIFY(finished.wait(20000));
        QTRY_VERIFY(panel->results()->hit(0));
        QCOMPARE(panel->results()->index(0, SearchResultModel::TimeColumn).data().toString(), QStringLiteral("2026-01-05 02:13:00.000 +08:00"));
        QVERIFY(panel->results()->headerData(SearchResultModel::TimeColumn, Qt::Horizontal).toString().contains(u"Asia/Shanghai"));
        win.setDisplayZone(QStringLiteral("UTC"));
        QCOMPARE(panel->results()->index(0, SearchResultModel::TimeColumn).data().toString(), QStringLiteral("2026-01-04 18:13:00.000 +00:00"));
    }

    void helpMenuHasTheSearchSyntax()
    {
        MainWindow win;
        auto *action = win.findChild<QAction *>(QStringLiteral("actionSearchSyntax"));
        QVERIFY(action);
        action->trigger();
        QVERIFY(win.searchPanel()->helpDialog());
        QTRY_VERIFY(win.searchPanel()->helpDialog()->isVisible());
    }

    void failedOpenShowsBannerAndKeepsState()
    {
        const QString bad = fresh(QStringLiteral("bad.casebook"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a database");
        f.close();
        MainWindow win;
        win.show();
        QVERIFY(!win.openWorkspace(bad));
        QVERIFY(win.bannerText().contains(u"not a Casebook workspace"));
        QVERIFY(win.workspacePath().isEmpty());

        const QString newer = fresh(QStringLiteral("newer.casebook"));
        {
            auto w = Workspace::create(newer);
            QVERIFY(w->db().exec("PRAGMA user_version = 42"));
        }
        QVERIFY(!win.openWorkspace(newer));
        QVERIFY(win.bannerText().contains(u"newer Casebook"));
    }

    void quarantineModelFetchesInBatches()
    {
        const QString ws = fresh(QStringLiteral("q.casebook"));
        QVERIFY(Workspace::create(ws));
        QByteArray csv = "txn_id,ts,amount,currency\n";
        for (int i = 0; i < 1200; ++i)
            csv += "Q" + QByteArray::number(i) + ",2026-01-05T10:00:00Z,-1,CNY\n";
        ArchiveSpec spec;
        spec.transactions = csv;
        const QString a = fresh(QStringLiteral("q.sea.zip"));
        QVERIFY(writeArchive(a, spec));
        {
            auto w = Workspace::open(ws);
            Keyring k;
            QCOMPARE(importArchive(*w, { a, QStringLiteral("t"), &k }).quarantined, 1200);
        }
        QuarantineModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setWorkspace(ws);
        QCOMPARE(m.rowCount(), 0);
        QVERIFY(m.canFetchMore({}));
        m.fetchMore({});
        QCOMPARE(m.rowCount(), QuarantineModel::kBatch);
        while (m.canFetchMore({}))
            m.fetchMore({});
        QCOMPARE(m.rowCount(), 1200);
        QCOMPARE(m.index(0, QuarantineModel::LineColumn).data().toLongLong(), 2);
        QCOMPARE(m.index(0, QuarantineModel::FileColumn).data().toString(), QStringLiteral("transactions/part-0001.csv"));
        QVERIFY(m.index(1199, QuarantineModel::RawColumn).data().toString().startsWith(u"Q1199,"));
        m.setArchive(999);
        m.fetchMore({});
        QCOMPARE(m.rowCount(), 0);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
