// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "seawriter.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace casebook::test {

/// A fixed Ed25519 key pair for tests (derived from a constant seed), and a second one that is never
/// in any keyring (for bad-signature cases).
QByteArray testPublicKey();
QByteArray testSecretKey();
QByteArray otherSecretKey();
inline constexpr const char *kTestKeyId = "test-producer";

/// A small, valid SEA archive description that tests mutate before writing.
struct ArchiveSpec
{
    QString tenantId = QStringLiteral("T9001");
    QString tenantName = QStringLiteral("Test Bank 测试银行");
    QString exportId = QStringLiteral("00000000-0000-4000-8000-000000000001");
    QString defaultTimezone = QStringLiteral("Asia/Shanghai");
    QByteArray audit = defaultAudit(); ///< audit/part-0001.jsonl (omitted when null)
    QByteArray transactions = defaultTransactions(); ///< transactions/part-0001.csv (omitted when null)
    QByteArray accounts; ///< accounts.csv (omitted when null)
    qint64 auditRecords = -2; ///< -2: count non-blank lines; -1: omit "records"
    qint64 transactionRecords = -2; ///< -2: count CSV data lines naively (lines - 1); -1: omit
    bool sign = true;
    QByteArray signingKey; ///< empty: the test key
    std::function<void(QJsonObject &)> manifestHook;
    std::function<void(SeaWriter &)> extraEntries; ///< called after the data files are added

    static QByteArray defaultAudit();
    static QByteArray defaultTransactions();
};

/// Writes `spec` as a zip (`path` ends in .zip) or directory; QFAIL-style: returns the error.
Status writeArchive(const QString &path, const ArchiveSpec &spec);

/// A digest over every row of every table (including FTS shadow tables) of the workspace except the
/// append-only journal: equal digests before and after mean no data was changed or added.
QByteArray workspaceDigest(const QString &workspacePath);

/// The workspace's schema as sorted "type|name|table|sql" lines of sqlite_schema (root pages left
/// out): equal lists mean the same tables and indexes with the same definitions.
QStringList schemaDefinitions(const QString &workspacePath);

struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
};
/// Runs casebook-cli (path from $CASEBOOK_CLI) with `args` and env CASEBOOK_KEYRING=`keyring`.
CliResult runCli(const QStringList &args, const QString &keyring = {}, int timeoutMs = 300000);

/// Writes a keyring file trusting the test key under kTestKeyId.
void writeTestKeyring(const QString &path);

} // namespace casebook::test
