// SPDX-License-Identifier: GPL-3.0-or-later
#include "importdialog.h"

#include "workspace.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace casebook {

namespace {
QString formatBytes(qint64 b) { return QLocale().formattedDataSize(b); }
QString formatSeconds(double s)
{
    if (s < 60)
        return QObject::tr("%1 s").arg(qint64(s + 0.5));
    return QObject::tr("%1 min %2 s").arg(qint64(s) / 60).arg(qint64(s) % 60);
}
} // namespace

ImportDialog::ImportDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Import Archives"));
    setMinimumWidth(640);
    auto *layout = new QVBoxLayout(this);
    m_pages = new QStackedWidget(this);
    layout->addWidget(m_pages);

    auto *progress = new QWidget(m_pages);
    auto *pl = new QVBoxLayout(progress);
    m_archive = new QLabel(progress);
    m_archive->setWordWrap(true);
    m_bar = new QProgressBar(progress);
    m_bar->setRange(0, 1000);
    m_stats = new QLabel(progress);
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_cancel = new QPushButton(tr("Cancel"), progress);
    pl->addWidget(m_archive);
    pl->addWidget(m_bar);
    pl->addWidget(m_stats);
    pl->addWidget(m_cancel, 0, Qt::AlignRight);
    m_pages->addWidget(progress);

    auto *summary = new QWidget(m_pages);
    auto *sl = new QVBoxLayout(summary);
    m_summary = new QTableWidget(0, 6, summary);
    m_summary->setHorizontalHeaderLabels({ tr("Archive"), tr("Result"), tr("Verification"), tr("Rows imported"),
                                           tr("Quarantined"), tr("Reason / details") });
    m_summary->horizontalHeader()->setStretchLastSection(true);
    m_summary->verticalHeader()->hide();
    m_summary->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_summary->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_summary->setWordWrap(true);
    sl->addWidget(m_summary);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, summary);
    m_quarantine = buttons->addButton(tr("Show Quarantined Rows"), QDialogButtonBox::ActionRole);
    m_quarantine->setEnabled(false);
    sl->addWidget(buttons);
    m_pages->addWidget(summary);

    connect(m_cancel, &QPushButton::clicked, this, &ImportDialog::cancel);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
    connect(m_quarantine, &QPushButton::clicked, this, [this] {
        const int row = m_summary->currentRow() >= 0 ? m_summary->currentRow() : 0;
        for (int i = row; i < m_results.size(); ++i)
            if (m_results[i].quarantined > 0) {
                Q_EMIT quarantineRequested(m_results[i].archiveId);
                return;
            }
        Q_EMIT quarantineRequested(0);
    });
    connect(&m_watcher, &QFutureWatcherBase::finished, this, &ImportDialog::onFinished);
}

ImportDialog::~ImportDialog()
{
    // The worker only touches this dialog through a QPointer, but wait so its workspace connection
    // closes before anyone reopens the file.
    m_watcher.cancel();
    m_watcher.waitForFinished();
}

void ImportDialog::cancel()
{
    m_cancel->setEnabled(false);
    m_cancel->setText(tr("Cancelling…"));
    m_watcher.cancel();
}

void ImportDialog::start(const QString &workspacePath, const QStringList &archives, const Keyring &keyring,
                         const QString &importedBy)
{
    m_results.clear();
    m_pages->setCurrentIndex(0);
    m_cancel->setEnabled(true);
    m_cancel->setText(tr("Cancel"));
    m_clock.start();
    QPointer<ImportDialog> self(this);
    // Results go to a shared list, not only the future: a cancelled future drops results added after
    // the cancel, and the summary must still list the cancelled archive.
    auto collected = std::make_shared<QVector<ImportResult>>();
    m_collected = collected;
    // The worker gets copies of everything it needs (STYLE 20) and opens its own connection (STYLE 16).
    auto future = QtConcurrent::run([self, workspacePath, archives, keyring, importedBy, collected](QPromise<ImportResult> &promise) {
        auto ws = Workspace::open(workspacePath);
        for (int i = 0; i < archives.size(); ++i) {
            ImportResult r;
            if (!ws) {
                r.archivePath = archives[i];
                r.outcome = ImportResult::Outcome::Rejected;
                r.message = ws.error().text();
            } else if (promise.isCanceled()) {
                r.archivePath = archives[i];
                r.outcome = ImportResult::Outcome::Cancelled;
                r.message = QObject::tr("not started (cancelled)");
            } else {
                r = importArchive(
                    *ws, { archives[i], importedBy, &keyring },
                    [&](const ImportProgress &p) {
                        QMetaObject::invokeMethod(
                            self, [self, p, i, n = archives.size()] { if (self) self->onProgress(p, i, int(n)); },
                            Qt::QueuedConnection);
                    },
                    [&] { return promise.isCanceled(); });
            }
            collected->push_back(r);
            promise.addResult(r);
        }
    });
    m_watcher.setFuture(future);
    m_archive->setText(tr("Preparing %n archive(s)…", nullptr, int(archives.size())));
}

void ImportDialog::onProgress(const ImportProgress &p, int index, int total)
{
    m_archive->setText(tr("Archive %1 of %2: %3").arg(index + 1).arg(total).arg(QFileInfo(p.archivePath).fileName()));
    const double fraction = p.bytesTotal > 0 ? double(p.bytesDone) / double(p.bytesTotal) : 0.0;
    m_bar->setValue(int(fraction * 1000));
    const double elapsed = double(m_clock.elapsed()) / 1000.0;
    const double rate = elapsed > 0 ? double(p.rows) / elapsed : 0;
    QString left = tr("estimating…");
    if (fraction > 0.02)
        left = formatSeconds(elapsed * (1 - fraction) / fraction);
    m_stats->setText(tr("%1 rows imported, %2 quarantined\n%3 of %4 read · %5 rows/s · time left %6")
                         .arg(QLocale().toString(p.rows), QLocale().toString(p.quarantined), formatBytes(p.bytesDone),
                              formatBytes(p.bytesTotal), QLocale().toString(qint64(rate)), left));
}

void ImportDialog::onFinished()
{
    // The worker has finished: the shared list is no longer written.
    m_results = m_collected ? *m_collected : QVector<ImportResult>();
    m_summary->setRowCount(int(m_results.size()));
    bool anyQuarantine = false;
    for (int i = 0; i < m_results.size(); ++i) {
        const ImportResult &r = m_results[i];
        const auto set = [&](int c, const QString &text) {
            auto *item = new QTableWidgetItem(text);
            item->setToolTip(text);
            if (r.outcome == ImportResult::Outcome::Rejected)
                item->setForeground(QColor(0xb0, 0x00, 0x20));
            m_summary->setItem(i, c, item);
        };
        set(0, QFileInfo(r.archivePath).fileName());
        set(1, ImportResult::outcomeName(r.outcome));
        set(2, r.state.isEmpty() ? QString() : (r.state == u"verified" ? r.state : r.state.toUpper() + u" (" + r.stateDetail + u')'));
        set(3, QLocale().toString(r.rows()));
        set(4, QLocale().toString(r.quarantined));
        set(5, r.message.isEmpty() ? r.stateDetail : r.message);
        anyQuarantine = anyQuarantine || r.quarantined > 0;
    }
    m_summary->resizeColumnsToContents();
    m_quarantine->setEnabled(anyQuarantine);
    m_pages->setCurrentIndex(1);
    Q_EMIT importFinished(m_results);
}

} // namespace casebook
