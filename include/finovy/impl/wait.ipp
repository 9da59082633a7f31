// SPDX-License-Identifier: BSL-1.0
// Waiting for a host's or a disk's status (wait.hpp).
#ifndef FINOVY_IMPL_WAIT_IPP
#define FINOVY_IMPL_WAIT_IPP

#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/impl/internal/wait_goal.hpp>
#include <finovy/wait.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace finovy::detail {

namespace wait_helpers {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;
inline auto tuple_token() { return asio::as_tuple(asio::use_awaitable); }

// What differs between waiting for a host and waiting for a disk.
struct host_polling
{
    using object = host;
    using options = wait_options;
    using goal = wait_goal;
    static constexpr const char* noun = "host";
    static auto fetch(client& c, const std::string& id, call_context ctx)
    {
        return c.async_get_host(id, ctx, tuple_token());
    }
    static error_code not_found() { return api_errc::host_not_found; }
    static std::chrono::milliseconds not_found_grace(const options& o) { return o.not_found_grace; }
    static goal_state observe(goal& g, const host& h, const options& o) { return g.observe(h.status, o.fail_on, clock::now()); }
    static std::string describe(const host& h) { return describe_status(h.status); }
    static std::string describe(const goal& g) { return describe_status(g.target); }
};

struct disk_polling
{
    using object = disk;
    using options = disk_wait_options;
    using goal = disk_goal;
    static constexpr const char* noun = "disk";
    static auto fetch(client& c, const std::string& id, call_context ctx)
    {
        return c.async_get_disk(id, ctx, tuple_token());
    }
    static error_code not_found() { return api_errc::disk_not_found; }
    static std::chrono::milliseconds not_found_grace(const options&) { return {}; }
    static goal_state observe(goal& g, const disk& d, const options& o) { return g.observe(d.status, o.fail_on); }
    static std::string describe(const disk& d) { return describe_status(d.status); }
    static std::string describe(const goal& g) { return g.gone ? std::string("gone") : describe_status(g.target); }
};

}   // namespace wait_helpers

inline bool goal_is_gone(const wait_goal&) noexcept { return false; }
inline bool goal_is_gone(const disk_goal& g) noexcept { return g.gone; }

// Polls one object until `goal`. `last` receives the last observation; `diag` says why it failed.
// Not top-level: it checks the cancellation state after each step, never resets it.
template <class P>
boost::asio::awaitable<error_code> poll(client& c, std::string id, typename P::goal goal, typename P::options o,
                                        call_options call, diagnostics& diag, typename P::object& last, int& polls)
{
    using namespace wait_helpers;
    const auto started = clock::now();
    const auto deadline = saturating_deadline(started, o.timeout);
    auto interval = o.interval;
    auto delay = o.first_delay;
    int errors = 0;
    bool seen = false;
    auto where = [&] { return seen ? "last seen " + P::describe(last) : std::string("never seen"); };
    for (;;)
    {
        asio::steady_timer t(co_await asio::this_coro::executor, std::min(saturating_deadline(clock::now(), delay), deadline));
        co_await t.async_wait(tuple_token());
        if (co_await cancelled())
        {
            diagnostics_access::set_client_message(diag, std::string("wait for ") + P::noun + " " + id +
                                                             " cancelled (" + where() + ")");
            co_return asio::error::operation_aborted;
        }
        auto request = polling_call(call);
        if (!request.deadline)
            request.deadline = std::max<std::chrono::milliseconds>(
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()),
                std::chrono::milliseconds(500));
        diagnostics poll_diag;
        ++polls;
        auto [ec, seen_now] = co_await P::fetch(c, id, call_context(request, poll_diag));
        if (co_await cancelled())
            co_return asio::error::operation_aborted;
        if (!ec)
        {
            errors = 0;
            seen = true;
            last = std::move(seen_now);
            if (auto oec = observe_safely(o.on_observe, last, diag))
                co_return oec;
            auto state = P::observe(goal, last, o);
            if (state == goal_state::reached)
                co_return error_code{};
            if (state == goal_state::hopeless)
            {
                diagnostics_access::set_client_message(diag, std::string(P::noun) + " " + id + " is " +
                                                                 P::describe(last) + ": it cannot become " +
                                                                 P::describe(goal));
                co_return client_errc::unexpected_status;
            }
        }
        else if (ec == P::not_found() && goal_is_gone(goal))
            co_return error_code{};
        else if (ec == P::not_found() && clock::now() < saturating_deadline(started, P::not_found_grace(o)))
            ;   // a new host may not be readable at once
        else if (ec == P::not_found() || !transient_wait_error(ec, poll_diag.http_status()) ||
                 ++errors > o.max_consecutive_errors)
        {
            diag = std::move(poll_diag);
            diagnostics_access::set_client_message(
                diag, std::string("waiting for ") + P::noun + " " + id + ": " +
                          (diag.client_message().empty() ? ec.message() : std::string(diag.client_message())));
            co_return ec;
        }
        if (clock::now() >= deadline)
        {
            diagnostics_access::set_client_message(
                diag, std::string(P::noun) + " " + id + " did not become " + P::describe(goal) + " within " +
                          std::to_string(o.timeout.count()) + " ms (" + where() + ")");
            co_return client_errc::timeout;
        }
        delay = jittered(interval, o.jitter);
        auto grown = std::chrono::milliseconds(
            static_cast<long long>(static_cast<double>(interval.count()) * std::max(1.0, o.backoff)));
        interval = std::min(std::max(grown, interval), std::max(o.max_interval, o.interval));
    }
}

FINOVY_DECL boost::asio::awaitable<error_code> act_then_poll(client c, std::string id, then_wait act,
                                                             host_status target, wait_options o, call_options call,
                                                             std::shared_ptr<result_state<host>> st)
{
    using namespace wait_helpers;
    wait_goal goal;
    goal.target = target;
    if (act != then_wait::nothing)
    {
        diagnostics d;
        error_code ec;
        call_options change = call;
        change.background = false;   // a change goes first, whoever asks
        if (act == then_wait::power_on)
            std::tie(ec) = co_await c.async_power_on(id, call_context(change, d), tuple_token());
        else if (act == then_wait::power_off)
            std::tie(ec) = co_await c.async_power_off(id, call_context(change, d), tuple_token());
        else
            std::tie(ec) = co_await c.async_reboot(id, call_context(change, d), tuple_token());
        if (ec)
        {
            st->diag = std::move(d);
            co_return ec;
        }
        if (co_await cancelled())   // a cancellation that came while the change was on its way
        {
            diagnostics_access::set_client_message(st->diag, "cancelled after the change was accepted");
            co_return boost::asio::error::operation_aborted;
        }
    }
    if (act == then_wait::reboot)
    {
        goal.must_leave_target = true;
        goal.leave_by = saturating_deadline(clock::now(), o.first_delay, o.interval, o.interval);
    }
    const auto started = clock::now();
    int polls = 0;
    auto ec = co_await poll<host_polling>(c, id, goal, std::move(o), call, st->diag, st->value, polls);
    report_wait(c, wait_name(act), call, id, ec, polls, st->value.id.empty() ? -1 : static_cast<int>(st->value.status),
                started);
    co_return ec;
}

FINOVY_DECL void start_act_and_wait(impl_ptr impl, std::string host_id, then_wait act, host_status target,
                                    wait_options o, call_context ctx, diagnostics* own, handler_for<host> h)
{
    auto ex = boost::asio::make_strand(impl->executor);
    auto home = impl->executor;
    start_composed<host>(
        ex, std::move(home), ctx.diag, own, std::move(h),
        [&](std::shared_ptr<result_state<host>> st) {
            auto call = owned_options(ctx.options, *st);
            return act_then_poll(client_access::view(impl), std::move(host_id), act, target, std::move(o), call,
                                 std::move(st));
        },
        true);
}

namespace wait_helpers {
inline boost::asio::awaitable<error_code> disk_wait(client c, std::string id, disk_goal goal, disk_wait_options o,
                                                    call_options call, std::shared_ptr<result_state<disk>> st)
{
    const auto started = clock::now();
    int polls = 0;
    auto ec = co_await poll<disk_polling>(c, id, goal, std::move(o), call, st->diag, st->value, polls);
    report_wait(c, "wait_for_disk_status", call, id, ec, polls,
                st->value.id.empty() ? -1 : static_cast<int>(st->value.status), started);
    co_return ec;
}

inline boost::asio::awaitable<error_code> disk_gone_wait(client c, std::string id, disk_wait_options o,
                                                         call_options call, std::shared_ptr<result_state<void>> st)
{
    disk last;
    disk_goal goal;
    goal.gone = true;
    const auto started = clock::now();
    int polls = 0;
    auto ec = co_await poll<disk_polling>(c, id, goal, std::move(o), call, st->diag, last, polls);
    report_wait(c, "wait_for_disk_gone", call, id, ec, polls, last.id.empty() ? -1 : static_cast<int>(last.status),
                started);
    co_return ec;
}
}   // namespace wait_helpers

FINOVY_DECL void start_disk_wait(impl_ptr impl, std::string disk_id, disk_status target, disk_wait_options o,
                                 call_context ctx, diagnostics* own, handler_for<disk> h)
{
    auto ex = boost::asio::make_strand(impl->executor);
    auto home = impl->executor;
    disk_goal goal;
    goal.target = target;
    start_composed<disk>(
        ex, std::move(home), ctx.diag, own, std::move(h),
        [&](std::shared_ptr<result_state<disk>> st) {
            auto call = owned_options(ctx.options, *st);
            return wait_helpers::disk_wait(client_access::view(impl), std::move(disk_id), goal, std::move(o), call,
                                           std::move(st));
        },
        true);
}

FINOVY_DECL void start_disk_gone_wait(impl_ptr impl, std::string disk_id, disk_wait_options o, call_context ctx,
                                      diagnostics* own, handler_for<void> h)
{
    auto ex = boost::asio::make_strand(impl->executor);
    auto home = impl->executor;
    start_composed<void>(ex, std::move(home), ctx.diag, own, std::move(h),
                         [&](std::shared_ptr<result_state<void>> st) {
                             auto call = owned_options(ctx.options, *st);
                             return wait_helpers::disk_gone_wait(client_access::view(impl), std::move(disk_id),
                                                                 std::move(o), call, std::move(st));
                         });
}

}   // namespace finovy::detail

#endif
