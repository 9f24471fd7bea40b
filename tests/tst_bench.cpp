// SPDX-License-Identifier: GPL-3.0-or-later
// casebook-cli bench end to end on a small data set: the JSON contract of issue #9 (every key
// present, numbers positive and consistent), the readable table, a missing sqlite3 (null figures,
// still exit 0), the work folder (kept, must be empty) and usage errors. Not a timing test: the
// figures are only checked for sanity.

#include "testutils.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace casebook;
using namespace casebook::test;
using namespace Qt::StringLiterals;

class TestBench : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    static QJsonObject json(const CliResult &r)
    {
        QJsonParseError e;
        const QJsonDocument d = QJsonDocument::fromJson(r.out.toUtf8(), &e);
        if (e.error != QJsonParseError::NoError)
            qWarning() << "not JSON:" << r.out << r.err;
        return d.object();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(!qEnvironmentVariableIsEmpty("CASEBOOK_CLI")); }

    void jsonContract()
    {
        if (QStandardPaths::findExecutable(u"sqlite3"_s).isEmpty())
            QSKIP("the sqlite3 command-line tool is not installed (scripts/deps installs it)");
        const QString work = m_dir.filePath(u"work"_s);
        const CliResult r = runCli({ u"bench"_s, u"--rows"_s, u"20000"_s, u"--tenants"_s, u"3"_s, u"--workdir"_s, work, u"--json"_s });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.count(u'\n'), 1); // one line
        const QJsonObject o = json(r);
        // Every key issue #9 names is a positive number.
        for (const char *key : { "rows", "import_end_to_end_rows_per_s", "import_mb_per_s", "sqlite3_import_rows_per_s",
                                 "sqlite3_pipeline_rows_per_s", "peak_rss_mb", "search_p50_ms", "search_p95_ms", "count_p95_ms",
                                 "timeline_p95_ms", "grid_first_page_ms", "grid_last_page_ms", "report_10k_s" }) {
            QVERIFY2(o.contains(QLatin1String(key)), key);
            QVERIFY2(o.value(QLatin1String(key)).isDouble(), key);
            QVERIFY2(o.value(QLatin1String(key)).toDouble() > 0, key);
        }
        // The extra figures this implementation promises in docs/BENCHMARKS.md.
        for (const char *key : { "events", "transactions", "accounts", "import_rows", "import_s", "csv_rows", "casebook_csv_import_rows_per_s",
                                 "ratio_end_to_end_vs_sqlite3_pipeline", "ratio_end_to_end_vs_sqlite3_import",
                                 "ratio_csv_import_vs_sqlite3_pipeline", "ratio_csv_import_vs_sqlite3_import", "count_p50_ms",
                                 "timeline_p50_ms", "cores", "memory_gb", "workspace_mb", "total_s" }) {
            QVERIFY2(o.value(QLatin1String(key)).isDouble(), key);
            QVERIFY2(o.value(QLatin1String(key)).toDouble() > 0, key);
        }
        for (const char *key : { "date", "sqlite3_version", "sqlite_library_version", "casebook_version", "peak_rss_source" })
            QVERIFY2(!o.value(QLatin1String(key)).toString().isEmpty(), key);
        // The floor: SQLite's own CPU for the workspace's rows, by part; rates over events + transactions.
        for (const char *key : { "sqlite3_floor_store_cpu_s", "sqlite3_floor_indexes_cpu_s", "sqlite3_floor_fts5_cpu_s",
                                 "sqlite3_floor_cpu_s", "sqlite3_floor_rows_per_s_one_writer", "sqlite3_floor_rows_per_s_two_cores" }) {
            QVERIFY2(o.value(QLatin1String(key)).isDouble(), key);
            QVERIFY2(o.value(QLatin1String(key)).toDouble() > 0, key);
        }
        {
            const auto f = [&](const char *key) { return o.value(QLatin1String(key)).toDouble(); };
            QVERIFY(qAbs(f("sqlite3_floor_cpu_s") - f("sqlite3_floor_store_cpu_s") - f("sqlite3_floor_indexes_cpu_s") - f("sqlite3_floor_fts5_cpu_s")) < 0.005);
            QVERIFY(qAbs(f("sqlite3_floor_rows_per_s_one_writer") - 20000 / f("sqlite3_floor_cpu_s")) <= 0.01 * f("sqlite3_floor_rows_per_s_one_writer") + 1);
            QVERIFY(qAbs(f("sqlite3_floor_rows_per_s_two_cores") - 2 * f("sqlite3_floor_rows_per_s_one_writer")) <= 2);
        }
        // The load-phase estimate may be null on tiny archives, but the key is there.
        QVERIFY(o.contains(u"import_load_phase_rows_per_s"_s));
        QVERIFY(o.contains(u"ratio_load_phase_vs_sqlite3_import"_s));

        // Consistency.
        const auto n = [&](const char *key) { return o.value(QLatin1String(key)).toDouble(); };
        QCOMPARE(qint64(n("rows")), 20000);
        QCOMPARE(qint64(n("events") + n("transactions")), 20000);
        QCOMPARE(qint64(n("import_rows")), qint64(n("events") + n("transactions") + n("accounts")));
        QCOMPARE(qint64(n("csv_rows")), qint64(n("transactions")));
        QCOMPARE(n("tenants"), 3.0);
        QVERIFY(qAbs(n("import_end_to_end_rows_per_s") - n("import_rows") / n("import_s")) <= 0.01 * n("import_end_to_end_rows_per_s") + 1);
        QVERIFY(qAbs(n("ratio_end_to_end_vs_sqlite3_pipeline") - n("import_end_to_end_rows_per_s") / n("sqlite3_pipeline_rows_per_s"))
                < 0.01 * n("ratio_end_to_end_vs_sqlite3_pipeline") + 0.01);
        QVERIFY(n("search_p50_ms") <= n("search_p95_ms"));
        QVERIFY(n("count_p50_ms") <= n("count_p95_ms"));
        QVERIFY(n("timeline_p50_ms") <= n("timeline_p95_ms"));
        QVERIFY(n("search_queries") >= 20);
        QCOMPARE(qint64(n("report_evidence")), 10000);
        QVERIFY(n("report_pages") > 100);
        QVERIFY(n("peak_rss_mb") < 4096); // a sane figure, not a goal
        QVERIFY(n("total_s") < 600);

        // --workdir is kept, with what was measured.
        QVERIFY(QFileInfo::exists(work + u"/bench.casebook"_s));
        QVERIFY(QFileInfo(work + u"/report.pdf"_s).size() > 0);
        QVERIFY(!QDir(work + u"/archives"_s).entryList({ u"*.sea.zip"_s }).isEmpty());
        // The scratch databases are gone.
        QVERIFY(!QFileInfo::exists(work + u"/sqlite3-import.db"_s));
        QVERIFY(!QFileInfo::exists(work + u"/sqlite3-pipeline.db"_s));
        QVERIFY(!QFileInfo::exists(work + u"/sqlite3-floor.db"_s));
        QVERIFY(!QFileInfo::exists(work + u"/sqlite3-floor.db-wal"_s));

        // A work folder that is not empty is refused (nothing of the user's is overwritten).
        const CliResult again = runCli({ u"bench"_s, u"--rows"_s, u"1000"_s, u"--workdir"_s, work, u"--json"_s });
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(u"not empty"_s), qPrintable(again.err));
        QVERIFY(again.out.isEmpty());
    }

    void withoutSqlite3AndTable()
    {
        // No sqlite3: its figures are null, the rest is measured, exit 0; the table says n/a. The
        // default work folder is temporary and removed.
        const CliResult r = runCli({ u"bench"_s, u"--rows"_s, u"2000"_s, u"--tenants"_s, u"2"_s, u"--sqlite3"_s, m_dir.filePath(u"no-such-sqlite3"_s) });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains(u"not found"_s), qPrintable(r.err));
        QVERIFY(r.out.contains(u"goal (10M rows, 2 cores)"_s));
        QVERIFY(r.out.contains(u"sqlite3 .import"_s));
        QVERIFY(r.out.contains(u"n/a"_s));
        QVERIFY(r.out.contains(u"timeline re-bucket p95"_s));
        QVERIFY(r.out.contains(u">= 200,000 rows/s"_s));
        const QRegularExpression work(u"bench: working in (\\S+) \\(removed afterwards\\)"_s);
        const auto m = work.match(r.err);
        QVERIFY2(m.hasMatch(), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(m.captured(1)));

        const CliResult j = runCli({ u"bench"_s, u"--rows"_s, u"2000"_s, u"--tenants"_s, u"2"_s, u"--sqlite3"_s, u"no-such-sqlite3-tool"_s, u"--json"_s });
        QVERIFY2(j.exitCode == 0, qPrintable(j.err));
        const QJsonObject o = json(j);
        for (const char *key : { "sqlite3_import_rows_per_s", "sqlite3_pipeline_rows_per_s", "sqlite3_version", "ratio_end_to_end_vs_sqlite3_pipeline",
                                 "sqlite3_floor_cpu_s", "sqlite3_floor_rows_per_s_one_writer" })
            QVERIFY2(o.value(QLatin1String(key)).isNull(), key);
        QVERIFY(!o.value(u"sqlite3_error"_s).toString().isEmpty());
        QVERIFY(o.value(u"import_end_to_end_rows_per_s"_s).toDouble() > 0);
        QVERIFY(o.value(u"report_10k_s"_s).toDouble() > 0);
        QVERIFY(o.value(u"casebook_csv_import_rows_per_s"_s).toDouble() > 0);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("rows not a number") << QStringList { u"--rows"_s, u"many"_s };
        QTest::newRow("rows too few") << QStringList { u"--rows"_s, u"10"_s };
        QTest::newRow("tenants zero") << QStringList { u"--tenants"_s, u"0"_s };
        QTest::newRow("tenants too many") << QStringList { u"--tenants"_s, u"1001"_s };
        QTest::newRow("positional") << QStringList { u"somewhere"_s };
        QTest::newRow("unknown option") << QStringList { u"--fast"_s };
        QTest::newRow("rows without value") << QStringList { u"--rows"_s };
        QTest::newRow("empty workdir") << QStringList { u"--workdir="_s };
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        const CliResult r = runCli(QStringList { u"bench"_s } + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(u"casebook-cli: "_s));
        QVERIFY(r.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestBench)
#include "tst_bench.moc"
