// Waiting for a host's status. The API has no notifications: after power on (0 -> 1 -> 2), power
// off (2 -> 4 -> 0) or reboot (2 -> 1 -> 2) the status must be polled (the vendor suggests every
// 15 s). These functions poll GET v1/pve/open/one/{id} for one host; to wait on many hosts at
// once, use a watch_hub (watch_hub.hpp), which shares the polling among all of them.
//
// Handler: void(error_code, host) with the host as last seen. Unlike other operations, on
// failure the host is not value-initialized: it is the last observation (if any), so that a
// timeout tells where the host was stuck. Errors:
// - client_errc::timeout: wait_options::timeout passed; the diagnostics name the last status;
// - client_errc::unexpected_status: the host reached a status from which the target cannot be
//   reached (5, expired, unless that is the target; or one of wait_options::fail_on);
// - api_errc::host_not_found: the host does not exist (or was deleted while waited for);
// - the last polling error, after wait_options::max_consecutive_errors failed polls in a row
//   (transient errors are tolerated until then), or at once for errors that cannot pass
//   (unauthorized, invalid id, client closed);
// - asio::error::operation_aborted: cancelled (terminal or partial), promptly.
// A host seen at 3 (billing: running while its wallet is below zero) counts as running.
#ifndef FINOVY_WAIT_HPP
#define FINOVY_WAIT_HPP

#include <finovy/client.hpp>

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
    diagnostics* diag = nullptr;                      // filled on failure; must outlive the wait
    // Called with every observation of the host (for progress displays), on the wait's strand
    // (standalone waits) or the hub's strand; it must not block.
    std::function<void(const host&)> on_observe;
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
FINOVY_DECL void start_wait_for_status(impl_ptr, std::string host_id, host_status target, wait_options, diagnostics*,
                                       handler_for<host>);
enum class then_wait
{
    nothing,
    power_on,
    power_off,
    reboot,
};
FINOVY_DECL void start_act_and_wait(impl_ptr, std::string host_id, then_wait act, wait_options, diagnostics*,
                                    handler_for<host>);

template <class Start, class... Args>
struct wait_initiation
{
    Start start;
    template <class Handler, class... A>
    void operator()(Handler&& h, A&&... args)
    {
        diagnostics* own = handler_diagnostics(h);
        start(std::forward<A>(args)..., own, handler_for<host>(std::forward<Handler>(h)));
    }
};
}   // namespace detail

// Polls until host `host_id` is at `target`.
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_wait_for_status(client& c, std::string_view host_id, host_status target, wait_options opts = {},
                           CompletionToken&& token = {})
{
    using start_t = decltype(&detail::start_wait_for_status);
    return boost::asio::async_initiate<CompletionToken, void(error_code, host)>(
        detail::wait_initiation<start_t>{&detail::start_wait_for_status}, token, detail::client_access::impl(c),
        std::string(host_id), target, std::move(opts));
}

// Powers the host on and waits for 2 (running).
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_power_on_and_wait(client& c, std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
{
    using start_t = decltype(&detail::start_act_and_wait);
    return boost::asio::async_initiate<CompletionToken, void(error_code, host)>(
        detail::wait_initiation<start_t>{&detail::start_act_and_wait}, token, detail::client_access::impl(c),
        std::string(host_id), detail::then_wait::power_on, std::move(opts));
}

// Powers the host off and waits for 0 (off).
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_power_off_and_wait(client& c, std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
{
    using start_t = decltype(&detail::start_act_and_wait);
    return boost::asio::async_initiate<CompletionToken, void(error_code, host)>(
        detail::wait_initiation<start_t>{&detail::start_act_and_wait}, token, detail::client_access::impl(c),
        std::string(host_id), detail::then_wait::power_off, std::move(opts));
}

// Reboots the host and waits until it runs again. The host goes 2 -> 1 -> 2; "runs again" means
// it was seen away from 2 and then back at 2. If it is never seen away from 2 within
// first_delay + 2 intervals (the reboot was quicker than the polling), seeing it at 2 then is
// enough.
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_reboot_and_wait(client& c, std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
{
    using start_t = decltype(&detail::start_act_and_wait);
    return boost::asio::async_initiate<CompletionToken, void(error_code, host)>(
        detail::wait_initiation<start_t>{&detail::start_act_and_wait}, token, detail::client_access::impl(c),
        std::string(host_id), detail::then_wait::reboot, std::move(opts));
}

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/wait.ipp>
#endif

#endif
