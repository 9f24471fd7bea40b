// SPDX-License-Identifier: GPL-3.0-or-later
#include "manifest.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTimeZone>

namespace casebook {

namespace {

QString tr(const char *s) { return QCoreApplication::translate("Manifest", s); }

Error bad(const QString &what) { return Error(Error::Code::Archive, u"manifest.json: " + what); }

bool isHex64(const QString &s)
{
    if (s.size() != 64)
        return false;
    for (QChar c : s)
        if (!((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F')))
            return false;
    return true;
}

// Non-negative integral JSON number that a double holds exactly.
bool toCount(const QJsonValue &v, int64_t &out)
{
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    if (!(d >= 0) || d > 9007199254740992.0 || d != double(int64_t(d)))
        return false;
    out = int64_t(d);
    return true;
}

} // namespace

bool isSafeArchivePath(const QString &path)
{
    if (path.isEmpty() || path.startsWith(u'/') || path.contains(u'\\') || path.contains(QChar(0)))
        return false;
    if (path.size() >= 2 && path[1] == u':')
        return false;
    for (const QStringView seg : QStringView(path).split(u'/'))
        if (seg.isEmpty() || seg == u"." || seg == u"..")
            return false;
    return true;
}

Result<Manifest> parseManifest(const QByteArray &raw)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(raw, &pe);
    if (pe.error != QJsonParseError::NoError)
        return bad(tr("not valid JSON at offset %1: %2").arg(pe.offset).arg(pe.errorString()));
    if (!doc.isObject())
        return bad(tr("the top level is not a JSON object"));
    const QJsonObject o = doc.object();
    if (o.value(u"format").toString() != u"sea")
        return bad(tr("\"format\" must be \"sea\""));
    const QJsonValue version = o.value(u"version");
    if (!version.isDouble() || version.toDouble() != 1.0)
        return Error(Error::Code::Archive,
                     tr("manifest.json: unsupported SEA version %1 (this Casebook reads version 1)")
                         .arg(QString::fromUtf8(QJsonDocument(QJsonArray { version }).toJson(QJsonDocument::Compact))
                                  .mid(1)
                                  .chopped(1)));
    Manifest m;
    m.raw = raw;
    m.exportId = o.value(u"export_id").toString();
    if (m.exportId.trimmed().isEmpty())
        return bad(tr("\"export_id\" is missing or empty"));
    const QJsonObject tenant = o.value(u"tenant").toObject();
    m.tenantId = tenant.value(u"id").toString();
    m.tenantName = tenant.value(u"name").toString();
    m.tenantLei = tenant.value(u"lei").toString();
    m.tenantKind = tenant.value(u"kind").toString();
    if (m.tenantId.trimmed().isEmpty())
        return bad(tr("\"tenant.id\" is missing or empty"));
    if (m.tenantName.trimmed().isEmpty())
        m.tenantName = m.tenantId;
    const QJsonObject period = o.value(u"period").toObject();
    m.periodFrom = period.value(u"from").toString();
    m.periodTo = period.value(u"to").toString();
    const QJsonObject producer = o.value(u"producer").toObject();
    m.producerCloud = producer.value(u"cloud").toString();
    m.keyId = producer.value(u"key_id").toString();
    m.createdAt = o.value(u"created_at").toString();
    m.defaultTimezone = o.value(u"default_timezone").toString();
    if (!m.defaultTimezone.isEmpty() && !QTimeZone(m.defaultTimezone.toUtf8()).isValid())
        return bad(tr("default_timezone \"%1\" is not a known IANA time zone").arg(m.defaultTimezone));

    const QJsonValue files = o.value(u"files");
    if (!files.isArray())
        return bad(tr("\"files\" is missing or not an array"));
    QSet<QString> seen;
    int i = 0;
    for (const QJsonValue &fv : files.toArray()) {
        const QString where = QStringLiteral("files[%1]").arg(i++);
        if (!fv.isObject())
            return bad(tr("%1 is not an object").arg(where));
        const QJsonObject f = fv.toObject();
        ManifestFile mf;
        mf.path = f.value(u"path").toString();
        mf.kind = f.value(u"kind").toString();
        mf.format = f.value(u"format").toString();
        const QString sha = f.value(u"sha256").toString();
        if (!isSafeArchivePath(mf.path))
            return bad(tr("%1: path \"%2\" is not a safe relative path").arg(where, mf.path));
        if (mf.path == u"manifest.json" || mf.path == u"manifest.sig")
            return bad(tr("%1: %2 cannot be listed as a data file").arg(where, mf.path));
        if (seen.contains(mf.path))
            return bad(tr("%1: path \"%2\" is listed twice").arg(where, mf.path));
        seen.insert(mf.path);
        if (mf.kind != u"audit" && mf.kind != u"transactions" && mf.kind != u"accounts")
            return bad(tr("%1 (%2): unknown kind \"%3\"").arg(where, mf.path, mf.kind));
        if (mf.format.isEmpty())
            return bad(tr("%1 (%2): \"format\" is missing").arg(where, mf.path));
        if (!isHex64(sha))
            return bad(tr("%1 (%2): \"sha256\" is not 64 hex digits").arg(where, mf.path));
        mf.sha256 = sha.toLower().toLatin1();
        if (!toCount(f.value(u"bytes"), mf.bytes))
            return bad(tr("%1 (%2): \"bytes\" is missing or not a non-negative integer").arg(where, mf.path));
        if (f.contains(u"records") && !toCount(f.value(u"records"), mf.records))
            return bad(tr("%1 (%2): \"records\" is not a non-negative integer").arg(where, mf.path));
        m.files.push_back(mf);
    }
    return m;
}

} // namespace casebook
