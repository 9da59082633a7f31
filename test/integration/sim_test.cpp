// SPDX-License-Identifier: BSL-1.0
// The simulator over real TLS on loopback: every endpoint, keep-alive, session resumption,
// every fault mode, the administration endpoints, many connections, and the executable.
#define BOOST_TEST_MODULE finovy_sim
#include <boost/test/unit_test.hpp>

#include "../common/process.hpp"
#include "../common/raw_https.hpp"
#include "../common/sim_fixture.hpp"

#include <filesystem>
#include <thread>

using namespace finovy;
using namespace finovy::test;
namespace json = boost::json;
using tcp = boost::asio::ip::tcp;
using finovy::sim::fault_options;
using finovy::sim::rate_limit_answer;

namespace {

struct sim_client : sim_fixture
{
    raw_https http{sim.port(), sim.ca_file()};

    raw_result get(const std::string& t) { return http.get(t, static_token); }
    raw_result post(const std::string& t, const std::string& b) { return http.post(t, b, static_token); }
    raw_result put(const std::string& t, const std::string& b)
    {
        return http.request(http::verb::put, t, b, static_token);
    }
    raw_result admin(http::verb m, const std::string& t, const std::string& b = {})
    {
        raw_https a(sim.port(), sim.ca_file());
        return a.request(m, t, b);
    }
    std::string newest_host()
    {
        return std::string(get("/v1/pve/open/mypage?page=1&pageSize=1").json().at("data").at("data").at(0).at("id").as_string());
    }
    std::int64_t hosts() { return get("/v1/pve/open/mypage?page=1&pageSize=1").json().at("data").at("totalCounts").as_int64(); }
};

std::string temp_dir()
{
    char tmpl[] = "/tmp/finovy-test-XXXXXX";
    return mkdtemp(tmpl);
}

}   // namespace

BOOST_FIXTURE_TEST_SUITE(sim_over_tls, sim_client)

BOOST_AUTO_TEST_CASE(every_endpoint_answers_in_the_documented_shape)
{
    auto tok = http.post("/v1/auth/getToken", json::serialize(json::object{{"uuid", sim.first_tenant().uuid},
                                                                              {"secret", sim.first_tenant().secret}}));
    BOOST_TEST(tok.code() == 0);
    std::string token(tok.json().at("data").at("token").as_string());
    BOOST_TEST(http.get("/v1/pve/open/image", token).code() == 0);

    BOOST_TEST(get("/v1/pve/open/image").json().at("data").as_array().size() == 5u);
    BOOST_TEST(get("/v1/pve/open/packAge/0").code() == 0);
    BOOST_TEST(get("/v1/pve/open/packAge/1").code() == 0);
    auto q = post("/v1/pve/open/createquantity", R"({"packageId":"Ofc2C4G8xx","imageId":"4005"})");
    BOOST_TEST(q.json().at("data").as_bool());
    auto rent = post("/v1/pve/open/createRent", R"({"packageId":"Wy1KiMqtPO","imageId":"507","periodNumber":1,"periodType":1})");
    BOOST_TEST(rent.json().at("data").is_string());
    auto pages = get("/v1/pve/open/mypage?page=1&pageSize=25").json();
    BOOST_TEST(pages.at("data").at("totalCounts").as_int64() == 2);
    auto host = newest_host();
    BOOST_TEST(host == rent.json().at("data").as_string());
    auto payg = std::string(pages.at("data").at("data").at(1).at("id").as_string());
    auto one = get("/v1/pve/open/one/" + payg).json().at("data");
    BOOST_TEST(one.at("status").as_string() == "0");
    BOOST_TEST(one.at("useType").as_string() == "0");
    BOOST_TEST(get("/v1/pve/open/operate/" + payg + "?type=1").code() == 0);
    std::this_thread::sleep_for(80ms);
    BOOST_TEST(get("/v1/pve/open/reboot/" + payg).code() == 0);
    std::this_thread::sleep_for(80ms);
    BOOST_TEST(get("/v1/pve/open/operate/" + payg + "?type=0").code() == 0);
    std::this_thread::sleep_for(80ms);
    auto disk = post("/v1/PveMachineHardDisk/open/create",
                     json::serialize(json::object{{"area", 0}, {"memory", 20}, {"isMount", 1}, {"pveId", payg}}));
    BOOST_TEST_REQUIRE(disk.code() == 0);
    std::string d(disk.json().at("data").as_string());
    auto d2 = post("/v1/PveMachineHardDisk/open/create", R"({"area":"1","memory":30,"isMount":0,"buyNumber":1})");
    BOOST_TEST(d2.code() == 0);
    BOOST_TEST(get("/v1/PveMachineHardDisk/open/info/" + d).json().at("data").at("status").as_string() == "1");
    std::this_thread::sleep_for(60ms);
    BOOST_TEST(post("/v1/PveMachineHardDisk/open/getList", R"({"page":1,"pageSize":10})").json().at("data").at("totalCounts").as_int64() == 2);
    BOOST_TEST(put("/v1/PveMachineHardDisk/open/updateStatus", json::serialize(json::object{{"id", d}, {"status", "0"}})).code() == 0);
    std::this_thread::sleep_for(60ms);
    BOOST_TEST(post("/v1/PveMachineHardDisk/open/pveCreate", json::serialize(json::object{{"id", d}, {"pveId", payg}})).code() == 0);
    BOOST_TEST(get("/v1/PveMachineHardDisk/open/memoryTotal/0").json().at("data").at("memory").as_int64() == 20);
    BOOST_TEST(http.request(http::verb::delete_, "/v1/pve/open/delete/" + host, {}, static_token).code() == 0);
    // The disk-create page's GET is accepted too.
    BOOST_TEST(http.request(http::verb::get, "/v1/PveMachineHardDisk/open/create", R"({"area":2,"memory":20,"isMount":0})", static_token).code() == 0);
    BOOST_TEST(http.connected());   // all of it on one kept-alive connection
    auto st = sim.stats();
    BOOST_TEST(st.at("connections").at("accepted").as_uint64() == 1u);
}

BOOST_AUTO_TEST_CASE(keep_alive_and_tls_session_resumption)
{
    for (int i = 0; i < 20; ++i)
        BOOST_TEST_REQUIRE(get("/v1/pve/open/image").code() == 0);
    http.close();
    BOOST_TEST(get("/v1/pve/open/image").code() == 0);
    BOOST_TEST(http.last_handshake_resumed());
    auto tls = sim.stats().at("tls");
    BOOST_TEST(tls.at("handshakes_full").as_uint64() == 1u);
    BOOST_TEST(tls.at("handshakes_resumed").as_uint64() == 1u);
    auto req = sim.stats().at("requests");
    BOOST_TEST(req.at("by_route").at("GET /v1/pve/open/image").as_uint64() == 21u);
    BOOST_TEST(req.at("by_tenant").at("A27550582").as_uint64() == 21u);
}

BOOST_AUTO_TEST_CASE(fault_latency)
{
    fault_options f;
    f.latency = 150ms;
    sim.set_faults(f);
    auto r = get("/v1/pve/open/image");
    BOOST_TEST(r.code() == 0);
    BOOST_TEST(r.elapsed.count() >= 150);
    auto a = admin(http::verb::get, "/__sim/health");   // administration is never delayed
    BOOST_TEST(a.elapsed.count() < 150);
}

BOOST_AUTO_TEST_CASE(fault_http_errors_are_not_processed)
{
    fault_options f;
    f.http_error_rate = 1;
    sim.set_faults(f);
    auto r = post("/v1/pve/open/createquantity", R"({"packageId":"Ofc2C4G8xx","imageId":"4005"})");
    BOOST_TEST((r.status == 502u || r.status == 503u));
    BOOST_TEST(r.body.find("<html>") == 0u);
    sim.set_faults({});
    BOOST_TEST(hosts() == 0);
}

BOOST_AUTO_TEST_CASE(fault_malformed_and_truncated_are_processed)
{
    fault_options f;
    f.malformed_rate = 1;
    sim.set_faults(f);
    auto r = post("/v1/pve/open/createquantity", R"({"packageId":"Ofc2C4G8xx","imageId":"4005"})");
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.json().is_null());   // not JSON
    f.malformed_rate = 0;
    f.truncated_rate = 1;
    sim.set_faults(f);
    r = post("/v1/pve/open/createquantity", R"({"packageId":"Ofc2C4G8xx","imageId":"4005"})");
    BOOST_TEST(!r.ec);
    BOOST_TEST(r.json().is_null());
    BOOST_TEST(r.body.substr(0, 9) == "{\"code\":0");
    sim.set_faults({});
    BOOST_TEST(hosts() == 2);
    auto injected = sim.stats().at("faults_injected");
    BOOST_TEST(injected.at("malformed").as_uint64() == 1u);
    BOOST_TEST(injected.at("truncated").as_uint64() == 1u);
}

BOOST_AUTO_TEST_CASE(fault_close_every_n)
{
    fault_options f;
    f.close_every = 3;
    sim.set_faults(f);
    for (int i = 0; i < 3; ++i)
        BOOST_TEST(get("/v1/pve/open/image").code() == 0);
    // The server closed silently after the third answer: no "Connection: close".
    auto r = get("/v1/pve/open/image");
    BOOST_TEST(r.ec);
    BOOST_TEST(sim.stats().at("connections").at("accepted").as_uint64() == 1u);
    BOOST_TEST(get("/v1/pve/open/image").code() == 0);   // a new connection
}

BOOST_AUTO_TEST_CASE(fault_resets)
{
    fault_options f;
    f.reset_mid_response_rate = 1;
    f.paths = {"createquantity"};
    sim.set_faults(f);
    auto r = post("/v1/pve/open/createquantity", R"({"packageId":"Ofc2C4G8xx","imageId":"4005"})");
    BOOST_TEST(r.ec);
    BOOST_TEST(get("/v1/pve/open/image").code() == 0);   // other paths are untouched
    f.reset_mid_response_rate = 0;
    f.reset_before_response_rate = 1;
    sim.set_faults(f);
    r = post("/v1/pve/open/createquantity", R"({"packageId":"Ofc2C4G8xx","imageId":"4005"})");
    BOOST_TEST(r.ec);
    BOOST_TEST(r.body.empty());
    sim.set_faults({});
    BOOST_TEST(hosts() == 2);   // both were processed
}

BOOST_AUTO_TEST_CASE(fault_rate_limits)
{
    fault_options f;
    f.rate_limit_rps = 1;
    sim.set_faults(f);
    BOOST_TEST(get("/v1/pve/open/image").code() == 0);
    BOOST_TEST(get("/v1/pve/open/image").code() == 220025);
    f.rate_limit_mode = rate_limit_answer::http_429;
    sim.set_faults(f);
    auto r = get("/v1/pve/open/image");
    BOOST_TEST(r.status == 429u);
    BOOST_TEST(r.headers["Retry-After"] == "1");
    std::this_thread::sleep_for(1100ms);
    BOOST_TEST(get("/v1/pve/open/image").code() == 0);
    auto lim = sim.stats().at("rate_limit");
    BOOST_TEST(lim.at("admitted").as_uint64() == 2u);
    BOOST_TEST(lim.at("throttled").as_uint64() == 2u);
}

BOOST_AUTO_TEST_CASE(rate_limit_window_retry_after_and_stats)
{
    // One request in any two seconds: the second waits for the whole window.
    BOOST_TEST(admin(http::verb::put, "/__sim/faults", R"({"rate_limit_rps": 0.5, "rate_limit_mode": "http"})").status == 200u);
    BOOST_TEST(get("/v1/pve/open/image").code() == 0);
    auto r = get("/v1/pve/open/image");
    BOOST_TEST(r.status == 429u);
    BOOST_TEST(r.headers["Retry-After"] == "2");
    BOOST_TEST(get("/v1/pve/open/one/nope").status == 429u);   // the same window for every path
    auto st = admin(http::verb::get, "/__sim/stats").json();
    auto lim = st.at("rate_limit");
    BOOST_TEST(lim.at("rps").as_double() == 0.5);
    BOOST_TEST(lim.at("algorithm").as_string() == "sliding");
    BOOST_TEST(lim.at("mode").as_string() == "http");
    BOOST_TEST(lim.at("admitted").to_number<int>() == 1);
    BOOST_TEST(lim.at("throttled").to_number<int>() == 2);
    BOOST_TEST(lim.at("by_tenant").at("A27550582").at("throttled").to_number<int>() == 2);
    BOOST_TEST(st.at("faults_injected").at("rate_limit").to_number<int>() == 2);
    BOOST_TEST(st.at("requests").at("by_route").at("GET /v1/pve/open/image").to_number<int>() == 2);

    auto f = admin(http::verb::put, "/__sim/faults", R"({"rate_limit_algorithm": "bucket"})");
    BOOST_TEST(f.json().at("rate_limit_algorithm").as_string() == "bucket");
    BOOST_TEST((sim.faults().rate_limit_algorithm == finovy::sim::rate_limiter::token_bucket));
    BOOST_TEST(admin(http::verb::put, "/__sim/faults", R"({"rate_limit_algorithm": "leaky"})").status == 400u);
    BOOST_TEST(admin(http::verb::post, "/__sim/reset", R"({"state": false})").status == 200u);
    lim = admin(http::verb::get, "/__sim/stats").json().at("rate_limit");
    BOOST_TEST(lim.at("admitted").to_number<int>() == 0);
    BOOST_TEST(lim.at("throttled").to_number<int>() == 0);
}

BOOST_AUTO_TEST_CASE(scripted_faults_through_the_faults_endpoint)
{
    auto set = admin(http::verb::put, "/__sim/faults",
                     R"({"script": [{"path": "/v1/pve/open/createquantity", "method": "POST", "count": 2,
                                     "code": 1005, "process": true}]})");
    BOOST_TEST_REQUIRE(set.status == 200u, set.body);
    const std::string body = R"({"packageId":"Ofc2C4G8xx","imageId":"4005"})";
    auto r = post("/v1/pve/open/createquantity", body);
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.code() == 1005);
    auto left = admin(http::verb::get, "/__sim/faults").json().at("script");
    BOOST_TEST(left.at(0).at("count").to_number<int>() == 1);
    BOOST_TEST(post("/v1/pve/open/createquantity", body).code() == 1005);
    BOOST_TEST(admin(http::verb::get, "/__sim/faults").json().at("script").as_array().empty());
    BOOST_TEST(post("/v1/pve/open/createquantity", body).code() == 0);
    BOOST_TEST(hosts() == 3);   // the two scripted ones were carried out
    BOOST_TEST(http.connected());   // an API error answer keeps the connection
    BOOST_TEST(sim.stats().at("faults_injected").at("scripted").as_uint64() == 2u);
    BOOST_TEST(admin(http::verb::put, "/__sim/faults", R"({"script": [{"path": "x"}]})").status == 400u);
}

BOOST_AUTO_TEST_CASE(scripted_faults_in_process)
{
    const std::string body = R"({"packageId":"Ofc2C4G8xx","imageId":"4005"})";
    // A gateway error: not carried out, whatever the random faults say.
    fault_options f;
    f.malformed_rate = 1;
    sim.set_faults(f);
    sim.script({.path = "createquantity", .http_status = 503, .retry_after = 3});
    auto r = post("/v1/pve/open/createquantity", body);
    BOOST_TEST(r.status == 503u);
    BOOST_TEST(r.body.find("<html>") == 0u);
    BOOST_TEST(r.headers["Retry-After"] == "3");
    sim.set_faults({});
    BOOST_TEST(hosts() == 0);

    // A reset before the answer, carried out or not.
    sim.script({.path = "createquantity", .reset = true});
    sim.script({.path = "createquantity", .method = "POST", .process = true, .reset = true});
    BOOST_TEST(post("/v1/pve/open/createquantity", body).ec);
    BOOST_TEST(hosts() == 0);
    BOOST_TEST(post("/v1/pve/open/createquantity", body).ec);
    BOOST_TEST(hosts() == 1);

    // A code under a chosen status; then the script is cleared by a reset of the faults.
    sim.script({.path = "/one/", .count = 5, .code = 503, .http_status = 503});
    r = get("/v1/pve/open/one/anything");
    BOOST_TEST(r.status == 503u);
    BOOST_TEST(r.code() == 503);
    BOOST_TEST(sim.faults().script.at(0).count == 4u);
    BOOST_CHECK_THROW(sim.script({.path = "x", .code = 1005, .reset = true}), std::invalid_argument);
    BOOST_CHECK_THROW(sim.script({.path = "x"}), std::invalid_argument);
    BOOST_TEST(admin(http::verb::post, "/__sim/reset", R"({"state": false, "faults": true})").status == 200u);
    BOOST_TEST(sim.faults().script.empty());
    BOOST_TEST(get("/v1/pve/open/one/anything").code() == 1021);
}

BOOST_AUTO_TEST_CASE(createquantity_answers_true_or_the_id)
{
    const std::string body = R"({"packageId":"Ofc2C4G8xx","imageId":"4005"})";
    BOOST_TEST(post("/v1/pve/open/createquantity", body).json().at("data").as_bool());
    BOOST_TEST(admin(http::verb::get, "/__sim/config").json().at("create_answers").as_string() == "true");
    BOOST_TEST(admin(http::verb::put, "/__sim/config", R"({"create_answers": "id"})").status == 200u);
    auto r = post("/v1/pve/open/createquantity", body);
    BOOST_TEST_REQUIRE(r.json().at("data").is_string());
    BOOST_TEST(r.json().at("data").as_string() == newest_host());
    BOOST_TEST(admin(http::verb::put, "/__sim/config", R"({"create_answers": 1})").status == 400u);

    // The in-process option.
    auto o = fast_sim_options();
    o.create_answers = finovy::sim::create_answer::host_id;
    finovy::sim::server with_id(o);
    with_id.start();
    raw_https h(with_id.port(), with_id.ca_file());
    auto created = h.post("/v1/pve/open/createquantity", body, static_token);
    BOOST_TEST_REQUIRE(created.code() == 0);
    std::string id(created.json().at("data").as_string());
    BOOST_TEST(h.get("/v1/pve/open/one/" + id, static_token).json().at("data").at("id").as_string() == id);
}

BOOST_AUTO_TEST_CASE(errors_with_http_statuses)
{
    BOOST_TEST(get("/v1/pve/open/one/nope").status == 200u);
    fault_options f;
    f.error_http_status = true;
    sim.set_faults(f);
    auto r = get("/v1/pve/open/one/nope");
    BOOST_TEST(r.status == 404u);
    BOOST_TEST(r.code() == 1021);
    BOOST_TEST(http.get("/v1/pve/open/image", "expired").status == 401u);
    BOOST_TEST(get("/v1/nothing").status == 404u);
}

BOOST_AUTO_TEST_CASE(huge_bodies_are_refused)
{
    // Refused as soon as the header announces it: 413, or a reset while the body is still being sent.
    auto r = post("/v1/pve/open/createquantity", std::string(2 << 20, 'x'));
    BOOST_TEST((r.status == 413u || r.ec));
    auto after = get("/v1/pve/open/image");
    BOOST_TEST(after.code() == 0, after.ec.message());
    BOOST_TEST(hosts() == 0);
}

BOOST_AUTO_TEST_CASE(administration)
{
    BOOST_TEST(admin(http::verb::get, "/__sim/health").json().at("ok").as_bool());
    auto f = admin(http::verb::put, "/__sim/faults", R"({"latency_ms": 5, "close_every": 7, "paths": ["one"]})");
    BOOST_TEST(f.status == 200u);
    BOOST_TEST(sim.faults().close_every == 7u);
    BOOST_TEST(admin(http::verb::get, "/__sim/faults").json().at("latency_ms").as_int64() == 5);
    BOOST_TEST(admin(http::verb::put, "/__sim/faults", R"({"bogus": 1})").status == 400u);
    BOOST_TEST(admin(http::verb::put, "/__sim/faults", "not json").status == 400u);
    BOOST_TEST(admin(http::verb::post, "/__sim/reset", R"({"faults": true})").status == 200u);
    BOOST_TEST(sim.faults().close_every == 0u);

    auto hosts_added = admin(http::verb::post, "/__sim/hosts", R"({"uuid":"A27550582","count":30,"status":2})");
    BOOST_TEST(hosts_added.json().at("ids").as_array().size() == 30u);
    BOOST_TEST(hosts() == 30);
    BOOST_TEST(admin(http::verb::post, "/__sim/tenants", R"({"uuid":"NEW1","secret":"s","balance":5,"realName":false})").status == 200u);
    auto tok = http.post("/v1/auth/getToken", R"({"uuid":"NEW1","secret":"s"})");
    BOOST_TEST(tok.code() == 0);
    auto t = admin(http::verb::post, "/__sim/time", R"({"advance_ms": 3600000})");
    BOOST_TEST(t.json().at("sim_time_ms").is_int64());
    auto st = admin(http::verb::get, "/__sim/stats").json();
    BOOST_TEST(st.at("tenants").at("A27550582").at("hosts").to_number<int>() == 30);
    BOOST_TEST(st.at("tenants").at("A27550582").at("hosts_by_status").at("2").as_int64() == 30);
    BOOST_TEST(st.at("tenants").at("NEW1").at("real_name").as_bool() == false);
    BOOST_TEST(st.at("tokens_issued").to_number<int>() == 1);
    BOOST_TEST(admin(http::verb::post, "/__sim/reset").status == 200u);
    BOOST_TEST(hosts() == 0);
    BOOST_TEST(admin(http::verb::get, "/__sim/nothing").status == 404u);
}

BOOST_AUTO_TEST_CASE(a_thousand_connections_at_once)
{
    constexpr int n = 1000;
    asio::io_context ioc;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(sim.ca_file());
    ctx.set_verify_mode(asio::ssl::verify_peer);
    int ok = 0;
    std::vector<std::unique_ptr<beast::ssl_stream<beast::tcp_stream>>> streams;
    for (int i = 0; i < n; ++i)
        streams.push_back(std::make_unique<beast::ssl_stream<beast::tcp_stream>>(ioc, ctx));
    // All connect and handshake first, then each sends one request: 1000 open at once.
    int handshaken = 0;
    asio::steady_timer all_open(ioc, std::chrono::steady_clock::time_point::max());
    for (auto& s : streams)
        asio::co_spawn(
            ioc,
            [&, st = s.get()]() -> asio::awaitable<void> {
                tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), sim.port());
                st->next_layer().expires_after(60s);
                co_await st->next_layer().async_connect(ep, asio::use_awaitable);
                co_await st->async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
                if (++handshaken == n)
                    all_open.cancel();
                else
                    co_await all_open.async_wait(asio::as_tuple(asio::use_awaitable));
                http::request<http::string_body> req{http::verb::get, "/v1/pve/open/image", 11};
                req.set(http::field::host, "127.0.0.1");
                req.set("Finovy-Access-Token", static_token);
                co_await http::async_write(*st, req, asio::use_awaitable);
                beast::flat_buffer b;
                http::response<http::string_body> res;
                co_await http::async_read(*st, b, res, asio::use_awaitable);
                if (res.result_int() == 200)
                    ++ok;
            },
            asio::detached);
    ioc.run_for(90s);
    BOOST_TEST(handshaken == n);
    BOOST_TEST(ok == n);
    auto st = sim.stats();
    BOOST_TEST(st.at("connections").at("accepted").as_uint64() >= static_cast<std::uint64_t>(n));
    BOOST_TEST(st.at("connections").at("open").as_uint64() >= static_cast<std::uint64_t>(n));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(sim_executable)

BOOST_AUTO_TEST_CASE(prints_its_address_serves_and_stops_on_sigterm)
{
    auto dir = temp_dir();
    child sim({FINOVY_SIM_EXE, "--port", "0", "--cert-dir", dir, "--static-token", "exe-token", "--boot-ms", "10",
               "--create-answers", "id", "--rate-limit-algorithm", "bucket"});
    auto first = sim.read_line();
    BOOST_TEST_REQUIRE(first.rfind("finovy-sim listening on https://127.0.0.1:", 0) == 0u, first);
    auto port = static_cast<unsigned short>(std::stoi(first.substr(first.rfind(':') + 1)));
    auto ca = sim.read_line();
    BOOST_TEST(ca == "ca-file: " + dir + "/ca.pem");
    BOOST_TEST(sim.read_line().rfind("demo-uuid: A27550582", 0) == 0u);
    BOOST_TEST(std::filesystem::exists(dir + "/ca.pem"));

    raw_https h(port, dir + "/ca.pem");
    BOOST_TEST(h.get("/v1/pve/open/image", "exe-token").code() == 0);
    auto created = h.post("/v1/pve/open/createquantity", R"({"packageId":"Ofc2C4G8xx","imageId":"4005"})", "exe-token");
    BOOST_TEST(created.json().at("data").is_string());
    BOOST_TEST(h.get("/__sim/faults").json().at("rate_limit_algorithm").as_string() == "bucket");
    sim.signal(SIGTERM);
    auto r = sim.wait(10s);
    BOOST_TEST(r.exit_code == 0, r.err);

    // Started again with the same directory, it reads the CA instead of making a new one.
    auto before = std::filesystem::last_write_time(dir + "/ca.pem");
    child again({FINOVY_SIM_EXE, "--port", "0", "--cert-dir", dir});
    BOOST_TEST(again.read_line().rfind("finovy-sim listening on", 0) == 0u);
    again.signal(SIGINT);
    BOOST_TEST(again.wait(10s).exit_code == 0);
    BOOST_TEST((std::filesystem::last_write_time(dir + "/ca.pem") == before));
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(help_documents_every_flag)
{
    auto r = run_process({FINOVY_SIM_EXE, "--help"});
    BOOST_TEST(r.exit_code == 0);
    for (auto flag : {"--port", "--address", "--plain", "--cert-dir", "--cert-name", "--static-token", "--tenants",
                      "--catalog", "--token-ttl-ms", "--boot-ms", "--shutdown-ms", "--reboot-ms", "--disk-ms",
                      "--time-scale", "--pending-rate", "--latency-ms", "--latency-jitter-ms", "--http-error-rate",
                      "--malformed-rate", "--truncated-rate", "--close-every", "--reset-mid-response-rate",
                      "--reset-before-response-rate", "--rate-limit-rps", "--rate-limit-mode", "--fault-path",
                      "--error-http-status", "--seed", "--log-requests", "Status 3", "--create-answers",
                      "--rate-limit-algorithm", "/__sim/config", "Scripted faults", "\"script\"", "process"})
        BOOST_TEST(r.out.find(flag) != std::string::npos, flag);
    auto bad = run_process({FINOVY_SIM_EXE, "--http-error-rate", "2"});
    BOOST_TEST(bad.exit_code == 2);
    BOOST_TEST(run_process({FINOVY_SIM_EXE, "--nonsense"}).exit_code == 2);
    BOOST_TEST(run_process({FINOVY_SIM_EXE, "--create-answers", "maybe"}).exit_code == 2);
    BOOST_TEST(run_process({FINOVY_SIM_EXE, "--rate-limit-algorithm", "leaky"}).exit_code == 2);
}

BOOST_AUTO_TEST_CASE(plain_http_for_debugging)
{
    auto o = fast_sim_options();
    o.plain = true;
    sim::server s(o);
    s.start();
    BOOST_TEST(s.url().rfind("http://", 0) == 0u);
    raw_https h(s.port(), "", true);
    BOOST_TEST(h.get("/v1/pve/open/image", static_token).code() == 0);
}

BOOST_AUTO_TEST_SUITE_END()
