// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "searchservice.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <memory>
#include <optional>

class QAction;
class QComboBox;
class QCompleter;
class QDialog;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QPushButton;
class QStringListModel;
class QTableView;
class QTabWidget;
class QToolButton;

namespace casebook {

class LinkedEntitiesModel;
class SearchResultModel;
class SqliteDb;

/// One search box over every institution: hits with per-institution and per-kind counts, sortable by
/// time or amount, "Search everywhere" on any entity, and the entities seen at several institutions.
///
/// Queries are parsed on the GUI thread (a syntax error shows at once, with its position); counting,
/// facets and every page of hits run on SearchResultModel's worker threads with their own read-only
/// connections. While a search runs a busy bar and a Stop button show. Typing pauses start a search
/// too (a newer one drops the results of older ones). Saved searches and the history live in the
/// workspace (saved_searches, search_history) and are written through the connection given to
/// setWorkspace(). GUI thread only.
class SearchPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SearchPanel(QWidget *parent = nullptr);
    ~SearchPanel() override;

    /// The workspace to search (`path`, opened read-only by the workers) and its read-write connection
    /// `db` for saved searches and history (not owned; null with an empty path: no workspace).
    void setWorkspace(const QString &path, SqliteDb *db);
    /// Runs a query (the box, "Search everywhere", a saved search or the history) and records it in the
    /// history when it finishes, with its hit count. Returns false on a syntax error, which is shown
    /// under the box with its position (nothing else changes); otherwise true at once, and finished()
    /// follows when the first page and the counts are in.
    bool search(const QString &query);
    /// Stops the running search (keeps the hits loaded so far).
    void stop();
    bool isBusy() const;
    void setTimeZone(const QTimeZone &zone) { m_zone = zone; }
    void refreshLinked();

    /// Saves `query` as `name`. An existing name is replaced only with `overwrite`; otherwise the
    /// result is Error::Code::AlreadyPresent.
    Status saveSearch(const QString &name, const QString &query, bool overwrite);
    Status deleteSavedSearch(const QString &name);
    QVector<SavedSearch> savedSearches() const;
    /// Recent queries, newest first, distinct (also the search box's completions).
    QStringList history() const;
    /// The menu of saved searches (run one; Delete ▸) and recent queries, rebuilt when shown.
    QMenu *savedMenu() const { return m_savedMenu; }
    void rebuildSavedMenu();

    /// "Timeline: only these hits" (checkable).
    QAction *timelineHitsAction() const { return m_timelineHits; }
    /// The search the timeline should plot (the current one while the action is checked), or nullopt.
    std::optional<CompiledSearch> timelineSearch() const;

    /// The query language with examples, as shown by the "?" button and Help ▸ Search Syntax.
    static QString helpHtml();
    /// Example queries of the help (query, what it finds); every one parses.
    static QVector<std::pair<QString, QString>> helpExamples();
    void showHelp();
    QDialog *helpDialog() const;

    SearchResultModel *results() const { return m_results.get(); }
    LinkedEntitiesModel *linked() const { return m_linked; }
    QTableView *resultView() const { return m_view; }
    QLineEdit *searchBox() const { return m_box; }
    QCompleter *completer() const { return m_completer; }
    QPushButton *stopButton() const { return m_stop; }
    QProgressBar *busyIndicator() const { return m_busy; }
    QString errorText() const;
    QString countsText() const;

Q_SIGNALS:
    /// A hit was selected: show it (kind 0 event, 1 transaction; row id in events/transactions).
    void hitSelected(int kind, qint64 rowId);
    /// The selected hit's instant (UTC ms), for the timeline.
    void hitInstantSelected(qint64 utcMs);
    /// The user asked to add the selected hits to the current case.
    void addToCaseRequested(const QVector<qint64> &eventRowIds, const QVector<qint64> &transactionRowIds, const QString &query);
    /// timelineSearch() changed (a new search while the action is checked, or the action toggled).
    void timelineSearchChanged();
    /// The search started last has its first page and counts, failed, or was stopped.
    void finished();
    /// The linked entities (refreshLinked()) are loaded, or failed to load (shown as an error).
    void linkedLoaded();

private:
    bool run(const QString &query, bool record);
    void runFromBox();
    void onFinished(quint64 generation);
    void updateCounts();
    void refreshHistory();
    /// Writes the searches run but not yet in the history (oldest first). Another task writing the
    /// workspace (an import) keeps them pending and a timer tries again: the window never waits for
    /// it, and no search is lost from the history.
    void flushHistory();
    void saveFromBox();
    void showMenu(const QPoint &pos);
    void showError(const QString &text);

    SqliteDb *m_db = nullptr;
    QString m_path;
    quint64 m_linkedGeneration = 0; ///< refreshLinked() calls; an older load's result is dropped
    std::unique_ptr<SearchResultModel> m_results;
    LinkedEntitiesModel *m_linked = nullptr;
    QTimeZone m_zone = QTimeZone::utc();
    QString m_lastQuery; ///< the query of the search shown
    QString m_lastZone; ///< the zone it was compiled in
    bool m_recordOnFinish = false;
    struct PendingHistory
    {
        QString query, runAt;
        int64_t hits;
    };
    QVector<PendingHistory> m_pendingHistory; ///< searches not yet written (workspace busy)
    QTimer m_historyRetry;
    QTimer m_live; ///< a pause in typing starts a search
    QLineEdit *m_box = nullptr;
    QCompleter *m_completer = nullptr;
    QStringListModel *m_historyModel = nullptr;
    QComboBox *m_sort = nullptr;
    QPushButton *m_stop = nullptr;
    QProgressBar *m_busy = nullptr;
    QToolButton *m_savedButton = nullptr;
    QMenu *m_savedMenu = nullptr;
    QAction *m_timelineHits = nullptr;
    QPointer<QDialog> m_help;
    QLabel *m_error = nullptr;
    QLabel *m_counts = nullptr;
    QTableView *m_view = nullptr;
    QTableView *m_linkedView = nullptr;
    QTabWidget *m_tabs = nullptr;
};

} // namespace casebook
