// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QScopeGuard>
#include <QString>

#include <cstdint>
#include <memory>

struct sqlite3;
struct sqlite3_stmt;

namespace casebook {

class Statement;

/// RAII owner of one sqlite3 connection. A connection belongs to the thread that uses it; open one
/// per thread (SQLite is built serialized on Debian, but sharing a connection serialises the work).
class SqliteDb
{
public:
    SqliteDb() = default;
    ~SqliteDb();
    SqliteDb(SqliteDb &&other) noexcept;
    SqliteDb &operator=(SqliteDb &&other) noexcept;
    SqliteDb(const SqliteDb &) = delete;
    SqliteDb &operator=(const SqliteDb &) = delete;

    enum class Mode { ReadWrite, ReadWriteCreate, ReadOnly };
    static Result<SqliteDb> open(const QString &path, Mode mode);

    bool isOpen() const { return m_db != nullptr; }
    sqlite3 *handle() const { return m_db; }

    /// Runs one or more statements without results.
    Status exec(QByteArrayView sql);
    Result<Statement> prepare(QByteArrayView sql) const;
    /// First column of the first row as integer (0 when no row).
    Result<int64_t> queryInt(QByteArrayView sql) const;

    /// How long a write waits for another connection's write transaction before it fails with
    /// SQLITE_BUSY (5 s when opened). The GUI thread's connection uses a short wait: an import holds
    /// the write lock for a whole archive, and the window must not freeze meanwhile.
    void setBusyTimeout(int ms);
    int busyTimeout() const { return m_busyMs; }
    /// Sets the busy timeout until the returned guard goes out of scope, then restores it (e.g. 0 for
    /// a write that is tried again later rather than waited for).
    [[nodiscard]] auto busyTimeoutFor(int ms)
    {
        const int before = m_busyMs;
        setBusyTimeout(ms);
        return qScopeGuard([this, before] { setBusyTimeout(before); });
    }
    /// BEGIN IMMEDIATE: takes the write lock now. When another connection holds it past the busy
    /// timeout (an import writes each archive in one transaction), the error says so in words.
    Status beginWrite();
    /// What a write refused for SQLITE_BUSY tells the user.
    static QString busyMessage();
    /// True when the last failure on this connection was SQLITE_BUSY: another connection was writing.
    bool lastFailureWasBusy() const;

    QString lastError() const;
    int64_t lastInsertRowId() const;
    int changes() const;

private:
    sqlite3 *m_db = nullptr;
    int m_busyMs = 0;
};

/// A prepared statement. Binding is 1-based as in SQLite. Text is bound as UTF-8 bytes without copy
/// (SQLITE_STATIC): the caller keeps the bytes alive until the next step()/reset().
class Statement
{
public:
    Statement() = default;
    explicit Statement(sqlite3_stmt *s)
        : m_s(s)
    {
    }
    ~Statement();
    Statement(Statement &&o) noexcept;
    Statement &operator=(Statement &&o) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    void bindNull(int i);
    void bind(int i, int64_t v);
    void bind(int i, QByteArrayView utf8); ///< empty view binds NULL? no: binds '' - use bindTextOrNull
    void bindTextOrNull(int i, QByteArrayView utf8); ///< NULL when empty
    void bindTransient(int i, QByteArrayView utf8); ///< copies the bytes
    void bind(int i, const QString &text) { bindTransient(i, text.toUtf8()); }

    enum class StepResult { Row, Done, Error, Constraint };
    /// One sqlite3_step. Constraint is reported separately (duplicate ids are row-level, not fatal).
    StepResult step();
    /// step() expecting Done; resets afterwards.
    bool run();
    void reset();

    int64_t columnInt(int i) const;
    QByteArrayView columnBlob(int i) const;
    QString columnText(int i) const;
    bool columnIsNull(int i) const;

    sqlite3_stmt *handle() const { return m_s; }

private:
    sqlite3_stmt *m_s = nullptr;
};

} // namespace casebook
