// SPDX-License-Identifier: GPL-3.0-or-later
// casebook-cli timeline: the JSON contract, hand-computed numbers, totals that add up to `info`, and
// usage errors.

#include "testutils.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace casebook;
using namespace casebook::test;
using namespace Qt::StringLiterals;

class TestCliTimeline : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_keyring;
    QString m_demo;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    static QJsonObject json(const CliResult &r)
    {
        QJsonParseError e;
        const QJsonDocument d = QJsonDocument::fromJson(r.out.toUtf8(), &e);
        if (e.error != QJsonParseError::NoError)
            qWarning() << "not JSON:" << r.out << r.err;
        return d.object();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(!qEnvironmentVariableIsEmpty("CASEBOOK_CLI"));
        m_keyring = path(u"keyring.json"_s);
        m_demo = path(u"demo.casebook"_s);
        const CliResult r = runCli({ u"demo"_s, m_demo, u"--rows"_s, u"20000"_s }, m_keyring);
        QCOMPARE(r.exitCode, 0);
    }

    void handComputedJson()
    {
        const QString ws = path(u"hand.casebook"_s);
        const QString archive = path(u"hand.sea.zip"_s);
        QVERIFY(writeArchive(archive, ArchiveSpec()));
        QCOMPARE(runCli({ u"init"_s, ws }).exitCode, 0);
        QCOMPARE(runCli({ u"import"_s, ws, archive }, m_keyring).exitCode, 0);
        // The archive's events: 2026-01-05 09:31+08, 02:13+08 and 10:00 without offset (read in the
        // archive's zone, Asia/Shanghai); transactions on the 5th, 6th (11:00Z) and 7th.
        const CliResult r = runCli({ u"timeline"_s, ws, u"--bucket"_s, u"day"_s, u"--tz"_s, u"Asia/Shanghai"_s, u"--json"_s });
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = json(r);
        QCOMPARE(o.value(u"bucket").toString(), u"day"_s);
        QCOMPARE(o.value(u"tz").toString(), u"Asia/Shanghai"_s);
        const QJsonArray b = o.value(u"buckets").toArray();
        QCOMPARE(b.size(), 3);
        const auto check = [&](int i, const char *start, int events, int txns, const QJsonObject &amount) {
            const QJsonObject e = b[i].toObject();
            QCOMPARE(e.value(u"start").toString(), QString::fromLatin1(start));
            QCOMPARE(e.value(u"tenant").toString(), u"T9001"_s);
            QCOMPARE(e.value(u"events").toInt(), events);
            QCOMPARE(e.value(u"transactions").toInt(), txns);
            QCOMPARE(e.value(u"amount").toObject(), amount);
        };
        check(0, "2026-01-05T00:00:00+08:00", 3, 1, QJsonObject { { u"CNY"_s, u"1234.56"_s } });
        check(1, "2026-01-06T00:00:00+08:00", 0, 1, QJsonObject { { u"CNY"_s, u"0.0001"_s } });
        check(2, "2026-01-07T00:00:00+08:00", 0, 1, QJsonObject { { u"EUR"_s, u"99999999.9999"_s } });
        QCOMPARE(b[0].toObject().value(u"denied").toInt(), 1);
        QCOMPARE(b[0].toObject().value(u"end").toString(), u"2026-01-06T00:00:00+08:00"_s);

        // The same in UTC hours, limited by --from/--to (local times read in --tz).
        const CliResult h = runCli({ u"timeline"_s, ws, u"--bucket"_s, u"hour"_s, u"--tz"_s, u"UTC"_s, u"--from"_s,
                                     u"2026-01-05T01:00:00"_s, u"--to"_s, u"2026-01-05T03:00:00Z"_s, u"--json"_s });
        QCOMPARE(h.exitCode, 0);
        const QJsonArray hb = json(h).value(u"buckets").toArray();
        QCOMPARE(hb.size(), 2);
        QCOMPARE(hb[0].toObject().value(u"start").toString(), u"2026-01-05T01:00:00Z"_s);
        QCOMPARE(hb[1].toObject().value(u"start").toString(), u"2026-01-05T02:00:00Z"_s);
        QCOMPARE(hb[1].toObject().value(u"events").toInt(), 1);
        QCOMPARE(hb[1].toObject().value(u"transactions").toInt(), 1);
    }

    void demoTotalsAddUp()
    {
        const CliResult info = runCli({ u"info"_s, m_demo, u"--json"_s });
        QCOMPARE(info.exitCode, 0);
        const QJsonArray tenants = json(info).value(u"tenants").toArray();
        QCOMPARE(tenants.size(), 5);
        for (const QJsonValue &tv : tenants) {
            const QJsonObject t = tv.toObject();
            const QString id = t.value(u"id").toString();
            const QString zone = t.value(u"default_timezone").toString();
            const CliResult r = runCli({ u"timeline"_s, m_demo, u"--tenant"_s, id, u"--bucket"_s, u"week"_s, u"--json"_s });
            QCOMPARE(r.exitCode, 0);
            const QJsonObject o = json(r);
            QCOMPARE(o.value(u"tz").toString(), zone); // one institution: its own zone by default
            QCOMPARE(o.value(u"bucket").toString(), u"week"_s);
            qint64 events = 0, txns = 0;
            QMap<QString, qint64> sumsE4;
            static const QRegularExpression startRe(u"^\\d{4}-\\d\\d-\\d\\dT00:00:00([+-]\\d\\d:\\d\\d|Z)$"_s);
            for (const QJsonValue &bv : o.value(u"buckets").toArray()) {
                const QJsonObject b = bv.toObject();
                QCOMPARE(b.value(u"tenant").toString(), id);
                QVERIFY2(startRe.match(b.value(u"start").toString()).hasMatch(), qPrintable(b.value(u"start").toString()));
                events += b.value(u"events").toInteger();
                txns += b.value(u"transactions").toInteger();
                const QJsonObject amount = b.value(u"amount").toObject();
                for (auto it = amount.begin(); it != amount.end(); ++it) {
                    // Exact decimal strings: add them as integers of 10^-4.
                    const QStringList parts = it.value().toString().split(u'.');
                    qint64 e4 = parts[0].toLongLong() * 10000;
                    if (parts.size() == 2)
                        e4 += parts[1].leftJustified(4, u'0').toLongLong();
                    sumsE4[it.key()] += e4;
                }
            }
            QCOMPARE(events, t.value(u"events").toInteger());
            QCOMPARE(txns, t.value(u"transactions").toInteger());
            const QJsonObject totals = t.value(u"totals").toObject();
            QCOMPARE(qsizetype(sumsE4.size()), totals.size());
            for (auto it = totals.begin(); it != totals.end(); ++it) {
                const QStringList parts = it.value().toString().split(u'.');
                qint64 e4 = parts[0].toLongLong() * 10000;
                if (parts.size() == 2)
                    e4 += parts[1].leftJustified(4, u'0').toLongLong();
                QCOMPARE(sumsE4.value(it.key()), e4);
            }
        }
    }

    void allTenantsAutoBucket()
    {
        const CliResult r = runCli({ u"timeline"_s, m_demo, u"--tz"_s, u"Asia/Shanghai"_s, u"--json"_s });
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = json(r);
        QCOMPARE(o.value(u"bucket").toString(), u"day"_s); // a quarter of data: ~90 days
        QSet<QString> tenants;
        for (const QJsonValue &b : o.value(u"buckets").toArray()) {
            tenants.insert(b.toObject().value(u"tenant").toString());
            QVERIFY(b.toObject().value(u"start").toString().endsWith(u"T00:00:00+08:00"));
        }
        QCOMPARE(tenants.size(), 5);
    }

    void filters()
    {
        const CliResult r = runCli({ u"timeline"_s, m_demo, u"--tenant"_s, u"T0001"_s, u"--action"_s, u"db.export"_s,
                                     u"--bucket"_s, u"month"_s, u"--json"_s });
        QCOMPARE(r.exitCode, 0);
        qint64 matched = 0;
        for (const QJsonValue &b : json(r).value(u"buckets").toArray())
            matched += b.toObject().value(u"matched").toInteger();
        QVERIFY(matched > 0); // the story's night-time export
    }

    void emptyWorkspace()
    {
        const QString ws = path(u"empty.casebook"_s);
        QCOMPARE(runCli({ u"init"_s, ws }).exitCode, 0);
        const CliResult r = runCli({ u"timeline"_s, ws, u"--json"_s });
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = json(r);
        QCOMPARE(o.value(u"bucket").toString(), u"day"_s);
        QCOMPARE(o.value(u"tz").toString(), u"UTC"_s);
        QVERIFY(o.value(u"buckets").isArray());
        QVERIFY(o.value(u"buckets").toArray().isEmpty());
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::addRow("bad bucket") << QStringList { u"--bucket"_s, u"fortnight"_s } << 2 << u"--bucket"_s;
        QTest::addRow("bad zone") << QStringList { u"--tz"_s, u"Mars/Olympus"_s } << 2 << u"Mars/Olympus"_s;
        QTest::addRow("bad from") << QStringList { u"--from"_s, u"yesterday"_s } << 2 << u"yesterday"_s;
        QTest::addRow("to before from") << QStringList { u"--from"_s, u"2026-02-01"_s, u"--to"_s, u"2026-01-01"_s } << 2 << u"--to"_s;
        QTest::addRow("bad outcome") << QStringList { u"--outcome"_s, u"maybe"_s } << 2 << u"maybe"_s;
        QTest::addRow("unknown tenant") << QStringList { u"--tenant"_s, u"T4242"_s } << 1 << u"T4242"_s;
        QTest::addRow("too many buckets") << QStringList { u"--bucket"_s, u"minute"_s, u"--from"_s, u"2000-01-01"_s } << 2 << u"too many"_s;
    }
    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const CliResult r = runCli(QStringList { u"timeline"_s, m_demo } + args + QStringList { u"--json"_s });
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void usageMentionsTimeline()
    {
        const CliResult r = runCli({ u"--help"_s });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(u"timeline WS [--tenant ID"));
    }
};

QTEST_GUILESS_MAIN(TestCliTimeline)
#include "tst_clitimeline.moc"
