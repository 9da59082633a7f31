// SPDX-License-Identifier: BSL-1.0
// The client's events (events.hpp) and per-operation statistics against the simulator: start/end
// pairs, tags echoed, failures' outcomes, connections and handshakes, and the counts that
// to_prometheus renders.
#include <boost/test/unit_test.hpp>

#include "client_test_support.hpp"

#include <finovy/metrics.hpp>

#include <map>
#include <mutex>

namespace {

// An event, copied out of the hook (its views die with the call).
struct recorded
{
    std::string kind, operation, tag, trace_id, host;
    error_code error;
    int attempts = 0;
    unsigned http_status = 0;
    int api_code = 0;
    bool resumed = false, via_proxy = false;
    std::chrono::microseconds latency{0};
};

struct recorder
{
    std::vector<recorded> events;

    std::function<void(const client_event&)> hook()
    {
        return [this](const client_event& e) {
            recorded r;
            r.kind = std::string(event_name(e));
            std::visit(
                [&](const auto& ev) {
                    using E = std::decay_t<decltype(ev)>;
                    if constexpr (!std::is_same_v<E, hub_round_event>)
                    {
                        r.operation = std::string(ev.operation);
                        r.tag = std::string(ev.tag);
                    }
                    if constexpr (std::is_same_v<E, call_ended_event>)
                    {
                        r.error = ev.error;
                        r.attempts = ev.attempts;
                        r.http_status = ev.http_status;
                        r.api_code = ev.api_code;
                        r.trace_id = std::string(ev.trace_id);
                        r.latency = ev.latency;
                    }
                    if constexpr (std::is_same_v<E, attempt_event>)
                    {
                        r.error = ev.error;
                        r.attempts = ev.attempt;
                        r.http_status = ev.http_status;
                        r.trace_id = std::string(ev.trace_id);
                    }
                    if constexpr (std::is_same_v<E, connection_opened_event>)
                    {
                        r.host = std::string(ev.host) + ":" + std::string(ev.port);
                        r.via_proxy = ev.via_proxy;
                        r.latency = ev.latency;
                    }
                    if constexpr (std::is_same_v<E, tls_handshake_event>)
                    {
                        r.host = std::string(ev.server_name);
                        r.resumed = ev.resumed;
                        r.error = ev.error;
                        r.latency = ev.latency;
                    }
                },
                e);
            events.push_back(std::move(r));
        };
    }

    std::vector<recorded> of(std::string_view kind, std::string_view tag = "*") const
    {
        std::vector<recorded> out;
        for (const auto& e : events)
            if (e.kind == kind && (tag == "*" || e.tag == tag))
                out.push_back(e);
        return out;
    }
};

}   // namespace

BOOST_FIXTURE_TEST_SUITE(events, sim_fixture)

BOOST_AUTO_TEST_CASE(calls_start_and_end_with_their_tags_and_outcomes)
{
    recorder rec;
    auto o = options();
    o.events = rec.hook();
    int observed = 0;
    o.observer = [&](const attempt_event&) { ++observed; };   // the older hook still works beside it
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        co_await c.async_list_images(call_options{.tag = "req-ok"});
        auto [ec, h] = co_await c.async_get_host("Nope123456", call_options{.tag = "req-missing"}, token());
        BOOST_TEST((ec == api_errc::host_not_found));
        auto [ec2, h2] = co_await c.async_get_host("not an id!", call_options{.tag = "req-invalid"}, token());
        BOOST_TEST((ec2 == client_errc::invalid_argument));
        co_await c.async_list_images();   // untagged

        // The tag is copied when the call starts: the caller's buffer may change at once.
        std::string buffer = "req-copied";
        bool done = false;
        c.async_list_images(call_options{.tag = buffer}, [&](error_code, std::vector<image>) { done = true; });
        buffer.assign("XXXXXXXXXX");
        while (!done)
            co_await sleep_for(5ms);
    });

    for (auto tag : {"req-ok", "req-missing", "req-invalid", "req-copied", ""})
    {
        BOOST_TEST_INFO("tag " << tag);
        BOOST_TEST(rec.of("call_started", tag).size() == 1u);
        BOOST_TEST(rec.of("call_ended", tag).size() == 1u);
    }
    // Each start precedes its end, and every call that started ended.
    std::map<std::string, int> open;
    for (const auto& e : rec.events)
    {
        if (e.kind == "call_started")
            BOOST_TEST(open[e.tag]++ == 0);
        if (e.kind == "call_ended")
            BOOST_TEST(open[e.tag]-- == 1);
    }
    for (const auto& [tag, n] : open)
        BOOST_TEST(n == 0, tag);
    BOOST_TEST(rec.of("call_started", "XXXXXXXXXX").empty());

    auto ok = rec.of("call_ended", "req-ok").at(0);
    BOOST_TEST(ok.operation == "list_images");
    BOOST_TEST(!ok.error);
    BOOST_TEST(ok.attempts == 1);
    BOOST_TEST(ok.http_status == 200u);
    BOOST_TEST(!ok.trace_id.empty());
    BOOST_TEST(ok.latency.count() > 0);

    auto missing = rec.of("call_ended", "req-missing").at(0);
    BOOST_TEST(missing.operation == "get_host");
    BOOST_TEST((missing.error == api_errc::host_not_found));
    BOOST_TEST(missing.api_code == static_cast<int>(api_errc::host_not_found));
    BOOST_TEST(!missing.trace_id.empty());
    BOOST_TEST(missing.attempts == 1);

    auto invalid = rec.of("call_ended", "req-invalid").at(0);
    BOOST_TEST((invalid.error == client_errc::invalid_argument));
    BOOST_TEST(invalid.attempts == 0);   // nothing was sent
    BOOST_TEST(invalid.http_status == 0u);
    BOOST_TEST(rec.of("attempt", "req-invalid").empty());

    // Attempts carry the tag too, and both hooks saw each of them.
    BOOST_TEST(rec.of("attempt", "req-missing").size() == 1u);
    BOOST_TEST(rec.of("attempt").size() == 4u);
    BOOST_TEST(observed == 4);
    // One connection, opened by the first call, with a full handshake.
    auto conns = rec.of("connection_opened");
    BOOST_TEST_REQUIRE(conns.size() == 1u);
    BOOST_TEST(conns[0].tag == "req-ok");
    BOOST_TEST(conns[0].host == "127.0.0.1:" + std::to_string(sim.port()));
    BOOST_TEST(!conns[0].via_proxy);
    auto hs = rec.of("tls_handshake");
    BOOST_TEST_REQUIRE(hs.size() == 1u);
    BOOST_TEST(!hs[0].resumed);
    BOOST_TEST(!hs[0].error);
    BOOST_TEST(hs[0].host == "127.0.0.1");
    BOOST_TEST(hs[0].latency.count() > 0);
    // In order: the connection and its handshake come before the attempt that opened them.
    std::vector<std::string> first;
    for (const auto& e : rec.events)
        if (e.tag == "req-ok")
            first.push_back(e.kind);
    BOOST_TEST((first == std::vector<std::string>{"call_started", "connection_opened", "tls_handshake", "attempt",
                                                  "call_ended"}));
}

BOOST_AUTO_TEST_CASE(handshakes_resume_on_reconnect)
{
    sim::fault_options f;
    f.close_every = 1;   // every answer closes its connection
    sim.set_faults(f);
    recorder rec;
    auto o = options();
    o.events = rec.hook();
    const std::vector<std::string> tags{"n0", "n1", "n2", "n3"};
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        for (const auto& tag : tags)
            co_await c.async_list_images(call_options{.tag = tag});
    });
    auto hs = rec.of("tls_handshake");
    BOOST_TEST_REQUIRE(hs.size() == 4u);
    BOOST_TEST(!hs[0].resumed);
    for (std::size_t i = 1; i < hs.size(); ++i)
    {
        BOOST_TEST(hs[i].resumed);
        BOOST_TEST(hs[i].tag == tags[i]);
    }
    BOOST_TEST(rec.of("connection_opened").size() == 4u);
}

BOOST_AUTO_TEST_CASE(a_failed_handshake_and_the_clients_own_token_calls)
{
    recorder rec;
    auto o = options();
    o.ca_file.clear();   // the simulator's CA is not trusted
    o.events = rec.hook();
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        auto [ec, v] = co_await c.async_list_images(call_options{.tag = "untrusted"}, token());
        BOOST_TEST(!!ec);
    });
    auto hs = rec.of("tls_handshake", "untrusted");
    BOOST_TEST_REQUIRE(hs.size() == 1u);
    BOOST_TEST(!!hs[0].error);
    auto end = rec.of("call_ended", "untrusted");
    BOOST_TEST_REQUIRE(end.size() == 1u);
    BOOST_TEST(end[0].error == hs[0].error);
    BOOST_TEST(end[0].http_status == 0u);

    recorder rec2;
    auto s = secret_options();
    s.events = rec2.hook();
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, s);
        co_await c.async_list_images(call_options{.tag = "needs-token"});
        // The client's own getToken. Bound from a temporary: a copy, not a dangling reference
        // (with a reference, ASan reports a stack-use-after-scope here).
        const auto& token_stats = c.stats().of(operation_id::get_token);
        BOOST_TEST(token_stats.calls == 1u);
    });
    auto fetch = rec2.of("call_ended", "");
    BOOST_TEST_REQUIRE(fetch.size() == 1u);
    BOOST_TEST(fetch[0].operation == "get_token");
    BOOST_TEST(!fetch[0].error);
    BOOST_TEST(rec2.of("call_ended", "needs-token").size() == 1u);
}

BOOST_AUTO_TEST_CASE(per_operation_counts_and_histograms)
{
    sim::fault_options f;
    f.latency = 30ms;
    f.paths = {"/v1/pve/open/one/"};   // get_host is slow
    sim.set_faults(f);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        for (int i = 0; i < 5; ++i)
            co_await c.async_list_images();
        for (int i = 0; i < 3; ++i)
            co_await code_of(c.async_get_host("Nope123456", token()));
        co_await code_of(c.async_reboot("bad id", token()));
        auto st = c.stats();
        const auto& li = st.of(operation_id::list_images);
        BOOST_TEST(li.calls == 5u);
        BOOST_TEST(li.errors == 0u);
        std::uint64_t in_buckets = 0;
        for (auto n : li.latency)
            in_buckets += n;
        BOOST_TEST(in_buckets == 5u);
        BOOST_TEST(li.latency.back() == 0u);   // none slower than 10 s
        const auto& gh = st.of(operation_id::get_host);
        BOOST_TEST(gh.calls == 3u);
        BOOST_TEST(gh.errors == 3u);
        // 30 ms of latency each: none within 25 ms, all within 10 s.
        BOOST_TEST(gh.latency[0] + gh.latency[1] + gh.latency[2] == 0u);
        BOOST_TEST(gh.latency_sum.count() >= 90'000);
        BOOST_TEST(st.of(operation_id::reboot).errors == 1u);
        BOOST_TEST(st.of(operation_id::delete_host).calls == 0u);
        BOOST_TEST(st.calls == 9u);
        BOOST_TEST(st.attempts == 8u);

        auto text = to_prometheus(st);
        BOOST_TEST(text.find("finovy_calls_total{operation=\"list_images\"} 5\n") != std::string::npos);
        BOOST_TEST(text.find("finovy_call_errors_total{operation=\"get_host\"} 3\n") != std::string::npos);
        BOOST_TEST(text.find("finovy_call_duration_seconds_bucket{operation=\"get_host\",le=\"0.025\"} 0\n") !=
                   std::string::npos);
        BOOST_TEST(text.find("finovy_call_duration_seconds_count{operation=\"get_host\"} 3\n") != std::string::npos);
        BOOST_TEST(text.find("finovy_requests_total 8\n") != std::string::npos);
        BOOST_TEST(text.find("finovy_tls_handshakes_total{kind=\"full\"} 1\n") != std::string::npos);
    });
}

BOOST_AUTO_TEST_SUITE_END()
