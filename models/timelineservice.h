// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "importer.h" // CancelFn
#include "searchservice.h"
#include "timebuckets.h"

#include <QStringList>
#include <QTimeZone>
#include <QVector>

#include <cstdint>
#include <optional>

namespace casebook {

class Workspace;

/// Quick filters of the timeline. They do not remove anything: they decide which events count as
/// "matched" (drawn highlighted). All set conditions must hold. Transactions are never filtered.
struct TimelineFilter
{
    QStringList outcomes; ///< any of "success", "failure", "denied"; empty = any outcome
    QString actionPrefix; ///< case-sensitive prefix of `action`, e.g. "db.export"; empty = any
    QString actor; ///< exact `actor`; empty = any

    bool isActive() const { return !outcomes.isEmpty() || !actionPrefix.isEmpty() || !actor.isEmpty(); }
    /// Whether the matched counts need the raw rows (the rollups only know outcomes).
    bool needsRows() const { return !actionPrefix.isEmpty() || !actor.isEmpty(); }
    bool operator==(const TimelineFilter &o) const = default;
};

struct TimelineRequest
{
    QStringList tenants; ///< institution ids; empty = all
    int64_t fromUtcMs = 0; ///< inclusive
    int64_t toUtcMs = 0; ///< exclusive
    QTimeZone zone = QTimeZone::utc(); ///< calendar of the buckets
    std::optional<BucketUnit> unit; ///< empty = timebuckets::autoUnit(from, to)
    TimelineFilter filter;
    /// When set, count only the hits of this search (instead of every row), read from the rows
    /// themselves: events per bucket (with outcomes, and the filter applied per row), transactions
    /// and exact amounts per currency. Its scope should already hold `tenants` (compile it with
    /// SearchScope::only(tenants)); rows of other institutions are ignored anyway. Cost: one pass
    /// over the hits inside the requested range (no rollups exist for an arbitrary hit set).
    std::optional<CompiledSearch> search;
};

struct TimelineCounts
{
    int64_t events = 0;
    int64_t failures = 0; ///< events with outcome "failure"
    int64_t denied = 0; ///< events with outcome "denied"
    int64_t matched = 0; ///< events matching the filter (= events when no filter is active)
    int64_t transactions = 0; ///< all currencies
};

/// Bucketed counts for a set of institutions. Bucket b covers [edges[b], edges[b + 1]) in UTC ms;
/// the buckets are whole, so the first and last may reach beyond the requested range.
struct TimelineData
{
    BucketUnit unit = BucketUnit::Day;
    QTimeZone zone = QTimeZone::utc();
    QStringList tenants; ///< the columns, in request order (all institutions by id when none asked)
    QStringList currencies; ///< sorted; every currency the institutions have, in or out of range
    QVector<int64_t> edges; ///< bucketCount() + 1 edges, or none
    QVector<TimelineCounts> counts; ///< [bucket * tenants.size() + tenant]
    QVector<int64_t> transactionsByCurrency; ///< [(bucket * tenants + tenant) * currencies + currency]
    QVector<int64_t> amountE4; ///< same shape: exact sum(amount_e4)
    bool filtered = false; ///< a filter was active: `matched` is meaningful
    bool fromRollups = true; ///< false when the raw rows had to be read (offsets not in whole minutes, or a search)
    bool searchHits = false; ///< the counts are of a search's hits only (TimelineRequest::search)

    int bucketCount() const { return edges.isEmpty() ? 0 : int(edges.size() - 1); }
    int tenantCount() const { return int(tenants.size()); }
    const TimelineCounts &at(int bucket, int tenant) const { return counts[bucket * tenantCount() + tenant]; }
    int64_t transactionsAt(int bucket, int tenant, int currency) const
    {
        return transactionsByCurrency[(qsizetype(bucket) * tenantCount() + tenant) * currencies.size() + currency];
    }
    int64_t amountAt(int bucket, int tenant, int currency) const
    {
        return amountE4[(qsizetype(bucket) * tenantCount() + tenant) * currencies.size() + currency];
    }
    /// Index of the bucket holding `utcMs`, or -1.
    int bucketAt(int64_t utcMs) const;
};

/// The timeline's query service: counts per institution and local calendar bucket, from the rollup
/// tables maintained at import (schema 2, docs/timeline.md), so any range re-buckets in milliseconds.
/// Uses the workspace's connection: call it from the thread that owns that Workspace (STYLE 16).
class TimelineService
{
public:
    explicit TimelineService(Workspace &ws);

    /// Institution ids, ordered.
    Result<QStringList> tenants() const;
    /// [first, last + 1 ms) of all events and transactions of `tenants` (empty = all); nullopt when
    /// they have none.
    Result<std::optional<std::pair<int64_t, int64_t>>> extent(const QStringList &tenants = {}) const;
    /// Buckets for `request`. Fails with Error::Code::Usage for an unknown institution or a range that
    /// would make more than kMaxBuckets buckets, Error::Code::Cancelled when `cancel` says so
    /// (checked between reads), Error::Code::Database on an SQLite error or a sum overflowing int64.
    Result<TimelineData> query(const TimelineRequest &request, const CancelFn &cancel = {}) const;
    /// [first, last + 1 ms) of the hits of `search`, or nullopt without hits (two first pages in time
    /// order, so as fast as a search's first page).
    Result<std::optional<std::pair<int64_t, int64_t>>> extent(const CompiledSearch &search) const;

    static constexpr int kMaxBuckets = 200000;

private:
    Workspace &m_ws;
};

} // namespace casebook
