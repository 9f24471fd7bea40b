// SPDX-License-Identifier: GPL-3.0-or-later
#include "casereport.h"

#include "recordhash.h"
#include "sqlitedb.h"
#include "timestamp.h"

#include <QCoreApplication>
#include <QDateTime>

#include <limits>
#include <map>

namespace casebook {

namespace {
QString tr(const char *s) { return QCoreApplication::translate("CaseReport", s); }
Error dbError(const SqliteDb &db, const QString &what) { return Error(Error::Code::Database, what, db.lastError()); }

int64_t floorDiv(int64_t a, int64_t b)
{
    const int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/// Offset of `zone` at `utcMs`. QTimeZone lookups cost microseconds each; consecutive evidence items
/// are close in time, so remember the last answer for the hour it covers.
class OffsetCache
{
public:
    explicit OffsetCache(const QTimeZone &zone)
        : m_zone(zone)
    {
    }
    int offset(int64_t utcMs, int fallback)
    {
        if (!m_zone.isValid())
            return fallback;
        const int64_t hour = floorDiv(utcMs, 3600000);
        if (hour != m_hour) {
            m_hour = hour;
            m_offset = m_zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone::utc()));
        }
        return m_offset;
    }

private:
    QTimeZone m_zone;
    int64_t m_hour = std::numeric_limits<int64_t>::min();
    int m_offset = 0;
};
} // namespace

int CaseReportData::unsignedSources() const
{
    int n = 0;
    for (const ReportSource &s : sources)
        n += s.isUnsigned() ? 1 : 0;
    return n;
}

Result<CaseReportData> loadCaseReportData(const SqliteDb &db, int64_t caseId)
{
    // CaseStore only reads through the connection here; it needs a non-const reference for writes.
    CaseStore store(const_cast<SqliteDb &>(db), QString());
    auto c = store.caseById(caseId);
    if (!c)
        return c.error();
    CaseReportData d;
    d.caseInfo = *c;
    auto notes = store.notes(caseId);
    if (!notes)
        return notes.error();
    d.notes = *notes;

    {
        auto q = db.prepare("SELECT e.tenant_id, coalesce(t.name, ''), sum(e.kind = 'event'), sum(e.kind = 'transaction') "
                            "FROM evidence e LEFT JOIN tenants t ON t.id = e.tenant_id "
                            "WHERE e.case_id = ? AND e.removed_at IS NULL GROUP BY e.tenant_id ORDER BY e.tenant_id");
        if (!q)
            return q.error();
        q->bind(1, qint64(caseId));
        while (q->step() == Statement::StepResult::Row) {
            ReportInstitution i { q->columnText(0), q->columnText(1), q->columnInt(2), q->columnInt(3) };
            d.events += i.events;
            d.transactions += i.transactions;
            d.institutions.push_back(i);
        }
        d.evidence = d.events + d.transactions;
    }
    {
        auto q = db.prepare("SELECT e.archive_sha256, e.tenant_id, coalesce(t.name, ''), coalesce(a.export_id, ''), "
                            "coalesce(a.state, ''), coalesce(a.state_detail, ''), coalesce(a.period_from, ''), "
                            "coalesce(a.period_to, ''), coalesce(a.created_at, ''), coalesce(a.imported_at, ''), "
                            "coalesce(a.imported_by, ''), coalesce(a.source_path, ''), count(*) "
                            "FROM evidence e LEFT JOIN archives a ON a.sha256 = e.archive_sha256 "
                            "LEFT JOIN tenants t ON t.id = e.tenant_id "
                            "WHERE e.case_id = ? AND e.removed_at IS NULL "
                            "GROUP BY e.archive_sha256 ORDER BY e.tenant_id, a.period_from, a.export_id");
        if (!q)
            return q.error();
        q->bind(1, qint64(caseId));
        while (q->step() == Statement::StepResult::Row) {
            ReportSource s;
            s.sha256 = q->columnText(0);
            s.tenant = q->columnText(1);
            s.tenantName = q->columnText(2);
            s.exportId = q->columnText(3);
            s.state = q->columnText(4);
            s.stateDetail = q->columnText(5);
            s.periodFrom = q->columnText(6);
            s.periodTo = q->columnText(7);
            s.createdAt = q->columnText(8);
            s.importedAt = q->columnText(9);
            s.importedBy = q->columnText(10);
            s.sourcePath = q->columnText(11);
            s.evidence = q->columnInt(12);
            d.sources.push_back(s);
        }
    }
    {
        auto q = db.prepare("SELECT query, count(*) FROM evidence WHERE case_id = ? AND removed_at IS NULL "
                            "AND query IS NOT NULL AND query <> '' GROUP BY query ORDER BY query");
        if (!q)
            return q.error();
        q->bind(1, qint64(caseId));
        while (q->step() == Statement::StepResult::Row)
            d.queries.push_back({ q->columnText(0), q->columnInt(1) });
    }
    {
        // sum() over integers is exact in SQLite and raises "integer overflow" instead of rounding.
        auto q = db.prepare("SELECT tx.currency, sum(tx.amount_e4), count(*) FROM evidence e "
                            "JOIN transactions tx ON e.kind = 'transaction' AND tx.id = e.record_rowid "
                            "WHERE e.case_id = ? AND e.removed_at IS NULL GROUP BY tx.currency ORDER BY tx.currency");
        if (!q)
            return q.error();
        q->bind(1, qint64(caseId));
        for (;;) {
            const auto r = q->step();
            if (r == Statement::StepResult::Done)
                break;
            if (r != Statement::StepResult::Row)
                return dbError(db, tr("Cannot total the evidence amounts"));
            d.totalsE4.insert(q->columnText(0), q->columnInt(1));
            d.countsByCurrency.insert(q->columnText(0), q->columnInt(2));
        }
    }
    {
        auto q = db.prepare("SELECT min(coalesce(ev.ts_utc_ms, tx.ts_utc_ms)), max(coalesce(ev.ts_utc_ms, tx.ts_utc_ms)) "
                            "FROM evidence e "
                            "LEFT JOIN events ev ON e.kind = 'event' AND ev.id = e.record_rowid "
                            "LEFT JOIN transactions tx ON e.kind = 'transaction' AND tx.id = e.record_rowid "
                            "WHERE e.case_id = ? AND e.removed_at IS NULL");
        if (!q)
            return q.error();
        q->bind(1, qint64(caseId));
        if (q->step() == Statement::StepResult::Row && !q->columnIsNull(0)) {
            d.firstUtcMs = q->columnInt(0);
            d.lastUtcMs = q->columnInt(1);
        }
    }
    return d;
}

Status forEachEvidence(const SqliteDb &db, int64_t caseId, const std::function<bool(const EvidenceItem &)> &sink)
{
    return CaseStore::readEvidence(db, caseId, { false, true }, sink);
}

QString EvidenceHistogram::unitName(Unit u)
{
    switch (u) {
    case Unit::Hour:
        return QStringLiteral("hour");
    case Unit::Day:
        return QStringLiteral("day");
    case Unit::Week:
        return QStringLiteral("week");
    }
    return {};
}

Result<EvidenceHistogram> evidenceHistogram(const SqliteDb &db, int64_t caseId, const QTimeZone &zone)
{
    auto q = db.prepare("SELECT e.tenant_id, coalesce(ev.ts_utc_ms, tx.ts_utc_ms), coalesce(t.name, '') FROM evidence e "
                        "LEFT JOIN events ev ON e.kind = 'event' AND ev.id = e.record_rowid "
                        "LEFT JOIN transactions tx ON e.kind = 'transaction' AND tx.id = e.record_rowid "
                        "LEFT JOIN tenants t ON t.id = e.tenant_id "
                        "WHERE e.case_id = ? AND e.removed_at IS NULL ORDER BY 2");
    if (!q)
        return q.error();
    q->bind(1, qint64(caseId));
    struct Item
    {
        int tenant;
        int64_t utcMs;
    };
    std::vector<Item> items;
    QMap<QString, int> tenantIndex;
    EvidenceHistogram h;
    h.zone = zone.isValid() ? zone : QTimeZone::utc();
    QStringList order;
    while (q->step() == Statement::StepResult::Row) {
        const QString t = q->columnText(0);
        auto it = tenantIndex.find(t);
        if (it == tenantIndex.end()) {
            it = tenantIndex.insert(t, int(order.size()));
            order << t;
            h.tenantNames.insert(t, q->columnText(2));
        }
        items.push_back({ *it, q->columnInt(1) });
    }
    h.tenants = tenantIndex.keys(); // sorted
    QVector<int> remap(order.size());
    for (int i = 0; i < order.size(); ++i)
        remap[i] = int(h.tenants.indexOf(order[i]));
    h.counts.resize(h.tenants.size());
    h.total = int64_t(items.size());
    if (items.empty())
        return h;

    const int64_t span = items.back().utcMs - items.front().utcMs;
    constexpr int64_t kHour = 3600000, kDay = 24 * kHour;
    h.unit = span <= 3 * kDay ? EvidenceHistogram::Unit::Hour
        : span > 366 * kDay   ? EvidenceHistogram::Unit::Week
                              : EvidenceHistogram::Unit::Day;
    OffsetCache offsets(h.zone);
    // Buckets keyed by their local start (what the axis shows); the UTC start is where they are drawn.
    std::map<int64_t, int64_t> localToUtc;
    std::vector<std::pair<int64_t, int>> keyed;
    keyed.reserve(items.size());
    for (const Item &it : items) {
        const int64_t off = int64_t(offsets.offset(it.utcMs, 0)) * 1000;
        const int64_t local = it.utcMs + off;
        int64_t start = 0;
        switch (h.unit) {
        case EvidenceHistogram::Unit::Hour:
            start = floorDiv(local, kHour) * kHour;
            break;
        case EvidenceHistogram::Unit::Day:
            start = floorDiv(local, kDay) * kDay;
            break;
        case EvidenceHistogram::Unit::Week: {
            const int64_t day = floorDiv(local, kDay);
            const int64_t monday = day - ((day % 7 + 7 + 3) % 7); // 1970-01-01 was a Thursday
            start = monday * kDay;
            break;
        }
        }
        localToUtc.emplace(start, start - off);
        keyed.push_back({ start, remap[it.tenant] });
    }
    QMap<int64_t, int> bucketIndex;
    for (const auto &[local, utc] : localToUtc) {
        bucketIndex.insert(local, int(h.bucketStartUtcMs.size()));
        h.bucketStartUtcMs.push_back(utc);
    }
    for (QVector<int> &c : h.counts)
        c.fill(0, h.bucketStartUtcMs.size());
    for (const auto &[local, tenant] : keyed)
        ++h.counts[tenant][bucketIndex.value(local)];
    return h;
}

QString formatInZone(int64_t utcMs, const QTimeZone &zone, int sourceOffsetSeconds)
{
    if (!zone.isValid())
        return formatTimestamp(utcMs, sourceOffsetSeconds);
    return formatTimestamp(utcMs, zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone::utc())));
}

bool parseReportZone(const QString &text, QTimeZone &zone)
{
    const QString t = text.trimmed();
    if (t.isEmpty() || t.compare(u"UTC", Qt::CaseInsensitive) == 0 || t == u"Z") {
        zone = QTimeZone::utc();
        return true;
    }
    if (t.compare(u"source", Qt::CaseInsensitive) == 0) {
        zone = QTimeZone();
        return true;
    }
    const QTimeZone z(t.toUtf8());
    if (!z.isValid())
        return false;
    zone = z;
    return true;
}

} // namespace casebook
