// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "formatparser.h"

namespace casebook {

/// CloudTrail-style audit logs (AWS CloudTrail, Alibaba Cloud ActionTrail) → audit events. Reads:
/// - a JSON document `{"Records": [record, ...]}` (pretty-printed or on one line, as CloudTrail writes
///   its S3 log files), `{"Events": [item, ...]}` (a LookupEvents response) or a top-level array;
/// - JSON Lines: one record, item or `{"Records": [...]}` envelope per line;
/// - LookupEvents / console-export items, which carry the full record as an escaped JSON string in
///   `CloudTrailEvent` (their `EventId` is used when the record has no `eventID`).
/// A document that is not valid JSON is a file-level error (with line and column); in JSON Lines a
/// bad line is quarantined. The field mapping is documented in docs/formats.md.
class CloudTrailParser final : public FormatParser
{
public:
    explicit CloudTrailParser(const FormatContext& ctx);
    ~CloudTrailParser() override;
    Status parse(QByteArrayView data, RecordSink& sink) override;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace casebook
