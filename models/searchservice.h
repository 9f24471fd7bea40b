// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"
#include "searchquery.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

#include <array>
#include <functional>
#include <tuple>
#include <cstdint>
#include <limits>
#include <optional>
#include <variant>

namespace casebook {

class SqliteDb;

/// Which institutions a search may see. Unrestricted (the default) sees every institution; a
/// restricted scope (e.g. a compliance officer limited to their own institution) sees only `tenants`
/// (an empty list sees nothing). The scope is applied in SQL outside any full-text MATCH, so no query
/// text can widen it.
struct SearchScope
{
    bool restricted = false;
    QStringList tenants;

    static SearchScope all() { return {}; }
    static SearchScope only(const QStringList &tenants) { return { true, tenants }; }
};

enum class SearchSort { TimeDesc, TimeAsc, AmountDesc, AmountAsc };
enum class HitKind { Event = 0, Transaction = 1 };

/// One search hit: an event or a transaction (fields of the other kind are empty).
struct SearchHit
{
    HitKind kind = HitKind::Event;
    int64_t rowId = 0; ///< events.id / transactions.id
    QString tenant;
    QString id; ///< event_id / txn_id
    int64_t utcMs = 0;
    int offsetSeconds = 0;
    // events
    QString actor, actorName, role, ip, action, resource, outcome, sessionId, details;
    // transactions
    QString valueDate, debtorAccount, debtorName, debtorBank, creditorAccount, creditorName, creditorBank;
    int64_t amountE4 = -1; ///< -1 for events
    QString amountText, currency, channel, status, reference, memo;

    QString kindName() const { return kind == HitKind::Event ? QStringLiteral("event") : QStringLiteral("transaction"); }
    /// ISO 8601 time at the offset the source stated.
    QString timestamp() const;
    /// One line for lists: "dba.zhou 周建国 db.export core.customers success 203.0.113.77" or
    /// "CN001 王芳 → GB33… Northgate 48500.00 USD booked".
    QString summary() const;
};

/// A hit's place in a sort order: (primary, utcMs, kind, rowId) compared lexicographically, primary being
/// the amount in e4 units (-1 for events) when sorting by amount and 0 otherwise. Keyset paging
/// continues strictly after a key.
struct SearchKey
{
    int64_t primary = 0;
    int64_t utcMs = 0;
    int kind = 0; ///< HitKind
    int64_t rowId = 0;

    static SearchKey of(const SearchHit &hit, SearchSort sort);
    auto tie() const { return std::tie(primary, utcMs, kind, rowId); }
    bool operator==(const SearchKey &o) const { return tie() == o.tie(); }
};

/// Hit counts per institution (facets) and kind.
struct SearchCounts
{
    QMap<QString, int64_t> events; ///< tenant → hits
    QMap<QString, int64_t> transactions;
    int64_t totalEvents = 0;
    int64_t totalTransactions = 0;
    int64_t total() const { return totalEvents + totalTransactions; }
};

/// A query compiled to SQL for each kind. Every value is a bound parameter; user words only ever
/// reach FTS5 inside a bound MATCH string, each quoted as an FTS5 string.
class CompiledSearch
{
public:
    using Bind = std::variant<int64_t, QString>;
    struct Part
    {
        bool never = true; ///< this kind cannot match (e.g. amount>5 for events)
        QByteArray from; ///< FROM clause; the row table is aliased x
        QByteArray where; ///< never empty ("1" when unconstrained)
        QVector<Bind> binds;
        QString match; ///< the top-level MATCH expression when the plan drives from the FTS index
        /// The same condition as a scan of the row table in time order with the MATCH as a membership
        /// filter: faster for a first page by time when the MATCH has many hits (empty when `match` is).
        QByteArray scanFrom, scanWhere;
        QVector<Bind> scanBinds;
        mutable int64_t matchHits = -1; ///< FTS hits of `match` (all institutions), once counted
        /// The whole condition (apart from the scope) is `match`: counts per institution are full-text
        /// counts over each archive's rowid range, without reading the rows (SearchService::count).
        bool matchOnly = false;
        /// The condition is an AND of time ranges, amount ranges and formulas of exact terms on
        /// columns the search cells keep (schema 6): SearchService::count sums cells and reads rows only
        /// in the partial day and amount-bucket edges. `cellWhere` (scope + formulas) holds over the
        /// cells and over the rows; the ranges are the intersections ([lo, hi) for time, [lo, hi] for
        /// amounts).
        bool cells = false;
        QByteArray cellWhere;
        QVector<Bind> cellBinds;
        int64_t cellTimeLo = std::numeric_limits<int64_t>::min(), cellTimeHi = std::numeric_limits<int64_t>::max();
        int64_t cellAmountLo = std::numeric_limits<int64_t>::min(), cellAmountHi = std::numeric_limits<int64_t>::max();
    };
    const Part &part(HitKind k) const { return m_parts[size_t(k)]; }
    const SearchQuery &query() const { return m_query; }

private:
    friend class SearchService;
    SearchQuery m_query;
    SearchScope m_scope;
    std::array<Part, 2> m_parts;
};

/// An account, IP address, actor or name seen at several institutions.
struct LinkedEntity
{
    QString kind; ///< account | ip | actor | name
    QString key; ///< the grouping key (names case-folded)
    QString display; ///< a spelling as found
    QStringList tenants; ///< sorted
    QMap<QString, int64_t> countPerTenant;
    int64_t count = 0;
    int64_t firstUtcMs = 0, lastUtcMs = 0;
    QMap<QString, int64_t> totalsE4; ///< currency → exact sum (accounts: turnover as debtor or creditor)
    /// The query that finds this entity's rows, e.g. `account:"GB33…"`.
    QString searchQuery() const;
};

/// A query that finds `value` in `field` everywhere (`actor:"dba.zhou"`), quoting as the language
/// requires; empty when value is empty.
QString pivotQuery(const char *field, const QString &value);

struct SavedSearch
{
    QString name, query, createdAt;
};

/// Cross-institution search over one workspace connection. Not thread-safe: use from the thread that
/// owns the connection (open a Workspace per worker).
class SearchService
{
public:
    explicit SearchService(SqliteDb &db)
        : m_db(db)
    {
    }

    static Result<CompiledSearch> compile(const SearchQuery &query, const SearchScope &scope = {});
    /// Parses and compiles in one step (syntax errors as in SearchQuery::parse).
    static Result<CompiledSearch> compile(const QString &text, const QueryContext &context = {},
                                          const SearchScope &scope = {}, int *errorPosition = nullptr);

    /// Hits per institution and kind. A kind whose condition is one full-text MATCH is counted per
    /// archive rowid range in the index alone (schema 5); otherwise, or when the ranges are missing or
    /// overlap, by a GROUP BY over the matching rows. Both give the same counts.
    Result<SearchCounts> count(const CompiledSearch &search) const;
    /// Up to `limit` hits in `sort` order strictly after `after` (keyset paging: pass the last hit of
    /// the previous page, or null for the first page). Ties in time are broken by kind, then row id.
    Result<QVector<SearchHit>> page(const CompiledSearch &search, SearchSort sort, const SearchHit *after, int limit) const;
    /// The same, continuing strictly after a key (nullopt: the first page).
    Result<QVector<SearchHit>> page(const CompiledSearch &search, SearchSort sort, const std::optional<SearchKey> &after,
                                    int limit) const;
    /// Keys for jumping anywhere in the hits: element i is the key of hit number (i + 1) * every - 1 in
    /// `sort` order (0-based), so page i + 1 of `every` hits is page(search, sort, keys[i], every).
    /// Reads the sort key of every hit once (both kinds merged); `cancel` is asked every few thousand
    /// hits and makes it fail with Error::Code::Cancelled.
    Result<QVector<SearchKey>> pageKeys(const CompiledSearch &search, SearchSort sort, int every,
                                        const std::function<bool()> &cancel = {}) const;
    /// The exact reverse order (newest first ↔ oldest first, largest ↔ smallest amount): "before a key
    /// in `sort`" is "after it in reversed(sort)".
    static SearchSort reversed(SearchSort sort);

    /// Entities seen at `minTenants` or more institutions (within the scope), most institutions first.
    Result<QVector<LinkedEntity>> linkedEntities(int minTenants = 2, const SearchScope &scope = {}) const;

    Status saveSearch(const QString &name, const QString &query);
    Status deleteSavedSearch(const QString &name);
    Result<QVector<SavedSearch>> savedSearches() const;
    /// Appends `query` to the history with its total hits (negative: not known, stored as NULL).
    /// `runAt`: when it ran (UTC, ISO 8601 with ms); now when empty.
    Status recordHistory(const QString &query, int64_t hits, const QString &runAt = QString());
    Result<QStringList> history(int limit = 50) const; ///< newest first, distinct

    /// Whether count() may use the search cells (on by default); off, every count reads the rows.
    /// For tests and measurements that compare the two.
    void setUseCells(bool on) { m_useCells = on; }
    /// Whether a first page newest first may walk archives in rowid order (schema 6; on by default).
    void setUseTimeOrder(bool on) { m_useTimeOrder = on; }
    /// The walk is used for MATCHes with more than this many hits (default 2000; tests lower it).
    void setWalkMinHits(int64_t hits) { m_walkMinHits = hits; }
    /// How many kinds' first pages were read by that walk so far (for tests and measurements).
    int walkedPages() const { return m_walkedPages; }
    /// How many events first pages were read from the days and actions the search cells point at.
    int cellPages() const { return m_cellPages; }

private:
    SqliteDb &m_db;
    bool m_useCells = true;
    bool m_useTimeOrder = true;
    int64_t m_walkMinHits = 2000;
    mutable int m_walkedPages = 0;
    mutable int m_cellPages = 0;
};

} // namespace casebook
