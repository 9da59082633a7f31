// SPDX-License-Identifier: BSL-1.0
#ifndef FINOVY_IMPL_JSON_IPP
#define FINOVY_IMPL_JSON_IPP

#include <finovy/json.hpp>

#include <finovy/impl/internal/json_io.hpp>

#include <boost/json/serialize.hpp>

#include <charconv>
#include <cmath>

namespace finovy {

namespace detail::json_io {

namespace json = boost::json;

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
