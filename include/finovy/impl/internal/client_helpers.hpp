// SPDX-License-Identifier: BSL-1.0
// Small helpers of the client's implementation files.
#ifndef FINOVY_IMPL_INTERNAL_CLIENT_HELPERS_HPP
#define FINOVY_IMPL_INTERNAL_CLIENT_HELPERS_HPP

#include <finovy/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>
#include <string>
#include <string_view>

namespace finovy::detail {

namespace client_helpers {

namespace asio = boost::asio;

inline constexpr auto as_tuple_awaitable = asio::as_tuple(asio::use_awaitable);

// Header values must not smuggle a CR or LF into the request.
inline bool header_safe(std::string_view s)
{
    for (char c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return false;
    return true;
}

inline std::minstd_rand& jitter_rng()
{
    thread_local std::minstd_rand rng{std::random_device{}()};
    return rng;
}

inline bool is_cancelled(asio::cancellation_type t) { return t != asio::cancellation_type::none; }

}   // namespace client_helpers

}   // namespace finovy::detail

#endif
