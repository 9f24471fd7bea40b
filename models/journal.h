// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <cstdint>

namespace casebook {

class SqliteDb;

/// One journal entry as stored.
struct JournalEntry
{
    int64_t seq = 0;
    QString at; ///< UTC ISO 8601 with milliseconds
    QString author;
    QString action; ///< e.g. "case.created", "evidence.added"
    QByteArray payload; ///< canonical JSON
    QByteArray prevHash, hash; ///< lowercase hex
};

/// The tamper-evident journal (docs/journal.md): append-only, each entry's SHA-256 covers its
/// content and the previous entry's hash. Call append() inside the write transaction of the change
/// it records, so the change and its entry commit (or vanish) together.
namespace journal {

inline const QByteArray kGenesis(64, '0');

/// Canonical JSON: keys sorted, compact, UTF-8 (QJsonDocument's compact form of a QJsonObject).
QByteArray canonical(const QJsonObject &o);

/// SHA-256 (hex) of an entry's fields as the chain defines it.
QByteArray entryHash(int64_t seq, const QString &at, const QString &author, const QString &action,
                     const QByteArray &payload, const QByteArray &prevHash);

/// Appends an entry; returns its seq. Requires an open write transaction on `db`.
Result<int64_t> append(SqliteDb &db, const QString &author, const QString &action, const QJsonObject &payload);

/// Appends in its own transaction (for events outside any other change, e.g. a rejected import).
Result<int64_t> appendStandalone(SqliteDb &db, const QString &author, const QString &action, const QJsonObject &payload);

struct Head
{
    int64_t entries = 0;
    QByteArray hash; ///< kGenesis when empty
};
Result<Head> head(const SqliteDb &db);

} // namespace journal
} // namespace casebook
