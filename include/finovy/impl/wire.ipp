// The bytes of one pooled connection (detail/wire.hpp). Compiled once (src/transport.cpp).
#ifndef FINOVY_IMPL_WIRE_IPP
#define FINOVY_IMPL_WIRE_IPP

#include <finovy/detail/wire.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace finovy::detail {

namespace wire_bio {

// A BIO over the wire's socket. Unlike OpenSSL's own socket BIO it sends with MSG_NOSIGNAL:
// a library must not let a peer's reset raise SIGPIPE in its user's process.
inline wire& owner(BIO* b) { return *static_cast<wire*>(BIO_get_data(b)); }

inline bool would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINTR; }

inline int write_ex(BIO* b, const char* data, std::size_t len, std::size_t* written)
{
    BIO_clear_retry_flags(b);
    auto& w = owner(b);
    auto n = ::send(w.socket().native_handle(), data, len, MSG_NOSIGNAL);
    if (n >= 0)
    {
        *written = static_cast<std::size_t>(n);
        return 1;
    }
    w.sys_errno = errno;
    if (would_block(w.sys_errno))
        BIO_set_retry_write(b);
    return 0;
}

inline int read_ex(BIO* b, char* data, std::size_t len, std::size_t* read)
{
    BIO_clear_retry_flags(b);
    auto& w = owner(b);
    auto n = w.receive(data, len);
    if (n > 0)
    {
        *read = static_cast<std::size_t>(n);
        return 1;
    }
    if (n == 0)
    {
        BIO_set_flags(b, BIO_FLAGS_IN_EOF);   // lets OpenSSL tell a truncation from a close
        return 0;
    }
    w.sys_errno = errno;
    if (would_block(w.sys_errno))
        BIO_set_retry_read(b);
    return 0;
}

inline long ctrl(BIO* b, int cmd, long, void*)
{
    switch (cmd)
    {
    case BIO_CTRL_FLUSH:
        return 1;   // nothing is buffered here
    case BIO_CTRL_EOF:
        return BIO_test_flags(b, BIO_FLAGS_IN_EOF) != 0;
    case BIO_C_GET_FD:
        return owner(b).socket().native_handle();
    default:
        return 0;
    }
}

inline int create(BIO* b)
{
    BIO_set_init(b, 1);
    return 1;
}

inline int destroy(BIO*) { return 1; }   // the socket belongs to the wire

inline const BIO_METHOD* method()
{
    static BIO_METHOD* const m = [] {
        BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "finovy socket");
        if (made)
        {
            BIO_meth_set_write_ex(made, write_ex);
            BIO_meth_set_read_ex(made, read_ex);
            BIO_meth_set_ctrl(made, ctrl);
            BIO_meth_set_create(made, create);
            BIO_meth_set_destroy(made, destroy);
        }
        return made;
    }();
    return m;
}

}   // namespace wire_bio

FINOVY_DECL wire::~wire() { close(); }

FINOVY_DECL bool wire::prepare(SSL_CTX* tls_context, error_code& ec)
{
    sock_.non_blocking(true, ec);
    if (ec)
        return false;
    sock_.set_option(asio::ip::tcp::no_delay(true), ec);
    ec.clear();   // Nagle's algorithm only costs latency
    if (!tls_context)
        return true;
    const BIO_METHOD* m = wire_bio::method();
    SSL* ssl = m ? SSL_new(tls_context) : nullptr;
    BIO* bio = ssl ? BIO_new(m) : nullptr;
    if (!bio)
    {
        if (ssl)
            SSL_free(ssl);
        ec = asio::error::no_memory;
        return false;
    }
    BIO_set_data(bio, this);
    SSL_set_bio(ssl, bio, bio);
    // Partial writes and a moving buffer: a write resumed after a wait is not an error.
    // Read-ahead: a whole answer in one recv instead of a header read and a body read.
    SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_set_read_ahead(ssl, 1);
    SSL_set_connect_state(ssl);
    ssl_ = ssl;
    return true;
}

FINOVY_DECL void wire::close()
{
    if (ssl_)
    {
        SSL_free(ssl_);   // no close_notify: the socket closes next, and the server expects that
        ssl_ = nullptr;
    }
    boost::system::error_code ignored;
    sock_.close(ignored);
    in_begin_ = in_end_ = 0;
}

FINOVY_DECL bool wire::stale()
{
    if (!sock_.is_open())
        return true;
    if (has_pending())
        return true;
    char byte;
    auto n = ::recv(sock_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n >= 0 || !wire_bio::would_block(errno);
}

FINOVY_DECL void wire::arm(std::chrono::steady_clock::time_point deadline)
{
    timed_out_ = false;
    deadline_ = deadline;
    timer_.expires_at(deadline);
    // Runs on the connection's executor, as the I/O does: never alongside it.
    timer_.async_wait([self = weak_from_this(), generation = ++armed_](error_code ec) {
        if (ec)
            return;
        auto w = self.lock();
        if (!w || w->armed_ != generation)
            return;
        w->timed_out_ = true;
        boost::system::error_code ignored;
        w->sock_.cancel(ignored);
    });
}

FINOVY_DECL void wire::disarm()
{
    ++armed_;   // a handler already on its way must not cancel the next attempt
    timer_.cancel();
}

FINOVY_DECL bool wire::has_pending() const
{
    return in_begin_ < in_end_ || (ssl_ && SSL_has_pending(ssl_));
}

FINOVY_DECL long wire::receive(char* data, std::size_t len)
{
    if (in_begin_ < in_end_)
    {
        const std::size_t n = std::min(len, in_end_ - in_begin_);
        std::memcpy(data, in_.get() + in_begin_, n);
        in_begin_ += n;
        return static_cast<long>(n);
    }
    return ::recv(sock_.native_handle(), data, len, 0);
}

FINOVY_DECL asio::awaitable<error_code> wire::wait(step s)
{
    constexpr std::size_t in_capacity = 16 * 1024;
    if (timed_out_)
        co_return client_errc::timeout;
    error_code ec;
    if (s == step::want_write)
    {
        auto [waited] = co_await sock_.async_wait(asio::ip::tcp::socket::wait_write,
                                                  asio::as_tuple(asio::use_awaitable));
        ec = waited;
    }
    else if (in_begin_ == in_end_)
    {
        if (!in_)
            in_ = std::make_unique<char[]>(in_capacity);
        auto [received, n] = co_await sock_.async_receive(asio::buffer(in_.get(), in_capacity),
                                                          asio::as_tuple(asio::use_awaitable));
        ec = received;
        in_begin_ = 0;
        in_end_ = n;
    }
    if (timed_out_)
        co_return client_errc::timeout;
    co_return ec;
}

// Before each call: an error queue left by somebody else would make SSL_get_error lie. Peeking
// is cheaper than clearing, which walks the whole queue.
inline void clean_error_queue()
{
    if (ERR_peek_error() != 0)
        ERR_clear_error();
}

FINOVY_DECL wire::step wire::tls_step(int ret, error_code& ec)
{
    const int kind = SSL_get_error(ssl_, ret);
    if (kind == SSL_ERROR_WANT_READ)
        return step::want_read;
    if (kind == SSL_ERROR_WANT_WRITE)
        return step::want_write;
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    switch (kind)
    {
    case SSL_ERROR_ZERO_RETURN:
        ec = asio::error::eof;   // close_notify
        break;
    case SSL_ERROR_SYSCALL:
        if (code)
            ec = error_code(static_cast<int>(code), asio::error::get_ssl_category());
        else
            ec = sys_errno ? error_code(sys_errno, boost::system::system_category()) : error_code(asio::error::eof);
        break;
    case SSL_ERROR_SSL:
        if (ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
            ec = asio::error::eof;   // closed without close_notify: a plain end of file to us
        else
            ec = error_code(static_cast<int>(code), asio::error::get_ssl_category());
        break;
    default:
        ec = asio::ssl::error::unspecified_system_error;
        break;
    }
    return step::failed;
}

FINOVY_DECL wire::step wire::try_handshake(error_code& ec)
{
    clean_error_queue();
    sys_errno = 0;
    const int ret = SSL_do_handshake(ssl_);
    return ret == 1 ? step::done : tls_step(ret, ec);
}

FINOVY_DECL wire::step wire::try_write(std::string_view data, std::size_t& sent, error_code& ec)
{
    while (sent < data.size())
    {
        std::size_t n = 0;
        if (ssl_)
        {
            clean_error_queue();
            sys_errno = 0;
            const int ret = SSL_write_ex(ssl_, data.data() + sent, data.size() - sent, &n);
            if (ret != 1)
                return tls_step(ret, ec);
        }
        else
        {
            n = sock_.write_some(asio::buffer(data.data() + sent, data.size() - sent), ec);
            if (ec == asio::error::would_block || ec == asio::error::try_again)
                return ec.clear(), step::want_write;
            if (ec)
                return step::failed;
        }
        sent += n;
    }
    return step::done;
}

FINOVY_DECL wire::step wire::try_read(boost::beast::flat_buffer& buf, error_code& ec)
{
    auto space = buf.prepare(16 * 1024);
    std::size_t n = 0;
    if (ssl_)
    {
        clean_error_queue();
        sys_errno = 0;
        const int ret = SSL_read_ex(ssl_, space.data(), space.size(), &n);
        if (ret != 1)
            return tls_step(ret, ec);
    }
    else if (in_begin_ < in_end_)
    {
        n = static_cast<std::size_t>(receive(static_cast<char*>(space.data()), space.size()));
    }
    else
    {
        n = sock_.read_some(space, ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again)
            return ec.clear(), step::want_read;
        if (ec)
            return step::failed;
    }
    buf.commit(n);
    return step::done;
}

}   // namespace finovy::detail

#endif
