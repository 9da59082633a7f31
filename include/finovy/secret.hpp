// A string that must not be printed: access tokens, app secrets, host passwords.
#ifndef FINOVY_SECRET_HPP
#define FINOVY_SECRET_HPP

#include <ostream>
#include <string>
#include <string_view>

namespace finovy {

// Holds a secret. Streaming it prints "***" (or "(none)"), so that a secret never reaches a
// log line by accident; reveal() is the one explicit way to read it.
class secret
{
public:
    secret() = default;
    explicit secret(std::string value) : value_(std::move(value)) {}

    std::string_view reveal() const noexcept { return value_; }
    bool empty() const noexcept { return value_.empty(); }

    friend bool operator==(const secret&, const secret&) = default;
    friend std::ostream& operator<<(std::ostream& os, const secret& s)
    {
        return os << (s.value_.empty() ? "(none)" : "***");
    }

private:
    std::string value_;
};

}   // namespace finovy

#endif
