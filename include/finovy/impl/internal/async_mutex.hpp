// A FIFO asynchronous mutex usable from any strand: waiting does not block a thread.
// Serializes the id-resolving creates of one client.
#ifndef FINOVY_IMPL_INTERNAL_ASYNC_MUTEX_HPP
#define FINOVY_IMPL_INTERNAL_ASYNC_MUTEX_HPP

#include <finovy/impl/internal/connection.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <list>
#include <memory>
#include <mutex>

namespace finovy::detail {

class async_mutex
{
public:
    // Completes with operation_aborted if cancelled while waiting (then it does not hold the lock).
    asio::awaitable<error_code> lock()
    {
        auto w = std::make_shared<pending<bool>>(co_await asio::this_coro::executor);
        {
            std::lock_guard lk(m_);
            if (!locked_)
            {
                locked_ = true;
                co_return error_code{};
            }
            w->queued = true;
            w->pos = waiters_.insert(waiters_.end(), w.get());
        }
        w->timer.expires_at(asio::steady_timer::time_point::max());
        co_await w->timer.async_wait(asio::as_tuple(asio::use_awaitable));
        bool granted = false;
        {
            std::lock_guard lk(m_);
            if (w->queued)
            {
                waiters_.erase(w->pos);
                w->queued = false;
            }
            granted = w->done;
        }
        auto cs = (co_await asio::this_coro::cancellation_state).cancelled();
        if (granted && cs != asio::cancellation_type::none)
        {
            unlock();   // handed over just as we gave up: pass it on
            co_return asio::error::operation_aborted;
        }
        co_return granted ? error_code{} : error_code(asio::error::operation_aborted);
    }

    void unlock()
    {
        std::lock_guard lk(m_);
        if (waiters_.empty())
        {
            locked_ = false;
            return;
        }
        auto* w = waiters_.front();   // ownership passes directly: no barging
        waiters_.pop_front();
        w->queued = false;
        w->fulfil({}, true);
    }

private:
    std::mutex m_;
    bool locked_ = false;
    std::list<pending<bool>*> waiters_;
};

}   // namespace finovy::detail

#endif
