// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace casebook {

/// A failure as a value. `message` is for the user (names the file, line and reason where it can);
/// `detail` carries technical context such as an SQLite error text.
struct Error
{
    enum class Code {
        Usage,
        Io,
        Database,
        SchemaTooNew,
        Archive, ///< the archive as a whole is unacceptable: rejected
        Cancelled,
        AlreadyPresent,
        Signature,
        Parse,
    };
    Code code = Code::Io;
    QString message;
    QString detail;

    Error() = default;
    Error(Code c, QString msg, QString det = {})
        : code(c)
        , message(std::move(msg))
        , detail(std::move(det))
    {
    }
    QString text() const { return detail.isEmpty() ? message : message + u" (" + detail + u')'; }
};

/// Either a value or an Error. Deliberately tiny: `if (!r) return r.error();`
template<typename T>
class Result
{
public:
    Result(T value)
        : m_v(std::move(value))
    {
    }
    Result(Error error)
        : m_v(std::move(error))
    {
    }
    explicit operator bool() const { return m_v.index() == 0; }
    T &value() { return std::get<0>(m_v); }
    const T &value() const { return std::get<0>(m_v); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    const Error &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

struct Ok
{
};
using Status = Result<Ok>;
inline Status ok() { return Ok {}; }

} // namespace casebook
