// SPDX-License-Identifier: BSL-1.0
// client_options::credentials (credentials.hpp) against the simulator: one provider call for many
// waiting calls, renewal and rotation, errors reaching every waiting call, a provider that never
// answers, and secrecy.
#include <boost/test/unit_test.hpp>

#include "client_test_support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>

#include <memory>
#include <sstream>

namespace {

// A provider answering `answer(request)` after `delay`, on the test's executor, and counting calls.
struct scripted_provider
{
    asio::any_io_executor ex;
    std::chrono::milliseconds delay{20};
    std::function<std::pair<error_code, provided_credentials>(const credential_request&)> answer;
    std::vector<credential_request> requests;

    credential_provider get()
    {
        return [this](credential_request req, credential_handler h) {
            requests.push_back(req);
            auto [ec, creds] = answer(req);
            auto t = std::make_shared<asio::steady_timer>(ex, delay);
            t->async_wait([t, ec = ec, creds = std::move(creds), h = std::move(h)](error_code) mutable {
                std::move(h)(ec, std::move(creds));
            });
        };
    }
};

std::pair<error_code, provided_credentials> token_answer(std::string t,
                                                         std::optional<std::chrono::milliseconds> life = {})
{
    return {error_code{}, provided_credentials::from_token(std::move(t), life)};
}

}   // namespace

BOOST_FIXTURE_TEST_SUITE(credential_provider_tests, sim_fixture)

BOOST_AUTO_TEST_CASE(one_provider_call_for_a_thousand_waiting_calls)
{
    run([&]() -> asio::awaitable<void> {
        scripted_provider p{co_await asio::this_coro::executor};
        p.answer = [](const credential_request&) { return token_answer(static_token); };
        auto o = options();
        o.access_token.clear();
        o.credentials = p.get();
        client c(co_await asio::this_coro::executor, o);
        auto results = co_await run_concurrently(1000, [&](int) -> asio::awaitable<bool> {
            auto [ec, v] = co_await c.async_list_images(token());
            co_return !ec;
        });
        BOOST_TEST(std::count(results.begin(), results.end(), true) == 1000);
        BOOST_TEST(p.requests.size() == 1u);
        BOOST_TEST(!p.requests[0].rejected);
        BOOST_TEST(c.stats().token_fetches == 1u);
        BOOST_TEST(route_count("POST /v1/auth/getToken") == 0u);   // a token needs no getToken
        for (int i = 0; i < 5; ++i)
            co_await c.async_get_host("Nope123456", token());
        BOOST_TEST(p.requests.size() == 1u);   // no lifetime: kept until the server refuses it
    });
}

BOOST_AUTO_TEST_CASE(uuid_and_secret_from_the_provider_go_through_get_token)
{
    std::vector<std::string> log;
    run([&]() -> asio::awaitable<void> {
        scripted_provider p{co_await asio::this_coro::executor};
        p.answer = [&](const credential_request&) {
            return std::pair{error_code{}, provided_credentials::from_secret(sim.first_tenant().uuid,
                                                                             sim.first_tenant().secret)};
        };
        auto o = options();
        o.access_token.clear();
        o.credentials = p.get();
        o.events = [&](const client_event& e) {
            std::visit(
                [&](const auto& ev) {
                    std::ostringstream os;
                    if constexpr (requires { ev.trace_id; })
                        os << ev.operation << ' ' << ev.trace_id << ' ' << ev.error.message();
                    log.push_back(os.str());
                },
                e);
        };
        client c(co_await asio::this_coro::executor, o);
        auto results = co_await run_concurrently(100, [&](int) -> asio::awaitable<bool> {
            auto [ec, v] = co_await c.async_list_images(token());
            co_return !ec;
        });
        BOOST_TEST(std::count(results.begin(), results.end(), true) == 100);
        BOOST_TEST(p.requests.size() == 1u);
        BOOST_TEST(route_count("POST /v1/auth/getToken") == 1u);
        BOOST_TEST(c.stats().token_fetches == 1u);
    });
    BOOST_TEST(log.size() > 100u);
    for (const auto& line : log)
        BOOST_TEST(line.find(sim.first_tenant().secret) == std::string::npos, line);
}

BOOST_AUTO_TEST_CASE(a_refused_token_is_rotated_once)
{
    run([&]() -> asio::awaitable<void> {
        scripted_provider p{co_await asio::this_coro::executor};
        // The first token is refused (401); asked again, the provider rotates to a good one.
        p.answer = [&](const credential_request& r) {
            return token_answer(r.rejected ? static_token : "revoked-token-0123456789");
        };
        auto o = options();
        o.access_token.clear();
        o.credentials = p.get();
        client c(co_await asio::this_coro::executor, o);
        auto results = co_await run_concurrently(20, [&](int) -> asio::awaitable<bool> {
            auto [ec, v] = co_await c.async_list_images(token());
            co_return !ec;
        });
        BOOST_TEST(std::count(results.begin(), results.end(), true) == 20);
        BOOST_TEST_REQUIRE(p.requests.size() == 2u);   // concurrent 401s, one rotation
        BOOST_TEST(!p.requests[0].rejected);
        BOOST_TEST(p.requests[1].rejected);

        // A provider that keeps giving a refused token: the call fails with the server's 401
        // after one renewal, not in a loop.
        scripted_provider bad{co_await asio::this_coro::executor};
        bad.answer = [&](const credential_request&) { return token_answer("revoked-token-0123456789"); };
        o.credentials = bad.get();
        client b(co_await asio::this_coro::executor, o);
        diagnostics d;
        auto [ec, v] = co_await b.async_list_images(d, token());
        BOOST_TEST((ec == api_errc::unauthorized));
        BOOST_TEST(bad.requests.size() == 2u);
        BOOST_TEST(d.describe(ec).find("revoked-token") == std::string::npos);
    });
}

BOOST_AUTO_TEST_CASE(a_token_with_a_lifetime_is_renewed_before_it_runs_out)
{
    run([&]() -> asio::awaitable<void> {
        scripted_provider p{co_await asio::this_coro::executor};
        p.delay = 1ms;
        p.answer = [](const credential_request&) { return token_answer(static_token, 400ms); };
        auto o = options();
        o.access_token.clear();
        o.credentials = p.get();
        client c(co_await asio::this_coro::executor, o);
        auto until = std::chrono::steady_clock::now() + 1000ms;
        int calls = 0;
        while (std::chrono::steady_clock::now() < until)
        {
            auto [ec, v] = co_await c.async_list_images(token());
            BOOST_TEST_REQUIRE(!ec, ec.message());
            ++calls;
            co_await sleep_for(20ms);
        }
        BOOST_TEST(calls > 10);
        BOOST_TEST(p.requests.size() >= 3u);   // renewed 200 ms before each expiry
        BOOST_TEST(p.requests.size() <= 8u);   // but not per call
        for (const auto& r : p.requests)
            BOOST_TEST(!r.rejected);
    });
}

BOOST_AUTO_TEST_CASE(a_provider_error_reaches_every_waiting_call)
{
    const error_code vault_down = make_error_code(boost::system::errc::host_unreachable);
    run([&]() -> asio::awaitable<void> {
        scripted_provider p{co_await asio::this_coro::executor};
        p.answer = [&](const credential_request&) {
            if (p.requests.size() == 1)
                return std::pair{vault_down, provided_credentials{}};
            return token_answer(static_token);
        };
        auto o = options();
        o.access_token.clear();
        o.credentials = p.get();
        client c(co_await asio::this_coro::executor, o);
        std::vector<std::string> messages;
        auto results = co_await run_concurrently(50, [&](int) -> asio::awaitable<bool> {
            diagnostics d;
            auto [ec, v] = co_await c.async_list_images(d, token());
            messages.push_back(d.describe(ec));
            co_return ec == vault_down;
        });
        BOOST_TEST(std::count(results.begin(), results.end(), true) == 50);
        BOOST_TEST(p.requests.size() == 1u);
        for (const auto& m : messages)
            BOOST_TEST(m.find("the credential provider failed") != std::string::npos, m);
        // The next call asks again.
        BOOST_TEST(!(co_await code_of(c.async_list_images(token()))));
        BOOST_TEST(p.requests.size() == 2u);

        // Neither a token nor a uuid and secret: no_credentials.
        scripted_provider empty{co_await asio::this_coro::executor};
        empty.answer = [](const credential_request&) { return std::pair{error_code{}, provided_credentials{}}; };
        o.credentials = empty.get();
        client e(co_await asio::this_coro::executor, o);
        BOOST_TEST((co_await code_of(e.async_list_images(token())) == client_errc::no_credentials));

        // A provider that throws fails the calls, and the client goes on.
        auto t = o;
        t.credentials = [](credential_request, credential_handler) { throw std::runtime_error("vault client bug"); };
        client thrower(co_await asio::this_coro::executor, t);
        BOOST_TEST((co_await code_of(thrower.async_list_images(token())) == client_errc::no_credentials));
    });
}

BOOST_AUTO_TEST_CASE(a_provider_that_never_answers_is_bounded_by_the_deadline)
{
    std::vector<credential_handler> held;   // never completed
    bool cancel_seen = false;
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        int asked = 0;
        auto o = options();
        o.access_token.clear();
        o.deadline = 600ms;   // the provider is abandoned after this
        o.credentials = [&](credential_request, credential_handler h) {
            if (++asked == 1)
            {
                auto slot = asio::get_associated_cancellation_slot(h);
                BOOST_TEST(slot.is_connected());
                slot.assign([&](asio::cancellation_type) { cancel_seen = true; });
                held.push_back(std::move(h));
                return;
            }
            auto t = std::make_shared<asio::steady_timer>(ex, 1ms);
            t->async_wait([t, h = std::move(h)](error_code) mutable {
                std::move(h)(error_code{}, provided_credentials::from_token(static_token));
            });
        };
        client c(ex, o);
        auto began = std::chrono::steady_clock::now();
        auto results = co_await run_concurrently(10, [&](int) -> asio::awaitable<bool> {
            auto [ec, v] = co_await c.async_list_images(call_options{.deadline = 200ms}, token());
            co_return ec == client_errc::timeout;
        });
        auto took = std::chrono::steady_clock::now() - began;
        BOOST_TEST(std::count(results.begin(), results.end(), true) == 10);
        BOOST_TEST(took >= 190ms);
        BOOST_TEST(took < 500ms);
        BOOST_TEST(asked == 1);
        // Past client_options::deadline the provider call is abandoned: the next call asks again.
        co_await sleep_for(500ms);
        BOOST_TEST(cancel_seen);
        BOOST_TEST(!(co_await code_of(c.async_list_images(token()))));
        BOOST_TEST(asked == 2);
    });
    held.clear();
}

BOOST_AUTO_TEST_CASE(a_provider_with_other_credentials_is_refused)
{
    asio::io_context ioc;
    auto o = options();   // has an access token
    o.credentials = [](credential_request, credential_handler) {};
    BOOST_CHECK_THROW(client(ioc, o), std::invalid_argument);
    auto s = secret_options();
    s.credentials = o.credentials;
    BOOST_CHECK_THROW(client(ioc, s), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
