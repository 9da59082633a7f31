// SPDX-License-Identifier: BSL-1.0
/// \file
/// What the server and the client said about a failed call: diagnostics, and the exception that
/// carries them (error_with_diagnostics).
#ifndef FINOVY_DIAGNOSTICS_HPP
#define FINOVY_DIAGNOSTICS_HPP

#include <finovy/config.hpp>
#include <finovy/error.hpp>

#include <boost/system/system_error.hpp>

#include <string>
#include <string_view>

namespace finovy {

/// \cond FINOVY_INTERNAL
namespace detail {
struct diagnostics_access;
}
/// \endcond

/**
 * \brief What the server and the client said about a failed call.
 * \details Filled by an operation before it completes: the API's code, msg and traceId when the
 * server answered with an envelope, the HTTP status when it answered at all, and the client's own
 * explanation (which attempt failed, why nothing was resent, which certificate check failed). On
 * success only attempts() is set. Never holds a token, a secret or a host password.
 *
 * \code
 * finovy::diagnostics d;
 * auto [ec, h] = co_await api.async_get_host(id, d, asio::as_tuple(asio::use_awaitable));
 * if (ec)
 *     std::cerr << d.describe(ec) << '\n';
 * \endcode
 */
class diagnostics
{
public:
    int api_code() const noexcept { return api_code_; }           ///< the envelope's code; 0: no API error
    /// The envelope's msg; past 1 KiB, cut between UTF-8 characters and ending in "... (N bytes)".
    std::string_view api_message() const noexcept { return api_msg_; }
    /// The envelope's traceId, for the vendor's support (past 256 bytes, cut as api_message()).
    std::string_view trace_id() const noexcept { return trace_id_; }
    unsigned http_status() const noexcept { return http_status_; } ///< the last answer's HTTP status; 0: no answer
    std::string_view client_message() const noexcept { return client_msg_; }   ///< the client's explanation
    int attempts() const noexcept { return attempts_; }           ///< attempts the call made: its first try and its retries

    /// One line for a log or a user: `<error message>: <client message> [API code 1021 "机器不存在",
    /// HTTP 200, traceId ..., 2 attempts]`.
    FINOVY_DECL std::string describe(const error_code& ec) const;

    /// Empties it.
    void clear() { *this = diagnostics{}; }

private:
    friend struct detail::diagnostics_access;
    int api_code_ = 0;
    unsigned http_status_ = 0;
    int attempts_ = 0;
    std::string api_msg_, trace_id_, client_msg_;
};

/// \brief The exception thrown by operations used with the default completion token (or with
/// with_diagnostics(token)) when they fail. what() is diagnostics::describe().
/// \details `code()` is the operation's error_code.
class error_with_diagnostics : public boost::system::system_error
{
public:
    /// The error and what was said about it.
    FINOVY_DECL error_with_diagnostics(const error_code& ec, diagnostics diag);
    /// What the server and the client said.
    const diagnostics& get_diagnostics() const noexcept { return diag_; }
    /// diagnostics::describe() of the error.
    const char* what() const noexcept override { return what_.c_str(); }

private:
    diagnostics diag_;
    std::string what_;
};

/// \cond FINOVY_INTERNAL
namespace detail {
struct diagnostics_access
{
    static void set_api(diagnostics& d, int code, std::string msg, std::string trace)
    {
        d.api_code_ = code;
        d.api_msg_ = std::move(msg);
        d.trace_id_ = std::move(trace);
    }
    static void set_http_status(diagnostics& d, unsigned s) { d.http_status_ = s; }
    static void set_client_message(diagnostics& d, std::string m) { d.client_msg_ = std::move(m); }
    static void set_attempts(diagnostics& d, int n) { d.attempts_ = n; }
};
}   // namespace detail
/// \endcond

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/diagnostics.ipp>
#endif

#endif
