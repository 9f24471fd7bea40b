// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "recordquery.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace casebook {

class SqliteDb;
class Statement;

/// A record's stable identity and content fingerprint, as evidence keeps them.
struct RecordFingerprint
{
    RecordKind kind = RecordKind::Event;
    int64_t rowid = 0;
    QString tenant;
    QString recordKey; ///< event_id / txn_id (unique within the tenant)
    QString archiveSha256; ///< of the archive the record came from
    QByteArray canonical; ///< canonical JSON of the record's content
    QByteArray contentSha256; ///< hex SHA-256 of `canonical`
};

/// Canonical content: a JSON object (keys sorted, compact) of every field the source gave, as text
/// exactly as stored (times as exported, amounts as exported, details as the minified JSON text),
/// NULL fields omitted. Independent of row ids and of the workspace, so the same record imported
/// elsewhere has the same hash.
Result<RecordFingerprint> fingerprintRecord(const SqliteDb &db, RecordKind kind, int64_t rowid);

/// fingerprintRecord() for many records: keeps its prepared statements between calls (preparing
/// them dominated verifying thousands of evidence items). Borrowing `db`; use from its thread.
class RecordFingerprinter
{
public:
    explicit RecordFingerprinter(const SqliteDb &db);
    ~RecordFingerprinter();
    RecordFingerprinter(const RecordFingerprinter &) = delete;
    RecordFingerprinter &operator=(const RecordFingerprinter &) = delete;

    Result<RecordFingerprint> fingerprint(RecordKind kind, int64_t rowid);

private:
    const SqliteDb &m_db;
    std::unique_ptr<Statement> m_event, m_transaction;
};

QString recordKindName(RecordKind k); ///< "event" / "transaction"
bool parseRecordKind(const QString &s, RecordKind &k);

} // namespace casebook
