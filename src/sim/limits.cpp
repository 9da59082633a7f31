// SPDX-License-Identifier: BSL-1.0
// The simulator's rate limit per tenant account, and what /__sim/stats says about it.
#include "limits.hpp"

#include "world.hpp"

#include <algorithm>
#include <cmath>

namespace finovy::sim::detail {

namespace {

using seconds = std::chrono::duration<double>;

// A wait as a clock duration, at most a year: a tiny rate_limit_rps (1e-300) makes waits whose
// conversion to the clock's integer nanoseconds would be undefined.
clock::duration wait_of(double s)
{
    return std::chrono::ceil<clock::duration>(seconds(std::min(s, 365 * 86400.0)));
}

}   // namespace

std::optional<clock::duration> admit(rate_window& w, const fault_options& f, clock::time_point now)
{
    const double rps = f.rate_limit_rps;
    if (f.rate_limit_algorithm == rate_limiter::token_bucket)
    {
        double burst = std::max(1.0, rps);
        if (w.bucket_at == clock::time_point{})
            w.bucket = burst;
        else if (now > w.bucket_at)
            w.bucket = std::min(burst, w.bucket + seconds(now - w.bucket_at).count() * rps);
        w.bucket_at = std::max(now, w.bucket_at);
        if (w.bucket >= 1)
        {
            w.bucket -= 1;
            return std::nullopt;
        }
        return wait_of((1 - w.bucket) / rps);
    }

    // n requests in any window of n / rps seconds: one second whenever rps is a whole number.
    // (The cap only keeps the conversion defined; no test sends 10^9 requests a second.)
    const double n = std::clamp(std::floor(rps), 1.0, 1e9);
    const auto window = wait_of(n / rps);
    const auto limit = static_cast<std::size_t>(n);
    while (!w.admitted.empty() && w.admitted.front() <= now - window)
        w.admitted.pop_front();
    if (w.admitted.size() < limit)
    {
        w.admitted.push_back(now);
        return std::nullopt;
    }
    // Admitted again once all but limit - 1 of the recorded admissions have left the window
    // (more than limit are recorded only after rate_limit_rps was lowered at run time).
    return w.admitted[w.admitted.size() - limit] + window - now;
}

unsigned retry_after_seconds(clock::duration wait)
{
    auto s = std::chrono::ceil<std::chrono::seconds>(wait).count();
    return static_cast<unsigned>(std::clamp<decltype(s)>(s, 1, 86400));
}

std::optional<clock::duration> world::rate_limited(tenant_state& t, clock::time_point now)
{
    auto wait = admit(t.limit, faults, now);
    auto& c = limit_counts_[t.cfg.uuid];
    ++(wait ? c.throttled : c.admitted);
    return wait;
}

json::object world::rate_limit_stats() const
{
    json::object by_tenant;
    for (const auto& t : tenants_)
        by_tenant[t->cfg.uuid] = json::object{{"admitted", std::uint64_t{0}}, {"throttled", std::uint64_t{0}}};
    std::uint64_t admitted = 0, throttled = 0;
    for (const auto& [uuid, c] : limit_counts_)
    {
        by_tenant[uuid] = json::object{{"admitted", c.admitted}, {"throttled", c.throttled}};
        admitted += c.admitted;
        throttled += c.throttled;
    }
    return {
        {"rps", faults.rate_limit_rps},
        {"algorithm", name(faults.rate_limit_algorithm)},
        {"mode", name(faults.rate_limit_mode)},
        {"admitted", admitted},
        {"throttled", throttled},
        {"by_tenant", std::move(by_tenant)},
    };
}

}   // namespace finovy::sim::detail
