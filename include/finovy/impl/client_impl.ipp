// The transport: one call's attempts, the pool, TLS, the token. Compiled once (src/client.cpp).
#ifndef FINOVY_IMPL_CLIENT_IMPL_IPP
#define FINOVY_IMPL_CLIENT_IMPL_IPP

#include <finovy/detail/client_impl.hpp>
#include <finovy/detail/cancel_forward.hpp>
#include <finovy/detail/client_helpers.hpp>
#include <finovy/detail/retry.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <random>
#include <stdexcept>

namespace finovy::detail {

namespace http = beast::http;
using asio::ip::tcp;

using namespace client_helpers;

// -------------------------------------------------------------------------------------------------
// Construction

FINOVY_DECL client_impl::client_impl(asio::any_io_executor ex, client_options o)
    : executor(std::move(ex)), opts(std::move(o)), pool_(opts.max_connections, opts.idle_timeout)
{
    auto bad = [](const std::string& what) { throw std::invalid_argument("finovy::client: " + what); };
    if (auto ec = parse_endpoint(opts.endpoint, opts.allow_insecure_http, ep))
        bad("endpoint \"" + opts.endpoint + "\": " + ec.message());
    if (!header_safe(opts.access_token))
        bad("the access token has characters an HTTP header cannot carry");
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

    if (ep.tls)
    {
        if (opts.ssl_context)
            ssl_ = opts.ssl_context;
        else
        {
            ssl_ = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
            SSL_CTX_set_min_proto_version(ssl_->native_handle(), TLS1_2_VERSION);
            ssl_->set_verify_mode(asio::ssl::verify_peer);
            ssl_->set_default_verify_paths();
            if (!opts.ca_file.empty())
            {
                boost::system::error_code ec;
                ssl_->load_verify_file(opts.ca_file, ec);
                if (ec)
                    bad("cannot load the CA file \"" + opts.ca_file + "\": " + ec.message());
            }
        }
        server_name_ = opts.tls_server_name.empty() ? ep.host : opts.tls_server_name;
    }
}

FINOVY_DECL client_impl::~client_impl()
{
    close();
    if (session_)
        SSL_SESSION_free(session_);
}

FINOVY_DECL void client_impl::close()
{
    std::vector<connection_ptr> discard;
    std::vector<connection_waiter*> waiters;
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
}

FINOVY_DECL client_stats client_impl::stats()
{
    client_stats s;
    s.calls = calls.load();
    s.attempts = attempts_.load();
    s.retries = retries_.load();
    s.connections_opened = opened_.load();
    s.handshakes_full = full_.load();
    s.handshakes_resumed = resumed_.load();
    s.stale_connections = stale_.load();
    s.token_fetches = fetches_.load();
    std::lock_guard lk(mtx_);
    s.connections_idle = pool_.idle();
    s.connections_busy = pool_.busy();
    s.waiting_for_connection = pool_.waiting();
    return s;
}

// -------------------------------------------------------------------------------------------------
// One call: token, connection, attempt, and again while it is worth it.

FINOVY_DECL asio::awaitable<error_code> client_impl::run(std::shared_ptr<client_impl> self, std::shared_ptr<op_state> op,
                                                         connection_ptr first)
{
    // Kept lean: thousands of calls may wait here at once, and a coroutine frame holds every
    // local of its body. The rarer work lives in plain functions and in small coroutines.
    co_await asio::this_coro::throw_if_cancelled(false);
    co_await asio::this_coro::reset_cancellation_state(asio::enable_partial_cancellation());
    auto& spec = op->spec;
    auto& diag = op->diag;
    const auto deadline = steady_clock::now() + op->call.deadline.value_or(self->opts.deadline);
    if (!spec.invalid.empty())
    {
        if (first)
            self->give_back(std::move(first));
        diagnostics_access::set_client_message(diag, spec.invalid);
        co_return error_code(spec.invalid_code);
    }

    // `first`: a connection taken when the call started, on whose strand this coroutine runs.
    std::string token;
    retry_state rs;
    for (rs.attempt = 1;; ++rs.attempt)
    {
        diagnostics_access::set_attempts(diag, rs.attempt);
        // The common cases need no waiting, hence no coroutine: a fresh token, an idle connection.
        if (spec.needs_token && !self->token_now(token))
        {
            // Never hold a connection while waiting for a token: the fetch may need it.
            if (first)
                self->give_back(std::move(first));
            if (auto ec = co_await self->token_for(token, deadline, diag))
                co_return ec;
        }
        const bool on_its_strand = first != nullptr;
        connection_ptr conn = first ? std::move(first) : self->acquire_now();
        if (!conn)
            if (auto ec = co_await self->acquire(conn, deadline, diag))
                co_return ec;

        auto next = co_await self->try_once(*op, std::move(conn), on_its_strand, token, rs, deadline);
        if (next.done)
            co_return next.result;
        self->retries_++;
        if (next.renew)
            self->invalidate_token(token);
        else if (next.wait.count() > 0)
        {
            if (co_await self->sleep_before_retry(next.wait, diag))
                co_return asio::error::operation_aborted;
        }
    }
}

// One attempt and what follows from it. A coroutine of its own so that the attempt's state
// lives only while it runs, not in the frame of every call waiting for a connection.
FINOVY_DECL asio::awaitable<client_impl::next_step> client_impl::try_once(op_state& op, connection_ptr conn,
                                                                         bool on_its_strand, std::string_view token,
                                                                         retry_state& rs,
                                                                         steady_clock::time_point deadline)
{
    auto& spec = op.spec;
    spec.out = op.result_storage();
    const auto began = steady_clock::now();
    const auto attempt_deadline = std::min(began + op.call.attempt_timeout.value_or(opts.attempt_timeout), deadline);
    // On the connection's strand when the client is shared by threads; else right here.
    // (Not a ?: of two co_awaits: GCC 12 miscompiles that.)
    attempt_result r;
    if (opts.thread_safe && !on_its_strand)
        r = co_await attempt_on_strand(*conn, spec, token, attempt_deadline);
    else
        r = co_await attempt(*conn, spec, token, attempt_deadline);
    release(std::move(conn), r.reusable);
    attempts_++;
    auto cs = co_await asio::this_coro::cancellation_state;
    co_return after_attempt(op, r, rs, began, deadline, is_cancelled(cs.cancelled()));
}

FINOVY_DECL client_impl::next_step client_impl::after_attempt(op_state& op, attempt_result& r, retry_state& rs,
                                                              steady_clock::time_point began,
                                                              steady_clock::time_point deadline, bool cancelled)
{
    using access = diagnostics_access;
    auto& spec = op.spec;
    auto& diag = op.diag;
    const auto& o = opts;
    const int max_attempts = std::max(1, op.call.max_attempts.value_or(o.retry.max_attempts));
    auto decision = classify({r.ec, r.delivered, r.http_status, r.api_code}, spec.resend_safe,
                             o.access_token.empty() && !rs.renewed);
    next_step next;
    bool will_retry = false;
    if (!cancelled && decision == retry_decision::renew_token)
        will_retry = true;
    else if (!cancelled && decision == retry_decision::retry)
    {
        // A kept-alive connection the server had closed: go again at once on a new one. If it
        // was used without the stale check (a hot one, see attempt), that once does not count.
        const bool dead_keepalive = r.reused && r.http_status == 0 && r.ec.category() != client_category();
        const bool free_retry = dead_keepalive && r.unchecked && !rs.free_retry_used;
        rs.free_retry_used = rs.free_retry_used || free_retry;
        if (rs.attempt < max_attempts || free_retry)
        {
            next.wait = dead_keepalive ? std::chrono::milliseconds(0)
                                       : backoff(o.retry, rs.attempt, jitter_rng(), r.retry_after);
            will_retry = steady_clock::now() + next.wait < deadline;
        }
    }
    if (r.ec)
    {
        access::set_api(diag, r.api_code, std::move(r.api_msg), r.trace_id);
        access::set_http_status(diag, r.http_status);
        access::set_client_message(diag, std::move(r.detail));
    }
    if (o.observer)
    {
        attempt_event ev;
        ev.operation = spec.operation;
        ev.method = spec.method;
        ev.path = spec.target;
        ev.attempt = rs.attempt;
        ev.http_status = r.http_status;
        ev.api_code = r.api_code;
        ev.trace_id = r.trace_id;
        ev.error = r.ec;
        ev.latency = std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::now() - began);
        ev.reused_connection = r.reused;
        ev.will_retry = will_retry;
        try
        {
            o.observer(ev);
        }
        catch (...)
        {
            // An observer must not break the call.
        }
    }

    next.done = true;
    if (cancelled)
    {
        if (r.delivered && !spec.resend_safe)
            access::set_client_message(diag, "cancelled after the request was sent: its outcome is unknown");
        next.result = asio::error::operation_aborted;
    }
    else if (!r.ec)
    {
        if (rs.attempt > 1)
            diag = diagnostics{};   // earlier attempts' failures are no news
        access::set_attempts(diag, rs.attempt);
    }
    else if (decision == retry_decision::outcome_unknown)
    {
        access::set_client_message(diag, (diag.client_message().empty() ? r.ec.message()
                                                                         : std::string(diag.client_message())) +
                                              "; the request may have reached the server, so it was not resent");
        next.result = client_errc::outcome_unknown;
    }
    else if (!will_retry)
        next.result = r.ec;
    else
    {
        next.done = false;
        next.renew = decision == retry_decision::renew_token;
        rs.renewed = rs.renewed || next.renew;
    }
    return next;
}

FINOVY_DECL asio::awaitable<bool> client_impl::sleep_before_retry(std::chrono::milliseconds wait, diagnostics& diag)
{
    asio::steady_timer t(co_await asio::this_coro::executor, wait);
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
                                                                          steady_clock::time_point deadline)
{
    // Like co_await co_spawn(c.exec, attempt(...)), but cancellation reaches the attempt through
    // a signal it owns: co_spawn's own forwarding can fire after the awaiting coroutine resumed
    // and destroyed it, when the connection's strand is busy with another call.
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(std::exception_ptr, attempt_result)>(
        [this, &c, &spec, token, deadline](auto handler) {
            auto st = std::make_shared<strand_attempt>();
            forward_cancellation(handler, st, c.exec);
            auto back = asio::get_associated_executor(handler, c.exec);
            asio::co_spawn(c.exec, attempt(c, spec, token, deadline),
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
// The pool

FINOVY_DECL connection_ptr client_impl::acquire_now()
{
    std::vector<connection_ptr> expired;   // closed after the lock is released
    decltype(pool_)::grant g;
    std::lock_guard lk(mtx_);
    if (pool_.acquire(nullptr, g, expired) != decltype(pool_)::acquire_result::granted)
        return nullptr;
    return g.create ? std::make_unique<connection>(executor, opts.thread_safe) : std::move(g.conn);
}

FINOVY_DECL bool client_impl::token_now(std::string& out)
{
    if (!opts.access_token.empty())
    {
        out = opts.access_token;
        return true;
    }
    std::lock_guard lk(mtx_);
    if (token_.empty() || steady_clock::now() >= token_refresh_at_)
        return false;
    out = token_;
    return true;
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
        out = g.create ? std::make_unique<connection>(executor, opts.thread_safe) : std::move(g.conn);
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
    auto c = w.value.create ? std::make_unique<connection>(executor, opts.thread_safe) : std::move(w.value.conn);
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
// The token: fetched once for everyone who needs it, renewed before it runs out.

FINOVY_DECL asio::awaitable<error_code> client_impl::token_for(std::string& out, steady_clock::time_point deadline,
                                                   diagnostics& diag)
{
    if (!opts.access_token.empty())
    {
        out = opts.access_token;
        co_return error_code{};
    }
    if (opts.uuid.empty() || opts.secret.empty())
    {
        diagnostics_access::set_client_message(diag, "set client_options::access_token, or uuid and secret");
        co_return client_errc::no_credentials;
    }
    {
        std::lock_guard lk(mtx_);
        if (!token_.empty() && steady_clock::now() < token_refresh_at_)
        {
            out = token_;   // the common case: a fresh token, nothing to wait for
            co_return error_code{};
        }
    }
    auto w = std::make_shared<token_waiter>(co_await asio::this_coro::executor);
    bool fetch = false;   // the fetch starts outside the lock: co_spawn may run it inline
    bool use_current = false;
    {
        std::lock_guard lk(mtx_);
        if (closed_)
            co_return client_errc::shut_down;
        auto now = steady_clock::now();
        if (!token_.empty() && now < token_expires_)
        {
            // Due for renewal but still valid: renew in the background and use it meanwhile.
            fetch = now >= token_refresh_at_ && !token_fetching_;
            use_current = true;
            out = token_;
        }
        else
        {
            fetch = !token_fetching_;
            w->queued = true;
            w->pos = token_waiters_.insert(token_waiters_.end(), w.get());
        }
        token_fetching_ = token_fetching_ || fetch;
    }
    if (fetch)
        start_token_fetch();
    if (use_current)
        co_return error_code{};
    w->timer.expires_at(deadline);
    co_await w->timer.async_wait(as_tuple_awaitable);
    const bool cancelled = is_cancelled((co_await asio::this_coro::cancellation_state).cancelled());
    std::unique_lock lk(mtx_);
    if (!w->done)
    {
        token_waiters_.erase(w->pos);
        w->queued = false;
        lk.unlock();
        if (cancelled)
            co_return asio::error::operation_aborted;
        diagnostics_access::set_client_message(diag, "no token was issued before the deadline");
        co_return client_errc::timeout;
    }
    lk.unlock();
    if (w->ec)
    {
        int attempts = diag.attempts();
        diag = std::move(w->value.diag);
        diagnostics_access::set_attempts(diag, attempts);
        co_return w->ec;
    }
    if (cancelled)
        co_return asio::error::operation_aborted;
    out = std::move(w->value.token);
    co_return error_code{};
}

// Called without mtx_, after setting token_fetching_. The fetch is a call of its own, not tied
// to the cancellation of whichever call noticed that a token was needed.
FINOVY_DECL void client_impl::start_token_fetch()
{
    fetches_++;
    auto op = std::make_shared<typed_op<token_info>>();
    op->spec.operation = "get_token";
    op->spec.method = http::verb::post;
    op->spec.target = "/v1/auth/getToken";
    op->spec.body = boost::json::serialize(boost::json::object{{"uuid", opts.uuid}, {"secret", opts.secret}});
    op->spec.needs_token = false;
    op->spec.decode = &decode_result<token_info>;
    auto started = steady_clock::now();
    auto self = shared_from_this();
    asio::co_spawn(asio::make_strand(executor), run(self, op, nullptr),
                   [self, op, started](std::exception_ptr ep, error_code ec) {
                       if (ep)
                           ec = client_errc::bad_response;
                       std::string tok(op->result ? std::string(op->result->token.reveal()) : std::string());
                       if (!ec && !header_safe(tok))
                       {
                           ec = client_errc::bad_response;
                           diagnostics_access::set_client_message(op->diag, "the issued token is not a header value");
                       }
                       if (ec)
                       {
                           tok.clear();
                           diagnostics_access::set_client_message(
                               op->diag, "fetching a token failed" + (op->diag.client_message().empty()
                                                                          ? std::string()
                                                                          : ": " + std::string(op->diag.client_message())));
                       }
                       std::lock_guard lk(self->mtx_);
                       self->token_fetching_ = false;
                       if (!ec)
                       {
                           auto life = op->result->lifetime;
                           auto margin = std::min(self->opts.token_refresh_margin,
                                                  std::chrono::duration_cast<std::chrono::milliseconds>(life / 2));
                           self->token_ = tok;
                           self->token_expires_ = started + life;
                           self->token_refresh_at_ = self->token_expires_ - margin;
                       }
                       for (auto* w : self->token_waiters_)
                       {
                           w->queued = false;
                           w->fulfil(ec, token_grant{tok, op->diag});
                       }
                       self->token_waiters_.clear();
                   });
}

FINOVY_DECL void client_impl::invalidate_token(const std::string& used)
{
    std::lock_guard lk(mtx_);
    if (token_ == used)
        token_.clear();   // concurrent 401s with the same token cause one getToken
}

}   // namespace finovy::detail

#endif
