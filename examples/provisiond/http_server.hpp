// SPDX-License-Identifier: BSL-1.0
// provisiond's HTTP/1.1 server: Boost.Beast on the io_context the client runs on. One coroutine
// per connection; keep-alive; each request (its headers and body, and the idle wait before it)
// must arrive within read_timeout, so a slow or silent client only ever holds its own
// connection. Malformed requests get 400, too large ones 413 or 431, with a JSON error, and the
// connection is closed (its stream can no longer be trusted); the server goes on.
//
// Single-threaded: the server, its connections and the handler run on one thread (the
// io_context is run by one thread), so they share plain state.
#ifndef PROVISIOND_HTTP_SERVER_HPP
#define PROVISIOND_HTTP_SERVER_HPP

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

namespace provisiond {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

// Answers one request. Exceptions it throws become 500 answers.
using request_handler = std::function<asio::awaitable<response>(const request&)>;

struct server_limits
{
    std::size_t max_body = 64 * 1024;              // larger bodies: 413
    std::size_t max_header = 8 * 1024;             // larger headers: 431
    std::chrono::milliseconds read_timeout{30'000};    // a request, or the idle wait before it
    std::chrono::milliseconds write_timeout{30'000};   // an answer
    std::size_t max_connections = 1024;            // more are closed at once
};

// A JSON answer {"error": message} with that status.
response json_error(http::status status, std::string_view message);
// A JSON answer with that status (the body is JSON text already).
response json_response(http::status status, std::string body);

class http_server
{
public:
    // Binds and listens on `where` (port 0: a free one). Throws boost::system::system_error.
    http_server(asio::any_io_executor ex, const tcp::endpoint& where, request_handler handler, server_limits limits);
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

    // Starts accepting. The server must outlive its connections: run the io_context to the end
    // (after stop()) before destroying it.
    void start();

    // Stops accepting and ends every connection: those waiting for a request at once, those
    // whose request is being handled after their answer (sent with Connection: close).
    void stop();

private:
    asio::awaitable<void> accept_loop();
    asio::awaitable<void> serve(beast::tcp_stream stream);
    asio::awaitable<response> answer(const request& req);

    tcp::acceptor acceptor_;
    request_handler handler_;
    server_limits limits_;
    std::unordered_set<beast::tcp_stream*> connections_;
    bool stopping_ = false;
};

}   // namespace provisiond

#endif
