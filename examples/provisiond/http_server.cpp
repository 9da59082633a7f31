// SPDX-License-Identifier: BSL-1.0
// provisiond's HTTP/1.1 server (see http_server.hpp).
#include "http_server.hpp"

#include <finovy/json.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <exception>
#include <iostream>
#include <optional>

namespace provisiond {

namespace {

constexpr auto tuple_token = asio::as_tuple(asio::use_awaitable);

// The answer to a request that could not be read, or none when the client just went away
// (closed, reset, too slow: there is nobody to answer).
std::optional<response> refusal(const boost::system::error_code& ec, const server_limits& limits)
{
    if (ec == http::error::body_limit)
        return json_error(http::status::payload_too_large,
                          "request body larger than " + std::to_string(limits.max_body) + " bytes");
    if (ec == http::error::header_limit)
        return json_error(http::status::request_header_fields_too_large,
                          "request header larger than " + std::to_string(limits.max_header) + " bytes");
    if (ec == http::error::end_of_stream || ec == http::error::partial_message || ec == http::error::need_more)
        return std::nullopt;
    if (ec.category() == http::make_error_code(http::error::bad_target).category())
        return json_error(http::status::bad_request, "malformed HTTP request: " + ec.message());
    return std::nullopt;
}

}   // namespace

response json_response(http::status status, std::string body)
{
    response res{status, 11};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::server, "provisiond");
    res.body() = std::move(body) + "\n";
    return res;
}

response json_error(http::status status, std::string_view message)
{
    return json_response(status, finovy::to_json_text(boost::json::object{{"error", message}}));
}

http_server::http_server(asio::any_io_executor ex, const tcp::endpoint& where, request_handler handler,
                         server_limits limits)
    : acceptor_(ex), handler_(std::move(handler)), limits_(limits)
{
    acceptor_.open(where.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(where);
    acceptor_.listen(asio::socket_base::max_listen_connections);
}

void http_server::start() { asio::co_spawn(acceptor_.get_executor(), accept_loop(), asio::detached); }

void http_server::stop()
{
    stopping_ = true;
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto* c : connections_)
        c->cancel();   // a pending read or write ends now; a request being handled is answered first
}

asio::awaitable<void> http_server::accept_loop()
{
    while (!stopping_)
    {
        auto [ec, socket] = co_await acceptor_.async_accept(tuple_token);
        if (stopping_ || ec == asio::error::operation_aborted)
            co_return;
        if (ec)
        {
            // Out of descriptors and the like: try again a little later rather than spin.
            asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
            co_await pause.async_wait(tuple_token);
            continue;
        }
        if (connections_.size() >= limits_.max_connections)
        {
            socket.close(ec);
            continue;
        }
        asio::co_spawn(acceptor_.get_executor(), serve(beast::tcp_stream(std::move(socket))), asio::detached);
    }
}

asio::awaitable<response> http_server::answer(const request& req)
{
    std::exception_ptr failure;
    try
    {
        co_return co_await handler_(req);
    }
    catch (...)
    {
        failure = std::current_exception();
    }
    try
    {
        std::rethrow_exception(failure);
    }
    catch (const std::exception& e)
    {
        std::cerr << "provisiond: " << req.method_string() << ' ' << req.target() << ": " << e.what() << '\n';
    }
    catch (...)
    {
    }
    co_return json_error(http::status::internal_server_error, "internal error");
}

asio::awaitable<void> http_server::serve(beast::tcp_stream stream)
{
    connections_.insert(&stream);
    struct unregister
    {
        http_server& s;
        beast::tcp_stream* c;
        ~unregister() { s.connections_.erase(c); }
    } guard{*this, &stream};

    beast::flat_buffer buffer;
    bool lingering = false;   // an error answer was sent: read what the client still sends, then close
    while (!stopping_)
    {
        http::request_parser<http::string_body> parser;
        parser.body_limit(limits_.max_body);
        parser.header_limit(static_cast<std::uint32_t>(limits_.max_header));
        stream.expires_after(limits_.read_timeout);
        auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, tuple_token);
        if (!ec && !parser.is_done() && beast::iequals(parser.get()[http::field::expect], "100-continue"))
        {
            http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
            std::tie(ec, n) = co_await http::async_write(stream, go_on, tuple_token);
        }
        if (!ec && !parser.is_done())
            std::tie(ec, n) = co_await http::async_read(stream, buffer, parser, tuple_token);
        std::optional<response> res;
        if (ec)
        {
            res = refusal(ec, limits_);
            if (!res)
                break;
            res->keep_alive(false);
            lingering = true;
        }
        else
        {
            const auto& req = parser.get();
            res = co_await answer(req);
            res->version(req.version());
            res->keep_alive(req.keep_alive() && !stopping_);
        }
        res->prepare_payload();
        stream.expires_after(limits_.write_timeout);
        auto [wec, written] = co_await http::async_write(stream, *res, tuple_token);
        if (wec || !res->keep_alive())
            break;
    }

    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (lingering && !stopping_)
    {
        // Closing with unread bytes would reset the connection, and the client could lose the
        // answer: read (and drop) the rest of what it sends, for a second at most.
        std::array<char, 4096> scratch;
        stream.expires_after(std::chrono::seconds(1));
        for (std::size_t total = 0; total < 1024 * 1024;)
        {
            auto [rec, got] = co_await stream.async_read_some(asio::buffer(scratch), tuple_token);
            if (rec)
                break;
            total += got;
        }
    }
    stream.socket().close(ignored);
}

}   // namespace provisiond
