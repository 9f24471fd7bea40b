// SPDX-License-Identifier: GPL-3.0-or-later
#include "formatparser.h"

#include "camtparser.h"
#include "cloudtrailparser.h"
#include "mt940parser.h"

#include <QCoreApplication>
#include <QDateTime>

#include <zlib.h>

namespace casebook::formats {

namespace {
    QString tr(const char* s) { return QCoreApplication::translate("formats", s); }
} // namespace

bool isWholeFileFormat(QStringView format) { return !kindOf(format).isEmpty(); }

QString kindOf(QStringView f)
{
    if (f == u"cloudtrail")
        return QStringLiteral("audit");
    if (f == u"camt.053" || f == u"camt.052" || f == u"camt.054" || f == u"mt940" || f == u"mt942")
        return QStringLiteral("transactions");
    return {};
}

std::unique_ptr<FormatParser> makeParser(QStringView f, const FormatContext& ctx)
{
    if (f == u"cloudtrail")
        return std::make_unique<CloudTrailParser>(ctx);
    if (f == u"camt.053" || f == u"camt.052" || f == u"camt.054")
        return std::make_unique<CamtParser>(ctx);
    if (f == u"mt940" || f == u"mt942")
        return std::make_unique<Mt940Parser>(ctx);
    return nullptr;
}

Status parseFile(FormatParser& parser, QByteArrayView data, RecordSink& sink)
{
    if (!isGzip(data))
        return parser.parse(data, sink);
    auto inflated = gunzip(data);
    if (!inflated)
        return inflated.error();
    return parser.parse(*inflated, sink);
}

bool isGzip(QByteArrayView d) { return d.size() >= 2 && uchar(d[0]) == 0x1f && uchar(d[1]) == 0x8b; }

Result<QByteArray> gunzip(QByteArrayView data, int64_t maxBytes)
{
    z_stream zs {};
    // 16 + MAX_WBITS: gzip wrapper only (header, CRC-32 and ISIZE trailer are checked by zlib).
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return Error(Error::Code::Parse, tr("cannot initialise zlib"));
    struct End
    {
        z_stream* z;
        ~End() { inflateEnd(z); }
    } end { &zs };
    QByteArray out;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = uInt(data.size());
    char buf[1 << 16];
    for (;;) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        const int r = inflate(&zs, Z_NO_FLUSH);
        const qsizetype produced = qsizetype(sizeof buf - zs.avail_out);
        if (out.size() + produced > maxBytes)
            return Error(Error::Code::Parse,
                tr("gzip data inflates beyond %1 MiB, the limit for files that are parsed whole").arg(maxBytes >> 20));
        out.append(buf, produced);
        if (r == Z_STREAM_END) {
            if (zs.avail_in == 0)
                return out;
            // Another gzip member follows (concatenated .gz files are one valid gzip file).
            if (!isGzip(QByteArrayView(reinterpret_cast<const char*>(zs.next_in), zs.avail_in)))
                return Error(Error::Code::Parse, tr("gzip data is followed by %1 bytes of garbage").arg(zs.avail_in));
            if (inflateReset(&zs) != Z_OK)
                return Error(Error::Code::Parse, tr("cannot reset zlib"));
            continue;
        }
        if (r == Z_OK)
            continue;
        if (r == Z_BUF_ERROR && zs.avail_in == 0)
            return Error(Error::Code::Parse, tr("gzip data is truncated (the stream ends before its end marker)"));
        if (r == Z_DATA_ERROR) {
            const QString why = zs.msg ? QString::fromLatin1(zs.msg) : QStringLiteral("corrupt data");
            if (why == u"incorrect data check")
                return Error(Error::Code::Parse, tr("gzip data is corrupt: CRC-32 mismatch (incorrect data check)"));
            if (why == u"incorrect length check")
                return Error(Error::Code::Parse, tr("gzip data is corrupt: length mismatch (incorrect length check)"));
            return Error(Error::Code::Parse, tr("gzip data is corrupt: %1").arg(why));
        }
        return Error(Error::Code::Parse, tr("gzip data cannot be inflated (zlib error %1)").arg(r));
    }
}

Timestamp startOfDay(int y, int m, int d, const QTimeZone& zone)
{
    Timestamp ts;
    const int64_t localMs = daysFromCivil(y, unsigned(m), unsigned(d)) * 86400000LL;
    if (!zone.isValid()) {
        ts.utcMs = localMs;
        return ts;
    }
    // Same method as parseTimestamp: try the offsets in force around the day; midnight that falls in a
    // daylight-saving gap (a few zones switch at 00:00) is taken as the first instant after the gap.
    const auto offsetAt
        = [&](int64_t utcMs) { return zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(utcMs, Qt::UTC)); };
    const int candidates[2] = { offsetAt(localMs - 86400000LL), offsetAt(localMs + 86400000LL) };
    bool found = false;
    for (int off : candidates) {
        const int64_t utc = localMs - off * 1000LL;
        if (offsetAt(utc) != off)
            continue;
        if (!found || utc < ts.utcMs) {
            ts.utcMs = utc;
            ts.offsetSeconds = off;
        }
        found = true;
    }
    if (!found) {
        ts.utcMs = localMs - candidates[0] * 1000LL;
        ts.offsetSeconds = offsetAt(ts.utcMs);
    }
    return ts;
}

void appendJsonString(QByteArray& out, QByteArrayView s)
{
    out.append('"');
    for (char c : s) {
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                snprintf(buf, sizeof buf, "\\u%04x", unsigned(static_cast<unsigned char>(c)));
                out.append(buf);
            } else {
                out.append(c);
            }
        }
    }
    out.append('"');
}

void JsonObjectBuilder::key(QByteArrayView k)
{
    m_out.append(m_out.isEmpty() ? '{' : ',');
    appendJsonString(m_out, k);
    m_out.append(':');
}

void JsonObjectBuilder::addString(QByteArrayView k, QByteArrayView v)
{
    if (v.isEmpty())
        return;
    key(k);
    appendJsonString(m_out, v);
}

void JsonObjectBuilder::addRaw(QByteArrayView k, QByteArrayView json)
{
    if (json.isEmpty())
        return;
    key(k);
    m_out.append(json.data(), json.size());
}

} // namespace casebook::formats
