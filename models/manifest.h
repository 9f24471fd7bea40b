// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QByteArray>
#include <QString>
#include <QVector>

#include <cstdint>

namespace casebook {

struct ManifestFile
{
    QString path;
    QString kind; ///< audit | transactions | accounts
    QString format; ///< sea-jsonl | sea-csv | cloudtrail | camt.053 | mt940
    QByteArray sha256; ///< lowercase hex, 64 chars
    int64_t bytes = 0;
    int64_t records = -1; ///< -1 when not declared
};

/// manifest.json of a SEA v1 archive, validated. `raw` keeps the exact bytes (they are what the
/// signature covers and what the workspace stores).
struct Manifest
{
    QByteArray raw;
    QString exportId;
    QString tenantId, tenantName, tenantLei, tenantKind;
    QString periodFrom, periodTo;
    QString producerCloud, keyId;
    QString createdAt;
    QString defaultTimezone;
    QVector<ManifestFile> files;
};

/// Parses and validates manifest.json. Errors name "manifest.json" and the offending key.
Result<Manifest> parseManifest(const QByteArray &raw);

/// True when `path` is a safe relative archive path: non-empty, '/'-separated, no leading '/', no
/// drive letter, no backslash, no NUL, no '.' or '..' segment, no empty segment.
bool isSafeArchivePath(const QString &path);

} // namespace casebook
