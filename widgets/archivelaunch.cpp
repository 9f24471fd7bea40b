// SPDX-License-Identifier: GPL-3.0-or-later
#include "archivelaunch.h"

#include "workspace.h"

#include <QCoreApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>

namespace casebook {

namespace {
QString tr(const char *text) { return QCoreApplication::translate("casebook::ArchiveLaunch", text); }
} // namespace

bool isArchivePath(const QString &path)
{
    const QFileInfo fi(path);
    if (fi.isDir())
        return QFileInfo::exists(path + u"/manifest.json");
    return path.endsWith(u".zip", Qt::CaseInsensitive);
}

QString chooseWorkspaceForArchives(QWidget *parent, const QStringList &archives)
{
    if (archives.isEmpty())
        return {};
    const QString what = archives.size() == 1 ? QFileInfo(archives.first()).fileName()
                                              : tr("%1 archives").arg(archives.size());
    QString last;
    for (const QString &r : QSettings().value(QStringLiteral("recent")).toStringList()) {
        if (QFileInfo(r).isFile()) {
            last = r;
            break;
        }
    }
    if (!last.isEmpty()) {
        QMessageBox box(QMessageBox::Question, tr("Import Archives"),
                        tr("Import %1 into the workspace %2?").arg(what, last), QMessageBox::NoButton, parent);
        QPushButton *into = box.addButton(tr("&Import"), QMessageBox::AcceptRole);
        QPushButton *other = box.addButton(tr("&Other Workspace…"), QMessageBox::ActionRole);
        box.addButton(QMessageBox::Cancel);
        box.setDefaultButton(into);
        box.exec();
        if (box.clickedButton() == into)
            return last;
        if (box.clickedButton() != other)
            return {};
    }
    QString path = QFileDialog::getSaveFileName(parent, tr("Workspace for %1 (existing or new)").arg(what),
                                                QFileInfo(archives.first()).absolutePath(),
                                                tr("Casebook workspaces (*.casebook)"), nullptr,
                                                QFileDialog::DontConfirmOverwrite);
    if (path.isEmpty())
        return {};
    if (!QFileInfo::exists(path) && !path.endsWith(u".casebook"))
        path += u".casebook";
    if (!QFileInfo::exists(path)) {
        auto ws = Workspace::create(path);
        if (!ws) {
            QMessageBox::warning(parent, tr("New Workspace"), ws.error().text());
            return {};
        }
    }
    return path;
}

} // namespace casebook
