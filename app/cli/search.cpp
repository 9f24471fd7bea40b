// SPDX-License-Identifier: GPL-3.0-or-later
// casebook-cli: search, linked.

#include "cli.h"

#include "csvexport.h"
#include "money.h"
#include "searchservice.h"
#include "timestamp.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

#include <algorithm>
#include <csignal>
#include <optional>

namespace casebook::cli {

namespace {

QJsonObject hitJson(const SearchHit &h, const QTimeZone *tz)
{
    QJsonObject o { { QStringLiteral("kind"), h.kindName() },
                    { QStringLiteral("tenant"), h.tenant },
                    { QStringLiteral("id"), h.id },
                    { QStringLiteral("ts"), h.timestamp() },
                    { QStringLiteral("ts_utc_ms"), qint64(h.utcMs) } };
    if (tz)
        o.insert(QStringLiteral("ts_local"), formatTimestamp(h.utcMs, tz->offsetFromUtc(QDateTime::fromMSecsSinceEpoch(h.utcMs, Qt::UTC))));
    const auto add = [&](const char *key, const QString &v) {
        if (!v.isEmpty())
            o.insert(QLatin1StringView(key), v);
    };
    if (h.kind == HitKind::Event) {
        add("actor", h.actor);
        add("actor_name", h.actorName);
        add("actor_role", h.role);
        add("source_ip", h.ip);
        add("action", h.action);
        add("resource", h.resource);
        add("outcome", h.outcome);
        add("session_id", h.sessionId);
        if (!h.details.isEmpty())
            o.insert(QStringLiteral("details"), QJsonDocument::fromJson(h.details.toUtf8()).object());
    } else {
        add("value_date", h.valueDate);
        add("debtor_account", h.debtorAccount);
        add("debtor_name", h.debtorName);
        add("debtor_bank", h.debtorBank);
        add("creditor_account", h.creditorAccount);
        add("creditor_name", h.creditorName);
        add("creditor_bank", h.creditorBank);
        o.insert(QStringLiteral("amount"), money::format(h.amountE4, h.currency.toLatin1())); // exact decimal string
        add("currency", h.currency);
        add("channel", h.channel);
        add("status", h.status);
        add("reference", h.reference);
        add("memo", h.memo);
    }
    return o;
}

bool parseScope(const Args &a, SearchScope &scope)
{
    if (!a.options.contains(QStringLiteral("scope")))
        return true;
    scope.restricted = true;
    for (const QString &t : a.options.value(QStringLiteral("scope")).split(u',', Qt::SkipEmptyParts))
        scope.tenants << t.trimmed();
    return true;
}

} // namespace

int cmdSearch(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("count"), QStringLiteral("json") },
                             { QStringLiteral("format"), QStringLiteral("limit"), QStringLiteral("tz"), QStringLiteral("sort"),
                               QStringLiteral("scope") });
    if (!a.error.isEmpty() || a.positional.size() != 2)
        return usage(a.error.isEmpty() ? QStringLiteral("search takes a workspace and one query (quote it)") : a.error);
    const bool json = a.options.contains(QStringLiteral("json"));
    QString format = a.options.value(QStringLiteral("format"), json ? QStringLiteral("jsonl") : QStringLiteral("table"));
    if (format != u"table" && format != u"csv" && format != u"jsonl")
        return usage(QStringLiteral("--format must be table, csv or jsonl"));
    int64_t limit = -1;
    if (a.options.contains(QStringLiteral("limit")) && !parseCount(a.options[QStringLiteral("limit")], limit, 0))
        return usage(QStringLiteral("--limit must be a non-negative integer"));
    QueryContext ctx;
    std::optional<QTimeZone> tz;
    if (a.options.contains(QStringLiteral("tz"))) {
        const QByteArray id = a.options[QStringLiteral("tz")].toUtf8();
        QTimeZone z = id == "UTC" || id == "Z" ? QTimeZone::utc() : QTimeZone(id);
        if (!z.isValid())
            return usage(QStringLiteral("--tz: unknown time zone \"%1\" (use an IANA name such as Asia/Shanghai)").arg(QString::fromUtf8(id)));
        ctx.zone = z;
        tz = z;
    }
    SearchSort sort = SearchSort::TimeDesc;
    const QString sortName = a.options.value(QStringLiteral("sort"), QStringLiteral("time"));
    if (sortName == u"time")
        sort = SearchSort::TimeDesc;
    else if (sortName == u"time-asc")
        sort = SearchSort::TimeAsc;
    else if (sortName == u"amount")
        sort = SearchSort::AmountDesc;
    else if (sortName == u"amount-asc")
        sort = SearchSort::AmountAsc;
    else
        return usage(QStringLiteral("--sort must be time, time-asc, amount or amount-asc"));
    SearchScope scope;
    parseScope(a, scope);

    const QString query = a.positional[1];
    int errorPos = -1;
    auto compiled = SearchService::compile(query, ctx, scope, &errorPos);
    if (!compiled) {
        err() << "casebook-cli: " << compiled.error().message << "\n";
        if (errorPos >= 0 && query.size() <= 200 && !query.contains(u'\n')) {
            err() << "  " << query << "\n  " << QString(errorPos, u' ') << "^\n";
        }
        err().flush();
        return ExitUsage;
    }
    auto ws = openWorkspace(a.positional[0], true);
    if (!ws)
        return ExitFailure;
    SearchService service(ws->db());
    if (a.options.contains(QStringLiteral("count"))) {
        auto c = service.count(*compiled);
        if (!c) {
            err() << "casebook-cli: " << c.error().text() << "\n";
            return ExitFailure;
        }
        QStringList tenants = c->events.keys() + c->transactions.keys();
        tenants.removeDuplicates();
        tenants.sort();
        if (json) {
            QJsonObject per;
            for (const QString &t : tenants) {
                const qint64 e = c->events.value(t), x = c->transactions.value(t);
                per.insert(t, QJsonObject { { QStringLiteral("events"), e }, { QStringLiteral("transactions"), x }, { QStringLiteral("total"), e + x } });
            }
            out() << QJsonDocument(QJsonObject { { QStringLiteral("total"), qint64(c->total()) },
                                                 { QStringLiteral("events"), qint64(c->totalEvents) },
                                                 { QStringLiteral("transactions"), qint64(c->totalTransactions) },
                                                 { QStringLiteral("tenants"), per } })
                         .toJson(QJsonDocument::Compact)
                  << "\n";
        } else {
            out() << QStringLiteral("%1 %2 %3 %4\n").arg(QStringLiteral("institution"), -12).arg(QStringLiteral("events"), 12).arg(QStringLiteral("transactions"), 14).arg(QStringLiteral("total"), 12);
            for (const QString &t : tenants) {
                const qint64 e = c->events.value(t), x = c->transactions.value(t);
                out() << QStringLiteral("%1 %2 %3 %4\n").arg(t, -12).arg(e, 12).arg(x, 14).arg(e + x, 12);
            }
            out() << QStringLiteral("%1 %2 %3 %4\n").arg(QStringLiteral("all"), -12).arg(c->totalEvents, 12).arg(c->totalTransactions, 14).arg(c->total(), 12);
        }
        return ExitOk;
    }

    if (format == u"csv")
        out() << "kind,tenant,id,ts,ts_utc_ms,actor,actor_name,actor_role,source_ip,action,resource,outcome,"
                 "debtor_account,debtor_name,creditor_account,creditor_name,amount,currency,channel,status,reference,memo\n";
    std::signal(SIGINT, onSigint);
    std::signal(SIGPIPE, SIG_DFL);
    int64_t printed = 0;
    std::optional<SearchHit> last;
    const int kPage = 1000;
    while (!g_interrupted && (limit < 0 || printed < limit)) {
        const int n = int(limit < 0 ? kPage : std::min<int64_t>(kPage, limit - printed));
        auto page = service.page(*compiled, sort, last ? &*last : nullptr, n);
        if (!page) {
            err() << "casebook-cli: " << page.error().text() << "\n";
            return ExitFailure;
        }
        for (const SearchHit &h : *page) {
            if (format == u"jsonl") {
                out() << QJsonDocument(hitJson(h, tz ? &*tz : nullptr)).toJson(QJsonDocument::Compact) << "\n";
            } else if (format == u"csv") {
                const QString amount = h.kind == HitKind::Transaction ? money::format(h.amountE4, h.currency.toLatin1()) : QString();
                const QStringList f { h.kindName(), h.tenant, h.id, h.timestamp(), QString::number(h.utcMs), h.actor,
                                      h.actorName, h.role, h.ip, h.action, h.resource, h.outcome, h.debtorAccount, h.debtorName,
                                      h.creditorAccount, h.creditorName, amount, h.currency, h.channel, h.status, h.reference, h.memo };
                // Quoted and formula-neutralised like every other CSV export (docs/report.md).
                QByteArray line;
                for (qsizetype i = 0; i < f.size(); ++i) {
                    if (i > 0)
                        line += ',';
                    line += CsvWriter::encodeField(f[i], true);
                }
                out() << QString::fromUtf8(line) << "\n";
            } else {
                const QString ts = tz ? formatTimestamp(h.utcMs, tz->offsetFromUtc(QDateTime::fromMSecsSinceEpoch(h.utcMs, Qt::UTC)))
                                      : h.timestamp();
                out() << ts << "  " << QStringLiteral("%1").arg(h.kind == HitKind::Event ? QStringLiteral("event") : QStringLiteral("txn"), -5)
                      << "  " << h.tenant << "  " << h.id << "  " << QString(h.summary()).replace(u'\n', u' ') << "\n";
            }
        }
        printed += page->size();
        if (page->size() < n)
            break;
        last = page->constLast();
        out().flush();
    }
    out().flush();
    if (format == u"table")
        err() << printed << " hits\n";
    return g_interrupted ? ExitInterrupted : ExitOk;
}

int cmdLinked(const QStringList &args)
{
    const Args a = parseArgs(args, { QStringLiteral("json") }, { QStringLiteral("min-tenants"), QStringLiteral("scope") });
    if (!a.error.isEmpty() || a.positional.size() != 1)
        return usage(a.error.isEmpty() ? QStringLiteral("linked takes one workspace path") : a.error);
    int64_t minTenants = 2;
    if (a.options.contains(QStringLiteral("min-tenants")) && !parseCount(a.options[QStringLiteral("min-tenants")], minTenants, 1))
        return usage(QStringLiteral("--min-tenants must be a positive integer"));
    SearchScope scope;
    parseScope(a, scope);
    auto ws = openWorkspace(a.positional[0], true);
    if (!ws)
        return ExitFailure;
    auto linked = SearchService(ws->db()).linkedEntities(int(std::min<int64_t>(minTenants, 1000000)), scope);
    if (!linked) {
        err() << "casebook-cli: " << linked.error().text() << "\n";
        return ExitFailure;
    }
    if (a.options.contains(QStringLiteral("json"))) {
        QJsonArray arr;
        for (const LinkedEntity &e : *linked) {
            QJsonObject totals, per;
            for (auto it = e.totalsE4.cbegin(); it != e.totalsE4.cend(); ++it)
                totals.insert(it.key(), money::format(it.value(), it.key().toLatin1()));
            for (auto it = e.countPerTenant.cbegin(); it != e.countPerTenant.cend(); ++it)
                per.insert(it.key(), qint64(it.value()));
            arr.append(QJsonObject { { QStringLiteral("kind"), e.kind },
                                     { QStringLiteral("value"), e.display },
                                     { QStringLiteral("key"), e.key },
                                     { QStringLiteral("tenants"), QJsonArray::fromStringList(e.tenants) },
                                     { QStringLiteral("institutions"), int(e.tenants.size()) },
                                     { QStringLiteral("count"), qint64(e.count) },
                                     { QStringLiteral("count_per_tenant"), per },
                                     { QStringLiteral("first_seen"), formatTimestamp(e.firstUtcMs, 0) },
                                     { QStringLiteral("last_seen"), formatTimestamp(e.lastUtcMs, 0) },
                                     { QStringLiteral("totals"), totals },
                                     { QStringLiteral("query"), e.searchQuery() } });
        }
        out() << QJsonDocument(arr).toJson(QJsonDocument::Compact) << "\n";
        return ExitOk;
    }
    for (const LinkedEntity &e : *linked) {
        out() << e.kind << "  " << e.display << "\n    " << e.tenants.size() << " institutions (" << e.tenants.join(QStringLiteral(", "))
              << "), " << e.count << " rows, " << formatTimestamp(e.firstUtcMs, 0) << " .. " << formatTimestamp(e.lastUtcMs, 0) << "\n";
        if (!e.totalsE4.isEmpty())
            out() << "    totals: " << formatTotals(e.totalsE4) << "\n";
    }
    out() << linked->size() << " linked entities\n";
    return ExitOk;
}

} // namespace casebook::cli
