// SPDX-License-Identifier: BSL-1.0
// Decoding of every example answer in the vendor documents (test/data), and of the
// contradictions the documents list.
#include <finovy/decode.hpp>
#include <finovy/impl/internal/request.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

using namespace finovy;
namespace json = boost::json;

namespace {

json::value load(const std::string& name)
{
    std::ifstream in(std::string(FINOVY_TEST_DATA_DIR) + "/" + name + ".json");
    BOOST_REQUIRE_MESSAGE(in, "missing test data " << name);
    std::stringstream ss;
    ss << in.rdbuf();
    return json::parse(ss.str());
}

// The envelope of a document example, checked to be a success.
const json::value& data_of(const json::value& doc, envelope& env)
{
    std::string why;
    BOOST_REQUIRE_MESSAGE(!read_envelope(doc, env, why), why);
    BOOST_TEST(env.code == 0);
    BOOST_TEST(env.trace_id == "xxxxxxxxxxxxxx");
    BOOST_REQUIRE(env.data);
    return *env.data;
}

template <class T>
T decode_ok(const json::value& data)
{
    T out{};
    std::string why;
    auto ec = decode(data, out, why);
    BOOST_TEST_REQUIRE(!ec, why);
    return out;
}

long long ms(time_point t) { return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count(); }

}   // namespace

BOOST_AUTO_TEST_SUITE(decode_documents)

BOOST_AUTO_TEST_CASE(images_every_version)
{
    for (auto name : {"seed_image", "seed2_image", "host_image"})
    {
        envelope env;
        auto doc = load(name);
        auto images = decode_ok<std::vector<image>>(data_of(doc, env));
        BOOST_TEST_REQUIRE(images.size() == 1u);
        BOOST_TEST(images[0].id == "4005");
        BOOST_TEST(images[0].type == "BL");
        BOOST_TEST(images[0].system_name == "Ubuntu Server");
        BOOST_TEST(images[0].system_version == "20.04 x64");
    }
}

BOOST_AUTO_TEST_CASE(packages_every_version)
{
    for (auto name : {"seed_packages", "host_package"})
    {
        envelope env;
        auto doc = load(name);
        auto pkgs = decode_ok<std::vector<host_package>>(data_of(doc, env));
        BOOST_TEST_REQUIRE(pkgs.size() == 1u);
        const auto& p = pkgs[0];
        BOOST_TEST(p.id == "Wy1KiMqtPO");
        BOOST_TEST(p.gpu_count == 1);
        BOOST_TEST(!p.gpu_name.has_value());   // null
        BOOST_TEST(p.memory_gb == 4);
        BOOST_TEST(p.disk_gb == 128);
        BOOST_TEST(p.cpu_count == 4);
        BOOST_TEST(p.bandwidth_mbps == 30);
        BOOST_TEST(p.price_per_hour == 1.10);
        BOOST_TEST(p.discount == 1.0);
        BOOST_TEST(p.type == "ceph");
        BOOST_TEST((p.use == machine_use::graphics));     // "1"
        BOOST_TEST((p.area == area::south_china));        // "0"
        BOOST_TEST((p.billing == package_billing::both)); // "2"
        BOOST_TEST(p.allows(billing_kind::pay_as_you_go));
        BOOST_TEST(p.allows(billing_kind::fixed_period));
    }
}

BOOST_AUTO_TEST_CASE(acknowledgements_and_ids)
{
    for (auto name : {"seed_createquantity", "seed2_createquantity", "seed_operate", "seed_reboot", "seed_delete",
                      "host_operate", "host_reboot", "host_delete", "disk_mount", "disk_update"})
    {
        envelope env;
        auto doc = load(name);
        BOOST_TEST(data_of(doc, env).as_bool() == true, name);
    }
    for (auto name : {"seed_createrent", "seed2_createrent", "host_createrent", "host_createquantity"})
    {
        envelope env;
        auto doc = load(name);
        BOOST_TEST(data_of(doc, env).as_string() == "dyMFQQgHIW", name);
    }
    for (auto name : {"seed2_disk_create", "disk_create"})
    {
        envelope env;
        auto doc = load(name);
        BOOST_TEST(data_of(doc, env).as_string() == "teTapaSUFq", name);
    }
}

BOOST_AUTO_TEST_CASE(one_host_seed)
{
    envelope env;
    auto doc = load("seed_one");
    auto h = decode_ok<host>(data_of(doc, env));
    BOOST_TEST(h.id == "rEJjwEY5Wt");
    BOOST_TEST(h.name == "渲大师rEJjwEY5Wt");
    BOOST_TEST(h.gpu_configuration == "-");
    BOOST_TEST(!h.gpu_count.has_value());
    BOOST_TEST(h.memory_gb == 16);
    BOOST_TEST(h.cpu_count == 4);
    BOOST_TEST(h.disk_gb == 128);
    BOOST_TEST(h.operating_system == "Windows");
    BOOST_TEST(h.account.value() == "root");
    BOOST_TEST(h.password.value().reveal() == "EYAHeOJi");
    BOOST_TEST((h.billing == billing_kind::pay_as_you_go));
    BOOST_TEST((h.status == host_status::off));
    BOOST_TEST(h.address.value() == "gx-xds-rdp.songmao-idc.com");
    BOOST_TEST(h.port.value() == 54220);
    BOOST_TEST(!h.mac.has_value());
    BOOST_TEST(!h.ipv4.has_value());
    BOOST_TEST(!h.area.has_value());   // the older document has no area
    BOOST_TEST(ms(h.created) == 1692071029000LL);
    BOOST_TEST(!h.expires.has_value());
}

BOOST_AUTO_TEST_CASE(one_host_upstream)
{
    envelope env;
    auto doc = load("host_one");
    auto h = decode_ok<host>(data_of(doc, env));
    BOOST_TEST(h.mac.value() == "22:C1:25:8F:A1:AE");
    BOOST_TEST(h.ipv4.value() == "gx-xds-rdp.songmao-idc.com:54220");
    BOOST_TEST((h.area.value() == area::south_china));
}

BOOST_AUTO_TEST_CASE(host_pages_every_version)
{
    for (auto name : {"seed_mypage", "host_mypage"})
    {
        envelope env;
        auto doc = load(name);
        auto p = decode_ok<host_page>(data_of(doc, env));
        BOOST_TEST(p.total == 2);
        BOOST_TEST_REQUIRE(p.items.size() == 2u);
        const auto& a = p.items[0];
        BOOST_TEST(a.id == "OWWWuy7Gcj");
        BOOST_TEST((a.billing == billing_kind::fixed_period));
        BOOST_TEST(a.address.value() == "");   // "" before the host is reachable
        BOOST_TEST(a.port.value() == 0);
        BOOST_TEST(ms(a.expires.value()) == 1692436630000LL);
        const auto& b = p.items[1];
        BOOST_TEST(b.id == "arpFxoBgGp");
        BOOST_TEST(!b.account.has_value());
        BOOST_TEST(!b.password.has_value());
        BOOST_TEST(!b.address.has_value());
        BOOST_TEST(!b.port.has_value());
        BOOST_TEST(!b.expires.has_value());
    }
}

BOOST_AUTO_TEST_CASE(token)
{
    envelope env;
    auto doc = load("auth_gettoken");
    auto t = decode_ok<token_info>(data_of(doc, env));
    BOOST_TEST(t.token.reveal() == "4vL4rcNGNcgx5v0RLCcFew");
    BOOST_TEST(t.lifetime.count() == 1800000);
}

BOOST_AUTO_TEST_CASE(disks)
{
    envelope env;
    auto doc = load("disk_list");
    auto p = decode_ok<disk_page>(data_of(doc, env));
    BOOST_TEST(p.total == 2);
    BOOST_TEST_REQUIRE(p.items.size() == 2u);
    BOOST_TEST(p.items[1].id == "p5ZvBx6rJn");

    envelope env2;
    auto info = load("disk_info");
    auto d = decode_ok<disk>(data_of(info, env2));
    BOOST_TEST(d.id == "PgOiNCqaJQ");
    BOOST_TEST(d.owner == "A76543210");
    BOOST_TEST(d.host_id.value() == "mtK4hGbKYT");
    BOOST_TEST(d.name == "HD-PgOiNCqaJQ");
    BOOST_TEST(!d.ever_mounted);
    BOOST_TEST(d.bus == "scsi");
    BOOST_TEST((d.area == area::south_china));
    BOOST_TEST(d.size_gb == 20);
    BOOST_TEST(d.price_per_hour == 0.02);
    BOOST_TEST((d.billing == billing_kind::pay_as_you_go));
    BOOST_TEST((d.status == disk_status::waiting));
    BOOST_TEST(ms(d.created) == 1704349228000LL);

    envelope env3;
    auto total = load("disk_total");
    BOOST_TEST(data_of(total, env3).at("memory").as_int64() == 998);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(decode_tolerance)

BOOST_AUTO_TEST_CASE(numbers_as_strings_and_strings_as_numbers)
{
    auto v = json::parse(R"({"packageId": 123, "name": "x", "gpuNumber": "2", "gpuName": "", "memoryNumber": 8.0,
        "rigidDiskNumber": "80", "cpuNumber": 2, "band_width": "30", "amount": "1.10", "discount": "0.8",
        "type": "BL", "pveMachineType": 2, "area": 1, "useType": 0})");
    auto p = decode_ok<host_package>(v);
    BOOST_TEST(p.id == "123");
    BOOST_TEST(p.gpu_count == 2);
    BOOST_TEST(!p.gpu_name.has_value());   // "" means no GPU, like null
    BOOST_TEST(p.memory_gb == 8);
    BOOST_TEST(p.disk_gb == 80);
    BOOST_TEST(p.bandwidth_mbps == 30);    // the table's spelling
    BOOST_TEST(p.price_per_hour == 1.10);
    BOOST_TEST(p.discount == 0.8);         // a multiplier: 20% off
    BOOST_TEST(p.effective_price_per_hour() == 1.10 * 0.8);
    BOOST_TEST((p.use == machine_use::compute));
    BOOST_TEST((p.area == area::west_china));
    BOOST_TEST((p.billing == package_billing::pay_as_you_go_only));
    BOOST_TEST(!p.allows(billing_kind::fixed_period));
}

BOOST_AUTO_TEST_CASE(unknown_enum_values_are_kept)
{
    auto v = json::parse(R"({"id": "h1", "status": "9", "useType": 7, "pveMachineType": "4", "area": "3"})");
    auto h = decode_ok<host>(v);
    BOOST_TEST(static_cast<int>(h.status) == 9);
    BOOST_TEST(static_cast<int>(h.billing) == 7);
    BOOST_TEST(static_cast<int>(h.area.value()) == 3);
}

BOOST_AUTO_TEST_CASE(total_counts_as_string_and_page_without_wrapper)
{
    auto v = json::parse(R"({"data": [{"id": "a", "status": "2"}], "totalCounts": "41"})");
    auto p = decode_ok<host_page>(v);
    BOOST_TEST(p.total == 41);
    BOOST_TEST_REQUIRE(p.items.size() == 1u);
    BOOST_TEST((p.items[0].status == host_status::running));

    auto bare = json::parse(R"([{"id": "a", "status": 0}, {"id": "b", "status": 2}])");
    auto q = decode_ok<host_page>(bare);
    BOOST_TEST(q.total == 2);

    auto empty = json::parse(R"({"data": null, "totalCounts": 0})");
    BOOST_TEST(decode_ok<host_page>(empty).items.empty());
}

BOOST_AUTO_TEST_CASE(envelope_variants)
{
    envelope env;
    std::string why;
    BOOST_TEST(!read_envelope(json::parse(R"({"code": "0", "data": true})"), env, why));   // code as a string
    BOOST_TEST(env.code == 0);
    BOOST_TEST(env.msg.empty());
    BOOST_TEST(!read_envelope(json::parse(R"({"code": 9001, "msg": "钱包余额不足", "traceId": null, "success": false})"),
                              env, why));
    BOOST_TEST(env.code == 9001);
    BOOST_TEST(env.msg == "钱包余额不足");
    BOOST_TEST(env.data == nullptr);
}

BOOST_AUTO_TEST_CASE(wrong_types_are_bad_responses_naming_the_field)
{
    std::string why;
    host h;
    auto ec = decode(json::parse(R"({"id": "a", "status": {"x": 1}})"), h, why);
    BOOST_TEST((ec == client_errc::bad_response));
    BOOST_TEST(why.find("status") != std::string::npos, why);

    why.clear();
    std::vector<image> images;
    ec = decode(json::parse(R"([{"imageId": "1"}, {"imageId": []}])"), images, why);
    BOOST_TEST((ec == client_errc::bad_response));
    BOOST_TEST(why.find("data[1].imageId") != std::string::npos, why);

    why.clear();
    ec = decode(json::parse(R"({"status": "2"})"), h, why);   // no id
    BOOST_TEST((ec == client_errc::bad_response));
    BOOST_TEST(why.find("id: missing") != std::string::npos, why);

    why.clear();
    host_page p;
    ec = decode(json::parse(R"({"data": [{"id": "x", "status": "2"}, {"id": "y", "status": "abc"}], "totalCounts": 2})"), p, why);
    BOOST_TEST((ec == client_errc::bad_response));
    BOOST_TEST(why.find("data.data[1].status") != std::string::npos, why);

    envelope env;
    why.clear();
    BOOST_TEST((read_envelope(json::parse(R"([1,2])"), env, why) == client_errc::bad_response));
    why.clear();
    BOOST_TEST((read_envelope(json::parse(R"({"data": 1})"), env, why) == client_errc::bad_response));
    BOOST_TEST(why.find("code") != std::string::npos, why);
    why.clear();
    BOOST_TEST((read_envelope(json::parse(R"({"code": 1e30})"), env, why) == client_errc::bad_response));
}

BOOST_AUTO_TEST_CASE(integer_overflow_is_an_error)
{
    std::string why;
    host h;
    auto ec = decode(json::parse(R"({"id": "a", "status": 2, "memory": 99999999999})"), h, why);
    BOOST_TEST((ec == client_errc::bad_response));
    BOOST_TEST(why.find("memory") != std::string::npos, why);
}

BOOST_AUTO_TEST_SUITE_END()

// Numbers the client computes with (times, a token's lifetime, page counts) are range-checked:
// out of range, they would overflow a conversion (undefined behaviour) or size loops.
BOOST_AUTO_TEST_SUITE(decode_ranges)

namespace {

template <class T>
std::string decode_fails(const std::string& text)
{
    T out{};
    std::string why;
    auto ec = decode(json::parse(text), out, why);
    BOOST_TEST((ec == client_errc::bad_response), text);
    BOOST_TEST(!why.empty(), text);
    return why;
}

}   // namespace

BOOST_AUTO_TEST_CASE(times_past_what_system_clock_holds_are_bad_responses)
{
    // system_clock counts nanoseconds in 64 bits: 1e15 ms (year 33658) and INT64_MAX ms overflow it.
    for (std::string v : {"1000000000000000", "9223372036854775807", "\"9223372036854775807\"", "1e15",
                          "-1000000000000000", "-9223372036854775807", "-1"})
    {
        auto why = decode_fails<host>(R"({"id": "a", "status": 2, "createTime": )" + v + "}");
        BOOST_TEST(why.find("data.createTime: out of range") == 0u, why);
        why = decode_fails<host>(R"({"id": "a", "status": 2, "createTime": 0, "expirationTime": )" + v + "}");
        BOOST_TEST(why.find("data.expirationTime: out of range") == 0u, why);
        why = decode_fails<disk>(R"({"id": "d", "status": 0, "createTime": )" + v + "}");
        BOOST_TEST(why.find("data.createTime: out of range") == 0u, why);
        why = decode_fails<host_page>(R"({"data": [{"id": "a", "status": 2, "createTime": )" + v + "}], \"totalCounts\": 1}");
        BOOST_TEST(why.find("data.data[0].createTime: out of range") == 0u, why);
    }
}

BOOST_AUTO_TEST_CASE(times_up_to_2200_are_kept)
{
    auto h = decode_ok<host>(json::parse(R"({"id": "a", "status": 2, "createTime": 0, "expirationTime": 7258118400000})"));
    BOOST_TEST(ms(h.created) == 0);
    BOOST_TEST(ms(h.expires.value()) == 7258118400000LL);   // 2200-01-01T00:00:00Z
    decode_fails<host>(R"({"id": "a", "status": 2, "expirationTime": 7258118400001})");
}

BOOST_AUTO_TEST_CASE(token_lifetime_is_positive_and_at_most_a_year)
{
    // The client adds effectiveTime to steady_clock::now(): a huge one overflowed token_expires_.
    for (std::string v : {"9223372036854775807", "1000000000000000", "31622400001", "0", "-1", "-1800000"})
    {
        auto why = decode_fails<token_info>(R"({"token": "t", "effectiveTime": )" + v + "}");
        BOOST_TEST(why.find("data.effectiveTime: out of range") == 0u, why);
    }
    auto year = decode_ok<token_info>(json::parse(R"({"token": "t", "effectiveTime": 31622400000})"));
    BOOST_TEST(year.lifetime.count() == 31'622'400'000LL);   // 366 days
    auto none = decode_ok<token_info>(json::parse(R"({"token": "t"})"));
    BOOST_TEST(none.lifetime.count() == 1'800'000);   // the documented 30 minutes
}

BOOST_AUTO_TEST_CASE(total_counts_is_bounded)
{
    for (std::string v : {"-1", "10000001", "\"99999999999\"", "9223372036854775807"})
    {
        auto why = decode_fails<host_page>(R"({"data": [], "totalCounts": )" + v + "}");
        BOOST_TEST(why.find("data.totalCounts: out of range") == 0u, why);
        why = decode_fails<disk_page>(R"({"data": [], "totalCounts": )" + v + "}");
        BOOST_TEST(why.find("data.totalCounts: out of range") == 0u, why);
    }
    BOOST_TEST(decode_ok<host_page>(json::parse(R"({"data": [], "totalCounts": 10000000})")).total == 10'000'000);
}

BOOST_AUTO_TEST_CASE(optional_integers_out_of_range_are_bad_responses)
{
    // gpuNumber and port were cast to int unchecked: 4294967298 became 2.
    auto why = decode_fails<host>(R"({"id": "a", "status": 2, "gpuNumber": 4294967298})");
    BOOST_TEST(why.find("data.gpuNumber: integer out of range") == 0u, why);
    why = decode_fails<host>(R"({"id": "a", "status": 2, "port": "4294967298"})");
    BOOST_TEST(why.find("data.port: integer out of range") == 0u, why);
}

BOOST_AUTO_TEST_CASE(decimals_are_finite)
{
    // from_chars reads "inf" and "nan": a price is a finite number.
    for (std::string v : {"\"inf\"", "\"-inf\"", "\"nan\"", "\"1e400\""})
    {
        auto why = decode_fails<host_package>(R"({"packageId": "p", "amount": )" + v + "}");
        BOOST_TEST(why.find("data.amount") == 0u, why);
        why = decode_fails<disk>(R"({"id": "d", "status": 0, "amount": )" + v + "}");
        BOOST_TEST(why.find("data.amount") == 0u, why);
    }
}

BOOST_AUTO_TEST_CASE(disk_usage_is_a_sane_integer)
{
    // memoryTotal's number was cast from a double unchecked (undefined behaviour past 2^63) and
    // read from strings with stoll, which takes "12abc" as 12.
    for (std::string v : {"1e300", "-1e300", "18446744073709551615", "\"12abc\"", "\"99999999999999999999\"", "-5",
                          "1.5", "[]"})
    {
        std::int64_t out = 7;
        std::string why;
        auto ec = detail::decode_disk_usage(json::parse(R"({"memory": )" + v + "}"), &out, why);
        BOOST_TEST((ec == client_errc::bad_response), v);
        BOOST_TEST(why.find("data.memory") == 0u, why);
    }
    for (auto [text, want] : {std::pair{R"({"memory": 998})", 998}, {R"({"memory": "998"})", 998}, {R"({"memory": 998.0})", 998},
                              {R"({"memory": null})", 0}, {R"({})", 0}, {"42", 42}})
    {
        std::int64_t out = 7;
        std::string why;
        BOOST_TEST(!detail::decode_disk_usage(json::parse(text), &out, why), text << ": " << why);
        BOOST_TEST(out == want, text);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(decode_fuzz_findings)

// Found by the decoders fuzz target (test/fuzz/corpus/decoders/finding_*): each was accepted.
BOOST_AUTO_TEST_CASE(empty_ids_are_bad_responses)
{
    std::string why;
    host_page p;
    auto ec = decode(json::parse(R"([{"id":"","status":1}])"), p, why);   // finding_empty_host_id
    BOOST_TEST((ec == client_errc::bad_response));
    BOOST_TEST(why == "data[0].id: empty");
    for (auto [text, field] : {std::pair{R"({"imageId": ""})", "data.imageId: empty"},
                               {R"({"packageId": ""})", "data.packageId: empty"}})
    {
        why.clear();
        image i;
        host_package k;
        ec = std::string_view(field).find("image") != std::string_view::npos ? decode(json::parse(text), i, why)
                                                                             : decode(json::parse(text), k, why);
        BOOST_TEST((ec == client_errc::bad_response), text);
        BOOST_TEST(why == field);
    }
    why.clear();
    disk d;
    BOOST_TEST((decode(json::parse(R"({"id": "", "status": 0})"), d, why) == client_errc::bad_response));
    BOOST_TEST(why == "data.id: empty");
}

BOOST_AUTO_TEST_SUITE_END()
