// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "searchservice.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTabWidget;

namespace casebook {

class LinkedEntitiesModel;
class SearchResultModel;
class SqliteDb;

/// One search box over every institution: hits with per-institution and per-kind counts, sortable by
/// time or amount, "Search everywhere" on any entity, and the entities seen at several institutions.
/// GUI thread only; uses the workspace connection it is given (not owned).
class SearchPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SearchPanel(QWidget *parent = nullptr);
    ~SearchPanel() override;

    /// The connection to search (must have the search extensions registered, as Workspace does).
    void setDatabase(SqliteDb *db);
    /// Runs a query (also what "Search everywhere" calls). Returns false on a syntax error, which is
    /// shown under the box with its position.
    bool search(const QString &query);
    void setTimeZone(const QTimeZone &zone) { m_zone = zone; }
    void refreshLinked();

    SearchResultModel *results() const { return m_results.get(); }
    LinkedEntitiesModel *linked() const { return m_linked; }
    QTableView *resultView() const { return m_view; }
    QString errorText() const;
    QString countsText() const;

Q_SIGNALS:
    /// A hit was selected: show it (kind 0 event, 1 transaction; row id in events/transactions).
    void hitSelected(int kind, qint64 rowId);
    /// The user asked to add the selected hits to the current case.
    void addToCaseRequested(const QVector<qint64> &eventRowIds, const QVector<qint64> &transactionRowIds, const QString &query);

private:
    void runFromBox();
    void showMenu(const QPoint &pos);

    SqliteDb *m_db = nullptr;
    std::unique_ptr<SearchResultModel> m_results;
    LinkedEntitiesModel *m_linked = nullptr;
    QTimeZone m_zone = QTimeZone::utc();
    QString m_lastQuery;
    QLineEdit *m_box = nullptr;
    QComboBox *m_sort = nullptr;
    QLabel *m_error = nullptr;
    QLabel *m_counts = nullptr;
    QTableView *m_view = nullptr;
    QTableView *m_linkedView = nullptr;
    QTabWidget *m_tabs = nullptr;
};

} // namespace casebook
