// SPDX-License-Identifier: BSL-1.0
// The server's clock as the client can know it: from the HTTP Date header of answers (whole
// seconds), NTP-style. An answer to a request sent at local time s and received at r, dated D,
// was made when the server's clock read [D, D + 1 s), so the offset (server - local) lies in
// [D - r, D + 1 s - s]. The intervals of successive answers intersect and narrow quickly; with
// time the result widens by a drift allowance, and an answer that contradicts it starts afresh
// (a clock was stepped). Create rounds use it to bound when their hosts can have been made
// (identify.hpp). Pure logic, templated on the clock for unit tests; callers lock.
#ifndef FINOVY_IMPL_INTERNAL_SERVER_CLOCK_HPP
#define FINOVY_IMPL_INTERNAL_SERVER_CLOCK_HPP

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>

namespace finovy::detail {

template <class Clock = std::chrono::system_clock>
class server_clock
{
public:
    using time_point = typename Clock::time_point;
    using duration = typename Clock::duration;

    // Widening with age: 100 ppm, far more than clocks drift (NTP keeps them within a few ppm).
    static constexpr double drift = 1e-4;
    // Narrower than this, a new sample is not worth the lock.
    static constexpr auto precise = std::chrono::milliseconds(5);
    // ... nor, when it is that precise, more often than this.
    static constexpr auto refresh = std::chrono::seconds(10);

    struct bounds
    {
        time_point earliest, latest;   // the server's clock read between these
    };

    // An answer to a request sent at `sent`, received at `received`, with a Date of `date`.
    void on_answer(time_point sent, time_point received, time_point date)
    {
        if (received < sent)
            return;
        const duration lo = date - received;
        const duration hi = date + std::chrono::seconds(1) - sent;
        widen(received);
        if (!known_ || lo > hi_ || hi < lo_)
        {
            lo_ = lo;   // the first sample, or a clock was stepped: start afresh
            hi_ = hi;
            known_ = true;
        }
        else
        {
            lo_ = std::max(lo_, lo);
            hi_ = std::min(hi_, hi);
        }
        sampled_ = received;
    }

    bool known() const noexcept { return known_; }

    // The server's clock when the local one reads `t`; nullopt if no answer had a Date.
    std::optional<bounds> at(time_point t) const
    {
        if (!known_)
            return std::nullopt;
        auto [lo, hi] = widened(t);
        return bounds{t + lo, t + hi};
    }

    // The width of what is known at `now`; duration::max() when nothing is.
    duration uncertainty(time_point now) const
    {
        if (!known_)
            return duration::max();
        auto [lo, hi] = widened(now);
        return hi - lo;
    }

    // Whether an answer's Date is worth reading at `now`.
    bool wants_sample(time_point now) const
    {
        return !known_ || uncertainty(now) > precise || now - sampled_ > refresh;
    }

private:
    std::pair<duration, duration> widened(time_point t) const
    {
        const auto age = t > sampled_ ? t - sampled_ : duration::zero();
        const auto slack = std::chrono::duration_cast<duration>(std::chrono::duration<double>(age) * drift);
        return {lo_ - slack, hi_ + slack};
    }

    void widen(time_point now)
    {
        if (!known_)
            return;
        std::tie(lo_, hi_) = widened(now);
        sampled_ = now;
    }

    bool known_ = false;
    duration lo_{}, hi_{};
    time_point sampled_{};
};

// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110 5.6.7), the only form a
// server may send; the obsolete forms are ignored (nullopt).
inline std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view s)
{
    if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
        s[19] != ':' || s[22] != ':' || s[25] != ' ' || s.substr(26) != "GMT")
        return std::nullopt;
    auto num = [&](std::size_t at, std::size_t n, int& out) {
        out = 0;
        for (std::size_t i = at; i < at + n; ++i)
        {
            if (s[i] < '0' || s[i] > '9')
                return false;
            out = out * 10 + (s[i] - '0');
        }
        return true;
    };
    static constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    auto m = months.find(s.substr(8, 3));
    int day = 0, year = 0, hour = 0, minute = 0, second = 0;
    if (m == std::string_view::npos || m % 3 != 0 || !num(5, 2, day) || !num(12, 4, year) || !num(17, 2, hour) ||
        !num(20, 2, minute) || !num(23, 2, second))
        return std::nullopt;
    using namespace std::chrono;
    const year_month_day ymd{std::chrono::year(year), month(static_cast<unsigned>(m / 3 + 1)),
                             std::chrono::day(static_cast<unsigned>(day))};
    if (!ymd.ok() || year < 1970 || year > 2199 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    return sys_days(ymd) + hours(hour) + minutes(minute) + seconds(std::min(second, 59));
}

}   // namespace finovy::detail

#endif
