// SPDX-License-Identifier: GPL-3.0-or-later
//
// Synthetic SEA archives for demos, tests and benchmarks.
//
// THE PLANTED STORY (what an investigator should find across institutions)
// ------------------------------------------------------------------------
// T0001 "Bank of Nanjing Example" (Asia/Shanghai, +08:00). Its DBA `dba.zhou` (周建国, role dba)
// normally works weekdays 08:00-19:00 from the internal address 10.12.8.31. On Sunday
// 2026-02-08, from the external address 203.0.113.77:
//   02:11:54  user.login      failure (bad password, no MFA)
//   02:13:07  user.login      success (password only, client psql)
//   02:15:32  db.query        core.customers (count)
//   02:21:40  db.export       core.customers      1 284 311 rows -> sftp://203.0.113.77/...
//   02:34:12  db.export       core.accounts       2 210 457 rows -> sftp://203.0.113.77/...
//   02:41:58  db.export       core.kyc_documents  denied (no privilege)
//   02:44:03  role.grant      grants himself `kyc-reader`
//   02:45:19  db.export       core.kyc_documents  1 284 311 rows
//   02:49:27  config.change   db.audit.log_level full -> minimal
//   02:52:44  user.logout
// Within the next 48 hours six customer accounts of T0001 send USD via the mobile channel to
// GB33BUKB20201555555555 ("Northgate Trading Ltd", BIC BUKBGB22): 2026-02-08 08:55:10, 09:12:44,
// 11:47:03 and 2026-02-09 09:03:27, 14:26:51 (all booked, 48 500.00 .. 88 420.00 USD), and
// 2026-02-09 16:58:09 (99 000.00 USD, rejected by sanctions screening). Each has a payment.create
// audit event by `svc.mobile-bff` whose source_ip is again 203.0.113.77 (the DBA's address).
// The same beneficiary account receives money in the same week at
//   T0002 "Rheinland Handelsbank Example AG" (Europe/Berlin): 2026-02-10 10:14:22, 02-11 15:02:09,
//          02-12 09:47:55 (+01:00), EUR 45 000.00, 38 750.50, 49 990.00, name "NORTHGATE TRADING LIMITED";
//   T0004 "Thames & Mercia Bank Example plc" (Europe/London): 2026-02-11 11:20:37, 02-13 16:05:12
//          (+00:00), GBP 24 000.00, 31 500.00, name "Northgate Trading Ltd.".
// The beneficiary is no customer of any tenant (absent from every accounts.csv) and appears in no
// other transaction. Each part of the story is planted only if its tenant exists and its share of
// `rows` is large enough to hold it (a few dozen rows); story rows count towards `rows`.
//
// Everything is derived from Options::seed with splitmix64; the clock is never read, so the same
// options give byte-identical archives (ZIP entry times come from the manifest's created_at; note
// that ZIP's DOS time field is written in the process's local time zone by libarchive).

#include "demogenerator.h"

#include "seawriter.h"
#include "sha256.h"
#include "timestamp.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QSet>
#include <QTimeZone>

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <type_traits>
#include <vector>

using namespace Qt::StringLiterals;

namespace casebook::demo {

namespace {

    QString tr(const char* s) { return QCoreApplication::translate("DemoGenerator", s); }

    __extension__ typedef unsigned __int128 u128;

    constexpr int64_t kPartRecords = 250000;
    constexpr int64_t kTick = 10000;
    constexpr int kYear = 2026;
    constexpr int kDays = 90; // 2026-01-01 .. 2026-03-31
    constexpr int64_t kDayMs = 86400000;
    constexpr int64_t kHourMs = 3600000;

    // ---------------------------------------------------------------------------------------------
    // Randomness: splitmix64. Small, fast, and good enough for synthetic data.

    uint64_t splitmix(uint64_t& state)
    {
        uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    uint64_t mix(uint64_t a, uint64_t b, uint64_t c = 0)
    {
        uint64_t s = a ^ (b * 0xD6E8FEB86659FD93ULL) ^ (c * 0xA0761D6478BD642FULL);
        splitmix(s);
        return splitmix(s);
    }

    struct Rng
    {
        uint64_t s;
        explicit Rng(uint64_t seed)
            : s(seed)
        {
        }
        uint64_t next() { return splitmix(s); }
        /// Uniform in [0, n); n > 0.
        uint64_t below(uint64_t n) { return uint64_t((u128(next()) * n) >> 64); }
        int64_t range(int64_t lo, int64_t hi) { return lo + int64_t(below(uint64_t(hi - lo + 1))); } ///< inclusive
        bool permille(int p) { return below(1000) < uint64_t(p); }
        template <typename T, size_t N> const T& pick(const T (&a)[N]) { return a[below(N)]; }
    };

    /// Index into `weights` (non-negative, at least one positive) chosen proportionally.
    template <size_t N> int weighted(Rng& r, const int (&weights)[N])
    {
        int total = 0;
        for (int w : weights)
            total += w;
        int x = int(r.below(uint64_t(total)));
        for (size_t i = 0; i < N; ++i) {
            if (x < weights[i])
                return int(i);
            x -= weights[i];
        }
        return int(N - 1);
    }

    // ---------------------------------------------------------------------------------------------
    // Text building. The inner loops only append bytes; no QString, no arg(), no floating point.

    /// Append-only byte buffer for the hot loops. QByteArray::append goes through insert() and costs
    /// several times a memcpy; this keeps a raw cursor and grows geometrically.
    class Buf
    {
    public:
        Q_ALWAYS_INLINE void append(const char* s, qsizetype n)
        {
            if (n <= 0) // memcpy must not see the null pointers of an unallocated buffer or view
                return;
            if (m_end - m_p < n)
                grow(n);
            std::memcpy(m_p, s, size_t(n));
            m_p += n;
        }
        Q_ALWAYS_INLINE void append(char c)
        {
            if (m_p == m_end)
                grow(1);
            *m_p++ = c;
        }
        void append(const char* s) { append(s, qsizetype(std::strlen(s))); }
        void append(QByteArrayView v) { append(v.data(), v.size()); }
        void append(const QByteArray& b) { append(b.constData(), b.size()); }
        void reserve(qsizetype n)
        {
            if (m_end - m_p < n)
                grow(n);
        }
        /// Room for exactly `n` bytes the caller writes at once.
        Q_ALWAYS_INLINE char* grab(qsizetype n)
        {
            if (m_end - m_p < n)
                grow(n);
            char* p = m_p;
            m_p += n;
            return p;
        }
        qsizetype size() const { return m_p - m_begin; }
        bool isEmpty() const { return m_p == m_begin; }
        void clear() { m_p = m_begin; }
        QByteArrayView view() const { return QByteArrayView(m_begin, size()); }
        /// The bytes written so far; the buffer is empty (and unallocated) afterwards.
        QByteArray take()
        {
            m_data.resize(size());
            QByteArray out = std::move(m_data);
            m_data = QByteArray();
            m_begin = m_p = m_end = nullptr;
            return out;
        }

    private:
        void grow(qsizetype need)
        {
            const qsizetype used = size();
            const qsizetype cap = std::max({ used + need, 2 * qsizetype(m_end - m_begin), qsizetype(256) });
            m_data.resize(cap); // Qt 6: new bytes are left uninitialised
            m_begin = m_data.data();
            m_p = m_begin + used;
            m_end = m_begin + cap;
        }

        QByteArray m_data;
        char* m_begin = nullptr;
        char* m_p = nullptr;
        char* m_end = nullptr;
    };

    /// Appends a string literal without strlen().
    template <typename O, size_t N> void lit(O& out, const char (&s)[N]) { out.append(s, qsizetype(N - 1)); }

    template <typename O> void appendUInt(O& out, uint64_t v)
    {
        char buf[20];
        int i = 20;
        do {
            buf[--i] = char('0' + v % 10);
            v /= 10;
        } while (v);
        out.append(buf + i, 20 - i);
    }

    /// `v` in exactly `width` digits (zero-padded; higher digits are dropped).
    template <typename O> void appendPadded(O& out, uint64_t v, int width)
    {
        char buf[24] = {};
        char* p = buf;
        if constexpr (std::is_same_v<O, Buf>)
            p = out.grab(width);
        for (int i = width - 1; i >= 0; --i) {
            p[i] = char('0' + v % 10);
            v /= 10;
        }
        if constexpr (!std::is_same_v<O, Buf>)
            out.append(buf, width);
    }

    template <typename O> void appendHex(O& out, uint64_t v, int digits, bool upper = false)
    {
        const char* hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        char buf[16];
        for (int i = digits - 1; i >= 0; --i) {
            buf[i] = hex[v & 15];
            v >>= 4;
        }
        out.append(buf, digits);
    }

    template <typename O> void appendDigits(O& out, Rng& r, int n)
    {
        char buf[32] = {};
        char* p = buf;
        if constexpr (std::is_same_v<O, Buf>)
            p = out.grab(n);
        for (int i = 0; i < n; ++i)
            p[i] = char('0' + r.below(10));
        if constexpr (!std::is_same_v<O, Buf>)
            out.append(buf, n);
    }

    /// JSON string with quotes; escapes what RFC 8259 requires. UTF-8 passes through.
    template <typename O> void appendJsonStr(O& out, QByteArrayView s)
    {
        out.append('"');
        for (char c : s) {
            const auto u = static_cast<unsigned char>(c);
            if (c == '"' || c == '\\') {
                out.append('\\');
                out.append(c);
            } else if (u < 0x20) {
                switch (c) {
                case '\n':
                    lit(out, "\\n");
                    break;
                case '\r':
                    lit(out, "\\r");
                    break;
                case '\t':
                    lit(out, "\\t");
                    break;
                default:
                    lit(out, "\\u00");
                    appendHex(out, u, 2);
                }
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    /// `"key":"value"` with a leading comma. Keys are ours (plain ASCII); the value is escaped.
    template <typename O> void jsonField(O& out, const char* key, QByteArrayView value)
    {
        lit(out, ",\"");
        out.append(key);
        lit(out, "\":");
        appendJsonStr(out, value);
    }

    /// RFC 4180 field: quoted (with "" for ") only when it holds a separator, quote or line break.
    template <typename O> void appendCsv(O& out, QByteArrayView s)
    {
        bool quote = false;
        for (char c : s) {
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                quote = true;
                break;
            }
        }
        if (!quote) {
            out.append(s.data(), s.size());
            return;
        }
        out.append('"');
        for (char c : s) {
            if (c == '"')
                out.append('"');
            out.append(c);
        }
        out.append('"');
    }

    // ---------------------------------------------------------------------------------------------
    // Calendar and time zones.

    void civilFromDays(int64_t z, int& y, int& m, int& d)
    {
        z += 719468;
        const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        const unsigned doe = unsigned(z - era * 146097);
        const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const int64_t yy = int64_t(yoe) + era * 400;
        const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        const unsigned mp = (5 * doy + 2) / 153;
        d = int(doy - (153 * mp + 2) / 5 + 1);
        m = int(mp < 10 ? mp + 3 : mp - 9);
        y = int(yy + (m <= 2));
    }

    int64_t floorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

    /// 0 = Sunday .. 6 = Saturday.
    int weekday(int64_t days) { return int(((days % 7) + 11) % 7); }

    template <typename O> void appendDate(O& out, int64_t days)
    {
        int y, m, d;
        civilFromDays(days, y, m, d);
        appendPadded(out, uint64_t(y), 4);
        out.append('-');
        appendPadded(out, uint64_t(m), 2);
        out.append('-');
        appendPadded(out, uint64_t(d), 2);
    }

    template <typename O> void appendOffset(O& out, int offsetSeconds)
    {
        const int a = offsetSeconds < 0 ? -offsetSeconds : offsetSeconds;
        out.append(offsetSeconds < 0 ? '-' : '+');
        appendPadded(out, uint64_t(a / 3600), 2);
        out.append(':');
        appendPadded(out, uint64_t((a / 60) % 60), 2);
    }

    /// RFC 3339 with the zone's offset at that instant, e.g. 2026-01-05T09:31:02.125+08:00.
    template <typename O> void appendTs(O& out, int64_t utcMs, int offsetSeconds, bool withMs)
    {
        const int64_t local = utcMs + offsetSeconds * 1000LL;
        const int64_t days = floorDiv(local, kDayMs);
        const int64_t msOfDay = local - days * kDayMs;
        appendDate(out, days);
        out.append('T');
        appendPadded(out, uint64_t(msOfDay / kHourMs), 2);
        out.append(':');
        appendPadded(out, uint64_t((msOfDay / 60000) % 60), 2);
        out.append(':');
        appendPadded(out, uint64_t((msOfDay / 1000) % 60), 2);
        if (withMs) {
            out.append('.');
            appendPadded(out, uint64_t(msOfDay % 1000), 3);
        }
        appendOffset(out, offsetSeconds);
    }

    /// UTC offsets of one zone in 15-minute steps around the period: QTimeZone is far too slow to ask
    /// per row, and every real-world transition falls on a quarter hour.
    class ZoneCache
    {
    public:
        bool init(const QByteArray& ianaId)
        {
            const QTimeZone tz(ianaId);
            if (!tz.isValid())
                return false;
            m_start = (daysFromCivil(kYear - 1, 12, 30)) * 86400;
            const int nSlots = (kDays + 6) * 96;
            m_off.resize(size_t(nSlots));
            for (int i = 0; i < nSlots; ++i)
                m_off[size_t(i)]
                    = tz.offsetFromUtc(QDateTime::fromSecsSinceEpoch(m_start + i * 900LL, QTimeZone::utc()));
            return true;
        }
        int offsetAt(int64_t utcMs) const
        {
            int64_t i = floorDiv(floorDiv(utcMs, 1000) - m_start, 900);
            i = std::clamp<int64_t>(i, 0, int64_t(m_off.size()) - 1);
            return m_off[size_t(i)];
        }
        /// Local wall time (as if it were UTC) to UTC. A wall time in a daylight-saving gap comes out
        /// one hour later; the caller always prints offsetAt(result), so text and instant agree.
        int64_t wallToUtc(int64_t wallMs) const
        {
            const int off = offsetAt(wallMs - offsetAt(wallMs) * 1000LL);
            return wallMs - off * 1000LL;
        }

    private:
        int64_t m_start = 0;
        std::vector<int> m_off;
    };

    // ---------------------------------------------------------------------------------------------
    // Names, companies and memos, by cultural pool.

    struct Part
    {
        const char* text;
        const char* ascii; ///< romanisation for user ids
    };

    enum Pool { ZH, JA, KO, RU, DE, EU, EN, US, IN, PT, MISC, PoolCount };

    const Part zhFamily[] = { { "王", "wang" }, { "李", "li" }, { "张", "zhang" }, { "刘", "liu" }, { "陈", "chen" },
        { "杨", "yang" }, { "赵", "zhao" }, { "黄", "huang" }, { "周", "zhou" }, { "吴", "wu" }, { "徐", "xu" },
        { "孙", "sun" }, { "胡", "hu" }, { "朱", "zhu" }, { "高", "gao" }, { "林", "lin" }, { "何", "he" },
        { "郭", "guo" }, { "马", "ma" }, { "罗", "luo" }, { "梁", "liang" }, { "宋", "song" }, { "郑", "zheng" },
        { "谢", "xie" } };
    const Part zhGiven[] = { { "芳", "fang" }, { "伟", "wei" }, { "敏", "min" }, { "静", "jing" }, { "丽", "li" },
        { "强", "qiang" }, { "磊", "lei" }, { "军", "jun" }, { "洋", "yang" }, { "勇", "yong" }, { "艳", "yan" },
        { "杰", "jie" }, { "娟", "juan" }, { "涛", "tao" }, { "明", "ming" }, { "超", "chao" }, { "秀英", "xiuying" },
        { "霞", "xia" }, { "平", "ping" }, { "刚", "gang" }, { "桂英", "guiying" }, { "婷", "ting" },
        { "浩然", "haoran" }, { "子涵", "zihan" }, { "雨桐", "yutong" }, { "欣怡", "xinyi" }, { "宇轩", "yuxuan" } };
    const Part jaFamily[] = { { "佐藤", "sato" }, { "鈴木", "suzuki" }, { "高橋", "takahashi" }, { "田中", "tanaka" },
        { "伊藤", "ito" }, { "渡辺", "watanabe" }, { "山本", "yamamoto" }, { "中村", "nakamura" },
        { "小林", "kobayashi" }, { "加藤", "kato" }, { "吉田", "yoshida" }, { "山田", "yamada" } };
    const Part jaGiven[] = { { "翔太", "shota" }, { "陽菜", "hina" }, { "蓮", "ren" }, { "結衣", "yui" },
        { "大翔", "hiroto" }, { "さくら", "sakura" }, { "健一", "kenichi" }, { "美咲", "misaki" }, { "悠真", "yuma" },
        { "葵", "aoi" }, { "拓也", "takuya" }, { "恵子", "keiko" } };
    const Part koFamily[] = { { "김", "kim" }, { "이", "lee" }, { "박", "park" }, { "최", "choi" }, { "정", "jung" },
        { "강", "kang" }, { "조", "cho" }, { "윤", "yoon" } };
    const Part koGiven[] = { { "민준", "minjun" }, { "서연", "seoyeon" }, { "지훈", "jihoon" }, { "지우", "jiwoo" },
        { "하은", "haeun" }, { "도윤", "doyoon" }, { "수빈", "subin" }, { "현우", "hyunwoo" } };
    // Russian surnames agree with the given name's gender, so these are whole names.
    const Part ruFull[] = { { "Иван Иванов", "ivanov" }, { "Ольга Смирнова", "smirnova" },
        { "Дмитрий Кузнецов", "kuznetsov" }, { "Анна Попова", "popova" }, { "Сергей Соколов", "sokolov" },
        { "Наталья Лебедева", "lebedeva" }, { "Алексей Козлов", "kozlov" }, { "Екатерина Новикова", "novikova" },
        { "Тарас Шевченко", "shevchenko" }, { "Олена Коваленко", "kovalenko" } };
    const Part deGiven[] = { { "Jürgen", "juergen" }, { "Zoë", "zoe" }, { "Lukas", "lukas" }, { "Anna", "anna" },
        { "Matthias", "matthias" }, { "Sabine", "sabine" }, { "Jörg", "joerg" }, { "Katrin", "katrin" },
        { "Felix", "felix" }, { "Lena", "lena" }, { "Björn", "bjoern" }, { "Ute", "ute" } };
    const Part deFamily[] = { { "Müller", "mueller" }, { "Schmidt", "schmidt" }, { "Schneider", "schneider" },
        { "Fischer", "fischer" }, { "Weber", "weber" }, { "Meyer", "meyer" }, { "Wagner", "wagner" },
        { "Becker", "becker" }, { "Schäfer", "schaefer" }, { "Koch", "koch" }, { "Bauer", "bauer" },
        { "Groß", "gross" }, { "Köhler", "koehler" }, { "Weiß", "weiss" }, { "Yılmaz", "yilmaz" } };
    const Part euGiven[] = { { "François", "francois" }, { "Hélène", "helene" }, { "José", "jose" },
        { "María", "maria" }, { "Łukasz", "lukasz" }, { "Małgorzata", "malgorzata" }, { "Søren", "soren" },
        { "Åsa", "asa" }, { "Núria", "nuria" }, { "Zoé", "zoe" }, { "Ana-María", "anamaria" }, { "Jiří", "jiri" } };
    const Part euFamily[]
        = { { "Lefèvre", "lefevre" }, { "Dubois", "dubois" }, { "Álvarez", "alvarez" }, { "Núñez", "nunez" },
              { "Wróbel", "wrobel" }, { "Żak", "zak" }, { "Kierkegård", "kierkegard" }, { "Ångström", "angstrom" },
              { "García", "garcia" }, { "Moreau", "moreau" }, { "Ibáñez", "ibanez" }, { "Dvořák", "dvorak" } };
    const Part enGiven[] = { { "Oliver", "oliver" }, { "Amelia", "amelia" }, { "Harry", "harry" }, { "Isla", "isla" },
        { "George", "george" }, { "Olivia", "olivia" }, { "Jack", "jack" }, { "Emily", "emily" },
        { "Siobhán", "siobhan" }, { "Niamh", "niamh" }, { "Rhys", "rhys" }, { "Priya", "priya" } };
    const Part enFamily[]
        = { { "Smith", "smith" }, { "Jones", "jones" }, { "Williams", "williams" }, { "Taylor", "taylor" },
              { "Brown", "brown" }, { "Davies", "davies" }, { "Evans", "evans" }, { "Wilson", "wilson" },
              { "O'Brien", "obrien" }, { "Patel", "patel" }, { "Khan", "khan" }, { "MacLeod", "macleod" } };
    const Part usGiven[]
        = { { "James", "james" }, { "Mary", "mary" }, { "Michael", "michael" }, { "Jennifer", "jennifer" },
              { "Robert", "robert" }, { "Linda", "linda" }, { "DeShawn", "deshawn" }, { "Ximena", "ximena" },
              { "Carlos", "carlos" }, { "Mei", "mei" }, { "Tyler", "tyler" }, { "Aaliyah", "aaliyah" } };
    const Part usFamily[] = { { "Johnson", "johnson" }, { "Garcia", "garcia" }, { "Miller", "miller" },
        { "Rodriguez", "rodriguez" }, { "Nguyen", "nguyen" }, { "Kim", "kim" }, { "Martinez", "martinez" },
        { "Lee", "lee" }, { "Washington", "washington" }, { "Cohen", "cohen" }, { "O'Connor", "oconnor" },
        { "Kowalski", "kowalski" } };
    const Part inGiven[] = { { "Priya", "priya" }, { "Rahul", "rahul" }, { "Ananya", "ananya" }, { "Arjun", "arjun" },
        { "Sanjay", "sanjay" }, { "Lakshmi", "lakshmi" }, { "अनिल", "anil" }, { "सुनीता", "sunita" } };
    const Part inFamily[] = { { "Sharma", "sharma" }, { "Verma", "verma" }, { "Iyer", "iyer" }, { "Reddy", "reddy" },
        { "Gupta", "gupta" }, { "Nair", "nair" }, { "शर्मा", "sharma" }, { "Banerjee", "banerjee" } };
    const Part ptGiven[] = { { "João", "joao" }, { "Maria Conceição", "mariaconceicao" }, { "Luís", "luis" },
        { "Ana Luíza", "analuiza" }, { "Thiago", "thiago" }, { "Beatriz", "beatriz" } };
    const Part ptFamily[] = { { "Silva", "silva" }, { "Souza", "souza" }, { "Gonçalves", "goncalves" },
        { "Pereira", "pereira" }, { "Araújo", "araujo" }, { "Conceição", "conceicao" } };
    const Part miscFull[] = { { "محمد العلي", "alali" }, { "فاطمة الزهراء", "alzahra" },
        { "Ελένη Παπαδοπούλου", "papadopoulou" }, { "Γιώργος Νικολάου", "nikolaou" }, { "דוד כהן", "cohen" },
        { "Nguyễn Văn An", "nguyen" }, { "สมชาย ใจดี", "jaidee" }, { "Αλέξανδρος Κ.", "alexandros" } };

    const char* const zhCompanies[] = { "南京示例贸易有限公司", "江苏示例电子科技有限公司", "上海示例物流有限公司",
        "Shenzhen Example Electronics Co., Ltd.", "杭州示例网络科技有限公司" };
    const char* const jaCompanies[]
        = { "株式会社サクラ商事", "東京例示物産株式会社", "みなと例示工業株式会社", "Example Trading K.K." };
    const char* const koCompanies[] = { "한빛예시무역 주식회사", "서울예시전자(주)" };
    const char* const ruCompanies[] = { "ООО «Пример-Трейд»", "АО «Северный Пример»" };
    const char* const deCompanies[] = { "Müller & Söhne GmbH", "Nordwind Logistik GmbH & Co. KG", "Bäckerei Groß e.K.",
        "Rheinische Beispiel-Werke AG" };
    const char* const euCompanies[]
        = { "Société Exemple SARL", "Ejemplo Construcciones S.L.", "Przykład Sp. z o.o.", "Esempio Moda S.p.A." };
    const char* const enCompanies[] = { "Thames Example Holdings plc", "Smith, Jones & Partners LLP",
        "The \"Red Lion\" Example Pub Ltd", "Pennine Example Haulage Ltd" };
    const char* const usCompanies[] = { "ACME \"Global\" Trading, Inc.", "Hudson Example Capital LLC",
        "Blue Ridge Example Farms, Inc.", "Lakeside Example Dental PLLC" };
    const char* const inCompanies[] = { "Deccan Example Textiles Pvt. Ltd.", "Konkan Example Spices LLP" };
    const char* const ptCompanies[] = { "Exemplo Comércio Ltda.", "Paulista Exemplo Transportes S.A." };
    const char* const miscCompanies[] = { "شركة المثال للتجارة", "Παράδειγμα Α.Ε.", "Example Pte. Ltd." };

    const char* const zhMemos[] = { "货款", "工资 1月", "房租", "家庭生活费", "退款", "服务费", "学费", "还款" };
    const char* const jaMemos[] = { "保険料 2月分", "給与", "家賃", "返金", "仕入代金" };
    const char* const koMemos[] = { "월세", "급여", "환불" };
    const char* const ruMemos[] = { "Оплата по счёту №17", "Аренда", "Зарплата" };
    const char* const deMemos[] = { "Miete Februar", "Rechnung 2026-0142", "Gehalt", "Rückerstattung", "Überweisung" };
    const char* const euMemos[] = { "Facture 2026-118", "Alquiler", "Faktura VAT 12/2026", "Remboursement" };
    const char* const enMemos[] = { "Rent – flat 3B", "Invoice 1142", "Salary", "Refund", "School fees", "Birthday £" };
    const char* const usMemos[] = { "Payroll", "Invoice #4471", "Rent", "Tuition", "Brokerage transfer" };
    const char* const inMemos[] = { "Rent", "Salary", "किराया" };
    const char* const ptMemos[] = { "Aluguel", "Salário", "Pagamento fatura" };
    const char* const miscMemos[] = { "إيجار", "Ενοίκιο", "Invoice" };

    // Names that exercise CSV and JSON quoting (commas, quotes, a line break).
    const char* const trickyNames[] = { "Smith, John", "O'Brien, Siobhán", "ACME \"Global\" Trading, Inc.",
        "Shenzhen Example Electronics Co., Ltd.", "Müller & Söhne GmbH, Zweigniederlassung Köln",
        "\"Nordwind\" Logistik GmbH", "Li, Wei (李伟)", "Doe, Jane \"JJ\"", "Example Holdings Ltd\nc/o Trust Dept." };
    const char* const trickyMemos[] = { "Invoice 2026-0142\nPO 7781", "第一行\n第二行", "Ref \"urgent\" – see email",
        "Rent, Feb, flat 3B", "Line 1\r\nLine 2" };

    struct PoolDef
    {
        const Part* family = nullptr;
        int nFamily = 0;
        const Part* given = nullptr;
        int nGiven = 0;
        const Part* full = nullptr; ///< whole names instead of family/given
        int nFull = 0;
        bool familyFirst = false;
        const char* const* companies = nullptr;
        int nCompanies = 0;
        const char* const* memos = nullptr;
        int nMemos = 0;
    };

#define CB_N(a) int(std::size(a))
    const PoolDef kPools[PoolCount] = {
        { zhFamily, CB_N(zhFamily), zhGiven, CB_N(zhGiven), nullptr, 0, true, zhCompanies, CB_N(zhCompanies), zhMemos,
            CB_N(zhMemos) },
        { jaFamily, CB_N(jaFamily), jaGiven, CB_N(jaGiven), nullptr, 0, true, jaCompanies, CB_N(jaCompanies), jaMemos,
            CB_N(jaMemos) },
        { koFamily, CB_N(koFamily), koGiven, CB_N(koGiven), nullptr, 0, true, koCompanies, CB_N(koCompanies), koMemos,
            CB_N(koMemos) },
        { nullptr, 0, nullptr, 0, ruFull, CB_N(ruFull), false, ruCompanies, CB_N(ruCompanies), ruMemos, CB_N(ruMemos) },
        { deFamily, CB_N(deFamily), deGiven, CB_N(deGiven), nullptr, 0, false, deCompanies, CB_N(deCompanies), deMemos,
            CB_N(deMemos) },
        { euFamily, CB_N(euFamily), euGiven, CB_N(euGiven), nullptr, 0, false, euCompanies, CB_N(euCompanies), euMemos,
            CB_N(euMemos) },
        { enFamily, CB_N(enFamily), enGiven, CB_N(enGiven), nullptr, 0, false, enCompanies, CB_N(enCompanies), enMemos,
            CB_N(enMemos) },
        { usFamily, CB_N(usFamily), usGiven, CB_N(usGiven), nullptr, 0, false, usCompanies, CB_N(usCompanies), usMemos,
            CB_N(usMemos) },
        { inFamily, CB_N(inFamily), inGiven, CB_N(inGiven), nullptr, 0, false, inCompanies, CB_N(inCompanies), inMemos,
            CB_N(inMemos) },
        { ptFamily, CB_N(ptFamily), ptGiven, CB_N(ptGiven), nullptr, 0, false, ptCompanies, CB_N(ptCompanies), ptMemos,
            CB_N(ptMemos) },
        { nullptr, 0, nullptr, 0, miscFull, CB_N(miscFull), false, miscCompanies, CB_N(miscCompanies), miscMemos,
            CB_N(miscMemos) },
    };
#undef CB_N

    /// Appends a person's name; returns the romanised family name (for user ids).
    template <typename O> const char* appendPerson(O& out, Rng& r, Pool pool)
    {
        const PoolDef& p = kPools[pool];
        if (p.full) {
            const Part& f = p.full[r.below(uint64_t(p.nFull))];
            out.append(f.text);
            return f.ascii;
        }
        const Part& fam = p.family[r.below(uint64_t(p.nFamily))];
        const Part& giv = p.given[r.below(uint64_t(p.nGiven))];
        if (p.familyFirst) {
            out.append(fam.text);
            out.append(giv.text);
        } else {
            out.append(giv.text);
            out.append(' ');
            out.append(fam.text);
        }
        return fam.ascii;
    }

    struct Mix
    {
        Pool pool;
        int weight;
    };

    // ---------------------------------------------------------------------------------------------
    // Institutions.

    struct AccountFormat
    {
        const char* ibanCountry; ///< null: domestic number without IBAN
        const char* bankCode; ///< tenant's own bank code (IBAN BBAN prefix, or domestic prefix)
        int digits; ///< random digits after the bank code
    };

    struct Profile
    {
        const char* name;
        const char* kind;
        const char* zone;
        const char* currency;
        const char* bic;
        const char* leiPrefix;
        AccountFormat account;
        const char* ipPrefix; ///< staff network, e.g. "10.12."
        Mix mix[6];
        int holidays[10]; ///< month * 100 + day, 0-terminated
        const char* peerBics[4]; ///< other domestic banks
    };

    const Profile kProfiles[] = {
        { "Bank of Nanjing Example", "bank", "Asia/Shanghai", "CNY", "BNJECNBN", "5493", { nullptr, "6217", 15 },
            "10.12.", { { ZH, 88 }, { EN, 3 }, { US, 2 }, { JA, 3 }, { KO, 2 }, { RU, 2 } },
            { 101, 216, 217, 218, 219, 220, 223, 0 }, { "HXBKCNBJ", "YZRBCNSH", "PJDBCNBJ", "JSCBCNNJ" } },
        { "Rheinland Handelsbank Example AG", "bank", "Europe/Berlin", "EUR", "RHHBDEFF", "3912",
            { "DE", "36010999", 10 }, "10.49.",
            { { DE, 72 }, { EU, 12 }, { RU, 5 }, { EN, 4 }, { MISC, 4 }, { ZH, 3 } }, { 101, 0 },
            { "SPKKDE2K", "VOBADE3M", "BSPKDEHH", "LNDBDEM1" } },
        { "Sakura Mutual Insurance Example", "insurer", "Asia/Tokyo", "JPY", "SAKUJPJT", "3538",
            { nullptr, "0999", 10 }, "10.81.", { { JA, 90 }, { EN, 3 }, { ZH, 3 }, { KO, 2 }, { US, 2 }, { EU, 0 } },
            { 101, 102, 112, 211, 223, 320, 0 }, { "MZHOJPJT", "KSKBJPJT", "OSKBJPJO", "YKHMJPJY" } },
        { "Thames & Mercia Bank Example plc", "bank", "Europe/London", "GBP", "TMBKGB2L", "2138", { "GB", "TMBK", 14 },
            "10.44.", { { EN, 70 }, { EU, 10 }, { IN, 8 }, { MISC, 5 }, { ZH, 4 }, { RU, 3 } }, { 101, 0 },
            { "NWSTGB2L", "LLOYGB2L", "MERCGB2L", "YORKGB2L" } },
        { "Hudson Street Brokerage Example LLC", "broker", "America/New_York", "USD", "HUDSUS33", "5493",
            { nullptr, "0260", 10 }, "10.1.", { { US, 75 }, { EN, 6 }, { ZH, 6 }, { KO, 4 }, { PT, 4 }, { MISC, 5 } },
            { 101, 119, 216, 0 }, { "CHASUS33", "BOFAUS3N", "WFBIUS6S", "CITIUS33" } },
        { "Banque Exemple de Lyon SA", "bank", "Europe/Paris", "EUR", "BQLYFRPP", "9695", { "FR", "1234500001", 13 },
            "10.33.", { { EU, 75 }, { DE, 6 }, { EN, 5 }, { MISC, 8 }, { PT, 3 }, { ZH, 3 } }, { 101, 0 },
            { "BNPAFRPP", "SOGEFRPP", "AGRIFRPP", "CMCIFRPP" } },
        { "Hanbit Example Securities", "broker", "Asia/Seoul", "KRW", "HNBTKRSE", "9884", { nullptr, "110", 9 },
            "10.82.", { { KO, 90 }, { EN, 3 }, { ZH, 3 }, { JA, 2 }, { US, 2 }, { EU, 0 } },
            { 101, 216, 217, 218, 302, 0 }, { "HVBKKRSE", "KOEXKRSE", "NACFKRSE", "SHBKKRSE" } },
        { "Southern Cross Example Insurance Ltd", "insurer", "Australia/Sydney", "AUD", "SCEXAU2S", "2549",
            { nullptr, "062000", 9 }, "10.61.",
            { { EN, 70 }, { ZH, 10 }, { IN, 6 }, { EU, 6 }, { KO, 4 }, { MISC, 4 } }, { 101, 126, 0 },
            { "CTBAAU2S", "NATAAU33", "WPACAU2S", "ANZBAU3M" } },
        { "Deccan Example Bank Ltd", "bank", "Asia/Kolkata", "INR", "DECXINBB", "3358", { nullptr, "5010", 10 },
            "10.91.", { { IN, 88 }, { EN, 6 }, { MISC, 3 }, { US, 3 }, { ZH, 0 }, { EU, 0 } }, { 126, 304, 0 },
            { "SBININBB", "HDFCINBB", "ICICINBB", "UTIBINBB" } },
        { "Banco Exemplo Paulista S.A.", "bank", "America/Sao_Paulo", "BRL", "BEXPBRSP", "2549", { nullptr, "0341", 9 },
            "10.55.", { { PT, 85 }, { EU, 6 }, { JA, 4 }, { EN, 3 }, { MISC, 2 }, { ZH, 0 } }, { 101, 216, 217, 0 },
            { "BRASBRRJ", "ITAUBRSP", "BRADBRSP", "CEFXBRSP" } },
        { "Helvetia Example Privatbank AG", "bank", "Europe/Zurich", "CHF", "HEPBCHZZ", "5067", { "CH", "08390", 12 },
            "10.41.", { { DE, 50 }, { EU, 25 }, { RU, 8 }, { EN, 7 }, { MISC, 6 }, { ZH, 4 } }, { 101, 102, 0 },
            { "UBSWCHZH", "ZKBKCHZZ", "RAIFCH22", "POFICHBE" } },
        { "Lion City Example Brokers Pte Ltd", "broker", "Asia/Singapore", "SGD", "LCEBSGSG", "5493",
            { nullptr, "7171", 9 }, "10.65.", { { ZH, 45 }, { EN, 30 }, { IN, 12 }, { MISC, 8 }, { KO, 3 }, { JA, 2 } },
            { 101, 217, 218, 0 }, { "DBSSSGSG", "OCBCSGSG", "UOVBSGSG", "SCBLSGSG" } },
    };
    constexpr int kProfileCount = int(std::size(kProfiles));

    struct Currency
    {
        const char* code;
        int decimals;
    };
    const Currency kForeignCurrencies[] = { { "USD", 2 }, { "EUR", 2 }, { "GBP", 2 }, { "CNY", 2 }, { "JPY", 0 },
        { "CHF", 2 }, { "HKD", 2 }, { "SGD", 2 } };

    int currencyDecimals(const char* code)
    {
        for (const char* z : { "JPY", "KRW", "CLP", "VND" })
            if (qstrcmp(code, z) == 0)
                return 0;
        return 2;
    }

    // Foreign counterparties: IBAN countries with their BBAN layout, plus a few domestic formats.
    struct ForeignBank
    {
        const char* ibanCountry; ///< null: domestic digits
        const char* bankCode;
        int digits;
        const char* bic;
        Pool pool;
    };
    const ForeignBank kForeignBanks[] = {
        { "DE", "50070010", 10, "DEUTDEFF", DE },
        { "FR", "3000600001", 13, "AGRIFRPP", EU },
        { "NL", "ABNA", 10, "ABNANL2A", EU },
        { "GB", "NWBK601613", 8, "NWBKGB2L", EN },
        { "CH", "00762", 12, "UBSWCHZH", DE },
        { "ES", "21000418", 12, "CAIXESBB", EU },
        { "IT", "X0542811101", 12, "BCITITMM", EU },
        { nullptr, "0210", 8, "CHASUS33", US },
        { nullptr, "6222", 15, "ICBKCNBJ", ZH },
        { nullptr, "0005", 10, "MHCBJPJT", JA },
        { "AE", "033", 16, "EBILAEAD", MISC },
        { nullptr, "004", 9, "HSBCHKHH", ZH },
    };

    /// ISO 7064 mod 97-10 over digits and letters (A = 10 .. Z = 35), as IBAN and LEI use it.
    int mod97(QByteArrayView s)
    {
        int r = 0;
        for (char c : s) {
            if (c >= '0' && c <= '9')
                r = (r * 10 + (c - '0')) % 97;
            else if (c >= 'A' && c <= 'Z')
                r = (r * 100 + (c - 'A' + 10)) % 97;
        }
        return r;
    }

    /// Appends an IBAN (valid check digits) or a domestic number. With `otherBank`, the bank code is
    /// replaced by a random one of the same shape (digits stay digits, letters stay letters).
    template <typename O>
    void appendAccountNumber(
        O& out, Rng& r, const char* ibanCountry, const char* bankCode, int digits, bool otherBank = false)
    {
        char bban[48];
        int n = 0;
        for (const char* p = bankCode; *p; ++p) {
            char c = *p;
            if (otherBank)
                c = (c >= 'A' && c <= 'Z') ? char('A' + r.below(26)) : char('0' + r.below(10));
            bban[n++] = c;
        }
        for (int i = 0; i < digits; ++i)
            bban[n++] = char('0' + r.below(10));
        if (!ibanCountry) {
            out.append(bban, n);
            return;
        }
        char tmp[56];
        std::copy(bban, bban + n, tmp);
        tmp[n] = ibanCountry[0];
        tmp[n + 1] = ibanCountry[1];
        tmp[n + 2] = '0';
        tmp[n + 3] = '0';
        const int check = 98 - mod97(QByteArrayView(tmp, n + 4));
        out.append(ibanCountry, 2);
        appendPadded(out, uint64_t(check), 2);
        out.append(bban, n);
    }

    // ---------------------------------------------------------------------------------------------
    // Tenants, accounts and staff.

    struct Account
    {
        QByteArray number;
        QByteArray holder;
        bool company = false;
    };

    enum Role { Teller, Manager, Dba, Ops, Compliance, Auditor, Trader, Claims, Underwriter, Service, RoleCount };
    const char* const kRoleNames[RoleCount] = { "teller", "branch-manager", "dba", "ops-admin", "compliance", "auditor",
        "trader", "claims-handler", "underwriter", "api-service" };
    const char* const kRolePrefix[RoleCount]
        = { "teller", "mgr", "dba", "ops", "compliance", "audit", "trader", "claims", "uw", "svc" };
    const int kRoleWeight[RoleCount] = { 10, 6, 4, 4, 5, 2, 10, 8, 6, 0 };

    struct Actor
    {
        QByteArray id;
        QByteArray name; ///< empty for services
        QByteArray ip; ///< usual source address
        Role role = Teller;
    };

    enum Svc { SvcMobile, SvcPayments, SvcScreen, SvcBatch, SvcCount };
    const char* const kServiceIds[SvcCount]
        = { "svc.mobile-bff", "svc.payments-gw", "svc.sanctions-screen", "svc.core-batch" };

    struct Tenant
    {
        int index = 0;
        QByteArray id; ///< T0001
        QByteArray name;
        const Profile* p = nullptr;
        QByteArray bic;
        QByteArray lei;
        QByteArray zoneId;
        ZoneCache zone;
        int decimals = 2;
        int64_t events = 0;
        int64_t txns = 0;
        std::vector<Account> accounts;
        std::vector<Actor> actors;
        std::vector<int> humanCum; ///< cumulative weights over actors (services weigh 0)
        std::vector<int> nightActors; ///< on call: ops, and DBAs other than the story's
        int dayWeight[kDays] = {};
        bool workday[kDays] = {};
        int64_t day0 = 0; ///< days since epoch of 2026-01-01

        Pool pickPool(Rng& r) const
        {
            int w[6];
            for (int i = 0; i < 6; ++i)
                w[i] = p->mix[i].weight;
            return p->mix[weighted(r, w)].pool;
        }
    };

    QByteArray makeLei(const char* prefix, uint64_t h)
    {
        static const char alnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        QByteArray s(prefix);
        s.append("00");
        Rng r(h);
        while (s.size() < 18)
            s.append(alnum[r.below(36)]);
        const int check = 98 - mod97(QByteArray(s + "00"));
        appendPadded(s, uint64_t(check), 2);
        return s;
    }

    template <typename O> void appendName(O& out, Rng& r, Pool pool, bool company)
    {
        if (r.permille(10)) {
            out.append(r.pick(trickyNames));
            return;
        }
        if (company) {
            const PoolDef& p = kPools[pool];
            out.append(p.companies[r.below(uint64_t(p.nCompanies))]);
            return;
        }
        appendPerson(out, r, pool);
    }

    void buildAccounts(Tenant& t, uint64_t seed)
    {
        Rng r(mix(seed, uint64_t(t.index), 0xACC0));
        const int64_t n = std::clamp<int64_t>(t.txns / 20, 40, 50000);
        t.accounts.resize(size_t(n));
        const bool broker = QByteArrayView(t.p->kind) == "broker";
        QSet<QByteArray> seen; // membership only: its iteration order never reaches the output
        seen.reserve(qsizetype(n));
        for (Account& a : t.accounts) {
            do {
                a.number.clear();
                appendAccountNumber(a.number, r, t.p->account.ibanCountry, t.p->account.bankCode, t.p->account.digits);
            } while (seen.contains(a.number));
            seen.insert(a.number);
            a.company = r.permille(broker ? 160 : 60); // brokers serve more firms
            appendName(a.holder, r, t.pickPool(r), a.company);
        }
    }

    void buildStaff(Tenant& t, uint64_t seed)
    {
        Rng r(mix(seed, uint64_t(t.index), 0x57AF));
        int counts[RoleCount] = {};
        const QByteArrayView kind(t.p->kind);
        if (kind == "insurer") {
            counts[Claims] = 8;
            counts[Underwriter] = 4;
            counts[Manager] = 2;
        } else if (kind == "broker") {
            counts[Trader] = 8;
            counts[Manager] = 2;
        } else {
            counts[Teller] = 14;
            counts[Manager] = 3;
        }
        counts[Dba] = 2;
        counts[Ops] = 3;
        counts[Compliance] = 3;
        counts[Auditor] = 1;

        const Pool home = t.p->mix[0].pool;
        auto unique = [&t](QByteArray id) {
            QByteArray out = id;
            int n = 2;
            auto taken = [&t](const QByteArray& x) {
                return std::any_of(t.actors.begin(), t.actors.end(), [&x](const Actor& a) { return a.id == x; });
            };
            while (taken(out))
                out = id + QByteArray::number(n++);
            return out;
        };
        for (int role = 0; role < RoleCount; ++role) {
            for (int k = 0; k < counts[role]; ++k) {
                Actor a;
                a.role = Role(role);
                if (t.index == 0 && role == Dba && k == 0) {
                    // The story's DBA: a fixed identity, an ordinary daytime history.
                    a.id = "dba.zhou";
                    a.name = "周建国";
                } else {
                    const Pool pool = r.permille(850) ? home : t.pickPool(r);
                    const char* ascii = appendPerson(a.name, r, pool);
                    a.id = unique(QByteArray(kRolePrefix[role]) + '.' + ascii);
                }
                a.ip = t.p->ipPrefix;
                appendUInt(a.ip, 1 + r.below(30));
                a.ip.append('.');
                appendUInt(a.ip, 2 + r.below(250));
                if (t.index == 0 && a.id == "dba.zhou")
                    a.ip = "10.12.8.31";
                t.actors.push_back(std::move(a));
            }
        }
        for (int s = 0; s < SvcCount; ++s) {
            Actor a;
            a.role = Service;
            a.id = kServiceIds[s];
            a.ip = t.p->ipPrefix;
            a.ip.append("200.");
            appendUInt(a.ip, 10 + uint64_t(s));
            t.actors.push_back(std::move(a));
        }
        int cum = 0;
        for (size_t i = 0; i < t.actors.size(); ++i) {
            const Actor& a = t.actors[i];
            cum += kRoleWeight[a.role];
            t.humanCum.push_back(cum);
            if (a.role == Ops || (a.role == Dba && a.id != "dba.zhou"))
                t.nightActors.push_back(int(i));
        }
    }

    void buildCalendar(Tenant& t)
    {
        t.day0 = daysFromCivil(kYear, 1, 1);
        for (int d = 0; d < kDays; ++d) {
            const int64_t days = t.day0 + d;
            int y, m, dd;
            civilFromDays(days, y, m, dd);
            bool holiday = false;
            for (int h : t.p->holidays) {
                if (h == 0)
                    break;
                holiday = holiday || h == m * 100 + dd;
            }
            const int wd = weekday(days);
            t.workday[d] = !holiday && wd != 0 && wd != 6;
            t.dayWeight[d] = t.workday[d] ? 100 : (holiday ? 16 : (wd == 6 ? 14 : 9));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Output plumbing: progress/cancel, parts.

    struct Ticker
    {
        const std::function<void(int64_t)>* progress = nullptr;
        const std::atomic_bool* cancel = nullptr;
        int64_t rows = 0;
        int64_t next = kTick;
        bool cancelled = false;

        bool step()
        {
            if (++rows < next)
                return true;
            next += kTick;
            if (progress && *progress)
                (*progress)(rows);
            cancelled = cancel && cancel->load(std::memory_order_relaxed);
            return !cancelled;
        }
    };

    /// Collects records into one part file at a time and hands full parts to the writer.
    class PartSink
    {
    public:
        PartSink(SeaWriter& w, Ticker& ticker, const char* dir, const char* ext, QString kind, QString format,
            QByteArray header, int64_t total, int bytesPerRecord)
            : m_w(w)
            , m_ticker(ticker)
            , m_dir(QString::fromLatin1(dir))
            , m_ext(QString::fromLatin1(ext))
            , m_kind(std::move(kind))
            , m_format(std::move(format))
            , m_header(std::move(header))
            , m_left(total)
            , m_bytesPerRecord(bytesPerRecord)
        {
            startPart();
        }

        Buf& buf() { return m_buf; }

        /// Call after each complete record. False on cancel or write error (see error()).
        bool endRecord()
        {
            ++m_inPart;
            ++m_written;
            if (!m_ticker.step()) {
                m_error = Error(Error::Code::Cancelled, tr("Demo generation cancelled"));
                return false;
            }
            if (m_inPart == kPartRecords)
                return flush();
            return true;
        }

        bool flush()
        {
            if (m_inPart == 0)
                return true;
            ++m_part;
            QByteArray name = m_dir.toLatin1() + "/part-";
            appendPadded(name, uint64_t(m_part), 4);
            const QString path = QString::fromLatin1(name) + m_ext;
            const Status s = m_w.addFile(path, m_kind, m_format, m_buf.take(), m_inPart);
            if (!s) {
                m_error = s.error();
                return false;
            }
            m_left -= m_inPart;
            startPart();
            return true;
        }

        int64_t written() const { return m_written; }
        const Error& error() const { return m_error; }

    private:
        void startPart()
        {
            m_inPart = 0;
            const int64_t n = std::min(m_left, kPartRecords);
            if (n > 0)
                m_buf.reserve(qsizetype(m_header.size() + n * m_bytesPerRecord));
            m_buf.append(m_header);
        }

        SeaWriter& m_w;
        Ticker& m_ticker;
        QString m_dir, m_ext, m_kind, m_format;
        QByteArray m_header;
        Buf m_buf;
        int64_t m_left;
        int m_bytesPerRecord;
        int64_t m_inPart = 0;
        int64_t m_written = 0;
        int m_part = 0;
        Error m_error;
    };

    /// Local ms-of-day: office hours (peaking mid-day) on working days, flat otherwise.
    int64_t sampleTimeOfDay(Rng& r, bool workday)
    {
        const uint64_t u = r.below(1000);
        if (workday) {
            if (u < 860)
                return 8 * kHourMs + int64_t(r.below(uint64_t(11 * kHourMs / 2)))
                    + int64_t(r.below(uint64_t(11 * kHourMs / 2)));
            return int64_t(r.below(uint64_t(kDayMs)));
        }
        if (u < 400)
            return 9 * kHourMs + int64_t(r.below(uint64_t(9 * kHourMs)));
        return int64_t(r.below(uint64_t(kDayMs)));
    }

    /// A row that belongs to the story, merged into the background stream by time.
    struct StoryRow
    {
        int64_t utcMs;
        int kind; ///< meaning depends on the stream
        int arg;
    };

    /// Walks the 90 days, drawing `background` rows distributed by the tenant's day weights, sorted in
    /// time, merging `story` (sorted by utcMs) in; calls bg(utcMs, workdayOfficeHours) and st(row).
    template <typename Bg, typename St>
    bool runStream(const Tenant& t, Rng& r, int64_t background, const std::vector<StoryRow>& story, Bg&& bg, St&& st)
    {
        int64_t wTotal = 0;
        for (int w : t.dayWeight)
            wTotal += w;
        int64_t cum = 0;
        size_t si = 0;
        std::vector<int64_t> times;
        for (int d = 0; d < kDays; ++d) {
            const int64_t from = int64_t(u128(background) * u128(cum) / u128(wTotal));
            cum += t.dayWeight[d];
            const int64_t to = int64_t(u128(background) * u128(cum) / u128(wTotal));
            times.resize(size_t(to - from));
            for (int64_t& x : times)
                x = sampleTimeOfDay(r, t.workday[d]);
            std::sort(times.begin(), times.end());
            const int64_t dayWall = (t.day0 + d) * kDayMs;
            for (int64_t tod : times) {
                const int64_t utc = t.zone.wallToUtc(dayWall + tod);
                while (si < story.size() && story[si].utcMs <= utc) {
                    if (!st(story[si++]))
                        return false;
                }
                const bool office = t.workday[d] && tod >= 8 * kHourMs && tod < 19 * kHourMs;
                if (!bg(utc, office))
                    return false;
            }
        }
        while (si < story.size()) {
            if (!st(story[si++]))
                return false;
        }
        return true;
    }

    int64_t localToUtcMs(const Tenant& t, int y, int m, int d, int hh, int mm, int ss, int ms = 0)
    {
        const int64_t wall
            = ((daysFromCivil(y, unsigned(m), unsigned(d)) * 24 + hh) * 60 + mm) * 60000LL + ss * 1000LL + ms;
        return t.zone.wallToUtc(wall);
    }

    // ---------------------------------------------------------------------------------------------
    // Story data.

    constexpr const char* kMuleAccount = "GB33BUKB20201555555555";
    constexpr const char* kMuleBic = "BUKBGB22";
    constexpr const char* kDbaIp = "203.0.113.77";

    struct StoryPayment
    {
        int d, hh, mm, ss;
        const char* amount;
        const char* currency;
        const char* channel;
        const char* status;
        const char* creditorName;
        const char* memo;
    };

    const StoryPayment kStoryT1[] = {
        { 8, 8, 55, 10, "48500.00", "USD", "mobile", "booked", "Northgate Trading Ltd", "consulting services" },
        { 8, 9, 12, 44, "63250.00", "USD", "mobile", "booked", "Northgate Trading Ltd", "货款" },
        { 8, 11, 47, 3, "71900.00", "USD", "mobile", "booked", "Northgate Trading Ltd", "consulting services" },
        { 9, 9, 3, 27, "55000.00", "USD", "mobile", "booked", "Northgate Trading Ltd", "货款 2月" },
        { 9, 14, 26, 51, "88420.00", "USD", "mobile", "booked", "Northgate Trading Ltd", "" },
        { 9, 16, 58, 9, "99000.00", "USD", "mobile", "rejected", "Northgate Trading Ltd", "consulting services" },
    };
    const StoryPayment kStoryT2[] = {
        { 10, 10, 14, 22, "45000.00", "EUR", "online", "booked", "NORTHGATE TRADING LIMITED", "Beratung Q1" },
        { 11, 15, 2, 9, "38750.50", "EUR", "online", "booked", "NORTHGATE TRADING LIMITED", "Rechnung NG-2026-031" },
        { 12, 9, 47, 55, "49990.00", "EUR", "online", "booked", "NORTHGATE TRADING LIMITED", "" },
    };
    const StoryPayment kStoryT4[] = {
        { 11, 11, 20, 37, "24000.00", "GBP", "online", "booked", "Northgate Trading Ltd.", "Invoice NG-0219" },
        { 13, 16, 5, 12, "31500.00", "GBP", "online", "booked", "Northgate Trading Ltd.", "Invoice NG-0224" },
    };

    struct StoryEvent
    {
        int hh, mm, ss, ms;
        const char* action;
        const char* resource;
        const char* outcome;
        const char* details;
    };

    // dba.zhou's night, Sunday 2026-02-08 (T0001 local time).
    const StoryEvent kDbaNight[] = {
        { 2, 11, 54, 310, "user.login", "iam/session", "failure",
            "{\"method\":\"password\",\"mfa\":false,\"reason\":\"bad_password\",\"client\":\"psql/15.4\"}" },
        { 2, 13, 7, 418, "user.login", "iam/session", "success",
            "{\"method\":\"password\",\"mfa\":false,\"client\":\"psql/15.4\"}" },
        { 2, 15, 32, 90, "db.query", "core.customers", "success",
            "{\"statement\":\"SELECT count(*) FROM customers\",\"rows\":1,\"duration_ms\":212}" },
        { 2, 21, 40, 771, "db.export", "core.customers", "success",
            "{\"rows\":1284311,\"columns\":[\"customer_id\",\"name\",\"id_number\",\"phone\",\"address\"],"
            "\"format\":\"csv.gz\",\"destination\":\"sftp://203.0.113.77/upload/c1.csv.gz\",\"bytes\":412993017}" },
        { 2, 34, 12, 5, "db.export", "core.accounts", "success",
            "{\"rows\":2210457,\"columns\":[\"account_no\",\"customer_id\",\"balance\",\"currency\"],"
            "\"format\":\"csv.gz\",\"destination\":\"sftp://203.0.113.77/upload/a1.csv.gz\",\"bytes\":198220461}" },
        { 2, 41, 58, 662, "db.export", "core.kyc_documents", "denied",
            "{\"reason\":\"permission denied for table kyc_documents\"}" },
        { 2, 44, 3, 120, "role.grant", "iam/dba.zhou", "success",
            "{\"grantee\":\"dba.zhou\",\"role\":\"kyc-reader\",\"ticket\":null}" },
        { 2, 45, 19, 884, "db.export", "core.kyc_documents", "success",
            "{\"rows\":1284311,\"format\":\"csv.gz\",\"destination\":\"sftp://203.0.113.77/upload/k1.csv.gz\","
            "\"bytes\":2871120334}" },
        { 2, 49, 27, 301, "config.change", "config/db.audit", "success",
            "{\"setting\":\"db.audit.log_level\",\"old\":\"full\",\"new\":\"minimal\"}" },
        { 2, 52, 44, 57, "user.logout", "iam/session", "success", "{\"duration_s\":2377}" },
    };

    // ---------------------------------------------------------------------------------------------
    // Transactions.

    struct TxnContext
    {
        Tenant* t;
        const std::vector<Tenant>* all;
        Rng r;
        int64_t seq = 0;
        Buf scratchA, scratchB;
        std::vector<int64_t> storyIds; ///< txn seq numbers of the planted payments, in time order
    };

    template <typename O> void appendTxnId(O& out, const QByteArray& tenantId, int64_t seq)
    {
        out.append(tenantId);
        lit(out, "-TX");
        appendPadded(out, uint64_t(seq), 10);
    }

    template <typename O> void appendEventId(O& out, const QByteArray& tenantId, int64_t seq)
    {
        out.append(tenantId);
        lit(out, "-EV");
        appendPadded(out, uint64_t(seq), 10);
    }

    /// Amount as a decimal string built from integers. JPY/KRW have no decimals; otherwise mostly two,
    /// sometimes none (round amounts) or four (FX-converted).
    template <typename O> void appendAmount(O& out, Rng& r, int decimals)
    {
        static const int expWeights[] = { 10, 30, 30, 20, 8, 2 }; // 10^1 .. 10^6 major units
        int e = 1 + weighted(r, expWeights);
        if (decimals == 0)
            e += 2;
        uint64_t p = 1;
        for (int i = 0; i < e; ++i)
            p *= 10;
        uint64_t major = p + r.below(9 * p);
        if (r.permille(300) && e >= 2)
            major -= major % (p / 10); // round figures are common
        appendUInt(out, major);
        if (decimals == 0)
            return;
        const uint64_t u = r.below(1000);
        if (u < 30)
            return; // "1500"
        out.append('.');
        if (u < 40) {
            appendPadded(out, r.below(10000), 4);
            return;
        }
        appendPadded(out, u < 400 ? 0 : r.below(100), 2);
    }

    template <typename O> void appendValueDate(O& out, int64_t utcMs, int offset, int plusDays)
    {
        int64_t days = floorDiv(utcMs + offset * 1000LL, kDayMs) + plusDays;
        const int wd = weekday(days);
        if (plusDays > 0 && wd == 6)
            days += 2;
        else if (plusDays > 0 && wd == 0)
            days += 1;
        appendDate(out, days);
    }

    const char* const kReferencesPrefix[] = { "INV-2026-", "PO-", "ORD-", "CN-" };

    /// One background transaction line.
    void writeTxn(TxnContext& c, Buf& out, int64_t utc, bool office)
    {
        Tenant& t = *c.t;
        Rng& r = c.r;
        const int off = t.zone.offsetAt(utc);
        const Account& own = t.accounts[r.below(t.accounts.size())];

        // Counterparty.
        Buf& cpAcct = c.scratchA;
        Buf& cpName = c.scratchB;
        cpAcct.clear();
        cpName.clear();
        const char* cpBic = nullptr;
        const char* currency = t.p->currency;
        int decimals = t.decimals;
        bool crossBorder = false;
        static const int cpWeights[] = { 20, 58, 6, 16 }; // internal, domestic, other tenant, foreign
        int cpKind = weighted(r, cpWeights);
        if (cpKind == 2 && c.all->size() < 2)
            cpKind = 1;
        switch (cpKind) {
        case 0: {
            const Account& o = t.accounts[r.below(t.accounts.size())];
            cpAcct.append(o.number);
            cpName.append(o.holder);
            cpBic = t.bic.constData();
            break;
        }
        case 1: {
            appendAccountNumber(cpAcct, r, t.p->account.ibanCountry, t.p->account.bankCode, t.p->account.digits, true);
            appendName(cpName, r, t.pickPool(r), r.permille(120));
            cpBic = t.p->peerBics[r.below(4)];
            break;
        }
        case 2: {
            size_t k = r.below(c.all->size() - 1);
            if (k >= size_t(t.index))
                ++k;
            const Tenant& o = (*c.all)[k];
            const Account& a = o.accounts[r.below(o.accounts.size())];
            cpAcct.append(a.number);
            cpName.append(a.holder);
            cpBic = o.bic.constData();
            if (qstrcmp(o.p->currency, t.p->currency) != 0) {
                crossBorder = true;
                if (r.permille(500)) {
                    currency = o.p->currency;
                    decimals = o.decimals;
                }
            }
            break;
        }
        default: {
            const ForeignBank& b = r.pick(kForeignBanks);
            appendAccountNumber(cpAcct, r, b.ibanCountry, b.bankCode, b.digits);
            appendName(cpName, r, b.pool, r.permille(300));
            cpBic = b.bic;
            crossBorder = true;
            const Currency& cur = r.pick(kForeignCurrencies);
            if (r.permille(700)) {
                currency = cur.code;
                decimals = cur.decimals;
            }
            break;
        }
        }

        const bool outgoing = r.permille(550);
        const char* channel;
        if (crossBorder) {
            channel = "swift";
        } else {
            const QByteArrayView kind(t.p->kind);
            static const char* const bankCh[] = { "mobile", "online", "branch", "api", "batch" };
            static const int bankW[] = { 34, 26, 12, 10, 10 };
            static const char* const insCh[] = { "batch", "direct-debit", "online", "branch", "api" };
            static const int insW[] = { 40, 25, 20, 5, 10 };
            static const char* const brkCh[] = { "online", "api", "batch", "branch", "mobile" };
            static const int brkW[] = { 40, 35, 10, 5, 10 };
            const char* const* chs = kind == "insurer" ? insCh : (kind == "broker" ? brkCh : bankCh);
            const int* ws = kind == "insurer" ? insW : (kind == "broker" ? brkW : bankW);
            int w[5];
            std::copy(ws, ws + 5, w);
            channel = chs[weighted(r, w)];
            if (!office && qstrcmp(channel, "branch") == 0)
                channel = "mobile"; // branches are closed
        }
        static const int statusW[] = { 940, 30, 20, 10 };
        static const char* const statuses[] = { "booked", "pending", "rejected", "reversed" };
        const char* status = statuses[weighted(r, statusW)];

        // txn_id,ts,value_date,debtor_account,debtor_name,debtor_bank,creditor_account,creditor_name,
        // creditor_bank,amount,currency,channel,status,reference,memo
        appendTxnId(out, t.id, ++c.seq);
        out.append(',');
        appendTs(out, utc, off, false);
        out.append(',');
        appendValueDate(out, utc, off, crossBorder ? 2 : 0);
        out.append(',');
        if (outgoing) {
            out.append(own.number);
            out.append(',');
            appendCsv(out, own.holder);
            out.append(',');
            out.append(t.bic);
            out.append(',');
            out.append(cpAcct.view());
            out.append(',');
            appendCsv(out, cpName.view());
            out.append(',');
            out.append(cpBic);
        } else {
            out.append(cpAcct.view());
            out.append(',');
            appendCsv(out, cpName.view());
            out.append(',');
            out.append(cpBic);
            out.append(',');
            out.append(own.number);
            out.append(',');
            appendCsv(out, own.holder);
            out.append(',');
            out.append(t.bic);
        }
        out.append(',');
        appendAmount(out, r, decimals);
        out.append(',');
        out.append(currency);
        out.append(',');
        out.append(channel);
        out.append(',');
        out.append(status);
        out.append(',');
        const uint64_t ref = r.below(100);
        if (ref < 35) {
            out.append(kReferencesPrefix[ref % 4]);
            appendDigits(out, r, 5);
        } else if (ref < 55) {
            lit(out, "RF");
            appendDigits(out, r, 11);
        } else if (ref < 70) {
            lit(out, "E2E");
            appendHex(out, r.next(), 16, true);
        }
        out.append(',');
        const uint64_t memo = r.below(1000);
        if (memo < 7) {
            appendCsv(out, r.pick(trickyMemos));
        } else if (memo < 550) {
            const PoolDef& p = kPools[t.pickPool(r)];
            appendCsv(out, p.memos[r.below(uint64_t(p.nMemos))]);
        }
        out.append('\n');
    }

    void writeStoryTxn(TxnContext& c, Buf& out, const StoryPayment& s, const Account& debtor, int64_t utc)
    {
        const Tenant& t = *c.t;
        const int off = t.zone.offsetAt(utc);
        c.storyIds.push_back(++c.seq);
        appendTxnId(out, t.id, c.seq);
        out.append(',');
        appendTs(out, utc, off, false);
        out.append(',');
        appendValueDate(out, utc, off, 1);
        out.append(',');
        out.append(debtor.number);
        out.append(',');
        appendCsv(out, debtor.holder);
        out.append(',');
        out.append(t.bic);
        out.append(',');
        out.append(kMuleAccount);
        out.append(',');
        appendCsv(out, s.creditorName);
        out.append(',');
        out.append(kMuleBic);
        out.append(',');
        out.append(s.amount);
        out.append(',');
        out.append(s.currency);
        out.append(',');
        out.append(s.channel);
        out.append(',');
        out.append(s.status);
        out.append(',');
        lit(out, "NG-");
        appendPadded(out, uint64_t(c.storyIds.size()) * 7 + 2026100, 7);
        out.append(',');
        appendCsv(out, s.memo);
        out.append('\n');
    }

    // ---------------------------------------------------------------------------------------------
    // Audit events.

    enum Action {
        Login,
        Logout,
        CustomerView,
        PaymentCreate,
        PaymentApprove,
        AccountOpen,
        CashDeposit,
        LimitChange,
        ReportExport,
        RoleGrant,
        RoleRevoke,
        DbQuery,
        DbExport,
        DbAlter,
        ConfigChange,
        UserCreate,
        ServiceRestart,
        CaseOpen,
        PaymentReview,
        AuditSearch,
        OrderCreate,
        OrderExecute,
        OrderCancel,
        ClaimCreate,
        ClaimApprove,
        PolicyView,
        PolicyUpdate,
        TokenIssue,
        PaymentScreen,
        BatchRun,
        PaymentSettle,
        ActionCount
    };
    const char* const kActionNames[ActionCount]
        = { "user.login", "user.logout", "customer.view", "payment.create", "payment.approve", "account.open",
              "cash.deposit", "limit.change", "report.export", "role.grant", "role.revoke", "db.query", "db.export",
              "db.alter", "config.change", "user.create", "service.restart", "case.open", "payment.review",
              "audit.search", "order.create", "order.execute", "order.cancel", "claim.create", "claim.approve",
              "policy.view", "policy.update", "token.issue", "payment.screen", "batch.run", "payment.settle" };

    struct ActionWeight
    {
        Action a;
        int w;
    };
    struct RoleActions
    {
        ActionWeight list[8];
    };
    const RoleActions kRoleActions[RoleCount] = {
        { { { Login, 12 }, { Logout, 10 }, { CustomerView, 30 }, { PaymentCreate, 25 }, { AccountOpen, 3 },
            { CashDeposit, 10 }, { ReportExport, 1 }, { RoleGrant, 0 } } },
        { { { Login, 10 }, { Logout, 8 }, { PaymentApprove, 40 }, { LimitChange, 5 }, { CustomerView, 15 },
            { ReportExport, 5 }, { RoleGrant, 2 }, { AccountOpen, 2 } } },
        { { { Login, 15 }, { Logout, 12 }, { DbQuery, 55 }, { DbExport, 2 }, { DbAlter, 3 }, { ConfigChange, 2 },
            { ServiceRestart, 1 }, { ReportExport, 0 } } },
        { { { Login, 12 }, { Logout, 10 }, { ConfigChange, 20 }, { RoleGrant, 8 }, { RoleRevoke, 5 }, { UserCreate, 5 },
            { ServiceRestart, 10 }, { DbQuery, 2 } } },
        { { { Login, 12 }, { Logout, 10 }, { CaseOpen, 10 }, { PaymentReview, 30 }, { CustomerView, 20 },
            { ReportExport, 10 }, { AuditSearch, 3 }, { Login, 0 } } },
        { { { Login, 15 }, { Logout, 12 }, { AuditSearch, 40 }, { ReportExport, 20 }, { CustomerView, 5 }, { Login, 0 },
            { Login, 0 }, { Login, 0 } } },
        { { { Login, 10 }, { Logout, 8 }, { OrderCreate, 40 }, { OrderExecute, 25 }, { OrderCancel, 8 },
            { CustomerView, 10 }, { PaymentCreate, 4 }, { Login, 0 } } },
        { { { Login, 10 }, { Logout, 8 }, { ClaimCreate, 20 }, { ClaimApprove, 15 }, { PolicyView, 30 },
            { PaymentCreate, 8 }, { CustomerView, 8 }, { Login, 0 } } },
        { { { Login, 10 }, { Logout, 8 }, { PolicyView, 30 }, { PolicyUpdate, 25 }, { CustomerView, 10 },
            { ReportExport, 3 }, { Login, 0 }, { Login, 0 } } },
        { { { Login, 0 } } }, // services: see kServiceActions
    };
    const RoleActions kServiceActions[SvcCount] = {
        { { { TokenIssue, 45 }, { PaymentCreate, 35 }, { CustomerView, 20 } } },
        { { { PaymentSettle, 60 }, { PaymentCreate, 25 }, { TokenIssue, 15 } } },
        { { { PaymentScreen, 100 } } },
        { { { BatchRun, 70 }, { DbQuery, 30 } } },
    };

    Action pickAction(Rng& r, const RoleActions& ra)
    {
        int total = 0;
        for (const ActionWeight& aw : ra.list)
            total += aw.w;
        int x = int(r.below(uint64_t(total)));
        for (const ActionWeight& aw : ra.list) {
            if (x < aw.w)
                return aw.a;
            x -= aw.w;
        }
        return ra.list[0].a;
    }

    const char* const kTables[] = { "core.customers", "core.accounts", "core.transactions", "core.statements",
        "core.cards", "core.loans", "core.limits", "core.audit_log" };
    const char* const kClients[]
        = { "branch-desktop/4.2.1", "branch-desktop/4.3.0", "web/chrome-121", "web/edge-121", "vpn+web/firefox-122" };
    const char* const kSettings[][3]
        = { { "payment.daily_limit", "50000", "75000" }, { "session.timeout_minutes", "30", "15" },
              { "mfa.required_for", "admins", "all" }, { "batch.eod.start", "22:00", "22:30" },
              { "screening.threshold", "10000", "5000" }, { "password.min_length", "10", "12" } };
    const char* const kGrantRoles[] = { "payment-approver", "report-viewer", "teller", "kyc-reader", "ops-oncall" };
    const char* const kReports[]
        = { "aml-weekly", "large-transactions", "dormant-accounts", "daily-balances", "ctr-filing" };
    const char* const kServicesRestart[] = { "core-banking", "payments-gw", "mobile-bff", "reporting" };
    const char* const kBatchJobs[] = { "eod-interest", "statement-run", "fx-revaluation", "dormancy-check" };
    const char* const kFailReasons[] = { "timeout", "validation_error", "upstream_unavailable", "conflict" };
    const char* const kDenyReasons[] = { "insufficient_privilege", "four_eyes_required", "outside_allowed_hours" };

    struct EventContext
    {
        Tenant* t;
        Rng r;
        int64_t seq = 0;
        uint64_t seed = 0;
        const std::vector<int64_t>* storyTxnIds = nullptr;
    };

    template <typename O> void appendAmountJson(O& out, Rng& r, const Tenant& t)
    {
        lit(out, ",\"amount\":\"");
        appendAmount(out, r, t.decimals);
        lit(out, "\",\"currency\":\"");
        out.append(t.p->currency);
        out.append('"');
    }

    template <typename O> void appendPaymentResource(O& out, Rng& r, const Tenant& t)
    {
        out.append("payment/");
        appendTxnId(out, t.id, 1 + int64_t(r.below(uint64_t(std::max<int64_t>(t.txns, 1)))));
    }

    /// Event header through "actor_role"; the caller continues with source_ip etc.
    template <typename O> void appendEventHead(O& out, EventContext& c, int64_t utc, int off, const Actor& a)
    {
        lit(out, "{\"event_id\":\"");
        appendEventId(out, c.t->id, ++c.seq);
        lit(out, "\",\"ts\":\"");
        appendTs(out, utc, off, true);
        lit(out, "\",\"actor\":\"");
        out.append(a.id);
        out.append('"');
        if (!a.name.isEmpty())
            jsonField(out, "actor_name", a.name);
        lit(out, ",\"actor_role\":\"");
        out.append(kRoleNames[a.role]);
        out.append('"');
    }

    void writeEvent(EventContext& c, Buf& out, int64_t utc, bool office)
    {
        Tenant& t = *c.t;
        Rng& r = c.r;
        const int off = t.zone.offsetAt(utc);

        // Who: people in office hours, machines at night. The story DBA never works nights here.
        const Actor* a;
        int svc = -1;
        const bool human = office ? r.permille(850) : r.permille(70);
        if (human) {
            if (office) {
                const int x = int(r.below(uint64_t(t.humanCum.back())));
                a = &t.actors[size_t(std::upper_bound(t.humanCum.begin(), t.humanCum.end(), x) - t.humanCum.begin())];
            } else {
                // On call: ops, or the other DBA in a maintenance window.
                a = &t.actors[size_t(t.nightActors[r.below(t.nightActors.size())])];
            }
        } else {
            static const int svcW[SvcCount] = { 45, 25, 15, 15 };
            svc = weighted(r, svcW);
            a = &t.actors[t.actors.size() - SvcCount + size_t(svc)];
        }
        Action act = pickAction(r, svc >= 0 ? kServiceActions[svc] : kRoleActions[a->role]);
        if (!office && human && a->role == Dba)
            act = DbQuery; // maintenance: queries only, never exports

        // Outcome.
        const char* outcome = "success";
        const uint64_t o = r.below(1000);
        if (act == Login) {
            if (o < 40)
                outcome = "failure";
            else if (o < 45)
                outcome = "denied";
        } else if (act == RoleGrant && a->role == Manager) {
            if (o < 300)
                outcome = "denied";
        } else if (o < 10) {
            outcome = "failure";
        } else if (o < 17) {
            outcome = "denied";
        }

        appendEventHead(out, c, utc, off, *a);

        // Where from: staff from their desk (or VPN), the mobile backend on behalf of customers' devices.
        lit(out, ",\"source_ip\":\"");
        if (svc == SvcMobile) {
            if (r.permille(300)) {
                lit(out, "2001:db8:");
                appendHex(out, r.below(0x10000), 4);
                lit(out, "::");
                appendHex(out, 1 + r.below(0xfffe), 4);
            } else {
                lit(out, "198.51.100.");
                appendUInt(out, 1 + r.below(254));
            }
        } else if (human && r.permille(40)) {
            lit(out, "172.16."); // VPN pool
            appendUInt(out, r.below(16));
            out.append('.');
            appendUInt(out, 2 + r.below(250));
        } else {
            out.append(a->ip);
        }
        out.append('"');

        lit(out, ",\"action\":\"");
        out.append(kActionNames[act]);
        lit(out, "\",\"resource\":\"");
        switch (act) {
        case Login:
        case Logout:
            out.append("iam/session");
            break;
        case CustomerView:
            out.append("customer/C");
            appendDigits(out, r, 8);
            break;
        case PaymentCreate:
        case PaymentApprove:
        case PaymentReview:
        case PaymentScreen:
        case PaymentSettle:
            appendPaymentResource(out, r, t);
            break;
        case AccountOpen:
        case CashDeposit:
            out.append("account/");
            out.append(t.accounts[r.below(t.accounts.size())].number);
            break;
        case LimitChange:
            out.append("limit/payment.daily");
            break;
        case ReportExport:
            out.append("report/");
            out.append(r.pick(kReports));
            break;
        case RoleGrant:
        case RoleRevoke:
        case UserCreate:
            out.append("iam/");
            out.append(t.actors[r.below(t.actors.size() - SvcCount)].id);
            break;
        case DbQuery:
        case DbExport:
        case DbAlter:
            out.append(r.pick(kTables));
            break;
        case ConfigChange:
            out.append("config/");
            out.append(kSettings[r.below(std::size(kSettings))][0]);
            break;
        case ServiceRestart:
            out.append("service/");
            out.append(r.pick(kServicesRestart));
            break;
        case CaseOpen:
            out.append("case/AML-2026-");
            appendDigits(out, r, 5);
            break;
        case AuditSearch:
            out.append("audit/log");
            break;
        case OrderCreate:
        case OrderExecute:
        case OrderCancel:
            out.append("order/O");
            appendDigits(out, r, 9);
            break;
        case ClaimCreate:
        case ClaimApprove:
            out.append("claim/CL-2026-");
            appendDigits(out, r, 6);
            break;
        case PolicyView:
        case PolicyUpdate:
            out.append("policy/P");
            appendDigits(out, r, 9);
            break;
        case TokenIssue:
            out.append("oauth/token");
            break;
        case BatchRun:
            out.append("batch/");
            out.append(r.pick(kBatchJobs));
            break;
        case ActionCount:
            break;
        }
        lit(out, "\",\"outcome\":\"");
        out.append(outcome);
        out.append('"');

        if (human) {
            // One session per person and day.
            lit(out, ",\"session_id\":\"s-");
            const int64_t day = floorDiv(utc + off * 1000LL, kDayMs);
            appendHex(out, mix(c.seed, uint64_t(day), uint64_t(a - t.actors.data()) + (uint64_t(t.index) << 32)), 16);
            out.append('"');
        } else if (r.permille(500)) {
            lit(out, ",\"session_id\":\"r-");
            appendHex(out, r.next(), 16);
            out.append('"');
        }

        lit(out, ",\"details\":{");
        if (outcome[0] == 'f') {
            if (act == Login) {
                out.append("\"method\":\"password+otp\",\"reason\":\"bad_password\",\"attempt\":");
                appendUInt(out, 1 + r.below(3));
            } else {
                out.append("\"reason\":\"");
                out.append(r.pick(kFailReasons));
                out.append('"');
            }
        } else if (outcome[0] == 'd') {
            out.append("\"reason\":\"");
            out.append(act == Login ? "account_locked" : r.pick(kDenyReasons));
            out.append('"');
        } else {
            switch (act) {
            case Login:
                out.append("\"method\":\"password+otp\",\"mfa\":true,\"client\":\"");
                out.append(r.pick(kClients));
                out.append('"');
                break;
            case Logout:
                out.append("\"duration_s\":");
                appendUInt(out, 60 + r.below(30000));
                break;
            case CustomerView:
                out.append("\"fields\":");
                appendUInt(out, 3 + r.below(20));
                out.append(",\"purpose\":\"service-request\"");
                break;
            case PaymentCreate:
            case PaymentApprove:
            case PaymentReview:
            case PaymentSettle:
                out.append("\"channel\":\"");
                out.append(svc == SvcMobile ? "mobile" : (human ? "branch" : "api"));
                out.append('"');
                appendAmountJson(out, r, t);
                if (act == PaymentApprove)
                    out.append(",\"four_eyes\":true");
                break;
            case PaymentScreen:
                out.append("\"lists\":[\"UN\",\"EU\",\"OFAC\"],\"hits\":");
                appendUInt(out, r.permille(20) ? 1 : 0);
                break;
            case DbQuery:
                out.append("\"statement\":\"SELECT * FROM ");
                out.append(std::strchr(kTables[r.below(std::size(kTables))], '.') + 1);
                out.append(" WHERE id = $1\",\"rows\":");
                appendUInt(out, r.below(200));
                out.append(",\"duration_ms\":");
                appendUInt(out, 1 + r.below(900));
                break;
            case DbExport:
                out.append("\"rows\":");
                appendUInt(out, 50 + r.below(4000));
                out.append(",\"format\":\"csv\",\"destination\":\"/srv/exports/ticket-");
                appendDigits(out, r, 5);
                out.append(".csv\"");
                break;
            case DbAlter:
                out.append("\"statement\":\"CREATE INDEX CONCURRENTLY\",\"change\":\"CHG-");
                appendDigits(out, r, 6);
                out.append('"');
                break;
            case ConfigChange: {
                const auto& s = kSettings[r.below(std::size(kSettings))];
                out.append("\"setting\":\"");
                out.append(s[0]);
                out.append("\",\"old\":\"");
                out.append(s[1]);
                out.append("\",\"new\":\"");
                out.append(s[2]);
                out.append('"');
                break;
            }
            case RoleGrant:
            case RoleRevoke:
                out.append("\"role\":\"");
                out.append(r.pick(kGrantRoles));
                out.append("\",\"ticket\":\"CHG-");
                appendDigits(out, r, 6);
                out.append('"');
                break;
            case ReportExport:
                out.append("\"rows\":");
                appendUInt(out, r.below(20000));
                out.append(",\"format\":\"pdf\"");
                break;
            case LimitChange:
                out.append("\"old\":\"50000\",\"new\":\"80000\"");
                break;
            case BatchRun:
                out.append("\"records\":");
                appendUInt(out, 1000 + r.below(2000000));
                out.append(",\"duration_ms\":");
                appendUInt(out, 1000 + r.below(600000));
                break;
            case TokenIssue:
                out.append("\"grant\":\"refresh_token\",\"scope\":\"payments accounts\"");
                break;
            default:
                break;
            }
        }
        lit(out, "}}\n");
    }

    // ---------------------------------------------------------------------------------------------
    // Per-tenant archive.

    QByteArray accountsCsv(const Tenant& t, uint64_t seed)
    {
        Rng r(mix(seed, uint64_t(t.index), 0xACC1));
        QByteArray out;
        out.reserve(qsizetype(t.accounts.size()) * 90 + 64);
        out.append("account,holder_name,holder_id,opened,type,status\n");
        const QByteArrayView kind(t.p->kind);
        for (const Account& a : t.accounts) {
            out.append(a.number);
            out.append(',');
            appendCsv(out, a.holder);
            out.append(',');
            if (a.company) {
                lit(out, "ORG-");
                appendDigits(out, r, 9);
            } else if (t.index == 0) {
                appendDigits(out, r, 17); // resident-id-like
                out.append(r.permille(90) ? 'X' : char('0' + r.below(10)));
            } else {
                out.append('P');
                appendDigits(out, r, 9);
            }
            out.append(',');
            appendDate(out, daysFromCivil(1998, 1, 1) + int64_t(r.below(28 * 365)));
            out.append(',');
            if (kind == "insurer")
                out.append("policy");
            else if (kind == "broker")
                out.append(a.company ? "institutional" : "brokerage");
            else
                out.append(a.company ? "business" : (r.permille(700) ? "current" : "savings"));
            out.append(',');
            const uint64_t s = r.below(100);
            out.append(s < 92 ? "active" : (s < 97 ? "dormant" : "closed"));
            out.append('\n');
        }
        return out;
    }

    QString periodBound(const Tenant& t, int y, int m, int d, int hh, int mm, int ss)
    {
        const int64_t utc = localToUtcMs(t, y, m, d, hh, mm, ss);
        QByteArray s;
        appendTs(s, utc, t.zone.offsetAt(utc), false);
        return QString::fromLatin1(s);
    }

    QString exportId(uint64_t seed, int tenant)
    {
        const uint64_t a = mix(seed, uint64_t(tenant), 0xE1D);
        const uint64_t b = mix(seed, uint64_t(tenant), 0xE1E);
        QByteArray s;
        appendHex(s, a >> 32, 8);
        s.append('-');
        appendHex(s, (a >> 16) & 0xffff, 4);
        s.append('-');
        appendHex(s, 0x4000 | (a & 0x0fff), 4); // version 4 layout
        s.append('-');
        appendHex(s, 0x8000 | ((b >> 48) & 0x3fff), 4); // RFC 4122 variant
        s.append('-');
        appendHex(s, b & 0xffffffffffffULL, 12);
        return QString::fromLatin1(s);
    }

    struct SodiumKeys
    {
        QByteArray pk, sk;
        SodiumKeys()
        {
            if (sodium_init() < 0)
                return;
            const QByteArray seed = Sha256::hash(QByteArrayView("casebook demo producer key v1"));
            pk.resize(crypto_sign_PUBLICKEYBYTES);
            sk.resize(crypto_sign_SECRETKEYBYTES);
            crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(pk.data()),
                reinterpret_cast<unsigned char*>(sk.data()), reinterpret_cast<const unsigned char*>(seed.constData()));
        }
    };

    const SodiumKeys& keys()
    {
        static const SodiumKeys k;
        return k;
    }

} // namespace

QByteArray demoPublicKey() { return keys().pk; }
QByteArray demoSecretKey() { return keys().sk; }

Result<QVector<GeneratedArchive>> generate(const QString& outDir, const Options& options,
    const std::function<void(int64_t)>& progress, const std::atomic_bool* cancel)
{
    if (options.tenants < 1)
        return Error(Error::Code::Usage, tr("The demo needs at least one tenant (got %1)").arg(options.tenants));
    if (options.rows < 0)
        return Error(Error::Code::Usage, tr("The demo row count cannot be negative (got %1)").arg(options.rows));
    if (keys().sk.size() != crypto_sign_SECRETKEYBYTES)
        return Error(
            Error::Code::Signature, tr("Cannot derive the demo signing key"), tr("libsodium failed to initialise"));
    if (!QDir().mkpath(outDir))
        return Error(Error::Code::Io, tr("Cannot create the output directory '%1'").arg(outDir));

    const uint64_t seed = options.seed;

    // Tenants and their shares of `rows`: the first five have fixed weights, more are medium-sized.
    std::vector<Tenant> tenants(size_t(options.tenants));
    static const int kShare[] = { 28, 22, 12, 20, 18 };
    std::vector<int64_t> cumShare(tenants.size() + 1, 0);
    for (size_t i = 0; i < tenants.size(); ++i)
        cumShare[i + 1] = cumShare[i] + (i < std::size(kShare) ? kShare[i] : 15);
    for (size_t i = 0; i < tenants.size(); ++i) {
        Tenant& t = tenants[i];
        t.index = int(i);
        t.p = &kProfiles[i < size_t(kProfileCount) ? i : 5 + (i - 5) % size_t(kProfileCount - 5)];
        const int round = i < size_t(kProfileCount) ? 0 : int((i - 5) / size_t(kProfileCount - 5));
        t.id = "T";
        appendPadded(t.id, i + 1, 4);
        t.name = t.p->name;
        t.bic = t.p->bic;
        if (round > 0) {
            t.name += " (" + QByteArray::number(round + 1) + ')';
            t.bic.append('B');
            appendPadded(t.bic, uint64_t(round), 2);
        }
        t.lei = makeLei(t.p->leiPrefix, mix(0x1E1, i));
        t.zoneId = t.p->zone;
        if (!t.zone.init(t.zoneId))
            return Error(Error::Code::Io,
                tr("The time zone '%1' is not available on this system").arg(QString::fromLatin1(t.zoneId)));
        t.decimals = currencyDecimals(t.p->currency);
        const int64_t rows = int64_t(u128(options.rows) * u128(cumShare[i + 1]) / u128(cumShare.back()))
            - int64_t(u128(options.rows) * u128(cumShare[i]) / u128(cumShare.back()));
        t.events = rows * 2 / 5;
        t.txns = rows - t.events;
        buildCalendar(t);
        buildAccounts(t, seed);
        buildStaff(t, seed);
    }

    Ticker ticker;
    ticker.progress = &progress;
    ticker.cancel = cancel;
    QVector<GeneratedArchive> result;
    QStringList done;
    auto cleanup = [&done, &options]() {
        for (const QString& p : std::as_const(done)) {
            if (options.zip)
                QFile::remove(p);
            else
                QDir(p).removeRecursively();
        }
    };

    for (Tenant& t : tenants) {
        const QString tenantId = QString::fromLatin1(t.id);
        const QString base = tenantId + u"-2026Q1"_s;
        const QString path = QDir(outDir).filePath(options.zip ? base + u".sea.zip"_s : base);
        const bool sign = t.index + 1 < options.tenants;

        // created_at: a few days after the period, fixed by the seed.
        const int64_t createdSec
            = daysFromCivil(kYear, 4, 1) * 86400 + 6 * 3600 + int64_t(mix(seed, uint64_t(t.index), 0xC7) % (40 * 3600));
        QJsonObject manifest;
        manifest.insert(u"format"_s, u"sea"_s);
        manifest.insert(u"version"_s, 1);
        manifest.insert(u"export_id"_s, exportId(seed, t.index));
        manifest.insert(u"tenant"_s,
            QJsonObject { { u"id"_s, tenantId }, { u"name"_s, QString::fromUtf8(t.name) },
                { u"lei"_s, QString::fromLatin1(t.lei) }, { u"kind"_s, QString::fromLatin1(t.p->kind) } });
        manifest.insert(u"period"_s,
            QJsonObject { { u"from"_s, periodBound(t, kYear, 1, 1, 0, 0, 0) },
                { u"to"_s, periodBound(t, kYear, 3, 31, 23, 59, 59) } });
        manifest.insert(u"producer"_s,
            QJsonObject { { u"cloud"_s, u"Example Financial Community Cloud"_s },
                { u"key_id"_s, QString::fromLatin1(kDemoKeyId) } });
        QByteArray createdAt;
        appendTs(createdAt, createdSec * 1000, 0, false);
        createdAt.chop(6); // "+00:00"
        createdAt.append('Z');
        manifest.insert(u"created_at"_s, QString::fromLatin1(createdAt));
        manifest.insert(u"default_timezone"_s, QString::fromLatin1(t.zoneId));
        manifest.insert(u"generator"_s, u"casebook demo generator 1"_s); // unknown key: ignored by readers

        SeaWriter w(options.zip ? SeaWriter::Container::Zip : SeaWriter::Container::Directory, path, manifest);
        Status s = w.open();
        if (!s) {
            cleanup();
            return s.error();
        }
        s = w.addFile(u"accounts.csv"_s, u"accounts"_s, u"sea-csv"_s, accountsCsv(t, seed), qint64(t.accounts.size()));
        if (!s) {
            cleanup();
            return s.error();
        }

        // --- Transactions (first: the story's payment ids are needed by the audit events).
        const StoryPayment* storyPay = nullptr;
        size_t nStoryPay = 0;
        if (t.index == 0) {
            storyPay = kStoryT1;
            nStoryPay = std::size(kStoryT1);
        } else if (t.index == 1) {
            storyPay = kStoryT2;
            nStoryPay = std::size(kStoryT2);
        } else if (t.index == 3) {
            storyPay = kStoryT4;
            nStoryPay = std::size(kStoryT4);
        }
        // T0001's part of the story also needs its audit events to fit.
        const int64_t storyEvents = t.index == 0 ? int64_t(std::size(kDbaNight) + nStoryPay) : 0;
        if (int64_t(nStoryPay) > t.txns || storyEvents > t.events)
            nStoryPay = 0;
        const bool dbaStory = t.index == 0 && nStoryPay > 0;

        std::vector<StoryRow> storyTx;
        std::vector<const Account*> storyDebtors;
        {
            Rng pick(mix(seed, uint64_t(t.index), 0x5709));
            for (size_t k = 0; k < nStoryPay; ++k) {
                const StoryPayment& sp = storyPay[k];
                storyTx.push_back({ localToUtcMs(t, kYear, 2, sp.d, sp.hh, sp.mm, sp.ss), 0, int(k) });
                // Distinct individual customers (never a firm, never twice).
                const Account* a = nullptr;
                for (int tries = 0; tries < 10000 && !a; ++tries) {
                    const Account* x = &t.accounts[pick.below(t.accounts.size())];
                    if (!x->company && std::find(storyDebtors.begin(), storyDebtors.end(), x) == storyDebtors.end())
                        a = x;
                }
                storyDebtors.push_back(a ? a : &t.accounts[k % t.accounts.size()]);
            }
        }

        TxnContext tc { &t, &tenants, Rng(mix(seed, uint64_t(t.index), 0x7A5)), 0, {}, {}, {} };
        {
            PartSink sink(w, ticker, "transactions", ".csv", u"transactions"_s, u"sea-csv"_s,
                "txn_id,ts,value_date,debtor_account,debtor_name,debtor_bank,creditor_account,creditor_name,"
                "creditor_bank,amount,currency,channel,status,reference,memo\n",
                t.txns, 230);
            const bool okRun = runStream(
                t, tc.r, t.txns - int64_t(storyTx.size()), storyTx,
                [&](int64_t utc, bool office) {
                    writeTxn(tc, sink.buf(), utc, office);
                    return sink.endRecord();
                },
                [&](const StoryRow& row) {
                    writeStoryTxn(tc, sink.buf(), storyPay[row.arg], *storyDebtors[size_t(row.arg)], row.utcMs);
                    return sink.endRecord();
                });
            if (!okRun || !sink.flush()) {
                cleanup();
                return sink.error();
            }
            Q_ASSERT(sink.written() == t.txns);
        }

        // --- Audit events.
        std::vector<StoryRow> storyEv;
        if (dbaStory) {
            for (size_t k = 0; k < std::size(kDbaNight); ++k) {
                const StoryEvent& e = kDbaNight[k];
                storyEv.push_back({ localToUtcMs(t, kYear, 2, 8, e.hh, e.mm, e.ss, e.ms), 0, int(k) });
            }
            // The mule payments are created through the mobile backend from the DBA's address,
            // a few seconds before they are booked.
            for (size_t k = 0; k < storyTx.size(); ++k)
                storyEv.push_back({ storyTx[k].utcMs - 4000 - int64_t(k) * 137, 1, int(k) });
            std::sort(
                storyEv.begin(), storyEv.end(), [](const StoryRow& a, const StoryRow& b) { return a.utcMs < b.utcMs; });
        }
        EventContext ec { &t, Rng(mix(seed, uint64_t(t.index), 0xE7E)), 0, seed, &tc.storyIds };
        {
            PartSink sink(w, ticker, "audit", ".jsonl", u"audit"_s, u"sea-jsonl"_s, QByteArray(), t.events, 340);
            const Actor* zhou = nullptr;
            const Actor* mobile = nullptr;
            for (const Actor& a : t.actors) {
                if (a.id == "dba.zhou")
                    zhou = &a;
                if (a.id == kServiceIds[SvcMobile])
                    mobile = &a;
            }
            const bool okRun = runStream(
                t, ec.r, t.events - int64_t(storyEv.size()), storyEv,
                [&](int64_t utc, bool office) {
                    writeEvent(ec, sink.buf(), utc, office);
                    return sink.endRecord();
                },
                [&](const StoryRow& row) {
                    Buf& out = sink.buf();
                    const int off = t.zone.offsetAt(row.utcMs);
                    if (row.kind == 0) {
                        const StoryEvent& e = kDbaNight[row.arg];
                        appendEventHead(out, ec, row.utcMs, off, *zhou);
                        jsonField(out, "source_ip", kDbaIp);
                        jsonField(out, "action", e.action);
                        jsonField(out, "resource", e.resource);
                        jsonField(out, "outcome", e.outcome);
                        if (qstrcmp(e.outcome, "failure") != 0)
                            jsonField(out, "session_id", "s-7f3a9c21d04be856");
                        lit(out, ",\"details\":");
                        out.append(e.details);
                    } else {
                        const StoryPayment& sp = storyPay[row.arg];
                        appendEventHead(out, ec, row.utcMs, off, *mobile);
                        jsonField(out, "source_ip", kDbaIp);
                        jsonField(out, "action", "payment.create");
                        QByteArray res = "payment/";
                        appendTxnId(res, t.id, (*ec.storyTxnIds)[size_t(row.arg)]);
                        jsonField(out, "resource", res);
                        jsonField(out, "outcome", "success");
                        lit(out, ",\"details\":{\"channel\":\"mobile\",\"amount\":\"");
                        out.append(sp.amount);
                        lit(out, "\",\"currency\":\"");
                        out.append(sp.currency);
                        lit(out, "\",\"beneficiary\":\"");
                        out.append(kMuleAccount);
                        lit(out, "\",\"device\":\"new\",\"debtor_account\":\"");
                        out.append(storyDebtors[size_t(row.arg)]->number);
                        lit(out, "\"}");
                    }
                    lit(out, "}\n");
                    return sink.endRecord();
                });
            if (!okRun || !sink.flush()) {
                cleanup();
                return sink.error();
            }
            Q_ASSERT(sink.written() == t.events);
        }

        s = w.finish(sign ? demoSecretKey() : QByteArray());
        if (!s) {
            cleanup();
            return s.error();
        }
        done << path;

        GeneratedArchive g;
        g.path = path;
        g.tenantId = tenantId;
        g.tenantName = QString::fromUtf8(t.name);
        g.exportId = manifest.value(u"export_id").toString();
        g.events = t.events;
        g.transactions = t.txns;
        g.accounts = int64_t(t.accounts.size());
        g.signedArchive = sign;
        result.push_back(g);

        // Release this tenant's bulk before the next one (accounts stay: other tenants reference them).
        t.actors.clear();
        t.humanCum.clear();
        t.nightActors.clear();
    }
    if (progress)
        progress(ticker.rows);
    return result;
}

} // namespace casebook::demo
