// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QMainWindow>

class QLabel;
class QTableView;

namespace casebook {

class TenantListModel;

/// The investigator's home window: opens a workspace and lists its institutions. GUI thread only.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Opens the workspace at `path`, replacing the current one. On failure the window keeps its
    /// previous state, shows the reason in the banner and returns the error.
    Status openWorkspace(const QString &path);
    QString workspacePath() const { return m_path; }
    TenantListModel *tenantModel() const { return m_tenants; }
    /// The message currently shown in the error banner (empty when hidden).
    QString bannerText() const;

Q_SIGNALS:
    void workspaceOpened(const QString &path);

private:
    void newWorkspace();
    void openWorkspaceDialog();
    void showBanner(const QString &text);

    QString m_path;
    TenantListModel *m_tenants = nullptr;
    QTableView *m_view = nullptr;
    QLabel *m_banner = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace casebook
