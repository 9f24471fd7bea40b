// SPDX-License-Identifier: GPL-3.0-or-later
// Timeline: local calendar bucket edges (DST, half- and quarter-hour zones), hand-computed bucket
// counts, rollups equal to a GROUP BY over the rows (after imports, rejections, cancellations and the
// schema-2 backfill), the rollup reader against a brute-force count from the raw rows, quick filters.

#include "demogenerator.h"
#include "importer.h"
#include "keyring.h"
#include "testutils.h"
#include "timebuckets.h"
#include "timelinerollups.h"
#include "timelineservice.h"
#include "timestamp.h"
#include "workspace.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace casebook;
using namespace casebook::test;
using namespace Qt::StringLiterals;

namespace {

int64_t at(const char *rfc3339)
{
    const TimestampParse p = parseTimestamp(rfc3339, QTimeZone::utc());
    if (!p.error.isEmpty())
        qFatal("bad test timestamp %s", rfc3339);
    return p.ts.utcMs;
}

QTimeZone zone(const char *id) { return qstrcmp(id, "UTC") == 0 ? QTimeZone::utc() : QTimeZone(id); }

QByteArray auditLine(const char *id, const char *ts, const char *outcome = "success", const char *actor = "u.one",
                 const char *action = "user.login")
{
    return QByteArray(R"({"event_id":")") + id + R"(","ts":")" + ts + R"(","actor":")" + actor + R"(","action":")"
        + action + R"(","outcome":")" + outcome + "\"}\n";
}

const char *const kTxnHeader = "txn_id,ts,value_date,debtor_account,debtor_name,creditor_account,creditor_name,amount,"
                               "currency,channel,status,reference,memo\r\n";

QByteArray txn(const char *id, const char *ts, const char *amount, const char *currency)
{
    return QByteArray(id) + ',' + ts + ",,A1,Alice,B2,Bob," + amount + ',' + currency + ",api,booked,R,\r\n";
}

/// Rows of the rollup level that differ from a GROUP BY over the raw rows (both directions).
int64_t rollupMismatches(SqliteDb &db)
{
    int64_t n = 0;
    for (const int64_t level : timelinerollups::kLevels) {
        const QByteArray ms = QByteArray::number(level * 1000);
        const QByteArray lv = QByteArray::number(level);
        const QByteArray cell = "(ts_utc_ms - ((ts_utc_ms % " + ms + ") + " + ms + ") % " + ms + ") / " + ms;
        const QByteArray ev = "SELECT tenant_id, " + cell + " AS c, count(*), sum(outcome = 'failure'), "
                              "sum(outcome = 'denied') FROM events GROUP BY tenant_id, c";
        const QByteArray evr = "SELECT tenant_id, cell, events, failures, denied FROM timeline_events WHERE level = " + lv;
        const QByteArray tx = "SELECT tenant_id, " + cell + " AS c, currency, count(*), sum(amount_e4) FROM transactions "
                              "GROUP BY tenant_id, c, currency";
        const QByteArray txr = "SELECT tenant_id, cell, currency, count, amount_e4 FROM timeline_transactions WHERE level = " + lv;
        for (const QByteArray &sql : QList<QByteArray> { "SELECT count(*) FROM (" + ev + " EXCEPT " + evr + ")",
                                       "SELECT count(*) FROM (" + evr + " EXCEPT " + ev + ")",
                                       "SELECT count(*) FROM (" + tx + " EXCEPT " + txr + ")",
                                       "SELECT count(*) FROM (" + txr + " EXCEPT " + tx + ")" }) {
            auto r = db.queryInt(sql);
            if (!r)
                qFatal("%s", qPrintable(r.error().text()));
            n += *r;
        }
    }
    return n;
}

/// The same numbers as TimelineService::query, counted row by row from the raw tables.
TimelineData bruteForce(SqliteDb &db, const TimelineRequest &req, const TimelineData &shape)
{
    TimelineData d = shape;
    d.counts.fill(TimelineCounts {});
    d.transactionsByCurrency.fill(0);
    d.amountE4.fill(0);
    const int nt = d.tenantCount();
    const int nc = int(d.currencies.size());
    auto e = db.prepare("SELECT tenant_id, ts_utc_ms, outcome, actor, action FROM events");
    while (e->step() == Statement::StepResult::Row) {
        const int t = int(d.tenants.indexOf(e->columnText(0)));
        const int b = d.bucketAt(e->columnInt(1));
        if (t < 0 || b < 0)
            continue;
        TimelineCounts &c = d.counts[b * nt + t];
        const QString outcome = e->columnText(2);
        ++c.events;
        c.failures += outcome == u"failure";
        c.denied += outcome == u"denied";
        const TimelineFilter &f = req.filter;
        if ((f.outcomes.isEmpty() || f.outcomes.contains(outcome)) && (f.actor.isEmpty() || f.actor == e->columnText(3))
            && e->columnText(4).startsWith(f.actionPrefix))
            ++c.matched;
    }
    auto x = db.prepare("SELECT tenant_id, ts_utc_ms, currency, amount_e4 FROM transactions");
    while (x->step() == Statement::StepResult::Row) {
        const int t = int(d.tenants.indexOf(x->columnText(0)));
        const int b = d.bucketAt(x->columnInt(1));
        if (t < 0 || b < 0)
            continue;
        ++d.counts[b * nt + t].transactions;
        const int c = int(d.currencies.indexOf(x->columnText(2)));
        d.transactionsByCurrency[(b * nt + t) * nc + c] += 1;
        d.amountE4[(b * nt + t) * nc + c] += x->columnInt(3);
    }
    return d;
}

/// First difference between two results with the same shape, or empty.
QString difference(const TimelineData &a, const TimelineData &b)
{
    for (int k = 0; k < a.bucketCount(); ++k)
        for (int t = 0; t < a.tenantCount(); ++t) {
            const TimelineCounts &x = a.at(k, t), &y = b.at(k, t);
            if (x.events != y.events || x.failures != y.failures || x.denied != y.denied || x.matched != y.matched
                || x.transactions != y.transactions)
                return QStringLiteral("bucket %1 (%2) tenant %3: events %4/%5 failures %6/%7 denied %8/%9 matched %10/%11 txns %12/%13")
                    .arg(k)
                    .arg(timebuckets::formatInZone(a.edges[k], a.zone), a.tenants[t])
                    .arg(x.events).arg(y.events).arg(x.failures).arg(y.failures).arg(x.denied).arg(y.denied)
                    .arg(x.matched).arg(y.matched).arg(x.transactions).arg(y.transactions);
            for (int c = 0; c < a.currencies.size(); ++c)
                if (a.amountAt(k, t, c) != b.amountAt(k, t, c) || a.transactionsAt(k, t, c) != b.transactionsAt(k, t, c))
                    return QStringLiteral("bucket %1 tenant %2 currency %3: %4/%5")
                        .arg(k).arg(a.tenants[t], a.currencies[c]).arg(a.amountAt(k, t, c)).arg(b.amountAt(k, t, c));
        }
    return {};
}

} // namespace

Q_DECLARE_METATYPE(casebook::TimelineFilter)

class TestTimelineService : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_ws;
    Keyring m_keyring;
    int m_n = 0;

    QString tmp(const QString &name) { return m_dir.filePath(QString::number(++m_n) + u'-' + name); }

    ImportResult import(const ArchiveSpec &spec, const CancelFn &cancel = {})
    {
        const QString path = tmp(QStringLiteral("a.sea.zip"));
        if (!writeArchive(path, spec))
            qFatal("cannot write archive");
        auto ws = Workspace::open(m_ws);
        return importArchive(*ws, { path, QStringLiteral("tester"), &m_keyring }, {}, cancel);
    }

    /// One request over [from, to) in `zoneId`, all tenants unless given.
    Result<TimelineData> query(const char *zoneId, BucketUnit unit, const char *from, const char *to,
                               const QStringList &tenants = {})
    {
        auto ws = Workspace::openReadOnly(m_ws);
        if (!ws)
            return ws.error();
        TimelineRequest r;
        r.tenants = tenants;
        r.zone = zone(zoneId);
        r.unit = unit;
        r.fromUtcMs = at(from);
        r.toUtcMs = at(to);
        return TimelineService(*ws).query(r);
    }

    /// "start=events/transactions" per bucket with anything in it, for compact expectations.
    static QStringList summary(const TimelineData &d, int tenant = 0)
    {
        QStringList out;
        for (int b = 0; b < d.bucketCount(); ++b) {
            const TimelineCounts &c = d.at(b, tenant);
            if (c.events || c.transactions)
                out << timebuckets::formatInZone(d.edges[b], d.zone) + u'=' + QString::number(c.events) + u'/'
                        + QString::number(c.transactions);
        }
        return out;
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_ws = tmp(QStringLiteral("ws.casebook"));
        QVERIFY(Workspace::create(m_ws));
        m_keyring = Keyring();
        m_keyring.insert(QString::fromLatin1(kTestKeyId), testPublicKey());
    }

    // ---- bucket edges -------------------------------------------------------------------------

    void edges_data()
    {
        QTest::addColumn<QString>("zoneId");
        QTest::addColumn<BucketUnit>("unit");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<QList<int>>("hours"); ///< bucket lengths in hours, when checked

        QTest::addRow("UTC hours, whole buckets around the range")
            << u"UTC"_s << BucketUnit::Hour << u"2026-01-05T10:30:00Z"_s << u"2026-01-05T12:10:00Z"_s
            << QStringList { u"2026-01-05T10:00:00Z"_s, u"2026-01-05T11:00:00Z"_s, u"2026-01-05T12:00:00Z"_s, u"2026-01-05T13:00:00Z"_s }
            << QList<int> { 1, 1, 1 };
        QTest::addRow("Berlin days, spring forward: 23 h")
            << u"Europe/Berlin"_s << BucketUnit::Day << u"2026-03-28T12:00:00+01:00"_s << u"2026-03-30T12:00:00+02:00"_s
            << QStringList { u"2026-03-28T00:00:00+01:00"_s, u"2026-03-29T00:00:00+01:00"_s, u"2026-03-30T00:00:00+02:00"_s, u"2026-03-31T00:00:00+02:00"_s }
            << QList<int> { 24, 23, 24 };
        QTest::addRow("Berlin days, fall back: 25 h")
            << u"Europe/Berlin"_s << BucketUnit::Day << u"2026-10-25T05:00:00+01:00"_s << u"2026-10-25T06:00:00+01:00"_s
            << QStringList { u"2026-10-25T00:00:00+02:00"_s, u"2026-10-26T00:00:00+01:00"_s } << QList<int> { 25 };
        QTest::addRow("New York days, spring forward: 23 h")
            << u"America/New_York"_s << BucketUnit::Day << u"2026-03-08T00:00:00-05:00"_s << u"2026-03-08T23:59:00-04:00"_s
            << QStringList { u"2026-03-08T00:00:00-05:00"_s, u"2026-03-09T00:00:00-04:00"_s } << QList<int> { 23 };
        QTest::addRow("New York days, fall back: 25 h")
            << u"America/New_York"_s << BucketUnit::Day << u"2026-10-31T12:00:00-04:00"_s << u"2026-11-02T12:00:00-05:00"_s
            << QStringList { u"2026-10-31T00:00:00-04:00"_s, u"2026-11-01T00:00:00-04:00"_s, u"2026-11-02T00:00:00-05:00"_s, u"2026-11-03T00:00:00-05:00"_s }
            << QList<int> { 24, 25, 24 };
        QTest::addRow("Berlin hours, spring forward: 02:00 does not exist")
            << u"Europe/Berlin"_s << BucketUnit::Hour << u"2026-03-29T01:00:00+01:00"_s << u"2026-03-29T04:00:00+02:00"_s
            << QStringList { u"2026-03-29T01:00:00+01:00"_s, u"2026-03-29T03:00:00+02:00"_s, u"2026-03-29T04:00:00+02:00"_s }
            << QList<int> { 1, 1 };
        QTest::addRow("Berlin hours, fall back: 02:00 twice")
            << u"Europe/Berlin"_s << BucketUnit::Hour << u"2026-10-25T01:00:00+02:00"_s << u"2026-10-25T03:00:00+01:00"_s
            << QStringList { u"2026-10-25T01:00:00+02:00"_s, u"2026-10-25T02:00:00+02:00"_s, u"2026-10-25T02:00:00+01:00"_s, u"2026-10-25T03:00:00+01:00"_s }
            << QList<int> { 1, 1, 1 };
        QTest::addRow("Kolkata +05:30 days")
            << u"Asia/Kolkata"_s << BucketUnit::Day << u"2026-01-05T00:00:00Z"_s << u"2026-01-05T20:00:00Z"_s
            << QStringList { u"2026-01-05T00:00:00+05:30"_s, u"2026-01-06T00:00:00+05:30"_s, u"2026-01-07T00:00:00+05:30"_s }
            << QList<int> { 24, 24 };
        QTest::addRow("Kathmandu +05:45 hours")
            << u"Asia/Kathmandu"_s << BucketUnit::Hour << u"2026-01-05T00:00:00Z"_s << u"2026-01-05T01:00:00Z"_s
            << QStringList { u"2026-01-05T05:00:00+05:45"_s, u"2026-01-05T06:00:00+05:45"_s, u"2026-01-05T07:00:00+05:45"_s }
            << QList<int> { 1, 1 };
        QTest::addRow("Shanghai ISO weeks start on Monday")
            << u"Asia/Shanghai"_s << BucketUnit::Week << u"2026-01-01T00:00:00+08:00"_s << u"2026-01-13T00:00:00+08:00"_s
            << QStringList { u"2025-12-29T00:00:00+08:00"_s, u"2026-01-05T00:00:00+08:00"_s, u"2026-01-12T00:00:00+08:00"_s, u"2026-01-19T00:00:00+08:00"_s }
            << QList<int> { 168, 168, 168 };
        QTest::addRow("New York months across spring forward")
            << u"America/New_York"_s << BucketUnit::Month << u"2026-02-10T00:00:00-05:00"_s << u"2026-04-10T00:00:00-04:00"_s
            << QStringList { u"2026-02-01T00:00:00-05:00"_s, u"2026-03-01T00:00:00-05:00"_s, u"2026-04-01T00:00:00-04:00"_s, u"2026-05-01T00:00:00-04:00"_s }
            << QList<int> { 28 * 24, 31 * 24 - 1, 30 * 24 };
        QTest::addRow("Lord Howe: a 30-minute DST shift")
            << u"Australia/Lord_Howe"_s << BucketUnit::Hour << u"2026-04-04T14:00:00Z"_s << u"2026-04-04T16:00:00Z"_s
            << QStringList { u"2026-04-05T01:00:00+11:00"_s, u"2026-04-05T01:30:00+10:30"_s, u"2026-04-05T02:00:00+10:30"_s, u"2026-04-05T03:00:00+10:30"_s }
            << QList<int> {};
        QTest::addRow("5 minutes at +05:45") << u"Asia/Kathmandu"_s << BucketUnit::FiveMinutes << u"2026-01-05T00:01:00Z"_s
                                             << u"2026-01-05T00:07:00Z"_s
                                             << QStringList { u"2026-01-05T05:45:00+05:45"_s, u"2026-01-05T05:50:00+05:45"_s, u"2026-01-05T05:55:00+05:45"_s }
                                             << QList<int> {};
    }
    void edges()
    {
        QFETCH(QString, zoneId);
        QFETCH(BucketUnit, unit);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QStringList, expected);
        QFETCH(QList<int>, hours);
        const QTimeZone z = zone(zoneId.toLatin1().constData());
        QVERIFY(z.isValid());
        const QVector<int64_t> e = timebuckets::edges(z, unit, at(from.toLatin1().constData()), at(to.toLatin1().constData()));
        QStringList got;
        for (int64_t v : e)
            got << timebuckets::formatInZone(v, z);
        QCOMPARE(got, expected);
        if (!hours.isEmpty()) {
            QList<int> gotHours;
            for (qsizetype i = 0; i + 1 < e.size(); ++i)
                gotHours << int((e[i + 1] - e[i]) / 3600000);
            QCOMPARE(gotHours, hours);
        }
    }

    void edgesEmptyRange() { QVERIFY(timebuckets::edges(QTimeZone::utc(), BucketUnit::Day, 1000, 1000).isEmpty()); }

    void autoUnit_data()
    {
        QTest::addColumn<qint64>("spanMinutes");
        QTest::addColumn<BucketUnit>("unit");
        QTest::addRow("1 minute") << qint64(1) << BucketUnit::Minute;
        QTest::addRow("6 hours") << qint64(6 * 60) << BucketUnit::Minute;
        QTest::addRow("12 hours") << qint64(12 * 60) << BucketUnit::FiveMinutes;
        QTest::addRow("10 days") << qint64(10 * 1440) << BucketUnit::Hour;
        QTest::addRow("30 days: 720 hours rather than 30 days") << qint64(30 * 1440) << BucketUnit::Hour;
        QTest::addRow("60 days") << qint64(60 * 1440) << BucketUnit::Day;
        QTest::addRow("a quarter") << qint64(90 * 1440) << BucketUnit::Day;
        QTest::addRow("3 years") << qint64(3 * 365 * 1440) << BucketUnit::Week;
        QTest::addRow("20 years") << qint64(20 * 365 * 1440) << BucketUnit::Month;
    }
    void autoUnit()
    {
        QFETCH(qint64, spanMinutes);
        QFETCH(BucketUnit, unit);
        const int64_t from = at("2026-01-01T00:00:00Z");
        QCOMPARE(timebuckets::unitName(timebuckets::autoUnit(from, from + spanMinutes * 60000)), timebuckets::unitName(unit));
    }

    // ---- counts against hand-computed expectations ----------------------------------------------

    void handComputed_data()
    {
        // The default test archive (default zone Asia/Shanghai):
        //   E1 2026-01-05T09:31:02.125+08:00 = 01:31Z, E2 2026-01-05T02:13+08:00 = 01-04 18:13Z,
        //   E3 2026-01-05T10:00:00 (no offset: read in Asia/Shanghai) = 02:00Z, denied;
        //   X1 2026-01-05T10:00+08:00 = 02:00Z 1234.56 CNY, X2 2026-01-06T11:00Z 0.0001 CNY,
        //   X3 2026-01-07T12:00+08:00 = 04:00Z 99999999.9999 EUR.
        QTest::addColumn<QString>("zoneId");
        QTest::addColumn<BucketUnit>("unit");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QStringList>("expected"); ///< start=events/transactions, non-empty buckets
        QTest::addRow("Shanghai days") << u"Asia/Shanghai"_s << BucketUnit::Day << u"2026-01-04T00:00:00+08:00"_s
                                       << u"2026-01-08T00:00:00+08:00"_s
                                       << QStringList { u"2026-01-05T00:00:00+08:00=3/1"_s, u"2026-01-06T00:00:00+08:00=0/1"_s,
                                                        u"2026-01-07T00:00:00+08:00=0/1"_s };
        QTest::addRow("UTC days") << u"UTC"_s << BucketUnit::Day << u"2026-01-04T00:00:00Z"_s << u"2026-01-08T00:00:00Z"_s
                                  << QStringList { u"2026-01-04T00:00:00Z=1/0"_s, u"2026-01-05T00:00:00Z=2/1"_s,
                                                   u"2026-01-06T00:00:00Z=0/1"_s, u"2026-01-07T00:00:00Z=0/1"_s };
        QTest::addRow("Shanghai hours: E3 without offset at 10:00 local")
            << u"Asia/Shanghai"_s << BucketUnit::Hour << u"2026-01-05T00:00:00+08:00"_s << u"2026-01-05T12:00:00+08:00"_s
            << QStringList { u"2026-01-05T02:00:00+08:00=1/0"_s, u"2026-01-05T09:00:00+08:00=1/0"_s, u"2026-01-05T10:00:00+08:00=1/1"_s };
        QTest::addRow("Kolkata +05:30 days") << u"Asia/Kolkata"_s << BucketUnit::Day << u"2026-01-04T00:00:00+05:30"_s
                                             << u"2026-01-08T00:00:00+05:30"_s
                                             << QStringList { u"2026-01-04T00:00:00+05:30=1/0"_s, u"2026-01-05T00:00:00+05:30=2/1"_s,
                                                              u"2026-01-06T00:00:00+05:30=0/1"_s, u"2026-01-07T00:00:00+05:30=0/1"_s };
        QTest::addRow("Kolkata +05:30 hours") << u"Asia/Kolkata"_s << BucketUnit::Hour << u"2026-01-04T23:00:00+05:30"_s
                                              << u"2026-01-05T08:00:00+05:30"_s
                                              << QStringList { u"2026-01-04T23:00:00+05:30=1/0"_s, u"2026-01-05T07:00:00+05:30=2/1"_s };
        QTest::addRow("a week holds everything") << u"Asia/Shanghai"_s << BucketUnit::Week << u"2026-01-05T00:00:00+08:00"_s
                                                 << u"2026-01-06T00:00:00+08:00"_s
                                                 << QStringList { u"2026-01-05T00:00:00+08:00=3/3"_s };
        QTest::addRow("a range with no data") << u"UTC"_s << BucketUnit::Day << u"2030-01-01T00:00:00Z"_s
                                              << u"2030-02-01T00:00:00Z"_s << QStringList {};
    }
    void handComputed()
    {
        QFETCH(QString, zoneId);
        QFETCH(BucketUnit, unit);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QStringList, expected);
        QCOMPARE(import(ArchiveSpec()).outcome, ImportResult::Outcome::Imported);
        auto d = query(zoneId.toLatin1().constData(), unit, from.toLatin1().constData(), to.toLatin1().constData());
        QVERIFY2(d, qPrintable(d ? QString() : d.error().text()));
        QVERIFY(d->fromRollups);
        QCOMPARE(d->tenants, QStringList { u"T9001"_s });
        QCOMPARE(summary(*d), expected);
    }

    void amountsAndOutcomes()
    {
        QCOMPARE(import(ArchiveSpec()).outcome, ImportResult::Outcome::Imported);
        auto d = query("Asia/Shanghai", BucketUnit::Day, "2026-01-05T00:00:00+08:00", "2026-01-08T00:00:00+08:00");
        QVERIFY(d);
        QCOMPARE(d->currencies, (QStringList { u"CNY"_s, u"EUR"_s }));
        QCOMPARE(d->bucketCount(), 3);
        QCOMPARE(d->at(0, 0).denied, 1);
        QCOMPARE(d->at(0, 0).failures, 0);
        QCOMPARE(d->at(0, 0).matched, 3); // no filter: everything matches
        QCOMPARE(d->amountAt(0, 0, 0), 12345600);
        QCOMPARE(d->amountAt(1, 0, 0), 1);
        QCOMPARE(d->amountAt(2, 0, 1), 999999999999);
        QCOMPARE(d->transactionsAt(2, 0, 1), 1);
        QCOMPARE(d->amountAt(2, 0, 0), 0);
    }

    void dstCounts_data()
    {
        QTest::addColumn<QString>("zoneId");
        QTest::addColumn<QByteArray>("audit");
        QTest::addColumn<BucketUnit>("unit");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QStringList>("expected");
        // Europe/Berlin, 2026-03-29: 02:00 CET -> 03:00 CEST; 2026-10-25: 03:00 CEST -> 02:00 CET.
        const QByteArray berlin = auditLine("B1", "2026-03-29T01:30:00") // no offset: CET, 00:30Z
            + auditLine("B2", "2026-03-29T03:30:00") // CEST, 01:30Z
            + auditLine("B3", "2026-03-29T23:30:00+02:00") + auditLine("B4", "2026-03-30T00:30:00+02:00")
            + auditLine("B5", "2026-10-25T02:30:00+02:00") + auditLine("B6", "2026-10-25T02:30:00+01:00")
            + auditLine("B7", "2026-10-25T23:59:00+01:00") + auditLine("B8", "2026-10-24T23:59:00+02:00");
        QTest::addRow("Berlin spring day (23 h)") << u"Europe/Berlin"_s << berlin << BucketUnit::Day << u"2026-03-28T00:00:00+01:00"_s
                                                  << u"2026-03-31T00:00:00+02:00"_s
                                                  << QStringList { u"2026-03-29T00:00:00+01:00=3/0"_s, u"2026-03-30T00:00:00+02:00=1/0"_s };
        QTest::addRow("Berlin fall day (25 h)") << u"Europe/Berlin"_s << berlin << BucketUnit::Day << u"2026-10-24T00:00:00+02:00"_s
                                                << u"2026-10-27T00:00:00+01:00"_s
                                                << QStringList { u"2026-10-24T00:00:00+02:00=1/0"_s, u"2026-10-25T00:00:00+02:00=3/0"_s };
        QTest::addRow("Berlin fall hours: 02:00 twice") << u"Europe/Berlin"_s << berlin << BucketUnit::Hour
                                                        << u"2026-10-25T00:00:00+02:00"_s << u"2026-10-25T04:00:00+01:00"_s
                                                        << QStringList { u"2026-10-25T02:00:00+02:00=1/0"_s, u"2026-10-25T02:00:00+01:00=1/0"_s };
        QTest::addRow("Berlin events in UTC days") << u"UTC"_s << berlin << BucketUnit::Day << u"2026-03-29T00:00:00Z"_s
                                                   << u"2026-03-30T00:00:00Z"_s << QStringList { u"2026-03-29T00:00:00Z=4/0"_s };
        // America/New_York, 2026-03-08: 02:00 EST -> 03:00 EDT; 2026-11-01: 02:00 EDT -> 01:00 EST.
        const QByteArray ny = auditLine("N1", "2026-03-08T00:10:00") + auditLine("N2", "2026-03-08T23:50:00")
            + auditLine("N3", "2026-03-09T00:10:00-04:00") + auditLine("N4", "2026-11-01T01:30:00-04:00")
            + auditLine("N5", "2026-11-01T01:30:00-05:00") + auditLine("N6", "2026-11-01T23:30:00-05:00")
            + auditLine("N7", "2026-11-02T00:30:00-05:00");
        QTest::addRow("New York spring day (23 h)") << u"America/New_York"_s << ny << BucketUnit::Day << u"2026-03-08T00:00:00-05:00"_s
                                                    << u"2026-03-10T00:00:00-04:00"_s
                                                    << QStringList { u"2026-03-08T00:00:00-05:00=2/0"_s, u"2026-03-09T00:00:00-04:00=1/0"_s };
        QTest::addRow("New York fall day (25 h)") << u"America/New_York"_s << ny << BucketUnit::Day << u"2026-11-01T00:00:00-04:00"_s
                                                  << u"2026-11-03T00:00:00-05:00"_s
                                                  << QStringList { u"2026-11-01T00:00:00-04:00=3/0"_s, u"2026-11-02T00:00:00-05:00=1/0"_s };
        QTest::addRow("New York fall hours: 01:00 twice") << u"America/New_York"_s << ny << BucketUnit::Hour << u"2026-11-01T00:00:00-04:00"_s
                                                          << u"2026-11-01T03:00:00-05:00"_s
                                                          << QStringList { u"2026-11-01T01:00:00-04:00=1/0"_s, u"2026-11-01T01:00:00-05:00=1/0"_s };
    }
    void dstCounts()
    {
        QFETCH(QString, zoneId);
        QFETCH(QByteArray, audit);
        QFETCH(BucketUnit, unit);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QStringList, expected);
        ArchiveSpec spec;
        spec.defaultTimezone = zoneId == u"UTC" ? u"America/New_York"_s : zoneId;
        if (audit.contains("\"B1\""))
            spec.defaultTimezone = u"Europe/Berlin"_s;
        spec.audit = audit;
        spec.transactions = QByteArray();
        const ImportResult r = import(spec);
        QCOMPARE(ImportResult::outcomeName(r.outcome), u"imported"_s);
        QCOMPARE(r.quarantined, 0);
        auto d = query(zoneId.toLatin1().constData(), unit, from.toLatin1().constData(), to.toLatin1().constData());
        QVERIFY(d);
        QCOMPARE(summary(*d), expected);
    }

    // ---- edge cases -------------------------------------------------------------------------------

    void emptyWorkspace()
    {
        auto ws = Workspace::openReadOnly(m_ws);
        QVERIFY(ws);
        TimelineService s(*ws);
        auto e = s.extent();
        QVERIFY(e);
        QVERIFY(!*e);
        TimelineRequest r;
        r.fromUtcMs = at("2026-01-01T00:00:00Z");
        r.toUtcMs = at("2026-02-01T00:00:00Z");
        auto d = s.query(r);
        QVERIFY(d);
        QCOMPARE(d->unit, BucketUnit::Hour);
        QCOMPARE(d->bucketCount(), 31 * 24);
        QCOMPARE(d->tenantCount(), 0);
        QVERIFY(d->counts.isEmpty());
        r.toUtcMs = r.fromUtcMs; // an empty range
        d = s.query(r);
        QVERIFY(d);
        QCOMPARE(d->bucketCount(), 0);
    }

    void singleEvent()
    {
        ArchiveSpec spec;
        spec.audit = auditLine("S1", "2026-02-03T04:05:06.789+01:00", "failure");
        spec.transactions = QByteArray();
        QCOMPARE(import(spec).outcome, ImportResult::Outcome::Imported);
        auto ws = Workspace::openReadOnly(m_ws);
        TimelineService s(*ws);
        auto e = s.extent();
        QVERIFY(e && *e);
        QCOMPARE((*e)->first, at("2026-02-03T03:05:06.789Z"));
        QCOMPARE((*e)->second, at("2026-02-03T03:05:06.789Z") + 1);
        TimelineRequest r;
        r.fromUtcMs = (*e)->first;
        r.toUtcMs = (*e)->second;
        r.zone = QTimeZone("Europe/Paris");
        auto d = s.query(r);
        QVERIFY(d);
        QCOMPARE(d->unit, BucketUnit::Minute);
        QCOMPARE(d->bucketCount(), 1);
        QCOMPARE(timebuckets::formatInZone(d->edges[0], d->zone), u"2026-02-03T04:05:00+01:00"_s);
        QCOMPARE(d->at(0, 0).events, 1);
        QCOMPARE(d->at(0, 0).failures, 1);
    }

    void unknownTenantAndTooManyBuckets()
    {
        QCOMPARE(import(ArchiveSpec()).outcome, ImportResult::Outcome::Imported);
        auto d = query("UTC", BucketUnit::Day, "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z", { u"T0000"_s });
        QVERIFY(!d);
        QCOMPARE(d.error().code, Error::Code::Usage);
        QVERIFY(d.error().message.contains(u"T0000"));
        d = query("UTC", BucketUnit::Minute, "2000-01-01T00:00:00Z", "2026-02-01T00:00:00Z");
        QVERIFY(!d);
        QCOMPARE(d.error().code, Error::Code::Usage);
    }

    // ---- rollups stay equal to the rows ------------------------------------------------------------

    void rollupsAfterImportsAndRejection()
    {
        auto check = [&] {
            auto ws = Workspace::openReadOnly(m_ws);
            return rollupMismatches(ws->db());
        };
        QCOMPARE(import(ArchiveSpec()).outcome, ImportResult::Outcome::Imported);
        QCOMPARE(check(), 0);
        // Same institution, another export whose rows share minute cells with the first.
        ArchiveSpec second;
        second.exportId = u"00000000-0000-4000-8000-000000000002"_s;
        second.audit = auditLine("F1", "2026-01-05T09:31:40+08:00", "failure") + auditLine("F2", "2026-01-05T09:31:59+08:00", "denied");
        second.transactions = QByteArray(kTxnHeader) + txn("Y1", "2026-01-05T10:00:30+08:00", "0.5", "CNY");
        QCOMPARE(import(second).outcome, ImportResult::Outcome::Imported);
        ArchiveSpec third;
        third.tenantId = u"T9002"_s;
        third.exportId = u"00000000-0000-4000-8000-000000000003"_s;
        third.defaultTimezone = u"Asia/Kolkata"_s;
        third.audit = auditLine("K1", "1969-12-31T23:59:30Z") + auditLine("K2", "2026-01-05T09:31:02");
        QCOMPARE(import(third).outcome, ImportResult::Outcome::Imported);
        QCOMPARE(check(), 0);
        {
            auto d = query("Asia/Shanghai", BucketUnit::Minute, "2026-01-05T09:31:00+08:00", "2026-01-05T09:32:00+08:00", { u"T9001"_s });
            QVERIFY(d);
            QCOMPARE(d->at(0, 0).events, 3);
            QCOMPARE(d->at(0, 0).failures, 1);
            QCOMPARE(d->at(0, 0).denied, 1);
        }
        // A rejected archive (declared record count wrong, found after all rows were inserted) leaves
        // every byte as it was, rollups included.
        const QByteArray before = workspaceDigest(m_ws);
        ArchiveSpec bad;
        bad.exportId = u"00000000-0000-4000-8000-000000000004"_s;
        bad.audit = auditLine("G1", "2026-01-05T09:31:10+08:00") + auditLine("G2", "2026-01-06T09:31:10+08:00");
        bad.auditRecords = 5;
        QCOMPARE(import(bad).outcome, ImportResult::Outcome::Rejected);
        QCOMPARE(workspaceDigest(m_ws), before);
        QCOMPARE(check(), 0);
    }

    void cancelledAnywhereLeavesRollupsConsistent()
    {
        QCOMPARE(import(ArchiveSpec()).outcome, ImportResult::Outcome::Imported);
        const QByteArray before = workspaceDigest(m_ws);
        ArchiveSpec big;
        big.exportId = u"00000000-0000-4000-8000-0000000000b1"_s;
        QByteArray audit, txns = kTxnHeader;
        for (int i = 0; i < 3000; ++i) {
            const QByteArray ts = QDateTime::fromMSecsSinceEpoch(at("2026-02-01T00:00:00Z") + int64_t(i) * 97'000, QTimeZone::utc())
                                      .toString(Qt::ISODate)
                                      .toLatin1();
            audit += auditLine(QByteArray("C" + QByteArray::number(i)).constData(), ts.constData(), i % 7 ? "success" : "failure");
            txns += txn(QByteArray("X" + QByteArray::number(i)).constData(), ts.constData(), "12.34", i % 3 ? "CNY" : "USD");
        }
        big.audit = audit;
        big.transactions = txns;
        // Cancel at the k-th poll for growing k, until the import gets through: every cancelled attempt
        // must leave the workspace exactly as it was.
        for (int k = 0;; k = k ? k * 2 : 1) {
            int calls = 0;
            const ImportResult r = import(big, [&] { return ++calls > k; });
            if (r.outcome == ImportResult::Outcome::Imported)
                break;
            QCOMPARE(ImportResult::outcomeName(r.outcome), u"cancelled"_s);
            QCOMPARE(workspaceDigest(m_ws), before);
            QVERIFY(k < 1 << 20);
        }
        auto ws = Workspace::openReadOnly(m_ws);
        QCOMPARE(rollupMismatches(ws->db()), 0);
        QCOMPARE(*ws->db().queryInt("SELECT sum(events) FROM timeline_events WHERE level = 60"), 3003);
    }

    void migrationBackfillsRollups()
    {
        QCOMPARE(import(ArchiveSpec()).outcome, ImportResult::Outcome::Imported);
        // A workspace of schema 1 with data: drop what 0002 creates, then run 0002 as the migration does.
        auto ws = Workspace::open(m_ws);
        QVERIFY(ws->db().exec("DROP TABLE timeline_events; DROP TABLE timeline_transactions; "
                              "DROP INDEX events_tenant_action_ts; DROP INDEX events_tenant_actor_ts;"));
        QFile f(u":/casebook/sql/0002_timeline.sql"_s);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(ws->db().exec(f.readAll()));
        QCOMPARE(rollupMismatches(ws->db()), 0);
        QCOMPARE(*ws->db().queryInt("SELECT sum(events) FROM timeline_events WHERE level = 86400"), 3);
        QCOMPARE(*ws->db().queryInt("SELECT sum(amount_e4) FROM timeline_transactions WHERE level = 900 AND currency = 'CNY'"),
                 12345601);
    }

    // ---- the rollup reader against the raw rows ----------------------------------------------------

    void matchesRawRows_data()
    {
        QTest::addColumn<QString>("zoneId");
        QTest::addColumn<QString>("unit"); ///< empty: auto
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QStringList>("tenants");
        QTest::addColumn<TimelineFilter>("filter");
        const QString q1 = u"2025-12-30T00:00:00Z"_s, q2 = u"2026-04-02T00:00:00Z"_s;
        const QStringList zones { u"UTC"_s, u"Europe/Berlin"_s, u"America/New_York"_s, u"Asia/Kolkata"_s,
                                  u"Asia/Kathmandu"_s, u"Australia/Lord_Howe"_s, u"Pacific/Chatham"_s };
        for (const QString &z : zones) {
            QTest::addRow("%s auto, whole quarter", qPrintable(z)) << z << QString() << q1 << q2 << QStringList() << TimelineFilter();
            for (const char *u : { "hour", "day", "week", "month" })
                QTest::addRow("%s %s, whole quarter", qPrintable(z), u) << z << QString::fromLatin1(u) << q1 << q2 << QStringList() << TimelineFilter();
            QTest::addRow("%s 5min, odd range", qPrintable(z)) << z << u"5min"_s << u"2026-02-03T07:13:00Z"_s
                                                               << u"2026-02-04T09:48:00Z"_s << QStringList() << TimelineFilter();
            QTest::addRow("%s minute, one tenant", qPrintable(z)) << z << u"minute"_s << u"2026-01-05T01:00:00Z"_s
                                                                  << u"2026-01-05T07:31:00Z"_s << QStringList { u"T0002"_s } << TimelineFilter();
        }
        QTest::addRow("fixed +05:00:01: not whole minutes, raw rows")
            << u"+05:00:01"_s << u"day"_s << q1 << q2 << QStringList() << TimelineFilter();
        QTest::addRow("filter outcome") << u"Europe/Berlin"_s << u"day"_s << q1 << q2 << QStringList()
                                        << TimelineFilter { { u"failure"_s, u"denied"_s }, {}, {} };
        QTest::addRow("filter action prefix") << u"Asia/Shanghai"_s << u"day"_s << q1 << q2 << QStringList()
                                              << TimelineFilter { {}, u"db."_s, {} };
        QTest::addRow("filter action prefix + outcome") << u"UTC"_s << u"hour"_s << u"2026-01-20T00:00:00Z"_s << u"2026-02-10T00:00:00Z"_s
                                                        << QStringList { u"T0001"_s, u"T0003"_s }
                                                        << TimelineFilter { { u"success"_s }, u"user.log"_s, {} };
        QTest::addRow("filter no such action") << u"UTC"_s << u"day"_s << q1 << q2 << QStringList()
                                               << TimelineFilter { {}, u"zzz"_s, {} };
    }
    void matchesRawRows()
    {
        QFETCH(QString, zoneId);
        QFETCH(QString, unit);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QStringList, tenants);
        QFETCH(TimelineFilter, filter);
        const QString ws = demoWorkspace();
        auto w = Workspace::openReadOnly(ws);
        QVERIFY(w);
        TimelineRequest r;
        r.tenants = tenants;
        r.zone = zoneId.startsWith(u'+') ? QTimeZone(5 * 3600 + 1) : zone(zoneId.toLatin1().constData());
        QVERIFY(r.zone.isValid());
        if (!unit.isEmpty())
            r.unit = timebuckets::unitFromName(unit);
        r.fromUtcMs = at(from.toLatin1().constData());
        r.toUtcMs = at(to.toLatin1().constData());
        r.filter = filter;
        auto d = TimelineService(*w).query(r);
        QVERIFY2(d, qPrintable(d ? QString() : d.error().text()));
        QCOMPARE(d->fromRollups, !zoneId.startsWith(u'+'));
        QVERIFY(d->bucketCount() > 0);
        int64_t total = 0;
        for (const TimelineCounts &c : d->counts)
            total += c.events + c.transactions;
        QVERIFY(total > 0);
        if (filter.isActive()) {
            int64_t matched = 0;
            for (const TimelineCounts &c : d->counts)
                matched += c.matched;
            if (filter.actionPrefix == u"zzz")
                QCOMPARE(matched, 0);
            else
                QVERIFY(matched > 0);
        }
        const TimelineData ref = bruteForce(w->db(), r, *d);
        const QString diff = difference(*d, ref);
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
    }

    void actorFilter()
    {
        auto w = Workspace::openReadOnly(demoWorkspace());
        // The busiest actor of T0001 and a rare one.
        auto q = w->db().prepare("SELECT actor FROM events WHERE tenant_id = 'T0001' GROUP BY actor ORDER BY count(*) DESC");
        QStringList actors;
        while (q->step() == Statement::StepResult::Row)
            actors << q->columnText(0);
        QVERIFY(actors.size() > 2);
        for (const QString &actor : { actors.first(), actors.last() }) {
            TimelineRequest r;
            r.zone = QTimeZone("Asia/Shanghai");
            r.fromUtcMs = at("2025-12-30T00:00:00Z");
            r.toUtcMs = at("2026-04-02T00:00:00Z");
            r.filter.actor = actor;
            r.filter.actionPrefix = u"db"_s;
            for (int pass = 0; pass < 2; ++pass) {
                auto d = TimelineService(*w).query(r);
                QVERIFY(d);
                const QString diff = difference(*d, bruteForce(w->db(), r, *d));
                QVERIFY2(diff.isEmpty(), qPrintable(actor + u": " + diff));
                r.filter.actionPrefix.clear();
            }
        }
    }

    void cancelQuery()
    {
        auto w = Workspace::openReadOnly(demoWorkspace());
        TimelineRequest r;
        r.fromUtcMs = at("2025-12-30T00:00:00Z");
        r.toUtcMs = at("2026-04-02T00:00:00Z");
        auto d = TimelineService(*w).query(r, [] { return true; });
        QVERIFY(!d);
        QCOMPARE(d.error().code, Error::Code::Cancelled);
    }

    void searchHits_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<int>("unit");
        QTest::addRow("UTC days") << u"UTC"_s << int(BucketUnit::Day);
        QTest::addRow("Shanghai hours") << u"Asia/Shanghai"_s << int(BucketUnit::Hour);
        QTest::addRow("New York weeks") << u"America/New_York"_s << int(BucketUnit::Week);
    }
    /// Bucketing a search's hits (read from the rows) gives what the rollups give for the same set.
    void searchHits()
    {
        QFETCH(QString, zone);
        QFETCH(int, unit);
        auto w = Workspace::openReadOnly(demoWorkspace());
        TimelineService service(*w);
        TimelineRequest r;
        r.fromUtcMs = at("2025-12-30T00:00:00Z");
        r.toUtcMs = at("2026-04-02T00:00:00Z");
        r.zone = QTimeZone(zone.toUtf8());
        r.unit = BucketUnit(unit);
        r.filter.outcomes = QStringList { u"denied"_s };
        auto all = service.query(r);
        QVERIFY(all);
        QVERIFY(!all->searchHits);

        // Denied events: the hits' event counts are the rollups' "matched" counts.
        TimelineRequest h = r;
        h.filter = {};
        h.search = *SearchService::compile(u"outcome:denied"_s);
        auto denied = service.query(h);
        QVERIFY(denied);
        QVERIFY(denied->searchHits);
        QVERIFY(!denied->fromRollups);
        QCOMPARE(denied->edges, all->edges);
        QCOMPARE(denied->tenants, all->tenants);
        int64_t total = 0;
        for (int b = 0; b < all->bucketCount(); ++b)
            for (int t = 0; t < all->tenantCount(); ++t) {
                QCOMPARE(denied->at(b, t).events, all->at(b, t).matched);
                QCOMPARE(denied->at(b, t).denied, all->at(b, t).matched);
                QCOMPARE(denied->at(b, t).transactions, 0); // outcome: applies to events only
                total += denied->at(b, t).events;
            }
        QVERIFY(total > 0);

        // Every USD transaction: counts and exact amounts equal the rollups' USD column.
        h.search = *SearchService::compile(u"currency:usd"_s);
        auto usd = service.query(h);
        QVERIFY(usd);
        const int ca = int(all->currencies.indexOf(u"USD"_s)), cu = int(usd->currencies.indexOf(u"USD"_s));
        QVERIFY(ca >= 0 && cu >= 0);
        for (int b = 0; b < all->bucketCount(); ++b)
            for (int t = 0; t < all->tenantCount(); ++t) {
                QCOMPARE(usd->at(b, t).events, 0);
                QCOMPARE(usd->at(b, t).transactions, all->transactionsAt(b, t, ca));
                QCOMPARE(usd->amountAt(b, t, cu), all->amountAt(b, t, ca));
            }

        // The quick filters apply to the hits too; one institution narrows them.
        h.search = *SearchService::compile(u"kind:event"_s, {}, SearchScope::only({ u"T0002"_s }));
        h.filter.outcomes = QStringList { u"denied"_s };
        h.tenants = QStringList { u"T0002"_s };
        r.tenants = h.tenants;
        auto one = service.query(h);
        auto oneAll = service.query(r);
        QVERIFY(one && oneAll);
        QCOMPARE(one->tenants, QStringList { u"T0002"_s });
        for (int b = 0; b < oneAll->bucketCount(); ++b) {
            QCOMPARE(one->at(b, 0).events, oneAll->at(b, 0).events);
            QCOMPARE(one->at(b, 0).matched, oneAll->at(b, 0).matched);
        }

        // Cancel between rows.
        h.search = *SearchService::compile(QString());
        auto cancelled = service.query(h, [] { return true; });
        QVERIFY(!cancelled);
        QCOMPARE(cancelled.error().code, Error::Code::Cancelled);
    }

    void searchExtent()
    {
        auto w = Workspace::openReadOnly(demoWorkspace());
        TimelineService service(*w);
        auto e = service.extent(*SearchService::compile(u"outcome:denied"_s));
        QVERIFY(e && *e);
        auto q = w->db().prepare("SELECT min(ts_utc_ms), max(ts_utc_ms) + 1 FROM events WHERE outcome = 'denied'");
        QVERIFY(q && q->step() == Statement::StepResult::Row);
        QCOMPARE((*e)->first, q->columnInt(0));
        QCOMPARE((*e)->second, q->columnInt(1));
        auto none = service.extent(*SearchService::compile(u"zzzznotthere"_s));
        QVERIFY(none);
        QVERIFY(!*none);
    }

private:
    QString m_demo;
    /// A small demo workspace (5 institutions, 5 zones), built once.
    QString demoWorkspace()
    {
        if (!m_demo.isEmpty())
            return m_demo;
        const QString dir = m_dir.filePath(u"demo"_s);
        demo::Options o;
        o.rows = 30000;
        auto gen = demo::generate(dir, o);
        if (!gen)
            qFatal("demo: %s", qPrintable(gen.error().text()));
        m_demo = m_dir.filePath(u"demo.casebook"_s);
        auto ws = Workspace::create(m_demo);
        for (const demo::GeneratedArchive &g : *gen)
            if (importArchive(*ws, { g.path, u"tester"_s, nullptr }).outcome != ImportResult::Outcome::Imported)
                qFatal("demo import failed");
        return m_demo;
    }
};


QTEST_GUILESS_MAIN(TestTimelineService)
#include "tst_timelineservice.moc"
