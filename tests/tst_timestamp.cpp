// SPDX-License-Identifier: GPL-3.0-or-later
#include "timestamp.h"

#include <QTest>

using namespace casebook;

class TestTimestamp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("zone");
        QTest::addColumn<qint64>("utcMs");
        QTest::addColumn<int>("offset");
        QTest::addColumn<bool>("hadOffset");
        QTest::addRow("offset +08:00 with ms") << QByteArray("2026-01-05T09:31:02.125+08:00") << QByteArray("UTC") << qint64(1767576662125) << 28800 << true;
        QTest::addRow("Z") << QByteArray("2026-01-05T01:31:02Z") << QByteArray("UTC") << qint64(1767576662000) << 0 << true;
        QTest::addRow("lower z and t") << QByteArray("2026-01-05t01:31:02z") << QByteArray("UTC") << qint64(1767576662000) << 0 << true;
        QTest::addRow("space separator") << QByteArray("2026-01-05 01:31:02Z") << QByteArray("UTC") << qint64(1767576662000) << 0 << true;
        QTest::addRow("negative offset") << QByteArray("2026-01-04T20:31:02-05:00") << QByteArray("UTC") << qint64(1767576662000) << -18000 << true;
        QTest::addRow("half-hour offset") << QByteArray("2026-01-05T07:01:02+05:30") << QByteArray("UTC") << qint64(1767576662000) << 19800 << true;
        QTest::addRow("nanoseconds truncated") << QByteArray("2026-01-05T01:31:02.123456789Z") << QByteArray("UTC") << qint64(1767576662123) << 0 << true;
        QTest::addRow("one fraction digit") << QByteArray("2026-01-05T01:31:02.5Z") << QByteArray("UTC") << qint64(1767576662500) << 0 << true;
        QTest::addRow("no offset, Shanghai") << QByteArray("2026-01-05T09:31:02") << QByteArray("Asia/Shanghai") << qint64(1767576662000) << 28800 << false;
        QTest::addRow("no offset, Berlin winter") << QByteArray("2026-01-05T02:31:02") << QByteArray("Europe/Berlin") << qint64(1767576662000) << 3600 << false;
        QTest::addRow("no offset, Berlin summer") << QByteArray("2026-07-01T12:00:00") << QByteArray("Europe/Berlin") << qint64(1782900000000) << 7200 << false;
        QTest::addRow("leap day") << QByteArray("2028-02-29T00:00:00Z") << QByteArray("UTC") << qint64(1835395200000) << 0 << true;
        QTest::addRow("epoch") << QByteArray("1970-01-01T00:00:00Z") << QByteArray("UTC") << qint64(0) << 0 << true;
        QTest::addRow("before epoch") << QByteArray("1969-12-31T23:59:59Z") << QByteArray("UTC") << qint64(-1000) << 0 << true;
    }
    void parse()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, zone);
        QFETCH(qint64, utcMs);
        QFETCH(int, offset);
        QFETCH(bool, hadOffset);
        const TimestampParse p = parseTimestamp(text, QTimeZone(zone));
        QVERIFY2(p.error.isEmpty(), qPrintable(p.error));
        QCOMPARE(qint64(p.ts.utcMs), utcMs);
        QCOMPARE(p.ts.offsetSeconds, offset);
        QCOMPARE(p.ts.hadOffset, hadOffset);
    }

    void invalid_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("zone");
        QTest::addColumn<QString>("error");
        QTest::addRow("empty") << QByteArray() << QByteArray("UTC") << QStringLiteral("empty");
        QTest::addRow("date only") << QByteArray("2026-01-05") << QByteArray("UTC") << QStringLiteral("not RFC 3339");
        QTest::addRow("Feb 30") << QByteArray("2026-02-30T00:00:00Z") << QByteArray("UTC") << QStringLiteral("not RFC 3339");
        QTest::addRow("Feb 29 non-leap") << QByteArray("2026-02-29T00:00:00Z") << QByteArray("UTC") << QStringLiteral("not RFC 3339");
        QTest::addRow("month 13") << QByteArray("2026-13-01T00:00:00Z") << QByteArray("UTC") << QStringLiteral("not RFC 3339");
        QTest::addRow("hour 24") << QByteArray("2026-01-01T24:00:00Z") << QByteArray("UTC") << QStringLiteral("out-of-range");
        QTest::addRow("offset without colon") << QByteArray("2026-01-01T10:00:00+0800") << QByteArray("UTC") << QStringLiteral("offset");
        QTest::addRow("trailing junk") << QByteArray("2026-01-01T10:00:00Zjunk") << QByteArray("UTC") << QStringLiteral("offset");
        QTest::addRow("empty fraction") << QByteArray("2026-01-01T10:00:00.Z") << QByteArray("UTC") << QStringLiteral("fraction");
        QTest::addRow("slashes") << QByteArray("2026/01/01T10:00:00Z") << QByteArray("UTC") << QStringLiteral("not RFC 3339");
        QTest::addRow("DST gap Berlin") << QByteArray("2026-03-29T02:30:00") << QByteArray("Europe/Berlin") << QStringLiteral("daylight-saving gap");
        QTest::addRow("no offset, no zone") << QByteArray("2026-01-01T10:00:00") << QByteArray() << QStringLiteral("no valid default_timezone");
    }
    void invalid()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, zone);
        QFETCH(QString, error);
        const TimestampParse p = parseTimestamp(text, zone.isEmpty() ? QTimeZone() : QTimeZone(zone));
        QVERIFY2(p.error.contains(error), qPrintable(p.error));
    }

    void ambiguousTakesEarlier()
    {
        // 2026-10-25 02:30 happens twice in Berlin; the first one is at +02:00.
        const TimestampParse p = parseTimestamp("2026-10-25T02:30:00", QTimeZone("Europe/Berlin"));
        QVERIFY(p.error.isEmpty());
        QCOMPARE(p.ts.offsetSeconds, 7200);
    }

    void format()
    {
        QCOMPARE(formatTimestamp(1767576662125, 28800), QStringLiteral("2026-01-05T09:31:02.125+08:00"));
        QCOMPARE(formatTimestamp(1767576662000, 0), QStringLiteral("2026-01-05T01:31:02.000Z"));
        QCOMPARE(formatTimestamp(1767576662000, -16200), QStringLiteral("2026-01-04T21:01:02.000-04:30"));
    }
};

QTEST_GUILESS_MAIN(TestTimestamp)
#include "tst_timestamp.moc"
