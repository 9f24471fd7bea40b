// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the commands of casebook-cli share: exit codes, the output streams, the usage text, the
// argument splitter and the error helpers. One command group per file:
//   import.cpp   init, import, import-file, keys, generate, demo
//   info.cpp     info, quarantine, verify
//   cases.cpp    case, export-report, export-csv
//   search.cpp   search, linked
//   timeline.cpp timeline
//   bench.cpp    bench
//   main.cpp     the application object and the dispatch (plus --version and --help)
// Everything runs on the main thread.

#include "error.h"
#include "workspace.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <atomic>
#include <cstdint>
#include <optional>

namespace casebook::cli {

enum Exit { ExitOk = 0, ExitFailure = 1, ExitUsage = 2, ExitInterrupted = 130 };

/// Set by onSigint(); long commands poll it and end with ExitInterrupted.
extern std::atomic_bool g_interrupted;
/// A SIGINT/SIGTERM handler that only sets g_interrupted.
void onSigint(int);

/// The one stdout and stderr stream of the process (flushed explicitly or at exit).
QTextStream &out();
QTextStream &err();

/// The usage text, printed by usage() and by `--help`.
extern const char *const kUsage;

/// Prints "casebook-cli: <msg>" (if any) and the usage text to stderr; returns ExitUsage.
int usage(const QString &msg = {});

/// Splits arguments into positionals and --options (with values where `valued` says so).
struct Args
{
    QStringList positional;
    QMap<QString, QString> options;
    QString error;
};

/// `flags` are options without a value (stored as "1"); `valued` take one, as `--name=value` or
/// `--name value`. Anything else starting with "--" sets `error`.
Args parseArgs(const QStringList &args, const QStringList &flags, const QStringList &valued);

/// Who is recorded as acting: the current investigator's display name (--as overrides it).
QString defaultImporter();

/// "<amount> <CUR>" per currency (exact, money::format), in currency order, joined with ", ".
QString formatTotals(const QMap<QString, int64_t> &totals);

/// Parses a whole integer `s` into `v`; true if it is one and at least `min`.
bool parseCount(const QString &s, int64_t &v, int64_t min);

/// Prints "casebook-cli: <error text>"; returns ExitUsage for a Usage error, else ExitFailure.
int fail(const Error &e);

/// Opens the workspace at `path` (read-only without migration, or read-write); on failure prints
/// "casebook-cli: <error text>" and returns nothing: the caller returns ExitFailure.
std::optional<Workspace> openWorkspace(const QString &path, bool readOnly);
/// The workspace's institutions and archives; on failure prints the error and returns nothing.
std::optional<WorkspaceInfo> readInfo(const Workspace &ws);

// The commands: each takes the arguments after its name and returns the exit code.
int cmdInit(const QStringList &args);
int cmdImport(const QStringList &args);
int cmdImportFile(const QStringList &args);
int cmdKeys(const QStringList &args);
int cmdGenerate(const QStringList &args);
int cmdDemo(const QStringList &args);
int cmdInfo(const QStringList &args);
int cmdQuarantine(const QStringList &args);
int cmdVerify(const QStringList &args);
int cmdCase(const QStringList &args);
int cmdExportReport(const QStringList &args);
int cmdExportCsv(const QStringList &args);
int cmdSearch(const QStringList &args);
int cmdLinked(const QStringList &args);
int cmdTimeline(const QStringList &args);
int cmdBench(const QStringList &args);

} // namespace casebook::cli
