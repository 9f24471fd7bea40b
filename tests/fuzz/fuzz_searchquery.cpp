// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the search query language (models/searchquery.cpp) and the SQL it compiles to
// (models/searchservice.cpp). Any input either parses and compiles, or fails with a position inside
// the query; nothing crashes, hangs or reads out of bounds.
#include "fuzzsink.h"
#include "searchquery.h"
#include "searchservice.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    int pos = -1;
    auto q = casebook::SearchQuery::parse(text, {}, &pos);
    if (!q) {
        casebook::fuzz::require(pos >= 0 && pos <= text.size() + 1, "a syntax error points inside the query");
        casebook::fuzz::require(!q.error().message.isEmpty(), "a syntax error says what was expected");
        return 0;
    }
    auto compiled = casebook::SearchService::compile(*q, casebook::SearchScope::only({ QStringLiteral("T0001") }));
    (void)compiled;
    return 0;
}
