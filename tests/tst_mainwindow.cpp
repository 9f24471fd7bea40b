// SPDX-License-Identifier: GPL-3.0-or-later
#include "importer.h"
#include "keyring.h"
#include "mainwindow.h"
#include "tenantlistmodel.h"
#include "testutils.h"
#include "workspace.h"

#include <QFile>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace casebook;

class TestMainWindow : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void opensWorkspaceAndListsInstitutions()
    {
        const QString ws = m_dir.filePath(QStringLiteral("w.casebook"));
        const QString archive = m_dir.filePath(QStringLiteral("a.sea.zip"));
        QVERIFY(test::writeArchive(archive, test::ArchiveSpec()));
        {
            auto w = Workspace::create(ws);
            Keyring k;
            k.insert(QString::fromLatin1(test::kTestKeyId), test::testPublicKey());
            QCOMPARE(importArchive(*w, { archive, QStringLiteral("t"), &k }).outcome, ImportResult::Outcome::Imported);
        }
        MainWindow win;
        QSignalSpy opened(&win, &MainWindow::workspaceOpened);
        win.show();
        QVERIFY(win.openWorkspace(ws));
        QCOMPARE(opened.count(), 1);
        QCOMPARE(win.tenantModel()->rowCount(), 1);
        auto *view = win.findChild<QTableView *>();
        QVERIFY(view);
        QCOMPARE(view->model()->rowCount(), 1);
        QCOMPARE(view->model()->index(0, TenantListModel::IdColumn).data().toString(), QStringLiteral("T9001"));
        QCOMPARE(view->model()->index(0, TenantListModel::VerificationColumn).data().toString(), QStringLiteral("verified"));
        QVERIFY(win.windowTitle().contains(u"w.casebook"));
        QVERIFY(win.bannerText().isEmpty());
    }

    void failedOpenShowsBannerAndKeepsState()
    {
        const QString bad = m_dir.filePath(QStringLiteral("bad.casebook"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a database");
        f.close();
        MainWindow win;
        win.show();
        QVERIFY(!win.openWorkspace(bad));
        QVERIFY(win.bannerText().contains(u"not a Casebook workspace"));
        QVERIFY(win.workspacePath().isEmpty());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
