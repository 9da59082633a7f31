// SPDX-License-Identifier: BSL-1.0
// What finovy-bench and the naive baseline share: latency records, resource usage and the
// one-line report.
#ifndef FINOVY_BENCH_COMMON_HPP
#define FINOVY_BENCH_COMMON_HPP

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace bench {

using clock = std::chrono::steady_clock;

// Latencies in microseconds, one slot per request, written without locks.
class latencies
{
public:
    explicit latencies(std::size_t n) : us_(n, 0) {}
    void record(std::size_t i, clock::duration d)
    {
        if (i < us_.size())
            us_[i] = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
    }
    // The p-th percentile (0..100) of the first n records.
    std::uint32_t percentile(double p, std::size_t n)
    {
        if (n == 0)
            return 0;
        std::vector<std::uint32_t> v(us_.begin(), us_.begin() + static_cast<std::ptrdiff_t>(std::min(n, us_.size())));
        auto k = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1));
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
        return v[k];
    }

private:
    std::vector<std::uint32_t> us_;
};

struct usage
{
    double cpu_s;
    long max_rss_kb;
};

inline usage resources()
{
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    auto secs = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return {secs(ru.ru_utime) + secs(ru.ru_stime), ru.ru_maxrss};
}

// requests=N seconds=S rps=R errors=E p50_us=.. p99_us=.. cpu_s=.. max_rss_kb=.. handshakes=.. [extra]
inline void report(std::size_t requests, double seconds, std::size_t errors, latencies& lat, double cpu_s,
                   long max_rss_kb, std::uint64_t handshakes, const std::string& extra = {})
{
    std::printf("requests=%zu seconds=%.3f rps=%.0f errors=%zu p50_us=%u p99_us=%u cpu_s=%.3f max_rss_kb=%ld "
                "handshakes=%llu%s%s\n",
                requests, seconds, seconds > 0 ? static_cast<double>(requests) / seconds : 0.0, errors,
                lat.percentile(50, requests), lat.percentile(99, requests), cpu_s, max_rss_kb,
                static_cast<unsigned long long>(handshakes), extra.empty() ? "" : " ", extra.c_str());
    std::fflush(stdout);
}

}   // namespace bench

#endif
