// SPDX-License-Identifier: GPL-3.0-or-later
#include "sqlitedb.h"

#include <QCoreApplication>

#include <sqlite3.h>

namespace casebook {

SqliteDb::~SqliteDb()
{
    if (m_db)
        sqlite3_close_v2(m_db);
}

SqliteDb::SqliteDb(SqliteDb &&other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
    , m_busyMs(other.m_busyMs)
{
}

SqliteDb &SqliteDb::operator=(SqliteDb &&other) noexcept
{
    if (this != &other) {
        if (m_db)
            sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_busyMs = other.m_busyMs;
    }
    return *this;
}

Result<SqliteDb> SqliteDb::open(const QString &path, Mode mode)
{
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (mode) {
    case Mode::ReadOnly:
        flags |= SQLITE_OPEN_READONLY;
        break;
    case Mode::ReadWrite:
        flags |= SQLITE_OPEN_READWRITE;
        break;
    case Mode::ReadWriteCreate:
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
        break;
    }
    SqliteDb db;
    const int rc = sqlite3_open_v2(path.toUtf8().constData(), &db.m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        const QString detail = db.m_db ? QString::fromUtf8(sqlite3_errmsg(db.m_db)) : QString::fromUtf8(sqlite3_errstr(rc));
        return Error(Error::Code::Database,
                     QCoreApplication::translate("SqliteDb", "Cannot open workspace %1").arg(path), detail);
    }
    sqlite3_extended_result_codes(db.m_db, 1);
    db.setBusyTimeout(5000);
    return db;
}

void SqliteDb::setBusyTimeout(int ms)
{
    sqlite3_busy_timeout(m_db, ms);
    m_busyMs = ms;
}

QString SqliteDb::busyMessage()
{
    return QCoreApplication::translate("SqliteDb", "Another task is writing to the workspace (an import writes each archive in "
                                                   "one transaction); nothing was changed. Try again when it has finished");
}

Status SqliteDb::beginWrite()
{
    auto st = exec("BEGIN IMMEDIATE");
    if (st)
        return st;
    if (lastFailureWasBusy())
        return Error(Error::Code::Database, busyMessage(), st.error().detail);
    if ((sqlite3_errcode(m_db) & 0xff) == SQLITE_READONLY)
        return Error(Error::Code::Database, QCoreApplication::translate("SqliteDb", "The workspace is read-only"), st.error().detail);
    return Error(Error::Code::Database, QCoreApplication::translate("SqliteDb", "Cannot start writing to the workspace"), st.error().detail);
}

bool SqliteDb::lastFailureWasBusy() const { return m_db && (sqlite3_errcode(m_db) & 0xff) == SQLITE_BUSY; }

Status SqliteDb::exec(QByteArrayView sql)
{
    char *err = nullptr;
    const QByteArray z = sql.toByteArray();
    if (sqlite3_exec(m_db, z.constData(), nullptr, nullptr, &err) != SQLITE_OK) {
        QString detail = QString::fromUtf8(err ? err : "unknown error");
        sqlite3_free(err);
        return Error(Error::Code::Database, QCoreApplication::translate("SqliteDb", "Database error"), detail);
    }
    return ok();
}

Result<Statement> SqliteDb::prepare(QByteArrayView sql) const
{
    sqlite3_stmt *s = nullptr;
    if (sqlite3_prepare_v3(m_db, sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
        return Error(Error::Code::Database, QCoreApplication::translate("SqliteDb", "Database error"),
                     lastError() + u" in: " + QString::fromUtf8(sql.data(), sql.size()));
    return Statement(s);
}

Result<int64_t> SqliteDb::queryInt(QByteArrayView sql) const
{
    auto st = prepare(sql);
    if (!st)
        return st.error();
    const auto r = st->step();
    if (r == Statement::StepResult::Row)
        return st->columnInt(0);
    if (r == Statement::StepResult::Done)
        return int64_t(0);
    return Error(Error::Code::Database, QCoreApplication::translate("SqliteDb", "Database error"), lastError());
}

QString SqliteDb::lastError() const { return m_db ? QString::fromUtf8(sqlite3_errmsg(m_db)) : QString(); }
int64_t SqliteDb::lastInsertRowId() const { return sqlite3_last_insert_rowid(m_db); }
int SqliteDb::changes() const { return sqlite3_changes(m_db); }

Statement::~Statement()
{
    if (m_s)
        sqlite3_finalize(m_s);
}

Statement::Statement(Statement &&o) noexcept
    : m_s(std::exchange(o.m_s, nullptr))
{
}

Statement &Statement::operator=(Statement &&o) noexcept
{
    if (this != &o) {
        if (m_s)
            sqlite3_finalize(m_s);
        m_s = std::exchange(o.m_s, nullptr);
    }
    return *this;
}

void Statement::bindNull(int i) { sqlite3_bind_null(m_s, i); }
void Statement::bind(int i, int64_t v) { sqlite3_bind_int64(m_s, i, v); }
void Statement::bind(int i, QByteArrayView t)
{
    sqlite3_bind_text(m_s, i, t.data() ? t.data() : "", int(t.size()), SQLITE_STATIC);
}
void Statement::bindTextOrNull(int i, QByteArrayView t)
{
    if (t.isEmpty())
        sqlite3_bind_null(m_s, i);
    else
        sqlite3_bind_text(m_s, i, t.data(), int(t.size()), SQLITE_STATIC);
}
void Statement::bindTransient(int i, QByteArrayView t)
{
    sqlite3_bind_text(m_s, i, t.data() ? t.data() : "", int(t.size()), SQLITE_TRANSIENT);
}

Statement::StepResult Statement::step()
{
    const int rc = sqlite3_step(m_s);
    if (rc == SQLITE_ROW)
        return StepResult::Row;
    if (rc == SQLITE_DONE)
        return StepResult::Done;
    if ((rc & 0xff) == SQLITE_CONSTRAINT)
        return StepResult::Constraint;
    return StepResult::Error;
}

bool Statement::run()
{
    const bool ok = step() == StepResult::Done;
    reset();
    return ok;
}

void Statement::reset()
{
    // Every caller binds every parameter, so bindings are not cleared (saves a call per row).
    sqlite3_reset(m_s);
}

int64_t Statement::columnInt(int i) const { return sqlite3_column_int64(m_s, i); }
QByteArrayView Statement::columnBlob(int i) const
{
    const auto *p = static_cast<const char *>(sqlite3_column_blob(m_s, i));
    return QByteArrayView(p, sqlite3_column_bytes(m_s, i));
}
QString Statement::columnText(int i) const
{
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_s, i));
    return QString::fromUtf8(p, sqlite3_column_bytes(m_s, i));
}
bool Statement::columnIsNull(int i) const { return sqlite3_column_type(m_s, i) == SQLITE_NULL; }

} // namespace casebook
