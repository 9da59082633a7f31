// SPDX-License-Identifier: BSL-1.0
// The client through a real HTTP proxy: Debian's tinyproxy, started by the test on a free loopback
// port with a configuration the test writes. TLS runs end to end (the proxy sees only CONNECT),
// pooled connections are reused through it, Proxy-Authorization comes from the URL, refusals are
// clear errors, no_proxy bypasses it, and the proxy's password is never printed.
//
// tinyproxy must be installed (scripts/install-deps does): without it these tests fail.
#define BOOST_TEST_MODULE finovy_proxy
#include <boost/test/unit_test.hpp>

#include "../common/process.hpp"
#include "client_test_support.hpp"

#include <finovy/impl/internal/proxy.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace {

constexpr const char* proxy_user = "finovy";
constexpr const char* proxy_password = "s3cr3t-pass.w0rd";

std::string find_tinyproxy()
{
    std::vector<std::string> dirs;
    if (const char* path = std::getenv("PATH"))
    {
        std::stringstream ss(path);
        for (std::string d; std::getline(ss, d, ':');)
            dirs.push_back(d);
    }
    dirs.insert(dirs.end(), {"/usr/bin", "/usr/sbin", "/usr/local/bin"});
    for (const auto& d : dirs)
    {
        auto p = fs::path(d) / "tinyproxy";
        if (!d.empty() && access(p.c_str(), X_OK) == 0)
            return p.string();
    }
    return {};
}

unsigned short free_port()
{
    asio::io_context ioc;
    asio::ip::tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

bool accepts(unsigned short port)
{
    asio::io_context ioc;
    asio::ip::tcp::socket s(ioc);
    boost::system::error_code ec;
    s.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
    return !ec;
}

// A tinyproxy process: CONNECT allowed to `allowed_ports` only, Basic authentication if asked.
class tinyproxy
{
public:
    tinyproxy(std::vector<unsigned short> allowed_ports, bool with_auth)
    {
        auto exe = find_tinyproxy();
        BOOST_TEST_REQUIRE(!exe.empty(), "tinyproxy is not installed: run scripts/install-deps (CI installs it)");
        char tmpl[] = "/tmp/finovy-proxy-XXXXXX";
        BOOST_TEST_REQUIRE(mkdtemp(tmpl) != nullptr);
        dir_ = tmpl;
        for (int tries = 0; tries < 5; ++tries)
        {
            port_ = free_port();
            {
                std::ofstream conf(dir_ / "tinyproxy.conf");
                conf << "Port " << port_ << "\n"
                     << "Listen 127.0.0.1\n"
                     << "Timeout 30\n"
                     << "LogFile \"" << (dir_ / "tinyproxy.log").string() << "\"\n"
                     << "LogLevel Info\n"
                     << "MaxClients 64\n"
                     << "Allow 127.0.0.1\n";
                for (auto p : allowed_ports)
                    conf << "ConnectPort " << p << "\n";
                if (with_auth)
                    conf << "BasicAuth " << proxy_user << " " << proxy_password << "\n";
            }
            // -d: in the foreground, so that the test owns (and ends) the process.
            proc_.emplace(std::vector<std::string>{exe, "-d", "-c", (dir_ / "tinyproxy.conf").string()});
            for (int i = 0; i < 100 && !accepts(port_); ++i)
                std::this_thread::sleep_for(50ms);
            if (accepts(port_))
                return;
            proc_.reset();   // the port was taken meanwhile: try another
        }
        BOOST_FAIL("tinyproxy did not start: " + log());
    }

    ~tinyproxy()
    {
        proc_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    unsigned short port() const { return port_; }
    std::string url(const std::string& userinfo = {}) const
    {
        return "http://" + (userinfo.empty() ? std::string() : userinfo + "@") + "127.0.0.1:" + std::to_string(port_);
    }

    std::string log() const
    {
        std::ifstream f(dir_ / "tinyproxy.log");
        std::stringstream ss;
        ss << f.rdbuf();
        return ss.str();
    }

    // The requests the proxy received: "CONNECT 127.0.0.1:8443 HTTP/1.1", ...
    std::vector<std::string> requests() const
    {
        std::vector<std::string> out;
        std::stringstream ss(log());
        const std::string mark = "): ";
        for (std::string line; std::getline(ss, line);)
            if (auto at = line.find("Request (file descriptor"); at != std::string::npos)
                out.push_back(line.substr(line.find(mark, at) + mark.size()));
        return out;
    }

private:
    fs::path dir_;
    unsigned short port_ = 0;
    std::optional<child> proc_;
};

struct proxy_fixture : sim_fixture
{
    client_options through(const tinyproxy& p, const std::string& userinfo = {}) const
    {
        auto o = options();
        o.proxy = p.url(userinfo);
        return o;
    }
};

std::uint64_t count_connects(const std::vector<std::string>& reqs, unsigned short port)
{
    return static_cast<std::uint64_t>(std::count(reqs.begin(), reqs.end(),
                                                 "CONNECT 127.0.0.1:" + std::to_string(port) + " HTTP/1.1"));
}

}   // namespace

BOOST_FIXTURE_TEST_SUITE(proxy, proxy_fixture)

BOOST_AUTO_TEST_CASE(calls_go_through_the_proxy_with_tls_end_to_end_and_pooled)
{
    tinyproxy p({sim.port()}, false);
    auto o = through(p);
    o.max_connections = 4;
    int via_proxy = 0;
    o.events = [&](const client_event& e) {
        if (auto* c = std::get_if<connection_opened_event>(&e))
        {
            BOOST_TEST(c->via_proxy);
            BOOST_TEST(c->port == std::to_string(p.port()));
            ++via_proxy;
        }
    };
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        auto results = co_await run_concurrently(40, [&](int) -> asio::awaitable<bool> {
            auto [ec, v] = co_await c.async_list_images(token());
            BOOST_TEST(!ec, ec.message());
            co_return !ec && v.size() == 5u;
        });
        BOOST_TEST(std::count(results.begin(), results.end(), true) == 40);
        for (int i = 0; i < 20; ++i)   // one after the other: on the pool's kept-alive tunnels
            BOOST_TEST((co_await code_of(c.async_get_host("Nope123456", token())) == api_errc::host_not_found));
        auto st = c.stats();
        BOOST_TEST(st.connections_opened >= 1u);
        BOOST_TEST(st.connections_opened <= 4u);   // 60 calls, at most one tunnel per pooled connection
        BOOST_TEST(st.attempts == 60u);
        BOOST_TEST(via_proxy == static_cast<int>(st.connections_opened));
        // The proxy saw one CONNECT per connection, and nothing else: the requests were inside TLS.
        auto reqs = p.requests();
        BOOST_TEST(reqs.size() == st.connections_opened);
        BOOST_TEST(count_connects(reqs, sim.port()) == st.connections_opened);
    });
    BOOST_TEST(p.log().find("/v1/") == std::string::npos);
    BOOST_TEST(route_count("GET /v1/pve/open/image") == 40u);   // the simulator got them all
}

BOOST_AUTO_TEST_CASE(tls_sessions_resume_through_the_proxy)
{
    tinyproxy p({sim.port()}, false);
    sim::fault_options f;
    f.close_every = 1;
    sim.set_faults(f);
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, through(p));
        for (int i = 0; i < 5; ++i)
            co_await c.async_list_images();
        auto st = c.stats();
        BOOST_TEST(st.connections_opened == 5u);
        BOOST_TEST(st.handshakes_full == 1u);
        BOOST_TEST(st.handshakes_resumed == 4u);
    });
    BOOST_TEST(count_connects(p.requests(), sim.port()) == 5u);
}

BOOST_AUTO_TEST_CASE(proxy_authorization_from_the_url)
{
    tinyproxy p({sim.port()}, true);
    run([&]() -> asio::awaitable<void> {
        // Percent-encoded userinfo: "%2D" is '-', "%2E" is '.'.
        client c(co_await asio::this_coro::executor, through(p, "finovy:s3cr3t%2Dpass%2Ew0rd"));
        auto [ec, v] = co_await c.async_list_images(token());
        BOOST_TEST(!ec, ec.message());
        BOOST_TEST(v.size() == 5u);
    });

    for (std::string userinfo : {std::string("finovy:wrong-password"), std::string(), "intruder:" + std::string(proxy_password)})
    {
        BOOST_TEST_INFO("userinfo " << userinfo);
        run([&]() -> asio::awaitable<void> {
            client c(co_await asio::this_coro::executor, through(p, userinfo));
            diagnostics d;
            auto [ec, v] = co_await c.async_list_images(d, token());
            BOOST_TEST((ec == client_errc::proxy_refused));
            // 407 without credentials; tinyproxy answers wrong ones with 401.
            BOOST_TEST(d.client_message().find(userinfo.empty() ? "HTTP 407" : "HTTP 401") != std::string::npos,
                       d.client_message());
            BOOST_TEST(d.client_message().find("proxy authentication") != std::string::npos, d.client_message());
            BOOST_TEST(d.attempts() == 1);   // a refusal is not retried
            BOOST_TEST(c.stats().attempts == 1u);
            auto text = d.describe(ec);
            BOOST_TEST(text.find("wrong-password") == std::string::npos, text);
            BOOST_TEST(text.find(proxy_password) == std::string::npos, text);
        });
    }
    BOOST_TEST(route_count("GET /v1/pve/open/image") == 1u);   // only the authorised call got through
}

BOOST_AUTO_TEST_CASE(a_refused_connect_is_a_clear_error)
{
    // The proxy allows CONNECT to the simulator's port only: another port is refused with 403.
    tinyproxy p({sim.port()}, false);
    const auto denied = free_port();
    run([&]() -> asio::awaitable<void> {
        auto o = through(p);
        o.endpoint = "https://127.0.0.1:" + std::to_string(denied);
        client c(co_await asio::this_coro::executor, o);
        diagnostics d;
        auto [ec, v] = co_await c.async_list_images(d, token());
        BOOST_TEST((ec == client_errc::proxy_refused));
        BOOST_TEST(d.client_message().find("403") != std::string::npos, d.client_message());
        BOOST_TEST(d.attempts() == 1);
    });
    BOOST_TEST(p.log().find("Refused CONNECT method on port " + std::to_string(denied)) != std::string::npos);

    // Allowed, but nothing listens there: the proxy cannot reach the API (its 5xx), a failure
    // worth retrying, reported with the proxy's status.
    const auto dead = free_port();
    tinyproxy q({dead}, false);
    run([&]() -> asio::awaitable<void> {
        auto o = through(q);
        o.endpoint = "https://127.0.0.1:" + std::to_string(dead);
        o.retry.max_attempts = 2;
        client c(co_await asio::this_coro::executor, o);
        diagnostics d;
        auto [ec, v] = co_await c.async_list_images(d, token());
        BOOST_TEST(!!ec);
        BOOST_TEST((ec != client_errc::proxy_refused));
        BOOST_TEST(d.client_message().find("the proxy answered HTTP 5") != std::string::npos, d.client_message());
        BOOST_TEST(d.attempts() == 2);
    });
}

BOOST_AUTO_TEST_CASE(no_proxy_bypasses_it)
{
    tinyproxy p({sim.port()}, false);
    for (std::string list : {"127.0.0.1", "localhost, 127.0.0.1", "*"})
    {
        BOOST_TEST_INFO("no_proxy " << list);
        run([&]() -> asio::awaitable<void> {
            auto o = through(p);
            o.no_proxy = list;
            client c(co_await asio::this_coro::executor, o);
            co_await c.async_list_images();
        });
        // Also when the proxy is not there at all.
        run([&]() -> asio::awaitable<void> {
            auto o = options();
            o.proxy = "http://127.0.0.1:" + std::to_string(free_port());
            o.no_proxy = list;
            client c(co_await asio::this_coro::executor, o);
            co_await c.async_list_images();
        });
    }
    BOOST_TEST(p.requests().empty());
    // And a list that does not name the host does not bypass it.
    run([&]() -> asio::awaitable<void> {
        auto o = through(p);
        o.no_proxy = "localhost,.example.com,10.0.0.1";
        client c(co_await asio::this_coro::executor, o);
        co_await c.async_list_images();
    });
    BOOST_TEST(p.requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_proxy_password_is_never_printed)
{
    tinyproxy p({sim.port()}, true);
    const std::string secret_pw = "Xy9-unprintable.pw";
    const std::string basic = detail::base64(std::string(proxy_user) + ":" + secret_pw);
    std::vector<std::string> printed;
    auto o = through(p, std::string(proxy_user) + ":" + secret_pw);
    o.observer = [&](const attempt_event& e) { printed.push_back(std::string(e.path) + " " + e.error.message()); };
    o.events = [&](const client_event& e) {
        if (auto* c = std::get_if<connection_opened_event>(&e))
            printed.push_back(std::string(c->host) + ":" + std::string(c->port));
    };
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, o);
        diagnostics d;
        auto [ec, v] = co_await c.async_list_images(d, token());
        BOOST_TEST((ec == client_errc::proxy_refused));
        printed.push_back(d.describe(ec));
        try
        {
            co_await c.async_list_images();
        }
        catch (const error_with_diagnostics& e)
        {
            printed.push_back(e.what());
        }
    });
    // A proxy that is not there.
    run([&]() -> asio::awaitable<void> {
        auto q = o;
        q.proxy = "http://" + std::string(proxy_user) + ":" + secret_pw + "@127.0.0.1:" + std::to_string(free_port());
        q.retry.max_attempts = 1;
        client c(co_await asio::this_coro::executor, q);
        diagnostics d;
        auto [ec, v] = co_await c.async_list_images(d, token());
        BOOST_TEST(!!ec);
        BOOST_TEST(d.client_message().find("the proxy") != std::string::npos, d.client_message());
        printed.push_back(d.describe(ec));
    });
    // Proxy URLs the client refuses: the message shows the URL without its userinfo, even when the
    // password holds characters that end a URL's authority.
    for (std::string bad : {std::string("http://u:") + secret_pw + "@proxy.corp:notaport", "socks5://u:" + secret_pw + "@proxy.corp:1080",
                            "http://u:" + secret_pw + "/x?y#z@proxy.corp:99999", "http://u:" + secret_pw + "@"})
    {
        auto q = options();
        q.proxy = bad;
        asio::io_context ioc;
        try
        {
            client c(ioc, q);
            BOOST_FAIL("accepted " + bad.substr(0, 8));
        }
        catch (const std::invalid_argument& e)
        {
            printed.push_back(e.what());
        }
    }
    BOOST_TEST(printed.size() >= 6u);
    for (const auto& line : printed)
    {
        BOOST_TEST(line.find(secret_pw) == std::string::npos, line);
        BOOST_TEST(line.find("Xy9") == std::string::npos, line);
        BOOST_TEST(line.find(basic) == std::string::npos, line);
    }
}

BOOST_AUTO_TEST_CASE(passwords_with_reserved_characters)
{
    // A password pasted into the URL unencoded, with '@', '/', '?', '#' or ':' in it: the last '@'
    // ends the userinfo, as curl reads it.
    detail::proxy_url u;
    BOOST_TEST(!detail::parse_proxy_url("http://user:p@ss/w?o#r:d@proxy.corp:3128", u));
    BOOST_TEST(u.user == "user");
    BOOST_TEST(u.password == "p@ss/w?o#r:d");
    BOOST_TEST(u.host == "proxy.corp");
    BOOST_TEST(u.port == "3128");
    BOOST_TEST(!detail::parse_proxy_url("http://user:p%40ss@proxy.corp:3128/", u));
    BOOST_TEST(u.password == "p@ss");
    BOOST_TEST(!!detail::parse_proxy_url("http://user:pw@proxy.corp:3128/path", u));
}

BOOST_AUTO_TEST_SUITE_END()
