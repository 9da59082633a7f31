// SPDX-License-Identifier: BSL-1.0
// Runs n coroutines with at most `budget` in flight, on the calling coroutine's executor, which
// must be a strand (or single-threaded): the workers share plain counters.
#ifndef FINOVY_IMPL_INTERNAL_BOUNDED_HPP
#define FINOVY_IMPL_INTERNAL_BOUNDED_HPP

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <vector>

namespace finovy::detail {

// f(i) is an awaitable<void>; its exceptions are swallowed. f should capture only references:
// GCC 12 may destroy a closure passed by value to a coroutine twice (see shared_flight.hpp).
// Cancelling the caller cancels the workers' operations, and the call still returns only once
// every worker has stopped, whatever the caller's throw_if_cancelled setting (it is restored).
template <class F>
boost::asio::awaitable<void> for_each_bounded(std::size_t n, std::size_t budget, F f)
{
    namespace asio = boost::asio;
    if (n == 0)
        co_return;
    // The workers use this frame: it must not be left by an exception while they run.
    const bool throwing = co_await asio::this_coro::throw_if_cancelled();
    co_await asio::this_coro::throw_if_cancelled(false);
    auto ex = co_await asio::this_coro::executor;
    std::size_t next = 0;
    std::size_t running = std::min(std::max<std::size_t>(budget, 1), n);
    asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
    std::vector<bool> finished(running, false);
    auto worker = [&](std::size_t) -> asio::awaitable<void> {
        while (next < n)
        {
            auto i = next++;
            try
            {
                co_await f(i);
            }
            catch (...)
            {
            }
        }
    };
    // A worker is done when its completion handler runs: co_spawn still uses its cancellation
    // slot after the body returns, so the signals live as long as the last handler (shared), and
    // this frame is left only after every handler has run.
    auto signals = std::make_shared<std::vector<asio::cancellation_signal>>(running);
    for (std::size_t k = 0; k < signals->size(); ++k)
        asio::co_spawn(ex, worker(k),
                       asio::bind_cancellation_slot((*signals)[k].slot(), [&, k, signals](std::exception_ptr) {
                           finished[k] = true;
                           if (--running == 0)
                               all_done.cancel();
                       }));
    bool forwarded = false;
    while (running > 0)
    {
        co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
        asio::cancellation_state state = co_await asio::this_coro::cancellation_state;
        auto cs = state.cancelled();
        if (cs != asio::cancellation_type::none && !forwarded && running > 0)
        {
            forwarded = true;
            for (std::size_t k = 0; k < signals->size(); ++k)
                if (!finished[k])
                    (*signals)[k].emit(asio::cancellation_type::terminal);
        }
    }
    co_await asio::this_coro::throw_if_cancelled(throwing);
}

}   // namespace finovy::detail

#endif
