// SPDX-License-Identifier: GPL-3.0-or-later
#include "searchservice.h"

#include "money.h"
#include "searchcells.h"
#include "searchextensions.h"
#include "sqlitedb.h"
#include "timestamp.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLoggingCategory>
#include <QSet>

#include <sqlite3.h>

#include <arpa/inet.h>

#include <algorithm>

Q_LOGGING_CATEGORY(lcSearch, "casebook.models.search")

namespace casebook {

namespace {

QString tr(const char *s) { return QCoreApplication::translate("Search", s); }

using Bind = CompiledSearch::Bind;

// ---------------------------------------------------------------------------------------------
// Lowering: the query tree becomes, per kind, a small boolean IR whose leaves are either FTS5 MATCH
// expressions or SQL predicates; constant parts (terms that cannot apply to the kind) fold away, and
// neighbouring MATCH leaves merge so FTS5 evaluates them in one pass.

struct Ir
{
    enum class T { True, False, Fts, Sql, Not, And, Or };
    T t = T::True;
    QString fts; ///< Fts: MATCH expression
    QString sql; ///< Sql: predicate over alias x, with ? placeholders
    QVector<Bind> binds; ///< Sql
    std::vector<Ir> kids;
    /// Sql leaves search cells can answer: an exact term on a cell column (tenant, role, action,
    /// outcome, currency, channel, status), or a time or amount range [lo, hi] (time: hi exclusive).
    enum class C { Other, Cell, Time, Amount };
    C col = C::Other;
    int64_t lo = std::numeric_limits<int64_t>::min();
    int64_t hi = std::numeric_limits<int64_t>::max();

    static Ir constant(bool v) { return Ir { v ? T::True : T::False, {}, {}, {}, {} }; }
};

/// FTS5 string literal: the text in double quotes, embedded quotes doubled. Whatever the user typed,
/// FTS5 sees one string that its tokenizer splits; operators, column names, NEAR, ^ and * inside it
/// are just characters.
QString ftsString(const QString &v) { return u'"' + QString(v).replace(u'"', QStringLiteral("\"\"")) + u'"'; }

bool isSingleCjk(const QString &v)
{
    const QList<uint> cps = v.toUcs4();
    return cps.size() == 1 && isCjkCodePoint(cps[0]);
}

const char *ftsColumns(SearchField f, HitKind k)
{
    if (k == HitKind::Event) {
        switch (f) {
        case SearchField::Text:
            return "";
        case SearchField::Actor:
            return "{actor actor_name}";
        default:
            return nullptr;
        }
    }
    switch (f) {
    case SearchField::Text:
        return "";
    case SearchField::Account:
        return "{debtor_account creditor_account}";
    case SearchField::Debtor:
        return "{debtor_account debtor_name}";
    case SearchField::Creditor:
        return "{creditor_account creditor_name}";
    case SearchField::Name:
        return "{debtor_name creditor_name}";
    case SearchField::Ref:
        return "reference";
    case SearchField::Memo:
        return "memo";
    default:
        return nullptr;
    }
}

/// Column compared with LIKE (case-insensitive for ASCII, exact otherwise) for simple fields.
const char *likeColumn(SearchField f, HitKind k)
{
    if (f == SearchField::Tenant)
        return "x.tenant_id";
    if (k == HitKind::Event) {
        switch (f) {
        case SearchField::Role:
            return "x.actor_role";
        case SearchField::Action:
            return "x.action";
        case SearchField::Outcome:
            return "x.outcome";
        default:
            return nullptr;
        }
    }
    switch (f) {
    case SearchField::Currency:
        return "x.currency";
    case SearchField::Channel:
        return "x.channel";
    case SearchField::Status:
        return "x.status";
    default:
        return nullptr;
    }
}

QString likePattern(const QString &v, bool prefix)
{
    QString p;
    p.reserve(v.size() + 2);
    for (QChar c : v) {
        if (c == u'%' || c == u'_' || c == u'\\')
            p += u'\\';
        p += c;
    }
    if (prefix)
        p += u'%';
    return p;
}

Ir sqlLeaf(QString sql, QVector<Bind> binds) { return Ir { Ir::T::Sql, {}, std::move(sql), std::move(binds), {} }; }

/// The exact condition of an ip: term (events).
Ir lowerIp(const QueryNode &n)
{
    if (n.prefix)
        return sqlLeaf(QStringLiteral("ifnull(x.source_ip LIKE ? ESCAPE '\\', 0)"), { Bind(likePattern(n.value, true)) });
    if (n.ipBits >= 0)
        return sqlLeaf(QStringLiteral("casebook_ip_in(x.source_ip, ?, ?)"), { Bind(n.value), Bind(int64_t(n.ipBits)) });
    // A single address compares as an address (2001:db8::7 = 2001:0db8:0::7); anything else as text.
    return sqlLeaf(QStringLiteral("(casebook_ip_in(x.source_ip, ?, 128) OR casebook_ip_in(x.source_ip, ?, 32) "
                                  "OR ifnull(x.source_ip LIKE ? ESCAPE '\\', 0))"),
                   { Bind(n.value), Bind(n.value), Bind(likePattern(n.value, false)) });
}

/// For an IPv4 address or a CIDR block of /8 or more: the FTS5 phrase its addresses start with in
/// source_ip (`source_ip : ^ "203 0 113"` for 203.0.113.0/24). casebook_ip_in() and the exact text
/// comparison only accept dotted quads (inet_pton: no leading zeros), whose tokens are the octets, so
/// the phrase is a superset of the exact condition. Empty when there is none.
QString ipv4Phrase(const QString &value, int bits)
{
    unsigned char a[4];
    const QByteArray v = value.toLatin1();
    if (v.size() > 15 || inet_pton(AF_INET, v.constData(), a) != 1)
        return {};
    const int octets = std::min(bits < 0 ? 32 : bits, 32) / 8;
    if (octets == 0)
        return {};
    QStringList parts;
    for (int i = 0; i < octets; ++i)
        parts << QString::number(a[i]);
    return QStringLiteral("source_ip : ^ \"") + parts.join(u' ') + u'"';
}

Ir lower(const QueryNode &n, HitKind k)
{
    using T = QueryNode::Type;
    switch (n.type) {
    case T::And:
    case T::Or: {
        const bool isAnd = n.type == T::And;
        std::vector<Ir> kids;
        for (const QueryNode &c : n.children) {
            Ir ir = lower(c, k);
            if (ir.t == (isAnd ? Ir::T::True : Ir::T::False))
                continue;
            if (ir.t == (isAnd ? Ir::T::False : Ir::T::True))
                return Ir::constant(!isAnd);
            if (ir.t == (isAnd ? Ir::T::And : Ir::T::Or)) { // flatten
                for (Ir &g : ir.kids)
                    kids.push_back(std::move(g));
                continue;
            }
            kids.push_back(std::move(ir));
        }
        // Merge MATCH leaves: AND: (p1) AND (p2) NOT (n1 OR n2); OR: (p1) OR (p2).
        QStringList pos, neg;
        std::vector<Ir> rest;
        for (Ir &ir : kids) {
            if (ir.t == Ir::T::Fts)
                pos << u'(' + ir.fts + u')';
            else if (isAnd && ir.t == Ir::T::Not && ir.kids[0].t == Ir::T::Fts)
                neg << u'(' + ir.kids[0].fts + u')';
            else
                rest.push_back(std::move(ir));
        }
        if (!pos.isEmpty()) {
            QString m = pos.join(isAnd ? QStringLiteral(" AND ") : QStringLiteral(" OR "));
            if (!neg.isEmpty())
                m = u'(' + m + QStringLiteral(") NOT (") + neg.join(QStringLiteral(" OR ")) + u')';
            rest.push_back(Ir { Ir::T::Fts, m, {}, {}, {} });
        } else {
            for (const QString &m : neg) {
                Ir nn { Ir::T::Not, {}, {}, {}, {} };
                nn.kids.push_back(Ir { Ir::T::Fts, m, {}, {}, {} });
                rest.push_back(std::move(nn));
            }
        }
        if (rest.empty())
            return Ir::constant(isAnd);
        if (rest.size() == 1)
            return std::move(rest[0]);
        Ir out { isAnd ? Ir::T::And : Ir::T::Or, {}, {}, {}, {} };
        out.kids = std::move(rest);
        return out;
    }
    case T::Not: {
        Ir c = lower(n.children[0], k);
        if (c.t == Ir::T::True || c.t == Ir::T::False)
            return Ir::constant(c.t == Ir::T::False);
        if (c.t == Ir::T::Not)
            return std::move(c.kids[0]);
        Ir out { Ir::T::Not, {}, {}, {}, {} };
        out.kids.push_back(std::move(c));
        return out;
    }
    case T::Kind:
        return Ir::constant(n.lo == int64_t(k));
    case T::Time: {
        QString sql;
        QVector<Bind> b;
        if (n.lo != std::numeric_limits<int64_t>::min()) {
            sql = QStringLiteral("x.ts_utc_ms >= ?");
            b << Bind(n.lo);
        }
        if (n.hi != std::numeric_limits<int64_t>::max()) {
            sql += (sql.isEmpty() ? QString() : QStringLiteral(" AND ")) + QStringLiteral("x.ts_utc_ms < ?");
            b << Bind(n.hi);
        }
        if (sql.isEmpty())
            return Ir::constant(true);
        Ir leaf = sqlLeaf(sql, b);
        leaf.col = Ir::C::Time;
        leaf.lo = n.lo;
        leaf.hi = n.hi;
        return leaf;
    }
    case T::Amount: {
        if (k != HitKind::Transaction)
            return Ir::constant(false);
        Ir leaf = sqlLeaf(QStringLiteral("x.amount_e4 BETWEEN ? AND ?"), { Bind(n.lo), Bind(n.hi) });
        leaf.col = Ir::C::Amount;
        leaf.lo = n.lo;
        leaf.hi = n.hi;
        return leaf;
    }
    case T::Ip: {
        if (k != HitKind::Event)
            return Ir::constant(false);
        Ir exact = lowerIp(n);
        const QString phrase = n.prefix ? QString() : ipv4Phrase(n.value, n.ipBits);
        if (phrase.isEmpty())
            return exact;
        // The index finds the candidates (every IPv4 address in the block starts with these
        // octets, as tokens); the exact test decides.
        Ir out { Ir::T::And, {}, {}, {}, {} };
        out.kids.push_back(Ir { Ir::T::Fts, phrase, {}, {}, {} });
        out.kids.push_back(std::move(exact));
        return out;
    }
    case T::Term: {
        if (const char *cols = ftsColumns(n.field, k)) {
            // A lone CJK character cannot be a bigram: search it as a prefix, which finds names and
            // words that start with it (surnames!).
            const bool prefix = n.prefix || isSingleCjk(n.value);
            QString m = ftsString(n.value) + (prefix ? QStringLiteral("*") : QString());
            if (*cols)
                m = QString::fromLatin1(cols) + QStringLiteral(" : ") + m;
            return Ir { Ir::T::Fts, m, {}, {}, {} };
        }
        if (const char *col = likeColumn(n.field, k)) {
            // Every column likeColumn() names is also a column of the search cells.
            Ir leaf = sqlLeaf(QStringLiteral("ifnull(%1 LIKE ? ESCAPE '\\', 0)").arg(QLatin1StringView(col)),
                              { Bind(likePattern(n.value, n.prefix)) });
            leaf.col = Ir::C::Cell;
            return leaf;
        }
        return Ir::constant(false);
    }
    }
    return Ir::constant(false);
}

const char *ftsTable(HitKind k) { return k == HitKind::Event ? "events_fts" : "transactions_fts"; }
const char *rowTable(HitKind k) { return k == HitKind::Event ? "events" : "transactions"; }

QString render(const Ir &ir, HitKind k, QVector<Bind> &binds)
{
    switch (ir.t) {
    case Ir::T::True:
        return QStringLiteral("1");
    case Ir::T::False:
        return QStringLiteral("0");
    case Ir::T::Fts:
        binds << Bind(ir.fts);
        return QStringLiteral("x.id IN (SELECT rowid FROM %1 WHERE %1 MATCH ?)").arg(QLatin1StringView(ftsTable(k)));
    case Ir::T::Sql:
        binds << ir.binds;
        return ir.sql;
    case Ir::T::Not:
        return QStringLiteral("NOT (") + render(ir.kids[0], k, binds) + u')';
    case Ir::T::And:
    case Ir::T::Or: {
        QStringList parts;
        for (const Ir &c : ir.kids)
            parts << u'(' + render(c, k, binds) + u')';
        return parts.join(ir.t == Ir::T::And ? QStringLiteral(" AND ") : QStringLiteral(" OR "));
    }
    }
    return QStringLiteral("0");
}

/// True when every leaf of `ir` is an exact term on a cell column (any AND/OR/NOT of them).
bool isCellFormula(const Ir &ir)
{
    switch (ir.t) {
    case Ir::T::True:
    case Ir::T::False:
        return true;
    case Ir::T::Sql:
        return ir.col == Ir::C::Cell;
    case Ir::T::Fts:
        return false;
    case Ir::T::Not:
    case Ir::T::And:
    case Ir::T::Or:
        return std::all_of(ir.kids.begin(), ir.kids.end(), isCellFormula);
    }
    return false;
}

/// Fills the part's search-cell form (schema 6) when the condition is an AND of time ranges, amount
/// ranges and formulas of exact cell-column terms: `cellWhere` is the scope and the formulas (valid
/// over the rows and over the cells, both aliased x), the ranges are intersected.
void compileCells(CompiledSearch::Part &p, const Ir &ir, HitKind k, const QStringList &scopeWhere, const QVector<Bind> &scopeBinds)
{
    std::vector<const Ir *> formulas;
    bool ok = true;
    const auto take = [&](const Ir &c) {
        if (c.t == Ir::T::Sql && c.col == Ir::C::Time) {
            p.cellTimeLo = std::max(p.cellTimeLo, c.lo);
            p.cellTimeHi = std::min(p.cellTimeHi, c.hi);
        } else if (c.t == Ir::T::Sql && c.col == Ir::C::Amount) {
            p.cellAmountLo = std::max(p.cellAmountLo, c.lo);
            p.cellAmountHi = std::min(p.cellAmountHi, c.hi);
        } else if (isCellFormula(c)) {
            formulas.push_back(&c);
        } else {
            ok = false;
        }
    };
    if (ir.t == Ir::T::And)
        for (const Ir &c : ir.kids)
            take(c);
    else
        take(ir);
    if (!ok)
        return;
    p.cells = true;
    // The scope's tenant list must not steer SQLite to the (tenant, time) index when a row query
    // reads a time or amount slice: the unary + keeps it a filter.
    QStringList w;
    for (const QString &s : scopeWhere)
        w << u'+' + s;
    p.cellBinds = scopeBinds;
    for (const Ir *f : formulas)
        w << u'(' + render(*f, k, p.cellBinds) + u')';
    p.cellWhere = w.isEmpty() ? QByteArray("1") : w.join(QStringLiteral(" AND ")).toUtf8();
}

CompiledSearch::Part compilePart(const SearchQuery &q, const SearchScope &scope, HitKind k)
{
    CompiledSearch::Part p;
    if (scope.restricted && scope.tenants.isEmpty())
        return p;
    Ir ir = lower(q.root(), k);
    if (ir.t == Ir::T::False)
        return p;
    p.never = false;
    // Drive from the full-text index when the whole query is, or is ANDed with, one MATCH.
    const Ir *driver = nullptr;
    if (ir.t == Ir::T::Fts) {
        driver = &ir;
    } else if (ir.t == Ir::T::And) {
        for (const Ir &c : ir.kids)
            if (c.t == Ir::T::Fts)
                driver = &c;
    }
    QStringList where;
    // The scope comes first and stands outside everything derived from the query text.
    if (scope.restricted) {
        QStringList qs;
        for (const QString &t : scope.tenants) {
            qs << QStringLiteral("?");
            p.binds << Bind(t);
        }
        where << QStringLiteral("x.tenant_id IN (") + qs.join(u',') + u')';
    }
    compileCells(p, ir, k, where, p.binds);
    if (driver) {
        // Alternative plan: walk the time index, test FTS membership (materialised once by SQLite).
        // The unary + keeps SQLite from using the IN list to drive the loop.
        p.scanFrom = QByteArray(rowTable(k)) + " x";
        QStringList scanWhere = where;
        QVector<Bind> scanBinds = p.binds;
        scanWhere << QStringLiteral("+x.id IN (SELECT rowid FROM %1 WHERE %1 MATCH ?)").arg(QLatin1StringView(ftsTable(k)));
        scanBinds << Bind(driver->fts);
        if (ir.t == Ir::T::And)
            for (const Ir &c : ir.kids)
                if (&c != driver)
                    scanWhere << u'(' + render(c, k, scanBinds) + u')';
        p.scanWhere = scanWhere.join(QStringLiteral(" AND ")).toUtf8();
        p.scanBinds = scanBinds;
        p.match = driver->fts;
        p.matchOnly = driver == &ir;
        p.from = QByteArray(ftsTable(k)) + " f JOIN " + rowTable(k) + " x ON x.id = f.rowid";
        where << QStringLiteral("f.%1 MATCH ?").arg(QLatin1StringView(ftsTable(k)));
        p.binds << Bind(driver->fts);
        if (ir.t == Ir::T::And)
            for (const Ir &c : ir.kids)
                if (&c != driver)
                    where << u'(' + render(c, k, p.binds) + u')';
    } else {
        p.from = QByteArray(rowTable(k)) + " x";
        if (ir.t != Ir::T::True)
            where << u'(' + render(ir, k, p.binds) + u')';
    }
    p.where = where.isEmpty() ? QByteArray("1") : where.join(QStringLiteral(" AND ")).toUtf8();
    return p;
}

void bindAll(Statement &st, const QVector<Bind> &binds, int first = 1)
{
    int i = first;
    for (const Bind &b : binds) {
        if (const auto *v = std::get_if<int64_t>(&b))
            st.bind(i++, *v);
        else
            st.bind(i++, std::get<QString>(b));
    }
}

const char *kEventColumns = "x.id, x.tenant_id, x.event_id, x.ts_utc_ms, x.ts_offset_s, x.actor, x.actor_name, "
                            "x.actor_role, x.source_ip, x.action, x.resource, x.outcome, x.session_id, x.details";
const char *kTxnColumns = "x.id, x.tenant_id, x.txn_id, x.ts_utc_ms, x.ts_offset_s, x.value_date, x.debtor_account, "
                          "x.debtor_name, x.debtor_bank, x.creditor_account, x.creditor_name, x.creditor_bank, "
                          "x.amount_e4, x.amount_text, x.currency, x.channel, x.status, x.reference, x.memo";

SearchHit readHit(const Statement &q, HitKind k)
{
    SearchHit h;
    h.kind = k;
    h.rowId = q.columnInt(0);
    h.tenant = q.columnText(1);
    h.id = q.columnText(2);
    h.utcMs = q.columnInt(3);
    h.offsetSeconds = int(q.columnInt(4));
    if (k == HitKind::Event) {
        h.actor = q.columnText(5);
        h.actorName = q.columnText(6);
        h.role = q.columnText(7);
        h.ip = q.columnText(8);
        h.action = q.columnText(9);
        h.resource = q.columnText(10);
        h.outcome = q.columnText(11);
        h.sessionId = q.columnText(12);
        h.details = q.columnText(13);
    } else {
        h.valueDate = q.columnText(5);
        h.debtorAccount = q.columnText(6);
        h.debtorName = q.columnText(7);
        h.debtorBank = q.columnText(8);
        h.creditorAccount = q.columnText(9);
        h.creditorName = q.columnText(10);
        h.creditorBank = q.columnText(11);
        h.amountE4 = q.columnInt(12);
        h.amountText = q.columnText(13);
        h.currency = q.columnText(14);
        h.channel = q.columnText(15);
        h.status = q.columnText(16);
        h.reference = q.columnText(17);
        h.memo = q.columnText(18);
    }
    return h;
}

SearchKey keyOf(const SearchHit &h, SearchSort s) { return SearchKey::of(h, s); }

/// Steps `q` to its end, calling `row` for each row; a step error becomes "The search failed".
Status forEachRow(SqliteDb &db, Statement &q, const std::function<void(const Statement &)> &row)
{
    for (;;) {
        const auto r = q.step();
        if (r == Statement::StepResult::Done)
            return ok();
        if (r != Statement::StepResult::Row)
            return Error(Error::Code::Database, tr("The search failed"), db.lastError());
        row(q);
    }
}

/// Steps `q` to its end, appending each row as a hit of kind `k`: the number appended, or the error.
Result<int64_t> appendHits(SqliteDb &db, Statement &q, HitKind k, QVector<SearchHit> &out)
{
    int64_t n = 0;
    if (auto st = forEachRow(db, q, [&](const Statement &r) {
            out.push_back(readHit(r, k));
            ++n;
        });
        !st)
        return st.error();
    return n;
}

/// Sorts `hits` in `sort` order (ties by kind, then row id) and keeps the first `limit`.
void sortAndTrim(QVector<SearchHit> &hits, SearchSort sort, int limit)
{
    const bool desc = sort == SearchSort::TimeDesc || sort == SearchSort::AmountDesc;
    std::sort(hits.begin(), hits.end(), [&](const SearchHit &a, const SearchHit &b) {
        const SearchKey ka = keyOf(a, sort), kb = keyOf(b, sort);
        return desc ? kb.tie() < ka.tie() : ka.tie() < kb.tie();
    });
    if (hits.size() > limit)
        hits.resize(limit);
}

/// Rows first..last (inclusive) of a table belong to `tenant`.
struct RowidRange
{
    int64_t first, last;
    QString tenant;
};

/// Per kind, the rowid ranges of every archive's rows (schema 5), sorted, with neighbours of the same
/// institution merged. Nothing when any range is unknown (NULL), when ranges of different archives
/// overlap, or when the workspace has no such columns: counting must then read the rows.
std::optional<std::array<QVector<RowidRange>, 2>> archiveRowidRanges(SqliteDb &db)
{
    auto q = db.prepare("SELECT tenant_id, events_first_id, events_last_id, transactions_first_id, transactions_last_id "
                        "FROM archives");
    if (!q)
        return std::nullopt;
    std::array<QVector<RowidRange>, 2> out;
    for (;;) {
        const auto r = q->step();
        if (r == Statement::StepResult::Done)
            break;
        if (r != Statement::StepResult::Row)
            return std::nullopt;
        for (int k = 0; k < 2; ++k) {
            if (q->columnIsNull(1 + 2 * k) || q->columnIsNull(2 + 2 * k))
                return std::nullopt;
            const int64_t first = q->columnInt(1 + 2 * k), last = q->columnInt(2 + 2 * k);
            if (first <= last)
                out[size_t(k)].push_back({ first, last, q->columnText(0) });
        }
    }
    for (QVector<RowidRange> &v : out) {
        std::sort(v.begin(), v.end(), [](const RowidRange &a, const RowidRange &b) { return a.first < b.first; });
        QVector<RowidRange> merged;
        for (const RowidRange &r : v) {
            if (!merged.isEmpty() && r.first <= merged.constLast().last)
                return std::nullopt; // overlap: the ranges cannot be trusted
            // Neighbours of one institution merge (no other archive's rows lie between them).
            if (!merged.isEmpty() && merged.constLast().tenant == r.tenant)
                merged.last().last = r.last;
            else
                merged.push_back(r);
        }
        v = std::move(merged);
    }
    return out;
}

/// Hits per institution of a part whose condition the search cells can answer (Part::cells):
///
///   hits = cells of whole UTC days inside the time range and whole amount buckets inside the amount
///          range (cellWhere true)
///        + rows in the partial days at either end of the time range (any amount in range)
///        + rows of the whole days in each partial amount bucket: read directly when the part of the
///          bucket inside the range is the narrower one, otherwise the bucket's cells minus the rows
///          outside the range (`amount>10000` reads the rows of exactly 10000, not of 10000.0001-19999).
///
/// The pieces are disjoint and cover the range, so the sum equals a count over the rows (tests compare
/// the two on random queries). Row slices are at most a day of rows per end plus what lies in partial
/// bucket slices; the unary + keeps each on the index of its own range.
Status countFromCells(SqliteDb &db, const CompiledSearch::Part &p, HitKind k, QMap<QString, int64_t> &map)
{
    using namespace searchcells;
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
    const bool txn = k == HitKind::Transaction;
    const int64_t tLo = p.cellTimeLo, tHi = p.cellTimeHi, aLo = p.cellAmountLo, aHi = p.cellAmountHi;
    if (tLo >= tHi || aLo > aHi)
        return ok();
    const QByteArray rows = QByteArray(rowTable(k)) + " x";
    const QByteArray cells = txn ? "search_cells_transactions x" : "search_cells_events x";
    const auto run = [&](const QByteArray &sql, const QVector<Bind> &binds, int sign) -> Status {
        auto q = db.prepare(sql);
        if (!q)
            return q.error();
        bindAll(*q, binds);
        return forEachRow(db, *q, [&](const Statement &r) { map[r.columnText(0)] += sign * r.columnInt(1); });
    };
    const bool amountBounded = txn && (aLo != kMin || aHi != kMax);

    // Whole days inside [tLo, tHi): cells with day in [dayLo, dayHi), rows in [fullLo, fullHi).
    int64_t dayLo = kMin, dayHi = kMax, fullLo = kMin, fullHi = kMax;
    if (tLo != kMin) {
        dayLo = dayOf(tLo - 1) + 1;
        fullLo = dayLo > kMax / kDayMs ? kMax : dayLo * kDayMs;
    }
    if (tHi != kMax) {
        dayHi = dayOf(tHi);
        fullHi = dayHi < kMin / kDayMs ? kMin : dayHi * kDayMs;
    }
    const QByteArray amountRows = amountBounded ? QByteArray(" AND +x.amount_e4 BETWEEN ? AND ?") : QByteArray();
    const auto timeSlice = [&](int64_t from, int64_t to) -> Status {
        QVector<Bind> b { Bind(from), Bind(to) };
        b << p.cellBinds;
        if (amountBounded)
            b << Bind(aLo) << Bind(aHi);
        return run("SELECT x.tenant_id, count(*) FROM " + rows + " WHERE x.ts_utc_ms >= ? AND x.ts_utc_ms < ? AND (" + p.cellWhere
                       + ")" + amountRows + " GROUP BY x.tenant_id",
                   b, 1);
    };
    if (fullLo >= fullHi) // no whole day: the rows of the range
        return timeSlice(tLo, tHi);
    if (tLo != kMin && tLo < fullLo)
        if (auto st = timeSlice(tLo, fullLo); !st)
            return st;
    if (tHi != kMax && fullHi < tHi)
        if (auto st = timeSlice(fullHi, tHi); !st)
            return st;

    QByteArray days;
    QVector<Bind> dayBinds;
    if (dayLo != kMin) {
        days += " AND x.day >= ?";
        dayBinds << Bind(dayLo);
    }
    if (dayHi != kMax) {
        days += " AND x.day < ?";
        dayBinds << Bind(dayHi);
    }
    const auto cellSum = [&](int bFrom, int bTo, int sign) -> Status {
        QVector<Bind> b = p.cellBinds;
        b << dayBinds;
        QByteArray buckets;
        if (bFrom >= 0) {
            buckets = " AND x.bucket BETWEEN ? AND ?";
            b << Bind(int64_t(bFrom)) << Bind(int64_t(bTo));
        }
        return run("SELECT x.tenant_id, sum(x.n) FROM " + cells + " WHERE (" + p.cellWhere + ")" + days + buckets + " GROUP BY x.tenant_id", b,
                   sign);
    };
    if (!amountBounded)
        return cellSum(-1, -1, 1);

    const auto amountSlice = [&](int64_t from, int64_t to, int sign) -> Status {
        QVector<Bind> b { Bind(from), Bind(to), Bind(fullLo), Bind(fullHi) };
        b << p.cellBinds;
        return run("SELECT x.tenant_id, count(*) FROM " + rows + " WHERE x.amount_e4 BETWEEN ? AND ? AND +x.ts_utc_ms >= ? AND "
                   "+x.ts_utc_ms < ? AND (" + p.cellWhere + ") GROUP BY x.tenant_id",
                   b, sign);
    };
    const int bA = bucketOf(aLo), bB = bucketOf(aHi);
    const int firstFull = aLo <= bucketLow(bA) ? bA : bA + 1;
    const int lastFull = aHi >= bucketHigh(bB) ? bB : bB - 1;
    if (firstFull <= lastFull)
        if (auto st = cellSum(firstFull, lastFull, 1); !st)
            return st;
    QVector<int> partial;
    if (firstFull > bA)
        partial << bA;
    if (lastFull < bB && !partial.contains(bB))
        partial << bB;
    for (const int b : partial) {
        const int64_t low = bucketLow(b), high = bucketHigh(b);
        const int64_t inLo = std::max(aLo, low), inHi = std::min(aHi, high);
        QVector<std::pair<int64_t, int64_t>> outside;
        if (inLo > low)
            outside.push_back({ low, inLo - 1 });
        if (inHi < high)
            outside.push_back({ inHi + 1, high });
        // Widths of int64 intervals [a, z] fit in uint64; the sum of two saturates.
        const auto width = [](int64_t a, int64_t z) { return uint64_t(z) - uint64_t(a); };
        uint64_t outWidth = 0;
        for (const auto &[a, z] : outside)
            outWidth = std::max(outWidth, outWidth + width(a, z));
        if (width(inLo, inHi) <= outWidth) {
            if (auto st = amountSlice(inLo, inHi, 1); !st)
                return st;
            continue;
        }
        if (auto st = cellSum(b, b, 1); !st)
            return st;
        for (const auto &[a, z] : outside)
            if (auto st = amountSlice(a, z, -1); !st)
                return st;
    }
    return ok();
}

/// Whether the full-text MATCH has more than `n` hits (reads at most n + 1 rowids); true on errors,
/// which the query that follows reports.
bool matchExceeds(SqliteDb &db, HitKind k, const QString &match, int64_t n)
{
    auto q = db.prepare(QByteArray(QByteArray("SELECT count(*) FROM (SELECT 1 FROM ") + ftsTable(k) + " WHERE " + ftsTable(k)
                                   + " MATCH ? LIMIT ?)"));
    if (!q)
        return true;
    q->bind(1, match);
    q->bind(2, n + 1);
    return q->step() != Statement::StepResult::Row || q->columnInt(0) > n;
}

/// Most archives (of one kind, in scope) a newest-first walk visits; more: the general plan.
constexpr qsizetype kMaxWalkedArchives = 64;

/// First page newest first of a part driven by a MATCH, from each archive's hits by descending rowid
/// (schema 6). Within an archive every row before a row that is not a time-order exception is at or
/// before its time (and has a smaller id), so once an archive's walk has `limit` hits at or above such a
/// row's key, or that key falls below the page's current last hit, nothing further down can enter the
/// page. Archives are taken latest first and skipped when even their latest row is below the page.
/// Nothing (use the general plan) when an archive's time order is unknown or too disordered.
Result<std::optional<QVector<SearchHit>>> walkNewestFirst(SqliteDb &db, const CompiledSearch::Part &p, const SearchScope &scope, HitKind k,
                                                          int limit)
{
    struct Archive
    {
        int64_t first, last, tsMax;
    };
    const QByteArray t = rowTable(k);
    auto a = db.prepare(QByteArray("SELECT tenant_id, " + t + "_first_id, " + t + "_last_id, " + t + "_time_exceptions, " + t
                                   + "_ts_max FROM archives"));
    if (!a)
        return std::optional<QVector<SearchHit>>();
    QVector<Archive> archives;
    int64_t exceptions = 0;
    while (a->step() == Statement::StepResult::Row) {
        if (a->columnIsNull(1) || a->columnIsNull(2) || a->columnIsNull(3))
            return std::optional<QVector<SearchHit>>();
        const int64_t first = a->columnInt(1), last = a->columnInt(2), n = a->columnInt(3);
        if (first > last || a->columnIsNull(4))
            continue; // no rows of this kind
        if (n > searchcells::kMaxTimeExceptions)
            return std::optional<QVector<SearchHit>>();
        if (scope.restricted && !scope.tenants.contains(a->columnText(0)))
            continue;
        exceptions += n;
        archives.push_back({ first, last, a->columnInt(4) });
    }
    // Each archive costs a few seeks in the index even when it has no hit: with many archives, a rare
    // MATCH would pay more than reading its hits.
    if (archives.size() > kMaxWalkedArchives)
        return std::optional<QVector<SearchHit>>();
    std::sort(archives.begin(), archives.end(), [](const Archive &x, const Archive &y) { return x.tsMax > y.tsMax; });
    QSet<int64_t> exception;
    if (exceptions > 0) {
        auto e = db.prepare("SELECT row_id FROM time_order_exceptions WHERE kind = ?");
        if (!e)
            return e.error();
        e->bind(1, int64_t(k));
        while (e->step() == Statement::StepResult::Row)
            exception.insert(e->columnInt(0));
    }
    auto q = db.prepare(QByteArray("SELECT " + QByteArray(k == HitKind::Event ? kEventColumns : kTxnColumns) + " FROM " + p.from + " WHERE "
                                   + p.where + " AND f.rowid BETWEEN ? AND ? ORDER BY f.rowid DESC LIMIT ?"));
    if (!q)
        return q.error();
    const auto key = [](const SearchHit &h) { return SearchKey::of(h, SearchSort::TimeDesc); };
    QVector<SearchHit> page;
    for (const Archive &ar : archives) {
        if (page.size() == limit && ar.tsMax < page.constLast().utcMs)
            continue;
        QVector<SearchHit> walked;
        int64_t upper = ar.last, batch = limit;
        for (;;) {
            q->reset();
            bindAll(*q, p.binds);
            const int n = int(p.binds.size());
            q->bind(n + 1, ar.first);
            q->bind(n + 2, upper);
            q->bind(n + 3, batch);
            const auto got = appendHits(db, *q, k, walked);
            if (!got)
                return got.error();
            if (*got < batch)
                break; // the archive's hits are all read
            // The last hit walked that is in time order bounds everything below it.
            auto it = std::find_if(walked.crbegin(), walked.crend(), [&](const SearchHit &h) { return !exception.contains(h.rowId); });
            if (it != walked.crend()) {
                const SearchKey bound = key(*it);
                if (page.size() == limit && bound.tie() < key(page.constLast()).tie())
                    break;
                if (std::count_if(walked.cbegin(), walked.cend(), [&](const SearchHit &h) { return !(key(h).tie() < bound.tie()); }) >= limit)
                    break;
            }
            upper = walked.constLast().rowId - 1;
            if (upper < ar.first)
                break;
            batch = std::min<int64_t>(batch * 4, 100000);
        }
        page += walked;
        sortAndTrim(page, SearchSort::TimeDesc, limit);
    }
    return std::optional<QVector<SearchHit>>(std::move(page));
}

/// First page by time of an events part made of cell conditions (Part::cells) whose hits are rare:
/// the cells name every (day, institution, action) that can hold a hit, so only those rows are read,
/// each group through the (tenant_id, action, ts_utc_ms) index, day by day from the first day in
/// sort order until a day ends with `limit` hits collected. Exact: every hit of the days read is read,
/// and hits of later days come after them.
Result<std::optional<QVector<SearchHit>>> eventPageFromCells(SqliteDb &db, const CompiledSearch::Part &p, bool desc, int limit)
{
    using namespace searchcells;
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
    QByteArray sql = "SELECT x.day, x.tenant_id, x.action FROM search_cells_events x WHERE (" + p.cellWhere + ")";
    QVector<Bind> binds = p.cellBinds;
    if (p.cellTimeLo != kMin) {
        sql += " AND x.day >= ?";
        binds << Bind(dayOf(p.cellTimeLo));
    }
    if (p.cellTimeHi != kMax) {
        sql += " AND x.day <= ?";
        binds << Bind(dayOf(p.cellTimeHi - 1));
    }
    sql += QByteArray(" GROUP BY 1, 2, 3 ORDER BY 1") + (desc ? " DESC" : " ASC");
    auto g = db.prepare(sql);
    if (!g)
        return g.error();
    bindAll(*g, binds);
    struct Group
    {
        int64_t day;
        QString tenant, action;
    };
    QVector<Group> groups;
    if (auto st = forEachRow(db, *g, [&](const Statement &r) { groups.push_back({ r.columnInt(0), r.columnText(1), r.columnText(2) }); });
        !st)
        return st.error();
    auto q = db.prepare(QByteArray(QByteArray("SELECT ") + kEventColumns + " FROM events x WHERE x.tenant_id = ? AND x.action = ? AND "
                                   "x.ts_utc_ms >= ? AND x.ts_utc_ms < ? AND (" + p.where + ")"));
    if (!q)
        return q.error();
    QVector<SearchHit> hits;
    for (qsizetype i = 0; i < groups.size();) {
        const int64_t day = groups[i].day;
        for (; i < groups.size() && groups[i].day == day; ++i) {
            q->reset();
            q->bind(1, groups[i].tenant);
            q->bind(2, groups[i].action);
            q->bind(3, day * kDayMs);
            q->bind(4, day * kDayMs + kDayMs);
            bindAll(*q, p.binds, 5);
            if (auto got = appendHits(db, *q, HitKind::Event, hits); !got)
                return got.error();
        }
        if (hits.size() >= limit)
            break;
    }
    sortAndTrim(hits, desc ? SearchSort::TimeDesc : SearchSort::TimeAsc, limit);
    return std::optional<QVector<SearchHit>>(std::move(hits));
}

/// Rows (newest first by time) a first page of column conditions tries before the general plan.
constexpr int64_t kWindow = 2000;
constexpr int64_t kMaxWindow = 100000;

/// MATCH hit count above which a first page by time walks the time index instead (see page()).
constexpr int64_t kScanThreshold = 2000;
/// The same when other conditions filter the MATCH's hits further: the walk then passes more rows per
/// hit (`王芳 amount>10000` at 10M rows: 4605 MATCH hits, a 1 s walk against ~10 ms for reading them).
constexpr int64_t kScanThresholdFiltered = 20000;

QString nowUtc() { return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs); }

} // namespace

SearchKey SearchKey::of(const SearchHit &h, SearchSort s)
{
    const bool byAmount = s == SearchSort::AmountDesc || s == SearchSort::AmountAsc;
    return { byAmount ? h.amountE4 : 0, h.utcMs, int(h.kind), h.rowId };
}

SearchSort SearchService::reversed(SearchSort sort)
{
    switch (sort) {
    case SearchSort::TimeDesc:
        return SearchSort::TimeAsc;
    case SearchSort::TimeAsc:
        return SearchSort::TimeDesc;
    case SearchSort::AmountDesc:
        return SearchSort::AmountAsc;
    case SearchSort::AmountAsc:
        return SearchSort::AmountDesc;
    }
    return sort;
}

QString SearchHit::timestamp() const { return formatTimestamp(utcMs, offsetSeconds); }

QString SearchHit::summary() const
{
    QStringList parts;
    const auto add = [&](const QString &s) {
        if (!s.isEmpty())
            parts << s;
    };
    if (kind == HitKind::Event) {
        add(actor);
        add(actorName);
        add(action);
        add(resource);
        add(outcome);
        add(ip);
    } else {
        add(debtorAccount);
        add(debtorName);
        parts << QStringLiteral("→");
        add(creditorAccount);
        add(creditorName);
        parts << money::format(amountE4, currency.toLatin1()) + u' ' + currency;
        add(status);
        add(memo);
    }
    return parts.join(u' ');
}

QString LinkedEntity::searchQuery() const
{
    QString v = display;
    v.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
    return kind + QStringLiteral(":\"") + v + u'"';
}

Result<CompiledSearch> SearchService::compile(const SearchQuery &query, const SearchScope &scope)
{
    CompiledSearch c;
    c.m_query = query;
    c.m_scope = scope;
    for (HitKind k : { HitKind::Event, HitKind::Transaction })
        c.m_parts[size_t(k)] = compilePart(query, scope, k);
    return c;
}

Result<CompiledSearch> SearchService::compile(const QString &text, const QueryContext &context, const SearchScope &scope,
                                              int *errorPosition)
{
    auto q = SearchQuery::parse(text, context, errorPosition);
    if (!q)
        return q.error();
    return compile(*q, scope);
}

Result<SearchCounts> SearchService::count(const CompiledSearch &search) const
{
    SearchCounts out;
    std::optional<std::array<QVector<RowidRange>, 2>> ranges;
    bool rangesRead = false;
    for (HitKind k : { HitKind::Event, HitKind::Transaction }) {
        const CompiledSearch::Part &p = search.part(k);
        if (p.never)
            continue;
        auto &map = k == HitKind::Event ? out.events : out.transactions;
        auto &total = k == HitKind::Event ? out.totalEvents : out.totalTransactions;
        if (p.matchOnly) {
            if (!rangesRead) {
                ranges = archiveRowidRanges(m_db);
                rangesRead = true;
            }
            if (ranges) {
                // Every row lies in its archive's range and every archive belongs to one institution,
                // so an institution's hits are the MATCH's hits in its ranges: FTS5 seeks to each range
                // in the doclists and counts without reading a row.
                auto q = m_db.prepare(QByteArray(QByteArray("SELECT count(*) FROM ") + ftsTable(k) + " WHERE " + ftsTable(k)
                                                 + " MATCH ? AND rowid BETWEEN ? AND ?"));
                if (!q)
                    return q.error();
                const SearchScope &scope = search.m_scope;
                for (const RowidRange &r : (*ranges)[size_t(k)]) {
                    if (scope.restricted && !scope.tenants.contains(r.tenant))
                        continue;
                    q->reset();
                    q->bind(1, p.match);
                    q->bind(2, r.first);
                    q->bind(3, r.last);
                    if (q->step() != Statement::StepResult::Row)
                        return Error(Error::Code::Database, tr("The search failed"), m_db.lastError());
                    if (const int64_t n = q->columnInt(0); n > 0) {
                        map[r.tenant] += n;
                        total += n;
                    }
                }
                if (!scope.restricted)
                    p.matchHits = total;
                continue;
            }
        }
        if (p.cells && m_useCells) {
            QMap<QString, int64_t> n;
            if (auto st = countFromCells(m_db, p, k, n); !st)
                return st.error();
            for (auto it = n.cbegin(); it != n.cend(); ++it) {
                if (it.value() > 0) {
                    map.insert(it.key(), it.value());
                    total += it.value();
                }
            }
            continue;
        }
        auto q = m_db.prepare(QByteArray("SELECT x.tenant_id, count(*) FROM " + p.from + " WHERE " + p.where + " GROUP BY x.tenant_id"));
        if (!q)
            return q.error();
        bindAll(*q, p.binds);
        const auto st = forEachRow(m_db, *q, [&](const Statement &r) {
            const int64_t n = r.columnInt(1);
            map.insert(r.columnText(0), n);
            total += n;
        });
        if (!st)
            return st.error();
    }
    return out;
}

Result<QVector<SearchHit>> SearchService::page(const CompiledSearch &search, SearchSort sort, const SearchHit *after, int limit) const
{
    return page(search, sort, after ? std::optional<SearchKey>(keyOf(*after, sort)) : std::nullopt, limit);
}

Result<QVector<SearchHit>> SearchService::page(const CompiledSearch &search, SearchSort sort,
                                               const std::optional<SearchKey> &cursor, int limit) const
{
    QVector<SearchHit> hits;
    if (limit <= 0)
        return hits;
    const bool desc = sort == SearchSort::TimeDesc || sort == SearchSort::AmountDesc;
    const bool byAmount = sort == SearchSort::AmountDesc || sort == SearchSort::AmountAsc;
    const QByteArray dir = desc ? " DESC" : " ASC";
    const auto cursorIdBound = [&](HitKind k) {
        const int kind = int(k);
        if (kind == cursor->kind)
            return cursor->rowId;
        if ((kind < cursor->kind) == desc)
            return desc ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
        return desc ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
    };
    for (HitKind k : { HitKind::Event, HitKind::Transaction }) {
        const CompiledSearch::Part &p = search.part(k);
        if (p.never)
            continue;
        // Newest first, first page, driven by a MATCH: walk each archive's hits from its newest rows.
        // Not for prefix queries: FTS5 merges a prefix's doclists again for every archive's range.
        // And not for a MATCH of at most m_walkMinHits (2000) hits: reading and sorting them is cheaper
        // than a few seeks per archive (phrases and `^` in descending order cost the most), and finding
        // out reads at most 2001 rowids.
        if (!cursor && sort == SearchSort::TimeDesc && !p.match.isEmpty() && m_useTimeOrder && !p.match.contains(QStringLiteral("\"*"))
            && (p.matchHits < 0 ? matchExceeds(m_db, k, p.match, m_walkMinHits) : p.matchHits > m_walkMinHits)) {
            auto walked = walkNewestFirst(m_db, p, search.m_scope, k, limit);
            if (!walked)
                return walked.error();
            if (*walked) {
                hits += **walked;
                ++m_walkedPages;
                continue;
            }
        }
        QByteArray primary = byAmount ? (k == HitKind::Transaction ? QByteArray("x.amount_e4") : QByteArray("-1")) : QByteArray();
        // A query driven by a MATCH with many hits reads every hit to sort them by time; walking the
        // time index and testing membership stops after `limit` rows instead.
        bool scan = false;
        if (!byAmount && !p.match.isEmpty()) {
            if (p.matchHits < 0) {
                auto n = m_db.prepare(QByteArray(QByteArray("SELECT count(*) FROM ") + ftsTable(k) + " WHERE " + ftsTable(k) + " MATCH ?"));
                if (!n)
                    return n.error();
                n->bind(1, p.match);
                if (n->step() != Statement::StepResult::Row)
                    return Error(Error::Code::Database, tr("The search failed"), m_db.lastError());
                p.matchHits = n->columnInt(0);
            }
            scan = p.matchHits > (p.matchOnly ? kScanThreshold : kScanThresholdFiltered);
        }
        // A query of column conditions only: SQLite may drive it from an index (amount) and sort every
        // candidate by time. The next kWindow rows in time order (ids from the time index) hold the
        // first page whenever the hits are not rare: try them first, then the plan SQLite picks.
        // When the window holds some hits but too few, a second window sized from their density follows
        // (at most kMaxWindow rows); none, or too rare, go to the general plan.
        int64_t windowRows = !byAmount && p.match.isEmpty() ? kWindow : 0;
        for (;;) {
            const bool inWindow = windowRows > 0;
            QByteArray sql = "SELECT " + QByteArray(k == HitKind::Event ? kEventColumns : kTxnColumns) + " FROM ";
            QVector<Bind> binds;
            if (inWindow) {
                sql += QByteArray("(SELECT id AS wid FROM ") + rowTable(k);
                if (cursor) {
                    sql += QByteArray(" WHERE (ts_utc_ms, id)") + (desc ? " < " : " > ") + "(?, ?)";
                    binds << Bind(cursor->utcMs) << Bind(cursorIdBound(k));
                }
                sql += " ORDER BY ts_utc_ms" + dir + ", id" + dir + " LIMIT ?) w CROSS JOIN " + p.from + " ON x.id = w.wid";
                binds << Bind(windowRows);
            } else {
                sql += scan ? p.scanFrom : p.from;
            }
            sql += " WHERE " + (scan ? p.scanWhere : p.where);
            binds << (scan ? p.scanBinds : p.binds);
            if (cursor) {
                // (p, ts, kind, id) beyond the cursor. kind is constant per part, which turns the
                // comparison into one over (p, ts, id) with the id bound adjusted (see docs/search.md).
                const QByteArray op = desc ? " < " : " > ";
                if (byAmount) {
                    sql += " AND (" + primary + ", x.ts_utc_ms, x.id)" + op + "(?, ?, ?)";
                    binds << Bind(cursor->primary);
                } else {
                    sql += " AND (x.ts_utc_ms, x.id)" + op + "(?, ?)";
                }
                binds << Bind(cursor->utcMs) << Bind(cursorIdBound(k));
            }
            sql += " ORDER BY ";
            if (byAmount && k == HitKind::Transaction)
                sql += "x.amount_e4" + dir + ", ";
            sql += "x.ts_utc_ms" + dir + ", x.id" + dir + " LIMIT ?";
            binds << Bind(int64_t(limit));
            auto q = m_db.prepare(sql);
            if (!q)
                return q.error();
            bindAll(*q, binds);
            QVector<SearchHit> found;
            if (auto got = appendHits(m_db, *q, k, found); !got)
                return got.error();
            if (inWindow && found.size() < limit) { // too few in the window: they need not be the first
                const int64_t next = found.isEmpty() ? 0 : windowRows * limit * 2 / found.size();
                windowRows = windowRows == kWindow && next <= kMaxWindow ? next : 0;
                // Rare hits among events: read only the days and actions the search cells point at.
                if (windowRows == 0 && !cursor && k == HitKind::Event && p.cells && m_useCells) {
                    auto fromCells = eventPageFromCells(m_db, p, desc, limit);
                    if (!fromCells)
                        return fromCells.error();
                    if (*fromCells) {
                        hits += **fromCells;
                        ++m_cellPages;
                        break;
                    }
                }
                continue;
            }
            hits += found;
            break;
        }
    }
    sortAndTrim(hits, sort, limit);
    return hits;
}

Result<QVector<SearchKey>> SearchService::pageKeys(const CompiledSearch &search, SearchSort sort, int every,
                                                   const std::function<bool()> &cancel) const
{
    QVector<SearchKey> keys;
    if (every <= 0)
        return keys;
    const bool desc = sort == SearchSort::TimeDesc || sort == SearchSort::AmountDesc;
    const bool byAmount = sort == SearchSort::AmountDesc || sort == SearchSort::AmountAsc;
    const QByteArray dir = desc ? " DESC" : " ASC";
    // One ordered key stream per kind, merged here in the order page() uses.
    struct Stream
    {
        HitKind kind;
        Statement st;
        bool live = false;
        SearchKey key;
    };
    std::vector<Stream> streams;
    for (HitKind k : { HitKind::Event, HitKind::Transaction }) {
        const CompiledSearch::Part &p = search.part(k);
        if (p.never)
            continue;
        const QByteArray primary = byAmount ? (k == HitKind::Transaction ? QByteArray("x.amount_e4") : QByteArray("-1")) : QByteArray("0");
        QByteArray sql = "SELECT " + primary + ", x.ts_utc_ms, x.id FROM " + p.from + " WHERE " + p.where + " ORDER BY ";
        if (byAmount && k == HitKind::Transaction)
            sql += "x.amount_e4" + dir + ", ";
        sql += "x.ts_utc_ms" + dir + ", x.id" + dir;
        auto q = m_db.prepare(sql);
        if (!q)
            return q.error();
        bindAll(*q, p.binds);
        streams.push_back({ k, std::move(*q), false, {} });
    }
    const auto advance = [&](Stream &s) -> Status {
        const auto r = s.st.step();
        if (r == Statement::StepResult::Row) {
            s.live = true;
            s.key = { s.st.columnInt(0), s.st.columnInt(1), int(s.kind), s.st.columnInt(2) };
            return ok();
        }
        s.live = false;
        if (r != Statement::StepResult::Done)
            return Error(Error::Code::Database, tr("The search failed"), m_db.lastError());
        return ok();
    };
    for (Stream &s : streams)
        if (auto st = advance(s); !st)
            return st.error();
    int64_t n = 0;
    for (;;) {
        Stream *next = nullptr;
        for (Stream &s : streams) {
            if (!s.live)
                continue;
            if (!next || (desc ? next->key.tie() < s.key.tie() : s.key.tie() < next->key.tie()))
                next = &s;
        }
        if (!next)
            break;
        ++n;
        if (n % every == 0)
            keys.push_back(next->key);
        if ((n & 4095) == 1 && cancel && cancel())
            return Error(Error::Code::Cancelled, tr("cancelled"));
        if (auto st = advance(*next); !st)
            return st.error();
    }
    return keys;
}

Result<QVector<LinkedEntity>> SearchService::linkedEntities(int minTenants, const SearchScope &scope) const
{
    QVector<LinkedEntity> out;
    if (scope.restricted && scope.tenants.isEmpty())
        return out;
    QByteArray scopeSql = "1";
    QVector<Bind> scopeBinds;
    if (scope.restricted) {
        QByteArray qs;
        for (const QString &t : scope.tenants) {
            qs += qs.isEmpty() ? "?" : ",?";
            scopeBinds << Bind(t);
        }
        scopeSql = "tenant_id IN (" + qs + ")";
    }
    auto q = m_db.prepare(QByteArray("SELECT kind, key, tenant_id, currency, display, count, amount_e4, first_utc_ms, "
                                     "last_utc_ms FROM entity_stats WHERE (kind, key) IN (SELECT kind, key FROM "
                                     "entity_stats WHERE " + scopeSql + " GROUP BY kind, key HAVING count(DISTINCT "
                                     "tenant_id) >= ?) AND " + scopeSql + " ORDER BY kind, key, tenant_id, currency"));
    if (!q)
        return q.error();
    QVector<Bind> binds = scopeBinds;
    binds << Bind(int64_t(std::max(minTenants, 1)));
    binds << scopeBinds;
    bindAll(*q, binds);
    for (;;) {
        const auto r = q->step();
        if (r == Statement::StepResult::Done)
            break;
        if (r != Statement::StepResult::Row)
            return Error(Error::Code::Database, tr("Cannot list linked entities"), m_db.lastError());
        const QString kind = q->columnText(0), key = q->columnText(1), tenant = q->columnText(2), currency = q->columnText(3);
        if (out.isEmpty() || out.constLast().kind != kind || out.constLast().key != key) {
            LinkedEntity e;
            e.kind = kind;
            e.key = key;
            e.display = q->columnText(4);
            e.firstUtcMs = q->columnInt(7);
            e.lastUtcMs = q->columnInt(8);
            out.push_back(e);
        }
        LinkedEntity &e = out.last();
        // The smallest spelling over the institutions, as entity_stats keeps it within one.
        if (const QString display = q->columnText(4); display.toUtf8() < e.display.toUtf8())
            e.display = display;
        if (!e.tenants.contains(tenant))
            e.tenants << tenant;
        const int64_t n = q->columnInt(5);
        e.countPerTenant[tenant] += n;
        e.count += n;
        e.firstUtcMs = std::min(e.firstUtcMs, q->columnInt(7));
        e.lastUtcMs = std::max(e.lastUtcMs, q->columnInt(8));
        if (!currency.isEmpty()) {
            int64_t &tot = e.totalsE4[currency];
            if (!money::addChecked(tot, q->columnInt(6)))
                return Error(Error::Code::Database, tr("The total of %1 %2 overflows").arg(e.display, currency));
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const LinkedEntity &a, const LinkedEntity &b) {
        if (a.tenants.size() != b.tenants.size())
            return a.tenants.size() > b.tenants.size();
        return a.count > b.count;
    });
    return out;
}

Status SearchService::saveSearch(const QString &name, const QString &query)
{
    if (name.trimmed().isEmpty())
        return Error(Error::Code::Usage, tr("A saved search needs a name"));
    auto q = m_db.prepare("INSERT INTO saved_searches(name, query, created_at) VALUES (?, ?, ?) "
                          "ON CONFLICT(name) DO UPDATE SET query = excluded.query");
    if (!q)
        return q.error();
    q->bind(1, name.trimmed());
    q->bind(2, query);
    q->bind(3, nowUtc());
    if (!q->run())
        return Error(Error::Code::Database, m_db.lastFailureWasBusy() ? SqliteDb::busyMessage() : tr("Cannot save the search"), m_db.lastError());
    return ok();
}

Status SearchService::deleteSavedSearch(const QString &name)
{
    auto q = m_db.prepare("DELETE FROM saved_searches WHERE name = ?");
    if (!q)
        return q.error();
    q->bind(1, name);
    if (!q->run())
        return Error(Error::Code::Database, m_db.lastFailureWasBusy() ? SqliteDb::busyMessage() : tr("Cannot delete the saved search"), m_db.lastError());
    return ok();
}

Result<QVector<SavedSearch>> SearchService::savedSearches() const
{
    QVector<SavedSearch> out;
    auto q = m_db.prepare("SELECT name, query, created_at FROM saved_searches ORDER BY name");
    if (!q)
        return q.error();
    while (q->step() == Statement::StepResult::Row)
        out.push_back({ q->columnText(0), q->columnText(1), q->columnText(2) });
    return out;
}

Status SearchService::recordHistory(const QString &query, int64_t hits, const QString &runAt)
{
    auto q = m_db.prepare("INSERT INTO search_history(query, run_at, hits) VALUES (?, ?, ?)");
    if (!q)
        return q.error();
    q->bind(1, query);
    q->bind(2, runAt.isEmpty() ? nowUtc() : runAt);
    if (hits < 0)
        q->bindNull(3);
    else
        q->bind(3, hits);
    if (!q->run())
        return Error(Error::Code::Database, tr("Cannot record the search history"), m_db.lastError());
    return ok();
}

Result<QStringList> SearchService::history(int limit) const
{
    QStringList out;
    auto q = m_db.prepare("SELECT query FROM search_history GROUP BY query ORDER BY max(id) DESC LIMIT ?");
    if (!q)
        return q.error();
    q->bind(1, int64_t(limit));
    while (q->step() == Statement::StepResult::Row)
        out << q->columnText(0);
    return out;
}

} // namespace casebook
