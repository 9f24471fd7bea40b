// SPDX-License-Identifier: GPL-3.0-or-later
#include "casemodels.h"
#include "caseview.h"
#include "importer.h"
#include "keyring.h"
#include "mainwindow.h"
#include "recordview.h"
#include "searchpanel.h"
#include "searchresultmodel.h"
#include "testutils.h"
#include "verifier.h"
#include "workspace.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QElapsedTimer>
#include <QInputDialog>
#include <QPushButton>
#include <QTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace casebook;
using namespace casebook::test;

class TestCaseView : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    int m_n = 0;

    QString workspaceWithData()
    {
        const QString ws = m_dir.filePath(QStringLiteral("%1.casebook").arg(++m_n));
        const QString archive = m_dir.filePath(QStringLiteral("%1.sea.zip").arg(m_n));
        if (!writeArchive(archive, ArchiveSpec()))
            qFatal("archive");
        auto w = Workspace::create(ws);
        Keyring k;
        importArchive(*w, { archive, QStringLiteral("t"), &k });
        return ws;
    }

    static QStringList journalActions(const QString &ws)
    {
        auto db = SqliteDb::open(ws, SqliteDb::Mode::ReadOnly);
        auto q = db->prepare("SELECT action FROM journal ORDER BY seq");
        QStringList out;
        while (q->step() == Statement::StepResult::Row)
            out << q->columnText(0);
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qputenv("CASEBOOK_INVESTIGATOR", "Wang Fang (CBIRC)");
    }

    void addEvidenceFromGridWithUndoRedo()
    {
        const QString ws = workspaceWithData();
        MainWindow win;
        win.show();
        QVERIFY(win.openWorkspace(ws));
        QAbstractItemModelTester caseTester(win.caseModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester evidenceTester(win.caseView()->evidenceModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        // Without a case, adding is refused with a message.
        RecordView *events = win.view(MainWindow::EventsTab);
        QTRY_COMPARE(win.eventModel()->rowCount(), 3);
        QTRY_VERIFY(win.eventModel()->index(2, 0).data(RecordTableModel::LoadedRole).toBool());
        events->selectAll();
        QVERIFY(!win.addSelectionToCase(MainWindow::EventsTab, {}));
        QVERIFY(win.bannerText().contains(u"Select or create a case"));

        const qint64 caseId = win.newCase(QStringLiteral("Night export"));
        QVERIFY(caseId > 0);
        QCOMPARE(win.caseModel()->rowCount(), 1);
        QCOMPARE(win.tabs()->currentIndex(), int(MainWindow::CaseTab));
        QVERIFY(win.addSelectionToCase(MainWindow::EventsTab, QStringLiteral("all three")));
        QCOMPARE(win.caseView()->evidenceModel()->rowCount(), 3);
        QCOMPARE(win.caseModel()->index(0, CaseListModel::EvidenceColumn).data().toLongLong(), 3);
        QCOMPARE(win.caseView()->evidenceModel()->index(0, EvidenceModel::CommentColumn).data().toString(), QStringLiteral("all three"));

        QSignalSpy instants(win.caseView(), &CaseView::evidenceInstantsChanged);
        QUndoStack *undo = win.caseView()->undoStack();
        QVERIFY(undo->canUndo());
        undo->undo();
        QCOMPARE(win.caseView()->evidenceModel()->rowCount(), 0);
        undo->redo();
        QCOMPARE(win.caseView()->evidenceModel()->rowCount(), 3);
        QVERIFY(instants.count() >= 2);
        QCOMPARE(instants.last().at(0).value<QVector<qint64>>().size(), 3);

        // Remove one (undoable) from the case view.
        const qint64 first = win.caseView()->evidenceModel()->index(0, 0).data(EvidenceModel::EvidenceIdRole).toLongLong();
        QVERIFY(win.caseView()->removeEvidence({ first }));
        QCOMPARE(win.caseView()->evidenceModel()->rowCount(), 2);
        undo->undo();
        QCOMPARE(win.caseView()->evidenceModel()->rowCount(), 3);

        // Every step is in the journal, attributed to the investigator, and the chain holds.
        const QStringList actions = journalActions(ws);
        QCOMPARE(actions.mid(actions.indexOf(QStringLiteral("case.created"))),
                 (QStringList { QStringLiteral("case.created"), QStringLiteral("evidence.added"), QStringLiteral("evidence.removed"),
                                QStringLiteral("evidence.removed"), QStringLiteral("evidence.removed"), QStringLiteral("evidence.restored"),
                                QStringLiteral("evidence.restored"), QStringLiteral("evidence.restored"), QStringLiteral("evidence.removed"),
                                QStringLiteral("evidence.restored") }));
        QVERIFY(win.verifyJournal().startsWith(u"journal intact"));
    }

    void notesRenderedWithHistoryAndUndo()
    {
        const QString ws = workspaceWithData();
        MainWindow win;
        win.show();
        QVERIFY(win.openWorkspace(ws));
        win.newCase(QStringLiteral("Notes"));
        CaseView *v = win.caseView();
        QVERIFY(v->addNote(QStringLiteral("# Finding\n\n- **bold** claim about 王芳")));
        QVERIFY(v->notesView()->toPlainText().contains(u"Finding"));
        QVERIFY(v->notesView()->toPlainText().contains(u"王芳"));
        QVERIFY(!v->notesView()->toPlainText().contains(u"**")); // rendered, not raw Markdown
        QVERIFY(v->notesView()->toPlainText().contains(u"Wang Fang (CBIRC)"));
        QVERIFY(v->reviseNote(1, QStringLiteral("# Finding\n\n- revised")));
        QVERIFY(v->notesView()->toPlainText().contains(u"revised"));
        QVERIFY(v->notesView()->toPlainText().contains(u"revision 2"));
        v->undoStack()->undo(); // writes the previous text back as revision 3
        QVERIFY(v->notesView()->toPlainText().contains(u"王芳"));
        QVERIFY(v->notesView()->toPlainText().contains(u"revision 3"));
        auto w = Workspace::open(ws);
        CaseStore store(w->db(), QStringLiteral("x"));
        QCOMPARE(store.noteHistory(1)->size(), 3);
        auto report = verifyWorkspace(w->db(), false);
        QVERIFY2(report->intact, qPrintable(report->failure));
    }

    // While an import holds the workspace's write lock (one transaction per archive), a note is
    // refused at once with the reason instead of freezing the window for the busy timeout, nothing
    // is half-written, and the text comes back as the draft the next time Add Note is pressed.
    void noteRefusedAtOnceWhileAnotherTaskWritesAndKeptAsDraft()
    {
        const QString ws = workspaceWithData();
        MainWindow win;
        win.show();
        QVERIFY(win.openWorkspace(ws));
        win.newCase(QStringLiteral("Busy"));
        CaseView *v = win.caseView();
        QPushButton *addNote = nullptr, *editNote = nullptr;
        for (QPushButton *b : v->findChildren<QPushButton *>()) {
            if (b->text() == QStringLiteral("Add Note…"))
                addNote = b;
            if (b->text() == QStringLiteral("Edit Latest Note…"))
                editNote = b;
        }
        QVERIFY(addNote);
        QVERIFY(editNote);
        auto importer = SqliteDb::open(ws, SqliteDb::Mode::ReadWrite);
        QVERIFY(importer);
        QVERIFY(importer->exec("BEGIN IMMEDIATE"));
        QSignalSpy errors(v, &CaseView::errorOccurred);
        const QString text = QStringLiteral("Seen twice: 王芳 at T0001 and T0002");
        QString offered = QStringLiteral("(no dialog)");
        const auto answer = [&](const QString &with) {
            offered = QStringLiteral("(no dialog)");
            QTimer::singleShot(0, [&offered, with] {
                QWidget *modal = QApplication::activeModalWidget();
                auto *dlg = qobject_cast<QInputDialog *>(modal);
                if (!dlg) { // some other dialog: close it, and the comparisons below fail
                    if (modal)
                        modal->close();
                    offered = QStringLiteral("(another dialog)");
                    return;
                }
                offered = dlg->textValue();
                dlg->setTextValue(with);
                dlg->accept();
            });
        };
        QElapsedTimer clock;
        clock.start();
        answer(text);
        addNote->click();
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(offered, QString());
        QCOMPARE(errors.count(), 1);
        QVERIFY2(errors.at(0).at(0).toString().contains(u"Another task is writing to the workspace"),
                 qPrintable(errors.at(0).at(0).toString()));
        QVERIFY(errors.at(0).at(0).toString().contains(u"Add Note… offers it again"));
        QVERIFY(importer->exec("COMMIT"));
        QCOMPARE(CaseStore(importer.value(), QStringLiteral("x")).notes(1)->size(), 0);
        QVERIFY(win.bannerText().contains(u"Another task is writing to the workspace"));
        // The lock is free: Add Note offers the unsaved text, and saving it works (and ends the
        // error shown).
        answer(text);
        addNote->click();
        QCOMPARE(offered, text);
        QCOMPARE(errors.count(), 1);
        QCOMPARE(win.bannerText(), QString());
        QCOMPARE(CaseStore(importer.value(), QStringLiteral("x")).notes(1)->size(), 1);
        QVERIFY(v->notesView()->toPlainText().contains(u"王芳"));
        // Saved: the next note starts empty.
        answer(QString());
        addNote->click();
        QCOMPARE(offered, QString());

        // A refused edit or evidence change leaves nothing on the undo stack (an undo would otherwise
        // write the old text as a new revision, and a redo the refused one without asking).
        QVERIFY(importer->exec("BEGIN IMMEDIATE"));
        QVERIFY(!v->reviseNote(1, QStringLiteral("revised while busy")));
        QVERIFY(!v->addEvidence(RecordKind::Transaction, { 1 }, QString()));
        QVERIFY(!v->undoStack()->canUndo());
        QCOMPARE(errors.count(), 3);
        QVERIFY(importer->exec("COMMIT"));
        QCOMPARE(CaseStore(importer.value(), QStringLiteral("x")).noteHistory(1)->size(), 1);
        // Edit Latest Note… offers the revision that was refused.
        answer(QStringLiteral("revised"));
        editNote->click();
        QCOMPARE(offered, QStringLiteral("revised while busy"));
        QCOMPARE(CaseStore(importer.value(), QStringLiteral("x")).noteHistory(1)->size(), 2);
        QVERIFY(v->undoStack()->canUndo());
        QCOMPARE(v->undoStack()->count(), 1);
    }

    // Journal entries of the window (a verification run, a grid export) made while an import holds
    // the write lock wait and are written when it is free, with the time of the action.
    void windowJournalEntriesWaitForTheLock()
    {
        const QString ws = workspaceWithData();
        MainWindow win;
        win.show();
        QVERIFY(win.openWorkspace(ws));
        auto importer = SqliteDb::open(ws, SqliteDb::Mode::ReadWrite);
        QVERIFY(importer);
        const int before = int(journalActions(ws).size());
        QVERIFY(importer->exec("BEGIN IMMEDIATE"));
        QElapsedTimer clock;
        clock.start();
        QVERIFY(win.verifyJournal().contains(u"intact"));
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(win.bannerText(), QString());
        QCOMPARE(int(journalActions(ws).size()), before);
        QVERIFY(importer->exec("COMMIT"));
        QTRY_COMPARE_WITH_TIMEOUT(int(journalActions(ws).size()), before + 1, 10000);
        QCOMPARE(journalActions(ws).constLast(), QStringLiteral("verification.run"));
        auto db = SqliteDb::open(ws, SqliteDb::Mode::ReadOnly);
        auto at = db->prepare("SELECT json_extract(payload, '$.at') FROM journal ORDER BY seq DESC LIMIT 1");
        QVERIFY(at);
        QCOMPARE(at->step(), Statement::StepResult::Row);
        QVERIFY(at->columnText(0).startsWith(u"20"));
        auto report = verifyWorkspace(db.value(), false);
        QVERIFY2(report->intact, qPrintable(report->failure));
    }

    void searchEverywhereAndAddHitsToCase()
    {
        const QString ws = workspaceWithData();
        MainWindow win;
        win.show();
        QVERIFY(win.openWorkspace(ws));
        SearchPanel *panel = win.searchPanel();
        // A syntax error points at the position and changes nothing.
        QVERIFY(!panel->search(QStringLiteral("amount>=(")));
        QVERIFY(panel->errorText().contains(u"^"));
        QSignalSpy finished(panel, &SearchPanel::finished);
        win.searchEverywhere(QStringLiteral("王芳"));
        QVERIFY(finished.wait(20000));
        QCOMPARE(win.tabs()->currentIndex(), int(MainWindow::SearchTab));
        QVERIFY(panel->errorText().isEmpty());
        // E1 (actor_name 王芳), X1 (debtor 王芳), X2 (creditor 王芳)
        QCOMPARE(panel->results()->totalHits(), 3);
        QVERIFY(panel->countsText().contains(u"3 hits"));
        QVERIFY(panel->countsText().contains(u"T9001: 3"));
        // Add every hit to a new case: the query is recorded with the evidence.
        win.newCase(QStringLiteral("From search"));
        win.searchEverywhere(QStringLiteral("王芳"));
        QVERIFY(finished.wait(20000));
        panel->resultView()->selectAll();
        QVector<qint64> events, transactions;
        for (int r = 0; r < panel->results()->rowCount(); ++r)
            (panel->results()->index(r, 0).data(SearchResultModel::KindRole).toInt() == 0 ? events : transactions)
                << panel->results()->index(r, 0).data(SearchResultModel::RowIdRole).toLongLong();
        Q_EMIT panel->addToCaseRequested(events, transactions, QStringLiteral("王芳"));
        QCOMPARE(win.caseView()->evidenceModel()->rowCount(), 3);
        QCOMPARE(win.caseView()->evidenceModel()->items().at(0).query, QStringLiteral("王芳"));
    }

    void statusAndTags()
    {
        const QString ws = workspaceWithData();
        MainWindow win;
        win.show();
        QVERIFY(win.openWorkspace(ws));
        win.newCase(QStringLiteral("Status"));
        CaseView *v = win.caseView();
        QSignalSpy errors(v, &CaseView::errorOccurred);
        QVERIFY(v->setStatus(QStringLiteral("closed"), QStringLiteral("referred")));
        QVERIFY(win.caseModel()->index(0, CaseListModel::StatusColumn).data().toString().contains(u"referred"));
        QVERIFY(!v->setStatus(QStringLiteral("closed"), QString()));
        QCOMPARE(errors.count(), 1);
        QVERIFY(v->setTags({ QStringLiteral("aml"), QStringLiteral(" insider ") }));
        auto w = Workspace::open(ws);
        CaseStore store(w->db(), QStringLiteral("x"));
        QCOMPARE(store.listCases()->at(0).tags, (QStringList { QStringLiteral("aml"), QStringLiteral("insider") }));
    }
};

QTEST_MAIN(TestCaseView)
#include "tst_caseview.moc"
