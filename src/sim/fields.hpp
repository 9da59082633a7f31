// SPDX-License-Identifier: BSL-1.0
// Tolerant readers of request parameters: the API's clients send numbers as strings and
// strings as numbers, so the simulator accepts both, as the real service appears to.
#ifndef FINOVY_SIM_FIELDS_HPP
#define FINOVY_SIM_FIELDS_HPP

#include <finovy/impl/internal/number.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace finovy::sim::detail {

enum class fstate
{
    missing,
    bad,
    ok
};

template <class T>
struct field
{
    fstate state = fstate::missing;
    T value{};
    bool ok() const { return state == fstate::ok; }
};

// Numbers are read as the SDK reads the API's (finovy/impl/internal/number.hpp).
inline std::optional<std::int64_t> parse_int(std::string_view s)
{
    auto n = finovy::detail::parse_integer(s);
    return n.ok() ? std::optional<std::int64_t>(n.value) : std::nullopt;
}

inline field<std::string> str_field(const boost::json::object& o, std::string_view key)
{
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null())
        return {};
    const auto& v = it->value();
    if (v.is_string())
        return {fstate::ok, std::string(v.get_string())};
    if (auto text = finovy::detail::integer_text(v))
        return {fstate::ok, std::move(*text)};
    return {fstate::bad, {}};
}

inline field<std::int64_t> int_field(const boost::json::object& o, std::string_view key)
{
    auto it = o.find(key);
    if (it == o.end())
        return {};
    auto n = finovy::detail::read_integer(it->value());
    if (n.status == finovy::detail::number_status::absent)   // null, ""
        return {};
    return n.ok() ? field<std::int64_t>{fstate::ok, n.value} : field<std::int64_t>{fstate::bad, {}};
}

// The items [first, last) of page `page` (from 1) of `size` (>= 1) among `total`: empty past the
// last page. The page number comes from the request: it is compared before it is multiplied.
struct page_slice
{
    std::int64_t first = 0, last = 0;
};

inline page_slice slice_of_page(std::int64_t page, std::int64_t size, std::int64_t total)
{
    if (page < 1 || size < 1 || page - 1 >= (total + size - 1) / size)
        return {total, total};
    std::int64_t first = (page - 1) * size;
    return {first, first + std::min(size, total - first)};
}

// The value of `key` in a query string "a=1&b=2" (no percent-decoding: ids are alphanumeric).
inline std::optional<std::string_view> query_param(std::string_view query, std::string_view key)
{
    while (!query.empty())
    {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        auto eq = pair.find('=');
        if (pair.substr(0, eq) == key)
            return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        if (amp == std::string_view::npos)
            break;
        query.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

}   // namespace finovy::sim::detail

#endif
