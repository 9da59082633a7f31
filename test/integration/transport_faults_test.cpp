// SPDX-License-Identifier: BSL-1.0
// The transport on a scripted wire (test/common/scripted_wire.hpp): a failure at every step of an
// exchange and at every byte of an answer, and what the caller gets and the pool keeps; which
// answers keep a connection and which retire it; HEAD, interim answers, exceptions, DNS.
#define BOOST_TEST_MODULE finovy_transport
#include <boost/test/unit_test.hpp>

#include "../common/scripted_wire.hpp"
#include "client_test_support.hpp"

#include <finovy/impl/internal/client_impl.hpp>

namespace {

client_options scripted_options()
{
    client_options o;
    o.endpoint = "https://127.0.0.1:8443";   // never connected to: the script answers
    o.access_token = "scripted-token";
    o.retry.initial_backoff = 1ms;
    o.retry.max_backoff = 2ms;
    o.attempt_timeout = 30ms;   // a step that never completes costs this much
    o.deadline = 5s;
    o.ssl_context = shared_tls_context();
    return o;
}

enum class op_kind
{
    read,       // get_host: resent whenever it failed
    power_on,   // a change by GET
    create,     // a change by POST, with a body
};

const char* name(op_kind k)
{
    switch (k)
    {
    case op_kind::read: return "get_host";
    case op_kind::power_on: return "power_on";
    case op_kind::create: return "create";
    }
    return "?";
}

std::string_view target_of(op_kind k)
{
    switch (k)
    {
    case op_kind::read: return "/v1/pve/open/one/";
    case op_kind::power_on: return "/v1/pve/open/operate/";
    case op_kind::create: return "/v1/pve/open/createquantity";
    }
    return "?";
}

struct call_result
{
    error_code ec;
    int attempts = 0;
    std::string message;
};

asio::awaitable<call_result> call(client& c, op_kind k)
{
    diagnostics d;
    call_result r;
    if (k == op_kind::read)
    {
        auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", d, token());
        r.ec = ec;
        if (!ec && (h.id != "rEJjwEY5Wt" || h.cpu_count != 4))
            r.ec = client_errc::bad_response;   // decoded from something else than the answer
    }
    else if (k == op_kind::power_on)
    {
        auto [ec] = co_await c.async_power_on("rEJjwEY5Wt", d, token());
        r.ec = ec;
    }
    else
    {
        auto [ec, id] = co_await c.async_create_pay_as_you_go_host("Ofc2C4G8xx", "4005", d, token());
        r.ec = ec;
    }
    r.attempts = d.attempts();
    r.message = std::string(d.client_message());
    co_return r;
}

// What a caller must get when step `phase` failed with `f`.
struct expected
{
    bool success = false;
    error_code ec;
    std::size_t requests = 0;   // the script saw, for the operation's target
    int attempts = 0;
};

expected expect(op_kind k, char phase, fault f)
{
    const bool delivered = phase == 'r';
    if (!delivered && f == fault::certificate)
        return {false, code_of(f), 0, 1};   // permanent: retrying cannot heal a refused certificate
    if (!delivered)
        return {true, {}, 1, 2};            // provably not acted on: resent, even a change
    if (k == op_kind::read)
        return {true, {}, 2, 2};            // a read is resent
    return {false, client_errc::outcome_unknown, 1, 1};   // a change may have happened: never resent
}

// Checks what the pool kept: nothing busy, nothing broken, and the client still works.
asio::awaitable<void> check_pool_after(client& c, scripted_server& s, const std::string& where)
{
    auto st = c.stats();
    BOOST_TEST(st.connections_busy == 0u, where);
    BOOST_TEST(st.connections_idle <= 1u, where);
    BOOST_TEST(s.broken_open() == 0, where);
    BOOST_TEST(st.connections_opened == static_cast<std::uint64_t>(s.connects), where);
    auto later = co_await call(c, op_kind::read);
    BOOST_TEST(!later.ec, where << ": a later call: " << later.ec.message() << " " << later.message);
    BOOST_TEST(s.misuse == 0, where);
    BOOST_TEST(c.stats().connections_busy == 0u, where);
}

std::shared_ptr<scripted_server> chunky_script()
{
    auto s = scripted_server::make();
    s->read_chunk = 64;    // several reads per answer
    s->write_chunk = 40;   // several writes per request
    s->handshake_tries = 3;
    return s;
}

}   // namespace

BOOST_AUTO_TEST_SUITE(scripted_faults)

// The dry run's steps, then each of them failing in each way, for a read and two changes.
BOOST_AUTO_TEST_CASE(every_step_of_an_exchange)
{
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        for (op_kind k : {op_kind::read, op_kind::power_on, op_kind::create})
        {
            std::string phases;
            {
                auto s = chunky_script();
                client c(ex, scripted_options());
                s->install(c);
                auto r = co_await call(c, k);
                BOOST_TEST_REQUIRE(!r.ec, r.ec.message());
                phases = s->phases;
            }
            // Every phase is there, several times over.
            for (char p : std::string("cshwr"))
                BOOST_TEST_REQUIRE(std::count(phases.begin(), phases.end(), p) >= (p == 'c' || p == 's' ? 1 : 3),
                                   name(k) << " " << phases);
            for (std::size_t step = 1; step <= phases.size(); ++step)
            {
                for (fault f : {fault::reset, fault::eof, fault::timeout, fault::tls_error, fault::certificate,
                                fault::bad_alloc})
                {
                    const char phase = phases[step - 1];
                    std::ostringstream where;
                    where << name(k) << ", step " << step << " (" << phase << ") of " << phases << ": "
                          << to_string(f);
                    auto s = chunky_script();
                    s->fail_at = static_cast<int>(step);
                    s->fail_with = f;
                    client c(ex, scripted_options());
                    s->install(c);
                    auto r = co_await call(c, k);
                    const auto want = expect(k, phase, f);
                    if (want.success)
                        BOOST_TEST(!r.ec, where.str() << ": " << r.ec.message() << " " << r.message);
                    else
                        BOOST_TEST((r.ec == want.ec), where.str() << ": " << r.ec.message() << " " << r.message);
                    BOOST_TEST(s->count(target_of(k)) == want.requests, where.str());
                    BOOST_TEST(r.attempts == want.attempts, where.str());
                    if (f == fault::certificate && phase != 'r')
                        BOOST_TEST(s->tls_starts <= 1, where.str());   // one handshake, not four
                    if (!want.success && want.ec == client_errc::outcome_unknown)
                        BOOST_TEST(r.message.find("not resent") != std::string::npos, where.str() << ": " << r.message);
                    co_await check_pool_after(c, *s, where.str());
                }
            }
        }
    });
}

// The answer cut after each of its bytes, by an end of file or a reset.
BOOST_AUTO_TEST_CASE(every_byte_of_an_answer)
{
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        for (op_kind k : {op_kind::read, op_kind::power_on, op_kind::create})
        {
            std::size_t size = 0;
            {
                auto s = chunky_script();
                client c(ex, scripted_options());
                s->install(c);
                BOOST_TEST_REQUIRE(!(co_await call(c, k)).ec);
                size = s->answer_sizes.at(0);
            }
            for (std::size_t b = 0; b < size; ++b)
            {
                for (fault f : {fault::eof, fault::reset})
                {
                    std::ostringstream where;
                    where << name(k) << ", answer cut after " << b << " of " << size << " bytes by " << to_string(f);
                    auto s = chunky_script();
                    s->truncate_at = b;
                    s->truncate_with = f;
                    client c(ex, scripted_options());
                    s->install(c);
                    auto r = co_await call(c, k);
                    const auto want = expect(k, 'r', f);
                    if (want.success)
                        BOOST_TEST(!r.ec, where.str() << ": " << r.ec.message() << " " << r.message);
                    else
                        BOOST_TEST((r.ec == want.ec), where.str() << ": " << r.ec.message() << " " << r.message);
                    BOOST_TEST(s->count(target_of(k)) == want.requests, where.str());
                    BOOST_TEST(r.attempts == want.attempts, where.str());
                    co_await check_pool_after(c, *s, where.str());
                }
            }
        }
    });
}

// Issue 10, point 1: a complete answer keeps its connection, whatever it says.
BOOST_AUTO_TEST_CASE(api_error_answers_keep_the_connection)
{
    struct error_case
    {
        const char* what;
        std::string answer;
        error_code first;   // what the first call completes with (a read; resent when worth it)
        bool change_resent;  // a change is resent too: the server says it did not act
    };
    const std::vector<error_case> cases = {
        {"1021 with HTTP 200", http_answer(200, R"({"code":1021,"msg":"机器不存在","traceId":"x"})"),
         api_errc::host_not_found, false},
        {"1021 with HTTP 404", http_answer(404, R"({"code":1021,"msg":"机器不存在","traceId":"x"})"),
         api_errc::host_not_found, false},
        {"500 with HTTP 500", http_answer(500, R"({"code":500,"msg":"系统异常"})"), {}, false},
        {"503 with HTTP 503", http_answer(503, R"({"code":503,"msg":"busy"})"), {}, false},
        {"6005 with HTTP 200", http_answer(200, R"({"code":6005,"msg":"创建等待"})"), {}, true},
        {"220025 with HTTP 200", http_answer(200, R"({"code":220025,"msg":"slow down"})"), {}, true},
        {"401 with HTTP 401", http_answer(401, R"({"code":401,"msg":"token"})"), api_errc::unauthorized, false},
        {"429 without an envelope", http_answer(429, "Too Many Requests", "Retry-After: 0\r\n"), {}, true},
        {"502 without an envelope", http_answer(502, "<html>Bad Gateway</html>"), {}, false},
        {"404 without an envelope", http_answer(404, "<html>Not Found</html>"), client_errc::http_status, false},
    };
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        for (const auto& cs : cases)
        {
            for (op_kind k : {op_kind::read, op_kind::power_on})
            {
                auto s = scripted_server::make();
                int n = 0;
                s->answer = [&, n](const seen_request& r) mutable {
                    return ++n == 1 ? reply{cs.answer} : default_reply(r);
                };
                auto o = scripted_options();
                o.rate_limit.adaptive = false;   // throttled answers are resent at once: no pacing to wait for
                client c(ex, o);
                s->install(c);
                auto first = co_await call(c, k);
                if (k == op_kind::read)
                    BOOST_TEST((first.ec == cs.first), cs.what << ": " << first.ec.message());
                else
                    BOOST_TEST(!first.ec == cs.change_resent, cs.what << ": " << first.ec.message());
                co_await sleep_for(2ms);   // not hot: the socket is asked
                auto second = co_await call(c, op_kind::read);
                BOOST_TEST(!second.ec, cs.what << ": " << second.ec.message());
                auto st = c.stats();
                BOOST_TEST(s->connects == 1, cs.what << " (" << name(k) << ")");
                BOOST_TEST(st.connections_opened == 1u, cs.what);
                BOOST_TEST(st.stale_connections == 0u, cs.what);
                BOOST_TEST(st.connections_idle == 1u, cs.what);
            }
        }
    });
}

BOOST_AUTO_TEST_CASE(connection_close_and_bytes_after_an_answer_retire_it)
{
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        struct retire_case
        {
            const char* what;
            reply first;
            bool stale;   // noticed only when it is used next
        };
        const std::string host = http_answer(200, scripted_host_json);
        const std::vector<retire_case> cases = {
            {"Connection: close", {http_answer(200, scripted_host_json, "Connection: close\r\n")}, false},
            {"bytes in the answer's last chunk", {host, "HTTP/1.1 200 OK\r\n", reply::extra_mode::same_chunk}, false},
            {"bytes received after the answer", {host, "garbage", reply::extra_mode::arrived}, false},
            {"bytes arriving while idle", {host, "garbage", reply::extra_mode::later}, true},
            {"closed after answering", {host, {}, reply::extra_mode::same_chunk, true}, true},
        };
        for (const auto& rc : cases)
        {
            for (op_kind k : {op_kind::read, op_kind::power_on})
            {
                auto s = scripted_server::make();
                int n = 0;
                s->answer = [&, n](const seen_request& r) mutable { return ++n == 1 ? rc.first : default_reply(r); };
                client c(ex, scripted_options());
                s->install(c);
                auto first = co_await call(c, op_kind::read);
                BOOST_TEST(!first.ec, rc.what << ": " << first.ec.message() << " " << first.message);
                co_await sleep_for(2ms);
                auto second = co_await call(c, k);
                BOOST_TEST(!second.ec, rc.what << ": " << second.ec.message() << " " << second.message);
                BOOST_TEST(second.attempts == 1, rc.what);
                BOOST_TEST(s->connects == 2, rc.what);
                BOOST_TEST(c.stats().stale_connections == (rc.stale ? 1u : 0u), rc.what);
                BOOST_TEST(s->count(target_of(k)) == (k == op_kind::read ? 2u : 1u), rc.what);
                BOOST_TEST(s->misuse == 0, rc.what);
            }
        }
    });
}

// The peer closes an idle connection: a change asks the socket first; a read on a hot connection
// does not, loses its request and goes again at once, for free.
BOOST_AUTO_TEST_CASE(peer_closed_while_idle)
{
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        for (error_code how : {error_code(asio::error::eof), error_code(asio::error::connection_reset)})
        {
            auto s = scripted_server::make();
            auto o = scripted_options();
            o.retry.max_attempts = 1;   // only the free retry
            client c(ex, o);
            s->install(c);
            BOOST_TEST_REQUIRE(!(co_await call(c, op_kind::read)).ec);
            s->close_idle(how);
            auto change = co_await call(c, op_kind::power_on);
            BOOST_TEST(!change.ec, change.message);
            BOOST_TEST(change.attempts == 1);
            BOOST_TEST(s->count("operate") == 1u);
            BOOST_TEST(c.stats().stale_connections == 1u);

            s->close_idle(how);
            auto hot = co_await call(c, op_kind::read);   // right after the last call
            BOOST_TEST(!hot.ec, hot.message);
            BOOST_TEST(s->connects == 3);
            // The lost request, then the free retry; or, if the clock said it was not hot, a look.
            auto st = c.stats();
            BOOST_TEST((st.attempts == 4u || (st.attempts == 3u && st.stale_connections == 2u)));
            BOOST_TEST(s->count("/one/") == 2u);    // the lost one never reached the server
            BOOST_TEST(s->misuse == 0);
        }
    });
}

// Defect 4: an answer to HEAD has no body, whatever its Content-Length says.
BOOST_AUTO_TEST_CASE(head_completes_at_the_end_of_the_header)
{
    run([&]() -> asio::awaitable<void> {
        auto s = scripted_server::make();
        s->answer = [](const seen_request& r) {
            if (r.method == "HEAD")
                return reply{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1234\r\n\r\n"};
            return default_reply(r);
        };
        auto o = scripted_options();
        o.attempt_timeout = 2s;
        client c(co_await asio::this_coro::executor, o);
        s->install(c);
        for (int i = 0; i < 2; ++i)
        {
            diagnostics d;
            auto start = std::chrono::steady_clock::now();
            auto [ec, res] = co_await c.async_request(http::verb::head, "/v1/pve/open/image", "", true, d, token());
            BOOST_TEST(!ec, ec.message() << " " << d.client_message());
            BOOST_TEST(res.status == 200u);
            BOOST_TEST(res.body.empty());
            BOOST_TEST((std::chrono::steady_clock::now() - start < 500ms));
        }
        BOOST_TEST(s->count("/image") == 2u);
        BOOST_TEST(s->connects == 1);   // and the connection serves the next request
        BOOST_TEST(!(co_await call(c, op_kind::read)).ec);
        BOOST_TEST(s->connects == 1);
    });
}

// Defect 5: interim answers (1xx but 101) come before the answer and are skipped.
BOOST_AUTO_TEST_CASE(interim_answers_are_skipped)
{
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        const std::string interims[] = {
            "HTTP/1.1 100 Continue\r\n\r\n",
            "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 100 Continue\r\n\r\n",
        };
        for (const auto& interim : interims)
        {
            for (std::size_t chunk : {std::size_t(1) << 20, std::size_t(7)})
            {
                for (op_kind k : {op_kind::read, op_kind::create})
                {
                    auto s = scripted_server::make();
                    s->read_chunk = chunk;
                    s->answer = [&](const seen_request& r) {
                        auto a = default_reply(r);
                        a.bytes = interim + a.bytes;
                        return a;
                    };
                    client c(ex, scripted_options());
                    s->install(c);
                    auto r = co_await call(c, k);
                    BOOST_TEST(!r.ec, r.ec.message() << " " << r.message);
                    BOOST_TEST(r.attempts == 1);
                    BOOST_TEST(s->count(target_of(k)) == 1u);
                    BOOST_TEST(!(co_await call(c, op_kind::read)).ec);
                    BOOST_TEST(s->connects == 1);   // nothing left over: the connection is reused
                }
            }
        }
    });
}

BOOST_AUTO_TEST_SUITE_END()
