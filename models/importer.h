// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QByteArrayView>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>
#include <functional>

namespace casebook {

class Keyring;
class Workspace;

struct ImportRequest
{
    QString archivePath; ///< a .sea.zip file or an unpacked SEA directory
    QString importedBy; ///< recorded in archives.imported_by
    const Keyring *keyring = nullptr; ///< trusted producer keys; null = none (everything unsigned)
    /// Linked-entity sums are kept in memory for at most this many distinct entities (about 150 bytes
    /// each), then spilled as a sorted run to a temporary file; the runs are merged at the end and
    /// written to entity_stats once per entity, in key order. The merge reads every run through a
    /// buffer of 8 MiB / runs (between 4 and 64 KiB): ~8 MiB up to 2048 runs (~130 million distinct
    /// entity additions), 4 KiB per run beyond.
    int entityChunk = 1 << 16;
    /// Bulk index build: a table's non-unique secondary indexes are dropped before the load and built
    /// again (one sort each) before the archive's transaction commits when the archive brings at least
    /// this many times the rows the table holds already (estimated from the manifest). 0: always (also
    /// into a non-empty table); negative: never (every row goes into every index as it is inserted).
    double bulkIndexRatio = 1.0;
};

/// Progress of one archive. bytesTotal is the sum of the data files' sizes from the manifest (0 until
/// the manifest is read); bytesDone counts uncompressed bytes parsed so far.
struct ImportProgress
{
    QString archivePath;
    int64_t bytesDone = 0;
    int64_t bytesTotal = 0;
    int64_t rows = 0; ///< rows imported so far
    int64_t quarantined = 0;
};

struct ImportResult
{
    enum class Outcome { Imported, AlreadyPresent, Rejected, Cancelled };
    Outcome outcome = Outcome::Rejected;
    QString archivePath;
    QString message; ///< why rejected (names the file and reason), or which archive it duplicates
    QString state; ///< "verified" | "unsigned" once the signature was checked
    QString stateDetail; ///< e.g. "no manifest.sig", "key_id \"x\" is not in the keyring"
    QString tenantId, exportId, sha256;
    int64_t archiveId = 0;
    int64_t events = 0, transactions = 0, accounts = 0, quarantined = 0;
    int64_t bytes = 0; ///< uncompressed data bytes read
    double seconds = 0;
    /// Where the time went (seconds from the start): reading, verifying, parsing and inserting the
    /// rows with their keys and indexes (`loadSeconds`), the bulk full-text index, the rest
    /// (linked entities, timeline rollups, totals, journal) and the COMMIT.
    double loadSeconds = 0, fullTextSeconds = 0, finishSeconds = 0, commitSeconds = 0;
    /// Secondary indexes built in bulk after the load (ImportRequest::bulkIndexRatio); 0: every row
    /// went into every index as it was inserted. Their build time is part of loadSeconds.
    int bulkIndexes = 0;

    int64_t rows() const { return events + transactions + accounts; }
    static QString outcomeName(Outcome o);
};

using ImportProgressFn = std::function<void(const ImportProgress &)>;
using CancelFn = std::function<bool()>;

/// Imports one SEA archive into `ws` as one transaction: it is wholly present afterwards, or (rejected,
/// cancelled, crashed, killed) wholly absent. Verifies the manifest, every file's size and SHA-256
/// and the Ed25519 signature; row-level problems go to the quarantine table with file, line and
/// reason. Synchronous and thread-agnostic (STYLE 13): call it from a worker thread with a Workspace
/// opened in that thread. Internally it parses on a second thread while this one inserts.
/// `progress` is called on the calling thread, at most every ~50 ms; `cancel` is polled between
/// batches and during index building. Neither may be null-called: pass {} to omit.
ImportResult importArchive(Workspace &ws, const ImportRequest &request, const ImportProgressFn &progress = {},
                           const CancelFn &cancel = {});

/// A loose file (not inside a SEA archive) to import as an unsigned source of one institution.
struct FileImportRequest
{
    QString filePath;
    QString format; ///< one of looseFileFormats()
    QString kind; ///< empty: from the format (cloudtrail, sea-jsonl: audit; camt.053, mt940, sea-csv: transactions);
                  ///< "accounts" for an accounts.csv given as sea-csv
    QString tenantId; ///< required
    QString tenantName; ///< used when the institution is new (default: its id)
    QString timezone; ///< IANA zone for times without offset and for dates; empty: the institution's, else UTC
    QString importedBy;
};

/// The `format` values importFile() accepts.
QStringList looseFileFormats();

/// Imports one loose file with the same guarantees as importArchive(): hashed, recorded in `archives`
/// with container 'file', state 'unsigned', export_id `file:<sha256>` and a manifest synthesized for
/// provenance (format, kind, institution, zone, size, hash, original path); one transaction; row
/// problems quarantined; a file-level problem rejects it and leaves the workspace unchanged; the same
/// file again (same SHA-256) is recognised and skipped. Same threading contract as importArchive().
ImportResult importFile(Workspace &ws, const FileImportRequest &request, const ImportProgressFn &progress = {},
                        const CancelFn &cancel = {});

/// What parseDataFile() found.
struct ParseReport
{
    struct Item
    {
        int64_t line;
        QString reason;
    };
    int64_t events = 0, transactions = 0, accounts = 0;
    QVector<Item> quarantine;
    QMap<QByteArray, int64_t> totalsE4; ///< currency → exact sum of the rows' amounts
};

/// Parses `data` as one data file of `kind` and `format` with exactly the parsers and checks of an
/// import (hash and size trivially match), without a workspace, feeding it in `chunkBytes` pieces.
/// Duplicate ids are not detected (the database does that). For dry runs, tests and fuzzing.
/// Returns the file-level error an import would reject the archive with.
Result<ParseReport> parseDataFile(const QString &kind, const QString &format, QByteArrayView data,
                                  const QString &timezone = {}, qsizetype chunkBytes = 64 << 10);

} // namespace casebook
