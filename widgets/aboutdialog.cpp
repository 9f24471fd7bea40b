// SPDX-License-Identifier: GPL-3.0-or-later
#include "aboutdialog.h"

#include "qcustomplotwrapper.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSysInfo>
#include <QTableWidget>
#include <QVBoxLayout>

namespace casebook {

QIcon applicationIcon()
{
    QIcon fallback;
    for (int size : { 16, 22, 24, 32, 48, 64, 128, 256 })
        fallback.addFile(QStringLiteral(":/casebook/icons/casebook-%1.png").arg(size), QSize(size, size));
    return QIcon::fromTheme(QStringLiteral("casebook"), fallback);
}

QList<LibraryInfo> AboutDialog::libraries()
{
    QList<LibraryInfo> libs {
        { QStringLiteral("Qt"), QString::fromLatin1(qVersion()), QStringLiteral("LGPL-3.0-only"), QStringLiteral("https://www.qt.io/") },
        { QStringLiteral("QCustomPlot"), QStringLiteral(QCUSTOMPLOT_VERSION_STR), QStringLiteral("GPL-3.0-or-later"),
          QStringLiteral("https://www.qcustomplot.com/") },
    };
    libs += modelLibraries();
    // The CJK names and memos are drawn with the system's Noto CJK fonts (package fonts-noto-cjk).
    const bool noto = QFontDatabase::families().contains(QStringLiteral("Noto Sans CJK SC"));
    libs.append({ QStringLiteral("Noto Sans CJK fonts"), noto ? tr("installed") : tr("not installed"), QStringLiteral("OFL-1.1"),
                  QStringLiteral("https://github.com/notofonts/noto-cjk") });
    return libs;
}

QString AboutDialog::buildInfo()
{
    return QStringLiteral("Casebook %1; Qt %2 (built with %3); SQLite %4; %5 %6")
        .arg(QStringLiteral(CASEBOOK_VERSION), QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR), sqliteVersion(),
             QSysInfo::prettyProductName(), QSysInfo::currentCpuArchitecture());
}

AboutDialog::AboutDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("About Casebook"));
    setObjectName(QStringLiteral("aboutDialog"));

    auto *icon = new QLabel(this);
    icon->setPixmap(applicationIcon().pixmap(96, 96));
    icon->setAlignment(Qt::AlignTop);

    m_version = new QLabel(this);
    m_version->setObjectName(QStringLiteral("version"));
    m_version->setTextFormat(Qt::RichText);
    m_version->setText(tr("<h2>Casebook %1</h2>"
                          "<p>Investigation workbench for financial supervisors: imports, verifies and searches "
                          "Supervisory Export Archives.</p>"
                          "<p>Casebook is free software: you can redistribute it and/or modify it under the terms "
                          "of the GNU General Public License, version 3 or (at your option) any later version "
                          "(GPL-3.0-or-later). It comes with ABSOLUTELY NO WARRANTY.</p>")
                           .arg(QStringLiteral(CASEBOOK_VERSION)));
    m_version->setWordWrap(true);

    m_build = new QLabel(this);
    m_build->setObjectName(QStringLiteral("build"));
    m_build->setText(tr("Qt %1 (built with Qt %2) · SQLite %3 · %4")
                         .arg(QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR), sqliteVersion(),
                              QSysInfo::prettyProductName()));
    m_build->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_build->setWordWrap(true);

    const QList<LibraryInfo> libs = libraries();
    m_libraries = new QTableWidget(int(libs.size()), 3, this);
    m_libraries->setObjectName(QStringLiteral("libraries"));
    m_libraries->setHorizontalHeaderLabels({ tr("Component"), tr("Version"), tr("Licence") });
    m_libraries->verticalHeader()->hide();
    m_libraries->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_libraries->setSelectionBehavior(QAbstractItemView::SelectRows);
    for (int r = 0; r < libs.size(); ++r) {
        const LibraryInfo &l = libs[r];
        auto *name = new QTableWidgetItem(l.name);
        name->setToolTip(l.url);
        m_libraries->setItem(r, 0, name);
        m_libraries->setItem(r, 1, new QTableWidgetItem(l.version));
        m_libraries->setItem(r, 2, new QTableWidgetItem(l.licence));
    }
    m_libraries->resizeColumnsToContents();
    m_libraries->horizontalHeader()->setStretchLastSection(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *copy = buttons->addButton(tr("&Copy Version Info"), QDialogButtonBox::ActionRole);
    connect(copy, &QPushButton::clicked, this, [] { QGuiApplication::clipboard()->setText(buildInfo()); });
    QPushButton *aboutQt = buttons->addButton(tr("About &Qt"), QDialogButtonBox::HelpRole);
    connect(aboutQt, &QPushButton::clicked, this, [this] { QMessageBox::aboutQt(this); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    buttons->button(QDialogButtonBox::Close)->setDefault(true);

    auto *top = new QHBoxLayout;
    top->addWidget(icon);
    top->addWidget(m_version, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_build);
    layout->addWidget(new QLabel(tr("Casebook is built with:"), this));
    layout->addWidget(m_libraries, 1);
    layout->addWidget(buttons);
    resize(560, 520);
}

} // namespace casebook
