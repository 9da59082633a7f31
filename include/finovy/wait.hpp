// Waiting for a host's or a disk's status. The API has no notifications: after power on (0 -> 1 ->
// 2), power off (2 -> 4 -> 0) or reboot (2 -> 1 -> 2), and after mounting (0 -> 1 -> 2), unmounting
// (2 -> 0) or destroying a disk (0 -> 4 -> gone), the status must be polled (the vendor suggests
// every 15 s). These functions poll one object with GET v1/pve/open/one/{id} or
// v1/PveMachineHardDisk/open/info/{id}; to wait on many hosts at once, use a watch_hub
// (watch_hub.hpp), which shares the polling among all of them.
//
// Handler: void(error_code, host) (or disk; void(error_code) for a disk to be gone) with the object
// as last seen. Unlike other operations, on failure the object is not value-initialized: it is
// the last observation (if any), so that a timeout tells where it was stuck.
// Executor: the handler's associated executor, or else the client's.
// Per-operation cancellation: terminal and partial; the wait completes promptly with
// asio::error::operation_aborted (a power change already sent stays sent).
// Errors:
// - client_errc::timeout: wait_options::timeout passed; the diagnostics name the last status;
// - client_errc::unexpected_status: the object reached a status from which the target cannot be
//   reached (a host at 5, expired, unless that is the target; a disk being destroyed; or one of
//   fail_on);
// - api_errc::host_not_found (disk_not_found): the object does not exist, or was deleted while
//   waited for (for async_wait_for_disk_gone, that is success);
// - the last polling error, after max_consecutive_errors failed polls in a row (transient errors,
//   as the client's retry table says, are tolerated until then), or at once for errors that
//   cannot pass (unauthorized, invalid id, client closed).
// Per-call settings (call_context): its call_options apply to each request the wait makes; its
// diagnostics are filled on failure. Polls go in the rate governor's background lane
// (rate_limit.hpp): under throttling they yield to foreground calls and the wait stretches.
// A host seen at 3 (billing: running while its wallet is below zero) counts as running.
// Thread safety: the functions may be called from any thread; the client must outlive the wait.
#ifndef FINOVY_WAIT_HPP
#define FINOVY_WAIT_HPP

#include <finovy/client.hpp>
#include <finovy/detail/composed.hpp>

#include <chrono>
#include <functional>
#include <vector>

namespace finovy {

struct wait_options
{
    std::chrono::milliseconds first_delay{2'000};     // before the first look: the change takes time
    std::chrono::milliseconds interval{15'000};       // between looks, at first
    std::chrono::milliseconds max_interval{15'000};   // ... growing by `backoff` up to this
    double backoff = 1.0;                             // interval multiplier after each look
    double jitter = 0.1;                              // +- this fraction of each interval, at random
    std::chrono::milliseconds timeout{600'000};       // the whole wait
    std::vector<host_status> fail_on;                 // statuses that end the wait at once (5 always does)
    int max_consecutive_errors = 5;                   // failed polls tolerated in a row
    // Called with every observation of the host (for progress displays), on the wait's strand
    // (standalone waits) or the hub's strand; it must not block. An exception it throws ends
    // that wait with client_errc::bad_response (nothing else).
    std::function<void(const host&)> on_observe;
};

// The same for a disk.
struct disk_wait_options
{
    std::chrono::milliseconds first_delay{500};
    std::chrono::milliseconds interval{2'000};
    std::chrono::milliseconds max_interval{15'000};
    double backoff = 1.5;
    double jitter = 0.1;
    std::chrono::milliseconds timeout{600'000};
    std::vector<disk_status> fail_on;                 // statuses that end the wait at once
    int max_consecutive_errors = 5;
    std::function<void(const disk&)> on_observe;
};

// True when `seen` satisfies a wait for `target` (3, billing, counts as 2, running).
inline bool status_reached(host_status seen, host_status target) noexcept
{
    return seen == target || (target == host_status::running && seen == host_status::billing);
}

// True when a host at `seen` can no longer reach `target`.
inline bool status_hopeless(host_status seen, host_status target, const std::vector<host_status>& fail_on) noexcept
{
    if (status_reached(seen, target))
        return false;
    if (seen == host_status::expired)
        return true;
    for (auto s : fail_on)
        if (s == seen)
            return true;
    return false;
}

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

// Polls until host `host_id` is at `target`.
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_wait_for_status(client& c, std::string_view host_id, host_status target, wait_options opts,
                           call_context ctx, CompletionToken&& token = {})
{
    return detail::initiate_composed<host>(c, &detail::start_act_and_wait, token, std::string(host_id),
                                           detail::then_wait::nothing, target, std::move(opts), ctx);
}
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_wait_for_status(client& c, std::string_view host_id, host_status target, wait_options opts = {},
                           CompletionToken&& token = {})
{
    return async_wait_for_status(c, host_id, target, std::move(opts), call_context{},
                                 std::forward<CompletionToken>(token));
}

// Powers the host on and waits for 2 (running).
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_power_on_and_wait(client& c, std::string_view host_id, wait_options opts, call_context ctx,
                             CompletionToken&& token = {})
{
    return detail::initiate_composed<host>(c, &detail::start_act_and_wait, token, std::string(host_id),
                                           detail::then_wait::power_on, host_status::running, std::move(opts), ctx);
}
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_power_on_and_wait(client& c, std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
{
    return async_power_on_and_wait(c, host_id, std::move(opts), call_context{}, std::forward<CompletionToken>(token));
}

// Powers the host off and waits for 0 (off).
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_power_off_and_wait(client& c, std::string_view host_id, wait_options opts, call_context ctx,
                              CompletionToken&& token = {})
{
    return detail::initiate_composed<host>(c, &detail::start_act_and_wait, token, std::string(host_id),
                                           detail::then_wait::power_off, host_status::off, std::move(opts), ctx);
}
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_power_off_and_wait(client& c, std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
{
    return async_power_off_and_wait(c, host_id, std::move(opts), call_context{}, std::forward<CompletionToken>(token));
}

// Reboots the host and waits until it runs again. The host goes 2 -> 1 -> 2; "runs again" means
// it was seen away from 2 and then back at 2. If it is never seen away from 2 within
// first_delay + 2 intervals (the reboot was quicker than the polling), seeing it at 2 then is
// enough.
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_reboot_and_wait(client& c, std::string_view host_id, wait_options opts, call_context ctx,
                           CompletionToken&& token = {})
{
    return detail::initiate_composed<host>(c, &detail::start_act_and_wait, token, std::string(host_id),
                                           detail::then_wait::reboot, host_status::running, std::move(opts), ctx);
}
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_reboot_and_wait(client& c, std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
{
    return async_reboot_and_wait(c, host_id, std::move(opts), call_context{}, std::forward<CompletionToken>(token));
}

// Polls until disk `disk_id` is at `target`: in_use after a mount, waiting after an unmount.
// A disk being destroyed (4) cannot reach either: unexpected_status.
template <FINOVY_TOKEN_FOR(disk) CompletionToken = default_token>
auto async_wait_for_disk_status(client& c, std::string_view disk_id, disk_status target, disk_wait_options opts,
                                call_context ctx, CompletionToken&& token = {})
{
    return detail::initiate_composed<disk>(c, &detail::start_disk_wait, token, std::string(disk_id), target,
                                           std::move(opts), ctx);
}
template <FINOVY_TOKEN_FOR(disk) CompletionToken = default_token>
auto async_wait_for_disk_status(client& c, std::string_view disk_id, disk_status target, disk_wait_options opts = {},
                                CompletionToken&& token = {})
{
    return async_wait_for_disk_status(c, disk_id, target, std::move(opts), call_context{},
                                      std::forward<CompletionToken>(token));
}

// Polls until disk `disk_id` no longer exists (after async_destroy_disk: 4, then gone).
// Handler: void(error_code).
template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
auto async_wait_for_disk_gone(client& c, std::string_view disk_id, disk_wait_options opts, call_context ctx,
                              CompletionToken&& token = {})
{
    return detail::initiate_composed<void>(c, &detail::start_disk_gone_wait, token, std::string(disk_id),
                                           std::move(opts), ctx);
}
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
