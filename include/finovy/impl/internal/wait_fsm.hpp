// SPDX-License-Identifier: BSL-1.0
// Waiting for a status, as a state machine without I/O, locks or clocks of its own: the driver
// (wait.ipp for one wait, watch_hub.ipp for many) reads and sleeps as its actions say, and feeds
// it what happened.
//
//   start -> first_delay --timer--> reading --answer--> sleeping --timer--> reading ... -> done
//                                                          (interval, growing by backoff)
//
// - Answers before the first look (first_delay) do not count: the change takes time to show.
// - After the first look, a timer that fires before `until` reads at once, and an answer that
//   comes unasked counts: a watch hub looks at all its hosts each round, whenever each asked.
// - The goal: a status (3, billing, counts as 2, running); a disk's, or its being gone. A reboot
//   must first be seen away from the target, unless it is still there after the first look and
//   two intervals (it went and came back between looks). Some statuses make the goal hopeless.
// - Errors: "not found" is tolerated until not_found_grace from the start (a new host may not be
//   readable at once) and does not count; other errors that may pass (the retry table's) are
//   tolerated up to max_consecutive_errors in a row; any other ends the wait.
// - The deadline is start + timeout, saturated (milliseconds::max() never comes). No sleep goes
//   past it. At the deadline, a wait with final_look reads once more before it times out.
// - Done is said once: events after it are ignored (step none).
#ifndef FINOVY_IMPL_INTERNAL_WAIT_FSM_HPP
#define FINOVY_IMPL_INTERNAL_WAIT_FSM_HPP

#include <finovy/enums.hpp>
#include <finovy/error.hpp>
#include <finovy/impl/internal/deadline.hpp>
#include <finovy/impl/internal/retry.hpp>

#include <boost/asio/error.hpp>

#include <algorithm>
#include <chrono>
#include <limits>
#include <vector>

namespace finovy::detail {

// A host's goal. leave_first: a reboot's (leave the target, then come back).
struct host_target
{
    using status = host_status;
    host_status target = host_status::running;
    std::vector<host_status> fail_on;
    bool leave_first = false;

    bool reached(host_status s) const noexcept { return status_reached(s, target); }
    bool hopeless(host_status s) const noexcept { return status_hopeless(s, target, fail_on); }
    bool reached_when_gone() const noexcept { return false; }
    error_code not_found() const noexcept { return api_errc::host_not_found; }
};

// A disk's goal: a status, or (gone) no longer existing.
struct disk_target
{
    using status = disk_status;
    disk_status target = disk_status::in_use;
    bool gone = false;
    std::vector<disk_status> fail_on;
    bool leave_first = false;

    bool reached(disk_status s) const noexcept { return !gone && s == target; }
    bool hopeless(disk_status s) const noexcept
    {
        if (reached(s))
            return false;
        for (auto f : fail_on)
            if (f == s)
                return true;
        // Being destroyed, a disk reaches no status again.
        return !gone && s == disk_status::destroying;
    }
    bool reached_when_gone() const noexcept { return gone; }
    error_code not_found() const noexcept { return api_errc::disk_not_found; }
};

// How a wait looks, and when it gives up (wait_options, with a hub's interval for its waits).
struct wait_settings
{
    std::chrono::milliseconds first_delay{0};
    std::chrono::milliseconds interval{0};
    std::chrono::milliseconds max_interval{0};
    double backoff = 1.0;
    double jitter = 0.0;
    std::chrono::milliseconds timeout = std::chrono::milliseconds::max();
    std::chrono::milliseconds not_found_grace{0};
    int max_consecutive_errors = 0;
    bool final_look = true;   // one wait reads once more at its deadline; a hub's ends there
};

enum class wait_step
{
    read,    // read the object, then on_status() or on_error()
    sleep,   // until `until`, then on_timer()
    done,    // the wait ends with `ec`, for `why`
    none,    // the event changed nothing: go on waiting as before
};

enum class wait_end
{
    reached,    // success
    hopeless,   // a status from which the goal cannot be reached
    failed,     // a read error that does not pass
    timed_out,
    cancelled,
    stopped,    // the driver ended it (on_observe threw, the hub's loop failed)
};

// A duration times a factor, clamped instead of overflowing (interval = milliseconds::max()).
inline std::chrono::milliseconds scaled(std::chrono::milliseconds d, double f) noexcept
{
    const double v = static_cast<double>(d.count()) * f;
    if (!(v < static_cast<double>(std::numeric_limits<std::chrono::milliseconds::rep>::max())))
        return std::chrono::milliseconds::max();
    return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(std::max(v, 0.0)));
}

// Errors a wait outlives (up to max_consecutive_errors): the client's one retry table says which.
inline bool transient_wait_error(const error_code& ec, unsigned http_status = 0) noexcept
{
    return transient(classify(ec, http_status));
}

template <class Clock = std::chrono::steady_clock, class Target = host_target>
class wait_fsm
{
public:
    using time_point = typename Clock::time_point;
    using status = typename Target::status;

    struct action
    {
        wait_step step = wait_step::none;
        time_point until{};
        error_code ec;
        wait_end why = wait_end::reached;
    };

    wait_fsm(Target t, const wait_settings& s) : t_(std::move(t)), s_(s), interval_(s.interval) {}

    action start(time_point now)
    {
        if (state_ != state::idle)
            return {};
        deadline_ = saturating_deadline(now, s_.timeout);
        first_look_ = saturating_deadline(now, s_.first_delay);
        leave_by_ = saturating_deadline(now, s_.first_delay, s_.interval, s_.interval);
        grace_end_ = saturating_deadline(now, s_.not_found_grace);
        state_ = state::first_delay;
        until_ = std::min(first_look_, deadline_);
        return {wait_step::sleep, until_};
    }

    action on_timer(time_point now)
    {
        if (state_ == state::idle || state_ == state::done)
            return {};
        if (now >= deadline_)
        {
            if (!s_.final_look || final_taken_ || state_ == state::reading)
                return end(wait_end::timed_out, client_errc::timeout);
            final_taken_ = true;
            return read();
        }
        if (state_ == state::first_delay && now < first_look_)
            return {wait_step::sleep, until_};   // too early: the change takes time to show
        return read();              // a driver that lost its answer asks again
    }

    // A read answered with the object's status; `draw` in [0, 1) draws the jitter.
    action on_status(status seen, time_point now, double draw = 0.5)
    {
        if (!counts(now))
            return {};
        ++looks_;
        seen_ = true;
        last_ = seen;
        errors_ = 0;
        switch (judge(seen, now))
        {
        case verdict::reached: return end(wait_end::reached, {});
        case verdict::hopeless: return end(wait_end::hopeless, client_errc::unexpected_status);
        case verdict::pending: break;
        }
        return next(now, draw);
    }

    // A read failed with `ec` (and the answer's HTTP status, if there was one).
    action on_error(const error_code& ec, unsigned http_status, time_point now, double draw = 0.5)
    {
        if (!counts(now))
            return {};
        ++looks_;
        if (ec == t_.not_found())
        {
            if (t_.reached_when_gone())
                return end(wait_end::reached, {});
            if (now < grace_end_)
                return next(now, draw);   // a new host may not be readable at once
            return end(wait_end::failed, ec);
        }
        if (!transient_wait_error(ec, http_status) || ++errors_ > s_.max_consecutive_errors)
            return end(wait_end::failed, ec);
        return next(now, draw);
    }

    action on_cancelled() { return end(wait_end::cancelled, boost::asio::error::operation_aborted); }

    action on_stopped(error_code ec) { return end(wait_end::stopped, ec); }

    // Whether an answer at `now` would count (the driver calls on_observe only for those).
    bool counts(time_point now) const noexcept
    {
        if (state_ == state::idle || state_ == state::done)
            return false;
        return state_ != state::first_delay || now >= first_look_;
    }

    bool done() const noexcept { return state_ == state::done; }
    bool reading() const noexcept { return state_ == state::reading; }
    bool looked() const noexcept { return state_ == state::reading || state_ == state::sleeping; }
    time_point until() const noexcept { return until_; }
    time_point deadline() const noexcept { return deadline_; }
    int looks() const noexcept { return looks_; }
    int reads() const noexcept { return reads_; }
    bool seen() const noexcept { return seen_; }
    status last() const noexcept { return last_; }
    const Target& target() const noexcept { return t_; }
    const wait_settings& settings() const noexcept { return s_; }

private:
    enum class state
    {
        idle,
        first_delay,
        reading,
        sleeping,
        done,
    };
    enum class verdict
    {
        pending,
        reached,
        hopeless,
    };

    verdict judge(status seen, time_point now)
    {
        if (t_.leave_first && !left_)
        {
            if (!t_.reached(seen))
            {
                left_ = true;
                return t_.hopeless(seen) ? verdict::hopeless : verdict::pending;
            }
            // Still at the target: it may have gone and come back between looks.
            return now >= leave_by_ ? verdict::reached : verdict::pending;
        }
        if (t_.reached(seen))
            return verdict::reached;
        return t_.hopeless(seen) ? verdict::hopeless : verdict::pending;
    }

    // After an answer that does not end the wait: the next look, never past the deadline.
    action next(time_point now, double draw)
    {
        if (now >= deadline_)
            return end(wait_end::timed_out, client_errc::timeout);
        const double j = std::clamp(s_.jitter, 0.0, 1.0);
        const auto delay = j > 0 ? scaled(interval_, 1.0 - j + 2.0 * j * std::clamp(draw, 0.0, 1.0)) : interval_;
        const auto grown = scaled(interval_, std::max(1.0, s_.backoff));
        interval_ = std::min(std::max(grown, interval_), std::max(s_.max_interval, s_.interval));
        return sleep(std::min(saturating_deadline(now, delay), deadline_));
    }

    action sleep(time_point until)
    {
        until_ = until;
        state_ = state::sleeping;
        return {wait_step::sleep, until_};
    }

    action read()
    {
        state_ = state::reading;
        ++reads_;
        return {wait_step::read};
    }

    action end(wait_end why, error_code ec)
    {
        if (state_ == state::done)
            return {};
        state_ = state::done;
        return {wait_step::done, {}, ec, why};
    }

    Target t_;
    wait_settings s_;
    state state_ = state::idle;
    std::chrono::milliseconds interval_;
    time_point deadline_{}, first_look_{}, leave_by_{}, grace_end_{}, until_{};
    int looks_ = 0;
    int reads_ = 0;
    int errors_ = 0;
    bool seen_ = false;
    bool left_ = false;
    bool final_taken_ = false;
    status last_{};
};

}   // namespace finovy::detail

#endif
