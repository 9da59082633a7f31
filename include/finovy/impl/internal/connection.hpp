// SPDX-License-Identifier: BSL-1.0
// One pooled connection, and what callers wait for: a connection, a token.
#ifndef FINOVY_IMPL_INTERNAL_CONNECTION_HPP
#define FINOVY_IMPL_INTERNAL_CONNECTION_HPP

#include <finovy/diagnostics.hpp>
#include <finovy/error.hpp>
#include <finovy/impl/internal/pending.hpp>
#include <finovy/impl/internal/wire.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/json/parser.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace finovy::detail {

namespace beast = boost::beast;

// A connection is used by one call at a time. In a thread-safe client its I/O runs on a strand
// of its own, so that a client shared by several threads never touches one socket from two.
struct connection
{
    connection(asio::any_io_executor ex, wire_ptr w) : exec(std::move(ex)), io(std::move(w)) {}

    void close()
    {
        io->close();
        connected = false;
    }

    asio::any_io_executor exec;   // a strand of its own, or the client's executor
    wire_ptr io;                  // shared with its deadline timer's handler
    beast::flat_buffer buffer;    // read buffer, kept across requests
    std::string request;          // write buffer, kept across requests
    std::string body;             // the answer's body, kept across requests
    boost::json::parser parser;   // keeps its parsing stack across answers
    bool connected = false;
    bool store_session = false;   // save the TLS session after the first answer
    std::chrono::steady_clock::time_point idle_since{};   // when its last attempt ended
};

using connection_ptr = std::unique_ptr<connection>;

struct pool_grant
{
    connection_ptr conn;
    bool create = false;
};

struct token_grant
{
    std::string token;
    diagnostics diag;   // why the fetch failed
};

using connection_waiter = pending<pool_grant>;
using token_waiter = pending<token_grant>;
using slot_waiter = pending<bool>;

}   // namespace finovy::detail

#endif
