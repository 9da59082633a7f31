// SPDX-License-Identifier: BSL-1.0
/// \file
/// A client's counters and latency histograms in the Prometheus text exposition format (0.0.4),
/// so that a service can serve them at /metrics:
///
/// \code
/// std::string body = finovy::to_prometheus(api.stats());
/// // Content-Type: text/plain; version=0.0.4; charset=utf-8
/// \endcode
///
/// Families (with the default prefix "finovy"):
/// \code{.unparsed}
/// finovy_requests_total                          counter    requests sent (attempts)
/// finovy_retries_total, finovy_retries_denied_total   counter
/// finovy_calls_total{operation}                  counter    calls ended, per operation of client.hpp
/// finovy_call_errors_total{operation}            counter    ... that failed
/// finovy_call_duration_seconds{operation}        histogram  _bucket{le}, _sum, _count
/// finovy_throttled_total                         counter    answers 220025 or HTTP 429
/// finovy_rate_limit_requests_per_second          gauge      the rate governor's rate (0: unlimited)
/// finovy_waiting_to_send{lane}                   gauge      calls waiting for a send slot
/// finovy_retry_budget_tokens                     gauge
/// finovy_connections{state}                      gauge      idle, busy
/// finovy_waiting_for_connection                  gauge
/// finovy_connections_opened_total, finovy_stale_connections_total   counter
/// finovy_tls_handshakes_total{kind}              counter    full, resumed
/// finovy_token_fetches_total                     counter
/// \endcode
///
/// Every operation of client.hpp appears, with zeros until it is used, so that rates and alerts
/// need no special case. The output holds no token, secret or password: only counts.
#ifndef FINOVY_METRICS_HPP
#define FINOVY_METRICS_HPP

#include <finovy/config.hpp>
#include <finovy/stats.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace finovy {

/// How to_prometheus() names and labels the samples.
struct prometheus_options
{
    /// Prepended to every family name, with '_': `[a-zA-Z_:][a-zA-Z0-9_:]*`, or empty for none.
    std::string prefix = "finovy";
    /// Labels added to every sample, e.g. `{{"client", "billing"}}`, to tell several clients apart
    /// (render each, then join: the HELP and TYPE lines must then be kept once per family, so
    /// prefer one prefix per client). Names `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with "__", and
    /// none of the labels the families use (operation, le, state, kind, lane). Values any UTF-8.
    std::vector<std::pair<std::string, std::string>> labels;
};

/// \brief `s` in the text exposition format, named and labelled as `o` says.
/// \throws std::invalid_argument for a prefix or a label name that Prometheus would refuse.
FINOVY_DECL std::string to_prometheus(const client_stats& s, const prometheus_options& o);

/// \brief `s` in the text exposition format, each family name prefixed with `prefix` and '_'.
/// \throws std::invalid_argument for a prefix that Prometheus would refuse.
inline std::string to_prometheus(const client_stats& s, std::string_view prefix = "finovy")
{
    prometheus_options o;
    o.prefix = std::string(prefix);
    return to_prometheus(s, o);
}

namespace detail {
// A label value as the text format wants it: \ " and newline escaped.
FINOVY_DECL std::string prometheus_label_value(std::string_view v);
}   // namespace detail

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/metrics.ipp>
#endif

#endif
