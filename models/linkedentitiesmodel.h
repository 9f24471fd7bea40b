// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "searchservice.h"

#include <QAbstractTableModel>

namespace casebook {

/// Accounts, IPs, actors and names seen at several institutions (SearchService::linkedEntities), one
/// row each. Small: bulk reset. GUI thread only.
class LinkedEntitiesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Columns { KindColumn, ValueColumn, InstitutionsColumn, CountColumn, FirstSeenColumn, LastSeenColumn, TotalsColumn, ColumnCount };
    enum Roles {
        KindRole = Qt::UserRole, ///< QString: account | ip | actor | name
        TenantsRole, ///< QStringList
        SearchQueryRole, ///< QString: the query that finds the entity everywhere
        SortRole, ///< raw value for sorting (numbers as qint64)
    };

    explicit LinkedEntitiesModel(QObject *parent = nullptr);

    void setEntities(const QVector<LinkedEntity> &entities);
    /// Loads from `service`; on error the model is left as it was.
    Status reload(const SearchService &service, int minTenants = 2, const SearchScope &scope = {});
    const LinkedEntity *entity(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVector<LinkedEntity> m_entities;
};

} // namespace casebook
