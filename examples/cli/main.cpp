// finovy: the command-line tool of finovy-cpp. Parses the command line (Boost.Program_options),
// builds the client options, runs the command and prints its outcome.
#include "cli.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>

#include <unistd.h>

#include <cctype>
#include <functional>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>

namespace {

using namespace cli;

struct command_spec
{
    std::string command, sub, args, about;
    int min_ids = 0, max_ids = 0;   // -1: any number
    std::function<void(po::options_description&)> options;
};

void poll_option(po::options_description& d)
{
    d.add_options()("poll-interval", po::value<long>()->default_value(3000),
                    "milliseconds between status polls while waiting");
}

const std::vector<command_spec>& commands()
{
    static const std::vector<command_spec> list = {
        {"images", "", "", "list the operating-system images", 0, 0, nullptr},
        {"packages", "", "", "list host packages (pay-as-you-go by default)", 0, 0,
         [](auto& d) { d.add_options()("fixed-period", "list fixed-period packages instead"); }},
        {"hosts", "list", "", "list the account's hosts, a page or all", 0, 0,
         [](auto& d) {
             d.add_options()("all", "every page (concurrently)")("page", po::value<int>()->default_value(1),
                                                                  "page number, from 1")(
                 "page-size", po::value<int>()->default_value(25), "hosts per page, at most 25");
         }},
        {"hosts", "get", "ID", "show one host", 1, 1,
         [](auto& d) { d.add_options()("show-password", "include the host's login password"); }},
        {"hosts", "create", "", "create a host (pay-as-you-go unless --fixed-period)", 0, 0,
         [](auto& d) {
             d.add_options()("package", po::value<std::string>()->required(), "package id")(
                 "image", po::value<std::string>()->required(), "image id (of the package's type)")(
                 "fixed-period", "a fixed-period (subscription) host, paid up front")(
                 "period-unit", po::value<std::string>()->default_value("day"),
                 "hour, day, week, month, quarter or year")("periods", po::value<int>()->default_value(1),
                                                           "number of period units")(
                 "wait", "wait until the new host is ready (status off)");
             poll_option(d);
         }},
        {"hosts", "start", "ID...", "power hosts on", 1, -1,
         [](auto& d) {
             d.add_options()("wait", "wait until each runs (status 2)");
             poll_option(d);
         }},
        {"hosts", "stop", "ID...", "power hosts off", 1, -1,
         [](auto& d) {
             d.add_options()("wait", "wait until each is off (status 0)");
             poll_option(d);
         }},
        {"hosts", "reboot", "ID...", "reboot hosts", 1, -1,
         [](auto& d) {
             d.add_options()("wait", "wait until each runs again");
             poll_option(d);
         }},
        {"hosts", "wait", "ID...", "wait for hosts to reach a status", 1, -1,
         [](auto& d) {
             d.add_options()("status", po::value<std::string>()->required(), "running or off");
             poll_option(d);
         }},
        {"hosts", "delete", "ID...", "delete hosts", 1, -1,
         [](auto& d) { d.add_options()("yes,y", "do not ask for confirmation"); }},
        {"disks", "create", "", "create cloud disks", 0, 0,
         [](auto& d) {
             d.add_options()("area", po::value<std::string>()->required(),
                             "south_china, west_china or international (0, 1, 2)")(
                 "size", po::value<int>()->required(), "capacity in GB, at least 20")(
                 "count", po::value<int>()->default_value(1), "how many disks")(
                 "mount", po::value<std::string>(), "a host to mount them on (off, pay-as-you-go, started once)");
         }},
        {"disks", "list", "", "list cloud disks", 0, 0,
         [](auto& d) {
             d.add_options()("host", po::value<std::string>(), "only those of this host")(
                 "area", po::value<std::string>(), "only those of this area");
         }},
        {"disks", "get", "ID", "show one cloud disk", 1, 1, nullptr},
        {"disks", "mount", "ID", "mount a disk on a host", 1, 1,
         [](auto& d) { d.add_options()("host", po::value<std::string>()->required(), "the host"); }},
        {"disks", "unmount", "ID", "unmount a disk (its host must be off)", 1, 1, nullptr},
        {"disks", "destroy", "ID", "destroy a disk that waits to be mounted", 1, 1, nullptr},
        {"token", "", "", "fetch a token and print when it expires (never the secret)", 0, 0, nullptr},
    };
    return list;
}

struct global_values
{
    std::string endpoint, token, uuid, secret, ca, profile, config_file, output;
    double timeout = 0;
    bool sandbox = false, verbose = false, insecure = false;
};

po::options_description global_options(global_values& v)
{
    po::options_description d("Global options (a flag wins over the environment variable shown, which wins over\n"
                              "the profile's key of the config file)");
    // clang-format off
    d.add_options()
        ("help,h", "show help (also after a command)")
        ("profile", po::value(&v.profile), "profile of the config file [FINOVY_PROFILE]; default: default")
        ("config-file", po::value(&v.config_file),
         "INI file of profiles [FINOVY_CONFIG_FILE]; default ~/.config/finovy/config")
        ("endpoint", po::value(&v.endpoint), "API base URL [FINOVY_ENDPOINT]; default https://client.xuandashi.com")
        ("sandbox", po::bool_switch(&v.sandbox),
         "use the sandbox environment, https://client-sandbox.xuandashi.com [FINOVY_SANDBOX]")
        ("token", po::value(&v.token), "access token [FINOVY_ACCESS_TOKEN]")
        ("uuid", po::value(&v.uuid), "account id, with --secret: a token is fetched and renewed [FINOVY_UUID]")
        ("secret", po::value(&v.secret), "app secret [FINOVY_SECRET]")
        ("ca-file", po::value(&v.ca), "PEM file of a CA to trust besides the system's [FINOVY_CA_FILE]")
        ("output,o", po::value(&v.output)->default_value("table"), "table, or json: one JSON document on stdout")
        ("timeout", po::value(&v.timeout), "seconds: the deadline of each call, and of each wait (default 60 and 600)")
        ("verbose,v", po::bool_switch(&v.verbose),
         "a line per request on stderr: method, path, status, API code, attempt, latency, traceId")
        ("allow-insecure-http", po::bool_switch(&v.insecure), "accept an http:// endpoint (debugging only)");
    // clang-format on
    return d;
}

const std::set<std::string> valued_globals = {"--endpoint", "--token",  "--uuid", "--secret",  "--ca-file",
                                              "--profile",  "--output", "-o",     "--timeout", "--config-file"};

// The command words (at most two) among the arguments, skipping global options and their values.
std::vector<std::string> command_words(int argc, char** argv)
{
    std::vector<std::string> words;
    for (int i = 1; i < argc && words.size() < 2; ++i)
    {
        std::string a = argv[i];
        if (valued_globals.count(a))
        {
            ++i;
            continue;
        }
        if (!a.empty() && a[0] == '-')
        {
            if (!words.empty())
                break;   // command options start: no more command words
            continue;
        }
        words.push_back(a);
        if (words[0] != "hosts" && words[0] != "disks")
            break;
    }
    return words;
}

void print_usage(std::ostream& os, const po::options_description& globals)
{
    os << "finovy: the Finovy (渲大师) host-rental API from the command line\n\n"
          "Usage: finovy [global options] COMMAND [options] [IDS...]\n\nCommands:\n";
    for (const auto& c : commands())
    {
        std::string name = c.command + (c.sub.empty() ? "" : " " + c.sub) + (c.args.empty() ? "" : " " + c.args);
        os << "  " << std::left << std::setw(26) << name << c.about << '\n';
    }
    os << "\n" << globals << "\nExit codes: 0 success, 1 API or transport error, 2 usage error, 3 timeout while "
          "waiting.\nRun 'finovy COMMAND --help' for a command's options.\n";
}

bool valid_id(const std::string& id)
{
    if (id.empty() || id.size() > 64)
        return false;
    for (char ch : id)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_')
            return false;
    return true;
}

}   // namespace

int main(int argc, char** argv)
{
    global_values gv;
    auto globals_desc = global_options(gv);
    globals g;
    invocation inv;
    try
    {
        auto words = command_words(argc, argv);
        const command_spec* spec = nullptr;
        for (const auto& c : commands())
            if (!words.empty() && c.command == words[0] && (c.sub.empty() || (words.size() > 1 && c.sub == words[1])))
                spec = &c;
        po::options_description cmd_desc(spec ? "Options of '" + spec->command +
                                                    (spec->sub.empty() ? "" : " " + spec->sub) + "'"
                                              : std::string("Options"));
        if (spec && spec->options)
            spec->options(cmd_desc);
        po::options_description hidden;
        hidden.add_options()("words", po::value<std::vector<std::string>>());
        po::positional_options_description pos;
        pos.add("words", -1);
        po::options_description all;
        all.add(globals_desc).add(cmd_desc).add(hidden);

        auto parsed = po::command_line_parser(argc, argv).options(all).positional(pos).run();
        po::store(parsed, inv.vm);
        if (inv.vm.count("help"))
        {
            if (!spec)
                print_usage(std::cout, globals_desc);
            else
                std::cout << "Usage: finovy " << spec->command << (spec->sub.empty() ? "" : " " + spec->sub)
                          << (spec->args.empty() ? "" : " " + spec->args) << " [options]\n"
                          << spec->about << "\n\n"
                          << cmd_desc << '\n'
                          << globals_desc;
            return ok;
        }
        if (!spec)
        {
            if (words.empty())
                throw usage_error("no command given");
            throw usage_error("unknown command '" + words[0] + (words.size() > 1 ? " " + words[1] : "") + "'");
        }
        po::notify(inv.vm);   // required options

        inv.command = spec->command;
        inv.sub = spec->sub;
        auto positional = inv.vm.count("words") ? inv.vm["words"].as<std::vector<std::string>>() : std::vector<std::string>{};
        inv.ids.assign(positional.begin() + (spec->sub.empty() ? 1 : 2), positional.end());
        auto n = static_cast<int>(inv.ids.size());
        if (n < spec->min_ids || (spec->max_ids >= 0 && n > spec->max_ids))
            throw usage_error(spec->args.empty() ? "this command takes no ids"
                                                 : "expected " + spec->args + " after the command");
        for (const auto& id : inv.ids)
            if (!valid_id(id))
                throw usage_error("'" + id + "' is not an id (1 to 64 letters, digits, '-' or '_')");
        if (inv.command == "hosts" && inv.sub == "list" &&
            (inv.vm["page"].as<int>() < 1 || inv.vm["page-size"].as<int>() < 1 || inv.vm["page-size"].as<int>() > 25))
            throw usage_error("--page must be at least 1 and --page-size between 1 and 25");

        if (gv.output != "table" && gv.output != "json")
            throw usage_error("--output must be table or json");
        // Global settings: the flags, then the environment, then the profile (the SDK's loader).
        auto flag = [&](const char* name, const std::string& v) {
            return inv.vm.count(name) ? std::optional<std::string>(v) : std::nullopt;
        };
        finovy::config_values given;
        given.endpoint = flag("endpoint", gv.endpoint);
        given.access_token = flag("token", gv.token);
        given.uuid = flag("uuid", gv.uuid);
        given.secret = flag("secret", gv.secret);
        given.ca_file = flag("ca-file", gv.ca);
        if (gv.sandbox)
            given.sandbox = true;
        finovy::config_sources sources;
        sources.profile = flag("profile", gv.profile);
        sources.config_file = flag("config-file", gv.config_file);
        auto cfg = finovy::load_configuration(given, sources);   // throws configuration_error: exit 2
        for (const auto& w : cfg.warnings)
            std::cerr << "finovy: warning: " << w << '\n';
        g.client = std::move(cfg.options);
        g.client.allow_insecure_http = gv.insecure;
        g.json = gv.output == "json";
        g.verbose = gv.verbose;
        if (inv.vm.count("timeout"))
        {
            if (gv.timeout <= 0)
                throw usage_error("--timeout must be a positive number of seconds");
            g.timeout = std::chrono::milliseconds(static_cast<long long>(gv.timeout * 1000));
            g.client.deadline = *g.timeout;
        }
        const auto& o = g.client;
        if (o.access_token.empty() && (o.uuid.empty() || o.secret.empty()))
            throw usage_error("credentials needed: --token, or --uuid and --secret (or FINOVY_ACCESS_TOKEN, "
                              "FINOVY_UUID, FINOVY_SECRET, or the keys access_token, uuid, secret of a profile)");
        if (inv.command == "token" && (o.uuid.empty() || o.secret.empty()))
            throw usage_error("'token' needs --uuid and --secret: it fetches a token with them");
        if (g.verbose)
            g.client.observer = [](const finovy::attempt_event& e) {
                std::ostringstream os;
                os << "finovy: " << boost::beast::http::to_string(e.method) << ' ' << e.path << " -> "
                   << (e.http_status ? "HTTP " + std::to_string(e.http_status) : std::string("no answer"))
                   << ", code " << e.api_code << ", attempt " << e.attempt << ", " << std::fixed << std::setprecision(1)
                   << static_cast<double>(e.latency.count()) / 1000.0 << " ms";
                if (!e.trace_id.empty())
                    os << ", traceId " << e.trace_id;
                if (e.error)
                    os << ", " << e.error.message() << (e.will_retry ? " (retrying)" : "");
                std::cerr << os.str() << '\n';
            };
        if (inv.command == "hosts" && inv.sub == "delete" && !inv.vm.count("yes"))
        {
            if (!isatty(0))
                throw usage_error("refusing to delete without --yes (no terminal to ask)");
            std::cerr << "Delete " << inv.ids.size() << " host(s): ";
            for (const auto& id : inv.ids)
                std::cerr << id << ' ';
            std::cerr << "? This cannot be undone. [y/N] " << std::flush;
            std::string answer;
            std::getline(std::cin, answer);
            if (answer != "y" && answer != "Y" && answer != "yes")
            {
                std::cerr << "finovy: nothing deleted\n";
                return usage;
            }
        }
    }
    catch (const std::exception& e)   // usage_error, configuration_error and program_options' own errors
    {
        std::cerr << "finovy: " << e.what() << "\n(see finovy --help)\n";
        if (gv.output == "json")
            std::cout << finovy::to_json_text(json::object{{"error", json::object{{"message", e.what()}}}}) << '\n';
        return usage;
    }

    boost::asio::io_context ioc;
    outcome result;
    int rc = ok;
    boost::asio::co_spawn(ioc, run(g, inv), [&](std::exception_ptr ep, outcome o) {
        if (!ep)
        {
            result = std::move(o);
            rc = result.exit;
            return;
        }
        try
        {
            std::rethrow_exception(ep);
        }
        catch (const usage_error& e)
        {
            std::cerr << "finovy: " << e.what() << "\n(see finovy --help)\n";
            rc = usage;
        }
        catch (const std::invalid_argument& e)   // the client refused its options
        {
            std::cerr << e.what() << '\n';
            rc = usage;
        }
        catch (const std::exception& e)
        {
            std::cerr << "finovy: error: " << e.what() << '\n';
            rc = failure;
        }
        result.doc = json::object{{"error", json::object{{"message", rc == usage ? "usage error" : "failure"}}}};
    });
    ioc.run();
    if (g.json)
        std::cout << finovy::to_json_text(result.doc) << '\n';
    else
        std::cout << result.text;
    return rc;
}
