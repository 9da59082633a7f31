// SPDX-License-Identifier: BSL-1.0
// finovy-naive-bench: hand-written Beast clients to compare with.
//  - by default the naive one: a new TCP connection and a full TLS handshake for every request,
//    no pool, no session resumption;
//  - with --keep-alive, the lean one: each of the C coroutines keeps its own connection and sends
//    its requests on it (no pool, no retries, no timeouts, no typed decoding: only parsing).
// Same options (those that apply) and the same one-line report as finovy-bench.
#include "bench_common.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>
#include <boost/program_options.hpp>

#include <iostream>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace po = boost::program_options;
using tcp = asio::ip::tcp;

int main(int argc, char** argv)
{
    std::string endpoint, token, ca, op = "get_host", id = "rEJjwEY5Wt";
    std::size_t requests = 1000, concurrency = 8;
    bool keep_alive = false;
    po::options_description desc("finovy-naive-bench: one TLS connection per request\nOptions");
    // clang-format off
    desc.add_options()
        ("help,h", "print this help")
        ("endpoint", po::value(&endpoint)->required(), "https://host:port")
        ("token", po::value(&token)->required(), "access token")
        ("ca-file", po::value(&ca)->required(), "CA to trust")
        ("op", po::value(&op)->default_value("get_host"), "get_host, list_images or list_hosts")
        ("id", po::value(&id)->default_value("rEJjwEY5Wt"), "host id for get_host")
        ("requests", po::value(&requests)->default_value(1000), "requests in all")
        ("concurrency", po::value(&concurrency)->default_value(8), "requests in flight at once")
        ("keep-alive", po::bool_switch(&keep_alive), "one kept-alive connection per coroutine");
    // clang-format on
    std::string host, port;
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
        if (endpoint.rfind("https://", 0) != 0)
            throw std::runtime_error("--endpoint must be https://host:port");
        auto hp = endpoint.substr(8);
        hp = hp.substr(0, hp.find('/'));
        auto colon = hp.rfind(':');
        host = hp.substr(0, colon);
        port = colon == std::string::npos ? "443" : hp.substr(colon + 1);
    }
    catch (const std::exception& e)
    {
        std::cerr << "finovy-naive-bench: " << e.what() << '\n';
        return 2;
    }
    std::string target = op == "get_host" ? "/v1/pve/open/one/" + id
                         : op == "list_images" ? "/v1/pve/open/image"
                                               : "/v1/pve/open/mypage?page=1&pageSize=25";

    asio::io_context ioc;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    ctx.load_verify_file(ca);
    ctx.set_verify_mode(asio::ssl::verify_peer);
    auto endpoints = tcp::resolver(ioc).resolve(host, port);
    std::size_t next = 0, errors = 0;
    bench::latencies lat(requests);

    using stream = beast::ssl_stream<beast::tcp_stream>;
    auto open = [&](stream& s) -> asio::awaitable<void> {
        s.set_verify_callback(asio::ssl::host_name_verification(host));
        beast::get_lowest_layer(s).expires_after(std::chrono::seconds(30));
        co_await beast::get_lowest_layer(s).async_connect(endpoints, asio::use_awaitable);
        co_await s.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
        beast::get_lowest_layer(s).expires_never();
    };
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, host);
    req.set("Finovy-Access-Token", token);
    auto get = [&](stream& s, beast::flat_buffer& b) -> asio::awaitable<void> {
        co_await http::async_write(s, req, asio::use_awaitable);
        http::response<http::string_body> res;
        co_await http::async_read(s, b, res, asio::use_awaitable);
        auto doc = boost::json::parse(res.body());
        if (res.result_int() != 200 || doc.at("code").to_number<int>() != 0)
            throw std::runtime_error("bad answer");
    };
    // Naive: a TCP connection and a full TLS handshake per request.
    auto one = [&](std::size_t i) -> asio::awaitable<void> {
        auto start = bench::clock::now();
        stream s(ioc, ctx);
        co_await open(s);
        beast::flat_buffer b;
        co_await get(s, b);
        lat.record(i, bench::clock::now() - start);
    };
    // Lean: one kept-alive connection per coroutine.
    auto kept = [&]() -> asio::awaitable<void> {
        stream s(ioc, ctx);
        co_await open(s);
        beast::flat_buffer b;
        for (std::size_t i = next++; i < requests; i = next++)
        {
            auto start = bench::clock::now();
            co_await get(s, b);
            lat.record(i, bench::clock::now() - start);
        }
    };
    auto worker = [&]() -> asio::awaitable<void> {
        if (keep_alive)
        {
            try
            {
                co_await kept();
            }
            catch (const std::exception& e)
            {
                ++errors;
                std::cerr << "finovy-naive-bench: " << e.what() << '\n';
            }
            co_return;
        }
        for (std::size_t i = next++; i < requests; i = next++)
        {
            try
            {
                co_await one(i);
            }
            catch (const std::exception& e)
            {
                if (errors++ == 0)
                    std::cerr << "finovy-naive-bench: first error: " << e.what() << '\n';
            }
        }
    };

    auto before = bench::resources();
    auto t0 = bench::clock::now();
    for (std::size_t k = 0; k < concurrency; ++k)
        asio::co_spawn(ioc, worker, asio::detached);
    ioc.run();
    auto seconds = std::chrono::duration<double>(bench::clock::now() - t0).count();
    auto after = bench::resources();
    auto conns = keep_alive ? concurrency : requests;
    bench::report(requests, seconds, errors, lat, after.cpu_s - before.cpu_s, after.max_rss_kb, conns - errors,
                  "resumed=0 connections=" + std::to_string(conns));
    return errors == 0 ? 0 : 1;
}
