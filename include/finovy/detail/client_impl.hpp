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
    unsigned http_status = 0;
    int api_code = 0;
    std::string api_msg, trace_id;
    std::string detail;              // the client's explanation
    std::chrono::milliseconds retry_after{0};
};

class client_impl : public std::enable_shared_from_this<client_impl>
{
public:
    // Throws std::invalid_argument for options that cannot work (see client's constructor).
    client_impl(asio::any_io_executor ex, client_options opts);
    ~client_impl();

    // Runs one call to completion on the calling coroutine's strand.
    static asio::awaitable<error_code> run(std::shared_ptr<client_impl> self, std::shared_ptr<op_state> op);

    void close();
    client_stats stats();

    const asio::any_io_executor executor;
    const client_options opts;
    endpoint ep;
    std::atomic<std::uint64_t> calls{0};
    async_mutex creation_lock;           // id-resolving creates, one at a time (watch.hpp)

private:
    asio::awaitable<error_code> acquire(connection_ptr& out, steady_clock::time_point deadline, diagnostics& diag);
    void release(connection_ptr c, bool reusable);
    asio::awaitable<error_code> token_for(std::string& out, steady_clock::time_point deadline, diagnostics& diag);
    void start_token_fetch();
    void invalidate_token(const std::string& used);
    asio::awaitable<attempt_result> attempt(connection& c, const request_spec& spec, std::string_view token,
                                            steady_clock::time_point deadline);
    asio::awaitable<void> connect(connection& c, attempt_result& r, steady_clock::time_point deadline);
    template <class Stream>
    asio::awaitable<void> exchange(Stream& s, connection& c, const request_spec& spec, attempt_result& r,
                                   steady_clock::time_point deadline);
    void interpret(std::string& body, connection& c, const request_spec& spec, attempt_result& r);
    void build_request(connection& c, const request_spec& spec, std::string_view token);
    void save_session(tls_stream& s);

    std::shared_ptr<asio::ssl::context> ssl_;
    std::string server_name_;            // SNI and certificate check

    std::mutex mtx_;                     // guards what follows
    pool_state<connection, connection_waiter> pool_;
    std::vector<asio::ip::tcp::endpoint> resolved_;
    SSL_SESSION* session_ = nullptr;
    bool closed_ = false;
    // token
    std::string token_;
    steady_clock::time_point token_refresh_at_{}, token_expires_{};
    bool token_fetching_ = false;
    std::list<token_waiter*> token_waiters_;

    std::atomic<std::uint64_t> attempts_{0}, retries_{0}, opened_{0}, full_{0}, resumed_{0}, stale_{0}, fetches_{0};
};

}   // namespace finovy::detail

#endif
