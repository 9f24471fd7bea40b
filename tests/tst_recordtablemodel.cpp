// SPDX-License-Identifier: GPL-3.0-or-later
#include "importer.h"
#include "keyring.h"
#include "recordtablemodel.h"
#include "testutils.h"
#include "workspace.h"

#include <QAbstractItemModelTester>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace casebook;
using namespace casebook::test;

class TestRecordTableModel : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_ws;
    static constexpr int kRows = 2000; // ~8 pages per tenant

    /// Loads every row through the model, visiting pages in `order`, and returns the ids in row order.
    static QVector<qint64> loadAll(RecordTableModel &m, const QVector<int> &pageOrder)
    {
        for (int p : pageOrder) {
            const QModelIndex idx = m.index(p * RecordTableModel::kPageSize, 0);
            if (!idx.data(RecordTableModel::LoadedRole).toBool()) {
                idx.data(); // miss: schedules the fetch
                if (!QTest::qWaitFor([&] { return idx.data(RecordTableModel::LoadedRole).toBool(); }, 5000))
                    return {};
            }
        }
        QVector<qint64> ids;
        for (int r = 0; r < m.rowCount(); ++r) {
            const QModelIndex idx = m.index(r, 0);
            if (!idx.data(RecordTableModel::LoadedRole).toBool()) {
                idx.data();
                if (!QTest::qWaitFor([&] { return idx.data(RecordTableModel::LoadedRole).toBool(); }, 5000))
                    return {};
            }
            ids << idx.data(RecordTableModel::RecordIdRole).toLongLong();
        }
        return ids;
    }

    QVector<qint64> sqlOrder(const QByteArray &sql)
    {
        auto ws = Workspace::open(m_ws);
        auto q = ws->db().prepare(sql);
        QVector<qint64> ids;
        while (q->step() == Statement::StepResult::Row)
            ids << q->columnInt(0);
        return ids;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_ws = m_dir.filePath(QStringLiteral("grid.casebook"));
        auto ws = Workspace::create(m_ws);
        QVERIFY(ws);
        Keyring k;
        k.insert(QString::fromLatin1(kTestKeyId), testPublicKey());
        for (int t = 0; t < 2; ++t) {
            QByteArray csv = "txn_id,ts,debtor_account,amount,currency,status\n";
            for (int i = 0; i < kRows; ++i) {
                // Repeated timestamps and amounts exercise the id tie-break; some accounts are empty
                // (NULL) to exercise the nullable keyset.
                const int minute = (i * 37) % 600;
                csv += "T" + QByteArray::number(i) + ",2026-01-05T" + QByteArray::number(8 + minute / 60).rightJustified(2, '0') + ":"
                    + QByteArray::number(minute % 60).rightJustified(2, '0') + ":00+08:00,"
                    + (i % 7 == 0 ? QByteArray() : "ACC" + QByteArray::number(i % 50)) + ","
                    + QByteArray::number((i * 13) % 97) + ".5,CNY," + (i % 11 == 0 ? "rejected" : "booked") + "\n";
            }
            ArchiveSpec spec;
            spec.tenantId = QStringLiteral("T900%1").arg(t);
            spec.exportId = QStringLiteral("grid-%1").arg(t);
            spec.transactions = csv;
            spec.audit = QByteArray();
            const QString path = m_dir.filePath(QStringLiteral("g%1.sea.zip").arg(t));
            QVERIFY(writeArchive(path, spec));
            QCOMPARE(importArchive(*ws, { path, QStringLiteral("t"), &k }).transactions, kRows);
        }
    }

    void placeholderUntilPageArrives()
    {
        // No view and no tester: nothing asks for data before we do, so the first look is a miss.
        RecordTableModel m(RecordKind::Transaction);
        QSignalSpy count(&m, &RecordTableModel::countAvailable);
        QSignalSpy pages(&m, &RecordTableModel::pageAvailable);
        m.setWorkspace(m_ws);
        QVERIFY(count.wait());
        QCOMPARE(count.at(0).at(0).toLongLong(), 2 * kRows);
        QCOMPARE(m.index(0, 0).data(RecordTableModel::LoadedRole).toBool(), false);
        QCOMPARE(m.index(0, 0).data().toString(), QStringLiteral("loading…"));
        QVERIFY(pages.wait());
        QCOMPARE(pages.at(0).at(0).toInt(), 0);
        QVERIFY(m.index(0, 0).data(RecordTableModel::LoadedRole).toBool());
    }

    void countsAndFirstPage()
    {
        RecordTableModel m(RecordKind::Transaction);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setWorkspace(m_ws);
        QTRY_COMPARE(m.rowCount(), 2 * kRows);
        QTRY_VERIFY(m.index(0, 0).data(RecordTableModel::LoadedRole).toBool());
        QCOMPARE(m.index(0, 0).data().toString(), QStringLiteral("2026-01-05 00:00:00.000 +00:00"));
        // Exact amount, currency beside it; rejected rows marked.
        QCOMPARE(m.index(0, 7).data().toString(), QStringLiteral("0.50"));
        QCOMPARE(m.index(0, 8).data().toString(), QStringLiteral("CNY"));
        QCOMPARE(m.index(0, 10).data().toString(), QStringLiteral("rejected"));
        QCOMPARE(m.index(0, 0).data(RecordTableModel::SeverityRole).toInt(), 1);
    }

    void jumpToLastRowWithoutScanning()
    {
        RecordTableModel m(RecordKind::Transaction);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setWorkspace(m_ws);
        QTRY_COMPARE(m.rowCount(), 2 * kRows);
        const QModelIndex last = m.index(m.rowCount() - 1, 0);
        last.data();
        QTRY_VERIFY(last.data(RecordTableModel::LoadedRole).toBool());
        const auto ids = sqlOrder("SELECT id FROM transactions ORDER BY ts_utc_ms DESC, id DESC LIMIT 1");
        QCOMPARE(last.data(RecordTableModel::RecordIdRole).toLongLong(), ids[0]);
    }

    void everySortMatchesSql_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<bool>("descending");
        QTest::addColumn<QByteArray>("orderBy");
        QTest::addRow("time asc") << 0 << false << QByteArray("ts_utc_ms, id");
        QTest::addRow("time desc") << 0 << true << QByteArray("ts_utc_ms DESC, id DESC");
        QTest::addRow("amount asc") << 7 << false << QByteArray("amount_e4, id");
        QTest::addRow("amount desc") << 7 << true << QByteArray("amount_e4 DESC, id DESC");
        QTest::addRow("account asc (NULLs first)") << 3 << false << QByteArray("debtor_account, id");
        QTest::addRow("account desc (NULLs last)") << 3 << true << QByteArray("debtor_account DESC, id DESC");
    }
    void everySortMatchesSql()
    {
        QFETCH(int, column);
        QFETCH(bool, descending);
        QFETCH(QByteArray, orderBy);
        const QVector<qint64> expected = sqlOrder("SELECT id FROM transactions ORDER BY " + orderBy);
        const int pages = (2 * kRows + RecordTableModel::kPageSize - 1) / RecordTableModel::kPageSize;
        // Sequential, reverse and random page orders go through First/After/Before/Last/anchors.
        QVector<int> forward, backward, random;
        for (int p = 0; p < pages; ++p)
            forward << p;
        backward = forward;
        std::reverse(backward.begin(), backward.end());
        random = forward;
        std::shuffle(random.begin(), random.end(), *QRandomGenerator::global());
        for (const QVector<int> &order : { forward, backward, random }) {
            RecordTableModel m(RecordKind::Transaction);
            QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
            m.sort(column, descending ? Qt::DescendingOrder : Qt::AscendingOrder);
            m.setWorkspace(m_ws);
            QTRY_COMPARE(m.rowCount(), 2 * kRows);
            QCOMPARE(loadAll(m, order), expected);
            QVERIFY(m.cachedPages() <= RecordTableModel::kMaxCachedPages);
        }
    }

    void unsortableColumnIgnored()
    {
        RecordTableModel m(RecordKind::Event);
        QVERIFY(!m.isSortable(2));
        m.sort(2, Qt::DescendingOrder);
        QCOMPARE(m.sortColumn(), 0);
    }

    void filterByTenantAndTime()
    {
        RecordTableModel m(RecordKind::Transaction);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setWorkspace(m_ws);
        QTRY_COMPARE(m.rowCount(), 2 * kRows);
        RecordFilter f;
        f.tenants = { QStringLiteral("T9001") };
        m.setFilter(f);
        QTRY_COMPARE(m.rowCount(), kRows);
        // 08:00..09:00 local (+08:00) = 00:00..01:00 UTC: minutes 0..59 of the 600-minute cycle.
        f.fromUtcMs = 1767571200000LL;
        f.toUtcMs = f.fromUtcMs + 3600000;
        m.setFilter(f);
        const int expected = int(sqlOrder("SELECT id FROM transactions WHERE tenant_id = 'T9001' AND ts_utc_ms >= 1767571200000 AND ts_utc_ms < 1767574800000").size());
        QVERIFY(expected > 0 && expected < kRows);
        QTRY_COMPARE(m.rowCount(), expected);
        const QModelIndex first = m.index(0, 0);
        first.data();
        QTRY_VERIFY(first.data(RecordTableModel::LoadedRole).toBool());
        QCOMPARE(first.data(RecordTableModel::TenantRole).toString(), QStringLiteral("T9001"));
        // A range with no rows.
        f.fromUtcMs = 0;
        f.toUtcMs = 1000;
        m.setFilter(f);
        QTRY_COMPARE(m.rowCount(), 0);
    }

    void displayZoneChangesTimes()
    {
        RecordTableModel m(RecordKind::Transaction);
        m.setWorkspace(m_ws);
        QTRY_COMPARE(m.rowCount(), 2 * kRows);
        const QModelIndex idx = m.index(0, 0);
        idx.data();
        QTRY_VERIFY(idx.data(RecordTableModel::LoadedRole).toBool());
        QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
        DisplayZone z;
        z.mode = DisplayZone::Mode::Named;
        z.zone = QTimeZone("Asia/Shanghai");
        m.setDisplayZone(z);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(idx.data().toString(), QStringLiteral("2026-01-05 08:00:00.000 +08:00"));
        QVERIFY(m.headerData(0, Qt::Horizontal).toString().contains(u"Asia/Shanghai"));
        z.zone = QTimeZone("America/New_York");
        m.setDisplayZone(z);
        QCOMPARE(idx.data().toString(), QStringLiteral("2026-01-04 19:00:00.000 -05:00"));
        z.mode = DisplayZone::Mode::Institution;
        z.tenantZones.insert(QStringLiteral("T9000"), QTimeZone("Europe/Berlin"));
        z.tenantZones.insert(QStringLiteral("T9001"), QTimeZone("Europe/Berlin"));
        m.setDisplayZone(z);
        QCOMPARE(idx.data().toString(), QStringLiteral("2026-01-05 01:00:00.000 +01:00"));
    }

    void memoryStaysFlatWhileScrolling()
    {
        RecordTableModel m(RecordKind::Transaction);
        m.setWorkspace(m_ws);
        QTRY_COMPARE(m.rowCount(), 2 * kRows);
        QVector<int> all;
        for (int p = 0; p * RecordTableModel::kPageSize < m.rowCount(); ++p)
            all << p;
        QCOMPARE(loadAll(m, all).size(), 2 * kRows);
        QVERIFY(m.cachedPages() <= RecordTableModel::kMaxCachedPages);
    }

    void missingWorkspaceReportsFailure()
    {
        RecordTableModel m(RecordKind::Event);
        QSignalSpy failed(&m, &RecordTableModel::loadFailed);
        m.setWorkspace(m_dir.filePath(QStringLiteral("absent.casebook")));
        QTRY_VERIFY(failed.count() >= 1);
        QCOMPARE(m.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRecordTableModel)
#include "tst_recordtablemodel.moc"
