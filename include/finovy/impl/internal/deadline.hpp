// SPDX-License-Identifier: BSL-1.0
// now() + a duration of the user's, saturated. milliseconds::max() reads as "no limit", but added
// to a time point (or merely converted to steady_clock's nanoseconds) it overflows: undefined
// behaviour, in practice a deadline 1 ms in the past. Every `now() + <user duration>` of the
// library goes through saturating_deadline(). Pure functions, unit-tested (bounds_test.cpp).
#ifndef FINOVY_IMPL_INTERNAL_DEADLINE_HPP
#define FINOVY_IMPL_INTERNAL_DEADLINE_HPP

#include <chrono>
#include <limits>
#include <ratio>
#include <type_traits>

namespace finovy::detail {

// `d` in the units of To, rounded toward zero, clamped to To's range instead of overflowing.
template <class To, class Rep, class Period>
constexpr To saturating_duration_cast(std::chrono::duration<Rep, Period> d) noexcept
{
    static_assert(std::is_integral_v<Rep> && std::is_integral_v<typename To::rep>);
    using from = std::chrono::duration<Rep, Period>;
    using factor = std::ratio_divide<Period, typename To::period>;   // To's ticks per tick of `d`
    static_assert(factor::num == 1 || factor::den == 1, "units that are not multiples of each other");
    if constexpr (factor::num == 1)   // a division: never overflows, To::rep as wide as Rep
    {
        static_assert(sizeof(typename To::rep) >= sizeof(Rep));
        return std::chrono::duration_cast<To>(d);
    }
    else
    {
        // The largest values of `d` that convert exactly (a division, which cannot overflow).
        constexpr auto hi = std::chrono::duration_cast<from>(To::max());
        constexpr auto lo = std::chrono::duration_cast<from>(To::min());
        if (d > hi)
            return To::max();
        if (d < lo)
            return To::min();
        return std::chrono::duration_cast<To>(d);
    }
}

// now + d, or the clock's last (first) time point where that would overflow: a deadline of
// milliseconds::max() never comes, and a negative `d` gives a deadline already passed.
template <class Clock, class Dur, class Rep, class Period>
constexpr std::chrono::time_point<Clock, Dur> saturating_deadline(std::chrono::time_point<Clock, Dur> now,
                                                                  std::chrono::duration<Rep, Period> d) noexcept
{
    using point = std::chrono::time_point<Clock, Dur>;
    using rep = typename Dur::rep;
    const rep step = saturating_duration_cast<Dur>(d).count();
    const rep at = now.time_since_epoch().count();
    if (step > 0 && at > std::numeric_limits<rep>::max() - step)
        return point::max();
    if (step < 0 && at < std::numeric_limits<rep>::min() - step)
        return point::min();
    return point(Dur(at + step));
}

// now + d1 + d2 + ..., each step saturated: "first_delay + 2 intervals" with an interval of
// milliseconds::max() is the end of time, not an overflow of 2 * interval.
template <class Clock, class Dur, class D1, class D2, class... Ds>
constexpr std::chrono::time_point<Clock, Dur> saturating_deadline(std::chrono::time_point<Clock, Dur> now, D1 d1,
                                                                  D2 d2, Ds... ds) noexcept
{
    return saturating_deadline(saturating_deadline(now, d1), d2, ds...);
}

}   // namespace finovy::detail

#endif
