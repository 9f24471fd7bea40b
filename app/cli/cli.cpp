// SPDX-License-Identifier: GPL-3.0-or-later

#include "cli.h"

#include "identity.h"
#include "money.h"

#include <utility>

namespace casebook::cli {

std::atomic_bool g_interrupted { false };

void onSigint(int) { g_interrupted = true; }

QTextStream &out()
{
    static QTextStream s(stdout);
    return s;
}
QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

const char *const kUsage = R"(Usage: casebook-cli COMMAND [ARGS]

Commands:
  init WS                          create an empty workspace file WS
  import WS ARCHIVE... [--json]    import .sea.zip files or SEA directories into WS
  import-file WS --tenant ID [--tenant-name NAME] --format FORMAT FILE... [--json]
                                   import loose files as unsigned sources of institution ID;
                                   FORMAT: cloudtrail, camt.053 (also .052/.054), mt940 (also
                                   MT942), sea-csv, sea-jsonl; --kind accounts for an accounts.csv,
                                   --timezone IANA for times without offset (default: the
                                   institution's, else UTC)
  info WS [--json]                 institutions, archives, counts and exact totals
  quarantine WS [--json]           rows that could not be imported, with file, line and reason
  keys add NAME PUBKEY_FILE        trust a producer key (NAME = the key_id manifests carry)
  keys list                        list trusted producer keys
  keys remove NAME                 stop trusting a key
  demo WS [--rows N]               create WS (if missing) and import the demo archives into it
  generate OUTDIR [--tenants N] [--rows N] [--seed S] [--dir]
                                   write deterministic synthetic SEA archives
  case new WS --title T [--description D]
                                   create a case; prints its id (C-0001) as the last word
  case list WS [--json]            list cases
  case add WS CASE --query Q [--comment C] [--tz ZONE]
                                   add every hit of a search as evidence
  case add WS CASE (--event ID | --transaction ID) [--tenant T] [--comment C]
                                   add one record as evidence
  case remove WS CASE EVIDENCE_ID  remove an evidence item (stays in the journal)
  case note WS CASE --text T       add a note (Markdown)
  case show WS CASE [--json]       a case with its evidence and notes
  case close WS CASE --outcome no_finding|finding|referred
  verify WS                        recompute the journal chain and every evidence hash
  search WS QUERY [--format table|csv|jsonl] [--limit N] [--tz ZONE] [--count] [--json]
         [--sort time|time-asc|amount|amount-asc] [--scope T1,T2,...]
                                   search events and transactions of every institution
                                   (query language: docs/search.md); --count: hits per
                                   institution and kind; --json: JSON lines (with --count:
                                   one JSON object); --tz: zone for dates in the query and
                                   for displayed times (default UTC); --scope: only these
                                   institutions. Exit 0 also without hits, 2 on a syntax error
  linked WS [--min-tenants N] [--json] [--scope T1,T2,...]
                                   accounts, IPs, actors and names seen at N (default 2) or
                                   more institutions
  timeline WS [--tenant ID[,ID...]] [--from T] [--to T] [--bucket auto|minute|5min|hour|day|week|month]
           [--tz ZONE] [--outcome O[,O...]] [--action PREFIX] [--actor ID] [--json]
                                   events, transactions and exact amounts per institution and local
                                   calendar bucket; T is RFC 3339, or a date or local time read in
                                   --tz; [--from, --to) defaults to all data; --tz defaults to the
                                   institutions' common zone, else UTC
  export-report WS CASE --out FILE.pdf [--tz ZONE] [--rehash-archives]
                                   the case report as PDF/A-1b, with FILE.pdf.sha256 and
                                   FILE.manifest.json beside it; journaled with its SHA-256.
                                   ZONE: an IANA zone (default UTC), or "source" for each
                                   record's own offset
  export-csv WS CASE --out FILE.csv [--tz ZONE] [--bom]
                                   every evidence item of the case as RFC 4180 CSV (UTF-8,
                                   exact amounts, times with offsets; default ZONE "source");
                                   journaled with its SHA-256
  bench [--rows N] [--tenants K] [--workdir DIR] [--keep] [--sqlite3 PROGRAM] [--json]
                                   the benchmark (docs/BENCHMARKS.md): generate N rows (default
                                   2000000) for K institutions (default 5), import them, load the
                                   same transactions CSV with the sqlite3 tool, time search,
                                   timeline, grids and a 10,000-item report; --json: one line.
                                   DIR (new or empty) is kept; the default temporary folder is
                                   removed unless --keep
  --version                        print the version

Options for import, import-file, demo, case, export-* and keys: --keyring FILE (default: $CASEBOOK_KEYRING or
~/.config/casebook/keyring.json), --as NAME (who is recorded in the workspace and its journal;
default: $CASEBOOK_INVESTIGATOR, else the identity set in the GUI, else user@host).

Exit codes: 0 success (import, import-file: every archive or file imported or already present),
1 failure (import, import-file: at least one rejected), 2 usage error, 130 interrupted.
)";

int usage(const QString &msg)
{
    if (!msg.isEmpty())
        err() << "casebook-cli: " << msg << "\n";
    err() << kUsage;
    err().flush();
    return ExitUsage;
}

Args parseArgs(const QStringList &args, const QStringList &flags, const QStringList &valued)
{
    Args a;
    for (int i = 0; i < args.size(); ++i) {
        const QString &s = args[i];
        if (s.startsWith(u"--")) {
            QString name = s.mid(2);
            QString value;
            const int eq = name.indexOf(u'=');
            if (eq >= 0) {
                value = name.mid(eq + 1);
                name.truncate(eq);
            }
            if (flags.contains(name) && eq < 0) {
                a.options.insert(name, QStringLiteral("1"));
            } else if (valued.contains(name)) {
                if (eq < 0) {
                    if (i + 1 >= args.size()) {
                        a.error = QStringLiteral("--%1 needs a value").arg(name);
                        return a;
                    }
                    value = args[++i];
                }
                a.options.insert(name, value);
            } else {
                a.error = QStringLiteral("unknown option %1").arg(s);
                return a;
            }
        } else {
            a.positional.push_back(s);
        }
    }
    return a;
}

QString defaultImporter() { return Investigator::current().display(); }

QString formatTotals(const QMap<QString, int64_t> &totals)
{
    QStringList parts;
    for (auto it = totals.cbegin(); it != totals.cend(); ++it)
        parts << money::format(it.value(), it.key().toLatin1()) + u' ' + it.key();
    return parts.join(QStringLiteral(", "));
}

bool parseCount(const QString &s, int64_t &v, int64_t min)
{
    bool ok = false;
    v = s.toLongLong(&ok);
    return ok && v >= min;
}

int fail(const Error &e)
{
    err() << "casebook-cli: " << e.text() << "\n";
    return e.code == Error::Code::Usage ? ExitUsage : ExitFailure;
}

std::optional<Workspace> openWorkspace(const QString &path, bool readOnly)
{
    auto ws = readOnly ? Workspace::openReadOnly(path) : Workspace::open(path);
    if (!ws) {
        err() << "casebook-cli: " << ws.error().text() << "\n";
        return std::nullopt;
    }
    return std::move(*ws);
}

std::optional<WorkspaceInfo> readInfo(const Workspace &ws)
{
    auto info = ws.info();
    if (!info) {
        err() << "casebook-cli: " << info.error().text() << "\n";
        return std::nullopt;
    }
    return std::move(*info);
}

} // namespace casebook::cli
