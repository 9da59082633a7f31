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

inline std::string describe_last(const result_state<host>& st, bool seen)
{
    return seen ? "last seen " + describe_status(st.value.status) : "never seen";
}

}   // namespace wait_helpers

FINOVY_DECL boost::asio::awaitable<error_code> poll_host(client c, std::string id, wait_goal goal, wait_options o,
                                                         std::shared_ptr<result_state<host>> st)
{
    using namespace wait_helpers;
    const auto deadline = clock::now() + o.timeout;
    auto interval = o.interval;
    auto delay = o.first_delay;
    int errors = 0;
    bool seen = false;
    for (;;)
    {
        asio::steady_timer t(co_await asio::this_coro::executor, std::min(clock::now() + delay, deadline));
        co_await t.async_wait(tuple_token());
        if (co_await cancelled())
        {
            diagnostics_access::set_client_message(st->diag, "wait for host " + id + " cancelled (" +
                                                                  describe_last(*st, seen) + ")");
            co_return asio::error::operation_aborted;
        }
        call_options call;
        call.deadline = std::max<std::chrono::milliseconds>(
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()),
            std::chrono::milliseconds(500));
        diagnostics poll_diag;
        auto [ec, h] = co_await c.async_get_host(id, call_context(call, poll_diag), tuple_token());
        if (co_await cancelled())
            co_return asio::error::operation_aborted;
        if (!ec)
        {
            errors = 0;
            seen = true;
            st->value = std::move(h);
            if (o.on_observe)
                o.on_observe(st->value);
            auto state = goal.observe(st->value.status, o.fail_on, clock::now());
            if (state == goal_state::reached)
                co_return error_code{};
            if (state == goal_state::hopeless)
            {
                diagnostics_access::set_client_message(st->diag, "host " + id + " is " +
                                                                      describe_status(st->value.status) +
                                                                      ": it cannot become " + describe_status(goal.target));
                co_return client_errc::unexpected_status;
            }
        }
        else if (ec == api_errc::host_not_found || !transient_wait_error(ec) || ++errors > o.max_consecutive_errors)
        {
            st->diag = std::move(poll_diag);
            diagnostics_access::set_client_message(
                st->diag, "waiting for host " + id + ": " +
                              (st->diag.client_message().empty() ? ec.message() : std::string(st->diag.client_message())));
            co_return ec;
        }
        if (clock::now() >= deadline)
        {
            diagnostics_access::set_client_message(
                st->diag, "host " + id + " did not become " + describe_status(goal.target) + " within " +
                              std::to_string(o.timeout.count()) + " ms (" + describe_last(*st, seen) + ")");
            co_return client_errc::timeout;
        }
        delay = jittered(interval, o.jitter);
        auto grown = std::chrono::milliseconds(
            static_cast<long long>(static_cast<double>(interval.count()) * std::max(1.0, o.backoff)));
        interval = std::min(std::max(grown, interval), std::max(o.max_interval, o.interval));
    }
}

FINOVY_DECL boost::asio::awaitable<error_code> act_then_poll(client c, std::string id, then_wait act, wait_options o,
                                                             std::shared_ptr<result_state<host>> st)
{
    using namespace wait_helpers;
    wait_goal goal;
    goal.target = act == then_wait::power_off ? host_status::off : host_status::running;
    if (act != then_wait::nothing)
    {
        diagnostics d;
        error_code ec;
        if (act == then_wait::power_on)
            std::tie(ec) = co_await c.async_power_on(id, d, tuple_token());
        else if (act == then_wait::power_off)
            std::tie(ec) = co_await c.async_power_off(id, d, tuple_token());
        else
            std::tie(ec) = co_await c.async_reboot(id, d, tuple_token());
        if (ec)
        {
            st->diag = std::move(d);
            co_return ec;
        }
    }
    if (act == then_wait::reboot)
    {
        goal.must_leave_target = true;
        goal.leave_by = clock::now() + o.first_delay + 2 * o.interval;
    }
    co_return co_await poll_host(std::move(c), std::move(id), goal, std::move(o), std::move(st));
}

FINOVY_DECL void start_wait_for_status(impl_ptr impl, std::string host_id, host_status target, wait_options o,
                                       diagnostics* own, handler_for<host> h)
{
    auto ex = boost::asio::make_strand(impl->executor);
    auto* user = o.diag;
    start_composed<host>(ex, impl->executor, user, own, std::move(h),
        [&](std::shared_ptr<result_state<host>> st) {
            wait_goal goal;
            goal.target = target;
            return poll_host(client_access::view(impl), std::move(host_id), goal, std::move(o), std::move(st));
        },
        true);
}

FINOVY_DECL void start_act_and_wait(impl_ptr impl, std::string host_id, then_wait act, wait_options o,
                                    diagnostics* own, handler_for<host> h)
{
    auto ex = boost::asio::make_strand(impl->executor);
    auto* user = o.diag;
    start_composed<host>(ex, impl->executor, user, own, std::move(h),
        [&](std::shared_ptr<result_state<host>> st) {
            return act_then_poll(client_access::view(impl), std::move(host_id), act, std::move(o), std::move(st));
        },
        true);
}

}   // namespace finovy::detail

#endif
