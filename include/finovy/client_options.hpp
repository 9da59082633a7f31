// SPDX-License-Identifier: BSL-1.0
/// \file
/// Configuration of a finovy::client (client_options), its counters (client_stats), and what an
/// observer sees of each attempt (attempt_event).
#ifndef FINOVY_CLIENT_OPTIONS_HPP
#define FINOVY_CLIENT_OPTIONS_HPP

#include <finovy/config.hpp>
#include <finovy/credentials.hpp>
#include <finovy/error.hpp>
#include <finovy/events.hpp>
#include <finovy/rate_limit.hpp>
#include <finovy/stats.hpp>

#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

/// \cond FINOVY_INTERNAL
namespace boost::asio::ssl {
class context;
}
/// \endcond

namespace finovy {

/// The production API: `https://client.xuandashi.com` (client_options::endpoint's default).
inline constexpr std::string_view production_endpoint = "https://client.xuandashi.com";
/// The sandbox API: `https://client-sandbox.xuandashi.com`.
inline constexpr std::string_view sandbox_endpoint = "https://client-sandbox.xuandashi.com";

/// \brief When and how often a call is tried again (client_options::retry).
/// \details The wait before attempt n+1 is drawn uniformly from
/// [0, min(max_backoff, initial_backoff * multiplier^(n-1))] ("full jitter"), and is never less
/// than a server's Retry-After. Throttled answers (220025, 429) do not count against max_attempts:
/// they are paced by the rate governor until the deadline (rate_limit.hpp).
struct retry_policy
{
    int max_attempts = 4;                                 ///< attempts per call, the first included; 1: never retry
    std::chrono::milliseconds initial_backoff{200};       ///< the cap of the first backoff
    std::chrono::milliseconds max_backoff{5000};          ///< the largest cap
    double multiplier = 2.0;                              ///< the cap's growth per attempt
};

/**
 * \brief The settings of a client. Every member has a default that works against the production
 * API; at least the credentials must be set.
 * \details load_configuration() (configuration.hpp) fills them from the environment and a config
 * file. The client copies them; options() returns its copy.
 */
struct client_options
{
    /// Base URL: `https://host[:port][/base-path]`. `http://` only with allow_insecure_http.
    std::string endpoint = std::string(production_endpoint);

    /// \brief A token issued beforehand. Never renewed: once expired, calls fail with
    /// api_errc::unauthorized. When set, uuid and secret are not used.
    std::string access_token;
    /// \brief The account's uuid; with secret, the client fetches a token on first use, renews it
    /// before its effectiveTime runs out and once more on a 401, one getToken at a time however
    /// many calls wait for it.
    std::string uuid;
    std::string secret;   ///< The account's app secret (see uuid). Never printed nor logged.
    /// How long before a fetched token expires it is renewed (at most half the token's lifetime).
    std::chrono::milliseconds token_refresh_margin{120'000};
    /// Or a provider of your own (credentials.hpp), asked the same way, single-flight; with it,
    /// access_token, uuid and secret stay empty.
    credential_provider credentials;

    /// \brief A PEM file of CA certificates trusted in addition to the system's trust store.
    /// \details The server's certificate is always checked against the endpoint's host name (or
    /// tls_server_name), and TLS 1.2 is the minimum.
    std::string ca_file;
    /// The caller's own TLS context, used as it is (its verify mode and trust): replaces ca_file
    /// and the system's trust store. Empty: the client makes its own.
    std::shared_ptr<boost::asio::ssl::context> ssl_context;
    std::string tls_server_name;          ///< the name sent (SNI) and verified; empty: the endpoint's host
    bool allow_insecure_http = false;     ///< accept an `http://` endpoint, which sends the token in clear: for local debugging only

    /// \brief HTTP proxy for `https` endpoints: `http://[user:password@]host:port`; empty: none.
    /// \details The client sends `CONNECT`, and TLS stays end to end. load_configuration() fills it
    /// from `https_proxy`/`HTTPS_PROXY` for an `https://` endpoint (an `http://` one ignores them).
    std::string proxy;
    /// Hosts that bypass the proxy: comma-separated names, `.domain` suffixes, IP addresses, or `*`.
    std::string no_proxy;

    /// At most this many kept-alive connections; calls beyond wait for one, first come first served.
    std::size_t max_connections = 16;
    std::chrono::milliseconds idle_timeout{30'000};   ///< a connection idle longer than this is closed

    /// \brief `true`: the client may be shared by coroutines on an `io_context` run by several
    /// threads (each call and each connection runs on a strand of its own).
    /// \details `false`: every call and its handler must run on one thread (an `io_context` run by a
    /// single thread, or one strand); strands are then skipped, which makes a call markedly
    /// cheaper. Like Boost.MySQL's `pool_params::thread_safe`, but safe by default.
    bool thread_safe = true;

    /// Each attempt (DNS look-up, connect, handshake, write, read) must finish within this;
    /// call_options::attempt_timeout overrides it per call.
    std::chrono::milliseconds attempt_timeout{15'000};
    /// A whole call must finish within this, retries and waits for a token, a send slot or a
    /// connection included; call_options::deadline overrides it per call.
    std::chrono::milliseconds deadline{60'000};
    retry_policy retry{};   ///< backoff and attempts of retried calls

    /// Pacing against the server's throttling (rate_limit.hpp). Adaptive by default: nothing to configure.
    rate_limit_options rate_limit{};
    /// A bound on retries when the server fails broadly (rate_limit.hpp).
    retry_budget_options retry_budget{};

    /// How long the endpoint's addresses are reused before the name is looked up again (a failed
    /// connect also forgets them). Concurrent look-ups of one client are shared.
    std::chrono::milliseconds dns_cache_ttl{60'000};

    /// How the bytes travel. Both verify the same way and behave the same.
    enum class transport_kind
    {
        native,     ///< OpenSSL driven directly on a non-blocking socket (Linux; the fastest)
        asio_ssl,   ///< `asio::ssl::stream` (portable, somewhat more CPU per request)
    };
    transport_kind transport = transport_kind::native;   ///< see transport_kind

    std::size_t max_response_body = 4 * 1024 * 1024;   ///< bytes; larger answers fail with client_errc::body_too_large
    std::string user_agent = "finovy-cpp/" FINOVY_VERSION_STRING;   ///< the User-Agent header

    /// Called after every attempt, on the thread that ran it. Keep it cheap and thread-safe; what
    /// it throws is ignored.
    std::function<void(const attempt_event&)> observer;
    /// Every event of the client (events.hpp): calls, attempts, connections, handshakes, waits, hub
    /// rounds. Nothing is built for it while it is empty.
    std::function<void(const client_event&)> events;
};

}   // namespace finovy

#endif
