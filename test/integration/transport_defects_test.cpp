// SPDX-License-Identifier: BSL-1.0
// The defects of issue 11 that concern the transport, each with a test that fails on the code
// before the fix: TLS records after an answer (10), certificate failures (6), secrets in URLs (7),
// TLS set-up (9), exceptions (11), the completion executor (12), moved-from clients and DNS (13).
#include <boost/test/unit_test.hpp>

#include "../common/scripted_wire.hpp"
#include "../common/tls_test_server.hpp"
#include "client_test_support.hpp"

#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/tls_setup.hpp>
#include <finovy/listing.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <openssl/x509v3.h>

#include <atomic>
#include <typeinfo>

namespace {

using transport_kind = client_options::transport_kind;
constexpr transport_kind both_wires[] = {transport_kind::native, transport_kind::asio_ssl};

const char* name(transport_kind k) { return k == transport_kind::native ? "native" : "asio_ssl"; }

client_options scripted(std::string endpoint = "https://127.0.0.1:8443")
{
    client_options o;
    o.endpoint = std::move(endpoint);
    o.access_token = "scripted-token";
    o.retry.initial_backoff = 1ms;
    o.retry.max_backoff = 2ms;
    o.attempt_timeout = 2s;
    o.deadline = 5s;
    o.ssl_context = shared_tls_context();   // replaced where TLS is real
    return o;
}

asio::awaitable<error_code> get_host(client& c, diagnostics& d)
{
    auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", d, token());
    co_return ec;
}

}   // namespace

// Defect 10: TLS 1.3 tickets and key updates on an idle connection are not a closed connection.
BOOST_AUTO_TEST_SUITE(idle_tls_records)

BOOST_AUTO_TEST_CASE(tickets_and_key_updates_after_an_answer)
{
    sim_fixture certs;   // its CA and server certificate
    struct variant
    {
        const char* what;
        int tickets;
        bool key_update;
        std::chrono::milliseconds delay;   // after the answer
    };
    for (variant v : {variant{"two tickets", 2, false, 20ms}, variant{"a key update", 0, true, 20ms},
                      variant{"tickets and a key update", 1, true, 20ms},
                      variant{"tickets right behind the answer", 2, false, 0ms}})
    {
        for (transport_kind wire : both_wires)
        {
            tls_test_server::options so;
            so.cert_file = certs.sim.cert_dir() + "/server.pem";
            so.key_file = certs.sim.cert_dir() + "/server-key.pem";
            so.answer = http_answer(200, scripted_host_json);
            so.tickets_after_answer = v.tickets;
            so.key_update_after_answer = v.key_update;
            so.delay = v.delay;
            tls_test_server server(so);
            std::ostringstream what;
            what << v.what << ", " << name(wire);
            run([&]() -> asio::awaitable<void> {
                auto o = scripted(server.url());
                o.ssl_context = nullptr;   // real TLS: the client's own context, trusting the CA
                o.ca_file = certs.sim.ca_file();
                o.transport = wire;
                client c(co_await asio::this_coro::executor, o);
                for (int i = 0; i < 3; ++i)
                {
                    diagnostics d;
                    auto ec = co_await get_host(c, d);
                    BOOST_TEST_REQUIRE(!ec, what.str() << ": " << ec.message() << " " << d.client_message());
                    co_await sleep_for(100ms);   // the records arrive while the connection is idle
                }
                auto st = c.stats();
                what << " (opened " << st.connections_opened << ", stale " << st.stale_connections << ", resumed "
                     << st.handshakes_resumed << ", accepted " << server.accepted.load() << ")";
                BOOST_TEST(st.attempts == 3u, what.str());
                if (wire == transport_kind::native)
                {
                    // Read and consumed before reuse: the connection serves every call.
                    BOOST_TEST(st.connections_opened == 1u, what.str());
                    BOOST_TEST(st.stale_connections == 0u, what.str());
                }
                else
                {
                    // asio::ssl::stream cannot consume them without a read that may block: a
                    // reconnect each time, resumed (asio_ssl_wire.hpp documents it), whether they
                    // wait on the socket or arrived with the answer and wait in the engine.
                    BOOST_TEST(st.connections_opened == 3u, what.str());
                    BOOST_TEST(st.stale_connections == 2u, what.str());
                    BOOST_TEST(st.handshakes_resumed == 2u, what.str());
                }
            });
            BOOST_TEST(server.records_after_answers.load() >= 2, what.str());   // the records were sent
            BOOST_TEST(server.requests.load() == 3, what.str());
            BOOST_TEST(server.accepted.load() == (wire == transport_kind::native ? 1 : 3), what.str());
        }
    }
}

// A record of data nobody asked for, received with the answer but not yet decrypted: the
// connection must not serve another request (which would read it as its answer).
BOOST_AUTO_TEST_CASE(a_record_after_the_answer_retires_the_connection)
{
    sim_fixture certs;
    for (transport_kind wire : both_wires)
    {
        for (bool hot : {false, true})
        {
            tls_test_server::options so;
            so.cert_file = certs.sim.cert_dir() + "/server.pem";
            so.key_file = certs.sim.cert_dir() + "/server-key.pem";
            so.answer = http_answer(200, R"({"code":0,"msg":"success","data":true})");
            so.junk_after_first_answer = "HTTP/1.1 200 OK\r\n";
            tls_test_server server(so);
            std::ostringstream what;
            what << name(wire) << (hot ? ", a read at once" : ", a change");
            run([&]() -> asio::awaitable<void> {
                auto o = scripted(server.url());
                o.ssl_context = nullptr;
                o.ca_file = certs.sim.ca_file();
                o.transport = wire;
                o.retry.max_attempts = 1;
                client c(co_await asio::this_coro::executor, o);
                diagnostics d;
                auto [ec, r] = co_await c.async_request(http::verb::get, "/v1/pve/open/image", "", true, d, token());
                BOOST_TEST_REQUIRE(!ec, what.str() << ": " << ec.message());
                if (!hot)
                    co_await sleep_for(20ms);
                error_code ec2;
                if (hot)   // resent safely, so the socket is not asked: only what is buffered is judged
                    std::tie(ec2, r) = co_await c.async_request(http::verb::get, "/v1/pve/open/image", "", true, d, token());
                else
                    std::tie(ec2) = co_await c.async_power_on("rEJjwEY5Wt", d, token());
                BOOST_TEST(!ec2, what.str() << ": " << ec2.message() << " " << d.client_message());
                auto st = c.stats();
                BOOST_TEST(st.connections_opened == 2u, what.str());
                BOOST_TEST(st.attempts == 2u, what.str());
            });
            BOOST_TEST(server.requests.load() == 2, what.str());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(tls_verification)

// Defect 6: a certificate the client does not trust is reported after one handshake, not four.
BOOST_AUTO_TEST_CASE(certificate_failures_are_not_retried)
{
    for (transport_kind wire : both_wires)
    {
        sim_fixture f;
        auto o = f.options();
        o.ca_file.clear();   // the system's store does not know the simulator's CA
        o.transport = wire;
        o.retry.max_attempts = 4;
        run([&]() -> asio::awaitable<void> {
            client c(co_await asio::this_coro::executor, o);
            diagnostics d;
            auto [ec, v] = co_await c.async_list_images(d, token());
            BOOST_TEST((ec.category() == asio::error::get_ssl_category()), name(wire) << ": " << ec.message());
            BOOST_TEST(d.attempts() == 1, name(wire));
            BOOST_TEST(d.client_message().find("certificate") != std::string::npos, d.client_message());
            BOOST_TEST(c.stats().connections_busy == 0u);
        });
        BOOST_TEST(f.sim.stats().at("connections").at("accepted").as_uint64() == 1u, name(wire));
    }
}

// Defect 9: an IP endpoint's certificate must name the address: a certificate for "localhost"
// only is refused at 127.0.0.1.
BOOST_AUTO_TEST_CASE(an_ip_endpoint_verifies_the_address)
{
    auto so = fast_sim_options();
    so.cert_names = {"localhost"};
    sim_fixture f(so);
    for (transport_kind wire : both_wires)
    {
        run([&]() -> asio::awaitable<void> {
            auto o = f.options();   // https://127.0.0.1:PORT
            o.transport = wire;
            client c(co_await asio::this_coro::executor, o);
            diagnostics d;
            auto [ec, v] = co_await c.async_list_images(d, token());
            BOOST_TEST(ec, name(wire));
            BOOST_TEST(d.client_message().find("certificate") != std::string::npos, d.client_message());
            BOOST_TEST(d.attempts() == 1, name(wire));
            // The same server through its name is trusted.
            auto named = o;
            named.endpoint = "https://localhost:" + std::to_string(f.sim.port());
            client c2(co_await asio::this_coro::executor, named);
            BOOST_TEST((co_await c2.async_list_images()).size() == 5u);
        });
    }
}

// Defect 9: each step of the TLS set-up is checked; a name it cannot take fails closed.
BOOST_AUTO_TEST_CASE(tls_setup_fails_closed)
{
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    BOOST_TEST_REQUIRE(ctx);
    auto configure = [&](const std::string& name, auto check) {
        SSL* ssl = SSL_new(ctx);
        auto ec = detail::configure_tls_client(ssl, name, nullptr);
        check(ec, ssl);
        SSL_free(ssl);
    };
    configure(std::string("api.example\0.evil", 17), [](error_code ec, SSL*) { BOOST_TEST(ec); });
    configure("", [](error_code ec, SSL*) { BOOST_TEST(ec); });
    // Longer than SNI can carry (255): SSL_set_tlsext_host_name refuses it, so must we.
    configure(std::string(300, 'a') + ".example", [](error_code ec, SSL*) { BOOST_TEST(ec); });
    configure("api.example.com", [](error_code ec, SSL* ssl) {
        BOOST_TEST(!ec);
        BOOST_TEST(std::string(SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) == "api.example.com");
        const char* host = X509_VERIFY_PARAM_get0_host(SSL_get0_param(ssl), 0);
        BOOST_TEST((host && std::string(host) == "api.example.com"));
    });
    for (std::string ip : {"127.0.0.1", "::1"})
        configure(ip, [&](error_code ec, SSL* ssl) {
            BOOST_TEST(!ec);
            BOOST_TEST(SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) == nullptr);   // no SNI for an address
            char* checked = X509_VERIFY_PARAM_get1_ip_asc(SSL_get0_param(ssl));
            BOOST_TEST((checked && std::string(checked) == (ip == "::1" ? "0:0:0:0:0:0:0:1" : ip)), ip);
            OPENSSL_free(checked);
            BOOST_TEST(X509_VERIFY_PARAM_get0_host(SSL_get0_param(ssl), 0) == nullptr);
        });
    SSL_CTX_free(ctx);
}

// Defect 7: a secret in a URL is never echoed.
BOOST_AUTO_TEST_CASE(secrets_in_urls_are_never_echoed)
{
    asio::io_context ioc;
    const std::string secret = "Pa55-SECRET-word";
    for (std::string endpoint : {"https://user:" + secret + "@127.0.0.1:8443",
                                 "https://" + secret + "@127.0.0.1:8443/v1",
                                 "https://user:" + secret + "@127.0.0.1",
                                 "https://user:x/" + secret + "@127.0.0.1:8443",
                                 "https://user:x?" + secret + "@127.0.0.1:8443",
                                 "https://user:x#" + secret + "@127.0.0.1:8443",
                                 "https://user:" + secret + "@[::1]:8443",
                                 "http://user:" + secret + "@127.0.0.1:8443"})
    {
        auto o = scripted(endpoint);
        try
        {
            client c(ioc, o);
            BOOST_ERROR("accepted " << endpoint.size() << " characters of credentials in the URL");
        }
        catch (const std::invalid_argument& e)
        {
            const std::string what = e.what();
            BOOST_TEST(what.find("SECRET") == std::string::npos, what);
            BOOST_TEST(what.find("credentials") != std::string::npos, what);
        }
    }
    // (An unencoded '/' in a proxy password is accepted, as curl does: proxy_test.cpp.)
    for (std::string proxy : {"http://user:" + secret + "@proxy:3128/x", "socks5://user:" + secret + "@proxy:1080"})
    {
        auto o = scripted();
        o.proxy = proxy;
        try
        {
            client c(ioc, o);
            BOOST_ERROR("accepted a malformed proxy URL");
        }
        catch (const std::invalid_argument& e)
        {
            BOOST_TEST(std::string(e.what()).find("SECRET") == std::string::npos, e.what());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

// Defect 11: an exception (out of memory) anywhere fails the call, leaks no pool slot, and blocks
// nothing afterwards.
BOOST_AUTO_TEST_SUITE(exception_safety)

BOOST_AUTO_TEST_CASE(a_wire_that_cannot_be_made)
{
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        for (bool thread_safe : {true, false})
        {
            // A thread-safe client takes its first connection as the call starts, and again in the
            // call when that failed: each of them must fail the call, not throw from the initiation.
            auto s = scripted_server::make();
            s->throwing_wires = thread_safe ? std::set<std::size_t>{1, 2} : std::set<std::size_t>{1};
            auto o = scripted();
            o.thread_safe = thread_safe;
            o.max_connections = 1;   // a leaked slot would leave none
            o.deadline = 1s;
            client c(ex, o);
            s->install(c);
            diagnostics d;
            error_code ec = co_await get_host(c, d);
            BOOST_TEST((ec == boost::system::errc::not_enough_memory), ec.message());
            BOOST_TEST(d.client_message() == "out of memory");
            BOOST_TEST(c.stats().connections_busy == 0u);
            BOOST_TEST(!(co_await get_host(c, d)), d.client_message());
            auto st = c.stats();
            BOOST_TEST(st.connections_busy == 0u);
            BOOST_TEST(st.connections_idle == 1u);
        }
        // Only the first one fails: the call goes on with the second.
        auto s = scripted_server::make();
        s->throwing_wires = {1};
        auto o = scripted();
        o.max_connections = 1;
        o.deadline = 1s;
        client c(ex, o);
        s->install(c);
        diagnostics d;
        BOOST_TEST(!(co_await get_host(c, d)), d.client_message());
        BOOST_TEST(c.stats().connections_idle == 1u);
        BOOST_TEST(c.stats().connections_busy == 0u);
    });
}

BOOST_AUTO_TEST_CASE(a_waiter_whose_new_connection_cannot_be_made)
{
    run([&]() -> asio::awaitable<void> {
        auto s = scripted_server::make();
        s->truncate_at = 10;          // the first call's connection breaks...
        s->throwing_wires = {2};      // ... and the waiter cannot make the next one
        auto o = scripted();
        o.max_connections = 1;
        client c(co_await asio::this_coro::executor, o);
        s->install(c);
        auto results = co_await run_concurrently(2, [&](int i) -> asio::awaitable<bool> {
            diagnostics d;
            if (i == 0)
            {
                auto [ec] = co_await c.async_power_on("rEJjwEY5Wt", d, token());
                co_return ec == client_errc::outcome_unknown;
            }
            auto ec = co_await get_host(c, d);
            co_return ec == boost::system::errc::not_enough_memory;
        });
        BOOST_TEST(results[0]);
        BOOST_TEST(results[1]);
        BOOST_TEST(c.stats().connections_busy == 0u);
        diagnostics d;
        BOOST_TEST(!(co_await get_host(c, d)));
        BOOST_TEST(c.stats().connections_busy == 0u);
    });
}

// A token fetch that cannot start its call fails its waiters, and the next call fetches again.
BOOST_AUTO_TEST_CASE(a_token_fetch_that_throws)
{
    run([&]() -> asio::awaitable<void> {
        auto s = scripted_server::make();
        s->throwing_wires = {2};   // the call takes a connection (wire 1) before it needs the token
        auto o = scripted();
        o.access_token.clear();
        o.uuid = "A27550582";
        o.secret = "scripted-secret";
        o.thread_safe = false;
        client c(co_await asio::this_coro::executor, o);
        s->install(c);
        diagnostics d;
        auto ec = co_await get_host(c, d);
        BOOST_TEST((ec == boost::system::errc::not_enough_memory), ec.message() << " " << d.client_message());
        BOOST_TEST(!(co_await get_host(c, d)), d.client_message());
        BOOST_TEST(s->count("getToken") == 1u);
        BOOST_TEST(c.stats().token_fetches == 2u);
        BOOST_TEST(c.stats().connections_busy == 0u);
    });
}

BOOST_AUTO_TEST_SUITE_END()
