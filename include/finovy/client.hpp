// finovy::client: every endpoint of the Finovy host-rental API as an Asio asynchronous operation.
//
//     asio::awaitable<void> provision(finovy::client& api)
//     {
//         auto images = co_await api.async_list_images();
//         auto packages = co_await api.async_list_packages(finovy::billing_kind::pay_as_you_go);
//         co_await api.async_power_on(host_id);
//         finovy::host h = co_await api.async_get_host(host_id);   // throws error_with_diagnostics
//     }
//
// Completion tokens. Every async_* function takes any Asio completion token: use_awaitable,
// deferred, use_future, a callback, as_tuple(...), redirect_error(...). Its completion signature
// is void(error_code, T), or void(error_code) when the API answers only `true`. Without a token
// the default is with_diagnostics(asio::use_awaitable): `co_await` returns T and throws
// error_with_diagnostics on failure. On failure T is value-initialized.
//
// Diagnostics. Each function has an overload taking a call_context, which converts from a
// finovy::diagnostics& (filled with the server's code, msg, traceId, the HTTP status and the
// client's explanation, on failure) and from call_options (per-call timeouts and attempts).
//
// Errors. api_errc (the envelope's code, whatever the HTTP status), client_errc (timeout,
// outcome_unknown, bad_response, body_too_large, http_status, invalid_argument, ...), and the
// transport's own codes (asio::error, asio::ssl::error) for failures to connect or handshake.
//
// Retries. Reads are retried on transport errors, unreadable answers, HTTP 429/5xx and the codes
// that ask for it (1005, 6005, 7003, 220025, 500, 503). Creates, power changes, reboots,
// deletions and disk changes are retried only when the server provably did not act (the request
// was not fully sent, or it answered 429/1005/6005/7003/220025); once such a request may have
// reached the server, a failure completes with client_errc::outcome_unknown and it is not resent:
// nothing is bought twice. A 401 fetches a new token (uuid/secret credentials) and tries once more.
//
// Per-operation cancellation. Terminal and partial cancellation are supported by every
// operation (total is not: a request on the wire cannot be recalled). A cancelled operation
// completes promptly with asio::error::operation_aborted; a connection that was mid-request is
// closed, never returned to the pool. A cancelled create or power change may still have
// happened: the diagnostics say so.
//
// Executors and threads. The client's shared state (pool, token, counters) is guarded by a mutex.
// With client_options::thread_safe (the default), each connection's I/O runs on a strand of its
// own and each call on a strand (its connection's, when one is free at once), and its handler is
// invoked through its associated executor, as usual in Asio. So one client may be used by many
// coroutines on a multi-threaded io_context at once: every async_* function and stats() are
// thread-safe. With thread_safe = false, strands are skipped: the client and every handler of its
// calls must then run on one thread (or one strand), which makes calls markedly cheaper.
// Moving, closing and destroying the client are never thread-safe. To use many cores, consider
// an io_context and a client (thread_safe = false) per thread: with one client shared by four
// threads, strands and hand-offs between threads cost about as much again as the request itself
// (benchmarks/README.md).
//
// Lifetimes. Arguments are copied; a diagnostics& must outlive its operation. Operations keep
// the client's internals alive: destroying the client while calls run is safe (it acts as
// close()). No operation blocks the calling thread.
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

#define FINOVY_TOKEN_FOR(T) BOOST_ASIO_COMPLETION_TOKEN_FOR(typename detail::result_signature<T>::type)

class client
{
public:
    using executor_type = boost::asio::any_io_executor;

    // Throws std::invalid_argument for options that cannot work: a malformed endpoint, http://
    // without allow_insecure_http, an unreadable CA file, zero connections or timeouts.
    // The message never contains a token or a secret.
    FINOVY_DECL client(executor_type ex, client_options opts);

    template <class ExecutionContext>
        requires std::is_convertible_v<ExecutionContext&, boost::asio::execution_context&>
    client(ExecutionContext& ctx, client_options opts) : client(ctx.get_executor(), std::move(opts))
    {
    }

    client(client&& other) noexcept : impl_(std::move(other.impl_)), owner_(other.owner_) {}
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
    FINOVY_DECL ~client();   // close()

    FINOVY_DECL executor_type get_executor() const noexcept;
    FINOVY_DECL const client_options& options() const noexcept;
    FINOVY_DECL client_stats stats() const;

    // Refuses new calls and fails those waiting for a connection or a token with
    // client_errc::shut_down; calls already talking to the server finish. Idle connections close.
    FINOVY_DECL void close();

    // --- Authentication ------------------------------------------------------------------
    // POST v1/auth/getToken with the configured uuid and secret. The client does this by itself
    // when it needs a token; call it to check credentials or a token's lifetime.
    // Handler: void(error_code, token_info). No credentials: client_errc::no_credentials.
    template <FINOVY_TOKEN_FOR(token_info) CompletionToken = default_token>
    auto async_get_token(CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(token_info) CompletionToken = default_token>
    auto async_get_token(call_context ctx, CompletionToken&& token = {});

    // --- Catalog -------------------------------------------------------------------------
    // GET v1/pve/open/image. Handler: void(error_code, std::vector<image>).
    template <FINOVY_TOKEN_FOR(std::vector<image>) CompletionToken = default_token>
    auto async_list_images(CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(std::vector<image>) CompletionToken = default_token>
    auto async_list_images(call_context ctx, CompletionToken&& token = {});

    // GET v1/pve/open/packAge/{type}: the packages usable for `kind`.
    // Handler: void(error_code, std::vector<host_package>).
    template <FINOVY_TOKEN_FOR(std::vector<host_package>) CompletionToken = default_token>
    auto async_list_packages(billing_kind kind, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(std::vector<host_package>) CompletionToken = default_token>
    auto async_list_packages(billing_kind kind, call_context ctx, CompletionToken&& token = {});

    // --- Hosts -----------------------------------------------------------------------------
    // POST v1/pve/open/createquantity: a pay-as-you-go host. The documents answer only `true`,
    // so the handler gets std::nullopt; a server that answers the id gives it.
    // (watch.hpp's async_create_host_resolved finds the new host's id.) Never resent once it may
    // have reached the server. Errors include 1037, 6002, 6005 (retried), 7005.
    // Handler: void(error_code, std::optional<std::string>).
    template <FINOVY_TOKEN_FOR(std::optional<std::string>) CompletionToken = default_token>
    auto async_create_pay_as_you_go_host(std::string_view package_id, std::string_view image_id,
                                         CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(std::optional<std::string>) CompletionToken = default_token>
    auto async_create_pay_as_you_go_host(std::string_view package_id, std::string_view image_id, call_context ctx,
                                         CompletionToken&& token = {});

    // POST v1/pve/open/createRent: a fixed-period host, paid up front (price x period).
    // Errors include 1037, 6002, 6005 (retried), 7005, 9000, 9001. Never resent once it may
    // have reached the server. Handler: void(error_code, std::string host_id).
    template <FINOVY_TOKEN_FOR(std::string) CompletionToken = default_token>
    auto async_create_fixed_period_host(std::string_view package_id, std::string_view image_id, rental_period period,
                                        CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(std::string) CompletionToken = default_token>
    auto async_create_fixed_period_host(std::string_view package_id, std::string_view image_id, rental_period period,
                                        call_context ctx, CompletionToken&& token = {});

    // GET v1/pve/open/operate/{id}?type=1|0. Completes when the server accepts; the host then
    // goes 0 -> 1 -> 2 (or 2 -> 4 -> 0): see watch.hpp to wait for it. Errors include 1021,
    // 6000, 6001, 6002, 6003. Never resent once it may have reached the server.
    // Handler: void(error_code).
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_power_on(std::string_view host_id, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_power_on(std::string_view host_id, call_context ctx, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_power_off(std::string_view host_id, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_power_off(std::string_view host_id, call_context ctx, CompletionToken&& token = {});

    // GET v1/pve/open/reboot/{id}: 2 -> 1 -> 2. Errors include 7002, 7003 (retried), 7004.
    // Handler: void(error_code).
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_reboot(std::string_view host_id, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_reboot(std::string_view host_id, call_context ctx, CompletionToken&& token = {});

    // GET v1/pve/open/one/{id}. Errors include 1021. Handler: void(error_code, host).
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_get_host(std::string_view host_id, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(host) CompletionToken = default_token>
    auto async_get_host(std::string_view host_id, call_context ctx, CompletionToken&& token = {});

    // GET v1/pve/open/mypage: one page (number >= 1, 1 <= size <= 25) of the account's hosts.
    // watch.hpp has async_list_all_hosts. Handler: void(error_code, host_page).
    template <FINOVY_TOKEN_FOR(host_page) CompletionToken = default_token>
    auto async_list_hosts(int page, int page_size, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(host_page) CompletionToken = default_token>
    auto async_list_hosts(int page, int page_size, call_context ctx, CompletionToken&& token = {});

    // DELETE v1/pve/open/delete/{id}. Errors include 1021, 6000, 6001, and operation_rejected
    // when the server answers false. Handler: void(error_code).
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_delete_host(std::string_view host_id, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_delete_host(std::string_view host_id, call_context ctx, CompletionToken&& token = {});

    // --- Cloud disks -------------------------------------------------------------------------
    // POST v1/PveMachineHardDisk/open/create. Errors: 1037, 6003, 2200xx (see api_errc).
    // Never resent once it may have reached the server. Handler: void(error_code, std::string disk_id).
    template <FINOVY_TOKEN_FOR(std::string) CompletionToken = default_token>
    auto async_create_disk(const disk_create_request& req, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(std::string) CompletionToken = default_token>
    auto async_create_disk(const disk_create_request& req, call_context ctx, CompletionToken&& token = {});

    // POST v1/PveMachineHardDisk/open/pveCreate: mount a waiting disk on a host that is off.
    // Asynchronous on the server: the disk goes 0 -> 1 -> 2. Handler: void(error_code).
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_mount_disk(std::string_view disk_id, std::string_view host_id, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_mount_disk(std::string_view disk_id, std::string_view host_id, call_context ctx,
                          CompletionToken&& token = {});

    // POST v1/PveMachineHardDisk/open/getList: one page (size <= 100), filtered.
    // Handler: void(error_code, disk_page).
    template <FINOVY_TOKEN_FOR(disk_page) CompletionToken = default_token>
    auto async_list_disks(const disk_list_request& req, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(disk_page) CompletionToken = default_token>
    auto async_list_disks(const disk_list_request& req, call_context ctx, CompletionToken&& token = {});

    // GET v1/PveMachineHardDisk/open/info/{id}. Errors include 220001. Handler: void(error_code, disk).
    template <FINOVY_TOKEN_FOR(disk) CompletionToken = default_token>
    auto async_get_disk(std::string_view disk_id, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(disk) CompletionToken = default_token>
    auto async_get_disk(std::string_view disk_id, call_context ctx, CompletionToken&& token = {});

    // PUT v1/PveMachineHardDisk/open/updateStatus with status "0": unmount a disk in use from a
    // host that is off; asynchronous (2 -> 0). Errors include 220006, 220009. Handler: void(error_code).
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_unmount_disk(std::string_view disk_id, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_unmount_disk(std::string_view disk_id, call_context ctx, CompletionToken&& token = {});

    // The same with status "5": destroy a waiting disk; asynchronous (0 -> 4 -> gone).
    // Errors include 220022. Handler: void(error_code).
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_destroy_disk(std::string_view disk_id, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(void) CompletionToken = default_token>
    auto async_destroy_disk(std::string_view disk_id, call_context ctx, CompletionToken&& token = {});

    // GET v1/PveMachineHardDisk/open/memoryTotal/{area}: GB of disks in the area.
    // Handler: void(error_code, std::int64_t).
    template <FINOVY_TOKEN_FOR(std::int64_t) CompletionToken = default_token>
    auto async_get_disk_usage(area a, CompletionToken&& token = {});
    template <FINOVY_TOKEN_FOR(std::int64_t) CompletionToken = default_token>
    auto async_get_disk_usage(area a, call_context ctx, CompletionToken&& token = {});

    // --- Anything else -------------------------------------------------------------------------
    // A request to `target` (a path below the endpoint, with its query) through the same pool,
    // retries (for GET only) and timeouts, without interpreting the answer: for endpoints this
    // SDK does not cover yet, or a simulator's /__sim/stats. `with_token` adds the access token.
    // Handler: void(error_code, raw_response); any HTTP status is a success.
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

}   // namespace finovy

#include <finovy/impl/client.hpp>

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/client.ipp>
#endif

#endif
