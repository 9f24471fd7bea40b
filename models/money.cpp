// SPDX-License-Identifier: GPL-3.0-or-later
#include "money.h"

#include <QCoreApplication>

#include <limits>

namespace casebook::money {

Parsed parse(QByteArrayView text)
{
    Parsed p;
    if (text.isEmpty()) {
        p.error = ParseError::Empty;
        return p;
    }
    qsizetype i = 0;
    if (text[0] == '-') {
        // Distinguish "-12.00" (a negative amount) from garbage such as "-" or "-x".
        bool digits = text.size() > 1;
        for (qsizetype k = 1; k < text.size() && digits; ++k)
            digits = (text[k] >= '0' && text[k] <= '9') || text[k] == '.';
        p.error = digits ? ParseError::Negative : ParseError::Syntax;
        return p;
    }
    constexpr int64_t maxWhole = std::numeric_limits<int64_t>::max() / kFactor;
    int64_t whole = 0;
    qsizetype nWhole = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++nWhole) {
        whole = whole * 10 + (text[i] - '0');
        if (whole > maxWhole) {
            p.error = ParseError::Overflow;
            return p;
        }
    }
    int64_t frac = 0;
    int nFrac = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
            if (nFrac == kScale) {
                p.error = ParseError::TooManyDecimals;
                return p;
            }
            frac = frac * 10 + (text[i] - '0');
            ++nFrac;
        }
        if (nFrac == 0) {
            p.error = ParseError::Syntax;
            return p;
        }
    }
    if (i != text.size() || nWhole == 0) {
        p.error = ParseError::Syntax;
        return p;
    }
    for (int k = nFrac; k < kScale; ++k)
        frac *= 10;
    // whole <= max / 10^4 keeps whole * 10^4 in range, but adding the fraction can still pass the
    // maximum (922337203685477.5808): that would be signed overflow.
    if (whole * kFactor > std::numeric_limits<int64_t>::max() - frac) {
        p.error = ParseError::Overflow;
        return p;
    }
    p.e4 = whole * kFactor + frac;
    return p;
}

QString describe(ParseError e)
{
    switch (e) {
    case ParseError::Empty:
        return QCoreApplication::translate("money", "amount is empty");
    case ParseError::Syntax:
        return QCoreApplication::translate("money", "amount is not a decimal number");
    case ParseError::Negative:
        return QCoreApplication::translate("money", "amount is negative");
    case ParseError::TooManyDecimals:
        return QCoreApplication::translate("money", "amount has more than 4 decimals");
    case ParseError::Overflow:
        return QCoreApplication::translate("money", "amount is too large");
    }
    return {};
}

int minorDigits(QByteArrayView c)
{
    static const char *const zero[] = { "JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF", "HUF" };
    static const char *const three[] = { "BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD" };
    for (const char *z : zero)
        if (c == z)
            return 0;
    for (const char *t : three)
        if (c == t)
            return 3;
    return 2;
}

QString format(int64_t e4, QByteArrayView currency)
{
    const bool neg = e4 < 0;
    // Work in unsigned so INT64_MIN does not overflow on negation.
    uint64_t u = neg ? uint64_t(0) - uint64_t(e4) : uint64_t(e4);
    uint64_t whole = u / uint64_t(kFactor);
    uint64_t frac = u % uint64_t(kFactor);
    int digits = currency.isEmpty() ? 2 : minorDigits(currency);
    QString fracText = QString::number(frac).rightJustified(kScale, u'0');
    int keep = kScale;
    while (keep > digits && fracText[keep - 1] == u'0')
        --keep;
    fracText.truncate(keep);
    QString out = neg ? QStringLiteral("-") : QString();
    out += QString::number(whole);
    if (!fracText.isEmpty())
        out += u'.' + fracText;
    return out;
}

bool addChecked(int64_t &acc, int64_t v)
{
    int64_t r;
    if (__builtin_add_overflow(acc, v, &r))
        return false;
    acc = r;
    return true;
}

} // namespace casebook::money
