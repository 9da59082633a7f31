// SPDX-License-Identifier: BSL-1.0
// finovy-bench: load from finovy::client against any server of the API (finovy-sim, nginx).
//
//   finovy-bench --endpoint URL --token T --ca-file F --op get_host|list_images|list_hosts|mixed
//                --id ID --requests N [--duration S] [--deadline S] --concurrency C --connections P --threads T
//
// C coroutines issue N calls in all (or as many as they can in S seconds) through one client with
// a pool of P connections, on an io_context run by T threads. Prints one line:
//   requests=N seconds=S rps=R errors=E p50_us=.. p99_us=.. cpu_s=.. max_rss_kb=.. handshakes=..
// followed by resumed=.. connections=.. (TLS resumptions, TCP connections opened), attempts=..
// (requests sent, retries included), throttled=.. (answers 220025/429), rate=.. (the rate governor's
// last rate, 0: unlimited) and retries_denied=.. (by the retry budget). --no-governor turns the
// adaptive rate governor and the retry budget off, to compare.
#include "bench_common.hpp"

#include <finovy/client.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/program_options.hpp>

#include <functional>
#include <iostream>
#include <thread>

namespace asio = boost::asio;
namespace po = boost::program_options;

int main(int argc, char** argv)
{
    std::string endpoint, token, ca, op = "get_host", id = "rEJjwEY5Wt";
    std::size_t requests = 10000, concurrency = 8, connections = 8;
    int threads = 1;
    double duration = 0, deadline = 600;   // 10,000 in flight on 16 connections wait their turn
    std::string style = "coroutine";
    bool force_thread_safe = false, no_governor = false;
    po::options_description desc("finovy-bench: load from finovy::client\nOptions");
    // clang-format off
    desc.add_options()
        ("help,h", "print this help")
        ("endpoint", po::value(&endpoint)->required(), "API base URL")
        ("token", po::value(&token)->required(), "access token")
        ("ca-file", po::value(&ca), "CA to trust")
        ("op", po::value(&op)->default_value("get_host"), "get_host, list_images, list_hosts or mixed")
        ("id", po::value(&id)->default_value("rEJjwEY5Wt"), "host id for get_host")
        ("requests", po::value(&requests)->default_value(10000), "calls in all")
        ("duration", po::value(&duration)->default_value(0), "seconds: call until then instead (requests bounds the latency records)")
        ("deadline", po::value(&deadline)->default_value(600), "seconds: each call's deadline (client_options::deadline)")
        ("no-governor", po::bool_switch(&no_governor), "turn the adaptive rate governor and the retry budget off")
        ("concurrency", po::value(&concurrency)->default_value(8), "operations in flight at once")
        ("connections", po::value(&connections)->default_value(8), "the client's pool size")
        ("threads", po::value(&threads)->default_value(1), "threads running the io_context")
        ("thread-safe", po::bool_switch(&force_thread_safe), "strands even with one thread (the default with several)")
        ("style", po::value(&style)->default_value("coroutine"),
         "how the load is issued: coroutine (one per concurrent operation) or callback (no coroutine: "
         "only the client's own memory per operation)");
    // clang-format on
    try
    {
        po::variables_map vm;
        po::store(po::parse_command_line(argc, argv, desc), vm);
        if (vm.count("help"))
        {
            std::cout << desc << '\n';
            return 0;
        }
        po::notify(vm);
        if (op != "get_host" && op != "list_images" && op != "list_hosts" && op != "mixed")
            throw std::runtime_error("--op must be get_host, list_images, list_hosts or mixed");
        if (style != "coroutine" && style != "callback")
            throw std::runtime_error("--style must be coroutine or callback");
        if (threads < 1 || concurrency < 1 || connections < 1)
            throw std::runtime_error("--threads, --concurrency and --connections must be positive");
    }
    catch (const std::exception& e)
    {
        std::cerr << "finovy-bench: " << e.what() << '\n';
        return 2;
    }

    finovy::client_options o;
    o.endpoint = endpoint;
    o.access_token = token;
    o.ca_file = ca;
    o.max_connections = connections;
    o.attempt_timeout = std::chrono::seconds(30);
    o.deadline = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double>(deadline));
    o.allow_insecure_http = endpoint.rfind("http://", 0) == 0;
    o.thread_safe = threads > 1 || force_thread_safe;   // one thread: no strands needed
    if (no_governor)
    {
        o.rate_limit.adaptive = false;
        o.retry_budget.enabled = false;
    }

    asio::io_context ioc(threads);
    finovy::client c(ioc, o);
    std::atomic<std::size_t> next{0}, errors{0};
    bench::latencies lat(requests);
    const auto tok = asio::as_tuple(asio::use_awaitable);
    int kind = op == "get_host" ? 0 : op == "list_images" ? 1 : op == "list_hosts" ? 2 : 3;

    const auto t_start = bench::clock::now();
    const auto until = t_start + std::chrono::duration_cast<bench::clock::duration>(std::chrono::duration<double>(duration));
    // With --duration, calls go on until then; requests only sizes the latency records.
    auto more = [&](std::size_t i) { return duration > 0 ? bench::clock::now() < until : i < requests; };
    std::atomic<std::size_t> completed{0};
    auto worker = [&]() -> asio::awaitable<void> {
        for (std::size_t i = next++; more(i); i = next++)
        {
            auto start = bench::clock::now();
            finovy::error_code ec;
            switch (kind == 3 ? static_cast<int>(i % 3) : kind)
            {
            case 0: std::tie(ec, std::ignore) = co_await c.async_get_host(id, tok); break;
            case 1: std::tie(ec, std::ignore) = co_await c.async_list_images(tok); break;
            default: std::tie(ec, std::ignore) = co_await c.async_list_hosts(1, 25, tok); break;
            }
            lat.record(i, bench::clock::now() - start);
            ++completed;
            if (ec && errors++ == 0)
                std::cerr << "finovy-bench: first error: " << ec.message() << '\n';
        }
    };

    // The callback style: each completion starts the next request of its chain.
    std::function<void()> chain;
    chain = [&] {
        std::size_t i = next++;
        if (!more(i))
            return;
        auto start = bench::clock::now();
        auto done = [&, i, start](finovy::error_code ec, auto&&...) {
            lat.record(i, bench::clock::now() - start);
            ++completed;
            if (ec && errors++ == 0)
                std::cerr << "finovy-bench: first error: " << ec.message() << '\n';
            chain();
        };
        switch (kind == 3 ? static_cast<int>(i % 3) : kind)
        {
        case 0: c.async_get_host(id, done); break;
        case 1: c.async_list_images(done); break;
        default: c.async_list_hosts(1, 25, done); break;
        }
    };

    auto before = bench::resources();
    auto t0 = t_start;
    for (std::size_t k = 0; k < concurrency; ++k)
        if (style == "coroutine")
            asio::co_spawn(ioc, worker, asio::detached);
        else
            asio::post(ioc, chain);
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : pool)
        t.join();
    auto seconds = std::chrono::duration<double>(bench::clock::now() - t0).count();
    auto after = bench::resources();
    auto st = c.stats();
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f", st.rate_limit);
    bench::report(completed.load(), seconds, errors.load(), lat, after.cpu_s - before.cpu_s, after.max_rss_kb,
                  st.handshakes_full,
                  "resumed=" + std::to_string(st.handshakes_resumed) +
                      " connections=" + std::to_string(st.connections_opened) + " attempts=" +
                      std::to_string(st.attempts) + " throttled=" + std::to_string(st.throttled) + " rate=" + rate +
                      " retries_denied=" + std::to_string(st.retries_denied));
    return errors.load() == 0 ? 0 : 1;
}
