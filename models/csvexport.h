// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "pageloader.h"
#include "recordtablemodel.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QStringView>
#include <QTimeZone>

#include <cstdint>
#include <functional>

class QIODevice;

namespace casebook {

class SqliteDb;

struct CsvOptions
{
    bool bom = false; ///< start with a UTF-8 byte order mark (helps some spreadsheet programs)
    /// OWASP "CSV injection": a cell starting with = + - @ TAB or CR is written as ' followed by the
    /// value (and quoted), so spreadsheets show it as text instead of evaluating it. The workspace
    /// keeps the original; only the exported cell carries the prefix.
    bool neutraliseFormulas = true;
};

/// Writes RFC 4180 CSV: UTF-8, CRLF after every record, fields quoted when they contain a comma, a
/// quote, CR or LF (quotes doubled), so embedded line breaks and quotes survive a round trip through
/// any RFC 4180 reader (csvreader.h). Buffers up to ~256 KiB, then writes through. Not thread-safe.
class CsvWriter
{
public:
    explicit CsvWriter(QIODevice *out, const CsvOptions &options = {});

    void writeRow(const QStringList &cells);
    /// Flushes; reports the first write error.
    Status finish();
    int64_t rows() const { return m_rows; } ///< records written, header included

    /// Whether OWASP neutralisation applies to `value` (first character = + - @ TAB CR).
    static bool isFormulaLike(QStringView value);
    /// One field as written (UTF-8, quoted/neutralised as needed), without separator.
    static QByteArray encodeField(QStringView value, bool neutralise);

private:
    void flush();

    QIODevice *m_out;
    CsvOptions m_options;
    QByteArray m_buffer;
    int64_t m_rows = 0;
    bool m_failed = false;
    QString m_error;
};

/// Progress of a streamed export: rows written so far. Return false to cancel.
using CsvProgress = std::function<bool(int64_t rows)>;

/// Writes every live evidence item of a case (report order: record time, then evidence id) with a
/// header row: evidence_id, institution, kind, record_id, time (in `zone`, or the record's own offset
/// when `zone` is invalid), time_utc, actor_or_parties, action_or_reference, amount (exact decimal),
/// currency, comment, tags, content_sha256, archive_sha256, added_by, added_at, query. Rows are
/// streamed from SQLite; memory does not grow with the case. Returns the data rows written.
Result<int64_t> exportCaseEvidenceCsv(const SqliteDb &db, int64_t caseId, QIODevice *out, const CsvOptions &options = {},
                                      const QTimeZone &zone = QTimeZone(), const CsvProgress &progress = {});

/// Writes every row of a grid query (all rows, not a page), in the query's sort order, with the
/// grid's columns (recordColumns, same titles) plus "Time (UTC)" and the fields a grid hides
/// (events: Details; transactions: Value date, Debtor bank, Creditor bank). Times are ISO 8601 with
/// the offset of the grid's display zone (`zone`; null = each record's own stated offset), amounts
/// exact decimals. Streams rows: use it from a worker thread with its own connection. Returns the
/// data rows written; a cancel returns Error::Code::Cancelled.
Result<int64_t> exportRecordsCsv(const SqliteDb &db, const GridQuery &query, QIODevice *out, const CsvOptions &options = {},
                                 const DisplayZone *zone = nullptr, const CsvProgress &progress = {});

struct CsvFileResult
{
    QString path;
    int64_t rows = 0; ///< data rows
    int64_t bytes = 0;
    QByteArray sha256; ///< lowercase hex of the file
};

/// Writes a CSV file atomically (QSaveFile: the file appears complete or not at all) with `body`,
/// then hashes it.
Result<CsvFileResult> writeCsvFile(const QString &path, const std::function<Result<int64_t>(QIODevice *)> &body);

} // namespace casebook
