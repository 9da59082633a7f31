// SPDX-License-Identifier: BSL-1.0
// std::future, for code that is not asynchronous: a thread runs the io_context, and the calling
// thread blocks in future::get(), which returns the result or throws boost::system::system_error.
// (Never call get() on the thread that runs the io_context: it would wait for itself.)
#include "common/example.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <future>
#include <thread>

int main(int argc, char** argv)
{
    asio::io_context ioc;
    finovy::client api(ioc, example::load_options(argc, argv));
    auto work = asio::make_work_guard(ioc);   // keeps run() going while nothing is in flight
    std::thread io_thread([&] { ioc.run(); });

    int rc = 0;
    try
    {
        // Two requests in flight at once; get() waits for each.
        std::future<std::vector<finovy::image>> images = api.async_list_images(asio::use_future);
        auto packages = api.async_list_packages(finovy::billing_kind::pay_as_you_go, asio::use_future);
        std::cout << images.get().size() << " images, " << packages.get().size() << " packages\n";

        // A failure: the exception carries the error_code (pass a diagnostics& for the details).
        finovy::diagnostics d;
        try
        {
            api.async_get_host("NoSuchHost", d, asio::use_future).get();
        }
        catch (const boost::system::system_error& e)
        {
            std::cout << "as expected: " << d.describe(e.code()) << '\n';
            if (e.code() != finovy::api_errc::host_not_found)
                throw;
        }
    }
    catch (const boost::system::system_error& e)
    {
        std::cerr << "error: " << e.code().message() << '\n';
        rc = 1;
    }

    api.close();    // idle connections close
    work.reset();   // run() returns once nothing is left
    io_thread.join();
    return rc;
}
