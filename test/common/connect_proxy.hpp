// SPDX-License-Identifier: BSL-1.0
// A minimal HTTP CONNECT proxy for tests of programs (the CLI): on a loopback port, on a thread
// of its own. With status 200 it tunnels bytes both ways to the host and port asked for; with any
// other status it answers that to every CONNECT and closes, as a proxy that cannot reach the API
// (5xx) or refuses (403, 407) does. (test/integration/proxy_test.cpp tests the client against a
// real tinyproxy; this one only needs to be scriptable.)
#ifndef FINOVY_TEST_CONNECT_PROXY_HPP
#define FINOVY_TEST_CONNECT_PROXY_HPP

#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

namespace finovy::test {

class connect_proxy
{
public:
    explicit connect_proxy(unsigned status = 200)
        : status_(status), acceptor_(ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0})
    {
        boost::asio::co_spawn(ioc_, accept(), boost::asio::detached);
        thread_ = std::thread([this] { ioc_.run(); });
    }
    ~connect_proxy()
    {
        ioc_.stop();
        thread_.join();
    }
    connect_proxy(const connect_proxy&) = delete;
    connect_proxy& operator=(const connect_proxy&) = delete;

    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    // CONNECT requests received so far.
    std::size_t connects() const { return connects_.load(); }

private:
    using tcp = boost::asio::ip::tcp;
    using awaitable = boost::asio::awaitable<void>;

    awaitable accept()
    {
        for (;;)
        {
            auto s = std::make_shared<tcp::socket>(co_await acceptor_.async_accept(boost::asio::use_awaitable));
            boost::asio::co_spawn(ioc_, serve(s), boost::asio::detached);
        }
    }

    awaitable serve(std::shared_ptr<tcp::socket> client)
    {
        boost::system::error_code ec;
        auto tok = boost::asio::redirect_error(boost::asio::use_awaitable, ec);
        std::string head;
        auto n = co_await boost::asio::async_read_until(*client, boost::asio::dynamic_buffer(head), "\r\n\r\n", tok);
        if (ec || head.rfind("CONNECT ", 0) != 0)
            co_return;
        ++connects_;
        std::string authority = head.substr(8, head.find(' ', 8) - 8);   // host:port
        if (status_ != 200)
        {
            std::string answer = "HTTP/1.1 " + std::to_string(status_) + " Test Proxy\r\nContent-Length: 0\r\n\r\n";
            co_await boost::asio::async_write(*client, boost::asio::buffer(answer), tok);
            co_return;
        }
        auto colon = authority.rfind(':');
        auto upstream = std::make_shared<tcp::socket>(ioc_);
        tcp::resolver resolver(ioc_);
        auto found = co_await resolver.async_resolve(authority.substr(0, colon), authority.substr(colon + 1), tok);
        if (!ec)
            co_await boost::asio::async_connect(*upstream, found, tok);
        std::string answer = ec ? "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n" : "HTTP/1.1 200 OK\r\n\r\n";
        co_await boost::asio::async_write(*client, boost::asio::buffer(answer), tok);
        if (ec)
            co_return;
        if (head.size() > n)   // bytes sent right after the CONNECT: the TLS handshake's start
            co_await boost::asio::async_write(*upstream, boost::asio::buffer(head.substr(n)), tok);
        boost::asio::co_spawn(ioc_, pump(client, upstream), boost::asio::detached);
        boost::asio::co_spawn(ioc_, pump(upstream, client), boost::asio::detached);
    }

    static awaitable pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to)
    {
        boost::system::error_code ec;
        auto tok = boost::asio::redirect_error(boost::asio::use_awaitable, ec);
        char buf[16 * 1024];
        for (;;)
        {
            auto n = co_await from->async_read_some(boost::asio::buffer(buf), tok);
            if (ec)
                break;
            co_await boost::asio::async_write(*to, boost::asio::buffer(buf, n), tok);
            if (ec)
                break;
        }
        to->shutdown(tcp::socket::shutdown_send, ec);
    }

    unsigned status_;
    boost::asio::io_context ioc_;
    tcp::acceptor acceptor_;
    std::atomic<std::size_t> connects_{0};
    std::thread thread_;
};

}   // namespace finovy::test

#endif
