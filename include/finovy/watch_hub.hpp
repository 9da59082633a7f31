// SPDX-License-Identifier: BSL-1.0
/// \file
/// watch_hub: waits on many hosts at once with one shared polling loop.
#ifndef FINOVY_WATCH_HUB_HPP
#define FINOVY_WATCH_HUB_HPP

#include <finovy/client.hpp>
#include <finovy/detail/composed.hpp>
#include <finovy/wait.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace finovy {

/// How a watch_hub polls.
struct hub_options
{
    std::chrono::milliseconds interval{15'000};   ///< from the start of one polling round to the next
    std::size_t max_concurrent_requests = 8;      ///< pages or reads in flight at once
};

/// Counters of a watch_hub (watch_hub::stats()).
struct hub_stats
{
    std::uint64_t rounds = 0;          ///< polling rounds made
    std::uint64_t targeted_rounds = 0; ///< rounds that fetched only the pages holding waited-for hosts
    std::uint64_t page_requests = 0;   ///< mypage calls
    std::uint64_t host_requests = 0;   ///< one/{id} calls
    std::uint64_t completed = 0;       ///< waits ended (any outcome)
    std::size_t waiting = 0;           ///< gauge: waits in progress
};

/// \cond FINOVY_INTERNAL
namespace detail {
class hub_impl;
FINOVY_DECL void start_hub_wait(std::shared_ptr<hub_impl>, std::string host_id, host_status target, then_wait act,
                                wait_options, call_context, diagnostics*, handler_for<host>);
}   // namespace detail
/// \endcond

/**
 * \brief Waits on many hosts at once with one shared polling loop.
 * \details
 * While waits are active, each round the hub either scans the account's host list
 * (`GET v1/pve/open/mypage`, 25 hosts a page, pages fetched concurrently within
 * hub_options::max_concurrent_requests) or reads the watched hosts one by one
 * (`GET v1/pve/open/one/{id}`), whichever costs fewer calls for the number of hosts watched
 * against the account's total. A round costs O(pages) calls, however many waits there are; each
 * wait completes as soon as a page or read shows its target. Watched hosts a scan missed
 * (deleted, or moved between pages by concurrent changes) are read individually.
 *
 * A round reads only what it needs: it remembers where each watched host was in the listing and,
 * when that is cheaper, fetches only the pages that hold the hosts still waited for (newest hosts
 * come first, so a fleet just created sits on the first pages).
 *
 * The hub's requests go in the rate governor's background lane (rate_limit.hpp): under
 * throttling, foreground calls (creates, power changes) go first and a round stretches instead of
 * failing; each wait's own timeout still applies.
 *
 * Waits have the semantics, handler and errors of wait.hpp, except that hub_options::interval
 * replaces wait_options::interval, backoff and jitter (first_delay, timeout, fail_on,
 * max_consecutive_errors and on_observe apply per wait), and that a wait ends at its timeout
 * without a last look. A wait's first look comes after its own first_delay, even while the hub
 * sleeps until its next round (only the hosts then due are read); from then on it is looked at
 * every round.
 *
 * \code
 * finovy::watch_hub hub(api, {.interval = 5s});   // keep it alive until the waits complete
 * for (const auto& id : ids)
 *     hub.async_power_on_and_wait(id, {}, [id](finovy::error_code ec, finovy::host) {
 *         std::cout << id << ": " << (ec ? ec.message() : "running") << '\n';
 *     });
 * \endcode
 *
 * \par Thread safety
 * The `async_*` functions and stats() may be called from any thread (on a client with
 * client_options::thread_safe); the hub's state lives on a strand of its own. Constructing and
 * destroying the hub are not thread-safe.
 * \par Object lifetimes
 * The hub keeps the client's internals alive, and its own while waits run: destroying the hub
 * completes its pending waits with `asio::error::operation_aborted`; destroying the client makes
 * them fail with client_errc::shut_down at the next round.
 */
class watch_hub
{
public:
    /// A hub polling through `c`. Nothing is sent before the first wait.
    /// \throws boost::system::system_error (client_errc::shut_down) for a moved-from client.
    FINOVY_DECL explicit watch_hub(client& c, hub_options opts = {});
    /// Completes the pending waits with `asio::error::operation_aborted`.
    FINOVY_DECL ~watch_hub();
    watch_hub(const watch_hub&) = delete;
    watch_hub& operator=(const watch_hub&) = delete;

    /// A snapshot of the hub's counters. Thread-safe.
    FINOVY_DECL hub_stats stats() const;

    /**
     * \brief Waits until host `host_id` is at `target`, through the hub's shared polling, with per-call
     * settings.
     * \details The same operation as
     * async_wait_for_status(std::string_view, host_status, wait_options, CompletionToken&&) (below):
     * its executor, per-operation cancellation, errors and thread safety are those said there.
     * \hub_awaits{host}
     * \par Handler signature
     * `void(error_code, host)`: the host as last seen, also on failure.
     * \par Per-call settings
     * `ctx`: its diagnostics, if any, are filled when the wait completes (what went wrong on failure).
     * Its call_options do not apply: the hub's polling is shared.
     * \par Object lifetimes
     * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any, must
     * outlive the operation.
     */
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_wait_for_status(std::string_view host_id, host_status target, wait_options opts, call_context ctx,
                               CompletionToken&& token = {})
    {
        return initiate(std::string(host_id), target, detail::then_wait::nothing, std::move(opts), ctx,
                        std::forward<CompletionToken>(token));
    }

    /**
     * \brief Waits until host `host_id` is at `target`, through the hub's shared polling.
     *
     * \hub_awaits{host}
     * \par Handler signature
     * `void(error_code, host)`: the host as last seen, also on failure (with the default token a
     * failure throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the host).
     * \par Per-call settings
     * None: the hub's polling, shared by its waits, uses the client's options. The overload that takes
     * a call_context collects diagnostics.
     * \par Executor
     * The handler's associated executor, or else the client's (client::get_executor()); never the
     * hub's strand.
     * \par Per-operation cancellation
     * `terminal` and `partial`: this wait completes promptly with `asio::error::operation_aborted`
     * and its host is no longer polled for it; no other wait is affected.
     * \par Errors
     * Those of finovy::async_wait_for_status(); client_errc::invalid_argument at once for a
     * malformed id; `asio::error::operation_aborted` when the hub is destroyed; should the hub's
     * polling itself fail (out of memory), every wait in progress completes with that error and
     * the next wait starts the polling again.
     * \par Thread safety
     * May be called from any thread on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `host_id` and `opts` are copied (what `on_observe` refers to must outlive the wait). The hub may
     * be destroyed while the wait runs (see above).
     */
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_wait_for_status(std::string_view host_id, host_status target, wait_options opts = {},
                               CompletionToken&& token = {})
    {
        return async_wait_for_status(host_id, target, std::move(opts), call_context{},
                                     std::forward<CompletionToken>(token));
    }

    /**
     * \brief Powers host `host_id` on (client::async_power_on()), then waits for 2 (running) through
     * the hub's shared polling, with per-call settings.
     * \details The same operation as
     * async_power_on_and_wait(std::string_view, wait_options, CompletionToken&&) (below): its executor,
     * per-operation cancellation, errors and thread safety are those said there.
     * \hub_awaits{host}
     * \par Handler signature
     * `void(error_code, host)`: the host as last seen, also on failure.
     * \par Per-call settings
     * `ctx`: its call_options apply to the power-on (the hub's polling is shared: they do not apply to
     * it); its diagnostics, if any, are filled when the operation completes (what went wrong on
     * failure).
     * \par Object lifetimes
     * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any, must
     * outlive the operation.
     */
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_power_on_and_wait(std::string_view host_id, wait_options opts, call_context ctx,
                                 CompletionToken&& token = {})
    {
        return initiate(std::string(host_id), host_status::running, detail::then_wait::power_on, std::move(opts), ctx,
                        std::forward<CompletionToken>(token));
    }

    /**
     * \brief Powers host `host_id` on (client::async_power_on()), then waits for 2 (running) through
     * the hub's shared polling.
     *
     * \hub_awaits{host}
     * \par Handler signature
     * `void(error_code, host)`: the host as last seen, also on failure (with the default token a
     * failure throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the host).
     * \par Per-call settings
     * None: the power-on uses the client's options; the hub's polling is shared and uses them too. The
     * overload that takes a call_context sets the power-on's options and collects diagnostics.
     * \par Executor
     * The handler's associated executor, or else the client's (client::get_executor()); never the
     * hub's strand.
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a
     * power-on already sent stays sent (it may still take effect: the diagnostics say so). No
     * other wait is affected.
     * \par Errors
     * Those of client::async_power_on() (the host is then not waited for), then those of
     * async_wait_for_status().
     * \par Thread safety
     * May be called from any thread on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `host_id` and `opts` are copied (what `on_observe` refers to must outlive the operation). The hub
     * may be destroyed while the operation runs (see watch_hub).
     */
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_power_on_and_wait(std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
    {
        return async_power_on_and_wait(host_id, std::move(opts), call_context{}, std::forward<CompletionToken>(token));
    }

    /**
     * \brief Powers host `host_id` off (client::async_power_off()), then waits for 0 (off) through the
     * hub's shared polling, with per-call settings.
     * \details The same operation as
     * async_power_off_and_wait(std::string_view, wait_options, CompletionToken&&) (below): its
     * executor, per-operation cancellation, errors and thread safety are those said there.
     * \hub_awaits{host}
     * \par Handler signature
     * `void(error_code, host)`: the host as last seen, also on failure.
     * \par Per-call settings
     * `ctx`: its call_options apply to the power-off (the hub's polling is shared: they do not apply to
     * it); its diagnostics, if any, are filled when the operation completes (what went wrong on
     * failure).
     * \par Object lifetimes
     * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any, must
     * outlive the operation.
     */
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_power_off_and_wait(std::string_view host_id, wait_options opts, call_context ctx,
                                  CompletionToken&& token = {})
    {
        return initiate(std::string(host_id), host_status::off, detail::then_wait::power_off, std::move(opts), ctx,
                        std::forward<CompletionToken>(token));
    }

    /**
     * \brief Powers host `host_id` off (client::async_power_off()), then waits for 0 (off) through the
     * hub's shared polling.
     *
     * \hub_awaits{host}
     * \par Handler signature
     * `void(error_code, host)`: the host as last seen, also on failure (with the default token a
     * failure throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the host).
     * \par Per-call settings
     * None: the power-off uses the client's options; the hub's polling is shared and uses them too. The
     * overload that takes a call_context sets the power-off's options and collects diagnostics.
     * \par Executor
     * The handler's associated executor, or else the client's (client::get_executor()); never the
     * hub's strand.
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a
     * power-off already sent stays sent (it may still take effect: the diagnostics say so). No
     * other wait is affected.
     * \par Errors
     * Those of client::async_power_off() (the host is then not waited for), then those of
     * async_wait_for_status().
     * \par Thread safety
     * May be called from any thread on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `host_id` and `opts` are copied (what `on_observe` refers to must outlive the operation). The hub
     * may be destroyed while the operation runs (see watch_hub).
     */
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_power_off_and_wait(std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
    {
        return async_power_off_and_wait(host_id, std::move(opts), call_context{}, std::forward<CompletionToken>(token));
    }

    /**
     * \brief Reboots host `host_id` (client::async_reboot()), then waits until it runs again through
     * the hub's shared polling, with per-call settings.
     * \details The same operation as
     * async_reboot_and_wait(std::string_view, wait_options, CompletionToken&&) (below): its executor,
     * per-operation cancellation, errors and thread safety are those said there.
     * \hub_awaits{host}
     * \par Handler signature
     * `void(error_code, host)`: the host as last seen, also on failure.
     * \par Per-call settings
     * `ctx`: its call_options apply to the reboot (the hub's polling is shared: they do not apply to
     * it); its diagnostics, if any, are filled when the operation completes (what went wrong on
     * failure).
     * \par Object lifetimes
     * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any, must
     * outlive the operation.
     */
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_reboot_and_wait(std::string_view host_id, wait_options opts, call_context ctx,
                               CompletionToken&& token = {})
    {
        return initiate(std::string(host_id), host_status::running, detail::then_wait::reboot, std::move(opts), ctx,
                        std::forward<CompletionToken>(token));
    }

    /**
     * \brief Reboots host `host_id` (client::async_reboot()), then waits until it runs again through
     * the hub's shared polling.
     * \details As finovy::async_reboot_and_wait(), with hub_options::interval for the interval: if the
     * host is never seen away from 2 within first_delay + 2 intervals, seeing it at 2 then is enough.
     *
     * \hub_awaits{host}
     * \par Handler signature
     * `void(error_code, host)`: the host as last seen, also on failure (with the default token a
     * failure throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the host).
     * \par Per-call settings
     * None: the reboot uses the client's options; the hub's polling is shared and uses them too. The
     * overload that takes a call_context sets the reboot's options and collects diagnostics.
     * \par Executor
     * The handler's associated executor, or else the client's (client::get_executor()); never the
     * hub's strand.
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a reboot
     * already sent stays sent (it may still take effect: the diagnostics say so). No other wait is
     * affected.
     * \par Errors
     * Those of client::async_reboot() (the host is then not waited for), then those of
     * async_wait_for_status().
     * \par Thread safety
     * May be called from any thread on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `host_id` and `opts` are copied (what `on_observe` refers to must outlive the operation). The hub
     * may be destroyed while the operation runs (see watch_hub).
     */
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_reboot_and_wait(std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
    {
        return async_reboot_and_wait(host_id, std::move(opts), call_context{}, std::forward<CompletionToken>(token));
    }

private:
    template <class CompletionToken>
    auto initiate(std::string id, host_status target, detail::then_wait act, wait_options opts, call_context ctx,
                  CompletionToken&& token)
    {
        return detail::initiate<host>(&detail::start_hub_wait, std::forward<CompletionToken>(token), impl_, std::move(id),
                                      target, act, std::move(opts), ctx);
    }

    std::shared_ptr<detail::hub_impl> impl_;
};

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/watch_hub.ipp>
#endif

#endif
