// SPDX-License-Identifier: GPL-3.0-or-later
#include "timelineservice.h"

#include "money.h"
#include "timelinerollups.h"
#include "workspace.h"

#include <QCoreApplication>
#include <QSet>

#include <sqlite3.h>

#include <algorithm>
#include <array>

namespace casebook {

namespace {

QString tr(const char *s) { return QCoreApplication::translate("TimelineService", s); }

constexpr int kLevelCount = int(std::size(timelinerollups::kLevels));
/// Cells of unused gap a range read may cover to save a seek (reading a row is far cheaper).
constexpr int64_t kGapCells = 32;

int64_t ceilDiv(int64_t a, int64_t b) { return -timebuckets::floorDiv(-a, b); }

/// Cells [c0, c1) of one level that belong to bucket `bucket`.
struct Piece
{
    int64_t c0, c1;
    int bucket;
};
/// One read of a level: cells [c0, c1), starting at pieces[firstPiece].
struct Range
{
    int64_t c0, c1;
    qsizetype firstPiece;
};

/// Splits [a, b) (whole UTC minutes) greedily into the coarsest aligned cells.
void cover(int64_t a, int64_t b, int level, int bucket, std::array<std::vector<Piece>, kLevelCount> &pieces)
{
    if (a >= b)
        return;
    const int64_t s = timelinerollups::kLevels[level] * 1000;
    if (level == kLevelCount - 1) {
        pieces[size_t(level)].push_back({ a / s, b / s, bucket });
        return;
    }
    const int64_t ca = ceilDiv(a, s) * s;
    const int64_t cb = timebuckets::floorDiv(b, s) * s;
    if (ca < cb) {
        cover(a, ca, level + 1, bucket, pieces);
        pieces[size_t(level)].push_back({ ca / s, cb / s, bucket });
        cover(cb, b, level + 1, bucket, pieces);
    } else {
        cover(a, b, level + 1, bucket, pieces);
    }
}


/// Accumulator that reports int64 overflow instead of wrapping.
struct Sums
{
    bool overflow = false;
    void add(int64_t &acc, int64_t v)
    {
        if (!money::addChecked(acc, v))
            overflow = true;
    }
};

/// Buckets the hits of `search` inside [edges.first, edges.last) by reading their rows (one pass per
/// kind; the scope and the time range are conditions ANDed to the compiled search's own). Events:
/// events/failures/denied per bucket and `matched` per row by `filter`; transactions: through addTxn.
template<typename AddTxn, typename CurrencyIndex, typename Cancelled>
Status countHits(SqliteDb &db, const CompiledSearch &search, TimelineData &data, const TimelineFilter &filter,
                 const Cancelled &cancelled, const AddTxn &addTxn, const CurrencyIndex &currencyIndex)
{
    data.fromRollups = false;
    data.searchHits = true;
    data.filtered = filter.isActive();
    QVector<QByteArray> tenantUtf8;
    for (const QString &t : std::as_const(data.tenants))
        tenantUtf8 << t.toUtf8();
    const auto tenantIndex = [&](QByteArrayView t) {
        for (int i = 0; i < tenantUtf8.size(); ++i)
            if (tenantUtf8[i] == t)
                return i;
        return -1;
    };
    const bool wantSuccess = filter.outcomes.isEmpty() || filter.outcomes.contains(QStringLiteral("success"));
    const bool wantFailure = filter.outcomes.isEmpty() || filter.outcomes.contains(QStringLiteral("failure"));
    const bool wantDenied = filter.outcomes.isEmpty() || filter.outcomes.contains(QStringLiteral("denied"));
    const QByteArray prefix = filter.actionPrefix.toUtf8();
    const QByteArray actor = filter.actor.toUtf8();
    const int nt = data.tenantCount();
    for (HitKind k : { HitKind::Event, HitKind::Transaction }) {
        const CompiledSearch::Part &p = search.part(k);
        if (p.never)
            continue;
        const QByteArray cols = k == HitKind::Event ? "x.tenant_id, x.ts_utc_ms, x.outcome, x.action, x.actor"
                                                    : "x.tenant_id, x.ts_utc_ms, x.currency, x.amount_e4";
        const QByteArray sql = "SELECT " + cols + " FROM " + p.from + " WHERE (" + p.where
            + ") AND x.ts_utc_ms >= ? AND x.ts_utc_ms < ?";
        auto q = db.prepare(sql);
        if (!q)
            return q.error();
        int i = 1;
        for (const CompiledSearch::Bind &b : p.binds) {
            if (const auto *v = std::get_if<int64_t>(&b))
                q->bind(i++, *v);
            else
                q->bind(i++, std::get<QString>(b));
        }
        q->bind(i++, data.edges.first());
        q->bind(i++, data.edges.last());
        for (int64_t n = 0;; ++n) {
            if ((n & 4095) == 0 && cancelled())
                return Error(Error::Code::Cancelled, tr("cancelled"));
            const auto st = q->step();
            if (st == Statement::StepResult::Done)
                break;
            if (st != Statement::StepResult::Row)
                return Error(Error::Code::Database, tr("Cannot read the timeline"), db.lastError());
            const int t = tenantIndex(q->columnBlob(0));
            const int b = data.bucketAt(q->columnInt(1));
            if (t < 0 || b < 0)
                continue;
            if (k == HitKind::Event) {
                TimelineCounts &tc = data.counts[qsizetype(b) * nt + t];
                ++tc.events;
                const QByteArrayView o = q->columnBlob(2);
                const bool failure = o == "failure", denied = o == "denied";
                tc.failures += failure;
                tc.denied += denied;
                if ((failure ? wantFailure : denied ? wantDenied : wantSuccess) && q->columnBlob(3).startsWith(prefix)
                    && (actor.isEmpty() || q->columnBlob(4) == actor))
                    ++tc.matched;
            } else {
                addTxn(b, t, currencyIndex(q->columnBlob(2)), 1, q->columnInt(3));
            }
        }
    }
    return ok();
}

} // namespace

Result<std::optional<std::pair<int64_t, int64_t>>> TimelineService::extent(const CompiledSearch &search) const
{
    SearchService service(m_ws.db());
    auto first = service.page(search, SearchSort::TimeAsc, std::optional<SearchKey>(), 1);
    if (!first)
        return first.error();
    if (first->isEmpty())
        return std::optional<std::pair<int64_t, int64_t>>();
    auto last = service.page(search, SearchSort::TimeDesc, std::optional<SearchKey>(), 1);
    if (!last)
        return last.error();
    const int64_t lo = first->constFirst().utcMs;
    const int64_t hi = last->isEmpty() ? lo : last->constFirst().utcMs;
    return std::optional<std::pair<int64_t, int64_t>>(std::pair<int64_t, int64_t>(lo, hi + 1));
}

int TimelineData::bucketAt(int64_t utcMs) const
{
    if (edges.size() < 2 || utcMs < edges.first() || utcMs >= edges.last())
        return -1;
    return int(std::upper_bound(edges.cbegin(), edges.cend(), utcMs) - edges.cbegin()) - 1;
}

TimelineService::TimelineService(Workspace &ws)
    : m_ws(ws)
{
}

Result<QStringList> TimelineService::tenants() const
{
    auto q = m_ws.db().prepare("SELECT id FROM tenants ORDER BY id");
    if (!q)
        return q.error();
    QStringList out;
    for (;;) {
        const auto r = q->step();
        if (r == Statement::StepResult::Done)
            break;
        if (r != Statement::StepResult::Row)
            return Error(Error::Code::Database, tr("Cannot read the institutions"), m_ws.db().lastError());
        out << q->columnText(0);
    }
    return out;
}

Result<std::optional<std::pair<int64_t, int64_t>>> TimelineService::extent(const QStringList &tenantsIn) const
{
    QStringList ids = tenantsIn;
    if (ids.isEmpty()) {
        auto all = tenants();
        if (!all)
            return all.error();
        ids = *all;
    }
    std::optional<std::pair<int64_t, int64_t>> out;
    // One min() or max() per statement: SQLite answers each with a single seek on (tenant_id, ts_utc_ms).
    static const char *const sql[] = {
        "SELECT min(ts_utc_ms) FROM events WHERE tenant_id = ?",
        "SELECT max(ts_utc_ms) FROM events WHERE tenant_id = ?",
        "SELECT min(ts_utc_ms) FROM transactions WHERE tenant_id = ?",
        "SELECT max(ts_utc_ms) FROM transactions WHERE tenant_id = ?",
    };
    for (int i = 0; i < 4; ++i) {
        auto q = m_ws.db().prepare(sql[i]);
        if (!q)
            return q.error();
        for (const QString &id : ids) {
            q->bind(1, id);
            const auto r = q->step();
            if (r == Statement::StepResult::Row && !q->columnIsNull(0)) {
                const int64_t v = q->columnInt(0);
                if (!out)
                    out = std::pair<int64_t, int64_t>(v, v + 1);
                out->first = std::min(out->first, v);
                out->second = std::max(out->second, v + 1);
            } else if (r != Statement::StepResult::Row && r != Statement::StepResult::Done) {
                return Error(Error::Code::Database, tr("Cannot read the time range"), m_ws.db().lastError());
            }
            q->reset();
        }
    }
    return out;
}

Result<TimelineData> TimelineService::query(const TimelineRequest &req, const CancelFn &cancel) const
{
    SqliteDb &db = m_ws.db();
    const auto cancelled = [&] { return cancel && cancel(); };
    const auto dbError = [&](const QString &what) {
        return Error(Error::Code::Database, what, db.lastError());
    };

    TimelineData data;
    data.zone = req.zone.isValid() ? req.zone : QTimeZone::utc();
    data.unit = req.unit ? *req.unit : timebuckets::autoUnit(req.fromUtcMs, req.toUtcMs);
    data.filtered = req.filter.isActive();

    // One read transaction, so every statement below (institutions and currencies included) sees the
    // same snapshot even while an import commits. Only when the caller has none open: that one is theirs.
    const bool ownTransaction = sqlite3_get_autocommit(db.handle()) != 0;
    if (ownTransaction)
        db.exec("BEGIN");
    struct EndRead
    {
        SqliteDb &db;
        bool own;
        ~EndRead()
        {
            if (own)
                db.exec("COMMIT");
        }
    } endRead { db, ownTransaction };

    auto all = tenants();
    if (!all)
        return all.error();
    if (req.tenants.isEmpty()) {
        data.tenants = *all;
    } else {
        const QSet<QString> known(all->cbegin(), all->cend());
        for (const QString &t : req.tenants) {
            if (!known.contains(t))
                return Error(Error::Code::Usage, tr("No institution %1 in this workspace").arg(t));
            if (!data.tenants.contains(t))
                data.tenants << t;
        }
    }
    for (const QString &o : req.filter.outcomes)
        if (o != u"success" && o != u"failure" && o != u"denied")
            return Error(Error::Code::Usage, tr("Unknown outcome \"%1\" (success, failure or denied)").arg(o));

    if (req.toUtcMs > req.fromUtcMs
        && (req.toUtcMs - req.fromUtcMs) / timebuckets::nominalMs(data.unit) > kMaxBuckets)
        return Error(Error::Code::Usage,
                     tr("%1 buckets of one %2 would be too many; choose a shorter range or a larger bucket")
                         .arg((req.toUtcMs - req.fromUtcMs) / timebuckets::nominalMs(data.unit))
                         .arg(timebuckets::unitName(data.unit)));
    data.edges = timebuckets::edges(data.zone, data.unit, req.fromUtcMs, req.toUtcMs);

    // Currencies: from the per-archive totals (tiny), so the layout is known before reading.
    {
        auto q = db.prepare("SELECT DISTINCT t.currency FROM archive_totals t JOIN archives a ON a.id = t.archive_id "
                            "WHERE a.tenant_id = ?");
        if (!q)
            return q.error();
        QSet<QString> set;
        for (const QString &t : std::as_const(data.tenants)) {
            q->bind(1, t);
            while (q->step() == Statement::StepResult::Row)
                set.insert(q->columnText(0));
            q->reset();
        }
        data.currencies = QStringList(set.cbegin(), set.cend());
        data.currencies.sort();
    }
    const int nb = data.bucketCount();
    const int nt = data.tenantCount();
    const int nc = int(data.currencies.size());
    data.counts.resize(qsizetype(nb) * nt);
    data.transactionsByCurrency.fill(0, qsizetype(nb) * nt * nc);
    data.amountE4.fill(0, qsizetype(nb) * nt * nc);
    if (nb == 0 || nt == 0)
        return data;

    QVector<QByteArray> currencyUtf8;
    for (const QString &c : std::as_const(data.currencies))
        currencyUtf8 << c.toUtf8();
    const auto currencyIndex = [&](QByteArrayView c) {
        for (int i = 0; i < nc; ++i)
            if (currencyUtf8[i] == c)
                return i;
        return -1;
    };
    Sums sums;
    const auto addTxn = [&](int b, int t, int c, int64_t count, int64_t amount) {
        TimelineCounts &tc = data.counts[qsizetype(b) * nt + t];
        sums.add(tc.transactions, count);
        if (c < 0)
            return; // a currency that appeared after the list was read: cannot happen inside one read transaction
        const qsizetype i = (qsizetype(b) * nt + t) * nc + c;
        sums.add(data.transactionsByCurrency[i], count);
        sums.add(data.amountE4[i], amount);
    };

    if (req.search) {
        if (auto st = countHits(db, *req.search, data, req.filter, cancelled, addTxn, currencyIndex); !st)
            return st.error();
        if (sums.overflow)
            return Error(Error::Code::Database, tr("A timeline sum exceeds the 64-bit range"));
        return data;
    }

    const bool minuteAligned = std::all_of(data.edges.cbegin(), data.edges.cend(),
                                           [](int64_t e) { return timebuckets::floorDiv(e, 60000) * 60000 == e; });
    data.fromRollups = minuteAligned;
    if (minuteAligned) {
        std::array<std::vector<Piece>, kLevelCount> pieces;
        for (int b = 0; b < nb; ++b)
            cover(data.edges[b], data.edges[b + 1], 0, b, pieces);
        auto ev = db.prepare("SELECT cell, events, failures, denied FROM timeline_events "
                             "WHERE tenant_id = ? AND level = ? AND cell >= ? AND cell < ? ORDER BY cell");
        auto tx = db.prepare("SELECT cell, currency, count, amount_e4 FROM timeline_transactions "
                             "WHERE tenant_id = ? AND level = ? AND cell >= ? AND cell < ? ORDER BY cell");
        if (!ev)
            return ev.error();
        if (!tx)
            return tx.error();
        for (int level = 0; level < kLevelCount; ++level) {
            const std::vector<Piece> &ps = pieces[size_t(level)];
            std::vector<Range> ranges;
            for (size_t i = 0; i < ps.size(); ++i) {
                if (!ranges.empty() && ps[i].c0 - ranges.back().c1 <= kGapCells)
                    ranges.back().c1 = ps[i].c1;
                else
                    ranges.push_back({ ps[i].c0, ps[i].c1, qsizetype(i) });
            }
            for (int t = 0; t < nt; ++t) {
                if (cancelled())
                    return Error(Error::Code::Cancelled, tr("cancelled"));
                const QByteArray tenant = data.tenants[t].toUtf8();
                for (const Range &r : ranges) {
                    for (Statement *q : { &*ev, &*tx }) {
                        q->bind(1, QByteArrayView(tenant));
                        q->bind(2, timelinerollups::kLevels[level]);
                        q->bind(3, r.c0);
                        q->bind(4, r.c1);
                        qsizetype pi = r.firstPiece;
                        for (;;) {
                            const auto st = q->step();
                            if (st == Statement::StepResult::Done)
                                break;
                            if (st != Statement::StepResult::Row)
                                return dbError(tr("Cannot read the timeline"));
                            const int64_t cell = q->columnInt(0);
                            while (pi < qsizetype(ps.size()) && ps[size_t(pi)].c1 <= cell)
                                ++pi;
                            if (pi == qsizetype(ps.size()) || ps[size_t(pi)].c0 > cell)
                                continue; // a gap cell, read to save a seek
                            const int b = ps[size_t(pi)].bucket;
                            if (q == &*ev) {
                                TimelineCounts &tc = data.counts[qsizetype(b) * nt + t];
                                sums.add(tc.events, q->columnInt(1));
                                sums.add(tc.failures, q->columnInt(2));
                                sums.add(tc.denied, q->columnInt(3));
                            } else {
                                addTxn(b, t, currencyIndex(q->columnBlob(1)), q->columnInt(2), q->columnInt(3));
                            }
                        }
                        q->reset();
                    }
                }
            }
        }
    } else {
        // A zone whose offsets are not whole minutes (local mean time before ~1900): read the rows.
        auto ev = db.prepare("SELECT ts_utc_ms, outcome FROM events WHERE tenant_id = ? AND ts_utc_ms >= ? "
                             "AND ts_utc_ms < ? ORDER BY ts_utc_ms");
        auto tx = db.prepare("SELECT ts_utc_ms, currency, amount_e4 FROM transactions WHERE tenant_id = ? "
                             "AND ts_utc_ms >= ? AND ts_utc_ms < ? ORDER BY ts_utc_ms");
        if (!ev)
            return ev.error();
        if (!tx)
            return tx.error();
        for (int t = 0; t < nt; ++t) {
            if (cancelled())
                return Error(Error::Code::Cancelled, tr("cancelled"));
            const QByteArray tenant = data.tenants[t].toUtf8();
            for (Statement *q : { &*ev, &*tx }) {
                q->bind(1, QByteArrayView(tenant));
                q->bind(2, data.edges.first());
                q->bind(3, data.edges.last());
                for (;;) {
                    const auto st = q->step();
                    if (st == Statement::StepResult::Done)
                        break;
                    if (st != Statement::StepResult::Row)
                        return dbError(tr("Cannot read the timeline"));
                    const int b = data.bucketAt(q->columnInt(0));
                    if (b < 0)
                        continue;
                    if (q == &*ev) {
                        TimelineCounts &tc = data.counts[qsizetype(b) * nt + t];
                        ++tc.events;
                        const QByteArrayView o = q->columnBlob(1);
                        if (o == "failure")
                            ++tc.failures;
                        else if (o == "denied")
                            ++tc.denied;
                    } else {
                        addTxn(b, t, currencyIndex(q->columnBlob(1)), 1, q->columnInt(2));
                    }
                }
                q->reset();
            }
        }
    }
    if (sums.overflow)
        return Error(Error::Code::Database, tr("A timeline sum exceeds the 64-bit range"));

    // Matched counts.
    const TimelineFilter &f = req.filter;
    const bool wantSuccess = f.outcomes.isEmpty() || f.outcomes.contains(QStringLiteral("success"));
    const bool wantFailure = f.outcomes.isEmpty() || f.outcomes.contains(QStringLiteral("failure"));
    const bool wantDenied = f.outcomes.isEmpty() || f.outcomes.contains(QStringLiteral("denied"));
    if (!f.needsRows()) {
        for (TimelineCounts &c : data.counts)
            c.matched = (wantSuccess ? c.events - c.failures - c.denied : 0) + (wantFailure ? c.failures : 0)
                + (wantDenied ? c.denied : 0);
        return data;
    }
    const int64_t lo = data.edges.first();
    const int64_t hi = data.edges.last();
    const QByteArray prefix = f.actionPrefix.toUtf8();
    const QByteArray actor = f.actor.toUtf8();
    const auto countRow = [&](int t, int64_t ts, QByteArrayView outcome) {
        const bool want = outcome == "failure" ? wantFailure : outcome == "denied" ? wantDenied : wantSuccess;
        if (!want)
            return;
        const int b = data.bucketAt(ts);
        if (b >= 0)
            ++data.counts[qsizetype(b) * nt + t].matched;
    };
    if (!actor.isEmpty()) {
        // Seek (tenant_id, actor, ts_utc_ms, outcome): covering unless an action prefix is set too, which
        // needs the row.
        auto q = db.prepare(prefix.isEmpty() ? QByteArrayView("SELECT ts_utc_ms, '', outcome FROM events WHERE tenant_id = ? "
                                                              "AND actor = ? AND ts_utc_ms >= ? AND ts_utc_ms < ?")
                                             : QByteArrayView("SELECT ts_utc_ms, action, outcome FROM events WHERE tenant_id = ? "
                                                              "AND actor = ? AND ts_utc_ms >= ? AND ts_utc_ms < ?"));
        if (!q)
            return q.error();
        for (int t = 0; t < nt; ++t) {
            if (cancelled())
                return Error(Error::Code::Cancelled, tr("cancelled"));
            const QByteArray tenant = data.tenants[t].toUtf8();
            q->bind(1, QByteArrayView(tenant));
            q->bind(2, QByteArrayView(actor));
            q->bind(3, lo);
            q->bind(4, hi);
            for (;;) {
                const auto st = q->step();
                if (st == Statement::StepResult::Done)
                    break;
                if (st != Statement::StepResult::Row)
                    return dbError(tr("Cannot read the timeline"));
                if (!q->columnBlob(1).startsWith(prefix))
                    continue;
                countRow(t, q->columnInt(0), q->columnBlob(2));
            }
            q->reset();
        }
        return data;
    }
    // Action prefix: step through the distinct actions with that prefix on (tenant_id, action, ...),
    // then read each one's time range from the same covering index.
    auto next = db.prepare("SELECT action FROM events WHERE tenant_id = ? AND action > ? ORDER BY action LIMIT 1");
    auto first = db.prepare("SELECT action FROM events WHERE tenant_id = ? AND action >= ? ORDER BY action LIMIT 1");
    auto rows = db.prepare("SELECT ts_utc_ms, outcome FROM events WHERE tenant_id = ? AND action = ? "
                           "AND ts_utc_ms >= ? AND ts_utc_ms < ?");
    if (!next)
        return next.error();
    if (!first)
        return first.error();
    if (!rows)
        return rows.error();
    for (int t = 0; t < nt; ++t) {
        const QByteArray tenant = data.tenants[t].toUtf8();
        QByteArray action = prefix;
        Statement *seek = &*first;
        for (;;) {
            if (cancelled())
                return Error(Error::Code::Cancelled, tr("cancelled"));
            seek->bind(1, QByteArrayView(tenant));
            seek->bind(2, QByteArrayView(action));
            const auto st = seek->step();
            if (st == Statement::StepResult::Row)
                action = seek->columnBlob(0).toByteArray();
            seek->reset();
            if (st != Statement::StepResult::Row || !action.startsWith(prefix))
                break;
            seek = &*next;
            rows->bind(1, QByteArrayView(tenant));
            rows->bind(2, QByteArrayView(action));
            rows->bind(3, lo);
            rows->bind(4, hi);
            for (;;) {
                const auto rs = rows->step();
                if (rs == Statement::StepResult::Done)
                    break;
                if (rs != Statement::StepResult::Row)
                    return dbError(tr("Cannot read the timeline"));
                countRow(t, rows->columnInt(0), rows->columnBlob(1));
            }
            rows->reset();
        }
    }
    return data;
}

} // namespace casebook
