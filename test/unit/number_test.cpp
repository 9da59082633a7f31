// SPDX-License-Identifier: BSL-1.0
// Tolerant numbers (issue 18, defect 1): the one reader (impl/internal/number.hpp), and its users
// reading every form alike: the decoders of the API's answers (decode.ipp, memoryTotal), the SDK's
// own JSON (json.hpp) and the simulator's requests. They were five copies that disagreed on spaces,
// "", doubles near 2^63, integral doubles as enumerations and infinite decimals.
#include <finovy/decode.hpp>
#include <finovy/impl/internal/number.hpp>
#include <finovy/impl/internal/request.hpp>
#include <finovy/json.hpp>

#include "../../src/sim/fields.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

using namespace finovy;
namespace json = boost::json;

namespace {

// What a reader made of a value: a number, nothing (as if absent), or an error.
struct outcome
{
    enum
    {
        value,
        absent,
        error
    } kind = absent;
    std::int64_t n = 0;

    friend bool operator==(const outcome&, const outcome&) = default;
    friend std::ostream& operator<<(std::ostream& os, const outcome& o)
    {
        return o.kind == value ? os << o.n : os << (o.kind == absent ? "absent" : "error");
    }
};

constexpr outcome absent{outcome::absent, 0};
constexpr outcome error{outcome::error, 0};
constexpr outcome is(std::int64_t n) { return {outcome::value, n}; }

json::value member(const std::string& key, const std::string& value_text)
{
    return json::parse("{\"" + key + "\": " + value_text + "}");
}

// The API's host, memory (an int): absent leaves the default, 0.
outcome api_host_memory(const std::string& v)
{
    host h;
    std::string why;
    if (decode(json::parse(R"({"id": "a", "status": 2, "memory": )" + v + "}"), h, why))
        return error;
    return is(h.memory_gb);
}

// memoryTotal: absent is 0 GB.
outcome api_disk_usage(const std::string& v)
{
    std::int64_t n = -1;
    std::string why;
    if (detail::decode_disk_usage(member("memory", v), &n, why))
        return error;
    return is(n);
}

// The simulator's request fields.
outcome sim_integer(const std::string& v)
{
    auto doc = member("k", v);
    auto f = sim::detail::int_field(doc.get_object(), "k");
    return f.state == sim::detail::fstate::missing ? absent : f.ok() ? is(f.value) : error;
}

// The SDK's own JSON: numbers only for integers (json.hpp), names, numbers or digits for enumerations.
outcome own_memory(const std::string& v)
{
    try
    {
        return is(json::value_to<host>(member("memory_gb", v)).memory_gb);
    }
    catch (const std::invalid_argument&)
    {
        return error;
    }
}

outcome own_enumeration(const std::string& v)
{
    try
    {
        return is(static_cast<int>(json::value_to<machine_use>(json::parse(v))));
    }
    catch (const std::invalid_argument&)
    {
        return error;
    }
}

std::optional<double> api_price(const std::string& v, bool& failed)
{
    host_package p;
    std::string why;
    failed = static_cast<bool>(decode(json::parse(R"({"packageId": "p", "amount": )" + v + "}"), p, why));
    return p.price_per_hour;
}

}   // namespace

BOOST_AUTO_TEST_SUITE(tolerant_numbers_agree)

BOOST_AUTO_TEST_CASE(every_integer_reader_reads_every_form_alike)
{
    struct row
    {
        const char* json;
        outcome want;           // in int64
        bool is_number = true;  // a JSON number (the SDK's own JSON takes no other kind)
    };
    const row rows[] = {
        {"8", is(8)},
        {"8.0", is(8)},                          // a double that holds an integer
        {"-0.0", is(0)},
        {"\"8\"", is(8), false},
        {"\" 8 \"", is(8), false},               // spaces around: the API pads some
        {"\"007\"", is(7), false},
        {"\"-3\"", is(-3), false},
        {"\"\"", absent, false},                 // "" is as if absent
        {"\"   \"", absent, false},
        {"1.5", error},                          // a fraction
        {"\"+8\"", error, false},
        {"\"8.0\"", error, false},               // digits only in strings
        {"\"1e3\"", error, false},
        {"\"12abc\"", error, false},
        {"\"0x10\"", error, false},
        {"\"8\\t\"", error, false},              // spaces, not tabs
        {"\"nan\"", error, false},
        {"true", error, false},
        {"[]", error, false},
        {"1e300", error},                        // past int64
        {"1e400", error},                        // Boost.JSON reads it as infinity
        {"-1e400", error},
        {"\"99999999999999999999\"", error, false},
        {"18446744073709551615", error},
        {"9223372036854775808.0", error},        // 2^63: just past int64
        {"9100000000000000000.0", is(9'100'000'000'000'000'000)},   // below 2^63, above 9e18
        {"-9223372036854775808.0", is(INT64_MIN)},
        {"9223372036854775807", is(INT64_MAX)},
        {"\"-9223372036854775808\"", is(INT64_MIN), false},
    };
    for (const auto& r : rows)
    {
        const std::string v = r.json;
        const outcome in_int = r.want.kind == outcome::value && (r.want.n < INT32_MIN || r.want.n > INT32_MAX) ? error
                                                                                                             : r.want;
        BOOST_TEST(sim_integer(v) == r.want, "simulator: " << v);
        BOOST_TEST(api_host_memory(v) == (in_int == absent ? is(0) : in_int), "API host memory: " << v);
        if (r.want.kind != outcome::value || r.want.n >= 0)
            BOOST_TEST(api_disk_usage(v) == (r.want == absent ? is(0) : r.want), "API disk usage: " << v);
        else
            BOOST_TEST(api_disk_usage(v) == error, "API disk usage (negative): " << v);
        if (r.is_number)
        {
            BOOST_TEST(own_memory(v) == in_int, "own JSON memory_gb: " << v);
            BOOST_TEST(own_enumeration(v) == in_int, "own JSON enumeration: " << v);
        }
        else if (r.want != absent)
            BOOST_TEST(own_enumeration(v) == in_int, "own JSON enumeration: " << v);
        else
            BOOST_TEST(own_enumeration(v) == error, "own JSON enumeration (a value is required): " << v);
    }
}

BOOST_AUTO_TEST_CASE(every_decimal_reader_reads_every_form_alike)
{
    struct row
    {
        const char* json;
        std::optional<double> want;   // nullopt: an error
    };
    const row rows[] = {
        {"1.1", 1.1},      {"\"1.10\"", 1.1},  {"\" 1.10 \"", 1.1}, {"2", 2.0},          {"-0.5", -0.5},
        {"\"-2e3\"", -2000.0}, {"1e300", 1e300}, {"1e400", std::nullopt}, {"\"1e400\"", std::nullopt},
        {"\"inf\"", std::nullopt}, {"\"nan\"", std::nullopt}, {"\"1.1x\"", std::nullopt}, {"\"+1\"", std::nullopt},
        {"true", std::nullopt},
    };
    for (const auto& r : rows)
    {
        bool failed = false;
        auto got = api_price(r.json, failed);
        if (r.want)
        {
            BOOST_TEST(!failed, "API amount: " << r.json);
            BOOST_TEST((got == *r.want), "API amount: " << r.json);
        }
        else
            BOOST_TEST(failed, "API amount: " << r.json);
        if (json::parse(r.json).is_number())
        {
            std::optional<double> own;
            try
            {
                own = json::value_to<host_package>(member("price_per_hour", r.json)).price_per_hour;
            }
            catch (const std::invalid_argument&)
            {
            }
            BOOST_TEST((own == r.want), "own JSON price_per_hour: " << r.json);
        }
    }
    bool failed = true;
    BOOST_TEST((api_price("\"\"", failed) == 0.0));   // "" is as if absent: the default
    BOOST_TEST(!failed);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(number_reader)

using detail::number_status;

number_status status_of(const std::string& json_text) { return detail::read_integer(json::parse(json_text)).status; }
std::int64_t value_of(const std::string& json_text)
{
    auto n = detail::read_integer(json::parse(json_text));
    BOOST_TEST_REQUIRE(n.ok(), json_text);
    return n.value;
}

BOOST_AUTO_TEST_CASE(integers)
{
    BOOST_TEST(value_of("0") == 0);
    BOOST_TEST(value_of("-42") == -42);
    BOOST_TEST(value_of("9223372036854775807") == INT64_MAX);
    BOOST_TEST(value_of("-9223372036854775808") == INT64_MIN);
    BOOST_TEST(value_of("\"-9223372036854775808\"") == INT64_MIN);
    BOOST_TEST(value_of("\"  12  \"") == 12);
    BOOST_TEST(value_of("\"-0\"") == 0);
    // uint64 beyond int64, as numbers and as strings.
    BOOST_TEST((status_of("9223372036854775808") == number_status::out_of_range));
    BOOST_TEST((status_of("18446744073709551615") == number_status::out_of_range));
    BOOST_TEST((status_of("\"9223372036854775808\"") == number_status::out_of_range));
    BOOST_TEST((status_of("\"-9223372036854775809\"") == number_status::out_of_range));
    BOOST_TEST((status_of("\"99999999999999999999999\"") == number_status::out_of_range));
}

BOOST_AUTO_TEST_CASE(doubles)
{
    BOOST_TEST(value_of("3.0") == 3);
    BOOST_TEST(value_of("-3.0") == -3);
    BOOST_TEST(value_of("1e3") == 1000);
    BOOST_TEST(value_of("-9223372036854775808.0") == INT64_MIN);                  // -2^63, exactly
    BOOST_TEST(value_of("9223372036854774784.0") == 9'223'372'036'854'774'784);   // the last double below 2^63
    for (auto fraction : {"0.5", "-0.5", "1.0000001", "1e-300", "2.5"})
        BOOST_TEST((status_of(fraction) == number_status::bad), fraction);
    for (auto huge : {"9223372036854775808.0", "-9223372036854777856.0", "1e300", "-1e300", "1e400", "-1e400"})
        BOOST_TEST((status_of(huge) == number_status::out_of_range), huge);
    BOOST_TEST((detail::integer_of(std::numeric_limits<double>::quiet_NaN()).status == number_status::out_of_range));
}

BOOST_AUTO_TEST_CASE(strings_absent_and_other_kinds)
{
    for (auto absent : {"null", "\"\"", "\" \"", "\"     \""})
        BOOST_TEST((status_of(absent) == number_status::absent), absent);
    for (auto bad : {"\"+1\"", "\"1.0\"", "\"1e3\"", "\"0x10\"", "\"12abc\"", "\"abc\"", "\"-\"", "\"- 1\"",
                     "\"1 2\"", "\"\\t1\"", "\"1\\n\"", "\"nan\"", "\"NaN\"", "\"inf\"", "\"-inf\"",
                     "\"infinity\"", "\"１２\"", "true", "false", "[]", "[1]", "{}"})
        BOOST_TEST((status_of(bad) == number_status::bad), bad);
    BOOST_TEST((detail::parse_integer("").status == number_status::absent));
    BOOST_TEST(detail::parse_integer(" 7 ").value == 7);
}

BOOST_AUTO_TEST_CASE(ranges)
{
    auto in = [](const char* text, std::int64_t lo, std::int64_t hi) {
        return detail::read_integer_in(json::parse(text), lo, hi).status;
    };
    BOOST_TEST((in("5", 0, 10) == number_status::ok));
    BOOST_TEST((in("0", 0, 10) == number_status::ok));
    BOOST_TEST((in("10", 0, 10) == number_status::ok));
    BOOST_TEST((in("-1", 0, 10) == number_status::out_of_range));
    BOOST_TEST((in("\"11\"", 0, 10) == number_status::out_of_range));
    BOOST_TEST((in("1.5", 0, 10) == number_status::bad));   // not an integer, whatever its range
    BOOST_TEST((in("\"\"", 0, 10) == number_status::absent));
    auto as_int = detail::read_integer_in<int>(json::parse("2147483648"));
    BOOST_TEST((as_int.status == number_status::out_of_range));
    BOOST_TEST(detail::read_integer_in<int>(json::parse("-2147483648")).value == INT32_MIN);
    BOOST_TEST((detail::read_integer_in<unsigned>(json::parse("-1")).status == number_status::out_of_range));
    BOOST_TEST(detail::read_integer_in<unsigned>(json::parse("4294967295")).value == 4294967295u);
}

BOOST_AUTO_TEST_CASE(decimals)
{
    auto dec = [](const char* text) { return detail::read_decimal(json::parse(text)); };
    BOOST_TEST(dec("1.25").value == 1.25);
    BOOST_TEST(dec("\"1.25\"").value == 1.25);
    BOOST_TEST(dec("\" -2e3 \"").value == -2000.0);
    BOOST_TEST(dec("7").value == 7.0);
    BOOST_TEST(dec("18446744073709551615").value == 18446744073709551615.0);
    BOOST_TEST(dec("1e300").value == 1e300);
    BOOST_TEST(dec("\"1e300\"").value == 1e300);
    for (auto absent : {"null", "\"\"", "\"  \""})
        BOOST_TEST((dec(absent).status == number_status::absent), absent);
    for (auto huge : {"1e400", "-1e400", "\"1e400\"", "\"-1e400\""})
        BOOST_TEST((dec(huge).status == number_status::out_of_range), huge);
    for (auto bad : {"\"nan\"", "\"NaN\"", "\"inf\"", "\"-inf\"", "\"infinity\"", "\"+1\"", "\"1.5x\"",
                     "\"0x1p3\"", "\"1,5\"", "true", "[]"})
        BOOST_TEST((dec(bad).status == number_status::bad), bad);
}

BOOST_AUTO_TEST_CASE(integers_as_text)
{
    BOOST_TEST(detail::integer_text(json::parse("4005")).value() == "4005");
    BOOST_TEST(detail::integer_text(json::parse("-1")).value() == "-1");
    BOOST_TEST(detail::integer_text(json::parse("18446744073709551615")).value() == "18446744073709551615");
    for (auto other : {"4005.0", "\"4005\"", "null", "true"})
        BOOST_TEST(!detail::integer_text(json::parse(other)), other);
}

BOOST_AUTO_TEST_SUITE_END()
