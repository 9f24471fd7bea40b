// SPDX-License-Identifier: GPL-3.0-or-later
#include "casemodels.h"

#include "money.h"
#include "recordhash.h"

namespace casebook {

CaseListModel::CaseListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void CaseListModel::setCases(const QVector<CaseSummary> &cases)
{
    beginResetModel();
    m_cases = cases;
    endResetModel();
}

const CaseSummary *CaseListModel::caseAt(int row) const { return row >= 0 && row < m_cases.size() ? &m_cases[row] : nullptr; }

int CaseListModel::rowOf(int64_t caseId) const
{
    for (int i = 0; i < m_cases.size(); ++i)
        if (m_cases[i].id == caseId)
            return i;
    return -1;
}

int CaseListModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_cases.size()); }
int CaseListModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant CaseListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CaseSummary &c = m_cases[index.row()];
    if (role == CaseIdRole)
        return qint64(c.id);
    if (role == Qt::ToolTipRole)
        return c.description.isEmpty() ? c.title : c.title + u"\n\n" + c.description;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case RefColumn:
        return c.ref;
    case TitleColumn:
        return c.title;
    case StatusColumn:
        return c.outcome.isEmpty() ? c.status : c.status + u": " + c.outcome;
    case EvidenceColumn:
        return qint64(c.evidenceCount);
    case UpdatedColumn:
        return c.updatedAt.left(16).replace(u'T', u' ');
    }
    return {};
}

QVariant CaseListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case RefColumn:
        return tr("Case");
    case TitleColumn:
        return tr("Title");
    case StatusColumn:
        return tr("Status");
    case EvidenceColumn:
        return tr("Evidence");
    case UpdatedColumn:
        return tr("Updated (UTC)");
    }
    return {};
}

EvidenceModel::EvidenceModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void EvidenceModel::setItems(const QVector<EvidenceItem> &items)
{
    beginResetModel();
    m_items = items;
    endResetModel();
}

void EvidenceModel::setDisplayZone(const DisplayZone &zone)
{
    m_zone = zone;
    if (!m_items.isEmpty())
        Q_EMIT dataChanged(index(0, TimeColumn), index(int(m_items.size()) - 1, TimeColumn));
    Q_EMIT headerDataChanged(Qt::Horizontal, TimeColumn, TimeColumn);
}

int EvidenceModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_items.size()); }
int EvidenceModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant EvidenceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EvidenceItem &e = m_items[index.row()];
    switch (role) {
    case EvidenceIdRole:
        return qint64(e.id);
    case RemovedRole:
        return e.removed();
    case UtcMsRole:
        return qint64(e.utcMs);
    case Qt::ToolTipRole:
        return tr("Added by %1 at %2\nArchive sha256 %3\nContent sha256 %4%5")
            .arg(e.addedBy, e.addedAt, e.archiveSha256, e.contentSha256, e.query.isEmpty() ? QString() : u"\nFound by: " + e.query);
    case Qt::TextAlignmentRole:
        return index.column() == AmountColumn ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return m_zone.format(e.utcMs, e.tenant);
        case InstitutionColumn:
            return e.tenant;
        case KindColumn:
            return recordKindName(e.kind);
        case RecordColumn:
            return e.recordKey;
        case WhoColumn:
            return e.who;
        case WhatColumn:
            return e.what;
        case AmountColumn:
            return e.currency.isEmpty() ? QString() : money::format(e.amountE4, e.currency.toLatin1());
        case CurrencyColumn:
            return e.currency;
        case CommentColumn:
            return e.comment;
        case TagsColumn:
            return e.tags.join(QStringLiteral(", "));
        case HashColumn:
            return QString(e.contentSha256.left(16) + u'…');
        }
    }
    return {};
}

QVariant EvidenceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const char *const titles[] = { QT_TR_NOOP("Time"), QT_TR_NOOP("Institution"), QT_TR_NOOP("Kind"), QT_TR_NOOP("Record"),
                                          QT_TR_NOOP("Actor / parties"), QT_TR_NOOP("What"), QT_TR_NOOP("Amount"),
                                          QT_TR_NOOP("Currency"), QT_TR_NOOP("Comment"), QT_TR_NOOP("Tags"), QT_TR_NOOP("Content sha256") };
    if (section < 0 || section >= ColumnCount)
        return {};
    QString t = tr(titles[section]);
    if (section == TimeColumn)
        t += u" (" + m_zone.label() + u')';
    return t;
}

} // namespace casebook
