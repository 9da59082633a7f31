// SPDX-License-Identifier: BSL-1.0
// The default wire (wire.hpp): OpenSSL driven directly on a non-blocking TCP socket.
//
// Why not asio::ssl::stream: it routes every byte through a BIO pair and a stack of composed
// operations, which costs more CPU per request than the TLS records themselves. Here OpenSSL
// reads and writes the socket through a small BIO (send with MSG_NOSIGNAL, recv), and the
// reactor receives into a small buffer that the BIO reads first. A request is then one send
// and, usually, one recv. Linux only (MSG_NOSIGNAL): asio_ssl_wire is the portable one.
#ifndef FINOVY_IMPL_INTERNAL_NATIVE_WIRE_HPP
#define FINOVY_IMPL_INTERNAL_NATIVE_WIRE_HPP

#include <finovy/impl/internal/wire.hpp>

#include <memory>

namespace finovy::detail {

class native_wire final : public wire
{
public:
    explicit native_wire(const asio::any_io_executor& ex) : wire(ex), sock_(ex) {}
    FINOVY_DECL ~native_wire() override;

    FINOVY_DECL asio::awaitable<error_code> connect(const std::vector<asio::ip::tcp::endpoint>& eps) override;
    FINOVY_DECL error_code start_tls(asio::ssl::context& ctx, const std::string& server_name, SSL_SESSION* session) override;
    SSL* ssl() const noexcept override { return ssl_; }
    FINOVY_DECL step try_handshake(error_code& ec) override;
    FINOVY_DECL step try_write(std::string_view data, std::size_t& sent, error_code& ec) override;
    FINOVY_DECL step try_read(boost::beast::flat_buffer& buf, error_code& ec) override;
    FINOVY_DECL bool has_pending() const override;
    FINOVY_DECL asio::awaitable<error_code> wait(step s) override;
    FINOVY_DECL bool usable(bool look) override;
    FINOVY_DECL bool data_left() const override;
    bool is_open() const override { return sock_.is_open(); }
    FINOVY_DECL void close() override;

    asio::ip::tcp::socket& socket() { return sock_; }
    // The BIO's source: received bytes first, then the socket. -1 with errno as recv.
    long receive(char* data, std::size_t len);
    int sys_errno = 0;   // set by the BIO when a send or recv fails

protected:
    FINOVY_DECL void cancel_io() override;

private:
    step tls_step(int ret, error_code& ec);

    asio::ip::tcp::socket sock_;
    // Why receive instead of waiting for readiness: Asio's wait re-arms epoll (a system call)
    // every time, its receive does not when the socket was drained by the previous one.
    std::unique_ptr<char[]> in_;
    std::size_t in_begin_ = 0;
    std::size_t in_end_ = 0;
    SSL* ssl_ = nullptr;
};

}   // namespace finovy::detail

#endif
