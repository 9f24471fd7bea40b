// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: manifest.json validation (models/manifest.cpp).
#include "fuzzsink.h"
#include "manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    auto m = casebook::parseManifest(QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)));
    if (m) {
        for (const casebook::ManifestFile& f : m->files) {
            casebook::fuzz::require(casebook::isSafeArchivePath(f.path), "listed paths are safe");
            casebook::fuzz::require(f.sha256.size() == 64 && f.bytes >= 0, "hash and size are checked");
        }
    } else {
        casebook::fuzz::require(
            m.error().message.startsWith(QStringLiteral("manifest.json")), "errors name manifest.json");
    }
    return 0;
}
