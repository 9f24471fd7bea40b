// SPDX-License-Identifier: GPL-3.0-or-later
#include "cloudtrailparser.h"

#include "sha256.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <simdjson.h>

#include <arpa/inet.h>

#include <string>
#include <vector>

namespace casebook {

namespace {

    QString tr(const char* s) { return QCoreApplication::translate("CloudTrailParser", s); }

    using Sv = std::string_view;

    QByteArrayView bv(Sv s) { return QByteArrayView(s.data(), qsizetype(s.size())); }
    QString qs(Sv s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }
    QString quoted(Sv s) { return u'"' + qs(s.substr(0, 80)) + u'"'; }

    bool isIp(Sv s)
    {
        if (s.size() > 45)
            return false;
        char buf[64];
        memcpy(buf, s.data(), s.size());
        buf[s.size()] = 0;
        unsigned char out[16];
        return inet_pton(AF_INET, buf, out) == 1 || inet_pton(AF_INET6, buf, out) == 1;
    }

    /// errorCode values that mean "not allowed" rather than "went wrong".
    bool isDenial(Sv code)
    {
        static const Sv needles[] = { "AccessDenied", "Unauthorized", "NotAuthorized", "Forbidden", "Denied",
            "NoPermission", "InvalidClientTokenId", "SignatureDoesNotMatch" };
        for (Sv n : needles)
            if (code.find(n) != Sv::npos)
                return true;
        return false;
    }

    // ---- a scanner over validated JSON text: finds where values start and end, so every record gets
    // the line it starts on and its raw text. Iterative (no recursion), so hostile nesting is harmless.

    qsizetype skipWs(QByteArrayView s, qsizetype i)
    {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
            ++i;
        return i;
    }

    qsizetype skipString(QByteArrayView s, qsizetype i)
    {
        for (++i; i < s.size(); ++i) {
            if (s[i] == '\\')
                ++i;
            else if (s[i] == '"')
                return i + 1;
        }
        return s.size();
    }

    qsizetype skipValue(QByteArrayView s, qsizetype i)
    {
        if (i >= s.size())
            return i;
        const char c = s[i];
        if (c == '"')
            return skipString(s, i);
        if (c == '{' || c == '[') {
            int64_t depth = 0;
            for (; i < s.size(); ++i) {
                const char x = s[i];
                if (x == '"') {
                    i = skipString(s, i) - 1;
                } else if (x == '{' || x == '[') {
                    ++depth;
                } else if (x == '}' || x == ']') {
                    if (--depth == 0)
                        return i + 1;
                }
            }
            return s.size();
        }
        while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n'
            && s[i] != '\r')
            ++i;
        return i;
    }

    struct Span
    {
        qsizetype begin, end;
    };

    /// Elements of the array starting at `s[arr] == '['`.
    std::vector<Span> arrayElements(QByteArrayView s, qsizetype arr)
    {
        std::vector<Span> out;
        qsizetype i = skipWs(s, arr + 1);
        while (i < s.size() && s[i] != ']') {
            const qsizetype e = skipValue(s, i);
            out.push_back({ i, e });
            i = skipWs(s, e);
            if (i < s.size() && s[i] == ',')
                i = skipWs(s, i + 1);
        }
        return out;
    }

    /// In the object starting at `s[obj] == '{'`, the offset of the value of the first member whose key
    /// (as written, without unescaping) is one of `keys` and whose value is an array; -1 if none.
    qsizetype findArrayMember(
        QByteArrayView s, qsizetype obj, std::initializer_list<QByteArrayView> keys, QByteArray& foundKey)
    {
        qsizetype i = skipWs(s, obj + 1);
        while (i < s.size() && s[i] == '"') {
            const qsizetype ke = skipString(s, i);
            const QByteArrayView key = s.sliced(i + 1, std::max<qsizetype>(0, ke - i - 2));
            qsizetype v = skipWs(s, ke);
            if (v < s.size() && s[v] == ':')
                v = skipWs(s, v + 1);
            if (v < s.size() && s[v] == '[')
                for (QByteArrayView k : keys)
                    if (key == k) {
                        foundKey = key.toByteArray();
                        return v;
                    }
            i = skipWs(s, skipValue(s, v));
            if (i < s.size() && s[i] == ',')
                i = skipWs(s, i + 1);
        }
        return -1;
    }

    /// Line (1-based) and column of byte `offset`.
    std::pair<int64_t, int64_t> lineColumn(QByteArrayView s, qsizetype offset)
    {
        int64_t line = 1;
        qsizetype lineStart = 0;
        for (qsizetype i = 0; i < std::min(offset, s.size()); ++i)
            if (s[i] == '\n') {
                ++line;
                lineStart = i + 1;
            }
        return { line, offset - lineStart + 1 };
    }

} // namespace

struct CloudTrailParser::Impl
{
    FormatContext ctx;
    simdjson::dom::parser parser; ///< the document or the current line
    simdjson::dom::parser inner; ///< CloudTrailEvent strings
    std::vector<char> padded;
    std::string innerPadded;

    /// Line counting for monotonically increasing offsets.
    QByteArrayView text;
    qsizetype countedTo = 0;
    int64_t countedLine = 1;
    int64_t lineAt(qsizetype off)
    {
        for (; countedTo < off && countedTo < text.size(); ++countedTo)
            if (text[countedTo] == '\n')
                ++countedLine;
        return countedLine;
    }

    Status parse(QByteArrayView data, RecordSink& sink, int64_t& records);
    Status parseLines(QByteArrayView data, RecordSink& sink, int64_t& records);
    Status item(simdjson::dom::element item, int64_t line, QByteArrayView raw, RecordSink& sink);
    Status record(simdjson::dom::object rec, Sv fallbackId, int64_t line, QByteArrayView raw, RecordSink& sink);
};

CloudTrailParser::CloudTrailParser(const FormatContext& ctx)
    : d(std::make_unique<Impl>())
{
    d->ctx = ctx;
}

CloudTrailParser::~CloudTrailParser() = default;

Status CloudTrailParser::parse(QByteArrayView data, RecordSink& sink) { return d->parse(data, sink, records); }

Status CloudTrailParser::Impl::parse(QByteArrayView data, RecordSink& sink, int64_t& records)
{
    if (data.startsWith("\xEF\xBB\xBF"))
        data = data.sliced(3);
    text = data;
    countedTo = 0;
    countedLine = 1;
    const qsizetype start = skipWs(data, 0);
    if (start == data.size())
        return Error(Error::Code::Parse, tr("the file is empty (expected CloudTrail JSON)"));
    if (data[start] != '{' && data[start] != '[')
        return Error(Error::Code::Parse,
            tr("line %1: not JSON (CloudTrail logs start with '{' or '[')").arg(lineColumn(data, start).first));

    padded.resize(size_t(data.size()) + simdjson::SIMDJSON_PADDING);
    memcpy(padded.data(), data.data(), size_t(data.size()));
    simdjson::dom::element doc;
    const auto err = parser.parse(padded.data(), size_t(data.size()), false).get(doc);
    if (err) {
        // Not one JSON document. JSON Lines when the first line is a JSON value on its own.
        const char* nl = static_cast<const char*>(memchr(data.data() + start, '\n', size_t(data.size() - start)));
        const qsizetype firstEnd = nl ? nl - data.data() : data.size();
        if (nl) {
            simdjson::dom::parser probe;
            const std::string first(data.data() + start, size_t(firstEnd - start));
            simdjson::dom::element e;
            if (!probe.parse(first).get(e))
                return parseLines(data, sink, records);
        }
        if (err == simdjson::UTF8_ERROR) {
            // Name the first line that is not UTF-8.
            qsizetype ls = 0;
            int64_t line = 1;
            while (ls < data.size()) {
                const char* e = static_cast<const char*>(memchr(data.data() + ls, '\n', size_t(data.size() - ls)));
                const qsizetype le = e ? e - data.data() : data.size();
                if (!simdjson::validate_utf8(data.data() + ls, size_t(le - ls)))
                    break;
                ls = le + 1;
                ++line;
            }
            return Error(Error::Code::Parse, tr("line %1: invalid UTF-8").arg(line));
        }
        // Qt's parser reports where the syntax breaks; simdjson only what.
        QJsonParseError pe;
        QJsonDocument::fromJson(data.toByteArray(), &pe);
        if (pe.error != QJsonParseError::NoError) {
            const auto [line, col] = lineColumn(data, pe.offset);
            return Error(Error::Code::Parse,
                tr("line %1, column %2: invalid JSON: %3").arg(line).arg(col).arg(pe.errorString()));
        }
        return Error(Error::Code::Parse, tr("invalid JSON: %1").arg(QString::fromUtf8(simdjson::error_message(err))));
    }

    if (doc.is_array()) {
        const auto spans = arrayElements(data, start);
        simdjson::dom::array arr = doc.get_array().value_unsafe();
        size_t k = 0;
        for (simdjson::dom::element el : arr) {
            if (k >= spans.size())
                return Error(Error::Code::Parse, tr("internal error: JSON array scan disagrees with the parser"));
            const Span sp = spans[k++];
            ++records;
            if (auto st = item(el, lineAt(sp.begin), data.sliced(sp.begin, sp.end - sp.begin), sink); !st)
                return st;
        }
        return ok();
    }
    QByteArray key;
    const qsizetype arrAt = findArrayMember(data, start, { "Records", "Events" }, key);
    simdjson::dom::object root = doc.get_object().value_unsafe();
    if (arrAt < 0) {
        // A single record or LookupEvents item on its own.
        simdjson::dom::element probe;
        if (!root.at_key("eventTime").get(probe) || !root.at_key("CloudTrailEvent").get(probe)
            || !root.at_key("eventName").get(probe)) {
            ++records;
            return item(doc, lineAt(start), data.sliced(start), sink);
        }
        return Error(Error::Code::Parse,
            tr("line %1: the JSON object has no \"Records\" or \"Events\" array and is not a CloudTrail record")
                .arg(lineColumn(data, start).first));
    }
    simdjson::dom::array arr;
    if (root.at_key(std::string_view(key.constData(), size_t(key.size()))).get_array().get(arr))
        return Error(Error::Code::Parse,
            tr("line %1: \"%2\" is not an array").arg(lineColumn(data, arrAt).first).arg(QString::fromUtf8(key)));
    const auto spans = arrayElements(data, arrAt);
    size_t k = 0;
    for (simdjson::dom::element el : arr) {
        if (k >= spans.size())
            return Error(Error::Code::Parse, tr("internal error: JSON array scan disagrees with the parser"));
        const Span sp = spans[k++];
        ++records;
        if (auto st = item(el, lineAt(sp.begin), data.sliced(sp.begin, sp.end - sp.begin), sink); !st)
            return st;
    }
    return ok();
}

Status CloudTrailParser::Impl::parseLines(QByteArrayView data, RecordSink& sink, int64_t& records)
{
    qsizetype pos = 0;
    int64_t lineNo = 0;
    while (pos < data.size()) {
        const char* nl = static_cast<const char*>(memchr(data.data() + pos, '\n', size_t(data.size() - pos)));
        const qsizetype end = nl ? nl - data.data() : data.size();
        QByteArrayView line = data.sliced(pos, end - pos);
        pos = end + 1;
        ++lineNo;
        if (line.endsWith('\r'))
            line.chop(1);
        if (skipWs(line, 0) == line.size())
            continue;
        padded.resize(size_t(line.size()) + simdjson::SIMDJSON_PADDING);
        memcpy(padded.data(), line.data(), size_t(line.size()));
        simdjson::dom::element doc;
        if (auto err = parser.parse(padded.data(), size_t(line.size()), false).get(doc)) {
            ++records;
            const QString why = err == simdjson::UTF8_ERROR
                ? tr("invalid UTF-8")
                : tr("invalid JSON: %1").arg(QString::fromUtf8(simdjson::error_message(err)));
            if (auto st = sink.quarantine(lineNo, why, line); !st)
                return st;
            continue;
        }
        simdjson::dom::object obj;
        simdjson::dom::array arr;
        if (!doc.get_object().get(obj)
            && (!obj.at_key("Records").get_array().get(arr) || !obj.at_key("Events").get_array().get(arr))) {
            // An envelope on one line (CloudTrail's own S3 files are written like this).
            for (simdjson::dom::element el : arr) {
                ++records;
                const std::string m = simdjson::minify(el);
                if (auto st = item(el, lineNo, QByteArrayView(m.data(), qsizetype(m.size())), sink); !st)
                    return st;
            }
            continue;
        }
        ++records;
        if (auto st = item(doc, lineNo, line, sink); !st)
            return st;
    }
    return ok();
}

Status CloudTrailParser::Impl::item(simdjson::dom::element el, int64_t line, QByteArrayView raw, RecordSink& sink)
{
    simdjson::dom::object obj;
    if (el.get_object().get(obj))
        return sink.quarantine(line, tr("the record is not a JSON object"), raw);
    simdjson::dom::element cte;
    if (obj.at_key("CloudTrailEvent").get(cte))
        return record(obj, {}, line, raw, sink);
    // LookupEvents / console export: the record is an escaped JSON string.
    Sv text;
    if (cte.get_string().get(text))
        return sink.quarantine(line, tr("CloudTrailEvent is not a string"), raw);
    Sv outerId;
    if (obj.at_key("EventId").get_string().get(outerId))
        outerId = {};
    innerPadded.assign(text.data(), text.size());
    simdjson::dom::element inner_doc;
    if (auto err = inner.parse(innerPadded).get(inner_doc))
        return sink.quarantine(line,
            tr("CloudTrailEvent is not valid JSON: %1").arg(QString::fromUtf8(simdjson::error_message(err))), raw);
    simdjson::dom::object rec;
    if (inner_doc.get_object().get(rec))
        return sink.quarantine(line, tr("CloudTrailEvent is not a JSON object"), raw);
    return record(rec, outerId, line, raw, sink);
}

Status CloudTrailParser::Impl::record(
    simdjson::dom::object rec, Sv fallbackId, int64_t line, QByteArrayView raw, RecordSink& sink)
{
    // A string member: absent and null give an empty view; any other type is an error.
    QString typeError;
    const auto str = [&](simdjson::dom::object o, std::initializer_list<Sv> keys, const char* label = nullptr) -> Sv {
        for (Sv k : keys) {
            simdjson::dom::element v;
            if (o.at_key(k).get(v) || v.is_null())
                continue;
            Sv s;
            if (v.get_string().get(s)) {
                if (typeError.isEmpty())
                    typeError = tr("%1 is not a string").arg(QLatin1StringView(label ? label : k.data()));
                return {};
            }
            return s;
        }
        return {};
    };

    EventRecord ev;
    ev.line = line;
    ev.raw = raw.toByteArray();

    // userIdentity → actor, actor_name, actor_role, session_id.
    simdjson::dom::object uid;
    simdjson::dom::element uidEl;
    const bool hasUid = !rec.at_key("userIdentity").get(uidEl) && !uidEl.get_object().get(uid);
    Sv type, arn, userName, principalId, invokedBy, accountId, accessKeyId, issuerName;
    if (hasUid) {
        type = str(uid, { "type" }, "userIdentity.type");
        arn = str(uid, { "arn" }, "userIdentity.arn");
        userName = str(uid, { "userName" }, "userIdentity.userName");
        principalId = str(uid, { "principalId" }, "userIdentity.principalId");
        invokedBy = str(uid, { "invokedBy" }, "userIdentity.invokedBy");
        accountId = str(uid, { "accountId" }, "userIdentity.accountId");
        accessKeyId = str(uid, { "accessKeyId" }, "userIdentity.accessKeyId");
        simdjson::dom::object issuer;
        if (!uid.at_pointer("/sessionContext/sessionIssuer").get_object().get(issuer)) {
            Sv n;
            if (!issuer.at_key("userName").get_string().get(n))
                issuerName = n;
        }
    }
    const Sv id = str(rec, { "eventID", "eventId" }, "eventID");
    const Sv time = str(rec, { "eventTime" });
    const Sv source = str(rec, { "eventSource", "serviceName" }, "eventSource");
    const Sv name = str(rec, { "eventName" });
    const Sv ip = str(rec, { "sourceIPAddress", "sourceIpAddress" }, "sourceIPAddress");
    const Sv errorCode = str(rec, { "errorCode" });
    const Sv errorMessage = str(rec, { "errorMessage" });
    if (!typeError.isEmpty())
        return sink.quarantine(line, typeError, raw);
    if (time.empty())
        return sink.quarantine(line, tr("eventTime is missing"), raw);
    const TimestampParse ts = parseTimestamp(bv(time), ctx.zone);
    if (!ts.error.isEmpty())
        return sink.quarantine(line, tr("eventTime %1: %2").arg(quoted(time), ts.error), raw);
    if (name.empty())
        return sink.quarantine(line, tr("eventName is missing"), raw);
    Sv actor = !arn.empty()    ? arn
        : !userName.empty()    ? userName
        : !principalId.empty() ? principalId
        : !invokedBy.empty()   ? invokedBy
                               : type;
    if (actor.empty())
        return sink.quarantine(
            line, tr("userIdentity names no actor (no arn, userName, principalId, invokedBy or type)"), raw);

    ev.ts = ts.ts;
    ev.tsText = bv(time).toByteArray();
    if (!id.empty()) {
        ev.eventId = bv(id).toByteArray();
    } else if (!fallbackId.empty()) {
        ev.eventId = bv(fallbackId).toByteArray();
    } else {
        // No id in the record (old or hand-made logs): a content hash, so the same record imported
        // twice is recognised as a duplicate.
        const std::string m = simdjson::minify(rec);
        ev.eventId = "sha256:" + Sha256::hexHash(QByteArrayView(m.data(), qsizetype(m.size()))).left(32);
    }
    ev.actor = bv(actor).toByteArray();
    ev.actorName = bv(!userName.empty() ? userName : issuerName).toByteArray();
    ev.actorRole = bv(type).toByteArray();
    ev.sessionId = bv(accessKeyId).toByteArray();
    if (!ip.empty() && isIp(ip))
        ev.sourceIp = bv(ip).toByteArray();
    ev.action = source.empty() ? bv(name).toByteArray() : bv(source).toByteArray() + ':' + bv(name).toByteArray();
    ev.outcome = errorCode.empty() && errorMessage.empty() ? "success" : isDenial(errorCode) ? "denied" : "failure";

    // resources[].ARN → resource (several are joined with ", ").
    simdjson::dom::array resources;
    if (!rec.at_key("resources").get_array().get(resources)) {
        for (simdjson::dom::element r : resources) {
            Sv a;
            if (r.at_key("ARN").get_string().get(a) && r.at_key("arn").get_string().get(a))
                continue;
            if (!ev.resource.isEmpty())
                ev.resource += ", ";
            ev.resource += bv(a).toByteArray();
        }
    }

    formats::JsonObjectBuilder details, extra;
    for (auto field : rec) {
        const Sv k = field.key;
        if (k == "eventID" || k == "eventId" || k == "eventTime" || k == "eventName" || k == "eventSource")
            continue;
        if ((k == "sourceIPAddress" || k == "sourceIpAddress") && !ev.sourceIp.isEmpty())
            continue;
        if (field.value.is_null())
            continue;
        const std::string m = simdjson::minify(field.value);
        const QByteArrayView json(m.data(), qsizetype(m.size()));
        if (k == "requestParameters" || k == "responseElements" || k == "resources" || k == "errorCode"
            || k == "errorMessage")
            details.addRaw(bv(k), json);
        else
            extra.addRaw(bv(k), json);
    }
    ev.details = details.result();
    ev.extra = extra.result();
    return sink.event(ev);
}

} // namespace casebook
