// SPDX-License-Identifier: BSL-1.0
// The connection pool's bookkeeping, without I/O or locking: which connection a caller gets,
// who waits, who is served when a connection comes back, which idle connections expired.
// Templated on the connection, the waiter and the clock so that it is unit-tested with fakes.
#ifndef FINOVY_IMPL_INTERNAL_POOL_STATE_HPP
#define FINOVY_IMPL_INTERNAL_POOL_STATE_HPP

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <utility>
#include <vector>

namespace finovy::detail {

// Waiter requirements: members `bool queued` and `typename std::list<Waiter*>::iterator pos`.
// Waiters are owned by the operations that wait; the pool only links them.
template <class Conn, class Waiter, class Clock = std::chrono::steady_clock>
class pool_state
{
public:
    using conn_ptr = std::unique_ptr<Conn>;
    using duration = typename Clock::duration;
    using time_point = typename Clock::time_point;

    pool_state(std::size_t max_size, duration idle_timeout)
        : max_(max_size == 0 ? 1 : max_size), idle_timeout_(idle_timeout)
    {
    }

    // What a caller gets: a kept-alive connection, or the right to create one (conn empty).
    struct grant
    {
        conn_ptr conn;
        bool create = false;
    };

    enum class acquire_result
    {
        granted,
        must_wait,   // `w` was queued; release() will hand it a grant
        closed,
    };

    // Idle connections past idle_timeout are moved to `expired` (to be closed by the caller,
    // outside any lock) and their slots reused. Without a waiter (null), must_wait queues nothing:
    // the caller may make one and try again.
    acquire_result acquire(Waiter* w, grant& out, std::vector<conn_ptr>& expired)
    {
        if (closed_)
            return acquire_result::closed;
        auto now = Clock::now();
        while (!idle_.empty())
        {
            auto entry = std::move(idle_.back());
            idle_.pop_back();
            if (now - entry.since >= idle_timeout_)
            {
                expired.push_back(std::move(entry.conn));
                --total_;
                continue;
            }
            out.conn = std::move(entry.conn);   // most recently used first: the rest may expire
            out.create = false;
            drop_expired(now, expired);
            return acquire_result::granted;
        }
        if (total_ < max_)
        {
            ++total_;
            out.create = true;
            return acquire_result::granted;
        }
        if (w)
        {
            w->queued = true;
            w->pos = waiters_.insert(waiters_.end(), w);
        }
        return acquire_result::must_wait;
    }

    // Gives back a connection, or its slot when it cannot be reused (`c` may then be null).
    // Returns the waiter to serve, with `out` set, or nullptr when nobody waits.
    Waiter* release(conn_ptr c, bool reusable, grant& out, std::vector<conn_ptr>& discard)
    {
        if (!reusable || closed_)
        {
            if (c)
                discard.push_back(std::move(c));
            c.reset();
        }
        if (closed_)
        {
            --total_;
            return nullptr;
        }
        if (!waiters_.empty())
        {
            Waiter* w = waiters_.front();
            waiters_.pop_front();
            w->queued = false;
            out.create = !c;   // a lost connection's slot goes to the waiter, who connects anew
            out.conn = std::move(c);
            return w;
        }
        if (c)
            idle_.push_back({std::move(c), Clock::now()});
        else
            --total_;
        return nullptr;
    }

    // A waiter gives up (timeout, cancellation). False if it was served meanwhile: it must
    // then release what it was given.
    bool withdraw(Waiter& w)
    {
        if (!w.queued)
            return false;
        waiters_.erase(w.pos);
        w.queued = false;
        return true;
    }

    // Stops the pool: idle connections go to `discard`, waiters to `waiters` (to be failed).
    void close(std::vector<conn_ptr>& discard, std::vector<Waiter*>& waiters)
    {
        closed_ = true;
        for (auto& e : idle_)
            discard.push_back(std::move(e.conn));
        total_ -= idle_.size();
        idle_.clear();
        for (auto* w : waiters_)
        {
            w->queued = false;
            waiters.push_back(w);
        }
        waiters_.clear();
    }

    // Closes idle connections past their time (called now and then, not only on acquire).
    void drop_expired(time_point now, std::vector<conn_ptr>& expired)
    {
        // idle_ is ordered by the time each was given back: the oldest come first.
        std::size_t n = 0;
        while (n < idle_.size() && now - idle_[n].since >= idle_timeout_)
            ++n;
        for (std::size_t k = 0; k < n; ++k)
            expired.push_back(std::move(idle_[k].conn));
        idle_.erase(idle_.begin(), idle_.begin() + static_cast<std::ptrdiff_t>(n));
        total_ -= n;
    }

    bool closed() const noexcept { return closed_; }
    std::size_t size() const noexcept { return total_; }
    std::size_t idle() const noexcept { return idle_.size(); }
    std::size_t busy() const noexcept { return total_ - idle_.size(); }
    std::size_t waiting() const noexcept { return waiters_.size(); }
    std::size_t max_size() const noexcept { return max_; }

private:
    struct idle_entry
    {
        conn_ptr conn;
        time_point since;
    };

    std::size_t max_;
    duration idle_timeout_;
    std::size_t total_ = 0;            // idle + busy, slots being connected included
    std::vector<idle_entry> idle_;     // back: most recently given back
    std::list<Waiter*> waiters_;       // FIFO
    bool closed_ = false;
};

}   // namespace finovy::detail

#endif
