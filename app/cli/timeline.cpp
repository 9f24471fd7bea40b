// SPDX-License-Identifier: GPL-3.0-or-later
// casebook-cli: timeline.

#include "cli.h"

#include "money.h"
#include "timebuckets.h"
#include "timelineservice.h"
#include "timestamp.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

#include <algorithm>
#include <optional>

namespace casebook::cli {

namespace {

/// Reads --from/--to: RFC 3339 with offset, a local date-time without offset, or a date (local
/// midnight), the last two in `zone`.
std::optional<int64_t> parseInstant(const QString &text, const QTimeZone &zone)
{
    const QByteArray t = text.toUtf8();
    int y, m, d;
    if (parseDate(t, y, m, d))
        return QDateTime(QDate(y, m, d), QTime(0, 0), zone).toMSecsSinceEpoch();
    const TimestampParse p = parseTimestamp(t, zone);
    if (!p.error.isEmpty())
        return std::nullopt;
    return p.ts.utcMs;
}

} // namespace

int cmdTimeline(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") },
                             { QStringLiteral("tenant"), QStringLiteral("from"), QStringLiteral("to"), QStringLiteral("bucket"),
                               QStringLiteral("tz"), QStringLiteral("outcome"), QStringLiteral("action"), QStringLiteral("actor") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usage(a.error.isEmpty() ? QStringLiteral("timeline takes one workspace path") : a.error);
    std::optional<BucketUnit> unit;
    const QString bucket = a.options.value(QStringLiteral("bucket"), QStringLiteral("auto"));
    if (bucket != u"auto") {
        unit = timebuckets::unitFromName(bucket);
        if (!unit)
            return usage(QStringLiteral("--bucket must be auto, minute, 5min, hour, day, week or month (got \"%1\")").arg(bucket));
    }
    TimelineRequest req;
    if (a.options.contains(QStringLiteral("tenant")))
        req.tenants = a.options[QStringLiteral("tenant")].split(u',', Qt::SkipEmptyParts);
    if (a.options.contains(QStringLiteral("outcome")))
        req.filter.outcomes = a.options[QStringLiteral("outcome")].split(u',', Qt::SkipEmptyParts);
    req.filter.actionPrefix = a.options.value(QStringLiteral("action"));
    req.filter.actor = a.options.value(QStringLiteral("actor"));
    for (const QString &o : std::as_const(req.filter.outcomes))
        if (o != u"success" && o != u"failure" && o != u"denied")
            return usage(QStringLiteral("--outcome takes success, failure and/or denied (got \"%1\")").arg(o));

    auto ws = openWorkspace(a.positional[0], true);
    if (!ws)
        return ExitFailure;
    const auto info = readInfo(*ws);
    if (!info)
        return ExitFailure;
    QStringList zones;
    for (const TenantSummary &t : info->tenants) {
        if (!req.tenants.isEmpty() && !req.tenants.contains(t.id))
            continue;
        if (!zones.contains(t.defaultTimezone))
            zones << t.defaultTimezone;
    }
    for (const QString &id : std::as_const(req.tenants)) {
        if (std::none_of(info->tenants.cbegin(), info->tenants.cend(), [&](const TenantSummary &t) { return t.id == id; })) {
            err() << "casebook-cli: no institution " << id << " in " << a.positional[0] << "\n";
            return ExitFailure;
        }
    }
    QString tzName = a.options.value(QStringLiteral("tz"));
    if (tzName.isEmpty())
        tzName = zones.size() == 1 && !zones[0].isEmpty() ? zones[0] : QStringLiteral("UTC");
    req.zone = tzName == u"UTC" || tzName == u"Z" ? QTimeZone::utc() : QTimeZone(tzName.toUtf8());
    if (!req.zone.isValid())
        return usage(QStringLiteral("--tz: unknown time zone \"%1\" (use an IANA name such as Europe/Berlin)").arg(tzName));

    TimelineService service(*ws);
    auto extent = service.extent(req.tenants);
    if (!extent) {
        err() << "casebook-cli: " << extent.error().text() << "\n";
        return ExitFailure;
    }
    std::optional<int64_t> from, to;
    for (const char *name : { "from", "to" }) {
        const QString key = QString::fromLatin1(name);
        if (!a.options.contains(key))
            continue;
        const auto v = parseInstant(a.options[key], req.zone);
        if (!v)
            return usage(QStringLiteral("--%1: \"%2\" is not a date (YYYY-MM-DD) or an RFC 3339 time").arg(key, a.options[key]));
        (key == u"from" ? from : to) = v;
    }
    if (from && to && *to <= *from)
        return usage(QStringLiteral("--to must be after --from"));
    if (!from)
        from = *extent ? (*extent)->first : (to ? *to : 0);
    if (!to)
        to = *extent ? std::max((*extent)->second, *from) : *from;
    req.fromUtcMs = *from;
    req.toUtcMs = *to;
    req.unit = unit;
    if (!unit && req.toUtcMs <= req.fromUtcMs)
        req.unit = BucketUnit::Day; // nothing to show: name a sensible unit rather than "minute"
    auto data = service.query(req);
    if (!data) {
        err() << "casebook-cli: " << data.error().text() << "\n";
        return data.error().code == Error::Code::Usage ? ExitUsage : ExitFailure;
    }
    const QString tzOut = req.zone == QTimeZone::utc() ? QStringLiteral("UTC") : QString::fromUtf8(req.zone.id());
    const bool json = a.options.contains(QStringLiteral("json"));
    QJsonArray buckets;
    for (int b = 0; b < data->bucketCount(); ++b) {
        for (int t = 0; t < data->tenantCount(); ++t) {
            const TimelineCounts &c = data->at(b, t);
            if (c.events == 0 && c.transactions == 0)
                continue;
            QJsonObject amounts;
            QStringList amountText;
            for (int k = 0; k < data->currencies.size(); ++k) {
                if (data->transactionsAt(b, t, k) == 0)
                    continue;
                const QString cur = data->currencies[k];
                const QString v = money::format(data->amountAt(b, t, k), cur.toLatin1());
                amounts.insert(cur, v);
                amountText << v + u' ' + cur;
            }
            const QString start = timebuckets::formatInZone(data->edges[b], data->zone);
            const QString end = timebuckets::formatInZone(data->edges[b + 1], data->zone);
            if (json) {
                QJsonObject o { { QStringLiteral("start"), start },
                                { QStringLiteral("end"), end },
                                { QStringLiteral("tenant"), data->tenants[t] },
                                { QStringLiteral("events"), qint64(c.events) },
                                { QStringLiteral("failures"), qint64(c.failures) },
                                { QStringLiteral("denied"), qint64(c.denied) },
                                { QStringLiteral("transactions"), qint64(c.transactions) },
                                { QStringLiteral("amount"), amounts } };
                if (data->filtered)
                    o.insert(QStringLiteral("matched"), qint64(c.matched));
                buckets.append(o);
            } else {
                out() << start << "  " << data->tenants[t] << "  " << c.events << " events (" << c.failures << " failed, "
                      << c.denied << " denied" << (data->filtered ? u", " + QString::number(c.matched) + u" matched" : QString())
                      << "), " << c.transactions << " transactions" << (amountText.isEmpty() ? QString() : u": " + amountText.join(u", "))
                      << "\n";
            }
        }
    }
    if (json) {
        QJsonObject o { { QStringLiteral("bucket"), timebuckets::unitName(data->unit) },
                        { QStringLiteral("tz"), tzOut },
                        { QStringLiteral("buckets"), buckets } };
        if (data->bucketCount() > 0) {
            o.insert(QStringLiteral("from"), timebuckets::formatInZone(data->edges.first(), data->zone));
            o.insert(QStringLiteral("to"), timebuckets::formatInZone(data->edges.last(), data->zone));
        }
        out() << QJsonDocument(o).toJson(QJsonDocument::Compact) << "\n";
    } else if (data->bucketCount() == 0) {
        out() << "no data\n";
    }
    return ExitOk;
}

} // namespace casebook::cli
