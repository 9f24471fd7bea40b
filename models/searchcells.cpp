// SPDX-License-Identifier: GPL-3.0-or-later
#include "searchcells.h"

#include "sqlitedb.h"

#include <algorithm>
#include <cstring>

namespace casebook::searchcells {

namespace {

// Bucket b >= 1 starts at kLead[(b - 1) % 3] * 10^((b - 1) / 3).
constexpr int64_t kLead[3] = { 1, 2, 5 };

int64_t pow10(int k)
{
    int64_t p = 1;
    while (k-- > 0)
        p *= 10;
    return p;
}

} // namespace

int bucketOf(int64_t amountE4)
{
    if (amountE4 <= 0)
        return 0;
    int digits = 1;
    int64_t lead = amountE4;
    while (lead >= 10) {
        lead /= 10;
        ++digits;
    }
    return 1 + 3 * (digits - 1) + (lead >= 5 ? 2 : lead >= 2 ? 1 : 0);
}

int lastBucket() { return bucketOf(std::numeric_limits<int64_t>::max()); }

int64_t bucketLow(int b)
{
    if (b <= 0)
        return std::numeric_limits<int64_t>::min();
    return kLead[(b - 1) % 3] * pow10((b - 1) / 3);
}

int64_t bucketHigh(int b)
{
    if (b >= lastBucket())
        return std::numeric_limits<int64_t>::max();
    return bucketLow(b + 1) - 1;
}

// A cell's key: the day (8 bytes), then each text as a NULL flag, a 4-byte length and its bytes, then
// (transactions) the bucket (1 byte). Decoded again by write().
namespace {

void putInt(std::string &k, int64_t v) { k.append(reinterpret_cast<const char *>(&v), sizeof v); }

void putText(std::string &k, QByteArrayView t)
{
    k.push_back(t.isEmpty() ? '\0' : '\1');
    const uint32_t n = uint32_t(t.size());
    k.append(reinterpret_cast<const char *>(&n), sizeof n);
    k.append(t.data(), size_t(t.size()));
}

struct KeyReader
{
    const std::string &k;
    size_t at = 0;
    int64_t integer()
    {
        int64_t v;
        memcpy(&v, k.data() + at, sizeof v);
        at += sizeof v;
        return v;
    }
    void text(Statement &st, int param)
    {
        const bool null = k[at++] == '\0';
        uint32_t n;
        memcpy(&n, k.data() + at, sizeof n);
        at += sizeof n;
        if (null)
            st.bindNull(param);
        else
            st.bindTransient(param, QByteArrayView(k.data() + at, qsizetype(n)));
        at += n;
    }
};

} // namespace

void Collector::TimeOrder::add(int64_t id, int64_t ts)
{
    // An exception: an earlier row (smaller id) of this archive has a later time.
    if (any && ts < maxTs) {
        if (++count <= kMaxTimeExceptions)
            ids.push_back(id);
        return;
    }
    maxTs = any ? std::max(maxTs, ts) : ts;
    any = true;
}

void Collector::addEvent(int64_t id, int64_t tsUtcMs, QByteArrayView role, QByteArrayView action, QByteArrayView outcome)
{
    std::string k;
    k.reserve(48);
    putInt(k, dayOf(tsUtcMs));
    putText(k, role);
    putText(k, action);
    putText(k, outcome);
    ++m_cells[0][k];
    m_order[0].add(id, tsUtcMs);
}

void Collector::addTransaction(int64_t id, int64_t tsUtcMs, QByteArrayView currency, QByteArrayView channel, QByteArrayView status,
                               int64_t amountE4)
{
    std::string k;
    k.reserve(48);
    putInt(k, dayOf(tsUtcMs));
    putText(k, currency);
    putText(k, channel);
    putText(k, status);
    k.push_back(char(bucketOf(amountE4)));
    ++m_cells[1][k];
    m_order[1].add(id, tsUtcMs);
}

Status Collector::write(SqliteDb &db, const QString &tenant, int64_t archiveId) const
{
    auto ce = db.prepare("INSERT INTO search_cells_events(tenant_id, day, actor_role, action, outcome, n) VALUES (?,?,?,?,?,?)");
    auto ct = db.prepare("INSERT INTO search_cells_transactions(tenant_id, day, currency, channel, status, bucket, n) "
                         "VALUES (?,?,?,?,?,?,?)");
    auto ex = db.prepare("INSERT INTO time_order_exceptions(kind, row_id) VALUES (?,?)");
    if (!ce)
        return ce.error();
    if (!ct)
        return ct.error();
    if (!ex)
        return ex.error();
    for (int kind = 0; kind < 2; ++kind) {
        Statement &st = kind == 0 ? *ce : *ct;
        for (const auto &[key, n] : m_cells[kind]) {
            KeyReader r { key };
            st.reset();
            st.bind(1, tenant);
            st.bind(2, r.integer());
            r.text(st, 3);
            r.text(st, 4);
            r.text(st, 5);
            int p = 6;
            if (kind == 1)
                st.bind(p++, int64_t(static_cast<unsigned char>(key[r.at])));
            st.bind(p, n);
            if (!st.run())
                return Error(Error::Code::Database, QStringLiteral("search cells"), db.lastError());
        }
        const TimeOrder &o = m_order[kind];
        if (o.count <= kMaxTimeExceptions) {
            for (const int64_t id : o.ids) {
                ex->reset();
                ex->bind(1, int64_t(kind));
                ex->bind(2, id);
                if (!ex->run())
                    return Error(Error::Code::Database, QStringLiteral("time order"), db.lastError());
            }
        }
        const QByteArray table = kind == 0 ? "events" : "transactions";
        auto u = db.prepare(QByteArray("UPDATE archives SET " + table + "_time_exceptions = ?, " + table + "_ts_max = ? WHERE id = ?"));
        if (!u)
            return u.error();
        u->bind(1, o.count);
        if (o.any)
            u->bind(2, o.maxTs);
        else
            u->bindNull(2);
        u->bind(3, archiveId);
        if (!u->run())
            return Error(Error::Code::Database, QStringLiteral("time order"), db.lastError());
    }
    return ok();
}

} // namespace casebook::searchcells
