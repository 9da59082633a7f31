// SPDX-License-Identifier: BSL-1.0
// The call path's defects of issue 18 against the simulator, each failing on the code before the
// call became a state machine (call_fsm.hpp): a token read before queueing, attempts counted
// without a request, a closed client whose governor timer held the io_context.
#include <boost/test/unit_test.hpp>

#include "client_test_support.hpp"

#include <atomic>

namespace {

struct attempt_counter
{
    std::shared_ptr<std::atomic<int>> unauthorized = std::make_shared<std::atomic<int>>(0);
    std::shared_ptr<std::atomic<int>> attempts = std::make_shared<std::atomic<int>>(0);

    std::function<void(const client_event&)> hook() const
    {
        return [u = unauthorized, a = attempts](const client_event& e) {
            if (const auto* at = std::get_if<attempt_event>(&e))
            {
                ++*a;
                if (at->http_status == 401 || at->api_code == 401)
                    ++*u;
            }
        };
    }
};

}   // namespace

BOOST_AUTO_TEST_SUITE(call_path)

// 60 calls through 4 connections at 150 ms each take about 2.3 s, four lifetimes of a token:
// each call reads the token as it writes its request, so none sends one that ran out while it
// waited for a connection.
BOOST_AUTO_TEST_CASE(queued_calls_read_the_token_as_they_write)
{
    auto so = fast_sim_options();
    so.token_ttl = 600ms;
    so.faults.latency = 150ms;
    sim_fixture f(so);
    attempt_counter seen;
    std::uint64_t fetches = 0;
    run([&]() -> asio::awaitable<void> {
        auto o = f.secret_options();
        o.max_connections = 4;
        o.events = seen.hook();
        client c(co_await asio::this_coro::executor, o);
        auto ok = co_await run_concurrently(60, [&](int) -> asio::awaitable<bool> {
            auto [ec, page] = co_await c.async_list_hosts(1, 10, token());
            co_return !ec;
        });
        BOOST_TEST(std::count(ok.begin(), ok.end(), true) == 60);
        BOOST_TEST(c.stats().retries == 0u);
        fetches = c.stats().token_fetches;
        BOOST_TEST(fetches >= 3u);   // renewed while calls went on
    });
    BOOST_TEST(seen.unauthorized->load() == 0);
    BOOST_TEST(seen.attempts->load() == 60 + static_cast<int>(fetches));   // getToken's attempts too
}

// A call throttled once whose deadline passes while it waits for a send slot sent one request,
// and says so.
BOOST_AUTO_TEST_CASE(a_call_that_waited_for_a_slot_counts_only_what_it_sent)
{
    sim_fixture f;
    f.sim.script({.path = "/one/", .method = "GET", .count = 1, .http_status = 429, .retry_after = 5});
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, f.options());
        diagnostics d;
        call_options co;
        co.deadline = 700ms;
        const call_context ctx(co, d);
        auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", ctx, token());
        BOOST_TEST((ec == client_errc::timeout), ec.message());
        BOOST_TEST(d.attempts() == 1);
        BOOST_TEST(d.http_status() == 429u);
        BOOST_TEST(c.stats().attempts == 1u);
    });
    BOOST_TEST(f.route_count("GET /v1/pve/open/one/{id}") == 1u);
}

// A 429 with a long Retry-After arms the governor's timer; closing the client disarms it, so the
// io_context's run() returns at once instead of a minute later.
BOOST_AUTO_TEST_CASE(closing_a_throttled_client_lets_run_return)
{
    sim_fixture f;
    f.sim.script({.path = "/one/", .method = "GET", .count = 1, .http_status = 429, .retry_after = 60});
    const auto began = std::chrono::steady_clock::now();
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, f.options());
        call_options co;
        co.deadline = 300ms;
        const call_context ctx(co);
        auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", ctx, token());
        BOOST_TEST((ec == client_errc::timeout), ec.message());
        // Another call queues for a slot the governor will not give for a minute.
        auto [ec2, h2] = co_await c.async_get_host("rEJjwEY5Wt", ctx, token());
        BOOST_TEST((ec2 == client_errc::timeout), ec2.message());
        c.close();
    });
    BOOST_TEST((std::chrono::steady_clock::now() - began < 20s));
}

// Issue 18, point 3: Retry-After. Each case failed on the code before.

namespace {

using ms = std::chrono::milliseconds;

ms since(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration_cast<ms>(std::chrono::steady_clock::now() - t);
}

}   // namespace

// A 429 whose Retry-After outlasts the call's deadline: the call fails at once, saying that the
// server asked to wait (it waited out its deadline, blaming the client's rate).
BOOST_AUTO_TEST_CASE(a_retry_after_beyond_the_deadline_fails_the_call_at_once)
{
    sim_fixture f;
    f.sim.script({.path = "/one/", .method = "GET", .count = 1, .http_status = 429, .retry_after = 30});
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, f.options());
        diagnostics d;
        call_options co;
        co.deadline = 3s;
        const auto began = std::chrono::steady_clock::now();
        auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", call_context(co, d), token());
        BOOST_TEST((ec == client_errc::timeout), ec.message());
        BOOST_TEST((since(began) < 1500ms));
        BOOST_TEST(d.client_message().find("asked to wait 30 s (Retry-After)") != std::string_view::npos,
                   d.client_message());
        c.close();
    });
}

// Calls already waiting for a slot when a 429 asks for 30 s fail as soon as the dispatcher sees
// the hold, not at their deadline (5 s).
BOOST_AUTO_TEST_CASE(waiting_calls_whose_deadline_comes_before_the_hold_fail_early)
{
    sim_fixture f;
    f.sim.script({.path = "/one/", .method = "GET", .count = 1, .http_status = 429, .retry_after = 30});
    run([&]() -> asio::awaitable<void> {
        auto o = f.options();
        o.rate_limit.max_requests_per_second = 1;   // the others queue behind the first
        client c(co_await asio::this_coro::executor, o);
        const auto began = std::chrono::steady_clock::now();
        std::vector<std::string> said(3);
        std::vector<ms> took(3);
        auto ok = co_await run_concurrently(3, [&](int i) -> asio::awaitable<bool> {
            diagnostics d;
            call_options co;
            co.deadline = 5s;
            auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", call_context(co, d), token());
            said[static_cast<std::size_t>(i)] = std::string(d.client_message());
            took[static_cast<std::size_t>(i)] = since(began);
            co_return ec == client_errc::timeout;
        });
        for (std::size_t i = 0; i < 3; ++i)
        {
            BOOST_TEST(ok[i]);
            BOOST_TEST((took[i] < 3500ms), took[i].count() << " ms");
            BOOST_TEST(said[i].find("(Retry-After)") != std::string::npos, said[i]);
        }
        c.close();
    });
    BOOST_TEST(f.route_count("GET /v1/pve/open/one/{id}") == 1u);
}

// A 503's Retry-After delays that call's retry only: the next call goes at once. It was held 30 s
// (by a governor that paces: a ceiling here, or any throttle seen before).
BOOST_AUTO_TEST_CASE(a_retry_after_not_throttled_holds_only_its_call)
{
    sim_fixture f;
    f.sim.script({.path = "/one/", .method = "GET", .count = 1, .http_status = 503, .retry_after = 30});
    run([&]() -> asio::awaitable<void> {
        auto o = f.options();
        o.rate_limit.max_requests_per_second = 100;
        client c(co_await asio::this_coro::executor, o);
        call_options co;
        co.deadline = 2s;
        diagnostics d;
        auto began = std::chrono::steady_clock::now();
        auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", call_context(co, d), token());
        BOOST_TEST(!!ec);   // its retry would come after its deadline
        BOOST_TEST(d.http_status() == 503u);
        BOOST_TEST((since(began) < 1000ms));
        began = std::chrono::steady_clock::now();
        auto [ec2, h2] = co_await c.async_get_host("rEJjwEY5Wt", call_context(co), token());
        BOOST_TEST((ec2.category() == api_category()), ec2.message());   // answered: no such host
        BOOST_TEST((since(began) < 1000ms));
        c.close();
    });
    BOOST_TEST(f.route_count("GET /v1/pve/open/one/{id}") == 2u);
}

// Not adaptive and no ceiling: a 429's Retry-After still holds the client's sends (it was
// ignored but for the throttled call's own backoff).
BOOST_AUTO_TEST_CASE(a_throttle_retry_after_holds_an_unpaced_client)
{
    sim_fixture f;
    f.sim.script({.path = "/one/", .method = "GET", .count = 1, .http_status = 429, .retry_after = 2});
    run([&]() -> asio::awaitable<void> {
        auto o = f.options();
        o.rate_limit.adaptive = false;
        client c(co_await asio::this_coro::executor, o);
        call_options co;
        co.deadline = 500ms;
        auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", call_context(co), token());
        BOOST_TEST(!!ec);   // its backoff (at least Retry-After) would end after its deadline
        co.deadline = 5s;
        const auto began = std::chrono::steady_clock::now();
        auto [ec2, h2] = co_await c.async_get_host("rEJjwEY5Wt", call_context(co), token());
        BOOST_TEST((ec2.category() == api_category()), ec2.message());   // answered: no such host
        BOOST_TEST((since(began) >= 1200ms));   // held until 2 s after the 429
        c.close();
    });
    BOOST_TEST(f.route_count("GET /v1/pve/open/one/{id}") == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
