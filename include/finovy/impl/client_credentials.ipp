// SPDX-License-Identifier: BSL-1.0
// Where a client's token comes from: getToken with a uuid and secret, or the user's credential
// provider (credentials.hpp). The single flight and renewal around it are client_token.ipp's.
#ifndef FINOVY_IMPL_CLIENT_CREDENTIALS_IPP
#define FINOVY_IMPL_CLIENT_CREDENTIALS_IPP

#include <finovy/impl/internal/client_impl.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/serialize.hpp>

namespace finovy::detail {

FINOVY_DECL void client_impl::fetch_token_with(const std::string& uuid, std::string_view secret,
                                               steady_clock::time_point started)
{
    auto op = std::make_shared<typed_op<token_info>>();
    op->spec.op = operation_id::get_token;
    op->spec.method = beast::http::verb::post;
    op->spec.target = "/v1/auth/getToken";
    op->spec.body = boost::json::serialize(boost::json::object{{"uuid", uuid}, {"secret", secret}});
    op->spec.needs_token = false;
    op->spec.decode = &decode_result<token_info>;
    op->started = steady_clock::now();   // the call's own latency; `started` dates the token
    auto self = shared_from_this();
    asio::co_spawn(asio::make_strand(executor), run(self, op),
                   [self, op, started](std::exception_ptr ep, error_code ec) {
                       if (ep)
                           ec = error_from_exception(ep, op->diag);
                       std::string tok(op->result ? std::string(op->result->token.reveal()) : std::string());
                       auto life = op->result ? op->result->lifetime : std::chrono::milliseconds(0);
                       self->finish_token_fetch(ec, tok, life, started, op->diag);
                   });
}

FINOVY_DECL void client_impl::ask_provider(steady_clock::time_point started)
{
    bool rejected = false;
    {
        std::lock_guard lk(mtx_);
        rejected = std::exchange(token_rejected_, false);
    }
    auto call = std::make_shared<provider_call>(executor);
    {
        std::lock_guard lk(mtx_);
        provider_call_ = call;   // close() abandons it
    }
    // Weak: a provider that keeps its handler forever must not keep the client alive.
    std::weak_ptr<client_impl> weak = shared_from_this();
    call->timer.expires_at(saturating_deadline(started, opts.deadline));
    call->timer.async_wait([weak, call, started](error_code ec) {
        if (ec || call->answer->over.exchange(true))
            return;
        call->answer->cancel.emit(asio::cancellation_type::terminal);   // a provider that listens may stop
        if (auto self = weak.lock())
        {
            diagnostics d;
            diagnostics_access::set_client_message(d, "the credential provider did not answer within the deadline");
            self->finish_token_fetch(client_errc::timeout, {}, {}, started, d);
        }
    });
    std::weak_ptr<provider_call> weak_call = call;
    auto answer = call->answer;
    credential_handler handler(asio::bind_cancellation_slot(
        answer->cancel.slot(),
        asio::bind_executor(executor, [weak, weak_call, answer, started](error_code ec, provided_credentials c) {
            if (answer->over.exchange(true))
                return;   // too late: abandoned
            if (auto live = weak_call.lock())
                asio::post(live->strand, [live] { live->timer.cancel(); });
            if (auto self = weak.lock())
                self->provided(ec, std::move(c), started);
        })));
    try
    {
        opts.credentials(credential_request{rejected}, std::move(handler));
    }
    catch (...)
    {
        if (call->answer->over.exchange(true))
            return;   // it answered, then threw
        asio::post(call->strand, [call] { call->timer.cancel(); });
        diagnostics d;
        diagnostics_access::set_client_message(d, "the credential provider threw an exception");
        finish_token_fetch(client_errc::no_credentials, {}, {}, started, d);
    }
}

// What the provider answered. Never printed.
FINOVY_DECL void client_impl::provided(error_code ec, provided_credentials c, steady_clock::time_point started)
{
    diagnostics d;
    if (ec)
    {
        diagnostics_access::set_client_message(d, "the credential provider failed: " + ec.message());
        return finish_token_fetch(ec, {}, {}, started, d);
    }
    if (!c.token.empty())
        return finish_token_fetch({}, std::string(c.token.reveal()), c.lifetime, started, d);
    if (c.uuid.empty() || c.app_secret.empty())
    {
        diagnostics_access::set_client_message(d, "the credential provider gave neither a token nor a uuid and secret");
        return finish_token_fetch(client_errc::no_credentials, {}, {}, started, d);
    }
    try
    {
        fetch_token_with(c.uuid, c.app_secret.reveal(), started);
    }
    catch (...)
    {
        finish_token_fetch(make_error_code(boost::system::errc::not_enough_memory), {}, {}, started, d);
    }
}

}   // namespace finovy::detail

#endif
