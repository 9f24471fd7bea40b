// SPDX-License-Identifier: GPL-3.0-or-later
// Cross-tenant search end to end: the CJK tokenizer, every operator and field against a small
// three-institution workspace, exact decimal edges, time zones, scope, keyset paging, facets, linked
// entities (kept at import and after migration), hostile input, and casebook-cli search/linked.

#include "importer.h"
#include "keyring.h"
#include "searchextensions.h"
#include "searchservice.h"
#include "sqlitedb.h"
#include "testutils.h"
#include "workspace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace casebook;
using namespace casebook::test;

namespace {

constexpr int64_t kNow = 1768046400000; // 2026-01-10T12:00:00Z

// Test data (defined at the end of the file: moc does not read past raw string literals).
extern const char *const kAuditA, *const kTxnA, *const kAuditB, *const kTxnB, *const kAuditC, *const kTxnC;

QStringList ids(const QVector<SearchHit> &hits)
{
    QStringList out;
    for (const SearchHit &h : hits)
        out << h.tenant.right(1) + u':' + h.id;
    out.sort();
    return out;
}

QStringList list(const char *s) { return QString::fromUtf8(s).split(u' ', Qt::SkipEmptyParts); }

} // namespace

class TestSearch : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_ws;
    std::optional<Workspace> m_workspace;

    QueryContext ctx(const char *zone = "UTC")
    {
        QueryContext c;
        c.zone = QByteArrayView(zone) == "UTC" ? QTimeZone::utc() : QTimeZone(zone);
        c.nowMs = kNow;
        return c;
    }

    QVector<SearchHit> all(const QString &query, const SearchScope &scope = {}, const char *zone = "UTC",
                           SearchSort sort = SearchSort::TimeDesc, int pageSize = 1000)
    {
        auto c = SearchService::compile(query, ctx(zone), scope);
        if (!c) {
            qWarning() << c.error().message;
            return {};
        }
        SearchService s(m_workspace->db());
        QVector<SearchHit> out;
        std::optional<SearchHit> last;
        for (;;) {
            auto p = s.page(*c, sort, last ? &*last : nullptr, pageSize);
            if (!p) {
                qWarning() << p.error().text();
                return {};
            }
            out += *p;
            if (p->size() < pageSize)
                break;
            last = p->constLast();
        }
        return out;
    }

    static void importInto(const QString &ws, const QString &dir, const char *tenant, const char *zone, const char *audit,
                           const char *txn, const char *exportId)
    {
        ArchiveSpec spec;
        spec.tenantId = QString::fromLatin1(tenant);
        spec.tenantName = QStringLiteral("Bank ") + spec.tenantId;
        spec.defaultTimezone = QString::fromLatin1(zone);
        spec.exportId = QString::fromLatin1(exportId);
        spec.audit = audit;
        spec.transactions = txn;
        spec.transactionRecords = -1;
        const QString path = dir + u'/' + spec.tenantId + u".sea.zip";
        QVERIFY(writeArchive(path, spec));
        auto w = Workspace::open(ws);
        QVERIFY(w);
        Keyring k;
        k.insert(QString::fromLatin1(kTestKeyId), testPublicKey());
        const ImportResult r = importArchive(*w, { path, QStringLiteral("tester"), &k });
        QVERIFY2(r.outcome == ImportResult::Outcome::Imported, qPrintable(r.message));
        QCOMPARE(r.quarantined, 0);
    }

    static void buildWorkspace(const QString &ws, const QString &dir)
    {
        QVERIFY(Workspace::create(ws));
        importInto(ws, dir, "T9001", "Asia/Shanghai", kAuditA, kTxnA, "00000000-0000-4000-8000-00000000000a");
        importInto(ws, dir, "T9002", "Europe/Berlin", kAuditB, kTxnB, "00000000-0000-4000-8000-00000000000b");
        importInto(ws, dir, "T9003", "UTC", kAuditC, kTxnC, "00000000-0000-4000-8000-00000000000c");
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_ws = m_dir.filePath(QStringLiteral("search.casebook"));
        buildWorkspace(m_ws, m_dir.path());
        auto w = Workspace::open(m_ws);
        QVERIFY(w);
        m_workspace.emplace(std::move(*w));
    }
    void cleanupTestCase() { m_workspace.reset(); }

    void tokenizer_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("tokens");
        QTest::addRow("latin folded") << QStringLiteral("Müller JÄGER Seán") << list("muller jager sean");
        QTest::addRow("two CJK") << QStringLiteral("王芳") << list("王芳");
        QTest::addRow("CJK bigrams") << QStringLiteral("张王芳明") << list("张王 王芳 芳明");
        QTest::addRow("single CJK") << QStringLiteral("王 x") << list("王 x");
        QTest::addRow("mixed run") << QStringLiteral("abc王芳def") << list("abc 王芳 def");
        QTest::addRow("punctuation splits runs") << QStringLiteral("王芳，李伟。") << list("王芳 李伟");
        QTest::addRow("japanese") << QStringLiteral("田中太郎 ドル送金") << list("田中 中太 太郎 ドル ル送 送金");
        QTest::addRow("korean") << QStringLiteral("김민준 씨") << list("김민 민준 씨");
        QTest::addRow("cyrillic") << QStringLiteral("Иванов Пётр") << list("иванов пётр"); // unicode61 folds Latin diacritics only
        QTest::addRow("ip") << QStringLiteral("203.0.113.77") << list("203 0 113 77");
        QTest::addRow("extension B") << QStringLiteral("𠀀𠀁") << QStringList { QStringLiteral("𠀀𠀁") };
    }
    void tokenizer()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, tokens);
        QCOMPARE(cjkTokens(m_workspace->db().handle(), text), tokens);
    }

    void ftsUsesTokenizer()
    {
        auto n = m_workspace->db().queryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'events_fts' AND sql LIKE '%casebook_cjk%'");
        QVERIFY(n);
        QCOMPARE(*n, 1);
        QCOMPARE(*m_workspace->db().queryInt("PRAGMA user_version"), Workspace::latestSchemaVersion());
    }

    void queries_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QStringList>("expected");
        const auto row = [](const char *name, const char *q, const char *exp, const char *zone = "UTC") {
            QTest::addRow("%s", name) << QString::fromUtf8(q) << QString::fromLatin1(zone) << list(exp);
        };
        // CJK substrings
        row("cjk 2 chars", "王芳", "1:E1 1:X1 1:X2 1:X4 1:X5 2:F1 2:Y2 3:G1 3:Z1");
        row("cjk 3 chars inside a name", "王芳明", "1:X4 1:X5");
        row("cjk end of a name", "芳明", "1:X4 1:X5");
        row("cjk start of a name", "张王", "1:X4 1:X5");
        row("cjk whole name", "张王芳明", "1:X4 1:X5");
        row("cjk not a substring", "芳王", "");
        row("cjk single char is a prefix", "张", "1:X4 1:X5");
        row("japanese kanji", "田中", "1:E5");
        row("japanese inside", "中太", "1:E5");
        row("japanese katakana", "ドル", "1:X5");
        row("japanese memo end", "送金", "1:X5");
        row("korean", "민준", "1:E6");
        row("korean whole", "김민준", "1:E6");
        row("cjk in memo", "房租", "1:X4");
        // words, case, diacritics
        row("word", "rent", "1:X1 1:X4");
        row("word case", "RENT", "1:X1 1:X4");
        row("diacritics", "sean", "1:E4");
        row("diacritics upper", "MULLER", "1:X3");
        row("diacritics jager", "jäger", "1:X3");
        row("all words must match", "rent march", "1:X4");
        row("no hit", "nonexistentword", "");
        // boolean operators and precedence
        row("minus", "rent -march", "1:X1");
        row("NOT", "rent NOT march", "1:X1");
        row("AND NOT", "rent AND NOT march", "1:X1");
        row("AND", "rent AND 王芳", "1:X1 1:X4");
        row("OR", "rent OR miete", "1:X1 1:X4 2:Y2");
        row("AND before OR", "rent OR miete hans", "1:X1 1:X4");
        row("parentheses", "(rent OR miete) hans", "");
        row("parentheses 2", "(rent OR miete) 王芳", "1:X1 1:X4 2:Y2");
        row("AND before OR left", "rent 王芳 OR miete", "1:X1 1:X4 2:Y2");
        row("NOT before AND before OR", "kind:transaction NOT rent OR miete", "1:X2 1:X3 1:X5 1:X6 2:Y1 2:Y2 3:Z1");
        row("minus group", "kind:transaction -(rent OR miete)", "1:X2 1:X3 1:X5 1:X6 2:Y1 3:Z1");
        row("double negation", "NOT NOT rent", "1:X1 1:X4");
        row("NOT sql field", "kind:event -role:dba", "1:E1 1:E3 1:E4 1:E5 1:E6 2:F1 2:F2 3:G1");
        row("OR across kinds", "actor:dba.zhou OR account:DE001", "1:E2 2:Y1");
        // phrases, prefixes, escaping
        row("phrase", "\"smith, john\"", "1:X1");
        row("phrase order matters", "\"john smith\"", "");
        row("phrase two words", "\"Northgate Trading\"", "2:Y1 3:Z1");
        row("prefix", "north*", "2:Y1 3:Z1");
        row("phrase prefix", "\"northgate tr\"*", "2:Y1 3:Z1");
        row("prefix json", "cust*", "1:E2");
        row("apostrophe", "O'Brien", "1:E4 1:X4 1:X6");
        row("apostrophe in field phrase", "name:\"O'Brien Ltd\"", "1:X4 1:X6");
        row("quotes inside a phrase", "\"report \\\"Q1\\\"\"", "1:E4");
        row("fts operators are text", "\"NEAR(x) ^ * AND OR\"", "1:E4");
        row("NEAR as a word", "near", "1:E4");
        row("column syntax is text", "\"actor : dba\"", "");
        // fields
        row("tenant", "tenant:T9002", "2:F1 2:F2 2:Y1 2:Y2");
        row("tenant lower case", "tenant:t9002", "2:F1 2:F2 2:Y1 2:Y2");
        row("tenant prefix", "tenant:T900*", "1:E1 1:E2 1:E3 1:E4 1:E5 1:E6 1:X1 1:X2 1:X3 1:X4 1:X5 1:X6 2:F1 2:F2 2:Y1 2:Y2 3:G1 3:Z1");
        row("actor", "actor:u.wang", "1:E1 2:F1 3:G1");
        row("actor prefix", "actor:dba*", "1:E2");
        row("actor name", "actor:王芳", "1:E1 2:F1 3:G1");
        row("role", "role:dba", "1:E2");
        row("role prefix", "role:ops*", "1:E4");
        row("ip", "ip:10.1.2.3", "1:E1 2:F2");
        row("ip cidr", "ip:10.1.0.0/16", "1:E1 1:E4 2:F2");
        row("ip cidr 20", "ip:10.1.192.0/20", "1:E4");
        row("ip cidr 7", "ip:10.0.0.0/7", "1:E1 1:E4 1:E6 2:F2");
        row("ip cidr 32", "ip:10.1.2.3/32", "1:E1 2:F2");
        row("ip cidr host bits", "ip:10.1.2.99/24", "1:E1 2:F2");
        row("ip cidr and word", "ip:10.1.0.0/16 login", "1:E1");
        row("NOT ip cidr", "kind:event -ip:10.1.0.0/16", "1:E2 1:E3 1:E5 1:E6 2:F1 3:G1");
        row("ip cidr OR word", "ip:203.0.113.0/24 OR dba*", "1:E2 1:E5 2:F1 3:G1");
        row("ip prefix", "ip:10.1.*", "1:E1 1:E4 2:F2");
        row("ipv6 cidr", "ip:2001:db8::/32", "1:E2");
        row("ipv6 other spelling", "ip:2001:0db8:0::7", "1:E2");
        row("ip free text", "203.0.113.77", "1:E5 2:F1 3:G1");
        row("action", "action:user.login", "1:E1 1:E5 2:F1 3:G1");
        row("action prefix", "action:db.*", "1:E2 1:E4 2:F2");
        row("action case", "action:DB.EXPORT", "1:E2 2:F2");
        row("outcome", "outcome:denied", "1:E3");
        row("account", "account:GB33BUKB20201555555555", "1:X1 2:Y1 3:Z1");
        row("account lower case", "account:gb33bukb20201555555555", "1:X1 2:Y1 3:Z1");
        row("account both sides", "account:CN001", "1:X1 1:X2 3:Z1");
        row("account prefix", "account:GB33*", "1:X1 2:Y1 3:Z1");
        row("debtor", "debtor:CN001", "1:X1 3:Z1");
        row("creditor", "creditor:CN001", "1:X2");
        row("debtor name", "debtor:王芳", "1:X1 1:X4 1:X5 2:Y2 3:Z1");
        row("creditor name", "creditor:王芳", "1:X2");
        row("name", "name:王芳", "1:X1 1:X2 1:X4 1:X5 2:Y2 3:Z1");
        row("name is not memo", "name:rent", "");
        row("currency", "currency:usd", "1:X4 1:X5 1:X6");
        row("channel", "channel:mobile", "1:X1 1:X6 2:Y2");
        row("status", "status:booked", "1:X1 1:X2 1:X4 2:Y1 2:Y2 3:Z1");
        row("ref", "ref:INV-2026-001", "1:X4");
        row("ref prefix", "ref:inv*", "1:X4");
        row("memo", "memo:rent", "1:X1 1:X4");
        row("memo cjk", "memo:王芳", "1:X4");
        row("kind event", "kind:event 王芳", "1:E1 2:F1 3:G1");
        row("kind transaction", "kind:transaction 王芳", "1:X1 1:X2 1:X4 1:X5 2:Y2 3:Z1");
        row("event field excludes transactions", "role:dba OR amount>=99999999", "1:E2 1:X3");
        // amounts at decimal edges
        row("amount >=", "amount>=10000", "1:X3 1:X4 1:X5");
        row("amount >", "amount>10000", "1:X3 1:X5");
        row("amount <", "amount<10000", "1:X1 1:X2 1:X6 2:Y1 2:Y2 3:Z1");
        row("amount <=", "amount<=9999.9999", "1:X1 1:X2 1:X6 2:Y1 2:Y2 3:Z1");
        row("amount exact", "amount:10000", "1:X4");
        row("amount exact trailing zeros", "amount:10000.0000", "1:X4");
        row("amount range inclusive", "amount:9999.9999..10000", "1:X4 1:X6");
        row("amount smallest", "amount:0.0001", "1:X2");
        row("amount open low", "amount:..1", "1:X2 3:Z1");
        row("amount open high", "amount:99999999.9999..", "1:X3");
        row("amount above max", "amount>99999999.9999", "");
        row("amount with currency", "amount>=10000 currency:usd", "1:X4 1:X5");
        // times across zones (the local day 2026-01-06 differs per zone)
        row("day in UTC", "after:2026-01-06 before:2026-01-07", "1:E4 1:X2");
        row("day in Shanghai", "after:2026-01-06 before:2026-01-07", "1:E4 1:X2 2:Y1 2:Y2", "Asia/Shanghai");
        row("day in Berlin", "after:2026-01-06 before:2026-01-07", "1:E4 1:X2 2:Y2", "Europe/Berlin");
        row("exact instant window", "after:2026-01-05T02:13:00+08:00 before:2026-01-05T02:13:01+08:00", "1:E2");
        row("time without offset in zone", "after:2026-01-10T08:00 kind:event", "3:G1", "Asia/Shanghai");
        row("last", "last:1d", "3:G1 3:Z1");
        row("time with word", "王芳 before:2026-01-06", "1:E1 1:X1 2:F1 2:Y2");
    }
    void queries()
    {
        QFETCH(QString, query);
        QFETCH(QString, zone);
        QFETCH(QStringList, expected);
        auto c = SearchService::compile(query, ctx(zone.toLatin1().constData()));
        QVERIFY2(c, qPrintable(c ? QString() : c.error().message));
        QCOMPARE(ids(all(query, {}, zone.toLatin1().constData())), expected);
        // Facets agree with the hits.
        auto counts = SearchService(m_workspace->db()).count(*c);
        QVERIFY(counts);
        QCOMPARE(counts->total(), int64_t(expected.size()));
        QMap<QString, int64_t> perTenant;
        for (const SearchHit &h : all(query, {}, zone.toLatin1().constData()))
            ++perTenant[h.tenant];
        QMap<QString, int64_t> facet = counts->events;
        for (auto it = counts->transactions.cbegin(); it != counts->transactions.cend(); ++it)
            facet[it.key()] += it.value();
        QCOMPARE(facet, perTenant);
    }

    void everythingQuery()
    {
        const QVector<SearchHit> hits = all(QString());
        QCOMPARE(hits.size(), 6 + 6 + 2 + 2 + 1 + 1);
    }

    void paging_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("sort");
        for (const char *q : { "", "王芳", "kind:transaction", "amount>=1" })
            for (int s : { int(SearchSort::TimeDesc), int(SearchSort::TimeAsc), int(SearchSort::AmountDesc), int(SearchSort::AmountAsc) })
                QTest::addRow("%s sort %d", q, s) << QString::fromUtf8(q) << s;
    }
    // Keyset paging with any page size gives exactly the rows of one big page, in order.
    void paging()
    {
        QFETCH(QString, query);
        QFETCH(int, sort);
        const auto s = SearchSort(sort);
        const QVector<SearchHit> one = all(query, {}, "UTC", s, 1000);
        QVERIFY(!one.isEmpty());
        for (int pageSize : { 1, 2, 3, 7 }) {
            const QVector<SearchHit> paged = all(query, {}, "UTC", s, pageSize);
            QCOMPARE(paged.size(), one.size());
            for (int i = 0; i < one.size(); ++i)
                QCOMPARE(paged[i].rowId * 2 + int(paged[i].kind), one[i].rowId * 2 + int(one[i].kind));
        }
        for (int i = 1; i < one.size(); ++i) {
            const bool desc = s == SearchSort::TimeDesc || s == SearchSort::AmountDesc;
            const bool byAmount = s == SearchSort::AmountDesc || s == SearchSort::AmountAsc;
            const int64_t a = byAmount ? one[i - 1].amountE4 : one[i - 1].utcMs;
            const int64_t b = byAmount ? one[i].amountE4 : one[i].utcMs;
            QVERIFY(desc ? a >= b : a <= b);
        }
    }

    // The scope sits outside the MATCH and the query: no text reaches other institutions.
    void scopeCannotBeEscaped_data()
    {
        QTest::addColumn<QString>("query");
        for (const char *q : { "", "王芳", "tenant:T9002", "tenant:T9002 OR 王芳", "tenant:*", "NOT tenant:T9001",
                               "\") OR 1=1 --", "王芳\" OR tenant:T9002 OR \"", "x') OR tenant_id LIKE ('%",
                               "\"a\" OR \"b\") OR (\"c", "{tenant_id}: T9002", "account:GB33BUKB20201555555555",
                               "* OR NOT tenant:none", "-nothing", "ip:0.0.0.0/0", "amount>=0" })
            QTest::addRow("%s", q) << QString::fromUtf8(q);
    }
    void scopeCannotBeEscaped()
    {
        QFETCH(QString, query);
        const SearchScope scope = SearchScope::only({ QStringLiteral("T9001") });
        auto c = SearchService::compile(query, ctx(), scope);
        if (!c)
            return; // a syntax error reveals nothing
        for (const SearchHit &h : all(query, scope))
            QCOMPARE(h.tenant, QStringLiteral("T9001"));
        auto counts = SearchService(m_workspace->db()).count(*c);
        QVERIFY(counts);
        for (const QString &t : counts->events.keys() + counts->transactions.keys())
            QCOMPARE(t, QStringLiteral("T9001"));
        // An empty scope sees nothing at all.
        QVERIFY(all(query, SearchScope::only({})).isEmpty());
    }

    void scopeSeveral()
    {
        const SearchScope scope = SearchScope::only({ QStringLiteral("T9002"), QStringLiteral("T9003") });
        QCOMPARE(ids(all(QStringLiteral("王芳"), scope)), list("2:F1 2:Y2 3:G1 3:Z1"));
    }

    // Hostile text never crashes, never errors in SQL, and never changes the workspace.
    void hostileLeavesWorkspaceUnchanged()
    {
        const QByteArray before = workspaceDigest(m_ws);
        QStringList hostile { QStringLiteral("'; DROP TABLE events; --"), QStringLiteral("\"; DROP TABLE events; --\""),
                              QStringLiteral("NEAR("), QStringLiteral("NEAR(a b)"), QStringLiteral("\"NEAR(a b, 2)\""),
                              QStringLiteral("^"), QStringLiteral("^a"), QStringLiteral("a^"), QStringLiteral("*"),
                              QStringLiteral("a*b"), QStringLiteral("**a"), QStringLiteral("\""), QStringLiteral("\"\""),
                              QStringLiteral("\"   \""), QStringLiteral("\\"), QStringLiteral("\\\""), QStringLiteral("'"),
                              QStringLiteral("{actor}: x"), QStringLiteral("actor : x"), QStringLiteral("col:x"),
                              QStringLiteral("events_fts:x"), QStringLiteral("rowid:1"), QStringLiteral("a OR"),
                              QStringLiteral("AND"), QStringLiteral("-"), QStringLiteral("--"), QStringLiteral("---a"),
                              QStringLiteral("tenant:"), QStringLiteral("tenant:%"), QStringLiteral("tenant:_____"),
                              QStringLiteral("actor:\\%"), QStringLiteral("amount>=abc"), QStringLiteral("amount:1e9"),
                              QStringLiteral("after:2026-13-45"), QStringLiteral("ip:1.2.3.4/99"), QStringLiteral("ip:'"),
                              QStringLiteral("\"a\" * \"b\""), QStringLiteral("x:y:z"), QStringLiteral("😀"),
                              QStringLiteral("a\u0000b"), QString(QChar(0xD800)), QStringLiteral("王\"芳"),
                              QStringLiteral("\"王芳\"*"), QStringLiteral("memo:\")\""), QStringLiteral("kind:event)"),
                              QString(10000, u'('), QString(10000, u'(') + u'a' + QString(10000, u')'),
                              QString(1 << 20, u'a'), QStringLiteral("a ").repeated(500), QStringLiteral("a OR ").repeated(100) + u'b',
                              QStringLiteral("-a ").repeated(120), QStringLiteral("\"") + QString(3000, u'x') + u'"' };
        {
            SearchService s(m_workspace->db());
            for (const QString &q : hostile) {
                auto c = SearchService::compile(q, ctx());
                if (!c) {
                    QCOMPARE(c.error().code, Error::Code::Parse);
                    continue;
                }
                auto counts = s.count(*c);
                QVERIFY2(counts, qPrintable(q.left(80) + u": " + (counts ? QString() : counts.error().text())));
                auto page = s.page(*c, SearchSort::TimeDesc, nullptr, 50);
                QVERIFY2(page, qPrintable(q.left(80)));
                QCOMPARE(int64_t(page->size()), std::min<int64_t>(50, counts->total()));
            }
        }
        QCOMPARE(workspaceDigest(m_ws), before);
    }

    void linkedEntities()
    {
        auto linked = SearchService(m_workspace->db()).linkedEntities(2);
        QVERIFY(linked);
        QMap<QString, LinkedEntity> byKey;
        for (const LinkedEntity &e : *linked)
            byKey.insert(e.kind + u'/' + e.key, e);
        const LinkedEntity acct = byKey.value(QStringLiteral("account/GB33BUKB20201555555555"));
        QCOMPARE(acct.tenants, list("T9001 T9002 T9003"));
        QCOMPARE(acct.count, 3);
        QCOMPARE(acct.totalsE4.value(QStringLiteral("CNY")), 12345600);
        QCOMPARE(acct.totalsE4.value(QStringLiteral("EUR")), 50000000);
        QCOMPARE(acct.totalsE4.value(QStringLiteral("GBP")), 10000);
        QCOMPARE(acct.firstUtcMs, 1767578400000); // X1 2026-01-05T02:00:00Z
        QCOMPARE(acct.lastUtcMs, 1768003200000); // Z1 2026-01-10T00:00:00Z
        QCOMPARE(acct.searchQuery(), QStringLiteral("account:\"GB33BUKB20201555555555\""));
        const LinkedEntity name = byKey.value(QStringLiteral("name/王芳"));
        QCOMPARE(name.tenants, list("T9001 T9002 T9003"));
        QCOMPARE(name.countPerTenant.value(QStringLiteral("T9001")), 3); // E1 + X1 debtor + X2 creditor
        QCOMPARE(byKey.value(QStringLiteral("ip/203.0.113.77")).tenants, list("T9001 T9002 T9003"));
        QCOMPARE(byKey.value(QStringLiteral("ip/10.1.2.3")).tenants, list("T9001 T9002"));
        QCOMPARE(byKey.value(QStringLiteral("actor/u.wang")).tenants, list("T9001 T9002 T9003"));
        QVERIFY(!byKey.contains(QStringLiteral("account/CN004"))); // one institution only
        QVERIFY(!byKey.contains(QStringLiteral("name/o'brien ltd")));
        QCOMPARE(linked->first().tenants.size(), 3); // most institutions first
        // The pivot query finds the entity's rows at every institution.
        QCOMPARE(ids(all(acct.searchQuery())), list("1:X1 2:Y1 3:Z1"));

        auto three = SearchService(m_workspace->db()).linkedEntities(3);
        QVERIFY(three);
        for (const LinkedEntity &e : *three)
            QCOMPARE(e.tenants.size(), 3);
        QVERIFY(three->size() < linked->size());

        // Scoped to two institutions, only what both of them saw.
        auto scoped = SearchService(m_workspace->db()).linkedEntities(2, SearchScope::only({ QStringLiteral("T9001"), QStringLiteral("T9002") }));
        QVERIFY(scoped);
        for (const LinkedEntity &e : *scoped)
            QCOMPARE(e.tenants, list("T9001 T9002"));
        QVERIFY(std::any_of(scoped->begin(), scoped->end(), [](const LinkedEntity &e) { return e.key == u"10.1.2.3"; }));
    }

    // What import maintains incrementally equals a recomputation from the rows.
    void entityStatsMatchRows()
    {
        const char *recompute =
            "SELECT kind, key, tenant_id, currency, count(*), sum(amount_e4), min(ts), max(ts) FROM ("
            " SELECT 'account' AS kind, debtor_account AS key, tenant_id, currency, amount_e4, ts_utc_ms AS ts FROM transactions WHERE debtor_account IS NOT NULL"
            " UNION ALL SELECT 'account', creditor_account, tenant_id, currency, amount_e4, ts_utc_ms FROM transactions WHERE creditor_account IS NOT NULL"
            " UNION ALL SELECT 'name', casebook_name_key(debtor_name), tenant_id, currency, amount_e4, ts_utc_ms FROM transactions WHERE debtor_name IS NOT NULL"
            " UNION ALL SELECT 'name', casebook_name_key(creditor_name), tenant_id, currency, amount_e4, ts_utc_ms FROM transactions WHERE creditor_name IS NOT NULL"
            " UNION ALL SELECT 'ip', source_ip, tenant_id, '', 0, ts_utc_ms FROM events WHERE source_ip IS NOT NULL"
            " UNION ALL SELECT 'actor', actor, tenant_id, '', 0, ts_utc_ms FROM events"
            " UNION ALL SELECT 'name', casebook_name_key(actor_name), tenant_id, '', 0, ts_utc_ms FROM events WHERE actor_name IS NOT NULL"
            ") WHERE key IS NOT NULL GROUP BY 1, 2, 3, 4 "
            "EXCEPT SELECT kind, key, tenant_id, currency, count, amount_e4, first_utc_ms, last_utc_ms FROM entity_stats";
        QCOMPARE(*m_workspace->db().queryInt(QByteArray(QByteArray("SELECT count(*) FROM (") + recompute + ")")), 0);
        QVERIFY(*m_workspace->db().queryInt("SELECT count(*) FROM entity_stats") > 20);
    }

    // A schema-1 workspace (unicode61 FTS, no entity table) is migrated: CJK search and linked work.
    void migrationFromSchema1()
    {
        const QString ws = m_dir.filePath(QStringLiteral("old.casebook"));
        QDir(m_dir.path()).mkpath(QStringLiteral("old"));
        buildWorkspace(ws, m_dir.filePath(QStringLiteral("old")));
        const auto rangesOf = [](SqliteDb &db) {
            QStringList out;
            auto q = db.prepare("SELECT id, events_first_id, events_last_id, transactions_first_id, transactions_last_id FROM archives ORDER BY id");
            while (q && q->step() == Statement::StepResult::Row)
                out << QStringLiteral("%1:%2-%3/%4-%5").arg(q->columnInt(0)).arg(q->columnInt(1)).arg(q->columnInt(2)).arg(q->columnInt(3)).arg(q->columnInt(4));
            return out;
        };
        QStringList ranges;
        {
            auto db = SqliteDb::open(ws, SqliteDb::Mode::ReadWrite);
            QVERIFY(db);
            QVERIFY(registerSearchExtensions(db->handle()));
            // Back to schema 1: drop what later migrations added (0002 timeline, 0003 search, 0004 cases and journal).
            ranges = rangesOf(*db);
            QVERIFY(db->exec("BEGIN; DROP TABLE search_cells_events; DROP TABLE search_cells_transactions; DROP TABLE time_order_exceptions;"
                             "ALTER TABLE archives DROP COLUMN events_time_exceptions;"
                             "ALTER TABLE archives DROP COLUMN transactions_time_exceptions;"
                             "ALTER TABLE archives DROP COLUMN events_ts_max; ALTER TABLE archives DROP COLUMN transactions_ts_max;"
                             "DROP TABLE timeline_events; DROP TABLE timeline_transactions;"
                             "ALTER TABLE archives DROP COLUMN events_first_id; ALTER TABLE archives DROP COLUMN events_last_id;"
                             "ALTER TABLE archives DROP COLUMN transactions_first_id; ALTER TABLE archives DROP COLUMN transactions_last_id;"
                             "DROP INDEX events_tenant_action_ts; DROP INDEX events_tenant_actor_ts; DROP TABLE evidence_tags; DROP TABLE evidence; DROP TABLE note_revisions; DROP TABLE notes;"
                             "DROP TABLE case_tags; DROP TABLE cases; DROP TABLE journal; ALTER TABLE archives DROP COLUMN journal_seq;"
                             "DROP TABLE entity_stats; DROP TABLE saved_searches; DROP TABLE search_history;"
                             "DROP TABLE events_fts; DROP TABLE transactions_fts;"
                             "CREATE VIRTUAL TABLE events_fts USING fts5(actor, actor_name, action, resource, source_ip, details,"
                             " content = 'events', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');"
                             "CREATE VIRTUAL TABLE transactions_fts USING fts5(debtor_account, debtor_name, creditor_account,"
                             " creditor_name, reference, memo, content = 'transactions', content_rowid = 'id',"
                             " tokenize = 'unicode61 remove_diacritics 2');"
                             "INSERT INTO events_fts(events_fts) VALUES ('rebuild');"
                             "INSERT INTO transactions_fts(transactions_fts) VALUES ('rebuild');"
                             "PRAGMA user_version = 1; COMMIT;"));
            // unicode61 keeps 张王芳明 as one token: the substring is not found.
            QCOMPARE(*db->queryInt("SELECT count(*) FROM transactions_fts WHERE transactions_fts MATCH '\"芳明\"'"), 0);
        }
        auto w = Workspace::open(ws);
        QVERIFY2(w, qPrintable(w ? QString() : w.error().text()));
        QCOMPARE(*w->db().queryInt("PRAGMA user_version"), Workspace::latestSchemaVersion());
        // Schema 5 recovers each archive's rowid ranges from the rows, as the importer wrote them.
        QCOMPARE(ranges.size(), 3);
        QCOMPARE(rangesOf(w->db()), ranges);
        auto c = SearchService::compile(QStringLiteral("芳明"));
        QVERIFY(c);
        auto counts = SearchService(w->db()).count(*c);
        QVERIFY(counts);
        QCOMPARE(counts->total(), 2);
        auto linked = SearchService(w->db()).linkedEntities(3);
        QVERIFY(linked);
        QVERIFY(std::any_of(linked->begin(), linked->end(), [](const LinkedEntity &e) { return e.key == u"GB33BUKB20201555555555"; }));
    }

    // Facets of a query that is one MATCH are counted per archive rowid range in the full-text index
    // (SearchService::count). They equal a GROUP BY over the rows with several archives per
    // institution imported in turns and a rejected and a cancelled import in between (whose rowids
    // the next import reuses); missing or overlapping ranges fall back to the GROUP BY.
    void facetsFromArchiveRanges()
    {
        const QString ws = m_dir.filePath(QStringLiteral("ranges.casebook"));
        const QString dir = m_dir.filePath(QStringLiteral("ranges"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(Workspace::create(ws));
        const auto again = [](const char *data, const char *from, const char *to) { return QByteArray(data).replace(from, to); };
        const QByteArray auditA2 = again(kAuditA, "\"event_id\":\"E", "\"event_id\":\"EE");
        const QByteArray txnA2 = again(kTxnA, "\nX", "\nXX");
        const QByteArray auditB2 = again(kAuditB, "\"event_id\":\"F", "\"event_id\":\"FF");
        const QByteArray txnB2 = again(kTxnB, "\nY", "\nYY");
        importInto(ws, dir, "T9001", "Asia/Shanghai", kAuditA, kTxnA, "00000000-0000-4000-8000-0000000000a1");
        importInto(ws, dir, "T9002", "Europe/Berlin", kAuditB, kTxnB, "00000000-0000-4000-8000-0000000000b1");
        importInto(ws, dir, "T9001", "Asia/Shanghai", auditA2.constData(), txnA2.constData(), "00000000-0000-4000-8000-0000000000a2");
        {
            Keyring k;
            k.insert(QString::fromLatin1(kTestKeyId), testPublicKey());
            auto w = Workspace::open(ws);
            QVERIFY(w);
            // Rejected after its rows were inserted: the declared record count is wrong.
            ArchiveSpec bad;
            bad.tenantId = QStringLiteral("T9003");
            bad.exportId = QStringLiteral("00000000-0000-4000-8000-0000000000c9");
            bad.audit = kAuditC;
            bad.auditRecords = 7;
            const QString badPath = dir + QStringLiteral("/bad.sea.zip");
            QVERIFY(writeArchive(badPath, bad));
            QCOMPARE(importArchive(*w, { badPath, QStringLiteral("tester"), &k }).outcome, ImportResult::Outcome::Rejected);
            // Cancelled part-way.
            QByteArray csv = "txn_id,ts,debtor_name,amount,currency\n";
            for (int i = 0; i < 50000; ++i)
                csv += "C" + QByteArray::number(i) + ",2026-01-05T10:00:00Z,王芳 rent,1.00,CNY\n";
            ArchiveSpec big;
            big.tenantId = QStringLiteral("T9002");
            big.exportId = QStringLiteral("00000000-0000-4000-8000-0000000000b9");
            big.transactions = csv;
            const QString bigPath = dir + QStringLiteral("/big.sea.zip");
            QVERIFY(writeArchive(bigPath, big));
            int calls = 0;
            QCOMPARE(importArchive(*w, { bigPath, QStringLiteral("tester"), &k }, {}, [&] { return ++calls > 20; }).outcome,
                     ImportResult::Outcome::Cancelled);
        }
        importInto(ws, dir, "T9003", "UTC", kAuditC, kTxnC, "00000000-0000-4000-8000-0000000000c1");
        importInto(ws, dir, "T9002", "Europe/Berlin", auditB2.constData(), txnB2.constData(), "00000000-0000-4000-8000-0000000000b2");

        auto w = Workspace::open(ws);
        QVERIFY(w);
        SqliteDb &db = w->db();
        QCOMPARE(*db.queryInt("SELECT count(*) FROM archives"), 5);
        // Each archive's rows are exactly the ids of its range: all of them lie in it, and it is no
        // larger than their number (ids are unique, so no other row fits).
        for (const char *t : { "events", "transactions" }) {
            const QByteArray f = QByteArray(t) + "_first_id", l = QByteArray(t) + "_last_id";
            QCOMPARE(*db.queryInt(QByteArray("SELECT count(*) FROM archives WHERE " + f + " IS NULL OR " + l + " IS NULL")), 0);
            QCOMPARE(*db.queryInt(QByteArray("SELECT count(*) FROM " + QByteArray(t) + " x JOIN archives a ON a.id = x.archive_id "
                                             "WHERE x.id NOT BETWEEN a." + f + " AND a." + l)),
                     0);
            QCOMPARE(*db.queryInt(QByteArray("SELECT count(*) FROM archives WHERE " + l + " - " + f + " + 1 != " + QByteArray(t))), 0);
        }

        const QStringList queries { QStringLiteral("王芳"), QStringLiteral("rent OR miete"), QStringLiteral("müller OR schmidt -rent"),
                                    QStringLiteral("\"northgate trading\""), QStringLiteral("张"), QStringLiteral("user.login"),
                                    QStringLiteral("gb33*"), QStringLiteral("nothing-matches-this"), QStringLiteral("actor:dba.zhou") };
        const SearchScope scope = SearchScope::only({ QStringLiteral("T9002"), QStringLiteral("T9003") });
        // Per institution and kind from the rows: the MATCH's hits joined to their rows.
        const auto fromRows = [&](const CompiledSearch &c, HitKind k, const SearchScope &sc) {
            QMap<QString, int64_t> out;
            const char *fts = k == HitKind::Event ? "events_fts" : "transactions_fts";
            auto q = db.prepare(QByteArray(QByteArray("SELECT tenant_id, count(*) FROM ") + (k == HitKind::Event ? "events" : "transactions")
                                           + " WHERE id IN (SELECT rowid FROM " + fts + " WHERE " + fts + " MATCH ?) GROUP BY tenant_id"));
            if (!q)
                return out;
            q->bind(1, c.part(k).match);
            while (q->step() == Statement::StepResult::Row)
                if (!sc.restricted || sc.tenants.contains(q->columnText(0)))
                    out.insert(q->columnText(0), q->columnInt(1));
            return out;
        };
        const auto check = [&](const QString &text, const SearchScope &sc) -> bool {
            auto c = SearchService::compile(text, {}, sc);
            if (!c)
                return false;
            auto n = SearchService(db).count(*c);
            if (!n)
                return false;
            const auto e = fromRows(*c, HitKind::Event, sc), t = fromRows(*c, HitKind::Transaction, sc);
            int64_t te = 0, tt = 0;
            for (int64_t v : e)
                te += v;
            for (int64_t v : t)
                tt += v;
            const bool same = n->events == e && n->transactions == t && n->totalEvents == te && n->totalTransactions == tt;
            if (!same)
                qWarning() << text << "counted" << n->events << n->transactions << "rows" << e << t;
            return same;
        };
        int64_t hits = 0;
        for (const QString &text : queries) {
            auto c = SearchService::compile(text);
            QVERIFY(c);
            QVERIFY2(c->part(HitKind::Event).matchOnly || c->part(HitKind::Event).never, qPrintable(text));
            QVERIFY2(c->part(HitKind::Transaction).matchOnly || c->part(HitKind::Transaction).never, qPrintable(text));
            QVERIFY2(check(text, {}), qPrintable(text));
            QVERIFY2(check(text, scope), qPrintable(text));
            hits += SearchService(db).count(*c)->total();
        }
        QVERIFY(hits > 40);
        // Several archives of one institution are summed: T9001's hits of 王芳 are twice its first archive's.
        {
            auto c = SearchService::compile(QStringLiteral("王芳"));
            QCOMPARE(SearchService(db).count(*c)->transactions.value(QStringLiteral("T9001")), 8);
        }

        // The ranges are what is counted: a wrong (empty) range loses that archive's hits...
        QVERIFY(db.exec("BEGIN"));
        QVERIFY(db.exec("UPDATE archives SET transactions_first_id = 1, transactions_last_id = 0 WHERE export_id LIKE '%a2'"));
        QCOMPARE(SearchService(db).count(*SearchService::compile(QStringLiteral("王芳")))->transactions.value(QStringLiteral("T9001")), 4);
        // ...unknown (NULL) or overlapping ranges are not used.
        QVERIFY(db.exec("UPDATE archives SET transactions_first_id = NULL WHERE export_id LIKE '%a2'"));
        for (const QString &text : queries)
            QVERIFY2(check(text, {}), qPrintable(text));
        QVERIFY(db.exec("UPDATE archives SET transactions_first_id = 1, transactions_last_id = 1000 WHERE export_id LIKE '%a2'"));
        for (const QString &text : queries)
            QVERIFY2(check(text, {}), qPrintable(text));
        QVERIFY(db.exec("ROLLBACK"));
    }

    void savedSearchesAndHistory()
    {
        const QString ws = m_dir.filePath(QStringLiteral("saved.casebook"));
        auto w = Workspace::create(ws);
        QVERIFY(w);
        SearchService s(w->db());
        QVERIFY(s.saveSearch(QStringLiteral("beneficiary"), QStringLiteral("account:GB33BUKB20201555555555")));
        QVERIFY(s.saveSearch(QStringLiteral("night dba"), QStringLiteral("role:dba after:2026-02-08")));
        QVERIFY(s.saveSearch(QStringLiteral("beneficiary"), QStringLiteral("account:GB33*")));
        QVERIFY(!s.saveSearch(QStringLiteral("  "), QStringLiteral("x")));
        auto saved = s.savedSearches();
        QVERIFY(saved);
        QCOMPARE(saved->size(), 2);
        QCOMPARE(saved->at(0).name, QStringLiteral("beneficiary"));
        QCOMPARE(saved->at(0).query, QStringLiteral("account:GB33*"));
        QVERIFY(s.deleteSavedSearch(QStringLiteral("night dba")));
        QCOMPARE(s.savedSearches()->size(), 1);
        QVERIFY(s.recordHistory(QStringLiteral("a"), 1));
        QVERIFY(s.recordHistory(QStringLiteral("b"), 2));
        QVERIFY(s.recordHistory(QStringLiteral("a"), 1));
        QCOMPARE(*s.history(), list("a b"));
    }

    // ---- casebook-cli ----

    void cliSearchJsonl()
    {
        const CliResult r = runCli({ QStringLiteral("search"), m_ws, QStringLiteral("王芳"), QStringLiteral("--format"), QStringLiteral("jsonl") });
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 9);
        QStringList got;
        int64_t prevTs = std::numeric_limits<int64_t>::max();
        for (const QString &l : lines) {
            const QJsonObject o = QJsonDocument::fromJson(l.toUtf8()).object();
            for (const char *key : { "kind", "tenant", "id", "ts" })
                QVERIFY2(o.contains(QLatin1StringView(key)), qPrintable(l));
            QVERIFY(o.value(u"kind").toString() == u"event" || o.value(u"kind").toString() == u"transaction");
            got << o.value(u"tenant").toString().right(1) + u':' + o.value(u"id").toString();
            const int64_t ts = o.value(u"ts_utc_ms").toInteger();
            QVERIFY(ts <= prevTs); // newest first
            prevTs = ts;
            if (o.value(u"id").toString() == u"X1") {
                QCOMPARE(o.value(u"amount").toString(), QStringLiteral("1234.56"));
                QCOMPARE(o.value(u"ts").toString(), QStringLiteral("2026-01-05T10:00:00.000+08:00"));
            }
        }
        got.sort();
        QCOMPARE(got, list("1:E1 1:X1 1:X2 1:X4 1:X5 2:F1 2:Y2 3:G1 3:Z1"));
        // --json means JSON lines too; --limit cuts.
        const CliResult l = runCli({ QStringLiteral("search"), m_ws, QStringLiteral("王芳"), QStringLiteral("--json"), QStringLiteral("--limit"), QStringLiteral("2") });
        QCOMPARE(l.exitCode, 0);
        QCOMPARE(l.out.split(u'\n', Qt::SkipEmptyParts).size(), 2);
    }

    void cliSearchFormats()
    {
        CliResult r = runCli({ QStringLiteral("search"), m_ws, QStringLiteral("account:GB33BUKB20201555555555"), QStringLiteral("--format"), QStringLiteral("csv") });
        QCOMPARE(r.exitCode, 0);
        QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        QVERIFY(lines[0].startsWith(u"kind,tenant,id,ts,"));
        QVERIFY2(r.out.contains(u"\"Smith, John\""), qPrintable(r.out));
        r = runCli({ QStringLiteral("search"), m_ws, QStringLiteral("actor:dba.zhou"), QStringLiteral("--tz"), QStringLiteral("Europe/Berlin") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(u"2026-01-04T19:13:00.000+01:00"), qPrintable(r.out));
        QVERIFY(r.out.contains(u"dba.zhou"));
        r = runCli({ QStringLiteral("search"), m_ws, QStringLiteral("x"), QStringLiteral("--tz"), QStringLiteral("Mars/Olympus") });
        QCOMPARE(r.exitCode, 2);
        // --tz changes how dates in the query are read.
        r = runCli({ QStringLiteral("search"), m_ws, QStringLiteral("after:2026-01-06 before:2026-01-07"), QStringLiteral("--tz"),
                     QStringLiteral("Asia/Shanghai"), QStringLiteral("--count"), QStringLiteral("--json") });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(u"total").toInteger(), 4);
    }

    // Search hits exported as CSV are neutralised like every other CSV export: a memo that a
    // spreadsheet would run as a formula arrives as text.
    void cliSearchCsvNeutralisesFormulas()
    {
        const QString ws = m_dir.filePath(QStringLiteral("formula.casebook"));
        QCOMPARE(runCli({ QStringLiteral("init"), ws }).exitCode, 0);
        const QString csv = m_dir.filePath(QStringLiteral("formula.csv"));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("txn_id,ts,debtor_account,debtor_name,creditor_account,creditor_name,amount,currency,channel,status,reference,memo\r\n"
                "F1,2026-01-05T10:00:00Z,CN001,Alice,CN002,Bob,1.00,CNY,api,booked,+R1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\r\n");
        f.close();
        CliResult r = runCli({ QStringLiteral("import-file"), ws, QStringLiteral("--tenant"), QStringLiteral("T1"), QStringLiteral("--format"),
                               QStringLiteral("sea-csv"), csv });
        QCOMPARE(r.exitCode, 0);
        r = runCli({ QStringLiteral("search"), ws, QStringLiteral("alice"), QStringLiteral("--format"), QStringLiteral("csv") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(u",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), qPrintable(r.out));
        QVERIFY2(r.out.contains(u",\"'+R1\","), qPrintable(r.out));
    }

    void cliCount()
    {
        const CliResult r = runCli({ QStringLiteral("search"), m_ws, QStringLiteral("王芳"), QStringLiteral("--count"), QStringLiteral("--json") });
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(u"total").toInteger(), 9);
        QCOMPARE(o.value(u"events").toInteger(), 3);
        QCOMPARE(o.value(u"transactions").toInteger(), 6);
        const QJsonObject t1 = o.value(u"tenants").toObject().value(u"T9001").toObject();
        QCOMPARE(t1.value(u"events").toInteger(), 1);
        QCOMPARE(t1.value(u"transactions").toInteger(), 4);
        QCOMPARE(t1.value(u"total").toInteger(), 5);
        const CliResult t = runCli({ QStringLiteral("search"), m_ws, QStringLiteral("王芳"), QStringLiteral("--count") });
        QCOMPARE(t.exitCode, 0);
        QVERIFY(t.out.contains(u"T9002"));
    }

    void cliNoHitsAndErrors()
    {
        CliResult r = runCli({ QStringLiteral("search"), m_ws, QStringLiteral("nothingmatchesthis"), QStringLiteral("--format"), QStringLiteral("jsonl") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.isEmpty());
        const QByteArray before = workspaceDigest(m_ws);
        r = runCli({ QStringLiteral("search"), m_ws, QStringLiteral("(a OR b") });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"position 8: expected ')'"), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        for (const QString &q : { QStringLiteral("'; DROP TABLE events; --"), QStringLiteral("NEAR("), QStringLiteral("^"),
                                  QStringLiteral("*"), QString(10000, u'('), QString(100000, u'a') }) { // argv strings are capped at 128 KiB
            r = runCli({ QStringLiteral("search"), m_ws, q });
            QVERIFY2(r.exitCode == 0 || r.exitCode == 2, qPrintable(q.left(40) + u": " + r.err.left(200)));
        }
        QCOMPARE(workspaceDigest(m_ws), before);
        r = runCli({ QStringLiteral("search"), m_ws });
        QCOMPARE(r.exitCode, 2);
        r = runCli({ QStringLiteral("search"), m_ws, QStringLiteral("x"), QStringLiteral("--format"), QStringLiteral("xml") });
        QCOMPARE(r.exitCode, 2);
        r = runCli({ QStringLiteral("search"), m_dir.filePath(QStringLiteral("missing.casebook")), QStringLiteral("x") });
        QCOMPARE(r.exitCode, 1);
    }

    void cliScope()
    {
        const CliResult r = runCli({ QStringLiteral("search"), m_ws, QStringLiteral("王芳 OR tenant:T9002"), QStringLiteral("--scope"),
                                     QStringLiteral("T9003"), QStringLiteral("--json") });
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        for (const QString &l : lines)
            QCOMPARE(QJsonDocument::fromJson(l.toUtf8()).object().value(u"tenant").toString(), QStringLiteral("T9003"));
    }

    void cliLinked()
    {
        CliResult r = runCli({ QStringLiteral("linked"), m_ws, QStringLiteral("--json") });
        QCOMPARE(r.exitCode, 0);
        const QJsonArray arr = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QVERIFY(!arr.isEmpty());
        bool found = false;
        for (const QJsonValue &v : arr) {
            const QJsonObject o = v.toObject();
            QVERIFY(o.value(u"tenants").toArray().size() >= 2);
            if (o.value(u"kind").toString() == u"account" && o.value(u"value").toString() == u"GB33BUKB20201555555555") {
                found = true;
                QCOMPARE(o.value(u"institutions").toInt(), 3);
                QCOMPARE(o.value(u"count").toInteger(), 3);
                QCOMPARE(o.value(u"totals").toObject().value(u"EUR").toString(), QStringLiteral("5000.00"));
                QCOMPARE(o.value(u"first_seen").toString(), QStringLiteral("2026-01-05T02:00:00.000Z"));
            }
        }
        QVERIFY(found);
        r = runCli({ QStringLiteral("linked"), m_ws, QStringLiteral("--min-tenants"), QStringLiteral("3"), QStringLiteral("--json") });
        QCOMPARE(r.exitCode, 0);
        for (const QJsonValue &v : QJsonDocument::fromJson(r.out.toUtf8()).array())
            QCOMPARE(v.toObject().value(u"institutions").toInt(), 3);
        r = runCli({ QStringLiteral("linked"), m_ws, QStringLiteral("--min-tenants"), QStringLiteral("0") });
        QCOMPARE(r.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestSearch)

namespace {
extern const char *const kAuditA = R"({"event_id":"E1","ts":"2026-01-05T09:31:02.125+08:00","actor":"u.wang","actor_name":"王芳","actor_role":"teller","source_ip":"10.1.2.3","action":"user.login","resource":"portal","outcome":"success"}
{"event_id":"E2","ts":"2026-01-05T02:13:00+08:00","actor":"dba.zhou","actor_name":"周建国","actor_role":"dba","source_ip":"2001:db8::7","action":"db.export","resource":"customers","outcome":"success","details":{"rows":120000,"table":"customers"}}
{"event_id":"E3","ts":"2026-01-05T10:00:00","actor":"u.li","action":"payment.approve","resource":"P-77","outcome":"denied"}
{"event_id":"E4","ts":"2026-01-06T23:30:00+08:00","actor":"o.brien","actor_name":"Seán O'Brien","actor_role":"ops-admin","source_ip":"10.1.200.9","action":"db.query","resource":"report \"Q1\"","outcome":"failure","details":{"note":"NEAR(x) ^ * AND OR"}}
{"event_id":"E5","ts":"2026-01-07T08:00:00+08:00","actor":"t.tanaka","actor_name":"田中太郎","source_ip":"203.0.113.77","action":"user.login","outcome":"success"}
{"event_id":"E6","ts":"2026-01-07T09:00:00+08:00","actor":"k.minjun","actor_name":"김민준","source_ip":"10.2.0.1","action":"role.grant","outcome":"success"}
)";
extern const char *const kTxnA = "txn_id,ts,debtor_account,debtor_name,creditor_account,creditor_name,amount,currency,channel,status,reference,memo\r\n"
                    "X1,2026-01-05T10:00:00+08:00,CN001,王芳,GB33BUKB20201555555555,\"Smith, John\",1234.56,CNY,mobile,booked,R1,rent\r\n"
                    "X2,2026-01-06T11:00:00Z,CN002,李伟,CN001,王芳,0.0001,CNY,api,booked,R2,two lines\r\n"
                    "X3,2026-01-07T12:00:00+08:00,CN003,\"Müller \"\"Max\"\"\",DE89370400440532013000,Jäger,99999999.9999,EUR,swift,pending,R3,\r\n"
                    "X4,2026-01-08T10:00:00+08:00,CN004,张王芳明,CN005,O'Brien Ltd,10000.00,USD,branch,booked,INV-2026-001,王芳的房租 rent March\r\n"
                    "X5,2026-01-08T11:00:00+08:00,CN004,张王芳明,CN006,ジョン,10000.0001,USD,api,rejected,R5,ドル送金\r\n"
                    "X6,2026-01-08T12:00:00+08:00,CN007,,CN005,O'Brien Ltd,9999.9999,USD,mobile,reversed,R6,\r\n";
extern const char *const kAuditB = R"({"event_id":"F1","ts":"2026-01-05T09:00:00+01:00","actor":"u.wang","actor_name":"王芳","source_ip":"203.0.113.77","action":"user.login","outcome":"failure"}
{"event_id":"F2","ts":"2026-01-09T10:00:00+01:00","actor":"svc.batch","action":"db.export","resource":"ledger","outcome":"success","source_ip":"10.1.2.3"}
)";
extern const char *const kTxnB = "txn_id,ts,debtor_account,debtor_name,creditor_account,creditor_name,amount,currency,channel,status,reference,memo\r\n"
                    "Y1,2026-01-05T23:30:00+01:00,DE001,Hans,GB33BUKB20201555555555,NORTHGATE TRADING,5000.00,EUR,swift,booked,,\r\n"
                    "Y2,2026-01-06T00:30:00+01:00,DE002,王芳,DE003,Brien,250.50,EUR,mobile,booked,,Miete\r\n";
extern const char *const kAuditC = R"({"event_id":"G1","ts":"2026-01-10T00:00:00Z","actor":"u.wang","actor_name":"王芳","source_ip":"203.0.113.77","action":"user.login","outcome":"success"}
)";
extern const char *const kTxnC = "txn_id,ts,debtor_account,debtor_name,creditor_account,creditor_name,amount,currency,channel,status,reference,memo\r\n"
                    "Z1,2026-01-10T00:00:00Z,CN001,王芳,GB33BUKB20201555555555,Northgate Trading Ltd.,1.00,GBP,api,booked,,\r\n";

} // namespace

#include "tst_search.moc"
