// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstdint>
#include <functional>
#include <vector>

namespace casebook {

/// One CSV record as handed to the sink. Views are valid only during the sink call.
struct CsvRecord
{
    const std::vector<QByteArrayView> *fields = nullptr; ///< unquoted field values ("" → ")
    int64_t line = 0; ///< 1-based physical line on which the record starts
    QByteArrayView raw; ///< the record's bytes as in the file, without the terminating line break
                        ///< (truncated to kMaxRawBytes when the record is oversized)
    bool oversized = false; ///< a field exceeded maxFieldBytes; fields are then empty, raw is truncated
    bool malformedQuote = false; ///< a quote appeared inside an unquoted field, or text followed a
                                 ///< closing quote (e.g. `a"b` or `"a"b`); fields hold a best effort
};

/// Streaming RFC 4180 reader: feed arbitrary chunks, get whole records. Handles a UTF-8 BOM at the
/// very start, LF and CRLF line ends (a lone CR inside a quoted field is data), quoted fields with
/// embedded separators, quotes ("") and line breaks. Memory is bounded by the largest record
/// (capped by maxFieldBytes per field), never by the file. Not thread-safe; one reader per file.
class CsvReader
{
public:
    static constexpr qsizetype kMaxRawBytes = 4096;

    /// Return false to stop reading (feed/finish then return false too).
    using Sink = std::function<bool(const CsvRecord &)>;

    explicit CsvReader(qsizetype maxFieldBytes = 1 << 20, char separator = ',');

    /// Parses as much of `data` as forms complete records; keeps the rest for the next call.
    bool feed(QByteArrayView data, const Sink &sink);

    /// Flushes a final record without line break. Returns false if the sink stopped. After finish,
    /// `unterminatedQuote()` tells whether the file ended inside a quoted field (that partial record
    /// is then NOT passed to the sink; its start line is `unterminatedQuoteLine()`).
    bool finish(const Sink &sink);

    bool unterminatedQuote() const { return m_unterminated; }
    int64_t unterminatedQuoteLine() const { return m_unterminatedLine; }

    /// Empty lines (no bytes between two line breaks) are skipped and not counted as records, but
    /// do advance the line counter.

private:
    // implementation state (see csvreader.cpp)
    /// Where the boundary scanner stands inside a record that spans feed() calls.
    enum class ScanState : uint8_t { FieldStart, Unquoted, Quoted, QuoteSeen };
    struct Scan
    {
        ScanState state = ScanState::FieldStart;
        bool cr = false; ///< a CR outside quotes was the last byte: data, or half of a CRLF
        bool malformed = false;
        bool oversized = false;
        qsizetype fieldLen = 0; ///< unescaped length of the current field so far
        qsizetype bytes = 0; ///< record bytes seen so far (m_pending may hold fewer once oversized)
        int64_t lines = 0; ///< line breaks inside quoted fields
    };
    /// Outcome of parseRecord() for one complete record.
    struct Parsed
    {
        const char *bodyEnd = nullptr; ///< end of the record's bytes, before CR LF / LF
        const char *next = nullptr; ///< first byte after the line break
        int64_t lines = 0;
        bool malformed = false;
        bool oversized = false;
    };
    /// A field whose value had to be unescaped: its bytes live in m_scratch.
    struct ScratchField
    {
        size_t index;
        qsizetype offset;
        qsizetype size;
    };

    bool process(QByteArrayView data, const Sink &sink);
    bool parseRecord(const char *begin, const char *end, Parsed &r);
    void pushView(const char *b, const char *e, Parsed &r);
    void appendScratch(const char *b, const char *e, qsizetype &len, Parsed &r);
    qsizetype scan(const char *p, qsizetype n);
    void scanGrow(qsizetype n);
    void appendPending(const char *p, qsizetype n);
    bool completePending(const Sink &sink);
    bool deliver(const Sink &sink, QByteArrayView body, bool malformed, bool oversized);

    qsizetype m_maxField;
    char m_sep;
    QByteArray m_pending; ///< bytes of an incomplete record carried between feeds
    bool m_inRecord = false; ///< m_pending/m_scan describe a record that has started
    bool m_bomChecked = false;
    int m_bomMatched = 0; ///< leading bytes that matched the BOM so far (it may span feeds)
    bool m_stopped = false; ///< the sink said stop; every later call is a no-op returning false
    bool m_unterminated = false;
    int64_t m_unterminatedLine = 0;
    int64_t m_line = 1; ///< physical line on which the next (or pending) record starts
    Scan m_scan;
    std::vector<QByteArrayView> m_fields;
    QByteArray m_scratch; ///< values that needed unescaping ("" or text after a closing quote)
    std::vector<ScratchField> m_scratchFields;
};

} // namespace casebook
