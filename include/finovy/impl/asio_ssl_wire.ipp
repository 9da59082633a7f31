// SPDX-License-Identifier: BSL-1.0
// The portable wire (impl/internal/asio_ssl_wire.hpp): asio::ssl::stream.
#ifndef FINOVY_IMPL_ASIO_SSL_WIRE_IPP
#define FINOVY_IMPL_ASIO_SSL_WIRE_IPP

#include <finovy/impl/internal/asio_ssl_wire.hpp>
#include <finovy/impl/internal/tls_setup.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstring>

namespace finovy::detail {

namespace asio_ssl_wire_helpers {
constexpr std::size_t in_capacity = 16 * 1024;
constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

// A peer that closes without close_notify is an end of file to us, as with the native wire.
inline error_code normalized(error_code ec)
{
    return ec == asio::ssl::error::stream_truncated ? error_code(asio::error::eof) : ec;
}
}   // namespace asio_ssl_wire_helpers

FINOVY_DECL asio::awaitable<error_code> asio_ssl_wire::connect(const std::vector<asio::ip::tcp::endpoint>& eps)
{
    close();
    auto [ec, used] = co_await asio::async_connect(sock_, eps, asio_ssl_wire_helpers::tuple_awaitable);
    if (!ec)
    {
        error_code ignored;
        sock_.set_option(asio::ip::tcp::no_delay(true), ignored);
    }
    co_return ec;
}

FINOVY_DECL error_code asio_ssl_wire::start_tls(asio::ssl::context& ctx, const std::string& server_name,
                                                SSL_SESSION* session)
{
    tls_.emplace(std::move(sock_), ctx);
    sock_ = asio::ip::tcp::socket(ex_);
    if (auto ec = configure_tls_client(tls_->native_handle(), server_name, session))
    {
        close();
        return ec;
    }
    return {};
}

FINOVY_DECL void asio_ssl_wire::close()
{
    error_code ignored;
    if (tls_)
    {
        tls_->next_layer().close(ignored);   // no close_notify, as with the native wire
        tls_.reset();
    }
    sock_.close(ignored);
    pending_ = pending::none;
    complete_ = false;
    in_begin_ = in_end_ = 0;
}

FINOVY_DECL void asio_ssl_wire::cancel_io()
{
    error_code ignored;
    socket().cancel(ignored);
}

FINOVY_DECL bool asio_ssl_wire::finished(pending what, error_code& ec)
{
    if (pending_ != what || !complete_)
    {
        pending_ = what;
        complete_ = false;
        return false;
    }
    pending_ = pending::none;
    complete_ = false;
    ec = result_;
    return true;
}

FINOVY_DECL wire::step asio_ssl_wire::try_handshake(error_code& ec)
{
    if (!tls_)
        return step::done;
    if (!finished(pending::handshake, ec))
        return step::want_read;
    return ec ? step::failed : step::done;
}

FINOVY_DECL wire::step asio_ssl_wire::try_write(std::string_view data, std::size_t& sent, error_code& ec)
{
    if (sent >= data.size())
        return step::done;
    if (!finished(pending::write, ec))
    {
        to_write_ = data.substr(sent);
        return step::want_write;
    }
    if (ec)
        return step::failed;
    sent = data.size();   // wait() wrote all of it
    return step::done;
}

FINOVY_DECL wire::step asio_ssl_wire::try_read(boost::beast::flat_buffer& buf, error_code& ec)
{
    if (in_begin_ < in_end_)
    {
        auto n = in_end_ - in_begin_;
        auto space = buf.prepare(n);
        std::memcpy(space.data(), in_.get() + in_begin_, n);
        buf.commit(n);
        in_begin_ = in_end_ = 0;
        pending_ = pending::none;
        complete_ = false;
        return step::done;
    }
    if (!finished(pending::read, ec))
        return step::want_read;
    return ec ? step::failed : step::want_read;   // nothing arrived: wait again
}

FINOVY_DECL asio::awaitable<error_code> asio_ssl_wire::wait(step)
{
    using namespace asio_ssl_wire_helpers;
    if (timed_out())
        co_return client_errc::timeout;
    error_code ec;
    switch (pending_)
    {
    case pending::handshake:
        std::tie(ec) = co_await tls_->async_handshake(asio::ssl::stream_base::client, tuple_awaitable);
        break;
    case pending::write:
    {
        auto buffer = asio::buffer(to_write_.data(), to_write_.size());
        if (tls_)
            std::tie(ec, std::ignore) = co_await asio::async_write(*tls_, buffer, tuple_awaitable);
        else
            std::tie(ec, std::ignore) = co_await asio::async_write(sock_, buffer, tuple_awaitable);
        break;
    }
    case pending::read:
    {
        if (!in_)
            in_ = std::make_unique<char[]>(in_capacity);
        std::size_t n = 0;
        auto buffer = asio::buffer(in_.get(), in_capacity);
        if (tls_)
            std::tie(ec, n) = co_await tls_->async_read_some(buffer, tuple_awaitable);
        else
            std::tie(ec, n) = co_await sock_.async_read_some(buffer, tuple_awaitable);
        in_begin_ = 0;
        in_end_ = n;
        break;
    }
    case pending::none: break;
    }
    ec = normalized(ec);
    if (timed_out())
        co_return client_errc::timeout;
    complete_ = true;
    result_ = ec;
    co_return error_code{};   // the next try reports the outcome
}

// Bytes the stream's engine received but no read consumed yet: decrypted data, a record (or part
// of one) in OpenSSL's buffer, or bytes in the engine's BIO that OpenSSL has not pulled yet.
FINOVY_DECL bool asio_ssl_wire::engine_holds_bytes() const
{
    SSL* s = ssl();
    if (!s)
        return false;
    BIO* in = SSL_get_rbio(s);
    return SSL_pending(s) > 0 || SSL_has_pending(s) || (in && BIO_ctrl_pending(in) > 0);
}

FINOVY_DECL bool asio_ssl_wire::usable(bool look)
{
    auto& s = socket();
    // What arrived with the last answer is judged even without `look`: the engine has it already.
    if (!s.is_open() || in_begin_ < in_end_ || engine_holds_bytes())
        return false;
    if (!look)
        return true;
    // Anything readable on an idle connection (an end of file, data, or a TLS record Asio's stream
    // cannot consume without a read that may block) retires it.
    error_code ec;
    if (s.available(ec) > 0 || ec)
        return false;
    char byte;
    s.non_blocking(true, ec);
    auto n = s.receive(asio::buffer(&byte, 1), asio::socket_base::message_peek, ec);
    error_code ignored;
    s.non_blocking(false, ignored);
    return n == 0 && (ec == asio::error::would_block || ec == asio::error::try_again);
}

}   // namespace finovy::detail

#endif
