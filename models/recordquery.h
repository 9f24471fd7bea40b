// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVector>

#include <cstdint>
#include <limits>

namespace casebook {

/// The two kinds of records the grids show.
enum class RecordKind { Event, Transaction };

/// Which rows a grid shows: institutions (empty = all) and a half-open UTC time range [from, to).
struct RecordFilter
{
    QStringList tenants;
    int64_t fromUtcMs = std::numeric_limits<int64_t>::min();
    int64_t toUtcMs = std::numeric_limits<int64_t>::max();

    bool hasTimeRange() const
    {
        return fromUtcMs != std::numeric_limits<int64_t>::min() || toUtcMs != std::numeric_limits<int64_t>::max();
    }
    bool operator==(const RecordFilter &o) const
    {
        return tenants == o.tenants && fromUtcMs == o.fromUtcMs && toUtcMs == o.toUtcMs;
    }
    bool operator!=(const RecordFilter &o) const { return !(*this == o); }
};

/// A position in a sorted result: the sort key's value (int64, text or null) and the row id that
/// breaks ties. Keyset paging continues from such a position instead of counting rows (no OFFSET).
struct SortKey
{
    QVariant value; ///< null QVariant = SQL NULL
    int64_t id = 0;
};

/// One record as a grid row. `cells` hold display-ready values for every column except time, which is
/// formatted by the model in the zone the user picked (from utcMs/offsetSeconds/tenant).
struct RecordRow
{
    int64_t id = 0;
    QString tenant;
    int64_t utcMs = 0;
    int offsetSeconds = 0;
    QVector<QVariant> cells;
    int severity = 0; ///< 0 normal, 1 failure, 2 denied (events); 1 rejected/reversed (transactions)
    SortKey key;
};

/// Column layout of the grids; shared by the loader (SQL) and the model (headers).
struct RecordColumn
{
    const char *title;
    const char *sql; ///< select expression
    const char *sortSql; ///< ORDER BY expression backed by an index; null when not sortable
    bool nullable; ///< whether the sort expression can be NULL
};

const QVector<RecordColumn> &recordColumns(RecordKind kind);
/// Index of the time column (always 0) and of the institution column (always 1).
inline constexpr int kTimeColumn = 0;
inline constexpr int kTenantColumn = 1;

} // namespace casebook

Q_DECLARE_METATYPE(casebook::RecordFilter)
Q_DECLARE_METATYPE(casebook::SortKey)
Q_DECLARE_METATYPE(casebook::RecordRow)
