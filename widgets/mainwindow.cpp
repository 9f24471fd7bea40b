// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "tenantlistmodel.h"
#include "workspace.h"

#include <QAction>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLocale>
#include <QLabel>
#include <QMenuBar>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace casebook {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_tenants(new TenantListModel(this))
{
    setWindowTitle(tr("Casebook"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    m_banner = new QLabel(central);
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(QStringLiteral("QLabel { background: #fdecea; color: #611a15; padding: 8px; border-bottom: 1px solid #f5c6cb; }"));
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->hide();
    layout->addWidget(m_banner);

    auto *proxy = new QSortFilterProxyModel(this); // a handful of rows: a proxy is fine here
    proxy->setSourceModel(m_tenants);
    proxy->setSortRole(TenantListModel::SortRole);
    m_view = new QTableView(central);
    m_view->setModel(proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TenantListModel::IdColumn, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(TenantListModel::NameColumn, QHeaderView::Stretch);
    layout->addWidget(m_view);
    setCentralWidget(central);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *newAct = file->addAction(tr("&New Workspace…"), this, &MainWindow::newWorkspace);
    newAct->setShortcut(QKeySequence::New);
    QAction *openAct = file->addAction(tr("&Open Workspace…"), this, &MainWindow::openWorkspaceDialog);
    openAct->setShortcut(QKeySequence::Open);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    m_status = new QLabel(tr("No workspace open"), this);
    statusBar()->addWidget(m_status, 1);
    resize(1100, 600);
}

MainWindow::~MainWindow() = default;

Status MainWindow::openWorkspace(const QString &path)
{
    auto ws = Workspace::open(path);
    if (!ws) {
        showBanner(ws.error().text());
        return ws.error();
    }
    auto info = ws->info();
    if (!info) {
        showBanner(info.error().text());
        return info.error();
    }
    m_path = path;
    m_tenants->setInfo(*info);
    m_view->resizeColumnsToContents();
    showBanner({});
    int64_t events = 0, txns = 0;
    for (const TenantSummary &t : info->tenants) {
        events += t.events;
        txns += t.transactions;
    }
    m_status->setText(tr("%1 — %2 institutions, %3 events, %4 transactions")
                          .arg(path)
                          .arg(info->tenants.size())
                          .arg(QLocale().toString(qint64(events)), QLocale().toString(qint64(txns))));
    setWindowTitle(tr("%1 — Casebook").arg(QFileInfo(path).fileName()));
    Q_EMIT workspaceOpened(path);
    return ok();
}

QString MainWindow::bannerText() const { return m_banner->isVisible() ? m_banner->text() : QString(); }

void MainWindow::showBanner(const QString &text)
{
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
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
