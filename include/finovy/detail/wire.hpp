// The bytes of one pooled connection: a non-blocking TCP socket, with TLS done by OpenSSL
// directly on it when the endpoint is https, and the timer that bounds an attempt.
//
// Why not asio::ssl::stream: it routes every byte through a BIO pair and a stack of composed
// operations, which costs more CPU per request than the TLS records themselves. Here OpenSSL
// reads and writes the socket through a small BIO (send with MSG_NOSIGNAL, recv), and the
// reactor receives into a small buffer that the BIO reads first. A request is then one send
// and, usually, one recv.
#ifndef FINOVY_DETAIL_WIRE_HPP
#define FINOVY_DETAIL_WIRE_HPP

#include <finovy/config.hpp>
#include <finovy/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace finovy::detail {

namespace asio = boost::asio;

// Shared with the timer's handler, which may run after the connection that owned it is gone.
class wire : public std::enable_shared_from_this<wire>
{
public:
    explicit wire(const asio::any_io_executor& ex) : sock_(ex), timer_(ex) {}
    ~wire();
    wire(const wire&) = delete;
    wire& operator=(const wire&) = delete;

    asio::ip::tcp::socket& socket() { return sock_; }
    SSL* ssl() const { return ssl_; }

    // After the TCP connection is made: non-blocking, no Nagle, and with tls_context a new TLS
    // client state (not yet shaken hands) for the caller to configure. False if out of memory.
    bool prepare(SSL_CTX* tls_context, error_code& ec);
    void close();

    // Did the server close this idle connection, or send what nobody asked for? One peek.
    bool stale();

    // Bounds the next operations: when `deadline` passes, the pending wait fails with
    // client_errc::timeout. disarm() before the connection goes back to the pool.
    void arm(std::chrono::steady_clock::time_point deadline);
    void disarm();
    bool timed_out() const { return timed_out_; }
    std::chrono::steady_clock::time_point deadline() const { return deadline_; }

    // The steps of I/O, each a non-blocking try: `done`, `failed` (with `ec`), or what the
    // wire must wait for before trying again. No coroutine frame in the common path.
    enum class step
    {
        done,
        failed,
        want_read,
        want_write,
    };
    step try_handshake(error_code& ec);
    // Sends from data[sent...]: `done` once everything is sent.
    step try_write(std::string_view data, std::size_t& sent, error_code& ec);
    // Appends what arrived to `buf`: `done` if anything did.
    step try_read(boost::beast::flat_buffer& buf, error_code& ec);
    // Bytes that arrived already (received, or held by OpenSSL): read them before waiting.
    bool has_pending() const;

    // Waits until the socket can take more (want_write) or until bytes arrive (want_read: they
    // are received, for the next try to read); client_errc::timeout past the deadline.
    asio::awaitable<error_code> wait(step s);

    // The BIO's source: received bytes first, then the socket. -1 with errno as recv.
    long receive(char* data, std::size_t len);

    int sys_errno = 0;   // set by the BIO when a send or recv fails

private:
    step tls_step(int ret, error_code& ec);

    asio::ip::tcp::socket sock_;
    asio::steady_timer timer_;
    // Why receive instead of waiting for readiness: Asio's wait re-arms epoll (a system call)
    // every time, its receive does not when the socket was drained by the previous one.
    std::unique_ptr<char[]> in_;
    std::size_t in_begin_ = 0;
    std::size_t in_end_ = 0;
    SSL* ssl_ = nullptr;
    std::uint64_t armed_ = 0;   // generation of the running deadline
    std::chrono::steady_clock::time_point deadline_{};
    bool timed_out_ = false;
};

}   // namespace finovy::detail

#endif
