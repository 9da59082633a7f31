// SPDX-License-Identifier: BSL-1.0
// Every operation of the client against the simulator over real TLS: successes, each documented
// error code, completion tokens, diagnostics, and the token lifecycle.
#define BOOST_TEST_MODULE finovy_client
#include <boost/test/unit_test.hpp>

#include "client_test_support.hpp"

#include <boost/asio/deferred.hpp>
#include <boost/asio/use_future.hpp>

#include <future>
#include <thread>

BOOST_FIXTURE_TEST_SUITE(operations, sim_fixture)

BOOST_AUTO_TEST_CASE(every_operation_succeeds)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto images = co_await c.async_list_images();
        BOOST_TEST(images.size() == 5u);
        auto payg = co_await c.async_list_packages(billing_kind::pay_as_you_go);
        auto fixed = co_await c.async_list_packages(billing_kind::fixed_period);
        BOOST_TEST(payg.size() == 4u);
        BOOST_TEST(fixed.size() == 3u);
        for (const auto& p : fixed)
            BOOST_TEST(p.allows(billing_kind::fixed_period));

        auto none = co_await c.async_create_pay_as_you_go_host("Ofc2C4G8xx", "4005");
        BOOST_TEST(!none.has_value());   // the documents' `true`
        auto rented = co_await c.async_create_fixed_period_host("Rnt8C32Gyy", "507", {period_unit::day, 2});
        BOOST_TEST(rented.size() == 10u);
        auto page = co_await c.async_list_hosts(1, 25);
        BOOST_TEST(page.total == 2);
        BOOST_TEST(page.number == 1);
        BOOST_TEST(page.size == 25);
        BOOST_TEST(page.items.at(0).id == rented);
        auto fixed_host = co_await c.async_get_host(rented);
        BOOST_TEST((fixed_host.billing == billing_kind::fixed_period));
        BOOST_TEST(fixed_host.expires.has_value());
        std::string id = page.items.at(1).id;

        co_await c.async_power_on(id);
        BOOST_TEST(((co_await c.async_get_host(id)).status == host_status::booting));
        co_await sleep_for(100ms);
        auto running = co_await c.async_get_host(id);
        BOOST_TEST((running.status == host_status::running));
        BOOST_TEST(running.password.has_value());
        co_await c.async_reboot(id);
        co_await sleep_for(100ms);
        co_await c.async_power_off(id);
        co_await sleep_for(100ms);
        BOOST_TEST(((co_await c.async_get_host(id)).status == host_status::off));

        disk_create_request dreq;
        dreq.area = area::south_china;
        dreq.size_gb = 40;
        dreq.mount_on = id;
        auto d = co_await c.async_create_disk(dreq);
        BOOST_TEST(!d.empty());
        auto free_disk = co_await c.async_create_disk({area::west_china, 25});
        co_await sleep_for(60ms);
        auto info = co_await c.async_get_disk(d);
        BOOST_TEST((info.status == disk_status::in_use));
        BOOST_TEST(info.host_id.value() == id);
        BOOST_TEST(info.size_gb == 40);
        disk_list_request lreq;
        auto disks = co_await c.async_list_disks(lreq);
        BOOST_TEST(disks.total == 2);
        lreq.area = area::west_china;
        BOOST_TEST((co_await c.async_list_disks(lreq)).items.at(0).id == free_disk);
        BOOST_TEST((co_await c.async_get_disk_usage(area::south_china)) == 40);
        co_await c.async_unmount_disk(d);
        co_await sleep_for(60ms);
        BOOST_TEST(((co_await c.async_get_disk(d)).status == disk_status::waiting));
        co_await c.async_mount_disk(d, id);
        co_await sleep_for(60ms);
        co_await c.async_unmount_disk(d);
        co_await sleep_for(60ms);
        co_await c.async_destroy_disk(d);
        co_await sleep_for(60ms);
        co_await c.async_delete_host(id);
        co_await c.async_delete_host(rented);
        BOOST_TEST((co_await c.async_list_hosts(1, 25)).total == 0);

        auto raw = co_await c.async_request(http::verb::get, "/__sim/health", {}, false, {});
        BOOST_TEST(raw.status == 200u);
        BOOST_TEST(raw.body == R"({"ok":true})");
        BOOST_TEST(c.stats().connections_opened == 1u);   // one kept-alive connection throughout
    });
}

BOOST_AUTO_TEST_CASE(documented_errors_arrive_as_api_codes)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        co_await c.async_create_pay_as_you_go_host("Ofc2C4G8xx", "4005");
        std::string id = (co_await c.async_list_hosts(1, 1)).items.at(0).id;

        BOOST_TEST((co_await code_of(c.async_get_host("Nope123456", token())) == api_errc::host_not_found));
        BOOST_TEST((co_await code_of(c.async_create_pay_as_you_go_host("Wy1KiMqtPO", "4005", token())) ==
                    api_errc::type_mismatch));
        BOOST_TEST((co_await code_of(c.async_reboot(id, token())) == api_errc::host_never_started));
        co_await c.async_power_on(id);
        BOOST_TEST((co_await code_of(c.async_power_off(id, token())) == api_errc::host_booting));
        co_await sleep_for(100ms);
        co_await c.async_power_off(id);
        BOOST_TEST((co_await code_of(c.async_power_on(id, token())) == api_errc::host_shutting_down));
        co_await sleep_for(100ms);
        BOOST_TEST((co_await code_of(c.async_reboot(id, token())) == api_errc::host_not_running));
        co_await c.async_create_pay_as_you_go_host("Lmt1GPUzzz", "4005");
        BOOST_TEST((co_await code_of(c.async_create_pay_as_you_go_host("Lmt1GPUzzz", "4005", token())) ==
                    api_errc::insufficient_resources));
        BOOST_TEST((co_await code_of(c.async_get_disk("Nope123456", token())) == api_errc::disk_not_found));
        BOOST_TEST((co_await code_of(c.async_create_disk({area::south_china, 10}, token())) == api_errc::disk_too_small));
        BOOST_TEST((co_await code_of(c.async_create_disk({area::south_china, 2000}, token())) == api_errc::disk_too_large));
        co_await c.async_power_on(id);
        co_await sleep_for(100ms);
        disk_create_request mount_running{area::south_china, 20, 1, id};
        BOOST_TEST((co_await code_of(c.async_create_disk(mount_running, token())) == api_errc::disk_host_not_off));
        disk_create_request wrong_area{area::international, 20, 1, id};
        BOOST_TEST((co_await code_of(c.async_create_disk(wrong_area, token())) == api_errc::disk_area_mismatch));
    });

    // Another tenant: unverified (1037) and poor (9001, 6003).
    auto o = options();
    o.access_token.clear();
    o.uuid = "U00000001";
    o.secret = "unverified-secret";
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        BOOST_TEST((co_await code_of(c.async_create_pay_as_you_go_host("Ofc2C4G8xx", "4005", token())) ==
                    api_errc::real_name_required));
    });
    o.uuid = "P00000001";
    o.secret = "poor-secret";
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        BOOST_TEST((co_await code_of(c.async_create_fixed_period_host("Rnt8C32Gyy", "507", {period_unit::year, 1}, token())) ==
                    api_errc::insufficient_balance));
        co_await c.async_create_pay_as_you_go_host("teTapaSUFq", "507");
        std::string id = (co_await c.async_list_hosts(1, 1)).items.at(0).id;
        BOOST_TEST((co_await code_of(c.async_power_on(id, token())) == api_errc::wallet_below_one_hour));
    });
}

BOOST_AUTO_TEST_CASE(diagnostics_through_both_paths)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        diagnostics diag;
        auto [ec, h] = co_await c.async_get_host("Nope123456", diag, token());
        BOOST_TEST((ec == api_errc::host_not_found));
        BOOST_TEST(diag.api_code() == 1021);
        BOOST_TEST(diag.api_message() == "机器不存在");
        BOOST_TEST(diag.trace_id().size() == 16u);
        BOOST_TEST(diag.http_status() == 200u);
        BOOST_TEST(h.id.empty());
        try
        {
            co_await c.async_get_host("Nope123456");
            BOOST_FAIL("expected an exception");
        }
        catch (const error_with_diagnostics& e)
        {
            BOOST_TEST((e.code() == api_errc::host_not_found));
            BOOST_TEST(e.get_diagnostics().trace_id().size() == 16u);
            BOOST_TEST(std::string(e.what()).find("traceId") != std::string::npos, e.what());
        }
        // The caller's diagnostics and the exception, both.
        diagnostics both;
        try
        {
            co_await c.async_get_disk("Nope123456", both);
        }
        catch (const error_with_diagnostics& e)
        {
            BOOST_TEST(e.get_diagnostics().api_code() == 220001);
        }
        BOOST_TEST(both.api_code() == 220001);
        // A success clears what a previous failure left.
        co_await c.async_list_images(both);
        BOOST_TEST(both.api_code() == 0);
    });
}

BOOST_AUTO_TEST_CASE(every_completion_token)
{
    asio::io_context ioc;
    client c(ioc, options());
    // Callback.
    std::size_t n = 0;
    c.async_list_images([&](error_code ec, std::vector<image> v) {
        BOOST_TEST(!ec);
        n = v.size();
    });
    // Deferred, launched with a callback.
    bool deferred_ran = false;
    auto op = c.async_list_packages(billing_kind::pay_as_you_go, asio::deferred);
    std::move(op)([&](error_code ec, std::vector<host_package> v) { deferred_ran = !ec && !v.empty(); });
    // as_tuple in a coroutine; redirect_error too.
    bool tuple_ok = false, redirect_ok = false;
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            auto [ec, v] = co_await c.async_list_images(asio::as_tuple(asio::use_awaitable));
            tuple_ok = !ec && v.size() == 5u;
            error_code rec;
            co_await c.async_get_host("Nope123456", asio::redirect_error(asio::use_awaitable, rec));
            redirect_ok = rec == api_errc::host_not_found;
        },
        asio::detached);
    ioc.run();
    BOOST_TEST(n == 5u);
    BOOST_TEST(deferred_ran);
    BOOST_TEST(tuple_ok);
    BOOST_TEST(redirect_ok);

    // use_future, with the io_context on another thread.
    ioc.restart();
    auto guard = asio::make_work_guard(ioc);
    std::thread t([&] { ioc.run(); });
    auto fut = c.async_list_images(asio::use_future);
    BOOST_TEST(fut.get().size() == 5u);
    auto bad = c.async_get_host("Nope123456", asio::use_future);
    try
    {
        bad.get();
        BOOST_FAIL("expected an exception");
    }
    catch (const boost::system::system_error& e)
    {
        BOOST_TEST((e.code() == api_errc::host_not_found));
    }
    guard.reset();
    c.close();
    t.join();
}

BOOST_AUTO_TEST_CASE(invalid_arguments_send_nothing)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        diagnostics d;
        for (auto bad : {"", "a/b", "../../x", "a b", "x?y=1", "a\r\nFinovy-Access-Token: x"})
        {
            auto [ec, h] = co_await c.async_get_host(bad, d, token());
            BOOST_TEST((ec == client_errc::invalid_argument), bad);
        }
        BOOST_TEST(!d.client_message().empty());
        BOOST_TEST((co_await code_of(c.async_list_hosts(0, 10, token())) == client_errc::invalid_argument));
        BOOST_TEST((co_await code_of(c.async_list_hosts(1, 26, token())) == client_errc::invalid_argument));
        BOOST_TEST((co_await code_of(c.async_create_fixed_period_host("p", "i", {period_unit::day, 0}, token())) ==
                    client_errc::invalid_argument));
        BOOST_TEST((co_await code_of(c.async_create_disk({area{9}, 20}, token())) == client_errc::invalid_argument));
        disk_list_request big;
        big.page_size = 101;
        BOOST_TEST((co_await code_of(c.async_list_disks(big, token())) == client_errc::invalid_argument));
        BOOST_TEST((co_await code_of(c.async_request(http::verb::get, "no-slash", {}, true, {}, token())) ==
                    client_errc::invalid_argument));
        BOOST_TEST(c.stats().attempts == 0u);
    });
    BOOST_TEST(sim.stats().at("requests").at("total").as_uint64() == 0u);
}

BOOST_AUTO_TEST_CASE(bad_configuration_is_refused_at_construction)
{
    asio::io_context ioc;
    auto o = options();
    o.endpoint = sim.url();
    o.endpoint.replace(0, 5, "http");   // http://
    BOOST_CHECK_THROW(client(ioc, o), std::invalid_argument);
    o.endpoint = "ftp://x";
    BOOST_CHECK_THROW(client(ioc, o), std::invalid_argument);
    o = options();
    o.ca_file = "/nonexistent/ca.pem";
    BOOST_CHECK_THROW(client(ioc, o), std::invalid_argument);
    o = options();
    o.access_token = "abc\r\nX: y";
    try
    {
        client bad(ioc, o);
        BOOST_FAIL("expected an exception");
    }
    catch (const std::invalid_argument& e)
    {
        BOOST_TEST(std::string(e.what()).find("abc") == std::string::npos);   // never echo a token
    }
    o = options();
    o.max_connections = 0;
    BOOST_CHECK_THROW(client(ioc, o), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(insecure_http_only_when_allowed)
{
    auto so = fast_sim_options();
    so.plain = true;
    sim::server plain(so);
    plain.start();
    auto o = options();
    o.endpoint = plain.url();
    o.ca_file.clear();
    asio::io_context ioc;
    BOOST_CHECK_THROW(client(ioc, o), std::invalid_argument);
    o.allow_insecure_http = true;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        BOOST_TEST((co_await c.async_list_images()).size() == 5u);
    });
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tokens)

BOOST_AUTO_TEST_CASE(fetched_once_for_many_concurrent_calls)
{
    sim_fixture f;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, f.secret_options());
        auto results = co_await run_concurrently(1000, [&](int) -> asio::awaitable<bool> {
            auto [ec, v] = co_await c.async_list_images(token());
            co_return !ec;
        });
        BOOST_TEST(std::count(results.begin(), results.end(), true) == 1000);
        BOOST_TEST(f.route_count("POST /v1/auth/getToken") == 1u);
        BOOST_TEST(c.stats().token_fetches == 1u);
    });
}

BOOST_AUTO_TEST_CASE(renewed_before_expiry)
{
    auto so = fast_sim_options();
    so.token_ttl = 600ms;   // renewed 300 ms before it runs out
    sim_fixture f(so);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, f.secret_options());
        auto until = std::chrono::steady_clock::now() + 2000ms;
        int calls = 0;
        while (std::chrono::steady_clock::now() < until)
        {
            auto [ec, v] = co_await c.async_list_images(token());
            BOOST_TEST_REQUIRE(!ec, ec.message());
            ++calls;
            co_await sleep_for(20ms);
        }
        BOOST_TEST(calls > 20);
        auto fetched = f.route_count("POST /v1/auth/getToken");
        BOOST_TEST(fetched >= 3u);    // several expiries crossed
        BOOST_TEST(fetched <= 12u);   // but not a fetch per call
    });
}

BOOST_AUTO_TEST_CASE(a_401_renews_the_token_once)
{
    sim_fixture f;
    auto o = f.secret_options();
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        co_await c.async_list_images();
        f.sim.reset_state();   // forgets every issued token: the next call gets 401
        auto results = co_await run_concurrently(20, [&](int) -> asio::awaitable<bool> {
            auto [ec, v] = co_await c.async_list_images(token());
            co_return !ec;
        });
        BOOST_TEST(std::count(results.begin(), results.end(), true) == 20);
        BOOST_TEST(f.route_count("POST /v1/auth/getToken") == 2u);   // concurrent 401s, one renewal
    });
}

BOOST_AUTO_TEST_CASE(bad_credentials_and_static_tokens)
{
    sim_fixture f;
    auto o = f.secret_options();
    o.secret = "wrong-secret-value";
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        diagnostics d;
        auto [ec, v] = co_await c.async_list_images(d, token());
        BOOST_TEST((ec == api_errc::permission_denied));
        BOOST_TEST(d.client_message().find("fetching a token") != std::string::npos, d.client_message());
        BOOST_TEST(d.describe(ec).find("wrong-secret-value") == std::string::npos);
        auto [ec2, t] = co_await c.async_get_token(token());
        BOOST_TEST((ec2 == api_errc::permission_denied));
    });
    auto s = f.options();
    s.access_token = "expired-static-token";
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, s);
        diagnostics d;
        auto [ec, v] = co_await c.async_list_images(d, token());
        BOOST_TEST((ec == api_errc::unauthorized));   // a static token is not renewed
        BOOST_TEST(d.describe(ec).find("expired-static-token") == std::string::npos);
        BOOST_TEST((co_await code_of(c.async_get_token(token())) == client_errc::no_credentials));
    });
    auto none = f.options();
    none.access_token.clear();
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, none);
        BOOST_TEST((co_await code_of(c.async_list_images(token())) == client_errc::no_credentials));
    });
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, f.secret_options());
        auto t = co_await c.async_get_token();
        BOOST_TEST(t.lifetime.count() == 1800000);
        BOOST_TEST(t.token.reveal().size() == 22u);
    });
}

BOOST_AUTO_TEST_CASE(secrets_never_reach_logs_or_errors)
{
    sim_fixture f;
    auto o = f.secret_options();
    std::vector<std::string> log;
    o.observer = [&](const attempt_event& e) {
        std::ostringstream os;
        os << e.operation << ' ' << http::to_string(e.method) << ' ' << e.path << ' ' << e.http_status << ' '
           << e.api_code << ' ' << e.trace_id << ' ' << e.error.message() << ' ' << e.latency.count();
        log.push_back(os.str());
    };
    std::string issued;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        co_await c.async_list_images();
        issued = std::string((co_await c.async_get_token()).token.reveal());
        diagnostics d;
        co_await c.async_get_host("Nope123456", d, token());
        log.push_back(d.describe(api_errc::host_not_found));
        auto [ec, t] = co_await c.async_get_token(asio::as_tuple(asio::use_awaitable));
        std::ostringstream os;
        os << t;
        log.push_back(os.str());
    });
    BOOST_TEST(log.size() >= 4u);
    BOOST_TEST(!issued.empty());
    for (const auto& line : log)
    {
        BOOST_TEST(line.find(o.secret) == std::string::npos, line);
        BOOST_TEST(line.find(issued) == std::string::npos, line);
    }
}

BOOST_AUTO_TEST_SUITE_END()
