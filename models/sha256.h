// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <memory>

namespace casebook {

/// Incremental SHA-256 (OpenSSL's EVP implementation, which uses the CPU's SHA extensions where
/// present: several times faster than portable code, and hashing is on the import's critical path).
class Sha256
{
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void add(QByteArrayView data);
    QByteArray result(); ///< raw 32 bytes; the object is reset afterwards
    QByteArray hexResult() { return result().toHex(); }

    static QByteArray hash(QByteArrayView data);
    static QByteArray hexHash(QByteArrayView data) { return hash(data).toHex(); }

private:
    struct Ctx;
    std::unique_ptr<Ctx> m_ctx;
};

} // namespace casebook
