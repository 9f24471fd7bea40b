// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "importer.h"
#include "keyring.h"

#include <QDialog>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QVector>

#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QStackedWidget;

namespace casebook {

/// Imports archives off the GUI thread (QtConcurrent, STYLE 14) with progress (archive, rows, bytes,
/// rate, time left) and Cancel, then shows a per-archive summary. Cancel stops the archive being
/// imported (nothing of it stays) and skips the rest.
class ImportDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ImportDialog(QWidget *parent = nullptr);
    ~ImportDialog() override;

    /// Starts importing `archives` into the workspace at `workspacePath`. The keyring is copied.
    void start(const QString &workspacePath, const QStringList &archives, const Keyring &keyring, const QString &importedBy);
    bool isRunning() const { return m_watcher.isRunning(); }
    const QVector<ImportResult> &results() const { return m_results; }
    /// Requests cancellation (as the Cancel button does).
    void cancel();

Q_SIGNALS:
    void importFinished(const QVector<casebook::ImportResult> &results);
    /// The user asked to see the quarantined rows of an archive (archives.id).
    void quarantineRequested(qint64 archiveId);

private:
    void onProgress(const ImportProgress &p, int index, int total);
    void onFinished();

    QFutureWatcher<ImportResult> m_watcher;
    QVector<ImportResult> m_results;
    std::shared_ptr<QVector<ImportResult>> m_collected;
    QElapsedTimer m_clock;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_archive = nullptr;
    QLabel *m_stats = nullptr;
    QProgressBar *m_bar = nullptr;
    QPushButton *m_cancel = nullptr;
    QTableWidget *m_summary = nullptr;
    QPushButton *m_quarantine = nullptr;
};

} // namespace casebook
