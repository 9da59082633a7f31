// SPDX-License-Identifier: BSL-1.0
// Fixed-period hosts (包时段): paid up front for a period (price x hours, from the wallet);
// createRent answers the new host's id at once, and the host expires at the period's end.
#include "common/example.hpp"

#include <algorithm>

asio::awaitable<void> co_main(finovy::client& api)
{
    // Packages offered for a period, and an image of the same type.
    auto packages = co_await api.async_list_packages(finovy::billing_kind::fixed_period);
    auto pkg = std::ranges::find_if(packages, [](const auto& p) { return p.allows(finovy::billing_kind::fixed_period); });
    if (pkg == packages.end())
        throw std::runtime_error("no package is offered for a fixed period");
    auto images = co_await api.async_list_images();
    auto img = std::ranges::find(images, pkg->type, &finovy::image::type);

    finovy::rental_period period{.unit = finovy::period_unit::day, .count = 1};
    std::cout << pkg->name << ": one day costs " << pkg->effective_price_per_hour() * 24 << '\n';

    // Never resent once it may have reached the server: nothing is paid twice. A failure that
    // leaves the outcome unknown is client_errc::outcome_unknown: look at the account first.
    std::string id = co_await api.async_create_fixed_period_host(pkg->id, img->id, period);
    finovy::host h = co_await api.async_get_host(id);
    std::cout << h << '\n';
    if (h.billing != finovy::billing_kind::fixed_period || !h.expires)
        throw std::runtime_error("expected a fixed-period host with an expiration time");
    auto left = std::chrono::round<std::chrono::hours>(*h.expires - std::chrono::system_clock::now());
    std::cout << "expires in about " << left.count() << " h\n";

    // It powers on like any host. (Against the real API, deleting it gives up the paid period.)
    h = co_await finovy::async_power_on_and_wait(api, id);
    std::cout << "status: " << finovy::to_string(h.status) << '\n';
    co_await api.async_delete_host(id);
}
