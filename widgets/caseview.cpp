// SPDX-License-Identifier: GPL-3.0-or-later
#include "caseview.h"

#include "sqlitedb.h"

#include <QComboBox>
#include <QScopeGuard>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QUndoCommand>
#include <QVBoxLayout>

namespace casebook {

/// Adding or removing evidence. Redo/undo are journaled store operations: undoing an addition
/// removes the items, undoing a removal restores them (the journal keeps both steps).
/// An undoable change to a case. CaseView runs it once before it goes on the undo stack, and pushes
/// it only when that worked: a change the workspace refused (an import holding the write lock) leaves
/// nothing to undo.
class CaseCommand : public QUndoCommand
{
public:
    void redo() final
    {
        if (m_skipRedo) { // QUndoStack::push() calls redo(); the change is already made
            m_skipRedo = false;
            return;
        }
        m_ok = apply(true);
    }
    void undo() final { apply(false); }
    /// Makes the change; true when it was written.
    bool runFirst()
    {
        m_ok = apply(true);
        m_skipRedo = m_ok;
        return m_ok;
    }

protected:
    /// Makes (forward) or reverts the change; true when every write worked.
    virtual bool apply(bool forward) = 0;

private:
    bool m_ok = true;
    bool m_skipRedo = false;
};

class EvidenceCommand : public CaseCommand
{
public:
    enum class Op { Add, Remove };
    EvidenceCommand(CaseView *view, Op op, RecordKind kind, QVector<int64_t> rowids, QVector<int64_t> evidenceIds, QString comment,
                    QString query = {})
        : m_view(view)
        , m_op(op)
        , m_kind(kind)
        , m_rowids(std::move(rowids))
        , m_ids(std::move(evidenceIds))
        , m_comment(std::move(comment))
        , m_query(std::move(query))
        , m_caseId(view->caseId())
    {
        setText(op == Op::Add ? QObject::tr("Add %n evidence item(s)", nullptr, int(m_rowids.size()))
                              : QObject::tr("Remove %n evidence item(s)", nullptr, int(m_ids.size())));
    }

protected:
    bool apply(bool forward) override
    {
        CaseStore store(*m_view->m_db, m_view->m_author);
        bool ok = true;
        if (forward && m_op == Op::Add && m_ids.isEmpty()) { // first time: create the items
            auto added = store.addEvidence(m_caseId, m_kind, m_rowids, m_comment, m_query);
            ok = m_view->check(added ? casebook::ok() : Status(added.error()));
            if (added)
                m_ids = *added;
        } else {
            // Adding forward after an undo restores the same items; removing forward removes them.
            const bool restore = (m_op == Op::Add) == forward;
            for (int64_t id : m_ids)
                ok = m_view->check(restore ? store.restoreEvidence(m_caseId, id) : store.removeEvidence(m_caseId, id)) && ok;
        }
        m_view->refresh();
        return ok;
    }

private:
    CaseView *m_view;
    Op m_op;
    RecordKind m_kind;
    QVector<int64_t> m_rowids;
    QVector<int64_t> m_ids;
    QString m_comment;
    QString m_query;
    int64_t m_caseId;
};

/// A note revision. Undo writes the previous text back as a further revision: history only grows.
class NoteCommand : public CaseCommand
{
public:
    NoteCommand(CaseView *view, int64_t noteId, QString before, QString after)
        : m_view(view)
        , m_noteId(noteId)
        , m_before(std::move(before))
        , m_after(std::move(after))
    {
        setText(QObject::tr("Edit note %1").arg(noteId));
    }

protected:
    bool apply(bool forward) override
    {
        CaseStore store(*m_view->m_db, m_view->m_author);
        const bool ok = m_view->check(store.reviseNote(m_noteId, forward ? m_after : m_before));
        m_view->refresh();
        return ok;
    }

private:
    CaseView *m_view;
    int64_t m_noteId;
    QString m_before, m_after;
};

CaseView::CaseView(QWidget *parent)
    : QWidget(parent)
    , m_evidence(new EvidenceModel(this))
{
    auto *layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::RichText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_meta = new QLabel(this);
    m_meta->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_title);
    layout->addWidget(m_meta);

    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Status:"), this));
    m_status = new QComboBox(this);
    m_status->addItem(tr("open"), QStringLiteral("open|"));
    m_status->addItem(tr("under review"), QStringLiteral("under_review|"));
    m_status->addItem(tr("closed: no finding"), QStringLiteral("closed|no_finding"));
    m_status->addItem(tr("closed: finding"), QStringLiteral("closed|finding"));
    m_status->addItem(tr("closed: referred"), QStringLiteral("closed|referred"));
    row->addWidget(m_status);
    row->addSpacing(16);
    row->addWidget(new QLabel(tr("Tags:"), this));
    m_tags = new QLineEdit(this);
    m_tags->setPlaceholderText(tr("comma-separated, e.g. aml, insider"));
    row->addWidget(m_tags, 1);
    layout->addLayout(row);
    connect(m_status, &QComboBox::activated, this, &CaseView::statusEdited);
    connect(m_tags, &QLineEdit::editingFinished, this, [this] {
        if (!m_loading && m_caseId)
            setTags(m_tags->text().split(u',', Qt::SkipEmptyParts));
    });

    auto *split = new QSplitter(Qt::Vertical, this);
    m_evidenceView = new QTableView(split);
    m_evidenceView->setModel(m_evidence);
    m_evidenceView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_evidenceView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_evidenceView->verticalHeader()->hide();
    m_evidenceView->setWordWrap(false);
    m_evidenceView->verticalHeader()->setDefaultSectionSize(m_evidenceView->fontMetrics().height() + 6);
    m_evidenceView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_evidenceView->horizontalHeader()->setStretchLastSection(true);
    m_evidenceView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_evidenceView, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        QMenu menu(this);
        menu.addAction(tr("Remove from Case"), this, &CaseView::removeSelected);
        menu.addAction(tr("Tag…"), this, [this] {
            const QModelIndex cur = m_evidenceView->currentIndex();
            if (!cur.isValid() || !m_db)
                return;
            bool accepted = false;
            const QString text = QInputDialog::getText(this, tr("Evidence tags"), tr("Tags (comma-separated):"), QLineEdit::Normal,
                                                       cur.siblingAtColumn(EvidenceModel::TagsColumn).data().toString(), &accepted);
            if (accepted) {
                CaseStore store(*m_db, m_author);
                check(store.setEvidenceTags(cur.data(EvidenceModel::EvidenceIdRole).toLongLong(), text.split(u',', Qt::SkipEmptyParts)));
                refresh();
            }
        });
        menu.exec(m_evidenceView->viewport()->mapToGlobal(pos));
    });

    auto *notesBox = new QWidget(split);
    auto *nl = new QVBoxLayout(notesBox);
    nl->setContentsMargins(0, 0, 0, 0);
    auto *buttons = new QHBoxLayout;
    auto *addNote = new QPushButton(tr("Add Note…"), notesBox);
    auto *edit = new QPushButton(tr("Edit Latest Note…"), notesBox);
    auto *history = new QPushButton(tr("History…"), notesBox);
    buttons->addWidget(new QLabel(tr("<b>Notes</b>"), notesBox));
    buttons->addStretch(1);
    buttons->addWidget(addNote);
    buttons->addWidget(edit);
    buttons->addWidget(history);
    nl->addLayout(buttons);
    m_notes = new QTextBrowser(notesBox);
    m_notes->setOpenExternalLinks(false);
    nl->addWidget(m_notes);
    connect(addNote, &QPushButton::clicked, this, [this] {
        bool accepted = false;
        // A note that could not be saved (the workspace was busy) comes back as the draft.
        const QString md = QInputDialog::getMultiLineText(this, tr("Add Note"), tr("Note (Markdown):"), m_noteDraft, &accepted);
        if (accepted && md.trimmed().isEmpty())
            m_noteDraft.clear();
        else if (accepted)
            this->addNote(md);
    });
    connect(edit, &QPushButton::clicked, this, &CaseView::editNote);
    connect(history, &QPushButton::clicked, this, &CaseView::showHistory);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);
    setEnabled(false);
}

CaseView::~CaseView() = default;

void CaseView::setWorkspace(SqliteDb *db, const QString &author)
{
    m_db = db;
    m_author = author;
    m_undo.clear();
    setCase(0);
}

void CaseView::setCase(int64_t caseId)
{
    if (caseId != m_caseId) {
        m_undo.clear(); // undo history and unsaved drafts belong to one case
        m_noteDraft.clear();
        m_editDraft = {};
    }
    m_caseId = caseId;
    refresh();
}

void CaseView::setDisplayZone(const DisplayZone &zone) { m_evidence->setDisplayZone(zone); }

bool CaseView::check(const Status &st)
{
    if (!st)
        Q_EMIT errorOccurred(st.error().text());
    return bool(st);
}

void CaseView::refresh()
{
    m_loading = true;
    const auto done = qScopeGuard([this] { m_loading = false; });
    if (!m_db || m_caseId == 0) {
        setEnabled(false);
        m_title->setText(tr("<h2>No case selected</h2>"));
        m_meta->clear();
        m_evidence->setItems({});
        m_notes->clear();
        Q_EMIT evidenceInstantsChanged({});
        return;
    }
    CaseStore store(*m_db, m_author);
    auto c = store.caseById(m_caseId);
    auto ev = store.evidence(m_caseId);
    auto notes = store.notes(m_caseId);
    if (!c || !ev || !notes) {
        Q_EMIT errorOccurred(!c ? c.error().text() : !ev ? ev.error().text() : notes.error().text());
        return;
    }
    setEnabled(true);
    m_title->setText(QStringLiteral("<h2>%1 · %2</h2>").arg(c->ref.toHtmlEscaped(), c->title.toHtmlEscaped()));
    m_meta->setText(tr("Owner %1 · created %2 · updated %3 · %4 evidence items%5")
                        .arg(c->owner, c->createdAt.left(19).replace(u'T', u' '), c->updatedAt.left(19).replace(u'T', u' '))
                        .arg(c->evidenceCount)
                        .arg(c->description.isEmpty() ? QString() : u"\n" + c->description));
    const QString key = c->status + u'|' + c->outcome;
    m_status->setCurrentIndex(std::max(0, m_status->findData(key)));
    m_tags->setText(c->tags.join(QStringLiteral(", ")));
    m_evidence->setItems(*ev);
    m_evidenceView->resizeColumnsToContents();
    for (int c = 0; c < EvidenceModel::ColumnCount; ++c)
        m_evidenceView->setColumnWidth(c, std::min(m_evidenceView->columnWidth(c), 260));
    m_noteList = *notes;
    QString md;
    for (const NoteRevision &n : m_noteList)
        md += QStringLiteral("%1\n\n*— %2, %3 (revision %4)*\n\n---\n\n").arg(n.text, n.author, n.createdAt.left(19).replace(u'T', u' ')).arg(n.revision);
    m_notes->setMarkdown(md.isEmpty() ? tr("*No notes yet.*") : md);
    QVector<qint64> instants;
    for (const EvidenceItem &e : *ev)
        instants << e.utcMs;
    Q_EMIT evidenceInstantsChanged(instants);
    Q_EMIT caseChanged(m_caseId);
}

bool CaseView::runAndPush(std::unique_ptr<CaseCommand> cmd)
{
    if (!cmd->runFirst())
        return false; // refused: nothing to undo
    m_undo.push(cmd.release());
    Q_EMIT changeSaved();
    return true;
}

bool CaseView::addEvidence(RecordKind kind, const QVector<int64_t> &rowids, const QString &comment, const QString &query)
{
    if (!m_db || !m_caseId || rowids.isEmpty())
        return false;
    return runAndPush(std::make_unique<EvidenceCommand>(this, EvidenceCommand::Op::Add, kind, rowids, QVector<int64_t>(), comment, query));
}

bool CaseView::removeEvidence(const QVector<int64_t> &evidenceIds)
{
    if (!m_db || !m_caseId || evidenceIds.isEmpty())
        return false;
    return runAndPush(std::make_unique<EvidenceCommand>(this, EvidenceCommand::Op::Remove, RecordKind::Event, QVector<int64_t>(), evidenceIds, QString()));
}

void CaseView::removeSelected()
{
    QVector<int64_t> ids;
    for (const QModelIndex &i : m_evidenceView->selectionModel()->selectedRows())
        ids << i.data(EvidenceModel::EvidenceIdRole).toLongLong();
    removeEvidence(ids);
}

bool CaseView::addNote(const QString &markdown)
{
    if (!m_db || !m_caseId)
        return false;
    CaseStore store(*m_db, m_author);
    auto n = store.addNote(m_caseId, markdown);
    refresh();
    if (!n) {
        m_noteDraft = markdown; // Add Note… offers it again
        Q_EMIT errorOccurred(tr("The note was not saved; Add Note… offers it again. %1").arg(n.error().text()));
        return false;
    }
    m_noteDraft.clear();
    Q_EMIT changeSaved();
    return true;
}

bool CaseView::reviseNote(int64_t noteId, const QString &markdown)
{
    if (!m_db)
        return false;
    QString before;
    for (const NoteRevision &n : m_noteList)
        if (n.noteId == noteId)
            before = n.text;
    if (before == markdown)
        return true;
    const bool saved = runAndPush(std::make_unique<NoteCommand>(this, noteId, before, markdown));
    // A revision that could not be saved comes back when this note is edited again.
    m_editDraft = saved ? std::pair<int64_t, QString>() : std::pair<int64_t, QString>(noteId, markdown);
    return saved;
}

void CaseView::editNote()
{
    if (m_noteList.isEmpty())
        return;
    const NoteRevision n = m_noteList.constLast();
    bool accepted = false;
    const QString start = m_editDraft.first == n.noteId ? m_editDraft.second : n.text;
    const QString md = QInputDialog::getMultiLineText(this, tr("Edit Note"), tr("Note (Markdown); saving makes a new revision:"), start, &accepted);
    if (accepted && !md.trimmed().isEmpty())
        reviseNote(n.noteId, md);
}

void CaseView::showHistory()
{
    if (!m_db || m_noteList.isEmpty())
        return;
    CaseStore store(*m_db, m_author);
    QString md;
    for (const NoteRevision &n : m_noteList) {
        auto h = store.noteHistory(n.noteId);
        if (!h)
            continue;
        md += tr("## Note %1\n\n").arg(n.noteId);
        for (const NoteRevision &r : *h)
            md += tr("### Revision %1 — %2, %3\n\n%4\n\n").arg(r.revision).arg(r.author, r.createdAt, r.text);
    }
    QDialog dlg(this);
    dlg.setWindowTitle(tr("Note history"));
    auto *l = new QVBoxLayout(&dlg);
    auto *b = new QTextBrowser(&dlg);
    b->setMarkdown(md);
    l->addWidget(b);
    auto *bb = new QDialogButtonBox(QDialogButtonBox::Close, &dlg);
    connect(bb, &QDialogButtonBox::rejected, &dlg, &QDialog::reject);
    l->addWidget(bb);
    dlg.resize(700, 500);
    dlg.exec();
}

void CaseView::statusEdited()
{
    if (m_loading || !m_caseId)
        return;
    const QStringList parts = m_status->currentData().toString().split(u'|');
    setStatus(parts.value(0), parts.value(1));
}

bool CaseView::setStatus(const QString &status, const QString &outcome)
{
    if (!m_db || !m_caseId)
        return false;
    CaseStore store(*m_db, m_author);
    const bool ok = check(store.setStatus(m_caseId, status, outcome));
    refresh();
    return ok;
}

bool CaseView::setTags(const QStringList &tags)
{
    if (!m_db || !m_caseId)
        return false;
    CaseStore store(*m_db, m_author);
    const bool ok = check(store.setCaseTags(m_caseId, tags));
    refresh();
    return ok;
}

} // namespace casebook
