// SPDX-License-Identifier: BSL-1.0
// Waiting for host states, the watch hub at scale, whole listings and id-resolving creates,
// against the simulator over real TLS.
#define BOOST_TEST_MODULE finovy_fleet
#include <boost/test/unit_test.hpp>

#include "client_test_support.hpp"

#include <finovy/listing.hpp>
#include <finovy/create.hpp>
#include <finovy/wait.hpp>
#include <finovy/watch_hub.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <set>

namespace {

sim::options fleet_sim()
{
    auto o = fast_sim_options();
    o.boot_time = 300ms;
    o.shutdown_time = 200ms;
    o.reboot_time = 300ms;
    return o;
}

wait_options quick(std::chrono::milliseconds timeout = 5000ms)
{
    wait_options w;
    w.first_delay = 20ms;
    w.interval = 50ms;
    w.max_interval = 50ms;
    w.timeout = timeout;
    return w;
}

struct fleet_fixture : sim_fixture
{
    fleet_fixture() : sim_fixture(fleet_sim()) {}
};

}   // namespace

BOOST_FIXTURE_TEST_SUITE(waiting, fleet_fixture)

BOOST_AUTO_TEST_CASE(reached_and_every_shortcut)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto created = co_await async_create_host_and_wait(c, "Ofc2C4G8xx", "4005", {.target = host_status::off, .wait = quick()});
        BOOST_TEST((created.status == host_status::off));
        auto id = created.id;
        auto on = co_await async_power_on_and_wait(c, id, quick());
        BOOST_TEST((on.status == host_status::running));
        BOOST_TEST(on.port.has_value());
        auto before = route_count("GET /v1/pve/open/reboot/{id}");
        auto again = co_await async_reboot_and_wait(c, id, quick());
        BOOST_TEST((again.status == host_status::running));
        BOOST_TEST(route_count("GET /v1/pve/open/reboot/{id}") == before + 1);
        auto off = co_await async_power_off_and_wait(c, id, quick());
        BOOST_TEST((off.status == host_status::off));
        // A plain wait on a host already there completes at the first look.
        auto same = co_await async_wait_for_status(c, id, host_status::off, quick());
        BOOST_TEST(same.id == id);
        auto running = co_await async_create_host_and_wait(c, "Ofc2C4G8xx", "4005", {.target = host_status::running, .wait = quick()});
        BOOST_TEST((running.status == host_status::running));
        BOOST_TEST(running.id != id);
    });
}

BOOST_AUTO_TEST_CASE(fails_fast_on_a_hopeless_status)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto id = co_await c.async_create_fixed_period_host("Rnt8C32Gyy", "507", {period_unit::hour, 1});
        sim.advance_time(std::chrono::hours(2));   // the period ends: expired
        diagnostics d;
        auto o = quick();
        auto start = std::chrono::steady_clock::now();
        auto [ec, h] = co_await async_wait_for_status(c, id, host_status::running, o, d, token());
        BOOST_TEST((ec == client_errc::unexpected_status));
        BOOST_TEST((h.status == host_status::expired));   // the last host seen, even on failure
        BOOST_TEST((std::chrono::steady_clock::now() - start < 1000ms));
        BOOST_TEST(d.client_message().find("expired") != std::string::npos, d.client_message());
        // Statuses of the caller's choosing fail fast too.
        auto pid = (co_await async_create_host_resolved(c, "Ofc2C4G8xx", "4005")).id;
        auto o2 = quick();
        o2.fail_on = {host_status::off};
        auto [ec2, h2] = co_await async_wait_for_status(c, pid, host_status::running, o2, token());
        BOOST_TEST((ec2 == client_errc::unexpected_status));
    });
}

BOOST_AUTO_TEST_CASE(times_out_with_the_last_host_seen)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto id = (co_await async_create_host_resolved(c, "Ofc2C4G8xx", "4005")).id;
        try
        {
            co_await async_wait_for_status(c, id, host_status::running, quick(300ms));
            BOOST_FAIL("expected a timeout");
        }
        catch (const error_with_diagnostics& e)
        {
            BOOST_TEST((e.code() == client_errc::timeout));
            BOOST_TEST(std::string(e.what()).find("last seen off") != std::string::npos, e.what());
        }
        auto [ec, h] = co_await async_wait_for_status(c, id, host_status::running, quick(300ms), token());
        BOOST_TEST((ec == client_errc::timeout));
        BOOST_TEST(h.id == id);
        BOOST_TEST((h.status == host_status::off));
    });
}

BOOST_AUTO_TEST_CASE(cancelled_and_deleted_mid_wait)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto id = (co_await async_create_host_resolved(c, "Ofc2C4G8xx", "4005")).id;
        asio::cancellation_signal sig;
        asio::steady_timer t(co_await asio::this_coro::executor, 150ms);
        t.async_wait([&](error_code) { sig.emit(asio::cancellation_type::terminal); });
        auto start = std::chrono::steady_clock::now();
        auto [ec, h] = co_await async_wait_for_status(c, id, host_status::running, quick(),
                                                      asio::bind_cancellation_slot(sig.slot(), token()));
        BOOST_TEST((ec == asio::error::operation_aborted));
        BOOST_TEST((std::chrono::steady_clock::now() - start < 400ms));

        // Deleted while waited for: 1021 ends the wait.
        asio::steady_timer del(co_await asio::this_coro::executor, 120ms);
        del.async_wait([&](error_code) { c.async_delete_host(id, [](error_code) {}); });
        auto [ec2, h2] = co_await async_wait_for_status(c, id, host_status::running, quick(), token());
        BOOST_TEST((ec2 == api_errc::host_not_found));
        auto [ec3, h3] = co_await async_wait_for_status(c, "NoSuchHost", host_status::running, quick(), token());
        BOOST_TEST((ec3 == api_errc::host_not_found));
    });
}

BOOST_AUTO_TEST_CASE(transient_errors_are_outlived)
{
    run([&]() -> asio::awaitable<void> {
        auto o = options();
        o.retry.max_attempts = 1;   // every failed poll reaches the wait
        client c(co_await asio::this_coro::executor, o);
        auto id = (co_await async_create_host_resolved(c, "Ofc2C4G8xx", "4005")).id;
        sim::fault_options f;
        f.http_error_rate = 0.3;
        f.paths = {"/one/"};
        sim.set_faults(f);
        auto w = quick();
        w.max_consecutive_errors = 20;
        auto on = co_await async_power_on_and_wait(c, id, w);
        BOOST_TEST((on.status == host_status::running));
        f.http_error_rate = 1;
        sim.set_faults(f);
        w.max_consecutive_errors = 2;
        auto [ec, h] = co_await async_wait_for_status(c, id, host_status::off, w, token());
        BOOST_TEST((ec == client_errc::http_status));
        sim.set_faults({});
    });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(hub, fleet_fixture)

BOOST_AUTO_TEST_CASE(a_thousand_waiters_cost_pages_not_waiters)
{
    auto ids = sim.add_hosts("A27550582", 1000, "Ofc2C4G8xx", "", 0);
    auto o = options();
    o.max_connections = 16;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        auto on = co_await run_concurrently(1000, [&](int i) -> asio::awaitable<bool> {
            auto [ec] = co_await c.async_power_on(ids[static_cast<std::size_t>(i)], token());
            co_return !ec;
        });
        BOOST_TEST_REQUIRE(std::count(on.begin(), on.end(), true) == 1000);
        auto reads_before = route_count("GET /v1/pve/open/one/{id}");
        watch_hub hub(c, {.interval = 100ms, .max_concurrent_requests = 8});
        auto start = std::chrono::steady_clock::now();
        auto w = quick(10s);
        auto done = co_await run_concurrently(1000, [&](int i) -> asio::awaitable<bool> {
            auto [ec, h] = co_await hub.async_wait_for_status(ids[static_cast<std::size_t>(i)], host_status::running, w,
                                                              token());
            co_return !ec && h.status == host_status::running;
        });
        auto took = std::chrono::steady_clock::now() - start;
        BOOST_TEST(std::count(done.begin(), done.end(), true) == 1000);
        auto st = hub.stats();
        BOOST_TEST_MESSAGE("hub: " << st.rounds << " rounds, " << st.page_requests << " pages, " << st.host_requests
                                   << " reads, "
                                   << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
        BOOST_TEST(st.waiting == 0u);
        BOOST_TEST(st.completed == 1000u);
        BOOST_TEST(st.page_requests <= st.rounds * 40u);
        BOOST_TEST(st.page_requests + st.host_requests < 1000u);   // fewer calls than waiters, in all
        BOOST_TEST(route_count("GET /v1/pve/open/one/{id}") - reads_before == st.host_requests);
        BOOST_TEST((took < 300ms + 100ms * 2 + 2000ms));   // boot time plus two intervals, with slack for load
    });
}

BOOST_AUTO_TEST_CASE(outcomes_are_per_waiter)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        watch_hub hub(c, {.interval = 50ms});
        std::vector<std::string> ids;
        for (int i = 0; i < 4; ++i)
            ids.push_back((co_await async_create_host_resolved(c, "Ofc2C4G8xx", "4005")).id);
        // 0: reached; 1: cancelled; 2: deleted; 3: timed out.
        error_code r0, r1, r2, r3;
        int finished = 0;
        auto ex = co_await asio::this_coro::executor;
        asio::cancellation_signal sig;
        asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
            auto [ec, h] = co_await hub.async_power_on_and_wait(ids[0], quick(), token());
            r0 = ec;
            ++finished;
        }, asio::detached);
        asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
            auto [ec, h] = co_await hub.async_wait_for_status(ids[1], host_status::running, quick(),
                                                              asio::bind_cancellation_slot(sig.slot(), token()));
            r1 = ec;
            ++finished;
        }, asio::detached);
        asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
            auto [ec, h] = co_await hub.async_wait_for_status(ids[2], host_status::running, quick(), token());
            r2 = ec;
            ++finished;
        }, asio::detached);
        asio::co_spawn(ex, [&]() -> asio::awaitable<void> {
            auto [ec, h] = co_await hub.async_wait_for_status(ids[3], host_status::running, quick(600ms), token());
            r3 = ec;
            ++finished;
        }, asio::detached);
        co_await sleep_for(100ms);
        sig.emit(asio::cancellation_type::terminal);
        co_await c.async_delete_host(ids[2]);
        while (finished < 4)
            co_await sleep_for(20ms);
        BOOST_TEST(!r0);
        BOOST_TEST((r1 == asio::error::operation_aborted));
        BOOST_TEST((r2 == api_errc::host_not_found));
        BOOST_TEST((r3 == client_errc::timeout));
        auto rb = co_await hub.async_reboot_and_wait(ids[0], quick());
        BOOST_TEST((rb.status == host_status::running));
        auto off = co_await hub.async_power_off_and_wait(ids[0], quick());
        BOOST_TEST((off.status == host_status::off));
    });
}

BOOST_AUTO_TEST_CASE(destroying_the_hub_aborts_its_waits)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto id = (co_await async_create_host_resolved(c, "Ofc2C4G8xx", "4005")).id;
        error_code result;
        bool done = false;
        {
            watch_hub hub(c, {.interval = 50ms});
            hub.async_wait_for_status(id, host_status::running, quick(), [&](error_code ec, host) {
                result = ec;
                done = true;
            });
            co_await sleep_for(100ms);
        }
        co_await sleep_for(50ms);
        BOOST_TEST(done);
        BOOST_TEST((result == asio::error::operation_aborted));
    });
}

// A wait registered while the hub sleeps is looked at after its own first_delay, not when the
// hub wakes for another wait (another's first look, or the next round): it used to wait for that.
BOOST_AUTO_TEST_CASE(a_wait_registered_while_the_hub_sleeps_is_looked_at_promptly)
{
    auto ids = sim.add_hosts("A27550582", 3, "Ofc2C4G8xx", "", 2);   // running
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        int aborted = 0;
        auto count_aborted = [&](error_code ec, host) { aborted += ec == asio::error::operation_aborted; };
        {
            watch_hub hub(c, {.interval = 4s});
            auto late = quick(10s);
            late.first_delay = 3s;   // the hub sleeps until this first look
            hub.async_wait_for_status(ids[0], host_status::off, late, count_aborted);
            co_await sleep_for(100ms);
            auto start = std::chrono::steady_clock::now();
            auto [ec, h] = co_await hub.async_wait_for_status(ids[1], host_status::running, quick(), token());
            BOOST_TEST(!ec);
            BOOST_TEST((std::chrono::steady_clock::now() - start < 1s));   // not at 3 s

            // Between rounds: this wait's first round came at once, the next one is 4 s away.
            hub.async_wait_for_status(ids[2], host_status::off, quick(10s), count_aborted);
            co_await sleep_for(300ms);
            start = std::chrono::steady_clock::now();
            auto [ec2, h2] = co_await hub.async_wait_for_status(ids[1], host_status::running, quick(), token());
            BOOST_TEST(!ec2);
            BOOST_TEST((std::chrono::steady_clock::now() - start < 1s));   // not at the next round
            BOOST_TEST(hub.stats().waiting == 2u);
        }
        co_await sleep_for(100ms);
        BOOST_TEST(aborted == 2);
    });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(listings, fleet_fixture)

BOOST_AUTO_TEST_CASE(ten_thousand_hosts)
{
    auto ids = sim.add_hosts("A27550582", 10000, "Ofc2C4G8xx", "", 0);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto all = co_await async_list_all_hosts(c, {.concurrency = 8});
        BOOST_TEST(all.size() == 10000u);
        std::set<std::string> got;
        for (const auto& h : all)
            got.insert(h.id);
        BOOST_TEST((got == std::set<std::string>(ids.begin(), ids.end())));

        host_pager pager(c);
        std::size_t n = 0;
        int pages = 0;
        while (!pager.done())
        {
            auto p = co_await pager.async_next();
            n += p.items.size();
            ++pages;
        }
        BOOST_TEST(n == 10000u);
        BOOST_TEST(pages == 400);
    });
    BOOST_TEST(route_count("GET /v1/pve/open/mypage") == 800u);
}

BOOST_AUTO_TEST_CASE(all_disks_filtered)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        for (int i = 0; i < 45; ++i)
            co_await c.async_create_disk({i % 2 ? area::south_china : area::west_china, 20});
        auto all = co_await async_list_all_disks(c);
        BOOST_TEST(all.size() == 45u);
        disk_list_request f;
        f.area = area::south_china;
        auto south = co_await async_list_all_disks(c, f);
        BOOST_TEST(south.size() == 22u);
    });
}

BOOST_AUTO_TEST_CASE(empty_account)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        BOOST_TEST((co_await async_list_all_hosts(c)).empty());
        host_pager pager(c);
        auto p = co_await pager.async_next();
        BOOST_TEST(p.items.empty());
        BOOST_TEST(pager.done());
    });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(resolution, fleet_fixture)

BOOST_AUTO_TEST_CASE(concurrent_creates_each_get_their_own_host)
{
    sim.add_hosts("A27550582", 60, "Ofc2C4G8xx", "", 0);   // an account that is not empty
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        std::vector<std::string> got(12);
        auto ok = co_await run_concurrently(12, [&](int i) -> asio::awaitable<bool> {
            auto pkg = i % 2 ? "Ofc2C4G8xx" : "Wy1KiMqtPO";
            auto img = i % 2 ? "4005" : "507";
            auto [ec, h] = co_await async_create_host_resolved(c, pkg, img, token());
            got[static_cast<std::size_t>(i)] = h.id;
            co_return !ec && h.memory_gb == (i % 2 ? 8 : 16);
        });
        BOOST_TEST(std::count(ok.begin(), ok.end(), true) == 12);
        BOOST_TEST(std::set<std::string>(got.begin(), got.end()).size() == 12u);
        for (const auto& id : got)
            BOOST_TEST(!(co_await c.async_get_host(id)).id.empty());
        BOOST_TEST((co_await c.async_list_hosts(1, 1)).total == 72);
    });
}

BOOST_AUTO_TEST_CASE(a_failed_create_is_reported_and_releases_the_lock)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto [ec, h] = co_await async_create_host_resolved(c, "Wy1KiMqtPO", "4005", token());   // type mismatch
        BOOST_TEST((ec == api_errc::type_mismatch));
        auto ok = co_await async_create_host_resolved(c, "Wy1KiMqtPO", "507");
        BOOST_TEST(!ok.id.empty());
    });
}

BOOST_AUTO_TEST_SUITE_END()
