// SPDX-License-Identifier: BSL-1.0
// One operation whose result many callers share, each waiting only until its own deadline.
//
// The DNS look-up: concurrent attempts of one client need the same addresses, so they join one
// look-up instead of starting one each. And getaddrinfo runs on Asio's resolver thread, where
// cancelling it takes effect only after it returns, which a broken resolver may delay for tens of
// seconds: each caller waits on a timer of its own that the operation's end, its deadline or its
// cancellation ends. Past the deadline the caller goes on with client_errc::timeout; the operation
// finishes alone and its result still reaches whoever waits then (and the cache its body fills).
#ifndef FINOVY_IMPL_INTERNAL_SHARED_FLIGHT_HPP
#define FINOVY_IMPL_INTERNAL_SHARED_FLIGHT_HPP

#include <finovy/error.hpp>
#include <finovy/impl/internal/pending.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <exception>
#include <list>
#include <memory>
#include <mutex>
#include <tuple>

namespace finovy::detail {

template <class T>
class shared_flight : public std::enable_shared_from_this<shared_flight<T>>
{
public:
    using result = std::tuple<error_code, T>;

    // Joins the running operation, or starts `start()` (an awaitable<result> that must own what it
    // uses) on `ex` when none runs. Completes with the operation's result (an exception it threw is
    // rethrown here), or (client_errc::timeout, T{}) past `deadline`, or (operation_aborted, T{})
    // when the calling coroutine is cancelled. Not a coroutine itself, and `start` is called at
    // once: GCC 12 destroys some closures passed by value to a coroutine twice.
    template <class Start>
    asio::awaitable<result> join(const asio::any_io_executor& ex, std::chrono::steady_clock::time_point deadline,
                                 Start&& start)
    {
        auto w = std::make_shared<waiter>(ex);
        bool run = false;
        {
            std::lock_guard lk(m_);
            w->queued = true;
            w->pos = waiters_.insert(waiters_.end(), w.get());
            run = !running_;
            running_ = true;
        }
        if (run)
        {
            try
            {
                asio::co_spawn(ex, start(), [self = this->shared_from_this()](std::exception_ptr ep, result r) {
                    self->finish(ep, std::move(r));
                });
            }
            catch (...)
            {
                finish(std::current_exception(), result{});
            }
        }
        return wait(std::move(w), deadline);
    }

    bool running() const
    {
        std::lock_guard lk(m_);
        return running_;
    }

private:
    struct outcome
    {
        result value;
        std::exception_ptr thrown;
    };
    using waiter = pending<outcome>;

    void finish(std::exception_ptr ep, result r)
    {
        std::lock_guard lk(m_);
        running_ = false;
        for (auto* w : waiters_)
        {
            w->queued = false;
            w->fulfil({}, outcome{r, ep});
        }
        waiters_.clear();
    }

    asio::awaitable<result> wait(std::shared_ptr<waiter> w, std::chrono::steady_clock::time_point deadline)
    {
        w->timer.expires_at(deadline);
        co_await w->timer.async_wait(asio::as_tuple(asio::use_awaitable));
        asio::cancellation_state cs = co_await asio::this_coro::cancellation_state;
        const bool cancelled = cs.cancelled() != asio::cancellation_type::none;
        {
            std::lock_guard lk(m_);
            if (!w->done)
            {
                if (w->queued)
                    waiters_.erase(w->pos);
                w->queued = false;
                error_code ec = client_errc::timeout;
                if (cancelled)
                    ec = asio::error::operation_aborted;
                co_return result(ec, T{});
            }
        }
        if (w->value.thrown)
            std::rethrow_exception(w->value.thrown);
        co_return std::move(w->value.value);
    }

    mutable std::mutex m_;
    bool running_ = false;
    std::list<waiter*> waiters_;
};

}   // namespace finovy::detail

#endif
