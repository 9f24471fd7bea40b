// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QString>
#include <QTimeZone>

#include <cstdint>
#include <limits>
#include <vector>

namespace casebook {

/// What a query term searches. Text, Tenant, Kind and Time apply to events and transactions; Actor,
/// Role, Ip, Action and Outcome to events only; the others to transactions only (a term that does not
/// apply to a kind matches none of its rows).
enum class SearchField {
    Text, ///< free word or phrase: any indexed text column
    Tenant, Actor, Role, Ip, Action, Outcome,
    Account, Debtor, Creditor, Name, Currency, Channel, Status, Ref, Memo,
    Kind, Amount, Time,
};

/// One node of a parsed query. A tree of And/Or/Not over leaves.
struct QueryNode
{
    enum class Type {
        And, Or, Not, ///< children
        Term, ///< field + value (+ phrase/prefix)
        Amount, ///< lo..hi inclusive, in e4 units
        Time, ///< [lo, hi) UTC milliseconds
        Kind, ///< lo: 0 event, 1 transaction
        Ip, ///< value = address; ipBits >= 0: CIDR block; prefix: textual prefix (10.1.*)
    };
    QueryNode() = default;
    explicit QueryNode(Type t)
        : type(t)
    {
    }

    Type type = Type::Term;
    std::vector<QueryNode> children;
    SearchField field = SearchField::Text;
    QString value; ///< Term/Ip: the text as the user meant it (quotes and escapes removed)
    bool phrase = false; ///< Term: quoted
    bool prefix = false; ///< Term/Ip: ended with '*'
    int ipBits = -1;
    int64_t lo = std::numeric_limits<int64_t>::min();
    int64_t hi = std::numeric_limits<int64_t>::max();
    int position = 0; ///< 0-based character offset in the query text
    int length = 0;

    /// Canonical S-expression, e.g. `(and "wang" (or account:"CN001" (not amount:[0..100000])))`.
    QString toString() const;
};

struct QueryContext
{
    QTimeZone zone = QTimeZone::utc(); ///< zone for dates and times without offset in after:/before:
    int64_t nowMs = 0; ///< "now" for last:; 0 = the current time
};

/// A parsed search query. Grammar (docs/search.md):
///
///     query   := or-expr?
///     or-expr := and-expr ("OR" and-expr)*
///     and-expr:= unary (["AND"] unary)*          -- juxtaposition is AND
///     unary   := "NOT" unary | "-" unary | primary
///     primary := "(" or-expr ")" | term
///     term    := word["*"] | '"' phrase '"' ["*"] | field ":" value | "amount" ("<"|"<="|">"|">=") decimal
///
/// Precedence: NOT and "-" bind tightest, then AND, then OR. Operators are upper-case; lower-case
/// "and"/"or"/"not" are words. Limits keep hostile input cheap: kMaxLength characters, kMaxDepth
/// levels of nesting, kMaxTerms terms.
class SearchQuery
{
public:
    static constexpr int kMaxLength = 4096;
    static constexpr int kMaxDepth = 32;
    static constexpr int kMaxTerms = 128;

    /// Parses `text`. On a syntax error returns Error::Code::Parse whose message says where (1-based
    /// character position) and what was expected; `errorPosition` (0-based) receives the position.
    static Result<SearchQuery> parse(const QString &text, const QueryContext &context = {}, int *errorPosition = nullptr);

    const QString &text() const { return m_text; }
    /// Null (type And without children) for an empty query, which matches everything.
    const QueryNode &root() const { return m_root; }
    bool matchesEverything() const { return m_root.type == QueryNode::Type::And && m_root.children.empty(); }

private:
    QString m_text;
    QueryNode m_root { QueryNode::Type::And };
};

/// The query field names users type (tenant, actor, ...) and the field each means.
QString searchFieldName(SearchField f);

} // namespace casebook
