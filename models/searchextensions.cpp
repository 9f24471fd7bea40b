// SPDX-License-Identifier: GPL-3.0-or-later
#include "searchextensions.h"

#include <QCoreApplication>
#include <QStringList>

#include <sqlite3.h>

#include <arpa/inet.h>

#include <cstring>
#include <memory>
#include <new>

namespace casebook {

namespace {

QString tr(const char *s) { return QCoreApplication::translate("Search", s); }

// ---------------------------------------------------------------------------------------------
// The CJK bigram tokenizer. It owns an instance of the parent tokenizer (unicode61) and rewrites
// the tokens that contain CJK characters; all other tokens pass through untouched, so Latin,
// Cyrillic, Greek, ... text is indexed exactly as unicode61 would.

struct ParentTokenizer
{
    fts5_tokenizer api {};
    void *context = nullptr;
};

struct CjkTokenizer
{
    fts5_tokenizer parentApi {};
    Fts5Tokenizer *parent = nullptr;
};

using TokenFn = int (*)(void *, int, const char *, int, int, int);

struct TokenizeContext
{
    void *ctx;
    TokenFn xToken;
    const char *text;
    int textLen;
};

/// Decodes one UTF-8 sequence at p (< end); returns its length (1 for an invalid byte, which is then
/// reported as U+FFFD; unicode61 never hands us invalid sequences inside a token anyway).
int decodeUtf8(const unsigned char *p, const unsigned char *end, char32_t &cp)
{
    const unsigned char c = p[0];
    if (c < 0x80) {
        cp = c;
        return 1;
    }
    int n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (n == 0 || p + n > end) {
        cp = 0xFFFD;
        return 1;
    }
    cp = c & (0x7F >> n);
    for (int i = 1; i < n; ++i) {
        if ((p[i] & 0xC0) != 0x80) {
            cp = 0xFFFD;
            return 1;
        }
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    return n;
}

int cjkCreate(void *pCtx, const char **azArg, int nArg, Fts5Tokenizer **ppOut)
{
    auto *parent = static_cast<ParentTokenizer *>(pCtx);
    auto *t = new (std::nothrow) CjkTokenizer;
    if (!t)
        return SQLITE_NOMEM;
    t->parentApi = parent->api;
    const int rc = parent->api.xCreate(parent->context, azArg, nArg, &t->parent);
    if (rc != SQLITE_OK) {
        delete t;
        return rc;
    }
    *ppOut = reinterpret_cast<Fts5Tokenizer *>(t);
    return SQLITE_OK;
}

void cjkDelete(Fts5Tokenizer *p)
{
    auto *t = reinterpret_cast<CjkTokenizer *>(p);
    if (t->parent)
        t->parentApi.xDelete(t->parent);
    delete t;
}

int onParentToken(void *pCtx, int tflags, const char *pToken, int nToken, int iStart, int iEnd)
{
    auto *c = static_cast<TokenizeContext *>(pCtx);
    // Fast path: every CJK code point is at least U+1100, whose UTF-8 lead byte is 0xE1; a token
    // without such a byte is passed on as it is (the common case for Latin text, numbers, IPs).
    bool maybeCjk = false;
    for (int i = 0; i < nToken; ++i)
        if (static_cast<unsigned char>(pToken[i]) >= 0xE1) {
            maybeCjk = true;
            break;
        }
    if (!maybeCjk)
        return c->xToken(c->ctx, tflags, pToken, nToken, iStart, iEnd);

    // Split the (folded) token into code points, remembering byte offsets.
    constexpr int kStack = 64;
    struct Cp
    {
        int off; ///< byte offset in the token
        int len;
        bool cjk;
    };
    Cp stackBuf[kStack];
    Cp *cps = stackBuf;
    std::unique_ptr<Cp[]> heap;
    if (nToken > kStack) {
        heap.reset(new (std::nothrow) Cp[size_t(nToken)]);
        if (!heap)
            return SQLITE_NOMEM;
        cps = heap.get();
    }
    const auto *tb = reinterpret_cast<const unsigned char *>(pToken);
    int n = 0;
    for (int i = 0; i < nToken;) {
        char32_t cp;
        const int len = decodeUtf8(tb + i, tb + nToken, cp);
        cps[n++] = { i, len, isCjkCodePoint(cp) };
        i += len;
    }

    // Offsets in the original text, per code point, when the folded token and the source text have
    // the same number of code points (folding is one code point to one for everything but rare
    // decompositions); otherwise every piece reports the whole token's extent (used for highlighting only).
    std::unique_ptr<int[]> srcOff;
    {
        const auto *sb = reinterpret_cast<const unsigned char *>(c->text) + iStart;
        const auto *se = reinterpret_cast<const unsigned char *>(c->text) + iEnd;
        std::unique_ptr<int[]> offs(new (std::nothrow) int[size_t(n) + 1]);
        if (offs) {
            int k = 0;
            const unsigned char *p = sb;
            while (p < se && k <= n) {
                char32_t cp;
                offs[k++] = int(p - reinterpret_cast<const unsigned char *>(c->text));
                p += decodeUtf8(p, se, cp);
            }
            if (k == n) {
                offs[n] = iEnd;
                srcOff = std::move(offs);
            }
        }
    }
    const auto start = [&](int i) { return srcOff ? srcOff[i] : iStart; };
    const auto end = [&](int i) { return srcOff ? srcOff[i + 1] : iEnd; };

    int flags = tflags;
    for (int i = 0; i < n;) {
        int j = i;
        while (j < n && cps[j].cjk == cps[i].cjk)
            ++j;
        // [i, j) is a run of CJK or of non-CJK code points.
        int rc = SQLITE_OK;
        if (!cps[i].cjk || j - i == 1) {
            const int off = cps[i].off;
            const int len = cps[j - 1].off + cps[j - 1].len - off;
            rc = c->xToken(c->ctx, flags, pToken + off, len, start(i), end(j - 1));
            flags = 0;
        } else {
            for (int k = i; k + 1 < j && rc == SQLITE_OK; ++k) {
                const int off = cps[k].off;
                const int len = cps[k].len + cps[k + 1].len;
                rc = c->xToken(c->ctx, flags, pToken + off, len, start(k), end(k + 1));
                flags = 0;
            }
        }
        if (rc != SQLITE_OK)
            return rc;
        i = j;
    }
    return SQLITE_OK;
}

int cjkTokenize(Fts5Tokenizer *p, void *pCtx, int flags, const char *pText, int nText, TokenFn xToken)
{
    auto *t = reinterpret_cast<CjkTokenizer *>(p);
    TokenizeContext c { pCtx, xToken, pText, nText };
    return t->parentApi.xTokenize(t->parent, &c, flags, pText, nText, onParentToken);
}

void destroyParent(void *p) { delete static_cast<ParentTokenizer *>(p); }

// ---------------------------------------------------------------------------------------------
// SQL functions.

bool parseIp(const char *text, int len, unsigned char out[16], int &bytes)
{
    if (len <= 0 || len > 45)
        return false;
    char buf[64];
    memcpy(buf, text, size_t(len));
    buf[len] = 0;
    if (inet_pton(AF_INET, buf, out) == 1) {
        bytes = 4;
        return true;
    }
    if (inet_pton(AF_INET6, buf, out) == 1) {
        bytes = 16;
        return true;
    }
    return false;
}

void ipInFunction(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (argc != 3 || sqlite3_value_type(argv[0]) != SQLITE_TEXT || sqlite3_value_type(argv[1]) != SQLITE_TEXT) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    unsigned char ip[16], net[16];
    int ipBytes = 0, netBytes = 0;
    if (!parseIp(reinterpret_cast<const char *>(sqlite3_value_text(argv[0])), sqlite3_value_bytes(argv[0]), ip, ipBytes)
        || !parseIp(reinterpret_cast<const char *>(sqlite3_value_text(argv[1])), sqlite3_value_bytes(argv[1]), net, netBytes)
        || ipBytes != netBytes) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    const int64_t bits = sqlite3_value_int64(argv[2]);
    if (bits < 0 || bits > ipBytes * 8) {
        sqlite3_result_int(ctx, 0);
        return;
    }
    const int full = int(bits / 8), rest = int(bits % 8);
    bool in = memcmp(ip, net, size_t(full)) == 0;
    if (in && rest) {
        const unsigned char mask = static_cast<unsigned char>(0xFF << (8 - rest));
        in = (ip[full] & mask) == (net[full] & mask);
    }
    sqlite3_result_int(ctx, in ? 1 : 0);
}

void nameKeyFunction(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (argc != 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const auto *p = reinterpret_cast<const char *>(sqlite3_value_text(argv[0]));
    const QByteArray key = nameKeyUtf8(QByteArrayView(p, sqlite3_value_bytes(argv[0])));
    if (key.isEmpty())
        sqlite3_result_null(ctx);
    else
        sqlite3_result_text(ctx, key.constData(), int(key.size()), SQLITE_TRANSIENT);
}

void checkedAddFunction(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    if (argc != 2 || sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    if (sqlite3_value_type(argv[0]) != SQLITE_INTEGER || sqlite3_value_type(argv[1]) != SQLITE_INTEGER) {
        sqlite3_result_error(ctx, "casebook_checked_add: not an integer", -1);
        return;
    }
    sqlite3_int64 sum = 0;
    if (__builtin_add_overflow(sqlite3_value_int64(argv[0]), sqlite3_value_int64(argv[1]), &sum)) {
        sqlite3_result_error(ctx, kCheckedAddOverflow, -1);
        return;
    }
    sqlite3_result_int64(ctx, sum);
}

int collectToken(void *pCtx, int, const char *pToken, int nToken, int, int)
{
    static_cast<QStringList *>(pCtx)->push_back(QString::fromUtf8(pToken, nToken));
    return SQLITE_OK;
}

fts5_api *fts5Api(sqlite3 *db)
{
    fts5_api *api = nullptr;
    sqlite3_stmt *s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, nullptr) != SQLITE_OK)
        return nullptr;
    sqlite3_bind_pointer(s, 1, &api, "fts5_api_ptr", nullptr);
    sqlite3_step(s);
    sqlite3_finalize(s);
    return api;
}

} // namespace

bool isCjkCodePoint(char32_t c)
{
    return (c >= 0x1100 && c <= 0x11FF) // Hangul Jamo
        || (c >= 0x2E80 && c <= 0x2FDF) // CJK radicals, Kangxi radicals
        || (c >= 0x3005 && c <= 0x3007) // 々 〆 〇
        || (c >= 0x3021 && c <= 0x3029) // Hangzhou numerals
        || (c >= 0x3031 && c <= 0x3035) // Kana repeat marks
        || (c >= 0x3040 && c <= 0x30FF) // Hiragana, Katakana
        || (c >= 0x3100 && c <= 0x31FF) // Bopomofo, Hangul compatibility Jamo, Kanbun, strokes, Katakana ext.
        || (c >= 0x3400 && c <= 0x4DBF) // CJK extension A
        || (c >= 0x4E00 && c <= 0x9FFF) // CJK unified ideographs
        || (c >= 0xA960 && c <= 0xA97F) // Hangul Jamo extended A
        || (c >= 0xAC00 && c <= 0xD7FF) // Hangul syllables, Jamo extended B
        || (c >= 0xF900 && c <= 0xFAFF) // CJK compatibility ideographs
        || (c >= 0xFF66 && c <= 0xFFDC) // half-width Katakana and Hangul
        || (c >= 0x20000 && c <= 0x3FFFF); // CJK extensions B..H, compatibility supplement
}

QString nameKey(const QString &name)
{
    QString key = name.toCaseFolded().simplified();
    while (!key.isEmpty() && (key.endsWith(u'.') || key.endsWith(u',') || key.endsWith(u' ')))
        key.chop(1);
    return key;
}

QByteArray nameKeyUtf8(QByteArrayView name)
{
    const qsizetype n = name.size();
    const char *p = name.data();
    for (qsizetype i = 0; i < n; ++i)
        if (static_cast<unsigned char>(p[i]) >= 0x80)
            return nameKey(QString::fromUtf8(name)).toUtf8();
    // ASCII (most names): lower-case, collapse whitespace, trim, drop trailing . and ,
    // (QString::simplified() collapses exactly these ASCII spaces: \t \n \v \f \r and space.)
    QByteArray key;
    key.reserve(n);
    bool space = false;
    for (qsizetype i = 0; i < n; ++i) {
        const char ch = p[i];
        if (ch == ' ' || (ch >= '\t' && ch <= '\r')) {
            space = !key.isEmpty();
            continue;
        }
        if (space)
            key.append(' ');
        space = false;
        key.append(ch >= 'A' && ch <= 'Z' ? char(ch + 32) : ch);
    }
    while (!key.isEmpty() && (key.endsWith('.') || key.endsWith(',') || key.endsWith(' ')))
        key.chop(1);
    return key;
}

Status registerSearchExtensions(sqlite3 *db)
{
    fts5_api *api = fts5Api(db);
    if (!api || api->iVersion < 2)
        return Error(Error::Code::Database, tr("This SQLite library has no FTS5 full-text search"));
    auto *parent = new ParentTokenizer;
    if (api->xFindTokenizer(api, "unicode61", &parent->context, &parent->api) != SQLITE_OK) {
        delete parent;
        return Error(Error::Code::Database, tr("SQLite's unicode61 tokenizer is missing"));
    }
    fts5_tokenizer cjk { cjkCreate, cjkDelete, cjkTokenize };
    // xCreateTokenizer takes ownership of `parent` (destroyParent), also on failure.
    if (api->xCreateTokenizer(api, kCjkTokenizerName, parent, &cjk, destroyParent) != SQLITE_OK)
        return Error(Error::Code::Database, tr("Cannot register the search tokenizer"), QString::fromUtf8(sqlite3_errmsg(db)));
    const int fflags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    if (sqlite3_create_function_v2(db, "casebook_ip_in", 3, fflags, nullptr, ipInFunction, nullptr, nullptr, nullptr) != SQLITE_OK
        || sqlite3_create_function_v2(db, "casebook_name_key", 1, fflags, nullptr, nameKeyFunction, nullptr, nullptr, nullptr) != SQLITE_OK
        || sqlite3_create_function_v2(db, "casebook_checked_add", 2, fflags, nullptr, checkedAddFunction, nullptr, nullptr, nullptr) != SQLITE_OK)
        return Error(Error::Code::Database, tr("Cannot register the search functions"), QString::fromUtf8(sqlite3_errmsg(db)));
    return ok();
}

QStringList cjkTokens(sqlite3 *db, const QString &text)
{
    QStringList out;
    fts5_api *api = fts5Api(db);
    if (!api)
        return out;
    void *ctx = nullptr;
    fts5_tokenizer tok;
    if (api->xFindTokenizer(api, kCjkTokenizerName, &ctx, &tok) != SQLITE_OK)
        return out;
    const char *args[] = { "remove_diacritics", "2" };
    Fts5Tokenizer *t = nullptr;
    if (tok.xCreate(ctx, args, 2, &t) != SQLITE_OK)
        return out;
    const QByteArray u = text.toUtf8();
    tok.xTokenize(t, &out, FTS5_TOKENIZE_DOCUMENT, u.constData(), int(u.size()), collectToken);
    tok.xDelete(t);
    return out;
}

} // namespace casebook
