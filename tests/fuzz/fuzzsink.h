// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// A RecordSink for fuzz targets: checks the invariants every parser promises (valid UTF-8 text,
// required fields present, amounts non-negative, known outcome) and aborts when one is broken, so
// libFuzzer reports it as a crash.

#include "formatparser.h"

#include <QByteArray>
#include <QString>
#include <QStringDecoder>

#include <cstdio>
#include <cstdlib>

namespace casebook::fuzz {

inline void require(bool cond, const char* what)
{
    if (!cond) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

/// Strict UTF-8 check. (Not fromUtf8().toUtf8() == b: that drops a leading U+FEFF, which is valid.)
inline bool validUtf8(const QByteArray& b)
{
    QStringDecoder d(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom | QStringDecoder::Flag::Stateless);
    const QString s = d.decode(b);
    return !d.hasError();
}

class CheckingSink final : public RecordSink
{
public:
    Status event(const EventRecord& e) override
    {
        require(!e.eventId.isEmpty() && !e.actor.isEmpty() && !e.action.isEmpty() && !e.tsText.isEmpty(),
            "event required fields");
        require(e.outcome == "success" || e.outcome == "failure" || e.outcome == "denied", "event outcome");
        for (const QByteArray* f : { &e.eventId, &e.actor, &e.actorName, &e.actorRole, &e.sourceIp, &e.action,
                 &e.resource, &e.sessionId, &e.details, &e.extra })
            require(validUtf8(*f), "event text is UTF-8");
        ++rows;
        return ok();
    }
    Status transaction(const TransactionRecord& t) override
    {
        require(!t.txnId.isEmpty() && !t.tsText.isEmpty() && !t.amountText.isEmpty(), "transaction required fields");
        require(t.amountE4 >= 0, "amount is never negative");
        require(t.currency.size() == 3, "currency is three letters");
        for (const QByteArray* f : { &t.txnId, &t.debtorAccount, &t.debtorName, &t.creditorAccount, &t.creditorName,
                 &t.reference, &t.memo, &t.extra })
            require(validUtf8(*f), "transaction text is UTF-8");
        ++rows;
        return ok();
    }
    Status quarantine(int64_t line, const QString& reason, QByteArrayView) override
    {
        require(line >= 1, "quarantine line is 1-based");
        require(!reason.isEmpty(), "quarantine has a reason");
        ++quarantined;
        return ok();
    }
    int64_t rows = 0, quarantined = 0;
};

/// Runs a whole-file parser the way the importer does (gzip inflated first) and checks its counts.
inline void runParser(QStringView format, const uint8_t* data, size_t size)
{
    auto parser = formats::makeParser(format, FormatContext { QTimeZone::utc() });
    CheckingSink sink;
    const Status st
        = formats::parseFile(*parser, QByteArrayView(reinterpret_cast<const char*>(data), qsizetype(size)), sink);
    if (!st)
        require(!st.error().message.isEmpty(), "a rejection has a message");
    else
        require(parser->records == sink.rows + sink.quarantined, "every record is imported or quarantined");
}

} // namespace casebook::fuzz
