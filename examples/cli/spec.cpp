// SPDX-License-Identifier: BSL-1.0
// The finovy tool's commands and options, as tables: the command line parser, the help and the
// bash completion are all made from them, so they cannot disagree.
#include "cli.hpp"

#include <boost/version.hpp>
#include <openssl/crypto.h>

#include <iomanip>
#include <map>
#include <ostream>
#include <sstream>
#include <string_view>

namespace cli {

namespace {

const std::vector<std::string> area_names = {"south_china", "west_china", "international"};

option_spec poll_interval()
{
    return {"poll-interval", arg_kind::duration, "DURATION", "time between status polls while waiting", false, "3s"};
}

option_spec wait_flag(const char* help) { return {"wait", arg_kind::flag, "", help}; }

}   // namespace

// clang-format off
const std::vector<command_spec>& commands()
{
    static const std::vector<command_spec> list = {
        {"images", "", "", "list the operating-system images", 0, 0, {}},
        {"packages", "", "", "list host packages (pay-as-you-go by default)", 0, 0,
         {{"fixed-period", arg_kind::flag, "", "list fixed-period packages instead"}}},
        {"hosts", "list", "", "list the account's hosts (all of them, or one page)", 0, 0,
         {{"page", arg_kind::integer, "N", "only page N (from 1) instead of every host"},
          {"page-size", arg_kind::integer, "N", "hosts per page with --page, 1 to 25 (default 25)"}}},
        {"hosts", "get", "ID...", "show hosts", 1, -1,
         {{"show-password", arg_kind::flag, "", "include the hosts' login passwords"}}},
        {"hosts", "create", "", "create hosts (pay-as-you-go unless --fixed-period)", 0, 0,
         {{"package", arg_kind::text, "P", "package id", true},
          {"image", arg_kind::text, "I", "image id (of the package's type)", true},
          {"count", arg_kind::integer, "N", "how many hosts", false, "1"},
          {"start", arg_kind::flag, "", "power the new hosts on (with --wait: until they run)"},
          wait_flag("wait until the new hosts are ready (off), or running with --start"),
          {"fixed-period", arg_kind::flag, "", "fixed-period (subscription) hosts, paid up front"},
          {"period-unit", arg_kind::text, "UNIT", "with --fixed-period: hour, day, week, month, quarter or year",
           false, "day", {"hour", "day", "week", "month", "quarter", "year"}},
          {"periods", arg_kind::integer, "N", "with --fixed-period: number of period units", false, "1"},
          poll_interval()}},
        {"hosts", "start", "ID...", "power hosts on", 1, -1, {wait_flag("wait until each runs (status 2)"), poll_interval()}},
        {"hosts", "stop", "ID...", "power hosts off", 1, -1, {wait_flag("wait until each is off (status 0)"), poll_interval()}},
        {"hosts", "reboot", "ID...", "reboot hosts", 1, -1, {wait_flag("wait until each runs again"), poll_interval()}},
        {"hosts", "wait", "ID...", "wait for hosts to reach a status", 1, -1,
         {{"status", arg_kind::text, "STATUS", "running or off", true, nullptr, {"running", "off"}}, poll_interval()}},
        {"hosts", "delete", "ID...", "delete hosts", 1, -1,
         {{"yes,y", arg_kind::flag, "", "do not ask for confirmation"}}},
        {"disks", "create", "", "create cloud disks", 0, 0,
         {{"area", arg_kind::text, "AREA", "south_china, west_china or international (0, 1, 2)", true, nullptr, area_names},
          {"size", arg_kind::integer, "GB", "capacity in GB, at least 20", true},
          {"count", arg_kind::integer, "N", "how many disks", false, "1"},
          {"mount", arg_kind::text, "HOST", "a host to mount them on (off, pay-as-you-go, started once)"},
          wait_flag("with --mount: wait until the disks are in use"), poll_interval()}},
        {"disks", "list", "", "list cloud disks (all of them)", 0, 0,
         {{"host", arg_kind::text, "HOST", "only those of this host"},
          {"area", arg_kind::text, "AREA", "only those of this area", false, nullptr, area_names}}},
        {"disks", "get", "ID...", "show cloud disks", 1, -1, {}},
        {"disks", "mount", "ID...", "mount disks on a host (off, pay-as-you-go)", 1, -1,
         {{"host", arg_kind::text, "HOST", "the host", true}, wait_flag("wait until each is in use"), poll_interval()}},
        {"disks", "unmount", "ID...", "unmount disks (their host must be off)", 1, -1,
         {wait_flag("wait until each waits to be mounted again"), poll_interval()}},
        {"disks", "destroy", "ID...", "destroy disks that wait to be mounted", 1, -1,
         {wait_flag("wait until each is gone"), poll_interval()}},
        {"disks", "usage", "", "GB of cloud disks per area", 0, 0,
         {{"area", arg_kind::text, "AREA", "only this area (default: every area)", false, nullptr, area_names}}},
        {"token", "", "", "fetch a token with --uuid and --secret; print when it expires", 0, 0,
         {{"show", arg_kind::flag, "", "print the token itself on stdout, alone (for tools that want one)"}}},
        {"completion", "", "SHELL", "print the shell completion script (bash)", 1, 1, {}},
        {"help", "", "[COMMAND]", "show the commands, or a command's options (finovy help hosts create)", 0, 2, {}},
    };
    return list;
}

// The client's settings come from the flags every program here shares (../common/settings.hpp),
// between the tool's own options.
const std::vector<option_spec>& global_option_specs()
{
    static const std::vector<option_spec> list = [] {
        std::vector<option_spec> l = {
            {"help,h", arg_kind::flag, "", "show help (after a command: that command's)"},
            {"version", arg_kind::flag, "", "print the versions of finovy, Boost and OpenSSL"},
        };
        for (const auto& f : example::setting_flags())
            l.push_back({f.name, !*f.value_name ? arg_kind::flag : f.is_file ? arg_kind::file : arg_kind::text,
                         f.value_name, f.help});
        l.insert(l.end(), {
            {"output,o", arg_kind::text, "FORMAT", "table, or json: one JSON document on stdout", false, "table", {"table", "json"}},
            {"no-headers", arg_kind::flag, "", "tables without their header line (nor footer)"},
            {"timeout", arg_kind::duration, "DURATION", "deadline of each call, and of each wait (default 60s and 10m)"},
            {"verbose,v", arg_kind::flag, "", "log each connection and request on stderr: the proxy it went through, "
                                              "path, status, API code, attempt, latency, traceId (never a secret)"},
        });
        return l;
    }();
    return list;
}
// clang-format on

bool is_group(const std::string& word) { return word == "hosts" || word == "disks"; }

const command_spec* find_command(const std::vector<std::string>& words)
{
    for (const auto& c : commands())
        if (!words.empty() && c.command == words[0] && (c.sub.empty() || (words.size() > 1 && c.sub == words[1])))
            return &c;
    return nullptr;
}

// --- durations ---------------------------------------------------------------------------------

std::chrono::milliseconds parse_duration(const std::string& text, const std::string& option)
{
    std::string why;
    auto d = example::read_duration(text, why);
    if (!why.empty())
        throw usage_error("option '--" + option + "': " + why);
    return d;
}

// --- help ----------------------------------------------------------------------------------------

po::options_description describe(const std::vector<option_spec>& specs, const std::string& caption)
{
    po::options_description d(caption, 120, 60);
    for (const auto& o : specs)
    {
        std::string help = o.help;
        if (o.required)
            help += " (required)";
        switch (o.kind)
        {
        case arg_kind::flag:
            d.add_options()(o.name, help.c_str());
            break;
        case arg_kind::text:
        case arg_kind::file: {
            auto* v = po::value<std::string>()->value_name(o.value_name);
            if (o.default_value)
                v->default_value(o.default_value);
            if (o.required)
                v->required();
            d.add_options()(o.name, v, help.c_str());
            break;
        }
        case arg_kind::integer: {
            auto* v = po::value<int>()->value_name(o.value_name);
            if (o.default_value)
                v->default_value(std::stoi(o.default_value), o.default_value);
            if (o.required)
                v->required();
            d.add_options()(o.name, v, help.c_str());
            break;
        }
        case arg_kind::duration: {
            auto* v = po::value<duration>()->value_name(o.value_name);
            if (o.default_value)
                v->default_value(duration{parse_duration(o.default_value, o.name)}, o.default_value);
            if (o.required)
                v->required();
            d.add_options()(o.name, v, help.c_str());
            break;
        }
        }
    }
    return d;
}

namespace {

std::string long_name(const option_spec& o)
{
    std::string_view n = o.name;
    std::string s = "--";   // not "--" + substr(): GCC 12 warns falsely about that (-Wstringop-overflow)
    s += n.substr(0, n.find(','));
    return s;
}

std::string synopsis(const command_spec& c)
{
    std::string s = "finovy " + c.name();
    if (!c.args.empty())
        s += " " + c.args;
    for (const auto& o : c.options)
        if (o.required)
            s.append(" ").append(long_name(o)).append(" ").append(o.value_name);
    return s + " [options]";
}

void list_commands(std::ostream& os, const std::string& group)
{
    for (const auto& c : commands())
        if (group.empty() || c.command == group)
            os << "  " << std::left << std::setw(26) << (c.name() + (c.args.empty() ? "" : " " + c.args)) << c.about
               << '\n';
}

}   // namespace

void print_usage(std::ostream& os)
{
    os << "finovy: the Finovy (渲大师) host-rental API from the command line\n\n"
          "Usage: finovy [global options] COMMAND [options] [IDS...]\n\nCommands:\n";
    list_commands(os, "");
    os << "\n"
       << describe(global_option_specs(),
                   "Global options (a flag wins over the environment variable shown, which wins over the\n"
                   "profile's key of the config file); they may come before or after the command")
       << "\nDurations take a unit: 500ms, 30s, 2m, 1h, 1m30s.\n"
          "Proxies: --proxy or https_proxy (CONNECT, TLS end to end); --no-proxy or no_proxy lists the hosts\n"
          "reached directly ('*': all). --verbose says which connections went through the proxy.\n"
          "Failures: a line per failure on stderr; commands taking several ids also print the table ID RESULT\n"
          "with a row 'error: ...' per failed id (-o json: an \"error\" object in each failed id's entry).\n"
          "Exit codes: 0 success, 1 API or transport error (for several ids or hosts: any failed), 2 usage\n"
          "error, 3 timeout while waiting, 130 interrupted (hosts create prints the hosts it made).\n"
          "Run 'finovy help COMMAND' or 'finovy COMMAND --help' for a command's options. The reference:\n"
          "'man finovy', and docs/cli.md (installed in share/doc/finovy/docs/cli.md).\n";
}

void print_group_usage(std::ostream& os, const std::string& group)
{
    os << "Usage: finovy " << group << " COMMAND [options]\n\nCommands:\n";
    list_commands(os, group);
    os << "\nRun 'finovy help " << group << " COMMAND' or 'finovy " << group
       << " COMMAND --help' for a command's options, 'finovy --help' for the global options.\n";
}

void print_command_usage(std::ostream& os, const command_spec& c)
{
    os << "Usage: " << synopsis(c) << "\n\n" << c.about << "\n";
    if (!c.options.empty())
        os << '\n' << describe(c.options, "Options");
    os << "\nGlobal options (--output, --timeout, credentials...): see 'finovy --help'.\n";
}

void print_version(std::ostream& os, bool as_json)
{
    std::string boost_version = std::to_string(BOOST_VERSION / 100000) + "." +
                                std::to_string(BOOST_VERSION / 100 % 1000) + "." + std::to_string(BOOST_VERSION % 100);
    if (as_json)
        os << finovy::to_json_text(json::object{{"finovy", FINOVY_VERSION_STRING},
                                                {"boost", boost_version},
                                                {"openssl", OpenSSL_version(OPENSSL_VERSION_STRING)}})
           << '\n';
    else
        os << "finovy " << FINOVY_VERSION_STRING << "\nBoost " << boost_version << '\n'
           << OpenSSL_version(OPENSSL_VERSION) << '\n';
}

// --- bash completion -------------------------------------------------------------------------

namespace {

std::string joined(const std::vector<std::string>& words)
{
    std::string s;
    for (const auto& w : words)
        s += (s.empty() ? "" : " ") + w;
    return s;
}

std::vector<std::string> names(const std::vector<option_spec>& specs)
{
    std::vector<std::string> out;
    for (const auto& o : specs)
    {
        out.push_back(long_name(o));
        std::string_view n = o.name;
        if (auto comma = n.find(','); comma != std::string::npos)
            out.push_back(std::string("-").append(n.substr(comma + 1)));
    }
    return out;
}

// case arms completing the value after an option: choices, file names, or nothing.
std::string value_arms(const std::vector<option_spec>& specs, const std::string& indent)
{
    std::string s;
    std::vector<std::string> free;
    for (const auto& o : specs)
    {
        if (o.kind == arg_kind::flag)
            continue;
        std::string pattern = long_name(o);
        std::string n = o.name;
        if (auto comma = n.find(','); comma != std::string::npos)
            pattern += "|-" + n.substr(comma + 1);
        if (!o.choices.empty())
            s += indent + pattern + ") COMPREPLY=($(compgen -W \"" + joined(o.choices) + "\" -- \"$cur\")); return ;;\n";
        else if (pattern == "--profile")   // the profiles of the config file
            s += indent + pattern + ") COMPREPLY=($(compgen -W \"$(_finovy_profiles)\" -- \"$cur\")); return ;;\n";
        else if (o.kind == arg_kind::file)
            s += indent + pattern + ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
        else
            free.push_back(pattern);
    }
    if (!free.empty())
    {
        std::string p;
        for (const auto& f : free)
            p += (p.empty() ? "" : "|") + f;
        s += indent + p + ") return ;;\n";
    }
    return s;
}

}   // namespace

std::string bash_completion()
{
    const auto& globals = global_option_specs();
    std::vector<std::string> valued, top;
    for (const auto& o : globals)
        if (o.kind != arg_kind::flag)
            for (const auto& n : names({o}))
                valued.push_back(n);
    for (const auto& c : commands())
        if (top.empty() || top.back() != c.command)
            top.push_back(c.command);
    std::string skip;
    for (const auto& v : valued)
        skip += (skip.empty() ? "" : "|") + v;

    std::ostringstream os;
    os << "# bash completion for finovy " FINOVY_VERSION_STRING
          " (generated by 'finovy completion bash' from its option tables)\n"
          "# The profiles of the config file: --config-file on the line, else FINOVY_CONFIG_FILE, else\n"
          "# ~/.config/finovy/config; [default] and [profile NAME] sections.\n"
          "_finovy_profiles()\n{\n"
          "    local file=${FINOVY_CONFIG_FILE:-$HOME/.config/finovy/config} i\n"
          "    for (( i = 1; i < COMP_CWORD; i++ )); do\n"
          "        [[ ${COMP_WORDS[i]} == --config-file ]] && file=${COMP_WORDS[i+1]}\n"
          "    done\n"
          "    file=${file/#\\~/$HOME}\n"
          "    [[ -r $file ]] || return 0\n"
          "    sed -n 's/^[[:space:]]*\\[[[:space:]]*\\(profile[[:space:]]\\{1,\\}\\)\\{0,1\\}\\([^][:space:]]\\{1,\\}\\)[[:space:]]*\\].*/\\2/p' \"$file\"\n"
          "}\n"
          "_finovy()\n{\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= sub= i w\n"
          "    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
          "    # The command words, skipping global options and their values.\n"
          "    for (( i = 1; i < COMP_CWORD; i++ )); do\n"
          "        w=${COMP_WORDS[i]}\n"
          "        case $w in\n"
          "            "
       << skip
       << ") (( i++ )) ;;\n"
          "            -*) ;;\n"
          "            *) if [[ -z $cmd ]]; then cmd=$w\n"
          "               elif [[ -z $sub && ( $cmd == hosts || $cmd == disks || $cmd == help ) ]]; then sub=$w\n"
          "               fi ;;\n"
          "        esac\n"
          "    done\n"
          "    local globals=\""
       << joined(names(globals))
       << "\"\n"
          "    case $prev in\n"
       << value_arms(globals, "        ")
       << "    esac\n"
          "    if [[ -z $cmd ]]; then\n"
          "        if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$globals\" -- \"$cur\"))\n"
          "        else COMPREPLY=($(compgen -W \""
       << joined(top)
       << "\" -- \"$cur\"))\n"
          "        fi\n"
          "        return\n"
          "    fi\n"
          "    local opts=\n"
          "    case $cmd/$sub in\n";
    std::map<std::string, std::vector<std::string>> subs;
    for (const auto& group : {std::string("hosts"), std::string("disks")})
    {
        for (const auto& c : commands())
            if (c.command == group)
                subs[group].push_back(c.sub);
        os << "        " << group << "/) [[ $cur != -* ]] && { COMPREPLY=($(compgen -W \"" << joined(subs[group])
           << " help\" -- \"$cur\")); return; } ;;\n";
        os << "        " << group << "/help) [[ $cur != -* ]] && { COMPREPLY=($(compgen -W \"" << joined(subs[group])
           << "\" -- \"$cur\")); return; } ;;\n";
    }
    // help [COMMAND]: the commands, then a group's.
    os << "        help/*)\n"
          "            if [[ $cur != -* ]]; then\n"
          "                case $sub in\n"
          "                    '') COMPREPLY=($(compgen -W \""
       << joined(top)
       << "\" -- \"$cur\")) ;;\n"
          "                    hosts) COMPREPLY=($(compgen -W \""
       << joined(subs["hosts"])
       << "\" -- \"$cur\")) ;;\n"
          "                    disks) COMPREPLY=($(compgen -W \""
       << joined(subs["disks"])
       << "\" -- \"$cur\")) ;;\n"
          "                esac\n"
          "                return\n"
          "            fi\n"
          "            ;;\n";
    for (const auto& c : commands())
    {
        if (c.command == "help")
            continue;
        os << "        " << c.command << "/" << c.sub << ")\n";
        if (c.command == "completion")
            os << "            [[ $cur != -* ]] && { COMPREPLY=($(compgen -W \"bash\" -- \"$cur\")); return; }\n";
        os << "            opts=\"" << joined(names(c.options)) << "\"\n";
        if (auto arms = value_arms(c.options, "                "); !arms.empty())
            os << "            case $prev in\n" << arms << "            esac\n";
        os << "            ;;\n";
    }
    os << "    esac\n"
          "    [[ $cur == -* ]] && COMPREPLY=($(compgen -W \"$opts $globals\" -- \"$cur\"))   # globals hold --help\n"
          "    return 0\n"
          "}\n"
          "complete -F _finovy finovy\n";
    return os.str();
}

}   // namespace cli
