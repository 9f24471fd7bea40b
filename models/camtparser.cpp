// SPDX-License-Identifier: GPL-3.0-or-later
#include "camtparser.h"

#include "money.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QXmlStreamReader>

#include <vector>

namespace casebook {

namespace {

    QString tr(const char* s) { return QCoreApplication::translate("CamtParser", s); }

    constexpr int kMaxDepth = 64; ///< below a statement; real camt nests about 10 deep

    /// A small element tree for one entry (or the account block): camt is read one entry at a time.
    struct Node
    {
        QString name; ///< local name
        QString text; ///< character data directly inside (trimmed)
        QString ccy; ///< the Ccy attribute (amounts)
        int64_t line = 0, endLine = 0;
        std::vector<Node> children;

        const Node* child(QStringView n) const
        {
            for (const Node& c : children)
                if (c.name == n)
                    return &c;
            return nullptr;
        }
        /// Follows a '/'-separated path of local names; null when any step is missing.
        const Node* at(QStringView path) const
        {
            const Node* n = this;
            for (QStringView step : path.split(u'/')) {
                n = n->child(step);
                if (!n)
                    return nullptr;
            }
            return n;
        }
        QString textAt(QStringView path) const
        {
            const Node* n = at(path);
            return n ? n->text : QString();
        }
        std::vector<const Node*> all(QStringView n) const
        {
            std::vector<const Node*> out;
            for (const Node& c : children)
                if (c.name == n)
                    out.push_back(&c);
            return out;
        }
    };

    QString quoted(const QString& s) { return u'"' + s.left(80) + u'"'; }

    bool isCurrency(const QString& s)
    {
        return s.size() == 3 && std::all_of(s.begin(), s.end(), [](QChar c) { return c >= u'A' && c <= u'Z'; });
    }

    /// A party's name: v2 has Nm directly, v8+ wraps it in Pty.
    QString partyName(const Node* p)
    {
        if (!p)
            return {};
        QString n = p->textAt(u"Nm");
        return n.isEmpty() ? p->textAt(u"Pty/Nm") : n;
    }

    /// An account id: IBAN, or another scheme's Id.
    QString accountId(const Node* a)
    {
        if (!a)
            return {};
        QString s = a->textAt(u"Id/IBAN");
        return s.isEmpty() ? a->textAt(u"Id/Othr/Id") : s;
    }

    /// A financial institution: BIC (v2) / BICFI (v4+), else a clearing member id.
    QString agentId(const Node* fi)
    {
        if (!fi)
            return {};
        for (const char16_t* p : { u"FinInstnId/BIC", u"FinInstnId/BICFI", u"FinInstnId/ClrSysMmbId/MmbId" }) {
            const QString s = fi->textAt(p);
            if (!s.isEmpty())
                return s;
        }
        return {};
    }

    QString bankTxCode(const Node* b)
    {
        if (!b)
            return {};
        const QString domain = b->textAt(u"Domn/Cd");
        if (!domain.isEmpty())
            return domain + u'/' + b->textAt(u"Domn/Fmly/Cd") + u'/' + b->textAt(u"Domn/Fmly/SubFmlyCd");
        return b->textAt(u"Prtry/Cd");
    }

    struct Statement
    {
        QString id, account, currency, owner, bank;
        int64_t line = 0;
        int entries = 0;
    };

} // namespace

struct CamtParser::Impl
{
    FormatContext ctx;
    QByteArrayView data;
    std::vector<qsizetype> lineStarts;
    QString message; ///< e.g. camt.053.001.02
    QString msgId;

    QByteArray rawLines(int64_t from, int64_t to)
    {
        if (lineStarts.empty()) {
            lineStarts.push_back(0);
            for (qsizetype i = 0; i < data.size(); ++i)
                if (data[i] == '\n')
                    lineStarts.push_back(i + 1);
        }
        if (from < 1 || size_t(from) > lineStarts.size())
            return {};
        const qsizetype b = lineStarts[size_t(from - 1)];
        const qsizetype e = size_t(to) < lineStarts.size() ? lineStarts[size_t(to)] : data.size();
        return data.sliced(b, std::min<qsizetype>(std::max<qsizetype>(e - b, 0), 4096)).toByteArray();
    }

    /// Reads the current element (the reader is at its StartElement) into a tree.
    Status readTree(QXmlStreamReader& r, Node& out, int depth)
    {
        if (depth > kMaxDepth)
            return Error(Error::Code::Parse,
                tr("line %1: elements nest deeper than %2 levels").arg(r.lineNumber()).arg(kMaxDepth));
        out.name = r.name().toString();
        out.line = r.lineNumber();
        out.ccy = r.attributes().value(QLatin1StringView("Ccy")).toString();
        while (!r.atEnd()) {
            switch (r.readNext()) {
            case QXmlStreamReader::StartElement: {
                out.children.emplace_back();
                if (auto st = readTree(r, out.children.back(), depth + 1); !st)
                    return st;
                break;
            }
            case QXmlStreamReader::Characters:
                out.text += r.text();
                break;
            case QXmlStreamReader::EndElement:
                out.text = out.text.trimmed();
                out.endLine = r.lineNumber();
                return ok();
            case QXmlStreamReader::EntityReference:
                return Error(Error::Code::Parse, tr("line %1: entity references are not accepted").arg(r.lineNumber()));
            default:
                break;
            }
        }
        return ok(); // the caller reports the reader's error
    }

    Status parse(QByteArrayView bytes, RecordSink& sink, int64_t& records);
    Status entry(const Node& ntry, const Statement& st, RecordSink& sink, int64_t& records);
    Status emitRow(const Node& ntry, const Node* dtls, int k, int n, const Statement& st, RecordSink& sink);
};

CamtParser::CamtParser(const FormatContext& ctx)
    : d(std::make_unique<Impl>())
{
    d->ctx = ctx;
}

CamtParser::~CamtParser() = default;

Status CamtParser::parse(QByteArrayView data, RecordSink& sink) { return d->parse(data, sink, records); }

Status CamtParser::Impl::parse(QByteArrayView bytes, RecordSink& sink, int64_t& records)
{
    data = bytes;
    lineStarts.clear();
    QXmlStreamReader r(bytes.toByteArray());
    const auto err
        = [&](const QString& msg) { return Error(Error::Code::Parse, tr("line %1: %2").arg(r.lineNumber()).arg(msg)); };
    static const QRegularExpression nsRe(
        QStringLiteral("^urn:iso:std:iso:20022:tech:xsd:([a-z]{4})\\.(\\d{3})\\.(\\d{3})\\.(\\d{2})$"));
    QString stmtElement; // Stmt, Rpt or Ntfctn
    int depth = 0;
    int statements = 0;
    Statement st;
    while (!r.atEnd()) {
        const auto tok = r.readNext();
        if (tok == QXmlStreamReader::DTD)
            return err(tr("the document has a DOCTYPE declaration, which is not accepted in camt files "
                          "(it could declare external entities or expand entities without bound)"));
        if (tok == QXmlStreamReader::EntityReference)
            return err(tr("entity references are not accepted"));
        if (tok == QXmlStreamReader::EndElement) {
            if (depth == 3 && r.name() == stmtElement && st.account.isEmpty())
                return Error(Error::Code::Parse, tr("line %1: the statement has no account (<Acct><Id>)").arg(st.line));
            --depth;
            continue;
        }
        if (tok != QXmlStreamReader::StartElement)
            continue;
        ++depth;
        const QStringView name = r.name();
        if (depth == 1) {
            const QString ns = r.namespaceUri().toString();
            const auto m = nsRe.match(ns);
            if (!ns.isEmpty()) {
                if (!m.hasMatch())
                    return err(tr("the root element's namespace %1 is not a camt.052, camt.053 or camt.054 namespace")
                                   .arg(quoted(ns)));
                message = m.captured(1) + u'.' + m.captured(2) + u'.' + m.captured(3) + u'.' + m.captured(4);
                if (m.captured(1) != u"camt"
                    || (m.captured(2) != u"052" && m.captured(2) != u"053" && m.captured(2) != u"054"))
                    return err(tr("the document is %1, not a camt.052, camt.053 or camt.054 message").arg(message));
                if (m.captured(4).toInt() < 2)
                    return err(tr("%1 is not supported (versions .02 and later are)").arg(message));
            }
            if (name != u"Document")
                return err(tr("the root element is <%1>, not <Document>").arg(name));
            continue;
        }
        if (depth == 2) {
            if (name == u"BkToCstmrStmt")
                stmtElement = QStringLiteral("Stmt");
            else if (name == u"BkToCstmrAcctRpt")
                stmtElement = QStringLiteral("Rpt");
            else if (name == u"BkToCstmrDbtCdtNtfctn")
                stmtElement = QStringLiteral("Ntfctn");
            else
                return err(tr("<%1> is not a camt.052, camt.053 or camt.054 message (expected BkToCstmrStmt, "
                              "BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn)")
                               .arg(name));
            if (message.isEmpty())
                message = stmtElement == u"Stmt" ? QStringLiteral("camt.053")
                    : stmtElement == u"Rpt"      ? QStringLiteral("camt.052")
                                                 : QStringLiteral("camt.054");
            continue;
        }
        if (depth == 3) {
            if (name == u"GrpHdr") {
                Node h;
                if (auto s = readTree(r, h, 0); !s)
                    return s;
                --depth;
                msgId = h.textAt(u"MsgId");
            } else if (name == stmtElement) {
                ++statements;
                st = Statement();
                st.line = r.lineNumber();
            } else {
                r.skipCurrentElement();
                --depth;
            }
            continue;
        }
        if (depth == 4 && r.name() == u"Ntry") {
            if (st.account.isEmpty())
                return err(tr("an entry comes before the statement's account (<Acct>)"));
            Node n;
            if (auto s = readTree(r, n, 0); !s)
                return s;
            --depth;
            if (r.hasError())
                break;
            ++st.entries;
            if (auto s = entry(n, st, sink, records); !s)
                return s;
            continue;
        }
        if (depth == 4 && (name == u"Acct" || name == u"Id")) {
            Node n;
            if (auto s = readTree(r, n, 0); !s)
                return s;
            --depth;
            if (n.name == u"Id") {
                st.id = n.text;
            } else {
                st.account = accountId(&n);
                if (st.account.isEmpty())
                    return Error(
                        Error::Code::Parse, tr("line %1: the statement account has no IBAN or other id").arg(n.line));
                st.currency = n.textAt(u"Ccy");
                st.owner = partyName(n.child(u"Ownr"));
                st.bank = agentId(n.child(u"Svcr"));
            }
            continue;
        }
        r.skipCurrentElement();
        --depth;
    }
    if (r.hasError())
        return Error(Error::Code::Parse,
            tr("line %1, column %2: malformed XML: %3").arg(r.lineNumber()).arg(r.columnNumber()).arg(r.errorString()));
    if (stmtElement.isEmpty())
        return Error(Error::Code::Parse, tr("the document holds no camt message"));
    if (statements == 0)
        return Error(Error::Code::Parse,
            tr("the %1 message holds no <%2> (no statement, report or notification)").arg(message, stmtElement));
    return ok();
}

Status CamtParser::Impl::entry(const Node& ntry, const Statement& st, RecordSink& sink, int64_t& records)
{
    std::vector<const Node*> details;
    for (const Node* nd : ntry.all(u"NtryDtls"))
        for (const Node* td : nd->all(u"TxDtls"))
            details.push_back(td);
    if (details.size() <= 1) {
        ++records;
        return emitRow(ntry, details.empty() ? nullptr : details[0], 0, 1, st, sink);
    }
    for (size_t k = 0; k < details.size(); ++k) {
        ++records;
        if (auto s = emitRow(ntry, details[k], int(k), int(details.size()), st, sink); !s)
            return s;
    }
    return ok();
}

Status CamtParser::Impl::emitRow(const Node& e, const Node* dt, int k, int n, const Statement& st, RecordSink& sink)
{
    const Node& src = n > 1 ? *dt : e; // where the row's line and raw text come from
    const QByteArray raw = rawLines(src.line, src.endLine);
    const auto fail = [&](const QString& why) { return sink.quarantine(src.line, why, raw); };
    static const Node empty;
    const Node& d = dt ? *dt : empty;

    // Amount and direction: the entry's, or the detail's own when the entry is split over several.
    const Node* amt = e.child(u"Amt");
    QString cdi = e.textAt(u"CdtDbtInd");
    if (n > 1) {
        amt = d.child(u"Amt");
        if (!amt)
            amt = d.at(u"AmtDtls/TxAmt/Amt");
        if (!amt)
            amt = d.at(u"AmtDtls/InstdAmt/Amt");
        if (!amt)
            return fail(tr("transaction detail %1 of %2 has no amount (Amt or AmtDtls/TxAmt/Amt)").arg(k + 1).arg(n));
        // The entry's indicator is the booking on the statement account. A detail that states the
        // opposite wins only when its parties do not contradict it (the statement account named as
        // the detail's debtor means money left the account, whatever the detail's indicator says).
        const QString own = d.textAt(u"CdtDbtInd");
        if (!own.isEmpty() && own != cdi) {
            const Node* rp = d.child(u"RltdPties");
            const QString da = rp ? accountId(rp->child(u"DbtrAcct")) : QString();
            const QString ca = rp ? accountId(rp->child(u"CdtrAcct")) : QString();
            if (da == st.account && ca != st.account)
                cdi = QStringLiteral("DBIT");
            else if (ca == st.account && da != st.account)
                cdi = QStringLiteral("CRDT");
            else
                cdi = own;
        }
    }
    if (!amt)
        return fail(tr("the entry has no amount (Amt)"));
    const QByteArray amountText = amt->text.toUtf8();
    const money::Parsed amount = money::parse(amountText);
    if (amount.error)
        return fail(tr("Amt %1: %2").arg(quoted(amt->text), money::describe(*amount.error)));
    if (!isCurrency(amt->ccy))
        return fail(tr("Amt has currency %1, not an ISO 4217 code").arg(quoted(amt->ccy)));
    if (cdi != u"CRDT" && cdi != u"DBIT")
        return fail(tr("CdtDbtInd %1 is neither CRDT nor DBIT").arg(quoted(cdi)));
    const bool credit = cdi == u"CRDT";

    // Dates: booking date is the row's time, value date its value_date.
    const auto dateOf = [&](const Node* dn, const char* label, Timestamp& ts, QString& text, QString& date) -> QString {
        if (!dn)
            return {};
        if (const Node* x = dn->child(u"Dt")) {
            int y, m, dd;
            if (!parseDate(x->text.toUtf8(), y, m, dd))
                return tr("%1 %2 is not a YYYY-MM-DD calendar date").arg(QLatin1StringView(label), quoted(x->text));
            ts = formats::startOfDay(y, m, dd, ctx.zone);
            text = x->text;
            date = x->text;
            return {};
        }
        if (const Node* x = dn->child(u"DtTm")) {
            const TimestampParse p = parseTimestamp(x->text.toUtf8(), ctx.zone.isValid() ? ctx.zone : QTimeZone::utc());
            if (!p.error.isEmpty())
                return tr("%1 %2: %3").arg(QLatin1StringView(label), quoted(x->text), p.error);
            ts = p.ts;
            text = x->text;
            date = x->text.left(10);
            return {};
        }
        return tr("%1 has neither Dt nor DtTm").arg(QLatin1StringView(label));
    };
    Timestamp bookTs, valTs;
    QString bookText, bookDate, valText, valDate;
    const Node* bookNode = e.child(u"BookgDt");
    const Node* valNode = e.child(u"ValDt");
    if (QString why = dateOf(bookNode, "BookgDt", bookTs, bookText, bookDate); !why.isEmpty())
        return fail(why);
    if (QString why = dateOf(valNode, "ValDt", valTs, valText, valDate); !why.isEmpty())
        return fail(why);
    if (!bookNode && !valNode)
        return fail(tr("the entry has neither a booking date (BookgDt) nor a value date (ValDt)"));

    TransactionRecord t;
    t.line = src.line;
    t.raw = raw;
    t.ts = bookNode ? bookTs : valTs;
    t.tsText = (bookNode ? bookText : valText).toUtf8();
    t.valueDate = valDate.toUtf8();
    t.amountE4 = amount.e4;
    t.amountText = amountText;
    t.currency = amt->ccy.toUtf8();

    // Status: v2 has the code as text, later versions in Sts/Cd.
    QString sts = e.textAt(u"Sts");
    if (sts.isEmpty())
        sts = e.textAt(u"Sts/Cd");
    if (sts == u"BOOK")
        t.status = "booked";
    else if (sts == u"PDNG" || sts == u"FUTR" || sts == u"INFO")
        t.status = "pending";

    // Parties: the statement account is the creditor of a credit and the debtor of a debit; the
    // related parties of the detail supply the other side.
    const Node* rp = d.child(u"RltdPties");
    const Node* ra = d.child(u"RltdAgts");
    const QString dbtrName = rp ? partyName(rp->child(u"Dbtr")) : QString();
    const QString cdtrName = rp ? partyName(rp->child(u"Cdtr")) : QString();
    const QString dbtrAcct = rp ? accountId(rp->child(u"DbtrAcct")) : QString();
    const QString cdtrAcct = rp ? accountId(rp->child(u"CdtrAcct")) : QString();
    const QString dbtrAgt = ra ? agentId(ra->child(u"DbtrAgt")) : QString();
    const QString cdtrAgt = ra ? agentId(ra->child(u"CdtrAgt")) : QString();
    if (credit) {
        t.creditorAccount = st.account.toUtf8();
        t.creditorName = (cdtrName.isEmpty() ? st.owner : cdtrName).toUtf8();
        t.creditorBank = (st.bank.isEmpty() ? cdtrAgt : st.bank).toUtf8();
        t.debtorAccount = dbtrAcct.toUtf8();
        t.debtorName = dbtrName.toUtf8();
        t.debtorBank = dbtrAgt.toUtf8();
    } else {
        t.debtorAccount = st.account.toUtf8();
        t.debtorName = (dbtrName.isEmpty() ? st.owner : dbtrName).toUtf8();
        t.debtorBank = (st.bank.isEmpty() ? dbtrAgt : st.bank).toUtf8();
        t.creditorAccount = cdtrAcct.toUtf8();
        t.creditorName = cdtrName.toUtf8();
        t.creditorBank = cdtrAgt.toUtf8();
    }

    // References and remittance information.
    QString endToEnd = d.textAt(u"Refs/EndToEndId");
    if (endToEnd == u"NOTPROVIDED")
        endToEnd.clear();
    QStringList creditorRefs, ustrd, addtl;
    if (const Node* rmt = d.child(u"RmtInf")) {
        for (const Node* u : rmt->all(u"Ustrd"))
            if (!u->text.isEmpty())
                ustrd << u->text;
        for (const Node* s : rmt->all(u"Strd")) {
            const QString ref = s->textAt(u"CdtrRefInf/Ref");
            if (!ref.isEmpty())
                creditorRefs << ref;
            for (const Node* a : s->all(u"AddtlRmtInf"))
                if (!a->text.isEmpty())
                    addtl << a->text;
        }
    }
    const QString ntryRef = e.textAt(u"NtryRef");
    t.reference = (!endToEnd.isEmpty() ? endToEnd : !creditorRefs.isEmpty() ? creditorRefs.first() : ntryRef).toUtf8();
    QString memo = (ustrd + addtl).join(u' ');
    if (memo.isEmpty())
        memo = d.textAt(u"AddtlTxInf");
    if (memo.isEmpty())
        memo = e.textAt(u"AddtlNtryInf");
    t.memo = memo.toUtf8();

    // Id: the bank's own reference where there is one, else the statement and entry position.
    const QString entryRef = e.textAt(u"AcctSvcrRef");
    const QString detailRef = d.textAt(u"Refs/AcctSvcrRef");
    const QString suffix = n > 1 ? u'/' + QString::number(k + 1) : QString();
    if (n > 1 && !detailRef.isEmpty())
        t.txnId = detailRef.toUtf8();
    else if (!entryRef.isEmpty())
        t.txnId = (entryRef + suffix).toUtf8();
    else if (!detailRef.isEmpty())
        t.txnId = detailRef.toUtf8();
    else
        t.txnId = ((st.id.isEmpty() ? msgId : st.id) + u'/' + QString::number(st.entries) + suffix).toUtf8();

    formats::JsonObjectBuilder x;
    x.addString("message", message.toUtf8());
    x.addString("MsgId", msgId.toUtf8());
    x.addString("StmtId", st.id.toUtf8());
    x.addString("CdtDbtInd", cdi.toUtf8());
    if (n > 1 && !d.textAt(u"CdtDbtInd").isEmpty() && d.textAt(u"CdtDbtInd") != cdi)
        x.addString("TxDtls.CdtDbtInd", d.textAt(u"CdtDbtInd").toUtf8());
    if (e.textAt(u"RvslInd") == u"true")
        x.addString("RvslInd", "true");
    if (t.status.isEmpty())
        x.addString("Sts", sts.toUtf8());
    x.addString("NtryRef", ntryRef.toUtf8());
    x.addString("AcctSvcrRef", (detailRef.isEmpty() ? entryRef : detailRef).toUtf8());
    x.addString("EndToEndId", d.textAt(u"Refs/EndToEndId").toUtf8());
    x.addString("TxId", d.textAt(u"Refs/TxId").toUtf8());
    x.addString("InstrId", d.textAt(u"Refs/InstrId").toUtf8());
    x.addString("PmtInfId", d.textAt(u"Refs/PmtInfId").toUtf8());
    x.addString("MndtId", d.textAt(u"Refs/MndtId").toUtf8());
    QString btc = bankTxCode(d.child(u"BkTxCd"));
    if (btc.isEmpty())
        btc = bankTxCode(e.child(u"BkTxCd"));
    x.addString("BkTxCd", btc.toUtf8());
    x.addString("CdtrRefInf", creditorRefs.join(u' ').toUtf8());
    // The related party's own account on our side, when it differs from the statement account.
    const QString ownSide = credit ? cdtrAcct : dbtrAcct;
    if (!ownSide.isEmpty() && ownSide != st.account)
        x.addString(credit ? "RltdPties.CdtrAcct" : "RltdPties.DbtrAcct", ownSide.toUtf8());
    if (rp) {
        x.addString("UltmtDbtr", partyName(rp->child(u"UltmtDbtr")).toUtf8());
        x.addString("UltmtCdtr", partyName(rp->child(u"UltmtCdtr")).toUtf8());
    }
    if (memo != e.textAt(u"AddtlNtryInf"))
        x.addString("AddtlNtryInf", e.textAt(u"AddtlNtryInf").toUtf8());
    if (bookNode && valNode)
        x.addString("ValDt", valText.toUtf8());
    t.extra = x.result();
    return sink.transaction(t);
}

} // namespace casebook
