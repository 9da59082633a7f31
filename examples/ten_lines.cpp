// SPDX-License-Identifier: BSL-1.0
// The README's ten-line example, as a program: ten_lines ENDPOINT CA_FILE TOKEN
#include <finovy.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <iostream>

namespace asio = boost::asio;

// --- the README's lines ---
asio::awaitable<void> run(finovy::client& api)
{
    auto images = co_await api.async_list_images();
    auto packages = co_await api.async_list_packages(finovy::billing_kind::pay_as_you_go);
    auto& pkg = packages.front();
    auto img = std::ranges::find(images, pkg.type, &finovy::image::type);   // the types must match
    finovy::host h = co_await finovy::async_create_host_resolved(api, pkg.id, img->id);
    h = co_await finovy::async_power_on_and_wait(api, h.id);   // polls until status 2
    std::cout << h << '\n';                                      // never prints the password
    co_await api.async_delete_host(h.id);
}
// ---

int main(int argc, char** argv)
{
    if (argc != 4)
    {
        std::cerr << "usage: ten_lines ENDPOINT CA_FILE TOKEN\n";
        return 2;
    }
    asio::io_context ioc;
    finovy::client api(ioc, {.endpoint = argv[1], .access_token = argv[3], .ca_file = argv[2]});
    int rc = 0;
    asio::co_spawn(ioc, run(api), [&](std::exception_ptr e) {
        if (!e)
            return;
        rc = 1;
        try
        {
            std::rethrow_exception(e);
        }
        catch (const std::exception& ex)
        {
            std::cerr << ex.what() << '\n';
        }
    });
    ioc.run();
    return rc;
}
