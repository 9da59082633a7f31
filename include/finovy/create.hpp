// SPDX-License-Identifier: BSL-1.0
/// \file
/// Creating hosts and learning which they are: one, or a fleet at a time.
///
/// createquantity answers `true` in the seed documents (no id) and the new host's id in the newer
/// vendor page; the client learns which from the first answer. With ids, a batch of n creates costs
/// n requests and nothing else. With `true`, the client lists the account once before and once
/// after a whole round of creates (O(pages), not O(n x pages)) and hands out the hosts that
/// appeared. Rounds of one client are serialized and concurrent requests for the same package and
/// image share a round (two hundred concurrent async_create_host_resolved() calls cost about three
/// listings), so that concurrent batches in one client each get distinct hosts. What no client can
/// know: hosts created meanwhile in the same account by another program. New hosts beyond those
/// expected are told apart by package (cpu, memory, disk, GPUs), image and creation time; when that
/// is not enough, the entries concerned report client_errc::host_not_resolved (the hosts were still
/// created). Do not mix direct creates (client::async_create_pay_as_you_go_host()) of the same
/// package through the same client with these.
///
/// Never more than n are bought: a create that may have reached the server is never resent; its
/// entry reports client_errc::outcome_unknown, unless the listing after the round shows the host
/// (then it is reported created). Throttled creates (220025/429) are resent, paced by the rate
/// governor: the server did not act on them.
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

/// What happened to one host of a batch.
struct created_host
{
    /// The outcome of one create.
    enum class outcome
    {
        created,    ///< the server made it; `id` is set unless `error` is client_errc::host_not_resolved
        refused,    ///< the server refused: `error` is its code (6002, 7005, 1037, ...), or the client's reason
        unknown,    ///< it may have been made: `error` is client_errc::outcome_unknown; check the account before retrying
        cancelled,  ///< not sent: the batch was cancelled first
    };
    outcome result = outcome::cancelled;   ///< see outcome
    std::string id;                        ///< the new host's id, when known
    std::optional<host> details;           ///< the host as last seen, when the batch saw it (listing, wait)
    /// Why it is not a plain success: the refusal's code, client_errc::outcome_unknown,
    /// client_errc::host_not_resolved, `asio::error::operation_aborted`; for the `_and_wait`
    /// functions, also the wait's failure (client_errc::timeout, client_errc::unexpected_status...).
    error_code error;

    /// Created, identified, and (for the `_and_wait` functions) at the target.
    bool ok() const noexcept { return result == outcome::created && !id.empty() && !error; }
};

/// How a batch creates.
struct create_options
{
    std::size_t concurrency = 8;   ///< creates in flight at once
};

/// How async_create_hosts_and_wait() creates and waits.
struct create_wait_options
{
    host_status target = host_status::running;   ///< running: power each on and wait; off: wait until ready
    wait_options wait{};                         ///< per host: first_delay, timeout, fail_on, on_observe...
    hub_options hub{};                           ///< the shared polling: interval, requests in flight
    std::size_t concurrency = 8;                 ///< creates in flight at once
};

/// The number of entries that are ok().
inline std::size_t created_count(const std::vector<created_host>& hosts) noexcept
{
    std::size_t n = 0;
    for (const auto& h : hosts)
        n += h.ok() ? 1 : 0;
    return n;
}

/// \cond FINOVY_INTERNAL
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
/// \endcond

/**
 * \brief Creates `count` pay-as-you-go hosts of package `package_id` with image `image_id`, and
 * learns their ids.
 * \details Each entry of the result says what happened to one host (created_host); never more
 * than `count` are bought. See the file's description for the cost in requests.
 *
 * \par Handler signature
 * `void(error_code, std::vector<created_host>)` with one entry per requested host, in no particular
 * order. The error_code is set only when the batch as a whole failed (the listing before the
 * creates failed: a closed client, say) or was cancelled; the entries still say what happened to
 * each host, even then (use `as_tuple` to see them when cancelling).
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`, for the batch as a whole; it completes with
 * `asio::error::operation_aborted`. A batch whose round has not started is withdrawn: nothing is
 * sent. Otherwise no further create is sent (those entries are `cancelled`); creates in flight are
 * aborted when the server answers ids (their entries `unknown`), and are let finish and identified
 * by the round's listing when it answers `true`, which delays the completion by that listing.
 * \par Errors
 * Of the batch: the listing's error, `asio::error::operation_aborted`. Of each entry
 * (created_host::error): the API's refusals (1037, 6002, 6003, 7005...), client_errc::invalid_argument
 * for a malformed id, client_errc::outcome_unknown, client_errc::host_not_resolved, and any error of
 * client::async_create_pay_as_you_go_host().
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe; concurrent batches in one client each get their own hosts.
 * \par Object lifetimes
 * The ids and `opts` are copied; `ctx`'s call_options apply to each request (creates and listings,
 * always in the foreground lane) and its diagnostics, which must outlive the operation, say why a
 * batch failed. The batch keeps the client's internals alive.
 */
///@{
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
///@}

/**
 * \brief Creates `count` fixed-period hosts (client::async_create_fixed_period_host(), which
 * answers each id: no listing). Each is paid up front; none is bought twice.
 *
 * \par Handler signature
 * `void(error_code, std::vector<created_host>)` with one entry per requested host. The error_code
 * is set only when the batch was cancelled.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`, for the batch as a whole: no further create is sent (those entries
 * are `cancelled`), creates in flight are aborted (their entries `unknown`), and the batch
 * completes promptly with `asio::error::operation_aborted`.
 * \par Errors
 * Of each entry (created_host::error): the API's refusals (1037, 6002, 7005, 9000, 9001...),
 * client_errc::invalid_argument, client_errc::outcome_unknown, and any error of
 * client::async_create_fixed_period_host().
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe.
 * \par Object lifetimes
 * As async_create_hosts().
 */
///@{
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
///@}

/**
 * \brief Creates `count` hosts as async_create_hosts() does, then powers each on and waits for it
 * to run (or waits for it to be ready, off) through one watch_hub.
 * \details A round of polling costs O(pages) however many hosts. Each entry's `details` is the host
 * as last seen; an entry whose wait failed keeps its id and outcome `created`, with the wait's
 * error (so it is not ok()).
 *
 * \par Handler signature
 * `void(error_code, std::vector<created_host>)` with one entry per requested host. The error_code
 * is set as for async_create_hosts().
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`, for the batch as a whole: during the creates, as
 * async_create_hosts(); during the waits, every wait ends (its entry's error
 * `asio::error::operation_aborted`; a power-on already sent may still take effect) and the batch
 * completes with `asio::error::operation_aborted`.
 * \par Errors
 * Those of async_create_hosts(), and for each created host those of
 * watch_hub::async_power_on_and_wait() (or watch_hub::async_wait_for_status()).
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe.
 * \par Object lifetimes
 * As async_create_hosts(); what create_wait_options::wait's `on_observe` refers to must outlive
 * the operation.
 */
///@{
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
///@}

/**
 * \brief Creates one pay-as-you-go host, as a batch of one, and returns it as listed (or read,
 * when the server answered its id).
 *
 * \par Handler signature
 * `void(error_code, host)`; on failure the host is value-initialized.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`: as async_create_hosts(); completes with
 * `asio::error::operation_aborted`.
 * \par Errors
 * The entry's: the refusal's code, client_errc::outcome_unknown, client_errc::host_not_resolved
 * (the host was created but could not be told apart), `asio::error::operation_aborted`; the
 * batch's (the listing's error); or the error reading the host whose id the server answered.
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe; concurrent calls each get their own host and share rounds.
 * \par Object lifetimes
 * As async_create_hosts().
 */
///@{
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
///@}

/**
 * \brief Creates one host as async_create_host_resolved() does, then waits for it to be off
 * (ready), or powers it on and waits for 2 when `target` is running (as async_power_on_and_wait()).
 *
 * \par Handler signature
 * `void(error_code, host)` with the host as last seen, also on failure.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`: during the create, as async_create_host_resolved(); afterwards no
 * power-on is sent and the wait ends; completes with `asio::error::operation_aborted`.
 * \par Errors
 * Those of async_create_host_resolved(), then those of async_power_on_and_wait() (or
 * async_wait_for_status()).
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe.
 * \par Object lifetimes
 * As async_create_hosts(); what `opts.on_observe` refers to must outlive the operation.
 */
///@{
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
///@}

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/create.ipp>
#endif

#endif
