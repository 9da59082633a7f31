// The shared state behind a finovy::client: options, the connection pool, the token, counters.
// Calls hold it by shared_ptr, so it outlives the client object while they run.
#ifndef FINOVY_DETAIL_CLIENT_IMPL_HPP
#define FINOVY_DETAIL_CLIENT_IMPL_HPP

#include <finovy/client_options.hpp>
#include <finovy/detail/async_mutex.hpp>
#include <finovy/detail/connection.hpp>
#include <finovy/detail/endpoint.hpp>
#include <finovy/detail/pool_state.hpp>
#include <finovy/detail/request.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

typedef struct ssl_session_st SSL_SESSION;

namespace finovy::detail {

using steady_clock = std::chrono::steady_clock;

// What one attempt produced.
struct attempt_result
{
    error_code ec;
    bool delivered = false;          // the whole request was written
    bool reusable = false;           // the connection may serve another request
    bool reused = false;             // it was a kept-alive connection
    bool unchecked = false;          // ... used without the stale check
    unsigned http_status = 0;
    int api_code = 0;
    std::string api_msg, trace_id;
    std::string detail;              // the client's explanation
    std::chrono::milliseconds retry_after{0};
};

struct retry_state
{
    int attempt = 1;
    bool renewed = false;   // a token was renewed for this call already
    bool free_retry_used = false;   // a hot connection was found dead once already
};

class client_impl : public std::enable_shared_from_this<client_impl>
{
public:
    // Throws std::invalid_argument for options that cannot work (see client's constructor).
    client_impl(asio::any_io_executor ex, client_options opts);
    ~client_impl();

    // Runs one call to completion. `first`, if any, is a connection acquired when the call started:
    // the coroutine then runs on that connection's executor.
    static asio::awaitable<error_code> run(std::shared_ptr<client_impl> self, std::shared_ptr<op_state> op,
                                           connection_ptr first);

    void close();
    client_stats stats();

    const asio::any_io_executor executor;
    const client_options opts;
    endpoint ep;
    std::atomic<std::uint64_t> calls{0};
    async_mutex creation_lock;           // id-resolving creates, one at a time (watch.hpp)

    connection_ptr acquire_now();            // null: must wait
    bool token_now(std::string& out);        // false: must fetch or wait

private:
    struct next_step
    {
        bool done = false;
        error_code result;
        bool renew = false;
        std::chrono::milliseconds wait{0};
    };
    next_step after_attempt(op_state& op, attempt_result& r, retry_state& rs, steady_clock::time_point began,
                            steady_clock::time_point deadline, bool cancelled);
    asio::awaitable<next_step> try_once(op_state& op, connection_ptr conn, bool on_its_strand, std::string_view token,
                                        retry_state& rs, steady_clock::time_point deadline);
    asio::awaitable<bool> sleep_before_retry(std::chrono::milliseconds wait, diagnostics& diag);
    asio::awaitable<attempt_result> attempt_on_strand(connection& c, const request_spec& spec, std::string_view token,
                                                      steady_clock::time_point deadline);
    asio::awaitable<error_code> acquire(connection_ptr& out, steady_clock::time_point deadline, diagnostics& diag);
    error_code queue_for_connection(connection_waiter& w, connection_ptr& out);   // out set: no wait
    error_code finish_waiting(connection_waiter& w, connection_ptr& out, bool cancelled, diagnostics& diag);
    void release(connection_ptr c, bool reusable);
    void give_back(connection_ptr c);
    asio::awaitable<error_code> token_for(std::string& out, steady_clock::time_point deadline, diagnostics& diag);
    void start_token_fetch();
    void invalidate_token(const std::string& used);
    asio::awaitable<attempt_result> attempt(connection& c, const request_spec& spec, std::string_view token,
                                            steady_clock::time_point deadline);
    asio::awaitable<void> connect(connection& c, attempt_result& r);
    // Resolves the endpoint's name and caches the addresses; may outlive the attempt that asked.
    static asio::awaitable<std::tuple<error_code, std::vector<asio::ip::tcp::endpoint>>>
    look_up(std::shared_ptr<client_impl> self, asio::any_io_executor ex);
    asio::awaitable<void> exchange(connection& c, const request_spec& spec, attempt_result& r);
    // Decodes the answer in c.body into spec.out, or says in r why it cannot.
    void interpret(connection& c, const request_spec& spec, attempt_result& r);
    void build_request(connection& c, const request_spec& spec, std::string_view token);
    void save_session(SSL* ssl);

    std::shared_ptr<asio::ssl::context> ssl_;
    std::string server_name_;            // SNI and certificate check

    std::mutex mtx_;                     // guards what follows
    pool_state<connection, connection_waiter> pool_;
    std::vector<asio::ip::tcp::endpoint> resolved_;
    SSL_SESSION* session_ = nullptr;
    bool closed_ = false;
    std::uint64_t releases_ = 0;
    // token
    std::string token_;
    steady_clock::time_point token_refresh_at_{}, token_expires_{};
    bool token_fetching_ = false;
    std::list<token_waiter*> token_waiters_;

    std::atomic<std::uint64_t> attempts_{0}, retries_{0}, opened_{0}, full_{0}, resumed_{0}, stale_{0}, fetches_{0};
};

}   // namespace finovy::detail

#endif
