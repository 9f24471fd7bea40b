// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "casemodels.h"

#include <QUndoStack>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTextBrowser;

namespace casebook {

class SqliteDb;
class CaseCommand;

/// One case: title, status and outcome, tags, its evidence and its notes (Markdown, rendered, with
/// revision history). Evidence and note edits go through a QUndoStack; every change (including an
/// undo) is a journaled CaseStore operation. GUI thread only.
class CaseView : public QWidget
{
    Q_OBJECT
public:
    explicit CaseView(QWidget *parent = nullptr);
    ~CaseView() override;

    /// The write connection (not owned) and the investigator recorded with every change.
    void setWorkspace(SqliteDb *db, const QString &author);
    void setCase(int64_t caseId);
    int64_t caseId() const { return m_caseId; }
    void setDisplayZone(const DisplayZone &zone);

    QUndoStack *undoStack() { return &m_undo; }
    EvidenceModel *evidenceModel() const { return m_evidence; }
    QTableView *evidenceView() const { return m_evidenceView; }
    QTextBrowser *notesView() const { return m_notes; }

    /// Adds records as evidence (undoable). Returns false and emits errorOccurred on failure.
    bool addEvidence(RecordKind kind, const QVector<int64_t> &rowids, const QString &comment, const QString &query = {});
    bool removeEvidence(const QVector<int64_t> &evidenceIds);
    bool addNote(const QString &markdown);
    /// A new revision of a note (undoable: undo writes the previous text as a further revision).
    bool reviseNote(int64_t noteId, const QString &markdown);
    bool setStatus(const QString &status, const QString &outcome);
    bool setTags(const QStringList &tags);
    /// Re-reads the case from the workspace.
    void refresh();

Q_SIGNALS:
    void caseChanged(qint64 caseId);
    void errorOccurred(const QString &message);
    /// A change the user made was written (after an errorOccurred(), the error is over).
    void changeSaved();
    /// Evidence instants (UTC ms) of the current case, for timeline markers.
    void evidenceInstantsChanged(const QVector<qint64> &utcMs);

private:
    friend class EvidenceCommand;
    friend class NoteCommand;
    /// Runs a change; it goes on the undo stack only when it was written.
    bool runAndPush(std::unique_ptr<CaseCommand> cmd);
    bool check(const Status &st);
    void statusEdited();
    void editNote();
    void showHistory();
    void removeSelected();

    SqliteDb *m_db = nullptr;
    QString m_author;
    QString m_noteDraft; ///< a new note that could not be saved, offered again by Add Note
    std::pair<int64_t, QString> m_editDraft; ///< a revision that could not be saved: note id, text
    int64_t m_caseId = 0;
    QUndoStack m_undo;
    EvidenceModel *m_evidence = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_meta = nullptr;
    QComboBox *m_status = nullptr;
    QLineEdit *m_tags = nullptr;
    QTableView *m_evidenceView = nullptr;
    QTextBrowser *m_notes = nullptr;
    QVector<NoteRevision> m_noteList;
    bool m_loading = false;
};

} // namespace casebook
