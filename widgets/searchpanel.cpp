// SPDX-License-Identifier: GPL-3.0-or-later
#include "searchpanel.h"

#include "linkedentitiesmodel.h"
#include "searchresultmodel.h"
#include "workspace.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QCompleter>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScopeGuard>
#include <QSortFilterProxyModel>
#include <QStringListModel>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace casebook {

namespace {
/// A pause in typing this long starts a search.
constexpr int kLiveDelayMs = 350;
constexpr int kHistoryShown = 50;
/// While another task writes the workspace, searches wait this long before their history is tried again.
constexpr int kHistoryRetryMs = 3000;
} // namespace

SearchPanel::SearchPanel(QWidget *parent)
    : QWidget(parent)
    , m_results(std::make_unique<SearchResultModel>())
    , m_linked(new LinkedEntitiesModel(this))
{
    auto *layout = new QVBoxLayout(this);
    auto *row = new QHBoxLayout;
    m_box = new QLineEdit(this);
    m_box->setObjectName(QStringLiteral("searchBox"));
    m_box->setPlaceholderText(tr("Search every institution, e.g.  王芳   account:GB33BUKB20201555555555   action:db.* outcome:denied   amount>=10000 last:30d"));
    m_box->setClearButtonEnabled(true);
    m_historyModel = new QStringListModel(this);
    m_completer = new QCompleter(m_historyModel, this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchContains);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_box->setCompleter(m_completer);
    auto *go = new QPushButton(tr("Search"), this);
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName(QStringLiteral("stopSearch"));
    m_stop->setToolTip(tr("Stop counting and loading (the hits shown stay)"));
    m_stop->setVisible(false);
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("searchBusy"));
    m_busy->setRange(0, 0); // busy, no percentage: a count does not know how far it is
    m_busy->setTextVisible(false);
    m_busy->setMaximumWidth(80);
    m_busy->setVisible(false);
    m_sort = new QComboBox(this);
    m_sort->addItem(tr("Newest first"), int(SearchSort::TimeDesc));
    m_sort->addItem(tr("Oldest first"), int(SearchSort::TimeAsc));
    m_sort->addItem(tr("Largest amount"), int(SearchSort::AmountDesc));
    m_sort->addItem(tr("Smallest amount"), int(SearchSort::AmountAsc));
    auto *save = new QPushButton(tr("Save…"), this);
    save->setObjectName(QStringLiteral("saveSearch"));
    save->setToolTip(tr("Save this search under a name (stored in the workspace)"));
    m_savedButton = new QToolButton(this);
    m_savedButton->setText(tr("Saved"));
    m_savedButton->setToolTip(tr("Saved searches and recent queries"));
    m_savedButton->setPopupMode(QToolButton::InstantPopup);
    m_savedMenu = new QMenu(m_savedButton);
    m_savedButton->setMenu(m_savedMenu);
    connect(m_savedMenu, &QMenu::aboutToShow, this, &SearchPanel::rebuildSavedMenu);
    auto *timelineButton = new QToolButton(this);
    m_timelineHits = new QAction(tr("Timeline: only hits"), this);
    m_timelineHits->setObjectName(QStringLiteral("timelineOnlyHits"));
    m_timelineHits->setCheckable(true);
    m_timelineHits->setToolTip(tr("Plot only the hits of this search on the timeline (off: every row)"));
    timelineButton->setDefaultAction(m_timelineHits);
    auto *helpButton = new QToolButton(this);
    helpButton->setObjectName(QStringLiteral("searchHelp"));
    helpButton->setText(QStringLiteral("?"));
    helpButton->setToolTip(tr("Search syntax, with examples"));
    row->addWidget(m_box, 1);
    row->addWidget(m_sort);
    row->addWidget(go);
    row->addWidget(m_busy);
    row->addWidget(m_stop);
    row->addWidget(save);
    row->addWidget(m_savedButton);
    row->addWidget(timelineButton);
    row->addWidget(helpButton);
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
    m_view->setModel(m_results.get());
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->verticalHeader()->hide();
    // Fixed row heights: the view never measures rows, so millions of (mostly unloaded) rows scroll smoothly.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setColumnWidth(SearchResultModel::TimeColumn, m_view->fontMetrics().horizontalAdvance(QStringLiteral("2026-02-08T02:21:00.000+08:00  ")));
    m_view->setColumnWidth(SearchResultModel::KindColumn, m_view->fontMetrics().horizontalAdvance(QStringLiteral("transaction  ")));
    m_view->setColumnWidth(SearchResultModel::TenantColumn, m_view->fontMetrics().horizontalAdvance(QStringLiteral("Institution  ")));
    m_view->setColumnWidth(SearchResultModel::IdColumn, m_view->fontMetrics().horizontalAdvance(QStringLiteral("TXN-0000000000  ")));
    m_view->setColumnWidth(SearchResultModel::AmountColumn, m_view->fontMetrics().horizontalAdvance(QStringLiteral("1,000,000.00 USD  ")));
    connect(m_view, &QWidget::customContextMenuRequested, this, &SearchPanel::showMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &cur) {
        if (!cur.isValid() || !cur.data(SearchResultModel::LoadedRole).toBool())
            return;
        Q_EMIT hitSelected(cur.data(SearchResultModel::KindRole).toInt(), cur.data(SearchResultModel::RowIdRole).toLongLong());
        Q_EMIT hitInstantSelected(cur.data(SearchResultModel::UtcMsRole).toLongLong());
    });
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

    m_historyRetry.setSingleShot(true);
    m_historyRetry.setInterval(kHistoryRetryMs);
    connect(&m_historyRetry, &QTimer::timeout, this, &SearchPanel::flushHistory);
    m_live.setSingleShot(true);
    m_live.setInterval(kLiveDelayMs);
    connect(&m_live, &QTimer::timeout, this, [this] {
        if (!m_box->text().trimmed().isEmpty())
            run(m_box->text(), false);
    });
    connect(m_box, &QLineEdit::textEdited, this, [this] { m_live.start(); });
    connect(m_box, &QLineEdit::returnPressed, this, &SearchPanel::runFromBox);
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this, [this](const QString &q) { search(q); });
    connect(go, &QPushButton::clicked, this, &SearchPanel::runFromBox);
    connect(m_stop, &QPushButton::clicked, this, &SearchPanel::stop);
    connect(save, &QPushButton::clicked, this, &SearchPanel::saveFromBox);
    connect(helpButton, &QToolButton::clicked, this, &SearchPanel::showHelp);
    connect(m_timelineHits, &QAction::toggled, this, &SearchPanel::timelineSearchChanged);
    connect(m_sort, &QComboBox::activated, this, [this] { m_results->setSort(SearchSort(m_sort->currentData().toInt())); });
    connect(m_results.get(), &SearchResultModel::busyChanged, this, [this](bool busy) {
        m_busy->setVisible(busy);
        m_stop->setVisible(busy);
    });
    connect(m_results.get(), &SearchResultModel::countsChanged, this, &SearchPanel::updateCounts);
    connect(m_results.get(), &SearchResultModel::pageAvailable, this, [this](int page) {
        if (page == 0)
            updateCounts();
    });
    connect(m_results.get(), &SearchResultModel::searchFailed, this, &SearchPanel::showError);
    connect(m_results.get(), &SearchResultModel::finished, this, &SearchPanel::onFinished);
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

void SearchPanel::setWorkspace(const QString &path, SqliteDb *db)
{
    m_live.stop();
    // Searches not yet in the history stay pending when the same workspace is opened again (View ▸
    // Refresh): the new connection writes them. (The previous connection may be closed already.)
    const bool sameWorkspace = db && path == m_path;
    m_db = db;
    m_path = db ? path : QString();
    m_results->setWorkspace(m_path);
    m_lastQuery.clear();
    m_recordOnFinish = false;
    if (!sameWorkspace) {
        m_pendingHistory.clear(); // they belong to the previous workspace
        m_historyRetry.stop();
    }
    ++m_linkedGeneration; // a load still running for the previous workspace is dropped
    m_linked->setEntities({});
    m_counts->clear();
    m_error->hide();
    refreshHistory();
    Q_EMIT timelineSearchChanged();
}

void SearchPanel::runFromBox() { search(m_box->text()); }

bool SearchPanel::search(const QString &query) { return run(query, true); }

bool SearchPanel::run(const QString &query, bool record)
{
    m_live.stop();
    if (!m_db)
        return false;
    if (m_box->text() != query)
        m_box->setText(query);
    QueryContext ctx;
    ctx.zone = m_zone;
    int pos = 0;
    auto compiled = SearchService::compile(query, ctx, {}, &pos);
    if (!compiled) {
        // Point at the position, as the CLI does. The hits shown stay as they were.
        // Non-breaking spaces keep the caret under the 0-based position in the monospace label.
        m_error->setText(QString(query).replace(u' ', QChar(0xa0)).toHtmlEscaped() + QStringLiteral("<br>")
                         + QString(std::max(0, pos), QChar(0xa0)) + u"^ " + compiled.error().message.toHtmlEscaped());
        m_error->setTextFormat(Qt::RichText);
        m_error->show();
        return false;
    }
    m_error->hide();
    const QString zone = QString::fromUtf8(m_zone.id());
    if (record && m_results->isBusy() && query == m_lastQuery && zone == m_lastZone) {
        // A typing pause already started this very search: let it finish, then record it.
        m_recordOnFinish = true;
        return true;
    }
    m_lastQuery = query;
    m_lastZone = zone;
    m_recordOnFinish = record;
    m_counts->setText(tr("Searching…"));
    m_results->setSearch(*compiled, SearchSort(m_sort->currentData().toInt()));
    if (m_timelineHits->isChecked())
        Q_EMIT timelineSearchChanged();
    return true;
}

void SearchPanel::stop()
{
    m_results->cancel();
    updateCounts();
}

bool SearchPanel::isBusy() const { return m_results->isBusy(); }

void SearchPanel::onFinished(quint64 generation)
{
    Q_UNUSED(generation);
    updateCounts();
    if (m_recordOnFinish && m_db && !m_lastQuery.isEmpty()) {
        m_recordOnFinish = false;
        m_pendingHistory.push_back({ m_lastQuery, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs),
                                     m_results->countsKnown() ? m_results->totalHits() : -1 });
        flushHistory();
    }
    m_view->resizeColumnToContents(SearchResultModel::TenantColumn);
    m_view->resizeColumnToContents(SearchResultModel::IdColumn);
    Q_EMIT finished();
}

void SearchPanel::updateCounts()
{
    if (!m_results->search()) {
        m_counts->clear();
        return;
    }
    const QLocale locale;
    if (!m_results->countsKnown()) {
        const QString loaded = locale.toString(qint64(m_results->rowCount()));
        if (m_results->wasStopped())
            m_counts->setText(tr("<b>Stopped</b> — %1 hits loaded; not counted").arg(loaded));
        else if (m_results->isBusy())
            m_counts->setText(m_results->rowCount() ? tr("Counting… (first %1 hits shown)").arg(loaded) : tr("Searching…"));
        return;
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
}

QString SearchPanel::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }
QString SearchPanel::countsText() const { return m_counts->text(); }

void SearchPanel::showError(const QString &text)
{
    m_error->setTextFormat(Qt::PlainText);
    m_error->setText(text);
    m_error->show();
}

void SearchPanel::refreshLinked()
{
    const quint64 generation = ++m_linkedGeneration;
    if (m_path.isEmpty())
        return;
    // entity_stats grows with the workspace (millions of rows at 10M records): group it on a worker
    // with its own read-only connection, never on the GUI thread.
    auto *watcher = new QFutureWatcher<Result<QVector<LinkedEntity>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_linkedGeneration)
            return; // a newer refresh (or another workspace) superseded it
        const Result<QVector<LinkedEntity>> linked = watcher->result();
        if (!linked)
            showError(linked.error().text());
        else {
            m_linked->setEntities(*linked);
            m_linkedView->resizeColumnsToContents();
        }
        Q_EMIT linkedLoaded();
    });
    watcher->setFuture(QtConcurrent::run([path = m_path]() -> Result<QVector<LinkedEntity>> {
        auto ws = Workspace::openReadOnly(path);
        if (!ws)
            return ws.error();
        return SearchService(ws->db()).linkedEntities(2);
    }));
}

// ---- saved searches and history ------------------------------------------------------------------

Status SearchPanel::saveSearch(const QString &name, const QString &query, bool overwrite)
{
    if (!m_db)
        return Error(Error::Code::Usage, tr("No workspace is open"));
    if (!overwrite)
        for (const SavedSearch &s : savedSearches())
            if (s.name == name.trimmed())
                return Error(Error::Code::AlreadyPresent, tr("A saved search named \"%1\" exists").arg(s.name));
    return SearchService(*m_db).saveSearch(name, query);
}

Status SearchPanel::deleteSavedSearch(const QString &name)
{
    if (!m_db)
        return Error(Error::Code::Usage, tr("No workspace is open"));
    return SearchService(*m_db).deleteSavedSearch(name);
}

QVector<SavedSearch> SearchPanel::savedSearches() const
{
    if (!m_db)
        return {};
    auto saved = SearchService(*m_db).savedSearches();
    return saved ? *saved : QVector<SavedSearch>();
}

QStringList SearchPanel::history() const { return m_historyModel->stringList(); }

void SearchPanel::flushHistory()
{
    m_historyRetry.stop();
    if (!m_db || m_pendingHistory.isEmpty())
        return refreshHistory();
    // Not even the GUI connection's short wait: a busy workspace is tried again later.
    const auto restore = m_db->busyTimeoutFor(0);
    while (!m_pendingHistory.isEmpty()) {
        const PendingHistory &p = m_pendingHistory.constFirst();
        if (auto st = SearchService(*m_db).recordHistory(p.query, p.hits, p.runAt); !st) {
            if (!m_db->lastFailureWasBusy()) {
                showError(st.error().text());
                m_pendingHistory.clear();
                break;
            }
            m_historyRetry.start();
            break;
        }
        m_pendingHistory.removeFirst();
    }
    refreshHistory();
}

void SearchPanel::refreshHistory()
{
    QStringList h;
    if (m_db)
        if (auto r = SearchService(*m_db).history(kHistoryShown))
            h = *r;
    // Searches waiting to be written come first (newest first), once each.
    for (const PendingHistory &p : std::as_const(m_pendingHistory)) {
        h.removeAll(p.query);
        h.prepend(p.query);
    }
    while (h.size() > kHistoryShown)
        h.removeLast();
    m_historyModel->setStringList(h);
}

void SearchPanel::saveFromBox()
{
    const QString query = m_box->text();
    if (!m_db)
        return;
    if (query.trimmed().isEmpty()) {
        showError(tr("Type a search to save first."));
        return;
    }
    QString suggestion = query.left(40);
    for (const SavedSearch &s : savedSearches())
        if (s.query == query)
            suggestion = s.name;
    bool accepted = false;
    const QString name = QInputDialog::getText(this, tr("Save Search"), tr("Name:"), QLineEdit::Normal, suggestion, &accepted).trimmed();
    if (!accepted || name.isEmpty())
        return;
    auto st = saveSearch(name, query, false);
    if (!st && st.error().code == Error::Code::AlreadyPresent) {
        if (QMessageBox::question(this, tr("Save Search"), tr("A saved search named \"%1\" exists. Replace it?").arg(name),
                                  QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
            != QMessageBox::Yes)
            return;
        st = saveSearch(name, query, true);
    }
    if (!st)
        showError(st.error().text());
}

void SearchPanel::rebuildSavedMenu()
{
    m_savedMenu->clear();
    const QVector<SavedSearch> saved = savedSearches();
    if (saved.isEmpty()) {
        m_savedMenu->addAction(tr("No saved searches"))->setEnabled(false);
    } else {
        for (const SavedSearch &s : saved) {
            QAction *a = m_savedMenu->addAction(s.name, this, [this, q = s.query] { search(q); });
            a->setToolTip(s.query);
            a->setStatusTip(s.query);
            a->setData(s.query);
        }
        QMenu *del = m_savedMenu->addMenu(tr("Delete"));
        del->setObjectName(QStringLiteral("deleteSaved"));
        for (const SavedSearch &s : saved)
            del->addAction(s.name, this, [this, name = s.name] {
                if (QMessageBox::question(this, tr("Delete Saved Search"), tr("Delete the saved search \"%1\"?").arg(name),
                                          QMessageBox::Yes | QMessageBox::No, QMessageBox::No)
                    != QMessageBox::Yes)
                    return;
                if (auto st = deleteSavedSearch(name); !st)
                    showError(st.error().text());
            });
    }
    m_savedMenu->addSeparator();
    QMenu *recent = m_savedMenu->addMenu(tr("Recent"));
    recent->setObjectName(QStringLiteral("recentSearches"));
    const QStringList h = history();
    if (h.isEmpty())
        recent->addAction(tr("No searches yet"))->setEnabled(false);
    for (const QString &q : h.mid(0, 20))
        recent->addAction(q, this, [this, q] { search(q); });
}

std::optional<CompiledSearch> SearchPanel::timelineSearch() const
{
    if (!m_timelineHits->isChecked() || !m_results->search())
        return std::nullopt;
    return m_results->search();
}

// ---- help ------------------------------------------------------------------------------------------

QVector<std::pair<QString, QString>> SearchPanel::helpExamples()
{
    return {
        { QStringLiteral("northgate trading"), tr("rows containing both words, in any text column, any order") },
        { QStringLiteral("\"northgate trading\""), tr("the phrase: the words next to each other, in this order") },
        { QStringLiteral("north*"), tr("words starting with north") },
        { QStringLiteral("王芳"), tr("CJK text containing 王芳, also inside longer names (张王芳明) and memos") },
        { QStringLiteral("O'Brien"), tr("an apostrophe needs no quoting") },
        { QStringLiteral("rent OR miete"), tr("either word") },
        { QStringLiteral("export -denied"), tr("export, but not denied (also NOT denied)") },
        { QStringLiteral("(rent OR miete) hans"), tr("parentheses group; AND binds tighter than OR") },
        { QStringLiteral("tenant:T0001 kind:event"), tr("one institution, only events (kind:transaction)") },
        { QStringLiteral("actor:dba.zhou role:dba"), tr("actor id or name; actor role") },
        { QStringLiteral("ip:10.1.0.0/16"), tr("source addresses in a CIDR block (ip:2001:db8::/32, ip:10.1.*)") },
        { QStringLiteral("action:db.* outcome:denied"), tr("actions starting with db., denied") },
        { QStringLiteral("account:GB33BUKB20201555555555"), tr("debtor or creditor account") },
        { QStringLiteral("debtor:CN001 creditor:northgate"), tr("one side's account or name") },
        { QStringLiteral("name:王芳"), tr("debtor or creditor name") },
        { QStringLiteral("currency:usd channel:swift status:booked"), tr("exact, case-insensitive; add * for a prefix") },
        { QStringLiteral("ref:INV-2026-001 memo:rent"), tr("reference and memo words") },
        { QStringLiteral("amount>=10000"), tr("exact decimal comparison (>, >=, <, <=)") },
        { QStringLiteral("amount:1000..5000"), tr("inclusive range; amount:1000.. and amount:..5 are open") },
        { QStringLiteral("after:2026-02-08 before:2026-02-10"), tr("local days in the selected time zone; before: is exclusive") },
        { QStringLiteral("after:2026-02-08T02:00:00+08:00"), tr("a full timestamp with its offset") },
        { QStringLiteral("last:7d"), tr("the last 7 days (30m, 12h, 7d, 4w)") },
        { QStringLiteral("王芳 amount>10000 -status:rejected"), tr("fields, ranges and words combine") },
    };
}

QString SearchPanel::helpHtml()
{
    QString html = tr("<h3>Search syntax</h3>"
                      "<p>One search covers the events and transactions of every institution. Words are "
                      "case-insensitive in every script; Latin diacritics are ignored (muller finds Müller).</p>");
    html += QStringLiteral("<table cellspacing=0 cellpadding=3>");
    for (const auto &[query, what] : helpExamples())
        html += QStringLiteral("<tr><td><code>%1</code></td><td>%2</td></tr>").arg(query.toHtmlEscaped(), what.toHtmlEscaped());
    html += QStringLiteral("</table>");
    html += tr("<h4>Fields</h4><p>Events: <code>actor:</code> <code>role:</code> <code>ip:</code> <code>action:</code> "
               "<code>outcome:</code>. Transactions: <code>account:</code> <code>debtor:</code> <code>creditor:</code> "
               "<code>name:</code> <code>currency:</code> <code>channel:</code> <code>status:</code> <code>ref:</code> "
               "<code>memo:</code> <code>amount</code>. Both: <code>tenant:</code> <code>kind:</code> <code>after:</code> "
               "<code>before:</code> <code>last:</code>. A term that does not apply to a kind matches none of its rows: "
               "<code>actor:x</code> finds only events. Values may be quoted (<code>name:\"O'Brien Ltd\"</code>) and "
               "may end in <code>*</code> (prefix).</p>"
               "<h4>Operators</h4><p><code>AND</code> (or just a space), <code>OR</code>, <code>NOT</code> or "
               "<code>-</code>, parentheses. Operators are upper-case; <code>and</code>, <code>or</code>, "
               "<code>not</code> are plain words. <code>NOT</code> binds tightest, then <code>AND</code>, then "
               "<code>OR</code>.</p>"
               "<h4>Quoting</h4><p>Inside quotes every character is text (<code>\"NEAR(x) ^ *\"</code>); "
               "<code>\\\"</code> is a quote and <code>\\\\</code> a backslash inside a phrase.</p>"
               "<h4>CJK text</h4><p>Any Chinese, Japanese or Korean substring of two or more characters is found "
               "anywhere in a name or memo. A single character finds text in which a pair of characters starts with "
               "it (surnames).</p>"
               "<h4>Results</h4><p>Newest first by default (also oldest first, or by amount). Counts per institution "
               "and kind show above the hits. A pause in typing searches; Enter searches and records the query in the "
               "history (the box completes from it; <i>Saved ▸ Recent</i>). <i>Save…</i> names a search; "
               "<i>Timeline: only hits</i> plots just these hits on the timeline, and selecting a hit marks it "
               "there. Right-click a hit: <i>Search everywhere</i> on its account, actor or institution.</p>"
               "<p>A syntax error names the position and what was expected.</p>");
    return html;
}

QDialog *SearchPanel::helpDialog() const { return m_help.data(); }

void SearchPanel::showHelp()
{
    if (!m_help) {
        m_help = new QDialog(this);
        m_help->setObjectName(QStringLiteral("searchHelpDialog"));
        m_help->setWindowTitle(tr("Search Syntax"));
        auto *l = new QVBoxLayout(m_help);
        auto *text = new QTextBrowser(m_help);
        text->setHtml(helpHtml());
        text->setOpenLinks(false);
        l->addWidget(text);
        auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, m_help);
        connect(buttons, &QDialogButtonBox::rejected, m_help, &QDialog::close);
        l->addWidget(buttons);
        m_help->resize(760, 640);
    }
    m_help->show();
    m_help->raise();
    m_help->activateWindow();
}

// ---- context menu ----------------------------------------------------------------------------------

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
        int notLoaded = 0;
        for (const QModelIndex &i : m_view->selectionModel()->selectedRows()) {
            if (!i.data(SearchResultModel::LoadedRole).toBool()) {
                ++notLoaded; // never guess: a row not loaded has no id yet
                continue;
            }
            (i.data(SearchResultModel::KindRole).toInt() == int(HitKind::Event) ? events : transactions)
                << i.data(SearchResultModel::RowIdRole).toLongLong();
        }
        if (notLoaded)
            showError(tr("%n selected hit(s) were not loaded yet and were not added; scroll through them or narrow the search.",
                         nullptr, notLoaded));
        Q_EMIT addToCaseRequested(events, transactions, m_lastQuery);
    });
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

} // namespace casebook
