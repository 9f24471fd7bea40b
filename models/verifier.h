// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <cstdint>

namespace casebook {

class SqliteDb;

struct VerifyReport
{
    bool intact = false;
    int64_t entries = 0;
    QByteArray head; ///< hash of the last entry (64 zeros when empty)
    QString failure; ///< the first problem found, naming the entry or evidence item; empty when intact
    int64_t evidenceChecked = 0;
    int64_t archivesChecked = 0; ///< archive files found on disk and re-hashed
    QStringList notes; ///< observations that are not failures (e.g. an archive file no longer on disk)
};

/// Recomputes the journal's hash chain, every evidence item's content hash against the stored record
/// and the archive hashes, and checks that every case, evidence item, note revision and archive
/// points at a journal entry that exists and records it (which detects a truncated journal).
/// Read-only. `rehashArchives` also re-reads archive files still at their source path.
Result<VerifyReport> verifyWorkspace(const SqliteDb &db, bool rehashArchives = true);

} // namespace casebook
