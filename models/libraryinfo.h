// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>

namespace casebook {

/// One third-party component Casebook is built with: shown in the About dialog and the docs.
struct LibraryInfo
{
    QString name;
    QString version;  ///< the version in use at run time where the library can tell, else the build's
    QString licence;  ///< SPDX identifier, or "Public domain"
    QString url;
};

/// The libraries linked into casebook_models (SQLite, libarchive, simdjson, libsodium, OpenSSL,
/// zlib), with their versions as reported by the libraries themselves.
QList<LibraryInfo> modelLibraries();

/// sqlite3_libversion() of the SQLite library in use, e.g. "3.40.1".
QString sqliteVersion();

} // namespace casebook
