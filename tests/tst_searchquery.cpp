// SPDX-License-Identifier: GPL-3.0-or-later
// The search query language: grammar, precedence, fields, values, positioned syntax errors, limits.

#include "searchquery.h"

#include <QTest>

using namespace casebook;

namespace {
// 2026-01-10T12:00:00Z
constexpr int64_t kNow = 1768046400000;
QueryContext ctx(const char *zone = "UTC")
{
    QueryContext c;
    c.zone = QByteArrayView(zone) == "UTC" ? QTimeZone::utc() : QTimeZone(zone);
    c.nowMs = kNow;
    return c;
}
} // namespace

class TestSearchQuery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parses_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("tree");
        QTest::addRow("empty") << QString() << QStringLiteral("(and)");
        QTest::addRow("blank") << QStringLiteral("  \t ") << QStringLiteral("(and)");
        QTest::addRow("word") << QStringLiteral("wang") << QStringLiteral("\"wang\"");
        QTest::addRow("words are AND") << QStringLiteral("wang  li") << QStringLiteral("(and \"wang\" \"li\")");
        QTest::addRow("explicit AND") << QStringLiteral("wang AND li") << QStringLiteral("(and \"wang\" \"li\")");
        QTest::addRow("lower-case and is a word") << QStringLiteral("wang and li") << QStringLiteral("(and \"wang\" \"and\" \"li\")");
        QTest::addRow("OR") << QStringLiteral("a OR b") << QStringLiteral("(or \"a\" \"b\")");
        QTest::addRow("AND binds tighter than OR") << QStringLiteral("a b OR c") << QStringLiteral("(or (and \"a\" \"b\") \"c\")");
        QTest::addRow("OR then AND") << QStringLiteral("a OR b c") << QStringLiteral("(or \"a\" (and \"b\" \"c\"))");
        QTest::addRow("parentheses") << QStringLiteral("(a OR b) c") << QStringLiteral("(and (or \"a\" \"b\") \"c\")");
        QTest::addRow("NOT binds tightest") << QStringLiteral("NOT a OR b") << QStringLiteral("(or (not \"a\") \"b\")");
        QTest::addRow("NOT in AND") << QStringLiteral("a AND NOT b") << QStringLiteral("(and \"a\" (not \"b\"))");
        QTest::addRow("minus") << QStringLiteral("a -b") << QStringLiteral("(and \"a\" (not \"b\"))");
        QTest::addRow("minus group") << QStringLiteral("a -(b OR c)") << QStringLiteral("(and \"a\" (not (or \"b\" \"c\")))");
        QTest::addRow("double NOT") << QStringLiteral("NOT NOT a") << QStringLiteral("(not (not \"a\"))");
        QTest::addRow("hyphen inside a word") << QStringLiteral("mobile-bff") << QStringLiteral("\"mobile-bff\"");
        QTest::addRow("prefix") << QStringLiteral("north*") << QStringLiteral("\"north\"*");
        QTest::addRow("phrase") << QStringLiteral("\"Northgate Trading\"") << QStringLiteral("\"Northgate Trading\"");
        QTest::addRow("phrase prefix") << QStringLiteral("\"northgate tr\"*") << QStringLiteral("\"northgate tr\"*");
        QTest::addRow("escaped quote in phrase") << QStringLiteral("\"report \\\"Q1\\\"\"") << QStringLiteral("\"report \\\"Q1\\\"\"");
        QTest::addRow("apostrophe") << QStringLiteral("O'Brien") << QStringLiteral("\"O'Brien\"");
        QTest::addRow("CJK") << QStringLiteral("王芳") << QStringLiteral("\"王芳\"");
        QTest::addRow("field") << QStringLiteral("actor:dba.zhou") << QStringLiteral("actor:\"dba.zhou\"");
        QTest::addRow("field case-insensitive") << QStringLiteral("ACTOR:x") << QStringLiteral("actor:\"x\"");
        QTest::addRow("field prefix") << QStringLiteral("action:db.*") << QStringLiteral("action:\"db.\"*");
        QTest::addRow("field phrase") << QStringLiteral("name:\"O'Brien Ltd\"") << QStringLiteral("name:\"O'Brien Ltd\"");
        QTest::addRow("every field")
            << QStringLiteral("tenant:T1 role:dba outcome:denied account:A debtor:B creditor:C name:N currency:usd channel:api status:booked ref:R memo:M")
            << QStringLiteral("(and tenant:\"T1\" role:\"dba\" outcome:\"denied\" account:\"A\" debtor:\"B\" creditor:\"C\" name:\"N\" currency:\"usd\" "
                              "channel:\"api\" status:\"booked\" ref:\"R\" memo:\"M\")");
        QTest::addRow("kind event") << QStringLiteral("kind:event") << QStringLiteral("kind:event");
        QTest::addRow("kind transactions") << QStringLiteral("kind:Transactions") << QStringLiteral("kind:transaction");
        QTest::addRow("ip") << QStringLiteral("ip:10.1.2.3") << QStringLiteral("ip:10.1.2.3");
        QTest::addRow("ip cidr") << QStringLiteral("ip:10.1.0.0/16") << QStringLiteral("ip:10.1.0.0/16");
        QTest::addRow("ip v6 cidr") << QStringLiteral("ip:2001:db8::/32") << QStringLiteral("ip:2001:db8::/32");
        QTest::addRow("ip prefix") << QStringLiteral("ip:10.1.*") << QStringLiteral("ip:10.1.*");
        QTest::addRow("ipv6 as a free word") << QStringLiteral("2001:db8::7") << QStringLiteral("\"2001:db8::7\"");
        QTest::addRow("time of day is a word") << QStringLiteral("10:30") << QStringLiteral("\"10:30\"");
        QTest::addRow("amount >=") << QStringLiteral("amount>=10000") << QStringLiteral("amount:[100000000..9223372036854775807]");
        QTest::addRow("amount >") << QStringLiteral("amount>10000") << QStringLiteral("amount:[100000001..9223372036854775807]");
        QTest::addRow("amount <=") << QStringLiteral("amount<=0.5") << QStringLiteral("amount:[0..5000]");
        QTest::addRow("amount <") << QStringLiteral("amount<0.5") << QStringLiteral("amount:[0..4999]");
        QTest::addRow("amount exact") << QStringLiteral("amount:1234.56") << QStringLiteral("amount:[12345600..12345600]");
        QTest::addRow("amount range") << QStringLiteral("amount:1000..5000") << QStringLiteral("amount:[10000000..50000000]");
        QTest::addRow("amount 4 decimals") << QStringLiteral("amount:0.0001..0.0002") << QStringLiteral("amount:[1..2]");
        QTest::addRow("amount open high") << QStringLiteral("amount:1000..") << QStringLiteral("amount:[10000000..9223372036854775807]");
        QTest::addRow("amount open low") << QStringLiteral("amount:..5") << QStringLiteral("amount:[0..50000]");
        QTest::addRow("after date UTC") << QStringLiteral("after:2026-01-06") << QStringLiteral("time:[1767657600000..inf)");
        QTest::addRow("before date UTC") << QStringLiteral("before:2026-01-06") << QStringLiteral("time:[-inf..1767657600000)");
        QTest::addRow("after timestamp with offset") << QStringLiteral("after:2026-01-06T08:00:00+08:00") << QStringLiteral("time:[1767657600000..inf)");
        QTest::addRow("after timestamp Z no seconds") << QStringLiteral("after:2026-01-06T00:00Z") << QStringLiteral("time:[1767657600000..inf)");
        QTest::addRow("last 7d") << QStringLiteral("last:7d") << QStringLiteral("time:[%1..inf)").arg(kNow - 7 * 86400000LL);
        QTest::addRow("last 12h") << QStringLiteral("last:12h") << QStringLiteral("time:[%1..inf)").arg(kNow - 12 * 3600000LL);
        QTest::addRow("last 30m") << QStringLiteral("last:30m") << QStringLiteral("time:[%1..inf)").arg(kNow - 30 * 60000LL);
        QTest::addRow("last 2w") << QStringLiteral("last:2w") << QStringLiteral("time:[%1..inf)").arg(kNow - 14 * 86400000LL);
        QTest::addRow("a<b is a word") << QStringLiteral("a<b") << QStringLiteral("\"a<b\"");
        QTest::addRow("NEAR is a word") << QStringLiteral("NEAR") << QStringLiteral("\"NEAR\"");
        QTest::addRow("quoted operators") << QStringLiteral("\"NEAR( ^ * OR\"") << QStringLiteral("\"NEAR( ^ * OR\"");
        QTest::addRow("quoted unknown field") << QStringLiteral("\"http://x\"") << QStringLiteral("\"http://x\"");
        QTest::addRow("nested ok") << QString(SearchQuery::kMaxDepth, u'(') + u'a' + QString(SearchQuery::kMaxDepth, u')') << QStringLiteral("\"a\"");
    }
    void parses()
    {
        QFETCH(QString, query);
        QFETCH(QString, tree);
        auto q = SearchQuery::parse(query, ctx());
        QVERIFY2(q, qPrintable(q ? QString() : q.error().message));
        QCOMPARE(q->root().toString(), tree);
    }

    void timeZones_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("query");
        QTest::addColumn<qint64>("lo");
        QTest::addColumn<qint64>("hi");
        const qint64 none = std::numeric_limits<int64_t>::min(), inf = std::numeric_limits<int64_t>::max();
        // 2026-01-06T00:00 in each zone
        QTest::addRow("UTC") << QStringLiteral("UTC") << QStringLiteral("after:2026-01-06") << qint64(1767657600000) << inf;
        QTest::addRow("Shanghai") << QStringLiteral("Asia/Shanghai") << QStringLiteral("after:2026-01-06") << qint64(1767657600000 - 8 * 3600000LL) << inf;
        QTest::addRow("Berlin") << QStringLiteral("Europe/Berlin") << QStringLiteral("before:2026-01-06") << none << qint64(1767657600000 - 3600000LL);
        QTest::addRow("New York") << QStringLiteral("America/New_York") << QStringLiteral("after:2026-01-06") << qint64(1767657600000 + 5 * 3600000LL) << inf;
        QTest::addRow("local time without offset") << QStringLiteral("Asia/Tokyo") << QStringLiteral("after:2026-01-06T09:00") << qint64(1767657600000) << inf;
        QTest::addRow("explicit offset wins over zone") << QStringLiteral("Asia/Tokyo") << QStringLiteral("after:2026-01-06T00:00:00Z") << qint64(1767657600000) << inf;
        // Summer time: 2026-07-01 in Berlin is +02:00
        QTest::addRow("Berlin summer") << QStringLiteral("Europe/Berlin") << QStringLiteral("after:2026-07-01") << qint64(1782864000000 - 2 * 3600000LL) << inf;
    }
    void timeZones()
    {
        QFETCH(QString, zone);
        QFETCH(QString, query);
        QFETCH(qint64, lo);
        QFETCH(qint64, hi);
        auto q = SearchQuery::parse(query, ctx(zone.toLatin1().constData()));
        QVERIFY2(q, qPrintable(q ? QString() : q.error().message));
        QCOMPARE(q->root().type, QueryNode::Type::Time);
        QCOMPARE(qint64(q->root().lo), lo);
        QCOMPARE(qint64(q->root().hi), hi);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("position");
        QTest::addColumn<QString>("expected");
        QTest::addRow("unclosed paren") << QStringLiteral("(a OR b") << 7 << QStringLiteral("expected ')' to close the '(' at position 1");
        QTest::addRow("stray close") << QStringLiteral("a)") << 1 << QStringLiteral("unexpected ')'");
        QTest::addRow("empty parens") << QStringLiteral("a ()") << 3 << QStringLiteral("expected a term inside the parentheses");
        QTest::addRow("unclosed quote") << QStringLiteral("a \"b c") << 2 << QStringLiteral("expected '\"' to close this phrase");
        QTest::addRow("OR at end") << QStringLiteral("a OR") << 4 << QStringLiteral("expected a term after OR");
        QTest::addRow("OR at start") << QStringLiteral("OR a") << 0 << QStringLiteral("expected a term, found OR");
        QTest::addRow("AND AND") << QStringLiteral("a AND AND b") << 6 << QStringLiteral("expected a term after AND, found AND");
        QTest::addRow("NOT at end") << QStringLiteral("a NOT") << 5 << QStringLiteral("expected a term after NOT");
        QTest::addRow("lone minus") << QStringLiteral("a - b") << 2 << QStringLiteral("expected a term right after '-'");
        QTest::addRow("star alone") << QStringLiteral("*") << 0 << QStringLiteral("expected a word before '*'");
        QTest::addRow("caret") << QStringLiteral("a ^") << 2 << QStringLiteral("has no letters or digits");
        QTest::addRow("NEAR(") << QStringLiteral("NEAR(") << 5 << QStringLiteral("expected a term");
        QTest::addRow("unknown field") << QStringLiteral("acount:x") << 0 << QStringLiteral("unknown field \"acount\"; expected one of tenant, actor");
        QTest::addRow("empty value") << QStringLiteral("actor: x") << 6 << QStringLiteral("expected a value after \"actor:\"");
        QTest::addRow("comparison on text field") << QStringLiteral("actor>=x") << 5 << QStringLiteral("expected ':' after \"actor\"");
        QTest::addRow("amount word") << QStringLiteral("amount>=lots") << 8 << QStringLiteral("expected an amount such as 1000");
        QTest::addRow("amount 5 decimals") << QStringLiteral("amount:1.00001") << 7 << QStringLiteral("at most 4 decimals");
        QTest::addRow("amount negative") << QStringLiteral("amount>-5") << 7 << QStringLiteral("expected an amount");
        QTest::addRow("amount thousands separator") << QStringLiteral("amount:1,000") << 7 << QStringLiteral("expected an amount");
        QTest::addRow("amount empty range") << QStringLiteral("amount:5..1") << 7 << QStringLiteral("is empty");
        QTest::addRow("amount dots only") << QStringLiteral("amount:..") << 7 << QStringLiteral("expected a range");
        QTest::addRow("bad date") << QStringLiteral("after:2026-13-01") << 6 << QStringLiteral("expected a date YYYY-MM-DD");
        QTest::addRow("bad time") << QStringLiteral("before:2026-01-01T25:00") << 7 << QStringLiteral("expected a date YYYY-MM-DD");
        QTest::addRow("bad duration") << QStringLiteral("last:7y") << 5 << QStringLiteral("expected a duration such as 30m");
        QTest::addRow("kind other") << QStringLiteral("kind:account") << 5 << QStringLiteral("expected event or transaction");
        QTest::addRow("bad cidr") << QStringLiteral("ip:10.0.0.0/33") << 3 << QStringLiteral("expected an address block");
        QTest::addRow("too deep") << QString(SearchQuery::kMaxDepth + 1, u'(') + u'a' + QString(SearchQuery::kMaxDepth + 1, u')')
                                  << SearchQuery::kMaxDepth << QStringLiteral("nested more than");
        QTest::addRow("too deep NOT") << QString(QStringLiteral("NOT ")).repeated(SearchQuery::kMaxDepth + 1) + u'a'
                                      << SearchQuery::kMaxDepth * 4 << QStringLiteral("nested more than");
        QTest::addRow("too many terms") << QStringLiteral("a ").repeated(SearchQuery::kMaxTerms + 1) << SearchQuery::kMaxTerms * 2
                                        << QStringLiteral("more than %1 terms").arg(SearchQuery::kMaxTerms);
        QTest::addRow("too long") << QString(SearchQuery::kMaxLength + 1, u'a') << SearchQuery::kMaxLength << QStringLiteral("longer than");
    }
    void errors()
    {
        QFETCH(QString, query);
        QFETCH(int, position);
        QFETCH(QString, expected);
        int pos = -2;
        auto q = SearchQuery::parse(query, ctx(), &pos);
        QVERIFY(!q);
        QCOMPARE(q.error().code, Error::Code::Parse);
        QVERIFY2(q.error().message.contains(expected), qPrintable(q.error().message));
        QVERIFY2(q.error().message.contains(QStringLiteral("position %1").arg(position + 1)), qPrintable(q.error().message));
        QCOMPARE(pos, position);
    }

    // Hostile input of any shape parses or fails cleanly, fast, without deep recursion.
    void hostile_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addRow("10k open parens") << QString(10000, u'(');
        QTest::addRow("10k nested") << QString(10000, u'(') + u'a' + QString(10000, u')');
        QTest::addRow("10k NOT") << QStringLiteral("NOT ").repeated(10000) + u'a';
        QTest::addRow("10k minus") << QString(10000, u'-') + u'a';
        QTest::addRow("1 MB") << QString(1 << 20, u'a');
        QTest::addRow("1 MB of quotes") << QString(1 << 20, u'"');
        QTest::addRow("sql") << QStringLiteral("'; DROP TABLE events; --");
        QTest::addRow("nul") << QString(QChar(0)) + u"a";
        QTest::addRow("lone surrogate") << QString(QChar(0xD800)) + u"a";
        QTest::addRow("backslash at end") << QStringLiteral("\"a\\");
    }
    void hostile()
    {
        QFETCH(QString, query);
        QElapsedTimer t;
        t.start();
        auto q = SearchQuery::parse(query, ctx());
        Q_UNUSED(q);
        QVERIFY(t.elapsed() < 2000);
    }
};

QTEST_GUILESS_MAIN(TestSearchQuery)
#include "tst_searchquery.moc"
