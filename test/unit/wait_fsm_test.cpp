// SPDX-License-Identifier: BSL-1.0
// Waiting for a status (wait_fsm.hpp) without sockets or clocks: every state, then seeded random
// sequences of events checked against the rules a wait must keep whatever happens.
#include "mock_clock.hpp"

#include <finovy/impl/internal/wait_fsm.hpp>

#include <boost/test/unit_test.hpp>

#include <optional>
#include <random>

using namespace finovy;
using namespace finovy::detail;
using namespace std::chrono_literals;

namespace {

using mock_clock = finovy::test::basic_mock_clock<struct wait_fsm_tests>;

using fsm_t = wait_fsm<mock_clock>;
using disk_fsm_t = wait_fsm<mock_clock, disk_target>;
using tp = mock_clock::time_point;

const tp t0{std::chrono::hours(1)};

wait_settings settings(std::chrono::milliseconds timeout = 60s)
{
    wait_settings s;
    s.first_delay = 2s;
    s.interval = 5s;
    s.max_interval = 5s;
    s.timeout = timeout;
    s.max_consecutive_errors = 2;
    return s;
}

host_target running(bool leave_first = false, std::vector<host_status> fail_on = {})
{
    host_target t;
    t.target = host_status::running;
    t.leave_first = leave_first;
    t.fail_on = std::move(fail_on);
    return t;
}

bool is_sleep(const fsm_t::action& a, tp until) { return a.step == wait_step::sleep && a.until == until; }
bool is_read(const fsm_t::action& a) { return a.step == wait_step::read; }
bool is_done(const fsm_t::action& a, wait_end why) { return a.step == wait_step::done && a.why == why; }

// Drives a fresh wait to its first read at t0 + 2 s.
fsm_t first_read(host_target t = running(), wait_settings s = settings())
{
    fsm_t f(std::move(t), s);
    auto a = f.start(t0);
    BOOST_TEST(is_sleep(a, t0 + s.first_delay));
    BOOST_TEST(is_read(f.on_timer(t0 + s.first_delay)));
    return f;
}

const error_code not_found = api_errc::host_not_found;
const error_code transient_error = boost::asio::error::connection_reset;
const error_code lasting_error = client_errc::shut_down;

}   // namespace

BOOST_AUTO_TEST_SUITE(wait_decisions)

BOOST_AUTO_TEST_CASE(first_delay_then_a_look_every_interval_until_reached)
{
    fsm_t f(running(), settings());
    BOOST_TEST(is_sleep(f.start(t0), t0 + 2s));
    BOOST_TEST((f.on_status(host_status::running, t0 + 1s).step == wait_step::none));   // too early: not counted
    BOOST_TEST(is_sleep(f.on_timer(t0 + 1s), t0 + 2s));
    BOOST_TEST(is_read(f.on_timer(t0 + 2s)));
    BOOST_TEST(is_sleep(f.on_status(host_status::booting, t0 + 2100ms), t0 + 7100ms));
    BOOST_TEST(f.looks() == 1);
    BOOST_TEST(is_read(f.on_timer(t0 + 7100ms)));
    auto a = f.on_status(host_status::billing, t0 + 7200ms);   // 3 counts as running
    BOOST_TEST(is_done(a, wait_end::reached));
    BOOST_TEST(!a.ec);
    BOOST_TEST(f.done());
    BOOST_TEST((f.last() == host_status::billing));
    BOOST_TEST(f.reads() == 2);
}

BOOST_AUTO_TEST_CASE(done_is_said_once)
{
    auto f = first_read();
    BOOST_TEST(is_done(f.on_status(host_status::running, t0 + 2s), wait_end::reached));
    BOOST_TEST((f.on_status(host_status::running, t0 + 3s).step == wait_step::none));
    BOOST_TEST((f.on_error(transient_error, 0, t0 + 3s).step == wait_step::none));
    BOOST_TEST((f.on_timer(t0 + 90s).step == wait_step::none));
    BOOST_TEST((f.on_cancelled().step == wait_step::none));
    BOOST_TEST((f.on_stopped(client_errc::bad_response).step == wait_step::none));
}

BOOST_AUTO_TEST_CASE(a_hopeless_status_ends_at_once)
{
    auto f = first_read();
    auto a = f.on_status(host_status::expired, t0 + 2s);
    BOOST_TEST(is_done(a, wait_end::hopeless));
    BOOST_TEST((a.ec == client_errc::unexpected_status));
    auto g = first_read(running(false, {host_status::off}));
    BOOST_TEST(is_done(g.on_status(host_status::off, t0 + 2s), wait_end::hopeless));
    auto h = first_read();
    BOOST_TEST(is_sleep(h.on_status(host_status::off, t0 + 2s), t0 + 7s));   // off may still boot
}

BOOST_AUTO_TEST_CASE(a_reboot_is_seen_leaving_then_back_or_outlasts_two_intervals)
{
    auto f = first_read(running(true));
    BOOST_TEST(is_sleep(f.on_status(host_status::running, t0 + 2s), t0 + 7s));   // not left yet
    BOOST_TEST(is_read(f.on_timer(t0 + 7s)));
    BOOST_TEST(is_sleep(f.on_status(host_status::booting, t0 + 7s), t0 + 12s));   // left
    BOOST_TEST(is_read(f.on_timer(t0 + 12s)));
    BOOST_TEST(is_done(f.on_status(host_status::running, t0 + 12s), wait_end::reached));

    // Never seen away: it went and came back between looks, after the first look and two intervals.
    auto g = first_read(running(true));
    BOOST_TEST(is_sleep(g.on_status(host_status::running, t0 + 2s), t0 + 7s));
    BOOST_TEST(is_read(g.on_timer(t0 + 7s)));
    BOOST_TEST(is_sleep(g.on_status(host_status::running, t0 + 7s), t0 + 12s));   // leave_by = t0 + 12 s
    BOOST_TEST(is_read(g.on_timer(t0 + 12s)));
    BOOST_TEST(is_done(g.on_status(host_status::running, t0 + 12s), wait_end::reached));

    auto h = first_read(running(true));
    BOOST_TEST(is_done(h.on_status(host_status::expired, t0 + 2s), wait_end::hopeless));
}

BOOST_AUTO_TEST_CASE(not_found_is_tolerated_within_its_grace_only)
{
    auto s = settings();
    s.not_found_grace = 10s;
    auto f = first_read(running(), s);
    for (int i = 0; i < 5; ++i)   // uncounted: more than max_consecutive_errors
    {
        BOOST_TEST((f.on_error(not_found, 200, t0 + 2s + 1s * i).step == wait_step::sleep));
        BOOST_TEST(is_read(f.on_timer(t0 + 3s + 1s * i)));
    }
    auto a = f.on_error(not_found, 200, t0 + 10s);
    BOOST_TEST(is_done(a, wait_end::failed));
    BOOST_TEST((a.ec == not_found));

    auto g = first_read();   // no grace: at once
    BOOST_TEST(is_done(g.on_error(not_found, 200, t0 + 2s), wait_end::failed));
}

BOOST_AUTO_TEST_CASE(transient_errors_up_to_the_limit_in_a_row)
{
    auto f = first_read();
    BOOST_TEST((f.on_error(transient_error, 0, t0 + 2s).step == wait_step::sleep));
    BOOST_TEST(is_read(f.on_timer(t0 + 7s)));
    BOOST_TEST((f.on_error(client_errc::http_status, 503, t0 + 7s).step == wait_step::sleep));
    BOOST_TEST(is_read(f.on_timer(t0 + 12s)));
    BOOST_TEST((f.on_status(host_status::off, t0 + 12s).step == wait_step::sleep));   // the count starts again
    for (int i = 0; i < 2; ++i)
    {
        BOOST_TEST(is_read(f.on_timer(t0 + 17s + 5s * i)));
        BOOST_TEST((f.on_error(client_errc::timeout, 0, t0 + 17s + 5s * i).step == wait_step::sleep));
    }
    BOOST_TEST(is_read(f.on_timer(t0 + 27s)));
    auto a = f.on_error(transient_error, 0, t0 + 27s);
    BOOST_TEST(is_done(a, wait_end::failed));
    BOOST_TEST((a.ec == transient_error));

    auto g = first_read();
    BOOST_TEST(is_done(g.on_error(lasting_error, 0, t0 + 2s), wait_end::failed));
    auto h = first_read();
    BOOST_TEST(is_done(h.on_error(client_errc::http_status, 404, t0 + 2s), wait_end::failed));
}

BOOST_AUTO_TEST_CASE(the_interval_grows_by_backoff_up_to_max_interval_with_jitter)
{
    auto s = settings(10min);
    s.interval = 1s;
    s.max_interval = 5s;
    s.backoff = 2;
    auto f = first_read(running(), s);
    auto now = t0 + 2s;
    for (auto expected : {1s, 2s, 4s, 5s, 5s})
    {
        BOOST_TEST(is_sleep(f.on_status(host_status::off, now), now + expected));
        now += expected;
        BOOST_TEST(is_read(f.on_timer(now)));
    }
    s.jitter = 0.1;
    s.backoff = 1;
    auto g = first_read(running(), s);
    BOOST_TEST(is_sleep(g.on_status(host_status::off, t0 + 2s, 0.0), t0 + 2900ms));
    BOOST_TEST(is_read(g.on_timer(t0 + 2900ms)));
    BOOST_TEST(is_sleep(g.on_status(host_status::off, t0 + 3s, 1.0), t0 + 4100ms));
}

BOOST_AUTO_TEST_CASE(at_the_deadline_one_last_look_then_a_timeout)
{
    auto f = first_read(running(), settings(8s));
    BOOST_TEST(is_sleep(f.on_status(host_status::off, t0 + 4s), t0 + 8s));   // not past the deadline
    BOOST_TEST(is_read(f.on_timer(t0 + 8s)));                               // the last look
    BOOST_TEST(is_done(f.on_status(host_status::running, t0 + 8100ms), wait_end::reached));

    auto g = first_read(running(), settings(8s));
    BOOST_TEST(is_sleep(g.on_status(host_status::off, t0 + 4s), t0 + 8s));
    BOOST_TEST(is_read(g.on_timer(t0 + 8s)));
    auto a = g.on_status(host_status::off, t0 + 8100ms);
    BOOST_TEST(is_done(a, wait_end::timed_out));
    BOOST_TEST((a.ec == client_errc::timeout));

    // A hub's wait ends at its deadline; so does one whose timeout is shorter than its first delay.
    auto s = settings(8s);
    s.final_look = false;
    auto h = first_read(running(), s);
    BOOST_TEST(is_sleep(h.on_status(host_status::off, t0 + 4s), t0 + 8s));
    BOOST_TEST(is_done(h.on_timer(t0 + 8s), wait_end::timed_out));
    s.timeout = 1s;
    fsm_t k(running(), s);
    BOOST_TEST(is_sleep(k.start(t0), t0 + 1s));
    BOOST_TEST(is_done(k.on_timer(t0 + 1s), wait_end::timed_out));
}

BOOST_AUTO_TEST_CASE(an_answer_after_the_deadline_times_out_even_when_tolerated)
{
    auto s = settings(8s);
    s.not_found_grace = 60s;
    auto f = first_read(running(), s);
    BOOST_TEST(is_done(f.on_error(not_found, 200, t0 + 9s), wait_end::timed_out));
}

BOOST_AUTO_TEST_CASE(a_hub_may_look_early_and_unasked_once_the_first_look_is_due)
{
    auto s = settings();
    s.final_look = false;
    auto f = first_read(running(), s);
    BOOST_TEST(is_sleep(f.on_status(host_status::off, t0 + 2s), t0 + 7s));
    BOOST_TEST(f.counts(t0 + 3s));
    BOOST_TEST(is_sleep(f.on_status(host_status::booting, t0 + 3s), t0 + 8s));   // a page showed it
    BOOST_TEST(is_read(f.on_timer(t0 + 6s)));                                      // the hub's round
    BOOST_TEST(is_done(f.on_status(host_status::running, t0 + 6s), wait_end::reached));

    fsm_t g(running(), s);   // before the first look nothing counts, after it an answer does
    g.start(t0);
    BOOST_TEST(!g.counts(t0 + 1s));
    BOOST_TEST(g.counts(t0 + 2s));
    BOOST_TEST(is_done(g.on_status(host_status::running, t0 + 2s), wait_end::reached));
}

BOOST_AUTO_TEST_CASE(a_driver_that_lost_its_answer_asks_again)
{
    auto f = first_read();
    BOOST_TEST(is_read(f.on_timer(t0 + 30s)));
    BOOST_TEST(is_done(f.on_timer(t0 + 60s), wait_end::timed_out));
}

BOOST_AUTO_TEST_CASE(cancelled_or_stopped_in_any_state)
{
    fsm_t idle(running(), settings());
    BOOST_TEST((idle.on_cancelled().step == wait_step::done));
    fsm_t f(running(), settings());
    f.start(t0);
    auto a = f.on_cancelled();
    BOOST_TEST(is_done(a, wait_end::cancelled));
    BOOST_TEST((a.ec == boost::asio::error::operation_aborted));
    auto g = first_read();
    auto b = g.on_stopped(client_errc::bad_response);
    BOOST_TEST(is_done(b, wait_end::stopped));
    BOOST_TEST((b.ec == client_errc::bad_response));
    BOOST_TEST((g.on_cancelled().step == wait_step::none));
}

BOOST_AUTO_TEST_CASE(a_disk_is_gone_when_not_found_and_hopeless_when_destroyed)
{
    disk_target gone;
    gone.gone = true;
    disk_fsm_t f(gone, settings());
    f.start(t0);
    BOOST_TEST((f.on_timer(t0 + 2s).step == wait_step::read));
    BOOST_TEST((f.on_status(disk_status::destroying, t0 + 2s).step == wait_step::sleep));
    BOOST_TEST((f.on_timer(t0 + 7s).step == wait_step::read));
    auto a = f.on_error(api_errc::disk_not_found, 200, t0 + 7s);
    BOOST_TEST((a.step == wait_step::done && a.why == wait_end::reached && !a.ec));

    disk_target in_use;
    disk_fsm_t g(in_use, settings());
    g.start(t0);
    g.on_timer(t0 + 2s);
    BOOST_TEST((g.on_status(disk_status::destroying, t0 + 2s).why == wait_end::hopeless));
}

BOOST_AUTO_TEST_CASE(no_timeout_never_overflows)
{
    auto s = settings(std::chrono::milliseconds::max());
    s.interval = s.max_interval = std::chrono::milliseconds::max();
    s.backoff = 3;
    s.jitter = 0.5;
    s.not_found_grace = std::chrono::milliseconds::max();
    wait_fsm<std::chrono::steady_clock> f(running(true), s);
    const auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(24 * 365);
    auto a = f.start(now);
    BOOST_TEST((f.deadline() == std::chrono::steady_clock::time_point::max()));
    BOOST_TEST((a.step == wait_step::sleep && a.until > now));
    BOOST_TEST((f.on_timer(a.until).step == wait_step::read));
    auto b = f.on_status(host_status::running, a.until, 0.99);
    BOOST_TEST((b.step == wait_step::sleep && b.until >= a.until));   // the end of time, not the past
    BOOST_TEST((f.on_error(not_found, 200, a.until).step == wait_step::sleep));   // grace forever
    BOOST_TEST((scaled(std::chrono::milliseconds::max(), 1.5) == std::chrono::milliseconds::max()));
}

// Random events in random states, against the rules.
BOOST_AUTO_TEST_CASE(random_sequences_keep_the_rules)
{
    std::mt19937 rng(20261208);
    auto pick = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); };
    auto ms = [&](int max) { return std::chrono::milliseconds(pick(max + 1)); };
    const std::chrono::milliseconds timeouts[] = {0ms, 1s, 5s, 30s, 120s, std::chrono::milliseconds::max()};
    const host_status statuses[] = {host_status::off,           host_status::booting, host_status::running,
                                    host_status::billing,       host_status::expired, host_status{7},
                                    host_status::shutting_down};
    const error_code errors[] = {not_found, transient_error, client_errc::timeout, lasting_error};
    for (int run = 0; run < 10'000; ++run)
    {
        wait_settings s;
        s.first_delay = ms(3000);
        s.interval = ms(5000);
        s.max_interval = ms(20000);
        s.backoff = 1.0 + pick(3) * 0.5;
        s.jitter = pick(3) * 0.2;
        s.timeout = timeouts[pick(6)];
        s.not_found_grace = pick(2) ? ms(10000) : 0ms;
        s.max_consecutive_errors = pick(4);
        s.final_look = pick(2) != 0;
        host_target t;
        t.target = pick(2) ? host_status::running : host_status::off;
        t.leave_first = pick(4) == 0;
        if (pick(2))
            t.fail_on = {statuses[pick(7)]};
        fsm_t f(t, s);
        tp now = t0;
        const auto deadline = saturating_deadline(t0, s.timeout);
        const auto grace_end = saturating_deadline(t0, s.not_found_grace);
        auto a = f.start(now);
        int dones = 0, transient_in_a_row = 0;
        for (int step = 0; step < 60; ++step)
        {
            BOOST_TEST_REQUIRE((a.step != wait_step::sleep || (a.until <= deadline && a.until >= t0)),
                               "run " << run << " step " << step);
            if (a.step == wait_step::done)
                ++dones;
            BOOST_TEST_REQUIRE(dones <= 1, "run " << run);
            if (a.step == wait_step::sleep && pick(4) != 0)
                now = std::max(now, a.until);   // the timer fires when asked, or sooner/later below
            else
                now += ms(pick(2) ? 500 : 8000);
            std::optional<host_status> seen;
            std::optional<error_code> failed;
            const int e = pick(20);
            if (e < 8)
                a = f.on_timer(now);
            else if (e < 14)
            {
                seen = statuses[pick(7)];
                a = f.on_status(*seen, now, pick(100) / 100.0);
            }
            else if (e < 19)
            {
                failed = errors[pick(4)];
                a = f.on_error(*failed, 0, now, pick(100) / 100.0);
            }
            else
                a = pick(2) ? f.on_cancelled() : f.on_stopped(client_errc::bad_response);
            if (a.step != wait_step::none && seen)   // counted: a status starts the count again
                transient_in_a_row = 0;
            else if (a.step != wait_step::none && failed && *failed != not_found && transient_wait_error(*failed))
                ++transient_in_a_row;
            if (a.step != wait_step::done)
                continue;
            const auto why = a.why;
            BOOST_TEST_REQUIRE((why != wait_end::timed_out || now >= deadline), "run " << run);
            BOOST_TEST_REQUIRE((why != wait_end::timed_out || a.ec == client_errc::timeout), "run " << run);
            BOOST_TEST_REQUIRE((why != wait_end::reached || (seen && status_reached(*seen, t.target) && !a.ec)),
                               "run " << run);
            BOOST_TEST_REQUIRE((why != wait_end::hopeless || (seen && !status_reached(*seen, t.target))),
                               "run " << run);
            BOOST_TEST_REQUIRE((why != wait_end::failed || failed), "run " << run);
            BOOST_TEST_REQUIRE((why != wait_end::failed || *failed != not_found || now >= grace_end), "run " << run);
            BOOST_TEST_REQUIRE((why != wait_end::failed || !transient_wait_error(*failed) || *failed == not_found ||
                                transient_in_a_row > s.max_consecutive_errors),
                               "run " << run);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
