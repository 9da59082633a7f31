// SPDX-License-Identifier: BSL-1.0
// The kinds of failure of the client's one retry table (see retry.hpp), for API codes and HTTP
// statuses. Dependency-free: error.ipp derives is_retryable_api_code() from it.
#ifndef FINOVY_IMPL_INTERNAL_FAILURE_KIND_HPP
#define FINOVY_IMPL_INTERNAL_FAILURE_KIND_HPP

namespace finovy::detail {

enum class failure_kind
{
    none,
    throttled,
    refused,
    ambiguous,
    not_delivered,
    unauthorized,
    permanent,
};

// The kind of an API code (the envelope's code != 0).
constexpr failure_kind api_code_kind(int code) noexcept
{
    switch (code)
    {
    case 220025: return failure_kind::throttled;
    case 6005:
    case 7003: return failure_kind::refused;
    case 1005:
    case 500:
    case 503: return failure_kind::ambiguous;
    case 401: return failure_kind::unauthorized;
    default: return failure_kind::permanent;
    }
}

// The kind of an HTTP error status that came without an API envelope.
constexpr failure_kind http_status_kind(unsigned status) noexcept
{
    if (status == 429)
        return failure_kind::throttled;
    if (status == 401)
        return failure_kind::unauthorized;
    if (status >= 500 && status <= 599)
        return failure_kind::ambiguous;   // 500, 502, 503, 504: handled or not, nobody says
    return failure_kind::permanent;
}

}   // namespace finovy::detail

#endif
