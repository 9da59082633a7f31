// SPDX-License-Identifier: BSL-1.0
// What a newcomer meets first (issue 19), run as programs against the simulator: help and the
// usage of a bare `finovy`, one shape for every failure of the commands that take several ids, a
// token printed on request only, proxies from the command line and in --verbose, the same
// settings flags in every program, and the bash completion. Part of finovy_cli_tests
// (cli_test.cpp has the module).
#include <boost/test/unit_test.hpp>

#include "../common/connect_proxy.hpp"
#include "cli_fixture.hpp"

#include <filesystem>
#include <fstream>
#include <regex>

using namespace finovy::test;

namespace {

std::size_t count_of(const std::string& text, const std::string& what)
{
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1))
        ++n;
    return n;
}

// The failure shape of a command given several ids, some of which fail: the table ID/RESULT with
// an "error: " row per failed id, a stderr line per failure, exit 1; in JSON an array of
// {"id", "ok", "error": {category, code, message, ...}} entries for them.
void check_failure_shape(cli_fixture& f, std::vector<std::string> args, const std::vector<std::string>& failing)
{
    BOOST_TEST_CONTEXT("finovy " << args.at(0) << " " << args.at(1))
    {
        auto r = f.finovy(args);
        BOOST_TEST(r.exit_code == 1, r.err);
        BOOST_TEST(std::regex_search(r.out, std::regex("(^|\n)ID +RESULT\n")), r.out);
        for (const auto& id : failing)
        {
            BOOST_TEST(std::regex_search(r.out, std::regex("(^|\n)" + id + " +error: ")), r.out);
            BOOST_TEST(r.err.find("finovy: error: " + id + ": ") != std::string::npos, r.err);
        }
        BOOST_TEST(count_of(r.err, "finovy: error: ") == failing.size(), r.err);

        auto j = f.finovy_json(args, 1).as_array();
        for (const auto& e : j)
        {
            if (e.at("ok").as_bool())
                continue;
            const auto& err = e.at("error").as_object();
            for (auto key : {"category", "code", "message", "detail"})
                BOOST_TEST(err.contains(key), key);
            BOOST_TEST(!e.as_object().contains("result"));
        }
    }
}

}   // namespace

BOOST_FIXTURE_TEST_SUITE(cli_newcomer, cli_fixture)

BOOST_AUTO_TEST_CASE(help_command_and_bare_usage)
{
    auto top = finovy({"help"});
    BOOST_TEST(top.exit_code == 0, top.err);
    BOOST_TEST(top.out == finovy({"--help"}).out);
    for (auto s : {"help [COMMAND]", "--proxy", "--no-proxy", "--access-token", "man finovy", "docs/cli.md"})
        BOOST_TEST(top.out.find(s) != std::string::npos, s);

    auto create = finovy({"help", "hosts", "create"});
    BOOST_TEST(create.exit_code == 0);
    BOOST_TEST(create.out == finovy({"hosts", "create", "--help"}).out);
    BOOST_TEST(finovy({"hosts", "help", "create"}).out == create.out);
    auto group = finovy({"hosts", "help"});
    BOOST_TEST(group.exit_code == 0);
    BOOST_TEST(group.out == finovy({"hosts", "--help"}).out);
    BOOST_TEST(finovy({"help", "disks"}).out == finovy({"disks", "--help"}).out);
    BOOST_TEST(finovy({"help", "token"}).out.find("--show") != std::string::npos);
    for (std::vector<std::string> bad : {std::vector<std::string>{"help", "frob"}, {"help", "hosts", "frob"},
                                         {"hosts", "help", "frob"}})
    {
        auto r = finovy(bad);
        BOOST_TEST(r.exit_code == 2, r.err);
        BOOST_TEST(r.err.find("no command") != std::string::npos, r.err);
    }

    // A bare `finovy`: the usage, on stderr, and the usage error's exit code.
    auto bare = finovy({});
    BOOST_TEST(bare.exit_code == 2);
    BOOST_TEST(bare.out.empty());
    BOOST_TEST(bare.err.find("Usage: finovy") != std::string::npos, bare.err);
    BOOST_TEST(bare.err.find("hosts create") != std::string::npos, bare.err);
    BOOST_TEST(bare.err.find("no command given") != std::string::npos, bare.err);
}

BOOST_AUTO_TEST_CASE(one_failure_shape_for_several_ids)
{
    check_failure_shape(*this, {"hosts", "get", "NoSuchHost1", "NoSuchHost2"}, {"NoSuchHost1", "NoSuchHost2"});
    check_failure_shape(*this, {"hosts", "start", "NoSuchHost", "X"}, {"NoSuchHost", "X"});
    check_failure_shape(*this, {"hosts", "delete", "--yes", "NoSuchHost"}, {"NoSuchHost"});
    check_failure_shape(*this, {"disks", "destroy", "A", "B"}, {"A", "B"});
    check_failure_shape(*this, {"disks", "get", "NoSuchDisk"}, {"NoSuchDisk"});

    // Some found, some not: what was found is shown, then the same table.
    auto ids = sim.add_hosts(sim.first_tenant().uuid, 1, "Ofc2C4G8xx", "4005");
    check_failure_shape(*this, {"hosts", "get", ids[0], "NoSuchHost1"}, {"NoSuchHost1"});
    auto mixed = finovy({"hosts", "get", ids[0], "NoSuchHost1"});
    BOOST_TEST(mixed.out.find("FIELD") == 0u, mixed.out);
    BOOST_TEST(std::regex_search(mixed.out, std::regex("\n" + ids[0] + " +off\n")), mixed.out);
    // All found: the details alone, as before.
    BOOST_TEST(finovy({"hosts", "get", ids[0]}).out.find("RESULT") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(token_is_printed_only_when_asked)
{
    auto shown = finovy({"token", "--show"}, true);
    BOOST_TEST_REQUIRE(shown.exit_code == 0, shown.err);
    BOOST_TEST(std::regex_match(shown.out, std::regex("[A-Za-z0-9._~+/=-]{8,}\n")), shown.out);
    std::string token = shown.out.substr(0, shown.out.size() - 1);
    BOOST_TEST(shown.err.find(token) == std::string::npos, shown.err);
    BOOST_TEST(shown.err.find("valid for") != std::string::npos, shown.err);
    // It works: another program can use it.
    auto used = run_process({FINOVY_CLI_EXE, "--access-token", token, "images"},
                            {"FINOVY_ENDPOINT=" + sim.url(), "FINOVY_CA_FILE=" + sim.ca_file()});
    BOOST_TEST(used.exit_code == 0, used.err);

    // Never without --show, never in the verbose log.
    auto plain = finovy({"--verbose", "token"}, true);
    BOOST_TEST(plain.exit_code == 0);
    auto verbose = finovy({"--verbose", "token", "--show"}, true);
    auto printed = verbose.out.substr(0, verbose.out.find('\n'));
    BOOST_TEST(verbose.err.find(printed) == std::string::npos, verbose.err);
    BOOST_TEST(verbose.err.find(sim.first_tenant().secret) == std::string::npos);
    BOOST_TEST(plain.out.find(printed) == std::string::npos);
    auto j = finovy({"-o", "json", "token", "--show"}, true);
    BOOST_TEST(json::parse(j.out).at("token").is_string());
    BOOST_TEST(!json::parse(finovy({"-o", "json", "token"}, true).out).as_object().contains("token"));
}

BOOST_AUTO_TEST_CASE(proxy_flags_and_verbose)
{
    connect_proxy tunnel;
    auto r = finovy({"--verbose", "--proxy", tunnel.url(), "images"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(tunnel.connects() == 1u);
    auto where = "127.0.0.1:" + std::to_string(tunnel.port());
    BOOST_TEST(r.err.find("connected to the proxy " + where) != std::string::npos, r.err);
    BOOST_TEST(r.err.find("GET /v1/pve/open/image -> HTTP 200") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("through the proxy " + where) != std::string::npos, r.err);

    // The variable does the same; --no-proxy (or no_proxy) bypasses it, and -v says so.
    auto proxied = env();
    proxied.push_back("https_proxy=" + tunnel.url());
    r = run_process({FINOVY_CLI_EXE, "--verbose", "images"}, proxied);
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(tunnel.connects() == 2u);
    r = run_process({FINOVY_CLI_EXE, "--verbose", "--no-proxy", "127.0.0.1", "images"}, proxied);
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(tunnel.connects() == 2u);
    BOOST_TEST(r.err.find("through the proxy") == std::string::npos, r.err);
    BOOST_TEST(r.err.find("not for 127.0.0.1") != std::string::npos, r.err);

    // A proxy's password is never printed.
    r = finovy({"--verbose", "--proxy", "http://someone:pr0xy-pa55@127.0.0.1:" + std::to_string(tunnel.port()),
                "images"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.err.find("pr0xy-pa55") == std::string::npos, r.err);

    // A proxy that cannot reach the API (5xx to CONNECT): its answer, retried, not "Connection refused".
    connect_proxy failing(502);
    r = finovy({"--verbose", "--proxy", failing.url(), "images"});
    BOOST_TEST(r.exit_code == 1, r.err);
    BOOST_TEST(failing.connects() > 1u);   // retried like a refused connection
    BOOST_TEST(r.err.find("the proxy answered HTTP 502 to CONNECT") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("(finovy.client:" + std::to_string(static_cast<int>(finovy::client_errc::proxy_error)) +
                          ")") != std::string::npos,
               r.err);
    BOOST_TEST(r.err.find("refused") == std::string::npos, r.err);
    auto j = finovy_json({"--proxy", failing.url(), "images"}, 1);
    BOOST_TEST(j.at("error").at("message").as_string().find("proxy") != std::string::npos);
    // And one that refuses (403): not retried.
    connect_proxy refusing(403);
    r = finovy({"--proxy", refusing.url(), "images"});
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(refusing.connects() == 1u);
    BOOST_TEST(r.err.find("the proxy answered HTTP 403") != std::string::npos, r.err);
}

// --access-token, --proxy, ... are the same flags in the tool, provisiond and the examples.
BOOST_AUTO_TEST_CASE(one_set_of_settings_flags)
{
    const std::vector<std::string> flags = {"--profile", "--config-file", "--endpoint", "--sandbox",
                                            "--access-token", "--uuid", "--secret", "--ca-file",
                                            "--proxy", "--no-proxy", "--allow-insecure-http"};
    for (auto exe : {FINOVY_CLI_EXE, FINOVY_PROVISIOND_EXE, FINOVY_PROVISION_EXE, FINOVY_TEN_LINES_EXE})
    {
        auto h = run_process({exe, "--help"});
        BOOST_TEST(h.exit_code == 0, exe);
        for (const auto& f : flags)
            BOOST_TEST(h.out.find(f + " ") != std::string::npos, exe << ": " << f);
    }
    // --access-token; its former name --token still works, with a warning; both: a usage error.
    auto e = std::vector<std::string>{"FINOVY_ENDPOINT=" + sim.url(), "FINOVY_CA_FILE=" + sim.ca_file()};
    auto r = run_process({FINOVY_CLI_EXE, "--access-token", static_token, "images"}, e);
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.err.empty(), r.err);
    r = run_process({FINOVY_CLI_EXE, "--token", static_token, "images"}, e);
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.err.find("--token is deprecated: write --access-token") != std::string::npos, r.err);
    BOOST_TEST(r.err.find(static_token) == std::string::npos, r.err);
    r = run_process({FINOVY_CLI_EXE, "--token", static_token, "--access-token", static_token, "images"}, e);
    BOOST_TEST(r.exit_code == 2);
    // One duration syntax: "m" is minutes (and provisiond's earlier "min" is still read).
    BOOST_TEST(finovy({"--timeout", "1m", "images"}).exit_code == 0);
    BOOST_TEST(finovy({"--timeout", "1min", "images"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(bash_completion_of_options_and_profiles)
{
    auto dir = std::filesystem::temp_directory_path() / ("finovy-newcomer-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto script = (dir / "finovy").string();
    std::ofstream(script) << run_process({FINOVY_CLI_EXE, "completion", "bash"}).out;
    auto config = (dir / "config").string();
    std::ofstream(config) << "[default]\nendpoint = https://127.0.0.1:9\n[profile staging]\nsandbox = true\n"
                          << "[ profile  sim ]\n";
    auto complete = [&](const std::string& line, const std::string& env = "") {
        std::string probe = env + " source '" + script + "'; COMP_WORDS=(" + line +
                            "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ));" + " [[ \"" + line +
                            "\" == *' ' ]] && { COMP_WORDS+=(''); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); };" +
                            " _finovy; echo \"${COMPREPLY[*]}\"";
        auto out = run_process({"/bin/bash", "-c", probe}).out;
        return out.substr(0, out.find('\n'));
    };
    auto options = complete("finovy hosts create --");
    BOOST_TEST(count_of(options + " ", "--help ") == 1u, options);
    BOOST_TEST(options.find("--package") != std::string::npos, options);
    BOOST_TEST(complete("finovy --profile ", "FINOVY_CONFIG_FILE='" + config + "';") == "default staging sim");
    BOOST_TEST(complete("finovy --config-file " + config + " --profile s") == "staging sim");
    BOOST_TEST(complete("finovy --no-pr") == "--no-proxy");
    BOOST_TEST(complete("finovy he") == "help");
    BOOST_TEST(complete("finovy help ho") == "hosts");
    BOOST_TEST(complete("finovy help hosts cr") == "create");
    BOOST_TEST(complete("finovy hosts he") == "help");
    BOOST_TEST(complete("finovy token --s") == "--show --sandbox --secret");
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
