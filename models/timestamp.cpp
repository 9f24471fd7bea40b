// SPDX-License-Identifier: GPL-3.0-or-later
#include "timestamp.h"

#include <QCoreApplication>
#include <QDateTime>

namespace casebook {

namespace {

QString tr(const char *s) { return QCoreApplication::translate("timestamp", s); }

bool digits(QByteArrayView t, qsizetype pos, int n, int &out)
{
    if (pos + n > t.size())
        return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
        const char c = t[pos + i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

bool isLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int daysInMonth(int y, int m)
{
    static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && isLeap(y) ? 29 : d[m - 1];
}

} // namespace

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool parseDate(QByteArrayView t, int &y, int &m, int &d)
{
    if (t.size() != 10 || t[4] != '-' || t[7] != '-')
        return false;
    if (!digits(t, 0, 4, y) || !digits(t, 5, 2, m) || !digits(t, 8, 2, d))
        return false;
    return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

TimestampParse parseTimestamp(QByteArrayView t, const QTimeZone &defaultZone)
{
    TimestampParse r;
    int y, mo, d, h, mi, s;
    if (t.isEmpty()) {
        r.error = tr("timestamp is empty");
        return r;
    }
    if (t.size() < 19 || !parseDate(t.first(10), y, mo, d)
        || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') || t[13] != ':' || t[16] != ':'
        || !digits(t, 11, 2, h) || !digits(t, 14, 2, mi) || !digits(t, 17, 2, s)) {
        r.error = tr("timestamp is not RFC 3339 (expected YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM])");
        return r;
    }
    if (h > 23 || mi > 59 || s > 59) {
        r.error = tr("timestamp has an out-of-range time of day");
        return r;
    }
    qsizetype p = 19;
    int ms = 0;
    if (p < t.size() && t[p] == '.') {
        ++p;
        int n = 0;
        while (p < t.size() && t[p] >= '0' && t[p] <= '9') {
            if (n < 3)
                ms = ms * 10 + (t[p] - '0');
            ++n;
            ++p;
        }
        if (n == 0 || n > 9) {
            r.error = tr("timestamp has a malformed fraction of a second");
            return r;
        }
        for (int k = n; k < 3; ++k)
            ms *= 10;
    }
    const int64_t localMs = ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000LL + s * 1000LL + ms;
    if (p == t.size()) {
        // No offset: the archive's default zone decides.
        if (!defaultZone.isValid()) {
            r.error = tr("timestamp has no offset and the archive has no valid default_timezone");
            return r;
        }
        // The offsets in force a day before and a day after are the only candidates (zones do not
        // change offset twice within two days). A candidate is right when the zone agrees with it at
        // the instant it gives. None right: the local time is in a gap; both right: it is ambiguous
        // (the hour repeated when clocks go back) and we take the earlier instant.
        const auto offsetAt = [&](int64_t utcMs) {
            return defaultZone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(utcMs, Qt::UTC));
        };
        const int candidates[2] = { offsetAt(localMs - 86400000LL), offsetAt(localMs + 86400000LL) };
        bool found = false;
        for (int off : candidates) {
            const int64_t utc = localMs - off * 1000LL;
            if (offsetAt(utc) != off)
                continue;
            if (!found || utc < r.ts.utcMs) {
                r.ts.utcMs = utc;
                r.ts.offsetSeconds = off;
            }
            found = true;
        }
        if (!found) {
            r.error = tr("local time does not exist in %1 (daylight-saving gap)")
                          .arg(QString::fromUtf8(defaultZone.id()));
            return r;
        }
        r.ts.hadOffset = false;
        return r;
    }
    int off = 0;
    if ((t[p] == 'Z' || t[p] == 'z') && p + 1 == t.size()) {
        off = 0;
    } else if ((t[p] == '+' || t[p] == '-') && p + 6 == t.size() && t[p + 3] == ':') {
        int oh, om;
        if (!digits(t, p + 1, 2, oh) || !digits(t, p + 4, 2, om) || oh > 23 || om > 59) {
            r.error = tr("timestamp has a malformed UTC offset");
            return r;
        }
        off = (oh * 60 + om) * 60 * (t[p] == '-' ? -1 : 1);
    } else {
        r.error = tr("timestamp has a malformed UTC offset");
        return r;
    }
    r.ts.utcMs = localMs - off * 1000LL;
    r.ts.offsetSeconds = off;
    r.ts.hadOffset = true;
    return r;
}

QString formatTimestamp(int64_t utcMs, int offsetSeconds)
{
    const QDateTime dt = QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone(offsetSeconds));
    QString out = dt.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz"));
    if (offsetSeconds == 0)
        return out + u'Z';
    const int a = std::abs(offsetSeconds) / 60;
    out += offsetSeconds < 0 ? u'-' : u'+';
    out += QString::number(a / 60).rightJustified(2, u'0') + u':' + QString::number(a % 60).rightJustified(2, u'0');
    return out;
}

} // namespace casebook
