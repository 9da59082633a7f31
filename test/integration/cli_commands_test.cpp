// SPDX-License-Identifier: BSL-1.0
// The finovy tool's batch creation, disk waits and command-line conventions (help, durations,
// --no-headers, several ids, listings, --version, bash completion), run as a program against the
// simulator. Part of finovy_cli_tests (cli_test.cpp has the module).
#include <boost/test/unit_test.hpp>

#include "cli_fixture.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

using namespace finovy::test;

namespace {

const std::vector<std::string> office = {"--package", "Ofc2C4G8xx", "--image", "4005"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::size_t count_of(const std::string& text, const std::string& what)
{
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1))
        ++n;
    return n;
}

struct id_answers_fixture : cli_fixture
{
    static finovy::sim::options answering_ids()
    {
        auto o = fast_sim_options();
        o.create_answers = finovy::sim::create_answer::host_id;
        return o;
    }
    id_answers_fixture() : cli_fixture(answering_ids()) {}
};

}   // namespace

BOOST_FIXTURE_TEST_SUITE(cli_commands, cli_fixture)

BOOST_AUTO_TEST_CASE(create_count_prints_every_new_host)
{
    auto t = finovy(with({"hosts", "create", "--count", "5"}, office));
    BOOST_TEST(t.exit_code == 0, t.err);
    BOOST_TEST(t.out.find("ID") == 0u, t.out);   // the header
    BOOST_TEST(count_of(t.out, " created ") == 5u, t.out);
    BOOST_TEST(t.out.find("created 5 of 5 hosts\n") != std::string::npos, t.out);

    auto j = finovy_json(with({"hosts", "create", "--count", "5"}, office));
    BOOST_TEST_REQUIRE(j.as_array().size() == 5u);
    std::set<std::string> ids;
    for (const auto& e : j.as_array())
    {
        BOOST_TEST(e.at("ok").as_bool());
        BOOST_TEST(e.at("outcome").as_string() == "created");
        ids.insert(std::string(e.at("id").as_string()));
    }
    BOOST_TEST(ids.size() == 5u);
    auto all = finovy_json({"hosts", "list"});
    BOOST_TEST(all.at("total").to_number<int>() == 10);
    for (const auto& h : all.at("hosts").as_array())
        ids.erase(std::string(h.at("id").as_string()));
    BOOST_TEST(ids.empty());   // the ids printed are the account's
    BOOST_TEST(route_count("POST /v1/pve/open/createquantity") == 10u);
}

BOOST_AUTO_TEST_CASE(create_start_wait_reports_progress_and_running_hosts)
{
    auto t = finovy(with({"hosts", "create", "--count", "3", "--start", "--wait", "--poll-interval", "50ms"}, office));
    BOOST_TEST(t.exit_code == 0, t.err);
    BOOST_TEST(t.out.find("created 3 of 3 hosts, 3 running") != std::string::npos, t.out);
    BOOST_TEST(count_of(t.out, " running ") == 3u, t.out);
    // Progress on stderr (not a terminal: plain lines): the count, then each host's status.
    BOOST_TEST(t.err.find("creating 3 hosts") != std::string::npos, t.err);
    BOOST_TEST(t.err.find("created 3 of 3 hosts") != std::string::npos, t.err);
    BOOST_TEST(t.err.find(": running (") != std::string::npos, t.err);

    auto j = finovy_json(with({"hosts", "create", "--count", "2", "--wait", "--poll-interval", "50ms"}, office));
    for (const auto& e : j.as_array())
        BOOST_TEST(e.at("host").at("status").as_string() == "off");   // ready, not started
    auto fixed = finovy_json({"hosts", "create", "--package", "Rnt8C32Gyy", "--image", "507", "--fixed-period",
                              "--count", "2", "--start", "--wait", "--poll-interval", "50ms"});
    BOOST_TEST_REQUIRE(fixed.as_array().size() == 2u);
    for (const auto& e : fixed.as_array())
    {
        BOOST_TEST(e.at("host").at("status").as_string() == "running");
        BOOST_TEST(e.at("host").at("billing").as_string() == "fixed_period");
    }
    // --start alone powers on without waiting.
    auto s = finovy_json(with({"hosts", "create", "--start"}, office));
    auto id = std::string(s.at(0).at("id").as_string());
    auto seen = finovy_json({"hosts", "get", id}).at(0).at("host").at("status").as_string();
    BOOST_TEST((seen == "booting" || seen == "running"), seen);
}

BOOST_AUTO_TEST_CASE(create_reports_each_failure_and_exits_1)
{
    sim.script({.path = "createquantity", .method = "POST", .count = 1, .code = 7005});
    auto r = finovy(with({"--output", "json", "hosts", "create", "--count", "3"}, office));
    BOOST_TEST(r.exit_code == 1, r.err);
    auto j = json::parse(r.out).as_array();
    BOOST_TEST_REQUIRE(j.size() == 3u);
    int refused = 0;
    for (const auto& e : j)
        if (e.at("outcome").as_string() == "refused")
        {
            ++refused;
            BOOST_TEST(!e.at("ok").as_bool());
            BOOST_TEST(e.at("error").at("code").as_int64() == 7005);
            BOOST_TEST(e.at("id").is_null());
        }
    BOOST_TEST(refused == 1);
    BOOST_TEST(count_of(r.err, "finovy: error: host ") == 1u, r.err);
    BOOST_TEST(r.err.find("refused") != std::string::npos, r.err);
    BOOST_TEST(finovy_json({"hosts", "list"}).at("total").to_number<int>() == 2);
    // A --count that is not a count, and options that go with others, are usage errors.
    BOOST_TEST(finovy(with({"hosts", "create", "--count", "0"}, office)).exit_code == 2);
    BOOST_TEST(finovy(with({"hosts", "create", "--periods", "2"}, office)).exit_code == 2);
}

// Ctrl-C while creating: the batch stops, what was bought is printed, and the exit code says so.
BOOST_AUTO_TEST_CASE(create_interrupted_prints_what_was_created)
{
    finovy::sim::fault_options f;
    f.latency = 300ms;
    f.paths = {"createquantity"};
    sim.set_faults(f);
    auto args = with({FINOVY_CLI_EXE, "--output", "json", "hosts", "create", "--count", "40"}, office);
    child c(args, env());
    std::this_thread::sleep_for(500ms);
    c.signal(SIGINT);
    auto r = c.wait(std::chrono::seconds(20));
    BOOST_TEST(r.exit_code == 130, r.err);
    BOOST_TEST(r.err.find("interrupted") != std::string::npos, r.err);
    auto j = json::parse(r.out).as_array();   // printed: the process was not killed by the signal
    BOOST_TEST(j.size() == 40u);
    int created = 0;
    for (const auto& e : j)
        created += e.at("ok").as_bool() ? 1 : 0;
    BOOST_TEST(created >= 1);
    BOOST_TEST(created < 40);
    BOOST_TEST(route_count("POST /v1/pve/open/createquantity") < 40u);   // no create after the interrupt
    // Issue 17: the creates in flight when it was interrupted finished, and are printed: every host
    // bought is in the output; nothing is left unknown, what was not sent is `cancelled`.
    BOOST_TEST(created == finovy_json({"hosts", "list"}).at("total").to_number<int>());
    for (const auto& e : j)
        BOOST_TEST(e.at("outcome").as_string() != "unknown");
    BOOST_TEST(r.err.find("waiting for those already sent") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(disks_wait_and_usage)
{
    auto host = sim.add_hosts(sim.first_tenant().uuid, 1, "Ofc2C4G8xx", "4005", 2).at(0);
    BOOST_TEST(finovy({"hosts", "stop", host, "--wait", "--poll-interval", "20ms"}).exit_code == 0);
    BOOST_TEST(finovy({"disks", "create", "--area", "south_china", "--size", "40", "--wait"}).exit_code == 2);

    auto made = finovy_json({"disks", "create", "--area", "south_china", "--size", "40", "--count", "2", "--mount", host,
                             "--wait", "--poll-interval", "20ms"});
    BOOST_TEST(made.at("count").as_int64() == 2);
    BOOST_TEST_REQUIRE(made.at("disks").as_array().size() == 2u);
    std::vector<std::string> ids;
    for (const auto& d : made.at("disks").as_array())
    {
        BOOST_TEST(d.at("status").as_string() == "in_use");
        ids.emplace_back(d.at("id").as_string());
    }
    auto usage = finovy_json({"disks", "usage", "--area", "south_china"});
    BOOST_TEST(usage.at(0).at("used_gb").as_int64() == 80);
    auto plain = finovy({"disks", "usage", "--no-headers"});
    BOOST_TEST(plain.out.find("south_china    80\n") != std::string::npos, plain.out);
    BOOST_TEST(plain.out.find("west_china     0\n") != std::string::npos, plain.out);

    auto off = finovy_json(with({"disks", "unmount", "--wait", "--poll-interval", "20ms"}, ids));
    for (const auto& e : off.as_array())
    {
        BOOST_TEST(e.at("result").as_string() == "waiting");
        BOOST_TEST(e.at("disk").at("status").as_string() == "waiting");
    }
    auto on = finovy_json({"disks", "mount", ids[0], "--host", host, "--wait", "--poll-interval", "20ms"});
    BOOST_TEST(on.at(0).at("disk").at("status").as_string() == "in_use");
    BOOST_TEST(finovy({"disks", "unmount", ids[0], "--wait", "--poll-interval", "20ms"}).exit_code == 0);
    auto gone = finovy_json(with({"disks", "destroy", "--wait", "--poll-interval", "20ms"}, ids));
    for (const auto& e : gone.as_array())
        BOOST_TEST(e.at("result").as_string() == "gone");
    BOOST_TEST(finovy({"disks", "get", ids[0]}).exit_code == 1);
    BOOST_TEST(finovy_json({"disks", "usage", "--area", "0"}).at(0).at("used_gb").as_int64() == 0);
}

BOOST_AUTO_TEST_CASE(version_without_credentials)
{
    auto r = run_process({FINOVY_CLI_EXE, "--version"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find(std::string("finovy ") + FINOVY_VERSION_STRING + "\n") == 0u, r.out);
    BOOST_TEST(r.out.find("Boost 1.") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("OpenSSL 3.") != std::string::npos, r.out);
    auto j = json::parse(run_process({FINOVY_CLI_EXE, "-o", "json", "--version"}).out);
    BOOST_TEST(j.at("finovy").as_string() == FINOVY_VERSION_STRING);
}

BOOST_AUTO_TEST_CASE(help_per_command_and_group)
{
    auto c = run_process({FINOVY_CLI_EXE, "hosts", "create", "--help"});
    BOOST_TEST(c.exit_code == 0);
    BOOST_TEST(c.out.find("Usage: finovy hosts create --package P --image I [options]") == 0u, c.out);
    BOOST_TEST(c.out.find("--package P") != std::string::npos);
    BOOST_TEST(count_of(c.out, "(required)") == 2u, c.out);
    BOOST_TEST(c.out.find("--count N (=1)") != std::string::npos, c.out);
    BOOST_TEST(c.out.find("see 'finovy --help'") != std::string::npos, c.out);
    for (auto global : {"--endpoint", "--ca-file", "--secret", "--verbose"})   // only the command's own
        BOOST_TEST(c.out.find(global) == std::string::npos, global);

    auto h = run_process({FINOVY_CLI_EXE, "hosts", "--help"});
    BOOST_TEST(h.exit_code == 0);
    for (auto sub : {"hosts list", "hosts get ID...", "hosts create", "hosts start", "hosts delete"})
        BOOST_TEST(h.out.find(sub) != std::string::npos, sub);
    BOOST_TEST(h.out.find("disks") == std::string::npos, h.out);
    auto d = run_process({FINOVY_CLI_EXE, "disks", "--help"});
    BOOST_TEST(d.out.find("disks usage") != std::string::npos, d.out);
    BOOST_TEST(d.out.find("hosts") == std::string::npos, d.out);

    auto bare = finovy({"hosts"});
    BOOST_TEST(bare.exit_code == 2);
    BOOST_TEST(bare.err.find("list, get, create") != std::string::npos, bare.err);
    auto unknown = finovy({"disks", "frob"});
    BOOST_TEST(unknown.exit_code == 2);
    BOOST_TEST(unknown.err.find("see finovy disks --help") != std::string::npos, unknown.err);
    auto top = run_process({FINOVY_CLI_EXE, "--help"});
    for (auto s : {"disks usage", "completion SHELL", "--version", "--no-headers", "Durations take a unit"})
        BOOST_TEST(top.out.find(s) != std::string::npos, s);
}

BOOST_AUTO_TEST_CASE(durations_need_units)
{
    for (std::vector<std::string> bad :
         {std::vector<std::string>{"--timeout", "30", "images"}, {"--timeout", "5x", "images"},
          {"--timeout", "0s", "images"}, {"--timeout", "", "images"}, {"hosts", "start", "h1", "--poll-interval", "500"}})
    {
        auto r = finovy(bad);
        BOOST_TEST(r.exit_code == 2, bad[1] << ": " << r.err);
    }
    auto r = finovy({"--timeout", "30", "images"});
    BOOST_TEST(r.err.find("option '--timeout': '30' has no unit; write 30s") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("(see finovy --help)") != std::string::npos, r.err);   // a global option
    r = finovy({"hosts", "start", "h1", "--poll-interval", "500"});
    BOOST_TEST(r.err.find("'--poll-interval'") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("500ms") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("(see finovy hosts start --help)") != std::string::npos, r.err);
    BOOST_TEST(finovy({"--timeout", "1m30s", "images"}).exit_code == 0);
    BOOST_TEST(finovy({"--timeout", "1.5s", "images"}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(listings_no_headers_and_several_ids)
{
    auto empty = finovy({"hosts", "list"});
    BOOST_TEST(empty.out == "no hosts\n");
    BOOST_TEST(finovy({"hosts", "list", "--page", "1"}).out == "no hosts\n");   // never "page 1 of 0"
    BOOST_TEST(finovy({"hosts", "list", "--no-headers"}).out == "");

    auto ids = sim.add_hosts(sim.first_tenant().uuid, 30, "Ofc2C4G8xx", "4005");
    auto all = finovy_json({"hosts", "list"});   // every host by default
    BOOST_TEST(all.at("total").to_number<int>() == 30);
    BOOST_TEST(all.at("hosts").as_array().size() == 30u);
    auto t = finovy({"hosts", "list"});
    BOOST_TEST(count_of(t.out, "\n") == 32u);   // header, 30 hosts, "30 hosts"
    BOOST_TEST(t.out.find("\n30 hosts\n") != std::string::npos, t.out);
    auto page = finovy_json({"hosts", "list", "--page", "2"});
    BOOST_TEST(page.at("page").as_int64() == 2);
    BOOST_TEST(page.at("hosts").as_array().size() == 5u);
    BOOST_TEST(finovy({"hosts", "list", "--page", "2", "--page-size", "10"}).out.find("page 2 of 3, 30 hosts") !=
               std::string::npos);
    BOOST_TEST(finovy({"hosts", "list", "--page-size", "10"}).exit_code == 2);   // --page-size goes with --page

    auto bare = finovy({"--no-headers", "hosts", "list"});
    BOOST_TEST(count_of(bare.out, "\n") == 30u);
    BOOST_TEST(bare.out.find("ID") != 0u);
    BOOST_TEST(bare.out.find("hosts") == std::string::npos);
    BOOST_TEST(count_of(finovy({"images", "--no-headers"}).out, "\n") == 5u);

    // Several ids at once, one result per id, in order; a missing one fails alone (exit 1).
    auto got = finovy_json({"hosts", "get", ids[0], "NoSuchHost1", ids[1]}, 1);
    BOOST_TEST_REQUIRE(got.as_array().size() == 3u);
    BOOST_TEST(got.at(0).at("host").at("id").as_string() == ids[0]);
    BOOST_TEST(got.at(1).at("error").at("api_code").as_int64() == 1021);
    BOOST_TEST(got.at(2).at("ok").as_bool());
    auto text = finovy({"hosts", "get", ids[0], ids[1]});
    BOOST_TEST(count_of(text.out, "FIELD") == 2u);
    auto started = finovy_json({"hosts", "start", ids[2], ids[3], ids[4]});
    for (const auto& e : started.as_array())
        BOOST_TEST(e.at("result").as_string() == "powering on");
    auto deleted = finovy_json({"hosts", "delete", "--yes", ids[5], ids[6]});
    BOOST_TEST(deleted.at(1).at("result").as_string() == "deleted");
    BOOST_TEST(finovy_json({"hosts", "list"}).at("total").to_number<int>() == 28);
}

BOOST_AUTO_TEST_CASE(bash_completion)
{
    auto r = run_process({FINOVY_CLI_EXE, "completion", "bash"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(finovy({"completion", "zsh"}).exit_code == 2);
    for (auto arm : {"images/)", "packages/)", "hosts/list)", "hosts/get)", "hosts/create)", "hosts/start)",
                     "hosts/stop)", "hosts/reboot)", "hosts/wait)", "hosts/delete)", "disks/create)", "disks/list)",
                     "disks/get)", "disks/mount)", "disks/unmount)", "disks/destroy)", "disks/usage)", "token/)",
                     "completion/)"})
        BOOST_TEST(r.out.find(arm) != std::string::npos, arm);

    auto dir = std::filesystem::temp_directory_path() / ("finovy-completion-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto script = (dir / "finovy").string();
    std::ofstream(script) << r.out;
    BOOST_TEST(run_process({"/bin/bash", "-n", script}).exit_code == 0);
    // What bash would offer after each command line (the last word being completed).
    auto complete = [&](const std::string& line) {
        std::string probe = "source '" + script + "'; COMP_WORDS=(" + line + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ));" +
                            " [[ \"" + line + "\" == *' ' ]] && { COMP_WORDS+=(''); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); };" +
                            " _finovy; echo \"${COMPREPLY[*]}\"";
        auto out = run_process({"/bin/bash", "-c", probe}).out;
        return out.substr(0, out.find('\n'));
    };
    BOOST_TEST(complete("finovy ho") == "hosts");
    BOOST_TEST(complete("finovy hosts cr") == "create");
    BOOST_TEST(complete("finovy disks u") == "unmount usage");
    BOOST_TEST(complete("finovy hosts create --pa") == "--package");
    BOOST_TEST(complete("finovy hosts create --pe") == "--period-unit --periods");
    BOOST_TEST(complete("finovy -o j") == "json");
    BOOST_TEST(complete("finovy --output json disks create --area w") == "west_china");
    BOOST_TEST(complete("finovy hosts wait h1 --status ") == "running off");
    BOOST_TEST(complete("finovy --vers") == "--version");
    BOOST_TEST(complete("finovy --timeout 5s hosts del") == "delete");
    BOOST_TEST(complete("finovy hosts create --package ") == "");   // a value: nothing to offer
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(cli_id_answers, id_answers_fixture)

// createquantity answering the new host's id: no listing, the same output.
BOOST_AUTO_TEST_CASE(create_count_with_ids_answered)
{
    auto j = finovy_json(with({"hosts", "create", "--count", "4"}, office));
    BOOST_TEST_REQUIRE(j.as_array().size() == 4u);
    for (const auto& e : j.as_array())
        BOOST_TEST(e.at("ok").as_bool());
    BOOST_TEST(route_count("GET /v1/pve/open/mypage") <= 1u);   // one, before the first answer says which
}

BOOST_AUTO_TEST_SUITE_END()
