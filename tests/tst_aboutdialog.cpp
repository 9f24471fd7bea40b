// SPDX-License-Identifier: GPL-3.0-or-later
// Help ▸ About Casebook (versions, licences), the application icon and opening archives from outside.
#include "aboutdialog.h"
#include "archivelaunch.h"
#include "mainwindow.h"
#include "workspace.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <sqlite3.h>

using namespace casebook;

class TestAboutDialog : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    static int rowOf(QTableWidget *t, const QString &name)
    {
        for (int r = 0; r < t->rowCount(); ++r)
            if (t->item(r, 0)->text() == name)
                return r;
        return -1;
    }

    /// Clicks the button with `text` in the next modal message box.
    static void clickInNextMessageBox(const QString &text)
    {
        QTimer::singleShot(0, [text] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            QVERIFY(box);
            for (QAbstractButton *b : box->buttons())
                if (b->text() == text) {
                    b->click();
                    return;
                }
            QFAIL("button not found");
        });
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
        qputenv("CASEBOOK_KEYRING", m_dir.filePath(QStringLiteral("keyring.json")).toUtf8());
        QCoreApplication::setOrganizationName(QStringLiteral("CasebookTest"));
    }

    void versionsShown()
    {
        AboutDialog dlg;
        QVERIFY(dlg.versionLabel()->text().contains(QStringLiteral("Casebook " CASEBOOK_VERSION)));
        QVERIFY(dlg.versionLabel()->text().contains(QStringLiteral("GPL-3.0-or-later")));
        const QString build = dlg.buildLabel()->text();
        QVERIFY2(build.contains(QStringLiteral("Qt %1").arg(QString::fromLatin1(qVersion()))), qPrintable(build));
        QVERIFY2(build.contains(QStringLiteral("built with Qt " QT_VERSION_STR)), qPrintable(build));
        QVERIFY2(build.contains(QStringLiteral("SQLite %1").arg(QString::fromLatin1(sqlite3_libversion()))), qPrintable(build));
        const QString info = AboutDialog::buildInfo();
        QVERIFY(info.startsWith(QStringLiteral("Casebook " CASEBOOK_VERSION "; Qt ")));
        QVERIFY(info.contains(QString::fromLatin1(sqlite3_libversion())));
    }

    void libraries_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("licence");
        QTest::addColumn<QString>("version"); // empty: any non-empty version
        QTest::newRow("Qt") << QStringLiteral("Qt") << QStringLiteral("LGPL-3.0-only") << QString::fromLatin1(qVersion());
        QTest::newRow("SQLite") << QStringLiteral("SQLite") << QStringLiteral("Public domain") << QString::fromLatin1(sqlite3_libversion());
        QTest::newRow("QCustomPlot") << QStringLiteral("QCustomPlot") << QStringLiteral("GPL-3.0-or-later") << QString();
        QTest::newRow("libarchive") << QStringLiteral("libarchive") << QStringLiteral("BSD-2-Clause") << QString();
        QTest::newRow("simdjson") << QStringLiteral("simdjson") << QStringLiteral("Apache-2.0") << QString();
        QTest::newRow("libsodium") << QStringLiteral("libsodium") << QStringLiteral("ISC") << QString();
        QTest::newRow("OpenSSL") << QStringLiteral("OpenSSL") << QStringLiteral("Apache-2.0") << QString();
        QTest::newRow("zlib") << QStringLiteral("zlib") << QStringLiteral("Zlib") << QString();
        QTest::newRow("Noto CJK") << QStringLiteral("Noto Sans CJK fonts") << QStringLiteral("OFL-1.1") << QString();
    }
    void libraries()
    {
        QFETCH(QString, name);
        QFETCH(QString, licence);
        QFETCH(QString, version);
        AboutDialog dlg;
        QTableWidget *t = dlg.libraryTable();
        QCOMPARE(t->rowCount(), AboutDialog::libraries().size());
        const int r = rowOf(t, name);
        QVERIFY2(r >= 0, qPrintable(name));
        QCOMPARE(t->item(r, 2)->text(), licence);
        const QString shown = t->item(r, 1)->text();
        QVERIFY(!shown.isEmpty());
        QVERIFY2(shown.front().isDigit() || name.startsWith(u"Noto"), qPrintable(shown)); // a number, not a banner
        if (!version.isEmpty())
            QCOMPARE(shown, version);
    }

    void applicationIcon_data()
    {
        QTest::addColumn<int>("size");
        for (int s : { 16, 32, 48, 256 })
            QTest::addRow("%d", s) << s;
    }
    void applicationIcon()
    {
        QFETCH(int, size);
        const QIcon icon = casebook::applicationIcon();
        QVERIFY(!icon.isNull());
        QCOMPARE(icon.pixmap(size, size).size(), QSize(size, size));
    }

    void helpMenuOpensAbout()
    {
        MainWindow w;
        w.show();
        auto *about = w.findChild<QAction *>(QStringLiteral("actionAbout"));
        QVERIFY(about);
        QCOMPARE(about->text(), QStringLiteral("&About Casebook"));
        const QList<QAction *> menus = w.menuBar()->actions();
        QCOMPARE(menus.last()->text(), QStringLiteral("&Help")); // Help is the last menu
        QVERIFY(menus.last()->menu()->actions().contains(about));
        about->trigger();
        AboutDialog *dlg = w.findChild<AboutDialog *>();
        QVERIFY(dlg);
        QTRY_VERIFY(dlg->isVisible());
        QVERIFY(dlg->isModal() || dlg->windowModality() != Qt::NonModal);
        dlg->close();
    }

    void archivePath_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("isArchive");
        QTest::newRow("sea.zip") << QStringLiteral("a.sea.zip") << true;
        QTest::newRow("upper case") << QStringLiteral("A.SEA.ZIP") << true;
        QTest::newRow("zip") << QStringLiteral("export.zip") << true;
        QTest::newRow("workspace") << QStringLiteral("w.casebook") << false;
        QTest::newRow("SEA folder") << QStringLiteral("sea-dir/") << true;
        QTest::newRow("other folder") << QStringLiteral("plain-dir/") << false;
    }
    void archivePath()
    {
        QFETCH(QString, name);
        QFETCH(bool, isArchive);
        QDir(m_dir.path()).mkpath(QStringLiteral("sea-dir"));
        QDir(m_dir.path()).mkpath(QStringLiteral("plain-dir"));
        QFile manifest(m_dir.filePath(QStringLiteral("sea-dir/manifest.json")));
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.close();
        QString path = m_dir.filePath(name);
        if (path.endsWith(u'/'))
            path.chop(1);
        QCOMPARE(isArchivePath(path), isArchive);
    }

    void archivesGoToTheRecentWorkspaceWhenConfirmed_data()
    {
        QTest::addColumn<QString>("button");
        QTest::addColumn<bool>("chosen");
        QTest::newRow("import") << QStringLiteral("&Import") << true;
        QTest::newRow("cancel") << QStringLiteral("Cancel") << false;
    }
    void archivesGoToTheRecentWorkspaceWhenConfirmed()
    {
        QFETCH(QString, button);
        QFETCH(bool, chosen);
        const QString ws = m_dir.filePath(QStringLiteral("recent-%1.casebook").arg(QString::fromLatin1(QTest::currentDataTag())));
        QVERIFY(bool(Workspace::create(ws)));
        QSettings().setValue(QStringLiteral("recent"), QStringList { m_dir.filePath(QStringLiteral("gone.casebook")), ws });
        clickInNextMessageBox(button);
        const QString target = chooseWorkspaceForArchives(nullptr, { m_dir.filePath(QStringLiteral("a.sea.zip")) });
        QCOMPARE(target, chosen ? ws : QString());
    }
};

QTEST_MAIN(TestAboutDialog)
#include "tst_aboutdialog.moc"
