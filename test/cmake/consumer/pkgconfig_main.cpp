// SPDX-License-Identifier: BSL-1.0
// Built by hand with `c++ pkgconfig_main.cpp $(pkg-config --cflags --libs finovy)`: the flags
// alone give the compiled library's mode, the headers and every library it needs.
#include <finovy.hpp>

#include <boost/asio/io_context.hpp>

#include <cstring>
#include <iostream>

#ifndef FINOVY_SEPARATE_COMPILATION
#error "pkg-config's Cflags should select the compiled library"
#endif

int main(int argc, char** argv)
{
    // The version macros agree with the string and with pkg-config's version (argv[1]).
    static_assert(FINOVY_VERSION_MAJOR >= 0 && FINOVY_VERSION_MINOR >= 0 && FINOVY_VERSION_PATCH >= 0);
    const std::string parts = std::to_string(FINOVY_VERSION_MAJOR) + '.' + std::to_string(FINOVY_VERSION_MINOR) + '.' +
                              std::to_string(FINOVY_VERSION_PATCH);
    if (parts != FINOVY_VERSION_STRING || (argc > 1 && std::strcmp(argv[1], FINOVY_VERSION_STRING) != 0))
    {
        std::cerr << "version mismatch: " << parts << ", " << FINOVY_VERSION_STRING << '\n';
        return 1;
    }
    // A call that needs the library, Boost.JSON, OpenSSL and threads: nothing listens, it fails.
    boost::asio::io_context ioc;
    finovy::client c(ioc, {.endpoint = "https://127.0.0.1:1", .access_token = "pkg-config-token",
                           .retry = {.max_attempts = 1}});
    finovy::error_code result;
    c.async_list_images([&](finovy::error_code ec, std::vector<finovy::image>) { result = ec; });
    ioc.run();
    std::cout << "finovy " << FINOVY_VERSION_STRING << " via pkg-config, call: " << result.message() << '\n';
    return result ? 0 : 1;
}
