// SPDX-License-Identifier: BSL-1.0
// The examples' shared harness (as Boost.Redis's examples have one).
//
// A coroutine example defines co_main(); common/main.cpp reads the client's settings as the
// finovy tool does, builds the client, runs co_main on an io_context and turns an exception into
// a message and exit code 1. The settings come from the flags of settings.hpp (--endpoint,
// --access-token, --uuid, --secret, --ca-file, --profile, --proxy, ...; --help lists them), then
// the variables FINOVY_ENDPOINT, FINOVY_UUID and FINOVY_SECRET (or FINOVY_ACCESS_TOKEN),
// FINOVY_CA_FILE, FINOVY_PROFILE, https_proxy, ..., then a profile of ~/.config/finovy/config:
// finovy::load_configuration(). So every example runs against the real API as it runs against
// the simulator:
//
//     examples/common/run-with-sim build/default/src/sim/finovy-sim build/default/examples/cpp20_coroutine
//
// starts finovy-sim on a free port, sets those variables and runs the example (ctest does this).
// Against the real API, the examples that create hosts and disks spend money for the minutes
// they run (each deletes what it creates).
#ifndef FINOVY_EXAMPLE_HPP
#define FINOVY_EXAMPLE_HPP

#include <finovy.hpp>

#include <boost/asio/awaitable.hpp>

#include <iostream>

namespace asio = boost::asio;

// Defined by each coroutine example.
asio::awaitable<void> co_main(finovy::client& api);

namespace example {

// The client's settings: the command line, the environment, the profile (above). The loader's
// warnings (never a secret) go to stderr. --help prints the flags and exits with 0; a wrong flag,
// a configuration that cannot be used or missing credentials are printed and exit with 2 (an
// example has nothing better to do). Defined in common/load_options.cpp.
finovy::client_options load_options(int argc, char** argv);

}   // namespace example

#endif
