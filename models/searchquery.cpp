// SPDX-License-Identifier: GPL-3.0-or-later
#include "searchquery.h"

#include "money.h"
#include "searchextensions.h"
#include "timestamp.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>

#include <arpa/inet.h>

namespace casebook {

namespace {

QString tr(const char *s) { return QCoreApplication::translate("SearchQuery", s); }

struct FieldInfo
{
    const char16_t *name;
    SearchField field;
};

// Field names as typed (lower case; matched case-insensitively).
const FieldInfo kFields[] = {
    { u"tenant", SearchField::Tenant }, { u"actor", SearchField::Actor }, { u"role", SearchField::Role },
    { u"ip", SearchField::Ip }, { u"action", SearchField::Action }, { u"outcome", SearchField::Outcome },
    { u"account", SearchField::Account }, { u"debtor", SearchField::Debtor }, { u"creditor", SearchField::Creditor },
    { u"name", SearchField::Name }, { u"currency", SearchField::Currency }, { u"channel", SearchField::Channel },
    { u"status", SearchField::Status }, { u"ref", SearchField::Ref }, { u"memo", SearchField::Memo },
    { u"kind", SearchField::Kind }, { u"amount", SearchField::Amount },
    { u"after", SearchField::Time }, { u"before", SearchField::Time }, { u"last", SearchField::Time },
};

QString fieldList()
{
    QStringList names;
    for (const FieldInfo &f : kFields)
        names << QString::fromUtf16(f.name);
    return names.join(QStringLiteral(", "));
}

bool hasLetterOrDigit(QStringView s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        char32_t cp = s[i].unicode();
        if (s[i].isHighSurrogate() && i + 1 < s.size() && s[i + 1].isLowSurrogate()) {
            cp = QChar::surrogateToUcs4(s[i], s[i + 1]);
            ++i;
        }
        if (QChar::isLetterOrNumber(cp) || isCjkCodePoint(cp))
            return true;
    }
    return false;
}

struct Token
{
    enum Kind { LParen, RParen, Term, And, Or, Not, Minus, End };
    Kind kind = End;
    int pos = 0;
    int len = 0;
    QString word; ///< Term: raw word text (unquoted words), or the field part "name:" for a quoted field value
    QString quoted; ///< Term: text of a quoted part (escapes resolved)
    bool hasQuoted = false;
    bool quotedPrefix = false; ///< '*' right after the closing quote
};

class Parser
{
public:
    Parser(const QString &text, const QueryContext &ctx)
        : m_s(text)
        , m_ctx(ctx)
    {
    }

    bool failed() const { return m_failed; }
    int errorPos() const { return m_errorPos; }
    const QString &errorMessage() const { return m_error; }

    QueryNode parse()
    {
        QueryNode root { QueryNode::Type::And };
        next();
        if (m_failed)
            return root;
        if (m_tok.kind == Token::End)
            return root;
        QueryNode n = orExpr(0);
        if (m_failed)
            return root;
        if (m_tok.kind != Token::End) {
            if (m_tok.kind == Token::RParen)
                fail(m_tok.pos, tr("unexpected ')' (no '(' to close)"));
            else
                fail(m_tok.pos, tr("expected an operator or a term, found %1").arg(describe(m_tok)));
            return root;
        }
        return n;
    }

private:
    // ---- errors ----
    void fail(int pos, const QString &msg)
    {
        if (m_failed)
            return;
        m_failed = true;
        m_errorPos = pos;
        m_error = tr("syntax error at position %1: %2").arg(pos + 1).arg(msg);
    }
    QString describe(const Token &t) const
    {
        switch (t.kind) {
        case Token::LParen:
            return QStringLiteral("'('");
        case Token::RParen:
            return QStringLiteral("')'");
        case Token::And:
            return QStringLiteral("AND");
        case Token::Or:
            return QStringLiteral("OR");
        case Token::Not:
            return QStringLiteral("NOT");
        case Token::Minus:
            return QStringLiteral("'-'");
        case Token::End:
            return tr("the end of the query");
        case Token::Term:
            return u'"' + m_s.mid(t.pos, std::min(t.len, 40)) + u'"';
        }
        return {};
    }

    // ---- lexer ----
    // Control characters (NUL included) separate words like spaces: they never reach SQL or FTS5.
    static bool isSpace(QChar c) { return c.isSpace() || c.unicode() < 0x20 || c.unicode() == 0x7F; }
    static bool endsWord(QChar c) { return isSpace(c) || c == u'(' || c == u')' || c == u'"'; }

    /// Reads a quoted string starting at m_i (on the opening quote).
    bool readQuoted(Token &t)
    {
        const int open = m_i;
        ++m_i;
        QString out;
        while (m_i < m_s.size()) {
            const QChar c = m_s[m_i];
            if (c == u'\\' && m_i + 1 < m_s.size() && (m_s[m_i + 1] == u'"' || m_s[m_i + 1] == u'\\')) {
                out += m_s[m_i + 1];
                m_i += 2;
                continue;
            }
            if (c == u'"') {
                ++m_i;
                t.quoted = out;
                t.hasQuoted = true;
                if (m_i < m_s.size() && m_s[m_i] == u'*') {
                    t.quotedPrefix = true;
                    ++m_i;
                }
                return true;
            }
            out += isSpace(c) ? QChar(u' ') : c;
            ++m_i;
        }
        fail(open, tr("expected '\"' to close this phrase before the end of the query"));
        return false;
    }

    void next()
    {
        m_tok = Token {};
        while (m_i < m_s.size() && isSpace(m_s[m_i]))
            ++m_i;
        m_tok.pos = m_i;
        if (m_i >= m_s.size()) {
            m_tok.kind = Token::End;
            return;
        }
        const QChar c = m_s[m_i];
        if (c == u'(' || c == u')') {
            m_tok.kind = c == u'(' ? Token::LParen : Token::RParen;
            m_tok.len = 1;
            ++m_i;
            return;
        }
        if (c == u'-') {
            if (m_i + 1 >= m_s.size() || isSpace(m_s[m_i + 1]) || m_s[m_i + 1] == u')') {
                fail(m_i, tr("expected a term right after '-' (write -word to exclude a word)"));
                m_tok.kind = Token::End;
                return;
            }
            m_tok.kind = Token::Minus;
            m_tok.len = 1;
            ++m_i;
            return;
        }
        m_tok.kind = Token::Term;
        if (c == u'"') {
            if (!readQuoted(m_tok))
                return;
        } else {
            const int start = m_i;
            while (m_i < m_s.size() && !endsWord(m_s[m_i]))
                ++m_i;
            m_tok.word = m_s.mid(start, m_i - start);
            // field:"quoted value"
            if (m_tok.word.endsWith(u':') && m_i < m_s.size() && m_s[m_i] == u'"') {
                if (!readQuoted(m_tok))
                    return;
            }
            if (!m_tok.hasQuoted) {
                if (m_tok.word == u"AND")
                    m_tok.kind = Token::And;
                else if (m_tok.word == u"OR")
                    m_tok.kind = Token::Or;
                else if (m_tok.word == u"NOT")
                    m_tok.kind = Token::Not;
            }
        }
        m_tok.len = m_i - m_tok.pos;
    }

    // ---- grammar ----
    bool startsUnary() const
    {
        return m_tok.kind == Token::Term || m_tok.kind == Token::LParen || m_tok.kind == Token::Not || m_tok.kind == Token::Minus;
    }

    QueryNode orExpr(int depth)
    {
        QueryNode first = andExpr(depth);
        if (m_failed || m_tok.kind != Token::Or)
            return first;
        QueryNode n { QueryNode::Type::Or };
        n.position = first.position;
        n.children.push_back(std::move(first));
        while (!m_failed && m_tok.kind == Token::Or) {
            const Token op = m_tok;
            next();
            if (m_failed)
                break;
            if (!startsUnary()) {
                fail(m_tok.pos, tr("expected a term after OR, found %1").arg(describe(m_tok)));
                break;
            }
            n.children.push_back(andExpr(depth));
        }
        return n;
    }

    QueryNode andExpr(int depth)
    {
        if (!startsUnary()) {
            fail(m_tok.pos, tr("expected a term, found %1").arg(describe(m_tok)));
            return {};
        }
        QueryNode first = unary(depth);
        if (m_failed || !(startsUnary() || m_tok.kind == Token::And))
            return first;
        QueryNode n { QueryNode::Type::And };
        n.position = first.position;
        n.children.push_back(std::move(first));
        while (!m_failed && (startsUnary() || m_tok.kind == Token::And)) {
            if (m_tok.kind == Token::And) {
                next();
                if (m_failed)
                    break;
                if (!startsUnary()) {
                    fail(m_tok.pos, tr("expected a term after AND, found %1").arg(describe(m_tok)));
                    break;
                }
            }
            n.children.push_back(unary(depth));
        }
        return n;
    }

    QueryNode unary(int depth)
    {
        if (m_tok.kind == Token::Not || m_tok.kind == Token::Minus) {
            const Token op = m_tok;
            if (depth >= SearchQuery::kMaxDepth) {
                fail(op.pos, tr("the query is nested more than %1 levels deep").arg(SearchQuery::kMaxDepth));
                return {};
            }
            next();
            if (m_failed)
                return {};
            if (!startsUnary()) {
                fail(m_tok.pos, tr("expected a term after %1, found %2").arg(describe(op), describe(m_tok)));
                return {};
            }
            QueryNode n { QueryNode::Type::Not };
            n.position = op.pos;
            n.children.push_back(unary(depth + 1));
            return n;
        }
        return primary(depth);
    }

    QueryNode primary(int depth)
    {
        if (m_tok.kind == Token::LParen) {
            const int open = m_tok.pos;
            if (depth >= SearchQuery::kMaxDepth) {
                fail(open, tr("the query is nested more than %1 levels deep").arg(SearchQuery::kMaxDepth));
                return {};
            }
            next();
            if (m_failed)
                return {};
            if (m_tok.kind == Token::RParen) {
                fail(m_tok.pos, tr("expected a term inside the parentheses"));
                return {};
            }
            QueryNode n = orExpr(depth + 1);
            if (m_failed)
                return {};
            if (m_tok.kind != Token::RParen) {
                fail(m_tok.pos, tr("expected ')' to close the '(' at position %1, found %2").arg(open + 1).arg(describe(m_tok)));
                return {};
            }
            next();
            return n;
        }
        if (m_tok.kind != Token::Term) {
            fail(m_tok.pos, tr("expected a term, found %1").arg(describe(m_tok)));
            return {};
        }
        if (++m_terms > SearchQuery::kMaxTerms) {
            fail(m_tok.pos, tr("the query has more than %1 terms").arg(SearchQuery::kMaxTerms));
            return {};
        }
        const Token t = m_tok;
        QueryNode n = term(t);
        if (!m_failed)
            next();
        return n;
    }

    // ---- terms ----
    QueryNode term(const Token &t)
    {
        QueryNode n;
        n.position = t.pos;
        n.length = t.len;
        if (t.word.isEmpty()) { // a quoted phrase
            if (!hasLetterOrDigit(t.quoted)) {
                fail(t.pos, tr("expected letters or digits inside the quotes"));
                return n;
            }
            n.value = t.quoted;
            n.phrase = true;
            n.prefix = t.quotedPrefix;
            return n;
        }
        // field<op>value?
        QString name, op, value;
        {
            int k = 0;
            while (k < t.word.size() && ((t.word[k] >= u'a' && t.word[k] <= u'z') || (t.word[k] >= u'A' && t.word[k] <= u'Z')))
                ++k;
            if (k > 0 && k < t.word.size()) {
                const QStringView rest = QStringView(t.word).mid(k);
                for (const char16_t *o : { u">=", u"<=", u":", u">", u"<" }) {
                    if (rest.startsWith(QStringView(o))) {
                        name = t.word.left(k).toLower();
                        op = QString::fromUtf16(o);
                        value = rest.mid(op.size()).toString();
                        break;
                    }
                }
            }
        }
        if (name.isEmpty()) {
            // A free word.
            QString w = t.word;
            if (w.endsWith(u'*')) {
                w.chop(1);
                n.prefix = true;
            }
            if (w.isEmpty()) {
                fail(t.pos, tr("expected a word before '*'"));
                return n;
            }
            if (!hasLetterOrDigit(w)) {
                fail(t.pos, tr("\"%1\" has no letters or digits to search for (put text in quotes to search for it)").arg(t.word.left(40)));
                return n;
            }
            n.value = w;
            return n;
        }
        const FieldInfo *fi = nullptr;
        for (const FieldInfo &f : kFields)
            if (name == QStringView(f.name))
                fi = &f;
        if (!fi) {
            if (op != u":") { // e.g. "a<b": not meant as a field
                if (!hasLetterOrDigit(t.word)) {
                    fail(t.pos, tr("\"%1\" has no letters or digits to search for").arg(t.word.left(40)));
                    return n;
                }
                n.value = t.word;
                return n;
            }
            fail(t.pos, tr("unknown field \"%1\"; expected one of %2 (put text in quotes to search for it)").arg(name, fieldList()));
            return n;
        }
        n.field = fi->field;
        const int valuePos = t.pos + int(name.size() + op.size());
        bool prefix = false;
        if (t.hasQuoted) {
            value = t.quoted;
            prefix = t.quotedPrefix;
            n.phrase = true;
        } else if (value.endsWith(u'*')) {
            value.chop(1);
            prefix = true;
        }
        if (value.isEmpty()) {
            fail(valuePos, tr("expected a value after \"%1%2\"").arg(name, op));
            return n;
        }
        if (op != u":" && fi->field != SearchField::Amount) {
            fail(t.pos + int(name.size()), tr("expected ':' after \"%1\" (only amount takes <, <=, >, >=)").arg(name));
            return n;
        }
        switch (fi->field) {
        case SearchField::Amount:
            return amount(n, op, value, valuePos, prefix);
        case SearchField::Time:
            return time(n, name, value, valuePos, prefix);
        case SearchField::Kind: {
            const QString v = value.toLower();
            n.type = QueryNode::Type::Kind;
            if (prefix)
                fail(valuePos, tr("expected event or transaction after kind:"));
            else if (v == u"event" || v == u"events")
                n.lo = 0;
            else if (v == u"transaction" || v == u"transactions" || v == u"txn")
                n.lo = 1;
            else
                fail(valuePos, tr("expected event or transaction after kind:, found \"%1\"").arg(value.left(40)));
            return n;
        }
        case SearchField::Ip:
            return ip(n, value, valuePos, prefix);
        case SearchField::Actor:
        case SearchField::Account:
        case SearchField::Debtor:
        case SearchField::Creditor:
        case SearchField::Name:
        case SearchField::Ref:
        case SearchField::Memo:
            if (!hasLetterOrDigit(value)) {
                fail(valuePos, tr("expected letters or digits after \"%1:\"").arg(name));
                return n;
            }
            break;
        default:
            break;
        }
        n.value = value;
        n.prefix = prefix;
        return n;
    }

    bool decimal(const QString &s, int pos, int64_t &e4)
    {
        const auto p = money::parse(s.toLatin1());
        if (s.isEmpty() || p.error || s.contains(QChar(u'?'))) {
            QString why = p.error ? money::describe(*p.error) : tr("not a number");
            fail(pos, tr("expected an amount such as 1000 or 1000.50 (at most 4 decimals), found \"%1\": %2").arg(s.left(40), why));
            return false;
        }
        e4 = p.e4;
        return true;
    }

    QueryNode amount(QueryNode n, const QString &op, const QString &value, int pos, bool prefix)
    {
        n.type = QueryNode::Type::Amount;
        if (prefix) {
            fail(pos, tr("amount takes a number, not a prefix"));
            return n;
        }
        int64_t v = 0;
        if (op == u":") {
            const int dots = int(value.indexOf(QStringLiteral("..")));
            if (dots < 0) {
                if (decimal(value, pos, v))
                    n.lo = n.hi = v;
                return n;
            }
            const QString a = value.left(dots), b = value.mid(dots + 2);
            if (a.isEmpty() && b.isEmpty()) {
                fail(pos, tr("expected a range such as 1000..5000, 1000.. or ..5000"));
                return n;
            }
            if (!a.isEmpty() && !decimal(a, pos, n.lo))
                return n;
            if (!b.isEmpty() && !decimal(b, pos + dots + 2, n.hi))
                return n;
            if (a.isEmpty())
                n.lo = 0;
            if (n.lo > n.hi)
                fail(pos, tr("the range %1 is empty (the lower bound is above the upper)").arg(value));
            return n;
        }
        if (!decimal(value, pos, v))
            return n;
        if (op == u">=") {
            n.lo = v;
        } else if (op == u">") {
            n.lo = v + 1; // e4 units are the resolution: > 10 is >= 10.0001
        } else if (op == u"<=") {
            n.lo = 0;
            n.hi = v;
        } else { // <
            n.lo = 0;
            n.hi = v - 1;
        }
        return n;
    }

    /// Parses a date or timestamp; `dateOnly` tells which. Dates and times without offset are read in
    /// the context's zone.
    bool instant(const QString &value, int pos, int64_t &ms, bool &dateOnly)
    {
        const QByteArray v = value.toLatin1();
        int y, mo, d;
        if (value.size() == 10) {
            if (!parseDate(v, y, mo, d)) {
                fail(pos, tr("expected a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM], found \"%1\"").arg(value));
                return false;
            }
            dateOnly = true;
            const TimestampParse tp = parseTimestamp(QByteArray(v + "T00:00:00"), m_ctx.zone);
            if (!tp.error.isEmpty()) {
                // Midnight can fall into a daylight-saving gap (e.g. America/Santiago): the day then
                // starts at the first instant that exists.
                const TimestampParse tp1 = parseTimestamp(QByteArray(v + "T01:00:00"), m_ctx.zone);
                if (!tp1.error.isEmpty()) {
                    fail(pos, tp.error);
                    return false;
                }
                ms = tp1.ts.utcMs;
                return true;
            }
            ms = tp.ts.utcMs;
            return true;
        }
        QByteArray t = v;
        // Seconds are optional: 2026-02-08T02:11 or 2026-02-08T02:11+08:00
        if (t.size() >= 16 && (t.size() == 16 || t[16] == 'Z' || t[16] == 'z' || t[16] == '+' || t[16] == '-'))
            t.insert(16, ":00");
        const TimestampParse tp = parseTimestamp(t, m_ctx.zone);
        if (!tp.error.isEmpty()) {
            fail(pos, tr("expected a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM], found \"%1\": %2").arg(value.left(40), tp.error));
            return false;
        }
        dateOnly = false;
        ms = tp.ts.utcMs;
        return true;
    }

    QueryNode time(QueryNode n, const QString &name, const QString &value, int pos, bool prefix)
    {
        n.type = QueryNode::Type::Time;
        if (prefix) {
            fail(pos, tr("%1: takes a date or time, not a prefix").arg(name));
            return n;
        }
        if (name == u"last") {
            // N followed by m (minutes), h, d or w.
            const QChar unit = value.back().toLower();
            bool okNum = false;
            const qint64 count = value.left(value.size() - 1).toLongLong(&okNum);
            int64_t unitMs = 0;
            if (unit == u'm')
                unitMs = 60000;
            else if (unit == u'h')
                unitMs = 3600000;
            else if (unit == u'd')
                unitMs = 86400000;
            else if (unit == u'w')
                unitMs = 7 * 86400000LL;
            if (!okNum || unitMs == 0 || count <= 0 || count > 100000 || value.startsWith(u'+')) {
                fail(pos, tr("expected a duration such as 30m, 12h, 7d or 4w after last:, found \"%1\"").arg(value.left(40)));
                return n;
            }
            const int64_t now = m_ctx.nowMs ? m_ctx.nowMs : QDateTime::currentMSecsSinceEpoch();
            n.lo = now - count * unitMs;
            return n;
        }
        int64_t ms = 0;
        bool dateOnly = false;
        if (!instant(value, pos, ms, dateOnly))
            return n;
        if (name == u"after") {
            n.lo = ms; // inclusive: after:2026-02-08 includes the whole of that day
        } else {
            n.hi = ms; // exclusive: before:2026-02-09 ends when that day starts
        }
        return n;
    }

    QueryNode ip(QueryNode n, const QString &value, int pos, bool prefix)
    {
        n.type = QueryNode::Type::Ip;
        n.value = value;
        n.prefix = prefix;
        if (prefix)
            return n; // textual prefix: ip:10.1.*
        const int slash = int(value.indexOf(u'/'));
        if (slash < 0)
            return n;
        const QByteArray addr = value.left(slash).toLatin1();
        bool okBits = false;
        const int bits = value.mid(slash + 1).toInt(&okBits);
        unsigned char buf[16];
        const bool v4 = inet_pton(AF_INET, addr.constData(), buf) == 1;
        const bool v6 = !v4 && inet_pton(AF_INET6, addr.constData(), buf) == 1;
        if ((!v4 && !v6) || !okBits || bits < 0 || bits > (v4 ? 32 : 128) || value.mid(slash + 1).startsWith(u'+')) {
            fail(pos, tr("expected an address block such as 10.1.0.0/16 or 2001:db8::/32, found \"%1\"").arg(value.left(60)));
            return n;
        }
        n.value = QString::fromLatin1(addr);
        n.ipBits = bits;
        return n;
    }

    const QString &m_s;
    QueryContext m_ctx;
    int m_i = 0;
    Token m_tok;
    int m_terms = 0;
    bool m_failed = false;
    int m_errorPos = -1;
    QString m_error;
};

QString quoteValue(const QString &v)
{
    QString out = v;
    out.replace(u'\\', QStringLiteral("\\\\"));
    out.replace(u'"', QStringLiteral("\\\""));
    return u'"' + out + u'"';
}

} // namespace

QString searchFieldName(SearchField f)
{
    if (f == SearchField::Text)
        return QStringLiteral("text");
    if (f == SearchField::Time)
        return QStringLiteral("time");
    for (const FieldInfo &fi : kFields)
        if (fi.field == f)
            return QString::fromUtf16(fi.name);
    return {};
}

QString QueryNode::toString() const
{
    switch (type) {
    case Type::And:
    case Type::Or:
    case Type::Not: {
        QString s = type == Type::And ? QStringLiteral("(and") : type == Type::Or ? QStringLiteral("(or") : QStringLiteral("(not");
        for (const QueryNode &c : children)
            s += u' ' + c.toString();
        return s + u')';
    }
    case Type::Term: {
        QString s = field == SearchField::Text ? QString() : searchFieldName(field) + u':';
        return s + quoteValue(value) + (prefix ? QStringLiteral("*") : QString());
    }
    case Type::Amount:
        return QStringLiteral("amount:[%1..%2]").arg(lo).arg(hi);
    case Type::Time:
        return QStringLiteral("time:[%1..%2)")
            .arg(lo == std::numeric_limits<int64_t>::min() ? QStringLiteral("-inf") : QString::number(lo),
                 hi == std::numeric_limits<int64_t>::max() ? QStringLiteral("inf") : QString::number(hi));
    case Type::Kind:
        return lo == 0 ? QStringLiteral("kind:event") : QStringLiteral("kind:transaction");
    case Type::Ip:
        return u"ip:" + value + (ipBits >= 0 ? u'/' + QString::number(ipBits) : QString()) + (prefix ? QStringLiteral("*") : QString());
    }
    return {};
}

Result<SearchQuery> SearchQuery::parse(const QString &text, const QueryContext &context, int *errorPosition)
{
    if (errorPosition)
        *errorPosition = -1;
    if (text.size() > kMaxLength) {
        if (errorPosition)
            *errorPosition = kMaxLength;
        return Error(Error::Code::Parse, tr("syntax error at position %1: the query is longer than %2 characters")
                                             .arg(kMaxLength + 1)
                                             .arg(kMaxLength));
    }
    Parser p(text, context);
    QueryNode root = p.parse();
    if (p.failed()) {
        if (errorPosition)
            *errorPosition = p.errorPos();
        return Error(Error::Code::Parse, p.errorMessage());
    }
    SearchQuery q;
    q.m_text = text;
    q.m_root = std::move(root);
    return q;
}

} // namespace casebook
