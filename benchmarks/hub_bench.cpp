// SPDX-License-Identifier: BSL-1.0
// finovy-hub-bench: waiting for many hosts at once, through one watch_hub versus naive per-host
// polling at the same interval, against an in-process simulator whose boot takes seconds
// instead of minutes. Prints, for each mode, the wall time until every host was seen running
// and the status calls (one/{id} and mypage) it cost, then the ratio.
#include <finovy.hpp>
#include <finovy/sim/server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

namespace asio = boost::asio;
namespace po = boost::program_options;
using clock_type = std::chrono::steady_clock;

namespace {

std::uint64_t status_calls(finovy::sim::server& sim)
{
    auto s = sim.stats();
    const auto& by = s.at("requests").at("by_route").as_object();
    std::uint64_t n = 0;
    for (auto r : {"GET /v1/pve/open/one/{id}", "GET /v1/pve/open/mypage"})
        if (auto* v = by.if_contains(r))
            n += v->to_number<std::uint64_t>();
    return n;
}

// Runs op(id, done) for every id at once; returns when each called done(ok).
template <class Op>
asio::awaitable<std::size_t> for_all(const std::vector<std::string>& ids, Op op)
{
    std::size_t ok = 0, finished = 0;
    asio::steady_timer all(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    for (const auto& id : ids)
        op(id, [&](bool success) {
            ok += success;
            if (++finished == ids.size())
                all.cancel();
        });
    co_await all.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return ok;
}

}   // namespace

int main(int argc, char** argv)
{
    std::size_t hosts = 1000;
    long boot_ms = 3000, interval_ms = 500;
    po::options_description desc("finovy-hub-bench\nOptions");
    desc.add_options()("help,h", "print this help")("hosts", po::value(&hosts)->default_value(1000), "hosts to watch")(
        "boot-ms", po::value(&boot_ms)->default_value(3000), "the simulator's boot time")(
        "interval-ms", po::value(&interval_ms)->default_value(500), "polling interval of both modes");
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help"))
    {
        std::cout << desc << '\n';
        return 0;
    }

    finovy::sim::options so;
    so.static_tokens = {"hub-bench-token"};
    so.boot_time = std::chrono::milliseconds(boot_ms);
    so.shutdown_time = std::chrono::milliseconds(boot_ms / 2);
    finovy::sim::server sim(so);
    sim.start();
    auto ids = sim.add_hosts(sim.first_tenant().uuid, hosts, "Ofc2C4G8xx", "", 0);

    asio::io_context ioc;
    finovy::client c(ioc, {.endpoint = sim.url(), .access_token = "hub-bench-token", .ca_file = sim.ca_file()});
    const auto interval = std::chrono::milliseconds(interval_ms);
    finovy::wait_options w;
    w.first_delay = interval;
    w.interval = w.max_interval = interval;
    w.jitter = 0;
    w.timeout = std::chrono::minutes(5);
    int rc = 0;

    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
            const auto tok = asio::as_tuple(asio::use_awaitable);
            auto power_all = [&](bool on) -> asio::awaitable<void> {
                co_await for_all(ids, [&](const std::string& id, auto done) {
                    auto cb = [done](finovy::error_code ec) { done(!ec); };
                    on ? c.async_power_on(id, cb) : c.async_power_off(id, cb);
                });
            };
            double seconds[2];
            std::uint64_t calls[2];
            std::size_t reached[2];
            finovy::hub_stats hs;
            for (int mode = 0; mode < 2; ++mode)
            {
                auto t0 = clock_type::now();
                co_await power_all(true);
                auto before = status_calls(sim);
                if (mode == 0)
                {
                    finovy::watch_hub hub(c, {.interval = interval, .max_concurrent_requests = 8});
                    reached[0] = co_await for_all(ids, [&](const std::string& id, auto done) {
                        hub.async_wait_for_status(id, finovy::host_status::running, w,
                                                  [done](finovy::error_code ec, finovy::host) { done(!ec); });
                    });
                    hs = hub.stats();
                }
                else
                    reached[1] = co_await for_all(ids, [&](const std::string& id, auto done) {
                        finovy::async_wait_for_status(c, id, finovy::host_status::running, w,
                                                      [done](finovy::error_code ec, finovy::host) { done(!ec); });
                    });
                seconds[mode] = std::chrono::duration<double>(clock_type::now() - t0).count();
                calls[mode] = status_calls(sim) - before;
                // Back to off for the next mode.
                co_await power_all(false);
                asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(boot_ms));
                co_await t.async_wait(tok);
            }
            double bound = static_cast<double>(boot_ms + 2 * interval_ms) / 1000.0;
            std::printf("mode=hub hosts=%zu reached=%zu seconds=%.3f status_calls=%llu rounds=%llu pages=%llu reads=%llu\n",
                        hosts, reached[0], seconds[0], static_cast<unsigned long long>(calls[0]),
                        static_cast<unsigned long long>(hs.rounds), static_cast<unsigned long long>(hs.page_requests),
                        static_cast<unsigned long long>(hs.host_requests));
            std::printf("mode=naive hosts=%zu reached=%zu seconds=%.3f status_calls=%llu\n", hosts, reached[1],
                        seconds[1], static_cast<unsigned long long>(calls[1]));
            double ratio = calls[1] ? static_cast<double>(calls[0]) / static_cast<double>(calls[1]) : 0;
            std::printf("hub/naive calls=%.4f (floor <= 0.1: %s) hub seconds=%.3f vs boot+2*interval=%.3f (%s)\n", ratio,
                        ratio <= 0.1 ? "met" : "NOT met", seconds[0], bound, seconds[0] <= bound ? "met" : "NOT met");
            if (reached[0] != hosts || reached[1] != hosts)
                rc = 1;
        },
        [&](std::exception_ptr ep) {
            if (ep)
            {
                rc = 1;
                try
                {
                    std::rethrow_exception(ep);
                }
                catch (const std::exception& e)
                {
                    std::cerr << "finovy-hub-bench: " << e.what() << '\n';
                }
            }
        });
    ioc.run();
    return rc;
}
