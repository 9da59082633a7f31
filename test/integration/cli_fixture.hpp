// SPDX-License-Identifier: BSL-1.0
// The finovy tool run as a program against the in-process simulator (cli_test.cpp and
// cli_commands_test.cpp).
#ifndef FINOVY_TEST_CLI_FIXTURE_HPP
#define FINOVY_TEST_CLI_FIXTURE_HPP

#include "../common/process.hpp"
#include "../common/sim_fixture.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace finovy::test {

namespace json = boost::json;

struct cli_fixture : sim_fixture
{
    cli_fixture() = default;
    explicit cli_fixture(finovy::sim::options o) : sim_fixture(std::move(o)) {}

    std::vector<std::string> env(bool with_secret = false) const
    {
        std::vector<std::string> e{"FINOVY_ENDPOINT=" + sim.url(), "FINOVY_CA_FILE=" + sim.ca_file()};
        if (with_secret)
        {
            e.push_back("FINOVY_UUID=" + sim.first_tenant().uuid);
            e.push_back("FINOVY_SECRET=" + sim.first_tenant().secret);
        }
        else
            e.push_back(std::string("FINOVY_ACCESS_TOKEN=") + static_token);
        return e;
    }

    process_result finovy(std::vector<std::string> args, bool with_secret = false)
    {
        args.insert(args.begin(), FINOVY_CLI_EXE);
        return run_process(args, env(with_secret), std::chrono::seconds(60));
    }

    // Runs with --output json; checks stdout is exactly one JSON document and returns it.
    json::value finovy_json(std::vector<std::string> args, int expect_exit = 0)
    {
        args.insert(args.begin(), {"--output", "json"});
        auto r = finovy(args);
        BOOST_TEST(r.exit_code == expect_exit, r.err);
        boost::system::error_code ec;
        auto v = json::parse(r.out, ec);
        BOOST_TEST_REQUIRE(!ec, "not one JSON document: " << r.out);
        return v;
    }
};


}   // namespace finovy::test

#endif
