// SPDX-License-Identifier: BSL-1.0
// The defects of issue 18 that need a server, each with a test that failed before its fix:
// durations of "forever" (milliseconds::max()) that overflowed now() + d (5), a server's huge msg
// kept whole in diagnostics (6), and failures that cannot heal retried four times (7).
#include <boost/test/unit_test.hpp>

#include "../common/scripted_wire.hpp"
#include "../common/tls_test_server.hpp"
#include "client_test_support.hpp"

#include <finovy/create.hpp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/listing.hpp>
#include <finovy/wait.hpp>
#include <finovy/watch_hub.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace {

using transport_kind = client_options::transport_kind;
constexpr transport_kind both_wires[] = {transport_kind::native, transport_kind::asio_ssl};
const char* name(transport_kind k) { return k == transport_kind::native ? "native" : "asio_ssl"; }

constexpr auto forever = std::chrono::milliseconds::max();

wait_options quick(std::chrono::milliseconds timeout)
{
    wait_options w;
    w.first_delay = 20ms;
    w.interval = 30ms;
    w.max_interval = 30ms;
    w.timeout = timeout;
    return w;
}

// A plain-HTTP server on loopback: reads what comes (a TLS ClientHello) and answers 400, as
// nginx does on its plain port. Counts the connections.
class plain_http_server
{
public:
    plain_http_server()
    {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            throw std::runtime_error("plain_http_server: cannot listen");
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] {
            for (;;)
            {
                int c = ::accept(fd_, nullptr, nullptr);
                if (c < 0 || stopping_)
                {
                    if (c >= 0)
                        ::close(c);
                    return;
                }
                ++accepted;
                char buf[4096];
                (void)::recv(c, buf, sizeof buf, 0);
                static constexpr char answer[] = "HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Length: 0\r\n"
                                                 "Connection: close\r\n\r\n";
                (void)::send(c, answer, sizeof answer - 1, MSG_NOSIGNAL);
                ::shutdown(c, SHUT_WR);
                while (::recv(c, buf, sizeof buf, 0) > 0)
                {
                }
                ::close(c);
            }
        });
    }
    ~plain_http_server()
    {
        stopping_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        thread_.join();
        ::close(fd_);
    }
    std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }

    std::atomic<int> accepted{0};

private:
    int fd_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}   // namespace

// Defect 5: milliseconds::max() as "no limit" wrapped around to a deadline already passed (in
// nanoseconds it is -1 ms): calls and waits timed out at once.
BOOST_AUTO_TEST_SUITE(durations_of_forever)

BOOST_AUTO_TEST_CASE(calls_and_waits_with_no_limit)
{
    sim_fixture f;
    run([&]() -> asio::awaitable<void> {
        auto o = f.options();
        o.deadline = forever;
        o.attempt_timeout = forever;
        client c(co_await asio::this_coro::executor, o);
        diagnostics d;
        auto [ec, images] = co_await c.async_list_images(d, token());
        BOOST_TEST(!ec, d.describe(ec));

        client per_call(co_await asio::this_coro::executor, f.options());
        diagnostics d2;
        auto [ec2, images2] =
            co_await per_call.async_list_images(call_context(call_options{.deadline = forever}, d2), token());
        BOOST_TEST(!ec2, d2.describe(ec2));

        diagnostics d3;
        create_wait_options cw;
        cw.target = host_status::running;
        cw.wait = quick(forever);
        auto [ec3, h] = co_await async_create_host_and_wait(c, "Ofc2C4G8xx", "4005", cw, call_context(call_options{}, d3),
                                                            token());
        BOOST_TEST(!ec3, d3.describe(ec3));
        BOOST_TEST((h.status == host_status::running));

        watch_hub hub(c, hub_options{.interval = 30ms});
        diagnostics d4;
        auto [ec4, off] = co_await hub.async_power_off_and_wait(h.id, quick(forever), call_context(call_options{}, d4),
                                                                token());
        BOOST_TEST(!ec4, d4.describe(ec4));
        BOOST_TEST((off.status == host_status::off));
    });
}

BOOST_AUTO_TEST_CASE(a_token_that_never_expires_is_asked_for_once)
{
    sim_fixture f;
    run([&]() -> asio::awaitable<void> {
        auto o = f.options();
        o.access_token.clear();
        int asked = 0;
        o.credentials = [&](credential_request, credential_handler h) {
            ++asked;
            std::move(h)(error_code{}, provided_credentials::from_token(static_token, forever));
        };
        client c(co_await asio::this_coro::executor, o);
        for (int i = 0; i < 3; ++i)
        {
            diagnostics d;
            auto [ec, images] = co_await c.async_list_images(d, token());
            BOOST_TEST(!ec, d.describe(ec));
        }
        BOOST_TEST(asked == 1);   // it used to expire at once, and be asked for at every call
    });
}

BOOST_AUTO_TEST_CASE(addresses_kept_forever_are_looked_up_once)
{
    run([&]() -> asio::awaitable<void> {
        auto s = scripted_server::make();
        s->answer = [](const seen_request& r) {
            auto a = default_reply(r);
            a.bytes = http_answer(200, scripted_host_json, "Connection: close\r\n");
            return a;
        };
        client_options o;
        o.endpoint = "https://localhost:8443";
        o.access_token = "scripted-token";
        o.ssl_context = shared_tls_context();
        o.dns_cache_ttl = forever;
        client c(co_await asio::this_coro::executor, o);
        s->install(c);
        for (int i = 0; i < 3; ++i)
        {
            auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", token());
            BOOST_TEST_REQUIRE(!ec, ec.message());
        }
        BOOST_TEST(s->connects == 3);
        BOOST_TEST(detail::client_access::impl(c)->net.lookups() == 1u);
    });
}

BOOST_AUTO_TEST_SUITE_END()

// Defect 6: a server's msg of megabytes went whole into diagnostics, describe() and what().
BOOST_AUTO_TEST_SUITE(huge_api_messages)

BOOST_AUTO_TEST_CASE(msg_and_trace_id_are_bounded)
{
    sim_fixture certs;   // its CA and server certificate
    // 3 MB of a three-byte character, so that a cut at 1 KiB falls inside one.
    std::string msg;
    for (std::size_t i = 0; msg.size() < 3'000'000; ++i)
        msg += i % 7 == 0 ? "a" : "机";
    const std::string trace(100'000, 't');
    tls_test_server::options so;
    so.cert_file = certs.sim.cert_dir() + "/server.pem";
    so.key_file = certs.sim.cert_dir() + "/server-key.pem";
    so.answer = http_answer(200, R"({"code": 1021, "msg": ")" + msg + R"(", "traceId": ")" + trace + R"("})");
    tls_test_server server(so);
    for (transport_kind wire : both_wires)
    {
        run([&]() -> asio::awaitable<void> {
            auto o = certs.options();
            o.endpoint = server.url();
            o.transport = wire;
            client c(co_await asio::this_coro::executor, o);
            diagnostics d;
            auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", d, token());
            BOOST_TEST((ec == api_errc::host_not_found), name(wire) << ": " << ec.message());
            BOOST_TEST(d.api_code() == 1021);
            BOOST_TEST(d.api_message().size() <= 1100u, name(wire));
            BOOST_TEST(d.api_message().substr(0, 4) == msg.substr(0, 4));
            BOOST_TEST(d.api_message().find(std::to_string(msg.size()) + " bytes") != std::string::npos,
                       d.api_message().substr(std::min<std::size_t>(1000, d.api_message().size())));
            BOOST_TEST(d.trace_id().size() <= 300u, name(wire));
            BOOST_TEST(d.describe(ec).size() < 2000u, name(wire));
            BOOST_TEST(std::string(error_with_diagnostics(ec, d).what()).size() < 2000u, name(wire));
            // Cut between characters: what is kept is valid UTF-8.
            auto kept = d.api_message().substr(0, d.api_message().find("..."));
            std::size_t i = 0;
            while (i < kept.size())
                i += (static_cast<unsigned char>(kept[i]) & 0x80) == 0 ? 1 : 3;
            BOOST_TEST(i == kept.size(), name(wire));
        });
    }
}

BOOST_AUTO_TEST_SUITE_END()

// Defect 7: a name that does not exist, and a plain-HTTP server behind https://, were tried four
// times; a name server that cannot answer now still is.
BOOST_AUTO_TEST_SUITE(failures_that_cannot_heal)

BOOST_AUTO_TEST_CASE(an_unknown_host_name_is_tried_once)
{
    run([&]() -> asio::awaitable<void> {
        client_options o;
        o.endpoint = "https://no-such-host.invalid";
        o.access_token = "token";
        o.retry.max_attempts = 4;
        o.retry.initial_backoff = 5ms;
        o.retry.max_backoff = 10ms;
        client c(co_await asio::this_coro::executor, o);
        diagnostics d;
        auto [ec, images] = co_await c.async_list_images(d, token());
        if (ec == asio::error::host_not_found_try_again)   // a resolver that cannot reach a name server
        {
            BOOST_TEST_MESSAGE("no name server: the transient failure is retried");
            BOOST_TEST(d.attempts() == 4);
            co_return;
        }
        BOOST_TEST((ec == asio::error::host_not_found), ec.message());
        BOOST_TEST(d.attempts() == 1, d.describe(ec));
        BOOST_TEST(d.client_message().find("no-such-host.invalid") != std::string::npos, d.client_message());
    });
}

BOOST_AUTO_TEST_CASE(a_plain_http_server_behind_https_is_tried_once)
{
    plain_http_server server;
    for (transport_kind wire : both_wires)
    {
        const int before = server.accepted;
        run([&]() -> asio::awaitable<void> {
            client_options o;
            o.endpoint = server.url();
            o.access_token = "token";
            o.transport = wire;
            o.retry.max_attempts = 4;
            o.retry.initial_backoff = 5ms;
            o.retry.max_backoff = 10ms;
            client c(co_await asio::this_coro::executor, o);
            diagnostics d;
            auto [ec, images] = co_await c.async_list_images(d, token());
            BOOST_TEST((ec.category() == asio::error::get_ssl_category()), name(wire) << ": " << ec.message());
            BOOST_TEST(d.attempts() == 1, name(wire) << ": " << d.describe(ec));
        });
        BOOST_TEST(server.accepted - before == 1, name(wire));
    }
}

BOOST_AUTO_TEST_SUITE_END()
