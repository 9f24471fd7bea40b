// SPDX-License-Identifier: GPL-3.0-or-later
// Search count cells (schema 6): the cells equal a GROUP BY over the rows after several imports and
// after the migration's backfill, and counts answered from cells equal counts over the rows for
// random queries of exact terms, time ranges (any zone, any millisecond) and amount ranges (at and
// beside bucket edges). Time order (schema 6): the exceptions equal a brute-force computation, and
// first pages newest first walked per archive equal the general plan's, in order and out of order.
#include "demogenerator.h"
#include "importer.h"
#include "keyring.h"
#include "searchcells.h"
#include "searchservice.h"
#include "sqlitedb.h"
#include "testutils.h"
#include "workspace.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <tuple>

using namespace casebook;
using namespace casebook::test;
using namespace Qt::StringLiterals;

namespace {

// Amounts at and beside bucket edges, and two archives of one institution on overlapping days.
const char *const kEdgeTxn1 = "txn_id,ts,debtor_account,debtor_name,creditor_account,creditor_name,amount,currency,channel,status\r\n"
                              "A1,2026-01-05T23:59:59.999Z,CN1,A,CN2,B,0.0001,CNY,api,booked\r\n"
                              "A2,2026-01-06T00:00:00Z,CN1,A,CN2,B,0.0002,CNY,api,booked\r\n"
                              "A3,2026-01-06T08:00:00+08:00,CN1,A,CN2,B,1.9999,USD,mobile,pending\r\n"
                              "A4,2026-01-06T12:00:00Z,CN1,A,CN2,B,2.0000,USD,mobile,rejected\r\n"
                              "A5,2026-01-07T00:00:00.001Z,CN1,A,CN2,B,9999.9999,USD,,booked\r\n"
                              "A6,2026-01-07T10:00:00Z,CN1,A,CN2,B,10000.00,USD,swift,\r\n"
                              "A7,2026-01-07T10:00:00Z,CN1,A,CN2,B,10000.0001,EUR,swift,booked\r\n"
                              "A8,2026-01-08T00:00:00Z,CN1,A,CN2,B,50000.00,EUR,branch,booked\r\n"
                              "A9,2025-12-31T23:00:00-05:00,CN1,A,CN2,B,0,EUR,branch,booked\r\n";
const char *const kEdgeTxn2 = "txn_id,ts,debtor_account,debtor_name,creditor_account,creditor_name,amount,currency,channel,status\r\n"
                              "B1,2026-01-06T00:00:00Z,CN1,A,CN2,B,0.0002,CNY,api,booked\r\n"
                              "B2,2026-01-06T23:00:00Z,CN1,A,CN2,B,4999.9999,USD,mobile,pending\r\n"
                              "B3,2026-01-07T10:00:00Z,CN1,A,CN2,B,5000,USD,swift,booked\r\n"
                              "B4,2026-01-07T10:00:00Z,CN1,A,CN2,B,99999999.9999,EUR,swift,booked\r\n";
// Newest first (every row but the first is an exception), in a separate institution.
const char *const kReversedTxn = "txn_id,ts,debtor_account,debtor_name,creditor_account,creditor_name,amount,currency,memo\r\n"
                                 "R1,2026-03-30T10:00:00Z,CN1,王芳,CN2,B,1.00,CNY,rent login\r\n"
                                 "R2,2026-03-30T10:00:00Z,CN1,王芳,CN2,B,2.00,CNY,rent\r\n"
                                 "R3,2026-03-29T10:00:00Z,CN1,王芳,CN2,B,3.00,CNY,rent\r\n"
                                 "R4,2026-03-31T10:00:00Z,CN1,王芳,CN2,B,4.00,CNY,rent\r\n"
                                 "R5,2026-01-02T10:00:00Z,CN1,王芳,CN2,B,5.00,CNY,rent\r\n"
                                 "R6,2026-03-31T11:00:00Z,CN1,王芳,CN2,B,6.00,CNY,rent customers\r\n";
const char *const kEdgeAudit1 = R"({"event_id":"E1","ts":"2026-01-05T23:59:59.999Z","actor":"a","actor_role":"dba","action":"db.export","outcome":"success"}
{"event_id":"E2","ts":"2026-01-06T00:00:00Z","actor":"a","action":"db.export","outcome":"denied"}
{"event_id":"E3","ts":"2026-01-06T10:00:00+08:00","actor":"b","actor_role":"teller","action":"user.login","outcome":"failure"}
)";
const char *const kEdgeAudit2 = R"({"event_id":"F1","ts":"2026-01-06T00:00:00Z","actor":"a","actor_role":"dba","action":"db.export","outcome":"success"}
{"event_id":"F2","ts":"2026-01-07T00:00:00Z","actor":"c","actor_role":"DBA","action":"db.query","outcome":"denied"}
)";

QString amountText(int64_t e4)
{
    return QString::number(e4 / 10000) + u'.' + QStringLiteral("%1").arg(e4 % 10000, 4, 10, QChar(u'0'));
}

} // namespace

class TestSearchCells : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_ws = m_dir.filePath(u"cells.casebook"_s);
        auto ws = Workspace::create(m_ws);
        QVERIFY(ws);
        demo::Options o;
        o.rows = 30000;
        auto gen = demo::generate(m_dir.filePath(u"demo"_s), o);
        QVERIFY(gen);
        for (const demo::GeneratedArchive &g : *gen)
            QCOMPARE(importArchive(*ws, { g.path, u"tester"_s, nullptr }).outcome, ImportResult::Outcome::Imported);
        Keyring k;
        k.insert(QString::fromLatin1(kTestKeyId), testPublicKey());
        int n = 0;
        for (const auto &[audit, txn] : { std::pair { kEdgeAudit1, kEdgeTxn1 }, std::pair { kEdgeAudit2, kEdgeTxn2 } }) {
            ArchiveSpec spec;
            spec.tenantId = u"T9001"_s;
            spec.exportId = u"00000000-0000-4000-8000-00000000000%1"_s.arg(++n);
            spec.audit = audit;
            spec.transactions = txn;
            spec.transactionRecords = -1;
            const QString path = m_dir.filePath(u"edge%1.sea.zip"_s.arg(n));
            QVERIFY(writeArchive(path, spec));
            const ImportResult r = importArchive(*ws, { path, u"tester"_s, &k });
            QVERIFY2(r.outcome == ImportResult::Outcome::Imported, qPrintable(r.message));
        }
        ArchiveSpec spec;
        spec.tenantId = u"T9002"_s;
        spec.exportId = u"00000000-0000-4000-8000-0000000000f1"_s;
        spec.audit = {};
        spec.transactions = kReversedTxn;
        spec.transactionRecords = -1;
        const QString path = m_dir.filePath(u"reversed.sea.zip"_s);
        QVERIFY(writeArchive(path, spec));
        const ImportResult r = importArchive(*ws, { path, u"tester"_s, &k });
        QVERIFY2(r.outcome == ImportResult::Outcome::Imported, qPrintable(r.message));
    }

    void buckets_data()
    {
        QTest::addColumn<qint64>("amount");
        QTest::addColumn<int>("bucket");
        QTest::newRow("zero") << qint64(0) << 0;
        QTest::newRow("negative") << qint64(-5) << 0;
        QTest::newRow("0.0001") << qint64(1) << 1;
        QTest::newRow("0.0002") << qint64(2) << 2;
        QTest::newRow("0.0004") << qint64(4) << 2;
        QTest::newRow("0.0005") << qint64(5) << 3;
        QTest::newRow("0.0009") << qint64(9) << 3;
        QTest::newRow("0.0010") << qint64(10) << 4;
        QTest::newRow("1.9999") << qint64(19999) << 13;
        QTest::newRow("2.0000") << qint64(20000) << 14;
        QTest::newRow("10000") << qint64(100000000) << 25;
        QTest::newRow("max") << std::numeric_limits<qint64>::max() << 57;
    }
    void buckets()
    {
        QFETCH(qint64, amount);
        QFETCH(int, bucket);
        QCOMPARE(searchcells::bucketOf(amount), bucket);
        if (bucket > 0) {
            QVERIFY(searchcells::bucketLow(bucket) <= amount);
            QVERIFY(amount <= searchcells::bucketHigh(bucket));
            QCOMPARE(searchcells::bucketOf(searchcells::bucketLow(bucket)), bucket);
            QCOMPARE(searchcells::bucketOf(searchcells::bucketHigh(bucket)), bucket);
        }
        QCOMPARE(searchcells::lastBucket(), 57);
        for (int b = 1; b < searchcells::lastBucket(); ++b)
            QCOMPARE(searchcells::bucketHigh(b) + 1, searchcells::bucketLow(b + 1));
    }

    /// The cells are exactly a GROUP BY over the rows (bucket from bucketOf, in C++), after the imports
    /// and again after the migration rebuilt them from the rows.
    void cellsEqualRows()
    {
        checkCellsEqualRows(); // as the importer wrote them
        checkTimeOrder();
        {
            // Several archives of one institution append their own cells (T9001's 2026-01-06 is in both).
            auto w = Workspace::open(m_ws);
            QVERIFY(w);
            QVERIFY(*w->db().queryInt("SELECT count(*) FROM (SELECT 1 FROM search_cells_transactions WHERE tenant_id = 'T9001' "
                                      "GROUP BY day, currency, channel, status, bucket HAVING count(*) > 1)")
                    > 0);
        }
        {
            auto w = Workspace::open(m_ws);
            QVERIFY(w);
            QVERIFY(w->db().exec("DROP TABLE search_cells_events; DROP TABLE search_cells_transactions; DROP TABLE time_order_exceptions;"
                                 "ALTER TABLE archives DROP COLUMN events_time_exceptions;"
                                 "ALTER TABLE archives DROP COLUMN transactions_time_exceptions;"
                                 "ALTER TABLE archives DROP COLUMN events_ts_max; ALTER TABLE archives DROP COLUMN transactions_ts_max;"
                                 "PRAGMA user_version = 5;"));
        }
        auto w = Workspace::open(m_ws); // migrates to 6: the backfill
        QVERIFY(w);
        QCOMPARE(*w->db().queryInt("PRAGMA user_version"), Workspace::latestSchemaVersion());
        checkCellsEqualRows(); // as the migration built them
        checkTimeOrder();
    }

    void edgeQueries_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("zone");
        for (const char *q : { "amount>10000", "amount>=10000", "amount<10000", "amount<=9999.9999", "amount:1000..5000",
                               "amount:0.0001..0.0002", "amount:0..0", "amount<=0.0001", "amount>=99999999.9999", "amount:2..2",
                               "amount:1.9999..2.0000 currency:usd", "NOT status:booked amount>=5000", "-channel:swift amount<50000",
                               "status:booked OR status:pending", "role:dba", "role:dba OR outcome:denied", "action:db.* -outcome:success",
                               "tenant:T9001", "after:2026-01-06", "after:2026-01-06 before:2026-01-07", "before:2026-01-06T00:00:00.001Z",
                               "after:2026-01-05T23:59:59.999Z before:2026-01-06T00:00:00.001Z", "after:2026-01-07 amount>=5000 currency:usd",
                               "kind:transaction amount:0..1", "after:2026-01-06 before:2026-01-06" }) {
            QTest::newRow(qPrintable(QString::fromUtf8(q) + u" UTC"_s)) << QString::fromUtf8(q) << u"UTC"_s;
            QTest::newRow(qPrintable(QString::fromUtf8(q) + u" Shanghai"_s)) << QString::fromUtf8(q) << u"Asia/Shanghai"_s;
            QTest::newRow(qPrintable(QString::fromUtf8(q) + u" Kolkata"_s)) << QString::fromUtf8(q) << u"Asia/Kolkata"_s;
        }
    }
    void edgeQueries()
    {
        QFETCH(QString, query);
        QFETCH(QString, zone);
        QueryContext ctx;
        ctx.zone = QTimeZone(zone.toLatin1());
        QVERIFY(compareCounts(query, ctx, {}));
        QVERIFY(compareCounts(query, ctx, SearchScope::only({ u"T9001"_s })));
    }

    /// The expected counts of a few edge queries, worked out by hand from the edge archives.
    void edgeCountsByHand_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<qint64>("transactions");
        QTest::newRow(">10000") << u"amount>10000"_s << qint64(3); // 10000.0001, 50000, 99999999.9999
        QTest::newRow(">=10000") << u"amount>=10000"_s << qint64(4);
        QTest::newRow("1000..5000") << u"amount:1000..5000"_s << qint64(2); // 4999.9999, 5000
        QTest::newRow("0..0") << u"amount:0..0"_s << qint64(1);
        QTest::newRow("day") << u"after:2026-01-06 before:2026-01-07"_s << qint64(5); // A2, A3 (08:00+08:00), A4, B1, B2
        QTest::newRow("1 ms") << u"after:2026-01-05T23:59:59.999Z before:2026-01-06T00:00:00.001Z"_s << qint64(4); // A1 A2 A3 B1
    }
    void edgeCountsByHand()
    {
        QFETCH(QString, query);
        QFETCH(qint64, transactions);
        auto w = Workspace::open(m_ws);
        QVERIFY(w);
        auto c = SearchService::compile(query, {}, SearchScope::only({ u"T9001"_s }));
        QVERIFY(c);
        QVERIFY(c->part(HitKind::Transaction).cells);
        auto n = SearchService(w->db()).count(*c);
        QVERIFY(n);
        QCOMPARE(n->totalTransactions, transactions);
    }

    /// Random AND/OR/NOT combinations of every cell field, times at random milliseconds in three zones
    /// and amount ranges at, beside and between bucket edges: cells and rows count alike.
    void randomQueries()
    {
        auto w = Workspace::open(m_ws);
        QVERIFY(w);
        SqliteDb &db = w->db();
        const auto values = [&](const char *sql) {
            QStringList out;
            auto q = db.prepare(sql);
            while (q && q->step() == Statement::StepResult::Row)
                out << q->columnText(0);
            return out;
        };
        const QStringList tenants = values("SELECT id FROM tenants");
        const QList<std::pair<const char *, QStringList>> fields {
            { "tenant", tenants },
            { "role", values("SELECT DISTINCT actor_role FROM events WHERE actor_role IS NOT NULL") },
            { "action", values("SELECT DISTINCT action FROM events") },
            { "outcome", values("SELECT DISTINCT outcome FROM events") },
            { "currency", values("SELECT DISTINCT currency FROM transactions") },
            { "channel", values("SELECT DISTINCT channel FROM transactions WHERE channel IS NOT NULL") },
            { "status", values("SELECT DISTINCT status FROM transactions WHERE status IS NOT NULL") },
        };
        for (const auto &f : fields)
            QVERIFY2(!f.second.isEmpty(), f.first);
        const QStringList amounts = values("SELECT DISTINCT amount_e4 FROM transactions WHERE id % 97 = 0 LIMIT 200");
        const int64_t tMin = *db.queryInt("SELECT min(ts_utc_ms) FROM (SELECT ts_utc_ms FROM events UNION ALL SELECT ts_utc_ms FROM transactions)");
        const int64_t tMax = *db.queryInt("SELECT max(ts_utc_ms) FROM (SELECT ts_utc_ms FROM events UNION ALL SELECT ts_utc_ms FROM transactions)");

        QRandomGenerator rng(20261126);
        const auto pick = [&](const QStringList &l) { return l.at(int(rng.bounded(qsizetype(l.size())))); };
        const auto term = [&]() -> QString {
            const auto &f = fields.at(int(rng.bounded(qsizetype(fields.size()))));
            QString v = pick(f.second);
            if (rng.bounded(5) == 0 && v.size() > 2) // prefix
                v = v.left(2 + int(rng.bounded(qsizetype(v.size() - 2)))) + u'*';
            else if (rng.bounded(4) == 0)
                v = v.toUpper(); // case-insensitive for ASCII
            return QString::fromLatin1(f.first) + u':' + (v.contains(u' ') ? u'"' + v + u'"' : v);
        };
        const auto amount = [&]() -> QString {
            int64_t a = 0;
            switch (rng.bounded(4)) {
            case 0:
                a = pick(amounts).toLongLong();
                break;
            case 1:
                a = pick(amounts).toLongLong() + int64_t(rng.bounded(3)) - 1;
                break;
            case 2: {
                const int b = 1 + int(rng.bounded(30));
                a = searchcells::bucketLow(b) + int64_t(rng.bounded(3)) - 1;
                break;
            }
            default:
                a = int64_t(rng.bounded(100000000));
            }
            return amountText(std::max<int64_t>(a, 0));
        };
        const auto instant = [&]() {
            const int64_t ms = tMin + int64_t(rng.bounded(quint64(tMax - tMin + 1)));
            const QDateTime t = QDateTime::fromMSecsSinceEpoch(rng.bounded(3) == 0 ? ms - ms % searchcells::kDayMs : ms, Qt::UTC);
            return rng.bounded(2) ? t.toString(u"yyyy-MM-dd"_s) : t.toString(Qt::ISODateWithMs);
        };
        const auto conjunct = [&]() -> QString {
            switch (rng.bounded(9)) {
            case 0:
            case 1:
            case 2:
                return term();
            case 3:
                return u'(' + term() + u" OR "_s + term() + u')';
            case 4:
                return (rng.bounded(2) ? u"-"_s : u"NOT "_s) + term();
            case 5:
                return u"after:"_s + instant();
            case 6:
                return u"before:"_s + instant();
            case 7: {
                static const char *const ops[] = { ">", ">=", "<", "<=" };
                if (rng.bounded(2))
                    return u"amount"_s + QLatin1StringView(ops[rng.bounded(4)]) + amount();
                QString a = amount(), b = amount();
                if (a.toDouble() > b.toDouble()) // only to order two test strings
                    std::swap(a, b);
                return u"amount:"_s + a + u".."_s + b;
            }
            default:
                return rng.bounded(2) ? u"kind:event"_s : u"kind:transaction"_s;
            }
        };
        const QStringList zones { u"UTC"_s, u"Asia/Shanghai"_s, u"America/New_York"_s };
        int nonEmpty = 0, cellsUsed = 0, cellPages = 0;
        for (int i = 0; i < 400; ++i) {
            QStringList parts;
            const int n = 1 + int(rng.bounded(4));
            for (int j = 0; j < n; ++j)
                parts << conjunct();
            const QString query = parts.join(u' ');
            QueryContext ctx;
            ctx.zone = QTimeZone(pick(zones).toLatin1());
            SearchScope scope;
            if (rng.bounded(4) == 0)
                scope = SearchScope::only({ pick(tenants), pick(tenants) });
            auto c = SearchService::compile(query, ctx, scope);
            QVERIFY2(c, qPrintable(query));
            for (HitKind k : { HitKind::Event, HitKind::Transaction }) {
                QVERIFY2(c->part(k).never || c->part(k).cells, qPrintable(query));
                cellsUsed += c->part(k).cells;
            }
            int64_t total = 0;
            QVERIFY2(compareCounts(query, ctx, scope, &total), qPrintable(query));
            nonEmpty += total > 0;
            // First pages both ways: rare event hits are read from the groups the cells point at.
            for (SearchSort sort : { SearchSort::TimeDesc, SearchSort::TimeAsc }) {
                SearchService fast(db), slow(db);
                slow.setUseCells(false);
                auto a = fast.page(*c, sort, std::nullopt, 20), b = slow.page(*c, sort, std::nullopt, 20);
                QVERIFY2(a && b, qPrintable(query));
                QCOMPARE(a->size(), b->size());
                for (qsizetype h = 0; h < a->size(); ++h)
                    QVERIFY2(a->at(h).rowId == b->at(h).rowId && a->at(h).kind == b->at(h).kind, qPrintable(query));
                cellPages += fast.cellPages();
            }
        }
        qInfo() << cellPages << "first pages from cells";
        QVERIFY(cellPages > 20);
        qInfo() << nonEmpty << "of 400 random queries had hits;" << cellsUsed << "kinds counted from cells";
        QVERIFY(nonEmpty > 150);
        QVERIFY(cellsUsed > 300);
    }

    /// time_order_exceptions and the per-archive figures equal a brute-force pass over each archive's
    /// rows in id order.
    void timeOrderExceptions() { checkTimeOrder(); }

    /// First pages newest first: the per-archive walk gives exactly the general plan's hits, for
    /// common and rare words, prefixes, CJK, filters and scopes, page sizes 1 to 500; also when an
    /// archive's order is unknown or too disordered (then it is not used).
    void newestFirstWalk_data()
    {
        QTest::addColumn<QString>("state");
        QTest::newRow("as imported") << QString();
        QTest::newRow("one archive unknown") << u"UPDATE archives SET transactions_time_exceptions = NULL WHERE tenant_id = 'T9002'"_s;
        QTest::newRow("one archive disordered") << u"UPDATE archives SET events_time_exceptions = 10001 WHERE id = 1"_s;
    }
    void newestFirstWalk()
    {
        QFETCH(QString, state);
        const QString ws = m_dir.filePath(u"walk.casebook"_s);
        QFile::remove(ws);
        {
            auto w = Workspace::open(m_ws);
            QVERIFY(w);
            QVERIFY(w->db().exec(QByteArray("VACUUM INTO '" + ws.toUtf8() + "'")));
        }
        auto w = Workspace::open(ws);
        QVERIFY(w);
        if (!state.isEmpty())
            QVERIFY(w->db().exec(state.toUtf8()));
        const QStringList queries { u"login"_s, u"rent"_s, u"customers"_s, u"王芳"_s, u"张"_s, u"kyc*"_s, u"müller OR schmidt -rent"_s,
                                    u"user.login"_s, u"rent amount>3"_s, u"login outcome:failure"_s, u"\"core customers\""_s,
                                    u"nothing-matches-this"_s, u"rent tenant:T9002"_s };
        const QList<SearchScope> scopes { SearchScope::all(), SearchScope::only({ u"T0002"_s, u"T9002"_s }), SearchScope::only({ u"T9002"_s }),
                                          SearchScope::only({}) };
        int compared = 0, walked = 0;
        for (const QString &text : queries) {
            for (const SearchScope &scope : scopes) {
                auto c = SearchService::compile(text, {}, scope);
                QVERIFY2(c, qPrintable(text));
                for (int limit : { 1, 2, 3, 7, 50, 500 }) {
                    SearchService walk(w->db()), plain(w->db());
                    walk.setWalkMinHits(0); // walk every MATCH the demo data has
                    plain.setUseTimeOrder(false);
                    auto a = walk.page(*c, SearchSort::TimeDesc, std::nullopt, limit);
                    auto b = plain.page(*c, SearchSort::TimeDesc, std::nullopt, limit);
                    QVERIFY2(a && b, qPrintable(text));
                    QStringList ia, ib;
                    for (const SearchHit &h : *a)
                        ia << h.kindName() + u':' + QString::number(h.rowId);
                    for (const SearchHit &h : *b)
                        ib << h.kindName() + u':' + QString::number(h.rowId);
                    if (ia != ib)
                        qWarning() << text << limit << "walk" << ia.mid(0, 10) << "plain" << ib.mid(0, 10);
                    QVERIFY2(ia == ib, qPrintable(text + u" limit "_s + QString::number(limit)));
                    compared += ia.size();
                    walked += walk.walkedPages();
                    QCOMPARE(plain.walkedPages(), 0);
                }
            }
        }
        QVERIFY(compared > 2000);
        {
            // By default a MATCH of at most 2000 hits is read and sorted, not walked.
            auto c = SearchService::compile(u"rent"_s);
            QVERIFY(c);
            SearchService d(w->db());
            QVERIFY(d.page(*c, SearchSort::TimeDesc, std::nullopt, 50));
            QCOMPARE(d.walkedPages(), 0);
            d.setWalkMinHits(10);
            QVERIFY(d.page(*c, SearchSort::TimeDesc, std::nullopt, 50));
            // "rent" is in transaction memos: their walk, unless an archive's time order is unknown.
            QCOMPARE(d.walkedPages(), state.contains(u"transactions_time"_s) ? 0 : 1);
        }
        if (state.isEmpty())
            QVERIFY(walked > 100);
        else
            QVERIFY(walked > 50); // the other kind is still walked
    }

    /// Queries the cells cannot answer keep the other paths.
    void notCellQueries()
    {
        for (const char *q : { "rent", "ip:10.0.0.0/8", "actor:dba.zhou", "account:CN1 amount>5", "role:dba OR rent", "NOT (amount>5 status:booked)",
                               "amount>5 OR status:booked" }) {
            auto c = SearchService::compile(QString::fromUtf8(q));
            QVERIFY2(c, q);
            QVERIFY2(!c->part(HitKind::Transaction).cells || c->part(HitKind::Transaction).never, q);
            QVERIFY(compareCounts(QString::fromUtf8(q), {}, {}));
        }
    }

private:
    QTemporaryDir m_dir;
    QString m_ws;

    /// Counts `query` from cells and from rows; true when both agree per institution and kind.
    bool compareCounts(const QString &query, const QueryContext &ctx, const SearchScope &scope, int64_t *total = nullptr)
    {
        auto w = Workspace::open(m_ws);
        if (!w)
            return false;
        auto c = SearchService::compile(query, ctx, scope);
        if (!c) {
            qWarning() << query << c.error().text();
            return false;
        }
        SearchService fast(w->db()), slow(w->db());
        slow.setUseCells(false);
        auto a = fast.count(*c), b = slow.count(*c);
        if (!a || !b) {
            qWarning() << query << (a ? QString() : a.error().text()) << (b ? QString() : b.error().text());
            return false;
        }
        if (total)
            *total = b->total();
        const bool same = a->events == b->events && a->transactions == b->transactions && a->totalEvents == b->totalEvents
            && a->totalTransactions == b->totalTransactions;
        if (!same)
            qWarning() << query << "cells" << a->events << a->transactions << "rows" << b->events << b->transactions;
        return same;
    }

    void checkTimeOrder()
    {
        auto w = Workspace::open(m_ws);
        QVERIFY(w);
        SqliteDb &db = w->db();
        for (int kind = 0; kind < 2; ++kind) {
            const QByteArray t = kind == 0 ? "events" : "transactions";
            QSet<int64_t> expected;
            QMap<int64_t, int64_t> perArchive, tsMax;
            QMap<int64_t, int64_t> running;
            auto q = db.prepare(QByteArray("SELECT id, archive_id, ts_utc_ms FROM " + t + " ORDER BY id"));
            QVERIFY(q);
            while (q->step() == Statement::StepResult::Row) {
                const int64_t id = q->columnInt(0), archive = q->columnInt(1), ts = q->columnInt(2);
                if (running.contains(archive) && ts < running[archive]) {
                    expected.insert(id);
                    ++perArchive[archive];
                }
                running[archive] = std::max(running.value(archive, ts), ts);
                tsMax[archive] = running[archive];
            }
            QSet<int64_t> stored;
            auto e = db.prepare(QByteArray("SELECT row_id FROM time_order_exceptions WHERE kind = " + QByteArray::number(kind)));
            while (e->step() == Statement::StepResult::Row)
                stored.insert(e->columnInt(0));
            QCOMPARE(stored, expected);
            auto a = db.prepare(QByteArray("SELECT id, " + t + "_time_exceptions, " + t + "_ts_max FROM archives"));
            while (a->step() == Statement::StepResult::Row) {
                QCOMPARE(a->columnInt(1), perArchive.value(a->columnInt(0)));
                QCOMPARE(a->columnIsNull(2), !tsMax.contains(a->columnInt(0)));
                if (!a->columnIsNull(2))
                    QCOMPARE(a->columnInt(2), tsMax.value(a->columnInt(0)));
            }
            if (kind == 1)
                QVERIFY(expected.size() >= 3); // R3 and R5 of the reversed archive, A9
        }
    }

    void checkCellsEqualRows()
    {
        auto w = Workspace::open(m_ws);
        QVERIFY(w);
        SqliteDb &db = w->db();
        using Key = std::tuple<QString, int64_t, QString, QString, QString, int64_t>;
        const auto read = [&](const char *sql, bool fromRows, bool txn) {
            std::map<Key, int64_t> out;
            auto q = db.prepare(sql);
            if (!q)
                return out;
            while (q->step() == Statement::StepResult::Row) {
                const QString nul = u"<null>"_s;
                const auto text = [&](int i) { return q->columnIsNull(i) ? nul : q->columnText(i); };
                const int64_t day = fromRows ? searchcells::dayOf(q->columnInt(1)) : q->columnInt(1);
                const int64_t bucket = !txn ? 0 : fromRows ? searchcells::bucketOf(q->columnInt(5)) : q->columnInt(5);
                out[Key { q->columnText(0), day, text(2), text(3), text(4), bucket }] += fromRows ? 1 : q->columnInt(6);
            }
            return out;
        };
        const auto ev = read("SELECT tenant_id, ts_utc_ms, actor_role, action, outcome, 0, 1 FROM events", true, false);
        const auto evCells = read("SELECT tenant_id, day, actor_role, action, outcome, 0, n FROM search_cells_events", false, false);
        const auto tx = read("SELECT tenant_id, ts_utc_ms, currency, channel, status, amount_e4, 1 FROM transactions", true, true);
        const auto txCells = read("SELECT tenant_id, day, currency, channel, status, bucket, n FROM search_cells_transactions", false, true);
        QVERIFY(ev.size() > 100);
        QVERIFY(tx.size() > 100);
        QVERIFY(ev == evCells);
        QVERIFY(tx == txCells);
    }
};

QTEST_GUILESS_MAIN(TestSearchCells)
#include "tst_searchcells.moc"
