// The transport of one attempt: connect, TLS, write the request, read and decode the answer.
// Compiled once (src/transport.cpp).
#ifndef FINOVY_IMPL_TRANSPORT_IPP
#define FINOVY_IMPL_TRANSPORT_IPP

#include <finovy/detail/client_helpers.hpp>
#include <finovy/detail/client_impl.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/monotonic_resource.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <charconv>

namespace finovy::detail {

namespace http = beast::http;
using asio::ip::tcp;
using namespace client_helpers;

// -------------------------------------------------------------------------------------------------
// One attempt, on the connection's strand.

FINOVY_DECL asio::awaitable<attempt_result> client_impl::attempt(connection& c, const request_spec& spec, std::string_view token,
                                                     steady_clock::time_point deadline)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    co_await asio::this_coro::reset_cancellation_state(asio::enable_partial_cancellation());
    attempt_result r;
    try
    {
        r.reused = c.connected;
        if (c.connected && c.stale())
        {
            stale_++;
            c.close();
            r.reused = false;
        }
        if (!c.connected)
            co_await connect(c, r, deadline);
        if (!r.ec)
        {
            build_request(c, spec, token);
            if (c.tls)
                co_await exchange(*c.tls, c, spec, r, deadline);
            else
                co_await exchange(*c.plain, c, spec, r, deadline);
        }
    }
    catch (const std::exception& e)   // out of memory, say: the connection cannot be trusted
    {
        r.ec = client_errc::bad_response;
        r.detail = std::string("unexpected exception: ") + e.what();
        r.reusable = false;
    }
    if (r.ec || !r.reusable)
    {
        r.reusable = false;
        c.close();
    }
    co_return r;
}

FINOVY_DECL asio::awaitable<void> client_impl::connect(connection& c, attempt_result& r, steady_clock::time_point deadline)
{
    std::vector<tcp::endpoint> eps;
    {
        std::lock_guard lk(mtx_);
        eps = resolved_;
    }
    if (eps.empty())
    {
        tcp::resolver resolver(c.exec);
        auto [ec, results] = co_await resolver.async_resolve(ep.host, ep.port, as_tuple_awaitable);
        if (ec)
        {
            r.ec = ec;
            r.detail = "cannot resolve " + ep.host + ": " + ec.message();
            co_return;
        }
        for (const auto& e : results)
            eps.push_back(e.endpoint());
        std::lock_guard lk(mtx_);
        resolved_ = eps;   // no DNS look-up per request
    }

    c.tls.reset();
    c.plain.reset();
    c.buffer.clear();
    beast::tcp_stream* lowest = nullptr;
    if (ep.tls)
    {
        c.tls.emplace(c.exec, *ssl_);
        SSL* ssl = c.tls->native_handle();
        SSL_set_min_proto_version(ssl, TLS1_2_VERSION);
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
        lowest = &c.tls->next_layer();
    }
    else
        lowest = &c.plain.emplace(c.exec);

    lowest->expires_at(deadline);
    auto [ec, used] = co_await lowest->async_connect(eps, as_tuple_awaitable);
    if (ec)
    {
        r.ec = transport_error(ec);
        r.detail = "cannot connect to " + ep.host + ":" + ep.port + ": " + ec.message();
        std::lock_guard lk(mtx_);
        resolved_.clear();   // look the name up again next time
        co_return;
    }
    opened_++;
    boost::system::error_code ignored;
    lowest->socket().set_option(tcp::no_delay(true), ignored);
    if (c.tls)
    {
        auto [hec] = co_await c.tls->async_handshake(asio::ssl::stream_base::client, as_tuple_awaitable);
        if (hec)
        {
            r.ec = transport_error(hec);
            r.detail = "TLS handshake with " + server_name_ + " failed: " + hec.message();
            long v = SSL_get_verify_result(c.tls->native_handle());
            if (v != X509_V_OK)
                r.detail += std::string(" (certificate: ") + X509_verify_cert_error_string(v) + ")";
            co_return;
        }
        bool reused = SSL_session_reused(c.tls->native_handle());
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

template <class Stream>
asio::awaitable<void> client_impl::exchange(Stream& s, connection& c, const request_spec& spec, attempt_result& r,
                                            steady_clock::time_point deadline)
{
    auto& lowest = beast::get_lowest_layer(s);
    lowest.expires_at(deadline);
    auto [wec, written] = co_await asio::async_write(s, asio::buffer(c.request), as_tuple_awaitable);
    if (wec)
    {
        r.ec = transport_error(wec);
        r.detail = "sending the request failed (" + wec.message() + "); it was not delivered";
        co_return;
    }
    r.delivered = true;

    http::response_parser<http::string_body> p;
    p.header_limit(64 * 1024);
    p.body_limit(opts.max_response_body);
    auto [rec, read] = co_await http::async_read(s, c.buffer, p, as_tuple_awaitable);
    if (rec)
    {
        if (rec == http::error::body_limit)
        {
            r.ec = client_errc::body_too_large;
            r.detail = "the answer is larger than " + std::to_string(opts.max_response_body) + " bytes";
        }
        else
        {
            r.ec = transport_error(rec);
            r.detail = std::string(p.got_some() ? "the answer was cut short: " : "no answer: ") + rec.message();
        }
        co_return;
    }
    lowest.expires_never();
    auto& res = p.get();
    r.http_status = res.result_int();
    r.reusable = res.keep_alive();
    c.served++;
    if constexpr (std::is_same_v<Stream, tls_stream>)
        if (c.store_session)
            save_session(s);
    if (auto ra = res[http::field::retry_after]; !ra.empty())
    {
        unsigned secs = 0;
        auto [ptr, err] = std::from_chars(ra.data(), ra.data() + ra.size(), secs);
        if (err == std::errc{})
            r.retry_after = std::chrono::milliseconds(std::min(secs, 60u) * 1000);
    }
    interpret(res.body(), c, spec, r);
}

FINOVY_DECL void client_impl::save_session(tls_stream& s)
{
    // A copy: OpenSSL marks a session unusable when the connection holding it is freed without
    // a TLS shutdown, which is how pooled connections usually end.
    SSL_SESSION* live = SSL_get1_session(s.native_handle());
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

FINOVY_DECL void client_impl::interpret(std::string& body, connection& c, const request_spec& spec, attempt_result& r)
{
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
