// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "formatparser.h"

namespace casebook {

/// ISO 20022 bank-to-customer cash management XML → transactions: camt.053 (statement), camt.052
/// (account report) and camt.054 (debit/credit notification), message versions .02 and later. One
/// transaction per entry (`Ntry`), or per transaction detail (`TxDtls`) when an entry carries several.
/// Credit/debit is read against the statement account, which becomes the creditor or the debtor;
/// amounts stay non-negative. Read with QXmlStreamReader; any DOCTYPE or entity declaration
/// rejects the file (no external entities, no entity expansion). Memory: one entry at a time, on
/// top of the buffered file. The field mapping is documented in docs/formats.md.
class CamtParser final : public FormatParser
{
public:
    explicit CamtParser(const FormatContext& ctx);
    ~CamtParser() override;
    Status parse(QByteArrayView data, RecordSink& sink) override;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace casebook
