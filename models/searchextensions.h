// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QString>

struct sqlite3;

namespace casebook {

/// Name of the FTS5 tokenizer the search indexes use (`tokenize = 'casebook_cjk remove_diacritics 2'`).
inline constexpr const char *kCjkTokenizerName = "casebook_cjk";
/// The error message of `casebook_checked_add()` when the sum does not fit in 64 bits.
inline constexpr const char *kCheckedAddOverflow = "casebook_checked_add: integer overflow";

/// Registers what the workspace's search needs on one connection; call before any FTS table is
/// touched (Workspace does it right after opening). Idempotent per connection.
///
/// - FTS5 tokenizer `casebook_cjk`: wraps the built-in `unicode61` tokenizer (case folding, diacritics
///   removal, arguments passed through) and splits every run of Han, Kana or Hangul characters inside
///   a token into overlapping bigrams ("王芳明" → 王芳, 芳明; a run of one character stays a single
///   token). Any CJK substring of two or more characters is therefore a phrase of consecutive tokens.
///   The same tokenizer runs on query strings, so a quoted CJK query word becomes that phrase.
/// - SQL function `casebook_ip_in(ip TEXT, network TEXT, bits INTEGER)`: 1 when `ip` lies in the
///   CIDR block `network/bits` (IPv4 or IPv6), else 0; NULL or unparsable `ip` gives 0.
/// - SQL function `casebook_name_key(text)`: the key names are grouped by in linked entities: case
///   folded, whitespace collapsed, surrounding spaces and trailing dots/commas removed; NULL for NULL
///   or blank text.
/// - SQL function `casebook_checked_add(a INTEGER, b INTEGER)`: a + b, or the error
///   kCheckedAddOverflow when the sum does not fit in 64 bits (SQLite's own `+` turns it into an
///   inexact REAL instead). NULL when either is NULL; an error when either is not an integer.
Status registerSearchExtensions(sqlite3 *db);

/// The tokens `casebook_cjk` produces for `text` (document mode), for tests and diagnostics.
/// Needs a connection on which registerSearchExtensions() ran.
QStringList cjkTokens(sqlite3 *db, const QString &text);

/// True for code points the tokenizer treats as CJK (Han, Kana, Hangul and their extensions).
bool isCjkCodePoint(char32_t c);

/// casebook_name_key() as a C++ function (same result as the SQL function).
QString nameKey(const QString &name);
/// The same on UTF-8 bytes, with a fast path for ASCII; empty for blank text.
QByteArray nameKeyUtf8(QByteArrayView name);

} // namespace casebook
