// SPDX-License-Identifier: BSL-1.0
// main() of the coroutine examples: a client from the settings, co_main on an io_context, and
// any failure printed (error_with_diagnostics says the code, the server's msg and traceId).
#include "example.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>

int main(int argc, char** argv)
{
    auto options = example::load_options(argc, argv);   // exits on --help and on usage errors
    try
    {
        asio::io_context ioc;
        finovy::client api(ioc, std::move(options));
        int rc = 0;
        asio::co_spawn(ioc, co_main(api), [&](std::exception_ptr e) {
            if (!e)
                return;
            rc = 1;
            try
            {
                std::rethrow_exception(e);
            }
            catch (const std::exception& ex)
            {
                std::cerr << "error: " << ex.what() << '\n';   // error_with_diagnostics: code, msg, traceId
            }
        });
        ioc.run();
        return rc;
    }
    catch (const std::exception& e)   // options the client refuses (std::invalid_argument)
    {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
}
