// SPDX-License-Identifier: GPL-3.0-or-later
#include "tenantlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace casebook;

class TestTenantListModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rowsAndRoles()
    {
        TenantListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

        WorkspaceInfo info;
        TenantSummary a;
        a.id = QStringLiteral("T0001");
        a.name = QStringLiteral("Bank of Nanjing Example");
        a.events = 1234567;
        a.transactions = 42;
        a.periodFrom = QStringLiteral("2026-01-01T00:00:00+08:00");
        a.periodTo = QStringLiteral("2026-03-31T23:59:59+08:00");
        ArchiveSummary verified;
        verified.state = QStringLiteral("verified");
        verified.stateDetail = QStringLiteral("signed");
        a.archives = { verified };
        TenantSummary b = a;
        b.id = QStringLiteral("T0002");
        ArchiveSummary unsignedArchive = verified;
        unsignedArchive.state = QStringLiteral("unsigned");
        unsignedArchive.stateDetail = QStringLiteral("no manifest.sig");
        b.archives = { verified, unsignedArchive };
        info.tenants = { a, b };
        model.setInfo(info);

        QCOMPARE(reset.count(), 1);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, TenantListModel::NameColumn).data().toString(), QStringLiteral("All institutions"));
        QCOMPARE(model.index(0, TenantListModel::EventsColumn).data(TenantListModel::SortRole).toLongLong(), 2 * 1234567);
        QCOMPARE(model.index(0, 0).data(TenantListModel::IsAllRole).toBool(), true);
        QCOMPARE(model.index(0, 0).data(TenantListModel::TenantIdRole).toString(), QString());
        QCOMPARE(model.index(0, TenantListModel::VerificationColumn).data().toString(), QStringLiteral("some UNSIGNED"));
        QVERIFY(!model.tenant(0));
        QCOMPARE(model.tenant(1)->id, QStringLiteral("T0001"));
        // Institution rows follow.
        model.setInfo(info);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(TenantListModel::ColumnCount));
        QCOMPARE(model.index(1, TenantListModel::NameColumn).data().toString(), a.name);
        QCOMPARE(model.index(1, TenantListModel::PeriodColumn).data().toString(), QStringLiteral("2026-01-01 – 2026-03-31"));
        QCOMPARE(model.index(1, TenantListModel::EventsColumn).data(TenantListModel::SortRole).toLongLong(), 1234567);
        QCOMPARE(model.index(1, TenantListModel::VerificationColumn).data(TenantListModel::VerifiedRole).toBool(), true);
        QCOMPARE(model.index(2, TenantListModel::VerificationColumn).data(TenantListModel::VerifiedRole).toBool(), false);
        QCOMPARE(model.index(2, TenantListModel::VerificationColumn).data().toString(), QStringLiteral("UNSIGNED"));
        QVERIFY(model.index(2, TenantListModel::VerificationColumn).data(Qt::ToolTipRole).toString().contains(u"no manifest.sig"));
        QCOMPARE(model.index(2, 0).data(TenantListModel::TenantIdRole).toString(), QStringLiteral("T0002"));

        model.setInfo({});
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTenantListModel)
#include "tst_tenantlistmodel.moc"
