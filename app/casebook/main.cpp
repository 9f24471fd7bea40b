// SPDX-License-Identifier: GPL-3.0-or-later
// casebook: the GUI. `casebook [WORKSPACE]`; `casebook --demo` opens (creating if missing) the demo
// workspace by running `casebook-cli demo` beside this executable.

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

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Casebook"));
    QApplication::setApplicationName(QStringLiteral("casebook"));
    QApplication::setApplicationVersion(QStringLiteral(CASEBOOK_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Casebook — supervisory investigation workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the demo workspace, creating it if missing."));
    parser.addOption(demo);
    QCommandLineOption caseOpt(QStringLiteral("case"), QStringLiteral("Open this case (e.g. C-0001) in the Case tab."), QStringLiteral("CASE"));
    parser.addOption(caseOpt);
    parser.addPositionalArgument(QStringLiteral("workspace"), QStringLiteral("Workspace file (.casebook) to open."));
    parser.process(app);

    // The investigator's identity goes into the journal with every action: ask once.
    if (!casebook::Investigator::current().isSet()) {
        casebook::IdentityDialog dlg(casebook::Investigator::current());
        if (dlg.exec() == QDialog::Accepted)
            casebook::Investigator::store(dlg.investigator());
    }
    casebook::MainWindow window;
    QString path = parser.positionalArguments().value(0);
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
