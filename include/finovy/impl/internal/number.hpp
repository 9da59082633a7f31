// SPDX-License-Identifier: BSL-1.0
// The one tolerant reader of numbers. The API sends an integer as a JSON integer, as a double that
// holds one (8.0) or as a string of digits ("8"), and a decimal as a number or a string ("1.10");
// the clients of the simulator and of provisiond do the same. The SDK's decoders (decode.ipp,
// request.hpp), its own JSON (json_io.hpp), the simulator (src/sim/fields.hpp) and provisiond all
// read numbers here, so that they accept and refuse the same forms. Which JSON kinds a place takes
// at all is its own choice (the SDK's own JSON and provisiond take numbers only); what counts as a
// number is this file's. Pure functions, unit-tested (test/unit/number_test.cpp).
//
// Integers (int64):
// - JSON null: absent;
// - a JSON integer; a uint64 past int64's range: out_of_range;
// - a JSON double holding an integer in [-2^63, 2^63); with a fraction: bad; beyond, or not
//   finite (Boost.JSON reads 1e400 as infinity): out_of_range;
// - a string: spaces around it ignored; "" (or spaces only): absent; an optional '-' and decimal
//   digits, else bad ("+1", "1.0", "1e3", "0x1", "12abc", "\t1"); past int64: out_of_range;
// - anything else (true, [], {}): bad.
// Decimals (double): null and "" as above; a JSON number, finite; a string in std::from_chars'
// general form ("1.10", "-2e3"), finite ("inf" and "nan" are bad), past double's range
// ("1e400"): out_of_range.
#ifndef FINOVY_IMPL_INTERNAL_NUMBER_HPP
#define FINOVY_IMPL_INTERNAL_NUMBER_HPP

#include <boost/json/value.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace finovy::detail {

enum class number_status
{
    ok,
    absent,         // null, "" or only spaces: as if the member were missing
    bad,            // not a number of the kind asked for
    out_of_range,   // a number of that kind, but too large (or too small) for the type
};

template <class T>
struct number_read
{
    number_status status = number_status::absent;
    T value{};

    bool ok() const noexcept { return status == number_status::ok; }
};

// Spaces around a string's number are ignored (the API pads some); tabs and newlines are not.
inline std::string_view trim_spaces(std::string_view s) noexcept
{
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

// A string of decimal digits, with an optional '-' (no '+', as std::from_chars).
inline number_read<std::int64_t> parse_integer(std::string_view text) noexcept
{
    text = trim_spaces(text);
    if (text.empty())
        return {number_status::absent, 0};
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (p != text.data() + text.size())
        return {number_status::bad, 0};   // also when from_chars stopped early: "12abc", "1.0"
    if (ec == std::errc::result_out_of_range)
        return {number_status::out_of_range, 0};
    if (ec != std::errc{})
        return {number_status::bad, 0};
    return {number_status::ok, n};
}

// A double that holds an integer of int64's range. Checked before the cast: casting any other
// double to an integer is undefined.
inline number_read<std::int64_t> integer_of(double d) noexcept
{
    if (!std::isfinite(d) || d < -0x1p63 || d >= 0x1p63)
        return {number_status::out_of_range, 0};
    if (std::trunc(d) != d)
        return {number_status::bad, 0};
    return {number_status::ok, static_cast<std::int64_t>(d)};
}

inline number_read<std::int64_t> read_integer(const boost::json::value& v) noexcept
{
    switch (v.kind())
    {
    case boost::json::kind::null: return {number_status::absent, 0};
    case boost::json::kind::int64: return {number_status::ok, v.get_int64()};
    case boost::json::kind::uint64:
        if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return {number_status::out_of_range, 0};
        return {number_status::ok, static_cast<std::int64_t>(v.get_uint64())};
    case boost::json::kind::double_: return integer_of(v.get_double());
    case boost::json::kind::string: return parse_integer(v.get_string());
    default: return {number_status::bad, 0};
    }
}

// read_integer() within [lo, hi] (the whole of Int by default): outside, out_of_range.
template <class Int = std::int64_t>
number_read<Int> read_integer_in(const boost::json::value& v, std::int64_t lo = std::numeric_limits<Int>::min(),
                                 std::int64_t hi = std::numeric_limits<Int>::max()) noexcept
{
    static_assert(std::numeric_limits<Int>::is_integer && sizeof(Int) <= sizeof(std::int64_t) &&
                  (std::numeric_limits<Int>::is_signed || sizeof(Int) < sizeof(std::int64_t)));
    auto n = read_integer(v);
    if (!n.ok())
        return {n.status, Int{}};
    if (n.value < lo || n.value > hi)
        return {number_status::out_of_range, Int{}};
    return {number_status::ok, static_cast<Int>(n.value)};
}

// A decimal in std::from_chars' general form ("1.10", "-2e3", "7"); only finite values.
inline number_read<double> parse_decimal(std::string_view text) noexcept
{
    text = trim_spaces(text);
    if (text.empty())
        return {number_status::absent, 0};
    double d = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (p != text.data() + text.size())
        return {number_status::bad, 0};
    if (ec == std::errc::result_out_of_range)
        return {number_status::out_of_range, 0};
    if (ec != std::errc{} || !std::isfinite(d))   // from_chars reads "inf" and "nan"
        return {number_status::bad, 0};
    return {number_status::ok, d};
}

inline number_read<double> read_decimal(const boost::json::value& v) noexcept
{
    switch (v.kind())
    {
    case boost::json::kind::null: return {number_status::absent, 0};
    case boost::json::kind::int64: return {number_status::ok, static_cast<double>(v.get_int64())};
    case boost::json::kind::uint64: return {number_status::ok, static_cast<double>(v.get_uint64())};
    case boost::json::kind::double_:
        if (!std::isfinite(v.get_double()))
            return {number_status::out_of_range, 0};
        return {number_status::ok, v.get_double()};
    case boost::json::kind::string: return parse_decimal(v.get_string());
    default: return {number_status::bad, 0};
    }
}

// Strings as numbers the other way: an id the API sent as a JSON integer, as its decimal text.
// Other kinds (a double included: 1e3 is no id) give nothing.
inline std::optional<std::string> integer_text(const boost::json::value& v)
{
    if (v.is_int64())
        return std::to_string(v.get_int64());
    if (v.is_uint64())
        return std::to_string(v.get_uint64());
    return std::nullopt;
}

}   // namespace finovy::detail

#endif
