// SPDX-License-Identifier: BSL-1.0
// The defects of issue 18 that need a server, each with a test that failed before its fix:
// durations of "forever" (milliseconds::max()) that overflowed now() + d (5).
#include <boost/test/unit_test.hpp>

#include "../common/scripted_wire.hpp"
#include "client_test_support.hpp"

#include <finovy/create.hpp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/listing.hpp>
#include <finovy/wait.hpp>
#include <finovy/watch_hub.hpp>

namespace {

constexpr auto forever = std::chrono::milliseconds::max();

wait_options quick(std::chrono::milliseconds timeout)
{
    wait_options w;
    w.first_delay = 20ms;
    w.interval = 30ms;
    w.max_interval = 30ms;
    w.timeout = timeout;
    return w;
}

}   // namespace

// Defect 5: milliseconds::max() as "no limit" wrapped around to a deadline already passed (in
// nanoseconds it is -1 ms): calls and waits timed out at once.
BOOST_AUTO_TEST_SUITE(durations_of_forever)

BOOST_AUTO_TEST_CASE(calls_and_waits_with_no_limit)
{
    sim_fixture f;
    run([&]() -> asio::awaitable<void> {
        auto o = f.options();
        o.deadline = forever;
        o.attempt_timeout = forever;
        client c(co_await asio::this_coro::executor, o);
        diagnostics d;
        auto [ec, images] = co_await c.async_list_images(d, token());
        BOOST_TEST(!ec, d.describe(ec));

        client per_call(co_await asio::this_coro::executor, f.options());
        diagnostics d2;
        auto [ec2, images2] =
            co_await per_call.async_list_images(call_context(call_options{.deadline = forever}, d2), token());
        BOOST_TEST(!ec2, d2.describe(ec2));

        diagnostics d3;
        auto [ec3, h] = co_await async_create_host_and_wait(c, "Ofc2C4G8xx", "4005", host_status::running,
                                                            quick(forever), call_context(call_options{}, d3), token());
        BOOST_TEST(!ec3, d3.describe(ec3));
        BOOST_TEST((h.status == host_status::running));

        watch_hub hub(c, hub_options{.interval = 30ms});
        diagnostics d4;
        auto [ec4, off] = co_await hub.async_power_off_and_wait(h.id, quick(forever), call_context(call_options{}, d4),
                                                                token());
        BOOST_TEST(!ec4, d4.describe(ec4));
        BOOST_TEST((off.status == host_status::off));
    });
}

BOOST_AUTO_TEST_CASE(a_token_that_never_expires_is_asked_for_once)
{
    sim_fixture f;
    run([&]() -> asio::awaitable<void> {
        auto o = f.options();
        o.access_token.clear();
        int asked = 0;
        o.credentials = [&](credential_request, credential_handler h) {
            ++asked;
            std::move(h)(error_code{}, provided_credentials::from_token(static_token, forever));
        };
        client c(co_await asio::this_coro::executor, o);
        for (int i = 0; i < 3; ++i)
        {
            diagnostics d;
            auto [ec, images] = co_await c.async_list_images(d, token());
            BOOST_TEST(!ec, d.describe(ec));
        }
        BOOST_TEST(asked == 1);   // it used to expire at once, and be asked for at every call
    });
}

BOOST_AUTO_TEST_CASE(addresses_kept_forever_are_looked_up_once)
{
    run([&]() -> asio::awaitable<void> {
        auto s = scripted_server::make();
        s->answer = [](const seen_request& r) {
            auto a = default_reply(r);
            a.bytes = http_answer(200, scripted_host_json, "Connection: close\r\n");
            return a;
        };
        client_options o;
        o.endpoint = "https://localhost:8443";
        o.access_token = "scripted-token";
        o.ssl_context = shared_tls_context();
        o.dns_cache_ttl = forever;
        client c(co_await asio::this_coro::executor, o);
        s->install(c);
        for (int i = 0; i < 3; ++i)
        {
            auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", token());
            BOOST_TEST_REQUIRE(!ec, ec.message());
        }
        BOOST_TEST(s->connects == 3);
        BOOST_TEST(detail::client_access::impl(c)->net.lookups() == 1u);
    });
}

BOOST_AUTO_TEST_SUITE_END()
