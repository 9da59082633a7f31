// SPDX-License-Identifier: BSL-1.0
// A fleet: create n hosts, power each on and wait for all through one watch_hub, whose polling
// costs O(pages) calls a round however many hosts wait. Each host has its own outcome: one
// refusal does not fail the batch, and none is ever bought twice.
#include "common/example.hpp"

#include <algorithm>
#include <chrono>

using namespace std::chrono_literals;

asio::awaitable<void> co_main(finovy::client& api)
{
    auto images = co_await api.async_list_images();
    auto packages = co_await api.async_list_packages(finovy::billing_kind::pay_as_you_go);
    const auto& pkg = packages.front();
    auto img = std::ranges::find(images, pkg.type, &finovy::image::type);

    finovy::create_wait_options opts;
    opts.target = finovy::host_status::running;   // power each on and wait for 2
    opts.hub.interval = 5s;                       // a polling round every 5 s (the vendor suggests 15 s)
    opts.wait.timeout = 5min;                     // per host
    opts.create.concurrency = 4;                         // creates in flight at once
    auto fleet = co_await finovy::async_create_hosts_and_wait(api, pkg.id, img->id, 5, opts);

    for (const auto& h : fleet)
    {
        if (h.ok())
            std::cout << h.id << ": " << (h.details ? finovy::to_string(h.details->status) : "created") << '\n';
        else   // refused (h.error is the API's code), unknown (outcome_unknown), or its wait failed
            std::cout << (h.id.empty() ? "(no id)" : h.id) << ": " << h.error.message() << '\n';
    }
    std::cout << finovy::created_count(fleet) << " of " << fleet.size() << " running\n";

    // Clean up what exists: running hosts and those whose wait failed.
    for (const auto& h : fleet)
        if (!h.id.empty())
            co_await api.async_delete_host(h.id);
    if (finovy::created_count(fleet) != fleet.size())
        throw std::runtime_error("not every host of the fleet runs");
}
