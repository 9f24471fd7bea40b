// SPDX-License-Identifier: GPL-3.0-or-later
#include "seawriter.h"
#include "sha256.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

using namespace Qt::StringLiterals;
using casebook::Error;
using casebook::SeaWriter;

namespace {

/// Entries of a ZIP in archive order, read with libarchive (names exactly as stored).
struct Entries
{
    QStringList names;
    QHash<QString, QByteArray> data;
    QString error;
};

Entries readZip(const QString& path)
{
    Entries out;
    archive* a = archive_read_new();
    archive_read_support_format_zip(a);
    if (archive_read_open_filename(a, QFile::encodeName(path).constData(), 65536) != ARCHIVE_OK) {
        out.error = QString::fromLocal8Bit(archive_error_string(a));
        archive_read_free(a);
        return out;
    }
    archive_entry* e = nullptr;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char* utf8 = archive_entry_pathname_utf8(e);
        const QString name = utf8 ? QString::fromUtf8(utf8) : QString::fromLocal8Bit(archive_entry_pathname(e));
        QByteArray bytes;
        char buf[65536];
        la_ssize_t n;
        while ((n = archive_read_data(a, buf, sizeof buf)) > 0)
            bytes.append(buf, qsizetype(n));
        if (n < 0)
            out.error = QString::fromLocal8Bit(archive_error_string(a));
        out.names << name;
        out.data.insert(name, bytes);
    }
    if (r != ARCHIVE_EOF)
        out.error = QString::fromLocal8Bit(archive_error_string(a));
    archive_read_free(a);
    return out;
}

/// Files below `root` as relative '/'-paths (sorted, since a directory has no order).
Entries readDir(const QString& root)
{
    Entries out;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString full = it.next();
        const QString rel = QDir(root).relativeFilePath(full);
        QFile f(full);
        if (!f.open(QIODevice::ReadOnly)) {
            out.error = f.errorString();
            continue;
        }
        out.names << rel;
        out.data.insert(rel, f.readAll());
    }
    out.names.sort();
    return out;
}

QJsonObject baseManifest()
{
    return QJsonObject {
        { u"format"_s, u"sea"_s },
        { u"version"_s, 1 },
        { u"export_id"_s, u"9d1c6b0e-6a0f-4f53-9a7b-3c1d0a2e8f11"_s },
        { u"tenant"_s,
            QJsonObject {
                { u"id"_s, u"T0042"_s }, { u"name"_s, u"Bank of Nanjing Example"_s }, { u"kind"_s, u"bank"_s } } },
        { u"producer"_s, QJsonObject { { u"cloud"_s, u"Test"_s }, { u"key_id"_s, u"test-key"_s } } },
        { u"created_at"_s, u"2026-04-02T10:15:00Z"_s },
        { u"default_timezone"_s, u"Asia/Shanghai"_s },
    };
}

const QByteArray kAudit = "{\"event_id\":\"e1\",\"ts\":\"2026-01-05T09:31:02.125+08:00\",\"actor\":\"王芳\"}\n"
                          "{\"event_id\":\"e2\",\"ts\":\"2026-01-05T09:32:00+08:00\",\"actor\":\"x\"}\n";
const QByteArray kCsv = "txn_id,amount\nt1,1.00\nt2,\"2,00\"\nt3,3\n";
const QByteArray kNative = "{\"Records\":[]}";

} // namespace

class TestSeaWriter : public QObject
{
    Q_OBJECT

private:
    QByteArray m_pk, m_sk;

    /// Writes the standard three files plus one unlisted entry.
    void writeSample(SeaWriter& w, bool sign)
    {
        QVERIFY(w.open());
        QVERIFY(w.addFile(u"audit/part-0001.jsonl"_s, u"audit"_s, u"sea-jsonl"_s, kAudit, 2));
        QVERIFY(w.addFile(u"transactions/part-0001.csv"_s, u"transactions"_s, u"sea-csv"_s, kCsv, 3));
        QVERIFY(w.addFile(u"native/cloudtrail/2026-01-01.json"_s, u"audit"_s, u"cloudtrail"_s, kNative));
        QVERIFY(w.addRawEntry(u"notes/unlisted.txt"_s, "not in the manifest"));
        QVERIFY(w.finish(sign ? m_sk : QByteArray()));
    }

    void checkManifest(const QByteArray& bytes)
    {
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
        QCOMPARE(pe.error, QJsonParseError::NoError);
        const QJsonObject m = doc.object();
        // Base keys pass through unchanged.
        const QJsonObject base = baseManifest();
        for (auto it = base.begin(); it != base.end(); ++it)
            QCOMPARE(m.value(it.key()), it.value());
        // Compact serialisation, as promised.
        QCOMPARE(bytes, QJsonDocument(m).toJson(QJsonDocument::Compact));

        const QJsonArray files = m.value(u"files").toArray();
        QCOMPARE(files.size(), 3);
        const QStringList paths { u"audit/part-0001.jsonl"_s, u"transactions/part-0001.csv"_s,
            u"native/cloudtrail/2026-01-01.json"_s };
        const QList<QByteArray> contents { kAudit, kCsv, kNative };
        for (int i = 0; i < 3; ++i) {
            const QJsonObject f = files.at(i).toObject();
            QCOMPARE(f.value(u"path").toString(), paths.at(i)); // order of addFile
            QCOMPARE(f.value(u"sha256").toString(), QString::fromLatin1(casebook::Sha256::hexHash(contents.at(i))));
            QVERIFY(f.value(u"sha256").toString() == f.value(u"sha256").toString().toLower());
            QCOMPARE(f.value(u"bytes").toInteger(), qint64(contents.at(i).size()));
        }
        QCOMPARE(files.at(0).toObject().value(u"kind").toString(), u"audit"_s);
        QCOMPARE(files.at(0).toObject().value(u"format").toString(), u"sea-jsonl"_s);
        QCOMPARE(files.at(0).toObject().value(u"records").toInteger(), 2);
        QCOMPARE(files.at(1).toObject().value(u"records").toInteger(), 3);
        QVERIFY(!files.at(2).toObject().contains(u"records")); // -1: no "records" key
        QCOMPARE(files.at(2).toObject().value(u"format").toString(), u"cloudtrail"_s);
    }

    bool verifies(const QByteArray& manifest, const QByteArray& sigFile, const QByteArray& pk)
    {
        if (!sigFile.endsWith('\n') || sigFile.count('\n') != 1)
            return false;
        const auto decoded = QByteArray::fromBase64Encoding(sigFile.trimmed(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || (*decoded).size() != qsizetype(crypto_sign_BYTES))
            return false;
        return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>((*decoded).constData()),
                   reinterpret_cast<const unsigned char*>(manifest.constData()), quint64(manifest.size()),
                   reinterpret_cast<const unsigned char*>(pk.constData()))
            == 0;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(sodium_init() >= 0);
        m_pk.resize(crypto_sign_PUBLICKEYBYTES);
        m_sk.resize(crypto_sign_SECRETKEYBYTES);
        const QByteArray seed(crypto_sign_SEEDBYTES, '\x2a');
        crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(m_pk.data()),
            reinterpret_cast<unsigned char*>(m_sk.data()), reinterpret_cast<const unsigned char*>(seed.constData()));
    }

    void writesZip()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString path = tmp.filePath(u"a.sea.zip"_s);
        QByteArray manifest;
        {
            SeaWriter w(SeaWriter::Container::Zip, path, baseManifest());
            writeSample(w, true);
            if (QTest::currentTestFailed())
                return;
            manifest = w.manifestBytes();
        }
        QVERIFY(QFile::exists(path));
        QVERIFY(!QFile::exists(path + u".part"_s));
        const Entries e = readZip(path);
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        // Streaming: data in the order added, the manifest (and signature) last.
        QCOMPARE(e.names,
            QStringList(
                { u"audit/part-0001.jsonl"_s, u"transactions/part-0001.csv"_s, u"native/cloudtrail/2026-01-01.json"_s,
                    u"notes/unlisted.txt"_s, u"manifest.json"_s, u"manifest.sig"_s }));
        QCOMPARE(e.data.value(u"audit/part-0001.jsonl"_s), kAudit);
        QCOMPARE(e.data.value(u"transactions/part-0001.csv"_s), kCsv);
        QCOMPARE(e.data.value(u"native/cloudtrail/2026-01-01.json"_s), kNative);
        QCOMPARE(e.data.value(u"notes/unlisted.txt"_s), QByteArray("not in the manifest"));
        QCOMPARE(e.data.value(u"manifest.json"_s), manifest);
        checkManifest(manifest);
        QVERIFY(verifies(manifest, e.data.value(u"manifest.sig"_s), m_pk));
    }

    void writesDirectory()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString path = tmp.filePath(u"T0042-2026Q1"_s);
        QByteArray manifest;
        {
            SeaWriter w(SeaWriter::Container::Directory, path, baseManifest());
            writeSample(w, true);
            if (QTest::currentTestFailed())
                return;
            manifest = w.manifestBytes();
        }
        const Entries e = readDir(path);
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        QCOMPARE(e.names,
            QStringList({ u"audit/part-0001.jsonl"_s, u"manifest.json"_s, u"manifest.sig"_s,
                u"native/cloudtrail/2026-01-01.json"_s, u"notes/unlisted.txt"_s, u"transactions/part-0001.csv"_s }));
        QCOMPARE(e.data.value(u"transactions/part-0001.csv"_s), kCsv);
        QCOMPARE(e.data.value(u"manifest.json"_s), manifest);
        checkManifest(manifest);
        QVERIFY(verifies(manifest, e.data.value(u"manifest.sig"_s), m_pk));
    }

    void zipIsReproducible()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        for (const QString& name : { u"1.zip"_s, u"2.zip"_s }) {
            SeaWriter w(SeaWriter::Container::Zip, tmp.filePath(name), baseManifest());
            writeSample(w, true);
            if (QTest::currentTestFailed())
                return;
        }
        QFile a(tmp.filePath(u"1.zip"_s)), b(tmp.filePath(u"2.zip"_s));
        QVERIFY(a.open(QIODevice::ReadOnly) && b.open(QIODevice::ReadOnly));
        QCOMPARE(a.readAll(), b.readAll());
    }

    void signatureFailsAfterTampering()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString path = tmp.filePath(u"a.sea.zip"_s);
        {
            SeaWriter w(SeaWriter::Container::Zip, path, baseManifest());
            writeSample(w, true);
            if (QTest::currentTestFailed())
                return;
        }
        const Entries e = readZip(path);
        const QByteArray manifest = e.data.value(u"manifest.json"_s);
        const QByteArray sig = e.data.value(u"manifest.sig"_s);
        QVERIFY(verifies(manifest, sig, m_pk));

        QByteArray tampered = manifest;
        tampered.replace("T0042", "T0043");
        QVERIFY(tampered != manifest);
        QVERIFY(!verifies(tampered, sig, m_pk));
        QVERIFY(!verifies(manifest + ' ', sig, m_pk)); // not even whitespace may change

        QByteArray badSig = QByteArray::fromBase64(sig.trimmed());
        badSig[5] = char(badSig[5] ^ 1);
        QVERIFY(!verifies(manifest, badSig.toBase64() + '\n', m_pk));

        QByteArray otherPk(crypto_sign_PUBLICKEYBYTES, Qt::Uninitialized),
            otherSk(crypto_sign_SECRETKEYBYTES, Qt::Uninitialized);
        crypto_sign_keypair(
            reinterpret_cast<unsigned char*>(otherPk.data()), reinterpret_cast<unsigned char*>(otherSk.data()));
        QVERIFY(!verifies(manifest, sig, otherPk));
    }

    void unsignedHasNoSignature()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString path = tmp.filePath(u"u.sea.zip"_s);
        {
            SeaWriter w(SeaWriter::Container::Zip, path, baseManifest());
            writeSample(w, false);
            if (QTest::currentTestFailed())
                return;
        }
        const Entries e = readZip(path);
        QVERIFY(e.names.contains(u"manifest.json"_s));
        QVERIFY(!e.names.contains(u"manifest.sig"_s));
    }

    void manifestHookApplies()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString path = tmp.filePath(u"h.sea.zip"_s);
        QByteArray manifest;
        int calls = 0;
        {
            SeaWriter w(SeaWriter::Container::Zip, path, baseManifest());
            w.manifestHook = [&calls](QJsonObject& m) {
                ++calls;
                QCOMPARE(m.value(u"files").toArray().size(), 3); // sees the complete manifest
                m.insert(u"version"_s, 99);
                QJsonArray files = m.value(u"files").toArray();
                QJsonObject f = files.at(0).toObject();
                f.insert(u"sha256"_s, QString(64, u'0'));
                files.replace(0, f);
                m.insert(u"files"_s, files);
            };
            writeSample(w, true);
            if (QTest::currentTestFailed())
                return;
            manifest = w.manifestBytes();
        }
        QCOMPARE(calls, 1);
        const Entries e = readZip(path);
        QCOMPARE(e.data.value(u"manifest.json"_s), manifest);
        const QJsonObject m = QJsonDocument::fromJson(manifest).object();
        QCOMPARE(m.value(u"version").toInt(), 99);
        QCOMPARE(m.value(u"files").toArray().at(0).toObject().value(u"sha256").toString(), QString(64, u'0'));
        // The signature covers the tampered bytes: hooks build "signed but wrong" archives.
        QVERIFY(verifies(manifest, e.data.value(u"manifest.sig"_s), m_pk));
    }

    void rawEntryNamesAreVerbatimInZip()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString path = tmp.filePath(u"evil.sea.zip"_s);
        {
            SeaWriter w(SeaWriter::Container::Zip, path, baseManifest());
            QVERIFY(w.open());
            QVERIFY(w.addRawEntry(u"../evil.txt"_s, "up"));
            QVERIFY(w.addRawEntry(u"/abs.txt"_s, "root"));
            QVERIFY(w.addRawEntry(u"audit/../../evil2.txt"_s, "deep"));
            QVERIFY(w.finish());
        }
        const Entries e = readZip(path);
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        QVERIFY(e.names.contains(u"../evil.txt"_s));
        QVERIFY(e.names.contains(u"/abs.txt"_s));
        QVERIFY(e.names.contains(u"audit/../../evil2.txt"_s));
        QCOMPARE(e.data.value(u"../evil.txt"_s), QByteArray("up"));
        QCOMPARE(e.data.value(u"/abs.txt"_s), QByteArray("root"));
        QVERIFY(!QFile::exists(tmp.filePath(u"evil.txt"_s)));
    }

    void rawEntryEscapingDirectoryRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addRow("parent") << u"../evil.txt"_s;
        QTest::addRow("absolute") << u"/abs.txt"_s;
        QTest::addRow("nested parent") << u"a/../../evil.txt"_s;
        QTest::addRow("backslash") << u"..\\evil.txt"_s;
        QTest::addRow("drive") << u"C:/evil.txt"_s;
        QTest::addRow("empty") << QString();
    }

    void rawEntryEscapingDirectoryRefused()
    {
        QFETCH(QString, name);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString root = tmp.filePath(u"out/archive"_s);
        SeaWriter w(SeaWriter::Container::Directory, root, baseManifest());
        QVERIFY(w.open());
        const casebook::Status s = w.addRawEntry(name, "x");
        QVERIFY(!s);
        QCOMPARE(s.error().code, Error::Code::Usage);
        QVERIFY(s.error().message.contains(root));
        QVERIFY(!QFile::exists(tmp.filePath(u"out/evil.txt"_s)));
        QVERIFY(!QFile::exists(tmp.filePath(u"evil.txt"_s)));
        // A harmless unlisted name is fine, and the writer is still usable.
        QVERIFY(w.addRawEntry(u"extra/unlisted.bin"_s, "y"));
        QVERIFY(w.finish());
        QVERIFY(QFile::exists(root + u"/extra/unlisted.bin"_s));
    }

    void addFileRejectsBadPaths_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addRow("empty") << QString();
        QTest::addRow("parent") << u"../x.csv"_s;
        QTest::addRow("absolute") << u"/x.csv"_s;
        QTest::addRow("double slash") << u"a//x.csv"_s;
        QTest::addRow("dot") << u"./x.csv"_s;
        QTest::addRow("trailing slash") << u"audit/"_s;
        QTest::addRow("manifest") << u"manifest.json"_s;
        QTest::addRow("signature") << u"manifest.sig"_s;
        QTest::addRow("backslash") << u"audit\\x.jsonl"_s;
    }

    void addFileRejectsBadPaths()
    {
        QFETCH(QString, path);
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        SeaWriter w(SeaWriter::Container::Zip, tmp.filePath(u"a.zip"_s), baseManifest());
        QVERIFY(w.open());
        const casebook::Status s = w.addFile(path, u"audit"_s, u"sea-jsonl"_s, "x");
        QVERIFY(!s);
        QCOMPARE(s.error().code, Error::Code::Usage);
        // Nothing was listed, and the archive can still be completed.
        QVERIFY(w.finish());
        QCOMPARE(QJsonDocument::fromJson(w.manifestBytes()).object().value(u"files").toArray().size(), 0);
    }

    void duplicateListedPathRefused()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        SeaWriter w(SeaWriter::Container::Zip, tmp.filePath(u"a.zip"_s), baseManifest());
        QVERIFY(w.open());
        QVERIFY(w.addFile(u"accounts.csv"_s, u"accounts"_s, u"sea-csv"_s, "account\n"));
        const casebook::Status s = w.addFile(u"accounts.csv"_s, u"accounts"_s, u"sea-csv"_s, "account\n");
        QVERIFY(!s);
        QVERIFY(s.error().message.contains(u"accounts.csv"_s));
        // ...but a raw duplicate entry is allowed in a ZIP (importer tests need one).
        QVERIFY(w.addRawEntry(u"accounts.csv"_s, "account\nother\n"));
        QVERIFY(w.finish());
        const Entries e = readZip(tmp.filePath(u"a.zip"_s));
        QCOMPARE(e.names.count(u"accounts.csv"_s), 2);
    }

    void usageErrors()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString path = tmp.filePath(u"a.zip"_s);
        SeaWriter w(SeaWriter::Container::Zip, path, baseManifest());
        QVERIFY(!w.addFile(u"a.csv"_s, u"transactions"_s, u"sea-csv"_s, "x"));
        QVERIFY(!w.addRawEntry(u"a.csv"_s, "x"));
        QVERIFY(!w.finish());
        QVERIFY(w.open());
        QVERIFY(!w.open());
        const casebook::Status bad = w.finish(QByteArray(10, 'k'));
        QVERIFY(!bad);
        QCOMPARE(bad.error().code, Error::Code::Usage);
        QVERIFY(bad.error().message.contains(path));
        QVERIFY(w.finish()); // a bad key does not spoil the writer
        QVERIFY(!w.finish());
        QVERIFY(!w.addFile(u"late.csv"_s, u"transactions"_s, u"sea-csv"_s, "x"));
    }

    void openFailsWithReason()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString missing = tmp.filePath(u"no/such/dir/a.sea.zip"_s);
        SeaWriter w(SeaWriter::Container::Zip, missing, baseManifest());
        const casebook::Status s = w.open();
        QVERIFY(!s);
        QCOMPARE(s.error().code, Error::Code::Io);
        QVERIFY(s.error().message.contains(missing));
        QVERIFY(!s.error().detail.isEmpty());

        // A non-empty directory is never written into (nor removed on abandon).
        const QString dir = tmp.filePath(u"busy"_s);
        QVERIFY(QDir().mkpath(dir));
        QFile keep(dir + u"/keep.txt"_s);
        QVERIFY(keep.open(QIODevice::WriteOnly));
        keep.write("mine");
        keep.close();
        {
            SeaWriter d(SeaWriter::Container::Directory, dir, baseManifest());
            const casebook::Status s2 = d.open();
            QVERIFY(!s2);
            QVERIFY(s2.error().message.contains(dir));
        }
        QVERIFY(QFile::exists(dir + u"/keep.txt"_s));
    }

    void abandonedWriterLeavesNothing()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString zip = tmp.filePath(u"a.sea.zip"_s);
        const QString dir = tmp.filePath(u"a.sea"_s);
        {
            SeaWriter w(SeaWriter::Container::Zip, zip, baseManifest());
            QVERIFY(w.open());
            QVERIFY(w.addFile(u"accounts.csv"_s, u"accounts"_s, u"sea-csv"_s, "account\n"));
            QVERIFY(QFile::exists(zip + u".part"_s));
        }
        {
            SeaWriter w(SeaWriter::Container::Directory, dir, baseManifest());
            QVERIFY(w.open());
            QVERIFY(w.addFile(u"audit/p.jsonl"_s, u"audit"_s, u"sea-jsonl"_s, "{}\n"));
        }
        QVERIFY(!QFile::exists(zip));
        QVERIFY(!QFile::exists(zip + u".part"_s));
        QVERIFY(!QFileInfo::exists(dir));
    }

    void replacesExistingZip()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString path = tmp.filePath(u"a.sea.zip"_s);
        for (const QByteArray& content : { QByteArray("first\n"), QByteArray("second\n") }) {
            SeaWriter w(SeaWriter::Container::Zip, path, baseManifest());
            QVERIFY(w.open());
            QVERIFY(w.addFile(u"accounts.csv"_s, u"accounts"_s, u"sea-csv"_s, content));
            QVERIFY(w.finish());
        }
        QCOMPARE(readZip(path).data.value(u"accounts.csv"_s), QByteArray("second\n"));
    }

    void largeAndNonAsciiRoundTrip()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString path = tmp.filePath(u"big.sea.zip"_s);
        QByteArray big;
        big.reserve(6 << 20);
        quint32 x = 12345;
        while (big.size() < (6 << 20)) {
            x = x * 1103515245u + 12345u;
            big.append(char('a' + (x >> 16) % 26));
            if ((x >> 8) % 61 == 0)
                big.append("王芳,\"quoted\"\n");
        }
        const QString name = u"native/报表/2026-01.json"_s;
        {
            SeaWriter w(SeaWriter::Container::Zip, path, baseManifest());
            QVERIFY(w.open());
            QVERIFY(w.addFile(name, u"audit"_s, u"cloudtrail"_s, big, 0));
            QVERIFY(w.finish());
            const QJsonObject f
                = QJsonDocument::fromJson(w.manifestBytes()).object().value(u"files").toArray().at(0).toObject();
            QCOMPARE(f.value(u"records").toInteger(), 0); // 0 is a count, unlike -1
            QCOMPARE(f.value(u"bytes").toInteger(), qint64(big.size()));
            QCOMPARE(f.value(u"path").toString(), name);
        }
        const Entries e = readZip(path);
        QVERIFY2(e.error.isEmpty(), qPrintable(e.error));
        QVERIFY(e.names.contains(name));
        QCOMPARE(e.data.value(name), big);
    }
};

QTEST_GUILESS_MAIN(TestSeaWriter)
#include "tst_seawriter.moc"
