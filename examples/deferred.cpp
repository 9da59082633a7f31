// SPDX-License-Identifier: BSL-1.0
// asio::deferred: an operation that has not started yet. It is a value: store it, combine it with
// others into one operation, and start it later with any completion token (or co_await it).
#include "common/example.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

// "Power on, then read the host" as one asynchronous operation with the completion signature
// void(error_code, host). Nothing is sent until it is started.
auto power_on_then_get(finovy::client& api, std::string id)
{
    return api.async_power_on(id, asio::deferred([&api, id](finovy::error_code ec) {
        return asio::deferred.when(!ec)
            .then(api.async_get_host(id, asio::deferred))
            .otherwise(asio::deferred.values(ec, finovy::host{}));
    }));
}

asio::awaitable<void> co_main(finovy::client& api)
{
    // co_await on a deferred operation starts it. A void(error_code, T) operation awaited this
    // way throws boost::system::system_error (the error_code alone, no diagnostics).
    auto list_images = api.async_list_images(asio::deferred);   // nothing sent yet
    auto images = co_await std::move(list_images);
    auto packages = co_await api.async_list_packages(finovy::billing_kind::pay_as_you_go, asio::deferred);
    const auto& pkg = packages.front();
    auto img = std::ranges::find(images, pkg.type, &finovy::image::type);

    finovy::host h = co_await finovy::async_create_host_resolved(api, pkg.id, img->id);
    auto op = power_on_then_get(api, h.id);   // still nothing sent

    // Started here with as_tuple: the error comes back as a value.
    auto [ec, seen] = co_await std::move(op)(asio::as_tuple(asio::use_awaitable));
    if (ec)
        throw boost::system::system_error(ec, "power on, then get");
    std::cout << "just after power on: " << finovy::to_string(seen.status) << '\n';

    // Composition stops at the first failure: this host does not exist, get_host is never sent.
    auto [ec2, none] = co_await power_on_then_get(api, "NoSuchHost")(asio::as_tuple(asio::use_awaitable));
    std::cout << "a host that does not exist: " << ec2.message() << '\n';

    co_await finovy::async_wait_for_status(api, h.id, finovy::host_status::running);
    co_await api.async_delete_host(h.id);
    std::cout << "deleted " << h.id << '\n';
}
