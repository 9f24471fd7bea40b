// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "error.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>
#include <optional>

namespace casebook {

/// What an archive contains, read in a first cheap pass: entry names (validated: none escapes the
/// archive), and the bytes of manifest.json and manifest.sig.
struct ArchiveListing
{
    QStringList files; ///< every regular file, in container order (zip order; sorted for a directory)
    bool hasManifest = false;
    QByteArray manifest;
    std::optional<QByteArray> signature;
    int64_t totalBytes = 0; ///< file size of a zip; sum of file sizes of a directory
};

/// Receives the content of the files requested from ArchiveSource::stream(). Any non-ok Status
/// stops the stream and is returned from it.
class ArchiveVisitor
{
public:
    virtual ~ArchiveVisitor() = default;
    virtual Status beginFile(const QString &path) = 0;
    virtual Status chunk(QByteArrayView data) = 0;
    virtual Status endFile() = 0;
};

/// A SEA archive container: a `.sea.zip` read by streaming through libarchive (nothing is extracted
/// to disk), or an unpacked directory. Not thread-safe; use from one thread.
class ArchiveSource
{
public:
    static constexpr int64_t kMaxManifestBytes = 64 << 20;
    static constexpr int64_t kMaxSignatureBytes = 4096;

    virtual ~ArchiveSource() = default;
    /// Opens `path` as a directory archive if it is a directory, else as a ZIP.
    static Result<std::unique_ptr<ArchiveSource>> open(const QString &path);

    virtual bool isZip() const = 0;
    /// archives.container: "zip", "directory", or "file" (a loose file presented as an archive).
    virtual QString container() const { return isZip() ? QStringLiteral("zip") : QStringLiteral("directory"); }
    virtual Result<ArchiveListing> list() = 0;
    /// Streams the files in `paths` (container order for a zip, given order for a directory). A file
    /// is read in chunks of up to a few hundred KiB; `maxBytes[i]` caps how many bytes of paths[i] are
    /// delivered: one byte past it is delivered so the caller can detect an oversize (zip bomb) and
    /// stop, without ever inflating the rest.
    virtual Status stream(const QStringList &paths, const QVector<int64_t> &maxBytes, ArchiveVisitor &visitor) = 0;
    const QString &path() const { return m_path; }

protected:
    QString m_path;
};

} // namespace casebook
