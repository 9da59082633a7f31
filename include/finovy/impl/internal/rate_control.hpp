// SPDX-License-Identifier: BSL-1.0
// The rate governor's arithmetic (rate_limit.hpp), without I/O, locking or waiting: when the next
// request may go, and how the rate follows the server's answers. Templated on the clock so that it
// is unit-tested with a mock one.
#ifndef FINOVY_IMPL_INTERNAL_RATE_CONTROL_HPP
#define FINOVY_IMPL_INTERNAL_RATE_CONTROL_HPP

#include <finovy/rate_limit.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>

namespace finovy::detail {

template <class Clock = std::chrono::steady_clock>
class rate_control
{
public:
    using time_point = typename Clock::time_point;
    using duration = typename Clock::duration;

    static constexpr double beta = 0.7;
    static constexpr double scale = 0.4;           // C
    static constexpr double min_rate = 0.5;
    static constexpr double burst_seconds = 0.1;   // the bucket's size, in seconds of the rate
    // A Retry-After longer than this holds sends for this long only (the parser caps it too).
    static constexpr std::chrono::seconds max_hold{60};

    explicit rate_control(const rate_limit_options& o) : adaptive_(o.adaptive), ceiling_(o.max_requests_per_second)
    {
        if (ceiling_ > 0)
            set_rate(ceiling_, time_point{});
    }

    // True when the bucket paces sends (a ceiling, or a throttled answer seen).
    bool limited() const noexcept { return limited_; }
    // True when sends must ask try_take(): paced, or held by a Retry-After once.
    bool gated() const noexcept { return limited_ || hold_until_ != time_point{}; }
    // The rate in force, requests per second; 0: unlimited.
    double rate() const noexcept { return limited_ ? rate_ : 0.0; }
    // Until when a throttled answer's Retry-After holds every send (in the past: no hold).
    time_point held_until() const noexcept { return hold_until_; }

    // Takes a send slot if one is free at `now`. Otherwise false, and `when` is the earliest time
    // one may be (tokens refill continuously).
    bool try_take(time_point now, time_point& when)
    {
        if (now < hold_until_)   // before the bucket: it holds even an unpaced client
        {
            when = hold_until_;
            return false;
        }
        if (!limited_)
            return true;
        refill(now);
        if (tokens_ >= 1.0)
        {
            tokens_ -= 1.0;
            return true;
        }
        last_refused_ = now;
        auto wait = std::chrono::duration<double>((1.0 - tokens_) / rate_);
        when = now + std::chrono::duration_cast<duration>(wait) + duration(1);
        return false;
    }

    // A request is about to be written: what was sent measures the rate in use until enough
    // answers have come back to measure it.
    void on_send(time_point now)
    {
        if (sends_ == 0 || now - last_send_ >= std::chrono::seconds(1))
            sending_since_ = now;   // after a pause, a new stretch of sending
        last_send_ = now;
        ++sends_;
        slot_at(now).sent++;
    }

    // An answer arrived (any complete answer: success, API error or throttle), for a request sent
    // at `sent`. `throttled`: the retry table says so (HTTP 429, 220025). `retry_after`: the
    // server's Retry-After, zero if none; only a throttled answer's holds the client's sends
    // (another answer's delays the retry of its own call: call_fsm.hpp).
    void on_answer(time_point sent, time_point now, bool throttled, duration retry_after = duration::zero())
    {
        count_answer(now, throttled);
        if (throttled)
            hold(now, retry_after);
        if (!adaptive_)
            return;
        if (throttled)
            decrease(sent, now);
        else
            increase(sent, now);
    }

    std::uint64_t throttled() const noexcept { return throttled_; }
    // How many times the rate went down: a slot granted before the last decrease is stale.
    std::uint64_t decreases() const noexcept { return decreases_; }

private:
    void hold(time_point now, duration retry_after)
    {
        if (retry_after <= duration::zero())
            return;
        const auto until = now + std::min(retry_after, std::chrono::duration_cast<duration>(max_hold));
        hold_until_ = std::max(hold_until_, until);
    }

    void decrease(time_point sent, time_point now)
    {
        if (limited_ && decreased_ && sent < last_decrease_)
            return;   // sent before we slowed down: nothing new
        bool measured = true;
        double in_use = rate_;
        if (probing_)   // the probe found the limit: what it let through in the last second
            in_use = std::max(min_rate, static_cast<double>(last_second(now).accepted));
        else if (!limited_)
            in_use = unpaced_rate(now, measured);
        // W_max is the rate at the start of an episode of pushback; later throttles of the same
        // episode (no success in between) lower the rate further, not the maximum to return to.
        if (probing_ || (!decreased_ || accepted_since_decrease_))
            probed_ = probing_;   // a new episode: does a probe's burst fill the server's window?
        if (probing_)
            w_max_ = in_use;   // the first maximum measured: the estimate before was no maximum
        else if (!decreased_ || accepted_since_decrease_)
        {
            // Fast convergence (RFC 8312, 4.6): a client pushed back below its last maximum
            // releases a little more, so that clients sharing a limit even out sooner.
            w_max_ = decreased_ && in_use < w_max_ ? in_use * (1.0 + beta) / 2.0 : in_use;
        }
        double next = in_use * beta;
        if (decreased_ && !accepted_since_decrease_)
        {
            // A later throttle of the episode: a server that counts requests over the last second
            // throttles however slowly the client goes until what it sent before the decrease ages
            // out. Not below beta^2 times what it let through in that second, a second decrease's
            // worth (the rate collapsed to the floor, and climbed back for seconds; at beta, it
            // kept sending into the full window: more throttled answers).
            // After a probe, the window is full of the probe's burst, not of the rate in force:
            // what the server let through is the measure, and the rate stays at beta of it.
            const double floor = (probed_ ? beta : beta * beta) * static_cast<double>(last_second(now).accepted);
            next = std::max(next, std::min(in_use, floor));
        }
        last_decrease_ = now;
        decreased_ = true;
        accepted_since_decrease_ = false;
        ++decreases_;
        set_rate(next, now);
        // Known from too little (a throttle before answers measured a second): probe upwards as
        // TCP's slow start does until the next throttle tells, instead of crawling along the cubic.
        probing_ = !measured;
        grown_at_ = now;
        // K: when the cubic, starting from the rate just set (not from beta W_max: a second
        // decrease of the episode, fast convergence, the floor or the ceiling set another),
        // climbs back to W_max.
        k_ = std::cbrt(std::max(0.0, w_max_ - rate_) / scale);
    }

    void increase(time_point sent, time_point now)
    {
        if (!decreased_)
            return;   // unthrottled so far (perhaps a fixed ceiling): nothing to learn
        if (sent >= last_decrease_)
            accepted_since_decrease_ = true;   // (an answer to a request sent before is old news)
        if (probing_)
        {
            // Doubles once a round trip: a request sent since the last doubling came back let
            // through. Only while calls wait for the rate (a client that does not use it earns none).
            if (sent >= grown_at_ && now - last_refused_ <= std::chrono::seconds(1))
            {
                grown_at_ = now;
                set_rate(2.0 * rate_, now);
            }
            return;
        }
        const double t = std::chrono::duration<double>(now - last_decrease_).count();
        double cubic = scale * std::pow(t - k_, 3.0) + w_max_;
        // A client that does not use its rate does not earn more: unless calls were kept waiting
        // in the last second, the rate grows no further than twice the answers it received.
        if (now - last_refused_ > std::chrono::seconds(1))
            cubic = std::min(cubic, std::max(2.0 * static_cast<double>(last_second(now).all), min_rate));
        if (cubic > rate_)   // a success never lowers the rate: only a throttle does
            set_rate(cubic, now);
    }

    // The rate in use before any limit: what the server let through in the last second, once
    // answers have come back for a second or most of what was sent came back let through.
    // Before that, too few answers tell (none, at start-up): what was sent, per second of
    // sending (at least a tick, so that a first burst is not read as thousands a second).
    double unpaced_rate(time_point now, bool& measured) const
    {
        const auto last = last_second(now);
        const double accepted = static_cast<double>(last.accepted);
        measured = now - answering_since_ >= std::chrono::seconds(1) ||
                   (last.accepted > 0 && 2 * last.accepted >= last.sent);
        if (measured)
            return std::max(min_rate, accepted);
        const double span = std::clamp(std::chrono::duration<double>(now - sending_since_).count(), 0.1, 1.0);
        return std::max({min_rate, accepted, static_cast<double>(last.sent) / span});
    }

    void refill(time_point now)
    {
        if (now > refilled_)
        {
            tokens_ = std::min(capacity_, tokens_ + std::chrono::duration<double>(now - refilled_).count() * rate_);
            refilled_ = now;
        }
    }

    void set_rate(double r, time_point now)
    {
        if (limited_)
            refill(now);
        r = std::max(r, min_rate);
        if (ceiling_ > 0)
            r = std::min(r, ceiling_);
        if (!limited_)
        {
            tokens_ = 0;   // what was sent already used the server's allowance
            refilled_ = now;
        }
        limited_ = true;
        rate_ = r;
        capacity_ = std::max(1.0, r * burst_seconds);
        tokens_ = std::min(tokens_, capacity_);
    }

    // Sends and answers counted in ten buckets of 100 ms: the last second, cheaply.
    struct slot
    {
        std::int64_t tick = -1;
        std::uint32_t accepted = 0, all = 0, sent = 0;
    };
    static std::int64_t tick_of(time_point t)
    {
        return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() / 100;
    }
    slot& slot_at(time_point now)
    {
        auto tick = tick_of(now);
        auto& s = window_[static_cast<std::size_t>(tick % 10)];
        if (s.tick != tick)
            s = slot{tick, 0, 0, 0};
        return s;
    }
    void count_answer(time_point now, bool throttled)
    {
        if (answers_ == 0 || now - last_answer_ >= std::chrono::seconds(1))
            answering_since_ = now;   // after a pause, the last second's answers measure nothing yet
        last_answer_ = now;
        ++answers_;
        auto& s = slot_at(now);
        ++s.all;
        if (throttled)
            ++throttled_;
        else
            ++s.accepted;
    }
    slot last_second(time_point now) const
    {
        slot n;
        for (const auto& s : window_)
            if (s.tick > tick_of(now) - 10)
            {
                n.accepted += s.accepted;
                n.all += s.all;
                n.sent += s.sent;
            }
        return n;
    }

    bool adaptive_;
    double ceiling_;
    bool limited_ = false;
    double rate_ = 0, capacity_ = 1, tokens_ = 0;
    time_point refilled_{}, hold_until_{};
    bool decreased_ = false;
    bool probing_ = false;     // doubling per round trip after a throttle known from too little
    bool probed_ = false;      // this episode began when a probe found the limit
    time_point grown_at_{};    // when probing last doubled the rate
    bool accepted_since_decrease_ = false;
    double w_max_ = 0, k_ = 0;
    time_point last_refused_{};
    time_point last_decrease_{};
    std::array<slot, 10> window_{};
    std::uint64_t sends_ = 0, answers_ = 0;
    time_point sending_since_{}, last_send_{}, answering_since_{}, last_answer_{};
    std::uint64_t throttled_ = 0;
    std::uint64_t decreases_ = 0;
};

// The retry budget (rate_limit.hpp): AWS's retry quota.
class retry_budget
{
public:
    explicit retry_budget(const retry_budget_options& o) : o_(o), tokens_(o.capacity) {}

    // Pays for a retry; false when the budget cannot.
    bool try_spend(bool after_timeout) noexcept
    {
        if (!o_.enabled)
            return true;
        int cost = after_timeout ? o_.timeout_cost : o_.retry_cost;
        if (tokens_ < cost)
        {
            ++denied_;
            return false;
        }
        tokens_ -= cost;
        return true;
    }

    // A call succeeded; `spent`: what its retries cost.
    void on_success(int spent) noexcept { tokens_ = std::min(o_.capacity, tokens_ + (spent > 0 ? spent : 1)); }

    int cost(bool after_timeout) const noexcept { return after_timeout ? o_.timeout_cost : o_.retry_cost; }
    int tokens() const noexcept { return tokens_; }
    std::uint64_t denied() const noexcept { return denied_; }

private:
    retry_budget_options o_;
    int tokens_;
    std::uint64_t denied_ = 0;
};

}   // namespace finovy::detail

#endif
