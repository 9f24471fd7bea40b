// SPDX-License-Identifier: GPL-3.0-or-later
// SIGKILL casebook-cli import at several points of a large import: afterwards the workspace passes
// PRAGMA integrity_check and the archive is either wholly present or wholly absent.

#include "testutils.h"
#include "workspace.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace casebook;
using namespace casebook::test;

class TestCrash : public QObject
{
#ifdef CASEBOOK_SANITIZE
    static constexpr int kRows = 60000; // sanitizers slow the import ~5x: keep the test within CI's time
#else
    static constexpr int kRows = 300000;
#endif
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_archive;
    qint64 m_rows = 0;
    qint64 m_fullMs = 0;

private Q_SLOTS:
    void initTestCase()
    {
        const QString out = m_dir.filePath(QStringLiteral("gen"));
        const CliResult g = runCli({ QStringLiteral("generate"), out, QStringLiteral("--tenants"), QStringLiteral("1"),
            QStringLiteral("--rows"), QString::number(kRows) });
        QCOMPARE(g.exitCode, 0);
        const QStringList files = QDir(out).entryList({ QStringLiteral("*.sea.zip") });
        QCOMPARE(files.size(), 1);
        m_archive = out + u'/' + files[0];

        // A reference import tells how long a whole import takes here (sanitizers make it slower).
        const QString ws = m_dir.filePath(QStringLiteral("ref.casebook"));
        QCOMPARE(runCli({ QStringLiteral("init"), ws }).exitCode, 0);
        QElapsedTimer t;
        t.start();
        QCOMPARE(runCli({ QStringLiteral("import"), ws, m_archive }).exitCode, 0);
        m_fullMs = t.elapsed();
        auto w = Workspace::open(ws);
        m_rows
            = *w->db().queryInt("SELECT count(*) FROM events") + *w->db().queryInt("SELECT count(*) FROM transactions");
        QVERIFY(m_rows > kRows * 8 / 10);
        qInfo() << "full import" << m_fullMs << "ms," << m_rows << "rows";
    }

    void killDuringImport_data()
    {
        QTest::addColumn<double>("fraction");
        for (double f : { 0.02, 0.15, 0.35, 0.6, 0.85, 0.97 })
            QTest::addRow("at %d%%", int(f * 100)) << f;
    }

    void killDuringImport()
    {
        QFETCH(double, fraction);
        const QString ws = m_dir.filePath(QStringLiteral("kill-%1.casebook").arg(int(fraction * 100)));
        QCOMPARE(runCli({ QStringLiteral("init"), ws }).exitCode, 0);
        QProcess p;
        p.start(qEnvironmentVariable("CASEBOOK_CLI"), { QStringLiteral("import"), ws, m_archive });
        QVERIFY(p.waitForStarted());
        QTest::qWait(int(double(m_fullMs) * fraction));
        p.kill(); // SIGKILL
        p.waitForFinished();

        {
            auto w = Workspace::open(ws); // runs WAL recovery
            QVERIFY2(w, qPrintable(w ? QString() : w.error().text()));
            auto ic = w->db().prepare("PRAGMA integrity_check");
            QVERIFY(ic->step() == Statement::StepResult::Row);
            QCOMPARE(ic->columnText(0), QStringLiteral("ok"));
            const qint64 archives = *w->db().queryInt("SELECT count(*) FROM archives");
            const qint64 rows = *w->db().queryInt("SELECT count(*) FROM events")
                + *w->db().queryInt("SELECT count(*) FROM transactions");
            const qint64 fts = *w->db().queryInt("SELECT count(*) FROM events_fts");
            const qint64 quarantine = *w->db().queryInt("SELECT count(*) FROM quarantine");
            qInfo() << "killed at" << fraction << "archives" << archives << "rows" << rows;
            if (archives == 0) {
                QCOMPARE(rows, 0);
                QCOMPARE(fts, 0);
                QCOMPARE(quarantine, 0);
                QCOMPARE(*w->db().queryInt("SELECT count(*) FROM tenants"), 0);
            } else {
                QCOMPARE(archives, 1);
                QCOMPARE(rows, m_rows);
            }
        } // closed before the CLI writes
        // And the workspace still takes the archive afterwards.
        const CliResult again = runCli({ QStringLiteral("import"), ws, m_archive });
        QCOMPARE(again.exitCode, 0);
        auto w2 = Workspace::open(ws);
        QCOMPARE(
            *w2->db().queryInt("SELECT count(*) FROM events") + *w2->db().queryInt("SELECT count(*) FROM transactions"),
            m_rows);
    }
};

QTEST_GUILESS_MAIN(TestCrash)
#include "tst_crash.moc"
