#ifndef FINOVY_IMPL_JSON_IPP
#define FINOVY_IMPL_JSON_IPP

#include <finovy/json.hpp>

#include <boost/json/serialize.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

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
    std::int64_t n = 0;
    if (v.is_int64())
        n = v.get_int64();
    else if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
        n = static_cast<std::int64_t>(v.get_uint64());
    else if (v.is_string())
    {
        std::string_view s = v.get_string();
        for (int i = 0; i < 16; ++i)   // the known values are the small numbers
            if (to_string(static_cast<E>(i)) == s && s != "unknown")
                return static_cast<E>(i);
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (s.empty() || ec != std::errc{} || p != s.data() + s.size())
            return std::nullopt;
    }
    else
        return std::nullopt;
    if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
        return std::nullopt;
    return static_cast<E>(static_cast<int>(n));
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
    if (!ymd.ok() || h > 23 || mi > 59 || sec > 59)
        return std::nullopt;
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
            if (!v->is_number())
                bad(type_, key, "a number");
            out = v->to_number<double>();
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
            boost::system::error_code ec;
            auto n = v->is_number() ? v->to_number<Int>(ec) : Int{};
            if (!v->is_number() || ec)
                bad(type_, key, "an integer in range");
            out = n;
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
                bad(type_, key, "an ISO-8601 time");
            return t;
        }
        std::string ms_key(key);
        ms_key += "_ms";
        if (find(ms_key))
        {
            std::int64_t ms = 0;
            get(ms_key, ms);
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

// --- text without exponents ---------------------------------------------------------------------

inline void append_double(std::string& out, double d)
{
    if (!std::isfinite(d))
    {
        out += "null";
        return;
    }
    // Fixed notation, shortest round trip: at most 309 integer digits, or "0." and 1074 decimals.
    char buf[1100];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
    if (ec != std::errc{})   // cannot happen with this buffer
        throw std::length_error("finovy: to_json_text: number too long");
    std::string_view s(buf, static_cast<std::size_t>(end - buf));
    out += s;
    if (s.find('.') == std::string_view::npos)
        out += ".0";   // stays a double when parsed again
}

inline void append_text(std::string& out, const json::value& v)
{
    switch (v.kind())
    {
    case json::kind::null: out += "null"; break;
    case json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case json::kind::int64: out += std::to_string(v.get_int64()); break;
    case json::kind::uint64: out += std::to_string(v.get_uint64()); break;
    case json::kind::double_: append_double(out, v.get_double()); break;
    case json::kind::string: out += json::serialize(v.get_string()); break;
    case json::kind::array:
    {
        out += '[';
        bool first = true;
        for (const auto& x : v.get_array())
        {
            if (!first)
                out += ',';
            first = false;
            append_text(out, x);
        }
        out += ']';
        break;
    }
    case json::kind::object:
    {
        out += '{';
        bool first = true;
        for (const auto& kv : v.get_object())
        {
            if (!first)
                out += ',';
            first = false;
            out += json::serialize(kv.key());
            out += ':';
            append_text(out, kv.value());
        }
        out += '}';
        break;
    }
    }
}

}   // namespace detail::json_io

FINOVY_DECL std::string to_json_text(const boost::json::value& v)
{
    std::string out;
    detail::json_io::append_text(out, v);
    return out;
}

// --- enumerations ----------------------------------------------------------------------------------

#define FINOVY_JSON_ENUM(E)                                                                           \
    FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, E v)             \
    {                                                                                                 \
        jv = detail::json_io::enum_value(v);                                                          \
    }                                                                                                 \
    FINOVY_DECL E tag_invoke(boost::json::value_to_tag<E>, const boost::json::value& jv)             \
    {                                                                                                 \
        return detail::json_io::enum_to<E>(jv, #E);                                                   \
    }
FINOVY_JSON_ENUM(host_status)
FINOVY_JSON_ENUM(billing_kind)
FINOVY_JSON_ENUM(package_billing)
FINOVY_JSON_ENUM(area)
FINOVY_JSON_ENUM(machine_use)
FINOVY_JSON_ENUM(period_unit)
FINOVY_JSON_ENUM(disk_status)
#undef FINOVY_JSON_ENUM

// --- models --------------------------------------------------------------------------------------

FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const image& v)
{
    using namespace detail::json_io;
    jv = {{"id", v.id}, {"type", v.type}, {"system_name", v.system_name}, {"system_version", v.system_version}};
}

FINOVY_DECL image tag_invoke(boost::json::value_to_tag<image>, const boost::json::value& jv)
{
    using namespace detail::json_io;
    reader r(jv, "image");
    image v;
    r.get("id", v.id);
    r.get("type", v.type);
    r.get("system_name", v.system_name);
    r.get("system_version", v.system_version);
    return v;
}

FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const host_package& v)
{
    using namespace detail::json_io;
    jv = {
        {"id", v.id},
        {"name", v.name},
        {"gpu_count", v.gpu_count},
        {"gpu_name", opt(v.gpu_name)},
        {"cpu_count", v.cpu_count},
        {"memory_gb", v.memory_gb},
        {"disk_gb", v.disk_gb},
        {"bandwidth_mbps", v.bandwidth_mbps},
        {"price_per_hour", v.price_per_hour},
        {"discount", v.discount},
        {"effective_price_per_hour", v.effective_price_per_hour()},
        {"type", v.type},
        {"use", enum_value(v.use)},
        {"area", enum_value(v.area)},
        {"billing", enum_value(v.billing)},
    };
}

FINOVY_DECL host_package tag_invoke(boost::json::value_to_tag<host_package>, const boost::json::value& jv)
{
    using namespace detail::json_io;
    reader r(jv, "host_package");
    host_package v;
    r.get("id", v.id);
    r.get("name", v.name);
    r.get("gpu_count", v.gpu_count);
    r.get("gpu_name", v.gpu_name);
    r.get("cpu_count", v.cpu_count);
    r.get("memory_gb", v.memory_gb);
    r.get("disk_gb", v.disk_gb);
    r.get("bandwidth_mbps", v.bandwidth_mbps);
    r.get("price_per_hour", v.price_per_hour);
    r.get("discount", v.discount);
    r.get("type", v.type);
    r.get("use", v.use);
    r.get("area", v.area);
    r.get("billing", v.billing);
    return v;
}

FINOVY_DECL void detail::host_to_json(boost::json::value& jv, const host& v, bool reveal)
{
    using namespace detail::json_io;
    boost::json::object o{
        {"id", v.id},
        {"name", v.name},
        {"status", enum_value(v.status)},
        {"status_code", static_cast<int>(v.status)},
        {"billing", enum_value(v.billing)},
        {"gpu_configuration", v.gpu_configuration},
        {"gpu_count", opt(v.gpu_count)},
        {"cpu_count", v.cpu_count},
        {"memory_gb", v.memory_gb},
        {"disk_gb", v.disk_gb},
        {"operating_system", v.operating_system},
        {"account", opt(v.account)},
    };
    if (reveal)
        o["password"] = v.password ? boost::json::value(v.password->reveal()) : nullptr;
    o["address"] = opt(v.address);
    o["port"] = opt(v.port);
    o["mac"] = opt(v.mac);
    o["ipv4"] = opt(v.ipv4);
    o["use"] = enum_value(v.use);
    o["area"] = opt(v.area);
    o["created"] = iso8601(v.created);
    o["created_ms"] = epoch_ms(v.created);
    o["expires"] = opt_time(v.expires);
    o["expires_ms"] = opt_ms(v.expires);
    jv = std::move(o);
}

FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const host& v)
{
    detail::host_to_json(jv, v, false);
}

FINOVY_DECL host tag_invoke(boost::json::value_to_tag<host>, const boost::json::value& jv)
{
    using namespace detail::json_io;
    reader r(jv, "host");
    host v;
    r.get("id", v.id);
    r.get("name", v.name);
    r.get(r.find("status") ? "status" : "status_code", v.status);
    r.get("billing", v.billing);
    r.get("gpu_configuration", v.gpu_configuration);
    r.get("gpu_count", v.gpu_count);
    r.get("cpu_count", v.cpu_count);
    r.get("memory_gb", v.memory_gb);
    r.get("disk_gb", v.disk_gb);
    r.get("operating_system", v.operating_system);
    r.get("account", v.account);
    std::optional<std::string> password;
    r.get("password", password);
    if (password)
        v.password = secret(std::move(*password));
    r.get("address", v.address);
    r.get("port", v.port);
    r.get("mac", v.mac);
    r.get("ipv4", v.ipv4);
    r.get("use", v.use);
    r.get("area", v.area);
    r.get("created", v.created);
    r.get("expires", v.expires);
    return v;
}

FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const disk& v)
{
    using namespace detail::json_io;
    jv = {
        {"id", v.id},
        {"owner", v.owner},
        {"name", v.name},
        {"host_id", opt(v.host_id)},
        {"ever_mounted", v.ever_mounted},
        {"bus", v.bus},
        {"area", enum_value(v.area)},
        {"size_gb", v.size_gb},
        {"billing", enum_value(v.billing)},
        {"price_per_hour", v.price_per_hour},
        {"status", enum_value(v.status)},
        {"status_code", static_cast<int>(v.status)},
        {"created", iso8601(v.created)},
        {"created_ms", epoch_ms(v.created)},
    };
}

FINOVY_DECL disk tag_invoke(boost::json::value_to_tag<disk>, const boost::json::value& jv)
{
    using namespace detail::json_io;
    reader r(jv, "disk");
    disk v;
    r.get("id", v.id);
    r.get("owner", v.owner);
    r.get("name", v.name);
    r.get("host_id", v.host_id);
    r.get("ever_mounted", v.ever_mounted);
    r.get("bus", v.bus);
    r.get("area", v.area);
    r.get("size_gb", v.size_gb);
    r.get("billing", v.billing);
    r.get("price_per_hour", v.price_per_hour);
    r.get(r.find("status") ? "status" : "status_code", v.status);
    r.get("created", v.created);
    return v;
}

FINOVY_DECL boost::json::object detail::page_header(std::int64_t total, int number, int size)
{
    using namespace detail::json_io;
    return {{"items", boost::json::array()}, {"total", total}, {"page", number}, {"page_size", size}};
}

FINOVY_DECL const boost::json::array* detail::read_page_header(const boost::json::value& jv, std::int64_t& total,
                                                               int& number, int& size)
{
    using namespace detail::json_io;
    reader r(jv, "page");
    r.get("total", total);
    r.get("page", number);
    r.get("page_size", size);
    const auto* items = r.find("items");
    if (items && !items->is_array())
        json_io::bad("page", "items", "an array");
    return items ? &items->get_array() : nullptr;
}

FINOVY_DECL void detail::token_to_json(boost::json::value& jv, const token_info& v, bool reveal)
{
    using namespace detail::json_io;
    boost::json::object o;
    if (reveal)
        o["token"] = v.token.reveal();
    o["lifetime_ms"] = v.lifetime.count();
    jv = std::move(o);
}

FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const token_info& v)
{
    detail::token_to_json(jv, v, false);
}

FINOVY_DECL token_info tag_invoke(boost::json::value_to_tag<token_info>, const boost::json::value& jv)
{
    using namespace detail::json_io;
    reader r(jv, "token_info");
    token_info v;
    std::string token;
    r.get("token", token);
    v.token = secret(std::move(token));
    std::int64_t ms = 0;
    r.get("lifetime_ms", ms);
    v.lifetime = std::chrono::milliseconds(ms);
    return v;
}

FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const rental_period& v)
{
    using namespace detail::json_io;
    jv = {{"unit", enum_value(v.unit)}, {"count", v.count}};
}

FINOVY_DECL rental_period tag_invoke(boost::json::value_to_tag<rental_period>, const boost::json::value& jv)
{
    using namespace detail::json_io;
    reader r(jv, "rental_period");
    rental_period v;
    r.get("unit", v.unit);
    r.get("count", v.count);
    return v;
}

FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const disk_create_request& v)
{
    using namespace detail::json_io;
    jv = {{"area", enum_value(v.area)}, {"size_gb", v.size_gb}, {"count", v.count}, {"mount_on", opt(v.mount_on)}};
}

FINOVY_DECL disk_create_request tag_invoke(boost::json::value_to_tag<disk_create_request>,
                                           const boost::json::value& jv)
{
    using namespace detail::json_io;
    reader r(jv, "disk_create_request");
    disk_create_request v;
    r.get("area", v.area);
    r.get("size_gb", v.size_gb);
    r.get("count", v.count);
    r.get("mount_on", v.mount_on);
    return v;
}

FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const disk_list_request& v)
{
    using namespace detail::json_io;
    jv = {{"page", v.page},         {"page_size", v.page_size}, {"host_id", opt(v.host_id)},
          {"area", opt(v.area)},    {"billing", opt(v.billing)}, {"status", opt(v.status)}};
}

FINOVY_DECL disk_list_request tag_invoke(boost::json::value_to_tag<disk_list_request>, const boost::json::value& jv)
{
    using namespace detail::json_io;
    reader r(jv, "disk_list_request");
    disk_list_request v;
    r.get("page", v.page);
    r.get("page_size", v.page_size);
    r.get("host_id", v.host_id);
    r.get("area", v.area);
    r.get("billing", v.billing);
    r.get("status", v.status);
    return v;
}

FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const raw_response& v)
{
    using namespace detail::json_io;
    jv = {{"status", v.status}, {"body", v.body}};
}

FINOVY_DECL raw_response tag_invoke(boost::json::value_to_tag<raw_response>, const boost::json::value& jv)
{
    using namespace detail::json_io;
    reader r(jv, "raw_response");
    raw_response v;
    r.get("status", v.status);
    r.get("body", v.body);
    return v;
}

}   // namespace finovy

#endif
