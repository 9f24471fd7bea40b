// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "formatparser.h"

namespace casebook {

/// SWIFT MT940 customer statements (and MT942 interim reports) → transactions. Reads `:20:`, `:25:`
/// (the statement account), `:28C:`, `:60F:`/`:60M:`, `:61:` (value date, entry date, D/C/RD/RC mark,
/// amount with a decimal comma, type, references, supplementary details), multi-line `:86:` (plain,
/// or German/SEPA structured with `?00`…`?63` subfields and EREF+/SVWZ+/… keywords), `:62F:`/`:62M:`,
/// and for MT942 `:34F:`, `:13D:`, `:90D:`/`:90C:`. An optional SWIFT envelope ({1:…}{2:…}{4: … -})
/// is skipped. Text that is not valid UTF-8 is read as ISO 8859-1.
///
/// Checks: a statement whose opening balance plus its entries does not give its closing balance (or,
/// for MT942, whose entries disagree with :90D:/:90C:) has all its entries quarantined with the
/// figures. A bad `:61:` is quarantined on its own. A broken field sequence (no :20:, a repeated :25:,
/// an entry before the account or opening balance, a malformed balance, a statement without closing
/// balance) rejects the file. The field mapping is documented in docs/formats.md.
class Mt940Parser final : public FormatParser
{
public:
    explicit Mt940Parser(const FormatContext& ctx);
    ~Mt940Parser() override;
    Status parse(QByteArrayView data, RecordSink& sink) override;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace casebook
