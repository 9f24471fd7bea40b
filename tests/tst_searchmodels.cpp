// SPDX-License-Identifier: GPL-3.0-or-later
// SearchResultModel (windowed, queries on worker threads) and LinkedEntitiesModel, each under
// QAbstractItemModelTester, on a demo workspace; SearchLoader's generations; SearchService::pageKeys.

#include "demogenerator.h"
#include "importer.h"
#include "keyring.h"
#include "linkedentitiesmodel.h"
#include "searchloader.h"
#include "searchresultmodel.h"
#include "testutils.h"
#include "workspace.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace casebook;
using namespace casebook::test;

class TestSearchModels : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::optional<Workspace> m_ws;

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<QVector<casebook::SearchHit>>();
        qRegisterMetaType<casebook::SearchCounts>();
        demo::Options o;
        o.rows = 4000;
        auto gen = demo::generate(m_dir.filePath(QStringLiteral("archives")), o);
        QVERIFY(gen);
        auto ws = Workspace::create(m_dir.filePath(QStringLiteral("demo.casebook")));
        QVERIFY(ws);
        Keyring k;
        k.insert(QString::fromLatin1(demo::kDemoKeyId), demo::demoPublicKey());
        for (const demo::GeneratedArchive &g : *gen)
            QCOMPARE(importArchive(*ws, { g.path, QStringLiteral("tester"), &k }).outcome, ImportResult::Outcome::Imported);
        m_ws.emplace(std::move(*ws));
    }
    void cleanupTestCase() { m_ws.reset(); }

    /// Every hit of `query` in `sort` order, read synchronously page after page (the reference).
    QVector<SearchHit> reference(const QString &query, SearchSort sort)
    {
        auto c = SearchService::compile(query);
        SearchService service(m_ws->db());
        QVector<SearchHit> all;
        for (;;) {
            auto page = service.page(*c, sort, all.isEmpty() ? nullptr : &all.constLast(), 500);
            if (!page || page->isEmpty())
                break;
            all += *page;
        }
        return all;
    }
    static qint64 identity(const QModelIndex &i)
    {
        return i.data(SearchResultModel::RowIdRole).toLongLong() * 2 + i.data(SearchResultModel::KindRole).toInt();
    }
    /// Reads every row through data() (which queues the pages) until all are loaded.
    static bool loadAll(SearchResultModel &model)
    {
        for (int attempt = 0; attempt < 400; ++attempt) {
            bool all = true;
            for (int r = 0; r < model.rowCount(); ++r)
                if (!model.index(r, 0).data(SearchResultModel::LoadedRole).toBool())
                    all = false;
            if (all)
                return true;
            QTest::qWait(25);
        }
        return false;
    }
    bool startAndWait(SearchResultModel &model, const QString &query, SearchSort sort)
    {
        QSignalSpy finished(&model, &SearchResultModel::finished);
        auto c = SearchService::compile(query);
        if (!c)
            return false;
        model.setSearch(*c, sort);
        if (!model.isBusy())
            return false;
        return finished.wait(20000) && !model.isBusy();
    }

    void pagesEqualTheReference_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("sort");
        QTest::addRow("events by time") << QStringLiteral("kind:event") << int(SearchSort::TimeDesc);
        QTest::addRow("everything oldest first") << QString() << int(SearchSort::TimeAsc);
        QTest::addRow("transactions by amount") << QStringLiteral("kind:transaction") << int(SearchSort::AmountDesc);
        QTest::addRow("both kinds by smallest amount") << QStringLiteral("kind:event OR currency:usd") << int(SearchSort::AmountAsc);
        QTest::addRow("story account") << QStringLiteral("account:GB33BUKB20201555555555") << int(SearchSort::TimeDesc);
    }
    /// The windowed model off the GUI thread shows exactly what synchronous keyset paging returns, in
    /// order, whether pages are read from the top, from the bottom (last page read backwards, then
    /// "before" the next page) or through the jump table.
    void pagesEqualTheReference()
    {
        QFETCH(QString, query);
        QFETCH(int, sort);
        const QVector<SearchHit> ref = reference(query, SearchSort(sort));
        QVERIFY(!ref.isEmpty());
        SearchResultModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setWorkspace(m_ws->path());
        QSignalSpy counts(&model, &SearchResultModel::countsChanged);
        QVERIFY(startAndWait(model, query, SearchSort(sort)));
        QVERIFY(model.countsKnown());
        QCOMPARE(model.totalHits(), int64_t(ref.size()));
        QCOMPARE(model.rowCount(), int(ref.size())); // windowed: every row exists at once
        // From the bottom first: the last page is read backwards without the jump table.
        const int last = model.rowCount() - 1;
        QTRY_VERIFY_WITH_TIMEOUT(model.index(last, 0).data(SearchResultModel::LoadedRole).toBool(), 20000);
        QCOMPARE(identity(model.index(last, 0)), ref.constLast().rowId * 2 + int(ref.constLast().kind));
        QVERIFY(loadAll(model));
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(identity(model.index(r, 0)), ref[r].rowId * 2 + int(ref[r].kind));
        QVERIFY(model.cachedPages() <= SearchResultModel::kMaxCachedPages);
        QVERIFY(!model.index(0, SearchResultModel::SummaryColumn).data().toString().isEmpty());
        QVERIFY(!model.index(0, 0).data(SearchResultModel::SearchQueryRole).toString().isEmpty());
        // Facets sum to the total.
        int64_t sum = 0;
        for (int64_t n : model.counts().events)
            sum += n;
        for (int64_t n : model.counts().transactions)
            sum += n;
        QCOMPARE(sum, int64_t(ref.size()));
        QVERIFY(!model.canFetchMore({})); // the count is known: nothing to grow
    }

    void jumpTableReachesAnyPage()
    {
        const QVector<SearchHit> ref = reference(QString(), SearchSort::TimeDesc);
        QVERIFY(ref.size() > 6 * SearchResultModel::kPageSize);
        SearchResultModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setWorkspace(m_ws->path());
        QVERIFY(startAndWait(model, QString(), SearchSort::TimeDesc));
        QTRY_VERIFY_WITH_TIMEOUT(model.hasPageKeys(), 20000);
        // A page in the middle with no loaded neighbour comes from the jump table.
        const int row = 3 * SearchResultModel::kPageSize + 17;
        QTRY_VERIFY_WITH_TIMEOUT(model.index(row, 0).data(SearchResultModel::LoadedRole).toBool(), 20000);
        QCOMPARE(identity(model.index(row, 0)), ref[row].rowId * 2 + int(ref[row].kind));
        QVERIFY(model.hit(row));
        QCOMPARE(model.hit(row)->id, ref[row].id);
        QVERIFY(!model.hit(5 * SearchResultModel::kPageSize)); // never asked for: not loaded
    }

    void newerSearchDropsOlderResults()
    {
        SearchResultModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setWorkspace(m_ws->path());
        QSignalSpy finished(&model, &SearchResultModel::finished);
        // As if typed fast: three searches in a row; only the last may show.
        model.setSearch(*SearchService::compile(QStringLiteral("kind:event")));
        model.setSearch(*SearchService::compile(QString()));
        const quint64 last = model.setSearch(*SearchService::compile(QStringLiteral("kind:transaction")));
        QVERIFY(finished.wait(20000));
        QTest::qWait(200); // anything stale would have arrived by now
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.at(0).at(0).toULongLong(), last);
        QCOMPARE(model.totalHits(), int64_t(reference(QStringLiteral("kind:transaction"), SearchSort::TimeDesc).size()));
        QCOMPARE(model.counts().totalEvents, 0);
        QVERIFY(loadAll(model));
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(model.index(r, 0).data(SearchResultModel::KindRole).toInt(), int(HitKind::Transaction));
    }

    void staleJobsNeverReport()
    {
        SearchLoader loader;
        loader.open(m_ws->path());
        QSignalSpy counted(&loader, &SearchLoader::counted);
        QSignalSpy pages(&loader, &SearchLoader::pageLoaded);
        QSignalSpy failed(&loader, &SearchLoader::failed);
        const CompiledSearch s = *SearchService::compile(QStringLiteral("kind:event"));
        loader.setGeneration(2);
        loader.count(1, s); // superseded before it starts
        SearchPageRequest r;
        r.generation = 1;
        r.limit = 10;
        loader.fetch(s, SearchSort::TimeDesc, r);
        QCOMPARE(counted.size(), 0);
        QCOMPARE(pages.size(), 0);
        QCOMPARE(failed.size(), 0);
        loader.count(2, s);
        r.generation = 2;
        loader.fetch(s, SearchSort::TimeDesc, r);
        QCOMPARE(counted.size(), 1);
        QCOMPARE(pages.size(), 1);
        QCOMPARE(pages.at(0).at(2).value<QVector<SearchHit>>().size(), 10);
    }

    void stopKeepsWhatIsLoaded()
    {
        SearchResultModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setWorkspace(m_ws->path());
        QSignalSpy finished(&model, &SearchResultModel::finished);
        QSignalSpy busy(&model, &SearchResultModel::busyChanged);
        model.setSearch(*SearchService::compile(QString()));
        QVERIFY(model.isBusy());
        model.cancel(); // before any result could be delivered
        QVERIFY(!model.isBusy());
        QCOMPARE(finished.size(), 1);
        QCOMPARE(busy.size(), 2);
        QVERIFY(model.wasStopped());
        QTest::qWait(300);
        QVERIFY(!model.countsKnown()); // the count was abandoned
        QCOMPARE(finished.size(), 1);
        // A new search works as usual afterwards.
        QVERIFY(startAndWait(model, QStringLiteral("account:GB33BUKB20201555555555"), SearchSort::TimeDesc));
        QVERIFY(!model.wasStopped());
        QVERIFY(model.totalHits() > 0);
    }

    void resortKeepsCountsAndClears()
    {
        SearchResultModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setWorkspace(m_ws->path());
        QVERIFY(startAndWait(model, QStringLiteral("kind:transaction"), SearchSort::TimeDesc));
        const int64_t total = model.totalHits();
        const qint64 newest = model.index(0, 0).data(SearchResultModel::UtcMsRole).toLongLong();
        QSignalSpy finished(&model, &SearchResultModel::finished);
        model.setSort(SearchSort::AmountDesc);
        QCOMPARE(model.sort(), SearchSort::AmountDesc);
        QVERIFY(model.countsKnown()); // the counts do not depend on the order
        QCOMPARE(model.rowCount(), int(total));
        QVERIFY(finished.wait(20000));
        const QVector<SearchHit> byAmount = reference(QStringLiteral("kind:transaction"), SearchSort::AmountDesc);
        QCOMPARE(model.index(0, 0).data(SearchResultModel::AmountE4Role).toLongLong(), byAmount.first().amountE4);
        model.setSort(SearchSort::TimeDesc);
        QVERIFY(finished.wait(20000));
        QCOMPARE(model.index(0, 0).data(SearchResultModel::UtcMsRole).toLongLong(), newest);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.canFetchMore({}));
        // No hits: empty, nothing to fetch.
        QVERIFY(startAndWait(model, QStringLiteral("zzzznotthere"), SearchSort::TimeDesc));
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.totalHits(), 0);
        QVERIFY(!model.canFetchMore({}));
    }

    void pageKeysMatchTheReference()
    {
        // SearchService::pageKeys: the key of every n-th hit across both kinds, in sort order.
        for (SearchSort sort : { SearchSort::TimeDesc, SearchSort::TimeAsc, SearchSort::AmountDesc, SearchSort::AmountAsc }) {
            const QVector<SearchHit> ref = reference(QStringLiteral("kind:event OR currency:usd"), sort);
            auto keys = SearchService(m_ws->db()).pageKeys(*SearchService::compile(QStringLiteral("kind:event OR currency:usd")), sort, 100);
            QVERIFY(keys);
            QCOMPARE(keys->size(), ref.size() / 100);
            for (int i = 0; i < keys->size(); ++i)
                QVERIFY(keys->at(i) == SearchKey::of(ref[(i + 1) * 100 - 1], sort));
            auto cancelled = SearchService(m_ws->db()).pageKeys(*SearchService::compile(QString()), sort, 1, [] { return true; });
            QVERIFY(!cancelled);
            QCOMPARE(cancelled.error().code, Error::Code::Cancelled);
        }
    }

    void linkedModel()
    {
        LinkedEntitiesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        SearchService service(m_ws->db());
        QVERIFY(model.reload(service, 3));
        QVERIFY(model.rowCount() > 0);
        bool story = false;
        for (int r = 0; r < model.rowCount(); ++r) {
            QVERIFY(model.index(r, 0).data(LinkedEntitiesModel::TenantsRole).toStringList().size() >= 3);
            if (model.index(r, LinkedEntitiesModel::ValueColumn).data().toString() == u"GB33BUKB20201555555555") {
                story = true;
                QCOMPARE(model.index(r, 0).data(LinkedEntitiesModel::SearchQueryRole).toString(),
                         QStringLiteral("account:\"GB33BUKB20201555555555\""));
                QVERIFY(model.index(r, LinkedEntitiesModel::TotalsColumn).data().toString().contains(u"USD"));
            }
        }
        QVERIFY(story); // the planted beneficiary is at three institutions
        QVERIFY(model.reload(service, 2));
        model.setEntities({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSearchModels)
#include "tst_searchmodels.moc"
