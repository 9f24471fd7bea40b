// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "libraryinfo.h"

#include <QDialog>
#include <QIcon>

class QLabel;
class QTableWidget;

namespace casebook {

/// The application icon (hicolor theme icon "casebook" when installed, else the PNGs compiled in).
QIcon applicationIcon();

/// Help ▸ About Casebook: the version, the licence, the build's Qt and SQLite versions and the
/// libraries (with their versions and licences) Casebook is built with.
class AboutDialog : public QDialog
{
    Q_OBJECT
public:
    explicit AboutDialog(QWidget *parent = nullptr);

    /// Every third-party component shown in the table: Qt, QCustomPlot, the models' libraries and
    /// the Noto CJK fonts.
    static QList<LibraryInfo> libraries();
    /// One line for bug reports: "Casebook 0.1.0; Qt 6.4.2 (built with 6.4.2); SQLite 3.40.1; Debian…".
    static QString buildInfo();

    QLabel *versionLabel() const { return m_version; }
    QLabel *buildLabel() const { return m_build; }
    QTableWidget *libraryTable() const { return m_libraries; }

private:
    QLabel *m_version;
    QLabel *m_build;
    QTableWidget *m_libraries;
};

} // namespace casebook
