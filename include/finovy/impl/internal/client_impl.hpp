// SPDX-License-Identifier: BSL-1.0
// The shared state behind a finovy::client: options, the transport, the connection pool, the
// token, the rate governor, the retry budget, counters. Calls hold it by shared_ptr, so it
// outlives the client object while they run.
#ifndef FINOVY_IMPL_INTERNAL_CLIENT_IMPL_HPP
#define FINOVY_IMPL_INTERNAL_CLIENT_IMPL_HPP

#include <finovy/client_options.hpp>
#include <finovy/impl/internal/call_fsm.hpp>
#include <finovy/impl/internal/connection.hpp>
#include <finovy/impl/internal/pool_state.hpp>
#include <finovy/impl/internal/rate_control.hpp>
#include <finovy/impl/internal/request.hpp>
#include <finovy/impl/internal/server_clock.hpp>
#include <finovy/impl/internal/transport.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace finovy::detail {

// One call of the credential provider. The handler given to the provider owns only `answer`: the
// provider may keep it past the io_context, so it holds no I/O object. The timer that abandons the
// call past the client's deadline lives in provider_call, owned by the client and by its own wait.
struct provider_answer
{
    std::atomic<bool> over{false};       // answered, abandoned or closed: whichever comes first
    asio::cancellation_signal cancel;    // emitted (on the call's strand) when abandoned
};

struct provider_call
{
    explicit provider_call(const asio::any_io_executor& ex)
        : strand(asio::make_strand(ex)), timer(strand), answer(std::make_shared<provider_answer>())
    {
    }
    asio::strand<asio::any_io_executor> strand;   // the timer's and the cancellation's
    asio::steady_timer timer;
    std::shared_ptr<provider_answer> answer;
};

class client_impl : public std::enable_shared_from_this<client_impl>
{
public:
    // Throws std::invalid_argument for options that cannot work (see client's constructor).
    client_impl(asio::any_io_executor ex, client_options opts);
    ~client_impl();

    // Runs one call to completion. A connection and a send slot taken when the call started (see
    // launch) are in op->first and op->slot_taken: the coroutine then runs on that connection's
    // executor.
    static asio::awaitable<error_code> run(std::shared_ptr<client_impl> self, std::shared_ptr<op_state> op);

    void close();
    client_stats stats();

    // Gives `e` to client_options::events, if set (callers test opts.events first, so as to build
    // nothing for nobody). An exception of the hook is swallowed.
    void emit(const client_event& e) const noexcept;

    const asio::any_io_executor executor;
    const client_options opts;
    transport net;
    std::atomic<std::uint64_t> calls{0};

    // The server's clock, as the answers' Date headers tell (server_clock.hpp); nullopt until an
    // answer had one.
    std::optional<server_clock<>::bounds> server_time(std::chrono::system_clock::time_point local);

    // State a composed operation keeps per client (create.hpp's rounds), made by `make` the first
    // time `key` is asked for. The client knows nothing of it but that it lives as long as itself.
    template <class T, class Make>
    std::shared_ptr<T> attachment(const void* key, Make make)
    {
        std::lock_guard lk(attachments_mtx_);
        for (auto& [k, p] : attachments_)
            if (k == key)
                return std::static_pointer_cast<T>(p);
        std::shared_ptr<T> made = make();
        attachments_.emplace_back(key, made);
        return made;
    }

    connection_ptr acquire_now();            // null: must wait
    void give_back(connection_ptr c);        // a connection taken but not used
    bool token_now(std::string& out);        // false: must fetch or wait
    bool try_send_slot();                    // false: must wait (send_slot)
    // Grows each time the rate governor slows down: a send slot granted under an older value
    // is not used (a call that got one while the pool kept it waiting asks again).
    std::uint64_t slot_epoch() const noexcept { return slowed_.load(std::memory_order_acquire); }

    // Tests: make connections' wires with `f` (before any call).
    void set_wire_factory(wire_factory f, void* context) noexcept { net.set_wire_factory(f, context); }

private:
    // The retry budget and the rate governor, as a call consults them (call_fsm.hpp).
    struct policy final : call_policy
    {
        explicit policy(client_impl& owner) : c(owner) {}
        // FINOVY_DECL: header-only, inline, so the vtable is emitted only where a policy is made.
        FINOVY_DECL bool paced() const override;
        FINOVY_DECL int spend_retry(bool after_timeout) override;
        client_impl& c;
    };

    call_fsm<>::settings call_settings(const op_state& op, steady_clock::time_point deadline) const;
    error_code ending(op_state& op, const call_fsm<>& fsm, const call_fsm<>::action& a) const;
    asio::awaitable<call_fsm<>::action> try_once(op_state& op, call_fsm<>& fsm, connection_ptr conn,
                                                  bool on_its_strand, std::string_view token,
                                                  steady_clock::time_point deadline);
    call_fsm<>::action after_attempt(op_state& op, call_fsm<>& fsm, attempt_result& r, std::string_view token,
                                     steady_clock::time_point began, bool cancelled);
    void learn(const attempt_result& r, steady_clock::time_point began, steady_clock::time_point now);
    asio::awaitable<bool> sleep_until(steady_clock::time_point until, diagnostics& diag);
    asio::awaitable<attempt_result> attempt_on_strand(connection& c, const request_spec& spec, std::string_view token,
                                                      steady_clock::time_point deadline, bool look);
    asio::awaitable<error_code> acquire(connection_ptr& out, steady_clock::time_point deadline, diagnostics& diag);
    error_code queue_for_connection(connection_waiter& w, connection_ptr& out);   // out set: no wait
    error_code finish_waiting(connection_waiter& w, connection_ptr& out, bool cancelled, diagnostics& diag);
    void release(connection_ptr c, bool reusable);
    connection_ptr new_connection() { return net.make_connection(executor, opts.thread_safe); }

    // Send slots of the rate governor.
    asio::awaitable<error_code> send_slot(bool background, steady_clock::time_point deadline, diagnostics& diag);
    void dispatch_slots();
    error_code no_slot(diagnostics& diag, steady_clock::time_point now) const;
    void expire_held();

    // The end of a call: its statistics and its call_ended event. Returns `ec`.
    error_code finish_call(op_state& op, error_code ec) noexcept;
    void emit_attempt_events(const op_state& op, const attempt_result& r, int attempt, std::chrono::microseconds latency,
                             bool will_retry) const;

    asio::awaitable<error_code> token_for(std::string& out, steady_clock::time_point deadline, diagnostics& diag);
    error_code queue_for_token(token_waiter& w, std::string& out, bool& queued);
    error_code finish_token_wait(token_waiter& w, std::string& out, bool cancelled, diagnostics& diag);
    void start_token_fetch();
    void fetch_token_with(const std::string& uuid, std::string_view secret, steady_clock::time_point started);
    void ask_provider(steady_clock::time_point started);
    void provided(error_code ec, provided_credentials c, steady_clock::time_point started);
    // `life` unset: the token is used until the server refuses it.
    void finish_token_fetch(error_code ec, const std::string& token, std::optional<std::chrono::milliseconds> life,
                            steady_clock::time_point started, const diagnostics& diag);
    void invalidate_token(const std::string& used);

    std::mutex mtx_;                     // guards the pool and the token
    pool_state<connection, connection_waiter> pool_;
    bool closed_ = false;
    std::uint64_t releases_ = 0;
    // token
    std::string token_;
    steady_clock::time_point token_refresh_at_{}, token_expires_{};
    bool token_fetching_ = false;
    bool token_rejected_ = false;        // the server refused the provider's last token
    std::shared_ptr<provider_call> provider_call_;   // the latest
    std::list<token_waiter*> token_waiters_;

    // The rate governor and the retry budget (rate_limit.hpp).
    std::mutex gov_mtx_;                 // guards what follows
    rate_control<> rate_;
    std::atomic<bool> rate_limited_{false};   // rate_.limited(), readable without the lock
    std::atomic<bool> gated_{false};          // rate_.gated(), likewise
    std::atomic<std::uint64_t> slowed_{0};     // rate_.decreases(), likewise
    retry_budget budget_;
    std::list<slot_waiter*> foreground_, background_;
    asio::strand<asio::any_io_executor> gov_strand_;
    asio::steady_timer dispatch_timer_;  // on gov_strand_
    bool dispatch_scheduled_ = false;
    policy policy_{*this};

    std::atomic<std::uint64_t> attempts_{0}, retries_{0}, fetches_{0};

    std::mutex clock_mtx_;               // guards server_clock_
    server_clock<> server_clock_;
    void note_date(const attempt_result& r);

    std::mutex attachments_mtx_;
    std::vector<std::pair<const void*, std::shared_ptr<void>>> attachments_;

    // Per operation: calls ended, errors, latency histogram (stats.hpp). Atomics, so that a call's
    // end takes no lock.
    struct operation_counters
    {
        std::atomic<std::uint64_t> calls{0}, errors{0}, latency_sum_us{0};
        std::array<std::atomic<std::uint64_t>, latency_bounds.size() + 1> latency{};
    };
    std::array<operation_counters, operation_count> per_operation_;
};

}   // namespace finovy::detail

#endif
