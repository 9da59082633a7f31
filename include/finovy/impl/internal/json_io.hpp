// SPDX-License-Identifier: BSL-1.0
// Internals of finovy/json.hpp, for impl/json.ipp only: reading an object's members, enumerations and
// times as JSON.
#ifndef FINOVY_IMPL_INTERNAL_JSON_IO_HPP
#define FINOVY_IMPL_INTERNAL_JSON_IO_HPP

#include <finovy/impl/internal/number.hpp>
#include <finovy/impl/internal/time_range.hpp>
#include <finovy/models.hpp>

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace finovy {

namespace detail::json_io {

namespace json = boost::json;
using namespace std::chrono;

[[noreturn]] inline void bad(std::string_view type, std::string_view key, std::string_view expected)
{
    std::string m = "finovy: JSON of ";
    m.append(type);
    if (!key.empty())
        m.append(": \"").append(key).append("\"");
    m.append(": expected ").append(expected);
    throw std::invalid_argument(m);
}

// --- enumerations: the name of a known value, else the number --------------------------------

template <class E>
json::value enum_value(E v)
{
    auto name = to_string(v);
    if (name == "unknown")
        return static_cast<std::int64_t>(static_cast<int>(v));
    return json::string(name);
}

template <class E>
std::optional<E> enum_from(const json::value& v)
{
    if (v.is_string())
    {
        std::string_view s = v.get_string();
        for (int i = 0; i < 16; ++i)   // the known values are the small numbers
            if (to_string(static_cast<E>(i)) == s && s != "unknown")
                return static_cast<E>(i);
    }
    else if (!v.is_number())
        return std::nullopt;
    auto n = read_integer_in<int>(v);   // a number, or a string of digits (number.hpp)
    if (!n.ok())
        return std::nullopt;
    return static_cast<E>(n.value);
}

template <class E>
E enum_to(const json::value& v, std::string_view type)
{
    if (auto e = enum_from<E>(v))
        return *e;
    bad(type, "", "a name or a number");
}

// --- times: ISO-8601 UTC with milliseconds ------------------------------------------------------

inline std::int64_t epoch_ms(time_point t) { return floor<milliseconds>(t).time_since_epoch().count(); }

inline std::string iso8601(time_point t)
{
    auto ms = floor<milliseconds>(t);
    auto day = floor<days>(ms);
    year_month_day ymd{day};
    hh_mm_ss<milliseconds> hms{ms - day};
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
    return buf;
}

// "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)", the fraction up to nanoseconds.
inline std::optional<time_point> parse_iso8601(std::string_view s)
{
    std::size_t i = 0;
    auto digits = [&](std::size_t n, int& out) {
        if (i + n > s.size())
            return false;
        out = 0;
        for (std::size_t k = 0; k < n; ++k, ++i)
        {
            char c = s[i];
            if (c < '0' || c > '9')
                return false;
            out = out * 10 + (c - '0');
        }
        return true;
    };
    auto expect = [&](std::string_view any_of) {
        if (i < s.size() && any_of.find(s[i]) != std::string_view::npos)
            return ++i, true;
        return false;
    };
    int y, mo, d, h, mi, sec;
    if (!digits(4, y) || !expect("-") || !digits(2, mo) || !expect("-") || !digits(2, d) || !expect("Tt ") ||
        !digits(2, h) || !expect(":") || !digits(2, mi) || !expect(":") || !digits(2, sec))
        return std::nullopt;
    year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 59 || y < min_time_year || y > max_time_year)
        return std::nullopt;   // (the years: past them the conversion to time_point overflows)
    nanoseconds frac{0};
    if (expect("."))
    {
        std::size_t start = i;
        std::int64_t n = 0, scale = 1'000'000'000;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9')
        {
            if (i - start >= 9)
                return std::nullopt;
            n = n * 10 + (s[i++] - '0');
            scale /= 10;
        }
        if (i == start)
            return std::nullopt;
        frac = nanoseconds(n * scale);
    }
    minutes offset{0};
    if (!expect("Zz"))
    {
        if (i >= s.size() || (s[i] != '+' && s[i] != '-'))
            return std::nullopt;
        int sign = s[i++] == '-' ? -1 : 1, oh, om;
        if (!digits(2, oh) || !expect(":") || !digits(2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offset = minutes(sign * (oh * 60 + om));
    }
    if (i != s.size())
        return std::nullopt;
    auto local = sys_days(ymd) + hours(h) + minutes(mi) + seconds(sec) + frac;
    return time_point_cast<time_point::duration>(local - offset);
}

// --- reading an object's members ------------------------------------------------------------------

class reader
{
public:
    reader(const json::value& v, std::string_view type) : type_(type)
    {
        if (!v.is_object())
            bad(type, "", "an object");
        o_ = &v.get_object();
    }

    // The member, or nullptr when it is absent or null.
    const json::value* find(std::string_view key) const
    {
        auto it = o_->find(key);
        return it == o_->end() || it->value().is_null() ? nullptr : &it->value();
    }

    void get(std::string_view key, std::string& out) const
    {
        if (const auto* v = find(key))
        {
            if (!v->is_string())
                bad(type_, key, "a string");
            out = v->get_string();
        }
    }

    void get(std::string_view key, double& out) const
    {
        if (const auto* v = find(key))
        {
            auto d = v->is_number() ? read_decimal(*v) : number_read<double>{number_status::bad};
            if (!d.ok())
                bad(type_, key, "a finite number");
            out = d.value;
        }
    }

    void get(std::string_view key, bool& out) const
    {
        if (const auto* v = find(key))
        {
            if (!v->is_bool())
                bad(type_, key, "true or false");
            out = v->get_bool();
        }
    }

    template <class Int>
        requires std::is_integral_v<Int>
    void get(std::string_view key, Int& out) const
    {
        if (const auto* v = find(key))
        {
            // Numbers only: the SDK writes integers as such (strict on kinds, lenient on absence).
            auto n = v->is_number() ? read_integer_in<Int>(*v) : number_read<Int>{number_status::bad};
            if (!n.ok())
                bad(type_, key, "an integer in range");
            out = n.value;
        }
    }

    template <class E>
        requires std::is_enum_v<E>
    void get(std::string_view key, E& out) const
    {
        if (const auto* v = find(key))
        {
            auto e = enum_from<E>(*v);
            if (!e)
                bad(type_, key, "a name or a number");
            out = *e;
        }
    }

    template <class T>
    void get(std::string_view key, std::optional<T>& out) const
    {
        if (find(key))
            get(key, out.emplace());
        else
            out.reset();
    }

    void get(std::string_view key, time_point& out) const
    {
        if (auto t = time(key))
            out = *t;
    }

    void get(std::string_view key, std::optional<time_point>& out) const { out = time(key); }

private:
    // "created", else "created_ms".
    std::optional<time_point> time(std::string_view key) const
    {
        if (const auto* v = find(key))
        {
            auto t = v->is_string() ? parse_iso8601(v->get_string()) : std::nullopt;
            if (!t)
                bad(type_, key, "an ISO-8601 time from 1900 to 2200");
            return t;
        }
        std::string ms_key(key);
        ms_key += "_ms";
        if (find(ms_key))
        {
            std::int64_t ms = 0;
            get(ms_key, ms);
            if (ms < min_time_ms || ms > max_time_ms)
                bad(type_, ms_key, "milliseconds from 1900 to 2200");
            return time_point(duration_cast<time_point::duration>(milliseconds(ms)));
        }
        return std::nullopt;
    }

    const json::object* o_ = nullptr;
    std::string_view type_;
};

template <class T>
json::value opt(const std::optional<T>& v)
{
    if (!v)
        return nullptr;
    if constexpr (std::is_enum_v<T>)
        return enum_value(*v);
    else
        return json::value_from(*v);
}

inline json::value opt_time(const std::optional<time_point>& t) { return t ? json::value(iso8601(*t)) : nullptr; }
inline json::value opt_ms(const std::optional<time_point>& t) { return t ? json::value(epoch_ms(*t)) : nullptr; }

}   // namespace detail::json_io

}   // namespace finovy

#endif
