// SPDX-License-Identifier: BSL-1.0
// A client's events and per-operation statistics (events.hpp, stats.hpp): what client_impl emits
// and counts at a call's start and end and after each attempt.
#ifndef FINOVY_IMPL_CLIENT_EVENTS_IPP
#define FINOVY_IMPL_CLIENT_EVENTS_IPP

#include <finovy/impl/internal/client_impl.hpp>

#include <algorithm>

namespace finovy::detail {

FINOVY_DECL void client_impl::emit(const client_event& e) const noexcept
{
    if (!opts.events)
        return;
    try
    {
        opts.events(e);
    }
    catch (...)
    {
        // A hook must not break the call.
    }
}

FINOVY_DECL error_code client_impl::finish_call(op_state& op, error_code ec) noexcept
{
    using std::chrono::microseconds;
    const auto latency = std::chrono::duration_cast<microseconds>(steady_clock::now() - op.started);
    auto& c = per_operation_[std::min(static_cast<std::size_t>(op.spec.op), operation_count - 1)];
    // The bounds in microseconds: most calls fall in the first buckets, a compare or two.
    static constexpr auto bounds_us = [] {
        std::array<std::int64_t, latency_bounds.size()> us{};
        for (std::size_t i = 0; i < us.size(); ++i)
            us[i] = static_cast<std::int64_t>(latency_bounds[i] * 1e6 + 0.5);
        return us;
    }();
    std::size_t b = 0;
    while (b < bounds_us.size() && latency.count() > bounds_us[b])
        ++b;
    c.latency[b].fetch_add(1, std::memory_order_relaxed);
    c.latency_sum_us.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count())),
                               std::memory_order_relaxed);
    if (ec)
        c.errors.fetch_add(1, std::memory_order_relaxed);
    c.calls.fetch_add(1, std::memory_order_relaxed);
    if (opts.events)
    {
        call_ended_event e;
        e.operation = operation_name(op.spec.op);
        e.tag = op.tag;
        e.error = ec;
        e.attempts = op.attempts;
        e.latency = latency;
        e.http_status = op.last_http_status;
        e.api_code = op.last_api_code;
        e.trace_id = op.last_trace_id;
        emit(e);
    }
    return ec;
}

// The attempt's events: the connection it opened, its handshake, then the attempt itself.
FINOVY_DECL void client_impl::emit_attempt_events(const op_state& op, const attempt_result& r, int attempt,
                                                  std::chrono::microseconds latency, bool will_retry) const
{
    const auto& spec = op.spec;
    const auto name = operation_name(spec.op);
    if (opts.events && r.connected)
    {
        connection_opened_event c;
        c.operation = name;
        c.tag = op.tag;
        c.host = net.connect_host();
        c.port = net.connect_port();
        c.via_proxy = net.via_proxy();
        c.latency = r.connect_time;
        emit(c);
    }
    if (opts.events && r.handshook)
    {
        tls_handshake_event h;
        h.operation = name;
        h.tag = op.tag;
        h.server_name = net.server_name();
        h.resumed = r.resumed;
        if (r.handshake_failed)
            h.error = r.ec;
        h.latency = r.handshake_time;
        emit(h);
    }
    attempt_event ev;
    ev.operation = name;
    ev.method = spec.method;
    ev.path = spec.target;
    ev.attempt = attempt;
    ev.http_status = r.http_status;
    ev.api_code = r.api_code;
    ev.trace_id = r.trace_id;
    ev.error = r.ec;
    ev.latency = latency;
    ev.reused_connection = r.reused;
    ev.will_retry = will_retry;
    ev.tag = op.tag;
    if (opts.observer)
    {
        try
        {
            opts.observer(ev);
        }
        catch (...)
        {
            // An observer must not break the call.
        }
    }
    if (opts.events)
        emit(ev);
}

}   // namespace finovy::detail

#endif
