// SPDX-License-Identifier: BSL-1.0
// Helpers of the client's integration tests.
#ifndef FINOVY_TEST_CLIENT_TEST_SUPPORT_HPP
#define FINOVY_TEST_CLIENT_TEST_SUPPORT_HPP

#include "../common/sim_fixture.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <sstream>
#include <tuple>
#include <vector>

using namespace finovy;
using namespace finovy::test;
namespace http = boost::beast::http;

// A completion token giving (error_code, T) instead of throwing.
inline auto token() { return asio::as_tuple(asio::use_awaitable); }

template <class... Ts>
asio::awaitable<error_code> code_of(asio::awaitable<std::tuple<error_code, Ts...>> op)
{
    auto t = co_await std::move(op);
    co_return std::get<0>(t);
}

inline asio::awaitable<void> sleep_for(std::chrono::milliseconds d)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

// Runs n coroutines at once on this (single-threaded) executor and waits for all.
template <class F>
asio::awaitable<std::vector<bool>> run_concurrently(int n, F f)
{
    auto ex = co_await asio::this_coro::executor;
    std::vector<bool> results(static_cast<std::size_t>(n));
    int left = n;
    asio::steady_timer done(ex, asio::steady_timer::time_point::max());
    for (int i = 0; i < n; ++i)
        asio::co_spawn(
            ex,
            [&, i]() -> asio::awaitable<void> {
                results[static_cast<std::size_t>(i)] = co_await f(i);
                if (--left == 0)
                    done.cancel();
            },
            asio::detached);
    co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return results;
}

#endif
