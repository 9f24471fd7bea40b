// SPDX-License-Identifier: GPL-3.0-or-later
#include "reportexportdialog.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace casebook {

ReportExportDialog::ReportExportDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Export Case Report"));
    auto *layout = new QVBoxLayout(this);
    m_phase = new QLabel(tr("Preparing…"), this);
    m_phase->setWordWrap(true);
    m_phase->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bar = new QProgressBar(this);
    m_bar->setRange(0, 0);
    m_button = new QPushButton(tr("Cancel"), this);
    layout->addWidget(m_phase);
    layout->addWidget(m_bar);
    layout->addWidget(m_button, 0, Qt::AlignRight);
    setMinimumWidth(460);
    connect(m_button, &QPushButton::clicked, this, [this] {
        if (isRunning())
            cancel();
        else
            accept();
    });
    connect(&m_watcher, &QFutureWatcherBase::progressRangeChanged, m_bar, &QProgressBar::setRange);
    connect(&m_watcher, &QFutureWatcherBase::progressValueChanged, m_bar, &QProgressBar::setValue);
    connect(&m_watcher, &QFutureWatcherBase::progressTextChanged, m_phase, &QLabel::setText);
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &ReportExportDialog::onFinished);
}

ReportExportDialog::~ReportExportDialog()
{
    // Wait so the worker's workspace connection and the half-written file are gone with us.
    m_watcher.cancel();
    m_watcher.waitForFinished();
}

void ReportExportDialog::cancel()
{
    m_button->setEnabled(false);
    m_button->setText(tr("Cancelling…"));
    m_watcher.cancel();
}

void ReportExportDialog::start(const ReportRequest &request)
{
    m_button->setEnabled(true);
    m_button->setText(tr("Cancel"));
    m_bar->setRange(0, 0);
    m_phase->setText(tr("Drawing the timeline…"));
    // The figure is drawn here, on the GUI thread: QCustomPlot is a widget. It is cheap (one
    // aggregated read); everything else runs in the worker.
    auto figure = prepareTimelineFigure(request.workspacePath, request.caseRef, request.zone);
    if (!figure) {
        finish({ ReportOutcome::State::Failed, figure.error().text(), {} });
        return;
    }
    auto shared = std::make_shared<ReportOutcome>();
    // A future cancelled before the pool starts it never runs the function: that is a cancel too.
    shared->state = ReportOutcome::State::Cancelled;
    m_shared = shared;
    // The worker gets copies (STYLE 20) and writes its outcome to the shared slot: a cancelled
    // future drops results, and the dialog must still learn why it ended.
    const QPicture picture = *figure;
    auto future = QtConcurrent::run([request, picture, shared](QPromise<void> &promise) {
        constexpr int kSteps = 1000;
        promise.setProgressRange(0, kSteps);
        auto r = writeCaseReport(request, &picture, [&promise](const ReportProgress &p) {
            const int value = p.total > 0 ? int(p.done * kSteps / p.total) : 0;
            promise.setProgressValueAndText(value, p.total > 0 ? QStringLiteral("%1 (%2 of %3)").arg(p.phase).arg(p.done).arg(p.total) : p.phase);
            return !promise.isCanceled();
        });
        if (r) {
            shared->state = ReportOutcome::State::Written;
            shared->result = *r;
        } else if (r.error().code == Error::Code::Cancelled) {
            shared->state = ReportOutcome::State::Cancelled;
        } else {
            shared->state = ReportOutcome::State::Failed;
            shared->message = r.error().text();
        }
    });
    m_watcher.setFuture(future);
}

void ReportExportDialog::onFinished()
{
    if (!m_shared)
        return;
    finish(*m_shared);
}

void ReportExportDialog::finish(const ReportOutcome &o)
{
    m_outcome = o;
    m_bar->setRange(0, 1);
    m_bar->setValue(1);
    m_button->setEnabled(true);
    m_button->setText(tr("Close"));
    switch (o.state) {
    case ReportOutcome::State::Written:
        m_phase->setText(tr("Wrote %1: %2 pages, %3 evidence items, in %4 s.\nSHA-256 %5\nRecorded in the journal as entry %6.")
                             .arg(QDir::toNativeSeparators(o.result.pdfPath))
                             .arg(o.result.pages)
                             .arg(o.result.evidence)
                             .arg(o.result.seconds, 0, 'f', 1)
                             .arg(QString::fromLatin1(o.result.sha256))
                             .arg(o.result.journalSeq));
        Q_EMIT exportFinished(o.result);
        break;
    case ReportOutcome::State::Cancelled:
        m_phase->setText(tr("Cancelled: no report was written."));
        Q_EMIT exportCancelled();
        break;
    case ReportOutcome::State::Failed:
        m_phase->setText(tr("The report could not be written: %1").arg(o.message));
        Q_EMIT exportFailed(o.message);
        break;
    }
}

ReportExportDialog *exportCaseReport(QWidget *parent, const QString &workspacePath, const QString &caseRef, const QTimeZone &zone,
                                     const QString &outputPath)
{
    QString out = outputPath;
    if (out.isEmpty()) {
        const QString suggested = QFileInfo(workspacePath).absolutePath() + u'/' + caseRef + QStringLiteral("-report.pdf");
        out = QFileDialog::getSaveFileName(parent, ReportExportDialog::tr("Export Case Report"), suggested,
                                           ReportExportDialog::tr("PDF/A documents (*.pdf)"));
        if (out.isEmpty())
            return nullptr;
        if (!out.endsWith(u".pdf", Qt::CaseInsensitive))
            out += QStringLiteral(".pdf");
    }
    ReportRequest req;
    req.workspacePath = workspacePath;
    req.caseRef = caseRef;
    req.outputPath = out;
    req.zone = zone;
    req.investigator = Investigator::current();
    auto *dialog = new ReportExportDialog(parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    dialog->start(req);
    return dialog;
}

} // namespace casebook
