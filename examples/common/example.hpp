// SPDX-License-Identifier: BSL-1.0
// The examples' shared harness (as Boost.Redis's examples have one).
//
// A coroutine example defines co_main(); common/main.cpp reads the client's settings as the
// finovy tool does, builds the client, runs co_main on an io_context and turns an exception into
// exit code 1. The settings come from finovy::load_configuration (configuration.hpp): the
// variables FINOVY_ENDPOINT, FINOVY_UUID and FINOVY_SECRET (or FINOVY_ACCESS_TOKEN),
// FINOVY_CA_FILE, FINOVY_PROFILE, ..., or a profile of ~/.config/finovy/config. So every example
// runs against the real API as it runs against the simulator:
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

// The client's settings; the loader's warnings (never a secret) go to stderr.
inline finovy::client_options load_options()
{
    auto cfg = finovy::load_configuration();
    for (const auto& w : cfg.warnings)
        std::cerr << "warning: " << w << '\n';
    return cfg.options;
}

}   // namespace example

#endif
