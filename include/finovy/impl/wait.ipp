// SPDX-License-Identifier: BSL-1.0
// Waiting for a host's or a disk's status (wait.hpp): one wait drives a wait_fsm by itself.
#ifndef FINOVY_IMPL_WAIT_IPP
#define FINOVY_IMPL_WAIT_IPP

#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/impl/internal/wait_driver.hpp>
#include <finovy/wait.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/assert.hpp>

namespace finovy::detail {

namespace wait_helpers {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;
inline auto tuple_token() { return asio::as_tuple(asio::use_awaitable); }

// What differs between waiting for a host and waiting for a disk.
struct host_polling
{
    using object = host;
    using fsm = host_wait_fsm;
    static constexpr const char* noun = "host";
    static auto fetch(client& c, const std::string& id, call_context ctx)
    {
        return c.async_get_host(id, ctx, tuple_token());
    }
};

struct disk_polling
{
    using object = disk;
    using fsm = disk_wait_fsm;
    static constexpr const char* noun = "disk";
    static auto fetch(client& c, const std::string& id, call_context ctx)
    {
        return c.async_get_disk(id, ctx, tuple_token());
    }
};

inline wait_settings disk_wait_settings(const disk_wait_options& o)
{
    wait_settings s;
    s.first_delay = o.first_delay;
    s.interval = o.interval;
    s.max_interval = o.max_interval;
    s.backoff = o.backoff;
    s.jitter = o.jitter;
    s.timeout = o.timeout;
    s.max_consecutive_errors = o.max_consecutive_errors;
    return s;
}

// One read, its answer fed to `m`. `last` receives the object; `read_diag`, the read's diagnostics.
template <class P, class Options>
asio::awaitable<typename P::fsm::action> read_once(client& c, const std::string& id, typename P::fsm& m,
                                                   const Options& o, const call_options& call, diagnostics& diag,
                                                   typename P::object& last, diagnostics& read_diag)
{
    auto request = polling_call(call);
    if (!request.deadline)   // what remains of the wait, at least 500 ms
        request.deadline = std::max<std::chrono::milliseconds>(
            std::chrono::duration_cast<std::chrono::milliseconds>(m.deadline() - clock::now()),
            std::chrono::milliseconds(500));
    read_diag = diagnostics{};
    auto [ec, seen] = co_await P::fetch(c, id, call_context(request, read_diag));
    if (co_await cancelled())
        co_return m.on_cancelled();
    if (ec)
        co_return m.on_error(ec, read_diag.http_status(), clock::now(), jitter_draw());
    last = std::move(seen);
    if (auto oec = observe_safely(o.on_observe, last, diag))
        co_return m.on_stopped(oec);
    co_return m.on_status(last.status, clock::now(), jitter_draw());
}

}   // namespace wait_helpers

// Polls one object as `m` says. `last` receives the last observation; `diag` says why it failed.
// Not top-level: it checks the cancellation state after each step, never resets it.
template <class P, class Options>
boost::asio::awaitable<error_code> poll(client& c, const std::string& id, typename P::fsm& m, const Options& o,
                                        const call_options& call, diagnostics& diag, typename P::object& last)
{
    using namespace wait_helpers;
    diagnostics read_diag;
    asio::steady_timer t(co_await asio::this_coro::executor);
    auto a = m.start(clock::now());
    while (a.step == wait_step::read || a.step == wait_step::sleep)
    {
        if (a.step == wait_step::read)
        {
            a = co_await read_once<P>(c, id, m, o, call, diag, last, read_diag);
            continue;
        }
        t.expires_at(a.until);
        co_await t.async_wait(tuple_token());
        // Not in one expression: GCC 12 got `a = co_await cancelled() ? ... : ...` wrong (the wait spun).
        const bool stop = co_await cancelled();
        if (stop)
            a = m.on_cancelled();
        else
            a = m.on_timer(clock::now());
    }
    BOOST_ASSERT(a.step == wait_step::done);   // one driver, waiting for what it was told
    describe_end(diag, P::noun, id, a, m, &read_diag);
    co_return a.ec;
}

FINOVY_DECL const char* wait_name(then_wait act) noexcept
{
    switch (act)
    {
    case then_wait::power_on: return "power_on_and_wait";
    case then_wait::power_off: return "power_off_and_wait";
    case then_wait::reboot: return "reboot_and_wait";
    default: return "wait_for_status";
    }
}

FINOVY_DECL wait_settings host_wait_settings(const wait_options& o, std::optional<std::chrono::milliseconds> hub_interval)
{
    wait_settings s;
    s.first_delay = o.first_delay;
    s.interval = o.interval;
    s.max_interval = o.max_interval;
    s.backoff = o.backoff;
    s.jitter = o.jitter;
    s.timeout = o.timeout;
    s.not_found_grace = o.not_found_grace;
    s.max_consecutive_errors = o.max_consecutive_errors;
    if (hub_interval)   // the hub's rounds pace every wait; it ends a wait at its deadline
    {
        s.interval = s.max_interval = *hub_interval;
        s.backoff = 1.0;
        s.jitter = 0.0;
        s.final_look = false;
    }
    return s;
}

FINOVY_DECL host_target host_wait_target(host_status target, then_wait act, const wait_options& o)
{
    host_target t;
    t.target = target;
    t.fail_on = o.fail_on;
    t.leave_first = act == then_wait::reboot;
    return t;
}

FINOVY_DECL boost::asio::awaitable<error_code> change_host(client& c, const std::string& id, then_wait act,
                                                           call_options call, result_state<host>& st)
{
    using wait_helpers::tuple_token;
    if (act == then_wait::nothing)
        co_return error_code{};
    diagnostics d;
    error_code ec;
    call.background = false;   // a change goes first, whoever asks
    if (act == then_wait::power_on)
        std::tie(ec) = co_await c.async_power_on(id, call_context(call, d), tuple_token());
    else if (act == then_wait::power_off)
        std::tie(ec) = co_await c.async_power_off(id, call_context(call, d), tuple_token());
    else
        std::tie(ec) = co_await c.async_reboot(id, call_context(call, d), tuple_token());
    if (ec)
    {
        st.diag = std::move(d);
        co_return ec;
    }
    if (co_await cancelled())   // a cancellation that came while the change was on its way
    {
        diagnostics_access::set_client_message(st.diag, "cancelled after the change was accepted");
        co_return boost::asio::error::operation_aborted;
    }
    co_return error_code{};
}

FINOVY_DECL boost::asio::awaitable<error_code> act_then_poll(client c, std::string id, then_wait act,
                                                             host_status target, wait_options o, call_options call,
                                                             std::shared_ptr<result_state<host>> st)
{
    auto changed = co_await change_host(c, id, act, call, *st);
    if (changed)
        co_return changed;
    const auto started = std::chrono::steady_clock::now();
    host_wait_fsm m(host_wait_target(target, act, o), host_wait_settings(o));
    auto ec = co_await poll<wait_helpers::host_polling>(c, id, m, o, call, st->diag, st->value);
    report_wait(c, wait_name(act), call, id, ec, m.reads(),
                st->value.id.empty() ? -1 : static_cast<int>(st->value.status), started);
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
inline boost::asio::awaitable<error_code> disk_wait(client c, std::string id, disk_target goal, disk_wait_options o,
                                                    call_options call, std::shared_ptr<result_state<disk>> st)
{
    const auto started = clock::now();
    goal.fail_on = o.fail_on;
    disk_wait_fsm m(std::move(goal), disk_wait_settings(o));
    auto ec = co_await poll<disk_polling>(c, id, m, o, call, st->diag, st->value);
    report_wait(c, "wait_for_disk_status", call, id, ec, m.reads(),
                st->value.id.empty() ? -1 : static_cast<int>(st->value.status), started);
    co_return ec;
}

inline boost::asio::awaitable<error_code> disk_gone_wait(client c, std::string id, disk_wait_options o,
                                                         call_options call, std::shared_ptr<result_state<void>> st)
{
    disk last;
    disk_target goal;
    goal.gone = true;
    goal.fail_on = o.fail_on;
    const auto started = clock::now();
    disk_wait_fsm m(std::move(goal), disk_wait_settings(o));
    auto ec = co_await poll<disk_polling>(c, id, m, o, call, st->diag, last);
    report_wait(c, "wait_for_disk_gone", call, id, ec, m.reads(), last.id.empty() ? -1 : static_cast<int>(last.status),
                started);
    co_return ec;
}
}   // namespace wait_helpers

FINOVY_DECL void start_disk_wait(impl_ptr impl, std::string disk_id, disk_status target, disk_wait_options o,
                                 call_context ctx, diagnostics* own, handler_for<disk> h)
{
    auto ex = boost::asio::make_strand(impl->executor);
    auto home = impl->executor;
    disk_target goal;
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
