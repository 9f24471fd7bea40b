// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "recordquery.h"

#include <QString>
#include <QVector>

#include <utility>

namespace casebook {

class SqliteDb;

/// Everything known about one event or transaction, for the detail pane: every field, its source
/// (archive, file, line) and the archive's verification state.
struct RecordDetail
{
    RecordKind kind = RecordKind::Event;
    int64_t id = 0;
    QString tenant, tenantName;
    QString recordId; ///< event_id / txn_id
    int64_t utcMs = 0;
    int offsetSeconds = 0;
    QString tsText;
    QVector<std::pair<QString, QString>> fields; ///< field name → value, in schema order, NULLs omitted
    QString detailsJson; ///< pretty-printed details (events) or extra attributes, empty when none
    QString archiveSha256, exportId, archivePath, archiveState, archiveStateDetail;
    QString file;
    int64_t line = 0;
};

/// Reads one record by row id. Fast (primary key lookups); callable from any thread with that
/// thread's connection.
Result<RecordDetail> loadRecordDetail(const SqliteDb &db, RecordKind kind, int64_t id);

} // namespace casebook
