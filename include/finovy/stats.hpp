// SPDX-License-Identifier: BSL-1.0
/// \file
/// A client's counters and per-operation latency histograms (client::stats()), and the names of the
/// operations they are kept for. metrics.hpp renders them for Prometheus.
#ifndef FINOVY_STATS_HPP
#define FINOVY_STATS_HPP

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace finovy {

/// The operations of client.hpp, as events and statistics name them: the client's `async_*`
/// function without its prefix (get_host: client::async_get_host()).
enum class operation_id : std::uint8_t
{
    get_token,
    list_images,
    list_packages,
    create_pay_as_you_go_host,
    create_fixed_period_host,
    power_on,
    power_off,
    reboot,
    get_host,
    list_hosts,
    delete_host,
    create_disk,
    mount_disk,
    list_disks,
    get_disk,
    unmount_disk,
    destroy_disk,
    get_disk_usage,
    request,
};

/// The number of operation_id values.
inline constexpr std::size_t operation_count = 19;

/// "get_host": the name of the client's `async_*` function without its prefix; "unknown" for a
/// value outside operation_id.
constexpr std::string_view operation_name(operation_id op) noexcept
{
    constexpr std::array<std::string_view, operation_count> names{
        "get_token",  "list_images", "list_packages", "create_pay_as_you_go_host", "create_fixed_period_host",
        "power_on",   "power_off",   "reboot",        "get_host",                  "list_hosts",
        "delete_host", "create_disk", "mount_disk",   "list_disks",                "get_disk",
        "unmount_disk", "destroy_disk", "get_disk_usage", "request"};
    const auto i = static_cast<std::size_t>(op);
    return i < names.size() ? names[i] : std::string_view("unknown");
}

/// Upper bounds of the latency histograms' buckets, in seconds: Prometheus' defaults. One more
/// bucket counts what was slower than the last bound.
inline constexpr std::array<double, 11> latency_bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

/// The calls of one operation that ended, with or without success.
struct operation_stats
{
    std::uint64_t calls = 0;    ///< calls ended
    std::uint64_t errors = 0;   ///< ... that failed (cancelled ones and invalid arguments included)
    /// latency[i]: calls that took more than latency_bounds[i-1] and at most latency_bounds[i] (from
    /// the call's start to its end: waits for a token, a send slot or a connection, and retries
    /// included); the last element, those slower than every bound. Not cumulative.
    std::array<std::uint64_t, latency_bounds.size() + 1> latency{};
    std::chrono::microseconds latency_sum{0};   ///< the latencies' sum
};

/// \brief Counters of a client (client::stats()), for tests, benchmarks and metrics.
/// \details Totals since the client was created, and gauges (what is so at the snapshot).
struct client_stats
{
    std::uint64_t calls = 0;                 ///< operations started
    std::uint64_t attempts = 0;              ///< requests written, first tries and retries
    std::uint64_t retries = 0;               ///< attempts after the first, throttled ones included
    std::uint64_t connections_opened = 0;    ///< TCP connections established
    std::uint64_t handshakes_full = 0;       ///< TLS handshakes without resumption
    std::uint64_t handshakes_resumed = 0;    ///< TLS session resumptions
    std::uint64_t stale_connections = 0;     ///< kept-alive connections found closed by the server
    std::uint64_t token_fetches = 0;         ///< tokens the client set out to get (getToken, or the credential provider)
    std::size_t connections_idle = 0;        ///< gauge: connections in the pool, unused
    std::size_t connections_busy = 0;        ///< gauge: connections in use
    std::size_t waiting_for_connection = 0;  ///< gauge: calls waiting for a connection

    // The rate governor (rate_limit.hpp).
    double rate_limit = 0;                   ///< gauge: requests per second in force; 0: unlimited
    std::uint64_t throttled = 0;             ///< answers 220025 or HTTP 429
    std::size_t waiting_to_send = 0;         ///< gauge: foreground calls waiting for a send slot
    std::size_t waiting_to_send_background = 0;   ///< gauge: background calls (polling) waiting for a send slot
    // The retry budget.
    int retry_budget = 0;                    ///< gauge: tokens left in the retry budget
    std::uint64_t retries_denied = 0;        ///< retries the budget did not pay for

    /// Per operation, indexed by operation_id: every call that ended, the client's own getToken
    /// calls included (counted under get_token).
    std::array<operation_stats, operation_count> operations{};

    /// The statistics of operation `op`: a reference into these statistics, or a copy when they
    /// are a temporary (so `const auto& s = api.stats().of(op);` cannot dangle).
    const operation_stats& of(operation_id op) const& noexcept { return operations[static_cast<std::size_t>(op)]; }
    /// The same, by value: the statistics are a temporary.
    operation_stats of(operation_id op) const&& noexcept { return operations[static_cast<std::size_t>(op)]; }
};

}   // namespace finovy

#endif
