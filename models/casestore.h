// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <functional>

#include "error.h"
#include "recordquery.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <cstdint>

namespace casebook {

class SqliteDb;

struct CaseSummary
{
    int64_t id = 0;
    QString ref; ///< "C-0001"
    QString title, description;
    QString status; ///< open | under_review | closed
    QString outcome; ///< empty, or no_finding | finding | referred
    QString owner, createdAt, updatedAt;
    QStringList tags;
    int64_t evidenceCount = 0; ///< live (not removed) items
    int64_t noteCount = 0;
};

struct EvidenceItem
{
    int64_t id = 0;
    int64_t caseId = 0;
    RecordKind kind = RecordKind::Event;
    int64_t recordRowid = 0;
    QString tenant, recordKey, archiveSha256, contentSha256;
    QString comment, query, addedBy, addedAt, removedBy, removedAt;
    QStringList tags;
    // From the record, for display and reports:
    int64_t utcMs = 0;
    int offsetSeconds = 0;
    QString who; ///< actor (events) or "debtor → creditor" (transactions)
    QString what; ///< action + outcome (events) or reference (transactions)
    int64_t amountE4 = 0;
    QString currency; ///< empty for events
    bool removed() const { return !removedAt.isEmpty(); }
};

struct NoteRevision
{
    int64_t noteId = 0;
    int revision = 0;
    QString text; ///< Markdown
    QString author, createdAt;
};

/// Cases, evidence, notes and tags of a workspace. Every change runs in one write transaction
/// together with its journal entry (journal.h), authored by `author`. Use from one thread.
class CaseStore
{
public:
    static const QStringList &statuses();
    static const QStringList &outcomes();

    CaseStore(SqliteDb &db, QString author);

    Result<CaseSummary> createCase(const QString &title, const QString &description = {});
    Result<QVector<CaseSummary>> listCases() const;
    /// By ref ("C-0001", case-insensitive) or numeric id.
    Result<CaseSummary> findCase(const QString &refOrId) const;
    Result<CaseSummary> caseById(int64_t id) const;
    Status updateCase(int64_t caseId, const QString &title, const QString &description);
    /// status must be one of statuses(); outcome is required for (and only for) "closed".
    Status setStatus(int64_t caseId, const QString &status, const QString &outcome = {});
    Status setCaseTags(int64_t caseId, const QStringList &tags);

    /// Adds records (by row id) as evidence, all in one transaction and one journal entry; records
    /// already live in the case are skipped. Returns the new evidence ids.
    Result<QVector<int64_t>> addEvidence(int64_t caseId, RecordKind kind, const QVector<int64_t> &rowids,
                                         const QString &comment = {}, const QString &query = {});
    Status removeEvidence(int64_t caseId, int64_t evidenceId);
    /// Undoes a removal (journaled as such).
    Status restoreEvidence(int64_t caseId, int64_t evidenceId);
    Status setEvidenceTags(int64_t evidenceId, const QStringList &tags);
    Result<QVector<EvidenceItem>> evidence(int64_t caseId, bool includeRemoved = false) const;

    struct EvidenceReading
    {
        bool includeRemoved = false;
        bool actorWithName = false; ///< `who` of an event: "actor (actor name)" (reports) instead of the actor
    };
    /// Streams a case's evidence in time order to `sink` (false stops), one item in memory at a time;
    /// evidence() and the reports read through it.
    static Status readEvidence(const SqliteDb &db, int64_t caseId, const EvidenceReading &how,
                               const std::function<bool(const EvidenceItem &)> &sink);

    Result<int64_t> addNote(int64_t caseId, const QString &markdown);
    /// A new revision of the note (the history stays).
    Status reviseNote(int64_t noteId, const QString &markdown);
    /// Latest revision of each note of the case, oldest note first.
    Result<QVector<NoteRevision>> notes(int64_t caseId) const;
    Result<QVector<NoteRevision>> noteHistory(int64_t noteId) const;

    /// Records an export (report or CSV) in the journal; returns the journal seq.
    Result<int64_t> journalExport(int64_t caseId, const QString &what, const QJsonObject &details);

private:
    template<typename F>
    Status inTransaction(F &&f);
    Status touch(int64_t caseId);

    SqliteDb &m_db;
    QString m_author;
};

} // namespace casebook
