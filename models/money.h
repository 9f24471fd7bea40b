// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArrayView>
#include <QString>

#include <cstdint>
#include <optional>

namespace casebook::money {

/// Amounts are stored as integers scaled by 10^4 ("e4"): 12.5 → 125000. The SEA spec allows at most
/// four decimals, so every valid amount is exact in this representation. No binary floating point
/// ever touches an amount.
constexpr int kScale = 4;
constexpr int64_t kFactor = 10000;

enum class ParseError { Empty, Syntax, Negative, TooManyDecimals, Overflow };

struct Parsed
{
    int64_t e4 = 0;
    std::optional<ParseError> error;
};

/// Parses a SEA decimal: digits, optionally '.' and 1..4 digits. No sign other than a leading '-'
/// (reported as Negative), no exponent, no thousands separators, no surrounding spaces.
Parsed parse(QByteArrayView text);
QString describe(ParseError e);

/// Number of decimals customarily shown for an ISO 4217 currency (2 unless known otherwise).
int minorDigits(QByteArrayView currency);

/// Exact decimal string: at least the currency's minor digits, more if the value has them
/// (up to 4). 125000 CNY → "12.50"; 1234 JPY (0.1234) → "0.1234".
QString format(int64_t e4, QByteArrayView currency = {});

/// Sum with overflow detection; returns false on overflow.
bool addChecked(int64_t &acc, int64_t v);

} // namespace casebook::money
