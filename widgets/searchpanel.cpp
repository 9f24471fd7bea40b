// SPDX-License-Identifier: GPL-3.0-or-later
#include "searchpanel.h"

#include "linkedentitiesmodel.h"
#include "searchresultmodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace casebook {

SearchPanel::SearchPanel(QWidget *parent)
    : QWidget(parent)
    , m_linked(new LinkedEntitiesModel(this))
{
    auto *layout = new QVBoxLayout(this);
    auto *row = new QHBoxLayout;
    m_box = new QLineEdit(this);
    m_box->setPlaceholderText(tr("Search every institution, e.g.  王芳   account:GB33BUKB20201555555555   action:db.* outcome:denied   amount>=10000 last:30d"));
    m_box->setClearButtonEnabled(true);
    auto *go = new QPushButton(tr("Search"), this);
    m_sort = new QComboBox(this);
    m_sort->addItem(tr("Newest first"), int(SearchSort::TimeDesc));
    m_sort->addItem(tr("Oldest first"), int(SearchSort::TimeAsc));
    m_sort->addItem(tr("Largest amount"), int(SearchSort::AmountDesc));
    m_sort->addItem(tr("Smallest amount"), int(SearchSort::AmountAsc));
    row->addWidget(m_box, 1);
    row->addWidget(m_sort);
    row->addWidget(go);
    layout->addLayout(row);
    m_error = new QLabel(this);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #b00020; font-family: monospace; }"));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
    layout->addWidget(m_error);
    m_counts = new QLabel(this);
    m_counts->setWordWrap(true);
    layout->addWidget(m_counts);

    m_tabs = new QTabWidget(this);
    m_view = new QTableView(m_tabs);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->verticalHeader()->hide();
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, &SearchPanel::showMenu);
    m_tabs->addTab(m_view, tr("Hits"));

    auto *linkedBox = new QWidget(m_tabs);
    auto *ll = new QVBoxLayout(linkedBox);
    ll->setContentsMargins(0, 0, 0, 0);
    auto *refresh = new QPushButton(tr("Refresh"), linkedBox);
    auto *lh = new QHBoxLayout;
    lh->addWidget(new QLabel(tr("Accounts, IP addresses, actors and names seen at two or more institutions. Double-click to search everywhere."), linkedBox), 1);
    lh->addWidget(refresh);
    ll->addLayout(lh);
    auto *proxy = new QSortFilterProxyModel(this); // hundreds of rows at most
    proxy->setSourceModel(m_linked);
    proxy->setSortRole(LinkedEntitiesModel::SortRole);
    m_linkedView = new QTableView(linkedBox);
    m_linkedView->setModel(proxy);
    m_linkedView->setSortingEnabled(true);
    m_linkedView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_linkedView->verticalHeader()->hide();
    m_linkedView->horizontalHeader()->setStretchLastSection(true);
    ll->addWidget(m_linkedView);
    m_tabs->addTab(linkedBox, tr("Linked entities"));
    layout->addWidget(m_tabs, 1);

    connect(m_box, &QLineEdit::returnPressed, this, &SearchPanel::runFromBox);
    connect(go, &QPushButton::clicked, this, &SearchPanel::runFromBox);
    connect(m_sort, &QComboBox::activated, this, [this] {
        if (m_results && !m_lastQuery.isEmpty())
            m_results->setSort(SearchSort(m_sort->currentData().toInt()));
    });
    connect(refresh, &QPushButton::clicked, this, &SearchPanel::refreshLinked);
    connect(m_linkedView, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &i) {
        const QString q = i.data(LinkedEntitiesModel::SearchQueryRole).toString();
        if (!q.isEmpty()) {
            m_tabs->setCurrentIndex(0);
            search(q);
        }
    });
}

SearchPanel::~SearchPanel() = default;

void SearchPanel::setDatabase(SqliteDb *db)
{
    m_db = db;
    m_view->setModel(nullptr);
    m_results.reset();
    m_linked->setEntities({});
    m_counts->clear();
    m_error->hide();
    if (!db)
        return;
    m_results = std::make_unique<SearchResultModel>(*db);
    m_view->setModel(m_results.get());
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &cur) {
        if (cur.isValid())
            Q_EMIT hitSelected(cur.data(SearchResultModel::KindRole).toInt(), cur.data(SearchResultModel::RowIdRole).toLongLong());
    });
    connect(m_results.get(), &SearchResultModel::searchFailed, this, [this](const QString &msg) {
        m_error->setText(msg);
        m_error->show();
    });
}

void SearchPanel::runFromBox() { search(m_box->text()); }

bool SearchPanel::search(const QString &query)
{
    if (!m_db || !m_results)
        return false;
    if (m_box->text() != query)
        m_box->setText(query);
    QueryContext ctx;
    ctx.zone = m_zone;
    int pos = 0;
    auto compiled = SearchService::compile(query, ctx, {}, &pos);
    if (!compiled) {
        // Point at the position, as the CLI does.
        m_error->setText(query.toHtmlEscaped() + QStringLiteral("<br>") + QString(std::max(0, pos - 1), QChar(0xa0)) + u"^ "
                         + compiled.error().message.toHtmlEscaped());
        m_error->setTextFormat(Qt::RichText);
        m_error->show();
        return false;
    }
    m_error->hide();
    m_lastQuery = query;
    if (auto st = m_results->setSearch(*compiled, SearchSort(m_sort->currentData().toInt())); !st) {
        m_error->setText(st.error().text());
        m_error->show();
        return false;
    }
    const SearchCounts &c = m_results->counts();
    QStringList parts;
    QMap<QString, int64_t> perTenant;
    for (auto it = c.events.cbegin(); it != c.events.cend(); ++it)
        perTenant[it.key()] += it.value();
    for (auto it = c.transactions.cbegin(); it != c.transactions.cend(); ++it)
        perTenant[it.key()] += it.value();
    for (auto it = perTenant.cbegin(); it != perTenant.cend(); ++it)
        parts << QStringLiteral("%1: %2").arg(it.key()).arg(it.value());
    m_counts->setText(tr("<b>%1 hits</b> — %2 events, %3 transactions — by institution: %4")
                          .arg(c.total())
                          .arg(c.totalEvents)
                          .arg(c.totalTransactions)
                          .arg(parts.isEmpty() ? tr("none") : parts.join(QStringLiteral(", "))));
    SearchService(*m_db).recordHistory(query, c.total());
    m_view->resizeColumnsToContents();
    return true;
}

QString SearchPanel::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }
QString SearchPanel::countsText() const { return m_counts->text(); }

void SearchPanel::refreshLinked()
{
    if (!m_db)
        return;
    auto linked = SearchService(*m_db).linkedEntities(2);
    if (!linked) {
        m_error->setText(linked.error().text());
        m_error->show();
        return;
    }
    m_linked->setEntities(*linked);
    m_linkedView->resizeColumnsToContents();
}

void SearchPanel::showMenu(const QPoint &pos)
{
    const QModelIndex at = m_view->indexAt(pos);
    QMenu menu(this);
    const QString pivot = at.data(SearchResultModel::SearchQueryRole).toString();
    QAction *everywhere = menu.addAction(pivot.isEmpty() ? tr("Search everywhere") : tr("Search everywhere: %1").arg(pivot));
    everywhere->setEnabled(!pivot.isEmpty());
    connect(everywhere, &QAction::triggered, this, [this, pivot] { search(pivot); });
    menu.addAction(tr("Add selected hits to case…"), this, [this] {
        QVector<qint64> events, transactions;
        for (const QModelIndex &i : m_view->selectionModel()->selectedRows())
            (i.data(SearchResultModel::KindRole).toInt() == int(HitKind::Event) ? events : transactions)
                << i.data(SearchResultModel::RowIdRole).toLongLong();
        Q_EMIT addToCaseRequested(events, transactions, m_lastQuery);
    });
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

} // namespace casebook
