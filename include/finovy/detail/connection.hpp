// One pooled connection, and the objects callers wait on for a connection or a token.
#ifndef FINOVY_DETAIL_CONNECTION_HPP
#define FINOVY_DETAIL_CONNECTION_HPP

#include <finovy/diagnostics.hpp>
#include <finovy/error.hpp>
#include <finovy/detail/wire.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/json/parser.hpp>

#include <chrono>
#include <list>
#include <memory>
#include <optional>
#include <string>

namespace finovy::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;

// A connection is used by one call at a time. In a thread-safe client its I/O runs on a strand
// of its own, so that a client shared by several threads never touches one socket from two.
struct connection
{
    connection(const asio::any_io_executor& ex, bool own_strand)
        : exec(own_strand ? asio::any_io_executor(asio::make_strand(ex)) : ex), io(std::make_shared<wire>(exec))
    {
    }

    void close()
    {
        io->close();
        connected = false;
    }

    asio::any_io_executor exec;   // a strand of its own, or the client's executor
    std::shared_ptr<wire> io;     // shared with its timer's handler
    beast::flat_buffer buffer;           // read buffer, kept across requests
    std::string request;                 // write buffer, kept across requests
    std::string body;                    // the answer's body, kept across requests
    boost::json::parser parser;          // keeps its parsing stack across answers
    bool connected = false;
    bool store_session = false;          // save the TLS session after the first answer
    std::chrono::steady_clock::time_point idle_since{};   // when its last attempt ended
};

using connection_ptr = std::unique_ptr<connection>;

// Something a caller waits for and another strand hands over. The waiting side sleeps on
// `timer` (until its deadline); the giver sets the value under the owner's lock and cancels
// the timer on the waiter's own executor, the only one allowed to touch it.
template <class Value>
struct pending : std::enable_shared_from_this<pending<Value>>
{
    explicit pending(const asio::any_io_executor& ex) : timer(ex) {}

    // Called with the owner's lock held.
    void fulfil(error_code e, Value v)
    {
        ec = e;
        value = std::move(v);
        done = true;
        asio::post(timer.get_executor(), [self = this->shared_from_this()] { self->timer.cancel(); });
    }

    asio::steady_timer timer;
    Value value{};
    error_code ec;
    bool done = false;

    // Links for the queue it waits in (pool_state's requirements).
    bool queued = false;
    typename std::list<pending*>::iterator pos;
};

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

}   // namespace finovy::detail

#endif
