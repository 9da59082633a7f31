// SPDX-License-Identifier: BSL-1.0
// The simulator's rate limit (sliding window and token bucket, per account), its scripted faults
// and both answers of createquantity, driven with a controlled clock.
#include "sim_world_support.hpp"

#include <deque>
#include <random>

using namespace sim_test;

namespace {

bool admitted(sim_world& s, std::optional<std::string> tok = std::nullopt)
{
    int c = s.call("GET", "/v1/pve/open/image", {}, std::move(tok)).code;
    BOOST_TEST_REQUIRE((c == 0 || c == 220025));
    return c == 0;
}

json::object limit_stats(sim_world& s) { return s.w->stats(s.now).at("rate_limit").as_object(); }

std::uint64_t counter(const json::object& o, std::string_view tenant, std::string_view key)
{
    return o.at("by_tenant").at(tenant).at(key).as_uint64();
}

std::int64_t host_count(sim_world& s)
{
    return s.call("GET", "/v1/pve/open/mypage?page=1&pageSize=1").data.at("totalCounts").as_int64();
}

const std::string create_body = R"({"packageId":"Ofc2C4G8xx","imageId":"4005"})";

}   // namespace

BOOST_AUTO_TEST_SUITE(sim_rate_limit)

// Against a reference: a request is admitted exactly when fewer than rps requests were admitted
// in the second before it, (t - 1 s, t]. At irregular times, and under saturating demand, where
// every one-second window then holds exactly rps (a token bucket lets about 2 x rps through).
BOOST_AUTO_TEST_CASE(sliding_window_admits_exactly_rps_in_any_second)
{
    sim_world s;
    s.w->faults.rate_limit_rps = 5;
    BOOST_TEST((s.w->faults.rate_limit_algorithm == rate_limiter::sliding_window));   // the default
    std::mt19937 gen(7);
    std::uniform_int_distribution<int> gap_ms(0, 150);
    std::deque<clock::time_point> reference;
    int admissions = 0, refusals = 0;
    for (int k = 0; k < 2000; ++k)
    {
        s.now += std::chrono::milliseconds(gap_ms(gen));
        while (!reference.empty() && reference.front() <= s.now - 1s)
            reference.pop_front();
        bool expected = reference.size() < 5;
        BOOST_TEST_REQUIRE(admitted(s) == expected, "request " << k);
        if (expected)
            reference.push_back(s.now);
        ++(expected ? admissions : refusals);
    }
    BOOST_TEST(admissions > 500);
    BOOST_TEST(refusals > 500);

    // Saturating demand, one request every 10 ms for 5 s: from the first burst on, every window
    // (t - 1 s, t] holds exactly 5 admissions.
    sim_world d;
    d.w->faults.rate_limit_rps = 5;
    std::vector<clock::time_point> in;
    auto start = d.now;
    for (int k = 0; k < 500; ++k, d.now += 10ms)
        if (admitted(d))
            in.push_back(d.now);
    BOOST_TEST(in.size() == 25u);
    for (auto t = start + 40ms; t < d.now; t += 10ms)
    {
        auto n = std::ranges::count_if(in, [&](auto a) { return a > t - 1s && a <= t; });
        BOOST_TEST_REQUIRE(n == 5, "at +" << (t - start) / 1ms << " ms");
    }
}

BOOST_AUTO_TEST_CASE(sliding_window_admits_again_when_the_oldest_leaves)
{
    sim_world s;
    s.w->faults.rate_limit_rps = 3;
    auto t0 = s.now;
    BOOST_TEST(admitted(s));
    s.now = t0 + 100ms;
    BOOST_TEST(admitted(s));
    s.now = t0 + 200ms;
    BOOST_TEST(admitted(s));
    s.now = t0 + 300ms;
    BOOST_TEST(!admitted(s));
    s.now = t0 + 999ms;
    BOOST_TEST(!admitted(s));
    s.now = t0 + 1000ms;   // the one at t0 has left
    BOOST_TEST(admitted(s));
    BOOST_TEST(!admitted(s));
    s.now = t0 + 1099ms;
    BOOST_TEST(!admitted(s));
    s.now = t0 + 1100ms;
    BOOST_TEST(admitted(s));

    // Retry-After: the whole seconds until the window admits again, at least 1.
    s.w->faults.rate_limit_mode = rate_limit_answer::http_429;
    s.now = t0 + 1150ms;   // the oldest left in the window is t0 + 200 ms: 50 ms to wait
    auto a = s.w->handle("GET", "/v1/pve/open/image", "", s.token, s.now);
    BOOST_TEST(a.status == 429u);
    BOOST_TEST(a.retry_after.value() == 1u);
    s.w->faults.rate_limit_rps = 0.4;   // one request in any 2.5 s
    s.now = t0 + 10s;
    BOOST_TEST(s.w->handle("GET", "/v1/pve/open/image", "", s.token, s.now).status == 200u);
    s.now += 100ms;   // 2.4 s to wait: 3
    BOOST_TEST(s.w->handle("GET", "/v1/pve/open/image", "", s.token, s.now).retry_after.value() == 3u);
    s.now += 1400ms;   // 1 s to wait: 1
    BOOST_TEST(s.w->handle("GET", "/v1/pve/open/image", "", s.token, s.now).retry_after.value() == 1u);
    s.now += 1s;
    BOOST_TEST(s.w->handle("GET", "/v1/pve/open/image", "", s.token, s.now).status == 200u);
}

BOOST_AUTO_TEST_CASE(one_window_per_account_shared_by_its_tokens)
{
    sim_world s;
    s.w->faults.rate_limit_rps = 2;
    auto a2 = s.login(default_tenants()[0]);   // a second token of the demo account
    auto b = s.login(default_tenants()[1]);
    BOOST_TEST(admitted(s));
    BOOST_TEST(admitted(s, a2));
    BOOST_TEST(!admitted(s));
    BOOST_TEST(!admitted(s, a2));
    BOOST_TEST(admitted(s, b));   // another account is not affected
    BOOST_TEST(admitted(s, b));
    BOOST_TEST(!admitted(s, b));

    auto st = limit_stats(s);
    BOOST_TEST(st.at("rps").as_double() == 2.0);
    BOOST_TEST(st.at("algorithm").as_string() == "sliding");
    BOOST_TEST(st.at("mode").as_string() == "code");
    BOOST_TEST(st.at("admitted").as_uint64() == 4u);
    BOOST_TEST(st.at("throttled").as_uint64() == 3u);
    BOOST_TEST(counter(st, "A27550582", "admitted") == 2u);
    BOOST_TEST(counter(st, "A27550582", "throttled") == 2u);
    BOOST_TEST(counter(st, "B94230045", "admitted") == 2u);
    BOOST_TEST(counter(st, "B94230045", "throttled") == 1u);
    BOOST_TEST(counter(st, "U00000001", "admitted") == 0u);   // every account is listed

    // Only requests subject to the limit count: not without a limit, not outside the fault
    // paths, not without a valid token.
    s.now += 1s;
    s.w->faults.paths = {"/one/"};
    BOOST_TEST(admitted(s));
    BOOST_TEST(s.call("GET", "/v1/pve/open/image", {}, "bad-token").code == 401);
    s.w->faults.paths.clear();
    s.w->faults.rate_limit_rps = 0;
    BOOST_TEST(admitted(s));
    BOOST_TEST(limit_stats(s).at("admitted").as_uint64() == 4u);
    s.w->reset_stats();
    st = limit_stats(s);
    BOOST_TEST(st.at("admitted").as_uint64() == 0u);
    BOOST_TEST(st.at("throttled").as_uint64() == 0u);
    BOOST_TEST(counter(st, "A27550582", "throttled") == 0u);
}

BOOST_AUTO_TEST_CASE(token_bucket_stays_selectable)
{
    sim_world s;
    s.w->faults.rate_limit_rps = 2;
    s.w->faults.rate_limit_algorithm = rate_limiter::token_bucket;
    BOOST_TEST(admitted(s));
    BOOST_TEST(admitted(s));
    BOOST_TEST(!admitted(s));
    s.now += 500ms;   // refilled by one: a sliding window would still refuse
    BOOST_TEST(admitted(s));
    s.w->faults.rate_limit_mode = rate_limit_answer::http_429;
    auto a = s.w->handle("GET", "/v1/pve/open/image", "", s.token, s.now);
    BOOST_TEST(a.status == 429u);
    BOOST_TEST(a.body == "Too Many Requests");
    BOOST_TEST(a.retry_after.value() == 1u);
    BOOST_TEST(limit_stats(s).at("algorithm").as_string() == "bucket");
    BOOST_TEST(limit_stats(s).at("mode").as_string() == "http");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sim_scripted_faults)

BOOST_AUTO_TEST_CASE(processed_then_answered_with_the_scripted_code)
{
    sim_world s;
    s.w->faults.script = {{.path = "createquantity", .method = "post", .count = 2, .code = 1005, .process = true},
                          {.path = "createquantity", .count = 1, .code = 6005}};
    BOOST_TEST(s.w->scripted("POST", "/v1/pve/open/createquantity"));
    BOOST_TEST(!s.w->scripted("GET", "/v1/pve/open/image"));
    auto r = s.call("POST", "/v1/pve/open/createquantity", create_body);
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.code == 1005);
    BOOST_TEST(s.w->faults.script.front().count == 1u);
    BOOST_TEST(s.code("GET", "/v1/pve/open/image") == 0);   // another path: untouched
    BOOST_TEST(s.code("POST", "/v1/pve/open/createquantity", create_body) == 1005);
    BOOST_TEST(host_count(s) == 2);   // both were carried out
    BOOST_TEST(s.code("POST", "/v1/pve/open/createquantity", create_body) == 6005);   // the next entry
    BOOST_TEST(host_count(s) == 2);   // not carried out
    BOOST_TEST(s.w->faults.script.empty());
    BOOST_TEST(s.code("POST", "/v1/pve/open/createquantity", create_body) == 0);
    BOOST_TEST(host_count(s) == 3);
    auto st = s.w->stats(s.now);
    BOOST_TEST(st.at("faults_injected").at("scripted").as_uint64() == 3u);
    BOOST_TEST(st.at("requests").at("by_route").at("POST /v1/pve/open/createquantity").as_uint64() == 4u);
}

BOOST_AUTO_TEST_CASE(statuses_resets_and_matching)
{
    sim_world s;
    // An HTTP status alone: an HTML page, not carried out, with Retry-After when asked.
    s.w->faults.script = {{.path = "createquantity", .http_status = 503, .retry_after = 7}};
    auto a = s.w->handle("POST", "/v1/pve/open/createquantity", create_body, s.token, s.now);
    BOOST_TEST(a.status == 503u);
    BOOST_TEST(a.body.find("<html>") == 0u);
    BOOST_TEST(a.retry_after.value() == 7u);
    BOOST_TEST(a.scripted);
    BOOST_TEST(a.route == "POST /v1/pve/open/createquantity");
    BOOST_TEST(host_count(s) == 0);

    // A code under a given status, or the matching one with error_http_status.
    s.w->faults.script = {{.path = "/one/", .method = "GET", .code = 500, .http_status = 502},
                          {.path = "/one/", .code = 1005}};
    a = s.w->handle("DELETE", "/v1/pve/open/one/x", "", s.token, s.now);   // not the first entry's method:
    BOOST_TEST(json::parse(a.body).at("code").as_int64() == 1005);            // the second entry answers
    BOOST_TEST_REQUIRE(s.w->faults.script.size() == 1u);
    BOOST_TEST(s.w->faults.script.front().code == 500);
    a = s.w->handle("GET", "/v1/pve/open/one/x", "", s.token, s.now);
    BOOST_TEST(a.status == 502u);
    BOOST_TEST(json::parse(a.body).at("code").as_int64() == 500);
    s.w->faults.error_http_status = true;
    s.w->faults.script = {{.path = "/one/", .code = 1005}};
    BOOST_TEST(s.w->handle("GET", "/v1/pve/open/one/x", "", s.token, s.now).status == 400u);
    s.w->faults.error_http_status = false;

    // Reset, carried out or not.
    s.w->faults.script = {{.path = "createquantity", .count = 2, .reset = true}};
    s.w->faults.script.push_back({.path = "createquantity", .process = true, .reset = true});
    BOOST_TEST(s.w->handle("POST", "/v1/pve/open/createquantity", create_body, s.token, s.now).reset);
    BOOST_TEST(s.w->handle("POST", "/v1/pve/open/createquantity", create_body, s.token, s.now).reset);
    BOOST_TEST(host_count(s) == 0);
    BOOST_TEST(s.w->handle("POST", "/v1/pve/open/createquantity", create_body, s.token, s.now).reset);
    BOOST_TEST(host_count(s) == 1);

    // Only /v1 paths; an empty path matches every one of them; no rate limit for scripted requests.
    s.w->faults.rate_limit_rps = 1;
    BOOST_TEST(admitted(s));
    s.w->faults.script = {{.path = "", .count = 3, .code = 1003}};
    BOOST_TEST(s.w->handle("GET", "/__sim/health", "", "", s.now).status == 200u);
    for (int k = 0; k < 3; ++k)
        BOOST_TEST(s.code("GET", "/v1/pve/open/image") == 1003);
    BOOST_TEST(s.code("GET", "/v1/pve/open/image") == 220025);
    BOOST_TEST(limit_stats(s).at("admitted").as_uint64() == 1u);
    BOOST_TEST(limit_stats(s).at("throttled").as_uint64() == 1u);
}

BOOST_AUTO_TEST_CASE(script_as_json_through_the_faults_endpoint)
{
    sim_world s;
    auto admin = [&](std::string_view method, std::string_view path, std::string_view body = {}) {
        return s.w->handle(method, path, body, "", s.now);
    };
    auto put = admin("PUT", "/__sim/faults",
                     R"({"script": [{"path": "/v1/pve/open/createquantity", "method": "POST", "count": 2,
                                     "code": 1005, "process": true}, {"path": "reboot", "reset": true}]})");
    BOOST_TEST_REQUIRE(put.status == 200u, put.body);
    auto script = json::parse(put.body).at("script").as_array();
    BOOST_TEST(script.size() == 2u);
    BOOST_TEST(script.at(0).at("count").to_number<unsigned>() == 2u);
    BOOST_TEST(script.at(0).at("process").as_bool());
    BOOST_TEST(script.at(1).at("reset").as_bool());
    BOOST_TEST(s.code("POST", "/v1/pve/open/createquantity", create_body) == 1005);
    auto left = json::parse(admin("GET", "/__sim/faults").body).at("script").as_array();
    BOOST_TEST(left.at(0).at("count").to_number<unsigned>() == 1u);   // what is left is visible

    // Other fault keys leave the script alone; "script" replaces it; reset with faults clears it.
    BOOST_TEST(admin("PUT", "/__sim/faults", R"({"latency_ms": 0})").status == 200u);
    BOOST_TEST(s.w->faults.script.size() == 2u);
    BOOST_TEST(admin("POST", "/__sim/reset", R"({"faults": true})").status == 200u);
    BOOST_TEST(s.w->faults.script.empty());
    BOOST_TEST(admin("PUT", "/__sim/faults", R"({"script": [{"path": "x", "code": 1}]})").status == 200u);
    BOOST_TEST(admin("PUT", "/__sim/faults", R"({"script": []})").status == 200u);
    BOOST_TEST(s.w->faults.script.empty());

    for (auto bad : {R"({"script": [{"path": "x"}]})",                               // no answer
                     R"({"script": [{"path": "x", "code": 1005, "reset": true}]})",  // two answers
                     R"({"script": [{"path": "x", "code": 1005, "count": 0}]})",
                     R"({"script": [{"code": 1005}]})",                              // no path
                     R"({"script": [{"path": "x", "code": "1005"}]})",
                     R"({"script": [{"path": "x", "http_status": 99}]})",
                     R"({"script": [{"path": "x", "code": 1005, "proces": true}]})",
                     R"({"script": {"path": "x", "code": 1005}})"})
    {
        auto r = admin("PUT", "/__sim/faults", bad);
        BOOST_TEST(r.status == 400u, bad);
    }
    BOOST_TEST(s.w->faults.script.empty());   // a rejected change changes nothing
    BOOST_CHECK_THROW(validate(scripted_fault{.path = "x"}), std::invalid_argument);
    BOOST_CHECK_NO_THROW(validate(scripted_fault{.path = "x", .http_status = 429}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sim_create_answers)

BOOST_AUTO_TEST_CASE(true_by_default_and_the_id_when_asked)
{
    sim_world s;
    auto r = s.call("POST", "/v1/pve/open/createquantity", create_body);
    BOOST_TEST(r.data.as_bool());   // the seed documents

    options o;
    o.create_answers = create_answer::host_id;
    sim_world with_id(o);
    auto a = with_id.w->handle("POST", "/v1/pve/open/createquantity", create_body, with_id.token, with_id.now);
    auto env = json::parse(a.body).as_object();
    BOOST_TEST(env.at("code").as_int64() == 0);
    BOOST_TEST(env.at("success").as_bool());   // as upstream/host-3.createquantity.md shows
    std::string id(env.at("data").as_string());
    BOOST_TEST(id.size() == 10u);
    BOOST_TEST(with_id.call("GET", "/v1/pve/open/one/" + id).data.at("status").as_string() == "0");
    BOOST_TEST(host_count(with_id) == 1);

    // Changed at run time through /__sim/config, and kept across a reset.
    auto config = [&](std::string_view method, std::string_view body = {}) {
        return s.w->handle(method, "/__sim/config", body, "", s.now);
    };
    BOOST_TEST(json::parse(config("GET").body).at("create_answers").as_string() == "true");
    BOOST_TEST(config("PUT", R"({"create_answers": "id"})").status == 200u);
    BOOST_TEST(s.w->handle("POST", "/__sim/reset", "", "", s.now).status == 200u);
    BOOST_TEST(s.call("POST", "/v1/pve/open/createquantity", create_body).data.is_string());
    BOOST_TEST(config("PUT", R"({"create_answers": "yes"})").status == 400u);
    BOOST_TEST(config("PUT", R"({"other": "id"})").status == 400u);
    BOOST_TEST(json::parse(config("GET").body).at("create_answers").as_string() == "id");
    BOOST_TEST(config("POST", R"({"create_answers": "true"})").status == 200u);
    BOOST_TEST(s.call("POST", "/v1/pve/open/createquantity", create_body).data.as_bool());
}

BOOST_AUTO_TEST_SUITE_END()

// /__sim values past their range (test/fuzz/corpus/sim_world/finding_*): refused with 400 and
// nothing changed, where they were cast to integers (undefined) or overflowed the clock.
BOOST_AUTO_TEST_SUITE(sim_admin_ranges)

BOOST_AUTO_TEST_CASE(fault_values_are_bounded_before_their_cast)
{
    sim_world s;
    auto put = [&](std::string_view body) { return s.w->handle("PUT", "/__sim/faults", body, "", s.now).status; };
    for (auto bad : {R"({"latency_ms": 1e300})", R"({"latency_jitter_ms": 1e300})", R"({"latency_ms": 86400001})",
                     R"({"close_every": 1e300})", R"({"close_every": 4294967296})", R"({"close_every": 1e19})"})
        BOOST_TEST(put(bad) == 400u, bad);
    BOOST_TEST(s.w->faults.latency.count() == 0);   // unchanged
    BOOST_TEST(s.w->faults.latency_jitter.count() == 0);
    BOOST_TEST(s.w->faults.close_every == 0u);
    BOOST_TEST(put(R"({"latency_ms": 86400000, "latency_jitter_ms": 86400000, "close_every": 4294967295})") == 200u);
    BOOST_TEST(s.w->faults.latency.count() == 86'400'000);
    BOOST_TEST(s.w->faults.latency_jitter.count() == 86'400'000);
    BOOST_TEST(s.w->faults.close_every == 4294967295u);
}

BOOST_AUTO_TEST_CASE(simulated_time_runs_at_most_a_century_ahead)
{
    // advance_ms of INT64_MAX was accepted, and every later request overflowed sim_ms().
    sim_world s;
    auto advance = [&](std::string ms) {
        return s.w->handle("POST", "/__sim/time", R"({"advance_ms":)" + ms + "}", "", s.now);
    };
    auto sim_time = [&] { return s.w->stats(s.now).at("sim_time_ms").as_int64(); };
    auto start = sim_time();
    for (std::string bad : {"9223372036854775807", "9223372036854775808", "1e300", "-1", "3155760000001"})
        BOOST_TEST(advance(bad).status == 400u, bad);
    BOOST_TEST(sim_time() == start);
    BOOST_TEST(advance("3155759999999").status == 200u);
    BOOST_TEST(advance("2").status == 400u);   // a century in all
    BOOST_TEST(advance("1").status == 200u);
    BOOST_TEST(sim_time() == start + world::max_offset_ms);
    BOOST_CHECK_THROW(s.w->advance(1ms), std::invalid_argument);
    BOOST_CHECK_THROW(s.w->advance(-1ms), std::invalid_argument);
    BOOST_TEST(advance("0").status == 200u);
    // The API still answers, with dates a century ahead.
    auto r = s.call("POST", "/v1/pve/open/createquantity", create_body);
    BOOST_TEST_REQUIRE(r.code == 0);
    auto page = s.call("GET", "/v1/pve/open/mypage?page=1&pageSize=1").data;
    BOOST_TEST(page.at("data").as_array().at(0).at("createTime").as_int64() == start + world::max_offset_ms);
    // A reset brings simulated time back, and with it the whole century.
    BOOST_TEST(s.w->handle("POST", "/__sim/reset", "", "", s.now).status == 200u);
    BOOST_TEST(advance("3155760000000").status == 200u);
}

BOOST_AUTO_TEST_CASE(a_tiny_rate_limit_waits_at_most_a_year)
{
    // 1 / 1e-300 seconds was converted to the clock's integer nanoseconds: undefined.
    for (auto algorithm : {R"("sliding")", R"("bucket")"})
    {
        sim_world s;
        auto put = s.w->handle("PUT", "/__sim/faults",
                               std::string(R"({"rate_limit_rps": 1e-300, "rate_limit_mode": "http", "rate_limit_algorithm": )") +
                                   algorithm + "}",
                               "", s.now);
        BOOST_TEST_REQUIRE(put.status == 200u);
        BOOST_TEST(s.w->handle("GET", "/v1/pve/open/image", "", s.token, s.now).status == 200u, algorithm);
        auto a = s.w->handle("GET", "/v1/pve/open/image", "", s.token, s.now);
        BOOST_TEST(a.status == 429u, algorithm);
        BOOST_TEST(a.retry_after.value_or(0) == 86400u, algorithm);   // Retry-After's own cap

        rate_window w;
        clock::time_point t(1h);
        BOOST_TEST(!admit(w, s.w->faults, t));
        auto wait = admit(w, s.w->faults, t);
        BOOST_TEST_REQUIRE(wait.has_value());
        BOOST_TEST((*wait >= 365 * 24h && *wait <= 366 * 24h), algorithm);
    }
}

BOOST_AUTO_TEST_CASE(added_hosts_take_status_0_or_2_only)
{
    sim_world s;
    auto add = [&](std::string body) { return s.w->handle("POST", "/__sim/hosts", body, "", s.now).status; };
    // 4294967298 used to narrow to 2.
    for (std::string bad : {"4294967298", "-4294967296", "1", "\"x\"", "2.5"})
        BOOST_TEST(add(R"({"uuid":"A27550582","count":1,"status":)" + bad + "}") == 400u, bad);
    BOOST_TEST(host_count(s) == 0);
    BOOST_TEST(add(R"({"uuid":"A27550582","count":1,"status":2})") == 200u);
    BOOST_TEST(host_count(s) == 1);
}

BOOST_AUTO_TEST_SUITE_END()
