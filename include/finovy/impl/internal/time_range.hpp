// SPDX-License-Identifier: BSL-1.0
// The times the library reads, from the API's answers and from its own JSON: system_clock counts
// nanoseconds in 64 bits (1677 to 2262), so a time outside these bounds is refused as bad input
// instead of overflowing the conversion.
#ifndef FINOVY_IMPL_INTERNAL_TIME_RANGE_HPP
#define FINOVY_IMPL_INTERNAL_TIME_RANGE_HPP

#include <finovy/models.hpp>

#include <chrono>
#include <cstdint>

namespace finovy::detail {

inline constexpr std::int64_t min_time_ms = -2'208'988'800'000;   // 1900-01-01T00:00:00Z
inline constexpr std::int64_t max_time_ms = 7'258'118'400'000;    // 2200-01-01T00:00:00Z
inline constexpr int min_time_year = 1900;
inline constexpr int max_time_year = 2199;
static_assert(std::chrono::duration_cast<std::chrono::milliseconds>(time_point::duration::max()).count() > max_time_ms);
static_assert(std::chrono::duration_cast<std::chrono::milliseconds>(time_point::duration::min()).count() < min_time_ms);

}   // namespace finovy::detail

#endif
