// SPDX-License-Identifier: BSL-1.0
// A client's token: the one in use, renewed before it runs out (in the background while calls go
// on using it), fetched single-flight for the calls that have none, and dropped when the server
// says it expired. Where a new one comes from is client_credentials.ipp's.
#ifndef FINOVY_IMPL_CLIENT_TOKEN_IPP
#define FINOVY_IMPL_CLIENT_TOKEN_IPP

#include <finovy/impl/internal/client_impl.hpp>

#include <boost/asio/this_coro.hpp>

namespace finovy::detail {

// The token to write now, without waiting: a valid one, renewed in the background when it is
// due (the call keeps its connection); none when there is no valid token.
FINOVY_DECL bool client_impl::token_now(std::string& out)
{
    if (!opts.access_token.empty())
    {
        out = opts.access_token;
        return true;
    }
    bool renew = false;   // the fetch starts outside the lock: co_spawn may run it inline
    {
        std::lock_guard lk(mtx_);
        const auto now = steady_clock::now();
        if (token_.empty() || now >= token_expires_ || closed_)
            return false;
        out = token_;
        renew = now >= token_refresh_at_ && !token_fetching_;
        token_fetching_ = token_fetching_ || renew;
    }
    if (renew)
        start_token_fetch();
    return true;
}

FINOVY_DECL asio::awaitable<error_code> client_impl::token_for(std::string& out, steady_clock::time_point deadline,
                                                               diagnostics& diag)
{
    if (!opts.access_token.empty())
    {
        out = opts.access_token;
        co_return error_code{};
    }
    if (!opts.credentials && (opts.uuid.empty() || opts.secret.empty()))
    {
        diagnostics_access::set_client_message(
            diag, "set client_options::access_token, or uuid and secret, or a credential provider");
        co_return client_errc::no_credentials;
    }
    auto w = std::make_shared<token_waiter>(co_await asio::this_coro::executor);
    bool queued = false;
    if (auto ec = queue_for_token(*w, out, queued); ec || !queued)
        co_return ec;
    w->timer.expires_at(deadline);
    co_await w->timer.async_wait(as_tuple_awaitable);
    const bool cancelled = is_cancelled((co_await asio::this_coro::cancellation_state).cancelled());
    co_return finish_token_wait(*w, out, cancelled, diag);
}

// A token now (fetched meanwhile, or due for renewal but still valid: renewed in the background),
// or `w` queued for the fetch, which starts here unless one runs.
FINOVY_DECL error_code client_impl::queue_for_token(token_waiter& w, std::string& out, bool& queued)
{
    bool fetch = false;   // the fetch starts outside the lock: co_spawn may run it inline
    {
        std::lock_guard lk(mtx_);
        if (closed_)
            return client_errc::shut_down;
        auto now = steady_clock::now();
        if (!token_.empty() && now < token_refresh_at_)
        {
            out = token_;
            return {};
        }
        fetch = !token_fetching_;
        token_fetching_ = true;
        if (!token_.empty() && now < token_expires_)
            out = token_;
        else
        {
            queued = w.queued = true;
            w.pos = token_waiters_.insert(token_waiters_.end(), &w);
        }
    }
    if (fetch)
        start_token_fetch();
    return {};
}

FINOVY_DECL error_code client_impl::finish_token_wait(token_waiter& w, std::string& out, bool cancelled,
                                                      diagnostics& diag)
{
    std::unique_lock lk(mtx_);
    if (!w.done)
    {
        if (w.queued)
            token_waiters_.erase(w.pos);
        w.queued = false;
        lk.unlock();
        if (cancelled)
            return asio::error::operation_aborted;
        diagnostics_access::set_client_message(diag, "no token was issued before the deadline");
        return client_errc::timeout;
    }
    lk.unlock();
    if (w.ec)
    {
        int attempts = diag.attempts();
        diag = std::move(w.value.diag);
        diagnostics_access::set_attempts(diag, attempts);
        return w.ec;
    }
    if (cancelled)
        return asio::error::operation_aborted;
    out = std::move(w.value.token);
    return {};
}

// Called without mtx_, after setting token_fetching_. The fetch is a call of its own, not tied
// to the cancellation of whichever call noticed that a token was needed. Should starting it
// throw (out of memory), the waiters learn it and the next call may fetch again.
FINOVY_DECL void client_impl::start_token_fetch()
{
    fetches_++;
    const auto started = steady_clock::now();
    try
    {
        if (opts.credentials)
            ask_provider(started);
        else
            fetch_token_with(opts.uuid, opts.secret, started);
    }
    catch (...)
    {
        diagnostics d;
        finish_token_fetch(make_error_code(boost::system::errc::not_enough_memory), {}, {}, started, d);
        throw;
    }
}

FINOVY_DECL void client_impl::finish_token_fetch(error_code ec, const std::string& token,
                                                 std::optional<std::chrono::milliseconds> life,
                                                 steady_clock::time_point started, const diagnostics& diag)
{
    diagnostics d = diag;
    if (!ec && (!header_safe(token) || token.empty()))
    {
        ec = client_errc::bad_response;
        diagnostics_access::set_client_message(d, "the issued token is not a header value");
    }
    if (ec)
        diagnostics_access::set_client_message(
            d, "fetching a token failed" +
                   (d.client_message().empty() ? std::string() : ": " + std::string(d.client_message())));
    std::lock_guard lk(mtx_);
    token_fetching_ = false;
    if (!ec)
    {
        token_ = token;
        if (life)
        {
            auto margin =
                std::min(opts.token_refresh_margin, std::chrono::duration_cast<std::chrono::milliseconds>(*life / 2));
            token_expires_ = saturating_deadline(started, *life);
            token_refresh_at_ = token_expires_ - margin;
        }
        else   // until the server refuses it
            token_expires_ = token_refresh_at_ = steady_clock::time_point::max();
    }
    for (auto* w : token_waiters_)
    {
        w->queued = false;
        w->fulfil(ec, token_grant{ec ? std::string() : token, d});
    }
    token_waiters_.clear();
}

FINOVY_DECL void client_impl::invalidate_token(const std::string& used)
{
    std::lock_guard lk(mtx_);
    if (token_ == used && !token_.empty())
    {
        token_.clear();   // concurrent 401s with the same token cause one getToken
        token_rejected_ = true;
    }
}

}   // namespace finovy::detail

#endif
