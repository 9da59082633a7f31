// SPDX-License-Identifier: BSL-1.0
// provisiond: a small provisioning service, the SDK embedded in an asynchronous server. One
// finovy::client and a Beast HTTP server share one io_context, run by one thread; fleets of hosts
// are created through the SDK's batch creation (routes.hpp lists the API).
//
//   provisiond --listen 127.0.0.1:8080     (port 0: a free one; the first line of stdout says which)
//
// Settings come as for the finovy tool, with the same flags (../common/settings.hpp): the flags,
// then FINOVY_* variables, then a profile of the config file, through finovy::load_configuration().
// Durations have the tool's syntax too (../common/duration.hpp).
//
// With --state PATH, fleets and every host they buy are recorded in a SQLite file (created on
// first start): a restart, after a stop or a crash, reconciles what was open, resumes the waits
// and the deletes (fleets.hpp). SIGINT or SIGTERM stop it: the server stops accepting, the
// batches send nothing more and let their sent creates finish, and it exits within
// --shutdown-timeout; the rest is picked up at the next start. With --api-key-file, every request
// but /healthz must carry the key; listening on an address other than loopback requires one.
#include "../common/duration.hpp"
#include "../common/settings.hpp"
#include "fleets.hpp"
#include "http_server.hpp"
#include "routes.hpp"

#include <finovy/client.hpp>
#include <finovy/configuration.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/program_options.hpp>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>

namespace po = boost::program_options;
using namespace provisiond;
using example::usage_error;

namespace {

constexpr int usage_exit = 2;

// A duration option's value (the finovy tool's syntax: 500ms, 2s, 5m, 1h, 1m30s).
std::chrono::milliseconds duration_of(const po::variables_map& vm, const char* option)
{
    return vm[option].as<example::duration>().value;
}

// "127.0.0.1:8080", "[::1]:0", "localhost:0" is not taken: an address, not a name.
tcp::endpoint parse_listen(const std::string& text)
{
    auto colon = text.rfind(':');
    if (colon == std::string::npos)
        throw usage_error("--listen: expected ADDR:PORT, not '" + text + "'");
    std::string host = text.substr(0, colon), port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port > 65535)
        throw usage_error("--listen: bad port '" + port_text + "'");
    boost::system::error_code bad;
    auto address = asio::ip::make_address(host, bad);
    if (bad)
        throw usage_error("--listen: '" + host + "' is not an IP address");
    return {address, static_cast<unsigned short>(port)};
}

std::string url_of(const tcp::endpoint& e)
{
    auto a = e.address().to_string();
    return "http://" + (e.address().is_v6() ? "[" + a + "]" : a) + ":" + std::to_string(e.port());
}

struct settings
{
    tcp::endpoint listen;
    finovy::client_options client;
    fleet_settings fleets;
    route_settings routes;
    std::string state;                                // empty: in memory
    std::chrono::milliseconds shutdown_timeout{30'000};
};

// The key, from its file: the first line, without the surrounding spaces.
std::string read_api_key(const std::string& path)
{
    std::ifstream in(path);
    std::string key;
    if (!in || !std::getline(in, key))
        throw usage_error("--api-key-file: cannot read " + path);
    auto first = key.find_first_not_of(" \t\r"), last = key.find_last_not_of(" \t\r");
    key = first == std::string::npos ? std::string() : key.substr(first, last - first + 1);
    if (key.size() < 16)
        throw usage_error("--api-key-file: the key must be at least 16 characters");
    return key;
}

settings read_settings(int argc, char** argv)
{
    po::options_description desc("provisiond: a provisioning service on the finovy SDK\n\n"
                                 "Usage: provisiond [--listen ADDR:PORT] [options]\n\nOptions");
    auto duration = [](const char* default_text) {
        std::string why;
        return po::value<example::duration>()
            ->value_name("DURATION")
            ->default_value(example::duration{example::read_duration(default_text, why)}, default_text);
    };
    // clang-format off
    desc.add_options()
        ("help,h", "this help")
        ("listen", po::value<std::string>()->default_value("127.0.0.1:8080"), "ADDR:PORT to serve HTTP on (port 0: a free one)")
        ("max-count", po::value<std::size_t>()->default_value(100), "most hosts in one fleet")
        ("max-rps", po::value<double>()->default_value(0), "a ceiling on requests per second (0: the rate governor adapts alone)")
        ("poll-interval", duration("15s"), "between polling rounds of a fleet's waits")
        ("first-delay", duration("2s"), "after a power-on, before the first look")
        ("wait-timeout", duration("10m"), "per host, to run")
        ("state", po::value<std::string>(), "PATH of the state file (SQLite, created on first start); without it, nothing survives a restart")
        ("shutdown-timeout", duration("30s"), "on SIGTERM, how long sent creates may take to finish before it exits")
        ("api-key-file", po::value<std::string>(), "PATH of a file whose first line is the key requests must carry (required off loopback)")
        ("retention", duration("1h"), "a finished fleet stays in memory this long (the state file keeps it)")
        ("appear-timeout", duration("30s"), "how long a create's host may take to show in the account's listing")
        ("delete-retry", duration("5s"), "between tries of a delete the API refuses for now (a host booting)");
    // clang-format on
    po::options_description client_settings("The client's settings (a flag wins over the variables shown, which win "
                                            "over the profile's keys)");
    client_settings.add(example::setting_options());
    desc.add(client_settings);
    po::options_description all;
    all.add(desc).add(example::hidden_setting_options());
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, all), vm);
    if (vm.count("help"))
    {
        std::cout << desc << "\nDurations take a unit: 500ms, 30s, 2m, 1h, 1m30s.\n";
        std::exit(0);
    }
    po::notify(vm);

    // The flags, then the environment, then the profile: the SDK's one loader.
    auto cfg = example::load_settings(vm);
    for (const auto& w : cfg.warnings)   // they never hold a secret
        std::cerr << "provisiond: warning: " << w << '\n';

    settings s;
    s.listen = parse_listen(vm["listen"].as<std::string>());
    s.client = std::move(cfg.options);
    s.client.thread_safe = false;   // one thread runs the io_context: no strands needed
    s.client.rate_limit.max_requests_per_second = vm["max-rps"].as<double>();
    if (s.client.rate_limit.max_requests_per_second < 0)
        throw usage_error("--max-rps must not be negative");
    if (!example::has_credentials(s.client))
        throw usage_error(example::missing_credentials_message());

    s.routes.max_count = vm["max-count"].as<std::size_t>();
    if (s.routes.max_count == 0)
        throw usage_error("--max-count must be at least 1");
    s.fleets.hub.interval = duration_of(vm, "poll-interval");
    s.fleets.wait.first_delay = duration_of(vm, "first-delay");
    s.fleets.wait.timeout = duration_of(vm, "wait-timeout");
    s.fleets.delete_retry = std::max(duration_of(vm, "delete-retry"), std::chrono::milliseconds(50));
    s.fleets.retention = duration_of(vm, "retention");
    s.fleets.appear_timeout = duration_of(vm, "appear-timeout");
    s.shutdown_timeout = duration_of(vm, "shutdown-timeout");
    if (s.fleets.hub.interval.count() == 0)
        throw usage_error("--poll-interval must be more than 0");
    if (vm.count("state"))
        s.state = vm["state"].as<std::string>();
    if (vm.count("api-key-file"))
        s.routes.api_key = read_api_key(vm["api-key-file"].as<std::string>());
    else if (!s.listen.address().is_loopback())
        throw usage_error("--listen " + vm["listen"].as<std::string>() +
                          " is not a loopback address: an API key is required (--api-key-file)");
    return s;
}

// Resumes what the state file holds, then serves.
asio::awaitable<void> start_up(http_server& server, fleet_registry& fleets)
{
    if (auto ec = co_await fleets.resume())
        std::cerr << "provisiond: the state file cannot be read: " << ec.message() << '\n';
    server.start();
    std::cout << "provisiond listening on " << url_of(server.local_endpoint()) << std::endl;   // flushed
}

// Stops accepting, lets the fleets stop (sent creates finish and are recorded), within `limit`.
asio::awaitable<void> shut_down(asio::io_context& ioc, http_server& server, fleet_registry& fleets,
                                finovy::client& api, std::chrono::milliseconds limit)
{
    server.stop();
    auto ex = co_await asio::this_coro::executor;
    bool stopped = false;
    asio::steady_timer deadline(ex, limit);
    asio::co_spawn(ex, fleets.stop(), [&](std::exception_ptr) {
        stopped = true;
        deadline.cancel();
    });
    co_await deadline.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!stopped)
        std::cerr << "provisiond: stopping before all work ended; the next start picks it up\n";
    api.close();   // idle connections close
    if (!stopped)
        ioc.stop();
}
}   // namespace

int main(int argc, char** argv)
{
    settings s;
    try
    {
        s = read_settings(argc, argv);
    }
    catch (const std::exception& e)   // usage_error, configuration_error, program_options' errors
    {
        std::cerr << "provisiond: " << e.what() << "\n(see provisiond --help)\n";
        return usage_exit;
    }

    try
    {
        asio::io_context ioc(1);
        finovy::client api(ioc, std::move(s.client));   // throws std::invalid_argument for bad options
        store state(s.state);                            // throws when the file cannot be opened
        fleet_registry fleets(api, state, s.fleets);
        std::optional<http_server> server;
        try
        {
            server.emplace(ioc.get_executor(), s.listen, make_routes(api, fleets, s.routes), server_limits{});
        }
        catch (const boost::system::system_error& e)
        {
            std::cerr << "provisiond: cannot listen on " << url_of(s.listen) << ": " << e.code().message() << '\n';
            return 1;
        }
        asio::co_spawn(ioc, start_up(*server, fleets), asio::detached);

        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec)
                return;
            std::cerr << "provisiond: stopping\n";
            asio::co_spawn(ioc, shut_down(ioc, *server, fleets, api, s.shutdown_timeout), asio::detached);
        });
        ioc.run();
        return 0;
    }
    catch (const std::exception& e)
    {
        std::cerr << "provisiond: " << e.what() << '\n';
        return 1;
    }
}
