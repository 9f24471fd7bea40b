// SPDX-License-Identifier: GPL-3.0-or-later
// casebook: the GUI. `casebook [WORKSPACE]`; `casebook --demo` opens (creating if missing) the demo
// workspace by running `casebook-cli demo` beside this executable; `casebook ARCHIVE.sea.zip...` (how
// the desktop entry opens archives) imports them into a workspace the user confirms or chooses.
// `--version` and `--help` need no display.

#include "aboutdialog.h"
#include "archivelaunch.h"
#include "casemodels.h"
#include "identity.h"
#include "identitydialog.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

namespace {

void setApplicationInfo()
{
    QCoreApplication::setOrganizationName(QStringLiteral("Casebook"));
    QCoreApplication::setApplicationName(QStringLiteral("casebook"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CASEBOOK_VERSION));
}

/// True when the command line only asks for text (--version, --help): answered without a display.
bool textOnly(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArrayView a(argv[i]);
        if (a == "--version" || a == "-v" || a == "--help" || a == "-h" || a == "--help-all" || a == "-?")
            return true;
    }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Casebook — supervisory investigation workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the demo workspace, creating it if missing."));
    parser.addOption(demo);
    QCommandLineOption caseOpt(QStringLiteral("case"), QStringLiteral("Open this case (e.g. C-0001) in the Case tab."), QStringLiteral("CASE"));
    parser.addOption(caseOpt);
    parser.addPositionalArgument(QStringLiteral("workspace"),
                                 QStringLiteral("Workspace file (.casebook) to open, or SEA archives (.sea.zip, folders) to import."),
                                 QStringLiteral("[workspace | archives...]"));
    if (textOnly(argc, argv)) {
        QCoreApplication app(argc, argv);
        setApplicationInfo();
        parser.process(app); // prints and exits
        return 0;
    }

    QApplication app(argc, argv);
    setApplicationInfo();
    QGuiApplication::setDesktopFileName(QStringLiteral("casebook"));
    QApplication::setWindowIcon(casebook::applicationIcon());
    parser.process(app);

    // The investigator's identity goes into the journal with every action: ask once.
    if (!casebook::Investigator::current().isSet()) {
        casebook::IdentityDialog dlg(casebook::Investigator::current());
        if (dlg.exec() == QDialog::Accepted)
            casebook::Investigator::store(dlg.investigator());
    }
    casebook::MainWindow window;
    const QStringList positional = parser.positionalArguments();
    QStringList archives;
    for (const QString &p : positional)
        if (casebook::isArchivePath(p))
            archives << QFileInfo(p).absoluteFilePath();
    if (!archives.isEmpty()) {
        window.show();
        const QString target = casebook::chooseWorkspaceForArchives(&window, archives);
        if (!target.isEmpty() && window.openWorkspace(target))
            window.importArchives(archives);
        return app.exec();
    }
    QString path = positional.value(0);
    if (parser.isSet(demo)) {
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
        QDir().mkpath(dir);
        path = dir + QStringLiteral("/demo.casebook");
        if (!QFileInfo::exists(path)) {
            const QString cli = QCoreApplication::applicationDirPath() + QStringLiteral("/casebook-cli");
            QProcess::execute(cli, { QStringLiteral("demo"), path });
        }
    }
    window.show();
    if (!path.isEmpty() && window.openWorkspace(path) && parser.isSet(caseOpt)) {
        for (int r = 0; r < window.caseModel()->rowCount(); ++r)
            if (window.caseModel()->index(r, 0).data().toString().compare(parser.value(caseOpt), Qt::CaseInsensitive) == 0)
                window.selectCase(window.caseModel()->index(r, 0).data(casebook::CaseListModel::CaseIdRole).toLongLong());
    }
    return app.exec();
}
