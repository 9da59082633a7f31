// SPDX-License-Identifier: BSL-1.0
// The Prometheus text exposition format (metrics.hpp).
#ifndef FINOVY_IMPL_METRICS_IPP
#define FINOVY_IMPL_METRICS_IPP

#include <finovy/metrics.hpp>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace finovy {

namespace detail {

FINOVY_DECL std::string prometheus_label_value(std::string_view v)
{
    std::string out;
    out.reserve(v.size());
    for (char c : v)
    {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

namespace metrics_helpers {

inline bool name_char(char c, bool first, bool colon)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
           (!first && c >= '0' && c <= '9');
}

inline bool valid_name(std::string_view n, bool colon)
{
    if (n.empty())
        return false;
    for (std::size_t i = 0; i < n.size(); ++i)
        if (!name_char(n[i], i == 0, colon))
            return false;
    return true;
}

inline void append_number(std::string& out, double v)
{
    if (std::isnan(v))
        out += "NaN";
    else if (std::isinf(v))
        out += v > 0 ? "+Inf" : "-Inf";
    else
    {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
        out.append(buf, ec == std::errc{} ? end : buf);
    }
}

inline void append_number(std::string& out, std::uint64_t v) { out += std::to_string(v); }

// Writes one family at a time: HELP, TYPE, then its samples.
struct writer
{
    std::string& out;
    std::string prefix;          // "finovy_" or ""
    std::string common;          // the constant labels, rendered: a="x",b="y"

    void family(std::string_view name, std::string_view type, std::string_view help)
    {
        out += "# HELP ";
        out += prefix;
        out += name;
        out += ' ';
        out += help;   // ours: no backslash, no newline
        out += "\n# TYPE ";
        out += prefix;
        out += name;
        out += ' ';
        out += type;
        out += '\n';
    }

    // `labels`: already rendered (name="value",...), or empty.
    template <class Number>
    void sample(std::string_view name, std::string_view labels, Number v)
    {
        out += prefix;
        out += name;
        if (!labels.empty() || !common.empty())
        {
            out += '{';
            out += common;
            if (!labels.empty() && !common.empty())
                out += ',';
            out += labels;
            out += '}';
        }
        out += ' ';
        append_number(out, v);
        out += '\n';
    }

    template <class Number>
    void single(std::string_view name, std::string_view type, std::string_view help, Number v)
    {
        family(name, type, help);
        sample(name, {}, v);
    }
};

inline std::string operation_label(operation_id op)
{
    return "operation=\"" + prometheus_label_value(operation_name(op)) + "\"";
}

// The caller's labels, checked, as the samples' common part.
inline std::string common_labels(const prometheus_options& o)
{
    std::string common;
    for (const auto& [name, value] : o.labels)
    {
        static constexpr std::string_view ours[] = {"operation", "le", "state", "kind", "lane"};
        bool taken = false;
        for (auto n : ours)
            taken = taken || name == n;
        if (!valid_name(name, false) || name.rfind("__", 0) == 0 || taken)
            throw std::invalid_argument("finovy::to_prometheus: \"" + name + "\" cannot be a label name here");
        if (!common.empty())
            common += ',';
        common += name + "=\"" + prometheus_label_value(value) + "\"";
    }
    return common;
}

inline void write_calls(writer& w, const client_stats& s)
{
    w.family("calls_total", "counter", "Calls ended, per operation.");
    for (std::size_t i = 0; i < operation_count; ++i)
        w.sample("calls_total", operation_label(static_cast<operation_id>(i)), s.operations[i].calls);
    w.family("call_errors_total", "counter", "Calls ended with an error, per operation.");
    for (std::size_t i = 0; i < operation_count; ++i)
        w.sample("call_errors_total", operation_label(static_cast<operation_id>(i)), s.operations[i].errors);

    w.family("call_duration_seconds", "histogram",
             "Duration of calls, per operation: waits for a token, a send slot or a connection, and retries included.");
    for (std::size_t i = 0; i < operation_count; ++i)
    {
        const auto& op = s.operations[i];
        const auto label = operation_label(static_cast<operation_id>(i));
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < op.latency.size(); ++b)
        {
            cumulative += op.latency[b];
            std::string le = label + ",le=\"";
            if (b < latency_bounds.size())
                append_number(le, latency_bounds[b]);
            else
                le += "+Inf";
            le += '"';
            w.sample("call_duration_seconds_bucket", le, cumulative);
        }
        w.sample("call_duration_seconds_sum", label, static_cast<double>(op.latency_sum.count()) / 1e6);
        w.sample("call_duration_seconds_count", label, cumulative);
    }
}

inline void write_pacing(writer& w, const client_stats& s)
{
    w.single("throttled_total", "counter", "Answers saying the client sends too fast (220025 or HTTP 429).",
             s.throttled);
    w.single("rate_limit_requests_per_second", "gauge",
             "Requests per second the rate governor allows; 0 while the server never pushed back.", s.rate_limit);
    w.family("waiting_to_send", "gauge", "Calls waiting for a send slot of the rate governor, per lane.");
    w.sample("waiting_to_send", "lane=\"foreground\"", static_cast<std::uint64_t>(s.waiting_to_send));
    w.sample("waiting_to_send", "lane=\"background\"", static_cast<std::uint64_t>(s.waiting_to_send_background));
    w.single("retry_budget_tokens", "gauge", "Tokens left in the client's retry budget.",
             static_cast<double>(s.retry_budget));
}

inline void write_connections(writer& w, const client_stats& s)
{
    w.family("connections", "gauge", "Connections of the pool, idle or busy.");
    w.sample("connections", "state=\"idle\"", static_cast<std::uint64_t>(s.connections_idle));
    w.sample("connections", "state=\"busy\"", static_cast<std::uint64_t>(s.connections_busy));
    w.single("waiting_for_connection", "gauge", "Calls waiting for a connection of the pool.",
             static_cast<std::uint64_t>(s.waiting_for_connection));
    w.single("connections_opened_total", "counter", "TCP connections opened.", s.connections_opened);
    w.single("stale_connections_total", "counter", "Kept-alive connections found closed by the server.",
             s.stale_connections);
    w.family("tls_handshakes_total", "counter", "TLS handshakes, full or resumed (session resumption).");
    w.sample("tls_handshakes_total", "kind=\"full\"", s.handshakes_full);
    w.sample("tls_handshakes_total", "kind=\"resumed\"", s.handshakes_resumed);
}

}   // namespace metrics_helpers
}   // namespace detail

FINOVY_DECL std::string to_prometheus(const client_stats& s, const prometheus_options& o)
{
    using namespace detail::metrics_helpers;
    if (!o.prefix.empty() && !valid_name(o.prefix, true))
        throw std::invalid_argument("finovy::to_prometheus: the prefix \"" + o.prefix + "\" is not a metric name");
    std::string out;
    out.reserve(16 * 1024);
    writer w{out, o.prefix.empty() ? std::string() : o.prefix + "_", common_labels(o)};
    w.single("requests_total", "counter", "HTTP requests sent to the API, first tries and retries.", s.attempts);
    w.single("retries_total", "counter", "Requests sent again after a failed attempt.", s.retries);
    w.single("retries_denied_total", "counter", "Retries the client's retry budget did not pay for.",
             s.retries_denied);
    write_calls(w, s);
    write_pacing(w, s);
    write_connections(w, s);
    w.single("token_fetches_total", "counter", "Tokens fetched: getToken calls or credential provider calls.",
             s.token_fetches);
    return out;
}

}   // namespace finovy

#endif
