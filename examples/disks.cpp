// SPDX-License-Identifier: BSL-1.0
// Cloud disks end to end: create, mount, wait, unmount, wait, destroy, wait until gone.
// Mounting and unmounting finish later on the server, so the SDK polls the disk's status.
#include "common/example.hpp"

#include <algorithm>

asio::awaitable<void> co_main(finovy::client& api)
{
    // A disk is mounted on a pay-as-you-go host that is off and has been started once, in the
    // same area: make one.
    auto images = co_await api.async_list_images();
    auto packages = co_await api.async_list_packages(finovy::billing_kind::pay_as_you_go);
    const auto& pkg = packages.front();
    auto img = std::ranges::find(images, pkg.type, &finovy::image::type);
    finovy::host h = co_await finovy::async_create_host_resolved(api, pkg.id, img->id);
    co_await finovy::async_power_on_and_wait(api, h.id);
    co_await finovy::async_power_off_and_wait(api, h.id);

    // A 20 GB disk (the smallest) in the host's area. It waits to be mounted (status 0).
    std::string id = co_await api.async_create_disk({.area = pkg.area, .size_gb = 20});
    std::cout << "created disk " << id << " in " << finovy::to_string(pkg.area) << '\n';

    // Mount: 0 -> 1 (mounting) -> 2 (in use).
    co_await api.async_mount_disk(id, h.id);
    finovy::disk d = co_await finovy::async_wait_for_disk_status(api, id, finovy::disk_status::in_use);
    std::cout << "mounted: " << d << '\n';

    // Unmount: 2 -> 0 (waiting again).
    co_await api.async_unmount_disk(id);
    d = co_await finovy::async_wait_for_disk_status(api, id, finovy::disk_status::waiting);
    std::cout << "unmounted: " << finovy::to_string(d.status) << '\n';

    // Destroy: 0 -> 4 (destroying) -> gone. The wait succeeds once the disk no longer exists.
    co_await api.async_destroy_disk(id);
    co_await finovy::async_wait_for_disk_gone(api, id);
    std::cout << "destroyed " << id << '\n';

    co_await api.async_delete_host(h.id);
}
