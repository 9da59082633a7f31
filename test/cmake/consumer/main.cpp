// SPDX-License-Identifier: BSL-1.0
// Uses the whole public API surface: a client, a call, an error category.
#include <finovy.hpp>

#include <boost/asio/io_context.hpp>

#include <iostream>

int main()
{
    boost::asio::io_context ioc;
    finovy::client_options o;
    o.endpoint = "https://127.0.0.1:1";   // nothing listens: the call fails, quickly
    o.access_token = "consumer-token";
    o.retry.max_attempts = 1;
    finovy::client c(ioc, o);
    finovy::error_code result;
    c.async_list_images([&](finovy::error_code ec, std::vector<finovy::image>) { result = ec; });
    ioc.run();
    std::cout << "call: " << result.message() << '\n'
              << "9001: " << finovy::error_code(finovy::api_errc::insufficient_balance).message() << '\n';
    return result ? 0 : 1;
}
