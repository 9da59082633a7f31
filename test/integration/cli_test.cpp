// SPDX-License-Identifier: BSL-1.0
// The finovy command-line tool and the provisioning example, run as programs against the
// simulator: every command, JSON outputs, exit codes, verbose logs, faults.
#define BOOST_TEST_MODULE finovy_cli
#include <boost/test/unit_test.hpp>

#include "cli_fixture.hpp"

#include <filesystem>
#include <fstream>
#include <regex>

using namespace finovy::test;
namespace json = boost::json;

BOOST_FIXTURE_TEST_SUITE(cli, cli_fixture)

BOOST_AUTO_TEST_CASE(help_lists_every_command)
{
    auto r = finovy({"--help"});
    BOOST_TEST(r.exit_code == 0);
    for (auto c : {"images", "packages", "hosts list", "hosts get", "hosts create", "hosts start", "hosts stop",
                   "hosts reboot", "hosts wait", "hosts delete", "disks create", "disks list", "disks get",
                   "disks mount", "disks unmount", "disks destroy", "token", "--endpoint", "--sandbox",
                   "--access-token", "--uuid", "--secret", "--ca-file", "--output", "--timeout", "--verbose",
                   "--profile", "--config-file", "FINOVY_SANDBOX", "--proxy", "--no-proxy", "help"})
        BOOST_TEST(r.out.find(c) != std::string::npos, c);
    for (std::vector<std::string> cmd : {std::vector<std::string>{"hosts", "create", "--help"},
                                         {"disks", "mount", "--help"}, {"images", "--help"}})
    {
        auto h = finovy(cmd);
        BOOST_TEST(h.exit_code == 0);
        BOOST_TEST(h.out.find("Usage: finovy") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(catalog_commands)
{
    BOOST_TEST(finovy_json({"images"}).as_array().size() == 5u);
    BOOST_TEST(finovy_json({"packages"}).as_array().size() == 4u);
    auto fixed = finovy_json({"packages", "--fixed-period"}).as_array();
    BOOST_TEST(fixed.size() == 3u);
    BOOST_TEST(fixed.at(0).at("id").is_string());
    // Prices in plain decimals (Boost.JSON alone would print 1.1E0), the SDK's JSON shape.
    auto raw = finovy({"--output", "json", "packages"});
    BOOST_TEST(raw.out.find(R"("price_per_hour":1.1,)") != std::string::npos, raw.out);
    BOOST_TEST(raw.out.find(R"("price_per_hour":12.5,"discount":0.8,"effective_price_per_hour":10.0,)") !=
                   std::string::npos,
               raw.out);
    BOOST_TEST(!std::regex_search(raw.out, std::regex("[0-9][eE][-+]?[0-9]")), raw.out);
    auto images = finovy_json({"images"});
    BOOST_TEST(images.at(0).at("system_name").is_string());
    BOOST_TEST(images.at(0).at("system_version").is_string());
    auto table = finovy({"images"});
    BOOST_TEST(table.exit_code == 0);
    BOOST_TEST(table.out.find("Ubuntu Server") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(host_lifecycle)
{
    auto created = finovy_json({"hosts", "create", "--package", "Ofc2C4G8xx", "--image", "4005", "--wait",
                                "--poll-interval", "50ms"});
    std::string id(created.at(0).at("id").as_string());
    BOOST_TEST(created.at(0).at("host").at("status").as_string() == "off");
    auto rented = finovy_json({"hosts", "create", "--package", "Rnt8C32Gyy", "--image", "507", "--fixed-period",
                               "--period-unit", "week", "--periods", "2"});
    BOOST_TEST(rented.at(0).at("outcome").as_string() == "created");
    auto rent = finovy_json({"hosts", "get", std::string(rented.at(0).at("id").as_string())}).at(0).at("host");
    BOOST_TEST(rent.at("billing").as_string() == "fixed_period");
    BOOST_TEST(rent.at("expires_ms").is_int64());

    auto page = finovy_json({"hosts", "list", "--page", "1", "--page-size", "1"});
    BOOST_TEST(page.at("total").as_int64() == 2);
    BOOST_TEST(page.at("hosts").as_array().size() == 1u);
    BOOST_TEST(finovy_json({"hosts", "list"}).at("hosts").as_array().size() == 2u);

    auto started = finovy_json({"hosts", "start", id, std::string(rent.at("id").as_string()), "--wait",
                                "--poll-interval", "50ms"});
    BOOST_TEST(started.as_array().size() == 2u);
    for (const auto& r : started.as_array())
    {
        BOOST_TEST(r.at("ok").as_bool());
        BOOST_TEST(r.at("host").at("status").as_string() == "running");
    }
    auto rebooted = finovy_json({"hosts", "reboot", id, "--wait", "--poll-interval", "50ms"});
    BOOST_TEST(rebooted.at(0).at("ok").as_bool());
    auto got = finovy_json({"hosts", "get", id}).at(0).at("host");
    BOOST_TEST(!got.as_object().contains("password"));   // only with --show-password
    BOOST_TEST(finovy_json({"hosts", "get", id, "--show-password"}).at(0).at("host").at("password").is_string());
    auto plain = finovy({"hosts", "get", id});
    BOOST_TEST(plain.out.find("password") == std::string::npos);

    BOOST_TEST(finovy_json({"hosts", "stop", id}).at(0).at("ok").as_bool());
    auto waited = finovy_json({"hosts", "wait", id, "--status", "off", "--poll-interval", "50ms"});
    BOOST_TEST(waited.at(0).at("host").at("status").as_string() == "off");

    // Disks on the pay-as-you-go host, which is off and was started once.
    auto disk = finovy_json({"disks", "create", "--area", "south_china", "--size", "40", "--mount", id});
    std::string d(disk.at("id").as_string());
    BOOST_TEST(finovy_json({"disks", "create", "--area", "1", "--size", "20", "--count", "2"}).at("count").as_int64() == 2);
    auto disks = finovy_json({"disks", "list"});
    BOOST_TEST(disks.at("total").to_number<int>() == 3);
    BOOST_TEST(finovy_json({"disks", "list", "--host", id}).at("total").to_number<int>() == 1);
    std::this_thread::sleep_for(60ms);
    BOOST_TEST(finovy_json({"disks", "get", d}).at(0).at("disk").at("status").as_string() == "in_use");
    BOOST_TEST(finovy_json({"disks", "unmount", d}).at(0).at("ok").as_bool());
    std::this_thread::sleep_for(60ms);
    BOOST_TEST(finovy_json({"disks", "mount", d, "--host", id}).at(0).at("result").as_string() == "mounting");
    std::this_thread::sleep_for(60ms);
    finovy_json({"disks", "unmount", d});
    std::this_thread::sleep_for(60ms);
    BOOST_TEST(finovy_json({"disks", "destroy", d}).at(0).at("ok").as_bool());

    auto deleted = finovy_json({"hosts", "delete", id, std::string(rent.at("id").as_string()), "--yes"});
    BOOST_TEST(deleted.as_array().size() == 2u);
    for (const auto& r : deleted.as_array())
        BOOST_TEST(r.at("ok").as_bool());
    BOOST_TEST(finovy_json({"hosts", "list"}).at("total").to_number<int>() == 0);
}

BOOST_AUTO_TEST_CASE(exit_codes_and_error_messages)
{
    auto missing = finovy({"hosts", "get", "NoSuchHost1"});
    BOOST_TEST(missing.exit_code == 1);
    BOOST_TEST(missing.err.find("1021") != std::string::npos, missing.err);
    BOOST_TEST(missing.err.find("host does not exist") != std::string::npos, missing.err);
    BOOST_TEST(missing.err.find("traceId") != std::string::npos, missing.err);
    auto j = finovy_json({"hosts", "get", "NoSuchHost1"}, 1);
    BOOST_TEST(j.at(0).at("error").at("api_code").as_int64() == 1021);

    for (std::vector<std::string> bad : {std::vector<std::string>{}, {"frobnicate"}, {"hosts", "get"},
                                         {"hosts", "list", "--page-size", "26"}, {"hosts", "get", "a/b"},
                                         {"images", "--nonsense"}, {"--output", "xml", "images"},
                                         {"hosts", "wait", "abc", "--status", "sideways"},
                                         {"hosts", "delete", "abc"}})
    {
        auto r = finovy(bad);
        BOOST_TEST(r.exit_code == 2, r.err);
    }
    auto none = run_process({FINOVY_CLI_EXE, "images"}, {"FINOVY_ENDPOINT=" + sim.url()});
    BOOST_TEST(none.exit_code == 2);

    auto id = finovy_json({"hosts", "create", "--package", "Ofc2C4G8xx", "--image", "4005"}).at(0).at("id");
    auto timeout = finovy({"--timeout", "500ms", "hosts", "wait", std::string(id.as_string()), "--status", "running",
                           "--poll-interval", "50ms"});
    BOOST_TEST(timeout.exit_code == 3, timeout.err);
    BOOST_TEST(timeout.err.find("last seen off") != std::string::npos, timeout.err);
}

BOOST_AUTO_TEST_CASE(verbose_never_shows_secrets)
{
    auto r = finovy({"--verbose", "images"});
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.err.find("GET /v1/pve/open/image -> HTTP 200") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("traceId") != std::string::npos);
    BOOST_TEST(r.err.find(static_token) == std::string::npos);
    auto s = finovy({"--verbose", "token"}, true);
    BOOST_TEST(s.exit_code == 0, s.err);
    BOOST_TEST(s.err.find("POST /v1/auth/getToken") != std::string::npos, s.err);
    BOOST_TEST(s.err.find(sim.first_tenant().secret) == std::string::npos);
    BOOST_TEST(s.out.find(sim.first_tenant().secret) == std::string::npos);
    BOOST_TEST(s.out.find("valid for 30 min") != std::string::npos, s.out);
    BOOST_TEST(finovy({"token"}).exit_code == 2);   // a static token has no expiry to ask about
}

BOOST_AUTO_TEST_CASE(faults_become_clear_errors)
{
    finovy::sim::fault_options f;
    f.http_error_rate = 1;
    f.paths = {"image"};
    sim.set_faults(f);
    auto r = finovy({"--verbose", "images"});
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST((r.err.find("HTTP 502") != std::string::npos || r.err.find("HTTP 503") != std::string::npos), r.err);
    BOOST_TEST(r.err.find("(retrying)") != std::string::npos, r.err);
    f.http_error_rate = 0;
    f.malformed_rate = 1;
    sim.set_faults(f);
    auto m = finovy({"images"});
    BOOST_TEST(m.exit_code == 1);
    BOOST_TEST(m.err.find("not JSON") != std::string::npos, m.err);
}

// A config file of profiles, and the order: flag > environment > profile.
BOOST_AUTO_TEST_CASE(profiles_and_precedence)
{
    std::string tmpl = (std::filesystem::temp_directory_path() / "finovy-cli-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(tmpl.data()));
    std::filesystem::path dir = tmpl;
    auto config = (dir / "config").string();
    const std::string closed = "https://127.0.0.1:9";   // nothing listens there
    std::ofstream(config) << "[default]\nendpoint = " << closed << "\n"
                          << "[profile sim]\n# the simulator\nendpoint = " << sim.url() << "\nca_file = " << sim.ca_file()
                          << "\naccess_token = " << static_token << "\n"
                          << "[profile wrong]\nendpoint = " << sim.url() << "\nca_file = " << sim.ca_file()
                          << "\naccess_token = wrong-token-0000\n"
                          << "[profile closed]\nendpoint = " << closed << "\nca_file = " << sim.ca_file()
                          << "\naccess_token = " << static_token << "\n";
    std::filesystem::permissions(config, std::filesystem::perms(0600));
    auto run = [&](std::vector<std::string> args, std::vector<std::string> env = {}) {
        args.insert(args.begin(), {FINOVY_CLI_EXE, "--config-file", config});
        return run_process(args, env, std::chrono::seconds(60));
    };

    // The profile alone, named by the flag or by FINOVY_PROFILE.
    auto r = run({"--profile", "sim", "images"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("Ubuntu Server") != std::string::npos, r.out);
    BOOST_TEST(r.err.find("warning") == std::string::npos, r.err);
    BOOST_TEST(run({"images"}, {"FINOVY_PROFILE=sim"}).exit_code == 0);
    BOOST_TEST(run({"--profile", "sim", "images"}, {"FINOVY_PROFILE=closed"}).exit_code == 0);   // flag > variable
    BOOST_TEST(run({"--output", "json", "images"}, {"FINOVY_CONFIG_FILE=" + config, "FINOVY_PROFILE=sim"}).exit_code ==
               0);

    // The environment over the profile: endpoint and token.
    BOOST_TEST(run({"--profile", "closed", "images"}).exit_code == 1);
    r = run({"--profile", "closed", "images"}, {"FINOVY_ENDPOINT=" + sim.url()});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(run({"--profile", "wrong", "images"}).exit_code == 1);
    r = run({"--profile", "wrong", "images"}, {std::string("FINOVY_ACCESS_TOKEN=") + static_token});
    BOOST_TEST(r.exit_code == 0, r.err);
    // The flags over the environment.
    r = run({"--profile", "wrong", "--token", static_token, "images"}, {"FINOVY_ACCESS_TOKEN=wrong-token-1111"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(run({"--profile", "sim", "--token", "wrong-token-2222", "images"},
                   {std::string("FINOVY_ACCESS_TOKEN=") + static_token})
                   .exit_code == 1);
    r = run({"--profile", "closed", "--endpoint", sim.url(), "images"}, {"FINOVY_ENDPOINT=" + closed});
    BOOST_TEST(r.exit_code == 0, r.err);
    // --sandbox and --endpoint together: a usage error.
    BOOST_TEST(run({"--sandbox", "--endpoint", sim.url(), "images"}).exit_code == 2);

    // Named things that do not exist are usage errors; so is an unparsable file.
    r = run({"--profile", "nope", "images"});
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.find("profile 'nope' not found") != std::string::npos, r.err);
    r = run_process({FINOVY_CLI_EXE, "--config-file", (dir / "missing").string(), "images"});
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.find("missing") != std::string::npos, r.err);
    auto broken = (dir / "broken").string();
    std::ofstream(broken) << "[profile sim]\n" << static_token << "\n";
    r = run_process({FINOVY_CLI_EXE, "--config-file", broken, "--profile", "sim", "images"});
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.find(broken + ":2:") != std::string::npos, r.err);
    BOOST_TEST(r.err.find(static_token) == std::string::npos, r.err);

    // A file readable by others that holds a token: a warning, without the token; the command runs.
    std::filesystem::permissions(config, std::filesystem::perms(0644));
    r = run({"--profile", "sim", "images"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.err.find("finovy: warning: config file " + config) != std::string::npos, r.err);
    BOOST_TEST(r.err.find("chmod 600") != std::string::npos, r.err);
    BOOST_TEST(r.err.find(static_token) == std::string::npos, r.err);
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(examples, sim_fixture)

BOOST_AUTO_TEST_CASE(provisioning_example_runs_end_to_end)
{
    auto r = run_process({FINOVY_PROVISION_EXE, "--endpoint", sim.url(), "--ca-file", sim.ca_file(), "--uuid",
                          sim.first_tenant().uuid, "--secret", sim.first_tenant().secret, "--fleet", "5",
                          "--poll-interval", "50ms"},
                         {}, std::chrono::seconds(120));
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("status calls:") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("5/5 running") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("done") != std::string::npos);
    BOOST_TEST(r.out.find(sim.first_tenant().secret) == std::string::npos);
}

// The README's example reads its settings as every example does: the same flags as the finovy
// tool's, or its variables.
BOOST_AUTO_TEST_CASE(readme_example_runs)
{
    auto r = run_process({FINOVY_TEN_LINES_EXE, "--endpoint", sim.url(), "--ca-file", sim.ca_file(), "--access-token",
                          static_token},
                         {}, std::chrono::seconds(60));
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("status=running") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("password=***") != std::string::npos, r.out);

    auto v = run_process({FINOVY_TEN_LINES_EXE},
                         {"FINOVY_ENDPOINT=" + sim.url(), "FINOVY_CA_FILE=" + sim.ca_file(),
                          "FINOVY_UUID=" + sim.first_tenant().uuid, "FINOVY_SECRET=" + sim.first_tenant().secret},
                         std::chrono::seconds(60));
    BOOST_TEST(v.exit_code == 0, v.err);
    BOOST_TEST(v.out.find("status=running") != std::string::npos, v.out);
    BOOST_TEST(v.out.find(sim.first_tenant().secret) == std::string::npos, v.out);

    auto help = run_process({FINOVY_TEN_LINES_EXE, "--help"});
    BOOST_TEST(help.exit_code == 0);
    for (auto flag : {"--endpoint", "--access-token", "--uuid", "--secret", "--ca-file", "--profile", "--proxy"})
        BOOST_TEST(help.out.find(flag) != std::string::npos, flag);
    // A failure is said, never swallowed: no credentials is a usage error, a missing host an error.
    auto none = run_process({FINOVY_TEN_LINES_EXE, "--endpoint", sim.url(), "--ca-file", sim.ca_file()});
    BOOST_TEST(none.exit_code == 2);
    BOOST_TEST(none.err.find("credentials needed") != std::string::npos, none.err);
    auto wrong = run_process({FINOVY_TEN_LINES_EXE, "--endpoint", sim.url(), "--ca-file", sim.ca_file(),
                              "--access-token", "wrong-token-3333"},
                             {}, std::chrono::seconds(60));
    BOOST_TEST(wrong.exit_code == 1);
    BOOST_TEST(wrong.err.find("error: ") == 0u, wrong.err);
    BOOST_TEST(wrong.err.find("wrong-token-3333") == std::string::npos, wrong.err);
}

BOOST_AUTO_TEST_SUITE_END()
