// SPDX-License-Identifier: GPL-3.0-or-later
#include "quarantinemodel.h"

#include "sqlitedb.h"

#include <QScopeGuard>

namespace casebook {

QuarantineModel::QuarantineModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

QuarantineModel::~QuarantineModel() = default;

void QuarantineModel::setWorkspace(const QString &path)
{
    m_db.reset();
    if (!path.isEmpty()) {
        auto db = SqliteDb::open(path, SqliteDb::Mode::ReadOnly);
        if (db)
            m_db = std::make_unique<SqliteDb>(std::move(*db));
    }
    reload();
}

void QuarantineModel::setArchive(qint64 archiveId)
{
    if (archiveId == m_archiveId)
        return;
    m_archiveId = archiveId;
    reload();
}

void QuarantineModel::reload()
{
    // Nothing can be fetched while the reset is in flight (a view reacting to modelReset must not
    // insert rows inside it); fetching opens up afterwards.
    beginResetModel();
    m_rows.clear();
    m_atEnd = true;
    endResetModel();
    m_atEnd = !m_db;
}

bool QuarantineModel::canFetchMore(const QModelIndex &parent) const { return !parent.isValid() && !m_atEnd; }

void QuarantineModel::fetchMore(const QModelIndex &parent)
{
    // Views (and QAbstractItemModelTester) may ask for more while rows are being inserted.
    if (parent.isValid() || m_atEnd || !m_db || m_fetching)
        return;
    m_fetching = true;
    const auto done = qScopeGuard([this] { m_fetching = false; });
    auto st = m_db->prepare("SELECT q.id, a.tenant_id, a.export_id, q.file, q.line, q.reason, q.raw FROM quarantine q "
                            "JOIN archives a ON a.id = q.archive_id WHERE q.id > ? AND (? = 0 OR q.archive_id = ?) "
                            "ORDER BY q.id LIMIT ?");
    if (!st) {
        m_atEnd = true;
        return;
    }
    st->bind(1, qint64(m_rows.isEmpty() ? 0 : m_rows.constLast().id));
    st->bind(2, m_archiveId);
    st->bind(3, m_archiveId);
    st->bind(4, qint64(kBatch));
    QVector<Row> batch;
    while (st->step() == Statement::StepResult::Row)
        batch.push_back({ st->columnInt(0), st->columnText(1), st->columnText(2), st->columnText(3), st->columnText(5),
                          st->columnText(6), st->columnInt(4) });
    if (batch.size() < kBatch)
        m_atEnd = true;
    if (batch.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + batch.size() - 1));
    m_rows += batch;
    endInsertRows();
}

int QuarantineModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_rows.size()); }
int QuarantineModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant QuarantineModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[index.row()];
    if (role == Qt::ToolTipRole && index.column() == RawColumn)
        return r.raw.left(2000);
    if (role != Qt::DisplayRole && role != Qt::EditRole)
        return {};
    switch (index.column()) {
    case InstitutionColumn:
        return r.tenant;
    case ArchiveColumn:
        return r.exportId;
    case FileColumn:
        return r.file;
    case LineColumn:
        return r.line;
    case ReasonColumn:
        return r.reason;
    case RawColumn:
        return role == Qt::DisplayRole ? QString(r.raw.left(300)).replace(u'\n', u'⏎') : r.raw;
    }
    return {};
}

QVariant QuarantineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case InstitutionColumn:
        return tr("Institution");
    case ArchiveColumn:
        return tr("Archive (export id)");
    case FileColumn:
        return tr("File");
    case LineColumn:
        return tr("Line");
    case ReasonColumn:
        return tr("Reason");
    case RawColumn:
        return tr("Raw text");
    }
    return {};
}

} // namespace casebook
