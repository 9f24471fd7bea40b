// SPDX-License-Identifier: GPL-3.0-or-later
#include "casestore.h"

#include "journal.h"
#include "recordhash.h"
#include "sqlitedb.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

namespace casebook {

namespace {
QString tr(const char *s) { return QCoreApplication::translate("CaseStore", s); }
QString now() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs); }
Error dbError(const SqliteDb &db, const QString &what) { return Error(Error::Code::Database, what, db.lastError()); }

QStringList cleanTags(const QStringList &tags)
{
    QStringList out;
    for (const QString &t : tags) {
        const QString s = t.trimmed();
        if (!s.isEmpty() && !out.contains(s))
            out << s;
    }
    out.sort();
    return out;
}
} // namespace

const QStringList &CaseStore::statuses()
{
    static const QStringList s { QStringLiteral("open"), QStringLiteral("under_review"), QStringLiteral("closed") };
    return s;
}

const QStringList &CaseStore::outcomes()
{
    static const QStringList s { QStringLiteral("no_finding"), QStringLiteral("finding"), QStringLiteral("referred") };
    return s;
}

CaseStore::CaseStore(SqliteDb &db, QString author)
    : m_db(db)
    , m_author(std::move(author))
{
}

template<typename F>
Status CaseStore::inTransaction(F &&f)
{
    if (auto st = m_db.beginWrite(); !st)
        return st;
    Status st = f();
    if (!st) {
        m_db.exec("ROLLBACK");
        return st;
    }
    if (auto c = m_db.exec("COMMIT"); !c) {
        m_db.exec("ROLLBACK");
        return c;
    }
    return ok();
}

Status CaseStore::touch(int64_t caseId)
{
    auto u = m_db.prepare("UPDATE cases SET updated_at = ? WHERE id = ?");
    if (!u)
        return u.error();
    u->bind(1, now());
    u->bind(2, qint64(caseId));
    return u->run() ? ok() : Status(dbError(m_db, tr("Cannot update the case")));
}

Result<CaseSummary> CaseStore::createCase(const QString &title, const QString &description)
{
    if (title.trimmed().isEmpty())
        return Error(Error::Code::Usage, tr("A case needs a title"));
    int64_t id = 0;
    auto st = inTransaction([&]() -> Status {
        auto next = m_db.queryInt("SELECT coalesce(max(id), 0) + 1 FROM cases");
        if (!next)
            return next.error();
        id = *next;
        const QString ref = QStringLiteral("C-%1").arg(id, 4, 10, QLatin1Char('0'));
        const QString at = now();
        auto seq = journal::append(m_db, m_author, QStringLiteral("case.created"),
                                   { { QStringLiteral("case_id"), qint64(id) }, { QStringLiteral("ref"), ref },
                                     { QStringLiteral("title"), title.trimmed() }, { QStringLiteral("description"), description } });
        if (!seq)
            return seq.error();
        auto ins = m_db.prepare("INSERT INTO cases(id, ref, title, description, owner, created_at, updated_at, journal_seq) "
                                "VALUES (?,?,?,?,?,?,?,?)");
        if (!ins)
            return ins.error();
        ins->bind(1, qint64(id));
        ins->bind(2, ref);
        ins->bind(3, title.trimmed());
        ins->bind(4, description);
        ins->bind(5, m_author);
        ins->bind(6, at);
        ins->bind(7, at);
        ins->bind(8, qint64(*seq));
        return ins->run() ? ok() : Status(dbError(m_db, tr("Cannot create the case")));
    });
    if (!st)
        return st.error();
    return caseById(id);
}

Result<QVector<CaseSummary>> CaseStore::listCases() const
{
    auto q = m_db.prepare("SELECT c.id, c.ref, c.title, c.description, c.status, coalesce(c.outcome, ''), c.owner, c.created_at, "
                          "c.updated_at, (SELECT count(*) FROM evidence e WHERE e.case_id = c.id AND e.removed_at IS NULL), "
                          "(SELECT count(*) FROM notes n WHERE n.case_id = c.id), "
                          "(SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM case_tags t WHERE t.case_id = c.id ORDER BY tag)) "
                          "FROM cases c ORDER BY c.id");
    if (!q)
        return q.error();
    QVector<CaseSummary> out;
    while (q->step() == Statement::StepResult::Row) {
        CaseSummary c;
        c.id = q->columnInt(0);
        c.ref = q->columnText(1);
        c.title = q->columnText(2);
        c.description = q->columnText(3);
        c.status = q->columnText(4);
        c.outcome = q->columnText(5);
        c.owner = q->columnText(6);
        c.createdAt = q->columnText(7);
        c.updatedAt = q->columnText(8);
        c.evidenceCount = q->columnInt(9);
        c.noteCount = q->columnInt(10);
        if (!q->columnIsNull(11))
            c.tags = q->columnText(11).split(QChar(31));
        out.push_back(c);
    }
    return out;
}

Result<CaseSummary> CaseStore::caseById(int64_t id) const
{
    auto all = listCases();
    if (!all)
        return all.error();
    for (const CaseSummary &c : *all)
        if (c.id == id)
            return c;
    return Error(Error::Code::Usage, tr("No case with id %1").arg(id));
}

Result<CaseSummary> CaseStore::findCase(const QString &refOrId) const
{
    auto all = listCases();
    if (!all)
        return all.error();
    bool numeric = false;
    const qint64 n = refOrId.toLongLong(&numeric);
    for (const CaseSummary &c : *all)
        if (c.ref.compare(refOrId.trimmed(), Qt::CaseInsensitive) == 0 || (numeric && c.id == n))
            return c;
    return Error(Error::Code::Usage, tr("No case \"%1\" in this workspace").arg(refOrId));
}

Status CaseStore::updateCase(int64_t caseId, const QString &title, const QString &description)
{
    if (title.trimmed().isEmpty())
        return Error(Error::Code::Usage, tr("A case needs a title"));
    return inTransaction([&]() -> Status {
        auto u = m_db.prepare("UPDATE cases SET title = ?, description = ? WHERE id = ?");
        if (!u)
            return u.error();
        u->bind(1, title.trimmed());
        u->bind(2, description);
        u->bind(3, qint64(caseId));
        if (!u->run() || m_db.changes() != 1)
            return Error(Error::Code::Usage, tr("No case with id %1").arg(caseId));
        auto seq = journal::append(m_db, m_author, QStringLiteral("case.changed"),
                                   { { QStringLiteral("case_id"), qint64(caseId) }, { QStringLiteral("title"), title.trimmed() },
                                     { QStringLiteral("description"), description } });
        return seq ? touch(caseId) : Status(seq.error());
    });
}

Status CaseStore::setStatus(int64_t caseId, const QString &status, const QString &outcome)
{
    if (!statuses().contains(status))
        return Error(Error::Code::Usage, tr("Unknown status \"%1\" (one of %2)").arg(status, statuses().join(QStringLiteral(", "))));
    if (status == u"closed" && !outcomes().contains(outcome))
        return Error(Error::Code::Usage, tr("Closing a case needs an outcome: %1").arg(outcomes().join(QStringLiteral(", "))));
    if (status != u"closed" && !outcome.isEmpty())
        return Error(Error::Code::Usage, tr("Only a closed case has an outcome"));
    return inTransaction([&]() -> Status {
        auto u = m_db.prepare("UPDATE cases SET status = ?, outcome = ? WHERE id = ?");
        if (!u)
            return u.error();
        u->bind(1, status);
        if (outcome.isEmpty())
            u->bindNull(2);
        else
            u->bind(2, outcome);
        u->bind(3, qint64(caseId));
        if (!u->run() || m_db.changes() != 1)
            return Error(Error::Code::Usage, tr("No case with id %1").arg(caseId));
        auto seq = journal::append(m_db, m_author, QStringLiteral("case.status_changed"),
                                   { { QStringLiteral("case_id"), qint64(caseId) }, { QStringLiteral("status"), status },
                                     { QStringLiteral("outcome"), outcome } });
        return seq ? touch(caseId) : Status(seq.error());
    });
}

Status CaseStore::setCaseTags(int64_t caseId, const QStringList &tags)
{
    const QStringList clean = cleanTags(tags);
    return inTransaction([&]() -> Status {
        auto del = m_db.prepare("DELETE FROM case_tags WHERE case_id = ?");
        auto ins = m_db.prepare("INSERT INTO case_tags(case_id, tag) VALUES (?, ?)");
        if (!del || !ins)
            return dbError(m_db, tr("Cannot change tags"));
        del->bind(1, qint64(caseId));
        if (!del->run())
            return dbError(m_db, tr("Cannot change tags"));
        for (const QString &t : clean) {
            ins->bind(1, qint64(caseId));
            ins->bind(2, t);
            if (!ins->run())
                return dbError(m_db, tr("Cannot change tags"));
        }
        auto seq = journal::append(m_db, m_author, QStringLiteral("case.tags_changed"),
                                   { { QStringLiteral("case_id"), qint64(caseId) }, { QStringLiteral("tags"), QJsonArray::fromStringList(clean) } });
        return seq ? touch(caseId) : Status(seq.error());
    });
}

Result<QVector<int64_t>> CaseStore::addEvidence(int64_t caseId, RecordKind kind, const QVector<int64_t> &rowids,
                                                const QString &comment, const QString &query)
{
    QVector<int64_t> added;
    auto st = inTransaction([&]() -> Status {
        if (auto c = caseById(caseId); !c)
            return c.error();
        auto exists = m_db.prepare("SELECT 1 FROM evidence WHERE case_id = ? AND kind = ? AND record_rowid = ? AND removed_at IS NULL");
        auto ins = m_db.prepare("INSERT INTO evidence(case_id, kind, record_rowid, tenant_id, record_key, archive_sha256, "
                                "content_sha256, comment, query, added_by, added_at, journal_seq) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
        if (!exists || !ins)
            return dbError(m_db, tr("Cannot add evidence"));
        // The journal entry comes first so every row can point at it; its payload lists the items.
        auto next = m_db.queryInt("SELECT coalesce(max(seq), 0) + 1 FROM journal");
        if (!next)
            return next.error();
        const QString at = now();
        QJsonArray items;
        for (int64_t rowid : rowids) {
            exists->bind(1, qint64(caseId));
            exists->bind(2, recordKindName(kind));
            exists->bind(3, qint64(rowid));
            const bool dup = exists->step() == Statement::StepResult::Row;
            exists->reset();
            if (dup)
                continue;
            auto f = fingerprintRecord(m_db, kind, rowid);
            if (!f)
                return f.error();
            ins->bind(1, qint64(caseId));
            ins->bind(2, recordKindName(kind));
            ins->bind(3, qint64(rowid));
            ins->bind(4, f->tenant);
            ins->bind(5, f->recordKey);
            ins->bind(6, f->archiveSha256);
            ins->bind(7, QByteArrayView(f->contentSha256));
            ins->bind(8, comment);
            if (query.isEmpty())
                ins->bindNull(9);
            else
                ins->bind(9, query);
            ins->bind(10, m_author);
            ins->bind(11, at);
            ins->bind(12, qint64(*next));
            if (!ins->run())
                return dbError(m_db, tr("Cannot add evidence"));
            const int64_t id = m_db.lastInsertRowId();
            added.push_back(id);
            items.append(QJsonObject { { QStringLiteral("evidence_id"), qint64(id) },
                                       { QStringLiteral("kind"), recordKindName(kind) },
                                       { QStringLiteral("tenant"), f->tenant },
                                       { QStringLiteral("record"), f->recordKey },
                                       { QStringLiteral("archive_sha256"), f->archiveSha256 },
                                       { QStringLiteral("content_sha256"), QString::fromLatin1(f->contentSha256) } });
        }
        if (added.isEmpty())
            return ok();
        auto seq = journal::append(m_db, m_author, QStringLiteral("evidence.added"),
                                   { { QStringLiteral("case_id"), qint64(caseId) }, { QStringLiteral("items"), items },
                                     { QStringLiteral("comment"), comment }, { QStringLiteral("query"), query } });
        if (!seq)
            return seq.error();
        Q_ASSERT(*seq == *next);
        return touch(caseId);
    });
    if (!st)
        return st.error();
    return added;
}

Status CaseStore::removeEvidence(int64_t caseId, int64_t evidenceId)
{
    return inTransaction([&]() -> Status {
        auto u = m_db.prepare("UPDATE evidence SET removed_by = ?, removed_at = ? WHERE id = ? AND case_id = ? AND removed_at IS NULL");
        if (!u)
            return u.error();
        u->bind(1, m_author);
        u->bind(2, now());
        u->bind(3, qint64(evidenceId));
        u->bind(4, qint64(caseId));
        if (!u->run() || m_db.changes() != 1)
            return Error(Error::Code::Usage, tr("Case %1 has no evidence item %2").arg(caseId).arg(evidenceId));
        auto seq = journal::append(m_db, m_author, QStringLiteral("evidence.removed"),
                                   { { QStringLiteral("case_id"), qint64(caseId) }, { QStringLiteral("evidence_id"), qint64(evidenceId) } });
        return seq ? touch(caseId) : Status(seq.error());
    });
}

Status CaseStore::restoreEvidence(int64_t caseId, int64_t evidenceId)
{
    return inTransaction([&]() -> Status {
        auto u = m_db.prepare("UPDATE evidence SET removed_by = NULL, removed_at = NULL WHERE id = ? AND case_id = ? AND removed_at IS NOT NULL");
        if (!u)
            return u.error();
        u->bind(1, qint64(evidenceId));
        u->bind(2, qint64(caseId));
        if (!u->run() || m_db.changes() != 1)
            return Error(Error::Code::Usage, tr("Case %1 has no removed evidence item %2").arg(caseId).arg(evidenceId));
        auto seq = journal::append(m_db, m_author, QStringLiteral("evidence.restored"),
                                   { { QStringLiteral("case_id"), qint64(caseId) }, { QStringLiteral("evidence_id"), qint64(evidenceId) } });
        return seq ? touch(caseId) : Status(seq.error());
    });
}

Status CaseStore::setEvidenceTags(int64_t evidenceId, const QStringList &tags)
{
    const QStringList clean = cleanTags(tags);
    return inTransaction([&]() -> Status {
        auto del = m_db.prepare("DELETE FROM evidence_tags WHERE evidence_id = ?");
        auto ins = m_db.prepare("INSERT INTO evidence_tags(evidence_id, tag) VALUES (?, ?)");
        if (!del || !ins)
            return dbError(m_db, tr("Cannot change tags"));
        del->bind(1, qint64(evidenceId));
        if (!del->run())
            return dbError(m_db, tr("Cannot change tags"));
        for (const QString &t : clean) {
            ins->bind(1, qint64(evidenceId));
            ins->bind(2, t);
            if (!ins->run())
                return dbError(m_db, tr("Cannot change tags"));
        }
        auto seq = journal::append(m_db, m_author, QStringLiteral("evidence.tags_changed"),
                                   { { QStringLiteral("evidence_id"), qint64(evidenceId) }, { QStringLiteral("tags"), QJsonArray::fromStringList(clean) } });
        return seq ? ok() : Status(seq.error());
    });
}

Result<QVector<EvidenceItem>> CaseStore::evidence(int64_t caseId, bool includeRemoved) const
{
    QVector<EvidenceItem> out;
    auto st = readEvidence(m_db, caseId, { includeRemoved, false }, [&](const EvidenceItem &e) {
        out.push_back(e);
        return true;
    });
    if (!st)
        return st.error();
    return out;
}

Status CaseStore::readEvidence(const SqliteDb &db, int64_t caseId, const EvidenceReading &how,
                               const std::function<bool(const EvidenceItem &)> &sink)
{
    const QByteArray sql =
        QByteArray("SELECT e.id, e.kind, e.record_rowid, e.tenant_id, e.record_key, e.archive_sha256, e.content_sha256, e.comment, "
                   "coalesce(e.query, ''), e.added_by, e.added_at, coalesce(e.removed_by, ''), coalesce(e.removed_at, ''), "
                   "coalesce(ev.ts_utc_ms, tx.ts_utc_ms), coalesce(ev.ts_offset_s, tx.ts_offset_s), CASE e.kind WHEN 'event' THEN ")
        + (how.actorWithName ? "ev.actor || coalesce(' (' || ev.actor_name || ')', '')" : "ev.actor")
        + " ELSE coalesce(tx.debtor_name, tx.debtor_account, '') || ' → ' || coalesce(tx.creditor_name, tx.creditor_account, '') END, "
          "CASE e.kind WHEN 'event' THEN ev.action || ' (' || ev.outcome || ')' ELSE coalesce(tx.reference, '') END, "
          "coalesce(tx.amount_e4, 0), coalesce(tx.currency, ''), "
          "(SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM evidence_tags t WHERE t.evidence_id = e.id ORDER BY tag)) "
          "FROM evidence e "
          "LEFT JOIN events ev ON e.kind = 'event' AND ev.id = e.record_rowid "
          "LEFT JOIN transactions tx ON e.kind = 'transaction' AND tx.id = e.record_rowid "
          "WHERE e.case_id = ? AND (? OR e.removed_at IS NULL) "
          "ORDER BY coalesce(ev.ts_utc_ms, tx.ts_utc_ms), e.id";
    auto q = db.prepare(sql);
    if (!q)
        return q.error();
    q->bind(1, qint64(caseId));
    q->bind(2, qint64(how.includeRemoved ? 1 : 0));
    EvidenceItem e;
    e.caseId = caseId;
    for (;;) {
        const auto r = q->step();
        if (r == Statement::StepResult::Done)
            return ok();
        if (r != Statement::StepResult::Row)
            return Error(Error::Code::Database, tr("Cannot read the evidence"), db.lastError());
        e.id = q->columnInt(0);
        parseRecordKind(q->columnText(1), e.kind);
        e.recordRowid = q->columnInt(2);
        e.tenant = q->columnText(3);
        e.recordKey = q->columnText(4);
        e.archiveSha256 = q->columnText(5);
        e.contentSha256 = q->columnText(6);
        e.comment = q->columnText(7);
        e.query = q->columnText(8);
        e.addedBy = q->columnText(9);
        e.addedAt = q->columnText(10);
        e.removedBy = q->columnText(11);
        e.removedAt = q->columnText(12);
        e.utcMs = q->columnInt(13);
        e.offsetSeconds = int(q->columnInt(14));
        e.who = q->columnText(15);
        e.what = q->columnText(16);
        e.amountE4 = q->columnInt(17);
        e.currency = q->columnText(18);
        e.tags = q->columnIsNull(19) ? QStringList() : q->columnText(19).split(QChar(31));
        if (!sink(e))
            return ok();
    }
}

Result<int64_t> CaseStore::addNote(int64_t caseId, const QString &markdown)
{
    if (markdown.trimmed().isEmpty())
        return Error(Error::Code::Usage, tr("A note needs text"));
    int64_t noteId = 0;
    auto st = inTransaction([&]() -> Status {
        if (auto c = caseById(caseId); !c)
            return c.error();
        const QString at = now();
        auto n = m_db.prepare("INSERT INTO notes(case_id, created_by, created_at) VALUES (?,?,?)");
        if (!n)
            return n.error();
        n->bind(1, qint64(caseId));
        n->bind(2, m_author);
        n->bind(3, at);
        if (!n->run())
            return dbError(m_db, tr("Cannot add the note"));
        noteId = m_db.lastInsertRowId();
        auto seq = journal::append(m_db, m_author, QStringLiteral("note.added"),
                                   { { QStringLiteral("case_id"), qint64(caseId) }, { QStringLiteral("note_id"), qint64(noteId) },
                                     { QStringLiteral("revision"), 1 }, { QStringLiteral("text"), markdown } });
        if (!seq)
            return seq.error();
        auto r = m_db.prepare("INSERT INTO note_revisions(note_id, revision, text, author, created_at, journal_seq) VALUES (?,1,?,?,?,?)");
        if (!r)
            return r.error();
        r->bind(1, qint64(noteId));
        r->bind(2, markdown);
        r->bind(3, m_author);
        r->bind(4, at);
        r->bind(5, qint64(*seq));
        if (!r->run())
            return dbError(m_db, tr("Cannot add the note"));
        return touch(caseId);
    });
    if (!st)
        return st.error();
    return noteId;
}

Status CaseStore::reviseNote(int64_t noteId, const QString &markdown)
{
    if (markdown.trimmed().isEmpty())
        return Error(Error::Code::Usage, tr("A note needs text"));
    return inTransaction([&]() -> Status {
        auto q = m_db.prepare("SELECT n.case_id, coalesce(max(r.revision), 0) FROM notes n LEFT JOIN note_revisions r ON r.note_id = n.id WHERE n.id = ? GROUP BY n.id");
        if (!q)
            return q.error();
        q->bind(1, qint64(noteId));
        if (q->step() != Statement::StepResult::Row)
            return Error(Error::Code::Usage, tr("No note with id %1").arg(noteId));
        const int64_t caseId = q->columnInt(0);
        const int revision = int(q->columnInt(1)) + 1;
        auto seq = journal::append(m_db, m_author, QStringLiteral("note.revised"),
                                   { { QStringLiteral("case_id"), qint64(caseId) }, { QStringLiteral("note_id"), qint64(noteId) },
                                     { QStringLiteral("revision"), revision }, { QStringLiteral("text"), markdown } });
        if (!seq)
            return seq.error();
        auto r = m_db.prepare("INSERT INTO note_revisions(note_id, revision, text, author, created_at, journal_seq) VALUES (?,?,?,?,?,?)");
        if (!r)
            return r.error();
        r->bind(1, qint64(noteId));
        r->bind(2, qint64(revision));
        r->bind(3, markdown);
        r->bind(4, m_author);
        r->bind(5, now());
        r->bind(6, qint64(*seq));
        if (!r->run())
            return dbError(m_db, tr("Cannot revise the note"));
        return touch(caseId);
    });
}

Result<QVector<NoteRevision>> CaseStore::notes(int64_t caseId) const
{
    auto q = m_db.prepare("SELECT r.note_id, r.revision, r.text, r.author, r.created_at FROM note_revisions r "
                          "JOIN notes n ON n.id = r.note_id WHERE n.case_id = ? AND r.revision = "
                          "(SELECT max(revision) FROM note_revisions x WHERE x.note_id = r.note_id) ORDER BY r.note_id");
    if (!q)
        return q.error();
    q->bind(1, qint64(caseId));
    QVector<NoteRevision> out;
    while (q->step() == Statement::StepResult::Row)
        out.push_back({ q->columnInt(0), int(q->columnInt(1)), q->columnText(2), q->columnText(3), q->columnText(4) });
    return out;
}

Result<QVector<NoteRevision>> CaseStore::noteHistory(int64_t noteId) const
{
    auto q = m_db.prepare("SELECT note_id, revision, text, author, created_at FROM note_revisions WHERE note_id = ? ORDER BY revision");
    if (!q)
        return q.error();
    q->bind(1, qint64(noteId));
    QVector<NoteRevision> out;
    while (q->step() == Statement::StepResult::Row)
        out.push_back({ q->columnInt(0), int(q->columnInt(1)), q->columnText(2), q->columnText(3), q->columnText(4) });
    return out;
}

Result<int64_t> CaseStore::journalExport(int64_t caseId, const QString &what, const QJsonObject &details)
{
    QJsonObject payload = details;
    payload.insert(QStringLiteral("case_id"), qint64(caseId));
    return journal::appendStandalone(m_db, m_author, what, payload);
}

} // namespace casebook
