// watch_hub: waits on many hosts at once with one shared polling loop.
//
// While waits are active, each round the hub either scans the account's host list
// (GET v1/pve/open/mypage, 25 hosts a page, pages fetched concurrently within a budget) or reads
// the watched hosts one by one (GET v1/pve/open/one/{id}), whichever costs fewer calls for the
// number of hosts watched against the account's total. A round costs O(pages) calls, however many
// waits there are; each wait completes as soon as a page or read shows its target. Watched hosts a
// scan missed (deleted, or moved between pages by concurrent changes) are read individually.
//
// A round reads only what it needs: it remembers where each watched host was in the listing and,
// when that is cheaper, fetches only the pages that hold the hosts still waited for (newest
// hosts come first, so a fleet just created sits on the first pages).
//
// The hub's requests go in the rate governor's background lane (rate_limit.hpp): under
// throttling, foreground calls (creates, power changes) go first and a round stretches instead
// of failing; each wait's own timeout still applies.
//
// Waits have the semantics, handler and errors of wait.hpp, except that the hub's interval
// replaces wait_options::interval, backoff and jitter (first_delay, timeout, fail_on,
// max_consecutive_errors and on_observe apply per wait). A wait's call_context applies to its
// power change and receives its diagnostics. Cancelling one wait affects no other. An exception
// thrown by on_observe ends that wait only (bad_response); should the hub's polling itself fail
// (out of memory), every wait in progress completes with that error and the next wait starts
// the polling again.
// Executor: the handler's associated executor, or else the client's.
// Threads: async_* and stats() may be called from any thread; the hub's state lives on a strand
// of its own. The client must outlive the hub's waits. Destroying the hub completes its pending
// waits with operation_aborted.
#ifndef FINOVY_WATCH_HUB_HPP
#define FINOVY_WATCH_HUB_HPP

#include <finovy/client.hpp>
#include <finovy/detail/composed.hpp>
#include <finovy/wait.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace finovy {

struct hub_options
{
    std::chrono::milliseconds interval{15'000};   // between polling rounds
    std::size_t max_concurrent_requests = 8;      // pages or reads in flight at once
};

struct hub_stats
{
    std::uint64_t rounds = 0;
    std::uint64_t targeted_rounds = 0; // rounds that fetched only the pages holding waited-for hosts
    std::uint64_t page_requests = 0;   // mypage calls
    std::uint64_t host_requests = 0;   // one/{id} calls
    std::uint64_t completed = 0;       // waits ended (any outcome)
    std::size_t waiting = 0;           // waits in progress
};

namespace detail {
class hub_impl;
FINOVY_DECL void start_hub_wait(std::shared_ptr<hub_impl>, std::string host_id, host_status target, then_wait act,
                                wait_options, call_context, diagnostics*, handler_for<host>);
}   // namespace detail

class watch_hub
{
public:
    FINOVY_DECL explicit watch_hub(client& c, hub_options opts = {});
    FINOVY_DECL ~watch_hub();
    watch_hub(const watch_hub&) = delete;
    watch_hub& operator=(const watch_hub&) = delete;

    FINOVY_DECL hub_stats stats() const;

    // Waits until host `host_id` is at `target`. Handler: void(error_code, host).
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_wait_for_status(std::string_view host_id, host_status target, wait_options opts, call_context ctx,
                               CompletionToken&& token = {})
    {
        return initiate(std::string(host_id), target, detail::then_wait::nothing, std::move(opts), ctx,
                        std::forward<CompletionToken>(token));
    }
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_wait_for_status(std::string_view host_id, host_status target, wait_options opts = {},
                               CompletionToken&& token = {})
    {
        return async_wait_for_status(host_id, target, std::move(opts), call_context{},
                                     std::forward<CompletionToken>(token));
    }

    // Power on, then wait for 2; power off, then wait for 0; reboot, then wait until it runs
    // again (see async_reboot_and_wait in wait.hpp). Handler: void(error_code, host).
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_power_on_and_wait(std::string_view host_id, wait_options opts, call_context ctx,
                                 CompletionToken&& token = {})
    {
        return initiate(std::string(host_id), host_status::running, detail::then_wait::power_on, std::move(opts), ctx,
                        std::forward<CompletionToken>(token));
    }
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_power_on_and_wait(std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
    {
        return async_power_on_and_wait(host_id, std::move(opts), call_context{}, std::forward<CompletionToken>(token));
    }
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_power_off_and_wait(std::string_view host_id, wait_options opts, call_context ctx,
                                  CompletionToken&& token = {})
    {
        return initiate(std::string(host_id), host_status::off, detail::then_wait::power_off, std::move(opts), ctx,
                        std::forward<CompletionToken>(token));
    }
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_power_off_and_wait(std::string_view host_id, wait_options opts = {}, CompletionToken&& token = {})
    {
        return async_power_off_and_wait(host_id, std::move(opts), call_context{}, std::forward<CompletionToken>(token));
    }
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_reboot_and_wait(std::string_view host_id, wait_options opts, call_context ctx,
                               CompletionToken&& token = {})
    {
        return initiate(std::string(host_id), host_status::running, detail::then_wait::reboot, std::move(opts), ctx,
                        std::forward<CompletionToken>(token));
    }
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
        using start_t = decltype(&detail::start_hub_wait);
        return boost::asio::async_initiate<CompletionToken, void(error_code, host)>(
            detail::composed_initiation<host, start_t>{&detail::start_hub_wait}, token, impl_, std::move(id), target,
            act, std::move(opts), ctx);
    }

    std::shared_ptr<detail::hub_impl> impl_;
};

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/watch_hub.ipp>
#endif

#endif
