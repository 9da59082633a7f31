// SPDX-License-Identifier: BSL-1.0
// The default wire (impl/internal/native_wire.hpp): OpenSSL on a non-blocking socket.
#ifndef FINOVY_IMPL_NATIVE_WIRE_IPP
#define FINOVY_IMPL_NATIVE_WIRE_IPP

#include <finovy/impl/internal/native_wire.hpp>
#include <finovy/impl/internal/tls_setup.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace finovy::detail {

namespace wire_bio {

// A BIO over the wire's socket. Unlike OpenSSL's own socket BIO it sends with MSG_NOSIGNAL:
// a library must not let a peer's reset raise SIGPIPE in its user's process.
inline native_wire& owner(BIO* b) { return *static_cast<native_wire*>(BIO_get_data(b)); }

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

// Before each call: an error queue left by somebody else would make SSL_get_error lie. Peeking
// is cheaper than clearing, which walks the whole queue.
inline void clean_error_queue()
{
    if (ERR_peek_error() != 0)
        ERR_clear_error();
}


FINOVY_DECL native_wire::~native_wire() { close(); }

FINOVY_DECL asio::awaitable<error_code> native_wire::connect(const std::vector<asio::ip::tcp::endpoint>& eps)
{
    close();
    auto [ec, used] = co_await asio::async_connect(sock_, eps, asio::as_tuple(asio::use_awaitable));
    if (!ec)
        sock_.non_blocking(true, ec);
    if (!ec)
    {
        error_code ignored;
        sock_.set_option(asio::ip::tcp::no_delay(true), ignored);   // Nagle's algorithm only costs latency
    }
    co_return ec;
}

FINOVY_DECL error_code native_wire::start_tls(asio::ssl::context& ctx, const std::string& server_name,
                                              SSL_SESSION* session)
{
    const BIO_METHOD* m = wire_bio::method();
    SSL* ssl = m ? SSL_new(ctx.native_handle()) : nullptr;
    BIO* bio = ssl ? BIO_new(m) : nullptr;
    if (!bio)
    {
        if (ssl)
            SSL_free(ssl);
        return asio::error::no_memory;
    }
    BIO_set_data(bio, this);
    SSL_set_bio(ssl, bio, bio);
    ssl_ = ssl;   // freed by close()
    // Partial writes and a moving buffer: a write resumed after a wait is not an error.
    // Read-ahead: a whole answer in one recv instead of a header read and a body read.
    SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_set_read_ahead(ssl, 1);
    SSL_set_connect_state(ssl);
    if (auto ec = configure_tls_client(ssl, server_name, session))
    {
        close();
        return ec;
    }
    return {};
}

FINOVY_DECL void native_wire::close()
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

FINOVY_DECL void native_wire::cancel_io()
{
    boost::system::error_code ignored;
    sock_.cancel(ignored);
}

FINOVY_DECL bool native_wire::usable(bool look)
{
    if (!sock_.is_open())
        return false;
    if (!ssl_)
    {
        if (in_begin_ < in_end_)
            return false;   // bytes nobody asked for
        if (!look)
            return true;
        char byte;
        auto n = ::recv(sock_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        return n < 0 && wire_bio::would_block(errno);
    }
    // With TLS, read what is there: OpenSSL consumes records that carry no data (session tickets,
    // key updates) and says "want read"; data, a close_notify, an end of file or garbage mean the
    // connection cannot serve another request. Without `look`, only what is buffered is read.
    if (!look && !has_pending())
        return true;
    clean_error_queue();
    sys_errno = 0;
    char byte;
    std::size_t n = 0;
    const int ret = SSL_read_ex(ssl_, &byte, 1, &n);
    if (ret == 1)
        return false;
    error_code ec;
    return tls_step(ret, ec) == step::want_read;
}

FINOVY_DECL bool native_wire::data_left() const { return ssl_ && SSL_pending(ssl_) > 0; }

FINOVY_DECL bool native_wire::has_pending() const
{
    return in_begin_ < in_end_ || (ssl_ && SSL_has_pending(ssl_));
}

FINOVY_DECL long native_wire::receive(char* data, std::size_t len)
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

FINOVY_DECL asio::awaitable<error_code> native_wire::wait(step s)
{
    constexpr std::size_t in_capacity = 16 * 1024;
    if (timed_out())
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
    if (timed_out())
        co_return client_errc::timeout;
    co_return ec;
}

FINOVY_DECL wire::step native_wire::tls_step(int ret, error_code& ec)
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

FINOVY_DECL wire::step native_wire::try_handshake(error_code& ec)
{
    clean_error_queue();
    sys_errno = 0;
    const int ret = SSL_do_handshake(ssl_);
    return ret == 1 ? step::done : tls_step(ret, ec);
}

FINOVY_DECL wire::step native_wire::try_write(std::string_view data, std::size_t& sent, error_code& ec)
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

FINOVY_DECL wire::step native_wire::try_read(boost::beast::flat_buffer& buf, error_code& ec)
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
