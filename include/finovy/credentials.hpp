// SPDX-License-Identifier: BSL-1.0
/// \file
/// Credentials from the user's code: a vault, a secrets manager, a rotation. Set
/// client_options::credentials to an asynchronous provider; the client calls it whenever it needs a
/// token, exactly as it calls getToken with a configured uuid and secret: once however many calls
/// wait for it, again before a token with a known lifetime runs out, and once more when the server
/// refuses a token (401).
///
/// \code
/// opts.credentials = [ex](finovy::credential_request req, finovy::credential_handler h) {
///     asio::co_spawn(ex, [req]() -> asio::awaitable<finovy::provided_credentials> {
///         auto t = co_await vault.async_read("finovy/token", req.rejected);   // your code
///         co_return finovy::provided_credentials::from_token(t.value, t.lifetime);
///     }, [h = std::move(h)](std::exception_ptr e, finovy::provided_credentials c) mutable {
///         std::move(h)(e ? finovy::error_code(boost::system::errc::io_error, boost::system::generic_category())
///                        : finovy::error_code(), std::move(c));
///     });
/// };
/// \endcode
///
/// Handler. The provider completes `h` exactly once, from any thread (through its associated
/// executor, the client's, as Asio operations do; calling it inline is allowed too), with either an
/// error (then every call waiting for the token fails with that error; the next call asks again) or
/// credentials: a token, or the account's uuid and app secret (then the client calls getToken with
/// them). A provider that throws fails the waiting calls with client_errc::no_credentials.
///
/// Time. Each waiting call stops waiting at its own deadline (client_errc::timeout). A provider that
/// has not answered within client_options::deadline is abandoned: its handler's cancellation slot is
/// emitted (terminal), a late answer is ignored, and the next call asks again.
///
/// Secrecy. What the provider yields is never printed, logged or put in an event or diagnostics.
#ifndef FINOVY_CREDENTIALS_HPP
#define FINOVY_CREDENTIALS_HPP

#include <finovy/error.hpp>
#include <finovy/secret.hpp>

#include <boost/asio/any_completion_handler.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace finovy {

/// What a provider yields: a token, or a uuid and secret to get one with.
struct provided_credentials
{
    secret token;                                    ///< set: used as the access token
    std::optional<std::chrono::milliseconds> lifetime;   ///< the token's; unset: until the server refuses it
    std::string uuid;                                ///< else: the account's uuid and app secret,
    secret app_secret;                               ///< ... for getToken

    /// A token, valid for `lifetime` (unset: until the server refuses it).
    static provided_credentials from_token(std::string token,
                                           std::optional<std::chrono::milliseconds> lifetime = std::nullopt)
    {
        provided_credentials c;
        c.token = secret(std::move(token));
        c.lifetime = lifetime;
        return c;
    }
    /// The account's uuid and app secret: the client calls getToken with them.
    static provided_credentials from_secret(std::string uuid, std::string app_secret)
    {
        provided_credentials c;
        c.uuid = std::move(uuid);
        c.app_secret = secret(std::move(app_secret));
        return c;
    }
};

/// Why the client asks.
struct credential_request
{
    /// The server refused (401) the token the provider gave last: a cached one will not do.
    bool rejected = false;
};

/// What a provider completes, once: an error, or credentials.
using credential_handler = boost::asio::any_completion_handler<void(error_code, provided_credentials)>;
/// A provider of credentials (client_options::credentials): asked with a request, answers through the handler.
using credential_provider = std::function<void(credential_request, credential_handler)>;

}   // namespace finovy

#endif
