// SPDX-License-Identifier: BSL-1.0
/// \file
/// finovy::secret: a string that must not be printed (access tokens, host passwords).
#ifndef FINOVY_SECRET_HPP
#define FINOVY_SECRET_HPP

#include <ostream>
#include <string>
#include <string_view>

namespace finovy {

/// \brief Holds a secret: an access token, a host password.
/// \details Streaming it prints "***" (or "(none)"), so that a secret never reaches a log line by
/// accident; reveal() is the one explicit way to read it.
class secret
{
public:
    /// An empty secret.
    secret() = default;
    /// Holds `value`.
    explicit secret(std::string value) : value_(std::move(value)) {}

    /// The secret itself: the one way to read it.
    std::string_view reveal() const noexcept { return value_; }
    /// True when there is no secret.
    bool empty() const noexcept { return value_.empty(); }

    /// Compares the secrets.
    friend bool operator==(const secret&, const secret&) = default;
    /// Prints "***", or "(none)" when empty; never the secret.
    friend std::ostream& operator<<(std::ostream& os, const secret& s)
    {
        return os << (s.value_.empty() ? "(none)" : "***");
    }

private:
    std::string value_;
};

}   // namespace finovy

#endif
