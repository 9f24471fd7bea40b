// SPDX-License-Identifier: GPL-3.0-or-later
#include "mt940parser.h"

#include "money.h"

#include <QCoreApplication>

#include <simdjson.h>

#include <optional>
#include <vector>

namespace casebook {

namespace {

    QString tr(const char* s) { return QCoreApplication::translate("Mt940Parser", s); }

    QString qs(QByteArrayView v) { return QString::fromUtf8(v); }
    QString quoted(QByteArrayView v)
    {
        return u'"' + QString::fromUtf8(v.first(std::min<qsizetype>(v.size(), 80))) + u'"';
    }

    bool isDigit(char c) { return c >= '0' && c <= '9'; }
    bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }

    bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
    bool validDate(int y, int m, int d)
    {
        static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        return m >= 1 && m <= 12 && d >= 1 && d <= (m == 2 && isLeap(y) ? 29 : dim[m - 1]);
    }

    int num(QByteArrayView v, qsizetype pos, int n)
    {
        int x = 0;
        for (int i = 0; i < n; ++i)
            x = x * 10 + (v[pos + i] - '0');
        return x;
    }

    bool allDigits(QByteArrayView v, qsizetype pos, int n)
    {
        if (pos + n > v.size())
            return false;
        for (int i = 0; i < n; ++i)
            if (!isDigit(v[pos + i]))
                return false;
        return true;
    }

    /// SWIFT two-digit years: 80..99 → 19xx, else 20xx.
    int fullYear(int yy) { return yy >= 80 ? 1900 + yy : 2000 + yy; }

    QByteArray isoDate(int y, int m, int d) { return QString::asprintf("%04d-%02d-%02d", y, m, d).toLatin1(); }

    /// A SWIFT amount: digits with one decimal comma ("1234,56", "300,"), up to 15 characters. Returns
    /// the dotted decimal text ("1234.56", "300") or nullopt.
    std::optional<QByteArray> swiftAmount(QByteArrayView v)
    {
        if (v.isEmpty() || v.size() > 15 || !isDigit(v[0]))
            return std::nullopt;
        const qsizetype comma = v.indexOf(',');
        if (comma < 0)
            return std::nullopt;
        for (qsizetype i = 0; i < v.size(); ++i)
            if (i != comma && !isDigit(v[i]))
                return std::nullopt;
        QByteArray out = v.first(comma).toByteArray();
        if (comma + 1 < v.size())
            out += '.' + v.sliced(comma + 1).toByteArray();
        return out;
    }

    struct Field
    {
        QByteArray tag; ///< e.g. "61", "60F"
        QByteArray text; ///< content; continuation lines joined with '\n'
        int64_t line = 0;
        int64_t endLine = 0;
    };

    struct Balance
    {
        bool present = false;
        bool credit = true;
        int y = 0, m = 0, d = 0;
        QByteArray currency;
        int64_t e4 = 0;
        int64_t line = 0;
        QByteArray text;
        int64_t signedE4() const { return credit ? e4 : -e4; }
    };

    /// :60F:/:62F: content: D/C mark, YYMMDD, currency, amount.
    QString parseBalance(const Field& f, Balance& b)
    {
        const QByteArray& v = f.text;
        b.line = f.line;
        b.text = v;
        const QString bad
            = tr("line %1: :%2: %3 is not a balance (D/C mark, YYMMDD date, currency, amount with decimal comma)")
                  .arg(f.line)
                  .arg(QString::fromLatin1(f.tag), quoted(v));
        if (v.size() < 12 || (v[0] != 'C' && v[0] != 'D') || !allDigits(v, 1, 6))
            return bad;
        b.credit = v[0] == 'C';
        b.y = fullYear(num(v, 1, 2));
        b.m = num(v, 3, 2);
        b.d = num(v, 5, 2);
        if (!validDate(b.y, b.m, b.d))
            return tr("line %1: :%2: date %3 is not a calendar date")
                .arg(f.line)
                .arg(QString::fromLatin1(f.tag), qs(v.mid(1, 6)));
        b.currency = v.mid(7, 3);
        if (!isUpper(b.currency[0]) || !isUpper(b.currency[1]) || !isUpper(b.currency[2]))
            return bad;
        const auto amount = swiftAmount(QByteArrayView(v).sliced(10).trimmed());
        if (!amount)
            return bad;
        const money::Parsed p = money::parse(*amount);
        if (p.error)
            return tr("line %1: :%2: %3").arg(f.line).arg(QString::fromLatin1(f.tag), money::describe(*p.error));
        b.e4 = p.e4;
        b.present = true;
        return {};
    }

    /// :90D:/:90C: (MT942): number of entries, currency, sum.
    struct Summary
    {
        bool present = false;
        int64_t count = 0;
        QByteArray currency;
        int64_t e4 = 0;
        int64_t line = 0;
    };

    QString parseSummary(const Field& f, Summary& s)
    {
        const QByteArray& v = f.text;
        qsizetype i = 0;
        while (i < v.size() && isDigit(v[i]) && i < 6)
            ++i;
        const QString bad = tr("line %1: :%2: %3 is not a number of entries, currency and amount")
                                .arg(f.line)
                                .arg(QString::fromLatin1(f.tag), quoted(v));
        if (i == 0 || i + 3 > v.size())
            return bad;
        s.count = v.first(i).toLongLong();
        s.currency = v.mid(i, 3);
        const auto amount = swiftAmount(QByteArrayView(v).sliced(i + 3).trimmed());
        if (!amount)
            return bad;
        const money::Parsed p = money::parse(*amount);
        if (p.error)
            return bad;
        s.e4 = p.e4;
        s.line = f.line;
        s.present = true;
        return {};
    }

    struct Entry
    {
        Field f61;
        std::optional<Field> f86;
    };

    struct Statement
    {
        int64_t line = 0;
        QByteArray ref20, ref21, account, number;
        Balance opening, closing;
        QByteArray floorCurrency; ///< MT942 :34F:
        QByteArray dateTime13D;
        Summary debits, credits;
        std::vector<Entry> entries;
    };

    /// One parsed :61: with its :86:, ready to emit or quarantine.
    struct Parsed61
    {
        QString error;
        bool amountKnown = false; ///< the amount and direction were read (even if something else is wrong)
        bool credit = true;
        int64_t e4 = 0;
        TransactionRecord t;
    };

} // namespace

struct Mt940Parser::Impl
{
    FormatContext ctx;
    QByteArrayView data;
    std::vector<qsizetype> lineStarts;
    int64_t* records = nullptr;

    QByteArray rawLines(int64_t from, int64_t to) const
    {
        if (from < 1 || size_t(from) > lineStarts.size())
            return {};
        const qsizetype b = lineStarts[size_t(from - 1)];
        qsizetype e = size_t(to) < lineStarts.size() ? lineStarts[size_t(to)] : data.size();
        while (e > b && (data[e - 1] == '\n' || data[e - 1] == '\r'))
            --e;
        return data.sliced(b, std::min<qsizetype>(e - b, 4096)).toByteArray();
    }

    Status parse(QByteArrayView bytes, RecordSink& sink);
    Status finish(Statement& st, RecordSink& sink);
    Parsed61 entry(const Statement& st, const Entry& e, int n);
};

Mt940Parser::Mt940Parser(const FormatContext& ctx)
    : d(std::make_unique<Impl>())
{
    d->ctx = ctx;
}

Mt940Parser::~Mt940Parser() = default;

Status Mt940Parser::parse(QByteArrayView data, RecordSink& sink)
{
    d->records = &records;
    return d->parse(data, sink);
}

Status Mt940Parser::Impl::parse(QByteArrayView bytes, RecordSink& sink)
{
    // Banks still send ISO 8859-1; anything that is not UTF-8 is read as that.
    QByteArray converted;
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes = bytes.sliced(3);
    if (!simdjson::validate_utf8(bytes.data(), size_t(bytes.size()))) {
        converted = QString::fromLatin1(bytes).toUtf8();
        bytes = converted;
    }
    data = bytes;
    lineStarts.clear();
    lineStarts.push_back(0);
    for (qsizetype i = 0; i < data.size(); ++i)
        if (data[i] == '\n')
            lineStarts.push_back(i + 1);

    // Fields: a line starting with :NN: or :NNa: opens one; other lines continue it.
    std::vector<Field> fields;
    std::vector<int64_t> ends; // lines that end a message ("-" or "-}")
    bool any = false;
    for (size_t li = 0; li < lineStarts.size(); ++li) {
        const qsizetype b = lineStarts[li];
        qsizetype e = li + 1 < lineStarts.size() ? lineStarts[li + 1] - 1 : data.size();
        QByteArrayView line = data.sliced(b, e - b);
        while (line.endsWith('\r'))
            line.chop(1);
        const int64_t lineNo = int64_t(li) + 1;
        // SWIFT envelope: {1:...}{2:...}{3:...}{4: then the fields; {5:...} trailer.
        if (line.startsWith('{')) {
            const qsizetype b4 = line.indexOf("{4:");
            if (b4 < 0)
                continue;
            line = line.sliced(b4 + 3);
        }
        const QByteArrayView trimmed = line.trimmed();
        if (trimmed.isEmpty())
            continue;
        if (trimmed == "-" || trimmed.startsWith("-}")) {
            ends.push_back(lineNo);
            if (!fields.empty())
                fields.push_back({ "-", {}, lineNo, lineNo });
            continue;
        }
        qsizetype t = 0;
        if (line.size() >= 4 && line[0] == ':' && isDigit(line[1]) && isDigit(line[2])) {
            t = 3;
            if (t < line.size() && isUpper(line[t]))
                ++t;
            if (t < line.size() && line[t] == ':')
                ++t;
            else
                t = 0;
        }
        if (t > 0) {
            fields.push_back({ line.sliced(1, t - 2).toByteArray(), line.sliced(t).toByteArray(), lineNo, lineNo });
            any = true;
            continue;
        }
        if (fields.empty() || fields.back().tag == "-")
            return Error(Error::Code::Parse,
                tr("line %1: %2 is not inside a field (MT940 fields start with a tag such as :20:)")
                    .arg(lineNo)
                    .arg(quoted(line)));
        fields.back().text += '\n' + line.toByteArray();
        fields.back().endLine = lineNo;
    }
    if (!any)
        return Error(Error::Code::Parse, tr("no MT940 fields found (expected a statement starting with :20:)"));

    std::optional<Statement> st;
    bool lastWasEntry = false; // the previous field was a :61: (so :86: belongs to it)
    for (const Field& f : fields) {
        const QByteArray& tag = f.tag;
        if (tag == "-") {
            if (st) {
                if (auto s = finish(*st, sink); !s)
                    return s;
                st.reset();
            }
            lastWasEntry = false;
            continue;
        }
        if (tag == "20") {
            if (st)
                if (auto s = finish(*st, sink); !s)
                    return s;
            st.emplace();
            st->line = f.line;
            st->ref20 = f.text.trimmed();
            lastWasEntry = false;
            continue;
        }
        if (!st)
            return Error(Error::Code::Parse,
                tr("line %1: field :%2: comes before any :20: (start of a statement)")
                    .arg(f.line)
                    .arg(QString::fromLatin1(tag)));
        const bool wasEntry = lastWasEntry;
        lastWasEntry = false;
        if (tag == "21") {
            st->ref21 = f.text.trimmed();
        } else if (tag == "25") {
            if (!st->account.isEmpty())
                return Error(Error::Code::Parse,
                    tr("line %1: a second :25: (account) inside the statement that starts at line %2; "
                       "after :61: only :86:, another :61: or the closing balance :62F: may follow")
                        .arg(f.line)
                        .arg(st->line));
            st->account = f.text.trimmed();
            if (st->account.isEmpty())
                return Error(Error::Code::Parse, tr("line %1: :25: (account) is empty").arg(f.line));
        } else if (tag == "28C" || tag == "28") {
            st->number = f.text.trimmed();
        } else if (tag == "60F" || tag == "60M") {
            if (st->opening.present)
                return Error(Error::Code::Parse,
                    tr("line %1: a second opening balance in the statement that starts at line %2")
                        .arg(f.line)
                        .arg(st->line));
            if (QString why = parseBalance(f, st->opening); !why.isEmpty())
                return Error(Error::Code::Parse, why);
        } else if (tag == "62F" || tag == "62M") {
            if (st->closing.present)
                return Error(Error::Code::Parse,
                    tr("line %1: a second closing balance in the statement that starts at line %2")
                        .arg(f.line)
                        .arg(st->line));
            if (QString why = parseBalance(f, st->closing); !why.isEmpty())
                return Error(Error::Code::Parse, why);
        } else if (tag == "34F") {
            const QByteArray v = f.text.trimmed();
            if (v.size() < 3)
                return Error(Error::Code::Parse, tr("line %1: :34F: %2 has no currency").arg(f.line).arg(quoted(v)));
            if (st->floorCurrency.isEmpty())
                st->floorCurrency = v.first(3);
        } else if (tag == "13D" || tag == "13") {
            st->dateTime13D = f.text.trimmed();
        } else if (tag == "90D" || tag == "90C") {
            Summary& s = tag == "90D" ? st->debits : st->credits;
            if (QString why = parseSummary(f, s); !why.isEmpty())
                return Error(Error::Code::Parse, why);
        } else if (tag == "61") {
            if (st->account.isEmpty())
                return Error(
                    Error::Code::Parse, tr("line %1: :61: comes before the statement's account (:25:)").arg(f.line));
            if (!st->opening.present && st->floorCurrency.isEmpty())
                return Error(Error::Code::Parse,
                    tr("line %1: :61: comes before the statement's opening balance (:60F:)").arg(f.line));
            if (st->closing.present)
                return Error(
                    Error::Code::Parse, tr("line %1: :61: comes after the closing balance (:62F:)").arg(f.line));
            st->entries.push_back({ f, std::nullopt });
            lastWasEntry = true;
        } else if (tag == "86") {
            if (wasEntry)
                st->entries.back().f86 = f;
            // else: information for the whole statement (after :62F:); not a transaction.
        }
        // Other fields (:64:, :65:, bank-specific ones) carry nothing Casebook stores.
    }
    if (st) {
        // The file ended without the "-" that closes a message: fine when the statement is complete.
        if (auto s = finish(*st, sink); !s)
            return s;
    }
    return ok();
}

Parsed61 Mt940Parser::Impl::entry(const Statement& st, const Entry& e, int n)
{
    Parsed61 p;
    const QByteArray& text = e.f61.text;
    const qsizetype nl = text.indexOf('\n');
    const QByteArrayView first = nl < 0 ? QByteArrayView(text) : QByteArrayView(text).first(nl);
    const QByteArray supplementary = nl < 0 ? QByteArray() : text.mid(nl + 1).replace('\n', ' ').trimmed();
    const auto bad = [&](const QString& why) {
        p.error = why;
        return p;
    };
    const QString shape
        = tr(":61: %1 is not value date (YYMMDD), optional entry date (MMDD), D/C mark, amount and type")
              .arg(quoted(first));
    if (!allDigits(first, 0, 6))
        return bad(shape);
    const int vy = fullYear(num(first, 0, 2)), vm = num(first, 2, 2), vd = num(first, 4, 2);
    qsizetype i = 6;
    int em = 0, ed = 0;
    bool hasEntryDate = false;
    if (allDigits(first, 6, 4)) {
        em = num(first, 6, 2);
        ed = num(first, 8, 2);
        hasEntryDate = true;
        i = 10;
    }
    QByteArray mark;
    for (const char* m : { "RC", "RD", "EC", "ED", "C", "D" })
        if (first.sliced(i).startsWith(m)) {
            mark = m;
            break;
        }
    if (mark.isEmpty())
        return bad(shape);
    i += mark.size();
    QByteArray funds;
    if (i < first.size() && isUpper(first[i])) {
        funds = QByteArray(1, first[i]);
        ++i;
    }
    qsizetype a = i;
    while (a < first.size() && (isDigit(first[a]) || first[a] == ','))
        ++a;
    const auto amount = swiftAmount(first.sliced(i, a - i));
    if (!amount)
        return bad(tr(":61: amount %1 is not digits with a decimal comma").arg(quoted(first.sliced(i, a - i))));
    const money::Parsed m = money::parse(*amount);
    if (m.error)
        return bad(tr(":61: amount %1: %2").arg(quoted(first.sliced(i, a - i)), money::describe(*m.error)));
    i = a;
    // Credit: C, and RD (reversal of a debit); debit: D and RC.
    const bool credit = mark == "C" || mark == "RD" || mark == "EC";
    p.credit = credit;
    p.e4 = m.e4;
    p.amountKnown = true;
    const QByteArray type = first.sliced(i, std::min<qsizetype>(4, first.size() - i)).toByteArray();
    const auto alnum = [](char c) { return isDigit(c) || isUpper(c) || (c >= 'a' && c <= 'z'); };
    if (type.size() != 4 || (type[0] != 'N' && type[0] != 'F' && type[0] != 'S') || !alnum(type[1]) || !alnum(type[2])
        || !alnum(type[3]))
        return bad(tr(":61: transaction type \"%1\" is not N, F or S and three letters or digits")
                       .arg(QString::fromUtf8(first.sliced(i)).left(4)));
    i += 4;
    const QByteArrayView refs = first.sliced(i);
    const qsizetype slashes = refs.indexOf("//");
    const QByteArray customerRef = (slashes < 0 ? refs : refs.first(slashes)).trimmed().toByteArray();
    const QByteArray bankRef = slashes < 0 ? QByteArray() : refs.sliced(slashes + 2).trimmed().toByteArray();

    if (!validDate(vy, vm, vd))
        return bad(tr(":61: value date %1 is not a calendar date (%2-%3-%4)")
                       .arg(qs(first.first(6)))
                       .arg(vy)
                       .arg(vm, 2, 10, QLatin1Char('0'))
                       .arg(vd, 2, 10, QLatin1Char('0')));
    int by = vy;
    if (hasEntryDate) {
        // The entry date has no year: take the one that puts it nearest the value date (a statement
        // around New Year books December values in January and the other way round).
        const int64_t v = daysFromCivil(vy, unsigned(vm), unsigned(vd));
        int64_t best = -1;
        for (int y : { vy - 1, vy, vy + 1 }) {
            if (!validDate(y, em, ed))
                continue;
            const int64_t dist = std::abs(daysFromCivil(y, unsigned(em), unsigned(ed)) - v);
            if (best < 0 || dist < best) {
                best = dist;
                by = y;
            }
        }
        if (best < 0)
            return bad(tr(":61: entry date %1 is not a calendar date").arg(qs(first.sliced(6, 4))));
    }
    const int bm = hasEntryDate ? em : vm, bd = hasEntryDate ? ed : vd;

    TransactionRecord& t = p.t;
    t.line = e.f61.line;
    t.raw = rawLines(e.f61.line, e.f86 ? e.f86->endLine : e.f61.endLine);
    t.ts = formats::startOfDay(by, bm, bd, ctx.zone);
    t.tsText = isoDate(by, bm, bd);
    t.valueDate = isoDate(vy, vm, vd);
    t.amountE4 = m.e4;
    t.amountText = *amount;
    t.currency = st.opening.present ? st.opening.currency : st.floorCurrency;
    t.status = "booked";

    // :86: narrative, structured (GVC + ?NN subfields) or free text.
    QByteArray narrative, purpose, cpAccount, cpBank, cpName;
    formats::JsonObjectBuilder x;
    x.addString("statement", st.ref20);
    x.addString("statement_no", st.number);
    x.addString("mark", mark);
    x.addString("funds_code", funds);
    x.addString("type", type);
    x.addString("customer_ref", customerRef);
    x.addString("bank_ref", bankRef);
    x.addString("supplementary", supplementary);
    if (hasEntryDate)
        x.addString("value_date", t.valueDate);
    QByteArray sepaEref, sepaSvwz, rest;
    bool structured = false;
    if (e.f86) {
        const QByteArray& raw86 = e.f86->text;
        structured = raw86.size() >= 4 && allDigits(raw86, 0, 3) && raw86[3] == '?';
        if (structured) {
            // Lines are cut at fixed width, even inside a ?NN marker: join without separator.
            narrative = QByteArray(raw86).replace('\n', QByteArray());
            x.addString("gvc", narrative.first(3));
            QByteArray names, posting, primanota, textKey;
            std::vector<qsizetype> breaks; // positions in `purpose` where a short subfield ended
            // Subfields are at most 27 characters; a full one was cut at that width (the text
            // continues in the next subfield without a space), a shorter one ended a line of text.
            const auto join
                = [](QByteArray& to, const QByteArray& part, bool& lastShort, std::vector<qsizetype>* marks) {
                      if (lastShort && !to.isEmpty() && !part.isEmpty()) {
                          if (marks)
                              marks->push_back(to.size());
                          to += ' ';
                      }
                      to += part;
                      lastShort = part.size() < 27;
                  };
            bool purposeShort = false, namesShort = false;
            formats::JsonObjectBuilder other;
            qsizetype k = 3;
            while (k < narrative.size()) {
                if (narrative[k] != '?' || !allDigits(narrative, k + 1, 2)) {
                    ++k;
                    continue;
                }
                const int code = num(narrative, k + 1, 2);
                qsizetype end = k + 3;
                while (end < narrative.size() && !(narrative[end] == '?' && allDigits(narrative, end + 1, 2)))
                    ++end;
                const QByteArray value = narrative.mid(k + 3, end - k - 3);
                if (code == 0)
                    posting += value;
                else if (code == 10)
                    primanota += value;
                else if ((code >= 20 && code <= 29) || (code >= 60 && code <= 63))
                    join(purpose, value, purposeShort, &breaks);
                else if (code == 30)
                    cpBank += value;
                else if (code == 31)
                    cpAccount += value;
                else if (code == 32 || code == 33)
                    join(names, value, namesShort, nullptr);
                else if (code == 34)
                    textKey += value;
                else
                    other.addString(QByteArray('?' + narrative.mid(k + 1, 2)), value);
                k = end;
            }
            cpName = names.trimmed();
            x.addString("posting_text", posting.trimmed());
            x.addString("primanota", primanota.trimmed());
            x.addString("text_key_ext", textKey.trimmed());
            x.addRaw("subfields", other.result());
            // SEPA keywords inside the purpose text. Identifiers (EREF, KREF, ...) end where their
            // subfield line ended; the remittance text (SVWZ) runs to the next keyword.
            static const char* const keys[] = { "EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "SVWZ+", "ABWA+", "ABWE+",
                "COAM+", "OAMT+", "IBAN+", "BIC+" };
            std::vector<std::pair<qsizetype, const char*>> hits;
            for (const char* key : keys)
                for (qsizetype at = purpose.indexOf(key); at >= 0; at = purpose.indexOf(key, at + 1))
                    hits.push_back({ at, key });
            std::sort(hits.begin(), hits.end());
            formats::JsonObjectBuilder sepa;
            qsizetype restFrom = 0;
            for (size_t h = 0; h < hits.size(); ++h) {
                if (hits[h].first < restFrom)
                    continue; // a keyword inside the previous value's text
                rest += purpose.mid(restFrom, hits[h].first - restFrom);
                const QByteArray key = QByteArray(hits[h].second).chopped(1);
                const qsizetype from = hits[h].first + qsizetype(strlen(hits[h].second));
                qsizetype to = h + 1 < hits.size() ? hits[h + 1].first : purpose.size();
                if (key != "SVWZ" && key != "ABWA" && key != "ABWE")
                    for (qsizetype b : breaks)
                        if (b > from && b < to) {
                            to = b;
                            break;
                        }
                const QByteArray value = purpose.mid(from, std::max<qsizetype>(0, to - from)).trimmed();
                restFrom = std::max(to, from);
                sepa.addString(key, value);
                if (key == "EREF")
                    sepaEref = value;
                else if (key == "SVWZ")
                    sepaSvwz = value;
                else if (key == "IBAN" && cpAccount.isEmpty())
                    cpAccount = value;
                else if (key == "BIC" && cpBank.isEmpty())
                    cpBank = value;
            }
            if (!hits.empty())
                rest += purpose.mid(restFrom);
            x.addRaw("sepa", sepa.result());
            x.addString("purpose", purpose);
        } else {
            narrative = raw86;
        }
        x.addString("86", narrative);
    }
    rest = rest.simplified();
    t.memo = !sepaSvwz.isEmpty() ? sepaSvwz : !rest.isEmpty() ? rest : structured ? purpose : narrative;
    if (t.memo.isEmpty())
        t.memo = supplementary;
    if (!sepaEref.isEmpty() && sepaEref != "NOTPROVIDED")
        t.reference = sepaEref;
    else if (!customerRef.isEmpty() && customerRef != "NONREF")
        t.reference = customerRef;
    else if (!bankRef.isEmpty() && bankRef != "NONREF")
        t.reference = bankRef;

    if (credit) {
        t.creditorAccount = st.account;
        t.debtorAccount = cpAccount.trimmed();
        t.debtorBank = cpBank.trimmed();
        t.debtorName = cpName;
    } else {
        t.debtorAccount = st.account;
        t.creditorAccount = cpAccount.trimmed();
        t.creditorBank = cpBank.trimmed();
        t.creditorName = cpName;
    }
    QByteArray key = st.account + '/' + st.number + '/';
    if (st.opening.present)
        key += isoDate(st.opening.y, st.opening.m, st.opening.d);
    else
        key += st.dateTime13D;
    t.txnId = key + '/' + QByteArray::number(n);
    t.extra = x.result();
    return p;
}

Status Mt940Parser::Impl::finish(Statement& st, RecordSink& sink)
{
    if (st.account.isEmpty())
        return Error(Error::Code::Parse, tr("line %1: the statement has no account (:25:)").arg(st.line));
    const bool mt942 = !st.opening.present;
    if (mt942 && st.floorCurrency.isEmpty())
        return Error(Error::Code::Parse, tr("line %1: the statement has no opening balance (:60F:)").arg(st.line));
    if (!mt942 && !st.closing.present)
        return Error(Error::Code::Parse,
            tr("line %1: the statement has no closing balance (:62F:); the file may be truncated").arg(st.line));

    std::vector<Parsed61> parsed;
    parsed.reserve(st.entries.size());
    bool allRead = true;
    int64_t net = 0, debitSum = 0, creditSum = 0, debitCount = 0, creditCount = 0;
    bool overflow = false;
    for (size_t k = 0; k < st.entries.size(); ++k) {
        parsed.push_back(entry(st, st.entries[k], int(k) + 1));
        const Parsed61& p = parsed.back();
        // A bad date does not stop the balance check: the amount is still known.
        if (!p.amountKnown) {
            allRead = false;
            continue;
        }
        if (p.credit) {
            overflow |= !money::addChecked(net, p.e4) || !money::addChecked(creditSum, p.e4);
            ++creditCount;
        } else {
            overflow |= !money::addChecked(net, -p.e4) || !money::addChecked(debitSum, p.e4);
            ++debitCount;
        }
    }

    QString mismatch;
    const QByteArray currency = mt942 ? st.floorCurrency : st.opening.currency;
    const QString who
        = tr("statement %1 (account %2%3, line %4)")
              .arg(qs(st.ref20), qs(st.account), st.number.isEmpty() ? QString() : u", no. " + qs(st.number))
              .arg(st.line);
    if (allRead && !overflow && !mt942) {
        int64_t expected = st.opening.signedE4();
        const bool ok = money::addChecked(expected, net);
        if (st.closing.currency != st.opening.currency)
            mismatch = tr("%1: the opening balance is in %2 but the closing balance (line %3) in %4")
                           .arg(who, qs(st.opening.currency))
                           .arg(st.closing.line)
                           .arg(qs(st.closing.currency));
        else if (!ok || expected != st.closing.signedE4())
            mismatch = tr("%1 does not balance: opening balance %2 + entries %3 = %4, but the closing balance :62F: "
                          "(line %5) is %6")
                           .arg(who,
                               (st.opening.credit ? QString() : QStringLiteral("-"))
                                   + money::format(st.opening.e4, currency),
                               (net < 0 ? QStringLiteral("-") : QStringLiteral("+"))
                                   + money::format(net < 0 ? -net : net, currency),
                               (expected < 0 ? QStringLiteral("-") : QString())
                                   + money::format(expected < 0 ? -expected : expected, currency))
                           .arg(st.closing.line)
                           .arg((st.closing.credit ? QString() : QStringLiteral("-"))
                               + money::format(st.closing.e4, currency));
    }
    if (allRead && !overflow && mt942) {
        if (st.debits.present && (st.debits.count != debitCount || st.debits.e4 != debitSum))
            mismatch = tr("%1: :90D: (line %2) states %3 debits of %4, the entries hold %5 of %6")
                           .arg(who)
                           .arg(st.debits.line)
                           .arg(st.debits.count)
                           .arg(money::format(st.debits.e4, currency))
                           .arg(debitCount)
                           .arg(money::format(debitSum, currency));
        else if (st.credits.present && (st.credits.count != creditCount || st.credits.e4 != creditSum))
            mismatch = tr("%1: :90C: (line %2) states %3 credits of %4, the entries hold %5 of %6")
                           .arg(who)
                           .arg(st.credits.line)
                           .arg(st.credits.count)
                           .arg(money::format(st.credits.e4, currency))
                           .arg(creditCount)
                           .arg(money::format(creditSum, currency));
    }
    if (overflow)
        mismatch = tr("%1: the sum of the entries overflows").arg(who);

    for (Parsed61& p : parsed) {
        ++*records;
        if (!p.error.isEmpty()) {
            const Entry& e = st.entries[size_t(&p - parsed.data())];
            if (auto s
                = sink.quarantine(e.f61.line, p.error, rawLines(e.f61.line, e.f86 ? e.f86->endLine : e.f61.endLine));
                !s)
                return s;
            continue;
        }
        if (!mismatch.isEmpty()) {
            if (auto s
                = sink.quarantine(p.t.line, mismatch + tr("; the statement's entries are not imported"), p.t.raw);
                !s)
                return s;
            continue;
        }
        if (auto s = sink.transaction(p.t); !s)
            return s;
    }
    return ok();
}

} // namespace casebook
