// SPDX-License-Identifier: GPL-3.0-or-later
// SearchResultModel (fetchMore paging over keyset pages) and LinkedEntitiesModel, each under
// QAbstractItemModelTester, on a demo workspace.

#include "demogenerator.h"
#include "importer.h"
#include "keyring.h"
#include "linkedentitiesmodel.h"
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

    void resultModelFetchesEverything_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("sort");
        QTest::addRow("events by time") << QStringLiteral("kind:event") << int(SearchSort::TimeDesc);
        QTest::addRow("everything oldest first") << QString() << int(SearchSort::TimeAsc);
        QTest::addRow("transactions by amount") << QStringLiteral("kind:transaction") << int(SearchSort::AmountDesc);
        QTest::addRow("story account") << QStringLiteral("account:GB33BUKB20201555555555") << int(SearchSort::TimeDesc);
    }
    void resultModelFetchesEverything()
    {
        QFETCH(QString, query);
        QFETCH(int, sort);
        SearchResultModel model(m_ws->db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy counts(&model, &SearchResultModel::countsChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        auto c = SearchService::compile(query);
        QVERIFY(c);
        QVERIFY(model.setSearch(*c, SearchSort(sort)));
        QCOMPARE(counts.size(), 1);
        const int64_t total = model.totalHits();
        QVERIFY(total > 0);
        QCOMPARE(int64_t(model.rowCount()), std::min<int64_t>(total, SearchResultModel::kBatchSize));
        int fetches = 0;
        while (model.canFetchMore({})) {
            model.fetchMore({});
            ++fetches;
        }
        QCOMPARE(int64_t(model.rowCount()), total);
        QCOMPARE(inserted.size(), int((total - 1) / SearchResultModel::kBatchSize)); // each further batch: one insert
        QVERIFY(fetches >= inserted.size());
        // Ordered, no duplicates.
        QSet<qint64> seen;
        for (int r = 0; r < model.rowCount(); ++r) {
            const QModelIndex i = model.index(r, 0);
            QVERIFY(!seen.contains(i.data(SearchResultModel::RowIdRole).toLongLong() * 2 + i.data(SearchResultModel::KindRole).toInt()));
            seen.insert(i.data(SearchResultModel::RowIdRole).toLongLong() * 2 + i.data(SearchResultModel::KindRole).toInt());
            if (r == 0)
                continue;
            const QModelIndex p = model.index(r - 1, 0);
            const int role = sort == int(SearchSort::AmountDesc) ? SearchResultModel::AmountE4Role : SearchResultModel::UtcMsRole;
            if (sort == int(SearchSort::TimeAsc))
                QVERIFY(p.data(role).toLongLong() <= i.data(role).toLongLong());
            else
                QVERIFY(p.data(role).toLongLong() >= i.data(role).toLongLong());
        }
        QVERIFY(!model.index(0, SearchResultModel::SummaryColumn).data().toString().isEmpty());
        QVERIFY(!model.index(0, 0).data(SearchResultModel::SearchQueryRole).toString().isEmpty());
        // Facets sum to the total.
        int64_t sum = 0;
        for (int64_t n : model.counts().events)
            sum += n;
        for (int64_t n : model.counts().transactions)
            sum += n;
        QCOMPARE(sum, total);
    }

    void resultModelResortsAndClears()
    {
        SearchResultModel model(m_ws->db());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto c = SearchService::compile(QStringLiteral("kind:transaction"));
        QVERIFY(c);
        QVERIFY(model.setSearch(*c));
        const qint64 newest = model.index(0, 0).data(SearchResultModel::UtcMsRole).toLongLong();
        QVERIFY(model.setSort(SearchSort::AmountDesc));
        QCOMPARE(model.sort(), SearchSort::AmountDesc);
        const qint64 largest = model.index(0, 0).data(SearchResultModel::AmountE4Role).toLongLong();
        QVERIFY(model.setSort(SearchSort::TimeDesc));
        QCOMPARE(model.index(0, 0).data(SearchResultModel::UtcMsRole).toLongLong(), newest);
        QVERIFY(largest >= model.index(0, 0).data(SearchResultModel::AmountE4Role).toLongLong());
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.canFetchMore({}));
        // No hits: empty, nothing to fetch.
        auto none = SearchService::compile(QStringLiteral("zzzznotthere"));
        QVERIFY(model.setSearch(*none));
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.totalHits(), 0);
        QVERIFY(!model.canFetchMore({}));
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
