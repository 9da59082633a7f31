// SPDX-License-Identifier: BSL-1.0
// Test fixtures: an in-process simulator, client options pointing at it, and a way to run a
// coroutine to completion.
#ifndef FINOVY_TEST_SIM_FIXTURE_HPP
#define FINOVY_TEST_SIM_FIXTURE_HPP

#include <finovy/client.hpp>
#include <finovy/sim/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string_view>

namespace finovy::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

inline constexpr const char* static_token = "test-static-token-0123456789";

// The wire the tests' clients use: FINOVY_TEST_TRANSPORT=asio_ssl runs a suite on asio::ssl::stream.
inline client_options::transport_kind test_transport()
{
    const char* v = std::getenv("FINOVY_TEST_TRANSPORT");
    return v && std::string_view(v) == "asio_ssl" ? client_options::transport_kind::asio_ssl
                                                   : client_options::transport_kind::native;
}

inline sim::options fast_sim_options()
{
    sim::options o;
    o.static_tokens = {static_token};
    o.boot_time = 60ms;
    o.shutdown_time = 60ms;
    o.reboot_time = 60ms;
    o.disk_time = 40ms;
    o.seed = 42;
    return o;
}

struct sim_fixture
{
    explicit sim_fixture(sim::options o = fast_sim_options()) : sim(std::move(o)) { sim.start(); }

    client_options options() const
    {
        client_options o;
        o.endpoint = sim.url();
        o.ca_file = sim.ca_file();
        o.access_token = static_token;
        o.retry.initial_backoff = 5ms;
        o.retry.max_backoff = 50ms;
        o.transport = test_transport();
        return o;
    }

    client_options secret_options() const
    {
        auto o = options();
        o.access_token.clear();
        o.uuid = sim.first_tenant().uuid;
        o.secret = sim.first_tenant().secret;
        return o;
    }

    std::uint64_t route_count(std::string_view route)
    {
        auto s = sim.stats();
        const auto& by = s.at("requests").at("by_route").as_object();
        auto it = by.find(route);
        return it == by.end() ? 0 : it->value().to_number<std::uint64_t>();
    }

    mutable sim::server sim;
};

// Runs `make()`'s awaitable on a fresh io_context and returns its result (or rethrows).
template <class F>
auto run(F make)
{
    using awaitable_t = decltype(make());
    using T = typename awaitable_t::value_type;
    asio::io_context ioc;
    std::exception_ptr error;
    if constexpr (std::is_void_v<T>)
    {
        asio::co_spawn(ioc, make(), [&](std::exception_ptr e) { error = e; });
        ioc.run();
        if (error)
            std::rethrow_exception(error);
    }
    else
    {
        std::optional<T> result;
        asio::co_spawn(ioc, make(), [&](std::exception_ptr e, T v) {
            error = e;
            result = std::move(v);
        });
        ioc.run();
        if (error)
            std::rethrow_exception(error);
        return std::move(*result);
    }
}

}   // namespace finovy::test

#endif
