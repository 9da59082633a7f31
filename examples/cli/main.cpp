// SPDX-License-Identifier: BSL-1.0
// finovy: the command-line tool of finovy-cpp. Parses the command line (Boost.Program_options,
// from the tables of spec.cpp), builds the client options (the flags every program here shares,
// ../common/settings.hpp), runs the command and prints its outcome.
#include "cli.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>

#include <unistd.h>

#include <cctype>
#include <functional>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string_view>
#include <variant>

namespace {

using namespace cli;

// Whether `option` ("--timeout", "-o") is a global option (with a value, if `valued`).
bool is_global(const std::string& option, bool valued = false)
{
    if (option == "--token")   // the deprecated name of --access-token (example::hidden_setting_options)
        return true;
    for (const auto& o : global_option_specs())
    {
        if (valued && o.kind == arg_kind::flag)
            continue;
        std::string_view n = o.name, opt = option;
        auto comma = n.find(',');
        auto long_name = n.substr(0, comma);
        auto short_name = comma == std::string_view::npos ? std::string_view{} : n.substr(comma + 1);
        if ((opt.starts_with("--") && opt.substr(2) == long_name) ||
            (!short_name.empty() && opt.size() == 2 && opt[0] == '-' && opt.substr(1) == short_name))
            return true;
    }
    return false;
}

// The command words (at most two) among the arguments, skipping global options and their values.
std::vector<std::string> command_words(int argc, char** argv)
{
    std::vector<std::string> words;
    for (int i = 1; i < argc && words.size() < 2; ++i)
    {
        std::string a = argv[i];
        if (is_global(a, true))
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
        if (!is_group(words[0]))
            break;
    }
    return words;
}

// Whether the command line asks for JSON, for errors found before it is parsed.
bool wants_json(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        if (a == "--output=json" || a == "-ojson" || ((a == "--output" || a == "-o") && i + 1 < argc &&
                                                      std::string(argv[i + 1]) == "json"))
            return true;
    }
    return false;
}

// The words after "help" ("finovy help hosts create", "finovy hosts help create"), without the
// options and their values.
std::vector<std::string> help_topic(int argc, char** argv)
{
    std::vector<std::string> words;
    for (int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        if (is_global(a, true))
            ++i;
        else if (a.empty() || a[0] != '-')
            words.push_back(a);
    }
    std::vector<std::string> topic;
    bool after = false;
    for (const auto& w : words)
    {
        if (after)
            topic.push_back(w);
        else if (w == "help")
            after = true;
        else
            topic.push_back(w);   // "hosts help create": the group comes first
    }
    return topic;
}

// finovy help [COMMAND]: the usage of the topic, or a usage error for an unknown one.
int print_help(const std::vector<std::string>& topic)
{
    if (topic.empty())
    {
        print_usage(std::cout);
        return ok;
    }
    if (const auto* c = find_command(topic); c && topic.size() <= (c->sub.empty() ? 1u : 2u))
    {
        print_command_usage(std::cout, *c);
        return ok;
    }
    if (topic.size() == 1 && is_group(topic[0]))
    {
        print_group_usage(std::cout, topic[0]);
        return ok;
    }
    std::string name;
    for (const auto& w : topic)
        name += (name.empty() ? "" : " ") + w;
    throw usage_error("no command '" + name + "' to show help for");
}

std::string subcommands_of(const std::string& group)
{
    std::string s;
    for (const auto& c : commands())
        if (c.command == group)
            s += (s.empty() ? "" : ", ") + c.sub;
    return s;
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

// Checks of option values that program_options cannot express.
void check_values(const invocation& inv)
{
    const auto& vm = inv.vm;
    auto at_least = [&](const char* name, int min) {
        if (vm.count(name) && vm[name].as<int>() < min)
            throw usage_error("--" + std::string(name) + " must be at least " + std::to_string(min));
    };
    at_least("count", 1);
    at_least("periods", 1);
    at_least("page", 1);
    if (vm.count("page-size") && (vm["page-size"].as<int>() < 1 || vm["page-size"].as<int>() > 25))
        throw usage_error("--page-size must be between 1 and 25");
    if (vm.count("page-size") && !vm.count("page"))
        throw usage_error("--page-size goes with --page (without it, every host is listed)");
    if (inv.command == "disks" && inv.sub == "create" && vm.count("wait") && !vm.count("mount"))
        throw usage_error("--wait goes with --mount (new disks that are not mounted are ready at once)");
    if (inv.command == "hosts" && inv.sub == "create" && !vm.count("fixed-period") &&
        (!vm["period-unit"].defaulted() || !vm["periods"].defaulted()))
        throw usage_error("--period-unit and --periods go with --fixed-period");
}

void confirm_delete(const invocation& inv)
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
        throw usage_error("nothing deleted");
}

// A proxy URL without its user and password, for the log.
std::string without_userinfo(const std::string& url)
{
    auto scheme = url.find("://");
    auto from = scheme == std::string::npos ? 0 : scheme + 3;
    auto at = url.find('@', from);
    if (at == std::string::npos || at > url.find_first_of("/?#", from))
        return url;
    return url.substr(0, from) + url.substr(at + 1);
}

std::string milliseconds(std::chrono::microseconds t)
{
    std::ostringstream os;
    os << std::fixed << std::setprecision(1) << static_cast<double>(t.count()) / 1000.0 << " ms";
    return os.str();
}

// --verbose: a line per connection (saying when it goes through the proxy) and per request. The
// client's events never hold a token, a secret or a proxy's password.
std::function<void(const finovy::client_event&)> verbose_log()
{
    auto proxy = std::make_shared<std::string>();   // "host:port" of the proxy, once connected through it
    return [proxy](const finovy::client_event& event) {
        std::ostringstream os;
        if (const auto* c = std::get_if<finovy::connection_opened_event>(&event))
        {
            std::string where = std::string(c->host) + ":" + std::string(c->port);
            *proxy = c->via_proxy ? where : std::string();
            os << "finovy: connected to " << (c->via_proxy ? "the proxy " + where + ", tunnel (CONNECT) to the API" : where)
               << ", " << milliseconds(c->latency);
        }
        else if (const auto* e = std::get_if<finovy::attempt_event>(&event))
        {
            os << "finovy: " << boost::beast::http::to_string(e->method) << ' ' << e->path << " -> "
               << (e->http_status ? "HTTP " + std::to_string(e->http_status) : std::string("no answer")) << ", code "
               << e->api_code << ", attempt " << e->attempt << ", " << milliseconds(e->latency);
            if (!e->trace_id.empty())
                os << ", traceId " << e->trace_id;
            if (!proxy->empty())
                os << ", through the proxy " << *proxy;
            if (e->error)
                os << ", " << e->error.message() << (e->will_retry ? " (retrying)" : "");
        }
        else
            return;
        std::cerr << os.str() << '\n';
    };
}

}   // namespace

int main(int argc, char** argv)
{
    globals g;
    invocation inv;
    std::string hint = "finovy --help";   // where a usage error of the command sends the user
    bool global_stage = false;            // errors of the global settings: sent to finovy --help
    try
    {
        auto words = command_words(argc, argv);
        // finovy help [COMMAND], finovy hosts help [COMMAND]
        if ((!words.empty() && words[0] == "help") || (words.size() == 2 && is_group(words[0]) && words[1] == "help"))
            return print_help(help_topic(argc, argv));
        const command_spec* spec = find_command(words);
        bool group_only = !words.empty() && is_group(words[0]) && words.size() == 1;
        if (spec)
            hint = "finovy " + spec->name() + " --help";
        else if (!words.empty() && is_group(words[0]))
            hint = "finovy " + words[0] + " --help";
        if (!words.empty() && !spec && !group_only)
            throw usage_error("unknown command '" + words[0] + (words.size() > 1 ? " " + words[1] : "") + "'" +
                              (is_group(words[0]) ? "; the " + words[0] + " commands: " + subcommands_of(words[0])
                                                  : std::string()));

        po::options_description all;
        all.add(describe(global_option_specs(), "")).add(describe(spec ? spec->options : std::vector<option_spec>{}, ""));
        po::options_description hidden = example::hidden_setting_options();
        hidden.add_options()("words", po::value<std::vector<std::string>>());
        all.add(hidden);
        po::positional_options_description pos;
        pos.add("words", -1);
        po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), inv.vm);
        const auto& vm = inv.vm;
        auto output = vm["output"].as<std::string>();
        if (output != "table" && output != "json")
            throw usage_error("--output must be table or json");
        g.json = output == "json";

        if (vm.count("version"))
        {
            print_version(std::cout, g.json);
            return ok;
        }
        if (vm.count("help"))
        {
            if (spec)
                print_command_usage(std::cout, *spec);
            else if (group_only)
                print_group_usage(std::cout, words[0]);
            else
                print_usage(std::cout);
            return ok;
        }
        if (words.empty())
        {
            print_usage(std::cerr);   // a bare `finovy`: what it can do
            throw usage_error("no command given");
        }
        if (group_only)
            throw usage_error("'" + words[0] + "' needs a command: " + subcommands_of(words[0]));
        po::notify(inv.vm);   // required options

        inv.command = spec->command;
        inv.sub = spec->sub;
        auto positional = vm.count("words") ? vm["words"].as<std::vector<std::string>>() : std::vector<std::string>{};
        inv.ids.assign(positional.begin() + (spec->sub.empty() ? 1 : 2), positional.end());
        auto n = static_cast<int>(inv.ids.size());
        if (n < spec->min_ids || (spec->max_ids >= 0 && n > spec->max_ids))
            throw usage_error(spec->args.empty() ? "'" + spec->name() + "' takes no ids"
                                                 : "expected " + spec->args + " after '" + spec->name() + "'");
        if (inv.command == "completion")
        {
            if (inv.ids[0] != "bash")
                throw usage_error("completion: only bash is supported");
            std::cout << bash_completion();
            return ok;
        }
        for (const auto& id : inv.ids)
            if (!valid_id(id))
                throw usage_error("'" + id + "' is not an id (1 to 64 letters, digits, '-' or '_')");
        check_values(inv);
        global_stage = true;

        // Global settings: the flags, then the environment, then the profile (the SDK's loader).
        auto cfg = example::load_settings(vm);   // throws configuration_error or usage_error: exit 2
        for (const auto& w : cfg.warnings)
            std::cerr << "finovy: warning: " << w << '\n';
        g.client = std::move(cfg.options);
        g.verbose = vm.count("verbose") > 0;
        g.headers = vm.count("no-headers") == 0;
        if (vm.count("timeout"))
        {
            g.timeout = vm["timeout"].as<duration>().value;
            g.client.deadline = *g.timeout;
        }
        const auto& o = g.client;
        if (!example::has_credentials(o))
            throw usage_error(example::missing_credentials_message());
        if (inv.command == "token" && (o.uuid.empty() || o.secret.empty()))
            throw usage_error("'token' needs --uuid and --secret: it fetches a token with them");
        if (g.verbose)
        {
            if (!o.proxy.empty())   // whether it applies (no_proxy) is said per connection
                std::cerr << "finovy: proxy " << without_userinfo(o.proxy)
                          << (o.no_proxy.empty() ? std::string() : ", not for " + o.no_proxy) << '\n';
            g.client.events = verbose_log();
        }
        global_stage = false;
        if (inv.command == "hosts" && inv.sub == "delete" && !vm.count("yes"))
            confirm_delete(inv);
    }
    catch (const std::exception& e)   // usage_error, configuration_error and program_options' own errors
    {
        if (auto* pe = dynamic_cast<const po::error_with_option_name*>(&e); pe && is_global(pe->get_option_name()))
            global_stage = true;
        std::cerr << "finovy: " << e.what() << "\n(see " << (global_stage ? "finovy --help" : hint) << ")\n";
        if (g.json || wants_json(argc, argv))
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
        std::string message;
        try
        {
            std::rethrow_exception(ep);
        }
        catch (const usage_error& e)
        {
            std::cerr << "finovy: " << e.what() << "\n(see " << hint << ")\n";
            message = e.what();
            rc = usage;
        }
        catch (const std::invalid_argument& e)   // the client refused its options
        {
            std::cerr << "finovy: " << e.what() << '\n';
            message = e.what();
            rc = usage;
        }
        catch (const std::exception& e)
        {
            std::cerr << "finovy: error: " << e.what() << '\n';
            message = e.what();
            rc = failure;
        }
        result.doc = json::object{{"error", json::object{{"message", message}}}};
    });
    ioc.run();
    if (g.json)
        std::cout << finovy::to_json_text(result.doc) << '\n';
    else
        std::cout << result.text;
    return rc;
}
