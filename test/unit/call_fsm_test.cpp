// SPDX-License-Identifier: BSL-1.0
// One call's decisions (call_fsm.hpp) without sockets or clocks: every step, then seeded random
// sequences of outcomes checked against the rules the call must keep whatever happens.
#include "mock_clock.hpp"

#include <finovy/impl/internal/call_fsm.hpp>

#include <boost/test/unit_test.hpp>

#include <random>

using namespace finovy;
using namespace finovy::detail;
using namespace std::chrono_literals;

namespace {

using mock_clock = finovy::test::basic_mock_clock<struct call_fsm_tests>;

using fsm_t = call_fsm<mock_clock>;
using tp = mock_clock::time_point;

const tp t0{std::chrono::hours(1)};

struct test_policy final : call_policy
{
    bool pace = false;
    int budget = 1000;   // tokens left
    int cost = 5, timeout_cost = 10;
    int asked = 0;
    bool paced() const override { return pace; }
    int spend_retry(bool after_timeout) override
    {
        ++asked;
        const int c = after_timeout ? timeout_cost : cost;
        if (budget < c)
            return -1;
        budget -= c;
        return c;
    }
};

fsm_t::settings make_settings(bool resend_safe, int max_attempts = 4)
{
    fsm_t::settings s;
    s.resend_safe = resend_safe;
    s.max_attempts = max_attempts;
    s.retry.initial_backoff = 100ms;
    s.retry.max_backoff = 2s;
    s.retry.multiplier = 2;
    s.deadline = t0 + 30s;
    return s;
}

attempt_summary ok() { return {}; }
attempt_summary api(int code, bool delivered = true) { return {error_code(code, api_category()), delivered, 200, code}; }
attempt_summary http(unsigned status) { return {client_errc::http_status, true, status, 0}; }
attempt_summary reset(bool delivered, bool reused = false, bool unchecked = false)
{
    return {boost::asio::error::connection_reset, delivered, 0, 0, 0ms, reused, unchecked};
}

// Drives a fresh call up to its first attempt.
void to_attempt(fsm_t& f)
{
    BOOST_TEST((f.start().step == call_step::take_slot));
    BOOST_TEST((f.on_slot({}).step == call_step::take_connection));
    BOOST_TEST((f.on_connection({}).step == call_step::read_token));
    BOOST_TEST((f.on_token(true).step == call_step::attempt));
}

}   // namespace

BOOST_AUTO_TEST_SUITE(call_decisions)

BOOST_AUTO_TEST_CASE(slot_then_connection_then_token_then_one_attempt)
{
    fsm_t f(make_settings(true));
    test_policy p;
    to_attempt(f);
    BOOST_TEST(f.attempts() == 0);   // nothing went out yet
    auto a = f.on_attempt(ok(), p, t0, 0.5);
    BOOST_TEST((a.step == call_step::done));
    BOOST_TEST(!a.ec);
    BOOST_TEST((a.why == call_end::answered));
    BOOST_TEST(f.attempts() == 1);
    BOOST_TEST(p.asked == 0);
}

BOOST_AUTO_TEST_CASE(a_missing_token_is_fetched_without_the_connection_then_the_connection_again)
{
    fsm_t f(make_settings(true));
    f.start();
    f.on_slot({});
    f.on_connection({});
    BOOST_TEST((f.on_token(false).step == call_step::fetch_token));
    BOOST_TEST((f.on_token_fetched({}).step == call_step::take_connection));
    auto a = f.on_token_fetched(client_errc::no_credentials);
    BOOST_TEST((a.step == call_step::done));
    BOOST_TEST((a.why == call_end::wait_failed));
    BOOST_TEST((a.ec == client_errc::no_credentials));
    BOOST_TEST(f.attempts() == 0);
}

BOOST_AUTO_TEST_CASE(a_slot_granted_before_the_governor_slowed_down_is_not_used)
{
    fsm_t f(make_settings(true));
    f.start();
    f.on_slot({});
    BOOST_TEST((f.on_connection({}, true).step == call_step::take_slot));
}

BOOST_AUTO_TEST_CASE(waiting_that_fails_ends_the_call_with_nothing_sent)
{
    for (int which = 0; which < 2; ++which)
    {
        fsm_t f(make_settings(false));
        f.start();
        auto a = which == 0 ? f.on_slot(client_errc::timeout) : (f.on_slot({}), f.on_connection(client_errc::shut_down));
        BOOST_TEST((a.step == call_step::done));
        BOOST_TEST((a.why == call_end::wait_failed));
        BOOST_TEST(f.attempts() == 0);
    }
}

BOOST_AUTO_TEST_CASE(unauthorized_renews_the_token_once)
{
    fsm_t f(make_settings(false));
    test_policy p;
    to_attempt(f);
    auto a = f.on_attempt(api(401), p, t0, 0.5);
    BOOST_TEST((a.step == call_step::take_slot));
    BOOST_TEST(f.renewed());
    to_attempt(f);
    a = f.on_attempt(api(401), p, t0, 0.5);
    BOOST_TEST((a.step == call_step::done));
    BOOST_TEST(a.ec.value() == 401);
    BOOST_TEST(f.attempts() == 2);
    BOOST_TEST(p.asked == 0);
}

BOOST_AUTO_TEST_CASE(a_static_token_is_not_renewed)
{
    auto s = make_settings(true);
    s.can_renew = false;
    fsm_t f(s);
    test_policy p;
    to_attempt(f);
    BOOST_TEST((f.on_attempt(http(401), p, t0, 0.5).step == call_step::done));
}

BOOST_AUTO_TEST_CASE(throttled_answers_are_resent_when_paced_and_cost_nothing)
{
    fsm_t f(make_settings(false, 2));
    test_policy p;
    p.pace = true;
    to_attempt(f);
    for (int i = 0; i < 10; ++i)
    {
        auto a = f.on_attempt(api(220025, true), p, t0 + std::chrono::seconds(i), 0.5);
        BOOST_TEST((a.step == call_step::take_slot));   // the governor paces: no sleep of its own
        to_attempt(f);
    }
    BOOST_TEST(f.throttled() == 10);
    BOOST_TEST(p.asked == 0);
    // More than max_attempts throttled answers, then an answer.
    BOOST_TEST(!f.on_attempt(ok(), p, t0 + 10s, 0.5).ec);
    BOOST_TEST(f.attempts() == 11);
}

BOOST_AUTO_TEST_CASE(throttled_answers_end_at_the_deadline)
{
    fsm_t f(make_settings(true));
    test_policy p;
    p.pace = true;
    to_attempt(f);
    auto a = f.on_attempt(http(429), p, t0 + 30s, 0.5);
    BOOST_TEST((a.step == call_step::done));
    BOOST_TEST((a.why == call_end::no_time));
    BOOST_TEST((a.ec == client_errc::http_status));
}

BOOST_AUTO_TEST_CASE(throttled_unpaced_backs_off_no_sooner_than_retry_after)
{
    fsm_t f(make_settings(true));
    test_policy p;
    to_attempt(f);
    auto t = api(220025);
    t.retry_after = 3s;
    auto a = f.on_attempt(t, p, t0, 0.0);
    BOOST_TEST((a.step == call_step::sleep));
    BOOST_TEST((a.until == t0 + 3s));
    BOOST_TEST((f.on_slept().step == call_step::take_slot));
}

// Issue 18, point 3: an answer not throttled (a 503) with Retry-After delays that call's retry,
// max(backoff, Retry-After), paced or not: the governor holds no other call for it.
BOOST_AUTO_TEST_CASE(a_503_retry_after_delays_only_its_own_retry)
{
    for (bool paced : {false, true})
    {
        fsm_t f(make_settings(true));
        test_policy p;
        p.pace = paced;
        to_attempt(f);
        auto busy = http(503);
        busy.retry_after = 20s;
        auto a = f.on_attempt(busy, p, t0, 0.5);
        BOOST_TEST((a.step == call_step::sleep));
        BOOST_TEST((a.until == t0 + 20s));
        busy.retry_after = 40s;   // after the deadline (30 s): ends now, no wait
        fsm_t g(make_settings(true));
        to_attempt(g);
        BOOST_TEST((g.on_attempt(busy, p, t0, 0.5).why == call_end::no_time));
    }
}

BOOST_AUTO_TEST_CASE(a_change_that_may_have_reached_the_server_is_never_resent)
{
    for (auto out : {api(1005), api(500), http(502), reset(true)})
    {
        fsm_t f(make_settings(false));
        test_policy p;
        to_attempt(f);
        auto a = f.on_attempt(out, p, t0, 0.5);
        BOOST_TEST((a.step == call_step::done));
        BOOST_TEST((a.why == call_end::outcome_unknown));
        BOOST_TEST((a.ec == client_errc::outcome_unknown));
        BOOST_TEST(p.asked == 0);
    }
}

BOOST_AUTO_TEST_CASE(a_change_not_delivered_or_refused_is_resent_with_backoff)
{
    for (auto out : {reset(false), api(6005), api(7003)})
    {
        fsm_t f(make_settings(false));
        test_policy p;
        to_attempt(f);
        auto a = f.on_attempt(out, p, t0, 1.0);
        BOOST_TEST((a.step == call_step::sleep));
        BOOST_TEST((a.until == t0 + 100ms));   // full jitter of initial_backoff, at its top
        BOOST_TEST(p.asked == 1);
        BOOST_TEST(f.budget_spent() == 5);
    }
}

BOOST_AUTO_TEST_CASE(backoff_grows_and_stops_at_max_attempts)
{
    fsm_t f(make_settings(true, 4));
    test_policy p;
    to_attempt(f);
    std::vector<tp> until;
    for (;;)
    {
        auto a = f.on_attempt(http(503), p, t0, 1.0);
        if (a.step == call_step::done)
        {
            BOOST_TEST((a.why == call_end::answered));
            BOOST_TEST((a.ec == client_errc::http_status));
            break;
        }
        BOOST_TEST((a.step == call_step::sleep));
        until.push_back(a.until);
        f.on_slept();
        to_attempt(f);
    }
    BOOST_TEST(f.attempts() == 4);
    BOOST_TEST(until.size() == 3u);
    BOOST_TEST((until == std::vector<tp>{t0 + 100ms, t0 + 200ms, t0 + 400ms}));
}

BOOST_AUTO_TEST_CASE(a_timeout_costs_more_of_the_budget_and_a_spent_budget_ends_the_call)
{
    fsm_t f(make_settings(true));
    test_policy p;
    p.budget = 12;
    to_attempt(f);
    auto a = f.on_attempt({client_errc::timeout, true}, p, t0, 0.5);
    BOOST_TEST((a.step == call_step::sleep));
    BOOST_TEST(f.budget_spent() == 10);
    f.on_slept();
    to_attempt(f);
    a = f.on_attempt(http(503), p, t0, 0.5);
    BOOST_TEST((a.step == call_step::done));
    BOOST_TEST((a.why == call_end::budget_denied));
    BOOST_TEST((a.ec == client_errc::http_status));   // the last error, not a made-up one
}

BOOST_AUTO_TEST_CASE(a_retry_past_the_deadline_is_not_paid_for)
{
    fsm_t f(make_settings(true));
    test_policy p;
    to_attempt(f);
    auto a = f.on_attempt(http(503), p, t0 + 30s - 50ms, 1.0);
    BOOST_TEST((a.why == call_end::no_time));
    BOOST_TEST(p.asked == 0);
}

BOOST_AUTO_TEST_CASE(a_hot_connection_found_dead_is_retried_once_for_free)
{
    fsm_t f(make_settings(true, 1));
    test_policy p;
    to_attempt(f);
    auto a = f.on_attempt(reset(false, true, true), p, t0, 0.5);
    BOOST_TEST((a.step == call_step::take_slot));
    BOOST_TEST(p.asked == 0);
    to_attempt(f);
    a = f.on_attempt(reset(false, true, true), p, t0, 0.5);
    BOOST_TEST((a.step == call_step::done));   // max_attempts 1: the free one was the only one
    BOOST_TEST(f.attempts() == 2);
}

BOOST_AUTO_TEST_CASE(cancellation_says_whether_a_change_may_have_been_sent)
{
    fsm_t change(make_settings(false)), read(make_settings(true));
    BOOST_TEST((change.on_cancelled(true).why == call_end::cancelled_after_send));
    BOOST_TEST((change.on_cancelled(false).why == call_end::cancelled));
    BOOST_TEST((read.on_cancelled(true).why == call_end::cancelled));
    BOOST_TEST((read.on_cancelled(true).ec == boost::asio::error::operation_aborted));
}

BOOST_AUTO_TEST_CASE(a_huge_backoff_does_not_overflow)
{
    auto s = make_settings(true, 100);
    s.retry.initial_backoff = std::chrono::milliseconds::max();
    s.retry.max_backoff = std::chrono::milliseconds::max();
    s.retry.multiplier = 1e300;
    s.deadline = tp::max();
    fsm_t f(s);
    test_policy p;
    to_attempt(f);
    auto a = f.on_attempt(http(503), p, t0, 1.0);
    BOOST_TEST((a.step == call_step::sleep));
    BOOST_TEST((a.until > t0));
}

// Random outcomes, random budgets, random pacing, time moving on: whatever happens, a call
// - ends, and attempts() counts the attempts it made;
// - never resends a change after an outcome that may have reached the server;
// - never sleeps past its deadline nor before now, nor sooner than a retry's Retry-After;
// - makes at most max_attempts counted attempts (+1 free, +1 after a renewal; throttled ones aside);
// - spends exactly what the policy charged for the retries it made;
// - renews the token at most once.
BOOST_AUTO_TEST_CASE(random_sequences_keep_the_rules)
{
    const attempt_summary outcomes[] = {
        ok(),           api(220025),    http(429),         api(6005),          api(1005),
        api(500),       http(503),      http(401),         api(401),           api(1001),
        reset(false),   reset(true),    reset(false, true, true), reset(true, true, true),
        {client_errc::timeout, true},   {client_errc::timeout, false}, http(404),
    };
    std::mt19937 rng(20261207);
    int ended[8] = {};
    for (int run = 0; run < 20000; ++run)
    {
        const bool resend_safe = rng() % 2;
        const int max_attempts = 1 + static_cast<int>(rng() % 5);
        auto s = make_settings(resend_safe, max_attempts);
        s.can_renew = rng() % 4 != 0;
        s.deadline = t0 + std::chrono::milliseconds(rng() % 20000);
        fsm_t f(s);
        test_policy p;
        p.pace = rng() % 2;
        p.budget = static_cast<int>(rng() % 60);
        const int budget0 = p.budget;
        tp now = t0;
        int made = 0, counted = 0, renewals = 0, free_retries = 0;
        bool finished = false;
        auto a = f.start();
        for (int step = 0; step < 10000 && !finished; ++step)
        {
            switch (a.step)
            {
            case call_step::take_slot: a = f.on_slot(rng() % 50 ? error_code{} : client_errc::timeout); break;
            case call_step::take_connection:
                a = f.on_connection(rng() % 50 ? error_code{} : client_errc::shut_down, rng() % 10 == 0);
                break;
            case call_step::read_token: a = f.on_token(rng() % 3 != 0); break;
            case call_step::fetch_token: a = f.on_token_fetched({}); break;
            case call_step::sleep:
                BOOST_REQUIRE((a.until >= now));
                BOOST_REQUIRE((a.until < s.deadline));
                now = a.until;
                a = rng() % 100 ? f.on_slept() : f.on_cancelled(made > 0);
                break;
            case call_step::attempt:
            {
                auto o = outcomes[rng() % std::size(outcomes)];
                o.retry_after = std::chrono::milliseconds(rng() % 3 == 0 ? rng() % 4000 : 0);
                now += std::chrono::milliseconds(1 + rng() % 400);
                ++made;
                const bool renewed_before = f.renewed();
                const auto kind = classify(attempt_outcome{o.ec, o.delivered, o.http_status, o.api_code});
                const int asked_before = p.asked;
                a = f.on_attempt(o, p, now, std::uniform_real_distribution<double>(0, 1)(rng));
                BOOST_REQUIRE(f.attempts() == made);
                if (!resend_safe && kind == failure_kind::ambiguous)
                    BOOST_REQUIRE((a.step == call_step::done));
                if (f.renewed() != renewed_before)
                    ++renewals;
                if (a.step != call_step::done && kind != failure_kind::throttled && f.renewed() == renewed_before)
                {
                    if (p.asked == asked_before)
                        ++free_retries;
                    else
                        ++counted;
                }
                if (a.step == call_step::sleep && kind != failure_kind::throttled && p.asked != asked_before)
                    BOOST_REQUIRE((a.until >= now + o.retry_after));
                break;
            }
            case call_step::done: finished = true; ++ended[static_cast<int>(a.why)]; break;
            }
        }
        BOOST_REQUIRE(finished);
        BOOST_REQUIRE(renewals <= 1);
        BOOST_REQUIRE(free_retries <= 1);
        BOOST_REQUIRE(counted + 1 <= max_attempts);
        BOOST_REQUIRE(f.budget_spent() == budget0 - p.budget);
    }
    // The sequences reached every ending.
    for (int why = 0; why < 7; ++why)
        BOOST_TEST(ended[why] > 0, "ending " << why);
}

BOOST_AUTO_TEST_SUITE_END()
