// SPDX-License-Identifier: BSL-1.0
// The simulator's rate limit: a sliding one-second window (the default) or a token bucket, per
// tenant account. Pure logic with the caller's clock, so that it can be tested exactly.
#ifndef FINOVY_SIM_LIMITS_HPP
#define FINOVY_SIM_LIMITS_HPP

#include <finovy/sim/options.hpp>

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

namespace finovy::sim::detail {

using clock = std::chrono::steady_clock;

// The state of one account's limit. Both algorithms keep their state, so that switching between
// them at run time starts neither from scratch nor from the other's numbers.
struct rate_window
{
    // Sliding window: the admission times still inside the window, oldest first. Each admitted
    // request is pushed once and popped once: O(1) amortized, at most about rps entries.
    std::deque<clock::time_point> admitted;
    // Token bucket.
    double bucket = 0;
    clock::time_point bucket_at{};
};

// Takes one request through the limit of `f` (rate_limit_rps > 0). nullopt: admitted;
// otherwise refused, with how long until a request would be admitted.
std::optional<clock::duration> admit(rate_window& w, const fault_options& f, clock::time_point now);

// Retry-After for a wait: whole seconds, rounded up, at least 1.
unsigned retry_after_seconds(clock::duration wait);

// The names /__sim/faults, /__sim/stats and the command line use.
inline const char* name(rate_limiter r) { return r == rate_limiter::token_bucket ? "bucket" : "sliding"; }
inline const char* name(rate_limit_answer m) { return m == rate_limit_answer::http_429 ? "http" : "code"; }

// What /__sim/stats reports per account: requests subject to the limit.
struct rate_limit_counts
{
    std::uint64_t admitted = 0;
    std::uint64_t throttled = 0;
};

}   // namespace finovy::sim::detail

#endif
