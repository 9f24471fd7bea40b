// SPDX-License-Identifier: GPL-3.0-or-later
// SearchPanel: searches off the GUI thread (busy indicator, Stop, stale results dropped), immediate
// syntax errors, history with hit counts, saved searches (dialogs included), the timeline toggle and
// the syntax help.

#include "demogenerator.h"
#include "importer.h"
#include "linkedentitiesmodel.h"
#include "searchpanel.h"
#include "searchquery.h"
#include "searchresultmodel.h"
#include "testutils.h"
#include "workspace.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCompleter>
#include <QDialog>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>
#include <QToolButton>

#include <functional>

using namespace casebook;
using namespace casebook::test;

namespace {
/// Runs `act` on the next modal dialog that opens (QInputDialog, QMessageBox).
void onNextModal(std::function<void(QWidget *)> act)
{
    auto *timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, act] {
        if (QWidget *w = QApplication::activeModalWidget()) {
            timer->stop();
            timer->deleteLater();
            act(w);
        }
    });
    timer->start();
}
} // namespace

class TestSearchPanel : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_path;
    std::optional<Workspace> m_ws;
    std::unique_ptr<SearchPanel> m_panel;

    int64_t historyHits(const QString &query)
    {
        auto q = m_ws->db().prepare("SELECT hits FROM search_history WHERE query = ? ORDER BY id DESC LIMIT 1");
        q->bind(1, query);
        if (q->step() != Statement::StepResult::Row)
            return -2;
        return q->columnIsNull(0) ? -1 : q->columnInt(0);
    }
    int64_t historyRows()
    {
        auto n = m_ws->db().queryInt("SELECT count(*) FROM search_history");
        return n ? *n : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        demo::Options o;
        o.rows = 4000;
        auto gen = demo::generate(m_dir.filePath(QStringLiteral("archives")), o);
        QVERIFY(gen);
        m_path = m_dir.filePath(QStringLiteral("demo.casebook"));
        auto ws = Workspace::create(m_path);
        QVERIFY(ws);
        for (const demo::GeneratedArchive &g : *gen)
            QCOMPARE(importArchive(*ws, { g.path, QStringLiteral("tester"), nullptr }).outcome, ImportResult::Outcome::Imported);
        m_ws.emplace(std::move(*ws));
    }
    void init()
    {
        QVERIFY(m_ws->db().exec("DELETE FROM search_history; DELETE FROM saved_searches"));
        m_panel = std::make_unique<SearchPanel>();
        m_panel->resize(1200, 600);
        m_panel->show();
        m_panel->setWorkspace(m_path, &m_ws->db());
    }
    void cleanup() { m_panel.reset(); }
    void cleanupTestCase() { m_ws.reset(); }

    // Linked entities load on a worker; the model then holds what SearchService computes, and a
    // refresh superseded by another one delivers only the newer result.
    void linkedEntitiesLoadOffTheGuiThread()
    {
        QSignalSpy loaded(m_panel.get(), &SearchPanel::linkedLoaded);
        m_panel->refreshLinked();
        m_panel->refreshLinked();
        QVERIFY(loaded.wait(20000));
        QTest::qWait(200);
        QCOMPARE(loaded.size(), 1);
        auto expected = SearchService(m_ws->db()).linkedEntities(2);
        QVERIFY(expected);
        QVERIFY(!expected->isEmpty());
        QCOMPARE(m_panel->linked()->rowCount(), int(expected->size()));
        QCOMPARE(m_panel->linked()->entity(0)->key, expected->first().key);
        // Switching workspaces empties the list and drops a load still running.
        m_panel->refreshLinked();
        m_panel->setWorkspace({}, nullptr);
        QTest::qWait(300);
        QCOMPARE(m_panel->linked()->rowCount(), 0);
        QCOMPARE(loaded.size(), 1);
    }

    void syntaxErrorIsImmediateAndChangesNothing_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("caret"); // non-breaking spaces before the caret: the 0-based position
        QTest::addRow("open parenthesis") << QStringLiteral("(a OR b") << 7;
        QTest::addRow("unknown field") << QStringLiteral("rent colour:red") << 5;
        QTest::addRow("bad amount") << QStringLiteral("amount>=(") << 8;
    }
    void syntaxErrorIsImmediateAndChangesNothing()
    {
        QFETCH(QString, query);
        QFETCH(int, caret);
        QSignalSpy finished(m_panel.get(), &SearchPanel::finished);
        QVERIFY(!m_panel->search(query));
        QVERIFY(!m_panel->isBusy());
        // The caret sits under the 0-based position (the query line keeps its spaces as non-breaking ones).
        const QStringList lines = m_panel->errorText().split(QStringLiteral("<br>"));
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines[1].startsWith(QString(caret, QChar(0xa0)) + u'^'), qPrintable(lines[1]));
        QVERIFY(m_panel->errorText().contains(u"expected") || m_panel->errorText().contains(u"unknown"));
        QVERIFY(!m_panel->results()->search());
        QTest::qWait(50);
        QCOMPARE(finished.size(), 0);
        QCOMPARE(historyRows(), 0);
    }

    void searchRunsInTheBackgroundAndRecordsHistory()
    {
        QAbstractItemModelTester tester(m_panel->results(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy finished(m_panel.get(), &SearchPanel::finished);
        QVERIFY(m_panel->search(QStringLiteral("kind:event")));
        // search() returned before any SQL ran: the GUI shows it is busy and can stop it.
        QVERIFY(m_panel->isBusy());
        QVERIFY(m_panel->busyIndicator()->isVisibleTo(m_panel.get()));
        QVERIFY(m_panel->stopButton()->isVisibleTo(m_panel.get()));
        QCOMPARE(m_panel->results()->rowCount(), 0);
        QVERIFY(finished.wait(20000));
        QVERIFY(!m_panel->isBusy());
        QVERIFY(!m_panel->busyIndicator()->isVisibleTo(m_panel.get()));
        QVERIFY(!m_panel->stopButton()->isVisibleTo(m_panel.get()));
        auto expected = SearchService(m_ws->db()).count(*SearchService::compile(QStringLiteral("kind:event")));
        QCOMPARE(m_panel->results()->totalHits(), expected->total());
        QVERIFY(m_panel->countsText().contains(QStringLiteral("%1 hits").arg(expected->total())));
        QVERIFY(m_panel->countsText().contains(QStringLiteral("T0001: %1").arg(expected->events.value(QStringLiteral("T0001")))));
        // Recorded with its hit count; the completer offers it.
        QCOMPARE(historyHits(QStringLiteral("kind:event")), expected->total());
        QCOMPARE(m_panel->history(), QStringList { QStringLiteral("kind:event") });
        QCOMPARE(m_panel->completer()->model()->rowCount(), 1);
    }

    // An import holds the workspace's write lock for a whole archive. A search finished meanwhile is
    // not lost from the history and shows no error: it is listed at once, written when the lock is
    // free, with the time it ran. (Before, the GUI thread waited for the lock and then showed
    // "database is locked", and the search never reached the history.)
    void historyWaitsWhileAnotherTaskWrites()
    {
        const auto restore = m_ws->db().busyTimeoutFor(100); // as MainWindow sets it for the GUI thread
        auto importer = SqliteDb::open(m_path, SqliteDb::Mode::ReadWrite);
        QVERIFY(importer);
        QVERIFY(importer->exec("BEGIN IMMEDIATE"));
        QSignalSpy finished(m_panel.get(), &SearchPanel::finished);
        QVERIFY(m_panel->search(QStringLiteral("kind:event")));
        QVERIFY(finished.wait(20000));
        QVERIFY(m_panel->search(QStringLiteral("kind:transaction")));
        QVERIFY(finished.wait(20000));
        QCOMPARE(m_panel->errorText(), QString());
        QCOMPARE(historyRows(), 0);
        QCOMPARE(m_panel->history(), (QStringList { QStringLiteral("kind:transaction"), QStringLiteral("kind:event") }));
        // View ▸ Refresh opens the same workspace again: the waiting searches stay.
        m_panel->setWorkspace(m_path, &m_ws->db());
        QCOMPARE(m_panel->history(), (QStringList { QStringLiteral("kind:transaction"), QStringLiteral("kind:event") }));
        QVERIFY(importer->exec("COMMIT"));
        QTRY_COMPARE_WITH_TIMEOUT(historyRows(), 2, 10000);
        auto expected = SearchService(m_ws->db()).count(*SearchService::compile(QStringLiteral("kind:event")));
        QCOMPARE(historyHits(QStringLiteral("kind:event")), expected->total());
        QCOMPARE(m_panel->history(), (QStringList { QStringLiteral("kind:transaction"), QStringLiteral("kind:event") }));
        QCOMPARE(m_panel->errorText(), QString());
    }

    void historyIsNewestFirstAndDistinct()
    {
        QSignalSpy finished(m_panel.get(), &SearchPanel::finished);
        for (const char *q : { "kind:event", "kind:transaction", "kind:event", "zzzznotthere" }) {
            QVERIFY(m_panel->search(QString::fromUtf8(q)));
            QVERIFY(finished.wait(20000));
        }
        QCOMPARE(historyRows(), 4); // every executed query is recorded
        QCOMPARE(historyHits(QStringLiteral("zzzznotthere")), 0);
        QCOMPARE(m_panel->history(),
                 (QStringList { QStringLiteral("zzzznotthere"), QStringLiteral("kind:event"), QStringLiteral("kind:transaction") }));
        // The completer matches anywhere in a query, case-insensitively.
        m_panel->completer()->setCompletionPrefix(QStringLiteral("KIND"));
        QCOMPARE(m_panel->completer()->completionCount(), 2);
        // Saved ▸ Recent lists them; choosing one runs it.
        m_panel->rebuildSavedMenu();
        QMenu *recent = m_panel->savedMenu()->findChild<QMenu *>(QStringLiteral("recentSearches"));
        QVERIFY(recent);
        QCOMPARE(recent->actions().size(), 3);
        QCOMPARE(recent->actions().at(2)->text(), QStringLiteral("kind:transaction"));
        recent->actions().at(2)->trigger();
        QCOMPARE(m_panel->searchBox()->text(), QStringLiteral("kind:transaction"));
        QVERIFY(finished.wait(20000));
        QCOMPARE(m_panel->history().first(), QStringLiteral("kind:transaction"));
    }

    void typingFastShowsOnlyTheLastQuery()
    {
        QSignalSpy finished(m_panel.get(), &SearchPanel::finished);
        QLineEdit *box = m_panel->searchBox();
        box->setFocus();
        // Each pause starts a search; the next keystrokes supersede it before or after it finished.
        QTest::keyClicks(box, QStringLiteral("kind:event"));
        QTest::qWait(400);
        box->clear();
        QTest::keyClicks(box, QStringLiteral("kind:tr"));
        QTest::qWait(380);
        QTest::keyClicks(box, QStringLiteral("ansaction"));
        QTRY_VERIFY_WITH_TIMEOUT(m_panel->results()->search() && !m_panel->isBusy()
                                     && m_panel->results()->search()->query().text() == u"kind:transaction",
                                 20000);
        QTest::qWait(200);
        SearchResultModel *r = m_panel->results();
        QCOMPARE(r->counts().totalEvents, 0);
        QTRY_VERIFY_WITH_TIMEOUT(r->rowCount() > 0 && r->index(0, 0).data(SearchResultModel::LoadedRole).toBool(), 20000);
        for (int row = 0; row < std::min(r->rowCount(), SearchResultModel::kPageSize); ++row)
            QCOMPARE(r->index(row, 0).data(SearchResultModel::KindRole).toInt(), int(HitKind::Transaction));
        QCOMPARE(historyRows(), 0); // pauses in typing do not fill the history...
        finished.clear();
        QTest::keyClick(box, Qt::Key_Return); // ...Enter does
        QTRY_COMPARE_WITH_TIMEOUT(historyRows(), 1, 20000);
        QVERIFY(historyHits(QStringLiteral("kind:transaction")) > 0);
    }

    void stopEndsTheSearch()
    {
        QSignalSpy finished(m_panel.get(), &SearchPanel::finished);
        QVERIFY(m_panel->search(QStringLiteral("kind:event OR kind:transaction"))); // everything
        QVERIFY(m_panel->isBusy());
        QTest::mouseClick(m_panel->stopButton(), Qt::LeftButton);
        QVERIFY(!m_panel->isBusy());
        QCOMPARE(finished.size(), 1);
        QVERIFY(m_panel->countsText().contains(u"Stopped"));
        QVERIFY(!m_panel->stopButton()->isVisibleTo(m_panel.get()));
        QCOMPARE(historyRows(), 1);
        QCOMPARE(historyHits(QStringLiteral("kind:event OR kind:transaction")), -1); // recorded, hits unknown
        QTest::qWait(300);
        QVERIFY(!m_panel->results()->countsKnown());
    }

    void savedSearches()
    {
        QVERIFY(m_panel->saveSearch(QStringLiteral("story"), QStringLiteral("account:GB33BUKB20201555555555"), false));
        auto dup = m_panel->saveSearch(QStringLiteral("story"), QStringLiteral("王芳"), false);
        QVERIFY(!dup);
        QCOMPARE(dup.error().code, Error::Code::AlreadyPresent);
        QCOMPARE(m_panel->savedSearches().size(), 1);
        QCOMPARE(m_panel->savedSearches().first().query, QStringLiteral("account:GB33BUKB20201555555555"));
        QVERIFY(m_panel->saveSearch(QStringLiteral("dba"), QStringLiteral("role:dba outcome:denied"), false));
        m_panel->rebuildSavedMenu();
        QList<QAction *> actions = m_panel->savedMenu()->actions();
        QCOMPARE(actions.at(0)->text(), QStringLiteral("dba")); // by name
        QCOMPARE(actions.at(1)->text(), QStringLiteral("story"));
        // Choosing one runs it.
        QSignalSpy finished(m_panel.get(), &SearchPanel::finished);
        actions.at(1)->trigger();
        QCOMPARE(m_panel->searchBox()->text(), QStringLiteral("account:GB33BUKB20201555555555"));
        QVERIFY(finished.wait(20000));
        QVERIFY(m_panel->results()->totalHits() > 0);
        // Deleting asks first; "No" keeps it, "Yes" deletes it.
        QMenu *del = m_panel->savedMenu()->findChild<QMenu *>(QStringLiteral("deleteSaved"));
        QVERIFY(del);
        onNextModal([](QWidget *w) { static_cast<QMessageBox *>(w)->button(QMessageBox::No)->click(); });
        del->actions().at(0)->trigger();
        QCOMPARE(m_panel->savedSearches().size(), 2);
        onNextModal([](QWidget *w) { static_cast<QMessageBox *>(w)->button(QMessageBox::Yes)->click(); });
        del->actions().at(0)->trigger();
        QCOMPARE(m_panel->savedSearches().size(), 1);
        QCOMPARE(m_panel->savedSearches().first().name, QStringLiteral("story"));
        // Stored in the workspace: another panel on the same workspace sees it.
        SearchPanel other;
        other.setWorkspace(m_path, &m_ws->db());
        QCOMPARE(other.savedSearches().size(), 1);
    }

    void saveButtonAsksForANameAndBeforeOverwriting()
    {
        QPushButton *save = m_panel->findChild<QPushButton *>(QStringLiteral("saveSearch"));
        QVERIFY(save);
        m_panel->searchBox()->setText(QStringLiteral("王芳"));
        onNextModal([](QWidget *w) {
            auto *d = qobject_cast<QInputDialog *>(w);
            QVERIFY(d);
            d->setTextValue(QStringLiteral("wang fang"));
            d->accept();
        });
        save->click();
        QCOMPARE(m_panel->savedSearches().size(), 1);
        QCOMPARE(m_panel->savedSearches().first().name, QStringLiteral("wang fang"));
        QCOMPARE(m_panel->savedSearches().first().query, QStringLiteral("王芳"));
        // Same name, other query: asks; "No" keeps the old query.
        m_panel->searchBox()->setText(QStringLiteral("王芳 amount>10000"));
        onNextModal([](QWidget *w) {
            auto *d = qobject_cast<QInputDialog *>(w);
            QVERIFY(d);
            d->setTextValue(QStringLiteral("wang fang"));
            d->accept();
            onNextModal([](QWidget *m) { static_cast<QMessageBox *>(m)->button(QMessageBox::No)->click(); });
        });
        save->click();
        QCOMPARE(m_panel->savedSearches().first().query, QStringLiteral("王芳"));
        onNextModal([](QWidget *w) {
            static_cast<QInputDialog *>(w)->setTextValue(QStringLiteral("wang fang"));
            static_cast<QInputDialog *>(w)->accept();
            onNextModal([](QWidget *m) { static_cast<QMessageBox *>(m)->button(QMessageBox::Yes)->click(); });
        });
        save->click();
        QCOMPARE(m_panel->savedSearches().size(), 1);
        QCOMPARE(m_panel->savedSearches().first().query, QStringLiteral("王芳 amount>10000"));
    }

    void timelineToggle()
    {
        QSignalSpy changed(m_panel.get(), &SearchPanel::timelineSearchChanged);
        QSignalSpy finished(m_panel.get(), &SearchPanel::finished);
        QVERIFY(!m_panel->timelineSearch());
        m_panel->timelineHitsAction()->setChecked(true);
        QCOMPARE(changed.size(), 1);
        QVERIFY(!m_panel->timelineSearch()); // nothing searched yet
        QVERIFY(m_panel->search(QStringLiteral("kind:event")));
        QCOMPARE(changed.size(), 2); // at once, not after the count
        QVERIFY(m_panel->timelineSearch());
        QCOMPARE(m_panel->timelineSearch()->query().text(), QStringLiteral("kind:event"));
        QVERIFY(finished.wait(20000));
        m_panel->timelineHitsAction()->setChecked(false);
        QCOMPARE(changed.size(), 3);
        QVERIFY(!m_panel->timelineSearch());
        QVERIFY(m_panel->search(QStringLiteral("kind:transaction")));
        QCOMPARE(changed.size(), 3); // off: searches do not touch the timeline
        QVERIFY(finished.wait(20000));
    }

    void selectingAHitReportsItsInstant()
    {
        QSignalSpy finished(m_panel.get(), &SearchPanel::finished);
        QSignalSpy selected(m_panel.get(), &SearchPanel::hitSelected);
        QSignalSpy instant(m_panel.get(), &SearchPanel::hitInstantSelected);
        QVERIFY(m_panel->search(QStringLiteral("account:GB33BUKB20201555555555")));
        QVERIFY(finished.wait(20000));
        QTRY_VERIFY(m_panel->results()->hit(1));
        m_panel->resultView()->setCurrentIndex(m_panel->results()->index(1, 0));
        QCOMPARE(selected.size(), 1);
        QCOMPARE(instant.size(), 1);
        QCOMPARE(instant.at(0).at(0).toLongLong(), qint64(m_panel->results()->hit(1)->utcMs));
        QCOMPARE(selected.at(0).at(1).toLongLong(), qint64(m_panel->results()->hit(1)->rowId));
    }

    void helpShowsTheSyntax()
    {
        // Every field of the language is explained...
        const QString html = SearchPanel::helpHtml();
        for (SearchField f : { SearchField::Tenant, SearchField::Actor, SearchField::Role, SearchField::Ip, SearchField::Action,
                               SearchField::Outcome, SearchField::Account, SearchField::Debtor, SearchField::Creditor,
                               SearchField::Name, SearchField::Currency, SearchField::Channel, SearchField::Status,
                               SearchField::Ref, SearchField::Memo, SearchField::Kind })
            QVERIFY2(html.contains(searchFieldName(f) + u':'), qPrintable(searchFieldName(f)));
        for (const char *s : { "amount", "after:", "before:", "last:", "OR", "NOT", "ip:10.1.0.0/16", "王芳" })
            QVERIFY2(html.contains(QString::fromUtf8(s)), s);
        // ...and every example parses.
        QVERIFY(SearchPanel::helpExamples().size() >= 20);
        for (const auto &[query, what] : SearchPanel::helpExamples())
            QVERIFY2(SearchQuery::parse(query), qPrintable(query));
        // The "?" button opens it.
        QToolButton *button = m_panel->findChild<QToolButton *>(QStringLiteral("searchHelp"));
        QVERIFY(button);
        QVERIFY(!m_panel->helpDialog());
        button->click();
        QVERIFY(m_panel->helpDialog());
        QVERIFY(m_panel->helpDialog()->isVisible());
        QVERIFY(m_panel->helpDialog()->findChild<QTextBrowser *>()->toPlainText().contains(u"amount:1000..5000"));
    }
};

QTEST_MAIN(TestSearchPanel)
#include "tst_searchpanel.moc"
