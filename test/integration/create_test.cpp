// SPDX-License-Identifier: BSL-1.0
// Fleet provisioning against the simulator over real TLS: batch creation in both createquantity
// modes, with refusals, ambiguous answers, throttling and cancellation; creates and waits through
// one hub; the rate governor and the retry budget under a throttling or failing server; and the
// composed operations' cancellation and robustness.
#include <boost/test/unit_test.hpp>

#include "client_test_support.hpp"

#include <finovy/create.hpp>
#include <finovy/listing.hpp>
#include <finovy/wait.hpp>
#include <finovy/watch_hub.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <set>

namespace {

sim::options provisioning_sim(sim::create_answer answers)
{
    auto o = fast_sim_options();
    o.boot_time = 150ms;
    o.create_answers = answers;
    return o;
}

struct answers_true : sim_fixture
{
    answers_true() : sim_fixture(provisioning_sim(sim::create_answer::true_value)) {}
};
struct answers_id : sim_fixture
{
    answers_id() : sim_fixture(provisioning_sim(sim::create_answer::host_id)) {}
};

wait_options quick()
{
    wait_options w;
    w.first_delay = 20ms;
    w.interval = 50ms;
    w.max_interval = 50ms;
    w.timeout = 10s;
    return w;
}

std::size_t hosts_in_sim(sim_fixture& f)
{
    auto s = f.sim.stats();
    return static_cast<std::size_t>(s.at("tenants").at("A27550582").at("hosts").to_number<std::int64_t>());
}

std::set<std::string> ids_of(const std::vector<created_host>& v)
{
    std::set<std::string> ids;
    for (const auto& h : v)
        if (h.ok())
            ids.insert(h.id);
    return ids;
}

}   // namespace

BOOST_AUTO_TEST_SUITE(batches)

BOOST_FIXTURE_TEST_CASE(answered_true_costs_a_listing_before_and_after, answers_true)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto made = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 30);
        BOOST_TEST(made.size() == 30u);
        BOOST_TEST(created_count(made) == 30u);
        BOOST_TEST(ids_of(made).size() == 30u);
        for (const auto& h : made)
        {
            BOOST_TEST_REQUIRE(h.details.has_value());
            BOOST_TEST(h.details->id == h.id);
            BOOST_TEST(h.details->memory_gb == 8);
        }
    });
    BOOST_TEST(route_count("POST /v1/pve/open/createquantity") == 30u);
    // 1 page before (empty), 2 after, and the 2 again a moment later to confirm (a lagging
    // listing could have hidden one of ours).
    BOOST_TEST(route_count("GET /v1/pve/open/mypage") == 5u);
    BOOST_TEST(hosts_in_sim(*this) == 30u);
}

BOOST_FIXTURE_TEST_CASE(answered_ids_cost_one_page_per_round, answers_id)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto made = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 30);
        BOOST_TEST(created_count(made) == 30u);
        BOOST_TEST(ids_of(made).size() == 30u);
        auto one = co_await async_create_host_resolved(c, "Ofc2C4G8xx", "4005");
        BOOST_TEST(!one.id.empty());
        BOOST_TEST(one.memory_gb == 8);
    });
    BOOST_TEST(route_count("POST /v1/pve/open/createquantity") == 31u);
    // Each round's marker (the first page), which a lost answer would need: nothing more.
    BOOST_TEST(route_count("GET /v1/pve/open/mypage") == 2u);
    BOOST_TEST(hosts_in_sim(*this) == 31u);
}

BOOST_FIXTURE_TEST_CASE(concurrent_batches_and_single_creates_each_get_their_own, answers_true)
{
    sim.add_hosts("A27550582", 40, "Ofc2C4G8xx", "", 0);   // an account that is not empty
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        std::vector<std::vector<created_host>> batches(4);
        std::vector<std::string> singles(20);
        auto ok = co_await run_concurrently(24, [&](int i) -> asio::awaitable<bool> {
            if (i < 4)
            {
                auto [ec, v] = co_await async_create_hosts(c, i % 2 ? "Ofc2C4G8xx" : "Wy1KiMqtPO", i % 2 ? "4005" : "507",
                                                           10, {}, token());
                batches[static_cast<std::size_t>(i)] = std::move(v);
                co_return !ec;
            }
            auto [ec, h] = co_await async_create_host_resolved(c, "Ofc2C4G8xx", "4005", token());
            singles[static_cast<std::size_t>(i - 4)] = h.id;
            co_return !ec && h.memory_gb == 8;
        });
        BOOST_TEST(std::count(ok.begin(), ok.end(), true) == 24);
        std::set<std::string> all(singles.begin(), singles.end());
        for (std::size_t b = 0; b < batches.size(); ++b)
        {
            BOOST_TEST(created_count(batches[b]) == 10u);
            for (const auto& h : batches[b])
            {
                all.insert(h.id);
                BOOST_TEST(h.details->memory_gb == (b % 2 ? 8 : 16));
            }
        }
        BOOST_TEST(all.size() == 60u);   // nobody got someone else's host
    });
    BOOST_TEST(hosts_in_sim(*this) == 100u);
    // Rounds, not a listing per create: far fewer pages than 2 x 60 x 4 pages.
    BOOST_TEST(route_count("GET /v1/pve/open/mypage") < 60u);
}

BOOST_FIXTURE_TEST_CASE(refusals_are_per_host_and_nothing_is_bought_twice, answers_true)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        // teTapaSUFq allows 50 hosts at once: the rest are refused with 6002.
        auto made = co_await async_create_hosts(c, "teTapaSUFq", "507", 55);
        BOOST_TEST(created_count(made) == 50u);
        std::size_t refused = 0;
        for (const auto& h : made)
            if (h.result == created_host::outcome::refused)
            {
                ++refused;
                BOOST_TEST((h.error == api_errc::insufficient_resources));
            }
        BOOST_TEST(refused == 5u);
        // A refusal of the whole batch's kind: every slot says why.
        auto mismatch = co_await async_create_hosts(c, "Wy1KiMqtPO", "4005", 3);
        for (const auto& h : mismatch)
            BOOST_TEST((h.error == api_errc::type_mismatch));
    });
    BOOST_TEST(hosts_in_sim(*this) == 50u);
}

BOOST_FIXTURE_TEST_CASE(ambiguous_answers_are_reconciled_by_the_listing, answers_true)
{
    // 1005 after the server acted: the client must not resend; the listing shows the hosts.
    sim.script({.path = "createquantity", .method = "POST", .count = 3, .code = 1005, .process = true});
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto made = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 10);
        BOOST_TEST(created_count(made) == 10u);
        BOOST_TEST(ids_of(made).size() == 10u);
    });
    BOOST_TEST(route_count("POST /v1/pve/open/createquantity") == 10u);   // none resent
    BOOST_TEST(hosts_in_sim(*this) == 10u);
}

// Issue 17: lost answers are reconciled in both modes; when ids are answered, one listing after the
// round that had them (before, they stayed unknown).
BOOST_FIXTURE_TEST_CASE(ambiguous_answers_are_reconciled_when_ids_are_answered_too, answers_id)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        co_await async_create_host_resolved(c, "Ofc2C4G8xx", "4005");
        sim.script({.path = "createquantity", .method = "POST", .count = 2, .process = true, .reset = true});
        auto made = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 10, {.concurrency = 1});
        BOOST_TEST(created_count(made) == 10u);
        BOOST_TEST(ids_of(made).size() == 10u);
        for (const auto& h : made)
            BOOST_TEST((h.result == created_host::outcome::created));
    });
    BOOST_TEST(hosts_in_sim(*this) == 11u);   // the two lost ones were made, and not twice
    BOOST_TEST(route_count("POST /v1/pve/open/createquantity") == 11u);
    BOOST_TEST(route_count("GET /v1/pve/open/mypage") == 4u);   // two markers, one listing after, its confirmation
}

BOOST_FIXTURE_TEST_CASE(throttled_creates_are_resent_until_they_pass, answers_id)
{
    sim::fault_options f;
    f.rate_limit_rps = 20;
    sim.set_faults(f);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto made = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 40, {.concurrency = 16});
        BOOST_TEST(created_count(made) == 40u);
        auto st = c.stats();
        BOOST_TEST(st.throttled > 0u);
        BOOST_TEST(st.rate_limit > 0.0);
        BOOST_TEST(st.connections_opened <= 16u);   // throttled answers keep their connection
    });
    BOOST_TEST(hosts_in_sim(*this) == 40u);
}

BOOST_FIXTURE_TEST_CASE(a_batch_is_cancellable_as_a_whole, answers_true)
{
    sim::fault_options f;
    f.latency = 60ms;
    f.paths = {"createquantity"};
    sim.set_faults(f);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        asio::cancellation_signal sig;
        asio::steady_timer t(co_await asio::this_coro::executor, 200ms);
        t.async_wait([&](error_code) { sig.emit(asio::cancellation_type::terminal); });
        auto start = std::chrono::steady_clock::now();
        auto [ec, made] = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 40, {.concurrency = 2}, call_context{},
                                                      asio::bind_cancellation_slot(sig.slot(), token()));
        BOOST_TEST((ec == asio::error::operation_aborted));
        BOOST_TEST((std::chrono::steady_clock::now() - start < 2s));
        std::size_t cancelled = 0;
        for (const auto& h : made)
            cancelled += h.result == created_host::outcome::cancelled ? 1 : 0;
        BOOST_TEST(cancelled >= 20u);   // not sent
        BOOST_TEST(hosts_in_sim(*this) == created_count(made));
    });
}

BOOST_FIXTURE_TEST_CASE(created_and_running_through_one_hub, answers_true)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        create_wait_options o;
        o.wait = quick();
        o.hub.interval = 100ms;
        auto made = co_await async_create_hosts_and_wait(c, "Ofc2C4G8xx", "4005", 40, o);
        BOOST_TEST(created_count(made) == 40u);
        for (const auto& h : made)
        {
            BOOST_TEST_REQUIRE(h.details.has_value());
            BOOST_TEST((h.details->status == host_status::running));
        }
    });
    BOOST_TEST(route_count("GET /v1/pve/open/operate/{id}") == 40u);
    // Polling by pages: far fewer reads than hosts.
    BOOST_TEST(route_count("GET /v1/pve/open/one/{id}") < 40u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(governance, sim_fixture)

BOOST_AUTO_TEST_CASE(throttled_reads_never_fail_and_keep_their_connections)
{
    auto id = sim.add_hosts("A27550582", 1, "Ofc2C4G8xx", "", 2).front();
    sim::fault_options f;
    f.rate_limit_rps = 100;
    sim.set_faults(f);
    run([&]() -> asio::awaitable<void> {
        auto o = options();
        o.max_connections = 16;
        client c(co_await asio::this_coro::executor, o);
        int next = 0, failed = 0;
        co_await run_concurrently(200, [&](int) -> asio::awaitable<bool> {
            while (next < 300)
            {
                ++next;
                auto [ec, h] = co_await c.async_get_host(id, token());
                failed += ec ? 1 : 0;
            }
            co_return true;
        });
        auto st = c.stats();
        BOOST_TEST_MESSAGE("throttled " << st.throttled << " of " << st.attempts << ", rate " << st.rate_limit
                                        << ", connections " << st.connections_opened);
        BOOST_TEST(failed == 0);
        BOOST_TEST(st.connections_opened <= 16u);
        BOOST_TEST(st.throttled * 5 < st.attempts);   // the governor learnt the pace
    });
}

BOOST_AUTO_TEST_CASE(the_retry_budget_stops_a_retry_storm)
{
    auto id = sim.add_hosts("A27550582", 1, "Ofc2C4G8xx", "", 2).front();
    sim::fault_options f;
    f.http_error_rate = 1;
    f.paths = {"/one/"};
    sim.set_faults(f);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        co_await run_concurrently(20, [&](int) -> asio::awaitable<bool> {
            for (int k = 0; k < 30; ++k)
                co_await c.async_get_host(id, token());
            co_return true;
        });
        auto st = c.stats();
        BOOST_TEST_MESSAGE("600 calls, " << st.attempts << " requests, " << st.retries_denied << " retries denied");
        BOOST_TEST(st.attempts <= 600u + 100u);   // the budget: 500 tokens at 5 a retry
        BOOST_TEST(st.retries_denied > 0u);
    });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(composed_robustness, answers_true)

// Issue 11, defect 3: a cancellation that arrives while a step completes is not wiped by the next.
BOOST_AUTO_TEST_CASE(cancelled_between_create_and_power_on_sends_no_power_on)
{
    run([&]() -> asio::awaitable<void> {
        asio::cancellation_signal sig;
        auto o = options();
        o.thread_safe = false;   // the observer emits on this thread
        o.observer = [&](const attempt_event& e) {
            if (std::string_view(e.operation) == "create_pay_as_you_go_host" && !e.error)
                sig.emit(asio::cancellation_type::terminal);
        };
        client c(co_await asio::this_coro::executor, o);
        auto [ec, h] = co_await async_create_host_and_wait(c, "Ofc2C4G8xx", "4005", {.target = host_status::running, .wait = quick()},
                                                           asio::bind_cancellation_slot(sig.slot(), token()));
        BOOST_TEST((ec == asio::error::operation_aborted));
    });
    BOOST_TEST(route_count("GET /v1/pve/open/operate/{id}") == 0u);
}

BOOST_AUTO_TEST_CASE(cancelled_during_a_power_change_does_not_poll_on)
{
    auto id = sim.add_hosts("A27550582", 1, "Ofc2C4G8xx", "", 0).front();
    run([&]() -> asio::awaitable<void> {
        asio::cancellation_signal sig;
        auto o = options();
        o.thread_safe = false;
        o.observer = [&](const attempt_event& e) {
            if (std::string_view(e.operation) == "power_on")
                sig.emit(asio::cancellation_type::terminal);
        };
        client c(co_await asio::this_coro::executor, o);
        auto w = quick();
        w.first_delay = 300ms;
        auto start = std::chrono::steady_clock::now();
        auto [ec, h] = co_await async_power_on_and_wait(c, id, w, asio::bind_cancellation_slot(sig.slot(), token()));
        BOOST_TEST((ec == asio::error::operation_aborted));
        BOOST_TEST((std::chrono::steady_clock::now() - start < 250ms));
    });
    BOOST_TEST(route_count("GET /v1/pve/open/one/{id}") == 0u);
}

// Issue 11, defect 2: an exception in on_observe ends its wait, not the hub.
BOOST_AUTO_TEST_CASE(a_throwing_observer_ends_only_its_wait)
{
    auto ids = sim.add_hosts("A27550582", 3, "Ofc2C4G8xx", "", 0);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        watch_hub hub(c, {.interval = 50ms});
        auto w = quick();
        auto bad = w;
        bad.on_observe = [](const host&) { throw std::runtime_error("display broken"); };
        error_code first, second;
        diagnostics d;
        auto done = co_await run_concurrently(2, [&](int i) -> asio::awaitable<bool> {
            if (i == 0)
                std::tie(first, std::ignore) = co_await hub.async_power_on_and_wait(ids[0], bad, d, token());
            else
                std::tie(second, std::ignore) = co_await hub.async_power_on_and_wait(ids[1], w, token());
            co_return true;
        });
        BOOST_TEST((first == client_errc::bad_response));
        BOOST_TEST(d.client_message().find("display broken") != std::string::npos, d.client_message());
        BOOST_TEST(!second);
        // The hub still polls for waits that come later.
        auto [third, h] = co_await hub.async_power_on_and_wait(ids[2], w, token());
        BOOST_TEST(!third);
        BOOST_TEST((h.status == host_status::running));
    });
}

BOOST_AUTO_TEST_CASE(disks_mounted_unmounted_and_destroyed)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto h = co_await async_create_host_resolved(c, "Ofc2C4G8xx", "4005");
        co_await async_power_on_and_wait(c, h.id, quick());
        co_await async_power_off_and_wait(c, h.id, quick());   // started once, now off: disks may mount
        disk_wait_options dw;
        dw.first_delay = 10ms;
        dw.interval = 20ms;
        dw.timeout = 5s;
        // (Named, not a temporary inside co_await: GCC 12 may destroy such temporaries twice.)
        disk_create_request mounted{area::south_china, 20, 1, h.id};
        auto id = co_await c.async_create_disk(mounted);
        auto in_use = co_await async_wait_for_disk_status(c, id, disk_status::in_use, dw);
        BOOST_TEST((in_use.status == disk_status::in_use));
        co_await c.async_unmount_disk(id);
        auto waiting = co_await async_wait_for_disk_status(c, id, disk_status::waiting, dw);
        BOOST_TEST((waiting.status == disk_status::waiting));
        co_await c.async_destroy_disk(id);
        co_await async_wait_for_disk_gone(c, id, dw);
        auto [ec, gone] = co_await c.async_get_disk(id, token());
        BOOST_TEST((ec == api_errc::disk_not_found));
        // A disk being destroyed can reach no status: the wait says so at once.
        disk_create_request plain{area::south_china, 20};
        auto other = co_await c.async_create_disk(plain);
        co_await c.async_destroy_disk(other);
        diagnostics d;
        auto [wec, seen] = co_await async_wait_for_disk_status(c, other, disk_status::in_use, dw, d, token());
        BOOST_TEST((wec == client_errc::unexpected_status || wec == api_errc::disk_not_found));
    });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(wait_events, answers_true)

// The waits and the hub tell client_options::events when a wait ends and when a hub round does,
// with the caller's tag (copied: the caller's buffer may be gone by then).
BOOST_AUTO_TEST_CASE(wait_ended_and_hub_round_events)
{
    auto ids = sim.add_hosts("A27550582", 3, "Ofc2C4G8xx", "", 0);
    std::vector<std::string> ended;
    std::size_t rounds = 0;
    run([&]() -> asio::awaitable<void> {
        auto o = options();
        o.events = [&](const client_event& e) {
            if (auto* w = std::get_if<wait_ended_event>(&e))
                ended.push_back(std::string(w->operation) + "/" + std::string(w->tag) + "/" + std::string(w->id) + "/" +
                                (w->error ? "failed" : "ok") + "/" + std::to_string(w->last_status));
            else if (std::holds_alternative<hub_round_event>(e))
                ++rounds;
        };
        client c(co_await asio::this_coro::executor, o);
        {
            std::string tag = "job-1";
            call_options call;
            call.tag = tag;
            bool done = false;
            async_power_on_and_wait(c, ids[0], quick(), call_context(call), [&](error_code, host) { done = true; });
            tag = "overwritten";   // the wait copied its tag when it started
            while (!done)
                co_await sleep_for(10ms);
        }
        watch_hub hub(c, {.interval = 50ms});
        std::string tag = "job-2";
        call_options call;
        call.tag = tag;
        co_await hub.async_power_on_and_wait(ids[1], quick(), call_context(call), token());
    });
    BOOST_TEST_REQUIRE(ended.size() == 2u);
    BOOST_TEST(ended[0] == "power_on_and_wait/job-1/" + ids[0] + "/ok/2");
    BOOST_TEST(ended[1] == "power_on_and_wait/job-2/" + ids[1] + "/ok/2");
    BOOST_TEST(rounds >= 1u);
}

BOOST_AUTO_TEST_SUITE_END()
