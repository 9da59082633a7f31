// SPDX-License-Identifier: BSL-1.0
/// \file
/// The models as JSON: Boost.JSON conversions (value_from / value_to) in the SDK's own shape,
/// and a printer that never writes a number in exponent form.
///
/// \code
/// boost::json::value v = boost::json::value_from(h);        // a finovy::host, password left out
/// finovy::host back = boost::json::value_to<finovy::host>(v);
/// std::string text = finovy::to_json_text(v);                // 1.1, never 1.1E0
/// \endcode
///
/// The shape (stable; a field may be added, none renamed or removed):
/// - Names are snake_case and follow the structs' members, one key per member, always present:
///   an unset std::optional is null.
/// - Enumerations are their to_string() names ("running", "pay_as_you_go"); a value the SDK does
///   not know (host_status{7}) is written as its number, so that it survives a round trip.
///   host and disk also carry "status_code", the status as a number.
/// - Times are ISO-8601 UTC with milliseconds ("2026-11-23T13:12:09.123Z"), and the same instant
///   in milliseconds since 1970 next to it ("created" and "created_ms"). Durations are
///   milliseconds ("lifetime_ms"). Times keep the API's precision, the millisecond: a finer part
///   is dropped when written.
/// - Secrets (a host's password, a token) are left out: the key is absent, so that nothing
///   that reads the JSON can take "***" for a password. to_json(v, {.reveal_secrets = true})
///   writes them ("password": "..." or null). Boost 1.81 has no contextual conversions
///   (value_from(t, ctx) came with 1.82), hence this function rather than a context.
///
/// The members, by model:
/// \code{.unparsed}
///     image           id, type, system_name, system_version
///     host_package    id, name, gpu_count, gpu_name, cpu_count, memory_gb, disk_gb, bandwidth_mbps,
///                     price_per_hour, discount, effective_price_per_hour (written, ignored when read),
///                     type, use, area, billing
///     host            id, name, status, status_code, billing, gpu_configuration, gpu_count, cpu_count,
///                     memory_gb, disk_gb, operating_system, account, [password], address, port, mac,
///                     ipv4, use, area, created, created_ms, expires, expires_ms
///     disk            id, owner, name, host_id, ever_mounted, bus, area, size_gb, billing,
///                     price_per_hour, status, status_code, created, created_ms
///     page<T>         items, total, page, page_size
///     token_info      [token], lifetime_ms
///     rental_period   unit, count
///     disk_create_request   area, size_gb, count, mount_on
///     disk_list_request     page, page_size, host_id, area, billing, status
///     raw_response    status, body
/// \endcode
///
/// Reading (value_to): a missing key or null leaves the member at its default (so older or
/// hand-written documents are accepted); enumerations are read from their names, numbers or
/// strings of digits; a time from its ISO-8601 string (any UTC offset, up to nanoseconds), or
/// from the *_ms key when the string is absent; a status from "status", else "status_code".
/// A value of the wrong kind throws std::invalid_argument naming the member. A round trip
/// value_to<T>(value_from(v)) gives v back, secrets excepted (they come back empty unless
/// written with reveal_secrets).
///
/// Thread safety: all functions are reentrant.
#ifndef FINOVY_JSON_HPP
#define FINOVY_JSON_HPP

#include <finovy/config.hpp>
#include <finovy/enums.hpp>
#include <finovy/models.hpp>

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/json/value_to.hpp>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace finovy {

/// Options of to_json().
struct json_options
{
    bool reveal_secrets = false;   ///< write host passwords and tokens
};

/// \brief Text of a JSON value, compact like `boost::json::serialize`, but every double in plain
/// decimal notation, the shortest that reads back to the same double.
/// \details 1.1, 12.5, 0.0000001, 1e21 as "1000000000000000000000.0". A double keeps a fraction
/// (10.0) so that it parses back as a double. JSON has no infinities or NaN: they are written as null.
FINOVY_DECL std::string to_json_text(const boost::json::value& v);

// --- conversions (found by boost::json::value_from / value_to through argument-dependent lookup)

/// \brief Boost.JSON conversions of the enumerations: the name, or the number of a value the SDK
/// does not know. Use `boost::json::value_from` and `value_to`.
///@{
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, host_status);
FINOVY_DECL host_status tag_invoke(boost::json::value_to_tag<host_status>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, billing_kind);
FINOVY_DECL billing_kind tag_invoke(boost::json::value_to_tag<billing_kind>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, package_billing);
FINOVY_DECL package_billing tag_invoke(boost::json::value_to_tag<package_billing>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, area);
FINOVY_DECL area tag_invoke(boost::json::value_to_tag<area>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, machine_use);
FINOVY_DECL machine_use tag_invoke(boost::json::value_to_tag<machine_use>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, period_unit);
FINOVY_DECL period_unit tag_invoke(boost::json::value_to_tag<period_unit>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, disk_status);
FINOVY_DECL disk_status tag_invoke(boost::json::value_to_tag<disk_status>, const boost::json::value&);
///@}

/// \brief Boost.JSON conversions of the models, in the shape described above (secrets left out).
/// Use `boost::json::value_from` and `value_to`; reading throws std::invalid_argument naming the
/// member of the wrong kind.
///@{
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, const image&);
FINOVY_DECL image tag_invoke(boost::json::value_to_tag<image>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, const host_package&);
FINOVY_DECL host_package tag_invoke(boost::json::value_to_tag<host_package>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, const host&);   // without the password
FINOVY_DECL host tag_invoke(boost::json::value_to_tag<host>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, const disk&);
FINOVY_DECL disk tag_invoke(boost::json::value_to_tag<disk>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, const token_info&);   // without the token
FINOVY_DECL token_info tag_invoke(boost::json::value_to_tag<token_info>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, const rental_period&);
FINOVY_DECL rental_period tag_invoke(boost::json::value_to_tag<rental_period>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, const disk_create_request&);
FINOVY_DECL disk_create_request tag_invoke(boost::json::value_to_tag<disk_create_request>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, const disk_list_request&);
FINOVY_DECL disk_list_request tag_invoke(boost::json::value_to_tag<disk_list_request>, const boost::json::value&);
FINOVY_DECL void tag_invoke(boost::json::value_from_tag, boost::json::value&, const raw_response&);
FINOVY_DECL raw_response tag_invoke(boost::json::value_to_tag<raw_response>, const boost::json::value&);
///@}

/// \cond FINOVY_INTERNAL
namespace detail {
FINOVY_DECL void host_to_json(boost::json::value& jv, const host& v, bool reveal);
FINOVY_DECL void token_to_json(boost::json::value& jv, const token_info& v, bool reveal);
// The page's members other than items; reads them back.
FINOVY_DECL boost::json::object page_header(std::int64_t total, int number, int size);
FINOVY_DECL const boost::json::array* read_page_header(const boost::json::value&, std::int64_t& total,
                                                       int& number, int& size);

template <class T>
struct is_page : std::false_type
{
};
template <class T>
struct is_page<page<T>> : std::true_type
{
};
template <class T>
struct is_vector : std::false_type
{
};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type
{
};
template <class T>
struct is_optional : std::false_type
{
};
template <class T>
struct is_optional<std::optional<T>> : std::true_type
{
};
}   // namespace detail
/// \endcond

/// \brief Like `boost::json::value_from(v)`, with options: `to_json(h, {.reveal_secrets = true})`
/// writes the password. Also for `std::vector`, `std::optional` and page<T> of the models.
template <class T>
boost::json::value to_json(const T& v, const json_options& o = {})
{
    boost::json::value jv;
    if constexpr (std::is_same_v<T, host>)
        detail::host_to_json(jv, v, o.reveal_secrets);
    else if constexpr (std::is_same_v<T, token_info>)
        detail::token_to_json(jv, v, o.reveal_secrets);
    else if constexpr (detail::is_page<T>::value)
    {
        auto obj = detail::page_header(v.total, v.number, v.size);
        obj["items"] = to_json(v.items, o);
        jv = std::move(obj);
    }
    else if constexpr (detail::is_vector<T>::value)
    {
        auto& arr = jv.emplace_array();
        arr.reserve(v.size());
        for (const auto& x : v)
            arr.push_back(to_json(x, o));
    }
    else if constexpr (detail::is_optional<T>::value)
    {
        if (v)
            jv = to_json(*v, o);
    }
    else
        boost::json::value_from(v, jv);
    return jv;
}

/// Boost.JSON conversion of a page: `{"items": [...], "total": N, "page": N, "page_size": N}`.
template <class T>
void tag_invoke(boost::json::value_from_tag, boost::json::value& jv, const page<T>& p)
{
    jv = to_json(p);
}

/// Boost.JSON conversion to a page (see the page's value_from conversion).
template <class T>
page<T> tag_invoke(boost::json::value_to_tag<page<T>>, const boost::json::value& jv)
{
    page<T> p;
    if (const auto* items = detail::read_page_header(jv, p.total, p.number, p.size))
    {
        p.items.reserve(items->size());
        for (const auto& x : *items)
            p.items.push_back(boost::json::value_to<T>(x));
    }
    return p;
}

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/json.ipp>
#endif

#endif
