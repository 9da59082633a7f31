// SPDX-License-Identifier: BSL-1.0
// The transport seam: the bytes of one pooled connection, behind a small interface, so that the
// transport above it (impl/transport.ipp: proxies, TLS set-up, HTTP, the pool's decisions) is the
// same whatever carries the bytes:
// - native_wire: OpenSSL driven directly on a non-blocking socket (the default; Linux);
// - asio_ssl_wire: asio::ssl::stream (portable);
// - test/common/scripted_wire.hpp: a scripted wire that fails at any step and any byte.
//
// I/O is a series of non-blocking tries (`done`, `failed`, or what to wait for), so that the common
// path costs no coroutine frame: try, and only when told to, co_await wait(step).
#ifndef FINOVY_IMPL_INTERNAL_WIRE_HPP
#define FINOVY_IMPL_INTERNAL_WIRE_HPP

#include <finovy/config.hpp>
#include <finovy/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

typedef struct ssl_st SSL;
typedef struct ssl_session_st SSL_SESSION;

namespace finovy::detail {

namespace asio = boost::asio;

// Shared with its deadline timer's handler, which may run after the connection that owned it is gone.
// Implementations declare their out-of-line virtual functions FINOVY_DECL: header-only, that makes
// them inline, so a wire's vtable (and all it instantiates) is emitted only where the wire is
// constructed, not in every translation unit that includes the client (docs/compile-time.md).
class wire : public std::enable_shared_from_this<wire>
{
public:
    using time_point = std::chrono::steady_clock::time_point;

    enum class step
    {
        done,
        failed,
        want_read,
        want_write,
    };

    explicit wire(const asio::any_io_executor& ex) : timer_(ex) {}
    virtual ~wire() = default;
    wire(const wire&) = delete;
    wire& operator=(const wire&) = delete;

    // A TCP connection to the first of `eps` that accepts (a proxy's addresses, with a proxy).
    virtual asio::awaitable<error_code> connect(const std::vector<asio::ip::tcp::endpoint>& eps) = 0;

    // After connect (and a proxy's CONNECT): a TLS client of `server_name` (a DNS name: SNI and
    // host-name check; or an IP address: address check), offering `session` for resumption.
    // Fails closed: any set-up step that fails is an error, nothing is sent unverified.
    virtual error_code start_tls(asio::ssl::context& ctx, const std::string& server_name, SSL_SESSION* session) = 0;
    virtual SSL* ssl() const noexcept = 0;   // null before start_tls, and without TLS

    virtual step try_handshake(error_code& ec) = 0;
    // Sends from data[sent...]: `done` once everything is sent.
    virtual step try_write(std::string_view data, std::size_t& sent, error_code& ec) = 0;
    // Appends what arrived to `buf`: `done` if anything did.
    virtual step try_read(boost::beast::flat_buffer& buf, error_code& ec) = 0;
    // Bytes that arrived already (received, or held by TLS): read them before waiting.
    virtual bool has_pending() const = 0;
    // Waits for what a try asked for; client_errc::timeout past the deadline.
    virtual asio::awaitable<error_code> wait(step s) = 0;

    // Before an idle connection is reused: false if the peer closed it or sent data nobody asked
    // for. TLS records that carry no data (session tickets, key updates) are consumed, not held
    // against it. `look`: also ask the socket (a system call); else judge what is buffered only.
    virtual bool usable(bool look) = 0;
    // After an answer was read: decrypted data beyond it is waiting (then it cannot be reused).
    virtual bool data_left() const = 0;
    virtual bool is_open() const = 0;
    virtual void close() = 0;

    // Bounds the next operations: when `deadline` passes, the pending wait fails with
    // client_errc::timeout. disarm() before the connection goes back to the pool.
    FINOVY_DECL void arm(time_point deadline);
    FINOVY_DECL void disarm();
    bool timed_out() const noexcept { return timed_out_; }
    time_point deadline() const noexcept { return deadline_; }

protected:
    // The deadline passed: make the pending I/O complete (with operation_aborted).
    virtual void cancel_io() = 0;

private:
    asio::steady_timer timer_;
    std::uint64_t armed_ = 0;   // generation of the running deadline
    time_point deadline_{};
    bool timed_out_ = false;
};

using wire_ptr = std::shared_ptr<wire>;

// Makes the wire of a new connection, on the connection's executor. Tests substitute their own.
using wire_factory = std::shared_ptr<wire> (*)(const asio::any_io_executor& ex, void* context);

}   // namespace finovy::detail

#endif
