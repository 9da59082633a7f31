// SPDX-License-Identifier: BSL-1.0
/// \file
/// Creating hosts and learning which they are, without ever claiming a host the batch did not buy
/// nor forgetting one it did: one host, or a batch at a time.
///
/// <b>Rounds.</b> Creates of one package and image by one client go in rounds: concurrent
/// batches that wait for the same package and image share the next round. A round lists the
/// first page of the account (its *marker*: the newest host then), sends its creates, and, when
/// some created host's id is not known, lists the hosts newer than the marker and identifies them.
/// createquantity answers `true` in the seed documents (no id) and the new host's id in the newer
/// vendor page; either is handled, per answer. With ids and no lost answer, a round costs its
/// creates and one request; otherwise one more listing of the new hosts' pages (O(new hosts / 25),
/// not O(account)).
///
/// <b>Identification that never guesses.</b> A listed host is the round's only if it is newer
/// than the marker (createTime is the server's own clock, and the listing is newest first), has
/// the package's traits and the image's system (always checked), was made within the window of
/// one of the round's creates (the server's time from its Date header, within
/// create_options::clock_margin), and is claimed by nobody else. Hosts and the creates they could
/// belong to form groups; in a group where the hosts outnumber the creates, none is taken: those
/// entries are client_errc::host_not_resolved (created) or `unknown`, with the hosts in
/// created_host::candidates. Entries whose answer was lost (`unknown`) are matched by the same
/// rules, in both answer modes. A host the server said it made but the listing does not show yet
/// (the listing may lag) is waited for: the round lists again until
/// create_options::appear_timeout.
///
/// <b>Never more than requested; never abandoned.</b> A create that may have reached the server is
/// never resent (throttled creates, which the server did not act on, are, paced by the rate
/// governor). Cancelling a batch sends nothing more (those entries are `cancelled`, never
/// `unknown`) but lets the creates already sent finish, within their own deadline, and identifies
/// their hosts: the completion waits for them. With create_options::journal each intent is
/// recorded durably before its create is sent (create_journal.hpp), so that a crash forgets
/// nothing: async_reconcile() (reconcile.hpp) settles what was left open.
///
/// <b>Limits.</b> What no client can know: a host of the same package and image that another
/// program makes within a create's window is indistinguishable from the create's own; an `unknown`
/// entry may then be given it (never one of another package or image, nor one older than the
/// round). Hosts another program made less than create_options::clock_margin before the round
/// that the listing did not show yet (lag) are likewise indistinguishable. Without a Date header
/// the windows are unbounded and only the marker and the counts decide. Do not mix direct creates
/// (client::async_create_pay_as_you_go_host()) of the same package and image through the same
/// client with these: they are not part of any round.
#ifndef FINOVY_CREATE_HPP
#define FINOVY_CREATE_HPP

#include <finovy/client.hpp>
#include <finovy/create_options.hpp>
#include <finovy/detail/composed.hpp>
#include <finovy/wait.hpp>
#include <finovy/watch_hub.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace finovy {

/// \cond FINOVY_INTERNAL
namespace detail {
// What a batch creates, and (for the `_and_wait` functions) waits for.
struct batch_spec
{
    std::string package_id, image_id;
    std::size_t count = 0;
    std::optional<rental_period> period;   // fixed-period hosts
    create_options create;
    std::optional<create_wait_options> wait;
};
FINOVY_DECL void start_create_batch(impl_ptr, batch_spec, call_context, diagnostics*,
                                    handler_for<std::vector<created_host>>);
FINOVY_DECL void start_create_one(impl_ptr, batch_spec, call_context, diagnostics*, handler_for<host>);
}   // namespace detail
/// \endcond

/**
 * \brief Creates `count` pay-as-you-go hosts of package `package_id` with image `image_id`, and
 * learns their ids, with per-call settings.
 * \details The same operation as
 * async_create_hosts(client&, std::string_view, std::string_view, std::size_t, create_options, CompletionToken&&)
 * (below): its executor, per-operation cancellation, errors and thread safety are those said there.
 * \awaits{std::vector<created_host>}
 * \par Handler signature
 * `void(error_code, std::vector<created_host>)`, as below (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the entries).
 * \par Per-call settings
 * `ctx`: its call_options apply to each request of the batch (creates and listings, always in the
 * foreground lane); its diagnostics, if any, say why the batch as a whole failed.
 * \par Object lifetimes
 * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
 * must outlive the operation.
 */
template <FINOVY_TOKEN_FOR(std::vector<created_host>) CompletionToken = default_token>
auto async_create_hosts(client& c, std::string_view package_id, std::string_view image_id, std::size_t count,
                        create_options opts, call_context ctx, CompletionToken&& token = {})
{
    return detail::initiate_composed<std::vector<created_host>>(
        c, &detail::start_create_batch, token,
        detail::batch_spec{std::string(package_id), std::string(image_id), count, std::nullopt, std::move(opts), {}},
        ctx);
}

/**
 * \brief Creates `count` pay-as-you-go hosts of package `package_id` with image `image_id`, and
 * learns their ids.
 * \details Each entry of the result says what happened to one host (created_host); never more
 * than `count` are bought. See the file's description for the rules and the cost in requests.
 *
 * \awaits{std::vector<created_host>}
 * \par Handler signature
 * `void(error_code, std::vector<created_host>)` with one entry per requested host, in no particular
 * order. The error_code is set only when the batch was cancelled, or when the listing that begins
 * its round failed (nothing was then sent: every entry is `cancelled` with that error); the
 * entries say what happened to each host even then (with the default token a failure throws
 * instead: `asio::as_tuple(asio::use_awaitable)` keeps the entries).
 * \par Per-call settings
 * None: each request uses the client's options. The overload that takes a call_context sets
 * them, and collects the batch's diagnostics.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`, for the batch as a whole; it completes with
 * `asio::error::operation_aborted`. A batch whose round has not started is withdrawn: nothing is
 * sent. Otherwise no further create is sent (those entries are `cancelled`) and the creates
 * already sent are let finish, within their own deadline, and identified: the completion waits
 * for them, and for the listing that identifies them.
 * \par Errors
 * Of the batch: the marker listing's error, `asio::error::operation_aborted`. Of each entry
 * (created_host::error, with created_host::diag): the API's refusals (1037, 6002, 6003, 7005...),
 * client_errc::invalid_argument for a malformed id, client_errc::outcome_unknown,
 * client_errc::host_not_resolved, the journal's error, and any error of
 * client::async_create_pay_as_you_go_host() (throttled creates are resent, others never: see
 * \retry_table).
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe; concurrent batches in one client never claim the same host.
 * \par Object lifetimes
 * The ids and `opts` are copied; what create_options::journal points to, and what
 * create_options::on_settled refers to, must outlive the operation. The batch keeps the client's
 * internals alive.
 */
template <FINOVY_TOKEN_FOR(std::vector<created_host>) CompletionToken = default_token>
auto async_create_hosts(client& c, std::string_view package_id, std::string_view image_id, std::size_t count,
                        create_options opts = {}, CompletionToken&& token = {})
{
    return async_create_hosts(c, package_id, image_id, count, std::move(opts), call_context{},
                              std::forward<CompletionToken>(token));
}

/**
 * \brief Creates `count` fixed-period hosts, with per-call settings.
 * \details The same operation as
 * async_create_fixed_period_hosts(client&, std::string_view, std::string_view, rental_period, std::size_t, create_options, CompletionToken&&)
 * (below): its executor, per-operation cancellation, errors and thread safety are those said there.
 * \awaits{std::vector<created_host>}
 * \par Handler signature
 * `void(error_code, std::vector<created_host>)`, as below (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the entries).
 * \par Per-call settings
 * `ctx`: its call_options apply to each request of the batch; its diagnostics, if any, say why the
 * batch as a whole failed.
 * \par Object lifetimes
 * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
 * must outlive the operation.
 */
template <FINOVY_TOKEN_FOR(std::vector<created_host>) CompletionToken = default_token>
auto async_create_fixed_period_hosts(client& c, std::string_view package_id, std::string_view image_id,
                                     rental_period period, std::size_t count, create_options opts, call_context ctx,
                                     CompletionToken&& token = {})
{
    return detail::initiate_composed<std::vector<created_host>>(
        c, &detail::start_create_batch, token,
        detail::batch_spec{std::string(package_id), std::string(image_id), count, period, std::move(opts), {}}, ctx);
}

/**
 * \brief Creates `count` fixed-period hosts (client::async_create_fixed_period_host(), which
 * answers each id), in rounds as async_create_hosts() does. Each is paid up front; none is bought
 * twice.
 *
 * \awaits{std::vector<created_host>}
 * \par Handler signature
 * `void(error_code, std::vector<created_host>)` with one entry per requested host. The error_code
 * is set as for async_create_hosts() (with the default token a failure throws instead:
 * `asio::as_tuple(asio::use_awaitable)` keeps the entries).
 * \par Per-call settings
 * None: each request uses the client's options. The overload that takes a call_context sets
 * them, and collects the batch's diagnostics.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * As async_create_hosts(): no further create is sent, those sent are let finish.
 * \par Errors
 * Of each entry (created_host::error): the API's refusals (1037, 6002, 7005, 9000, 9001...),
 * client_errc::invalid_argument, client_errc::outcome_unknown (then matched against the listing
 * like any lost answer), the journal's error, and any error of
 * client::async_create_fixed_period_host().
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe.
 * \par Object lifetimes
 * As async_create_hosts().
 */
template <FINOVY_TOKEN_FOR(std::vector<created_host>) CompletionToken = default_token>
auto async_create_fixed_period_hosts(client& c, std::string_view package_id, std::string_view image_id,
                                     rental_period period, std::size_t count, create_options opts = {},
                                     CompletionToken&& token = {})
{
    return async_create_fixed_period_hosts(c, package_id, image_id, period, count, std::move(opts), call_context{},
                                           std::forward<CompletionToken>(token));
}

/**
 * \brief Creates `count` hosts, then powers each on and waits for it to run (or waits for it to
 * be ready), with per-call settings.
 * \details The same operation as
 * async_create_hosts_and_wait(client&, std::string_view, std::string_view, std::size_t, create_wait_options, CompletionToken&&)
 * (below): its executor, per-operation cancellation, errors and thread safety are those said there.
 * \awaits{std::vector<created_host>}
 * \par Handler signature
 * `void(error_code, std::vector<created_host>)`, as below (with the default token a failure
 * throws instead: `asio::as_tuple(asio::use_awaitable)` keeps the entries).
 * \par Per-call settings
 * `ctx`: its call_options apply to each request of the creates and of the power changes (the
 * hub's polling is shared, and uses the client's); its diagnostics, if any, say why the batch as
 * a whole failed.
 * \par Object lifetimes
 * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
 * must outlive the operation.
 */
template <FINOVY_TOKEN_FOR(std::vector<created_host>) CompletionToken = default_token>
auto async_create_hosts_and_wait(client& c, std::string_view package_id, std::string_view image_id,
                                 std::size_t count, create_wait_options opts, call_context ctx,
                                 CompletionToken&& token = {})
{
    auto create = opts.create;
    return detail::initiate_composed<std::vector<created_host>>(
        c, &detail::start_create_batch, token,
        detail::batch_spec{std::string(package_id), std::string(image_id), count, std::nullopt, std::move(create),
                           std::move(opts)},
        ctx);
}

/**
 * \brief Creates `count` hosts as async_create_hosts() does, then powers each on and waits for it
 * to run (or waits for it to be ready, off) through one watch_hub.
 * \details A round of polling costs O(pages) however many hosts. Each entry's `details` is the host
 * as last seen; an entry whose wait failed keeps its id and outcome `created`, with the wait's
 * error and diagnostics (so it is not ok()). The waits tolerate "host not found" for
 * create_options::not_found_grace: a new host may not be readable at once.
 *
 * \awaits{std::vector<created_host>}
 * \par Handler signature
 * `void(error_code, std::vector<created_host>)` with one entry per requested host. The error_code
 * is set as for async_create_hosts() (with the default token a failure throws instead:
 * `asio::as_tuple(asio::use_awaitable)` keeps the entries).
 * \par Per-call settings
 * None: each request uses the client's options. The overload that takes a call_context sets
 * them, and collects the batch's diagnostics.
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
 * As async_create_hosts(); what create_wait_options::wait's `on_observe` refers to, and
 * create_wait_options::shared_hub, must outlive the operation.
 */
template <FINOVY_TOKEN_FOR(std::vector<created_host>) CompletionToken = default_token>
auto async_create_hosts_and_wait(client& c, std::string_view package_id, std::string_view image_id,
                                 std::size_t count, create_wait_options opts = {}, CompletionToken&& token = {})
{
    return async_create_hosts_and_wait(c, package_id, image_id, count, std::move(opts), call_context{},
                                       std::forward<CompletionToken>(token));
}

/**
 * \brief Creates one pay-as-you-go host, as a batch of one, and returns it, with its options and
 * per-call settings.
 * \details The same operation as
 * async_create_host_resolved(client&, std::string_view, std::string_view, CompletionToken&&)
 * (below), with `opts` for the batch: its executor, per-operation cancellation, errors and
 * thread safety are those said there.
 * \awaits{host}
 * \par Handler signature
 * `void(error_code, host)`, as below.
 * \par Per-call settings
 * `ctx`: its call_options apply to each request (the marker listing, the create, the listing or
 * read that finds the host); its diagnostics, if any, are filled when the operation completes:
 * on failure the create's own (the server's code, msg, HTTP status and traceId).
 * \par Object lifetimes
 * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
 * must outlive the operation. What `opts.journal` points to must outlive it too.
 */
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_create_host_resolved(client& c, std::string_view package_id, std::string_view image_id,
                                create_options opts, call_context ctx, CompletionToken&& token = {})
{
    return detail::initiate_composed<host>(
        c, &detail::start_create_one, token,
        detail::batch_spec{std::string(package_id), std::string(image_id), 1, std::nullopt, std::move(opts), {}}, ctx);
}

/**
 * \brief Creates one pay-as-you-go host, as a batch of one, with per-call settings.
 * \details The same operation as
 * async_create_host_resolved(client&, std::string_view, std::string_view, CompletionToken&&)
 * (below): its executor, per-operation cancellation, errors and thread safety are those said there.
 * \awaits{host}
 * \par Handler signature
 * `void(error_code, host)`, as below.
 * \par Per-call settings
 * `ctx`: its call_options apply to each request; its diagnostics, if any, are filled when the
 * operation completes: on failure the create's own (the server's code, msg, HTTP status and
 * traceId).
 * \par Object lifetimes
 * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
 * must outlive the operation.
 */
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_create_host_resolved(client& c, std::string_view package_id, std::string_view image_id,
                                call_context ctx, CompletionToken&& token = {})
{
    return async_create_host_resolved(c, package_id, image_id, create_options{}, ctx,
                                      std::forward<CompletionToken>(token));
}

/**
 * \brief Creates one pay-as-you-go host, as a batch of one, and returns it as listed (or read,
 * when the server answered its id).
 *
 * \awaits{host}
 * \par Handler signature
 * `void(error_code, host)`; on failure the host is value-initialized, except that its `id` is set
 * when the host was made but could not be read (with the default token a failure throws instead:
 * `asio::as_tuple(asio::use_awaitable)` keeps it).
 * \par Per-call settings
 * None: each request uses the client's options. The overloads that take a call_context set them,
 * and collect the create's diagnostics.
 * \par Executor
 * The handler's associated executor, or else the client's (client::get_executor()).
 * \par Per-operation cancellation
 * `terminal` and `partial`: as async_create_hosts(); completes with
 * `asio::error::operation_aborted`.
 * \par Errors
 * The entry's: the refusal's code, client_errc::outcome_unknown, client_errc::host_not_resolved
 * (made, but it could not be told apart: the diagnostics name the candidates),
 * `asio::error::operation_aborted`; the batch's (the marker listing's error); or the error reading
 * the host whose id the server answered (after create_options::not_found_grace).
 * \par Thread safety
 * As the client's functions: safe to call concurrently on a client with
 * client_options::thread_safe; concurrent calls each get their own host and share rounds.
 * \par Object lifetimes
 * The ids are copied. The operation keeps the client's internals alive.
 */
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_create_host_resolved(client& c, std::string_view package_id, std::string_view image_id,
                                CompletionToken&& token = {})
{
    return async_create_host_resolved(c, package_id, image_id, create_options{}, call_context{},
                                      std::forward<CompletionToken>(token));
}

/**
 * \brief Creates one host, then waits for it, with per-call settings.
 * \details The same operation as
 * async_create_host_and_wait(client&, std::string_view, std::string_view, create_wait_options, CompletionToken&&)
 * (below): its executor, per-operation cancellation, errors and thread safety are those said there.
 * \awaits{host}
 * \par Handler signature
 * `void(error_code, host)`, as below (with the default token a failure throws instead:
 * `asio::as_tuple(asio::use_awaitable)` keeps the host as last seen).
 * \par Per-call settings
 * `ctx`: its call_options apply to each request of the create, the power-on and the polls; its
 * diagnostics, if any, are filled when the operation completes: on failure those of the create or
 * of the wait, whichever failed.
 * \par Object lifetimes
 * As the overload without `ctx`; `ctx`'s call_options are copied, and its diagnostics, if any,
 * must outlive the operation.
 */
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_create_host_and_wait(client& c, std::string_view package_id, std::string_view image_id,
                                create_wait_options opts, call_context ctx, CompletionToken&& token = {})
{
    auto create = opts.create;
    return detail::initiate_composed<host>(c, &detail::start_create_one, token,
                                           detail::batch_spec{std::string(package_id), std::string(image_id), 1,
                                                              std::nullopt, std::move(create), std::move(opts)},
                                           ctx);
}

/**
 * \brief Creates one host as async_create_host_resolved() does, then waits for it to be off
 * (ready), or powers it on and waits for 2 when `opts.target` is running (as
 * async_power_on_and_wait()).
 *
 * \awaits{host}
 * \par Handler signature
 * `void(error_code, host)` with the host as last seen, also on failure (with the default token a
 * failure throws instead: `asio::as_tuple(asio::use_awaitable)` keeps it).
 * \par Per-call settings
 * None: each request uses the client's options. The overload that takes a call_context sets
 * them, and collects the diagnostics of the create or the wait.
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
 * As async_create_hosts(); what `opts.wait.on_observe` refers to must outlive the operation.
 * `opts.hub` and `opts.shared_hub` are not used: one host is polled on its own.
 */
template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
auto async_create_host_and_wait(client& c, std::string_view package_id, std::string_view image_id,
                                create_wait_options opts = {}, CompletionToken&& token = {})
{
    return async_create_host_and_wait(c, package_id, image_id, std::move(opts), call_context{},
                                      std::forward<CompletionToken>(token));
}

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/create.ipp>
#endif

#endif
