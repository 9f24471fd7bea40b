// SPDX-License-Identifier: GPL-3.0-or-later
#include "money.h"

#include <QTest>

using namespace casebook;

class TestMoney : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("e4");
        QTest::addColumn<int>("error"); // -1 = none
        const int none = -1;
        QTest::addRow("integer") << QByteArray("12") << qint64(120000) << none;
        QTest::addRow("two decimals") << QByteArray("1234.56") << qint64(12345600) << none;
        QTest::addRow("four decimals") << QByteArray("0.0001") << qint64(1) << none;
        QTest::addRow("zero") << QByteArray("0") << qint64(0) << none;
        QTest::addRow("leading zeros") << QByteArray("007.50") << qint64(75000) << none;
        QTest::addRow("large") << QByteArray("922337203685477.5807") << qint64(9223372036854775807LL) << none;
        QTest::addRow("overflow") << QByteArray("922337203685478") << qint64(0) << int(money::ParseError::Overflow);
        QTest::addRow("overflow in the fraction") << QByteArray("922337203685477.5808") << qint64(0) << int(money::ParseError::Overflow);
        QTest::addRow("five decimals") << QByteArray("1.00001") << qint64(0) << int(money::ParseError::TooManyDecimals);
        QTest::addRow("negative") << QByteArray("-1.00") << qint64(0) << int(money::ParseError::Negative);
        QTest::addRow("minus alone") << QByteArray("-") << qint64(0) << int(money::ParseError::Syntax);
        QTest::addRow("plus sign") << QByteArray("+1") << qint64(0) << int(money::ParseError::Syntax);
        QTest::addRow("empty") << QByteArray("") << qint64(0) << int(money::ParseError::Empty);
        QTest::addRow("comma") << QByteArray("1,00") << qint64(0) << int(money::ParseError::Syntax);
        QTest::addRow("thousands") << QByteArray("1,000.00") << qint64(0) << int(money::ParseError::Syntax);
        QTest::addRow("trailing dot") << QByteArray("1.") << qint64(0) << int(money::ParseError::Syntax);
        QTest::addRow("leading dot") << QByteArray(".5") << qint64(0) << int(money::ParseError::Syntax);
        QTest::addRow("exponent") << QByteArray("1e3") << qint64(0) << int(money::ParseError::Syntax);
        QTest::addRow("space") << QByteArray(" 1") << qint64(0) << int(money::ParseError::Syntax);
        QTest::addRow("nan") << QByteArray("NaN") << qint64(0) << int(money::ParseError::Syntax);
    }
    void parse()
    {
        QFETCH(QByteArray, text);
        QFETCH(qint64, e4);
        QFETCH(int, error);
        const money::Parsed p = money::parse(text);
        if (error < 0) {
            QVERIFY(!p.error);
            QCOMPARE(qint64(p.e4), e4);
        } else {
            QVERIFY(p.error);
            QCOMPARE(int(*p.error), error);
            QVERIFY(!money::describe(*p.error).isEmpty());
        }
    }

    void format_data()
    {
        QTest::addColumn<qint64>("e4");
        QTest::addColumn<QByteArray>("currency");
        QTest::addColumn<QString>("text");
        QTest::addRow("CNY") << qint64(12345600) << QByteArray("CNY") << QStringLiteral("1234.56");
        QTest::addRow("CNY whole") << qint64(120000) << QByteArray("CNY") << QStringLiteral("12.00");
        QTest::addRow("CNY 4 dp") << qint64(12345601) << QByteArray("CNY") << QStringLiteral("1234.5601");
        QTest::addRow("JPY") << qint64(15000000) << QByteArray("JPY") << QStringLiteral("1500");
        QTest::addRow("JPY fraction") << qint64(15000001) << QByteArray("JPY") << QStringLiteral("1500.0001");
        QTest::addRow("KWD") << qint64(15000) << QByteArray("KWD") << QStringLiteral("1.500");
        QTest::addRow("negative") << qint64(-5) << QByteArray("EUR") << QStringLiteral("-0.0005");
        QTest::addRow("min") << qint64(std::numeric_limits<int64_t>::min()) << QByteArray("EUR") << QStringLiteral("-922337203685477.5808");
    }
    void format()
    {
        QFETCH(qint64, e4);
        QFETCH(QByteArray, currency);
        QFETCH(QString, text);
        QCOMPARE(money::format(e4, currency), text);
    }

    void roundTrip()
    {
        for (int64_t v : { int64_t(0), int64_t(1), int64_t(99), int64_t(10000), int64_t(123456789012345678LL) }) {
            const money::Parsed p = money::parse(money::format(v, "USD").toLatin1());
            QVERIFY(!p.error);
            QCOMPARE(p.e4, v);
        }
    }

    void addChecked()
    {
        int64_t acc = std::numeric_limits<int64_t>::max() - 1;
        QVERIFY(money::addChecked(acc, 1));
        QVERIFY(!money::addChecked(acc, 1));
        QCOMPARE(acc, std::numeric_limits<int64_t>::max());
    }
};

QTEST_GUILESS_MAIN(TestMoney)
#include "tst_money.moc"
