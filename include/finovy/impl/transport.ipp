// SPDX-License-Identifier: BSL-1.0
// The transport of one attempt (impl/internal/transport.hpp).
#ifndef FINOVY_IMPL_TRANSPORT_IPP
#define FINOVY_IMPL_TRANSPORT_IPP

#include <finovy/impl/internal/answer_parser.hpp>
#include <finovy/impl/internal/asio_ssl_wire.hpp>
#include <finovy/impl/internal/clipped_text.hpp>
#include <finovy/impl/internal/native_wire.hpp>
#include <finovy/impl/internal/proxy.hpp>
#include <finovy/impl/internal/server_clock.hpp>
#include <finovy/impl/internal/transport.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/monotonic_resource.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <stdexcept>

namespace finovy::detail {

namespace http = boost::beast::http;
using asio::ip::tcp;

// -------------------------------------------------------------------------------------------------
// Addresses

FINOVY_DECL bool address_cache::fresh(addresses& out)
{
    std::lock_guard lk(m_);
    if (cached_.empty() || steady_clock::now() >= expires_)
        return false;
    out = cached_;
    return true;
}

FINOVY_DECL void address_cache::forget()
{
    std::lock_guard lk(m_);
    cached_.clear();
}

FINOVY_DECL asio::awaitable<std::tuple<error_code, address_cache::addresses>>
address_cache::resolve(std::shared_ptr<address_cache> self, asio::any_io_executor ex)
{
    self->lookups++;
    tcp::resolver resolver(ex);
    auto [ec, results] = co_await resolver.async_resolve(self->host_, self->port_, asio::as_tuple(asio::use_awaitable));
    addresses found;
    if (!ec)
    {
        for (const auto& e : results)
            found.push_back(e.endpoint());
        std::lock_guard lk(self->m_);
        self->cached_ = found;
        self->expires_ = saturating_deadline(steady_clock::now(), self->ttl_);
    }
    co_return std::tuple(ec, std::move(found));
}

FINOVY_DECL asio::awaitable<std::tuple<error_code, address_cache::addresses>>
address_cache::look_up(const asio::any_io_executor& ex, steady_clock::time_point deadline)
{
    return flight_->join(ex, deadline, [&] { return resolve(shared_from_this(), ex); });
}

// -------------------------------------------------------------------------------------------------
// Construction

namespace transport_helpers {
[[noreturn]] inline void refuse(const std::string& what)
{
    throw std::invalid_argument("finovy::client: " + what);
}
}   // namespace transport_helpers

FINOVY_DECL transport::transport(const client_options& o) : opts_(o)
{
    using transport_helpers::refuse;
    if (auto ec = parse_endpoint(opts_.endpoint, opts_.allow_insecure_http, ep_))
        refuse("endpoint \"" + redacted_url(opts_.endpoint) + "\": " + ec.message() +
               (opts_.endpoint.find('@') != std::string::npos ? " (credentials in the URL are not accepted)" : ""));
    if (opts_.dns_cache_ttl.count() < 0)
        refuse("dns_cache_ttl must not be negative");
    if (!opts_.proxy.empty() && !bypasses_proxy(ep_.host, opts_.no_proxy))
    {
        proxy_url p;
        if (auto ec = parse_proxy_url(opts_.proxy, p))
            refuse("proxy \"" + redacted_url(opts_.proxy) + "\": not an http://[user:password@]host:port URL");
        if (!ep_.tls)
            refuse("a proxy is used for https:// endpoints only (CONNECT); http:// cannot go through it");
        proxy_config c;
        c.host = p.host;
        c.port = p.port;
        if (p.has_credentials)
            c.authorization = "Basic " + base64(p.user + ":" + p.password);
        proxy_ = std::move(c);
    }
    addresses_ = proxy_ ? std::make_shared<address_cache>(proxy_->host, proxy_->port, opts_.dns_cache_ttl)
                        : std::make_shared<address_cache>(ep_.host, ep_.port, opts_.dns_cache_ttl);

    if (ep_.tls)
    {
        if (opts_.ssl_context)
            ssl_ = opts_.ssl_context;
        else
        {
            ssl_ = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
            if (SSL_CTX_set_min_proto_version(ssl_->native_handle(), TLS1_2_VERSION) != 1)
                refuse("cannot require TLS 1.2");
            ssl_->set_verify_mode(asio::ssl::verify_peer);
            ssl_->set_default_verify_paths();
            if (!opts_.ca_file.empty())
            {
                boost::system::error_code ec;
                ssl_->load_verify_file(opts_.ca_file, ec);
                if (ec)
                    refuse("cannot load the CA file \"" + opts_.ca_file + "\": " + ec.message());
            }
        }
        server_name_ = opts_.tls_server_name.empty() ? ep_.host : opts_.tls_server_name;
    }
}

FINOVY_DECL transport::~transport()
{
    if (session_)
        SSL_SESSION_free(session_);
}

FINOVY_DECL connection_ptr transport::make_connection(const asio::any_io_executor& ex, bool own_strand)
{
    asio::any_io_executor exec = own_strand ? asio::any_io_executor(asio::make_strand(ex)) : ex;
    wire_ptr w;
    if (factory_)
        w = factory_(exec, factory_context_);
    else if (opts_.transport == client_options::transport_kind::asio_ssl)
        w = std::make_shared<asio_ssl_wire>(exec);
    else
        w = std::make_shared<native_wire>(exec);
    return std::make_unique<connection>(std::move(exec), std::move(w));
}

// -------------------------------------------------------------------------------------------------
// One attempt, on the connection's executor.

FINOVY_DECL asio::awaitable<attempt_result> transport::attempt(connection& c, const request_spec& spec,
                                                              std::string_view token,
                                                              steady_clock::time_point deadline, bool look)
{
    attempt_result r;
    try
    {
        r.reused = c.connected;
        r.unchecked = r.reused && !look;
        if (c.connected && !c.io->usable(look))
        {
            stale++;
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
    if (!r.reusable)
        c.close();
    co_return r;
}

FINOVY_DECL asio::awaitable<void> transport::connect(connection& c, attempt_result& r)
{
    c.close();
    c.buffer.clear();
    const auto began = steady_clock::now();   // for the client's events
    co_await reach(c, r);
    const auto tunnelled = steady_clock::now();
    r.connect_time = std::chrono::duration_cast<std::chrono::microseconds>(tunnelled - began);
    if (r.ec)
        co_return;
    if (ep_.tls)
    {
        co_await handshake(c, r);
        r.handshake_time = std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::now() - tunnelled);
        if (r.ec)
            co_return;
    }
    c.connected = true;
}

// Looks the name up (or takes the cached addresses), connects, and opens the proxy's tunnel.
FINOVY_DECL asio::awaitable<void> transport::reach(connection& c, attempt_result& r)
{
    auto& w = *c.io;
    const auto& host = addresses_->host();
    address_cache::addresses eps;
    if (!addresses_->fresh(eps))
    {
        // Bounded by the attempt's deadline although getaddrinfo cannot be interrupted: a late
        // look-up still fills the cache for the next attempt.
        auto [ec, found] = co_await addresses_->look_up(c.exec, w.deadline());
        if (ec)
        {
            r.ec = ec;
            r.detail = ec == client_errc::timeout ? "looking " + host + " up took longer than the attempt may"
                                                  : "cannot resolve " + host + ": " + ec.message();
            co_return;
        }
        eps = std::move(found);
    }
    if (w.timed_out())   // the deadline passed as the look-up ended: its timer had nothing to cancel
    {
        r.ec = client_errc::timeout;
        r.detail = "looking " + host + " up took longer than the attempt may";
        co_return;
    }
    auto ec = co_await w.connect(eps);
    if (ec)
    {
        r.ec = ec == asio::error::operation_aborted && w.timed_out() ? error_code(client_errc::timeout) : ec;
        r.detail = "cannot connect to " + (proxy_ ? "the proxy " : std::string()) + host + ":" +
                   addresses_->port() + ": " + r.ec.message();
        addresses_->forget();   // look the name up again next time
        co_return;
    }
    opened++;
    r.connected = true;
    if (proxy_)
        co_await open_tunnel(c, r);
}

FINOVY_DECL asio::awaitable<void> transport::handshake(connection& c, attempt_result& r)
{
    auto& w = *c.io;
    r.handshook = true;
    SSL_SESSION* copy = session_copy();   // this connection's own, see save_session
    auto ec = w.start_tls(*ssl_, server_name_, copy);
    if (copy)
        SSL_SESSION_free(copy);
    if (ec)
    {
        r.ec = ec;
        r.handshake_failed = true;
        r.detail = "cannot set TLS up for " + server_name_ + ": " + ec.message();
        co_return;
    }
    // (No co_await inside a condition: GCC 12 miscompiles some of those.)
    error_code hec;
    for (auto st = w.try_handshake(hec); st != wire::step::done && st != wire::step::failed; st = w.try_handshake(hec))
    {
        hec = co_await w.wait(st);
        if (hec)
            break;
    }
    if (hec)
    {
        r.ec = hec == asio::error::operation_aborted && w.timed_out() ? error_code(client_errc::timeout) : hec;
        r.handshake_failed = true;
        r.detail = "TLS handshake with " + server_name_ + " failed: " + r.ec.message();
        if (SSL* ssl = w.ssl())
        {
            long v = SSL_get_verify_result(ssl);
            if (v != X509_V_OK)
                r.detail += std::string(" (certificate: ") + X509_verify_cert_error_string(v) + ")";
        }
        co_return;
    }
    if (SSL* ssl = w.ssl())
    {
        r.resumed = SSL_session_reused(ssl);
        (r.resumed ? resumed : full)++;
        c.store_session = !r.resumed;
    }
}

// A proxy's answer to CONNECT other than 2xx: the error and its words.
inline void refuse_tunnel(unsigned status, const std::string& authority, bool sent_credentials, attempt_result& r)
{
    if (status >= 500)
        r.ec = client_errc::proxy_error;   // the proxy could not reach the API: worth another try, nothing was sent
    else
        r.ec = client_errc::proxy_refused;
    // 407 asks for credentials; some proxies (tinyproxy) answer wrong ones with 401.
    r.detail = "the proxy answered HTTP " + std::to_string(status) + " to CONNECT " + authority +
               (status == 407 || status == 401
                    ? (!sent_credentials ? " (proxy authentication required: put user:password in the proxy URL)"
                                         : " (proxy authentication refused: check the proxy URL's user and password)")
                    : "");
}

// CONNECT through the proxy; TLS then runs end to end inside the tunnel.
FINOVY_DECL asio::awaitable<void> transport::open_tunnel(connection& c, attempt_result& r)
{
    auto& w = *c.io;
    std::string authority = ep_.host.find(':') != std::string::npos ? "[" + ep_.host + "]:" + ep_.port
                                                                     : ep_.host + ":" + ep_.port;
    std::string req = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
    if (!proxy_->authorization.empty())
        req += "Proxy-Authorization: " + proxy_->authorization + "\r\n";
    req += "User-Agent: " + opts_.user_agent + "\r\n\r\n";
    error_code ec;
    std::size_t sent = 0;
    for (auto st = w.try_write(req, sent, ec); st != wire::step::done && st != wire::step::failed;
         st = w.try_write(req, sent, ec))
    {
        ec = co_await w.wait(st);
        if (ec)
            break;
    }
    std::fill(req.begin(), req.end(), '\0');   // it held the proxy's credentials
    std::string ignored_body;
    answer_parser p(ignored_body);
    p.skip(true);   // a CONNECT answer's body, if any, is not read: the tunnel or nothing
    p.header_limit(16 * 1024);
    while (!ec)
    {
        beast::error_code pec;
        if (c.buffer.size() > 0)
        {
            c.buffer.consume(p.put(c.buffer.data(), pec));
            if (pec == http::error::need_more)
                pec = {};
        }
        if (pec)
        {
            r.ec = client_errc::bad_response;
            r.detail = "the proxy's answer to CONNECT is not HTTP: " + pec.message();
            co_return;
        }
        if (p.is_header_done())
            break;
        auto st = w.try_read(c.buffer, ec);
        if (st == wire::step::want_read || st == wire::step::want_write)
            ec = co_await w.wait(st);
    }
    if (ec)
    {
        r.ec = ec == asio::error::operation_aborted && w.timed_out() ? error_code(client_errc::timeout) : ec;
        r.detail = "no answer from the proxy to CONNECT: " + r.ec.message();
        co_return;
    }
    const unsigned status = p.status();
    if (status / 100 == 2 && c.buffer.size() == 0)
        co_return;
    refuse_tunnel(status, authority, !proxy_->authorization.empty(), r);
    c.buffer.clear();
}


FINOVY_DECL void transport::build_request(connection& c, const request_spec& spec, std::string_view token)
{
    auto& q = c.request;
    q.clear();
    auto method = http::to_string(spec.method);
    q.append(method.data(), method.size());
    q += ' ';
    q += ep_.base_path;
    q += spec.target;
    q += " HTTP/1.1\r\nHost: ";
    q += ep_.host_header;
    q += "\r\nUser-Agent: ";
    q += opts_.user_agent;
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

// An answer the parser refused: too large, or not HTTP.
inline void unreadable_answer(const beast::error_code& pec, std::size_t body_limit, attempt_result& r)
{
    if (pec == http::error::body_limit)
    {
        r.ec = client_errc::body_too_large;
        r.detail = "the answer is larger than " + std::to_string(body_limit) + " bytes";
    }
    else
    {
        r.ec = client_errc::bad_response;
        r.detail = "the answer is not HTTP: " + pec.message();
    }
}

// What the client keeps of a complete answer's head.
inline void take_head(connection& c, answer_parser& p, bool want_date, attempt_result& r)
{
    r.http_status = p.status();
    // A complete answer on a kept-alive connection: reusable whatever it says, unless data
    // nobody asked for follows it.
    r.reusable = p.keep_alive() && c.buffer.size() == 0 && !c.io->data_left() && r.http_status != 101;
    r.retry_after = p.retry_after();
    if (want_date)
    {
        r.received_at = std::chrono::system_clock::now();
        r.date = parse_http_date(p.date());
    }
}

// Long on purpose: one coroutine frame per request on the hot path; the steps that do
// not wait are in the helpers above.
FINOVY_DECL asio::awaitable<void> transport::exchange(connection& c, const request_spec& spec, attempt_result& r)
{
    auto& w = *c.io;
    using step = wire::step;
    error_code ec;
    std::size_t sent = 0;
    const bool want_date = this->want_date.load(std::memory_order_relaxed);
    if (want_date)
        r.sent_at = std::chrono::system_clock::now();
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

    // Nothing can have arrived before the request went out: a recv now would only say "not
    // yet" and cost a system call. Wait first, unless bytes are buffered already.
    step st = w.has_pending() ? step::done : step::want_read;
    // Interim answers (1xx but 101) precede the answer: RFC 9110 section 15.2.
    for (int interim = 0;; ++interim)
    {
        answer_parser p(c.body, want_date);
        p.header_limit(64 * 1024);
        p.body_limit(opts_.max_response_body);
        p.eager(true);
        if (spec.method == http::verb::head)
            p.skip(true);   // an answer to HEAD has no body, whatever Content-Length says
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
            unreadable_answer(pec, opts_.max_response_body, r);
            co_return;
        }
        const unsigned status = p.status();
        if (status >= 100 && status < 200 && status != 101 && interim < 8)
        {
            st = c.buffer.size() > 0 || w.has_pending() ? step::done : step::want_read;
            continue;
        }
        take_head(c, p, want_date, r);
        break;
    }
    if (c.store_session && w.ssl())
    {
        c.store_session = false;   // once per connection: a copy per answer costs a dozen allocations
        save_session(w.ssl());
    }
    interpret(c, spec, r);
}

FINOVY_DECL SSL_SESSION* transport::session_copy()
{
    std::lock_guard lk(m_);
    return session_ ? SSL_SESSION_dup(session_) : nullptr;
}

FINOVY_DECL void transport::save_session(SSL* ssl)
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
        std::lock_guard lk(m_);
        old = session_;
        session_ = fresh;
    }
    if (old)
        SSL_SESSION_free(old);
}

// The API's word: its code, msg and traceId, then the data decoded into the caller's result.
inline void take_envelope(envelope env, const request_spec& spec, bool status_error, attempt_result& r)
{
    r.api_code = env.code;
    // Bounded: they go into diagnostics, what() and log lines, and a server may send megabytes.
    r.api_msg = clip_text(std::move(env.msg), max_api_message_bytes);
    r.trace_id = clip_text(std::move(env.trace_id), max_trace_id_bytes);
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
        std::string why;
        if (auto ec = spec.decode(env.data ? *env.data : null_value, spec.out, why))
        {
            r.ec = ec;
            r.detail = why;
        }
    }
}

FINOVY_DECL void transport::interpret(connection& c, const request_spec& spec, attempt_result& r)
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
            r.reusable = false;   // an unreadable answer: trust nothing more on this connection
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
    take_envelope(std::move(env), spec, status_error, r);
}


}   // namespace finovy::detail

#endif
