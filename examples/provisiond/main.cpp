// SPDX-License-Identifier: BSL-1.0
// provisiond: a small provisioning service, the SDK embedded in an asynchronous server. One
// finovy::client and a Beast HTTP server share one io_context, run by one thread; fleets of hosts
// are created through the SDK's batch creation (routes.hpp lists the API).
//
//   provisiond --listen 127.0.0.1:8080     (port 0: a free one; the first line of stdout says which)
//
// Settings come as for the finovy tool, with the same flags (../common/settings.hpp): the flags,
// then FINOVY_* variables, then a profile of the config file, through finovy::load_configuration().
// Durations have the tool's syntax too (../common/duration.hpp). SIGINT or SIGTERM stop it: the server stops
// accepting, the fleets' work is cancelled (their hosts stay as they are) and it exits.
#include "../common/duration.hpp"
#include "../common/settings.hpp"
#include "fleets.hpp"
#include "http_server.hpp"
#include "routes.hpp"

#include <finovy/client.hpp>
#include <finovy/configuration.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdint>
#include <cstdlib>
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
};

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
        ("wait-timeout", duration("10m"), "per host, to run");
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
    s.fleets.delete_retry = std::max(s.fleets.hub.interval, std::chrono::milliseconds(100));
    if (s.fleets.hub.interval.count() == 0)
        throw usage_error("--poll-interval must be more than 0");
    return s;
}

asio::awaitable<void> shut_down(http_server& server, fleet_registry& fleets, finovy::client& api)
{
    server.stop();
    co_await fleets.stop();
    api.close();   // idle connections close; nothing is left to run
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
        fleet_registry fleets(api, s.fleets);
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
        server->start();
        std::cout << "provisiond listening on " << url_of(server->local_endpoint()) << std::endl;   // flushed

        asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec)
                return;
            std::cerr << "provisiond: stopping\n";
            asio::co_spawn(ioc, shut_down(*server, fleets, api), asio::detached);
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
