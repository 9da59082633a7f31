// Creating hosts and learning which they are: one, or a fleet at a time.
//
// createquantity answers `true` in the seed documents (no id) and the new host's id in the newer
// vendor page; the client learns which from the first answer. With ids, a batch of n creates costs
// n requests and nothing else. With `true`, the client lists the account once before and once
// after a whole round of creates (O(pages), not O(n x pages)) and hands out the hosts that
// appeared. Rounds of one client are serialized and concurrent requests for the same package and
// image share a round (two hundred concurrent async_create_host_resolved calls cost about three
// listings), so that concurrent batches in one client each get distinct hosts. What no client can
// know: hosts created meanwhile in the same account by another program. New hosts beyond those
// expected are told apart by package (cpu, memory, disk, GPUs) and creation time; when that is
// not enough, the slots concerned report client_errc::host_not_resolved (the hosts were still
// created). Do not mix direct creates of the same package through the same client with these.
//
// Never more than n are bought: a create that may have reached the server is never resent; its
// slot reports client_errc::outcome_unknown, unless the listing after the round shows the host
// (then it is reported created). Throttled creates (220025/429) are resent, paced by the rate
// governor: the server did not act on them.
//
// Handler: void(error_code, std::vector<created_host>) with one entry per requested host, in no
// particular order. The error_code is set only when the batch as a whole failed (invalid
// arguments, the listing before any create failed, the client closed) or was cancelled
// (operation_aborted); the entries still say what happened to each host, even then (so use
// as_tuple to see them when cancelling).
// Executor: the handler's associated executor, or else the client's.
// Per-operation cancellation: terminal and partial, for the batch as a whole: no further create
// is sent, creates already sent report outcome_unknown, and the batch completes promptly.
// Per-call settings (call_context): applied to each request; diagnostics say why a batch failed.
// Thread safety: may be called from any thread; the client must outlive the operation.
#ifndef FINOVY_CREATE_HPP
#define FINOVY_CREATE_HPP

#include <finovy/client.hpp>
#include <finovy/detail/composed.hpp>
#include <finovy/wait.hpp>
#include <finovy/watch_hub.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace finovy {

// What happened to one host of a batch.
struct created_host
{
    enum class outcome
    {
        created,    // the server made it; `id` is set unless `error` is host_not_resolved
        refused,    // the server refused: `error` is its code (6002, 7005, 1037, ...), or the client's reason
        unknown,    // it may have been made: `error` is outcome_unknown; check the account before retrying
        cancelled,  // not sent: the batch was cancelled first
    };
    outcome result = outcome::cancelled;
    std::string id;
    std::optional<host> details;   // the host as last seen, when the batch saw it (listing, wait)
    // Why it is not a plain success: the refusal's code, outcome_unknown, host_not_resolved,
    // operation_aborted; for ..._and_wait, also the wait's failure (timeout, unexpected_status).
    error_code error;

    bool ok() const noexcept { return result == outcome::created && !id.empty() && !error; }
};

struct create_options
{
    std::size_t concurrency = 8;   // creates in flight at once
};

struct create_wait_options
{
    host_status target = host_status::running;   // running: power each on and wait; off: wait until ready
    wait_options wait{};                         // per host: first_delay, timeout, fail_on, on_observe...
    hub_options hub{};                           // the shared polling: interval, requests in flight
    std::size_t concurrency = 8;                 // creates in flight at once
};

// The number of entries that are ok().
inline std::size_t created_count(const std::vector<created_host>& hosts) noexcept
{
    std::size_t n = 0;
    for (const auto& h : hosts)
        n += h.ok() ? 1 : 0;
    return n;
}

namespace detail {
FINOVY_DECL void start_create_hosts(impl_ptr, std::string package_id, std::string image_id, std::size_t count,
                                    create_options, call_context, diagnostics*, handler_for<std::vector<created_host>>);
FINOVY_DECL void start_create_fixed_period_hosts(impl_ptr, std::string package_id, std::string image_id,
                                                 rental_period period, std::size_t count, create_options, call_context,
                                                 diagnostics*, handler_for<std::vector<created_host>>);
FINOVY_DECL void start_create_hosts_and_wait(impl_ptr, std::string package_id, std::string image_id,
                                             std::size_t count, create_wait_options, call_context, diagnostics*,
                                             handler_for<std::vector<created_host>>);
FINOVY_DECL void start_create_resolved(impl_ptr, std::string package_id, std::string image_id, bool wait,
                                       host_status target, wait_options, call_context, diagnostics*,
                                       handler_for<host>);
}   // namespace detail

// Creates `count` pay-as-you-go hosts of package `package_id` with image `image_id`.
template <FINOVY_TOKEN_FOR(std::vector<created_host>) CompletionToken = default_token>
auto async_create_hosts(client& c, std::string_view package_id, std::string_view image_id, std::size_t count,
                        create_options opts, call_context ctx, CompletionToken&& token = {})
{
    return detail::initiate_composed<std::vector<created_host>>(c, &detail::start_create_hosts, token,
                                                                std::string(package_id), std::string(image_id),
                                                                count, opts, ctx);
}
template <FINOVY_TOKEN_FOR(std::vector<created_host>) CompletionToken = default_token>
auto async_create_hosts(client& c, std::string_view package_id, std::string_view image_id, std::size_t count,
                        create_options opts = {}, CompletionToken&& token = {})
{
    return async_create_hosts(c, package_id, image_id, count, opts, call_context{},
                              std::forward<CompletionToken>(token));
}

// Creates `count` fixed-period hosts (createRent, which answers each id: no listing). Each is paid
// up front; none is bought twice.
template <FINOVY_TOKEN_FOR(std::vector<created_host>) CompletionToken = default_token>
auto async_create_fixed_period_hosts(client& c, std::string_view package_id, std::string_view image_id,
                                     rental_period period, std::size_t count, create_options opts, call_context ctx,
                                     CompletionToken&& token = {})
{
    return detail::initiate_composed<std::vector<created_host>>(c, &detail::start_create_fixed_period_hosts, token,
                                                                std::string(package_id), std::string(image_id),
                                                                period, count, opts, ctx);
}
template <FINOVY_TOKEN_FOR(std::vector<created_host>) CompletionToken = default_token>
auto async_create_fixed_period_hosts(client& c, std::string_view package_id, std::string_view image_id,
                                     rental_period period, std::size_t count, create_options opts = {},
                                     CompletionToken&& token = {})
{
    return async_create_fixed_period_hosts(c, package_id, image_id, period, count, opts, call_context{},
                                           std::forward<CompletionToken>(token));
}

// Creates `count` hosts as async_create_hosts does, then powers each on and waits for it to run
// (or waits for it to be ready, off) through one watch_hub: a round of polling costs O(pages)
// however many hosts. Each entry's `details` is the host as last seen; an entry whose wait failed
// keeps its id, with the wait's error.
template <FINOVY_TOKEN_FOR(std::vector<created_host>) CompletionToken = default_token>
auto async_create_hosts_and_wait(client& c, std::string_view package_id, std::string_view image_id,
                                 std::size_t count, create_wait_options opts, call_context ctx,
                                 CompletionToken&& token = {})
{
    return detail::initiate_composed<std::vector<created_host>>(c, &detail::start_create_hosts_and_wait, token,
                                                                std::string(package_id), std::string(image_id),
                                                                count, std::move(opts), ctx);
}
template <FINOVY_TOKEN_FOR(std::vector<created_host>) CompletionToken = default_token>
auto async_create_hosts_and_wait(client& c, std::string_view package_id, std::string_view image_id,
                                 std::size_t count, create_wait_options opts = {}, CompletionToken&& token = {})
{
    return async_create_hosts_and_wait(c, package_id, image_id, count, std::move(opts), call_context{},
                                       std::forward<CompletionToken>(token));
}

// One host, as a batch of one: the host as listed (or read, when the server answered its id).
// Handler: void(error_code, host); errors are the entry's: the refusal's code, outcome_unknown,
// host_not_resolved, operation_aborted.
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_create_host_resolved(client& c, std::string_view package_id, std::string_view image_id,
                                call_context ctx, CompletionToken&& token = {})
{
    return detail::initiate_composed<host>(c, &detail::start_create_resolved, token, std::string(package_id),
                                           std::string(image_id), false, host_status::off, wait_options{}, ctx);
}
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_create_host_resolved(client& c, std::string_view package_id, std::string_view image_id,
                                CompletionToken&& token = {})
{
    return async_create_host_resolved(c, package_id, image_id, call_context{}, std::forward<CompletionToken>(token));
}

// Creates one host (as above), then waits for it to be off (ready), or powers it on and waits for
// 2 when `target` is running. Handler: void(error_code, host) with the host as last seen.
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_create_host_and_wait(client& c, std::string_view package_id, std::string_view image_id,
                                host_status target, wait_options opts, call_context ctx, CompletionToken&& token = {})
{
    return detail::initiate_composed<host>(c, &detail::start_create_resolved, token, std::string(package_id),
                                           std::string(image_id), true, target, std::move(opts), ctx);
}
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_create_host_and_wait(client& c, std::string_view package_id, std::string_view image_id,
                                host_status target, wait_options opts = {}, CompletionToken&& token = {})
{
    return async_create_host_and_wait(c, package_id, image_id, target, std::move(opts), call_context{},
                                      std::forward<CompletionToken>(token));
}

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/create.ipp>
#endif

#endif
