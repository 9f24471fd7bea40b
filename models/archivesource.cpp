// SPDX-License-Identifier: GPL-3.0-or-later
#include "archivesource.h"

#include "manifest.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <archive.h>
#include <archive_entry.h>

namespace casebook {

namespace {

QString tr(const char *s) { return QCoreApplication::translate("ArchiveSource", s); }

Error reject(const QString &msg, const QString &detail = {}) { return Error(Error::Code::Archive, msg, detail); }

class ZipSource final : public ArchiveSource
{
public:
    explicit ZipSource(const QString &path) { m_path = path; }
    ~ZipSource() override { close(); }

    bool isZip() const override { return true; }

    Result<ArchiveListing> list() override
    {
        auto st = reopen();
        if (!st)
            return st.error();
        ArchiveListing l;
        l.totalBytes = QFileInfo(m_path).size();
        QSet<QString> seen;
        archive_entry *e = nullptr;
        for (;;) {
            const int r = archive_read_next_header(m_a, &e);
            if (r == ARCHIVE_EOF)
                break;
            if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
                return corrupt();
            const QString name = entryName(e);
            const auto type = archive_entry_filetype(e);
            if (type == AE_IFDIR) {
                QString dir = name;
                while (dir.endsWith(u'/'))
                    dir.chop(1);
                if (!dir.isEmpty() && !isSafeArchivePath(dir))
                    return reject(tr("%1: entry \"%2\" escapes the archive").arg(m_path, name));
                continue;
            }
            if (!isSafeArchivePath(name))
                return reject(tr("%1: entry \"%2\" escapes the archive (absolute or '..' path)").arg(m_path, name));
            if (type != AE_IFREG)
                return reject(tr("%1: entry \"%2\" is not a regular file (links are not allowed)").arg(m_path, name));
            if (seen.contains(name))
                return reject(tr("%1: entry \"%2\" occurs twice").arg(m_path, name));
            seen.insert(name);
            if (name == u"manifest.json" || name == u"manifest.sig") {
                const int64_t cap = name == u"manifest.json" ? kMaxManifestBytes : kMaxSignatureBytes;
                QByteArray data;
                auto rs = readAll(data, cap, name);
                if (!rs)
                    return rs.error();
                if (name == u"manifest.json") {
                    l.hasManifest = true;
                    l.manifest = data;
                } else {
                    l.signature = data;
                }
            } else {
                l.files.push_back(name);
                // Skipping is cheap in the seekable reader: nothing is inflated.
                if (archive_read_data_skip(m_a) != ARCHIVE_OK)
                    return corrupt();
            }
        }
        return l;
    }

    Status stream(const QStringList &paths, const QVector<int64_t> &maxBytes, ArchiveVisitor &v) override
    {
        auto st = reopen();
        if (!st)
            return st;
        QHash<QString, int64_t> wanted;
        for (int i = 0; i < paths.size(); ++i)
            wanted.insert(paths[i], maxBytes.value(i, -1));
        archive_entry *e = nullptr;
        for (;;) {
            const int r = archive_read_next_header(m_a, &e);
            if (r == ARCHIVE_EOF)
                break;
            if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
                return corrupt();
            const QString name = entryName(e);
            auto it = wanted.constFind(name);
            if (it == wanted.constEnd() || archive_entry_filetype(e) != AE_IFREG)
                continue;
            const int64_t cap = *it;
            auto b = v.beginFile(name);
            if (!b)
                return b;
            int64_t delivered = 0;
            for (;;) {
                const void *buf = nullptr;
                size_t size = 0;
                la_int64_t offset = 0;
                const int rr = archive_read_data_block(m_a, &buf, &size, &offset);
                if (rr == ARCHIVE_EOF)
                    break;
                if (rr != ARCHIVE_OK && rr != ARCHIVE_WARN)
                    return reject(tr("%1: cannot read entry \"%2\"").arg(m_path, name),
                                  QString::fromUtf8(archive_error_string(m_a)));
                int64_t n = int64_t(size);
                if (cap >= 0 && delivered + n > cap + 1)
                    n = cap + 1 - delivered;
                auto c = v.chunk(QByteArrayView(static_cast<const char *>(buf), n));
                if (!c)
                    return c;
                delivered += n;
                if (cap >= 0 && delivered > cap)
                    break; // the visitor has seen the overflow; inflating further would only waste time
            }
            auto en = v.endFile();
            if (!en)
                return en;
        }
        return ok();
    }

private:
    static QString entryName(archive_entry *e)
    {
        const char *u = archive_entry_pathname_utf8(e);
        if (u)
            return QString::fromUtf8(u);
        const char *p = archive_entry_pathname(e);
        return p ? QString::fromLocal8Bit(p) : QString();
    }

    Status reopen()
    {
        close();
        m_a = archive_read_new();
        // The seekable reader trusts the central directory: a truncated file is detected up front,
        // entry names are the authoritative ones, and skipping an entry does not inflate it.
        archive_read_support_format_zip_seekable(m_a);
        if (archive_read_open_filename(m_a, QFile::encodeName(m_path).constData(), 256 * 1024) != ARCHIVE_OK)
            return corrupt();
        return ok();
    }

    Error corrupt()
    {
        return reject(tr("%1 is not a readable ZIP archive (truncated or corrupt)").arg(m_path),
                      QString::fromUtf8(archive_error_string(m_a) ? archive_error_string(m_a) : "unknown error"));
    }

    Status readAll(QByteArray &out, int64_t cap, const QString &name)
    {
        char buf[65536];
        for (;;) {
            const la_ssize_t n = archive_read_data(m_a, buf, sizeof buf);
            if (n < 0)
                return reject(tr("%1: cannot read entry \"%2\"").arg(m_path, name),
                              QString::fromUtf8(archive_error_string(m_a)));
            if (n == 0)
                return ok();
            if (out.size() + n > cap)
                return reject(tr("%1: %2 is larger than %3 bytes").arg(m_path, name).arg(cap));
            out.append(buf, n);
        }
    }

    void close()
    {
        if (m_a) {
            archive_read_free(m_a);
            m_a = nullptr;
        }
    }

    archive *m_a = nullptr;
};

class DirectorySource final : public ArchiveSource
{
public:
    explicit DirectorySource(const QString &path) { m_path = path; }
    bool isZip() const override { return false; }

    Result<ArchiveListing> list() override
    {
        ArchiveListing l;
        const QDir root(m_path);
        QDirIterator it(m_path, QDir::Files | QDir::Dirs | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        QStringList names;
        while (it.hasNext()) {
            it.next();
            const QFileInfo fi = it.fileInfo();
            const QString rel = root.relativeFilePath(fi.filePath());
            if (fi.isSymLink())
                return reject(tr("%1: \"%2\" is a symbolic link (not allowed in an archive)").arg(m_path, rel));
            if (fi.isDir())
                continue;
            if (!fi.isFile())
                return reject(tr("%1: \"%2\" is not a regular file").arg(m_path, rel));
            l.totalBytes += fi.size();
            if (rel == u"manifest.json" || rel == u"manifest.sig") {
                QFile f(fi.filePath());
                const int64_t cap = rel == u"manifest.json" ? kMaxManifestBytes : kMaxSignatureBytes;
                if (fi.size() > cap)
                    return reject(tr("%1: %2 is larger than %3 bytes").arg(m_path, rel).arg(cap));
                if (!f.open(QIODevice::ReadOnly))
                    return reject(tr("%1: cannot read %2").arg(m_path, rel), f.errorString());
                if (rel == u"manifest.json") {
                    l.hasManifest = true;
                    l.manifest = f.readAll();
                } else {
                    l.signature = f.readAll();
                }
                continue;
            }
            names.push_back(rel);
        }
        names.sort();
        l.files = names;
        return l;
    }

    Status stream(const QStringList &paths, const QVector<int64_t> &maxBytes, ArchiveVisitor &v) override
    {
        QByteArray buf(1 << 20, Qt::Uninitialized);
        for (int i = 0; i < paths.size(); ++i) {
            QFile f(m_path + u'/' + paths[i]);
            if (!f.open(QIODevice::ReadOnly))
                return reject(tr("%1: cannot read %2").arg(m_path, paths[i]), f.errorString());
            const int64_t cap = maxBytes.value(i, -1);
            auto b = v.beginFile(paths[i]);
            if (!b)
                return b;
            int64_t delivered = 0;
            for (;;) {
                const qint64 n = f.read(buf.data(), buf.size());
                if (n < 0)
                    return reject(tr("%1: cannot read %2").arg(m_path, paths[i]), f.errorString());
                if (n == 0)
                    break;
                auto c = v.chunk(QByteArrayView(buf.constData(), n));
                if (!c)
                    return c;
                delivered += n;
                if (cap >= 0 && delivered > cap)
                    break;
            }
            auto e = v.endFile();
            if (!e)
                return e;
        }
        return ok();
    }
};

} // namespace

Result<std::unique_ptr<ArchiveSource>> ArchiveSource::open(const QString &path)
{
    const QFileInfo fi(path);
    if (!fi.exists())
        return Error(Error::Code::Io, tr("%1 does not exist").arg(path));
    if (fi.isDir())
        return std::unique_ptr<ArchiveSource>(std::make_unique<DirectorySource>(fi.absoluteFilePath()));
    if (!fi.isFile() || !fi.isReadable())
        return Error(Error::Code::Io, tr("%1 is not a readable file").arg(path));
    return std::unique_ptr<ArchiveSource>(std::make_unique<ZipSource>(fi.absoluteFilePath()));
}

} // namespace casebook
