// SPDX-License-Identifier: BSL-1.0
// finovy-provision-bench: provisioning a fleet (create, power on, wait for 2) against the
// simulator in this process, rate limited like the real API, with async_create_hosts_and_wait.
//
//   finovy-provision-bench --hosts 1000 --limit 50 --answers true|id --boot-ms 3000 --interval-ms 1000
//
// Prints one line:
//   hosts=N created=.. running=.. bought=.. requests=.. throttled=.. seconds=.. requests_per_host=..
//   ideal_s=.. wall_over_ideal=..
// where requests are the answers the server gave (throttled ones included), bought the hosts the
// account holds at the end, and ideal_s = requests / limit + boot time: the fastest any client
// could have gone with those requests.
#include <finovy/create.hpp>
#include <finovy/sim/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/program_options.hpp>

#include <cstdio>
#include <iostream>

namespace asio = boost::asio;
namespace po = boost::program_options;
using namespace std::chrono_literals;

int main(int argc, char** argv)
{
    std::size_t hosts = 1000, connections = 16;
    double limit = 50;
    long boot_ms = 3000, interval_ms = 1000;
    std::string answers = "true";
    po::options_description desc("finovy-provision-bench: a fleet against a rate-limited simulator\nOptions");
    // clang-format off
    desc.add_options()
        ("help,h", "print this help")
        ("hosts", po::value(&hosts)->default_value(1000), "hosts to provision")
        ("limit", po::value(&limit)->default_value(50), "the server's limit, requests per second (sliding one-second window)")
        ("answers", po::value(&answers)->default_value("true"), "what createquantity answers: true or id")
        ("boot-ms", po::value(&boot_ms)->default_value(3000), "a host's boot time")
        ("interval-ms", po::value(&interval_ms)->default_value(1000), "the watch hub's interval")
        ("connections", po::value(&connections)->default_value(16), "the client's pool size");
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
        if (answers != "true" && answers != "id")
            throw std::runtime_error("--answers must be true or id");
    }
    catch (const std::exception& e)
    {
        std::cerr << "finovy-provision-bench: " << e.what() << '\n';
        return 2;
    }

    finovy::sim::options so;
    so.static_tokens = {"bench-token"};
    so.boot_time = std::chrono::milliseconds(boot_ms);
    so.create_answers = answers == "id" ? finovy::sim::create_answer::host_id : finovy::sim::create_answer::true_value;
    so.faults.rate_limit_rps = limit;
    finovy::sim::server sim(so);
    sim.start();

    finovy::client_options o;
    o.endpoint = sim.url();
    o.ca_file = sim.ca_file();
    o.access_token = "bench-token";
    o.max_connections = connections;
    o.thread_safe = false;
    o.deadline = std::chrono::minutes(10);

    finovy::create_wait_options w;
    w.target = finovy::host_status::running;
    w.wait.first_delay = std::chrono::milliseconds(boot_ms);
    w.wait.timeout = std::chrono::minutes(30);
    w.hub.interval = std::chrono::milliseconds(interval_ms);
    w.create.concurrency = connections;

    asio::io_context ioc(1);
    finovy::client c(ioc, o);
    std::vector<finovy::created_host> made;
    finovy::error_code result;
    auto t0 = std::chrono::steady_clock::now();
    finovy::async_create_hosts_and_wait(c, "Ofc2C4G8xx", "4005", hosts, w,
                                        [&](finovy::error_code ec, std::vector<finovy::created_host> v) {
                                            result = ec;
                                            made = std::move(v);
                                        });
    ioc.run();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    auto stats = sim.stats();
    auto number = [](const boost::json::value& v) { return v.to_number<double>(); };
    double requests = number(stats.at("requests").at("total"));
    double throttled = number(stats.at("rate_limit").at("throttled"));
    double bought = number(stats.at("tenants").at("A27550582").at("hosts"));
    std::size_t created = 0, running = 0;
    for (const auto& h : made)
    {
        created += h.result == finovy::created_host::outcome::created ? 1 : 0;
        running += h.ok() && h.details && h.details->status == finovy::host_status::running ? 1 : 0;
    }
    double ideal = requests / limit + static_cast<double>(boot_ms) / 1000.0;
    std::printf("hosts=%zu created=%zu running=%zu bought=%.0f requests=%.0f throttled=%.0f seconds=%.1f "
                "requests_per_host=%.3f ideal_s=%.1f wall_over_ideal=%.2f error=%s\n",
                hosts, created, running, bought, requests, throttled, seconds, requests / static_cast<double>(hosts),
                ideal, seconds / ideal, result ? result.message().c_str() : "none");
    return !result && running == hosts && static_cast<std::size_t>(bought) == hosts ? 0 : 1;
}
