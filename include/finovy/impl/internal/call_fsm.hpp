// SPDX-License-Identifier: BSL-1.0
// One call of the client as a state machine without I/O, locks or clocks of its own: the driver
// (client_impl.ipp) waits, sends and sleeps as its actions say, and feeds it what happened.
//
//   start -> slot -> connection -> token -> attempt -> done
//                       ^   |         |                |
//                       |   +- stale slot: slot        +- renew the token: slot
//                       +------ fetch token <----------+- throttled: (sleep, when nothing paces) slot
//                                                      +- retry: sleep (backoff, Retry-After) -> slot
//
// - The send slot of the rate governor comes first, then a connection, then the token: read when
//   the request is about to be written, never before a call waits in a queue (a token read then
//   could expire while it waits). Without one, the connection goes back while it is fetched.
// - A slot granted before the governor last slowed down is not used (the calls that waited for a
//   connection meanwhile must not all go at once): the call asks for another.
// - What an attempt's outcome means is the one retry table's (retry.hpp). Throttled answers are
//   resent until the deadline and count neither as attempts nor against the budget; other retries
//   count, back off with full jitter (never sooner than the answer's Retry-After) and are paid for
//   from the client's retry budget (call_policy); a kept-alive connection found dead is retried once
//   at once for free. A change that may have reached the server is never resent.
// - attempts() counts the requests that went out: a call that never got a slot sent none.
#ifndef FINOVY_IMPL_INTERNAL_CALL_FSM_HPP
#define FINOVY_IMPL_INTERNAL_CALL_FSM_HPP

#include <finovy/client_options.hpp>
#include <finovy/impl/internal/deadline.hpp>
#include <finovy/impl/internal/retry.hpp>

#include <algorithm>
#include <chrono>

namespace finovy::detail {

enum class call_step
{
    take_slot,         // a send slot of the rate governor
    take_connection,   // a connection of the pool
    read_token,        // the client's token, if it has a fresh one
    fetch_token,       // give the connection back and wait for a token
    attempt,           // write the request, read the answer
    sleep,             // until `until`, then on_slept()
    done,              // the call ends with `ec`, for `why`
};

// Why a call ended: the driver says it in words.
enum class call_end
{
    answered,             // success, or an error reported as it came
    outcome_unknown,      // a change that may have reached the server: not resent
    budget_denied,        // the retry budget could not pay for a retry
    no_time,              // a retry would come after the deadline
    cancelled,            // cancelled while waiting, before anything went out
    cancelled_after_send, // cancelled once the request may have reached the server
    wait_failed,          // waiting for a slot, a connection or a token failed (ec says how)
};

// What a call asks of the client: its retry budget and its rate governor.
class call_policy
{
public:
    // The governor paces sends: a throttled call needs no backoff, only a slot.
    virtual bool paced() const = 0;
    // Pays for a retry; the tokens it cost, or -1 when the budget cannot pay.
    virtual int spend_retry(bool after_timeout) = 0;

protected:
    ~call_policy() = default;
};

// What the call needs to know of an attempt.
struct attempt_summary
{
    error_code ec;
    bool delivered = false;                    // the whole request was written
    unsigned http_status = 0;                  // 0: no complete answer
    int api_code = 0;
    std::chrono::milliseconds retry_after{0};  // the answer's Retry-After
    bool reused = false;                       // on a kept-alive connection
    bool unchecked = false;                    // ... used without asking the socket first
};

template <class Clock = std::chrono::steady_clock>
class call_fsm
{
public:
    using time_point = typename Clock::time_point;

    struct settings
    {
        int max_attempts = 4;
        bool resend_safe = true;    // a read (or a change the caller says is idempotent)
        bool can_renew = true;      // the token can be fetched again (not a static one)
        retry_policy retry{};
        time_point deadline = time_point::max();
    };

    struct action
    {
        call_step step = call_step::done;
        time_point until{};
        error_code ec;
        call_end why = call_end::answered;
    };

    explicit call_fsm(const settings& s) : s_(s) {}

    action start() { return {call_step::take_slot}; }

    // The slot (ec empty), or why there is none.
    action on_slot(error_code ec) { return ec ? fail(ec) : action{call_step::take_connection}; }

    // The connection (ec empty), or why there is none; `stale`: the slot was granted before the
    // governor last slowed down.
    action on_connection(error_code ec, bool stale = false)
    {
        if (ec)
            return fail(ec);
        return stale ? action{call_step::take_slot} : action{call_step::read_token};
    }

    // The client had a fresh token (or the request needs none), or must fetch one.
    action on_token(bool have) { return have ? action{call_step::attempt} : action{call_step::fetch_token}; }

    action on_token_fetched(error_code ec) { return ec ? fail(ec) : action{call_step::take_connection}; }

    // An attempt's outcome: `policy` is consulted for retries; `jitter` in [0, 1) draws the backoff.
    action on_attempt(const attempt_summary& a, call_policy& policy, time_point now, double jitter)
    {
        ++attempts_;
        const auto kind = classify(attempt_outcome{a.ec, a.delivered, a.http_status, a.api_code});
        last_ = a.ec;
        switch (decide(kind, s_.resend_safe, s_.can_renew && !renewed_))
        {
        case retry_decision::done: return {call_step::done, {}, a.ec, call_end::answered};
        case retry_decision::outcome_unknown:
            return {call_step::done, {}, client_errc::outcome_unknown, call_end::outcome_unknown};
        case retry_decision::renew_token: renewed_ = true; return {call_step::take_slot};
        case retry_decision::retry_throttled:
            ++throttled_;
            if (policy.paced())
                return now < s_.deadline ? action{call_step::take_slot} : ended(call_end::no_time);
            // Nothing paces: back off, never sooner than Retry-After.
            return later(now, backoff_of(std::min(throttled_, 8), jitter, a.retry_after));
        case retry_decision::retry: return retry(a, policy, now, jitter);
        }
        return {call_step::done, {}, a.ec, call_end::answered};
    }

    action on_slept() { return {call_step::take_slot}; }

    // Cancelled while waiting (`sent`: an attempt of a change may have reached the server).
    action on_cancelled(bool sent)
    {
        return {call_step::done, {}, boost::asio::error::operation_aborted,
                sent && !s_.resend_safe ? call_end::cancelled_after_send : call_end::cancelled};
    }

    int attempts() const noexcept { return attempts_; }
    int throttled() const noexcept { return throttled_; }
    int budget_spent() const noexcept { return budget_spent_; }
    bool renewed() const noexcept { return renewed_; }
    const error_code& last_error() const noexcept { return last_; }

private:
    action fail(error_code ec) { return {call_step::done, {}, ec, call_end::wait_failed}; }
    action ended(call_end why) { return {call_step::done, {}, last_, why}; }

    action later(time_point now, std::chrono::milliseconds wait)
    {
        auto at = saturating_deadline(now, wait);
        if (at >= s_.deadline)
            return ended(call_end::no_time);
        return {call_step::sleep, at};
    }

    action retry(const attempt_summary& a, call_policy& policy, time_point now, double jitter)
    {
        // A kept-alive connection the server had closed: go again at once on a new one. Used
        // without asking the socket (a hot one), that once is free.
        const bool dead_keepalive = a.reused && a.http_status == 0 && a.ec.category() != client_category();
        if (dead_keepalive && a.unchecked && !free_retry_used_)
        {
            free_retry_used_ = true;
            return now < s_.deadline ? action{call_step::take_slot} : ended(call_end::no_time);
        }
        if (counted_ >= std::max(1, s_.max_attempts))
            return ended(call_end::answered);
        const auto wait = dead_keepalive ? a.retry_after : backoff_of(counted_, jitter, a.retry_after);
        if (saturating_deadline(now, wait) >= s_.deadline)
            return ended(call_end::no_time);
        const int cost = policy.spend_retry(a.ec == client_errc::timeout);
        if (cost < 0)
            return ended(call_end::budget_denied);
        budget_spent_ += cost;
        ++counted_;
        return wait.count() > 0 ? action{call_step::sleep, saturating_deadline(now, wait)} : action{call_step::take_slot};
    }

    std::chrono::milliseconds backoff_of(int n, double jitter, std::chrono::milliseconds floor) const
    {
        return backoff(s_.retry, n, jitter, floor);
    }

    settings s_;
    int attempts_ = 0;
    int counted_ = 1;        // attempts that count against max_attempts (the first does)
    int throttled_ = 0;
    int budget_spent_ = 0;
    bool renewed_ = false;
    bool free_retry_used_ = false;
    error_code last_;
};

}   // namespace finovy::detail

#endif
