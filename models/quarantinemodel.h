// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractTableModel>
#include <QVector>

#include <memory>

namespace casebook {

class SqliteDb;

/// Quarantined rows of a workspace (archive, file, line, reason, raw text), appended in batches with
/// canFetchMore/fetchMore (STYLE 22). GUI thread only; batches are primary-key range reads.
class QuarantineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns { InstitutionColumn, ArchiveColumn, FileColumn, LineColumn, ReasonColumn, RawColumn, ColumnCount };
    static constexpr int kBatch = 500;

    explicit QuarantineModel(QObject *parent = nullptr);
    ~QuarantineModel() override;

    /// Opens the workspace read-only and shows its quarantine; empty path clears.
    void setWorkspace(const QString &path);
    /// Limits the rows to one archive (archives.id), or all with 0.
    void setArchive(qint64 archiveId);
    qint64 archive() const { return m_archiveId; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

private:
    struct Row
    {
        qint64 id;
        QString tenant, exportId, file, reason, raw;
        qint64 line;
    };
    void reload();
    std::unique_ptr<SqliteDb> m_db;
    QVector<Row> m_rows;
    qint64 m_archiveId = 0;
    bool m_atEnd = true;
    bool m_fetching = false;
};

} // namespace casebook
