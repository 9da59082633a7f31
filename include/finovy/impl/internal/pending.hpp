// SPDX-License-Identifier: BSL-1.0
// Something a caller waits for and another strand hands over: a connection, a token, a send slot,
// a lock, the result of a shared look-up. The waiting side sleeps on `timer` (until its deadline);
// the giver sets the value under the owner's lock and cancels the timer on the waiter's own
// executor, the only one allowed to touch it.
#ifndef FINOVY_IMPL_INTERNAL_PENDING_HPP
#define FINOVY_IMPL_INTERNAL_PENDING_HPP

#include <finovy/error.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <list>
#include <memory>

namespace finovy::detail {

namespace asio = boost::asio;

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
    // Until when it waits, for a giver that knows sooner that it has nothing to give in time
    // (set before it is queued; read under the owner's lock).
    asio::steady_timer::time_point deadline = asio::steady_timer::time_point::max();
    Value value{};
    error_code ec;
    bool done = false;

    // Links for the queue it waits in (pool_state's requirements).
    bool queued = false;
    typename std::list<pending*>::iterator pos;
};

}   // namespace finovy::detail

#endif
