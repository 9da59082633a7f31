// SPDX-License-Identifier: BSL-1.0
/// \file
/// Waiting for a host's or a disk's status.
///
/// The API has no notifications: after power on (0 -> 1 -> 2), power off (2 -> 4 -> 0) or reboot
/// (2 -> 1 -> 2), and after mounting (0 -> 1 -> 2), unmounting (2 -> 0) or destroying a disk
/// (0 -> 4 -> gone), the status must be polled (the vendor suggests every 15 s). These functions
/// poll one object with `GET v1/pve/open/one/{id}` or `GET v1/PveMachineHardDisk/open/info/{id}`;
/// to wait on many hosts at once, use a watch_hub (watch_hub.hpp), which shares the polling among
/// all of them.
///
/// What every wait has in common:
/// - It sleeps wait_options::first_delay, then looks every `interval` (growing by `backoff` up to
///   `max_interval`, each +- `jitter`), until the target, a failure or `timeout`.
/// - On failure the handler still gets the object as last seen (not value-initialized, unlike
///   other operations), so that a timeout tells where it was stuck; a value-initialized one if it
///   was never seen.
/// - Polls go in the rate governor's background lane (rate_limit.hpp): under throttling they yield
///   to foreground calls and the wait stretches (its timeout still applies). A power change made by
///   the wait goes in the foreground.
/// - Failed polls that may pass (throttling, 5xx, transport errors, timeouts: the client's retry
///   table) are tolerated up to wait_options::max_consecutive_errors in a row; others end the wait
///   at once.
/// - A host seen at 3 (billing: running while its wallet is below zero) counts as running.
/// - Per-call settings (call_context): its call_options apply to each request the wait makes
///   (unset, each poll's deadline is what remains of the wait, at least 500 ms); its diagnostics
///   are filled on failure.
#ifndef FINOVY_WAIT_HPP
#define FINOVY_WAIT_HPP

#include <finovy/client.hpp>
#include <finovy/detail/composed.hpp>

#include <chrono>
#include <functional>
#include <vector>

namespace finovy {

/// How a wait for a host polls, and when it gives up.
struct wait_options
{
    std::chrono::milliseconds first_delay{2'000};     ///< before the first look: the change takes time
    std::chrono::milliseconds interval{15'000};       ///< between looks, at first (a watch_hub uses its own)
    std::chrono::milliseconds max_interval{15'000};   ///< ... growing by `backoff` up to this
    double backoff = 1.0;                             ///< interval multiplier after each look
    double jitter = 0.1;                              ///< +- this fraction of each interval, at random
    std::chrono::milliseconds timeout{600'000};       ///< the whole wait, then client_errc::timeout
    std::vector<host_status> fail_on;                 ///< statuses that end the wait at once (5, expired, always does)
    int max_consecutive_errors = 5;                   ///< failed polls that may pass, tolerated in a row
    /// "Host not found" (1021) is tolerated this long from the start of the wait, like a failed
    /// poll that may pass: a host just created may not be readable at once. 0: it ends the wait.
    std::chrono::milliseconds not_found_grace{0};
    /// Called with every observation of the host (for progress displays), on the wait's strand
    /// (standalone waits) or the hub's strand; it must not block. An exception it throws ends
    /// that wait with client_errc::bad_response (nothing else).
    std::function<void(const host&)> on_observe;
};

/// How a wait for a disk polls, and when it gives up (the members mean what wait_options' do).
struct disk_wait_options
{
    std::chrono::milliseconds first_delay{500};       ///< before the first look
    std::chrono::milliseconds interval{2'000};        ///< between looks, at first
    std::chrono::milliseconds max_interval{15'000};   ///< ... growing by `backoff` up to this
    double backoff = 1.5;                             ///< interval multiplier after each look
    double jitter = 0.1;                              ///< +- this fraction of each interval, at random
    // Doxygen 1.9.4 reads the digit separators of these numbers as quotes and pairs them across
    // lines: the apostrophe in the comment below keeps their count even, else the doc comments
    // after this struct lose their aliases (\awaits, \retry_table).
    std::chrono::milliseconds timeout{600'000};       ///< the whole wait's limit, then client_errc::timeout
    std::vector<disk_status> fail_on;                 ///< statuses that end the wait at once
    int max_consecutive_errors = 5;                   ///< failed polls that may pass, tolerated in a row
    std::function<void(const disk&)> on_observe;      ///< called with every observation (see wait_options::on_observe)
};

/// \cond FINOVY_INTERNAL
namespace detail {
enum class then_wait
{
    nothing,
    power_on,
    power_off,
    reboot,
};
FINOVY_DECL void start_act_and_wait(impl_ptr, std::string host_id, then_wait act, host_status target, wait_options,
                                    call_context, diagnostics*, handler_for<host>);
FINOVY_DECL void start_disk_wait(impl_ptr, std::string disk_id, disk_status target, disk_wait_options, call_context,
                                 diagnostics*, handler_for<disk>);
FINOVY_DECL void start_disk_gone_wait(impl_ptr, std::string disk_id, disk_wait_options, call_context, diagnostics*,
                                      handler_for<void>);

}   // namespace detail
/// \endcond

/**
 * \brief Polls until host `host_id` is at `target`, with per-call settings.
 * \details The same operation as
 * async_wait_for_status(client&, std::string_view, host_status, wait_options, CompletionToken&&)
 * (below): its executor, per-operation cancellation, errors and thread safety are those
 * said there.
 * \awaits{host}
 * \par Handler signature
 * `void(error_code, host)`: the host as last seen, also on failure (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the host).
 * \par Per-call settings
 * `ctx`: its call_options apply to each request the wait makes (unset, each poll's deadline is what
 * remains of the wait, at least 500 ms); its diagnostics, if any, are filled when the wait
 * completes (what went wrong on failure).
 * \par Object lifetimes
 * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
 * must outlive the wait.
 */
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_wait_for_status(client& c, std::string_view host_id, host_status target, wait_options opts,
                           call_context ctx, CompletionToken&& token = {})
{
    return detail::initiate_composed<host>(c, &detail::start_act_and_wait, token, std::string(host_id),
                                           detail::then_wait::nothing, target, std::move(opts), ctx);
}

/**
 * \brief Polls until host `host_id` is at `target`.
 *
 * \awaits{host}
 * \par Handler signature
 * `void(error_code, host)`: the host as last seen, also on failure (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the host).
 * \par Per-call settings
 * None: each request of the wait uses the client's options, with a deadline of what remains of
 * the wait (at least 500 ms). The overload that takes a call_context sets them, and collects
 * diagnostics.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`: the wait completes promptly with `asio::error::operation_aborted`.
 * \par Errors
 * - client_errc::timeout: wait_options::timeout passed; the diagnostics name the last status;
 * - client_errc::unexpected_status: the host reached a status from which `target` cannot be
 *   reached (5, expired, unless that is the target; or one of wait_options::fail_on);
 * - api_errc::host_not_found: the host does not exist, or was deleted while waited for;
 * - client_errc::bad_response: wait_options::on_observe threw;
 * - the last polling error, after wait_options::max_consecutive_errors failed polls in a row, or at
 *   once for errors that cannot pass (unauthorized, an invalid id, the client closed): the polls
 *   are reads, retried as \retry_table says before they count as failed.
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe.
 * \par Object lifetimes
 * `host_id` and `opts` are copied (what `on_observe` refers to must outlive the wait). The wait
 * keeps the client's internals alive: destroying the client is safe, the wait then fails with
 * client_errc::shut_down at its next poll.
 */
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_wait_for_status(client& c, std::string_view host_id, host_status target, wait_options opts = {},
                           CompletionToken&& token = {})
{
    return async_wait_for_status(c, host_id, target, std::move(opts), call_context{},
                                 std::forward<CompletionToken>(token));
}

/**
 * \brief Powers host `host_id` on (client::async_power_on()) and waits for 2 (running), with
 * per-call settings.
 * \details The same operation as
 * async_power_on_and_wait(client&, std::string_view, wait_options, CompletionToken&&)
 * (below): its executor, per-operation cancellation, errors and thread safety are those
 * said there.
 * \awaits{host}
 * \par Handler signature
 * `void(error_code, host)`: the host as last seen, also on failure (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the host).
 * \par Per-call settings
 * `ctx`: its call_options apply to each request the wait makes, the power-on included (unset, each
 * poll's deadline is what remains of the wait, at least 500 ms); its diagnostics, if any, are
 * filled when the wait completes (what went wrong on failure).
 * \par Object lifetimes
 * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
 * must outlive the operation.
 */
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_power_on_and_wait(client& c, std::string_view host_id, wait_options opts, call_context ctx,
                             CompletionToken&& token = {})
{
    return detail::initiate_composed<host>(c, &detail::start_act_and_wait, token, std::string(host_id),
                                           detail::then_wait::power_on, host_status::running, std::move(opts), ctx);
}

/**
 * \brief Powers host `host_id` on (client::async_power_on()) and waits for 2 (running).
 *
 * \awaits{host}
 * \par Handler signature
 * `void(error_code, host)`: the host as last seen, also on failure (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the host).
 * \par Per-call settings
 * None: each request of the wait uses the client's options, with a deadline of what remains of
 * the wait (at least 500 ms). The overload that takes a call_context sets them, and collects
 * diagnostics.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`. A power-on
 * already sent stays sent (it may still take effect: the diagnostics say so).
 * \par Errors
 * Those of client::async_power_on() (the host is then not waited for), then those of
 * async_wait_for_status().
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe.
 * \par Object lifetimes
 * `host_id` and `opts` are copied (what `on_observe` refers to must outlive the operation). The
 * operation keeps the client's internals alive, as async_wait_for_status() does.
 */
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_power_on_and_wait(client& c, std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
{
    return async_power_on_and_wait(c, host_id, std::move(opts), call_context{}, std::forward<CompletionToken>(token));
}

/**
 * \brief Powers host `host_id` off (client::async_power_off()) and waits for 0 (off), with per-call
 * settings.
 * \details The same operation as
 * async_power_off_and_wait(client&, std::string_view, wait_options, CompletionToken&&)
 * (below): its executor, per-operation cancellation, errors and thread safety are those
 * said there.
 * \awaits{host}
 * \par Handler signature
 * `void(error_code, host)`: the host as last seen, also on failure (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the host).
 * \par Per-call settings
 * `ctx`: its call_options apply to each request the wait makes, the power-off included (unset, each
 * poll's deadline is what remains of the wait, at least 500 ms); its diagnostics, if any, are
 * filled when the wait completes (what went wrong on failure).
 * \par Object lifetimes
 * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
 * must outlive the operation.
 */
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_power_off_and_wait(client& c, std::string_view host_id, wait_options opts, call_context ctx,
                              CompletionToken&& token = {})
{
    return detail::initiate_composed<host>(c, &detail::start_act_and_wait, token, std::string(host_id),
                                           detail::then_wait::power_off, host_status::off, std::move(opts), ctx);
}

/**
 * \brief Powers host `host_id` off (client::async_power_off()) and waits for 0 (off).
 *
 * \awaits{host}
 * \par Handler signature
 * `void(error_code, host)`: the host as last seen, also on failure (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the host).
 * \par Per-call settings
 * None: each request of the wait uses the client's options, with a deadline of what remains of
 * the wait (at least 500 ms). The overload that takes a call_context sets them, and collects
 * diagnostics.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`. A power-off
 * already sent stays sent (it may still take effect: the diagnostics say so).
 * \par Errors
 * Those of client::async_power_off() (the host is then not waited for), then those of
 * async_wait_for_status().
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe.
 * \par Object lifetimes
 * `host_id` and `opts` are copied (what `on_observe` refers to must outlive the operation). The
 * operation keeps the client's internals alive, as async_wait_for_status() does.
 */
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_power_off_and_wait(client& c, std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
{
    return async_power_off_and_wait(c, host_id, std::move(opts), call_context{}, std::forward<CompletionToken>(token));
}

/**
 * \brief Reboots host `host_id` (client::async_reboot()) and waits until it runs again, with
 * per-call settings.
 * \details The same operation as
 * async_reboot_and_wait(client&, std::string_view, wait_options, CompletionToken&&)
 * (below): its executor, per-operation cancellation, errors and thread safety are those
 * said there.
 * \awaits{host}
 * \par Handler signature
 * `void(error_code, host)`: the host as last seen, also on failure (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the host).
 * \par Per-call settings
 * `ctx`: its call_options apply to each request the wait makes, the reboot included (unset, each
 * poll's deadline is what remains of the wait, at least 500 ms); its diagnostics, if any, are
 * filled when the wait completes (what went wrong on failure).
 * \par Object lifetimes
 * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
 * must outlive the operation.
 */
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_reboot_and_wait(client& c, std::string_view host_id, wait_options opts, call_context ctx,
                           CompletionToken&& token = {})
{
    return detail::initiate_composed<host>(c, &detail::start_act_and_wait, token, std::string(host_id),
                                           detail::then_wait::reboot, host_status::running, std::move(opts), ctx);
}

/**
 * \brief Reboots host `host_id` (client::async_reboot()) and waits until it runs again.
 * \details The host goes 2 -> 1 -> 2; "runs again" means it was seen away from 2 and then back at 2.
 * If it is never seen away from 2 within first_delay + 2 intervals (the reboot was quicker than
 * the polling), seeing it at 2 then is enough.
 *
 * \awaits{host}
 * \par Handler signature
 * `void(error_code, host)`: the host as last seen, also on failure (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the host).
 * \par Per-call settings
 * None: each request of the wait uses the client's options, with a deadline of what remains of
 * the wait (at least 500 ms). The overload that takes a call_context sets them, and collects
 * diagnostics.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`. A reboot
 * already sent stays sent (it may still take effect: the diagnostics say so).
 * \par Errors
 * Those of client::async_reboot() (the host is then not waited for), then those of
 * async_wait_for_status().
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe.
 * \par Object lifetimes
 * `host_id` and `opts` are copied (what `on_observe` refers to must outlive the operation). The
 * operation keeps the client's internals alive, as async_wait_for_status() does.
 */
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_reboot_and_wait(client& c, std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
{
    return async_reboot_and_wait(c, host_id, std::move(opts), call_context{}, std::forward<CompletionToken>(token));
}

/**
 * \brief Polls until disk `disk_id` is at `target`: disk_status::in_use after a mount,
 * disk_status::waiting after an unmount, with per-call settings.
 * \details The same operation as
 * async_wait_for_disk_status(client&, std::string_view, disk_status, disk_wait_options, CompletionToken&&)
 * (below): its executor, per-operation cancellation, errors and thread safety are those
 * said there.
 * \awaits{disk}
 * \par Handler signature
 * `void(error_code, disk)`: the disk as last seen, also on failure (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the disk).
 * \par Per-call settings
 * `ctx`: its call_options apply to each request the wait makes (unset, each poll's deadline is what
 * remains of the wait, at least 500 ms); its diagnostics, if any, are filled when the wait
 * completes (what went wrong on failure).
 * \par Object lifetimes
 * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
 * must outlive the wait.
 */
template <FINOVY_TOKEN_FOR(disk) CompletionToken = default_token>
auto async_wait_for_disk_status(client& c, std::string_view disk_id, disk_status target, disk_wait_options opts,
                                call_context ctx, CompletionToken&& token = {})
{
    return detail::initiate_composed<disk>(c, &detail::start_disk_wait, token, std::string(disk_id), target,
                                           std::move(opts), ctx);
}

/**
 * \brief Polls until disk `disk_id` is at `target`: disk_status::in_use after a mount,
 * disk_status::waiting after an unmount.
 *
 * \awaits{disk}
 * \par Handler signature
 * `void(error_code, disk)`: the disk as last seen, also on failure (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the disk).
 * \par Per-call settings
 * None: each request of the wait uses the client's options, with a deadline of what remains of
 * the wait (at least 500 ms). The overload that takes a call_context sets them, and collects
 * diagnostics.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`: the wait completes promptly with `asio::error::operation_aborted`.
 * \par Errors
 * - client_errc::timeout: disk_wait_options::timeout passed; the diagnostics name the last status;
 * - client_errc::unexpected_status: the disk is being destroyed (4), or reached one of
 *   disk_wait_options::fail_on;
 * - api_errc::disk_not_found: the disk does not exist, or was destroyed while waited for;
 * - client_errc::bad_response: disk_wait_options::on_observe threw;
 * - the last polling error, after disk_wait_options::max_consecutive_errors failed polls in a row,
 *   or at once for errors that cannot pass: the polls are reads, retried as \retry_table says
 *   before they count as failed.
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe.
 * \par Object lifetimes
 * `disk_id` and `opts` are copied (what `on_observe` refers to must outlive the wait). The wait
 * keeps the client's internals alive, as async_wait_for_status() does.
 */
template <FINOVY_TOKEN_FOR(disk) CompletionToken = default_token>
auto async_wait_for_disk_status(client& c, std::string_view disk_id, disk_status target, disk_wait_options opts = {},
                                CompletionToken&& token = {})
{
    return async_wait_for_disk_status(c, disk_id, target, std::move(opts), call_context{},
                                      std::forward<CompletionToken>(token));
}

/**
 * \brief Polls until disk `disk_id` no longer exists (after client::async_destroy_disk(): 4, then
 * gone), with per-call settings.
 * \details The same operation as
 * async_wait_for_disk_gone(client&, std::string_view, disk_wait_options, CompletionToken&&)
 * (below): its executor, per-operation cancellation, errors and thread safety are those
 * said there.
 * \awaits_void
 * \par Handler signature
 * `void(error_code)`.
 * \par Per-call settings
 * `ctx`: its call_options apply to each request the wait makes (unset, each poll's deadline is what
 * remains of the wait, at least 500 ms); its diagnostics, if any, are filled when the wait
 * completes (what went wrong on failure).
 * \par Object lifetimes
 * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
 * must outlive the wait.
 */
template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
auto async_wait_for_disk_gone(client& c, std::string_view disk_id, disk_wait_options opts, call_context ctx,
                              CompletionToken&& token = {})
{
    return detail::initiate_composed<void>(c, &detail::start_disk_gone_wait, token, std::string(disk_id),
                                           std::move(opts), ctx);
}

/**
 * \brief Polls until disk `disk_id` no longer exists (after client::async_destroy_disk(): 4, then
 * gone).
 *
 * \awaits_void
 * \par Handler signature
 * `void(error_code)`.
 * \par Per-call settings
 * None: each request of the wait uses the client's options, with a deadline of what remains of
 * the wait (at least 500 ms). The overload that takes a call_context sets them, and collects
 * diagnostics.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`: the wait completes promptly with `asio::error::operation_aborted`.
 * \par Errors
 * As async_wait_for_disk_status(), except that api_errc::disk_not_found is success and a disk
 * being destroyed is what is expected.
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe.
 * \par Object lifetimes
 * `disk_id` and `opts` are copied (what `on_observe` refers to must outlive the wait). The wait
 * keeps the client's internals alive, as async_wait_for_status() does.
 */
template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
auto async_wait_for_disk_gone(client& c, std::string_view disk_id, disk_wait_options opts = {},
                              CompletionToken&& token = {})
{
    return async_wait_for_disk_gone(c, disk_id, std::move(opts), call_context{}, std::forward<CompletionToken>(token));
}

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/wait.ipp>
#endif

#endif
