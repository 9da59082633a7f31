// SPDX-License-Identifier: BSL-1.0
// A clock the unit tests set by hand, for the state machines and the pool templated on theirs.
// Each test file instantiates its own (a tag of its own: `using mock_clock = basic_mock_clock<struct
// my_tag>;`), so that one file's time never leaks into another's; `Start`: its first reading, in
// ticks of `Duration` (time_point{} is a value some code reads as "unset").
#ifndef FINOVY_TEST_UNIT_MOCK_CLOCK_HPP
#define FINOVY_TEST_UNIT_MOCK_CLOCK_HPP

#include <chrono>

namespace finovy::test {

template <class Tag, class Duration = std::chrono::milliseconds, typename Duration::rep Start = 0>
struct basic_mock_clock
{
    using duration = Duration;
    using rep = duration::rep;
    using period = duration::period;
    using time_point = std::chrono::time_point<basic_mock_clock>;
    static constexpr bool is_steady = true;
    static inline time_point current{duration(Start)};
    static time_point now() { return current; }
    static void advance(duration d) { current += d; }
};

}   // namespace finovy::test

#endif
