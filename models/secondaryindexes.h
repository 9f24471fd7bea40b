// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

namespace casebook {

class SqliteDb;

/// Bulk index build for a large load: the non-unique secondary indexes of a table are dropped before
/// the rows go in and created again afterwards from their stored SQL, so each index is built by one
/// sort instead of a random b-tree insert per row. Indexes that enforce UNIQUE or PRIMARY KEY stay
/// (the importer relies on them to detect duplicate ids while it inserts).
///
/// Meant for use inside the caller's transaction: drop() and recreate() run DDL in it, so a ROLLBACK
/// (a rejected, cancelled or crashed import) brings the indexes back exactly as they were. After
/// recreate() the schema holds the same index definitions (sqlite_schema `sql`, byte for byte) with
/// new root pages; their sqlite_stat1/sqlite_stat4 rows, if any, are put back as they were.
class SecondaryIndexes
{
public:
    /// Drops every non-unique index of `table` and remembers its definition. Idempotent per table.
    Status drop(SqliteDb &db, const QString &table);
    /// Creates every dropped index again, in the order of the original schema. The connection's
    /// progress handler may interrupt it (then the caller rolls back).
    Status recreate(SqliteDb &db);

    bool isEmpty() const { return m_indexes.isEmpty(); }
    /// Names of the indexes dropped and not yet created again.
    QStringList names() const;
    /// Tables whose indexes were dropped.
    QStringList tables() const { return m_tables; }

private:
    struct Index
    {
        QString table, name;
        QByteArray sql; ///< as stored in sqlite_schema
        int64_t order = 0; ///< its rowid in sqlite_schema: the order to create them in
    };
    QVector<Index> m_indexes;
    QStringList m_tables;
    QStringList m_statTables; ///< sqlite_stat1/4 of this workspace whose rows were saved to temp tables
};

} // namespace casebook
