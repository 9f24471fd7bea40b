// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "aboutdialog.h"
#include "casemodels.h"
#include "caseview.h"
#include "identity.h"
#include "identitydialog.h"
#include "importdialog.h"
#include "keyring.h"
#include "quarantinemodel.h"
#include "recorddetail.h"
#include "recordview.h"
#include "csvexport.h"
#include "reportexportdialog.h"
#include "searchpanel.h"
#include "timelineview.h"
#include "searchresultmodel.h"
#include "searchservice.h"
#include "sqlitedb.h"
#include "tenantlistmodel.h"
#include "timestamp.h"
#include "journal.h"
#include "verifier.h"
#include "workspace.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QProgressDialog>
#include <QtConcurrent>
#include <QInputDialog>
#include <QJsonArray>
#include <QPointer>
#include <QPushButton>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMimeData>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QSysInfo>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QDateTime>
#include <QScopeGuard>
#include <QToolBar>
#include <QVBoxLayout>

namespace casebook {

namespace {

constexpr int kMaxRecent = 8;
/// How long a write on the GUI thread waits for another connection's write lock (see openWorkspace()).
constexpr int kGuiBusyTimeoutMs = 250;
/// While another task writes the workspace, journal entries of the window wait this long between tries.
constexpr int kJournalRetryMs = 3000;

QString htmlEscape(const QString &s) { return s.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>")); }

QString importer()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("LOGNAME", QStringLiteral("unknown"));
    return user + u'@' + QSysInfo::machineHostName();
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_tenants(new TenantListModel(this))
    , m_events(new RecordTableModel(RecordKind::Event, this))
    , m_transactions(new RecordTableModel(RecordKind::Transaction, this))
    , m_quarantine(new QuarantineModel(this))
{
    m_cases = new CaseListModel(this);
    m_journalRetry.setSingleShot(true);
    m_journalRetry.setInterval(kJournalRetryMs);
    connect(&m_journalRetry, &QTimer::timeout, this, [this] { flushJournal(0); });
    setWindowTitle(tr("Casebook"));
    setAcceptDrops(true);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_banner = new QLabel(central);
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #fdecea; color: #611a15; padding: 8px; border-bottom: 1px solid #f5c6cb; }"));
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->hide();
    layout->addWidget(m_banner);

    m_splitter = new QSplitter(Qt::Horizontal, central);
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    layout->addWidget(m_splitter, 1);

    // Left: institutions above, cases below.
    auto *left = new QSplitter(Qt::Vertical, m_splitter);
    left->setObjectName(QStringLiteral("leftSplitter"));
    m_tenantView = new QTableView(left);
    m_tenantView->setModel(m_tenants);
    m_tenantView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tenantView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_tenantView->verticalHeader()->hide();
    m_tenantView->setWordWrap(false);
    m_tenantView->horizontalHeader()->setStretchLastSection(true);
    m_tenantView->setAlternatingRowColors(true);
    connect(m_tenantView->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::tenantSelectionChanged);
    auto *casesBox = new QWidget(left);
    auto *cl = new QVBoxLayout(casesBox);
    cl->setContentsMargins(0, 4, 0, 0);
    auto *caseHeader = new QHBoxLayout;
    caseHeader->addWidget(new QLabel(tr("<b>Cases</b>"), casesBox));
    caseHeader->addStretch(1);
    auto *newCaseButton = new QPushButton(tr("New Case…"), casesBox);
    caseHeader->addWidget(newCaseButton);
    cl->addLayout(caseHeader);
    m_caseListView = new QTableView(casesBox);
    m_caseListView->setModel(m_cases);
    m_caseListView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_caseListView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_caseListView->verticalHeader()->hide();
    m_caseListView->horizontalHeader()->setStretchLastSection(true);
    cl->addWidget(m_caseListView);
    left->addWidget(m_tenantView);
    left->addWidget(casesBox);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);
    connect(newCaseButton, &QPushButton::clicked, this, [this] {
        bool accepted = false;
        const QString title = QInputDialog::getText(this, tr("New Case"), tr("Title:"), QLineEdit::Normal, {}, &accepted);
        if (accepted && !title.trimmed().isEmpty())
            newCase(title);
    });
    connect(m_caseListView->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &cur) {
        if (cur.isValid())
            selectCase(cur.data(CaseListModel::CaseIdRole).toLongLong());
    });

    // Centre: the timeline above the grids.
    auto *centre = new QSplitter(Qt::Vertical, m_splitter);
    centre->setObjectName(QStringLiteral("centreSplitter"));
    m_timeline = new TimelineView(centre);
    m_tabs = new QTabWidget(centre);
    centre->addWidget(m_timeline);
    centre->addWidget(m_tabs);
    centre->setStretchFactor(0, 2);
    centre->setStretchFactor(1, 5);
    // A selected range narrows the grids; clearing it (or resetting the view) widens them again.
    connect(m_timeline, &TimelineView::rangeSelected, this, [this](qint64 from, qint64 to) {
        m_filter.fromUtcMs = from;
        m_filter.toUtcMs = to;
        applyFilter();
    });
    connect(m_timeline, &TimelineView::selectionCleared, this, [this] {
        m_filter.fromUtcMs = std::numeric_limits<int64_t>::min();
        m_filter.toUtcMs = std::numeric_limits<int64_t>::max();
        applyFilter();
    });
    connect(m_timeline, &TimelineView::queryFailed, this, &MainWindow::showBanner);
    m_views[EventsTab] = new RecordView(m_tabs);
    m_views[EventsTab]->setModel(m_events);
    m_views[TransactionsTab] = new RecordView(m_tabs);
    m_views[TransactionsTab]->setModel(m_transactions);
    m_views[QuarantineTab] = new RecordView(m_tabs);
    m_views[QuarantineTab]->setModel(m_quarantine);
    m_views[QuarantineTab]->setWordWrap(false);
    m_tabs->addTab(m_views[EventsTab], tr("Events"));
    m_tabs->addTab(m_views[TransactionsTab], tr("Transactions"));
    m_tabs->addTab(m_views[QuarantineTab], tr("Quarantine"));
    m_caseView = new CaseView(m_tabs);
    m_tabs->addTab(m_caseView, tr("Case"));
    m_search = new SearchPanel(m_tabs);
    m_tabs->addTab(m_search, tr("Search"));
    connect(m_search, &SearchPanel::hitSelected, this, [this](int kind, qint64 rowId) {
        showRecordDetail(kind == int(HitKind::Event) ? RecordKind::Event : RecordKind::Transaction, rowId);
    });
    // The selected hit is marked (and, when off-screen, centred) on the timeline; "Timeline: only hits"
    // makes the timeline plot the current search's hits instead of every row.
    connect(m_search, &SearchPanel::hitInstantSelected, this, [this](qint64 utcMs) { m_timeline->setCurrentInstant(utcMs); });
    connect(m_search, &SearchPanel::timelineSearchChanged, this, [this] { m_timeline->setSearch(m_search->timelineSearch()); });
    connect(m_search, &SearchPanel::finished, this, &MainWindow::updateStatus);
    connect(m_search, &SearchPanel::addToCaseRequested, this,
            [this](const QVector<qint64> &events, const QVector<qint64> &transactions, const QString &query) {
                if (m_caseView->caseId() == 0) {
                    showBanner(tr("Select or create a case first (Case ▸ New Case…)."));
                    return;
                }
                if (!events.isEmpty())
                    m_caseView->addEvidence(RecordKind::Event, QVector<int64_t>(events.begin(), events.end()), {}, query);
                if (!transactions.isEmpty())
                    m_caseView->addEvidence(RecordKind::Transaction, QVector<int64_t>(transactions.begin(), transactions.end()), {}, query);
            });
    connect(m_caseView, &CaseView::errorOccurred, this, [this](const QString &message) {
        m_caseError = message;
        showBanner(message);
    });
    // The case error shown is over once a later change is written (e.g. after an import let go of
    // the workspace); any other banner stays.
    connect(m_caseView, &CaseView::changeSaved, this, [this] {
        if (!m_caseError.isEmpty() && bannerText() == m_caseError)
            showBanner({});
        m_caseError.clear();
    });
    connect(m_caseView, &CaseView::evidenceInstantsChanged, this, [this](const QVector<qint64> &instants) { m_timeline->setMarkers(instants); });
    connect(m_caseView, &CaseView::caseChanged, this, [this] {
        refreshCases();
        updateStatus();
    });
    connect(m_caseView->evidenceView()->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::updateStatus);
    connect(m_caseView->evidenceView()->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &cur) {
        if (!cur.isValid())
            return;
        const EvidenceItem &e = m_caseView->evidenceModel()->items().at(cur.row());
        showRecordDetail(e.kind, e.recordRowid);
    });
    for (Tab t : { EventsTab, TransactionsTab }) {
        RecordView *v = m_views[t];
        auto *model = static_cast<RecordTableModel *>(v->model());
        // Newest first: what an investigator looks at first. Set before enabling sorting, which sorts
        // by the header's indicator.
        model->sort(kTimeColumn, Qt::DescendingOrder);
        v->horizontalHeader()->setSortIndicator(model->sortColumn(), model->sortOrder());
        v->setSortingEnabled(true);
        v->setColumnWidth(kTimeColumn, v->fontMetrics().horizontalAdvance(QStringLiteral("2026-01-05 09:31:02.125 +08:00")) + 24);
        v->setColumnWidth(kTenantColumn, v->fontMetrics().horizontalAdvance(QStringLiteral("T00000")) + 16);
        // Only columns the model sorts in SQL take a click; others keep the current order.
        connect(v->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, [v, model](int col, Qt::SortOrder order) {
            if (!model->isSortable(col)) {
                QSignalBlocker block(v->horizontalHeader());
                v->horizontalHeader()->setSortIndicator(model->sortColumn(), model->sortOrder());
            } else {
                model->sort(col, order);
            }
        });
        connect(v->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this, t] { recordSelectionChanged(t); });
        v->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(v, &QWidget::customContextMenuRequested, this, [this, t](const QPoint &pos) { showGridMenu(t, pos); });
        connect(model, &RecordTableModel::countAvailable, this, &MainWindow::updateStatus);
        connect(model, &RecordTableModel::loadFailed, this, &MainWindow::showBanner);
    }
    connect(m_views[QuarantineTab]->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::updateStatus);
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::updateStatus);

    // Right: details of the selected record.
    m_detail = new QTextBrowser(m_splitter);
    m_detail->setOpenLinks(false);
    m_detail->setPlaceholderText(tr("Select a row to see every field, its source and its verification."));
    m_splitter->addWidget(left);
    m_splitter->addWidget(centre);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 6);
    m_splitter->setStretchFactor(2, 2);
    m_splitter->setSizes({ 380, 880, 340 });
    setCentralWidget(central);

    // Toolbar: import and the display zone.
    QToolBar *tb = addToolBar(tr("Main"));
    tb->setObjectName(QStringLiteral("mainToolBar"));
    tb->setMovable(false);
    tb->addAction(tr("Import Archives…"), this, [this] { importDialog(false); });
    tb->addSeparator();
    tb->addWidget(new QLabel(tr(" Times in: "), tb));
    m_zoneBox = new QComboBox(tb);
    m_zoneBox->setEditable(true);
    m_zoneBox->setInsertPolicy(QComboBox::NoInsert);
    m_zoneBox->setMinimumContentsLength(24);
    m_zoneBox->addItem(QStringLiteral("UTC"));
    m_zoneBox->addItem(tr("Institution's zone"));
    m_zoneBox->addItem(tr("This computer (%1)").arg(QString::fromUtf8(QTimeZone::systemTimeZoneId())));
    m_zoneBox->insertSeparator(3);
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        if (id.contains('/'))
            m_zoneBox->addItem(QString::fromUtf8(id));
    m_zoneBox->completer()->setFilterMode(Qt::MatchContains);
    m_zoneBox->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    connect(m_zoneBox, &QComboBox::textActivated, this, &MainWindow::setDisplayZone);
    tb->addWidget(m_zoneBox);

    buildMenus();

    m_statusPath = new QLabel(tr("No workspace open"), this);
    m_statusRows = new QLabel(this);
    m_statusSelection = new QLabel(this);
    m_statusJournal = new QLabel(this);
    statusBar()->addWidget(m_statusPath, 1);
    statusBar()->addPermanentWidget(m_statusJournal);
    statusBar()->addPermanentWidget(m_statusRows);
    statusBar()->addPermanentWidget(m_statusSelection);

    resize(1400, 800);
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_splitter->restoreState(s.value(QStringLiteral("window/splitter")).toByteArray());
    const QString zone = s.value(QStringLiteral("view/zone"), QStringLiteral("UTC")).toString();
    m_zoneBox->setCurrentText(zone);
    setDisplayZone(zone);
    m_views[EventsTab]->setHiddenColumns(s.value(QStringLiteral("view/hiddenEventColumns")).toStringList());
    m_views[TransactionsTab]->setHiddenColumns(s.value(QStringLiteral("view/hiddenTransactionColumns")).toStringList());
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&New Workspace…"), QKeySequence::New, this, &MainWindow::newWorkspace);
    file->addAction(tr("&Open Workspace…"), QKeySequence::Open, this, &MainWindow::openWorkspaceDialog);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    rebuildRecentMenu();
    file->addSeparator();
    file->addAction(tr("&Import Archives…"), QKeySequence(Qt::CTRL | Qt::Key_I), this, [this] { importDialog(false); });
    file->addAction(tr("Import Archive &Folder…"), this, [this] { importDialog(true); });
    file->addAction(tr("&Export Grid as CSV…"), this, [this] {
        const int t = m_tabs->currentIndex();
        if (t != EventsTab && t != TransactionsTab) {
            showBanner(tr("Choose the Events or Transactions tab to export its rows."));
            return;
        }
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Grid"), {}, tr("CSV files (*.csv)"));
        if (!path.isEmpty())
            exportGridCsv(Tab(t), path);
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = m_caseView->undoStack()->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_caseView->undoStack()->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
    edit->addSeparator();
    edit->addAction(tr("&Copy"), QKeySequence::Copy, this, [this] {
        if (auto *v = qobject_cast<RecordView *>(m_tabs->currentWidget()))
            v->copySelection();
    });

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Events"), QKeySequence(Qt::CTRL | Qt::Key_1), this, [this] { m_tabs->setCurrentIndex(EventsTab); });
    view->addAction(tr("&Transactions"), QKeySequence(Qt::CTRL | Qt::Key_2), this, [this] { m_tabs->setCurrentIndex(TransactionsTab); });
    view->addAction(tr("&Quarantine"), QKeySequence(Qt::CTRL | Qt::Key_3), this, [this] { showQuarantine(0); });
    view->addAction(tr("&Case"), QKeySequence(Qt::CTRL | Qt::Key_4), this, [this] { m_tabs->setCurrentIndex(CaseTab); });
    view->addAction(tr("&Search"), QKeySequence::Find, this, [this] { m_tabs->setCurrentIndex(SearchTab); });
    QMenu *caseMenu = menuBar()->addMenu(tr("&Case"));
    caseMenu->addAction(tr("&New Case…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N), this, [this] {
        bool accepted = false;
        const QString title = QInputDialog::getText(this, tr("New Case"), tr("Title:"), QLineEdit::Normal, {}, &accepted);
        if (accepted && !title.trimmed().isEmpty())
            newCase(title);
    });
    caseMenu->addAction(tr("&Add Selection to Case…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, [this] {
        const int t = m_tabs->currentIndex();
        if (t != EventsTab && t != TransactionsTab)
            return;
        bool accepted = false;
        const QString comment = QInputDialog::getText(this, tr("Add to Case"), tr("Comment (optional):"), QLineEdit::Normal, {}, &accepted);
        if (accepted)
            addSelectionToCase(Tab(t), comment);
    });
    caseMenu->addAction(tr("Add &Timeline Selection to Case…"), this, [this] {
        bool accepted = false;
        const QString comment = QInputDialog::getText(this, tr("Add to Case"), tr("Comment (optional):"), QLineEdit::Normal, {}, &accepted);
        if (accepted)
            addTimelineSelectionToCase(comment);
    });
    caseMenu->addSeparator();
    caseMenu->addAction(tr("Export Case &Report…"), QKeySequence(Qt::CTRL | Qt::Key_P), this, [this] { exportCurrentCaseReport(); });
    caseMenu->addAction(tr("Export Case Evidence as &CSV…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export Evidence"), {}, tr("CSV files (*.csv)"));
        if (path.isEmpty())
            return;
        if (auto st = exportCurrentCaseCsv(path); !st)
            showBanner(st.error().text());
    });
    caseMenu->addSeparator();
    caseMenu->addAction(tr("&Verify Journal"), this, &MainWindow::verifyJournal);
    caseMenu->addAction(tr("&Investigator…"), this, &MainWindow::editIdentity);
    view->addAction(tr("&Refresh"), QKeySequence::Refresh, this, [this] {
        if (!m_path.isEmpty())
            openWorkspace(m_path);
    });

    // Help (issue 10): keep it the last menu.
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *syntax = help->addAction(tr("&Search Syntax"), this, [this] { m_search->showHelp(); });
    syntax->setObjectName(QStringLiteral("actionSearchSyntax"));
    QAction *about = help->addAction(tr("&About Casebook"), this, [this] {
        auto *dlg = new AboutDialog(this);
        dlg->setAttribute(Qt::WA_DeleteOnClose);
        dlg->open();
    });
    about->setMenuRole(QAction::AboutRole);
    about->setObjectName(QStringLiteral("actionAbout"));
}

RecordView *MainWindow::view(Tab tab) const { return tab < CaseTab ? m_views[tab] : nullptr; }

Status MainWindow::openWorkspace(const QString &path)
{
    auto ws = Workspace::open(path); // migrates an older workspace, refuses a newer one
    if (!ws) {
        showBanner(ws.error().text());
        return ws.error();
    }
    auto info = ws->info();
    if (!info) {
        showBanner(info.error().text());
        return info.error();
    }
    auto db = SqliteDb::open(path, SqliteDb::Mode::ReadOnly);
    if (!db) {
        showBanner(db.error().text());
        return db.error();
    }
    m_readDb = std::make_unique<SqliteDb>(std::move(*db));
    if (path != m_path)
        settleJournal(); // entries of the workspace being closed (the same one reopened keeps them)
    m_ws = std::make_unique<Workspace>(std::move(*ws));
    // This connection writes on the GUI thread (cases, notes, the journal, search history): while an
    // import holds the write lock for an archive, a write fails at once with a clear message (or,
    // for the search history, is kept and tried again) instead of freezing the window.
    m_ws->db().setBusyTimeout(kGuiBusyTimeoutMs);
    m_path = path;
    m_caseView->setWorkspace(&m_ws->db(), Investigator::current().display());
    m_caseView->setDisplayZone(m_zone);
    m_search->setWorkspace(path, &m_ws->db());
    m_search->refreshLinked();
    refreshCases();
    m_statusJournal->clear();
    m_tenants->setInfo(*info);
    m_zone.tenantZones.clear();
    for (const TenantSummary &t : info->tenants)
        m_zone.tenantZones.insert(t.id, QTimeZone(t.defaultTimezone.toUtf8()));
    m_events->setDisplayZone(m_zone);
    m_transactions->setDisplayZone(m_zone);
    m_search->results()->setDisplayZone(m_zone);
    m_filter = {};
    m_events->setFilter({});
    m_transactions->setFilter({});
    m_timeline->setTimeZone(timelineZone());
    m_search->setTimeZone(timelineZone()); // dates in after:/before: are read in it
    m_timeline->setTenants({});
    m_timeline->setCurrentInstant(std::nullopt);
    m_timeline->setWorkspace(path);
    m_events->setWorkspace(path);
    m_transactions->setWorkspace(path);
    m_quarantine->setArchive(0);
    m_quarantine->setWorkspace(path);
    m_tenantView->resizeColumnsToContents();
    m_tenantView->setColumnHidden(TenantListModel::QuarantinedColumn, true);
    m_tenantView->selectRow(0);
    m_detail->clear();
    showBanner({});
    setWindowTitle(tr("%1 — Casebook").arg(QFileInfo(path).fileName()));
    m_statusPath->setText(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath()));
    rememberRecent(QFileInfo(path).absoluteFilePath());
    updateStatus();
    Q_EMIT workspaceOpened(path);
    return ok();
}

void MainWindow::refreshInfo()
{
    if (m_path.isEmpty())
        return;
    auto ws = Workspace::openReadOnly(m_path);
    if (!ws) {
        showBanner(ws.error().text());
        return;
    }
    auto info = ws->info();
    if (!info) {
        showBanner(info.error().text());
        return;
    }
    m_tenants->setInfo(*info);
    for (const TenantSummary &t : info->tenants)
        m_zone.tenantZones.insert(t.id, QTimeZone(t.defaultTimezone.toUtf8()));
    m_events->setDisplayZone(m_zone);
    m_transactions->setDisplayZone(m_zone);
    m_tenantView->resizeColumnsToContents();
    m_tenantView->selectRow(0);
    m_events->reload();
    m_transactions->reload();
    m_timeline->refresh();
    m_quarantine->setWorkspace(m_path);
}

QString MainWindow::bannerText() const { return m_banner->isVisible() ? m_banner->text() : QString(); }

QString MainWindow::statusText() const
{
    return m_statusPath->text() + u" | " + m_statusRows->text() + u" | " + m_statusSelection->text();
}

void MainWindow::showBanner(const QString &text)
{
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
}

void MainWindow::setDisplayZone(const QString &text)
{
    DisplayZone z = m_zone;
    if (text == u"UTC" || text.isEmpty()) {
        z.mode = DisplayZone::Mode::Utc;
    } else if (text == tr("Institution's zone")) {
        z.mode = DisplayZone::Mode::Institution;
    } else if (text.startsWith(tr("This computer"))) {
        z.mode = DisplayZone::Mode::System;
    } else {
        const QTimeZone tz(text.trimmed().toUtf8());
        if (!tz.isValid()) {
            showBanner(tr("\"%1\" is not a known time zone; times stay in %2.").arg(text, m_zone.label()));
            return;
        }
        z.mode = DisplayZone::Mode::Named;
        z.zone = tz;
    }
    m_zone = z;
    m_events->setDisplayZone(m_zone);
    m_transactions->setDisplayZone(m_zone);
    m_search->results()->setDisplayZone(m_zone);
    m_caseView->setDisplayZone(m_zone);
    m_timeline->setTimeZone(timelineZone());
    m_search->setTimeZone(timelineZone()); // dates in after:/before: are read in it
    if (m_zoneBox->currentText() != text)
        m_zoneBox->setCurrentText(text);
    QSettings().setValue(QStringLiteral("view/zone"), text);
    for (Tab t : { EventsTab, TransactionsTab })
        if (m_tabs->currentIndex() == t)
            recordSelectionChanged(t);
}

void MainWindow::tenantSelectionChanged()
{
    RecordFilter f;
    bool all = false;
    for (const QModelIndex &i : m_tenantView->selectionModel()->selectedRows()) {
        if (i.data(TenantListModel::IsAllRole).toBool())
            all = true;
        else
            f.tenants << i.data(TenantListModel::TenantIdRole).toString();
    }
    if (all)
        f.tenants.clear();
    f.tenants.sort();
    m_filter.tenants = f.tenants;
    m_timeline->setTenants(f.tenants);
    m_timeline->setTimeZone(timelineZone());
    m_search->setTimeZone(timelineZone()); // dates in after:/before: are read in it
    applyFilter();
}

void MainWindow::applyFilter()
{
    m_events->setFilter(m_filter);
    m_transactions->setFilter(m_filter);
    updateStatus();
}

QTimeZone MainWindow::timelineZone() const
{
    // Buckets need one zone: the chosen one, or for "institution's zone" the zone of the selected
    // institution (UTC when several with different zones are shown).
    if (m_zone.mode != DisplayZone::Mode::Institution)
        return m_zone.zoneFor({});
    QTimeZone common;
    const QStringList tenants = m_filter.tenants.isEmpty() ? m_zone.tenantZones.keys() : m_filter.tenants;
    for (const QString &t : tenants) {
        const QTimeZone z = m_zone.tenantZones.value(t);
        if (!common.isValid())
            common = z;
        else if (z.id() != common.id())
            return QTimeZone::utc();
    }
    return common.isValid() ? common : QTimeZone::utc();
}

void MainWindow::recordSelectionChanged(Tab tab)
{
    updateStatus();
    RecordView *v = m_views[tab];
    const QModelIndex current = v->selectionModel()->currentIndex();
    if (!current.isValid() || !m_readDb || !current.data(RecordTableModel::LoadedRole).toBool())
        return;
    showRecordDetail(tab == EventsTab ? RecordKind::Event : RecordKind::Transaction, current.data(RecordTableModel::RecordIdRole).toLongLong());
}

void MainWindow::showRecordDetail(RecordKind kind, qint64 rowid)
{
    if (!m_readDb)
        return;
    auto d = loadRecordDetail(*m_readDb, kind, rowid);
    if (!d) {
        m_detail->setPlainText(d.error().text());
        return;
    }
    const bool verified = d->archiveState == u"verified";
    QString html = QStringLiteral("<h3>%1 %2</h3>").arg(kind == RecordKind::Event ? tr("Event") : tr("Transaction"), htmlEscape(d->recordId));
    html += QStringLiteral("<p><b>%1</b> (%2)</p>").arg(htmlEscape(d->tenantName), htmlEscape(d->tenant));
    html += QStringLiteral("<table cellspacing=0 cellpadding=2>");
    const auto row = [&](const QString &k, const QString &v) {
        html += QStringLiteral("<tr><td style='color:#555;padding-right:8px'>%1</td><td>%2</td></tr>").arg(htmlEscape(k), htmlEscape(v));
    };
    row(tr("time (%1)").arg(m_zone.label()), m_zone.format(d->utcMs, d->tenant));
    row(tr("time (UTC)"), formatTimestamp(d->utcMs, 0));
    row(tr("time as exported"), d->tsText);
    row(tr("original offset"), formatTimestamp(d->utcMs, d->offsetSeconds).right(6));
    for (const auto &[k, v] : d->fields)
        if (k != u"ts_text")
            row(k, v);
    html += QStringLiteral("</table>");
    if (!d->detailsJson.isEmpty())
        html += QStringLiteral("<h4>%1</h4><pre>%2</pre>").arg(tr("Details"), d->detailsJson.toHtmlEscaped());
    html += QStringLiteral("<h4>%1</h4><table cellspacing=0 cellpadding=2>").arg(tr("Source"));
    row(tr("file"), d->file + u':' + QString::number(d->line));
    row(tr("archive"), d->archivePath);
    row(tr("export id"), d->exportId);
    row(tr("archive sha256"), d->archiveSha256);
    html += QStringLiteral("</table>");
    html += verified ? QStringLiteral("<p style='color:#1b5e20'>✔ %1</p>").arg(htmlEscape(tr("Verified archive: %1").arg(d->archiveStateDetail)))
                     : QStringLiteral("<p style='color:#b00020'><b>⚠ %1</b></p>").arg(htmlEscape(tr("UNSIGNED archive: %1").arg(d->archiveStateDetail)));
    m_detail->setHtml(html);
}

void MainWindow::searchEverywhere(const QString &query)
{
    m_tabs->setCurrentIndex(SearchTab);
    m_search->search(query);
}

void MainWindow::updateStatus()
{
    const int tab = m_tabs->currentIndex();
    if (tab == SearchTab) {
        m_statusRows->setText(m_search->results() ? tr("%1 hits").arg(QLocale().toString(qint64(m_search->results()->totalHits()))) : QString());
        m_statusSelection->clear();
        return;
    }
    if (tab == CaseTab) {
        const int rows = m_caseView->evidenceModel()->rowCount();
        m_statusRows->setText(tr("%1 evidence items in the case").arg(QLocale().toString(rows)));
        const auto *sel = m_caseView->evidenceView()->selectionModel();
        m_statusSelection->setText(tr("%1 selected").arg(sel ? sel->selectedRows().size() : 0));
        return;
    }
    QAbstractItemModel *model = m_views[tab]->model();
    const qint64 rows = model->rowCount();
    QString text;
    if (tab == QuarantineTab)
        text = tr("%1 quarantined rows loaded").arg(QLocale().toString(rows));
    else
        text = tr("%1 %2 in view").arg(QLocale().toString(rows), tab == EventsTab ? tr("events") : tr("transactions"));
    m_statusRows->setText(text);
    const int selected = m_views[tab]->selectionModel() ? int(m_views[tab]->selectionModel()->selectedRows().size()) : 0;
    m_statusSelection->setText(tr("%1 selected").arg(QLocale().toString(selected)));
}

void MainWindow::showQuarantine(qint64 archiveId)
{
    m_quarantine->setArchive(archiveId);
    m_tabs->setCurrentIndex(QuarantineTab);
}

ImportDialog *MainWindow::importArchives(const QStringList &paths)
{
    if (m_path.isEmpty()) {
        showBanner(tr("Open or create a workspace before importing archives."));
        return nullptr;
    }
    auto keyring = Keyring::load(Keyring::defaultPath());
    if (!keyring) {
        showBanner(keyring.error().text());
        return nullptr;
    }
    auto *dlg = new ImportDialog(this);
    dlg->setAttribute(Qt::WA_DeleteOnClose);
    connect(dlg, &ImportDialog::importFinished, this, [this](const QVector<ImportResult> &) { refreshInfo(); });
    connect(dlg, &ImportDialog::quarantineRequested, this, &MainWindow::showQuarantine);
    dlg->start(m_path, paths, *keyring, importer());
    dlg->show();
    return dlg;
}

void MainWindow::importDialog(bool folders)
{
    QStringList paths;
    if (folders) {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Import SEA Folder"));
        if (!dir.isEmpty())
            paths << dir;
    } else {
        paths = QFileDialog::getOpenFileNames(this, tr("Import Archives"), {}, tr("Supervisory Export Archives (*.sea.zip *.zip);;All files (*)"));
    }
    if (!paths.isEmpty())
        importArchives(paths);
}

QStringList MainWindow::droppableArchives(const QMimeData *mime)
{
    QStringList out;
    if (!mime->hasUrls())
        return out;
    for (const QUrl &u : mime->urls()) {
        if (!u.isLocalFile())
            continue;
        const QString p = u.toLocalFile();
        const QFileInfo fi(p);
        if ((fi.isFile() && p.endsWith(u".zip", Qt::CaseInsensitive)) || (fi.isDir() && QFileInfo::exists(p + u"/manifest.json")))
            out << p;
    }
    return out;
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!droppableArchives(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QStringList paths = droppableArchives(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    importArchives(paths);
}

void MainWindow::refreshCases()
{
    if (!m_ws)
        return;
    CaseStore store(m_ws->db(), Investigator::current().display());
    auto list = store.listCases();
    if (!list) {
        showBanner(list.error().text());
        return;
    }
    const qint64 current = m_caseView->caseId();
    QSignalBlocker block(m_caseListView->selectionModel());
    m_cases->setCases(*list);
    const int row = m_cases->rowOf(current);
    if (row >= 0)
        m_caseListView->selectRow(row);
    m_caseListView->resizeColumnsToContents();
}

qint64 MainWindow::newCase(const QString &title, const QString &description)
{
    if (!m_ws) {
        showBanner(tr("Open or create a workspace first."));
        return 0;
    }
    CaseStore store(m_ws->db(), Investigator::current().display());
    auto c = store.createCase(title, description);
    if (!c) {
        showBanner(c.error().text());
        return 0;
    }
    selectCase(c->id);
    return c->id;
}

void MainWindow::selectCase(qint64 caseId)
{
    m_caseView->setCase(caseId);
    refreshCases();
    m_tabs->setCurrentIndex(CaseTab);
}

bool MainWindow::addSelectionToCase(Tab tab, const QString &comment)
{
    if (tab != EventsTab && tab != TransactionsTab)
        return false;
    if (m_caseView->caseId() == 0) {
        showBanner(tr("Select or create a case first (Case ▸ New Case…)."));
        return false;
    }
    QVector<int64_t> rowids;
    for (const QModelIndex &i : m_views[tab]->selectionModel()->selectedRows())
        if (i.data(RecordTableModel::LoadedRole).toBool())
            rowids << i.data(RecordTableModel::RecordIdRole).toLongLong();
    if (rowids.isEmpty())
        return false;
    const bool ok = m_caseView->addEvidence(tab == EventsTab ? RecordKind::Event : RecordKind::Transaction, rowids, comment);
    if (ok)
        statusBar()->showMessage(tr("Added %n record(s) to the case", nullptr, int(rowids.size())), 4000);
    return ok;
}

int MainWindow::addTimelineSelectionToCase(const QString &comment)
{
    if (m_caseView->caseId() == 0) {
        showBanner(tr("Select or create a case first (Case ▸ New Case…)."));
        return 0;
    }
    if (!m_filter.hasTimeRange() || !m_readDb) {
        showBanner(tr("Select a time range on the timeline first (Shift+drag)."));
        return 0;
    }
    int added = 0;
    for (const RecordKind kind : { RecordKind::Event, RecordKind::Transaction }) {
        QByteArray sql = QByteArray("SELECT id FROM ") + (kind == RecordKind::Event ? "events" : "transactions")
            + " WHERE ts_utc_ms >= ? AND ts_utc_ms < ?";
        if (!m_filter.tenants.isEmpty()) {
            sql += " AND tenant_id IN (";
            for (int i = 0; i < m_filter.tenants.size(); ++i)
                sql += i ? ",?" : "?";
            sql += ")";
        }
        auto q = m_readDb->prepare(sql);
        if (!q) {
            showBanner(q.error().text());
            return added;
        }
        q->bind(1, qint64(m_filter.fromUtcMs));
        q->bind(2, qint64(m_filter.toUtcMs));
        for (int i = 0; i < m_filter.tenants.size(); ++i)
            q->bind(3 + i, m_filter.tenants[i]);
        QVector<int64_t> ids;
        while (q->step() == Statement::StepResult::Row)
            ids << q->columnInt(0);
        const QString range = formatTimestamp(m_filter.fromUtcMs, 0) + u" .. " + formatTimestamp(m_filter.toUtcMs, 0);
        if (!ids.isEmpty() && m_caseView->addEvidence(kind, ids, comment, tr("timeline selection %1").arg(range)))
            added += int(ids.size());
    }
    statusBar()->showMessage(tr("Added %n record(s) from the timeline selection", nullptr, added), 6000);
    return added;
}

void MainWindow::showGridMenu(Tab tab, const QPoint &pos)
{
    QMenu menu(this);
    const bool haveCase = m_caseView->caseId() != 0;
    QAction *add = menu.addAction(haveCase ? tr("Add to Case %1…").arg(m_cases->caseAt(m_cases->rowOf(m_caseView->caseId())) ? m_cases->caseAt(m_cases->rowOf(m_caseView->caseId()))->ref : QString())
                                           : tr("Add to Case… (create or select a case first)"));
    add->setEnabled(haveCase);
    connect(add, &QAction::triggered, this, [this, tab] {
        bool accepted = false;
        const QString comment = QInputDialog::getText(this, tr("Add to Case"), tr("Comment (optional):"), QLineEdit::Normal, {}, &accepted);
        if (accepted)
            addSelectionToCase(tab, comment);
    });
    // "Search everywhere" on the entity under the cursor: actor, IP, account or name.
    const QModelIndex at = m_views[tab]->indexAt(pos);
    if (at.isValid() && at.data(RecordTableModel::LoadedRole).toBool()) {
        const QString v = at.data().toString();
        QString q;
        if (tab == EventsTab) {
            if (at.column() == 3)
                q = pivotQuery("actor", v);
            else if (at.column() == 9)
                q = pivotQuery("ip", v);
        } else if (at.column() == 3 || at.column() == 5) {
            q = pivotQuery("account", v);
        } else if (at.column() == 4 || at.column() == 6) {
            q = pivotQuery("name", v);
        }
        if (!q.isEmpty())
            menu.addAction(tr("Search Everywhere: %1").arg(q), this, [this, q] { searchEverywhere(q); });
    }
    menu.addAction(tr("Copy"), this, [this, tab] { m_views[tab]->copySelection(); });
    menu.exec(m_views[tab]->viewport()->mapToGlobal(pos));
}

QString MainWindow::verifyJournal()
{
    if (!m_readDb)
        return {};
    auto r = verifyWorkspace(*m_readDb);
    if (!r) {
        showBanner(r.error().text());
        return {};
    }
    QString line;
    if (r->intact) {
        line = tr("journal intact: %1 entries, head %2").arg(r->entries).arg(QString::fromLatin1(r->head));
        m_statusJournal->setText(tr("Journal intact (%1 entries)").arg(r->entries));
        m_statusJournal->setStyleSheet(QStringLiteral("color: #1b5e20"));
        showBanner({});
    } else {
        line = tr("journal BROKEN: %1").arg(r->failure);
        m_statusJournal->setText(tr("Journal BROKEN"));
        m_statusJournal->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold"));
        showBanner(line);
    }
    m_statusJournal->setToolTip(line);
    journalAction(QStringLiteral("verification.run"),
                  { { QStringLiteral("intact"), r->intact }, { QStringLiteral("entries"), qint64(r->entries) },
                    { QStringLiteral("head"), QString::fromLatin1(r->head) }, { QStringLiteral("failure"), r->failure } });
    statusBar()->showMessage(line, 10000);
    return line;
}

bool MainWindow::exportGridCsv(Tab tab, const QString &path)
{
    if (m_path.isEmpty() || (tab != EventsTab && tab != TransactionsTab))
        return false;
    RecordTableModel *model = tab == EventsTab ? m_events : m_transactions;
    GridQuery q;
    q.kind = model->kind();
    q.filter = model->filter();
    q.sortColumn = model->sortColumn();
    q.descending = model->sortOrder() == Qt::DescendingOrder;
    const DisplayZone zone = m_zone;
    const QString wsPath = m_path;
    const qint64 total = model->rowCount();
    auto *progress = new QProgressDialog(tr("Exporting %1 rows…").arg(QLocale().toString(total)), tr("Cancel"), 0, 1000, this);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(300);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    auto cancelled = std::make_shared<std::atomic_bool>(false);
    connect(progress, &QProgressDialog::canceled, this, [cancelled] { *cancelled = true; });
    QPointer<QProgressDialog> guard(progress);
    // The worker opens its own connection (STYLE 16) and gets copies of what it needs (STYLE 20).
    auto future = QtConcurrent::run([wsPath, path, q, zone, cancelled, guard, total]() -> Result<CsvFileResult> {
        auto db = SqliteDb::open(wsPath, SqliteDb::Mode::ReadOnly);
        if (!db)
            return db.error();
        return writeCsvFile(path, [&](QIODevice *out) {
            return exportRecordsCsv(*db, q, out, {}, &zone, [&](int64_t rows) {
                if (total > 0)
                    QMetaObject::invokeMethod(guard, [guard, rows, total] { if (guard) guard->setValue(int(1000 * rows / total)); }, Qt::QueuedConnection);
                return !cancelled->load();
            });
        });
    });
    auto *watcher = new QFutureWatcher<Result<CsvFileResult>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, guard, q, path] {
        const Result<CsvFileResult> r = watcher->result();
        watcher->deleteLater();
        if (guard)
            guard->close();
        if (!r) {
            if (r.error().code != Error::Code::Cancelled)
                showBanner(r.error().text());
            return;
        }
        QJsonArray tenants = QJsonArray::fromStringList(q.filter.tenants);
        journalAction(QStringLiteral("csv.exported"),
                      { { QStringLiteral("what"), q.kind == RecordKind::Event ? QStringLiteral("events") : QStringLiteral("transactions") },
                        { QStringLiteral("path"), r->path },
                        { QStringLiteral("rows"), qint64(r->rows) },
                        { QStringLiteral("sha256"), QString::fromLatin1(r->sha256) },
                        { QStringLiteral("tenants"), tenants } });
        statusBar()->showMessage(tr("Exported %1 rows to %2").arg(r->rows).arg(r->path), 8000);
        Q_EMIT gridExported(r->path, r->rows);
    });
    watcher->setFuture(future);
    return true;
}

void MainWindow::exportCurrentCaseReport(const QString &path)
{
    const CaseSummary *c = m_cases->caseAt(m_cases->rowOf(m_caseView->caseId()));
    if (!c || m_path.isEmpty()) {
        showBanner(tr("Select a case first."));
        return;
    }
    exportCaseReport(this, m_path, c->ref, timelineZone(), path);
}

Status MainWindow::exportCurrentCaseCsv(const QString &path)
{
    const CaseSummary *c = m_cases->caseAt(m_cases->rowOf(m_caseView->caseId()));
    if (!c || !m_ws)
        return Error(Error::Code::Usage, tr("Select a case first."));
    const QTimeZone zone = m_zone.mode == DisplayZone::Mode::Institution ? QTimeZone() : m_zone.zoneFor({});
    auto r = writeCsvFile(path, [&](QIODevice *out) { return exportCaseEvidenceCsv(m_ws->db(), c->id, out, {}, zone); });
    if (!r)
        return r.error();
    CaseStore store(m_ws->db(), Investigator::current().display());
    auto seq = store.journalExport(c->id, QStringLiteral("csv.exported"),
                                   { { QStringLiteral("path"), r->path }, { QStringLiteral("rows"), qint64(r->rows) },
                                     { QStringLiteral("sha256"), QString::fromLatin1(r->sha256) } });
    if (!seq)
        return seq.error();
    statusBar()->showMessage(tr("Exported %1 evidence items to %2").arg(r->rows).arg(r->path), 8000);
    return ok();
}

void MainWindow::editIdentity()
{
    IdentityDialog dlg(Investigator::current(), this);
    if (dlg.exec() == QDialog::Accepted) {
        Investigator::store(dlg.investigator());
        if (m_ws)
            m_caseView->setWorkspace(&m_ws->db(), Investigator::current().display());
    }
}

void MainWindow::journalAction(const QString &action, QJsonObject payload)
{
    if (!m_ws)
        return;
    if (!m_pendingJournal.isEmpty() || !journal::appendStandalone(m_ws->db(), Investigator::current().display(), action, payload)) {
        if (!m_pendingJournal.isEmpty() || m_ws->db().lastFailureWasBusy()) {
            payload.insert(QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
            m_pendingJournal.push_back({ action, payload });
            flushJournal(0);
        } else {
            showBanner(tr("The journal entry for this action could not be written: %1").arg(m_ws->db().lastError()));
        }
    }
}

void MainWindow::flushJournal(int busyMs)
{
    m_journalRetry.stop();
    if (!m_ws)
        return;
    SqliteDb &db = m_ws->db();
    const auto restore = db.busyTimeoutFor(busyMs);
    while (!m_pendingJournal.isEmpty()) {
        const PendingJournal &p = m_pendingJournal.constFirst();
        if (!journal::appendStandalone(db, Investigator::current().display(), p.action, p.payload)) {
            if (db.lastFailureWasBusy()) {
                statusBar()->showMessage(tr("%n action(s) will be recorded in the journal when the import has written its archive", nullptr,
                                            int(m_pendingJournal.size())),
                                         kJournalRetryMs + 1000);
                m_journalRetry.start();
                return;
            }
            showBanner(tr("The journal entry for %1 could not be written: %2").arg(p.action, db.lastError()));
        }
        m_pendingJournal.removeFirst();
    }
}

void MainWindow::settleJournal()
{
    if (m_pendingJournal.isEmpty())
        return;
    flushJournal(5000);
    if (!m_pendingJournal.isEmpty()) {
        QStringList actions;
        for (const PendingJournal &p : std::as_const(m_pendingJournal))
            actions << p.action + u" (" + p.payload.value(u"at").toString() + u')';
        showBanner(tr("Not recorded in the journal of %1 (the workspace stayed busy): %2").arg(m_path, actions.join(u", ")));
        m_pendingJournal.clear();
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    settleJournal();
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    s.setValue(QStringLiteral("view/hiddenEventColumns"), m_views[EventsTab]->hiddenColumns());
    s.setValue(QStringLiteral("view/hiddenTransactionColumns"), m_views[TransactionsTab]->hiddenColumns());
    QMainWindow::closeEvent(event);
}

void MainWindow::rememberRecent(const QString &path)
{
    QSettings s;
    QStringList recent = s.value(QStringLiteral("recent")).toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    s.setValue(QStringLiteral("recent"), recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = QSettings().value(QStringLiteral("recent")).toStringList();
    for (const QString &p : recent)
        m_recentMenu->addAction(QDir::toNativeSeparators(p), this, [this, p] { openWorkspace(p); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::newWorkspace()
{
    QString path = QFileDialog::getSaveFileName(this, tr("New Workspace"), {}, tr("Casebook workspaces (*.casebook)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(u".casebook"))
        path += u".casebook";
    auto ws = Workspace::create(path);
    if (!ws) {
        showBanner(ws.error().text());
        return;
    }
    openWorkspace(path);
}

void MainWindow::openWorkspaceDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Workspace"), {}, tr("Casebook workspaces (*.casebook);;All files (*)"));
    if (!path.isEmpty())
        openWorkspace(path);
}

} // namespace casebook
