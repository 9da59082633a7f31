// Configuration of a finovy::client, and the per-call overrides.
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

namespace boost::asio::ssl {
class context;
}

namespace finovy {

inline constexpr std::string_view production_endpoint = "https://client.xuandashi.com";
inline constexpr std::string_view sandbox_endpoint = "https://client-sandbox.xuandashi.com";

// When and how often a call is tried again. The wait before attempt n+1 is drawn uniformly
// from [0, min(max_backoff, initial_backoff * multiplier^(n-1))] ("full jitter"), and never
// less than a server's Retry-After.
struct retry_policy
{
    int max_attempts = 4;                                 // 1: never retry
    std::chrono::milliseconds initial_backoff{200};
    std::chrono::milliseconds max_backoff{5000};
    double multiplier = 2.0;
};

struct client_options
{
    // Base URL: https://host[:port][/base-path]. http:// only with allow_insecure_http.
    std::string endpoint = std::string(production_endpoint);

    // Credentials: either a token issued beforehand (never renewed: an expired one fails
    // with api_errc::unauthorized), or the account's uuid and app secret, with which the
    // client fetches a token on first use, renews it before its effectiveTime runs out and
    // once more on a 401, one getToken at a time however many calls wait for it.
    std::string access_token;
    std::string uuid;
    std::string secret;
    std::chrono::milliseconds token_refresh_margin{120'000};   // at most half the token's lifetime
    // Or a provider of your own (credentials.hpp), asked the same way, single-flight; with it,
    // access_token, uuid and secret stay empty.
    credential_provider credentials;

    // TLS: the system's trust store by default; ca_file adds a PEM file; ssl_context replaces
    // both with the caller's own context (its verify mode and trust are used as they are).
    // The server's certificate is always checked against the endpoint's host name (or
    // tls_server_name), and TLS 1.2 is the minimum.
    std::string ca_file;
    std::shared_ptr<boost::asio::ssl::context> ssl_context;
    std::string tls_server_name;          // empty: the endpoint's host
    bool allow_insecure_http = false;     // http:// sends the token in clear: for local debugging only

    // HTTP proxy for https endpoints: http://[user:password@]host:port (CONNECT; TLS stays end to end).
    // Empty: none. load_configuration() fills it from https_proxy/HTTPS_PROXY.
    std::string proxy;
    // Hosts that bypass the proxy: comma-separated names, .domain suffixes, IP addresses, or "*".
    std::string no_proxy;

    // Connection pool: at most max_connections kept-alive connections; calls beyond that wait
    // for one in FIFO order. A connection idle for longer than idle_timeout is closed.
    std::size_t max_connections = 16;
    std::chrono::milliseconds idle_timeout{30'000};

    // true: the client may be shared by coroutines on an io_context run by several threads
    // (each call and each connection runs on a strand of its own). false: every call and its
    // handler must run on one thread (an io_context run by a single thread, or one strand);
    // strands are then skipped, which makes a call markedly cheaper. Like Boost.MySQL's
    // pool_params::thread_safe, but safe by default.
    bool thread_safe = true;

    // Time: each attempt (DNS look-up, connect, handshake, write, read) must finish within
    // attempt_timeout; a whole call, retries and waits for a connection or a token included,
    // within deadline.
    std::chrono::milliseconds attempt_timeout{15'000};
    std::chrono::milliseconds deadline{60'000};
    retry_policy retry{};

    // Pacing against the server's throttling, and a bound on retries when it fails broadly
    // (rate_limit.hpp). Adaptive by default: nothing to configure.
    rate_limit_options rate_limit{};
    retry_budget_options retry_budget{};

    // How long the endpoint's addresses are reused before the name is looked up again (a failed
    // connect also forgets them). Concurrent look-ups of one client are shared.
    std::chrono::milliseconds dns_cache_ttl{60'000};

    // How the bytes travel. native: OpenSSL driven directly on a non-blocking socket (Linux; the
    // fastest). asio_ssl: asio::ssl::stream (portable, somewhat more CPU per request). Both verify
    // the same way and behave the same.
    enum class transport_kind
    {
        native,
        asio_ssl,
    };
    transport_kind transport = transport_kind::native;

    std::size_t max_response_body = 4 * 1024 * 1024;   // larger answers fail with body_too_large
    std::string user_agent = "finovy-cpp/" FINOVY_VERSION_STRING;

    // Called after every attempt, on the thread that ran it. Keep it cheap and thread-safe.
    std::function<void(const attempt_event&)> observer;
    // Every event of the client (events.hpp): calls, attempts, connections, handshakes, waits, hub
    // rounds. Nothing is built for it while it is empty.
    std::function<void(const client_event&)> events;
};

}   // namespace finovy

#endif
