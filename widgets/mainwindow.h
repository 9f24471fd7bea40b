// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "recordtablemodel.h"

#include <QJsonObject>
#include <QMainWindow>
#include <QTimer>

#include <memory>

class QComboBox;
class QLabel;
class QMenu;
class QSplitter;
class QTabWidget;
class QTableView;
class QTextBrowser;

namespace casebook {

class CaseListModel;
class CaseView;
class ImportDialog;
class QuarantineModel;
class Workspace;
class RecordView;
class SearchPanel;
class TimelineView;
class SqliteDb;
class TenantListModel;

/// The investigator's home: institutions on the left, the Events / Transactions / Quarantine grids in
/// the centre, the selected record's details on the right. GUI thread only.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum Tab { EventsTab, TransactionsTab, QuarantineTab, CaseTab, SearchTab };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens the workspace at `path`, replacing the current one. On failure the window keeps its
    /// previous state, shows the reason in the banner and returns the error.
    Status openWorkspace(const QString &path);
    QString workspacePath() const { return m_path; }
    /// Imports archives through the import dialog (asynchronous; see ImportDialog::importFinished).
    ImportDialog *importArchives(const QStringList &paths);

    TenantListModel *tenantModel() const { return m_tenants; }
    RecordTableModel *eventModel() const { return m_events; }
    RecordTableModel *transactionModel() const { return m_transactions; }
    QuarantineModel *quarantineModel() const { return m_quarantine; }
    RecordView *view(Tab tab) const;
    QTabWidget *tabs() const { return m_tabs; }
    QTextBrowser *detailPane() const { return m_detail; }
    QComboBox *zoneSelector() const { return m_zoneBox; }
    CaseListModel *caseModel() const { return m_cases; }
    CaseView *caseView() const { return m_caseView; }
    SearchPanel *searchPanel() const { return m_search; }
    TimelineView *timeline() const { return m_timeline; }
    /// Writes every row of the Events or Transactions grid (current institutions, time range and
    /// sort) to `path` as CSV, off the GUI thread; journals it. Returns false if it could not start.
    bool exportGridCsv(Tab tab, const QString &path);
    /// Exports the current case's report (asks for the file when `path` is empty).
    void exportCurrentCaseReport(const QString &path = {});
    /// Exports the current case's evidence as CSV to `path`, journaled. Synchronous (streamed).
    Status exportCurrentCaseCsv(const QString &path);
    /// Runs `query` in the Search tab ("Search everywhere").
    void searchEverywhere(const QString &query);
    /// Creates a case and makes it current; returns its id (0 on failure, reason in the banner).
    qint64 newCase(const QString &title, const QString &description = {});
    /// Makes `caseId` the current case (shown in the Case tab; target of "Add to Case").
    void selectCase(qint64 caseId);
    /// Adds the selected, loaded rows of the Events or Transactions grid to the current case.
    bool addSelectionToCase(Tab tab, const QString &comment);
    /// Adds every event and transaction in the timeline's selected range (and the selected
    /// institutions) to the current case. Returns the number of records added.
    int addTimelineSelectionToCase(const QString &comment);
    /// Runs the journal verification and shows the result; returns the one-line summary.
    QString verifyJournal();
    /// The message currently shown in the error banner (empty when hidden).
    QString bannerText() const;
    QString statusText() const;
    /// Sets the display zone from the selector's text ("UTC", "Institution's zone", an IANA id...).
    void setDisplayZone(const QString &text);

Q_SIGNALS:
    void workspaceOpened(const QString &path);
    void gridExported(const QString &path, qint64 rows);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildMenus();
    void newWorkspace();
    void openWorkspaceDialog();
    void importDialog(bool folders);
    void showBanner(const QString &text);
    void refreshInfo();
    void tenantSelectionChanged();
    void recordSelectionChanged(Tab tab);
    void showRecordDetail(RecordKind kind, qint64 rowid);
    void applyFilter();
    QTimeZone timelineZone() const;
    void updateStatus();
    void rememberRecent(const QString &path);
    void rebuildRecentMenu();
    void showQuarantine(qint64 archiveId);
    static QStringList droppableArchives(const QMimeData *mime);

    void refreshCases();
    void showGridMenu(Tab tab, const QPoint &pos);
    void editIdentity();
    /// Records a workspace-level action (verification run, grid export) in the journal. While another
    /// task holds the write lock (an import) the entry waits, with the time of the action in its
    /// payload ("at"), and is written as soon as the lock is free: no action goes unrecorded.
    void journalAction(const QString &action, QJsonObject payload);
    /// Writes the waiting journal entries; waits up to `busyMs` for the write lock.
    void flushJournal(int busyMs);
    /// Before the workspace connection goes away: the waiting entries get a last chance (5 s), and
    /// what still cannot be written is reported.
    void settleJournal();

    QString m_path;
    std::unique_ptr<Workspace> m_ws; ///< write connection for cases and notes
    CaseListModel *m_cases = nullptr;
    CaseView *m_caseView = nullptr;
    SearchPanel *m_search = nullptr;
    TimelineView *m_timeline = nullptr;
    RecordFilter m_filter; ///< institutions and time range the grids show
    QTableView *m_caseListView = nullptr;
    QLabel *m_statusJournal = nullptr;
    QString m_caseError; ///< the case view's last error, while the banner may show it
    struct PendingJournal
    {
        QString action;
        QJsonObject payload;
    };
    QVector<PendingJournal> m_pendingJournal; ///< actions not yet journaled (workspace busy)
    QTimer m_journalRetry;
    std::unique_ptr<SqliteDb> m_readDb; ///< detail lookups (primary-key reads)
    TenantListModel *m_tenants = nullptr;
    RecordTableModel *m_events = nullptr;
    RecordTableModel *m_transactions = nullptr;
    QuarantineModel *m_quarantine = nullptr;
    DisplayZone m_zone;
    QTableView *m_tenantView = nullptr;
    QTabWidget *m_tabs = nullptr;
    RecordView *m_views[3] = {}; ///< Events, Transactions, Quarantine
    QTextBrowser *m_detail = nullptr;
    QSplitter *m_splitter = nullptr;
    QComboBox *m_zoneBox = nullptr;
    QLabel *m_banner = nullptr;
    QLabel *m_statusPath = nullptr;
    QLabel *m_statusRows = nullptr;
    QLabel *m_statusSelection = nullptr;
    QMenu *m_recentMenu = nullptr;
};

} // namespace casebook
