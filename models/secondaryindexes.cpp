// SPDX-License-Identifier: GPL-3.0-or-later
#include "secondaryindexes.h"

#include "sqlitedb.h"

#include <QCoreApplication>

#include <algorithm>

namespace casebook {

namespace {

QString tr(const char *s) { return QCoreApplication::translate("SecondaryIndexes", s); }

QByteArray quotedName(const QString &name)
{
    QByteArray n = name.toUtf8();
    n.replace('"', "\"\"");
    return '"' + n + '"';
}

/// Where drop() keeps the sqlite_stat rows of the indexes it dropped (DROP INDEX deletes them).
QByteArray savedStatTable(const QString &statTable) { return QByteArray("temp.casebook_saved_" + statTable.toUtf8()); }

} // namespace

Status SecondaryIndexes::drop(SqliteDb &db, const QString &table)
{
    if (m_tables.contains(table))
        return ok();
    // CREATE INDEX indexes that do not enforce uniqueness. The automatic indexes of UNIQUE and
    // PRIMARY KEY constraints have no SQL and are unique; CREATE UNIQUE INDEX ones are unique too.
    auto list = db.prepare("SELECT s.rowid, s.name, s.sql FROM pragma_index_list(?1) l "
                           "JOIN sqlite_schema s ON s.type = 'index' AND s.name = l.name "
                           "WHERE l.\"unique\" = 0 AND s.sql IS NOT NULL ORDER BY s.rowid");
    if (!list)
        return list.error();
    list->bind(1, table);
    QVector<Index> found;
    for (Statement::StepResult r; (r = list->step()) != Statement::StepResult::Done;) {
        if (r != Statement::StepResult::Row)
            return Error(Error::Code::Database, tr("Cannot list the indexes of %1").arg(table), db.lastError());
        found.push_back({ table, list->columnText(1), list->columnBlob(2).toByteArray(), list->columnInt(0) });
    }
    if (found.isEmpty()) {
        m_tables.push_back(table);
        return ok();
    }

    // DROP INDEX deletes the index's statistics; keep them to put back (stale in the same way as after
    // an incremental load, which does not touch them either).
    if (m_statTables.isEmpty()) {
        auto stats = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('sqlite_stat1', 'sqlite_stat4')");
        if (!stats)
            return stats.error();
        for (;;) {
            const auto r = stats->step();
            if (r == Statement::StepResult::Done)
                break;
            if (r != Statement::StepResult::Row) // an error must not pass for "no statistics": they would be lost
                return Error(Error::Code::Database, tr("Cannot read the index statistics"), db.lastError());
            m_statTables.push_back(stats->columnText(0));
        }
        for (const QString &st : std::as_const(m_statTables))
            if (auto s = db.exec(QByteArray("CREATE TEMP TABLE IF NOT EXISTS " + savedStatTable(st).sliced(5) + " AS SELECT * FROM main."
                                            + st.toUtf8() + " WHERE 0"));
                !s)
                return s;
    }
    for (const Index &ix : std::as_const(found)) {
        for (const QString &st : std::as_const(m_statTables)) {
            auto save = db.prepare(QByteArray("INSERT INTO " + savedStatTable(st) + " SELECT * FROM main." + st.toUtf8() + " WHERE idx = ?1"));
            if (!save)
                return save.error();
            save->bind(1, ix.name);
            if (!save->run())
                return Error(Error::Code::Database, tr("Cannot keep the statistics of index %1").arg(ix.name), db.lastError());
        }
        if (auto s = db.exec(QByteArray("DROP INDEX main." + quotedName(ix.name))); !s)
            return Error(Error::Code::Database, tr("Cannot drop index %1 for the bulk load").arg(ix.name), s.error().detail);
        m_indexes.push_back(ix);
    }
    m_tables.push_back(table);
    return ok();
}

Status SecondaryIndexes::recreate(SqliteDb &db)
{
    std::sort(m_indexes.begin(), m_indexes.end(), [](const Index &a, const Index &b) { return a.order < b.order; });
    while (!m_indexes.isEmpty()) {
        const Index &ix = m_indexes.front();
        if (auto s = db.exec(ix.sql); !s)
            return Error(Error::Code::Database, tr("Cannot create index %1 again").arg(ix.name), s.error().detail);
        m_indexes.removeFirst();
    }
    for (const QString &st : std::as_const(m_statTables)) {
        if (auto s = db.exec(QByteArray("INSERT INTO main." + st.toUtf8() + " SELECT * FROM " + savedStatTable(st))); !s)
            return Error(Error::Code::Database, tr("Cannot restore the index statistics"), s.error().detail);
        if (auto s = db.exec(QByteArray("DROP TABLE " + savedStatTable(st))); !s)
            return s;
    }
    m_statTables.clear();
    m_tables.clear();
    return ok();
}

QStringList SecondaryIndexes::names() const
{
    QStringList out;
    for (const Index &ix : m_indexes)
        out.push_back(ix.name);
    return out;
}

} // namespace casebook
