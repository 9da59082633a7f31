// SPDX-License-Identifier: BSL-1.0
// A minimal keep-alive HTTPS (or HTTP) client for testing the simulator byte for byte,
// independently of the SDK. Every call runs its own io_context with a deadline.
#ifndef FINOVY_TEST_RAW_HTTPS_HPP
#define FINOVY_TEST_RAW_HTTPS_HPP

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace finovy::test {

namespace beast = boost::beast;
namespace http = beast::http;

struct raw_result
{
    boost::system::error_code ec;   // transport failure (reset, EOF, truncation)
    unsigned status = 0;
    std::string body;
    http::fields headers;
    std::chrono::milliseconds elapsed{0};

    boost::json::value json() const
    {
        boost::system::error_code jec;
        auto v = boost::json::parse(body, jec);
        return jec ? boost::json::value() : v;
    }
    int code() const
    {
        auto v = json();
        return v.is_object() && v.as_object().contains("code") ? static_cast<int>(v.at("code").to_number<std::int64_t>())
                                                               : -1;
    }
};

class raw_https
{
public:
    raw_https(unsigned short port, std::string ca_file, bool plain = false)
        : port_(port), plain_(plain), ctx_(boost::asio::ssl::context::tls_client)
    {
        if (!plain)
        {
            ctx_.load_verify_file(ca_file);
            ctx_.set_verify_mode(boost::asio::ssl::verify_peer);
        }
    }

    ~raw_https()
    {
        if (session_)
            SSL_SESSION_free(session_);
    }

    raw_result request(http::verb method, std::string target, std::string body = {}, std::string token = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(10))
    {
        raw_result out;
        auto start = std::chrono::steady_clock::now();
        boost::asio::co_spawn(ioc_, exchange(method, std::move(target), std::move(body), std::move(token), timeout, out),
                              boost::asio::detached);
        ioc_.restart();
        ioc_.run();
        out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        return out;
    }

    raw_result get(std::string target, std::string token = {}) { return request(http::verb::get, std::move(target), {}, std::move(token)); }
    raw_result post(std::string target, std::string body, std::string token = {})
    {
        return request(http::verb::post, std::move(target), std::move(body), std::move(token));
    }

    bool connected() const { return tls_ || tcp_; }
    bool last_handshake_resumed() const { return resumed_; }
    void close()
    {
        tls_.reset();
        tcp_.reset();
        buffer_.clear();   // what a broken connection left must not prefix the next answer
    }

private:
    boost::asio::awaitable<void> exchange(http::verb method, std::string target, std::string body, std::string token,
                                          std::chrono::milliseconds timeout, raw_result& out)
    {
        using boost::asio::as_tuple;
        using boost::asio::use_awaitable;
        auto& ec = out.ec;
        if (!connected())
        {
            boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), port_);
            if (plain_)
                tcp_.emplace(ioc_);
            else
            {
                tls_.emplace(ioc_, ctx_);
                if (session_)
                {
                    // A copy: OpenSSL spoils a session whose connection ends without a TLS shutdown.
                    SSL_SESSION* copy = SSL_SESSION_dup(session_);
                    SSL_set_session(tls_->native_handle(), copy);
                    SSL_SESSION_free(copy);
                }
            }
            auto& low = lowest();
            low.expires_after(timeout);
            std::tie(ec) = co_await low.async_connect(ep, as_tuple(use_awaitable));
            if (!ec && tls_)
            {
                std::tie(ec) = co_await tls_->async_handshake(boost::asio::ssl::stream_base::client, as_tuple(use_awaitable));
                if (!ec)
                {
                    resumed_ = SSL_session_reused(tls_->native_handle());
                }
            }
            if (ec)
            {
                close();
                co_return;
            }
        }
        http::request<http::string_body> req{method, target, 11};
        req.set(http::field::host, "127.0.0.1");
        if (!token.empty())
            req.set("Finovy-Access-Token", token);
        if (!body.empty() || method == http::verb::post || method == http::verb::put)
        {
            req.set(http::field::content_type, "application/json");
            req.body() = std::move(body);
            req.prepare_payload();
        }
        lowest().expires_after(timeout);
        http::response_parser<http::string_body> p;
        p.body_limit(64 << 20);
        if (tls_)
        {
            std::tie(ec, std::ignore) = co_await http::async_write(*tls_, req, as_tuple(use_awaitable));
            if (!ec)
                std::tie(ec, std::ignore) = co_await http::async_read(*tls_, buffer_, p, as_tuple(use_awaitable));
            if (!ec && !session_)
            {
                SSL_SESSION* live = SSL_get1_session(tls_->native_handle());
                session_ = live ? SSL_SESSION_dup(live) : nullptr;
                SSL_SESSION_free(live);
            }
        }
        else
        {
            std::tie(ec, std::ignore) = co_await http::async_write(*tcp_, req, as_tuple(use_awaitable));
            if (!ec)
                std::tie(ec, std::ignore) = co_await http::async_read(*tcp_, buffer_, p, as_tuple(use_awaitable));
        }
        if (ec)
        {
            out.body = p.get().body();
            close();
            co_return;
        }
        auto res = p.release();
        const bool keep = res.keep_alive();   // before the fields are moved away
        out.status = res.result_int();
        out.body = std::move(res.body());
        out.headers = std::move(res.base());
        if (!keep)
            close();
    }

    beast::tcp_stream& lowest() { return tls_ ? tls_->next_layer() : *tcp_; }

    unsigned short port_;
    bool plain_;
    boost::asio::io_context ioc_;
    boost::asio::ssl::context ctx_;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;
    std::optional<beast::tcp_stream> tcp_;
    beast::flat_buffer buffer_;
    SSL_SESSION* session_ = nullptr;
    bool resumed_ = false;
};

}   // namespace finovy::test

#endif
