// SPDX-License-Identifier: GPL-3.0-or-later
#include "demogenerator.h"
#include "money.h"
#include "sha256.h"
#include "timestamp.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#include <atomic>

using namespace Qt::StringLiterals;
using namespace casebook;

namespace {

constexpr const char* kMule = "GB33BUKB20201555555555";

/// One archive's members by name, from a ZIP (libarchive) or a directory.
struct Archive
{
    QStringList names; ///< zip: archive order; directory: sorted
    QHash<QString, QByteArray> files;
    QString error;
};

Archive readArchive(const QString& path)
{
    Archive out;
    if (QFileInfo(path).isDir()) {
        QDirIterator it(path, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString full = it.next();
            QFile f(full);
            if (!f.open(QIODevice::ReadOnly))
                out.error = f.errorString();
            const QString rel = QDir(path).relativeFilePath(full);
            out.names << rel;
            out.files.insert(rel, f.readAll());
        }
        out.names.sort();
        return out;
    }
    archive* a = archive_read_new();
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, QFile::encodeName(path).constData(), 1 << 16) != ARCHIVE_OK) {
        out.error = QString::fromLocal8Bit(archive_error_string(a));
        archive_read_free(a);
        return out;
    }
    archive_entry* e = nullptr;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        const QString name = QString::fromUtf8(archive_entry_pathname_utf8(e));
        QByteArray data;
        data.reserve(qsizetype(archive_entry_size(e)));
        char buf[1 << 16];
        la_ssize_t n;
        while ((n = archive_read_data(a, buf, sizeof buf)) > 0)
            data.append(buf, qsizetype(n));
        if (n < 0)
            out.error = QString::fromLocal8Bit(archive_error_string(a));
        out.names << name;
        out.files.insert(name, data);
    }
    archive_read_free(a);
    return out;
}

/// Minimal RFC 4180 reader for checking the generator (the product's reader is tested elsewhere).
QList<QByteArrayList> parseCsv(const QByteArray& text)
{
    QList<QByteArrayList> rows;
    QByteArrayList row;
    QByteArray field;
    bool quoted = false;
    bool any = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text.at(i + 1) == '"') {
                    field.append('"');
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                field.append(c);
            }
        } else if (c == '"') {
            quoted = true;
            any = true;
        } else if (c == ',') {
            row << field;
            field.clear();
            any = true;
        } else if (c == '\n') {
            if (!field.isEmpty() || any || !row.isEmpty()) {
                row << field;
                rows << row;
            }
            row.clear();
            field.clear();
            any = false;
        } else if (c != '\r' || i + 1 >= text.size() || text.at(i + 1) != '\n') {
            field.append(c);
            any = true;
        }
    }
    if (!field.isEmpty() || !row.isEmpty()) {
        row << field;
        rows << row;
    }
    return rows;
}

QList<QByteArray> jsonLines(const QByteArray& text)
{
    QList<QByteArray> out;
    for (const QByteArray& l : text.split('\n'))
        if (!l.isEmpty())
            out << l;
    return out;
}

/// Every file below `dir`, relative path → bytes.
QMap<QString, QByteArray> snapshot(const QString& dir)
{
    QMap<QString, QByteArray> out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString full = it.next();
        QFile f(full);
        if (f.open(QIODevice::ReadOnly))
            out.insert(QDir(dir).relativeFilePath(full), f.readAll());
    }
    return out;
}

bool verifySignature(const QByteArray& manifest, const QByteArray& sigFile, const QByteArray& pk)
{
    const QByteArray sig = QByteArray::fromBase64(sigFile.trimmed());
    if (sig.size() != qsizetype(crypto_sign_BYTES) || pk.size() != qsizetype(crypto_sign_PUBLICKEYBYTES))
        return false;
    return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig.constData()),
               reinterpret_cast<const unsigned char*>(manifest.constData()), quint64(manifest.size()),
               reinterpret_cast<const unsigned char*>(pk.constData()))
        == 0;
}

/// A parsed archive of the shared fixture.
struct Loaded
{
    demo::GeneratedArchive info;
    Archive archive;
    QJsonObject manifest;
    QTimeZone zone;
    QList<QByteArrayList> txnRows; ///< all transaction parts, without headers
    QByteArrayList txnHeader;
    QList<QJsonObject> events;
    QList<QByteArrayList> accountRows;
};

int col(const QByteArrayList& header, const char* name) { return int(header.indexOf(QByteArray(name))); }

} // namespace

class TestDemoGenerator : public QObject
{
    Q_OBJECT

private:
    static constexpr int64_t kRows = 30000;
    QTemporaryDir m_dir;
    QVector<demo::GeneratedArchive> m_generated;
    QList<Loaded> m_loaded;
    QList<int64_t> m_progress;

private slots:
    void initTestCase()
    {
        QVERIFY(sodium_init() >= 0);
        QVERIFY(m_dir.isValid());
        demo::Options o;
        o.tenants = 5;
        o.rows = kRows;
        o.seed = 42;
        auto r = demo::generate(m_dir.path(), o, [this](int64_t n) { m_progress << n; });
        QVERIFY2(r, r ? "" : qPrintable(r.error().text()));
        m_generated = *r;
        for (const demo::GeneratedArchive& g : std::as_const(m_generated)) {
            Loaded l;
            l.info = g;
            l.archive = readArchive(g.path);
            QVERIFY2(l.archive.error.isEmpty(), qPrintable(l.archive.error));
            l.manifest = QJsonDocument::fromJson(l.archive.files.value(u"manifest.json"_s)).object();
            QVERIFY(!l.manifest.isEmpty());
            l.zone = QTimeZone(l.manifest.value(u"default_timezone").toString().toLatin1());
            QVERIFY(l.zone.isValid());
            for (const QJsonValue& v : l.manifest.value(u"files").toArray()) {
                const QJsonObject f = v.toObject();
                const QByteArray data = l.archive.files.value(f.value(u"path").toString());
                const QString kind = f.value(u"kind").toString();
                if (kind == u"transactions") {
                    QList<QByteArrayList> rows = parseCsv(data);
                    QVERIFY(!rows.isEmpty());
                    if (l.txnHeader.isEmpty())
                        l.txnHeader = rows.first();
                    QCOMPARE(rows.first(), l.txnHeader); // every part has the same header
                    rows.removeFirst();
                    l.txnRows << rows;
                } else if (kind == u"audit") {
                    for (const QByteArray& line : jsonLines(data)) {
                        QJsonParseError pe;
                        const QJsonDocument d = QJsonDocument::fromJson(line, &pe);
                        QVERIFY2(pe.error == QJsonParseError::NoError && d.isObject(), line.constData());
                        l.events << d.object();
                    }
                } else if (kind == u"accounts") {
                    QList<QByteArrayList> rows = parseCsv(data);
                    QCOMPARE(rows.first(),
                        QByteArrayList({ "account", "holder_name", "holder_id", "opened", "type", "status" }));
                    rows.removeFirst();
                    l.accountRows = rows;
                }
            }
            m_loaded << l;
        }
    }

    void demoKeys()
    {
        const QByteArray pk = demo::demoPublicKey();
        const QByteArray sk = demo::demoSecretKey();
        QCOMPARE(pk.size(), qsizetype(crypto_sign_PUBLICKEYBYTES));
        QCOMPARE(sk.size(), qsizetype(crypto_sign_SECRETKEYBYTES));
        QCOMPARE(demo::demoPublicKey(), pk);
        // Derived from SHA-256("casebook demo producer key v1") as seed.
        const QByteArray seed = Sha256::hash(QByteArrayView("casebook demo producer key v1"));
        QByteArray pk2(crypto_sign_PUBLICKEYBYTES, Qt::Uninitialized),
            sk2(crypto_sign_SECRETKEYBYTES, Qt::Uninitialized);
        crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(pk2.data()),
            reinterpret_cast<unsigned char*>(sk2.data()), reinterpret_cast<const unsigned char*>(seed.constData()));
        QCOMPARE(pk, pk2);
        QCOMPARE(sk, sk2);
        QCOMPARE(QByteArray(demo::kDemoKeyId), QByteArray("casebook-demo"));
    }

    void tenantsAndFiles()
    {
        QCOMPARE(m_generated.size(), 5);
        const QStringList ids { u"T0001"_s, u"T0002"_s, u"T0003"_s, u"T0004"_s, u"T0005"_s };
        const QStringList zones { u"Asia/Shanghai"_s, u"Europe/Berlin"_s, u"Asia/Tokyo"_s, u"Europe/London"_s,
            u"America/New_York"_s };
        QSet<QString> names, exportIds, leis;
        static const QRegularExpression uuid(
            u"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"_s);
        static const QRegularExpression lei(u"^[0-9A-Z]{18}[0-9]{2}$"_s);
        for (int i = 0; i < 5; ++i) {
            const Loaded& l = m_loaded.at(i);
            QCOMPARE(l.info.tenantId, ids.at(i));
            QCOMPARE(QFileInfo(l.info.path).fileName(), ids.at(i) + u"-2026Q1.sea.zip"_s);
            const QJsonObject tenant = l.manifest.value(u"tenant").toObject();
            QCOMPARE(tenant.value(u"id").toString(), ids.at(i));
            QCOMPARE(tenant.value(u"name").toString(), l.info.tenantName);
            QVERIFY(QStringList({ u"bank"_s, u"insurer"_s, u"broker"_s }).contains(tenant.value(u"kind").toString()));
            QVERIFY(lei.match(tenant.value(u"lei").toString()).hasMatch());
            leis << tenant.value(u"lei").toString();
            names << l.info.tenantName;
            QCOMPARE(l.manifest.value(u"default_timezone").toString(), zones.at(i));
            QCOMPARE(l.manifest.value(u"format").toString(), u"sea"_s);
            QCOMPARE(l.manifest.value(u"version").toInt(), 1);
            QCOMPARE(l.manifest.value(u"export_id").toString(), l.info.exportId);
            QVERIFY2(uuid.match(l.info.exportId).hasMatch(), qPrintable(l.info.exportId));
            exportIds << l.info.exportId;
            QVERIFY(parseTimestamp(l.manifest.value(u"created_at").toString().toLatin1(), QTimeZone::utc())
                        .error.isEmpty());
            // The period is the first quarter in the tenant's own zone (offsets differ across DST).
            const QJsonObject period = l.manifest.value(u"period").toObject();
            const TimestampParse from = parseTimestamp(period.value(u"from").toString().toLatin1(), l.zone);
            const TimestampParse to = parseTimestamp(period.value(u"to").toString().toLatin1(), l.zone);
            QVERIFY(from.error.isEmpty() && to.error.isEmpty());
            QCOMPARE(QDateTime::fromMSecsSinceEpoch(from.ts.utcMs, l.zone).date(), QDate(2026, 1, 1));
            QCOMPARE(QDateTime::fromMSecsSinceEpoch(from.ts.utcMs, l.zone).time(), QTime(0, 0));
            QCOMPARE(QDateTime::fromMSecsSinceEpoch(to.ts.utcMs, l.zone).date(), QDate(2026, 3, 31));
            QCOMPARE(QDateTime::fromMSecsSinceEpoch(to.ts.utcMs, l.zone).time(), QTime(23, 59, 59));
        }
        QCOMPARE(names.size(), 5);
        QCOMPARE(exportIds.size(), 5);
        QCOMPARE(leis.size(), 5);
        QCOMPARE(m_loaded.at(0).info.tenantName, u"Bank of Nanjing Example"_s);
    }

    void countsAddUp()
    {
        int64_t total = 0;
        for (const Loaded& l : std::as_const(m_loaded)) {
            total += l.info.events + l.info.transactions;
            QVERIFY(l.info.events > 0 && l.info.transactions > 0 && l.info.accounts > 0);
            QCOMPARE(int64_t(l.events.size()), l.info.events);
            QCOMPARE(int64_t(l.txnRows.size()), l.info.transactions);
            QCOMPARE(int64_t(l.accountRows.size()), l.info.accounts);
            // ~40 % events, ~60 % transactions.
            const double share = double(l.info.events) / double(l.info.events + l.info.transactions);
            QVERIFY2(share > 0.35 && share < 0.45, qPrintable(QString::number(share)));
            int64_t records[3] = {};
            for (const QJsonValue& v : l.manifest.value(u"files").toArray()) {
                const QJsonObject f = v.toObject();
                const QString kind = f.value(u"kind").toString();
                const int64_t n = f.value(u"records").toInteger(-1);
                QVERIFY(n >= 0);
                QVERIFY(n <= 250000);
                records[kind == u"audit" ? 0 : (kind == u"transactions" ? 1 : 2)] += n;
            }
            QCOMPARE(records[0], l.info.events);
            QCOMPARE(records[1], l.info.transactions);
            QCOMPARE(records[2], l.info.accounts);
        }
        QCOMPARE(total, kRows);
        // Progress: roughly every 10000 rows, increasing, ending at the total.
        QVERIFY(m_progress.size() >= 3);
        for (int i = 1; i < m_progress.size(); ++i)
            QVERIFY(m_progress.at(i) >= m_progress.at(i - 1));
        QCOMPARE(m_progress.last(), kRows);
    }

    void manifestMatchesContent()
    {
        for (const Loaded& l : std::as_const(m_loaded)) {
            QSet<QString> listed;
            const QJsonArray files = l.manifest.value(u"files").toArray();
            for (const QJsonValue& v : files) {
                const QJsonObject f = v.toObject();
                const QString path = f.value(u"path").toString();
                QVERIFY2(l.archive.files.contains(path), qPrintable(path));
                const QByteArray data = l.archive.files.value(path);
                QCOMPARE(f.value(u"sha256").toString(), QString::fromLatin1(Sha256::hexHash(data)));
                QCOMPARE(f.value(u"bytes").toInteger(), qint64(data.size()));
                const QString format = f.value(u"format").toString();
                if (path.startsWith(u"audit/"))
                    QCOMPARE(format, u"sea-jsonl"_s);
                else
                    QCOMPARE(format, u"sea-csv"_s);
                listed << path;
            }
            QVERIFY(listed.contains(u"accounts.csv"_s));
            QVERIFY(listed.contains(u"audit/part-0001.jsonl"_s));
            QVERIFY(listed.contains(u"transactions/part-0001.csv"_s));
            for (const QString& name : l.archive.names)
                QVERIFY2(
                    listed.contains(name) || name == u"manifest.json" || name == u"manifest.sig", qPrintable(name));
            QCOMPARE(int(l.archive.names.count()), int(listed.size() + (l.info.signedArchive ? 2 : 1)));
        }
    }

    void signatures()
    {
        const QByteArray pk = demo::demoPublicKey();
        for (int i = 0; i < m_loaded.size(); ++i) {
            const Loaded& l = m_loaded.at(i);
            const bool last = i == m_loaded.size() - 1;
            QCOMPARE(l.info.signedArchive, !last);
            QCOMPARE(l.manifest.value(u"producer").toObject().value(u"key_id").toString(), u"casebook-demo"_s);
            QCOMPARE(l.archive.files.contains(u"manifest.sig"_s), !last);
            if (!last) {
                const QByteArray sig = l.archive.files.value(u"manifest.sig"_s);
                QVERIFY(sig.endsWith('\n'));
                QVERIFY(verifySignature(l.archive.files.value(u"manifest.json"_s), sig, pk));
            }
        }
    }

    void timestampsParseWithTheZonesOffset()
    {
        for (const Loaded& l : std::as_const(m_loaded)) {
            const QJsonObject period = l.manifest.value(u"period").toObject();
            const int64_t from = parseTimestamp(period.value(u"from").toString().toLatin1(), l.zone).ts.utcMs;
            const int64_t to = parseTimestamp(period.value(u"to").toString().toLatin1(), l.zone).ts.utcMs + 1000;
            QSet<int> offsets;
            auto check = [&](const QByteArray& text) {
                const TimestampParse p = parseTimestamp(text, l.zone);
                if (!p.error.isEmpty() || !p.ts.hadOffset)
                    return false;
                offsets << p.ts.offsetSeconds;
                // The stated offset is the zone's real offset at that instant (DST included).
                return p.ts.offsetSeconds
                    == l.zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(p.ts.utcMs, QTimeZone::utc()))
                    && p.ts.utcMs >= from && p.ts.utcMs < to;
            };
            const int ts = col(l.txnHeader, "ts");
            QVERIFY(ts >= 0);
            for (const QByteArrayList& row : l.txnRows)
                QVERIFY2(check(row.at(ts)), row.at(ts).constData());
            for (const QJsonObject& e : l.events) {
                const QByteArray t = e.value(u"ts").toString().toLatin1();
                QVERIFY2(check(t), t.constData());
            }
            // Zones with DST in the quarter show both offsets.
            const QByteArray zone = l.zone.id();
            if (zone == "Europe/Berlin" || zone == "Europe/London" || zone == "America/New_York")
                QCOMPARE(offsets.size(), 2);
            else
                QCOMPARE(offsets.size(), 1);
        }
    }

    void amountsAndRows()
    {
        for (const Loaded& l : std::as_const(m_loaded)) {
            const QByteArrayList& h = l.txnHeader;
            for (const char* c :
                { "txn_id", "ts", "value_date", "debtor_account", "debtor_name", "debtor_bank", "creditor_account",
                    "creditor_name", "creditor_bank", "amount", "currency", "channel", "status", "reference", "memo" })
                QVERIFY2(col(h, c) >= 0, c);
            const int amount = col(h, "amount"), currency = col(h, "currency"), status = col(h, "status");
            const int id = col(h, "txn_id"), vd = col(h, "value_date");
            QSet<QByteArray> ids, currencies;
            int withNewline = 0, withComma = 0;
            for (const QByteArrayList& row : l.txnRows) {
                QCOMPARE(row.size(), h.size());
                const money::Parsed p = money::parse(row.at(amount));
                QVERIFY2(!p.error, row.at(amount).constData());
                QVERIFY(p.e4 > 0);
                if (row.at(currency) == "JPY" || row.at(currency) == "KRW")
                    QVERIFY2(!row.at(amount).contains('.'), row.at(amount).constData());
                QVERIFY(QByteArrayList({ "booked", "pending", "rejected", "reversed" }).contains(row.at(status)));
                int y, m, d;
                QVERIFY(parseDate(row.at(vd), y, m, d));
                QVERIFY2(!ids.contains(row.at(id)), row.at(id).constData());
                ids << row.at(id);
                currencies << row.at(currency);
                for (const QByteArray& f : row) {
                    withNewline += f.contains('\n');
                    withComma += f.contains(',');
                }
                QVERIFY(QString::fromUtf8(row.join(',')).toUtf8() == row.join(',')); // valid UTF-8
            }
            QVERIFY(currencies.size() >= 3); // home currency plus cross-currency payments
            QVERIFY(withComma > 0);
            if (l.txnRows.size() > 5000)
                QVERIFY(withNewline > 0);

            QSet<QString> eventIds;
            const QSet<QString> outcomes { u"success"_s, u"failure"_s, u"denied"_s };
            for (const QJsonObject& e : l.events) {
                for (const char* k : { "event_id", "ts", "actor", "action", "resource", "outcome" })
                    QVERIFY2(e.value(QLatin1StringView(k)).isString(), k);
                QVERIFY(outcomes.contains(e.value(u"outcome").toString()));
                QVERIFY(e.value(u"details").isObject());
                const QString eid = e.value(u"event_id").toString();
                QVERIFY2(!eventIds.contains(eid), qPrintable(eid));
                eventIds << eid;
            }
        }
    }

    void realisticScriptsAndHours()
    {
        // Names in several scripts, and activity concentrated in local office hours.
        const QString all = QString::fromUtf8(m_loaded.at(0).archive.files.value(u"accounts.csv"_s)
            + m_loaded.at(1).archive.files.value(u"accounts.csv"_s)
            + m_loaded.at(2).archive.files.value(u"accounts.csv"_s));
        auto hasScript = [&all](QChar::Script s) {
            for (QChar c : all)
                if (c.script() == s)
                    return true;
            return false;
        };
        QVERIFY(hasScript(QChar::Script_Han));
        QVERIFY(hasScript(QChar::Script_Latin));
        QVERIFY(hasScript(QChar::Script_Hiragana) || hasScript(QChar::Script_Katakana)
            || hasScript(QChar::Script_Hangul) || hasScript(QChar::Script_Cyrillic));
        QVERIFY(all.contains(u'ü') || all.contains(u'ö') || all.contains(u'ä'));

        for (const Loaded& l : std::as_const(m_loaded)) {
            int office = 0, human = 0;
            QSet<QString> roles, actions;
            for (const QJsonObject& e : l.events) {
                const QByteArray t = e.value(u"ts").toString().toLatin1();
                const TimestampParse p = parseTimestamp(t, l.zone);
                const QDateTime local = QDateTime::fromMSecsSinceEpoch(p.ts.utcMs, QTimeZone(p.ts.offsetSeconds));
                const bool weekday = local.date().dayOfWeek() <= 5;
                roles << e.value(u"actor_role").toString();
                actions << e.value(u"action").toString();
                if (e.value(u"actor_role").toString() == u"api-service")
                    continue;
                ++human;
                office += weekday && local.time().hour() >= 8 && local.time().hour() < 19;
            }
            QVERIFY2(office > human * 8 / 10, qPrintable(u"%1 of %2"_s.arg(office).arg(human)));
            QVERIFY(roles.contains(u"dba"_s) && roles.contains(u"ops-admin"_s) && roles.contains(u"compliance"_s)
                && roles.contains(u"api-service"_s));
            QVERIFY(actions.contains(u"user.login"_s) && actions.contains(u"db.query"_s)
                && actions.contains(u"payment.create"_s) && actions.contains(u"config.change"_s));
        }
    }

    void plantedStory()
    {
        QSet<QString> tenantsPayingMule;
        for (const Loaded& l : std::as_const(m_loaded)) {
            const int creditor = col(l.txnHeader, "creditor_account");
            for (const QByteArrayList& row : l.txnRows)
                if (row.at(creditor) == kMule)
                    tenantsPayingMule << l.info.tenantId;
            // The mule is nobody's customer.
            for (const QByteArrayList& row : l.accountRows)
                QVERIFY(row.at(0) != kMule);
        }
        QVERIFY2(tenantsPayingMule.size() >= 3, qPrintable(QStringList(tenantsPayingMule.values()).join(u',')));
        QVERIFY(tenantsPayingMule.contains(u"T0001"_s) && tenantsPayingMule.contains(u"T0002"_s)
            && tenantsPayingMule.contains(u"T0004"_s));

        // T0001: dba.zhou's off-hours export, then payments to the mule within 48 hours.
        const Loaded& t1 = m_loaded.at(0);
        int64_t loginMs = -1, exportRows = 0;
        QString loginIp;
        for (const QJsonObject& e : t1.events) {
            if (e.value(u"actor").toString() != u"dba.zhou")
                continue;
            QCOMPARE(e.value(u"actor_role").toString(), u"dba"_s);
            const TimestampParse p = parseTimestamp(e.value(u"ts").toString().toLatin1(), t1.zone);
            const QDateTime local = QDateTime::fromMSecsSinceEpoch(p.ts.utcMs, t1.zone);
            const bool night = local.date().dayOfWeek() == 7 && local.time().hour() < 5;
            if (night && e.value(u"action").toString() == u"user.login"
                && e.value(u"outcome").toString() == u"success") {
                loginMs = p.ts.utcMs;
                loginIp = e.value(u"source_ip").toString();
            }
            if (night && e.value(u"action").toString() == u"db.export" && e.value(u"outcome").toString() == u"success")
                exportRows += e.value(u"details").toObject().value(u"rows").toInteger();
        }
        QVERIFY(loginMs > 0);
        QVERIFY(!loginIp.startsWith(u"10."));
        QVERIFY(exportRows > 1000000);
        const int creditor = col(t1.txnHeader, "creditor_account"), ts = col(t1.txnHeader, "ts");
        const int debtor = col(t1.txnHeader, "debtor_account");
        QSet<QByteArray> debtors;
        for (const QByteArrayList& row : t1.txnRows) {
            if (row.at(creditor) != kMule)
                continue;
            const int64_t at = parseTimestamp(row.at(ts), t1.zone).ts.utcMs;
            QVERIFY(at > loginMs && at < loginMs + 48 * 3600 * 1000LL);
            debtors << row.at(debtor);
        }
        QVERIFY(debtors.size() >= 3);
        // The mobile backend created those payments from the DBA's address.
        int fromDbaIp = 0;
        for (const QJsonObject& e : t1.events)
            fromDbaIp
                += e.value(u"action").toString() == u"payment.create" && e.value(u"source_ip").toString() == loginIp;
        QCOMPARE(fromDbaIp, debtors.size());
    }

    void deterministic_data()
    {
        QTest::addColumn<bool>("zip");
        QTest::addRow("zip") << true;
        QTest::addRow("directory") << false;
    }

    void deterministic()
    {
        QFETCH(bool, zip);
        QTemporaryDir a, b, c;
        QVERIFY(a.isValid() && b.isValid() && c.isValid());
        demo::Options o;
        o.rows = 12000;
        o.seed = 7;
        o.zip = zip;
        QVERIFY(demo::generate(a.path(), o));
        QVERIFY(demo::generate(b.path(), o));
        const QMap<QString, QByteArray> sa = snapshot(a.path()), sb = snapshot(b.path());
        QVERIFY(sa.size() >= (zip ? 5 : 15));
        QCOMPARE(sa.keys(), sb.keys());
        for (auto it = sa.begin(); it != sa.end(); ++it)
            QVERIFY2(it.value() == sb.value(it.key()), qPrintable(it.key()));

        o.seed = 8;
        QVERIFY(demo::generate(c.path(), o));
        const QMap<QString, QByteArray> sc = snapshot(c.path());
        QCOMPARE(sc.keys(), sa.keys());
        QVERIFY(sc.first() != sa.first());
    }

    void directoryOutput()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        demo::Options o;
        o.rows = 3000;
        o.zip = false;
        auto r = demo::generate(tmp.path(), o);
        QVERIFY(r);
        QCOMPARE(r->size(), 5);
        for (const demo::GeneratedArchive& g : std::as_const(*r)) {
            QCOMPARE(QFileInfo(g.path).fileName(), g.tenantId + u"-2026Q1"_s);
            QVERIFY(QFileInfo(g.path).isDir());
            QVERIFY(QFile::exists(g.path + u"/manifest.json"_s));
            QCOMPARE(QFile::exists(g.path + u"/manifest.sig"_s), g.signedArchive);
            QVERIFY(QFile::exists(g.path + u"/accounts.csv"_s));
        }
        // A second run into the same place refuses rather than mixing old and new files.
        auto again = demo::generate(tmp.path(), o);
        QVERIFY(!again);
        QVERIFY(QFile::exists(r->first().path + u"/manifest.json"_s));
    }

    void moreTenants()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        demo::Options o;
        o.tenants = 14;
        o.rows = 14000;
        auto r = demo::generate(tmp.path(), o);
        QVERIFY(r);
        QCOMPARE(r->size(), 14);
        QSet<QString> names;
        int64_t total = 0;
        for (int i = 0; i < r->size(); ++i) {
            const demo::GeneratedArchive& g = r->at(i);
            QCOMPARE(g.tenantId, u"T%1"_s.arg(i + 1, 4, 10, QChar(u'0')));
            QCOMPARE(g.signedArchive, i != r->size() - 1);
            names << g.tenantName;
            total += g.events + g.transactions;
        }
        QCOMPARE(names.size(), 14);
        QCOMPARE(total, o.rows);
    }

    void partsSplitAt250000()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        demo::Options o;
        o.tenants = 1;
        o.rows = 630000; // 252000 events, 378000 transactions
        o.zip = false;
        auto r = demo::generate(tmp.path(), o);
        QVERIFY(r);
        QCOMPARE(r->size(), 1);
        const demo::GeneratedArchive& g = r->first();
        QVERIFY(!g.signedArchive); // the only tenant is also the last
        QCOMPARE(g.events + g.transactions, o.rows);
        QFile mf(g.path + u"/manifest.json"_s);
        QVERIFY(mf.open(QIODevice::ReadOnly));
        const QJsonArray files = QJsonDocument::fromJson(mf.readAll()).object().value(u"files").toArray();
        QStringList paths;
        int64_t events = 0, txns = 0;
        for (const QJsonValue& v : files) {
            const QJsonObject f = v.toObject();
            const QString path = f.value(u"path").toString();
            paths << path;
            QFile data(g.path + u'/' + path);
            QVERIFY(data.open(QIODevice::ReadOnly));
            const QByteArray bytes = data.readAll();
            QCOMPARE(f.value(u"bytes").toInteger(), qint64(bytes.size()));
            const int64_t records = f.value(u"records").toInteger();
            QVERIFY(records <= 250000);
            if (path.startsWith(u"audit/")) {
                QCOMPARE(int64_t(bytes.count('\n')), records);
                events += records;
            } else if (path.startsWith(u"transactions/")) {
                txns += records;
            }
        }
        QCOMPARE(paths,
            QStringList({ u"accounts.csv"_s, u"transactions/part-0001.csv"_s, u"transactions/part-0002.csv"_s,
                u"audit/part-0001.jsonl"_s, u"audit/part-0002.jsonl"_s }));
        QCOMPARE(files.at(1).toObject().value(u"records").toInteger(), 250000);
        QCOMPARE(events, g.events);
        QCOMPARE(txns, g.transactions);
    }

    void smallAndEmpty_data()
    {
        QTest::addColumn<int64_t>("rows");
        QTest::addRow("zero") << int64_t(0);
        QTest::addRow("ten") << int64_t(10);
        QTest::addRow("hundred") << int64_t(100);
    }

    void smallAndEmpty()
    {
        QFETCH(int64_t, rows);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        demo::Options o;
        o.rows = rows;
        auto r = demo::generate(tmp.path(), o);
        QVERIFY2(r, r ? "" : qPrintable(r.error().text()));
        int64_t total = 0;
        for (const demo::GeneratedArchive& g : std::as_const(*r)) {
            total += g.events + g.transactions;
            const Archive a = readArchive(g.path);
            QVERIFY(a.error.isEmpty());
            const QJsonObject m = QJsonDocument::fromJson(a.files.value(u"manifest.json"_s)).object();
            int64_t listed = 0;
            for (const QJsonValue& v : m.value(u"files").toArray())
                if (v.toObject().value(u"kind").toString() != u"accounts")
                    listed += v.toObject().value(u"records").toInteger();
            QCOMPARE(listed, g.events + g.transactions);
        }
        QCOMPARE(total, rows);
    }

    void cancelLeavesNothing()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        demo::Options o;
        o.rows = 200000;
        std::atomic_bool cancel { false };
        int64_t seen = 0;
        auto r = demo::generate(
            tmp.path(), o,
            [&](int64_t n) {
                seen = n;
                if (n >= 60000) // inside the second tenant
                    cancel = true;
            },
            &cancel);
        QVERIFY(!r);
        QCOMPARE(r.error().code, Error::Code::Cancelled);
        QVERIFY(seen >= 60000 && seen < 200000);
        QCOMPARE(QDir(tmp.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), QStringList());
    }

    void invalidOptions()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        demo::Options o;
        o.tenants = 0;
        auto r = demo::generate(tmp.path(), o);
        QVERIFY(!r);
        QCOMPARE(r.error().code, Error::Code::Usage);
        o.tenants = 5;
        o.rows = -1;
        r = demo::generate(tmp.path(), o);
        QVERIFY(!r);
        QCOMPARE(r.error().code, Error::Code::Usage);
    }
};

QTEST_GUILESS_MAIN(TestDemoGenerator)
#include "tst_demogenerator.moc"
