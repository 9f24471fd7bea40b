// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: models/csvreader (the SEA CSV reader), fed in chunks whose size the first input
// byte chooses, so records that span feed() calls are exercised; then the same bytes through the
// importer's sea-csv transaction parser (parseDataFile).
#include "csvreader.h"
#include "fuzzsink.h"
#include "importer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using casebook::fuzz::require;
    if (size == 0)
        return 0;
    const qsizetype chunk = 1 + data[0] % 64;
    const QByteArrayView in(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    casebook::CsvReader reader(256);
    int64_t lastLine = 0;
    size_t records = 0;
    const casebook::CsvReader::Sink sink = [&](const casebook::CsvRecord& r) {
        require(r.line > lastLine, "record lines increase");
        lastLine = r.line;
        require(r.raw.size() <= casebook::CsvReader::kMaxRawBytes || !r.oversized, "raw is capped when oversized");
        for (QByteArrayView f : *r.fields)
            require(f.size() <= 256 || r.oversized, "fields are capped");
        ++records;
        return true;
    };
    for (qsizetype pos = 0; pos < in.size(); pos += chunk)
        reader.feed(in.sliced(pos, std::min(chunk, in.size() - pos)), sink);
    reader.finish(sink);

    auto rep = casebook::parseDataFile(
        QStringLiteral("transactions"), QStringLiteral("sea-csv"), in, QStringLiteral("Europe/Berlin"), chunk);
    if (rep)
        require(rep->transactions + rep->quarantine.size() <= int64_t(records) + 1, "no more rows than records");
    return 0;
}
