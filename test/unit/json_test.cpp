// SPDX-License-Identifier: BSL-1.0
// The models as JSON (finovy/json.hpp): round trips of every model, nulls, redaction of
// secrets, and numbers printed without exponents.
#include <finovy/json.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <charconv>
#include <limits>
#include <tuple>

using namespace finovy;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

time_point at_ms(std::int64_t ms) { return time_point(std::chrono::milliseconds(ms)); }

// Every member, so that a round trip that loses one fails.
auto fields(const image& v) { return std::tie(v.id, v.type, v.system_name, v.system_version); }
auto fields(const host_package& v)
{
    return std::tie(v.id, v.name, v.gpu_count, v.gpu_name, v.memory_gb, v.disk_gb, v.cpu_count, v.bandwidth_mbps,
                    v.price_per_hour, v.discount, v.type, v.use, v.area, v.billing);
}
auto fields(const host& v)
{
    return std::tie(v.id, v.name, v.gpu_configuration, v.gpu_count, v.memory_gb, v.cpu_count, v.disk_gb,
                    v.operating_system, v.account, v.password, v.billing, v.status, v.address, v.port, v.mac, v.ipv4,
                    v.use, v.area, v.created, v.expires);
}
auto fields(const disk& v)
{
    return std::tie(v.id, v.owner, v.name, v.host_id, v.ever_mounted, v.bus, v.area, v.size_gb, v.billing,
                    v.price_per_hour, v.status, v.created);
}
auto fields(const token_info& v) { return std::tie(v.token, v.lifetime); }
auto fields(const rental_period& v) { return std::tie(v.unit, v.count); }
auto fields(const disk_create_request& v) { return std::tie(v.area, v.size_gb, v.count, v.mount_on); }
auto fields(const disk_list_request& v)
{
    return std::tie(v.page, v.page_size, v.host_id, v.area, v.billing, v.status);
}
auto fields(const raw_response& v) { return std::tie(v.status, v.body); }

template <class T>
bool same(const T& a, const T& b)
{
    return fields(a) == fields(b);
}

// value_from, printed and parsed again, then value_to: the text is part of the trip.
template <class T>
T trip(const T& v, json_options o = {})
{
    auto text = to_json_text(to_json(v, o));
    return json::value_to<T>(json::parse(text));
}

host full_host()
{
    host h;
    h.id = "dc4XS92usw";
    h.name = "渲大师dc4XS92usw";
    h.gpu_configuration = "1x RTX 3090";
    h.gpu_count = 1;
    h.memory_gb = 16;
    h.cpu_count = 4;
    h.disk_gb = 128;
    h.operating_system = "Ubuntu Server 20.04 x64";
    h.account = "root";
    h.password = secret("Pa55-word\"\\");
    h.billing = billing_kind::fixed_period;
    h.status = host_status::running;
    h.address = "203.0.113.7";
    h.port = 22;
    h.mac = "52:54:00:12:34:56";
    h.ipv4 = "10.0.0.7";
    h.use = machine_use::graphics;
    h.area = area::west_china;
    h.created = at_ms(1'795'000'000'123);
    h.expires = at_ms(1'795'604'800'123);
    return h;
}

disk full_disk()
{
    disk d;
    d.id = "Dk12";
    d.owner = "A27550582";
    d.name = "data";
    d.host_id = "dc4XS92usw";
    d.ever_mounted = true;
    d.bus = "scsi";
    d.area = area::international;
    d.size_gb = 40;
    d.billing = billing_kind::pay_as_you_go;
    d.price_per_hour = 0.02;
    d.status = disk_status::in_use;
    d.created = at_ms(1'700'000'000'001);
    return d;
}

host_package full_package()
{
    host_package p;
    p.id = "teTapaSUFq";
    p.name = "算法---显卡*4";
    p.gpu_count = 4;
    p.gpu_name = "A100";
    p.memory_gb = 128;
    p.disk_gb = 500;
    p.cpu_count = 32;
    p.bandwidth_mbps = 100;
    p.price_per_hour = 12.5;
    p.discount = 0.8;
    p.type = "ceph";
    p.use = machine_use::compute;
    p.area = area::west_china;
    p.billing = package_billing::pay_as_you_go_only;
    return p;
}

}   // namespace

BOOST_AUTO_TEST_SUITE(json_models)

BOOST_AUTO_TEST_CASE(host_round_trip_with_and_without_optionals)
{
    auto h = full_host();
    BOOST_TEST(same(trip(h, {.reveal_secrets = true}), h));

    host bare;   // every optional unset, times at the epoch
    auto v = json::value_from(bare);
    for (auto key : {"gpu_count", "account", "address", "port", "mac", "ipv4", "area", "expires", "expires_ms"})
        BOOST_TEST(v.at(key).is_null(), key);
    BOOST_TEST(v.at("created").as_string() == "1970-01-01T00:00:00.000Z");
    BOOST_TEST(same(trip(bare, {.reveal_secrets = true}), bare));
    BOOST_TEST(same(trip(bare), bare));

    // An empty string and a port 0 (a host not yet reachable) are not nulls.
    bare.address = "";
    bare.port = 0;
    auto back = trip(bare);
    BOOST_TEST(back.address.value_or("x") == "");
    BOOST_TEST(back.port.value_or(-1) == 0);
}

BOOST_AUTO_TEST_CASE(host_shape)
{
    auto v = json::value_from(full_host());
    const auto& o = v.as_object();
    BOOST_TEST(o.at("status").as_string() == "running");
    BOOST_TEST(o.at("status_code").as_int64() == 2);
    BOOST_TEST(o.at("billing").as_string() == "fixed_period");
    BOOST_TEST(o.at("use").as_string() == "graphics");
    BOOST_TEST(o.at("area").as_string() == "west_china");
    BOOST_TEST(o.at("created").as_string() == "2026-11-18T11:06:40.123Z");
    BOOST_TEST(o.at("created_ms").as_int64() == 1'795'000'000'123);
    BOOST_TEST(o.at("expires").as_string() == "2026-11-25T11:06:40.123Z");
    BOOST_TEST(o.at("expires_ms").as_int64() == 1'795'604'800'123);
    BOOST_TEST(o.size() == 22u);   // every member, status_code, the *_ms twins; no password
}

BOOST_AUTO_TEST_CASE(secrets_are_left_out_unless_revealed)
{
    auto h = full_host();
    auto redacted = json::value_from(h);
    BOOST_TEST(!redacted.as_object().contains("password"));
    BOOST_TEST(to_json_text(redacted).find("Pa55") == std::string::npos);
    BOOST_TEST(json::serialize(to_json(h)).find("Pa55") == std::string::npos);
    auto back = json::value_to<host>(redacted);
    BOOST_TEST(!back.password.has_value());   // absent, never "***"

    auto shown = to_json(h, {.reveal_secrets = true});
    BOOST_TEST(shown.at("password").as_string() == "Pa55-word\"\\");
    h.password.reset();
    BOOST_TEST(to_json(h, {.reveal_secrets = true}).at("password").is_null());

    token_info t{secret("tok-0123456789"), 1'800'000ms};
    auto tv = json::value_from(t);
    BOOST_TEST(!tv.as_object().contains("token"));
    BOOST_TEST(tv.at("lifetime_ms").as_int64() == 1'800'000);
    BOOST_TEST(to_json_text(tv).find("tok-") == std::string::npos);
    BOOST_TEST(json::value_to<token_info>(tv).token.empty());
    BOOST_TEST(same(trip(t, {.reveal_secrets = true}), t));

    // Revealing reaches hosts inside vectors, optionals and pages.
    host_page p{{full_host(), full_host()}, 2, 1, 25};
    BOOST_TEST(to_json_text(json::value_from(p)).find("Pa55") == std::string::npos);
    BOOST_TEST(to_json_text(to_json(p)).find("Pa55") == std::string::npos);
    auto rp = to_json(p, {.reveal_secrets = true});
    BOOST_TEST(rp.at("items").at(1).at("password").as_string() == "Pa55-word\"\\");
    std::vector<host> hosts{full_host()};
    BOOST_TEST(to_json(hosts, {.reveal_secrets = true}).at(0).at("password").is_string());
    BOOST_TEST(!json::value_from(hosts).at(0).as_object().contains("password"));
    std::optional<host> oh = full_host();
    BOOST_TEST(to_json(oh, {.reveal_secrets = true}).at("password").is_string());
    BOOST_TEST(to_json(std::optional<host>{}).is_null());
}

BOOST_AUTO_TEST_CASE(other_models_round_trip)
{
    image i{"4005", "BL", "Ubuntu Server", "20.04 x64"};
    BOOST_TEST(same(trip(i), i));
    BOOST_TEST(json::value_from(i).at("system_name").as_string() == "Ubuntu Server");

    auto p = full_package();
    BOOST_TEST(same(trip(p), p));
    BOOST_TEST(json::value_from(p).at("effective_price_per_hour").as_double() == 12.5 * 0.8);
    host_package no_gpu;
    BOOST_TEST(json::value_from(no_gpu).at("gpu_name").is_null());
    BOOST_TEST(same(trip(no_gpu), no_gpu));

    auto d = full_disk();
    BOOST_TEST(same(trip(d), d));
    BOOST_TEST(json::value_from(d).at("status_code").as_int64() == 2);
    disk bare_disk;
    BOOST_TEST(same(trip(bare_disk), bare_disk));

    rental_period r{period_unit::quarter, 3};
    BOOST_TEST(same(trip(r), r));
    BOOST_TEST(json::value_from(r).at("unit").as_string() == "quarter");

    disk_create_request c{area::west_china, 40, 2, "dc4XS92usw"};
    BOOST_TEST(same(trip(c), c));
    disk_create_request c2;
    BOOST_TEST(same(trip(c2), c2));
    BOOST_TEST(json::value_from(c2).at("mount_on").is_null());

    disk_list_request l{3, 50, "dc4XS92usw", area::international, billing_kind::fixed_period, disk_status::suspended};
    BOOST_TEST(same(trip(l), l));
    disk_list_request l2;
    BOOST_TEST(same(trip(l2), l2));
    for (auto key : {"host_id", "area", "billing", "status"})
        BOOST_TEST(json::value_from(l2).at(key).is_null(), key);

    raw_response raw{503, "{\"code\":503,\"msg\":\"忙\"}\n"};
    BOOST_TEST(same(trip(raw), raw));
}

BOOST_AUTO_TEST_CASE(pages_round_trip)
{
    host_page hp{{full_host(), host{}}, 27, 2, 25};
    auto v = json::value_from(hp);
    BOOST_TEST(v.at("total").as_int64() == 27);
    BOOST_TEST(v.at("page").as_int64() == 2);
    BOOST_TEST(v.at("page_size").as_int64() == 25);
    auto back = trip(hp, {.reveal_secrets = true});
    BOOST_TEST(back.total == 27);
    BOOST_TEST(back.number == 2);
    BOOST_TEST(back.size == 25);
    BOOST_TEST_REQUIRE(back.items.size() == 2u);
    BOOST_TEST(same(back.items[0], hp.items[0]));
    BOOST_TEST(same(back.items[1], hp.items[1]));

    disk_page dp{{full_disk()}, 1, 1, 100};
    auto dback = json::value_to<disk_page>(json::value_from(dp));
    BOOST_TEST_REQUIRE(dback.items.size() == 1u);
    BOOST_TEST(same(dback.items[0], dp.items[0]));
    BOOST_TEST(json::value_to<disk_page>(json::parse("{}")).items.empty());

    // Sequences and optionals of models use Boost.JSON's own conversions.
    std::vector<image> images{{"1", "BL", "a", "b"}, {"2", "ceph", "c", "d"}};
    auto vi = json::value_to<std::vector<image>>(json::value_from(images));
    BOOST_TEST_REQUIRE(vi.size() == 2u);
    BOOST_TEST(same(vi[1], images[1]));
}

BOOST_AUTO_TEST_CASE(enumerations)
{
    BOOST_TEST(json::value_from(host_status::shutting_down).as_string() == "shutting_down");
    BOOST_TEST(json::value_from(disk_status::destroying).as_string() == "destroying");
    BOOST_TEST(json::value_from(package_billing::both).as_string() == "both");
    // An unknown value is its number, and survives the round trip.
    auto seven = json::value_from(host_status{7});
    BOOST_TEST(seven.as_int64() == 7);
    BOOST_TEST(json::value_to<host_status>(seven) == host_status{7});
    host h;
    h.status = host_status{9};
    h.area = area{5};
    auto v = json::value_from(h);
    BOOST_TEST(v.at("status").as_int64() == 9);
    BOOST_TEST(v.at("status_code").as_int64() == 9);
    auto back = trip(h);
    BOOST_TEST(back.status == host_status{9});
    BOOST_TEST((back.area == area{5}));
    // Names, numbers and strings of digits are read.
    BOOST_TEST(json::value_to<machine_use>(json::value("compute")) == machine_use::compute);
    BOOST_TEST(json::value_to<machine_use>(json::value(2)) == machine_use::compute);
    BOOST_TEST(json::value_to<machine_use>(json::value("2")) == machine_use::compute);
    BOOST_TEST(json::value_to<period_unit>(json::value("year")) == period_unit::year);
    for (auto bad : {"\"sideways\"", "\"unknown\"", "\"\"", "\"2x\"", "true", "1.5", "null", "[]", "99999999999"})
        BOOST_CHECK_THROW(json::value_to<billing_kind>(json::parse(bad)), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(reading_is_lenient_on_absence_and_strict_on_kinds)
{
    // Missing members keep their defaults; status_code stands in for status; *_ms for times.
    auto h = json::value_to<host>(json::parse(R"({"id":"X","status_code":4,"created_ms":1500,"expires_ms":null})"));
    BOOST_TEST(h.id == "X");
    BOOST_TEST(h.status == host_status::shutting_down);
    BOOST_TEST((h.created == at_ms(1500)));
    BOOST_TEST(!h.expires);
    BOOST_TEST(h.memory_gb == 0);
    BOOST_TEST(!h.gpu_count);

    // Times with other offsets and precisions.
    auto t = [](const char* iso) {
        json::value o = json::object{{"created", iso}};
        return json::value_to<disk>(o).created;
    };
    BOOST_TEST((t("2026-11-18T11:06:40.123Z") == at_ms(1'795'000'000'123)));
    BOOST_TEST((t("2026-11-18T19:06:40.123+08:00") == at_ms(1'795'000'000'123)));
    BOOST_TEST((t("2026-11-18T10:36:40.123-00:30") == at_ms(1'795'000'000'123)));
    BOOST_TEST((t("2026-11-18T11:06:40Z") == at_ms(1'795'000'000'000)));
    BOOST_TEST((t("2026-11-18 11:06:40.5z") == at_ms(1'795'000'000'500)));
    BOOST_TEST((t("1969-12-31T23:59:59.999Z") == at_ms(-1)));
    BOOST_TEST((t("2026-11-18T11:06:40.123456789Z") - at_ms(1'795'000'000'123) == 456789ns));
    for (auto bad : {"2026-11-18", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-11-18T24:00:00Z",
                     "2026-11-18T11:06:40", "2026-11-18T11:06:40.Z", "2026-11-18T11:06:40.1234567891Z",
                     "2026-11-18T11:06:40Z ", "2026-11-18T11:06:40+0800"})
    {
        json::value o = json::object{{"created", bad}};
        BOOST_CHECK_THROW(json::value_to<disk>(o), std::invalid_argument);
    }
    // Times the conversion to time_point cannot hold (it counts nanoseconds: 1677 to 2262) are
    // refused, not overflowed (UBSan reported these before).
    for (auto far : {"9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z", "2262-04-12T00:00:00Z"})
    {
        json::value o = json::object{{"created", far}};
        BOOST_CHECK_THROW(json::value_to<disk>(o), std::invalid_argument);
    }
    for (auto ms : {std::int64_t{1'000'000'000'000'000}, std::numeric_limits<std::int64_t>::max(),
                    std::numeric_limits<std::int64_t>::min()})
    {
        json::value o = json::object{{"id", "X"}, {"created_ms", ms}};
        BOOST_CHECK_THROW(json::value_to<host>(o), std::invalid_argument);
    }
    BOOST_TEST((t("2199-12-31T23:59:59Z") > at_ms(0)));   // the bounds themselves are times
    BOOST_TEST((t("1900-01-01T00:00:00Z") == at_ms(-2'208'988'800'000)));
    // Wrong kinds name the member.
    try
    {
        json::value_to<host>(json::parse(R"({"memory_gb":"16"})"));
        BOOST_FAIL("no exception");
    }
    catch (const std::invalid_argument& e)
    {
        BOOST_TEST(std::string(e.what()).find("memory_gb") != std::string::npos, e.what());
    }
    BOOST_CHECK_THROW(json::value_to<host>(json::parse("[]")), std::invalid_argument);
    BOOST_CHECK_THROW(json::value_to<host>(json::parse(R"({"port":70000.5})")), std::invalid_argument);
    BOOST_CHECK_THROW(json::value_to<host>(json::parse(R"({"cpu_count":3000000000})")), std::invalid_argument);
    BOOST_CHECK_THROW(json::value_to<disk>(json::parse(R"({"ever_mounted":1})")), std::invalid_argument);
    BOOST_CHECK_THROW(json::value_to<host_page>(json::parse(R"({"items":{}})")), std::invalid_argument);
    BOOST_CHECK_THROW(json::value_to<host_page>(json::parse(R"({"items":[1]})")), std::invalid_argument);
    // Integral doubles are integers; a price may come as an integer.
    auto p = json::value_to<host_package>(json::parse(R"({"cpu_count":4.0,"price_per_hour":2})"));
    BOOST_TEST(p.cpu_count == 4);
    BOOST_TEST(p.price_per_hour == 2.0);
}

BOOST_AUTO_TEST_CASE(numbers_never_in_exponent_form)
{
    auto text = [](double d) { return to_json_text(json::value(d)); };
    BOOST_TEST(json::serialize(json::value(1.1)) == "1.1E0");   // why to_json_text exists
    BOOST_TEST(text(1.1) == "1.1");
    BOOST_TEST(text(12.5) == "12.5");
    BOOST_TEST(text(0.8) == "0.8");
    BOOST_TEST(text(0.3) == "0.3");
    BOOST_TEST(text(1e-7) == "0.0000001");
    BOOST_TEST(text(10.0) == "10.0");
    BOOST_TEST(text(0.0) == "0.0");
    BOOST_TEST(text(-2.25) == "-2.25");
    BOOST_TEST(text(1e21) == "1000000000000000000000.0");
    BOOST_TEST(text(123456789012.5) == "123456789012.5");
    BOOST_TEST(text(std::numeric_limits<double>::infinity()) == "null");
    BOOST_TEST(text(std::numeric_limits<double>::quiet_NaN()) == "null");
    for (double d : {1.1, 12.5, 0.8, 1e-7, 1e21, 1.7976931348623157e308, 4.9e-324, 0.1 + 0.2, 1.0 / 3})
    {
        auto s = text(d);
        BOOST_TEST(s.find_first_of("eE") == std::string::npos, s);
        BOOST_TEST(json::parse(s).is_double(), s);
        // Exact when read back (by from_chars: Boost 1.81's parser rounds long mantissas loosely).
        double back = 0;
        std::from_chars(s.data(), s.data() + s.size(), back);
        BOOST_TEST(back == d, s);
    }
    // Integers, strings, nesting: the same document as Boost.JSON's printer, parsed.
    json::value doc = json::parse(R"({"a":[1,-2,18446744073709551615,true,false,null,"q\"\\\n\u0001é"],"b":{}})");
    doc.as_object()["price"] = 1.1;
    auto s = to_json_text(doc);
    BOOST_TEST(s.find("E") == std::string::npos, s);
    BOOST_TEST(json::parse(s) == doc);
    BOOST_TEST(s.find(R"("price":1.1)") != std::string::npos, s);
    // A package as the CLI prints it.
    auto pkg = to_json_text(json::value_from(full_package()));
    BOOST_TEST(pkg.find(R"("price_per_hour":12.5,"discount":0.8,"effective_price_per_hour":10.0)") !=
                   std::string::npos,
               pkg);
}

BOOST_AUTO_TEST_SUITE_END()
