// SPDX-License-Identifier: BSL-1.0
// The simulator's HTTPS front: Beast over TLS on one thread, keep-alive, and the network faults.
#include <finovy/sim/server.hpp>

#include "tls.hpp"
#include "world.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <sys/resource.h>

#include <filesystem>
#include <future>
#include <iostream>
#include <random>
#include <thread>
#include <unordered_set>

namespace finovy::sim {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using detail::clock;

namespace {

constexpr std::size_t max_request_body = 1 << 20;
constexpr auto handshake_timeout = std::chrono::seconds(10);
constexpr auto idle_timeout = std::chrono::seconds(120);

// Lets thousands of clients connect at once.
void raise_fd_limit()
{
    rlimit lim{};
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max)
    {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
}

// Abortive close: the peer sees a reset, not an orderly end.
void reset(tcp::socket& s)
{
    boost::system::error_code ec;
    s.set_option(asio::socket_base::linger(true, 0), ec);
    s.close(ec);
}

}   // namespace

struct server::impl
{
    options opts;
    asio::io_context ioc{1};
    std::optional<asio::ssl::context> ssl;
    tcp::acceptor acceptor{ioc};
    std::unique_ptr<detail::world> world;
    std::thread thread;
    unsigned short port = 0;
    detail::cert_files certs;
    std::string cert_dir;
    bool temp_dir = false;
    bool started = false;
    std::unordered_set<beast::tcp_stream*> live;

    explicit impl(options o) : opts(std::move(o))
    {
        std::uint64_t seed = opts.seed ? opts.seed
                                       : std::random_device{}() ^
                                             static_cast<std::uint64_t>(clock::now().time_since_epoch().count());
        world = std::make_unique<detail::world>(opts, seed, clock::now());
    }

    // Runs `f` on the server's thread and returns its result.
    template <class F>
    auto sync(F f) -> decltype(f())
    {
        if (!started || ioc.get_executor().running_in_this_thread())
            return f();
        std::packaged_task<decltype(f())()> task(std::move(f));
        auto fut = task.get_future();
        asio::post(ioc, [&task] { task(); });
        return fut.get();
    }

    void log(const http::request<http::string_body>& req, const detail::answer& a, std::string_view fault)
    {
        if (!opts.log_requests)
            return;
        std::clog << "finovy-sim: " << req.method_string() << ' ' << req.target() << " -> " << a.status << ' '
                  << a.route << (a.tenant.empty() ? "" : " tenant=") << a.tenant
                  << (fault.empty() ? "" : " fault=") << fault << '\n';
    }

    asio::awaitable<void> accept_loop()
    {
        for (;;)
        {
            boost::system::error_code ec;
            tcp::socket sock = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec == asio::error::operation_aborted || !acceptor.is_open())
                co_return;
            if (ec)
            {
                // Out of descriptors, for example: back off instead of spinning.
                asio::steady_timer t(ioc, std::chrono::milliseconds(50));
                co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            world->connections_accepted++;
            asio::co_spawn(ioc, session(std::move(sock)), asio::detached);
        }
    }

    asio::awaitable<void> session(tcp::socket sock)
    {
        world->connections_open++;
        boost::system::error_code ec;
        sock.set_option(tcp::no_delay(true), ec);
        try
        {
            if (ssl)
            {
                beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(sock)), *ssl);
                live.insert(&stream.next_layer());
                stream.next_layer().expires_after(handshake_timeout);
                co_await stream.async_handshake(asio::ssl::stream_base::server,
                                                asio::redirect_error(asio::use_awaitable, ec));
                if (ec)
                    world->handshakes_failed++;
                else
                {
                    (SSL_session_reused(stream.native_handle()) ? world->handshakes_resumed : world->handshakes_full)++;
                    co_await serve(stream);
                }
                live.erase(&stream.next_layer());
            }
            else
            {
                beast::tcp_stream stream(std::move(sock));
                live.insert(&stream);
                co_await serve(stream);
                live.erase(&stream);
            }
        }
        catch (const std::exception& e)
        {
            std::clog << "finovy-sim: session error: " << e.what() << '\n';
        }
        world->connections_open--;
    }

    template <class Stream>
    asio::awaitable<void> serve(Stream& stream)
    {
        beast::flat_buffer buffer;
        auto& lowest = beast::get_lowest_layer(stream);
        std::uint64_t answered = 0;
        for (;;)
        {
            lowest.expires_after(idle_timeout);
            http::request_parser<http::string_body> parser;
            parser.header_limit(16 * 1024);
            parser.body_limit(max_request_body);
            boost::system::error_code ec;
            co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
            if (ec == http::error::body_limit)
            {
                http::response<http::string_body> res{http::status::payload_too_large, 11};
                res.set(http::field::content_type, "application/json");
                res.body() = R"({"code":1001,"msg":"request body too large","data":null})";
                res.keep_alive(false);
                res.prepare_payload();
                co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
                co_return;
            }
            if (ec)
                co_return;   // closed, reset, timed out or garbage: nothing to answer
            lowest.expires_never();
            auto& req = parser.get();
            std::string_view target = req.target();
            std::string_view path = target.substr(0, target.find('?'));
            bool faultable = world->should_fault(path);
            const auto& f = world->faults;

            if (faultable && (f.latency.count() > 0 || f.latency_jitter.count() > 0))
            {
                auto d = f.latency;
                if (f.latency_jitter.count() > 0)
                    d += std::chrono::milliseconds(
                        std::uniform_int_distribution<long>(0, static_cast<long>(f.latency_jitter.count()))(world->rng));
                asio::steady_timer t(ioc, d);
                co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                if (!lowest.socket().is_open())
                    co_return;   // stopped meanwhile
            }

            detail::answer a;
            std::string_view fault;
            // A scripted fault answers instead of the random ones (handle() consumes it).
            bool scripted = world->scripted(req.method_string(), path);
            if (!scripted && faultable && world->chance(f.http_error_rate))
            {
                a.status = std::uniform_int_distribution<int>(0, 1)(world->rng) ? 503 : 502;
                a.body = detail::html_error(a.status);
                a.route = std::string(req.method_string()) + " " + std::string(path);
                fault = "http_error";
            }
            else
            {
                std::string_view token = req["Finovy-Access-Token"];
                a = world->handle(req.method_string(), target, req.body(), token, clock::now());
                if (a.reset)
                {
                    log(req, a, "scripted reset");
                    reset(lowest.socket());
                    co_return;
                }
                if (a.scripted)
                    fault = "scripted";   // counted by the world
                faultable = faultable && a.faultable && !a.scripted;
                if (faultable && world->chance(f.reset_before_response_rate))
                {
                    world->injected["reset_before_response"]++;
                    log(req, a, "reset_before_response");
                    reset(lowest.socket());
                    co_return;
                }
                if (faultable && world->chance(f.malformed_rate))
                {
                    // Processed, but what comes back is not JSON.
                    a.body = "{\"code\":0,\"data\":<!-- upstream error -->";
                    fault = "malformed";
                }
                else if (faultable && world->chance(f.truncated_rate))
                {
                    a.body.resize(a.body.size() / 2);
                    fault = "truncated";
                }
            }
            if (!fault.empty() && !a.scripted)
                world->injected[std::string(fault)]++;

            http::response<http::string_body> res{static_cast<http::status>(a.status), req.version()};
            res.set(http::field::server, "finovy-sim");
            bool json = !a.body.empty() && (a.body.front() == '{' || a.body.front() == '[');
            res.set(http::field::content_type, json || fault == "malformed" ? "application/json;charset=UTF-8"
                                                                              : "text/html");
            if (a.retry_after)
                res.set(http::field::retry_after, std::to_string(*a.retry_after));
            if (!a.date.empty())
                res.set(http::field::date, a.date);
            res.keep_alive(req.keep_alive());
            res.body() = std::move(a.body);
            res.prepare_payload();

            if (faultable && world->chance(f.reset_mid_response_rate))
            {
                world->injected["reset_mid_response"]++;
                log(req, a, "reset_mid_response");
                http::response_serializer<http::string_body> sr(res);
                std::string wire;
                boost::system::error_code sec;
                sr.split(false);
                while (!sr.is_done() && !sec)
                    sr.next(sec, [&](boost::system::error_code&, const auto& buffers) {
                        for (auto b : beast::buffers_range_ref(buffers))
                            wire.append(static_cast<const char*>(b.data()), b.size());
                        sr.consume(beast::buffer_bytes(buffers));
                    });
                co_await asio::async_write(stream, asio::buffer(wire.data(), wire.size() / 2),
                                           asio::redirect_error(asio::use_awaitable, ec));
                reset(lowest.socket());
                co_return;
            }

            log(req, a, fault);
            co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
            if (ec)
                co_return;
            ++answered;
            if (world->faults.close_every > 0 && answered % world->faults.close_every == 0 && faultable)
            {
                // Silently: no "Connection: close", no TLS close_notify. Keep-alive clients must notice.
                world->injected["close"]++;
                lowest.socket().shutdown(tcp::socket::shutdown_both, ec);
                lowest.socket().close(ec);
                co_return;
            }
            if (!res.keep_alive())
            {
                lowest.socket().shutdown(tcp::socket::shutdown_send, ec);
                co_return;
            }
        }
    }
};

// -------------------------------------------------------------------------------------------------

server::server(options opts) : impl_(std::make_unique<impl>(std::move(opts))) {}

server::~server() { stop(); }

void server::start()
{
    auto& s = *impl_;
    if (s.started)
        return;
    raise_fd_limit();

    if (!s.opts.plain)
    {
        s.cert_dir = s.opts.cert_dir;
        if (s.cert_dir.empty())
        {
            char tmpl[] = "/tmp/finovy-sim-XXXXXX";
            if (!mkdtemp(tmpl))
                throw std::runtime_error("finovy-sim: cannot create a temporary directory");
            s.cert_dir = tmpl;
            s.temp_dir = true;
        }
        s.certs = detail::ensure_certificates(s.cert_dir, s.opts.cert_names);
        s.ssl.emplace(asio::ssl::context::tls_server);
        s.ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                           asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                           asio::ssl::context::no_tlsv1_1);
        s.ssl->use_certificate_chain_file(s.certs.server);
        s.ssl->use_private_key_file(s.certs.server_key, asio::ssl::context::pem);
        static const unsigned char sid[] = "finovy-sim";
        SSL_CTX_set_session_id_context(s.ssl->native_handle(), sid, sizeof sid - 1);
        SSL_CTX_set_session_cache_mode(s.ssl->native_handle(), SSL_SESS_CACHE_SERVER);
    }

    tcp::endpoint ep(asio::ip::make_address(s.opts.address), s.opts.port);
    s.acceptor.open(ep.protocol());
    s.acceptor.set_option(asio::socket_base::reuse_address(true));
    s.acceptor.bind(ep);
    s.acceptor.listen(asio::socket_base::max_listen_connections);
    s.port = s.acceptor.local_endpoint().port();

    asio::co_spawn(s.ioc, s.accept_loop(), asio::detached);
    s.started = true;
    s.thread = std::thread([&s] { s.ioc.run(); });
}

void server::stop()
{
    auto& s = *impl_;
    if (!s.started)
        return;
    asio::post(s.ioc, [&s] {
        boost::system::error_code ec;
        s.acceptor.close(ec);
        for (auto* st : s.live)
            st->socket().close(ec);
        s.ioc.stop();
    });
    s.thread.join();
    s.started = false;
    if (s.temp_dir)
    {
        std::error_code ec;
        std::filesystem::remove_all(s.cert_dir, ec);
    }
}

unsigned short server::port() const { return impl_->port; }

std::string server::url() const
{
    return std::string(impl_->opts.plain ? "http://" : "https://") + impl_->opts.address + ":" + std::to_string(impl_->port);
}

std::string server::ca_file() const { return impl_->certs.ca; }
std::string server::cert_dir() const { return impl_->cert_dir; }

const tenant& server::first_tenant() const { return impl_->world->first_tenant(); }

boost::json::object server::stats()
{
    return impl_->sync([this] { return impl_->world->stats(clock::now()); });
}

void server::reset_stats()
{
    impl_->sync([this] { impl_->world->reset_stats(); });
}

void server::reset_state()
{
    impl_->sync([this] { impl_->world->reset_state(clock::now()); });
}

fault_options server::faults()
{
    return impl_->sync([this] { return impl_->world->faults; });
}

void server::set_faults(const fault_options& f)
{
    impl_->sync([this, &f] { impl_->world->faults = f; });
}

void server::script(const scripted_fault& f)
{
    validate(f);
    impl_->sync([this, &f] { impl_->world->faults.script.push_back(f); });
}

void server::advance_time(std::chrono::milliseconds simulated)
{
    impl_->sync([this, simulated] { impl_->world->advance(simulated); });
}

void server::upsert_tenant(const tenant& t)
{
    impl_->sync([this, &t] { impl_->world->upsert_tenant(t, clock::now()); });
}

void server::set_create_answers(create_answer a)
{
    impl_->sync([this, a] { impl_->world->set_create_answers(a); });
}

std::vector<host_record> server::hosts(const std::string& uuid)
{
    return impl_->sync([&] { return impl_->world->hosts_of(uuid); });
}

std::vector<std::string> server::add_hosts(const std::string& uuid, std::size_t count, const std::string& package_id,
                                           const std::string& image_id, int status)
{
    return impl_->sync([&] { return impl_->world->add_hosts(uuid, count, package_id, image_id, status, clock::now()); });
}

}   // namespace finovy::sim
