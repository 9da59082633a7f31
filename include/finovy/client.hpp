// SPDX-License-Identifier: BSL-1.0
/// \file
/// finovy::client: every endpoint of the Finovy host-rental API as an Asio asynchronous operation.
#ifndef FINOVY_CLIENT_HPP
#define FINOVY_CLIENT_HPP

#include <finovy/call_context.hpp>
#include <finovy/client_options.hpp>
#include <finovy/detail/operations.hpp>
#include <finovy/diagnostics.hpp>
#include <finovy/models.hpp>
#include <finovy/with_diagnostics.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/beast/http/verb.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace finovy {

/// \cond FINOVY_INTERNAL
#define FINOVY_TOKEN_FOR(T) BOOST_ASIO_COMPLETION_TOKEN_FOR(typename detail::result_signature<T>::type)
/// \endcond

/**
 * \brief A client of the Finovy host-rental API: every endpoint as an Asio asynchronous operation.
 *
 * \code
 * asio::awaitable<void> provision(finovy::client& api, std::string host_id)
 * {
 *     auto images = co_await api.async_list_images();
 *     auto packages = co_await api.async_list_packages(finovy::billing_kind::pay_as_you_go);
 *     co_await api.async_power_on(host_id);
 *     finovy::host h = co_await api.async_get_host(host_id);   // throws error_with_diagnostics
 * }
 * \endcode
 *
 * What every `async_*` function of the client has in common is said here once; each function's
 * own sections add what is particular to it.
 *
 * \par Completion tokens
 * Every `async_*` function takes any Asio completion token: `use_awaitable`, `deferred`,
 * `use_future`, a callback, `as_tuple(...)`, `redirect_error(...)`. Its completion signature is
 * `void(error_code, T)`, or `void(error_code)` when the API answers only `true`; on failure `T` is
 * value-initialized. Without a token the default is `with_diagnostics(asio::use_awaitable)`
 * (default_token): `co_await` returns `T` and throws error_with_diagnostics on failure. Each
 * function's "Returns" and "Exceptions" say which `T`, and what each kind of token gives.
 *
 * \par Per-call settings
 * Each function has an overload taking a call_context, which converts from a `diagnostics&`
 * (filled on failure with the server's code, msg and traceId, the HTTP status and the client's
 * explanation) and from call_options (a deadline, an attempt timeout, a number of attempts, the
 * idempotency of the request, the rate governor's lane, for this call only). Each overload is
 * documented for itself: the one with a call_context says what `ctx` does and what must outlive
 * the call, and refers to the one without for the rest.
 *
 * \par Errors
 * Besides the codes each function lists:
 * - the API's codes (api_errc, or any `error_code(code, api_category())`), whatever the HTTP status
 *   they came with;
 * - client_errc::timeout (client_options::attempt_timeout or client_options::deadline ran out),
 *   client_errc::outcome_unknown (a change that may have reached the server was not resent),
 *   client_errc::bad_response, client_errc::body_too_large, client_errc::http_status (an HTTP error
 *   without an API envelope), client_errc::invalid_argument (an id, page or size the API cannot
 *   take: nothing was sent), client_errc::no_credentials (or, with a credential provider, the
 *   error it answered: credentials.hpp), client_errc::shut_down (the client was closed),
 *   client_errc::proxy_refused (the proxy refused the tunnel), client_errc::proxy_error (the proxy
 *   answered 5xx to `CONNECT`: retried, nothing was sent);
 * - the transport's own codes (`asio::error`, `asio::ssl::error`) for failures to resolve, connect
 *   or handshake, a server certificate that is not trusted included;
 * - `asio::error::operation_aborted` when the operation was cancelled.
 *
 * \par Retries
 * One table decides, \retry_table of the guide on retries and mutation safety (it is also behind
 * is_retryable_api_code()):
 * - throttled answers (220025, HTTP 429) are sent again, reads and changes alike (the server did
 *   not act), paced by the rate governor (rate_limit.hpp; with `adaptive` off and no ceiling,
 *   after a backoff), until the deadline, whatever retry_policy::max_attempts says;
 * - 6005 and 7003 ("retry later") are sent again, reads and changes alike;
 * - 1005 ("request in progress"), the codes 500 and 503, HTTP 5xx without an envelope, and
 *   transport errors, timeouts or unreadable answers after the whole request was sent: a read is
 *   sent again; a change (create, power on/off, reboot, delete, disk changes) is not, and fails
 *   with client_errc::outcome_unknown: nothing is bought twice. call_options::idempotent overrides
 *   the operation's own judgement;
 * - a request that was provably not sent in full is sent again, change or not (a proxy's 5xx
 *   answer to `CONNECT` included);
 * - 401 with uuid/secret credentials: a new token is fetched and the request sent once more;
 * - everything else (1001, 1021, 7005, other HTTP 4xx, a certificate refused before the request went
 *   out, a proxy's refusal...) is reported as it is.
 *
 * Retries other than throttled ones wait a backoff (retry_policy), count against
 * retry_policy::max_attempts and are paid from the client's retry budget (retry_budget_options).
 *
 * \par Executor
 * The handler runs on its associated executor, or else on get_executor(); never on one of the
 * client's internal strands, and never inside the initiating function.
 *
 * \par Per-operation cancellation
 * `terminal` and `partial` cancellation are supported by every operation; `total` is not (a
 * request on the wire cannot be recalled) and is ignored. A cancelled operation completes promptly
 * with `asio::error::operation_aborted`; a connection that was mid-request is closed, never
 * returned to the pool. A change cancelled after its request was sent may still take effect: its
 * diagnostics say so.
 *
 * \par Thread safety
 * With client_options::thread_safe (the default) the client's state is guarded and each call runs
 * on a strand: one client may be used by many coroutines on a multi-threaded `io_context`, and
 * every `async_*` function and stats() may be called concurrently. With `thread_safe = false`
 * strands are skipped: the client and every handler of its calls must run on one thread (or one
 * strand), which makes calls markedly cheaper. Moving, closing and destroying the client are never
 * thread-safe. To use many cores, consider an `io_context` and a client (`thread_safe = false`)
 * per thread: with one client shared by four threads, strands and hand-offs between threads cost
 * about as much again as the request itself (benchmarks/README.md).
 *
 * \par Object lifetimes
 * Arguments are copied before the initiating function returns (also with `asio::deferred`); the
 * `diagnostics&` of a call_context must outlive the operation. Operations keep the client's
 * internals alive: destroying the client while calls run is safe (it acts as close()). Calling an
 * `async_*` function of a moved-from client, or starting a wait, listing, create or watch_hub on
 * one, throws `boost::system::system_error` (client_errc::shut_down). No operation blocks the calling thread.
 */
class client
{
public:
    /// The executor given to the constructor: handlers without an executor of their own run there.
    using executor_type = boost::asio::any_io_executor;

    /// \brief Creates a client; nothing is sent until the first call.
    /// \throws std::invalid_argument for options that cannot work: a malformed endpoint, `http://`
    /// without client_options::allow_insecure_http, an unreadable CA file, zero connections or
    /// timeouts. The message never contains a token or a secret.
    FINOVY_DECL client(executor_type ex, client_options opts);

    /// \brief Creates a client running on `ctx.get_executor()`.
    /// \throws std::invalid_argument as the constructor taking an executor.
    template <class ExecutionContext>
        requires std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>
    client(ExecutionContext& ctx, client_options opts) : client(ctx.get_executor(), std::move(opts))
    {
    }

    /// Takes over `other`'s state; `other`'s calls then throw client_errc::shut_down.
    client(client&& other) noexcept : impl_(std::move(other.impl_)), owner_(other.owner_) {}
    /// Closes this client (close()), then takes over `other`'s state.
    client& operator=(client&& other) noexcept
    {
        if (this != &other)
        {
            if (impl_ && owner_)
                close();
            impl_ = std::move(other.impl_);
            owner_ = other.owner_;
        }
        return *this;
    }
    /// Closes the client (close()); operations still running keep its internals alive and end soon.
    FINOVY_DECL ~client();   // close()

    /// The executor handlers run on when they have none of their own.
    FINOVY_DECL executor_type get_executor() const noexcept;
    /// The options the client was created with.
    FINOVY_DECL const client_options& options() const noexcept;
    /// A snapshot of the client's counters (client_stats). Thread-safe.
    FINOVY_DECL client_stats stats() const;

    /// \brief Refuses new calls and fails those waiting for a connection, a send slot or a token
    /// with client_errc::shut_down; calls already talking to the server finish. Idle connections
    /// close. Idempotent; not thread-safe with other calls of close() or the destructor.
    FINOVY_DECL void close();

    // --- Authentication ------------------------------------------------------------------

    /**
     * \brief Fetches a token: `POST v1/auth/getToken` with client_options::uuid and secret.
     * \details The client does this by itself when it needs a token (one fetch at a time, however
     * many calls wait); call it to check the credentials or a token's lifetime. The token it
     * returns is not the one the client uses.
     *
     * \awaits{token_info}
     * \par Handler signature
     * `void(error_code, token_info)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`.
     * \par Errors
     * client_errc::no_credentials without uuid and secret (nothing is sent); and those of every call
     * (see client).
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * Nothing of the caller's is referred to once the function returns.
     */
    template <FINOVY_TOKEN_FOR(token_info) CompletionToken = default_token>
    auto async_get_token(CompletionToken&& token = {});

    /**
     * \brief Fetches a token, with per-call settings: `POST v1/auth/getToken` with client_options::uuid
     * and secret.
     * \details The same request as async_get_token(CompletionToken&&): its executor, per-operation
     * cancellation, errors and thread safety are those said there.
     * \awaits{token_info}
     * \par Handler signature
     * `void(error_code, token_info)`.
     * \ctx_call
     * \par Object lifetimes
     * `ctx`'s call_options are copied; its diagnostics, if any, must outlive the operation.
     */
    template <FINOVY_TOKEN_FOR(token_info) CompletionToken = default_token>
    auto async_get_token(call_context ctx, CompletionToken&& token = {});

    // --- Catalog -------------------------------------------------------------------------

    /**
     * \brief Lists the operating-system images: `GET v1/pve/open/image`.
     *
     * \awaits{std::vector<image>}
     * \par Handler signature
     * `void(error_code, std::vector<image>)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`.
     * \par Errors
     * Those of every call (see client). A read: retried as \retry_table says.
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * Nothing of the caller's is referred to once the function returns.
     */
    template <FINOVY_TOKEN_FOR(std::vector<image>) CompletionToken = default_token>
    auto async_list_images(CompletionToken&& token = {});

    /**
     * \brief Lists the operating-system images, with per-call settings: `GET v1/pve/open/image`.
     * \details The same request as async_list_images(CompletionToken&&): its executor, per-operation
     * cancellation, errors and thread safety are those said there.
     * \awaits{std::vector<image>}
     * \par Handler signature
     * `void(error_code, std::vector<image>)`.
     * \ctx_call
     * \par Object lifetimes
     * `ctx`'s call_options are copied; its diagnostics, if any, must outlive the operation.
     */
    template <FINOVY_TOKEN_FOR(std::vector<image>) CompletionToken = default_token>
    auto async_list_images(call_context ctx, CompletionToken&& token = {});

    /**
     * \brief Lists the host packages usable for `kind`: `GET v1/pve/open/packAge/{type}`.
     *
     * \awaits{std::vector<host_package>}
     * \par Handler signature
     * `void(error_code, std::vector<host_package>)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`.
     * \par Errors
     * client_errc::invalid_argument for a `kind` the API does not list; and those of every call
     * (see client). A read: retried as \retry_table says.
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * Nothing of the caller's is referred to once the function returns.
     */
    template <FINOVY_TOKEN_FOR(std::vector<host_package>) CompletionToken = default_token>
    auto async_list_packages(billing_kind kind, CompletionToken&& token = {});

    /**
     * \brief Lists the host packages usable for `kind`, with per-call settings:
     * `GET v1/pve/open/packAge/{type}`.
     * \details The same request as async_list_packages(billing_kind, CompletionToken&&): its executor,
     * per-operation cancellation, errors and thread safety are those said there.
     * \awaits{std::vector<host_package>}
     * \par Handler signature
     * `void(error_code, std::vector<host_package>)`.
     * \ctx_call
     * \par Object lifetimes
     * `ctx`'s call_options are copied; its diagnostics, if any, must outlive the operation.
     */
    template <FINOVY_TOKEN_FOR(std::vector<host_package>) CompletionToken = default_token>
    auto async_list_packages(billing_kind kind, call_context ctx, CompletionToken&& token = {});

    // --- Hosts -----------------------------------------------------------------------------

    /**
     * \brief Creates a pay-as-you-go host: `POST v1/pve/open/createquantity`.
     * \details The seed documents answer only `true`, so the handler gets `std::nullopt`; a server
     * that answers the new host's id (the newer vendor page) gives it. To learn the id either way,
     * use async_create_host_resolved() or async_create_hosts() (create.hpp). The image's type must
     * equal the package's.
     *
     * \awaits{std::optional<std::string>}
     * \par Handler signature
     * `void(error_code, std::optional<std::string> host_id)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a create
     * already sent may still happen (the diagnostics say so).
     * \par Errors
     * Among the API's: 1037 (real name required), 6002 (insufficient resources), 7005 (the image's
     * type is not the package's); 6005 (creation pending) and throttling are retried. A change: never
     * resent once it may have reached the server, client_errc::outcome_unknown instead.
     * client_errc::operation_rejected when the server answers `false`; client_errc::invalid_argument
     * for a malformed id; and those of every call (see client).
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * The ids are copied before the function returns; nothing else of the caller's is referred to.
     */
    template <FINOVY_TOKEN_FOR(std::optional<std::string>) CompletionToken = default_token>
    auto async_create_pay_as_you_go_host(std::string_view package_id, std::string_view image_id,
                                         CompletionToken&& token = {});

    /**
     * \brief Creates a pay-as-you-go host, with per-call settings: `POST v1/pve/open/createquantity`.
     * \details The same request as
     * async_create_pay_as_you_go_host(std::string_view, std::string_view, CompletionToken&&): its
     * executor, per-operation cancellation, errors and thread safety are those said there.
     * \awaits{std::optional<std::string>}
     * \par Handler signature
     * `void(error_code, std::optional<std::string> host_id)`.
     * \ctx_call
     * \par Object lifetimes
     * The ids and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive the
     * operation.
     */
    template <FINOVY_TOKEN_FOR(std::optional<std::string>) CompletionToken = default_token>
    auto async_create_pay_as_you_go_host(std::string_view package_id, std::string_view image_id, call_context ctx,
                                         CompletionToken&& token = {});

    /**
     * \brief Creates a fixed-period host, paid up front (price x period): `POST v1/pve/open/createRent`.
     *
     * \awaits{std::string}
     * \par Handler signature
     * `void(error_code, std::string host_id)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a create
     * already sent may still happen (the diagnostics say so).
     * \par Errors
     * Among the API's: 1037, 6002, 7005, 9000 (wallet error), 9001 (insufficient balance); 6005 and
     * throttling are retried. A change: never resent once it may have reached the server,
     * client_errc::outcome_unknown instead. client_errc::invalid_argument for a malformed id or a
     * period without a count or a known unit; and those of every call (see client).
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * The ids and the period are copied before the function returns; nothing else of the caller's is
     * referred to.
     */
    template <FINOVY_TOKEN_FOR(std::string) CompletionToken = default_token>
    auto async_create_fixed_period_host(std::string_view package_id, std::string_view image_id, rental_period period,
                                        CompletionToken&& token = {});

    /**
     * \brief Creates a fixed-period host, paid up front (price x period), with per-call settings:
     * `POST v1/pve/open/createRent`.
     * \details The same request as
     * async_create_fixed_period_host(std::string_view, std::string_view, rental_period, CompletionToken&&):
     * its executor, per-operation cancellation, errors and thread safety are those said there.
     * \awaits{std::string}
     * \par Handler signature
     * `void(error_code, std::string host_id)`.
     * \ctx_call
     * \par Object lifetimes
     * The ids, the period and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must
     * outlive the operation.
     */
    template <FINOVY_TOKEN_FOR(std::string) CompletionToken = default_token>
    auto async_create_fixed_period_host(std::string_view package_id, std::string_view image_id, rental_period period,
                                        call_context ctx, CompletionToken&& token = {});

    /**
     * \brief Powers a host on: `GET v1/pve/open/operate/{id}?type=1`.
     * \details Completes when the server accepts; the host then goes 0 -> 1 -> 2. To wait for it,
     * see async_power_on_and_wait() (wait.hpp) or a watch_hub.
     *
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a request
     * already sent may still take effect (the diagnostics say so).
     * \par Errors
     * Among the API's: 1021 (no such host), 1037, 6000 (booting), 6001 (shutting down), 6002
     * (insufficient resources), 6003 (wallet below one hour).
     * A change: never resent once it may have reached the server, client_errc::outcome_unknown
     * instead. client_errc::operation_rejected when the server answers `false`;
     * client_errc::invalid_argument for a malformed id; and those of every call (see client).
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `host_id` is copied before the function returns; nothing else of the caller's is referred to.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_power_on(std::string_view host_id, CompletionToken&& token = {});

    /**
     * \brief Powers a host on, with per-call settings: `GET v1/pve/open/operate/{id}?type=1`.
     * \details The same request as async_power_on(std::string_view, CompletionToken&&): its executor,
     * per-operation cancellation, errors and thread safety are those said there.
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \ctx_call
     * \par Object lifetimes
     * `host_id` and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive the
     * operation.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_power_on(std::string_view host_id, call_context ctx, CompletionToken&& token = {});

    /**
     * \brief Powers a host off: `GET v1/pve/open/operate/{id}?type=0`.
     * \details Completes when the server accepts; the host then goes 2 -> 4 -> 0. To wait for it,
     * see async_power_off_and_wait() (wait.hpp) or a watch_hub.
     *
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a request
     * already sent may still take effect (the diagnostics say so).
     * \par Errors
     * Among the API's: 1021, 6000, 6001. A change: never resent once it may have reached the server,
     * client_errc::outcome_unknown instead. client_errc::operation_rejected when the server answers
     * `false`; client_errc::invalid_argument for a malformed id; and those of every call (see client).
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `host_id` is copied before the function returns; nothing else of the caller's is referred to.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_power_off(std::string_view host_id, CompletionToken&& token = {});

    /**
     * \brief Powers a host off, with per-call settings: `GET v1/pve/open/operate/{id}?type=0`.
     * \details The same request as async_power_off(std::string_view, CompletionToken&&): its executor,
     * per-operation cancellation, errors and thread safety are those said there.
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \ctx_call
     * \par Object lifetimes
     * `host_id` and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive the
     * operation.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_power_off(std::string_view host_id, call_context ctx, CompletionToken&& token = {});

    /**
     * \brief Reboots a running host: `GET v1/pve/open/reboot/{id}`; it then goes 2 -> 1 -> 2.
     * \details To wait for it, see async_reboot_and_wait() (wait.hpp) or a watch_hub.
     *
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a request
     * already sent may still take effect (the diagnostics say so).
     * \par Errors
     * Among the API's: 1021, 7002 (never started), 7004 (not running); 7003 (unavailable, retry
     * later) is retried. A change: never resent once it may have reached the server,
     * client_errc::outcome_unknown instead. client_errc::operation_rejected when the server answers
     * `false`; client_errc::invalid_argument for a malformed id; and those of every call (see client).
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `host_id` is copied before the function returns; nothing else of the caller's is referred to.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_reboot(std::string_view host_id, CompletionToken&& token = {});

    /**
     * \brief Reboots a running host, with per-call settings: `GET v1/pve/open/reboot/{id}`; it then
     * goes 2 -> 1 -> 2.
     * \details The same request as async_reboot(std::string_view, CompletionToken&&): its executor,
     * per-operation cancellation, errors and thread safety are those said there.
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \ctx_call
     * \par Object lifetimes
     * `host_id` and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive the
     * operation.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_reboot(std::string_view host_id, call_context ctx, CompletionToken&& token = {});

    /**
     * \brief Reads one host: `GET v1/pve/open/one/{id}`.
     *
     * \awaits{host}
     * \par Handler signature
     * `void(error_code, host)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`.
     * \par Errors
     * api_errc::host_not_found (1021); client_errc::invalid_argument for a malformed id; and those
     * of every call (see client). A read: retried as \retry_table says.
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `host_id` is copied before the function returns; nothing else of the caller's is referred to.
     */
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_get_host(std::string_view host_id, CompletionToken&& token = {});

    /**
     * \brief Reads one host, with per-call settings: `GET v1/pve/open/one/{id}`.
     * \details The same request as async_get_host(std::string_view, CompletionToken&&): its executor,
     * per-operation cancellation, errors and thread safety are those said there.
     * \awaits{host}
     * \par Handler signature
     * `void(error_code, host)`.
     * \ctx_call
     * \par Object lifetimes
     * `host_id` and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive the
     * operation.
     */
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_get_host(std::string_view host_id, call_context ctx, CompletionToken&& token = {});

    /**
     * \brief Reads one page of the account's hosts, newest first: `GET v1/pve/open/mypage`.
     * \details `page` counts from 1; `page_size` is 1 to 25. For every host, see
     * async_list_all_hosts() or host_pager (listing.hpp).
     *
     * \awaits{host_page}
     * \par Handler signature
     * `void(error_code, host_page)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`.
     * \par Errors
     * client_errc::invalid_argument for a page below 1 or a size outside 1 to 25 (nothing is sent);
     * and those of every call (see client). A read: retried as \retry_table says.
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * Nothing of the caller's is referred to once the function returns.
     */
    template <FINOVY_TOKEN_FOR(host_page) CompletionToken = default_token>
    auto async_list_hosts(int page, int page_size, CompletionToken&& token = {});

    /**
     * \brief Reads one page of the account's hosts, newest first, with per-call settings:
     * `GET v1/pve/open/mypage`.
     * \details The same request as async_list_hosts(int, int, CompletionToken&&): its executor,
     * per-operation cancellation, errors and thread safety are those said there.
     * \awaits{host_page}
     * \par Handler signature
     * `void(error_code, host_page)`.
     * \ctx_call
     * \par Object lifetimes
     * `ctx`'s call_options are copied; its diagnostics, if any, must outlive the operation.
     */
    template <FINOVY_TOKEN_FOR(host_page) CompletionToken = default_token>
    auto async_list_hosts(int page, int page_size, call_context ctx, CompletionToken&& token = {});

    /**
     * \brief Deletes a host: `DELETE v1/pve/open/delete/{id}`.
     *
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a request
     * already sent may still take effect (the diagnostics say so).
     * \par Errors
     * Among the API's: 1021, 6000, 6001. A change: never resent once it may have reached the server,
     * client_errc::outcome_unknown instead. client_errc::operation_rejected when the server answers
     * `false`; client_errc::invalid_argument for a malformed id; and those of every call (see client).
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `host_id` is copied before the function returns; nothing else of the caller's is referred to.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_delete_host(std::string_view host_id, CompletionToken&& token = {});

    /**
     * \brief Deletes a host, with per-call settings: `DELETE v1/pve/open/delete/{id}`.
     * \details The same request as async_delete_host(std::string_view, CompletionToken&&): its
     * executor, per-operation cancellation, errors and thread safety are those said there.
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \ctx_call
     * \par Object lifetimes
     * `host_id` and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive the
     * operation.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_delete_host(std::string_view host_id, call_context ctx, CompletionToken&& token = {});

    // --- Cloud disks -------------------------------------------------------------------------

    /**
     * \brief Creates cloud disks: `POST v1/PveMachineHardDisk/open/create`.
     *
     * \awaits{std::string}
     * \par Handler signature
     * `void(error_code, std::string disk_id)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a create
     * already sent may still happen (the diagnostics say so).
     * \par Errors
     * Among the API's: 1021, 1037, 6003, and the disk codes 2200xx (see api_errc). A change: never resent
     * once it may have reached the server, client_errc::outcome_unknown instead.
     * client_errc::invalid_argument for an unknown area, a size or count below 1 or a malformed
     * host id; and those of every call (see client).
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `req` is copied before the function returns; nothing else of the caller's is referred to.
     */
    template <FINOVY_TOKEN_FOR(std::string) CompletionToken = default_token>
    auto async_create_disk(const disk_create_request& req, CompletionToken&& token = {});

    /**
     * \brief Creates cloud disks, with per-call settings: `POST v1/PveMachineHardDisk/open/create`.
     * \details The same request as async_create_disk(const disk_create_request&, CompletionToken&&):
     * its executor, per-operation cancellation, errors and thread safety are those said there.
     * \awaits{std::string}
     * \par Handler signature
     * `void(error_code, std::string disk_id)`.
     * \ctx_call
     * \par Object lifetimes
     * `req` and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive the
     * operation.
     */
    template <FINOVY_TOKEN_FOR(std::string) CompletionToken = default_token>
    auto async_create_disk(const disk_create_request& req, call_context ctx, CompletionToken&& token = {});

    /**
     * \brief Mounts a waiting disk on a host that is off: `POST v1/PveMachineHardDisk/open/pveCreate`.
     * \details Asynchronous on the server: the disk goes 0 -> 1 -> 2. To wait for it, see
     * async_wait_for_disk_status() (wait.hpp).
     *
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a request
     * already sent may still take effect (the diagnostics say so).
     * \par Errors
     * Among the API's: 1021, 220001, 220002, 220009, 220010, 220012, 220016 to 220018, 220024
     * (see api_errc). A change: never resent once it may have reached the server, client_errc::outcome_unknown
     * instead. client_errc::operation_rejected when the server answers `false`;
     * client_errc::invalid_argument for a malformed id; and those of every call (see client).
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * The ids are copied before the function returns; nothing else of the caller's is referred to.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_mount_disk(std::string_view disk_id, std::string_view host_id, CompletionToken&& token = {});

    /**
     * \brief Mounts a waiting disk on a host that is off, with per-call settings:
     * `POST v1/PveMachineHardDisk/open/pveCreate`.
     * \details The same request as
     * async_mount_disk(std::string_view, std::string_view, CompletionToken&&): its executor,
     * per-operation cancellation, errors and thread safety are those said there.
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \ctx_call
     * \par Object lifetimes
     * The ids and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive the
     * operation.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_mount_disk(std::string_view disk_id, std::string_view host_id, call_context ctx,
                          CompletionToken&& token = {});

    /**
     * \brief Reads one page of cloud disks, filtered: `POST v1/PveMachineHardDisk/open/getList`.
     * \details For every disk, see async_list_all_disks() (listing.hpp).
     *
     * \awaits{disk_page}
     * \par Handler signature
     * `void(error_code, disk_page)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`.
     * \par Errors
     * client_errc::invalid_argument for a page below 1, a size outside 1 to 100 or a malformed host
     * id (nothing is sent); and those of every call (see client). A read: retried as \retry_table says.
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `req` is copied before the function returns; nothing else of the caller's is referred to.
     */
    template <FINOVY_TOKEN_FOR(disk_page) CompletionToken = default_token>
    auto async_list_disks(const disk_list_request& req, CompletionToken&& token = {});

    /**
     * \brief Reads one page of cloud disks, filtered, with per-call settings:
     * `POST v1/PveMachineHardDisk/open/getList`.
     * \details The same request as async_list_disks(const disk_list_request&, CompletionToken&&): its
     * executor, per-operation cancellation, errors and thread safety are those said there.
     * \awaits{disk_page}
     * \par Handler signature
     * `void(error_code, disk_page)`.
     * \ctx_call
     * \par Object lifetimes
     * `req` and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive the
     * operation.
     */
    template <FINOVY_TOKEN_FOR(disk_page) CompletionToken = default_token>
    auto async_list_disks(const disk_list_request& req, call_context ctx, CompletionToken&& token = {});

    /**
     * \brief Reads one cloud disk: `GET v1/PveMachineHardDisk/open/info/{id}`.
     *
     * \awaits{disk}
     * \par Handler signature
     * `void(error_code, disk)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`.
     * \par Errors
     * api_errc::disk_not_found (220001); client_errc::invalid_argument for a malformed id; and those
     * of every call (see client). A read: retried as \retry_table says.
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `disk_id` is copied before the function returns; nothing else of the caller's is referred to.
     */
    template <FINOVY_TOKEN_FOR(disk) CompletionToken = default_token>
    auto async_get_disk(std::string_view disk_id, CompletionToken&& token = {});

    /**
     * \brief Reads one cloud disk, with per-call settings: `GET v1/PveMachineHardDisk/open/info/{id}`.
     * \details The same request as async_get_disk(std::string_view, CompletionToken&&): its executor,
     * per-operation cancellation, errors and thread safety are those said there.
     * \awaits{disk}
     * \par Handler signature
     * `void(error_code, disk)`.
     * \ctx_call
     * \par Object lifetimes
     * `disk_id` and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive the
     * operation.
     */
    template <FINOVY_TOKEN_FOR(disk) CompletionToken = default_token>
    auto async_get_disk(std::string_view disk_id, call_context ctx, CompletionToken&& token = {});

    /**
     * \brief Unmounts a disk in use from a host that is off: `PUT v1/PveMachineHardDisk/open/updateStatus`
     * with status "0".
     * \details Asynchronous on the server: the disk goes 2 -> 0. To wait for it, see
     * async_wait_for_disk_status() (wait.hpp).
     *
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a request
     * already sent may still take effect (the diagnostics say so).
     * \par Errors
     * Among the API's: 220001, 220006 (already unmounted), 220007, 220009 (host not off), 220016.
     * A change:
     * never resent once it may have reached the server, client_errc::outcome_unknown instead.
     * client_errc::operation_rejected when the server answers `false`; client_errc::invalid_argument
     * for a malformed id; and those of every call (see client).
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `disk_id` is copied before the function returns; nothing else of the caller's is referred to.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_unmount_disk(std::string_view disk_id, CompletionToken&& token = {});

    /**
     * \brief Unmounts a disk in use from a host that is off, with per-call settings:
     * `PUT v1/PveMachineHardDisk/open/updateStatus` with status "0".
     * \details The same request as async_unmount_disk(std::string_view, CompletionToken&&): its
     * executor, per-operation cancellation, errors and thread safety are those said there.
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \ctx_call
     * \par Object lifetimes
     * `disk_id` and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive the
     * operation.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_unmount_disk(std::string_view disk_id, call_context ctx, CompletionToken&& token = {});

    /**
     * \brief Destroys (returns) a waiting disk: `PUT v1/PveMachineHardDisk/open/updateStatus` with
     * status "5".
     * \details Asynchronous on the server: the disk goes 0 -> 4 -> gone. To wait for it, see
     * async_wait_for_disk_gone() (wait.hpp).
     *
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a request
     * already sent may still take effect (the diagnostics say so).
     * \par Errors
     * Among the API's: 220001, 220022 (only a waiting disk can be destroyed). A change: never resent
     * once it may have reached the server, client_errc::outcome_unknown instead.
     * client_errc::operation_rejected when the server answers `false`; client_errc::invalid_argument
     * for a malformed id; and those of every call (see client).
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `disk_id` is copied before the function returns; nothing else of the caller's is referred to.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_destroy_disk(std::string_view disk_id, CompletionToken&& token = {});

    /**
     * \brief Destroys (returns) a waiting disk, with per-call settings:
     * `PUT v1/PveMachineHardDisk/open/updateStatus` with status "5".
     * \details The same request as async_destroy_disk(std::string_view, CompletionToken&&): its
     * executor, per-operation cancellation, errors and thread safety are those said there.
     * \awaits_void
     * \par Handler signature
     * `void(error_code)`.
     * \ctx_call
     * \par Object lifetimes
     * `disk_id` and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must outlive the
     * operation.
     */
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_destroy_disk(std::string_view disk_id, call_context ctx, CompletionToken&& token = {});

    /**
     * \brief Reads the GB of cloud disks in an area: `GET v1/PveMachineHardDisk/open/memoryTotal/{area}`.
     *
     * \awaits{std::int64_t}
     * \par Handler signature
     * `void(error_code, std::int64_t gb)`.
     * \plain_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`.
     * \par Errors
     * client_errc::invalid_argument for an area the API does not list; and those of every call
     * (see client). A read: retried as \retry_table says.
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * Nothing of the caller's is referred to once the function returns.
     */
    template <FINOVY_TOKEN_FOR(std::int64_t) CompletionToken = default_token>
    auto async_get_disk_usage(area a, CompletionToken&& token = {});

    /**
     * \brief Reads the GB of cloud disks in an area, with per-call settings:
     * `GET v1/PveMachineHardDisk/open/memoryTotal/{area}`.
     * \details The same request as async_get_disk_usage(area, CompletionToken&&): its executor,
     * per-operation cancellation, errors and thread safety are those said there.
     * \awaits{std::int64_t}
     * \par Handler signature
     * `void(error_code, std::int64_t gb)`.
     * \ctx_call
     * \par Object lifetimes
     * `ctx`'s call_options are copied; its diagnostics, if any, must outlive the operation.
     */
    template <FINOVY_TOKEN_FOR(std::int64_t) CompletionToken = default_token>
    auto async_get_disk_usage(area a, call_context ctx, CompletionToken&& token = {});

    // --- Anything else -------------------------------------------------------------------------

    /**
     * \brief Sends any request through the client's pool and timeouts, without interpreting the
     * answer: for endpoints this SDK does not cover yet, or a simulator's `/__sim/stats`.
     * \details `target` is a path below the endpoint, with its query (it must start with '/', without
     * spaces or control characters); `body` goes with `Content-Type: application/json` (when not
     * empty, and always for POST and PUT); `with_token` adds the access token. Every complete answer
     * is handed over as it is, so only transport failures are retried: a request not sent in full,
     * and, for GET and HEAD only, one that may have reached the server. This API changes things with
     * GETs too: set call_options::idempotent to `false` for those.
     *
     * \awaits{raw_response}
     * \par Handler signature
     * `void(error_code, raw_response)`. Any complete HTTP answer is a success, whatever its status
     * (its status and body are in the raw_response).
     * \ctx_call
     * \par Executor
     * The handler's associated executor, or else get_executor().
     * \par Per-operation cancellation
     * `terminal` and `partial`: completes promptly with `asio::error::operation_aborted`; a request
     * already sent may still take effect.
     * \par Errors
     * client_errc::invalid_argument for a malformed target; client_errc::outcome_unknown for a
     * request that may not be resent; client_errc::body_too_large; the transport's codes;
     * client_errc::timeout. Retried only as said above (\retry_table applies to transport failures
     * alone).
     * \par Thread safety
     * Safe to call concurrently on a client with client_options::thread_safe.
     * \par Object lifetimes
     * `target`, `body` and `ctx`'s call_options are copied; `ctx`'s diagnostics, if any, must
     * outlive the operation.
     */
    template <FINOVY_TOKEN_FOR(raw_response) CompletionToken = default_token>
    auto async_request(boost::beast::http::verb method, std::string_view target, std::string_view body,
                       bool with_token, call_context ctx, CompletionToken&& token = {});

private:
    friend struct detail::client_access;
    client(std::shared_ptr<detail::client_impl> impl, bool owner) noexcept : impl_(std::move(impl)), owner_(owner) {}

    template <class T, class Start, class CompletionToken, class... Args>
    auto initiate(call_context ctx, Start start, CompletionToken&& token, Args&&... args);

    std::shared_ptr<detail::client_impl> impl_;
    bool owner_ = true;   // false for the library's internal views: they never close the client
};

/// \cond FINOVY_INTERNAL
namespace detail {
struct client_access
{
    // Composed operations start here: a moved-from client throws system_error(shut_down), as its
    // own calls do, instead of handing out a null state.
    static const std::shared_ptr<client_impl>& impl(const client& c)
    {
        if (!c.impl_)
            throw_moved_from();
        return c.impl_;
    }
    // A handle on the same client that does not close it when destroyed.
    static client view(std::shared_ptr<client_impl> impl) noexcept { return client(std::move(impl), false); }
};
}   // namespace detail
/// \endcond

}   // namespace finovy

#include <finovy/impl/client.hpp>

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/client.ipp>
#endif

#endif
