// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "workspace.h"

#include <QAbstractTableModel>

namespace casebook {

/// The institutions of a workspace from a WorkspaceInfo snapshot (small: bulk reset): row 0 is "All
/// institutions" with the sums, then one row per institution. GUI thread only.
class TenantListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns { NameColumn, IdColumn, PeriodColumn, EventsColumn, TransactionsColumn, QuarantinedColumn, VerificationColumn, ColumnCount };
    enum Roles {
        TenantIdRole = Qt::UserRole, ///< QString
        VerifiedRole, ///< bool: every archive of the institution verified
        SortRole, ///< raw value for sorting (numbers as qint64)
        IsAllRole, ///< bool: the "All institutions" row (row 0)
    };

    explicit TenantListModel(QObject *parent = nullptr);

    void setInfo(const WorkspaceInfo &info);
    /// The institution shown in `row`; null for row 0 (All institutions) and out-of-range rows.
    const TenantSummary *tenant(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVector<TenantSummary> m_tenants;
};

} // namespace casebook
