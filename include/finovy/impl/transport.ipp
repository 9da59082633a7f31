// The transport of one attempt: connect, TLS, write the request, read and decode the answer.
// Compiled once (src/transport.cpp).
#ifndef FINOVY_IMPL_TRANSPORT_IPP
#define FINOVY_IMPL_TRANSPORT_IPP

#include <finovy/detail/answer_parser.hpp>
#include <finovy/detail/await_until.hpp>
#include <finovy/detail/client_helpers.hpp>
#include <finovy/detail/client_impl.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/monotonic_resource.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace finovy::detail {

namespace http = beast::http;
using asio::ip::tcp;
using namespace client_helpers;

// -------------------------------------------------------------------------------------------------
// One attempt, on the connection's strand.

FINOVY_DECL asio::awaitable<attempt_result> client_impl::attempt(connection& c, const request_spec& spec,
                                                                std::string_view token,
                                                                steady_clock::time_point deadline)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    co_await asio::this_coro::reset_cancellation_state(asio::enable_partial_cancellation());
    attempt_result r;
    try
    {
        r.reused = c.connected;
        // A connection used a moment ago is hot: had the server closed it, a request that may
        // be resent is simply tried again on a new one, so the peek's system call is skipped.
        // Requests that must not be resent always look first.
        const bool hot = spec.resend_safe && steady_clock::now() - c.idle_since < std::chrono::milliseconds(1);
        r.unchecked = r.reused && hot;
        if (c.connected && !hot && c.io->stale())
        {
            stale_++;
            c.close();
            r.reused = false;
        }
        c.io->arm(deadline);
        if (!c.connected)
            co_await connect(c, r);
        if (!r.ec)
        {
            build_request(c, spec, token);
            co_await exchange(c, spec, r);
        }
    }
    catch (const std::exception& e)   // out of memory, say: the connection cannot be trusted
    {
        r.ec = client_errc::bad_response;
        r.detail = std::string("unexpected exception: ") + e.what();
        r.reusable = false;
    }
    c.io->disarm();
    c.idle_since = steady_clock::now();
    if (r.ec || !r.reusable)
    {
        r.reusable = false;
        c.close();
    }
    co_return r;
}

FINOVY_DECL asio::awaitable<std::tuple<error_code, std::vector<tcp::endpoint>>>
client_impl::look_up(std::shared_ptr<client_impl> self, asio::any_io_executor ex)
{
    tcp::resolver resolver(ex);
    auto [ec, results] = co_await resolver.async_resolve(self->ep.host, self->ep.port, as_tuple_awaitable);
    std::vector<tcp::endpoint> eps;
    if (!ec)
    {
        for (const auto& e : results)
            eps.push_back(e.endpoint());
        std::lock_guard lk(self->mtx_);
        self->resolved_ = eps;   // no DNS look-up per request
    }
    co_return std::tuple(ec, std::move(eps));
}

FINOVY_DECL asio::awaitable<void> client_impl::connect(connection& c, attempt_result& r)
{
    std::vector<tcp::endpoint> eps;
    {
        std::lock_guard lk(mtx_);
        eps = resolved_;
    }
    if (eps.empty())
    {
        // Bounded by the attempt's deadline although getaddrinfo cannot be interrupted: a late
        // look-up still fills the cache for the next attempt.
        auto [ec, found] = co_await await_until<std::vector<tcp::endpoint>>(c.exec, c.io->deadline(),
                                                                            look_up(shared_from_this(), c.exec));
        if (ec)
        {
            r.ec = ec;
            r.detail = ec == client_errc::timeout ? "looking " + ep.host + " up took longer than the attempt may"
                                                  : "cannot resolve " + ep.host + ": " + ec.message();
            co_return;
        }
        eps = std::move(found);
    }

    c.close();
    c.buffer.clear();
    auto& w = *c.io;
    if (w.timed_out())   // the deadline passed as the look-up ended: its timer had nothing to cancel
    {
        r.ec = client_errc::timeout;
        r.detail = "looking " + ep.host + " up took longer than the attempt may";
        co_return;
    }
    auto [ec, used] = co_await asio::async_connect(w.socket(), eps, as_tuple_awaitable);
    if (ec)
    {
        r.ec = ec == asio::error::operation_aborted && w.timed_out() ? error_code(client_errc::timeout) : ec;
        r.detail = "cannot connect to " + ep.host + ":" + ep.port + ": " + r.ec.message();
        std::lock_guard lk(mtx_);
        resolved_.clear();   // look the name up again next time
        co_return;
    }
    opened_++;
    if (!w.prepare(ep.tls ? ssl_->native_handle() : nullptr, r.ec))
    {
        r.detail = "cannot set the connection up: " + r.ec.message();
        co_return;
    }
    if (SSL* ssl = w.ssl())
    {
        if (is_ip_address(server_name_))
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), server_name_.c_str());
        else
        {
            SSL_set_tlsext_host_name(ssl, server_name_.c_str());   // SNI
            SSL_set1_host(ssl, server_name_.c_str());
        }
        SSL_SESSION* copy = nullptr;
        {
            std::lock_guard lk(mtx_);
            if (session_)
                copy = SSL_SESSION_dup(session_);   // this connection's own, see save_session
        }
        if (copy)
        {
            SSL_set_session(ssl, copy);   // resumption: no full handshake on reconnect
            SSL_SESSION_free(copy);
        }
        // (No co_await inside a condition: GCC 12 miscompiles some of those.)
        error_code hec;
        for (auto st = w.try_handshake(hec); st != wire::step::done && st != wire::step::failed;
             st = w.try_handshake(hec))
        {
            hec = co_await w.wait(st);
            if (hec)
                break;
        }
        if (hec)
        {
            r.ec = hec;
            r.detail = "TLS handshake with " + server_name_ + " failed: " + hec.message();
            long v = SSL_get_verify_result(ssl);
            if (v != X509_V_OK)
                r.detail += std::string(" (certificate: ") + X509_verify_cert_error_string(v) + ")";
            co_return;
        }
        bool reused = SSL_session_reused(ssl);
        (reused ? resumed_ : full_)++;
        c.store_session = !reused;
    }
    c.connected = true;
}

FINOVY_DECL void client_impl::build_request(connection& c, const request_spec& spec, std::string_view token)
{
    auto& q = c.request;
    q.clear();
    auto method = http::to_string(spec.method);
    q.append(method.data(), method.size());
    q += ' ';
    q += ep.base_path;
    q += spec.target;
    q += " HTTP/1.1\r\nHost: ";
    q += ep.host_header;
    q += "\r\nUser-Agent: ";
    q += opts.user_agent;
    q += "\r\nAccept: application/json\r\n";
    if (spec.needs_token && !token.empty())
    {
        q += "Finovy-Access-Token: ";
        q += token;
        q += "\r\n";
    }
    if (!spec.body.empty() || spec.method == http::verb::post || spec.method == http::verb::put)
    {
        q += "Content-Type: application/json\r\nContent-Length: ";
        q += std::to_string(spec.body.size());
        q += "\r\n";
    }
    q += "\r\n";
    q += spec.body;
}

FINOVY_DECL asio::awaitable<void> client_impl::exchange(connection& c, const request_spec& spec, attempt_result& r)
{
    auto& w = *c.io;
    using step = wire::step;
    error_code ec;
    std::size_t sent = 0;
    for (auto st = w.try_write(c.request, sent, ec); st != step::done && st != step::failed;
         st = w.try_write(c.request, sent, ec))
    {
        ec = co_await w.wait(st);
        if (ec)
            break;
    }
    if (ec)
    {
        r.ec = ec;
        r.detail = "sending the request failed (" + ec.message() + "); it was not delivered";
        co_return;
    }
    r.delivered = true;

    answer_parser p(c.body);
    p.header_limit(64 * 1024);
    p.body_limit(opts.max_response_body);
    p.eager(true);
    // Nothing can have arrived before the request went out: a recv now would only say "not
    // yet" and cost a system call. Wait first, unless OpenSSL holds bytes already.
    step st = w.has_pending() ? step::done : step::want_read;
    for (;;)
    {
        beast::error_code pec;
        if (c.buffer.size() > 0)
        {
            c.buffer.consume(p.put(c.buffer.data(), pec));
            if (pec == http::error::need_more)
                pec = {};
        }
        if (!pec && p.is_done())
            break;
        if (!pec)
        {
            if (st != step::done)
                ec = co_await w.wait(st);
            if (ec)
                st = step::failed;
            else
                st = w.try_read(c.buffer, ec);
            if (st != step::failed)
                continue;
            if (ec == asio::error::eof && p.got_some())
            {
                p.put_eof(pec);   // an answer that ends with the connection
                if (!pec && p.is_done())
                    break;
            }
            r.ec = ec;
            r.detail = std::string(p.got_some() ? "the answer was cut short: " : "no answer: ") + ec.message();
            co_return;
        }
        if (pec == http::error::body_limit)
        {
            r.ec = client_errc::body_too_large;
            r.detail = "the answer is larger than " + std::to_string(opts.max_response_body) + " bytes";
        }
        else
        {
            r.ec = client_errc::bad_response;
            r.detail = "the answer is not HTTP: " + pec.message();
        }
        co_return;
    }
    r.http_status = p.status();
    r.reusable = p.keep_alive() && c.buffer.size() == 0;   // bytes nobody asked for: do not reuse
    r.retry_after = p.retry_after();
    if (c.store_session && w.ssl())
    {
        c.store_session = false;   // once per connection: a copy per answer costs a dozen allocations
        save_session(w.ssl());
    }
    interpret(c, spec, r);
}

FINOVY_DECL void client_impl::save_session(SSL* ssl)
{
    // A copy: OpenSSL marks a session unusable when the connection holding it is freed without
    // a TLS shutdown, which is how pooled connections usually end.
    SSL_SESSION* live = SSL_get1_session(ssl);
    if (!live)
        return;
    SSL_SESSION* fresh = SSL_SESSION_is_resumable(live) ? SSL_SESSION_dup(live) : nullptr;
    SSL_SESSION_free(live);
    if (!fresh)
        return;
    SSL_SESSION* old = nullptr;
    {
        std::lock_guard lk(mtx_);
        old = session_;
        session_ = fresh;
    }
    if (old)
        SSL_SESSION_free(old);
}

FINOVY_DECL void client_impl::interpret(connection& c, const request_spec& spec, attempt_result& r)
{
    std::string& body = c.body;
    if (spec.raw)
    {
        auto& out = *static_cast<raw_response*>(spec.out);
        out.status = r.http_status;
        out.body = std::move(body);
        return;
    }
    const bool status_error = r.http_status < 200 || r.http_status >= 300;
    auto fail = [&](std::string why) {
        if (status_error)
        {
            r.ec = client_errc::http_status;
            r.detail = "HTTP " + std::to_string(r.http_status) + " without an API answer";
        }
        else
        {
            r.ec = client_errc::bad_response;
            r.detail = std::move(why);
        }
    };

    // Parsed into a buffer on this stack frame: no heap allocation for small answers.
    unsigned char scratch[8192];
    boost::json::monotonic_resource mr(scratch, sizeof scratch);
    boost::system::error_code jec;
    c.parser.reset(&mr);
    c.parser.write(body.data(), body.size(), jec);   // the whole text, nothing after it
    if (jec)
    {
        c.parser.reset();
        return fail("the answer is not JSON (" + jec.message() + ", " + std::to_string(body.size()) + " bytes)");
    }
    boost::json::value doc = c.parser.release();
    c.parser.reset();
    envelope env;
    std::string why;
    if (read_envelope(doc, env, why))
        return fail("the answer is not an API envelope: " + why);
    r.api_code = env.code;
    r.api_msg = std::move(env.msg);
    r.trace_id = std::move(env.trace_id);
    if (env.code != 0)
    {
        r.ec = error_code(env.code, api_category());
        return;
    }
    if (status_error)
    {
        r.ec = client_errc::http_status;
        r.detail = "HTTP " + std::to_string(r.http_status) + " with code 0";
        return;
    }
    if (spec.decode)
    {
        static const boost::json::value null_value;
        if (auto ec = spec.decode(env.data ? *env.data : null_value, spec.out, why))
        {
            r.ec = ec;
            r.detail = why;
        }
    }
}

}   // namespace finovy::detail

#endif
