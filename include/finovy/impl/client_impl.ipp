// SPDX-License-Identifier: BSL-1.0
// A client's calls: attempts and what they mean, the pool and the rate governor
// (impl/internal/client_impl.hpp). The token is client_token.ipp's; the bytes of an attempt are the
// transport's (transport.ipp).
#ifndef FINOVY_IMPL_CLIENT_IMPL_IPP
#define FINOVY_IMPL_CLIENT_IMPL_IPP

#include <finovy/impl/internal/client_helpers.hpp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/call_fsm.hpp>
#include <finovy/impl/internal/retry.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>

#include <stdexcept>

namespace finovy::detail {

using namespace client_helpers;

// -------------------------------------------------------------------------------------------------
// Construction

FINOVY_DECL client_impl::client_impl(asio::any_io_executor ex, client_options o)
    : executor(std::move(ex)),
      opts(std::move(o)),
      net(opts),
      pool_(opts.max_connections, opts.idle_timeout),
      rate_(opts.rate_limit),
      budget_(opts.retry_budget),
      gov_strand_(asio::make_strand(executor)),
      dispatch_timer_(gov_strand_)
{
    auto bad = [](const std::string& what) { throw std::invalid_argument("finovy::client: " + what); };
    if (!header_safe(opts.access_token))
        bad("the access token has characters an HTTP header cannot carry");
    if (opts.credentials && (!opts.access_token.empty() || !opts.uuid.empty() || !opts.secret.empty()))
        bad("set either a credential provider or access_token, uuid and secret, not both");
    if (!header_safe(opts.user_agent))
        bad("the user agent has characters an HTTP header cannot carry");
    if (opts.max_connections == 0)
        bad("max_connections must be at least 1");
    if (opts.attempt_timeout.count() <= 0 || opts.deadline.count() <= 0 || opts.idle_timeout.count() <= 0)
        bad("timeouts must be positive");
    if (opts.retry.max_attempts < 1)
        bad("retry.max_attempts must be at least 1");
    if (opts.max_response_body < 1024)
        bad("max_response_body must be at least 1024 bytes");
    if (!(opts.rate_limit.max_requests_per_second >= 0))
        bad("rate_limit.max_requests_per_second must not be negative");
    if (opts.retry_budget.capacity < 0 || opts.retry_budget.retry_cost < 0 || opts.retry_budget.timeout_cost < 0)
        bad("the retry budget's capacity and costs must not be negative");
    rate_limited_ = rate_.limited();
    gated_ = rate_.gated();
}

FINOVY_DECL client_impl::~client_impl() { close(); }

FINOVY_DECL void client_impl::close()
{
    std::vector<connection_ptr> discard;   // closed after the locks are released
    std::vector<connection_waiter*> waiters;
    {
        std::lock_guard lk(mtx_);
        if (closed_)
            return;
        closed_ = true;
        pool_.close(discard, waiters);
        for (auto* w : waiters)
            w->fulfil(client_errc::shut_down, {});
        for (auto* w : token_waiters_)
        {
            w->queued = false;
            w->fulfil(client_errc::shut_down, {});
        }
        token_waiters_.clear();
        if (provider_call_ && !provider_call_->answer->over.exchange(true))
            asio::post(provider_call_->strand, [pc = provider_call_] {
                pc->timer.cancel();
                pc->answer->cancel.emit(asio::cancellation_type::terminal);
            });
        provider_call_.reset();
    }
    {
        std::lock_guard lk(gov_mtx_);
        for (auto* q : {&foreground_, &background_})
        {
            for (auto* w : *q)
            {
                w->queued = false;
                w->fulfil(client_errc::shut_down, false);
            }
            q->clear();
        }
    }
    // The dispatcher's timer holds the client: it must not sleep on to the next slot. (From the
    // destructor there is none pending: it would have kept the client alive.)
    if (auto self = weak_from_this().lock())
        asio::post(gov_strand_, [self] { self->dispatch_timer_.cancel(); });
}

FINOVY_DECL client_stats client_impl::stats()
{
    client_stats s;
    s.calls = calls.load();
    s.attempts = attempts_.load();
    s.retries = retries_.load();
    s.connections_opened = net.opened.load();
    s.handshakes_full = net.full.load();
    s.handshakes_resumed = net.resumed.load();
    s.stale_connections = net.stale.load();
    s.token_fetches = fetches_.load();
    {
        std::lock_guard lk(mtx_);
        s.connections_idle = pool_.idle();
        s.connections_busy = pool_.busy();
        s.waiting_for_connection = pool_.waiting();
    }
    std::lock_guard lk(gov_mtx_);
    s.rate_limit = rate_.rate();
    s.throttled = rate_.throttled();
    s.waiting_to_send = foreground_.size();
    s.waiting_to_send_background = background_.size();
    s.retry_budget = budget_.tokens();
    s.retries_denied = budget_.denied();
    for (std::size_t i = 0; i < operation_count; ++i)
    {
        const auto& from = per_operation_[i];
        auto& to = s.operations[i];
        to.calls = from.calls.load(std::memory_order_relaxed);
        to.errors = from.errors.load(std::memory_order_relaxed);
        to.latency_sum = std::chrono::microseconds(from.latency_sum_us.load(std::memory_order_relaxed));
        for (std::size_t b = 0; b < to.latency.size(); ++b)
            to.latency[b] = from.latency[b].load(std::memory_order_relaxed);
    }
    return s;
}

// -------------------------------------------------------------------------------------------------
// One call: call_fsm.hpp decides, this drives it: slot, connection, token, attempt, and again.

// The client's retry budget and rate governor, as a call consults them.
FINOVY_DECL bool client_impl::policy::paced() const { return c.rate_limited_.load(std::memory_order_relaxed); }

FINOVY_DECL int client_impl::policy::spend_retry(bool after_timeout)
{
    std::lock_guard lk(c.gov_mtx_);
    return c.budget_.try_spend(after_timeout) ? c.budget_.cost(after_timeout) : -1;
}

// Long on purpose: one switch over call_fsm's steps in one coroutine frame (a coroutine per step
// would allocate a frame per step of every call). Kept lean otherwise: thousands of calls may wait
// here at once, and a frame holds every local of its body; the rarer work is in plain functions.
FINOVY_DECL asio::awaitable<error_code> client_impl::run(std::shared_ptr<client_impl> self, std::shared_ptr<op_state> op)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    co_await asio::this_coro::reset_cancellation_state(asio::enable_partial_cancellation());
    connection_ptr conn = std::move(op->first);   // on whose strand this coroutine runs
    bool slot = op->slot_taken, on_its_strand = conn != nullptr;
    std::uint64_t epoch = op->slot_epoch;
    const auto deadline = saturating_deadline(steady_clock::now(), op->call.deadline.value_or(self->opts.deadline));
    if (self->opts.events)
        self->emit(call_started_event{operation_name(op->spec.op), op->tag, op->call.background});
    if (!op->spec.invalid.empty())
    {
        if (conn)
            self->give_back(std::move(conn));
        diagnostics_access::set_client_message(op->diag, op->spec.invalid);
        co_return self->finish_call(*op, op->spec.invalid_code);
    }
    call_fsm<> fsm(self->call_settings(*op, deadline));
    std::string token;
    for (auto a = fsm.start();;)
    {
        switch (a.step)
        {
        case call_step::take_slot:
            if (std::exchange(slot, false) || (epoch = self->slot_epoch(), self->try_send_slot()))
                a = fsm.on_slot({});
            else
            {
                if (conn)   // never hold a connection while waiting for a slot
                    self->give_back(std::move(conn));
                auto ec = co_await self->send_slot(op->call.background, deadline, op->diag);
                epoch = self->slot_epoch();
                a = fsm.on_slot(ec);
            }
            break;
        case call_step::take_connection:
            if (!conn)
            {
                on_its_strand = false;
                conn = self->acquire_now();
            }
            if (!conn)
            {
                auto ec = co_await self->acquire(conn, deadline, op->diag);
                if (ec)
                {
                    a = fsm.on_connection(ec);
                    break;
                }
            }
            // A slot granted before the governor last slowed down is not used.
            a = fsm.on_connection({}, self->slot_epoch() != epoch);
            if (a.step == call_step::take_slot)
                self->give_back(std::move(conn));
            break;
        case call_step::read_token:   // now, as the request is about to be written
            a = fsm.on_token(!op->spec.needs_token || self->token_now(token));
            break;
        case call_step::fetch_token:
        {
            self->give_back(std::move(conn));   // the fetch may need it
            auto ec = co_await self->token_for(token, deadline, op->diag);
            a = fsm.on_token_fetched(ec);
            break;
        }
        case call_step::attempt:
            a = co_await self->try_once(*op, fsm, std::move(conn), on_its_strand, token, deadline);
            break;
        case call_step::sleep:
        {
            const bool cancelled = co_await self->sleep_until(a.until, op->diag);
            a = cancelled ? fsm.on_cancelled(fsm.attempts() > 0) : fsm.on_slept();
            break;
        }
        case call_step::done:
            if (conn)
                self->give_back(std::move(conn));
            co_return self->finish_call(*op, self->ending(*op, fsm, a));
        }
    }
}

FINOVY_DECL call_fsm<>::settings client_impl::call_settings(const op_state& op, steady_clock::time_point deadline) const
{
    call_fsm<>::settings s;
    s.max_attempts = op.call.max_attempts.value_or(opts.retry.max_attempts);
    s.resend_safe = op.call.idempotent.value_or(op.spec.resend_safe);
    s.can_renew = opts.access_token.empty();
    s.retry = opts.retry;
    s.deadline = deadline;
    return s;
}

// The call's last words: its diagnostics say why it ended so.
FINOVY_DECL error_code client_impl::ending(op_state& op, const call_fsm<>& fsm, const call_fsm<>::action& a) const
{
    using access = diagnostics_access;
    auto& diag = op.diag;
    access::set_attempts(diag, fsm.attempts());
    auto said = [&](const char* what) {
        access::set_client_message(
            diag, (diag.client_message().empty() ? fsm.last_error().message() : std::string(diag.client_message())) +
                      what);
    };
    switch (a.why)
    {
    case call_end::outcome_unknown: said("; the request may have reached the server, so it was not resent"); break;
    case call_end::budget_denied:
        said("; not retried: the client's retry budget is spent (the server fails broadly)");
        break;
    case call_end::cancelled_after_send:
        access::set_client_message(diag, "cancelled after the request was sent: its outcome is unknown");
        break;
    default: break;
    }
    return a.ec;
}

// One attempt and what follows from it. A coroutine of its own so that the attempt's state
// lives only while it runs, not in the frame of every call waiting for a connection.
FINOVY_DECL asio::awaitable<call_fsm<>::action> client_impl::try_once(op_state& op, call_fsm<>& fsm,
                                                                      connection_ptr conn, bool on_its_strand,
                                                                      std::string_view token,
                                                                      steady_clock::time_point deadline)
{
    auto& spec = op.spec;
    spec.out = op.result_storage();
    const auto began = steady_clock::now();
    {
        std::lock_guard lk(gov_mtx_);   // until answers measure the rate, what is sent does
        rate_.on_send(began);
    }
    const auto attempt_deadline =
        std::min(saturating_deadline(began, op.call.attempt_timeout.value_or(opts.attempt_timeout)), deadline);
    // A connection used a moment ago is hot: had the server closed it, a request that may be
    // resent is simply tried again on a new one, so the socket is not asked. Requests that must
    // not be resent always ask. (What is buffered already is judged either way.)
    const bool resend_safe = op.call.idempotent.value_or(spec.resend_safe);
    const bool look = !(resend_safe && began - conn->idle_since < std::chrono::milliseconds(1));
    // On the connection's strand when the client is shared by threads; else right here.
    // (Not a ?: of two co_awaits: GCC 12 miscompiles that.)
    attempt_result r;
    if (opts.thread_safe && !on_its_strand)
        r = co_await attempt_on_strand(*conn, spec, token, attempt_deadline, look);
    else
        r = co_await net.attempt(*conn, spec, token, attempt_deadline, look);
    release(std::move(conn), r.reusable);
    attempts_++;
    op.attempts++;
    const bool cancelled = is_cancelled((co_await asio::this_coro::cancellation_state).cancelled());
    co_return after_attempt(op, fsm, r, token, began, cancelled);
}

// What the attempt teaches the governor and the budget, what the call does next, the attempt's
// diagnostics and events.
FINOVY_DECL call_fsm<>::action client_impl::after_attempt(op_state& op, call_fsm<>& fsm, attempt_result& r,
                                                          std::string_view token, steady_clock::time_point began,
                                                          bool cancelled)
{
    const auto now = steady_clock::now();
    if (r.date)
        note_date(r);
    if (r.http_status != 0)
        learn(r, began, now);   // first: a throttle that starts the pacing is paced, not also backed off
    call_fsm<>::action next;
    if (cancelled)
        next = fsm.on_cancelled(r.delivered);
    else
    {
        const bool renewed = fsm.renewed();
        attempt_summary a{r.ec, r.delivered, r.http_status, r.api_code, r.retry_after, r.reused, r.unchecked};
        next = fsm.on_attempt(a, policy_, now, std::uniform_real_distribution<double>(0, 1)(jitter_rng()));
        if (!renewed && fsm.renewed())
            invalidate_token(std::string(token));
    }
    if (!r.ec)
    {
        std::lock_guard lk(gov_mtx_);
        budget_.on_success(fsm.budget_spent());
    }
    else
    {
        diagnostics_access::set_api(op.diag, r.api_code, std::move(r.api_msg), r.trace_id);
        diagnostics_access::set_http_status(op.diag, r.http_status);
        diagnostics_access::set_client_message(op.diag, std::move(r.detail));
    }
    op.last_http_status = r.http_status;
    op.last_api_code = r.api_code;
    if (opts.observer || opts.events)
    {
        if (opts.events)
            op.last_trace_id = r.trace_id;
        emit_attempt_events(op, r, fsm.attempts(), std::chrono::duration_cast<std::chrono::microseconds>(now - began),
                            next.step != call_step::done);
    }
    if (next.step != call_step::done)
        retries_++;
    return next;
}

// A complete answer: the governor learns the server's pace. Only a throttled answer (the retry
// table's word) slows it down or holds it for its Retry-After.
FINOVY_DECL void client_impl::learn(const attempt_result& r, steady_clock::time_point began,
                                    steady_clock::time_point now)
{
    const bool throttled = classify(attempt_outcome{r.ec, r.delivered, r.http_status, r.api_code}) == failure_kind::throttled;
    std::lock_guard lk(gov_mtx_);
    rate_.on_answer(began, now, throttled, std::chrono::duration_cast<steady_clock::duration>(r.retry_after));
    rate_limited_.store(rate_.limited(), std::memory_order_relaxed);
    gated_.store(rate_.gated(), std::memory_order_relaxed);
    slowed_.store(rate_.decreases(), std::memory_order_release);
}

// Sleeps until `until`; true when the call was cancelled meanwhile.
FINOVY_DECL asio::awaitable<bool> client_impl::sleep_until(steady_clock::time_point until, diagnostics& diag)
{
    asio::steady_timer t(co_await asio::this_coro::executor, until);
    auto [ec] = co_await t.async_wait(as_tuple_awaitable);
    if (ec || is_cancelled((co_await asio::this_coro::cancellation_state).cancelled()))
    {
        diagnostics_access::set_client_message(diag, "cancelled while waiting to try again");
        co_return true;
    }
    co_return false;
}

namespace client_helpers {
// Cancellation of an attempt that runs on a connection's strand, owned by the attempt.
struct strand_attempt
{
    asio::cancellation_signal cancel;
};
}   // namespace client_helpers

FINOVY_DECL asio::awaitable<attempt_result> client_impl::attempt_on_strand(connection& c, const request_spec& spec,
                                                                          std::string_view token,
                                                                          steady_clock::time_point deadline, bool look)
{
    // Like co_await co_spawn(c.exec, attempt(...)), but cancellation reaches the attempt through
    // a signal it owns: co_spawn's own forwarding can fire after the awaiting coroutine resumed
    // and destroyed it, when the connection's strand is busy with another call.
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr, attempt_result)>(
        [this, &c, &spec, token, deadline, look](auto handler) {
            auto st = std::make_shared<strand_attempt>();
            forward_cancellation(handler, st, c.exec);
            auto back = asio::get_associated_executor(handler, c.exec);
            asio::co_spawn(c.exec, net.attempt(c, spec, token, deadline, look),
                           asio::bind_cancellation_slot(
                               st->cancel.slot(),
                               [st, back, h = std::move(handler)](std::exception_ptr e, attempt_result r) mutable {
                                   asio::dispatch(back, [h = std::move(h), e, r = std::move(r)]() mutable {
                                       std::move(h)(e, std::move(r));
                                   });
                               }));
        },
        asio::use_awaitable);
}

// -------------------------------------------------------------------------------------------------
// The server's clock

FINOVY_DECL void client_impl::note_date(const attempt_result& r)
{
    std::lock_guard lk(clock_mtx_);
    server_clock_.on_answer(r.sent_at, r.received_at, *r.date);
    net.want_date.store(server_clock_.wants_sample(r.received_at), std::memory_order_relaxed);
}

FINOVY_DECL std::optional<server_clock<>::bounds> client_impl::server_time(std::chrono::system_clock::time_point local)
{
    std::lock_guard lk(clock_mtx_);
    if (server_clock_.wants_sample(local))
        net.want_date.store(true, std::memory_order_relaxed);
    return server_clock_.at(local);
}

// -------------------------------------------------------------------------------------------------
// The pool

FINOVY_DECL connection_ptr client_impl::acquire_now()
{
    std::vector<connection_ptr> expired;   // closed after the lock is released
    decltype(pool_)::grant g;
    {
        std::lock_guard lk(mtx_);
        if (pool_.acquire(nullptr, g, expired) != decltype(pool_)::acquire_result::granted)
            return nullptr;
    }
    if (!g.create)
        return std::move(g.conn);
    try
    {
        return new_connection();
    }
    catch (...)
    {
        release(nullptr, false);   // the slot it was granted
        throw;
    }
}

FINOVY_DECL asio::awaitable<error_code> client_impl::acquire(connection_ptr& out, steady_clock::time_point deadline,
                                                             diagnostics& diag)
{
    // Small on purpose: thousands of calls may wait here. The work is in plain functions.
    auto w = std::make_shared<connection_waiter>(co_await asio::this_coro::executor);
    if (auto ec = queue_for_connection(*w, out); ec || out)
        co_return ec;
    w->timer.expires_at(deadline);
    co_await w->timer.async_wait(as_tuple_awaitable);
    auto cs = co_await asio::this_coro::cancellation_state;
    co_return finish_waiting(*w, out, is_cancelled(cs.cancelled()), diag);
}

FINOVY_DECL error_code client_impl::queue_for_connection(connection_waiter& w, connection_ptr& out)
{
    std::vector<connection_ptr> expired;   // closed after the lock is released
    decltype(pool_)::grant g;
    decltype(pool_)::acquire_result res;
    {
        std::lock_guard lk(mtx_);
        res = pool_.acquire(&w, g, expired);
    }
    if (res == decltype(pool_)::acquire_result::closed)
        return client_errc::shut_down;
    if (res == decltype(pool_)::acquire_result::granted)
    {
        if (!g.create)
            out = std::move(g.conn);
        else
        {
            try
            {
                out = new_connection();
            }
            catch (...)
            {
                release(nullptr, false);
                throw;
            }
        }
    }
    return {};
}

FINOVY_DECL error_code client_impl::finish_waiting(connection_waiter& w, connection_ptr& out, bool cancelled,
                                                   diagnostics& diag)
{
    std::unique_lock lk(mtx_);
    if (!w.done)
    {
        pool_.withdraw(w);
        auto busy = pool_.busy();
        lk.unlock();
        if (cancelled)
            return asio::error::operation_aborted;
        diagnostics_access::set_client_message(
            diag, "no connection became free before the deadline (" + std::to_string(busy) + " busy)");
        return client_errc::timeout;
    }
    lk.unlock();
    if (w.ec)
        return w.ec;
    connection_ptr c;
    if (!w.value.create)
        c = std::move(w.value.conn);
    else
    {
        try
        {
            c = new_connection();
        }
        catch (...)
        {
            release(nullptr, false);
            throw;
        }
    }
    if (cancelled)
    {
        give_back(std::move(c));
        return asio::error::operation_aborted;
    }
    out = std::move(c);
    return {};
}

// Returns a connection that was not used: as it was (connected or not).
FINOVY_DECL void client_impl::give_back(connection_ptr c)
{
    const bool reusable = c && c->connected;   // evaluated before `c` is moved from
    release(std::move(c), reusable);
}

FINOVY_DECL void client_impl::release(connection_ptr c, bool reusable)
{
    std::vector<connection_ptr> discard;   // closed after the lock is released
    std::lock_guard lk(mtx_);
    if (++releases_ % 64 == 0)
        pool_.drop_expired(steady_clock::now(), discard);
    decltype(pool_)::grant g;
    if (auto* w = pool_.release(std::move(c), reusable, g, discard))
        w->fulfil({}, pool_grant{std::move(g.conn), g.create});
}

// -------------------------------------------------------------------------------------------------
// Send slots: the rate governor's two lanes (rate_limit.hpp).

FINOVY_DECL bool client_impl::try_send_slot()
{
    if (!gated_.load(std::memory_order_relaxed))
        return true;   // the server never pushed back: nothing to pace
    std::lock_guard lk(gov_mtx_);
    if (!foreground_.empty() || !background_.empty())
        return false;   // others wait already: no overtaking
    steady_clock::time_point when;
    return rate_.try_take(steady_clock::now(), when);
}

FINOVY_DECL asio::awaitable<error_code> client_impl::send_slot(bool background, steady_clock::time_point deadline,
                                                               diagnostics& diag)
{
    auto w = std::make_shared<slot_waiter>(co_await asio::this_coro::executor);
    {
        std::lock_guard lk(gov_mtx_);
        steady_clock::time_point when{};
        const bool ahead = background ? !foreground_.empty() || !background_.empty() : !foreground_.empty();
        const auto now = steady_clock::now();
        if (!ahead && rate_.try_take(now, when))
            co_return error_code{};
        if (rate_.held_until() >= deadline)   // no slot before the deadline: say so at once
            co_return no_slot(diag, now);
        auto& q = background ? background_ : foreground_;
        w->deadline = deadline;
        w->queued = true;
        w->pos = q.insert(q.end(), w.get());
        if (!dispatch_scheduled_)
        {
            dispatch_scheduled_ = true;
            asio::post(gov_strand_, [self = shared_from_this()] { self->dispatch_slots(); });
        }
    }
    w->timer.expires_at(deadline);
    co_await w->timer.async_wait(as_tuple_awaitable);
    const bool cancelled = is_cancelled((co_await asio::this_coro::cancellation_state).cancelled());
    std::unique_lock lk(gov_mtx_);
    error_code ec = w->ec;
    if (!w->done)
    {
        if (w->queued)
            (background ? background_ : foreground_).erase(w->pos);
        w->queued = false;
        ec = cancelled ? error_code(asio::error::operation_aborted) : no_slot(diag, steady_clock::now());
    }
    else if (ec == client_errc::timeout)   // a Retry-After hold outlasts the deadline
        no_slot(diag, steady_clock::now());
    else if (!ec && cancelled)
        ec = asio::error::operation_aborted;
    lk.unlock();
    co_return ec;
}

// A call found no send slot before its deadline: why, in its diagnostics. Under gov_mtx_.
FINOVY_DECL error_code client_impl::no_slot(diagnostics& diag, steady_clock::time_point now) const
{
    std::string why = "no send slot before the deadline: ";
    if (rate_.held_until() > now)
    {
        const auto wait = std::chrono::ceil<std::chrono::seconds>(rate_.held_until() - now);
        why += "the server asked to wait " + std::to_string(wait.count()) + " s (Retry-After)";
    }
    else
        why += "the server throttles, and the client sends at most " + std::to_string(rate_.rate()) + " requests/s";
    diagnostics_access::set_client_message(diag, std::move(why));
    return client_errc::timeout;
}

// Under gov_mtx_: calls whose deadline comes before a Retry-After hold ends fail now rather than
// wait for nothing.
FINOVY_DECL void client_impl::expire_held()
{
    for (auto* q : {&foreground_, &background_})
        for (auto it = q->begin(); it != q->end();)
        {
            auto* w = *it;
            if (w->deadline > rate_.held_until())
            {
                ++it;
                continue;
            }
            it = q->erase(it);
            w->queued = false;
            w->fulfil(client_errc::timeout, false);
        }
}

// On gov_strand_: hands out the slots that are due, foreground first, then sleeps until the next.
FINOVY_DECL void client_impl::dispatch_slots()
{
    steady_clock::time_point when{};
    {
        std::lock_guard lk(gov_mtx_);
        for (;;)
        {
            const auto now = steady_clock::now();
            if (rate_.held_until() > now)
                expire_held();
            if (foreground_.empty() && background_.empty())
            {
                dispatch_scheduled_ = false;
                return;
            }
            if (!rate_.try_take(now, when))
                break;
            auto& q = !foreground_.empty() ? foreground_ : background_;
            auto* w = q.front();
            q.pop_front();
            w->queued = false;
            w->fulfil({}, true);
        }
    }
    dispatch_timer_.expires_at(when);
    dispatch_timer_.async_wait([self = shared_from_this()](error_code) { self->dispatch_slots(); });
}

// -------------------------------------------------------------------------------------------------
// The token: fetched once for everyone who needs it, renewed before it runs out.

}   // namespace finovy::detail

#endif
