// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqlitedb.h"
#include "workspace.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace casebook;

class TestWorkspace : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void createAndReopen()
    {
        const QString path = m_dir.filePath(QStringLiteral("a.casebook"));
        {
            auto ws = Workspace::create(path);
            QVERIFY2(ws, qPrintable(ws ? QString() : ws.error().text()));
            QCOMPARE(*ws->db().queryInt("PRAGMA user_version"), Workspace::latestSchemaVersion());
            QCOMPARE(*ws->db().queryInt("PRAGMA application_id"), Workspace::kApplicationId);
            QCOMPARE(*ws->db().queryInt("PRAGMA foreign_keys"), 1);
            auto mode = ws->db().prepare("PRAGMA journal_mode");
            QVERIFY(mode->step() == Statement::StepResult::Row);
            QCOMPARE(mode->columnText(0), QStringLiteral("wal"));
            QCOMPARE(ws->info()->tenants.size(), 0);
        }
        QVERIFY(!Workspace::create(path)); // exists
        auto again = Workspace::open(path);
        QVERIFY(again);
        QCOMPARE(again->info()->schemaVersion, Workspace::latestSchemaVersion());
        QVERIFY(Workspace::openReadOnly(path));
    }

    void foreignKeysEnforced()
    {
        const QString path = m_dir.filePath(QStringLiteral("fk.casebook"));
        auto ws = Workspace::create(path);
        QVERIFY(!ws->db().exec("INSERT INTO quarantine(archive_id, file, line, reason, raw) VALUES (42, 'f', 1, 'r', 'x')"));
    }

    void newerSchemaRefused()
    {
        const QString path = m_dir.filePath(QStringLiteral("new.casebook"));
        {
            auto ws = Workspace::create(path);
            QVERIFY(ws->db().exec("PRAGMA user_version = 99"));
        }
        auto ws = Workspace::open(path);
        QVERIFY(!ws);
        QCOMPARE(ws.error().code, Error::Code::SchemaTooNew);
        QVERIFY2(ws.error().message.contains(u"schema version 99"), qPrintable(ws.error().message));
        QVERIFY(ws.error().message.contains(u"newer Casebook"));
        QVERIFY(!Workspace::openReadOnly(path));
    }

    void olderSchemaMigrated()
    {
        // Version 0: an empty SQLite database, as left by an interrupted `init`. Opening migrates it.
        const QString path = m_dir.filePath(QStringLiteral("old.casebook"));
        {
            auto db = SqliteDb::open(path, SqliteDb::Mode::ReadWriteCreate);
            QVERIFY(db);
            QVERIFY(db->exec("PRAGMA user_version = 0"));
        }
        QVERIFY(!Workspace::openReadOnly(path)); // read-only cannot migrate, and says so
        auto ws = Workspace::open(path);
        QVERIFY2(ws, qPrintable(ws ? QString() : ws.error().text()));
        QCOMPARE(*ws->db().queryInt("PRAGMA user_version"), Workspace::latestSchemaVersion());
        QCOMPARE(*ws->db().queryInt("SELECT count(*) FROM meta WHERE key = 'created_at'"), 1);
    }

    void notAWorkspace_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("message");
        QTest::addRow("text file") << QByteArray("hello, I am text\n") << QStringLiteral("not a Casebook workspace (not an SQLite database)");
        QTest::addRow("other sqlite") << QByteArray() << QStringLiteral("an SQLite database but not a Casebook workspace");
    }
    void notAWorkspace()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, message);
        const QString path = m_dir.filePath(QStringLiteral("x-%1.casebook").arg(QString::fromUtf8(QTest::currentDataTag())).replace(u' ', u'_'));
        if (content.isEmpty()) {
            auto db = SqliteDb::open(path, SqliteDb::Mode::ReadWriteCreate);
            QVERIFY(db->exec("CREATE TABLE t(x)"));
        } else {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray before = f.readAll();
        f.close();
        auto ws = Workspace::open(path);
        QVERIFY(!ws);
        QVERIFY2(ws.error().message.contains(message), qPrintable(ws.error().message));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before); // untouched
    }

    void missingFile()
    {
        auto ws = Workspace::open(m_dir.filePath(QStringLiteral("nope.casebook")));
        QVERIFY(!ws);
        QVERIFY(ws.error().message.contains(u"does not exist"));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("nope.casebook"))));
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
