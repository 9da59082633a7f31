// SPDX-License-Identifier: BSL-1.0
// The simulator's rules, driven directly with a controlled clock: lifecycle timings, every
// documented error code, billing, expiry, tenant isolation, disks and pagination.
#include "sim_world_support.hpp"

#include <set>

using namespace sim_test;

BOOST_AUTO_TEST_SUITE(sim_rules)

BOOST_AUTO_TEST_CASE(tokens_expire_and_are_per_tenant)
{
    options o;
    o.token_ttl = 1000ms;
    sim_world s(o);
    auto tok = s.login(default_tenants()[0]);
    BOOST_TEST(s.call("GET", "/v1/pve/open/image", {}, tok).code == 0);
    s.now += 999ms;
    BOOST_TEST(s.call("GET", "/v1/pve/open/image", {}, tok).code == 0);
    s.now += 2ms;
    BOOST_TEST(s.call("GET", "/v1/pve/open/image", {}, tok).code == 401);
    BOOST_TEST(s.call("GET", "/v1/pve/open/image", {}, "").code == 401);
    BOOST_TEST(s.call("GET", "/v1/pve/open/image", {}, "garbage").code == 401);
    // Bad credentials, missing fields, malformed JSON.
    BOOST_TEST(s.call("POST", "/v1/auth/getToken", R"({"uuid":"A27550582","secret":"wrong"})", "").code == 1001);
    BOOST_TEST(s.call("POST", "/v1/auth/getToken", R"({"uuid":"A27550582"})", "").code == 1007);
    BOOST_TEST(s.call("POST", "/v1/auth/getToken", R"({"uuid":)", "").code == 1001);
    auto r = s.call("POST", "/v1/auth/getToken",
                    R"({"uuid":"A27550582","secret":"9M8Lqh9aiq2cFELYAoqvLH1DMExkFvWEl5dsLOp72JE"})", "");
    BOOST_TEST(r.data.at("effectiveTime").as_int64() == 1000);
    // The static token never expires.
    s.now += 24h;
    BOOST_TEST(s.code("GET", "/v1/pve/open/image") == 0);
}

BOOST_AUTO_TEST_CASE(catalog_and_its_shapes)
{
    sim_world s;
    auto images = s.call("GET", "/v1/pve/open/image");
    BOOST_TEST(images.data.as_array().size() == 5u);
    auto payg = s.call("GET", "/v1/pve/open/packAge/0").data.as_array();
    auto fixed = s.call("GET", "/v1/pve/open/packAge/1").data.as_array();
    BOOST_TEST(payg.size() == 4u);    // useType 0 or 2
    BOOST_TEST(fixed.size() == 3u);   // useType 1 or 2
    const auto& p = payg.at(0).as_object();
    BOOST_TEST(p.at("area").is_string());      // enumerations as strings of digits
    BOOST_TEST(p.at("useType").is_string());
    BOOST_TEST(p.at("amount").is_number());
    BOOST_TEST(s.code("GET", "/v1/pve/open/packAge/7") == 1001);
}

BOOST_AUTO_TEST_CASE(power_lifecycle_with_timings_and_codes)
{
    options o;
    o.boot_time = 100ms;
    o.shutdown_time = 80ms;
    o.reboot_time = 120ms;
    sim_world s(o);
    auto id = s.create();
    BOOST_TEST(s.status(id) == "0");
    auto one = s.call("GET", "/v1/pve/open/one/" + id).data.as_object();
    BOOST_TEST(one.at("hostPw").is_null());   // never started: no credentials yet
    BOOST_TEST(one.at("expirationTime").is_null());

    BOOST_TEST(s.code("GET", "/v1/pve/open/reboot/" + id) == 7002);   // never started
    BOOST_TEST(s.code("GET", "/v1/pve/open/operate/" + id) == 1007);  // no type
    BOOST_TEST(s.code("GET", "/v1/pve/open/operate/" + id + "?type=3") == 1001);
    BOOST_TEST(s.code("GET", "/v1/pve/open/operate/" + id + "?type=1") == 0);
    BOOST_TEST(s.status(id) == "1");
    BOOST_TEST(s.code("GET", "/v1/pve/open/operate/" + id + "?type=1") == 6000);
    BOOST_TEST(s.code("GET", "/v1/pve/open/operate/" + id + "?type=0") == 6000);
    BOOST_TEST(s.code("GET", "/v1/pve/open/reboot/" + id) == 7003);
    BOOST_TEST(s.code("DELETE", "/v1/pve/open/delete/" + id) == 6000);
    s.now += 99ms;
    BOOST_TEST(s.status(id) == "1");
    s.now += 1ms;
    BOOST_TEST(s.status(id) == "2");
    BOOST_TEST(!s.call("GET", "/v1/pve/open/one/" + id).data.at("hostPw").is_null());
    BOOST_TEST(s.code("GET", "/v1/pve/open/operate/" + id + "?type=1") == 0);   // already running

    BOOST_TEST(s.code("GET", "/v1/pve/open/reboot/" + id) == 0);
    BOOST_TEST(s.status(id) == "1");
    s.now += 119ms;
    BOOST_TEST(s.status(id) == "1");
    s.now += 1ms;
    BOOST_TEST(s.status(id) == "2");

    BOOST_TEST(s.code("GET", "/v1/pve/open/operate/" + id + "?type=0") == 0);
    BOOST_TEST(s.status(id) == "4");
    BOOST_TEST(s.code("GET", "/v1/pve/open/operate/" + id + "?type=1") == 6001);
    BOOST_TEST(s.code("DELETE", "/v1/pve/open/delete/" + id) == 6001);
    s.now += 80ms;
    BOOST_TEST(s.status(id) == "0");
    BOOST_TEST(s.code("GET", "/v1/pve/open/reboot/" + id) == 7004);   // started once, now off
    BOOST_TEST(s.code("DELETE", "/v1/pve/open/delete/" + id) == 0);
    BOOST_TEST(s.code("GET", "/v1/pve/open/one/" + id) == 1021);
    BOOST_TEST(s.code("DELETE", "/v1/pve/open/delete/" + id) == 1021);
    BOOST_TEST(s.code("GET", "/v1/pve/open/operate/" + id + "?type=1") == 1021);
    BOOST_TEST(s.code("GET", "/v1/pve/open/reboot/" + id) == 1021);
}

BOOST_AUTO_TEST_CASE(create_codes)
{
    sim_world s;
    auto body = [](std::string p, std::string i) { return json::serialize(json::object{{"packageId", p}, {"imageId", i}}); };
    BOOST_TEST(s.code("POST", "/v1/pve/open/createquantity", body("Wy1KiMqtPO", "4005")) == 7005);
    BOOST_TEST(s.code("POST", "/v1/pve/open/createquantity", R"({"packageId":"Wy1KiMqtPO"})") == 1007);
    BOOST_TEST(s.code("POST", "/v1/pve/open/createquantity", body("nope", "507")) == 1001);
    BOOST_TEST(s.code("POST", "/v1/pve/open/createquantity", body("Rnt8C32Gyy", "507")) == 1001);   // fixed only
    BOOST_TEST(s.code("POST", "/v1/pve/open/createquantity", "not json") == 1001);
    // Capacity: Lmt1GPUzzz allows one host.
    BOOST_TEST(s.code("POST", "/v1/pve/open/createquantity", body("Lmt1GPUzzz", "4005")) == 0);
    BOOST_TEST(s.code("POST", "/v1/pve/open/createquantity", body("Lmt1GPUzzz", "4005")) == 6002);
    // Real-name verification.
    auto unverified = s.login(default_tenants()[2]);
    BOOST_TEST(s.call("POST", "/v1/pve/open/createquantity", body("Wy1KiMqtPO", "507"), unverified).code == 1037);
    // Creation pending.
    s.w->faults.pending_rate = 1.0;
    BOOST_TEST(s.code("POST", "/v1/pve/open/createquantity", body("Wy1KiMqtPO", "507")) == 6005);
    BOOST_TEST(s.call("GET", "/v1/pve/open/mypage?page=1&pageSize=25").data.at("totalCounts").as_int64() == 1);
}

BOOST_AUTO_TEST_CASE(fixed_period_hosts_charge_and_expire)
{
    options o;
    o.time_scale = 3600;   // an hour a second
    sim_world s(o);
    auto rent = [&](int n, int type, std::optional<std::string> tok = std::nullopt) {
        return s.call("POST", "/v1/pve/open/createRent",
                      json::serialize(json::object{{"packageId", "Rnt8C32Gyy"}, {"imageId", "507"},
                                                   {"periodNumber", n}, {"periodType", type}}),
                      tok);
    };
    auto before = s.w->stats(s.now).at("tenants").at("A27550582").at("balance").as_double();
    auto r = rent(2, 1);   // two days: 2.40 x 0.90 x 48
    BOOST_TEST_REQUIRE(r.code == 0);
    std::string id(r.data.as_string());
    auto after = s.w->stats(s.now).at("tenants").at("A27550582").at("balance").as_double();
    BOOST_TEST(before - after == 2.40 * 0.90 * 48, boost::test_tools::tolerance(1e-6));
    auto h = s.call("GET", "/v1/pve/open/one/" + id).data.as_object();
    BOOST_TEST(h.at("useType").as_string() == "1");
    BOOST_TEST(h.at("address").as_string() == "");   // the documents' other quirk
    BOOST_TEST(h.at("port").as_int64() == 0);
    BOOST_TEST(h.at("expirationTime").as_int64() - h.at("createTime").as_int64() == 48 * 3600 * 1000LL);

    BOOST_TEST(s.code("POST", "/v1/pve/open/createRent",
                      R"({"packageId":"Rnt8C32Gyy","imageId":"507","periodNumber":"x","periodType":1})") == 1001);
    BOOST_TEST(s.code("POST", "/v1/pve/open/createRent",
                      R"({"packageId":"Rnt8C32Gyy","imageId":"507","periodNumber":1,"periodType":9})") == 1001);
    BOOST_TEST(s.code("POST", "/v1/pve/open/createRent", R"({"packageId":"Rnt8C32Gyy","imageId":"507"})") == 1007);
    BOOST_TEST(rent(1, 5, s.login(default_tenants()[3])).code == 9001);   // the poor tenant
    BOOST_TEST(s.code("POST", "/v1/pve/open/createRent",
                      R"({"packageId":"teTapaSUFq","imageId":"507","periodNumber":1,"periodType":1})") == 1001);

    s.now += 47s;   // 47 simulated hours
    BOOST_TEST(s.status(id) == "0");
    s.now += 1s;
    BOOST_TEST(s.status(id) == "5");
    BOOST_TEST(s.code("GET", "/v1/pve/open/operate/" + id + "?type=1") == 1003);
    BOOST_TEST(s.code("GET", "/v1/pve/open/reboot/" + id) == 7004);
    BOOST_TEST(s.code("DELETE", "/v1/pve/open/delete/" + id) == 0);

    // advance() moves simulated time too.
    auto r2 = rent(1, 0);
    std::string id2(r2.data.as_string());
    s.w->advance(std::chrono::hours(2));
    BOOST_TEST(s.status(id2) == "5");
}

BOOST_AUTO_TEST_CASE(pay_as_you_go_billing_and_status_3)
{
    options o;
    o.time_scale = 3600;
    o.boot_time = 0ms;
    o.shutdown_time = 0ms;
    o.tenants = {{"T1", "s1", 3.0, true}};
    sim_world s(o);
    auto id = s.create("Ofc2C4G8xx", "4005");   // 0.30 per hour
    s.start(id);
    s.now += 5s;   // five hours
    auto bal = s.w->stats(s.now).at("tenants").at("T1").at("balance").as_double();
    BOOST_TEST(bal == 3.0 - 1.5, boost::test_tools::tolerance(1e-3));
    s.now += 6s;   // eleven hours: 3.30 > 3.00
    BOOST_TEST(s.status(id) == "3");
    BOOST_TEST(s.code("GET", "/v1/pve/open/operate/" + id + "?type=0") == 0);
    s.now += 10s;
    auto bal2 = s.w->stats(s.now).at("tenants").at("T1").at("balance").as_double();
    BOOST_TEST(bal2 == 3.0 - 3.3, boost::test_tools::tolerance(1e-3));   // billing stopped at power-off
    BOOST_TEST(s.code("GET", "/v1/pve/open/operate/" + id + "?type=1") == 6003);   // below one hour
}

BOOST_AUTO_TEST_CASE(tenants_are_isolated)
{
    sim_world s;
    auto id = s.create();
    auto other = s.login(default_tenants()[1]);
    BOOST_TEST(s.call("GET", "/v1/pve/open/one/" + id, {}, other).code == 1021);
    BOOST_TEST(s.call("GET", "/v1/pve/open/operate/" + id + "?type=1", {}, other).code == 1021);
    BOOST_TEST(s.call("DELETE", "/v1/pve/open/delete/" + id, {}, other).code == 1021);
    BOOST_TEST(s.call("GET", "/v1/pve/open/mypage?page=1&pageSize=25", {}, other).data.at("totalCounts").as_int64() == 0);
    BOOST_TEST(s.call("POST", "/v1/PveMachineHardDisk/open/create",
                      json::serialize(json::object{{"area", 0}, {"memory", 20}, {"isMount", 1}, {"pveId", id}}), other)
                   .code == 220016);
    BOOST_TEST(s.status(id) == "0");
}

BOOST_AUTO_TEST_CASE(pages_of_ten_thousand_hosts)
{
    sim_world s;
    auto ids = s.w->add_hosts("A27550582", 10000, "Ofc2C4G8xx", "", 0, s.now);
    BOOST_TEST(ids.size() == 10000u);
    std::set<std::string> seen;
    for (int page = 1; page <= 400; ++page)
    {
        auto r = s.call("GET", "/v1/pve/open/mypage?page=" + std::to_string(page) + "&pageSize=25");
        BOOST_TEST_REQUIRE(r.code == 0);
        BOOST_TEST(r.data.at("totalCounts").as_int64() == 10000);
        for (const auto& h : r.data.at("data").as_array())
            seen.insert(std::string(h.at("id").as_string()));
    }
    BOOST_TEST(seen.size() == 10000u);
    BOOST_TEST(s.call("GET", "/v1/pve/open/mypage?page=401&pageSize=25").data.at("data").as_array().empty());
    // Newest first; more than 25 is capped at 25.
    auto first = s.call("GET", "/v1/pve/open/mypage?page=1&pageSize=100").data.at("data").as_array();
    BOOST_TEST(first.size() == 25u);
    BOOST_TEST(first.at(0).at("id").as_string() == ids.back());
    BOOST_TEST(s.code("GET", "/v1/pve/open/mypage?page=0&pageSize=10") == 1001);
    BOOST_TEST(s.code("GET", "/v1/pve/open/mypage?page=1") == 1007);
    BOOST_TEST(s.code("GET", "/v1/pve/open/mypage?page=a&pageSize=10") == 1001);
}

BOOST_AUTO_TEST_CASE(disk_rules_and_codes)
{
    options o;
    o.boot_time = 10ms;
    o.shutdown_time = 10ms;
    o.disk_time = 50ms;
    sim_world s(o);
    auto create = [&](json::object b) { return s.call("POST", "/v1/PveMachineHardDisk/open/create", json::serialize(b)); };
    auto host = s.create("Ofc2C4G8xx", "4005");   // pay-as-you-go, area 0

    BOOST_TEST(create({{"area", 0}, {"memory", 19}, {"isMount", 0}}).code == 220013);
    BOOST_TEST(create({{"area", 0}, {"memory", 20}, {"isMount", 2}}).code == 220020);
    BOOST_TEST(create({{"area", 0}, {"memory", 20}, {"isMount", 0}, {"buyNumber", 0}}).code == 220020);
    BOOST_TEST(create({{"area", 0}, {"memory", 20}}).code == 1007);
    BOOST_TEST(create({{"area", 0}, {"memory", 20}, {"isMount", 1}}).code == 220015);
    BOOST_TEST(create({{"area", 0}, {"memory", 20}, {"isMount", 1}, {"pveId", "nope"}}).code == 220016);
    BOOST_TEST(create({{"area", 1}, {"memory", 20}, {"isMount", 1}, {"pveId", host}}).code == 220018);
    BOOST_TEST(create({{"area", 0}, {"memory", 20}, {"isMount", 1}, {"pveId", host}}).code == 220012);   // never started
    s.start(host);
    BOOST_TEST(create({{"area", 0}, {"memory", 20}, {"isMount", 1}, {"pveId", host}}).code == 220009);   // running
    s.stop(host);
    auto unverified = s.login(default_tenants()[2]);
    BOOST_TEST(s.call("POST", "/v1/PveMachineHardDisk/open/create", R"({"area":0,"memory":20,"isMount":0})", unverified)
                   .code == 1037);
    auto poor = s.login(default_tenants()[3]);
    BOOST_TEST(s.call("POST", "/v1/PveMachineHardDisk/open/create", R"({"area":"0","memory":"1000","isMount":0})", poor)
                   .code == 6003);

    // Mounted at creation: 1 (mounting) then 2 (in use).
    auto r = create({{"area", "0"}, {"memory", 100}, {"isMount", 1}, {"pveId", host}});
    BOOST_TEST_REQUIRE(r.code == 0);
    std::string d1(r.data.as_string());
    auto info = [&](const std::string& id) { return s.call("GET", "/v1/PveMachineHardDisk/open/info/" + id); };
    BOOST_TEST(info(d1).data.at("status").as_string() == "1");
    s.now += 50ms;
    BOOST_TEST(info(d1).data.at("status").as_string() == "2");
    BOOST_TEST(info(d1).data.at("pveId").as_string() == host);

    // 1000 GB per area.
    BOOST_TEST(create({{"area", 0}, {"memory", 901}, {"isMount", 0}}).code == 220014);
    BOOST_TEST(create({{"area", 1}, {"memory", 901}, {"isMount", 0}}).code == 0);
    BOOST_TEST(s.call("GET", "/v1/PveMachineHardDisk/open/memoryTotal/0").data.at("memory").as_int64() == 100);
    BOOST_TEST(s.call("GET", "/v1/PveMachineHardDisk/open/memoryTotal/1").data.at("memory").as_int64() == 901);
    BOOST_TEST(s.code("GET", "/v1/PveMachineHardDisk/open/memoryTotal/5") == 1001);

    // Unmount: the host must be off; then 2 until done, then 0.
    auto update = [&](const std::string& id, std::string st) {
        return s.call("PUT", "/v1/PveMachineHardDisk/open/updateStatus", json::serialize(json::object{{"id", id}, {"status", st}})).code;
    };
    BOOST_TEST(update(d1, "5") == 220022);   // destroy needs "waiting"
    s.start(host);
    BOOST_TEST(update(d1, "0") == 220009);
    s.stop(host);
    BOOST_TEST(update(d1, "0") == 0);
    BOOST_TEST(update(d1, "0") == 220006);   // already being unmounted
    BOOST_TEST(info(d1).data.at("status").as_string() == "2");
    s.now += 50ms;
    BOOST_TEST(info(d1).data.at("status").as_string() == "0");
    BOOST_TEST(update(d1, "0") == 220006);
    BOOST_TEST(update(d1, "7") == 1001);
    BOOST_TEST(update("nope", "0") == 220001);

    // Mount again through pveCreate; moving between hosts needs both off.
    auto mount = [&](const std::string& d, const std::string& h) {
        return s.call("POST", "/v1/PveMachineHardDisk/open/pveCreate", json::serialize(json::object{{"id", d}, {"pveId", h}})).code;
    };
    auto host2 = s.create("Ofc2C4G8xx", "4005");
    s.start(host2);
    s.stop(host2);
    s.start(host);
    BOOST_TEST(mount(d1, host2) == 220024);   // the previous host runs
    s.stop(host);
    BOOST_TEST(mount(d1, host2) == 0);
    BOOST_TEST(mount(d1, host2) == 220002);
    BOOST_TEST(mount("nope", host2) == 220001);
    s.now += 50ms;
    BOOST_TEST(update(d1, "0") == 0);
    s.now += 50ms;
    auto rent = s.call("POST", "/v1/pve/open/createRent",
                       R"({"packageId":"Wy1KiMqtPO","imageId":"507","periodNumber":1,"periodType":1})");
    std::string fixed(rent.data.as_string());
    BOOST_TEST(mount(d1, fixed) == 220017);
    BOOST_TEST(mount(d1, "nope") == 220016);

    // Destroy: 4 then gone.
    BOOST_TEST(update(d1, "5") == 0);
    BOOST_TEST(info(d1).data.at("status").as_string() == "4");
    s.now += 50ms;
    BOOST_TEST(info(d1).code == 220001);

    // At most 30 mounted per host.
    for (int k = 0; k < 30; ++k)
        BOOST_TEST_REQUIRE(create({{"area", 2}, {"memory", 20}, {"isMount", 0}}).code == 0);
    auto intl = s.create("Lmt1GPUzzz", "4005");   // area 2
    s.start(intl);
    s.stop(intl);
    auto list = s.call("POST", "/v1/PveMachineHardDisk/open/getList", R"({"page":"1","pageSize":"100","area":"2"})");
    BOOST_TEST(list.data.at("totalCounts").as_int64() == 30);
    for (const auto& d : list.data.at("data").as_array())
        BOOST_TEST_REQUIRE(mount(std::string(d.at("id").as_string()), intl) == 0);
    BOOST_TEST(create({{"area", 2}, {"memory", 20}, {"isMount", 1}, {"pveId", intl}}).code == 220010);
    auto extra = create({{"area", 2}, {"memory", 20}, {"isMount", 0}});
    BOOST_TEST(mount(std::string(extra.data.as_string()), intl) == 220010);

    // getList: paging and filters.
    auto page2 = s.call("POST", "/v1/PveMachineHardDisk/open/getList", R"({"page":2,"pageSize":20,"area":2})");
    BOOST_TEST(page2.data.at("data").as_array().size() == 11u);
    auto by_host = s.call("POST", "/v1/PveMachineHardDisk/open/getList",
                          json::serialize(json::object{{"page", 1}, {"pageSize", 100}, {"pveId", intl}}));
    BOOST_TEST(by_host.data.at("totalCounts").as_int64() == 30);
    BOOST_TEST(s.code("POST", "/v1/PveMachineHardDisk/open/getList", R"({"page":1})") == 1007);
}

BOOST_AUTO_TEST_CASE(mounting_a_disk_being_destroyed_answers_it_is_gone)
{
    // Issue 11, defect 14: this answered 220002 "already mounted".
    options o;
    o.disk_time = 50ms;
    sim_world s(o);
    auto host = s.create("Ofc2C4G8xx", "4005");
    s.start(host);
    s.stop(host);
    auto d = s.call("POST", "/v1/PveMachineHardDisk/open/create", R"({"area":0,"memory":20,"isMount":0})");
    BOOST_TEST_REQUIRE(d.code == 0);
    std::string id(d.data.as_string());
    auto mount = [&] {
        return s.code("POST", "/v1/PveMachineHardDisk/open/pveCreate", json::serialize(json::object{{"id", id}, {"pveId", host}}));
    };
    BOOST_TEST(s.code("PUT", "/v1/PveMachineHardDisk/open/updateStatus", json::serialize(json::object{{"id", id}, {"status", "5"}})) == 0);
    BOOST_TEST(s.call("GET", "/v1/PveMachineHardDisk/open/info/" + id).data.at("status").as_string() == "4");
    BOOST_TEST(mount() == 220001);
    s.now += 50ms;
    BOOST_TEST(mount() == 220001);   // and once it is gone
}

BOOST_AUTO_TEST_CASE(unknown_routes_and_error_statuses)
{
    sim_world s;
    BOOST_TEST(s.w->handle("GET", "/v1/nothing/here", "", s.token, s.now).status == 404u);
    s.w->faults.error_http_status = true;
    BOOST_TEST(s.w->handle("GET", "/v1/pve/open/one/nope", "", s.token, s.now).status == 404u);
    BOOST_TEST(s.w->handle("GET", "/v1/pve/open/image", "", "bad", s.now).status == 401u);
}

BOOST_AUTO_TEST_CASE(faults_json_round_trip)
{
    fault_options f;
    merge_faults(f, json::parse(R"({"latency_ms": 200, "close_every": 3, "paths": ["createRent"],
                                    "rate_limit_mode": "http", "http_error_rate": 0.5,
                                    "rate_limit_algorithm": "bucket"})").as_object());
    BOOST_TEST(f.latency.count() == 200);
    BOOST_TEST(f.close_every == 3u);
    BOOST_TEST(f.paths.size() == 1u);
    BOOST_TEST((f.rate_limit_mode == rate_limit_answer::http_429));
    BOOST_TEST((f.rate_limit_algorithm == rate_limiter::token_bucket));
    auto j = to_json(f);
    BOOST_TEST(j.at("http_error_rate").as_double() == 0.5);
    BOOST_TEST(j.at("rate_limit_algorithm").as_string() == "bucket");
    BOOST_TEST(to_json(fault_options{}).at("rate_limit_algorithm").as_string() == "sliding");   // the default
    BOOST_CHECK_THROW(merge_faults(f, json::parse(R"({"rate_limit_algorithm": "leaky"})").as_object()),
                      std::invalid_argument);
    BOOST_CHECK_THROW(merge_faults(f, json::parse(R"({"latency_ms": -1})").as_object()), std::invalid_argument);
    BOOST_CHECK_THROW(merge_faults(f, json::parse(R"({"nonsense": 1})").as_object()), std::invalid_argument);
    BOOST_CHECK_THROW(merge_faults(f, json::parse(R"({"malformed_rate": 2})").as_object()), std::invalid_argument);
    BOOST_TEST(f.latency.count() == 200);   // unchanged by a rejected merge
}

BOOST_AUTO_TEST_SUITE_END()

// The numbers of test/fuzz/corpus/sim_world/finding_*: requests that crashed finovy-sim (SEGV) or
// made it undefined. Each answers the documented error, or an empty page past the last one.
BOOST_AUTO_TEST_SUITE(sim_hostile_numbers)

BOOST_AUTO_TEST_CASE(pages_far_past_the_end_are_empty)
{
    // (page - 1) x pageSize overflowed and indexed out of bounds: a crash from one request.
    sim_world s;
    auto host = s.create("Ofc2C4G8xx", "4005");
    for (int k = 0; k < 3; ++k)
        BOOST_TEST_REQUIRE(s.code("POST", "/v1/PveMachineHardDisk/open/create", R"({"area":0,"memory":20,"isMount":0})") == 0);
    auto disks = [&](std::string page, std::string size) {
        return s.call("POST", "/v1/PveMachineHardDisk/open/getList", R"({"page":)" + page + R"(,"pageSize":)" + size + "}");
    };
    auto hosts = [&](std::string page, std::string size) {
        return s.call("GET", "/v1/pve/open/mypage?page=" + page + "&pageSize=" + size);
    };
    for (std::string page : {"9223372036854775807", "4906515269782980380", "92233720368547758", "\"9223372036854775807\""})
    {
        for (std::string size : {"1", "2", "100", "9223372036854775807"})
        {
            auto r = disks(page, size);
            BOOST_TEST_REQUIRE(r.code == 0, page << " " << size);
            BOOST_TEST(r.data.at("data").as_array().empty());
            BOOST_TEST(r.data.at("totalCounts").as_int64() == 3);
        }
    }
    for (std::string page : {"9223372036854775807", "4906515269782980380", "368934881474191033"})
        for (std::string size : {"1", "25", "9223372036854775807"})
        {
            auto r = hosts(page, size);
            BOOST_TEST_REQUIRE(r.code == 0, page << " " << size);
            BOOST_TEST(r.data.at("data").as_array().empty());
            BOOST_TEST(r.data.at("totalCounts").as_int64() == 1);
        }
    // The last pages are unchanged.
    BOOST_TEST(disks("2", "2").data.at("data").as_array().size() == 1u);
    BOOST_TEST(disks("3", "1").data.at("data").as_array().size() == 1u);
    BOOST_TEST(disks("4", "1").data.at("data").as_array().empty());
    BOOST_TEST(hosts("1", "25").data.at("data").as_array().at(0).at("id").as_string() == host);
    BOOST_TEST(hosts("2", "1").data.at("data").as_array().empty());
    BOOST_TEST(disks("9223372036854775808", "1").code == 1001);   // past int64: a bad parameter
    BOOST_TEST(hosts("9223372036854775808", "1").code == 1001);
}

BOOST_AUTO_TEST_CASE(numbers_past_int64_are_bad_parameters)
{
    // A double past 2^63 was cast to int64 before it was compared (undefined; on x86 the cast
    // happens to answer what is right, so this fails on the old code only under clang's UBSan).
    sim_world s;
    auto create = [&](std::string memory, std::string extra = {}) {
        return s.code("POST", "/v1/PveMachineHardDisk/open/create",
                      R"({"area":0,"isMount":0,"memory":)" + memory + extra + "}");
    };
    for (auto m : {"1e300", "-1e300", "9.3e18", "9223372036854775808.0", "-9.3e18", "20.5"})
        BOOST_TEST(create(m) == 1001, m);
    BOOST_TEST(create("20", R"(,"buyNumber":92233720368547758073)") == 220020);
    BOOST_TEST(create("20", R"(,"buyNumber":1e300)") == 220020);
    BOOST_TEST(s.code("POST", "/v1/PveMachineHardDisk/open/getList", R"({"page":1e300,"pageSize":10})") == 1001);
    BOOST_TEST(create("2.0e1") == 0);   // a whole double is still read as an integer
    BOOST_TEST(create("-9.2233720368547758e18") == 220013);   // -2^63 itself is an integer
}

BOOST_AUTO_TEST_CASE(a_disk_larger_than_an_area_is_refused_before_it_is_multiplied)
{
    // memory x buyNumber overflowed, and the overflowed (negative) size was created.
    sim_world s;
    auto create = [&](std::string body) { return s.code("POST", "/v1/PveMachineHardDisk/open/create", body); };
    BOOST_TEST(create(R"({"area":0,"memory":5000000000000000000,"isMount":0,"buyNumber":2})") == 220014);
    BOOST_TEST(create(R"({"area":0,"memory":4611686018427387904,"isMount":0,"buyNumber":4})") == 220014);
    BOOST_TEST(create(R"({"area":0,"memory":9223372036854775807,"isMount":0})") == 220014);
    BOOST_TEST(create(R"({"area":0,"memory":1001,"isMount":0})") == 220014);
    BOOST_TEST(s.call("GET", "/v1/PveMachineHardDisk/open/memoryTotal/0").data.at("memory").as_int64() == 0);
    BOOST_TEST(s.call("POST", "/v1/PveMachineHardDisk/open/getList", R"({"page":1,"pageSize":100})")
                   .data.at("totalCounts").as_int64() == 0);
    BOOST_TEST(create(R"({"area":0,"memory":100,"isMount":0,"buyNumber":10})") == 0);   // 1000 GB: all an area holds
    BOOST_TEST(create(R"({"area":0,"memory":20,"isMount":0})") == 220014);
}

BOOST_AUTO_TEST_CASE(rent_expires_within_the_dates_clients_accept)
{
    // A thousand years of rent expired in 3026: the SDK's decoders (up to 2200) refused the host.
    options o;
    o.tenants = {{"R1", "s", 1e12, true}};
    sim_world s(o);
    auto rent = [&](int n, int type) {
        return s.call("POST", "/v1/pve/open/createRent",
                      json::serialize(json::object{{"packageId", "Rnt8C32Gyy"}, {"imageId", "507"},
                                                   {"periodNumber", n}, {"periodType", type}}));
    };
    BOOST_TEST(rent(1000, 5).code == 1001);
    BOOST_TEST(rent(11, 5).code == 1001);
    BOOST_TEST(rent(1000, 3).code == 1001);
    BOOST_TEST(rent(1000, 1).code == 0);   // under three years
    s.w->advance(std::chrono::hours(100 * 8766));   // a century ahead, as far as simulated time goes
    auto r = rent(10, 5);
    BOOST_TEST_REQUIRE(r.code == 0);
    auto h = s.call("GET", "/v1/pve/open/one/" + std::string(r.data.as_string())).data;
    BOOST_TEST(h.at("expirationTime").as_int64() < 7'258'118'400'000);   // 2200-01-01
}

BOOST_AUTO_TEST_SUITE_END()
