// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QByteArray>
#include <QMap>
#include <QString>

namespace casebook {

/// Trusted producer public keys, by key_id (the name manifests carry in producer.key_id). Stored as
/// JSON {"keys": {"<key_id>": "<base64 of 32 raw bytes>"}} in a per-user file shared by the GUI and
/// the CLI: $CASEBOOK_KEYRING if set, else <XDG config>/casebook/keyring.json.
class Keyring
{
public:
    static QString defaultPath();
    /// Loads `path`; a missing file is an empty keyring, a malformed one an error.
    static Result<Keyring> load(const QString &path);
    Status save() const;

    /// Parses a public key file's content (base64 of the raw 32-byte Ed25519 key on one line).
    static Result<QByteArray> parsePublicKey(const QByteArray &fileContent);

    void insert(const QString &keyId, const QByteArray &rawKey) { m_keys.insert(keyId, rawKey); }
    bool remove(const QString &keyId) { return m_keys.remove(keyId) > 0; }
    bool contains(const QString &keyId) const { return m_keys.contains(keyId); }
    QByteArray key(const QString &keyId) const { return m_keys.value(keyId); }
    const QMap<QString, QByteArray> &keys() const { return m_keys; }
    const QString &path() const { return m_path; }

    /// SHA-256 fingerprint (first 16 hex digits) for display.
    static QString fingerprint(const QByteArray &rawKey);

private:
    QString m_path;
    QMap<QString, QByteArray> m_keys;
};

enum class SignatureCheck { Valid, Absent, UnknownKey, Invalid };

/// Checks manifest.sig (`sigFile`, base64 of 64 bytes + optional newline; empty QByteArray() when the
/// archive has none) over the exact manifest bytes with the key for `keyId`. `detail` explains.
SignatureCheck checkSignature(const QByteArray &manifest, const QByteArray *sigFile, const QString &keyId,
                              const Keyring &keyring, QString &detail);

} // namespace casebook
