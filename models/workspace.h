// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "sqlitedb.h"

#include <QMap>
#include <QString>
#include <QVector>

#include <cstdint>

namespace casebook {

struct ArchiveSummary
{
    int64_t id = 0;
    QString sha256;
    QString exportId;
    QString state; ///< "verified" | "unsigned"
    QString stateDetail;
    QString sourcePath;
    QString periodFrom, periodTo;
    QString importedAt, importedBy;
    int64_t events = 0, transactions = 0, accounts = 0, quarantined = 0;
};

struct TenantSummary
{
    QString id, name, lei, kind, defaultTimezone;
    int64_t events = 0, transactions = 0, quarantined = 0;
    QMap<QString, int64_t> totalsE4; ///< currency → exact sum of amount_e4
    QString periodFrom, periodTo; ///< min/max over its archives' manifest periods
    QVector<ArchiveSummary> archives;
    /// "verified" when every archive is verified, "unsigned" when any is not.
    QString verification() const;
};

struct WorkspaceInfo
{
    int schemaVersion = 0;
    QVector<TenantSummary> tenants; ///< ordered by tenant id
};

/// A Casebook workspace: one SQLite file (WAL, foreign keys on) whose schema version lives in
/// PRAGMA user_version and whose migrations are compiled in as resources (:/casebook/sql/NNNN_*.sql).
/// One Workspace object = one connection; use it from one thread at a time.
class Workspace
{
public:
    static constexpr int kSchemaVersion = 2;
    static constexpr int kApplicationId = 0x43534b42; ///< 'CSKB' in PRAGMA application_id

    /// Creates a new workspace; fails if `path` exists.
    static Result<Workspace> create(const QString &path);
    /// Opens an existing workspace, migrating an older schema; refuses a newer one or a file that is
    /// not a Casebook workspace.
    static Result<Workspace> open(const QString &path);
    /// Opens read-only (no migration; refuses an outdated schema with a message to open it normally).
    static Result<Workspace> openReadOnly(const QString &path);

    SqliteDb &db() { return m_db; }
    const SqliteDb &db() const { return m_db; }
    const QString &path() const { return m_path; }

    Result<WorkspaceInfo> info() const;

    /// Number of migrations available (= newest schema this build understands).
    static int latestSchemaVersion();

private:
    static Result<Workspace> openImpl(const QString &path, bool create, bool readOnly);
    Status migrate();
    SqliteDb m_db;
    QString m_path;
};

} // namespace casebook
