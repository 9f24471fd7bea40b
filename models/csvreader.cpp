// SPDX-License-Identifier: GPL-3.0-or-later
#include "csvreader.h"

#include <algorithm>
#include <cstring>

// Two cooperating parts share one set of rules:
//  - parseRecord() parses a record that lies wholly inside one buffer (the caller's chunk, or
//    m_pending for a record that spanned feeds). It hands out views into that buffer and copies only
//    values that must be unescaped.
//  - scan() follows a record that did not finish inside its chunk as a small state machine, so the
//    next feed can find where it ends without re-reading it and without buffering an oversized field.
// Both must agree on where a record ends, on field lengths (for the oversize limit), on embedded line
// breaks and on malformed quotes; completePending() asserts that in debug builds.
//
// The rules, which follow Python's csv module where RFC 4180 says nothing:
//  - A record ends at an LF outside quotes; a CR right before that LF belongs to the line break. Any
//    other CR is data. At end of file, a CR outside quotes is taken for a truncated CRLF.
//  - A quote opens a quoted field only as the field's first byte. Inside, "" is one quote and LF/CR
//    are data. Elsewhere a quote is kept literally and the record is flagged malformed.
//  - Text after a closing quote is appended to the value (quotes literal) up to the next separator
//    or line break, and the record is flagged malformed: `"a"b,c` gives `ab` and `c`.

namespace casebook {

namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";

inline const char *findByte(const char *b, const char *e, char c)
{
    // memchr with a null pointer is undefined even for length 0 (an empty QByteArrayView has one).
    return b == e ? nullptr : static_cast<const char *>(std::memchr(b, c, size_t(e - b)));
}

} // namespace

CsvReader::CsvReader(qsizetype maxFieldBytes, char separator)
    : m_maxField(std::max<qsizetype>(maxFieldBytes, 0))
    , m_sep(separator)
{
    Q_ASSERT(separator != '"' && separator != '\n' && separator != '\r');
}

bool CsvReader::feed(QByteArrayView data, const Sink &sink)
{
    if (m_stopped)
        return false;
    if (!m_bomChecked) {
        // The BOM may arrive split over several feeds: hold a matching prefix back until it is decided.
        qsizetype i = 0;
        while (i < data.size() && m_bomMatched < 3 && data[i] == kBom[m_bomMatched]) {
            ++i;
            ++m_bomMatched;
        }
        if (m_bomMatched == 3) {
            m_bomChecked = true;
        } else if (i < data.size()) {
            // Not a BOM after all: the bytes held back are data.
            m_bomChecked = true;
            if (m_bomMatched > 0 && !process(QByteArrayView(kBom, m_bomMatched), sink))
                return false;
        } else {
            return true;
        }
        data = data.sliced(i);
    }
    return process(data, sink);
}

bool CsvReader::finish(const Sink &sink)
{
    if (m_stopped)
        return false;
    if (!m_bomChecked) {
        m_bomChecked = true;
        if (m_bomMatched > 0 && !process(QByteArrayView(kBom, m_bomMatched), sink))
            return false;
    }
    if (!m_inRecord)
        return true;
    if (m_scan.state == ScanState::Quoted) {
        m_unterminated = true;
        m_unterminatedLine = m_line;
        m_inRecord = false;
        m_pending.resize(0);
        return true;
    }
    // End the last record with a virtual line break, so it takes exactly the path of every other one.
    static constexpr char lf = '\n';
    return process(QByteArrayView(&lf, 1), sink);
}

bool CsvReader::process(QByteArrayView data, const Sink &sink)
{
    const char *p = data.data();
    const char *const end = p + data.size();
    if (p == end)
        return true;

    if (m_inRecord) {
        const qsizetype n = scan(p, end - p);
        if (n < 0) {
            appendPending(p, end - p);
            return true;
        }
        appendPending(p, n);
        p += n + 1;
        if (!completePending(sink))
            return false;
    }

    Parsed r;
    while (p != end) {
        if (!parseRecord(p, end, r)) {
            // Carry over only the unfinished record; scan() follows it through the next feeds.
            m_inRecord = true;
            m_scan = Scan();
            [[maybe_unused]] const qsizetype n = scan(p, end - p);
            Q_ASSERT(n < 0);
            appendPending(p, end - p);
            return true;
        }
        if (r.bodyEnd != p && !deliver(sink, QByteArrayView(p, r.bodyEnd - p), r.malformed, r.oversized))
            return false;
        m_line += 1 + r.lines;
        p = r.next;
    }
    return true;
}

void CsvReader::pushView(const char *b, const char *e, Parsed &r)
{
    if (e - b > m_maxField)
        r.oversized = true;
    m_fields.emplace_back(b, e - b);
}

void CsvReader::appendScratch(const char *b, const char *e, qsizetype &len, Parsed &r)
{
    len += e - b;
    if (len > m_maxField)
        r.oversized = true;
    // An oversized record hands out no fields, so stop copying (the limit bounds m_scratch).
    if (!r.oversized && e != b)
        m_scratch.append(b, e - b);
}

bool CsvReader::parseRecord(const char *const begin, const char *const end, Parsed &r)
{
    m_fields.clear();
    m_scratchFields.clear();
    if (!m_scratch.isEmpty())
        m_scratch.resize(0); // keeps the capacity
    r = Parsed();
    const char sep = m_sep;
    const char *p = begin;

    // Every record ends at an LF; one without a quote before the first LF ends at that LF.
    const char *const nl = findByte(p, end, '\n');
    if (!nl)
        return false;
    if (!findByte(p, nl, '"')) {
        // The common case: split with memchr, copy nothing.
        const char *const le = (nl != p && nl[-1] == '\r') ? nl - 1 : nl;
        r.bodyEnd = le;
        r.next = nl + 1;
        if (le == p)
            return true; // an empty line
        for (;;) {
            const char *const s = findByte(p, le, sep);
            pushView(p, s ? s : le, r);
            if (!s)
                break;
            p = s + 1;
        }
        if (r.oversized)
            m_fields.clear();
        return true;
    }

    // The record has quotes. lineEnd is the first LF at or after p (a quoted field may carry p past
    // it); quoteAt caches the next quote before lineEnd (lineEnd itself if none), so unquoted fields
    // cost one memchr each.
    const char *lineEnd = nl;
    const char *quoteAt = nullptr;
    for (;;) {
        // p is at the first byte of a field.
        if (p == end)
            return false;
        if (*p != '"') {
            if (lineEnd < p) {
                lineEnd = findByte(p, end, '\n');
                if (!lineEnd)
                    return false; // no record ends without an LF
                quoteAt = nullptr;
            }
            if (!quoteAt || quoteAt < p) {
                quoteAt = findByte(p, lineEnd, '"');
                if (!quoteAt)
                    quoteAt = lineEnd;
            }
            const char *const s = findByte(p, lineEnd, sep);
            const char *fe = s ? s : lineEnd;
            if (quoteAt < fe)
                r.malformed = true; // a quote inside an unquoted field is kept literally
            if (s) {
                pushView(p, s, r);
                p = s + 1;
                continue;
            }
            if (fe != p && fe[-1] == '\r')
                --fe;
            pushView(p, fe, r);
            r.bodyEnd = fe;
            r.next = lineEnd + 1;
            break;
        }

        // A quoted field. Without "" its value is a view between the quotes; with it, the pieces are
        // joined in m_scratch (each piece ends with the first quote of its "" pair).
        const char *seg = ++p;
        qsizetype len = 0;
        qsizetype off = -1;
        const char *q;
        for (;;) {
            q = findByte(p, end, '"');
            if (!q)
                return false;
            r.lines += std::count(p, q, '\n');
            if (q + 1 == end)
                return false; // cannot tell "" from a closing quote yet
            if (q[1] != '"')
                break;
            if (off < 0)
                off = m_scratch.size();
            appendScratch(seg, q + 1, len, r);
            p = seg = q + 2;
        }
        p = q + 1; // after the closing quote, p < end
        const char c = *p;
        const bool crlf = c == '\r' && p + 1 != end && p[1] == '\n';
        if (c == sep || c == '\n' || crlf) {
            if (off < 0) {
                pushView(seg, q, r);
            } else {
                appendScratch(seg, q, len, r);
                m_scratchFields.push_back({ m_fields.size(), off, len });
                m_fields.emplace_back();
            }
            if (c == sep) {
                ++p;
                continue;
            }
            r.bodyEnd = p;
            r.next = p + (crlf ? 2 : 1);
            break;
        }
        if (c == '\r' && p + 1 == end)
            return false; // a CR that may be half of a CRLF

        // Text after the closing quote: keep it, quotes and all, up to the next separator.
        r.malformed = true;
        if (off < 0)
            off = m_scratch.size();
        appendScratch(seg, q, len, r);
        const char *const t = p;
        while (p != end && *p != sep && *p != '\n')
            ++p;
        if (p == end)
            return false;
        const char *const te = (*p == '\n' && p[-1] == '\r') ? p - 1 : p;
        appendScratch(t, te, len, r);
        m_scratchFields.push_back({ m_fields.size(), off, len });
        m_fields.emplace_back();
        if (*p == '\n') {
            r.bodyEnd = te;
            r.next = p + 1;
            break;
        }
        ++p;
    }

    if (r.oversized) {
        m_fields.clear();
    } else {
        // m_scratch is complete now, so its data pointer no longer moves.
        for (const ScratchField &f : m_scratchFields)
            m_fields[f.index] = QByteArrayView(m_scratch.constData() + f.offset, f.size);
    }
    return true;
}

void CsvReader::scanGrow(qsizetype n)
{
    m_scan.fieldLen += n;
    if (m_scan.fieldLen > m_maxField)
        m_scan.oversized = true;
}

qsizetype CsvReader::scan(const char *p, qsizetype n)
{
    Scan &s = m_scan;
    const char sep = m_sep;
    qsizetype i = 0;
    if (s.cr && n > 0) {
        // The previous feed ended in a CR outside quotes: a line break only if an LF follows.
        if (p[0] == '\n')
            return 0; // s.cr stays set: the CR is part of the line break
        s.cr = false;
        if (s.state == ScanState::QuoteSeen)
            s.malformed = true;
        s.state = ScanState::Unquoted;
        scanGrow(1);
    }
    while (i < n) {
        if (s.state == ScanState::Quoted) {
            // Jump to the next quote; line breaks on the way are data.
            const char *const q = findByte(p + i, p + n, '"');
            const qsizetype stop = q ? q - p : n;
            s.lines += std::count(p + i, p + stop, '\n');
            scanGrow(stop - i);
            i = stop;
            if (q) {
                s.state = ScanState::QuoteSeen;
                ++i;
            }
            continue;
        }
        if (s.state == ScanState::Unquoted) {
            const qsizetype from = i;
            while (i < n && p[i] != sep && p[i] != '\n' && p[i] != '\r' && p[i] != '"')
                ++i;
            scanGrow(i - from);
            if (i == n)
                break;
        }
        const char c = p[i];
        if (c == '\n')
            return i;
        if (c == sep) {
            s.state = ScanState::FieldStart;
            s.fieldLen = 0;
            ++i;
            continue;
        }
        if (c == '\r') {
            if (i + 1 == n) {
                s.cr = true; // decided by the next feed
                return -1;
            }
            if (p[i + 1] == '\n') {
                s.cr = true;
                return i + 1;
            }
            // Otherwise a lone CR is an ordinary byte: fall through.
        } else if (c == '"') {
            if (s.state == ScanState::Unquoted) {
                s.malformed = true;
                scanGrow(1);
            } else if (s.state == ScanState::QuoteSeen) {
                s.state = ScanState::Quoted; // "" inside a quoted field
                scanGrow(1);
            } else {
                s.state = ScanState::Quoted; // opening quote
            }
            ++i;
            continue;
        }
        if (s.state == ScanState::QuoteSeen)
            s.malformed = true; // text after a closing quote
        s.state = ScanState::Unquoted;
        scanGrow(1);
        ++i;
    }
    return -1;
}

void CsvReader::appendPending(const char *p, qsizetype n)
{
    m_scan.bytes += n;
    if (!m_scan.oversized) {
        m_pending.append(p, n);
        return;
    }
    // Once a field is too large the record cannot be parsed; keep only its start for `raw`.
    if (m_pending.size() > kMaxRawBytes)
        m_pending.truncate(kMaxRawBytes);
    const qsizetype room = kMaxRawBytes - m_pending.size();
    if (room > 0)
        m_pending.append(p, std::min(n, room));
}

bool CsvReader::completePending(const Sink &sink)
{
    // m_pending holds the record up to, not including, its LF (only a prefix once oversized).
    const qsizetype bodyLen = m_scan.bytes - (m_scan.cr ? 1 : 0);
    bool ok = true;
    if (m_scan.oversized) {
        m_fields.clear();
        ok = deliver(sink, QByteArrayView(m_pending).first(std::min(bodyLen, m_pending.size())), m_scan.malformed,
                     true);
        m_line += 1 + m_scan.lines;
    } else {
        m_pending.append('\n');
        const char *const b = m_pending.constData();
        Parsed r;
        [[maybe_unused]] const bool complete = parseRecord(b, b + m_pending.size(), r);
        Q_ASSERT(complete && r.next == b + m_pending.size());
        Q_ASSERT(r.bodyEnd - b == bodyLen);
        Q_ASSERT(r.lines == m_scan.lines && r.malformed == m_scan.malformed && !r.oversized);
        if (r.bodyEnd != b)
            ok = deliver(sink, QByteArrayView(b, r.bodyEnd - b), r.malformed, false);
        m_line += 1 + r.lines;
    }
    m_pending.resize(0);
    m_inRecord = false;
    m_scan = Scan();
    return ok;
}

bool CsvReader::deliver(const Sink &sink, QByteArrayView body, bool malformed, bool oversized)
{
    CsvRecord rec;
    rec.fields = &m_fields;
    rec.line = m_line;
    rec.raw = body.first(std::min(body.size(), kMaxRawBytes));
    rec.oversized = oversized;
    rec.malformedQuote = malformed;
    if (!sink || sink(rec))
        return true;
    m_stopped = true;
    return false;
}

} // namespace casebook
