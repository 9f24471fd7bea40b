// SPDX-License-Identifier: GPL-3.0-or-later
#include "libraryinfo.h"

#include <archive.h>
#include <openssl/crypto.h>
#include <simdjson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <zlib.h>

#define CASEBOOK_STRINGIFY2(x) #x
#define CASEBOOK_STRINGIFY(x) CASEBOOK_STRINGIFY2(x)

namespace casebook {

QString sqliteVersion() { return QString::fromLatin1(sqlite3_libversion()); }

QList<LibraryInfo> modelLibraries()
{
    // archive_version_string() is "libarchive 3.6.2": keep the number.
    QString archiveVersion = QString::fromLatin1(archive_version_string());
    archiveVersion = archiveVersion.mid(archiveVersion.lastIndexOf(u' ') + 1);
    return {
        { QStringLiteral("SQLite"), sqliteVersion(), QStringLiteral("Public domain"), QStringLiteral("https://sqlite.org/") },
        { QStringLiteral("libarchive"), archiveVersion, QStringLiteral("BSD-2-Clause"), QStringLiteral("https://libarchive.org/") },
        // simdjson is a header-heavy library: the version it was built with is the one in use.
        { QStringLiteral("simdjson"), QStringLiteral(CASEBOOK_STRINGIFY(SIMDJSON_VERSION)), QStringLiteral("Apache-2.0"),
          QStringLiteral("https://simdjson.org/") },
        { QStringLiteral("libsodium"), QString::fromLatin1(sodium_version_string()), QStringLiteral("ISC"),
          QStringLiteral("https://libsodium.org/") },
        { QStringLiteral("OpenSSL"), QString::fromLatin1(OpenSSL_version(OPENSSL_VERSION_STRING)), QStringLiteral("Apache-2.0"),
          QStringLiteral("https://www.openssl.org/") },
        { QStringLiteral("zlib"), QString::fromLatin1(zlibVersion()), QStringLiteral("Zlib"), QStringLiteral("https://zlib.net/") },
    };
}

} // namespace casebook
