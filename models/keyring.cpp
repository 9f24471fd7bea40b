// SPDX-License-Identifier: GPL-3.0-or-later
#include "keyring.h"

#include "sha256.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

#include <sodium.h>

namespace casebook {

namespace {
QString tr(const char *s) { return QCoreApplication::translate("Keyring", s); }

// Strict base64: only the standard alphabet and padding, after trimming a trailing line break.
bool decodeBase64(QByteArray text, QByteArray &out)
{
    text = text.trimmed();
    if (text.isEmpty())
        return false;
    auto r = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    if (!r)
        return false;
    out = r.decoded;
    return true;
}
} // namespace

QString Keyring::defaultPath()
{
    const QString env = qEnvironmentVariable("CASEBOOK_KEYRING");
    if (!env.isEmpty())
        return env;
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) + u"/casebook/keyring.json";
}

Result<Keyring> Keyring::load(const QString &path)
{
    Keyring k;
    k.m_path = path;
    QFile f(path);
    if (!f.exists())
        return k;
    if (!f.open(QIODevice::ReadOnly))
        return Error(Error::Code::Io, tr("Cannot read keyring %1").arg(path), f.errorString());
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return Error(Error::Code::Io, tr("Keyring %1 is not valid JSON").arg(path), pe.errorString());
    const QJsonObject keys = doc.object().value(u"keys").toObject();
    for (auto it = keys.begin(); it != keys.end(); ++it) {
        QByteArray raw;
        if (!decodeBase64(it.value().toString().toLatin1(), raw) || raw.size() != crypto_sign_PUBLICKEYBYTES)
            return Error(Error::Code::Io, tr("Keyring %1: key \"%2\" is not a base64 Ed25519 public key").arg(path, it.key()));
        k.m_keys.insert(it.key(), raw);
    }
    return k;
}

Status Keyring::save() const
{
    QJsonObject keys;
    for (auto it = m_keys.begin(); it != m_keys.end(); ++it)
        keys.insert(it.key(), QString::fromLatin1(it.value().toBase64()));
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSaveFile f(m_path);
    if (!f.open(QIODevice::WriteOnly))
        return Error(Error::Code::Io, tr("Cannot write keyring %1").arg(m_path), f.errorString());
    f.write(QJsonDocument(QJsonObject { { QStringLiteral("keys"), keys } }).toJson());
    if (!f.commit())
        return Error(Error::Code::Io, tr("Cannot write keyring %1").arg(m_path), f.errorString());
    return ok();
}

Result<QByteArray> Keyring::parsePublicKey(const QByteArray &content)
{
    QByteArray raw;
    if (!decodeBase64(content, raw))
        return Error(Error::Code::Usage, tr("the key file is not base64"));
    if (raw.size() != crypto_sign_PUBLICKEYBYTES)
        return Error(Error::Code::Usage,
                     tr("the key file holds %1 bytes, an Ed25519 public key has 32").arg(raw.size()));
    return raw;
}

QString Keyring::fingerprint(const QByteArray &rawKey)
{
    return QString::fromLatin1(Sha256::hexHash(rawKey).left(16));
}

SignatureCheck checkSignature(const QByteArray &manifest, const QByteArray *sigFile, const QString &keyId,
                              const Keyring &keyring, QString &detail)
{
    if (!sigFile) {
        detail = tr("no manifest.sig");
        return SignatureCheck::Absent;
    }
    if (keyId.isEmpty()) {
        detail = tr("manifest.sig present but the manifest names no producer.key_id");
        return SignatureCheck::UnknownKey;
    }
    if (!keyring.contains(keyId)) {
        detail = tr("key_id \"%1\" is not in the keyring").arg(keyId);
        return SignatureCheck::UnknownKey;
    }
    QByteArray sig;
    if (!decodeBase64(*sigFile, sig) || sig.size() != crypto_sign_BYTES) {
        detail = tr("manifest.sig is not the base64 of a 64-byte Ed25519 signature");
        return SignatureCheck::Invalid;
    }
    const QByteArray key = keyring.key(keyId);
    if (sodium_init() < 0) {
        detail = tr("libsodium could not be initialised");
        return SignatureCheck::Invalid;
    }
    if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char *>(sig.constData()),
                                    reinterpret_cast<const unsigned char *>(manifest.constData()),
                                    size_t(manifest.size()), reinterpret_cast<const unsigned char *>(key.constData()))
        != 0) {
        detail = tr("manifest.sig does not verify with key \"%1\" (%2)").arg(keyId, Keyring::fingerprint(key));
        return SignatureCheck::Invalid;
    }
    detail = tr("signed with key \"%1\" (%2)").arg(keyId, Keyring::fingerprint(key));
    return SignatureCheck::Valid;
}

} // namespace casebook
