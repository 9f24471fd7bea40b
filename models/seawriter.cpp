// SPDX-License-Identifier: GPL-3.0-or-later
#include "seawriter.h"

#include "sha256.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

using namespace Qt::StringLiterals;

namespace casebook {

namespace {

    QString tr(const char* s) { return QCoreApplication::translate("SeaWriter", s); }

    // Entry mtime when the manifest has no parsable created_at: fixed, so archives are reproducible.
    constexpr qint64 kFallbackMtime = 1767225600; // 2026-01-01T00:00:00Z

    /// A relative, '/'-separated path whose components are all ordinary names: no absolute path, no
    /// drive letter, no backslash, no empty, "." or ".." component. Everything that could land outside
    /// the archive root when unpacked fails this.
    bool isSafeRelativePath(const QString& path)
    {
        if (path.isEmpty() || path.startsWith(u'/') || path.contains(u'\\') || path.contains(QChar(0)))
            return false;
        if (path.size() >= 2 && path.at(1) == u':')
            return false;
        const QStringList parts = path.split(u'/');
        for (const QString& p : parts) {
            if (p.isEmpty() || p == u"." || p == u"..")
                return false;
        }
        return true;
    }

    bool isReservedName(const QString& path) { return path == u"manifest.json" || path == u"manifest.sig"; }

} // namespace

struct SeaWriter::Private
{
    enum class State { Created, Open, Finished, Failed };

    Container container;
    QString path;
    QJsonObject manifestBase;
    State state = State::Created;

    // Zip: written to `path + ".part"` and renamed over `path` by finish(), so a cancelled or failed
    // write never leaves a truncated archive under the final name.
    archive* zip = nullptr;
    QString tmpPath;
    qint64 mtime = kFallbackMtime;

    bool createdDir = false; ///< Directory: we created it, so we may remove it if abandoned

    QJsonArray files;
    QSet<QString> listed;
    QByteArray manifest;

    QString zipError() const
    {
        const char* e = zip ? archive_error_string(zip) : nullptr;
        return e ? QString::fromLocal8Bit(e) : tr("unknown libarchive error");
    }

    Status fail(Error::Code code, const QString& message, const QString& detail = {})
    {
        state = State::Failed;
        return Error(code, message, detail);
    }

    Status writeEntry(const QString& name, const QByteArray& data)
    {
        if (container == Container::Zip)
            return writeZipEntry(name, data);
        return writeFileEntry(name, data);
    }

    Status writeZipEntry(const QString& name, const QByteArray& data)
    {
        archive_entry* e = archive_entry_new();
        const QByteArray utf8 = name.toUtf8();
        archive_entry_set_pathname_utf8(e, utf8.constData());
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, data.size());
        archive_entry_set_mtime(e, time_t(mtime), 0);
        archive_entry_set_uid(e, 0);
        archive_entry_set_gid(e, 0);
        int r = archive_write_header(zip, e);
        archive_entry_free(e);
        if (r != ARCHIVE_OK)
            return fail(Error::Code::Io, tr("Cannot write entry '%1' to '%2'").arg(name, path), zipError());
        qsizetype done = 0;
        while (done < data.size()) {
            const la_ssize_t n = archive_write_data(zip, data.constData() + done, size_t(data.size() - done));
            if (n <= 0)
                return fail(Error::Code::Io, tr("Cannot write entry '%1' to '%2'").arg(name, path), zipError());
            done += n;
        }
        if (archive_write_finish_entry(zip) != ARCHIVE_OK)
            return fail(Error::Code::Io, tr("Cannot finish entry '%1' in '%2'").arg(name, path), zipError());
        return ok();
    }

    Status writeFileEntry(const QString& name, const QByteArray& data)
    {
        const QString full = QDir(path).filePath(name);
        const QString parent = QFileInfo(full).absolutePath();
        if (!QDir().mkpath(parent))
            return fail(Error::Code::Io, tr("Cannot create directory '%1'").arg(parent));
        QFile f(full);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return fail(Error::Code::Io, tr("Cannot write '%1'").arg(full), f.errorString());
        if (f.write(data) != data.size())
            return fail(Error::Code::Io, tr("Cannot write '%1'").arg(full), f.errorString());
        f.close();
        if (f.error() != QFileDevice::NoError)
            return fail(Error::Code::Io, tr("Cannot write '%1'").arg(full), f.errorString());
        return ok();
    }

    void discard()
    {
        if (zip) {
            archive_write_free(zip); // also closes; the result no longer matters
            zip = nullptr;
        }
        if (container == Container::Zip) {
            if (!tmpPath.isEmpty())
                QFile::remove(tmpPath);
        } else if (createdDir) {
            QDir(path).removeRecursively();
        }
    }
};

SeaWriter::SeaWriter(Container container, QString path, QJsonObject manifestBase)
    : d(std::make_unique<Private>())
{
    d->container = container;
    d->path = std::move(path);
    d->manifestBase = std::move(manifestBase);
    // Reproducible entry times: the export's own creation time, never the clock.
    const QDateTime created = QDateTime::fromString(d->manifestBase.value(u"created_at").toString(), Qt::ISODateWithMs);
    if (created.isValid())
        d->mtime = created.toSecsSinceEpoch();
}

SeaWriter::~SeaWriter()
{
    if (d->state != Private::State::Finished)
        d->discard();
}

Status SeaWriter::open()
{
    if (d->state != Private::State::Created)
        return Error(Error::Code::Usage, tr("SeaWriter::open() called twice for '%1'").arg(d->path));
    if (d->path.isEmpty())
        return d->fail(Error::Code::Usage, tr("No output path given for the archive"));

    if (d->container == Container::Directory) {
        const QFileInfo fi(d->path);
        if (fi.exists()) {
            if (!fi.isDir())
                return d->fail(Error::Code::Io,
                    tr("Cannot create archive directory '%1': a file of that name exists").arg(d->path));
            if (!QDir(d->path).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System))
                return d->fail(Error::Code::Io,
                    tr("Cannot create archive directory '%1': it exists and is not empty").arg(d->path));
        } else {
            if (!QDir().mkpath(d->path))
                return d->fail(Error::Code::Io, tr("Cannot create archive directory '%1'").arg(d->path));
            d->createdDir = true;
        }
        d->state = Private::State::Open;
        return ok();
    }

    d->tmpPath = d->path + u".part"_s;
    d->zip = archive_write_new();
    if (!d->zip)
        return d->fail(Error::Code::Io, tr("Cannot create '%1'").arg(d->path), tr("out of memory"));
    // Deflate at level 1: these archives are synthetic (demos, tests, benchmarks), and level 1
    // compresses the generator's output 2-4x faster than the default 6 for 15-35% more bytes.
    if (archive_write_set_format_zip(d->zip) != ARCHIVE_OK
        || archive_write_zip_set_compression_deflate(d->zip) != ARCHIVE_OK
        || archive_write_set_format_option(d->zip, "zip", "compression-level", "1") != ARCHIVE_OK
        // No padding after the central directory: the default pads the last block with zeros.
        || archive_write_set_bytes_in_last_block(d->zip, 1) != ARCHIVE_OK)
        return d->fail(Error::Code::Io, tr("Cannot set up ZIP writing for '%1'").arg(d->path), d->zipError());
    const QByteArray native = QFile::encodeName(d->tmpPath);
    if (archive_write_open_filename(d->zip, native.constData()) != ARCHIVE_OK) {
        const Status s = d->fail(Error::Code::Io, tr("Cannot create '%1'").arg(d->tmpPath), d->zipError());
        d->tmpPath.clear(); // nothing of ours to remove
        return s;
    }
    d->state = Private::State::Open;
    return ok();
}

Status SeaWriter::addFile(
    const QString& path, const QString& kind, const QString& format, const QByteArray& data, qint64 records)
{
    if (d->state != Private::State::Open)
        return Error(Error::Code::Usage, tr("Cannot add '%1': the archive '%2' is not open").arg(path, d->path));
    if (!isSafeRelativePath(path) || isReservedName(path))
        return Error(
            Error::Code::Usage, tr("Cannot add '%1' to '%2': not a valid archive member path").arg(path, d->path));
    if (d->listed.contains(path))
        return Error(Error::Code::Usage, tr("Cannot add '%1' to '%2': already added").arg(path, d->path));

    const Status s = d->writeEntry(path, data);
    if (!s)
        return s;
    d->listed.insert(path);

    QJsonObject f;
    f.insert(u"path"_s, path);
    f.insert(u"kind"_s, kind);
    f.insert(u"format"_s, format);
    f.insert(u"sha256"_s, QString::fromLatin1(Sha256::hexHash(data)));
    f.insert(u"bytes"_s, qint64(data.size()));
    if (records >= 0)
        f.insert(u"records"_s, records);
    d->files.append(f);
    return ok();
}

Status SeaWriter::addRawEntry(const QString& path, const QByteArray& data)
{
    if (d->state != Private::State::Open)
        return Error(Error::Code::Usage, tr("Cannot add '%1': the archive '%2' is not open").arg(path, d->path));
    if (path.isEmpty())
        return Error(Error::Code::Usage, tr("Cannot add an entry without a name to '%1'").arg(d->path));
    // A ZIP takes any name verbatim (that is the point: hostile names for importer tests). A
    // directory would really write outside itself, so there the name must stay inside.
    if (d->container == Container::Directory && !isSafeRelativePath(path))
        return Error(Error::Code::Usage,
            tr("Refusing to write '%1' into the directory '%2': the name escapes it").arg(path, d->path));
    return d->writeEntry(path, data);
}

Status SeaWriter::finish(const QByteArray& secretKey)
{
    if (d->state != Private::State::Open)
        return Error(Error::Code::Usage, tr("Cannot finish '%1': the archive is not open").arg(d->path));
    if (!secretKey.isEmpty() && secretKey.size() != qsizetype(crypto_sign_SECRETKEYBYTES))
        return Error(Error::Code::Usage,
            tr("Cannot sign '%1': the secret key has %2 bytes, expected %3")
                .arg(d->path)
                .arg(secretKey.size())
                .arg(crypto_sign_SECRETKEYBYTES));

    QJsonObject m = d->manifestBase;
    m.insert(u"files"_s, d->files);
    if (manifestHook)
        manifestHook(m);
    d->manifest = QJsonDocument(m).toJson(QJsonDocument::Compact);

    Status s = d->writeEntry(u"manifest.json"_s, d->manifest);
    if (!s)
        return s;

    if (!secretKey.isEmpty()) {
        if (sodium_init() < 0)
            return d->fail(
                Error::Code::Signature, tr("Cannot sign '%1'").arg(d->path), tr("libsodium failed to initialise"));
        QByteArray sig(int(crypto_sign_BYTES), Qt::Uninitialized);
        if (crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                reinterpret_cast<const unsigned char*>(d->manifest.constData()), quint64(d->manifest.size()),
                reinterpret_cast<const unsigned char*>(secretKey.constData()))
            != 0)
            return d->fail(Error::Code::Signature, tr("Cannot sign the manifest of '%1'").arg(d->path));
        s = d->writeEntry(u"manifest.sig"_s, sig.toBase64() + '\n');
        if (!s)
            return s;
    }

    if (d->container == Container::Zip) {
        const int r = archive_write_close(d->zip);
        const QString err = d->zipError();
        archive_write_free(d->zip);
        d->zip = nullptr;
        if (r != ARCHIVE_OK)
            return d->fail(Error::Code::Io, tr("Cannot complete '%1'").arg(d->tmpPath), err);
            // std::rename replaces an existing file atomically on POSIX; QFile::rename refuses to.
#ifdef Q_OS_WIN
        QFile::remove(d->path);
#endif
        if (std::rename(QFile::encodeName(d->tmpPath).constData(), QFile::encodeName(d->path).constData()) != 0) {
            const QString why = QString::fromLocal8Bit(std::strerror(errno));
            return d->fail(Error::Code::Io, tr("Cannot move '%1' to '%2'").arg(d->tmpPath, d->path), why);
        }
    }
    d->state = Private::State::Finished;
    return ok();
}

QByteArray SeaWriter::manifestBytes() const { return d->manifest; }

} // namespace casebook
