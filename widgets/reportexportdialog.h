// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "reportwriter.h"

#include <QDialog>
#include <QFutureWatcher>

#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;

namespace casebook {

/// What a report export ended with (the worker's answer).
struct ReportOutcome
{
    enum class State { Written, Cancelled, Failed };
    State state = State::Failed;
    QString message; ///< for Failed
    ReportResult result; ///< for Written
};

/// Writes a case report off the GUI thread (QtConcurrent, STYLE 14) with progress and Cancel. The
/// timeline figure is rendered on the GUI thread first (QCustomPlot is a widget), then the worker
/// opens its own workspace connection, lays out and paints the PDF, writes the sidecars and
/// journals the export. Cancel leaves no files and no journal entry.
class ReportExportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ReportExportDialog(QWidget *parent = nullptr);
    ~ReportExportDialog() override;

    /// Starts the export; the request is copied. Failures to start (unknown case, workspace not
    /// readable) are reported through exportFailed as well.
    void start(const ReportRequest &request);
    bool isRunning() const { return m_watcher.isRunning(); }
    /// Requests cancellation (as the Cancel button does).
    void cancel();
    const ReportOutcome &outcome() const { return m_outcome; }

Q_SIGNALS:
    void exportFinished(const casebook::ReportResult &result);
    void exportFailed(const QString &message);
    void exportCancelled();

private:
    void onFinished();
    void finish(const ReportOutcome &o);

    QFutureWatcher<void> m_watcher;
    std::shared_ptr<ReportOutcome> m_shared;
    ReportOutcome m_outcome;
    QLabel *m_phase = nullptr;
    QProgressBar *m_bar = nullptr;
    QPushButton *m_button = nullptr;
};

/// The GUI entry point ("Export Case Report…"): asks for the file name when `outputPath` is empty
/// (suggesting CASE-report.pdf), then shows a ReportExportDialog (deleted when closed) running the
/// export for the current investigator. Returns the dialog, or null when the user cancelled the
/// file dialog.
ReportExportDialog *exportCaseReport(QWidget *parent, const QString &workspacePath, const QString &caseRef, const QTimeZone &zone,
                                     const QString &outputPath = {});

} // namespace casebook
