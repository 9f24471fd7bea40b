// SPDX-License-Identifier: GPL-3.0-or-later
// casebook-cli: case, export-report, export-csv.

#include "cli.h"

#include "casereport.h"
#include "casestore.h"
#include "csvexport.h"
#include "identity.h"
#include "money.h"
#include "recordhash.h"
#include "reportwriter.h"
#include "searchservice.h"
#include "timestamp.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

#include <csignal>
#include <optional>
#include <utility>

namespace casebook::cli {

namespace {

QJsonObject caseJson(const CaseSummary &c)
{
    return QJsonObject { { QStringLiteral("id"), c.ref },
                         { QStringLiteral("title"), c.title },
                         { QStringLiteral("description"), c.description },
                         { QStringLiteral("status"), c.status },
                         { QStringLiteral("outcome"), c.outcome.isEmpty() ? QJsonValue() : QJsonValue(c.outcome) },
                         { QStringLiteral("owner"), c.owner },
                         { QStringLiteral("created_at"), c.createdAt },
                         { QStringLiteral("updated_at"), c.updatedAt },
                         { QStringLiteral("tags"), QJsonArray::fromStringList(c.tags) },
                         { QStringLiteral("evidence_count"), qint64(c.evidenceCount) },
                         { QStringLiteral("note_count"), qint64(c.noteCount) } };
}

/// --as "Name (Organisation)" or "Name", as $CASEBOOK_INVESTIGATOR.
Investigator investigatorFrom(const Args &a)
{
    if (!a.options.contains(QStringLiteral("as")))
        return Investigator::current();
    const QString v = a.options.value(QStringLiteral("as"));
    Investigator who;
    const int open = v.indexOf(u'(');
    if (open > 0 && v.endsWith(u')')) {
        who.name = v.left(open).trimmed();
        who.organisation = v.mid(open + 1).chopped(1).trimmed();
    } else {
        who.name = v.trimmed();
    }
    return who;
}

} // namespace

int cmdCase(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") },
                             { QStringLiteral("title"), QStringLiteral("description"), QStringLiteral("comment"), QStringLiteral("text"),
                               QStringLiteral("outcome"), QStringLiteral("event"), QStringLiteral("transaction"), QStringLiteral("tenant"),
                               QStringLiteral("as"), QStringLiteral("query"), QStringLiteral("tz") });
    if (!a.error.isEmpty() || a.positional.size() < 2)
        return usage(a.error.isEmpty() ? QStringLiteral("case needs a subcommand and a workspace") : a.error);
    const QString sub = a.positional[0];
    const QString wsPath = a.positional[1];
    const QString author = a.options.value(QStringLiteral("as"), defaultImporter());
    auto ws = openWorkspace(wsPath, false);
    if (!ws)
        return ExitFailure;
    CaseStore store(ws->db(), author);
    const bool json = a.options.contains(QStringLiteral("json"));

    if (sub == u"new") {
        if (a.positional.size() != 2 || !a.options.contains(QStringLiteral("title")))
            return usage(QStringLiteral("case new WS --title T [--description D]"));
        auto c = store.createCase(a.options.value(QStringLiteral("title")), a.options.value(QStringLiteral("description")));
        if (!c)
            return fail(c.error());
        out() << "created case " << c->ref << "\n";
        return ExitOk;
    }
    if (sub == u"list") {
        auto list = store.listCases();
        if (!list)
            return fail(list.error());
        if (json) {
            QJsonArray arr;
            for (const CaseSummary &c : *list)
                arr.append(caseJson(c));
            out() << QJsonDocument(arr).toJson(QJsonDocument::Compact) << "\n";
        } else {
            for (const CaseSummary &c : *list)
                out() << c.ref << "  [" << c.status << (c.outcome.isEmpty() ? QString() : u": " + c.outcome) << "]  " << c.title
                      << "  (" << c.evidenceCount << " evidence, " << c.noteCount << " notes)\n";
            if (list->isEmpty())
                out() << "no cases\n";
        }
        return ExitOk;
    }
    if (a.positional.size() < 3)
        return usage(QStringLiteral("case %1 needs a case id").arg(sub));
    auto c = store.findCase(a.positional[2]);
    if (!c)
        return fail(c.error());

    if (sub == u"add") {
        if (a.options.contains(QStringLiteral("query"))) {
            // Every hit of the search becomes evidence, with the query recorded beside it.
            const QString text = a.options.value(QStringLiteral("query"));
            QueryContext ctx;
            if (a.options.contains(QStringLiteral("tz"))) {
                ctx.zone = QTimeZone(a.options.value(QStringLiteral("tz")).toUtf8());
                if (!ctx.zone.isValid())
                    return usage(QStringLiteral("--tz: unknown time zone"));
            }
            int pos = 0;
            auto compiled = SearchService::compile(text, ctx, {}, &pos);
            if (!compiled) {
                err() << "casebook-cli: " << compiled.error().message << "\n";
                return ExitUsage;
            }
            SearchService search(ws->db());
            QVector<int64_t> events, transactions;
            std::optional<SearchHit> last;
            for (;;) {
                auto page = search.page(*compiled, SearchSort::TimeAsc, last ? &*last : nullptr, 2000);
                if (!page)
                    return fail(page.error());
                for (const SearchHit &h : *page)
                    (h.kind == HitKind::Event ? events : transactions) << h.rowId;
                if (page->size() < 2000)
                    break;
                last = page->constLast();
            }
            const QString comment = a.options.value(QStringLiteral("comment"));
            int64_t added = 0;
            for (const auto &[kind, ids] : { std::pair { RecordKind::Event, events }, std::pair { RecordKind::Transaction, transactions } }) {
                if (ids.isEmpty())
                    continue;
                auto r = store.addEvidence(c->id, kind, ids, comment, text);
                if (!r)
                    return fail(r.error());
                added += r->size();
            }
            out() << events.size() + transactions.size() << " hits; added " << added << " evidence items to " << c->ref << "\n";
            return ExitOk;
        }
        const bool isEvent = a.options.contains(QStringLiteral("event"));
        if (isEvent == a.options.contains(QStringLiteral("transaction")))
            return usage(QStringLiteral("case add WS CASE (--event ID | --transaction ID) [--tenant T] [--comment C]"));
        const QString key = a.options.value(isEvent ? QStringLiteral("event") : QStringLiteral("transaction"));
        const QString tenant = a.options.value(QStringLiteral("tenant"));
        const QByteArray sql = QByteArray("SELECT id FROM ") + (isEvent ? "events WHERE event_id = ?" : "transactions WHERE txn_id = ?")
            + " AND (? = '' OR tenant_id = ?)";
        auto q = ws->db().prepare(sql);
        if (!q)
            return fail(q.error());
        q->bind(1, key);
        q->bind(2, tenant);
        q->bind(3, tenant);
        QVector<int64_t> rowids;
        while (q->step() == Statement::StepResult::Row)
            rowids << q->columnInt(0);
        if (rowids.isEmpty()) {
            err() << "casebook-cli: no " << (isEvent ? "event" : "transaction") << " \"" << key << "\"" << (tenant.isEmpty() ? QString() : u" at " + tenant) << "\n";
            return ExitFailure;
        }
        if (rowids.size() > 1) {
            err() << "casebook-cli: \"" << key << "\" exists at several institutions; say which with --tenant\n";
            return ExitUsage;
        }
        auto added = store.addEvidence(c->id, isEvent ? RecordKind::Event : RecordKind::Transaction, rowids,
                                       a.options.value(QStringLiteral("comment")));
        if (!added)
            return fail(added.error());
        if (added->isEmpty())
            out() << "already evidence in " << c->ref << "\n";
        for (int64_t id : *added)
            out() << "added evidence " << id << " to " << c->ref << "\n";
        return ExitOk;
    }
    if (sub == u"remove") {
        bool okId = false;
        const qint64 evidenceId = a.positional.value(3).toLongLong(&okId);
        if (!okId)
            return usage(QStringLiteral("case remove WS CASE EVIDENCE_ID"));
        if (auto st = store.removeEvidence(c->id, evidenceId); !st)
            return fail(st.error());
        out() << "removed evidence " << evidenceId << " from " << c->ref << "\n";
        return ExitOk;
    }
    if (sub == u"note") {
        if (!a.options.contains(QStringLiteral("text")))
            return usage(QStringLiteral("case note WS CASE --text T"));
        auto n = store.addNote(c->id, a.options.value(QStringLiteral("text")));
        if (!n)
            return fail(n.error());
        out() << "added note " << *n << " to " << c->ref << "\n";
        return ExitOk;
    }
    if (sub == u"close") {
        if (auto st = store.setStatus(c->id, QStringLiteral("closed"), a.options.value(QStringLiteral("outcome"))); !st)
            return fail(st.error());
        out() << "closed " << c->ref << " (" << a.options.value(QStringLiteral("outcome")) << ")\n";
        return ExitOk;
    }
    if (sub == u"show") {
        auto ev = store.evidence(c->id);
        auto notes = store.notes(c->id);
        if (!ev)
            return fail(ev.error());
        if (!notes)
            return fail(notes.error());
        if (json) {
            QJsonObject o = caseJson(*c);
            QJsonArray items;
            for (const EvidenceItem &e : *ev) {
                QJsonObject item { { QStringLiteral("evidence_id"), qint64(e.id) },
                                   { QStringLiteral("kind"), recordKindName(e.kind) },
                                   { QStringLiteral("tenant"), e.tenant },
                                   { QStringLiteral("id"), e.recordKey },
                                   { QStringLiteral("ts"), formatTimestamp(e.utcMs, e.offsetSeconds) },
                                   { QStringLiteral("who"), e.who },
                                   { QStringLiteral("what"), e.what },
                                   { QStringLiteral("archive_sha256"), e.archiveSha256 },
                                   { QStringLiteral("content_sha256"), e.contentSha256 },
                                   { QStringLiteral("comment"), e.comment },
                                   { QStringLiteral("tags"), QJsonArray::fromStringList(e.tags) },
                                   { QStringLiteral("added_by"), e.addedBy },
                                   { QStringLiteral("added_at"), e.addedAt } };
                if (!e.currency.isEmpty()) {
                    item.insert(QStringLiteral("amount"), money::format(e.amountE4, e.currency.toLatin1()));
                    item.insert(QStringLiteral("currency"), e.currency);
                }
                items.append(item);
            }
            QJsonArray noteArr;
            for (const NoteRevision &n : *notes)
                noteArr.append(QJsonObject { { QStringLiteral("note_id"), qint64(n.noteId) },
                                             { QStringLiteral("revision"), n.revision },
                                             { QStringLiteral("text"), n.text },
                                             { QStringLiteral("author"), n.author },
                                             { QStringLiteral("at"), n.createdAt } });
            o.insert(QStringLiteral("evidence"), items);
            o.insert(QStringLiteral("notes"), noteArr);
            out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
            return ExitOk;
        }
        out() << c->ref << ": " << c->title << "  [" << c->status << (c->outcome.isEmpty() ? QString() : u": " + c->outcome) << "]\n"
              << "owner " << c->owner << ", created " << c->createdAt << ", updated " << c->updatedAt << "\n";
        if (!c->description.isEmpty())
            out() << c->description << "\n";
        out() << "\nEvidence (" << ev->size() << "):\n";
        for (const EvidenceItem &e : *ev)
            out() << "  " << e.id << "  " << recordKindName(e.kind) << " " << e.tenant << " " << e.recordKey << "  "
                  << formatTimestamp(e.utcMs, e.offsetSeconds) << "  " << e.who << "  " << e.what
                  << (e.currency.isEmpty() ? QString() : u"  " + money::format(e.amountE4, e.currency.toLatin1()) + u' ' + e.currency)
                  << (e.comment.isEmpty() ? QString() : u"  — " + e.comment) << "\n";
        out() << "\nNotes (" << notes->size() << "):\n";
        for (const NoteRevision &n : *notes)
            out() << "  [" << n.author << ", " << n.createdAt << ", revision " << n.revision << "]\n  " << QString(n.text).replace(u'\n', QStringLiteral("\n  ")) << "\n";
        return ExitOk;
    }
    return usage(QStringLiteral("unknown case subcommand \"%1\"").arg(sub));
}

int cmdExportReport(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("rehash-archives") }, { QStringLiteral("out"), QStringLiteral("tz"), QStringLiteral("as") });
    if (!a.error.isEmpty() || a.positional.size() != 2 || a.options.value(QStringLiteral("out")).isEmpty())
        return usage(a.error.isEmpty() ? QStringLiteral("export-report WS CASE --out FILE.pdf [--tz ZONE]") : a.error);
    ReportRequest req;
    req.workspacePath = a.positional[0];
    req.caseRef = a.positional[1];
    req.outputPath = a.options.value(QStringLiteral("out"));
    if (!parseReportZone(a.options.value(QStringLiteral("tz"), QStringLiteral("UTC")), req.zone))
        return usage(QStringLiteral("unknown time zone \"%1\" (an IANA id such as Asia/Shanghai, UTC, or source)").arg(a.options.value(QStringLiteral("tz"))));
    req.investigator = investigatorFrom(a);
    req.author = a.options.value(QStringLiteral("as"), defaultImporter());
    req.rehashArchives = a.options.contains(QStringLiteral("rehash-archives"));
    if (!QFileInfo::exists(req.workspacePath)) {
        err() << "casebook-cli: no workspace " << req.workspacePath << "\n";
        return ExitFailure;
    }
    if (const QStringList missing = missingReportFonts(); !missing.isEmpty())
        err() << "casebook-cli: warning: fonts missing (" << missing.join(QStringLiteral(", "))
              << "); CJK text may not render. Install fonts-dejavu-core fonts-droid-fallback fonts-noto-cjk\n";
    std::signal(SIGINT, onSigint);
    auto r = writeCaseReport(req, nullptr, [](const ReportProgress &) { return !g_interrupted.load(); });
    if (!r) {
        if (r.error().code == Error::Code::Cancelled)
            return ExitInterrupted;
        return fail(r.error());
    }
    out() << "wrote " << r->pdfPath << ": " << r->pages << " pages, " << r->evidence << " evidence items, " << r->bytes << " bytes, "
          << QString::number(r->seconds, 'f', 2) << " s\n"
          << "  sha256 " << r->sha256 << " (" << r->sha256Path << ")\n"
          << "  manifest " << r->manifestPath << "\n"
          << "  journal at export: " << (r->journalIntact ? "intact" : "BROKEN") << ", " << r->journalEntriesAtExport << " entries, head "
          << r->journalHeadAtExport << "\n"
          << "  journaled as entry " << r->journalSeq << " (report.exported)\n";
    return ExitOk;
}

int cmdExportCsv(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("bom") }, { QStringLiteral("out"), QStringLiteral("tz"), QStringLiteral("as") });
    if (!a.error.isEmpty() || a.positional.size() != 2 || a.options.value(QStringLiteral("out")).isEmpty())
        return usage(a.error.isEmpty() ? QStringLiteral("export-csv WS CASE --out FILE.csv [--tz ZONE] [--bom]") : a.error);
    QTimeZone zone;
    if (!parseReportZone(a.options.value(QStringLiteral("tz"), QStringLiteral("source")), zone))
        return usage(QStringLiteral("unknown time zone \"%1\" (an IANA id such as Asia/Shanghai, UTC, or source)").arg(a.options.value(QStringLiteral("tz"))));
    if (!QFileInfo::exists(a.positional[0])) {
        err() << "casebook-cli: no workspace " << a.positional[0] << "\n";
        return ExitFailure;
    }
    auto ws = openWorkspace(a.positional[0], false);
    if (!ws)
        return ExitFailure;
    CaseStore store(ws->db(), a.options.value(QStringLiteral("as"), defaultImporter()));
    auto c = store.findCase(a.positional[1]);
    if (!c)
        return fail(c.error());
    CsvOptions options;
    options.bom = a.options.contains(QStringLiteral("bom"));
    const QString path = a.options.value(QStringLiteral("out"));
    std::signal(SIGINT, onSigint);
    auto r = writeCsvFile(path, [&](QIODevice *dev) {
        return exportCaseEvidenceCsv(ws->db(), c->id, dev, options, zone, [](int64_t) { return !g_interrupted.load(); });
    });
    if (!r) {
        if (r.error().code == Error::Code::Cancelled)
            return ExitInterrupted;
        return fail(r.error());
    }
    auto seq = store.journalExport(c->id, QStringLiteral("csv.exported"),
                                   { { QStringLiteral("file"), QFileInfo(path).fileName() },
                                     { QStringLiteral("sha256"), QString::fromLatin1(r->sha256) },
                                     { QStringLiteral("bytes"), qint64(r->bytes) },
                                     { QStringLiteral("rows"), qint64(r->rows) },
                                     { QStringLiteral("time_zone"), zone.isValid() ? QString::fromUtf8(zone.id()) : QStringLiteral("source") } });
    if (!seq) {
        QFile::remove(path);
        err() << "casebook-cli: the export could not be recorded in the journal, so it was not kept: " << seq.error().text() << "\n";
        return ExitFailure;
    }
    out() << "wrote " << path << ": " << r->rows << " evidence rows, " << r->bytes << " bytes, sha256 " << r->sha256 << "\n"
          << "  journaled as entry " << *seq << " (csv.exported)\n";
    return ExitOk;
}

} // namespace casebook::cli
