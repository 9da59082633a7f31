// SPDX-License-Identifier: BSL-1.0
// The portable wire (wire.hpp): asio::ssl::stream over a TCP socket, for platforms where the
// native wire's MSG_NOSIGNAL/recv do not exist, or for users who prefer Asio's own TLS stream.
//
// Its tries report what to wait for, and wait() runs the whole Asio operation (handshake, write,
// or a read into a small buffer); the next try collects the result. An idle connection with bytes
// waiting, on its socket or held by the stream's engine, is not reused (Asio's stream cannot
// consume a session ticket without a read that might block): a reconnect, resumed.
#ifndef FINOVY_IMPL_INTERNAL_ASIO_SSL_WIRE_HPP
#define FINOVY_IMPL_INTERNAL_ASIO_SSL_WIRE_HPP

#include <finovy/impl/internal/wire.hpp>

#include <boost/asio/ssl/stream.hpp>

#include <memory>
#include <optional>

namespace finovy::detail {

class asio_ssl_wire final : public wire
{
public:
    explicit asio_ssl_wire(const asio::any_io_executor& ex) : wire(ex), ex_(ex), sock_(ex) {}
    ~asio_ssl_wire() override { close(); }

    FINOVY_DECL asio::awaitable<error_code> connect(const std::vector<asio::ip::tcp::endpoint>& eps) override;
    FINOVY_DECL error_code start_tls(asio::ssl::context& ctx, const std::string& server_name, SSL_SESSION* session) override;
    SSL* ssl() const noexcept override { return tls_ ? const_cast<stream&>(*tls_).native_handle() : nullptr; }
    FINOVY_DECL step try_handshake(error_code& ec) override;
    FINOVY_DECL step try_write(std::string_view data, std::size_t& sent, error_code& ec) override;
    FINOVY_DECL step try_read(boost::beast::flat_buffer& buf, error_code& ec) override;
    bool has_pending() const override { return in_begin_ < in_end_; }
    FINOVY_DECL asio::awaitable<error_code> wait(step s) override;
    FINOVY_DECL bool usable(bool look) override;
    bool data_left() const override { return in_begin_ < in_end_ || (ssl() && SSL_pending(ssl()) > 0); }
    bool is_open() const override { return socket().is_open(); }
    FINOVY_DECL void close() override;

protected:
    FINOVY_DECL void cancel_io() override;

private:
    using stream = asio::ssl::stream<asio::ip::tcp::socket>;
    enum class pending
    {
        none,
        handshake,
        write,
        read,
    };

    asio::ip::tcp::socket& socket() { return tls_ ? tls_->next_layer() : sock_; }
    const asio::ip::tcp::socket& socket() const { return tls_ ? tls_->next_layer() : sock_; }
    // Collects the result of the operation wait() ran for `what`, if it did.
    bool finished(pending what, error_code& ec);
    bool engine_holds_bytes() const;

    asio::any_io_executor ex_;
    asio::ip::tcp::socket sock_;     // before TLS, and without TLS
    std::optional<stream> tls_;      // owns the socket once TLS starts
    pending pending_ = pending::none;
    bool complete_ = false;
    error_code result_;
    std::string_view to_write_;
    std::unique_ptr<char[]> in_;
    std::size_t in_begin_ = 0;
    std::size_t in_end_ = 0;
};

}   // namespace finovy::detail

#endif
