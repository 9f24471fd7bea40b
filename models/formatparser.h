// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "timestamp.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QTimeZone>

#include <cstdint>
#include <memory>

namespace casebook {

/// One audit event as a format parser hands it over. Text is UTF-8; an empty value is stored as NULL.
/// `details` and `extra`, when set, are minified JSON objects.
struct EventRecord
{
    int64_t line = 0; ///< 1-based line in the file where the record starts
    Timestamp ts;
    QByteArray eventId, tsText, actor, actorName, actorRole, sourceIp, action, resource, outcome, sessionId;
    QByteArray details, extra;
    QByteArray raw; ///< the record as found (kept for quarantine of a duplicate id)
};

/// One transaction as a format parser hands it over. The amount is exact (`amountE4` = amount × 10^4)
/// and never negative; direction is debtor → creditor.
struct TransactionRecord
{
    int64_t line = 0;
    Timestamp ts;
    int64_t amountE4 = 0;
    QByteArray txnId, tsText, valueDate, debtorAccount, debtorName, debtorBank, creditorAccount, creditorName,
        creditorBank, amountText, currency, channel, status, reference, memo;
    QByteArray extra;
    QByteArray raw;
};

/// Receives what a FormatParser reads. A non-ok Status from the sink stops the parse and is returned.
class RecordSink
{
public:
    virtual ~RecordSink() = default;
    virtual Status event(const EventRecord& e) = 0;
    virtual Status transaction(const TransactionRecord& t) = 0;
    /// A record that cannot be imported: `line` where it starts, `reason` for the user, `raw` as found.
    virtual Status quarantine(int64_t line, const QString& reason, QByteArrayView raw) = 0;
};

/// A parser for a file format whose structure is not line-based (JSON documents, XML) or that needs
/// the whole file to check it (MT940 balances): it gets the complete file at once. Implementations
/// are in cloudtrailparser.cpp, camtparser.cpp and mt940parser.cpp.
///
/// Contract: `parse` returns an Error (code Parse, message "line N: reason" where a line is known)
/// for a file-level problem: the file cannot be read as this format at all, and the whole archive is
/// rejected. Record-level problems go to `sink.quarantine()` and parsing continues. `records` counts
/// data records seen (imported + quarantined), as the manifest's `records` counts them. Synchronous,
/// no shared state: one parser per file, any thread.
class FormatParser
{
public:
    virtual ~FormatParser() = default;
    virtual Status parse(QByteArrayView data, RecordSink& sink) = 0;
    int64_t records = 0;
};

struct FormatContext
{
    QTimeZone zone; ///< for times and dates without offset (invalid: UTC)
};

namespace formats {

    /// Whole-file formats are buffered in memory; larger files are rejected with a message saying so.
    constexpr int64_t kMaxWholeFileBytes = 256LL << 20;

    /// The manifest `format` values read by a FormatParser: cloudtrail, camt.053 (also camt.052 and
    /// camt.054, the same parser), mt940 (also mt942).
    bool isWholeFileFormat(QStringView format);
    /// The manifest `kind` a whole-file format must have ("audit" or "transactions"); empty if unknown.
    QString kindOf(QStringView format);
    /// A parser for `format`, or null when the format is not a whole-file format.
    std::unique_ptr<FormatParser> makeParser(QStringView format, const FormatContext& ctx);
    /// Runs `parser` over a whole file: inflates it first when it is gzip-compressed (any format), then
    /// parses. Errors are those of gunzip() and of the parser.
    Status parseFile(FormatParser& parser, QByteArrayView data, RecordSink& sink);

    /// True when `data` starts with the gzip magic bytes.
    bool isGzip(QByteArrayView data);
    /// Inflates a gzip stream (several members are concatenated, as gzip does), verifying each member's
    /// CRC-32 and length. Fails on corrupt or truncated data and when the output would exceed `maxBytes`.
    Result<QByteArray> gunzip(QByteArrayView data, int64_t maxBytes = kMaxWholeFileBytes);

    /// Midnight of a calendar date in `zone` (UTC when invalid): used for formats that only state dates.
    Timestamp startOfDay(int y, int m, int d, const QTimeZone& zone);

    /// Helpers shared by the parsers: JSON string escaping into `out` (with quotes), and an extra/details
    /// JSON object builder that skips empty values.
    void appendJsonString(QByteArray& out, QByteArrayView s);
    class JsonObjectBuilder
    {
    public:
        /// Adds "key": "value" when value is not empty.
        void addString(QByteArrayView key, QByteArrayView value);
        /// Adds "key": <json> verbatim (json must be valid JSON) when json is not empty.
        void addRaw(QByteArrayView key, QByteArrayView json);
        bool isEmpty() const { return m_out.isEmpty(); }
        /// The object, or an empty QByteArray (stored as NULL) when nothing was added.
        QByteArray result() const { return m_out.isEmpty() ? QByteArray() : m_out + '}'; }

    private:
        void key(QByteArrayView k);
        QByteArray m_out;
    };

} // namespace formats

} // namespace casebook
