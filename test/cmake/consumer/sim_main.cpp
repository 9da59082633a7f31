// SPDX-License-Identifier: BSL-1.0
// Starts the simulator in-process and calls it: the installed simulator library works, through
// find_package (CMakeLists.txt) and through `pkg-config --cflags --libs finovy-sim` alone
// (run_consumer.cmake).
#include <finovy.hpp>
#include <finovy/sim/server.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>

int main()
{
    finovy::sim::options so;
    so.static_tokens = {"consumer-token"};
    finovy::sim::server sim(so);
    sim.start();
    boost::asio::io_context ioc;
    finovy::client c(ioc, {.endpoint = sim.url(), .access_token = "consumer-token", .ca_file = sim.ca_file()});
    std::size_t n = 0;
    c.async_list_images([&](finovy::error_code ec, std::vector<finovy::image> v) { n = ec ? 0 : v.size(); });
    ioc.run();
    std::cout << "images: " << n << '\n';
    return n == 5 ? 0 : 1;
}
