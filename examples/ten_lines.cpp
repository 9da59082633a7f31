// SPDX-License-Identifier: BSL-1.0
// The README's ten-line example, as a program. Its settings come as every example's do
// (common/main.cpp): flags, FINOVY_* variables, a profile of the config file. Against the
// simulator:
//
//     examples/common/run-with-sim build/default/src/sim/finovy-sim build/default/examples/ten_lines
#include "common/example.hpp"

#include <algorithm>

// --- the README's lines ---
asio::awaitable<void> co_main(finovy::client& api)
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
