// SPDX-License-Identifier: BSL-1.0
// The provisioning walk-through that scripts/demo runs against finovy-sim:
//   1. list images and packages, pick a matching pair;
//   2. create a host, power it on and wait for 2, reboot and wait, power off and wait for 0, delete;
//   3. a fleet: create N hosts, power them all on at once, wait for all through one watch_hub,
//      count the status calls that cost (from the simulator's /__sim/stats), delete them.
//
//   provision --endpoint https://127.0.0.1:8443 --ca-file finovy-sim-certs/ca.pem
//             --uuid A27550582 --secret ... [--fleet 20] [--poll-interval 500ms]
//
// The client's settings come as the finovy tool's do (common/settings.hpp): these flags, then the
// FINOVY_* variables, then a profile of the config file.
#include "common/duration.hpp"
#include "common/settings.hpp"

#include <finovy.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>
#include <boost/program_options.hpp>

#include <chrono>
#include <iomanip>
#include <iostream>

namespace asio = boost::asio;
namespace po = boost::program_options;
using namespace std::chrono_literals;

namespace {

struct settings
{
    finovy::client_options client;
    int fleet = 20;
    std::chrono::milliseconds interval{500};
};

// Prints "  <what> ... <ms>" around each step.
class step
{
public:
    explicit step(std::string what) : what_(std::move(what)), start_(std::chrono::steady_clock::now())
    {
        std::cout << "  " << std::left << std::setw(52) << what_ << std::flush;
    }
    void done(const std::string& result = "ok")
    {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_);
        std::cout << std::setw(28) << result << std::right << std::setw(7) << ms.count() << " ms\n";
    }

private:
    std::string what_;
    std::chrono::steady_clock::time_point start_;
};

// Runs op(id, callback) for every id at once; completes when every callback ran. Counts successes.
template <class Op>
asio::awaitable<std::size_t> for_all(const std::vector<std::string>& ids, Op op)
{
    std::size_t ok = 0, finished = 0;
    asio::steady_timer all_done(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    for (const auto& id : ids)
        op(id, [&, id](bool success, const std::string& why) {
            if (success)
                ++ok;
            else
                std::cerr << "    " << id << ": " << why << '\n';
            if (++finished == ids.size())
                all_done.cancel();
        });
    if (!ids.empty())
        co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return ok;
}

// The simulator's count of status calls (one/{id} and mypage), or -1 against a real server.
asio::awaitable<long long> status_calls(finovy::client& c)
{
    auto [ec, r] = co_await c.async_request(boost::beast::http::verb::get, "/__sim/stats", {}, false, {},
                                            asio::as_tuple(asio::use_awaitable));
    if (ec || r.status != 200)
        co_return -1;
    boost::system::error_code jec;
    auto v = boost::json::parse(r.body, jec);
    if (jec)
        co_return -1;
    long long n = 0;
    const auto& by = v.at("requests").at("by_route").as_object();
    for (auto route : {"GET /v1/pve/open/one/{id}", "GET /v1/pve/open/mypage"})
        if (auto* x = by.if_contains(route))
            n += x->to_number<long long>();
    co_return n;
}

asio::awaitable<void> provision(settings s)
{
    finovy::client c(co_await asio::this_coro::executor, s.client);
    finovy::wait_options wait;
    wait.first_delay = s.interval;
    wait.interval = s.interval;
    wait.max_interval = s.interval;
    wait.timeout = 5min;

    std::cout << "finovy provisioning example against " << s.client.endpoint << "\n\n1. Catalog\n";
    step st_images("list images");
    auto images = co_await c.async_list_images();
    st_images.done(std::to_string(images.size()) + " images");
    step st_pkgs("list pay-as-you-go packages");
    auto packages = co_await c.async_list_packages(finovy::billing_kind::pay_as_you_go);
    st_pkgs.done(std::to_string(packages.size()) + " packages");

    // The cheapest package with an image of the same type (else the create answers 7005).
    const finovy::host_package* pkg = nullptr;
    const finovy::image* img = nullptr;
    for (const auto& p : packages)
        for (const auto& i : images)
            if (i.type == p.type && (!pkg || p.effective_price_per_hour() < pkg->effective_price_per_hour()))
            {
                pkg = &p;
                img = &i;
            }
    if (!pkg)
        throw std::runtime_error("no package has an image of its type");
    std::cout << "  picked package " << pkg->id << " (" << pkg->name << ", " << pkg->cpu_count << " CPU, "
              << pkg->memory_gb << " GB, " << pkg->effective_price_per_hour() << "/h) with image " << img->id << " ("
              << img->system_name << ' ' << img->system_version << ")\n\n2. One host\n";

    step st_create("create a host (id resolved by listing)");
    auto h = co_await finovy::async_create_host_resolved(c, pkg->id, img->id);
    st_create.done(h.id + " " + std::string(to_string(h.status)));
    step st_on("power on, wait for 2 (running)");
    h = co_await finovy::async_power_on_and_wait(c, h.id, wait);
    st_on.done(std::string(to_string(h.status)));
    std::cout << "    reachable at " << h.address.value_or("?") << ':' << h.port.value_or(0) << " as "
              << h.account.value_or("?") << " (password " << (h.password ? "set" : "not set") << ")\n";
    step st_reboot("reboot, wait until it runs again");
    h = co_await finovy::async_reboot_and_wait(c, h.id, wait);
    st_reboot.done(std::string(to_string(h.status)));
    step st_off("power off, wait for 0 (off)");
    h = co_await finovy::async_power_off_and_wait(c, h.id, wait);
    st_off.done(std::string(to_string(h.status)));
    step st_delete("delete");
    co_await c.async_delete_host(h.id);
    st_delete.done();

    if (s.fleet > 0)
    {
        std::cout << "\n3. A fleet of " << s.fleet << " hosts through one watch_hub\n";
        std::vector<std::string> ids;
        step st_fleet("create " + std::to_string(s.fleet) + " hosts");
        for (int i = 0; i < s.fleet; ++i)
            ids.push_back((co_await finovy::async_create_host_resolved(c, pkg->id, img->id)).id);
        st_fleet.done(std::to_string(ids.size()) + " created");

        auto calls_before = co_await status_calls(c);
        finovy::watch_hub hub(c, {.interval = s.interval});
        step st_all("power all on at once, wait for all");
        auto running = co_await for_all(ids, [&](const std::string& id, auto done) {
            hub.async_power_on_and_wait(id, wait, [done](finovy::error_code ec, finovy::host fh) {
                done(!ec && fh.status == finovy::host_status::running, ec.message());
            });
        });
        st_all.done(std::to_string(running) + "/" + std::to_string(ids.size()) + " running");
        auto calls_after = co_await status_calls(c);
        auto hs = hub.stats();
        if (calls_before >= 0)
            std::cout << "    status calls: " << (calls_after - calls_before) << " for " << ids.size()
                      << " hosts (" << hs.rounds << " polling rounds: " << hs.page_requests << " page scans, "
                      << hs.host_requests << " single reads); per-host polling would have made about "
                      << ids.size() * hs.rounds << '\n';
        step st_del("power all off at once, then delete them");
        auto off = co_await for_all(ids, [&](const std::string& id, auto done) {
            hub.async_power_off_and_wait(id, wait, [done](finovy::error_code ec, finovy::host) { done(!ec, ec.message()); });
        });
        auto deleted = co_await for_all(ids, [&](const std::string& id, auto done) {
            c.async_delete_host(id, [done](finovy::error_code ec) { done(!ec, ec.message()); });
        });
        st_del.done(std::to_string(off) + " off, " + std::to_string(deleted) + " deleted");
        if (running != ids.size() || deleted != ids.size())
            throw std::runtime_error("not every host of the fleet was powered on and deleted");
    }
    auto cs = c.stats();
    std::cout << "\nclient: " << cs.calls << " calls, " << cs.attempts << " attempts, " << cs.retries << " retries, "
              << cs.connections_opened << " connections, " << cs.handshakes_full << " full + " << cs.handshakes_resumed
              << " resumed TLS handshakes, " << cs.token_fetches << " token fetches\n";
}

}   // namespace

int main(int argc, char** argv)
{
    settings s;
    po::options_description desc("provision: the finovy provisioning example\n\nUsage: provision [options]\n\nOptions");
    // clang-format off
    desc.add_options()
        ("help,h", "print this help")
        ("fleet", po::value(&s.fleet)->default_value(20), "hosts in the fleet phase (0: skip it)")
        ("poll-interval", po::value<example::duration>()->value_name("DURATION"),
         "between status polls: 500ms, 2s, 1m (default 500ms)");
    // clang-format on
    po::options_description client_settings("The client's settings (a flag wins over the variables shown, which win "
                                            "over the profile's keys)");
    client_settings.add(example::setting_options());
    desc.add(client_settings);
    po::options_description all;
    all.add(desc).add(example::hidden_setting_options());
    try
    {
        po::variables_map vm;
        po::store(po::command_line_parser(argc, argv).options(all).run(), vm);
        po::notify(vm);
        if (vm.count("help"))
        {
            std::cout << desc << '\n';
            return 0;
        }
        auto cfg = example::load_settings(vm);
        for (const auto& w : cfg.warnings)
            std::cerr << "provision: warning: " << w << '\n';
        if (!example::has_credentials(cfg.options))
            throw example::usage_error(example::missing_credentials_message());
        s.client = std::move(cfg.options);
        if (vm.count("poll-interval"))
            s.interval = vm["poll-interval"].as<example::duration>().value;
    }
    catch (const std::exception& e)   // usage errors, finovy::configuration_error, program_options' errors
    {
        std::cerr << "provision: " << e.what() << "\n(see provision --help)\n";
        return 2;
    }

    asio::io_context ioc;
    int rc = 0;
    asio::co_spawn(ioc, provision(s), [&](std::exception_ptr ep) {
        if (!ep)
            return;
        rc = 1;
        try
        {
            std::rethrow_exception(ep);
        }
        catch (const std::exception& e)
        {
            std::cerr << "\nprovision failed: " << e.what() << '\n';
        }
    });
    ioc.run();
    if (rc == 0)
        std::cout << "done\n";
    return rc;
}
