// SPDX-License-Identifier: BSL-1.0
// C++20 coroutines, the default way in: without a completion token every operation is
// awaitable, returns its result and throws finovy::error_with_diagnostics when it fails.
#include "common/example.hpp"

#include <algorithm>

asio::awaitable<void> co_main(finovy::client& api)
{
    // The catalog: an image must have the same type as the package.
    auto images = co_await api.async_list_images();
    auto packages = co_await api.async_list_packages(finovy::billing_kind::pay_as_you_go);
    const auto& pkg = packages.front();
    auto img = std::ranges::find(images, pkg.type, &finovy::image::type);
    std::cout << images.size() << " images, " << packages.size() << " packages; using " << pkg.name << '\n';

    // Create a host and learn its id (createquantity may answer only `true`), then start it:
    // the power change is asynchronous on the server (0 -> 1 -> 2), so the SDK polls.
    finovy::host h = co_await finovy::async_create_host_resolved(api, pkg.id, img->id);
    h = co_await finovy::async_power_on_and_wait(api, h.id);
    std::cout << h << '\n';   // never prints the password

    // A failure is an exception carrying the server's code, message and traceId.
    try
    {
        co_await api.async_reboot("NoSuchHost");
    }
    catch (const finovy::error_with_diagnostics& e)
    {
        std::cout << "as expected: " << e.what() << '\n';
        if (e.code() != finovy::api_errc::host_not_found)
            throw;
    }

    co_await api.async_delete_host(h.id);
    std::cout << "deleted " << h.id << '\n';
}
