// SPDX-License-Identifier: BSL-1.0
// The client's transport against a faulty simulator: pool reuse, stale keep-alive connections,
// cancellation, timeouts, retries, the safety of creates, bad answers and TLS failures.
#include "client_test_support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

using finovy::sim::fault_options;
using finovy::sim::rate_limit_answer;

namespace {

std::int64_t count_hosts(sim_fixture& f)
{
    return f.sim.stats().at("tenants").at("A27550582").at("hosts").to_number<std::int64_t>();
}

}   // namespace

BOOST_FIXTURE_TEST_SUITE(transport, sim_fixture)

BOOST_AUTO_TEST_CASE(pool_reuses_few_connections_for_many_requests)
{
    auto o = options();
    o.max_connections = 4;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        auto ok = co_await run_concurrently(400, [&](int) -> asio::awaitable<bool> {
            auto [ec, v] = co_await c.async_list_images(token());
            co_return !ec;
        });
        BOOST_TEST(std::count(ok.begin(), ok.end(), true) == 400);
        auto st = c.stats();
        BOOST_TEST(st.connections_opened == 4u);
        BOOST_TEST(st.handshakes_full + st.handshakes_resumed == 4u);
        BOOST_TEST(st.connections_idle == 4u);
        BOOST_TEST(st.waiting_for_connection == 0u);
    });
    auto st = sim.stats();
    BOOST_TEST(st.at("connections").at("accepted").as_uint64() == 4u);
    BOOST_TEST(st.at("requests").at("by_route").at("GET /v1/pve/open/image").as_uint64() == 400u);
}

BOOST_AUTO_TEST_CASE(stale_keep_alive_connections_are_detected)
{
    fault_options f;
    f.close_every = 3;   // silently, without "Connection: close"
    sim.set_faults(f);
    auto o = options();
    o.max_connections = 2;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        for (int i = 0; i < 60; ++i)
        {
            auto [ec, v] = co_await c.async_list_images(token());
            BOOST_TEST_REQUIRE(!ec, ec.message());
            co_await sleep_for(1ms);
        }
        auto st = c.stats();
        BOOST_TEST(st.attempts == 60u);          // zero failed reads: no request was tried twice
        BOOST_TEST(st.stale_connections >= 15u);
        BOOST_TEST(st.handshakes_resumed >= 15u);   // reconnects resume the TLS session
        // Creates are safe too: a stale connection is noticed before anything is sent.
        for (int i = 0; i < 9; ++i)
        {
            auto [ec, id] = co_await c.async_create_pay_as_you_go_host("Ofc2C4G8xx", "4005", token());
            BOOST_TEST_REQUIRE(!ec, ec.message());
            co_await sleep_for(1ms);
        }
    });
    BOOST_TEST(count_hosts(*this) == 9);
}

BOOST_AUTO_TEST_CASE(hot_connections_closed_by_the_server_cost_no_attempt)
{
    fault_options f;
    f.close_every = 3;   // silently, without "Connection: close"
    sim.set_faults(f);
    auto o = options();
    o.max_connections = 1;
    o.retry.max_attempts = 1;   // no retries: only the free one after a hot connection died
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        for (int i = 0; i < 60; ++i)   // back to back: the connection is hot, not checked
        {
            auto [ec, v] = co_await c.async_list_images(token());
            BOOST_TEST_REQUIRE(!ec, ec.message());
        }
        auto st = c.stats();
        BOOST_TEST(st.attempts >= 60u);
        BOOST_TEST(st.attempts <= 80u);   // at most one more for each connection the server closed
        BOOST_TEST(st.connections_opened >= 20u);
    });
}

BOOST_AUTO_TEST_CASE(cancellation_is_prompt_and_closes_the_connection)
{
    run([&]() -> asio::awaitable<void> {
        auto o = options();
        o.max_connections = 1;
        client c(co_await asio::this_coro::executor, o);
        co_await c.async_list_images();   // one idle connection
        fault_options f;
        f.latency = 2000ms;
        sim.set_faults(f);

        asio::cancellation_signal sig;
        asio::steady_timer t(co_await asio::this_coro::executor, 100ms);
        t.async_wait([&](error_code) { sig.emit(asio::cancellation_type::terminal); });
        auto start = std::chrono::steady_clock::now();
        auto [ec, v] = co_await c.async_list_images(asio::bind_cancellation_slot(sig.slot(), token()));
        auto took = std::chrono::steady_clock::now() - start;
        BOOST_TEST((ec == asio::error::operation_aborted));
        BOOST_TEST((took < 500ms));
        auto st = c.stats();
        BOOST_TEST(st.connections_idle == 0u);   // the half-used connection was closed, not pooled
        BOOST_TEST(st.connections_busy == 0u);

        // Partial cancellation too, while waiting for the only connection.
        sim.set_faults({});
        f.latency = 300ms;
        sim.set_faults(f);
        bool first_ok = false;
        asio::co_spawn(
            co_await asio::this_coro::executor,
            [&]() -> asio::awaitable<void> {
                auto [e1, v1] = co_await c.async_list_images(token());
                first_ok = !e1;
            },
            asio::detached);
        co_await sleep_for(20ms);
        asio::cancellation_signal sig2;
        asio::steady_timer t2(co_await asio::this_coro::executor, 50ms);
        t2.async_wait([&](error_code) { sig2.emit(asio::cancellation_type::partial); });
        start = std::chrono::steady_clock::now();
        auto [ec2, v2] = co_await c.async_list_images(asio::bind_cancellation_slot(sig2.slot(), token()));
        BOOST_TEST((ec2 == asio::error::operation_aborted));
        BOOST_TEST((std::chrono::steady_clock::now() - start < 250ms));
        co_await sleep_for(400ms);
        BOOST_TEST(first_ok);   // cancelling one call affects no other
        sim.set_faults({});
        BOOST_TEST((co_await c.async_list_images()).size() == 5u);   // the pool still works
    });
}

BOOST_AUTO_TEST_CASE(cancelled_create_reports_its_uncertain_outcome)
{
    fault_options f;
    f.latency = 300ms;
    sim.set_faults(f);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        asio::cancellation_signal sig;
        asio::steady_timer t(co_await asio::this_coro::executor, 100ms);
        t.async_wait([&](error_code) { sig.emit(asio::cancellation_type::terminal); });
        diagnostics d;
        auto [ec, id] = co_await c.async_create_pay_as_you_go_host(
            "Ofc2C4G8xx", "4005", d, asio::bind_cancellation_slot(sig.slot(), token()));
        BOOST_TEST((ec == asio::error::operation_aborted));
        BOOST_TEST(d.client_message().find("outcome is unknown") != std::string::npos, d.client_message());
        co_await sleep_for(400ms);
    });
    sim.set_faults({});
    BOOST_TEST(count_hosts(*this) == 1);   // it did happen: the server never knew the client gave up
}

BOOST_AUTO_TEST_CASE(attempt_timeouts_deadlines_and_per_call_options)
{
    fault_options f;
    f.latency = 400ms;
    sim.set_faults(f);
    auto o = options();
    o.attempt_timeout = 100ms;
    o.retry.max_attempts = 1;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        auto start = std::chrono::steady_clock::now();
        diagnostics d;
        auto [ec, v] = co_await c.async_list_images(d, token());
        auto took = std::chrono::steady_clock::now() - start;
        BOOST_TEST((ec == client_errc::timeout));
        BOOST_TEST((took >= 100ms));
        BOOST_TEST((took < 350ms));

        // Retries within an overall deadline.
        call_options co;
        co.max_attempts = 10;
        co.deadline = 350ms;
        start = std::chrono::steady_clock::now();
        auto [ec2, v2] = co_await c.async_list_images(co, token());
        took = std::chrono::steady_clock::now() - start;
        BOOST_TEST((ec2 == client_errc::timeout));
        BOOST_TEST((took < 700ms));
        BOOST_TEST((took >= 300ms));

        // A longer per-call attempt timeout succeeds.
        call_options patient;
        patient.attempt_timeout = 2000ms;
        auto [ec3, v3] = co_await c.async_list_images(patient, token());
        BOOST_TEST(!ec3);
    });
}

BOOST_AUTO_TEST_CASE(a_create_whose_answer_is_lost_is_never_resent)
{
    fault_options f;
    f.reset_before_response_rate = 1;   // processed, then the connection is reset
    f.paths = {"createRent", "createquantity"};
    sim.set_faults(f);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        diagnostics d;
        auto [ec, id] = co_await c.async_create_fixed_period_host("Rnt8C32Gyy", "507", {period_unit::day, 1}, d, token());
        BOOST_TEST((ec == client_errc::outcome_unknown));
        BOOST_TEST(d.attempts() == 1);
        BOOST_TEST(d.client_message().find("not resent") != std::string::npos, d.client_message());
        auto [ec2, id2] = co_await c.async_create_pay_as_you_go_host("Ofc2C4G8xx", "4005", token());
        BOOST_TEST((ec2 == client_errc::outcome_unknown));
        BOOST_TEST(c.stats().retries == 0u);
    });
    sim.set_faults({});
    BOOST_TEST(count_hosts(*this) == 2);   // exactly one of each, nothing bought twice
    BOOST_TEST(route_count("POST /v1/pve/open/createRent") == 1u);
}

BOOST_AUTO_TEST_CASE(gateway_errors_on_creates_are_uncertain_and_on_reads_retried)
{
    fault_options f;
    f.http_error_rate = 1;
    f.paths = {"createquantity"};
    sim.set_faults(f);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        diagnostics d;
        auto [ec, id] = co_await c.async_create_pay_as_you_go_host("Ofc2C4G8xx", "4005", d, token());
        BOOST_TEST((ec == client_errc::outcome_unknown));
        BOOST_TEST((d.http_status() == 502u || d.http_status() == 503u));
    });
    BOOST_TEST(route_count("POST /v1/pve/open/createquantity") == 0u);   // the 502 came first
    f.paths = {"image"};
    f.http_error_rate = 0.5;
    sim.set_faults(f);
    run([&]() -> asio::awaitable<void> {
        auto o = options();
        o.retry.max_attempts = 30;
        client c(co_await asio::this_coro::executor, o);
        for (int i = 0; i < 10; ++i)
            BOOST_TEST((co_await c.async_list_images()).size() == 5u);
        BOOST_TEST(c.stats().retries > 0u);
        f.http_error_rate = 1;
        sim.set_faults(f);
        diagnostics d;
        auto [ec, v] = co_await c.async_list_images(call_options{.max_attempts = 3}, token());
        BOOST_TEST((ec == client_errc::http_status));
    });
}

BOOST_AUTO_TEST_CASE(pending_creates_are_retried_and_bought_once)
{
    fault_options f;
    f.pending_rate = 0.6;
    sim.set_faults(f);
    auto o = options();
    o.retry.max_attempts = 40;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        for (int i = 0; i < 5; ++i)
            co_await c.async_create_fixed_period_host("Rnt8C32Gyy", "507", {period_unit::day, 1});
        BOOST_TEST(c.stats().retries > 0u);
    });
    BOOST_TEST(count_hosts(*this) == 5);
}

BOOST_AUTO_TEST_CASE(rate_limits_are_waited_out)
{
    fault_options f;
    f.rate_limit_rps = 20;
    sim.set_faults(f);
    auto o = options();
    o.retry.max_attempts = 50;
    o.retry.max_backoff = 100ms;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        for (int i = 0; i < 40; ++i)
            co_await c.async_list_images();
        f.rate_limit_mode = rate_limit_answer::http_429;
        sim.set_faults(f);
        for (int i = 0; i < 25; ++i)
            co_await c.async_list_images();
        BOOST_TEST(c.stats().retries > 0u);
    });
    auto inj = sim.stats().at("faults_injected");
    BOOST_TEST(inj.at("rate_limit").as_uint64() > 0u);
}

BOOST_AUTO_TEST_CASE(bad_answers_are_typed_errors)
{
    auto o = options();
    o.retry.max_attempts = 2;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        fault_options f;
        f.malformed_rate = 1;
        sim.set_faults(f);
        diagnostics d;
        auto [ec, v] = co_await c.async_list_images(d, token());
        BOOST_TEST((ec == client_errc::bad_response));
        BOOST_TEST(d.attempts() == 2);   // a read is retried
        BOOST_TEST(d.client_message().find("not JSON") != std::string::npos, d.client_message());
        auto [ec2, id] = co_await c.async_create_pay_as_you_go_host("Ofc2C4G8xx", "4005", token());
        BOOST_TEST((ec2 == client_errc::outcome_unknown));   // processed, then garbled
        f.malformed_rate = 0;
        f.truncated_rate = 1;
        sim.set_faults(f);
        auto [ec3, v3] = co_await c.async_list_images(token());
        BOOST_TEST((ec3 == client_errc::bad_response));
        f.truncated_rate = 0;
        f.reset_mid_response_rate = 1;
        sim.set_faults(f);
        auto [ec4, v4] = co_await c.async_list_images(d, token());
        BOOST_TEST(ec4);
        BOOST_TEST(d.client_message().find("cut short") != std::string::npos, d.client_message());
        sim.set_faults({});
        BOOST_TEST((co_await c.async_list_images()).size() == 5u);
    });
    sim.add_hosts("A27550582", 200, "Ofc2C4G8xx", "", 0);
    o.max_response_body = 4096;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        diagnostics d;
        auto [ec, p] = co_await c.async_list_hosts(1, 25, d, token());
        BOOST_TEST((ec == client_errc::body_too_large));
        BOOST_TEST(d.attempts() == 1);
    });
}

BOOST_AUTO_TEST_CASE(api_errors_with_http_statuses_keep_their_codes)
{
    fault_options f;
    f.error_http_status = true;
    sim.set_faults(f);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        diagnostics d;
        auto [ec, h] = co_await c.async_get_host("Nope123456", d, token());
        BOOST_TEST((ec == api_errc::host_not_found));
        BOOST_TEST(d.http_status() == 404u);
        BOOST_TEST(d.attempts() == 1);
    });
}

BOOST_AUTO_TEST_CASE(tls_resumption_on_reconnect)
{
    fault_options f;
    f.close_every = 1;
    sim.set_faults(f);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        for (int i = 0; i < 20; ++i)
            co_await c.async_list_images();
        auto st = c.stats();
        BOOST_TEST(st.handshakes_full == 1u);
        BOOST_TEST(st.handshakes_resumed == 19u);
    });
    auto tls = sim.stats().at("tls");
    BOOST_TEST(tls.at("handshakes_resumed").as_uint64() == 19u);
}

BOOST_AUTO_TEST_CASE(close_fails_waiting_and_new_calls)
{
    run([&]() -> asio::awaitable<void> {
        auto o = options();
        o.max_connections = 1;
        client c(co_await asio::this_coro::executor, o);
        fault_options f;
        f.latency = 200ms;
        sim.set_faults(f);
        error_code first, second;
        bool done1 = false, done2 = false;
        asio::co_spawn(co_await asio::this_coro::executor, [&]() -> asio::awaitable<void> {
            auto [e, v] = co_await c.async_list_images(token());
            first = e;
            done1 = true;
        }, asio::detached);
        asio::co_spawn(co_await asio::this_coro::executor, [&]() -> asio::awaitable<void> {
            auto [e, v] = co_await c.async_list_images(token());
            second = e;
            done2 = true;
        }, asio::detached);
        co_await sleep_for(50ms);
        c.close();
        co_await sleep_for(300ms);
        BOOST_TEST(done1);
        BOOST_TEST(!first);   // already talking to the server: finishes
        BOOST_TEST(done2);
        BOOST_TEST((second == client_errc::shut_down));
        BOOST_TEST((co_await code_of(c.async_list_images(token())) == client_errc::shut_down));
    });
}

// An answer of many TLS records and many receives (the wire receives 16 KiB at a time), on a
// connection that is then used again.
BOOST_AUTO_TEST_CASE(answers_larger_than_a_receive_arrive_whole)
{
    auto catalog = boost::json::parse(sim::default_catalog_json()).as_object();
    auto& images = catalog["images"].as_array();
    for (int i = 0; i < 1500; ++i)
    {
        const auto n = std::to_string(i);
        images.push_back(boost::json::object{{"imageId", std::to_string(90000 + i)},
                                             {"type", "ceph"},
                                             {"systemImageName", std::string("Image number ").append(n)},
                                             {"systemImageVersion", std::string("1.").append(n).append(" x64")}});
    }
    auto o = fast_sim_options();
    o.catalog_json = boost::json::serialize(catalog);
    BOOST_TEST_REQUIRE(o.catalog_json.size() > 6 * 16 * 1024);
    sim_fixture big(o);
    run([&]() -> asio::awaitable<void> {
        auto opts = big.options();
        opts.max_connections = 1;
        client c(co_await asio::this_coro::executor, opts);
        for (int round = 0; round < 3; ++round)
        {
            auto list = co_await c.async_list_images();
            BOOST_TEST_REQUIRE(list.size() == 1505u);
            BOOST_TEST(list.back().id == "91499");
            BOOST_TEST(list.back().system_version == "1.1499 x64");
            auto packages = co_await c.async_list_packages(billing_kind::pay_as_you_go);
            BOOST_TEST(!packages.empty());
        }
        BOOST_TEST(c.stats().connections_opened == 1u);
    });
    BOOST_TEST(big.sim.stats().at("connections").at("accepted").as_uint64() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tls_failures)

BOOST_AUTO_TEST_CASE(untrusted_ca)
{
    sim_fixture f;
    auto o = f.options();
    o.ca_file.clear();   // the system's store does not know the simulator's CA
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        diagnostics d;
        auto [ec, v] = co_await c.async_list_images(d, token());
        BOOST_TEST((ec.category() == asio::error::get_ssl_category()));
        BOOST_TEST(d.client_message().find("certificate") != std::string::npos, d.client_message());
        BOOST_TEST(d.client_message().find("TLS handshake") != std::string::npos, d.client_message());
    });
}

BOOST_AUTO_TEST_CASE(wrong_host_name)
{
    auto so = fast_sim_options();
    so.cert_names = {"api.example.invalid"};
    sim_fixture f(so);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, f.options());
        diagnostics d;
        auto [ec, v] = co_await c.async_list_images(d, token());
        BOOST_TEST(ec);
        BOOST_TEST(d.client_message().find("mismatch") != std::string::npos, d.client_message());
    });
    // The right name, through tls_server_name, works.
    auto o = f.options();
    o.tls_server_name = "api.example.invalid";
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        BOOST_TEST((co_await c.async_list_images()).size() == 5u);
    });
}

BOOST_AUTO_TEST_CASE(nothing_listening)
{
    sim_fixture f;
    auto o = f.options();
    o.endpoint = "https://127.0.0.1:1";
    o.retry.max_attempts = 2;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        diagnostics d;
        auto [ec, v] = co_await c.async_list_images(d, token());
        BOOST_TEST((ec == asio::error::connection_refused));
        BOOST_TEST(d.client_message().find("cannot connect") != std::string::npos, d.client_message());
        BOOST_TEST(d.attempts() == 2);
    });
}

BOOST_AUTO_TEST_SUITE_END()
