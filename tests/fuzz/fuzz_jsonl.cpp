// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the importer's sea-jsonl audit event path (line splitting, simdjson, field
// checks, timestamps in a zone with daylight saving), through parseDataFile() with a chunk size the
// first byte chooses.
#include "fuzzsink.h"
#include "importer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    const qsizetype chunk = 1 + data[0] % 128;
    const QByteArrayView in(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    auto rep = casebook::parseDataFile(
        QStringLiteral("audit"), QStringLiteral("sea-jsonl"), in, QStringLiteral("America/New_York"), chunk);
    if (rep)
        for (const auto& q : rep->quarantine)
            casebook::fuzz::require(q.line >= 1 && !q.reason.isEmpty(), "quarantine has line and reason");
    return 0;
}
