// SPDX-License-Identifier: GPL-3.0-or-later
// casebook-cli: info, quarantine, verify.

#include "cli.h"

#include "journal.h"
#include "money.h"
#include "verifier.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace casebook::cli {

int cmdInfo(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") }, {});
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usage(a.error.isEmpty() ? QStringLiteral("info takes one workspace path") : a.error);
    auto ws = openWorkspace(a.positional[0], true);
    if (!ws)
        return ExitFailure;
    const auto info = readInfo(*ws);
    if (!info)
        return ExitFailure;
    if (a.options.contains(QStringLiteral("json"))) {
        QJsonArray tenants;
        for (const TenantSummary &t : info->tenants) {
            QJsonObject totals;
            for (auto it = t.totalsE4.cbegin(); it != t.totalsE4.cend(); ++it)
                totals.insert(it.key(), money::format(it.value(), it.key().toLatin1()));
            QJsonArray archives;
            int64_t accounts = 0;
            for (const ArchiveSummary &ar : t.archives) {
                accounts += ar.accounts;
                archives.append(QJsonObject { { QStringLiteral("sha256"), ar.sha256 },
                                              { QStringLiteral("export_id"), ar.exportId },
                                              { QStringLiteral("state"), ar.state },
                                              { QStringLiteral("state_detail"), ar.stateDetail },
                                              { QStringLiteral("period"), QJsonObject { { QStringLiteral("from"), ar.periodFrom }, { QStringLiteral("to"), ar.periodTo } } },
                                              { QStringLiteral("imported_at"), ar.importedAt },
                                              { QStringLiteral("imported_by"), ar.importedBy },
                                              { QStringLiteral("events"), qint64(ar.events) },
                                              { QStringLiteral("transactions"), qint64(ar.transactions) },
                                              { QStringLiteral("accounts"), qint64(ar.accounts) },
                                              { QStringLiteral("quarantined"), qint64(ar.quarantined) } });
            }
            tenants.append(QJsonObject { { QStringLiteral("id"), t.id },
                                         { QStringLiteral("name"), t.name },
                                         { QStringLiteral("kind"), t.kind },
                                         { QStringLiteral("default_timezone"), t.defaultTimezone },
                                         { QStringLiteral("verification"), t.verification() },
                                         { QStringLiteral("events"), qint64(t.events) },
                                         { QStringLiteral("transactions"), qint64(t.transactions) },
                                         { QStringLiteral("accounts"), qint64(accounts) },
                                         { QStringLiteral("quarantined"), qint64(t.quarantined) },
                                         { QStringLiteral("totals"), totals },
                                         { QStringLiteral("archives"), archives } });
        }
        out() << QJsonDocument(QJsonObject { { QStringLiteral("schema_version"), info->schemaVersion },
                                             { QStringLiteral("tenants"), tenants } })
                     .toJson(QJsonDocument::Compact)
              << "\n";
        return ExitOk;
    }
    out() << a.positional[0] << ": schema " << info->schemaVersion << ", " << info->tenants.size() << " institutions\n";
    for (const TenantSummary &t : info->tenants) {
        out() << "\n" << t.id << "  " << t.name << "  [" << t.verification() << "]\n"
              << "  " << t.events << " events, " << t.transactions << " transactions, " << t.quarantined
              << " quarantined\n";
        if (!t.totalsE4.isEmpty())
            out() << "  totals: " << formatTotals(t.totalsE4) << "\n";
        for (const ArchiveSummary &ar : t.archives)
            out() << "  archive " << ar.exportId << " " << ar.periodFrom << " .. " << ar.periodTo << "  " << ar.state
                  << (ar.state == u"verified" ? QString() : u" (" + ar.stateDetail + u')') << "\n"
                  << "    sha256 " << ar.sha256 << "\n";
    }
    return ExitOk;
}

int cmdQuarantine(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") }, {});
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usage(a.error.isEmpty() ? QStringLiteral("quarantine takes one workspace path") : a.error);
    auto ws = openWorkspace(a.positional[0], true);
    if (!ws)
        return ExitFailure;
    auto q = ws->db().prepare("SELECT a.tenant_id, a.export_id, a.source_path, q.file, q.line, q.reason, q.raw "
                              "FROM quarantine q JOIN archives a ON a.id = q.archive_id ORDER BY q.id");
    if (!q) {
        err() << "casebook-cli: " << q.error().text() << "\n";
        return ExitFailure;
    }
    const bool json = a.options.contains(QStringLiteral("json"));
    QJsonArray rows;
    int64_t n = 0;
    while (q->step() == Statement::StepResult::Row) {
        ++n;
        if (json) {
            rows.append(QJsonObject { { QStringLiteral("tenant"), q->columnText(0) },
                                      { QStringLiteral("export_id"), q->columnText(1) },
                                      { QStringLiteral("archive"), q->columnText(2) },
                                      { QStringLiteral("file"), q->columnText(3) },
                                      { QStringLiteral("line"), qint64(q->columnInt(4)) },
                                      { QStringLiteral("reason"), q->columnText(5) },
                                      { QStringLiteral("raw"), q->columnText(6) } });
        } else {
            out() << q->columnText(0) << " " << q->columnText(3) << ":" << q->columnInt(4) << ": " << q->columnText(5)
                  << "\n    " << q->columnText(6).left(200).replace(u'\n', QStringLiteral("\\n")) << "\n";
        }
    }
    if (json)
        out() << QJsonDocument(rows).toJson(QJsonDocument::Compact) << "\n";
    else
        out() << n << " quarantined rows\n";
    return ExitOk;
}

int cmdVerify(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") }, { QStringLiteral("as") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usage(a.error.isEmpty() ? QStringLiteral("verify takes one workspace path") : a.error);
    auto ws = openWorkspace(a.positional[0], false);
    if (!ws)
        return ExitFailure;
    auto report = verifyWorkspace(ws->db());
    if (!report)
        return fail(report.error());
    for (const QString &n : report->notes)
        out() << "note: " << n << "\n";
    // The verification itself is journaled, recording what was verified.
    auto seq = journal::appendStandalone(ws->db(), a.options.value(QStringLiteral("as"), defaultImporter()), QStringLiteral("verification.run"),
                                         { { QStringLiteral("intact"), report->intact },
                                           { QStringLiteral("entries"), qint64(report->entries) },
                                           { QStringLiteral("head"), QString::fromLatin1(report->head) },
                                           { QStringLiteral("evidence_checked"), qint64(report->evidenceChecked) },
                                           { QStringLiteral("failure"), report->failure } });
    if (!seq)
        out() << "note: the verification could not be journaled: " << seq.error().text() << "\n";
    if (!report->intact) {
        out() << "journal BROKEN: " << report->failure << "\n";
        return ExitFailure;
    }
    out() << report->evidenceChecked << " evidence items and " << report->archivesChecked << " archive files checked\n";
    out() << "journal intact: " << report->entries << " entries, head " << report->head << "\n";
    return ExitOk;
}

} // namespace casebook::cli
