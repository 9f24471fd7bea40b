// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <memory>

namespace casebook {

/// Writes a Supervisory Export Archive (SEA v1, ../shared/archive-format.md) as a `.sea.zip` or as
/// an unpacked directory, streaming: each data file is written (and hashed) when added, and
/// `manifest.json` (+ `manifest.sig` when a secret key is given) is written by finish(). Used by the
/// demo generator and by tests that build good and deliberately bad archives.
class SeaWriter
{
public:
    enum class Container { Zip, Directory };

    /// `manifestBase` holds every manifest key except "files" (format, version, export_id, tenant,
    /// period, producer, created_at, default_timezone, ...); it is written as given.
    SeaWriter(Container container, QString path, QJsonObject manifestBase);
    ~SeaWriter();
    SeaWriter(const SeaWriter &) = delete;
    SeaWriter &operator=(const SeaWriter &) = delete;

    /// Opens the output (creates the zip file, or the directory). Must be called first.
    Status open();

    /// Writes a listed data file and records its sha256/bytes (and `records` when >= 0).
    Status addFile(const QString &path, const QString &kind, const QString &format, const QByteArray &data,
                   qint64 records = -1);

    /// Writes an entry that is NOT listed in the manifest (tests: unlisted file, `../` names).
    Status addRawEntry(const QString &path, const QByteArray &data);

    /// Called with the complete manifest object (including "files") just before it is serialised;
    /// tests use it to tamper (wrong hash, unknown version, ...).
    std::function<void(QJsonObject &)> manifestHook;

    /// Writes manifest.json (compact JSON, keys as QJsonDocument orders them) and, if `secretKey` is
    /// a 64-byte libsodium Ed25519 secret key, manifest.sig (base64 + "\n"). Closes the output.
    Status finish(const QByteArray &secretKey = {});

    /// The exact manifest bytes written by finish().
    QByteArray manifestBytes() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace casebook
