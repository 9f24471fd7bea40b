// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "casestore.h"
#include "recordtablemodel.h"

#include <QAbstractTableModel>

namespace casebook {

/// The cases of a workspace (small: bulk reset). GUI thread only.
class CaseListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns { RefColumn, TitleColumn, StatusColumn, EvidenceColumn, UpdatedColumn, ColumnCount };
    enum Roles { CaseIdRole = Qt::UserRole };

    explicit CaseListModel(QObject *parent = nullptr);
    void setCases(const QVector<CaseSummary> &cases);
    const CaseSummary *caseAt(int row) const;
    int rowOf(int64_t caseId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVector<CaseSummary> m_cases;
};

/// The evidence of one case (bulk reset; thousands of rows at most). Times in the display zone.
class EvidenceModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns {
        TimeColumn, InstitutionColumn, KindColumn, RecordColumn, WhoColumn, WhatColumn, AmountColumn, CurrencyColumn,
        CommentColumn, TagsColumn, HashColumn, ColumnCount
    };
    enum Roles { EvidenceIdRole = Qt::UserRole, RemovedRole, UtcMsRole };

    explicit EvidenceModel(QObject *parent = nullptr);
    void setItems(const QVector<EvidenceItem> &items);
    void setDisplayZone(const DisplayZone &zone);
    const QVector<EvidenceItem> &items() const { return m_items; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVector<EvidenceItem> m_items;
    DisplayZone m_zone;
};

} // namespace casebook
