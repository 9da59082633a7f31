// SPDX-License-Identifier: BSL-1.0
// Testing your own code against the simulator, in-process. finovy::sim::server (CMake target
// finovy::sim, header <finovy/sim/server.hpp>) serves the whole API over HTTPS on a free loopback
// port of its own thread, with real state (hosts boot, wallets drain) and scripted faults: "the
// next N requests to path P answer X". No mock to write, no network, no account.
//
//     target_link_libraries(my_tests PRIVATE finovy::compiled finovy::sim Boost::unit_test_framework)
#define BOOST_TEST_MODULE test_your_code
#include <boost/test/unit_test.hpp>

#include <finovy.hpp>
#include <finovy/sim/server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace asio = boost::asio;
using namespace std::chrono_literals;

// --- Your code: starts a host; "no capacity" (6002) is an answer, not a failure. -------------
enum class start_result { running, no_capacity };

asio::awaitable<start_result> start_host(finovy::client& api, std::string id, finovy::wait_options wait = {})
{
    auto [ec, h] = co_await finovy::async_power_on_and_wait(api, id, wait, asio::as_tuple(asio::use_awaitable));
    if (ec == finovy::api_errc::insufficient_resources)
        co_return start_result::no_capacity;
    if (ec)
        throw boost::system::system_error(ec, "starting " + id);
    co_return start_result::running;
}

// --- Its tests. ----------------------------------------------------------------------------
struct simulator
{
    // Quick timings: a host boots in 100 ms. A static token spares the getToken call.
    finovy::sim::server sim{{.static_tokens = {"test-token"}, .boot_time = 100ms, .shutdown_time = 100ms}};
    finovy::wait_options quick{.first_delay = 50ms, .interval = 50ms, .max_interval = 50ms, .timeout = 10s};

    simulator() { sim.start(); }

    // A host of the simulator's first tenant, created directly (off, ready to start).
    std::string new_host() { return sim.add_hosts(sim.first_tenant().uuid, 1, "", "").at(0); }

    // Runs your code to completion on a fresh io_context, with a client of the simulator.
    start_result start(std::string id)
    {
        asio::io_context ioc;
        auto test = [&]() -> asio::awaitable<start_result> {
            auto ex = co_await asio::this_coro::executor;   // apart: GCC 12 may destroy the options twice
            finovy::client api(ex, {.endpoint = sim.url(), .access_token = "test-token", .ca_file = sim.ca_file()});
            co_return co_await start_host(api, id, quick);
        };   // the client closes as the coroutine ends, and run() returns
        auto result = asio::co_spawn(ioc, test(), asio::use_future);
        ioc.run();
        return result.get();
    }
};

BOOST_FIXTURE_TEST_CASE(starts_a_host, simulator)
{
    BOOST_TEST((start(new_host()) == start_result::running));
}

BOOST_FIXTURE_TEST_CASE(no_capacity_is_an_answer, simulator)
{
    // The next power change answers 6002, as the real service does when it runs out of GPUs.
    sim.script({.path = "/operate/", .code = 6002});
    BOOST_TEST((start(new_host()) == start_result::no_capacity));
}

BOOST_FIXTURE_TEST_CASE(rides_through_a_flaky_server, simulator)
{
    // The next three status reads fail with HTTP 503: the client retries them.
    sim.script({.path = "/one/", .count = 3, .http_status = 503});
    BOOST_TEST((start(new_host()) == start_result::running));
    BOOST_TEST(sim.faults().script.empty());   // every scripted answer was served
}

BOOST_FIXTURE_TEST_CASE(an_unknown_host_is_an_error, simulator)
{
    BOOST_CHECK_THROW(start("NoSuchHost"), boost::system::system_error);
}
