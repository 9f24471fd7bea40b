// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QByteArray>
#include <QString>
#include <QVector>

#include <atomic>
#include <cstdint>
#include <functional>

namespace casebook::demo {

/// key_id under which demo archives are signed, and the demo producer key pair (derived from a fixed
/// seed, so every build signs and verifies identically). Never trust it outside demos and tests.
inline constexpr const char *kDemoKeyId = "casebook-demo";
QByteArray demoPublicKey(); ///< raw 32 bytes
QByteArray demoSecretKey(); ///< raw 64 bytes (libsodium layout)

struct Options
{
    int tenants = 5; ///< at least 5 for the story; fewer allowed (story then partial)
    int64_t rows = 200000; ///< total data rows (events + transactions) over all tenants
    uint64_t seed = 42;
    bool zip = true; ///< .sea.zip files, else unpacked directories
};

struct GeneratedArchive
{
    QString path;
    QString tenantId;
    QString tenantName;
    QString exportId;
    int64_t events = 0;
    int64_t transactions = 0;
    int64_t accounts = 0;
    bool signedArchive = false;
};

/// Writes deterministic synthetic SEA archives (same options → byte-identical files) into `outDir`.
/// `progress(rowsWritten)` may be null; `cancel` may be null.
Result<QVector<GeneratedArchive>> generate(const QString &outDir, const Options &options,
                                           const std::function<void(int64_t)> &progress = {},
                                           const std::atomic_bool *cancel = nullptr);

} // namespace casebook::demo
