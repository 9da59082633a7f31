// SPDX-License-Identifier: BSL-1.0
// One attempt's transport: the endpoint's addresses, a proxy's tunnel, TLS, writing the request,
// reading and decoding the answer, on a connection of the pool. Above it, client_impl decides
// what an attempt's outcome means (retries, the pool, the rate governor).
#ifndef FINOVY_IMPL_INTERNAL_TRANSPORT_HPP
#define FINOVY_IMPL_INTERNAL_TRANSPORT_HPP

#include <finovy/client_options.hpp>
#include <finovy/impl/internal/connection.hpp>
#include <finovy/impl/internal/deadline.hpp>
#include <finovy/impl/internal/endpoint.hpp>
#include <finovy/impl/internal/request.hpp>
#include <finovy/impl/internal/shared_flight.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace finovy::detail {

using steady_clock = std::chrono::steady_clock;

// What one attempt produced.
struct attempt_result
{
    error_code ec;
    bool delivered = false;          // the whole request was written
    bool reusable = false;           // a complete answer, kept alive: the connection may serve another
    bool reused = false;             // it was a kept-alive connection
    bool unchecked = false;          // ... used without asking the socket whether it is still open
    bool connected = false;          // this attempt opened the connection
    bool resumed = false;            // ... with an abbreviated (resumed) TLS handshake
    bool handshook = false;          // ... and tried a TLS handshake
    bool handshake_failed = false;   // ... which failed (with ec)
    std::chrono::microseconds connect_time{0};     // look-up, connect, the proxy's CONNECT
    std::chrono::microseconds handshake_time{0};
    unsigned http_status = 0;
    int api_code = 0;
    std::string api_msg, trace_id;
    std::string detail;              // the client's explanation
    std::chrono::milliseconds retry_after{0};
    // The answer's Date, with when the request left and the answer came (the client's clock):
    // only while transport::want_date is set.
    std::optional<std::chrono::system_clock::time_point> date;
    std::chrono::system_clock::time_point sent_at{}, received_at{};
};

// The names a connection resolves, with their addresses cached for client_options::dns_cache_ttl
// and one look-up at a time however many attempts need them.
class address_cache : public std::enable_shared_from_this<address_cache>
{
public:
    using addresses = std::vector<asio::ip::tcp::endpoint>;
    address_cache(std::string host, std::string port, std::chrono::milliseconds ttl)
        : host_(std::move(host)), port_(std::move(port)), ttl_(ttl)
    {
    }

    const std::string& host() const noexcept { return host_; }
    const std::string& port() const noexcept { return port_; }
    // The cached addresses, if still fresh.
    bool fresh(addresses& out);
    // Joins (or starts) the look-up; the caller stops waiting at `deadline`.
    asio::awaitable<std::tuple<error_code, addresses>> look_up(const asio::any_io_executor& ex,
                                                               steady_clock::time_point deadline);
    void forget();   // after a failed connect

    std::atomic<std::uint64_t> lookups{0};   // look-ups started (tests)

private:
    // Owns what it uses: the look-up may outlive the attempt that started it.
    static asio::awaitable<std::tuple<error_code, addresses>> resolve(std::shared_ptr<address_cache> self,
                                                                       asio::any_io_executor ex);

    std::string host_, port_;
    std::chrono::milliseconds ttl_;
    std::mutex m_;
    addresses cached_;
    steady_clock::time_point expires_{};
    std::shared_ptr<shared_flight<addresses>> flight_ = std::make_shared<shared_flight<addresses>>();
};

// An HTTP proxy, from client_options::proxy.
struct proxy_config
{
    std::string host, port;
    std::string authorization;   // "Basic ..." from the URL's userinfo; never printed
};

class transport
{
public:
    // Throws std::invalid_argument for options that cannot work; the message never holds a secret.
    explicit transport(const client_options& opts);
    ~transport();
    transport(const transport&) = delete;
    transport& operator=(const transport&) = delete;

    const endpoint& target() const noexcept { return ep_; }
    bool via_proxy() const noexcept { return proxy_.has_value(); }
    std::uint64_t lookups() const noexcept { return addresses_->lookups.load(); }   // DNS look-ups started
    // What connections connect to: the API's host and port, or the proxy's.
    const std::string& connect_host() const noexcept { return addresses_->host(); }
    const std::string& connect_port() const noexcept { return addresses_->port(); }
    const std::string& server_name() const noexcept { return server_name_; }   // TLS: SNI and certificate check

    // A new, unconnected connection: on a strand of its own when `own_strand`.
    connection_ptr make_connection(const asio::any_io_executor& ex, bool own_strand);
    // Tests: make wires with `f` instead (before the first connection).
    void set_wire_factory(wire_factory f, void* context) noexcept
    {
        factory_ = f;
        factory_context_ = context;
    }

    // One attempt on `c`, run on c.exec: connect if it must, send, read the answer, decode it into
    // spec.out. `look`: ask the socket whether a kept-alive connection is still open.
    asio::awaitable<attempt_result> attempt(connection& c, const request_spec& spec, std::string_view token,
                                            steady_clock::time_point deadline, bool look);

    std::atomic<std::uint64_t> opened{0}, full{0}, resumed{0}, stale{0};
    // Read the answers' Date headers (the client's server clock wants samples).
    std::atomic<bool> want_date{true};

private:
    asio::awaitable<void> connect(connection& c, attempt_result& r);
    asio::awaitable<void> reach(connection& c, attempt_result& r);
    asio::awaitable<void> handshake(connection& c, attempt_result& r);
    asio::awaitable<void> open_tunnel(connection& c, attempt_result& r);
    asio::awaitable<void> exchange(connection& c, const request_spec& spec, attempt_result& r);
    void build_request(connection& c, const request_spec& spec, std::string_view token);
    void interpret(connection& c, const request_spec& spec, attempt_result& r);
    void save_session(SSL* ssl);
    SSL_SESSION* session_copy();

    const client_options& opts_;
    endpoint ep_;
    std::optional<proxy_config> proxy_;
    std::shared_ptr<asio::ssl::context> ssl_;
    std::string server_name_;            // SNI and certificate check
    std::shared_ptr<address_cache> addresses_;   // the API's, or the proxy's
    wire_factory factory_ = nullptr;
    void* factory_context_ = nullptr;
    std::mutex m_;                       // guards session_
    SSL_SESSION* session_ = nullptr;
};

}   // namespace finovy::detail

#endif
