// SPDX-License-Identifier: BSL-1.0
// One client shared by coroutines on an io_context run by four threads (run under TSan).
#define BOOST_TEST_MODULE finovy_client_threads
#include <boost/test/unit_test.hpp>

#include "client_test_support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <thread>

BOOST_AUTO_TEST_CASE(shared_client_on_four_threads)
{
    auto so = fast_sim_options();
    so.token_ttl = 400ms;   // renewals happen while the threads race
    sim_fixture f(so);
    auto o = f.secret_options();
    o.max_connections = 4;
    std::atomic<int> ok{0}, failed{0}, aborted{0};

    asio::io_context ioc(4);
    {
        client c(ioc, o);
        constexpr int workers = 16, calls = 40;
        for (int w = 0; w < workers; ++w)
            asio::co_spawn(
                asio::make_strand(ioc),
                [&, w]() -> asio::awaitable<void> {
                    for (int i = 0; i < calls; ++i)
                    {
                        error_code ec;
                        if (i % 10 == 9)
                        {
                            // Cancelled from this coroutine's strand while in flight or waiting.
                            // The timer's handler may run after the call ends: it owns the signal.
                            auto sig = std::make_shared<asio::cancellation_signal>();
                            asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::microseconds(300));
                            t.async_wait([sig](error_code e) {
                                if (!e)
                                    sig->emit(asio::cancellation_type::terminal);
                            });
                            auto [e, v] = co_await c.async_list_images(asio::bind_cancellation_slot(sig->slot(), token()));
                            t.cancel();
                            if (e == asio::error::operation_aborted)
                            {
                                ++aborted;
                                continue;
                            }
                            ec = e;
                        }
                        else if (i % 3 == 0)
                            std::tie(ec, std::ignore) = co_await c.async_list_hosts(1, 25, token());
                        else if (i % 3 == 1)
                            std::tie(ec, std::ignore) = co_await c.async_list_packages(billing_kind::pay_as_you_go, token());
                        else
                            std::tie(ec, std::ignore) =
                                co_await c.async_create_pay_as_you_go_host("Ofc2C4G8xx", "4005", token());
                        if (ec && failed++ < 3)
                            BOOST_TEST_MESSAGE("error: " << ec.message());
                        ok += !ec;
                        (void)w;
                    }
                },
                asio::detached);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] { ioc.run(); });
        for (auto& t : threads)
            t.join();
        auto st = c.stats();
        BOOST_TEST(st.connections_busy == 0u);
        BOOST_TEST(st.waiting_for_connection == 0u);
        BOOST_TEST(st.connections_opened >= 4u);
    }
    BOOST_TEST(failed.load() == 0);
    BOOST_TEST(ok.load() + aborted.load() == 16 * 40);
    BOOST_TEST(ok.load() > 16 * 30);
}
