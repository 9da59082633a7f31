// SPDX-License-Identifier: BSL-1.0
// Bounds the library keeps (issue 18): deadlines of "no limit" that saturate instead of
// overflowing (impl/internal/deadline.hpp), and the server's text kept in diagnostics
// (impl/internal/clipped_text.hpp).
#include <finovy/impl/internal/clipped_text.hpp>
#include <finovy/impl/internal/deadline.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <string>

using namespace finovy::detail;
using namespace std::chrono_literals;
using std::chrono::steady_clock;

BOOST_AUTO_TEST_SUITE(saturating_deadlines)

BOOST_AUTO_TEST_CASE(ordinary_durations_add_exactly)
{
    const auto now = steady_clock::now();
    BOOST_TEST((saturating_deadline(now, 5s) == now + 5s));
    BOOST_TEST((saturating_deadline(now, 1500ms) == now + 1500ms));
    BOOST_TEST((saturating_deadline(now, 0ms) == now));
    BOOST_TEST((saturating_deadline(now, -3ms) == now - 3ms));   // already passed
    BOOST_TEST((saturating_deadline(now, 7ns) == now + 7ns));
    BOOST_TEST((saturating_deadline(now, 2ms, 3s, 4min) == now + 2ms + 3s + 4min));
}

BOOST_AUTO_TEST_CASE(durations_of_forever_end_at_the_clocks_end)
{
    const auto now = steady_clock::now();
    // milliseconds::max() is -1 ms once converted to nanoseconds: the deadline had passed.
    BOOST_TEST((saturating_deadline(now, std::chrono::milliseconds::max()) == steady_clock::time_point::max()));
    BOOST_TEST((saturating_deadline(now, std::chrono::seconds::max()) == steady_clock::time_point::max()));
    BOOST_TEST((saturating_deadline(now, std::chrono::hours::max()) == steady_clock::time_point::max()));
    BOOST_TEST((saturating_deadline(now, std::chrono::nanoseconds::max()) == steady_clock::time_point::max()));
    BOOST_TEST((saturating_deadline(steady_clock::time_point::max(), 1ns) == steady_clock::time_point::max()));
    BOOST_TEST((saturating_deadline(now, 1ms, std::chrono::milliseconds::max(), std::chrono::milliseconds::max()) ==
                steady_clock::time_point::max()));
    BOOST_TEST((saturating_deadline(now, std::chrono::milliseconds::min()) < now));   // long passed
    BOOST_TEST((saturating_deadline(steady_clock::time_point::min() + 1s, std::chrono::milliseconds::min()) ==
                steady_clock::time_point::min()));
    // Just below the end: exact.
    const auto left = steady_clock::time_point::max() - now;
    BOOST_TEST((saturating_deadline(now, left) == steady_clock::time_point::max()));
    BOOST_TEST((saturating_deadline(now, left - 1ns) == steady_clock::time_point::max() - 1ns));
    BOOST_TEST((saturating_deadline(now, left + 1ns) == steady_clock::time_point::max()));
}

BOOST_AUTO_TEST_CASE(conversions_clamp)
{
    using ns = std::chrono::nanoseconds;
    BOOST_TEST(saturating_duration_cast<ns>(std::chrono::milliseconds::max()).count() == INT64_MAX);
    BOOST_TEST(saturating_duration_cast<ns>(std::chrono::milliseconds::min()).count() == INT64_MIN);
    BOOST_TEST(saturating_duration_cast<ns>(9'223'372'036'854ms).count() == 9'223'372'036'854'000'000);   // the last exact
    BOOST_TEST(saturating_duration_cast<ns>(9'223'372'036'855ms).count() == INT64_MAX);
    BOOST_TEST(saturating_duration_cast<std::chrono::milliseconds>(1999us).count() == 1);   // toward zero
    BOOST_TEST(saturating_duration_cast<std::chrono::milliseconds>(std::chrono::nanoseconds::max()).count() ==
               INT64_MAX / 1'000'000);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(clipped_server_text)

BOOST_AUTO_TEST_CASE(short_text_is_kept_whole)
{
    BOOST_TEST(clip_text("", 8) == "");
    BOOST_TEST(clip_text("12345678", 8) == "12345678");
    BOOST_TEST(clip_text("钱包余额不足", 18) == "钱包余额不足");   // 18 bytes
}

BOOST_AUTO_TEST_CASE(long_text_is_cut_and_says_how_long_it_was)
{
    BOOST_TEST(clip_text("123456789", 8) == "12345678... (9 bytes)");
    BOOST_TEST(clip_text(std::string(3'000'000, 'x'), 1024) == std::string(1024, 'x') + "... (3000000 bytes)");
    // Never inside a character: 钱 is 3 bytes, so 8 bytes keep two characters (6 bytes), and
    // a 4-byte character is kept whole or not at all.
    BOOST_TEST(clip_text("钱包余额不足", 8) == "钱包... (18 bytes)");
    BOOST_TEST(clip_text("钱包余额不足", 9) == "钱包余... (18 bytes)");
    BOOST_TEST(clip_text("ab😀cd", 4) == "ab... (8 bytes)");
    BOOST_TEST(clip_text("ab😀cd", 6) == "ab😀... (8 bytes)");
    BOOST_TEST(clip_text("é" + std::string(10, 'x'), 1) == "... (12 bytes)");
    // Not UTF-8 (continuation bytes only): cut where asked.
    BOOST_TEST(clip_text(std::string(10, '\x80'), 5) == std::string(5, '\x80') + "... (10 bytes)");
}

BOOST_AUTO_TEST_SUITE_END()
