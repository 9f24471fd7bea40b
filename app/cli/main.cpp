// SPDX-License-Identifier: GPL-3.0-or-later
// casebook-cli: the headless front end of casebook_models. Exit codes: 0 success, 1 failure (for
// import: an archive was rejected), 2 usage error, 130 interrupted.
//
// This file only sets up the application and dispatches; the commands live beside it (cli.h lists
// which file holds which command).

#include "cli.h"

#include <QApplication>
#include <QCoreApplication>
#include <QLoggingCategory>

#include <memory>

using namespace casebook::cli;

int main(int argc, char **argv)
{
    // Only the report (export-report, and the report step of bench) needs Qt Gui (fonts, PDF) and
    // Widgets (QCustomPlot draws the figure); every other command stays QtCore-only. A PDF needs no display: use the offscreen platform unless
    // the caller chose one.
    const bool gui = argc > 1 && (qstrcmp(argv[1], "export-report") == 0 || qstrcmp(argv[1], "bench") == 0);
    if (gui && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::unique_ptr<QCoreApplication> appHolder = gui ? std::make_unique<QApplication>(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication &app = *appHolder;
    QCoreApplication::setOrganizationName(QStringLiteral("Casebook"));
    QCoreApplication::setApplicationName(QStringLiteral("casebook-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CASEBOOK_VERSION));
    // Progress and results go to stdout/stderr explicitly; library chatter only with CASEBOOK_VERBOSE=1.
    if (qEnvironmentVariableIntValue("CASEBOOK_VERBOSE") == 0)
        QLoggingCategory::setFilterRules(QStringLiteral("casebook.*.info=false\ncasebook.*.debug=false"));
    QStringList args = app.arguments().mid(1);
    if (args.isEmpty())
        return usage();
    const QString cmd = args.takeFirst();
    if (cmd == u"--version" || cmd == u"version") {
        out() << "casebook-cli " << CASEBOOK_VERSION << "\n";
        return ExitOk;
    }
    if (cmd == u"--help" || cmd == u"-h" || cmd == u"help") {
        out() << kUsage;
        return ExitOk;
    }
    if (cmd == u"init")
        return cmdInit(args);
    if (cmd == u"import")
        return cmdImport(args);
    if (cmd == u"import-file")
        return cmdImportFile(args);
    if (cmd == u"info")
        return cmdInfo(args);
    if (cmd == u"quarantine")
        return cmdQuarantine(args);
    if (cmd == u"keys")
        return cmdKeys(args);
    if (cmd == u"generate")
        return cmdGenerate(args);
    if (cmd == u"demo")
        return cmdDemo(args);
    if (cmd == u"case")
        return cmdCase(args);
    if (cmd == u"verify")
        return cmdVerify(args);
    if (cmd == u"search")
        return cmdSearch(args);
    if (cmd == u"linked")
        return cmdLinked(args);
    if (cmd == u"timeline")
        return cmdTimeline(args);
    if (cmd == u"export-report")
        return cmdExportReport(args);
    if (cmd == u"export-csv")
        return cmdExportCsv(args);
    if (cmd == u"bench")
        return cmdBench(args);
    return usage(QStringLiteral("unknown command \"%1\"").arg(cmd));
}
