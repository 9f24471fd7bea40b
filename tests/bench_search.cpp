// SPDX-License-Identifier: GPL-3.0-or-later
// Search benchmark (not a unit test; built with the tests, run by hand):
//
//   bench_search query WS [RUNS]   first-page and count latency for a fixed query set, p50/p95
//   bench_search index WS          full-text index size and build time, unicode61 vs casebook_cjk,
//                                  and the cost of rebuilding entity_stats (all in a rolled-back
//                                  transaction: the workspace is not changed)
//
// Figures and how they were taken: docs/search.md.

#include "benchmark.h"
#include "searchservice.h"
#include "sqlitedb.h"
#include "workspace.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

using namespace casebook;

namespace {

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}

double percentile(QVector<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    const qsizetype i = std::min<qsizetype>(v.size() - 1, qsizetype(p * double(v.size() - 1) + 0.5));
    return v[i];
}

int benchQueries(const QString &path, int runs)
{
    auto ws = Workspace::openReadOnly(path);
    if (!ws) {
        out() << ws.error().text() << "\n";
        return 1;
    }
    ws->db().exec("PRAGMA cache_size = -262144");
    auto info = ws->info();
    int64_t rows = 0;
    for (const TenantSummary &t : info->tenants)
        rows += t.events + t.transactions;
    // The query set of issue #5, shared with casebook-cli bench (models/benchmark.cpp).
    const QStringList queries = Benchmark::searchQueries(Benchmark::someAccount(ws->db()));
    SearchService service(ws->db());
    // CASEBOOK_BENCH_NO_CELLS=1: count by reading rows (the figures before schema 6).
    service.setUseCells(qEnvironmentVariableIntValue("CASEBOOK_BENCH_NO_CELLS") == 0);
    // CASEBOOK_BENCH_NO_WALK=1: first pages without the newest-first archive walk (before schema 6).
    service.setUseTimeOrder(qEnvironmentVariableIntValue("CASEBOOK_BENCH_NO_WALK") == 0);
    out() << path << ": " << rows << " rows (events + transactions), " << runs << " runs per query (first run included)\n";
    out() << QStringLiteral("%1 %2 %3 %4 %5 %6\n").arg(QStringLiteral("query"), -52).arg(QStringLiteral("hits"), 9)
                 .arg(QStringLiteral("page p50"), 9).arg(QStringLiteral("page p95"), 9).arg(QStringLiteral("count p50"), 10)
                 .arg(QStringLiteral("count p95"), 10);
    QVector<double> allPage, allCount;
    for (const QString &q : queries) {
        auto c = SearchService::compile(q);
        if (!c) {
            out() << q << ": " << c.error().message << "\n";
            return 1;
        }
        QVector<double> page, count;
        int64_t hits = 0;
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer t;
            t.start();
            auto p = service.page(*c, SearchSort::TimeDesc, nullptr, 50);
            page << double(t.nsecsElapsed()) / 1e6;
            t.restart();
            auto n = service.count(*c);
            count << double(t.nsecsElapsed()) / 1e6;
            if (!p || !n) {
                out() << q << ": failed\n";
                return 1;
            }
            hits = n->total();
        }
        allPage += page;
        allCount += count;
        out() << QStringLiteral("%1 %2 %3 %4 %5 %6\n").arg(q.left(52), -52).arg(hits, 9)
                     .arg(percentile(page, 0.5), 9, 'f', 1).arg(percentile(page, 0.95), 9, 'f', 1)
                     .arg(percentile(count, 0.5), 10, 'f', 1).arg(percentile(count, 0.95), 10, 'f', 1);
        out().flush();
    }
    out() << QStringLiteral("%1 %2 %3 %4 %5 %6\n").arg(QStringLiteral("ALL QUERIES"), -52).arg(QString(), 9)
                 .arg(percentile(allPage, 0.5), 9, 'f', 1).arg(percentile(allPage, 0.95), 9, 'f', 1)
                 .arg(percentile(allCount, 0.5), 10, 'f', 1).arg(percentile(allCount, 0.95), 10, 'f', 1);
    return 0;
}

int benchIndex(const QString &path)
{
    auto ws = Workspace::open(path);
    if (!ws) {
        out() << ws.error().text() << "\n";
        return 1;
    }
    SqliteDb &db = ws->db();
    db.exec("PRAGMA cache_size = -262144");
    const auto size = [&](const QByteArray &prefix) -> double {
        auto q = db.prepare(QByteArray(QByteArray("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE '") + prefix + "%'"));
        if (!q || q->step() != Statement::StepResult::Row)
            return -1;
        return double(q->columnInt(0)) / (1 << 20);
    };
    out() << "workspace " << path << ": " << *db.queryInt("SELECT count(*) FROM events") << " events, "
          << *db.queryInt("SELECT count(*) FROM transactions") << " transactions\n";
    out() << "tables: events " << size("events") - size("events_fts") << " MiB, transactions "
          << size("transactions") - size("transactions_fts") << " MiB\n";
    if (!db.exec("BEGIN")) {
        out() << "cannot begin\n";
        return 1;
    }
    for (const char *tok : { "unicode61 remove_diacritics 2", "casebook_cjk remove_diacritics 2" }) {
        const QByteArray name = QByteArray(tok).startsWith("unicode61") ? "u61" : "cjk";
        QElapsedTimer t;
        t.start();
        const QByteArray sql = "CREATE VIRTUAL TABLE bench_" + name + "_e USING fts5(actor, actor_name, action, resource, source_ip, details, "
                               "content='events', content_rowid='id', tokenize='" + tok + "');"
                               "CREATE VIRTUAL TABLE bench_" + name + "_t USING fts5(debtor_account, debtor_name, creditor_account, "
                               "creditor_name, reference, memo, content='transactions', content_rowid='id', tokenize='" + tok + "');"
                               "INSERT INTO bench_" + name + "_e(bench_" + name + "_e) VALUES ('rebuild');"
                               "INSERT INTO bench_" + name + "_t(bench_" + name + "_t) VALUES ('rebuild');";
        if (auto st = db.exec(sql); !st) {
            out() << st.error().text() << "\n";
            db.exec("ROLLBACK");
            return 1;
        }
        const double secs = double(t.nsecsElapsed()) / 1e9;
        out() << QStringLiteral("%1: build %2 s, events index %3 MiB, transactions index %4 MiB\n")
                     .arg(QString::fromLatin1(tok), -36)
                     .arg(secs, 0, 'f', 1)
                     .arg(size(QByteArray("bench_" + name + "_e")), 0, 'f', 1)
                     .arg(size(QByteArray("bench_" + name + "_t")), 0, 'f', 1);
        out().flush();
    }
    {
        QElapsedTimer t;
        t.start();
        db.exec("DELETE FROM entity_stats");
        auto st = db.exec(
            "INSERT INTO entity_stats(kind, key, tenant_id, currency, display, count, amount_e4, first_utc_ms, last_utc_ms) "
            "SELECT kind, key, tenant_id, currency, min(display), count(*), sum(amount_e4), min(ts), max(ts) FROM ("
            " SELECT 'account' AS kind, debtor_account AS key, tenant_id, currency, debtor_account AS display, amount_e4, ts_utc_ms AS ts FROM transactions WHERE debtor_account IS NOT NULL"
            " UNION ALL SELECT 'account', creditor_account, tenant_id, currency, creditor_account, amount_e4, ts_utc_ms FROM transactions WHERE creditor_account IS NOT NULL"
            " UNION ALL SELECT 'name', casebook_name_key(debtor_name), tenant_id, currency, debtor_name, amount_e4, ts_utc_ms FROM transactions WHERE debtor_name IS NOT NULL"
            " UNION ALL SELECT 'name', casebook_name_key(creditor_name), tenant_id, currency, creditor_name, amount_e4, ts_utc_ms FROM transactions WHERE creditor_name IS NOT NULL"
            " UNION ALL SELECT 'ip', source_ip, tenant_id, '', source_ip, 0, ts_utc_ms FROM events WHERE source_ip IS NOT NULL"
            " UNION ALL SELECT 'actor', actor, tenant_id, '', actor, 0, ts_utc_ms FROM events"
            " UNION ALL SELECT 'name', casebook_name_key(actor_name), tenant_id, '', actor_name, 0, ts_utc_ms FROM events WHERE actor_name IS NOT NULL"
            ") WHERE key IS NOT NULL GROUP BY kind, key, tenant_id, currency");
        out() << "entity_stats rebuild: " << double(t.nsecsElapsed()) / 1e9 << " s, " << *db.queryInt("SELECT count(*) FROM entity_stats")
              << " rows, " << size("entity_stats") << " MiB" << (st ? "" : " (failed)") << "\n";
    }
    db.exec("ROLLBACK");
    return 0;
}

/// Variants of the entity_stats aggregation over all rows, each timed in a rolled-back transaction.
int benchEntities(const QString &path)
{
    auto ws = Workspace::open(path);
    if (!ws) {
        out() << ws.error().text() << "\n";
        return 1;
    }
    SqliteDb &db = ws->db();
    db.exec("PRAGMA cache_size = -131072");
    const QByteArray unionSql =
        "INSERT INTO entity_stats(kind, key, tenant_id, currency, display, count, amount_e4, first_utc_ms, last_utc_ms) "
        "SELECT kind, key, tenant_id, currency, min(display), count(*), sum(amount_e4), min(ts), max(ts) FROM ("
        " SELECT 'account' AS kind, debtor_account AS key, tenant_id, currency, debtor_account AS display, amount_e4, ts_utc_ms AS ts FROM transactions WHERE debtor_account IS NOT NULL"
        " UNION ALL SELECT 'account', creditor_account, tenant_id, currency, creditor_account, amount_e4, ts_utc_ms FROM transactions WHERE creditor_account IS NOT NULL"
        " UNION ALL SELECT 'name', casebook_name_key(debtor_name), tenant_id, currency, debtor_name, amount_e4, ts_utc_ms FROM transactions WHERE debtor_name IS NOT NULL"
        " UNION ALL SELECT 'name', casebook_name_key(creditor_name), tenant_id, currency, creditor_name, amount_e4, ts_utc_ms FROM transactions WHERE creditor_name IS NOT NULL"
        " UNION ALL SELECT 'ip', source_ip, tenant_id, '', source_ip, 0, ts_utc_ms FROM events WHERE source_ip IS NOT NULL"
        " UNION ALL SELECT 'actor', actor, tenant_id, '', actor, 0, ts_utc_ms FROM events"
        " UNION ALL SELECT 'name', casebook_name_key(actor_name), tenant_id, '', actor_name, 0, ts_utc_ms FROM events WHERE actor_name IS NOT NULL"
        ") WHERE key IS NOT NULL GROUP BY kind, key, tenant_id, currency";
    for (const char *temp : { "FILE", "MEMORY" }) {
        db.exec(QByteArray(QByteArray("PRAGMA temp_store = ") + temp));
        db.exec("BEGIN");
        db.exec("DELETE FROM entity_stats");
        QElapsedTimer t;
        t.start();
        auto st = db.exec(unionSql);
        out() << "union, temp_store " << temp << ": " << double(t.nsecsElapsed()) / 1e9 << " s" << (st ? "" : " FAILED") << "\n";
        out().flush();
        db.exec("ROLLBACK");
    }
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() >= 3 && args[1] == u"query")
        return benchQueries(args[2], args.size() > 3 ? args[3].toInt() : 5);
    if (args.size() == 3 && args[1] == u"index")
        return benchIndex(args[2]);
    if (args.size() == 3 && args[1] == u"entities")
        return benchEntities(args[2]);
    fprintf(stderr, "usage: bench_search query WS [RUNS] | bench_search index WS\n");
    return 2;
}
