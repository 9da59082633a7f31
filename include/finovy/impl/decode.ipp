// SPDX-License-Identifier: BSL-1.0
#ifndef FINOVY_IMPL_DECODE_IPP
#define FINOVY_IMPL_DECODE_IPP

#include <finovy/decode.hpp>
#include <finovy/impl/internal/number.hpp>
#include <finovy/impl/internal/time_range.hpp>

#include <boost/json/value.hpp>

#include <limits>

namespace finovy {

namespace detail {

namespace json = boost::json;

// Bounds of the numbers the client computes with. Past them a value is a bad response, not an
// overflow: a time (time_range.hpp), a token's lifetime (366 days; the client adds it to
// steady_clock::now()), the size of a listing (it sizes page loops).
inline constexpr std::int64_t max_token_lifetime_ms = 366LL * 24 * 3600 * 1000;
inline constexpr std::int64_t max_total_counts = 10'000'000;

// Reads one object's fields; the first failure is kept in `why`.
class field_reader
{
public:
    field_reader(const json::object& o, std::string& why) : o_(o), why_(why) {}

    bool ok() const noexcept { return ok_; }

    const json::value* find(std::string_view key) const
    {
        auto it = o_.find(key);
        return it == o_.end() || it->value().is_null() ? nullptr : &it->value();
    }

    // Integers (number.hpp): a JSON integer, an integral double, or a string of digits. "" counts
    // as absent.
    std::optional<std::int64_t> integer(std::string_view key, bool required = false)
    {
        return read_integer_field(key, required, std::numeric_limits<std::int64_t>::min(),
                                  std::numeric_limits<std::int64_t>::max(), "integer out of range");
    }

    // An integer within [lo, hi]; outside, `what` says why.
    std::optional<std::int64_t> integer_in(std::string_view key, std::int64_t lo, std::int64_t hi,
                                           std::string_view what = "integer out of range")
    {
        return read_integer_field(key, false, lo, hi, what);
    }

    template <class Int>
    void integer_into(std::string_view key, Int& out, bool required = false)
    {
        if (auto n = read_integer_field(key, required, std::numeric_limits<Int>::min(), std::numeric_limits<Int>::max(),
                                        "integer out of range"))
            out = static_cast<Int>(*n);
    }

    template <class Int>
    void integer_into(std::string_view key, std::optional<Int>& out)
    {
        if (auto n = integer_in(key, std::numeric_limits<Int>::min(), std::numeric_limits<Int>::max()))
            out = static_cast<Int>(*n);
    }

    template <class Enum>
    void enumeration(std::string_view key, Enum& out, bool required = false)
    {
        int n = static_cast<int>(out);
        integer_into(key, n, required);
        out = static_cast<Enum>(n);
    }

    template <class Enum>
    void enumeration(std::string_view key, std::optional<Enum>& out)
    {
        if (auto n = integer_in(key, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()))
            out = static_cast<Enum>(*n);
    }

    // Decimals (number.hpp): a finite JSON number, or a string holding one ("1.10"). "" counts as
    // absent.
    std::optional<double> decimal(std::string_view key)
    {
        auto it = o_.find(key);
        auto d = it == o_.end() ? number_read<double>{} : read_decimal(it->value());
        if (d.ok())
            return d.value;
        if (d.status != number_status::absent)
            fail(key, "expected a finite number or a string holding one");
        return std::nullopt;
    }

    // Strings: a JSON string, or a number written as text.
    std::optional<std::string> text(std::string_view key, bool required = false)
    {
        const auto* v = find(key);
        if (!v)
            return missing(key, required), std::nullopt;
        if (v->is_string())
            return std::string(v->get_string());
        if (auto t = integer_text(*v))
            return t;
        fail(key, "expected a string");
        return std::nullopt;
    }

    // A required text is an id: "" names nothing the client could ask about.
    void text_into(std::string_view key, std::string& out, bool required = false)
    {
        if (auto s = text(key, required))
        {
            if (required && s->empty())
                fail(key, "empty");
            else
                out = std::move(*s);
        }
    }

    // Milliseconds since 1970. system_clock counts nanoseconds in 64 bits (until 2262): a time
    // before 1970 or after 2200 is none the API sends, and converting 1e15 ms would overflow.
    std::optional<time_point> time(std::string_view key)
    {
        auto ms = integer_in(key, 0, max_time_ms, "out of range (milliseconds from 1970 to 2200)");
        if (!ms)
            return std::nullopt;
        return time_point(std::chrono::duration_cast<time_point::duration>(std::chrono::milliseconds(*ms)));
    }

    void time_into(std::string_view key, time_point& out)
    {
        if (auto t = time(key))
            out = *t;
    }

    void time_into(std::string_view key, std::optional<time_point>& out)
    {
        if (auto t = time(key))
            out = t;
    }

    void fail(std::string_view key, std::string_view what)
    {
        if (ok_)
            why_ = std::string(key) + ": " + std::string(what);
        ok_ = false;
    }

private:
    void missing(std::string_view key, bool required)
    {
        if (required)
            fail(key, "missing");
    }

    std::optional<std::int64_t> read_integer_field(std::string_view key, bool required, std::int64_t lo,
                                                   std::int64_t hi, std::string_view what)
    {
        auto it = o_.find(key);
        auto n = it == o_.end() ? number_read<std::int64_t>{} : read_integer_in(it->value(), lo, hi);
        switch (n.status)
        {
        case number_status::ok: return n.value;
        case number_status::absent: missing(key, required); break;
        case number_status::out_of_range: fail(key, what); break;
        case number_status::bad: fail(key, "expected an integer or a string of digits"); break;
        }
        return std::nullopt;
    }

    const json::object& o_;
    std::string& why_;
    bool ok_ = true;
};

inline error_code bad(std::string& why, std::string_view where, std::string_view what)
{
    why = std::string(where) + ": " + std::string(what);
    return client_errc::bad_response;
}

inline error_code finish(bool ok, std::string& why, std::string_view where)
{
    if (ok)
        return {};
    why.insert(0, std::string(where) + ".");
    return client_errc::bad_response;
}

template <class T>
error_code decode_array(const json::value& data, std::vector<T>& out, std::string& why)
{
    out.clear();
    if (data.is_null())
        return {};   // an empty list sometimes comes as null
    if (!data.is_array())
        return bad(why, "data", "expected an array");
    const auto& arr = data.get_array();
    out.resize(arr.size());
    for (std::size_t i = 0; i < arr.size(); ++i)
        if (auto ec = decode(arr[i], out[i], why))
        {
            // "data.x: ..." of the element becomes "data[i].x: ..."
            if (why.rfind("data", 0) == 0)
                why.replace(0, 4, "data[" + std::to_string(i) + "]");
            return ec;
        }
    return {};
}

template <class T>
error_code decode_page(const json::value& data, page<T>& out, std::string& why)
{
    out.items.clear();
    out.total = 0;
    if (data.is_null())
        return {};
    if (data.is_array())   // a page without its {"data", "totalCounts"} wrapper
    {
        auto ec = decode_array(data, out.items, why);
        out.total = static_cast<std::int64_t>(out.items.size());
        return ec;
    }
    if (!data.is_object())
        return bad(why, "data", "expected an object with data and totalCounts");
    field_reader r(data.get_object(), why);
    auto total = r.integer_in("totalCounts", 0, max_total_counts, "out of range (0 to 10,000,000)");
    if (!r.ok())
        return finish(false, why, "data");
    const auto* items = r.find("data");
    if (items)
        if (auto ec = decode_array(*items, out.items, why))
        {
            why.insert(0, "data.");   // data.data[i].x
            return ec;
        }
    out.total = total ? *total : static_cast<std::int64_t>(out.items.size());
    return {};
}

}   // namespace detail

FINOVY_DECL error_code read_envelope(const boost::json::value& body, envelope& out, std::string& why)
{
    if (!body.is_object())
        return detail::bad(why, "body", "expected a JSON object");
    const auto& o = body.get_object();
    detail::field_reader r(o, why);
    auto code = r.integer("code", true);
    if (!r.ok() || !code)
        return detail::finish(false, why, "body");
    if (*code < std::numeric_limits<int>::min() || *code > std::numeric_limits<int>::max())
        return detail::bad(why, "body.code", "out of range");
    out.code = static_cast<int>(*code);
    out.msg = r.text("msg").value_or("");
    out.trace_id = r.text("traceId").value_or("");
    if (!r.ok())
        return detail::finish(false, why, "body");
    auto it = o.find("data");
    out.data = it == o.end() ? nullptr : &it->value();
    return {};
}

FINOVY_DECL error_code decode(const boost::json::value& data, image& out, std::string& why)
{
    if (!data.is_object())
        return detail::bad(why, "data", "expected an object");
    detail::field_reader r(data.get_object(), why);
    r.text_into("imageId", out.id, true);
    r.text_into("type", out.type);
    r.text_into("systemImageName", out.system_name);
    r.text_into("systemImageVersion", out.system_version);
    return detail::finish(r.ok(), why, "data");
}

FINOVY_DECL error_code decode(const boost::json::value& data, std::vector<image>& out, std::string& why)
{
    return detail::decode_array(data, out, why);
}

FINOVY_DECL error_code decode(const boost::json::value& data, host_package& out, std::string& why)
{
    if (!data.is_object())
        return detail::bad(why, "data", "expected an object");
    detail::field_reader r(data.get_object(), why);
    r.text_into("packageId", out.id, true);
    r.text_into("name", out.name);
    r.integer_into("gpuNumber", out.gpu_count);
    if (auto g = r.text("gpuName"); g && !g->empty())
        out.gpu_name = std::move(*g);
    r.integer_into("memoryNumber", out.memory_gb);
    r.integer_into("rigidDiskNumber", out.disk_gb);
    r.integer_into("cpuNumber", out.cpu_count);
    // The example says bandWidth, the table band_width.
    r.integer_into(r.find("bandWidth") ? "bandWidth" : "band_width", out.bandwidth_mbps);
    if (auto a = r.decimal("amount"))
        out.price_per_hour = *a;
    if (auto d = r.decimal("discount"))
        out.discount = *d;
    r.text_into("type", out.type);
    r.enumeration("pveMachineType", out.use);
    r.enumeration("area", out.area);
    r.enumeration("useType", out.billing);
    return detail::finish(r.ok(), why, "data");
}

FINOVY_DECL error_code decode(const boost::json::value& data, std::vector<host_package>& out, std::string& why)
{
    return detail::decode_array(data, out, why);
}

FINOVY_DECL error_code decode(const boost::json::value& data, host& out, std::string& why)
{
    if (!data.is_object())
        return detail::bad(why, "data", "expected an object");
    detail::field_reader r(data.get_object(), why);
    r.text_into("id", out.id, true);
    r.text_into("name", out.name);
    r.text_into("gpuConfiguration", out.gpu_configuration);
    r.integer_into("gpuNumber", out.gpu_count);
    r.integer_into("memory", out.memory_gb);
    r.integer_into("cpu", out.cpu_count);
    r.integer_into("rigidDisk", out.disk_gb);
    r.text_into("operatingSystem", out.operating_system);
    out.account = r.text("hostAccount");
    if (auto pw = r.text("hostPw"))
        out.password = secret(std::move(*pw));
    r.enumeration("useType", out.billing);
    r.enumeration("status", out.status, true);
    out.address = r.text("address");
    r.integer_into("port", out.port);
    out.mac = r.text("mac");
    out.ipv4 = r.text("ipv4");
    r.enumeration("pveMachineType", out.use);
    r.enumeration("area", out.area);
    r.time_into("createTime", out.created);
    r.time_into("expirationTime", out.expires);
    return detail::finish(r.ok(), why, "data");
}

FINOVY_DECL error_code decode(const boost::json::value& data, host_page& out, std::string& why)
{
    return detail::decode_page(data, out, why);
}

FINOVY_DECL error_code decode(const boost::json::value& data, disk& out, std::string& why)
{
    if (!data.is_object())
        return detail::bad(why, "data", "expected an object");
    detail::field_reader r(data.get_object(), why);
    r.text_into("id", out.id, true);
    r.text_into("uuid", out.owner);
    r.text_into("name", out.name);
    if (auto h = r.text("pveId"); h && !h->empty())
        out.host_id = std::move(*h);
    if (auto m = r.integer("isMount"))
        out.ever_mounted = *m != 0;
    r.text_into("bus", out.bus);
    r.enumeration("area", out.area);
    r.integer_into("memory", out.size_gb);
    r.enumeration("useType", out.billing);
    if (auto a = r.decimal("amount"))
        out.price_per_hour = *a;
    r.enumeration("status", out.status, true);
    r.time_into("createTime", out.created);
    return detail::finish(r.ok(), why, "data");
}

FINOVY_DECL error_code decode(const boost::json::value& data, disk_page& out, std::string& why)
{
    return detail::decode_page(data, out, why);
}

FINOVY_DECL error_code decode(const boost::json::value& data, token_info& out, std::string& why)
{
    if (!data.is_object())
        return detail::bad(why, "data", "expected an object");
    detail::field_reader r(data.get_object(), why);
    auto tok = r.text("token", true);
    auto life = r.integer_in("effectiveTime", 1, detail::max_token_lifetime_ms, "out of range (1 ms to 366 days)");
    if (!r.ok())
        return detail::finish(false, why, "data");
    if (tok->empty())
        return detail::bad(why, "data.token", "empty");
    out.token = secret(std::move(*tok));
    out.lifetime = std::chrono::milliseconds(life ? *life : 1'800'000);   // absent: the documented 30 min
    return {};
}

}   // namespace finovy

#endif
