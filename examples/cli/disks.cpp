// SPDX-License-Identifier: BSL-1.0
// The finovy tool's disks commands. Mounting, unmounting and destroying finish later on the server:
// --wait polls each disk until it gets there (finovy/wait.hpp).
#include "commands.hpp"

#include <set>

namespace cli {

namespace {

std::optional<finovy::area> parse_area(const std::string& s)
{
    for (int a = 0; a <= 2; ++a)
        if (finovy::to_string(static_cast<finovy::area>(a)) == s || s == std::to_string(a))
            return static_cast<finovy::area>(a);
    return std::nullopt;
}

finovy::area area_option(const invocation& inv)
{
    auto a = parse_area(inv.vm["area"].as<std::string>());
    if (!a)
        throw usage_error("--area must be south_china, west_china or international (or 0, 1, 2)");
    return *a;
}

std::vector<std::vector<std::string>> disk_rows(const std::vector<finovy::disk>& disks)
{
    std::vector<std::vector<std::string>> rows{{"ID", "STATUS", "SIZE_GB", "AREA", "HOST", "CREATED"}};
    for (const auto& d : disks)
        rows.push_back({d.id, status_text(d), std::to_string(d.size_gb), std::string(finovy::to_string(d.area)),
                        or_dash(d.host_id), iso_time(d.created)});
    return rows;
}

finovy::disk_wait_options disk_waiting(const globals& g, const invocation& inv)
{
    finovy::disk_wait_options w;
    auto interval = poll_interval(inv);
    w.first_delay = std::min(interval, std::chrono::milliseconds(500));
    w.interval = w.max_interval = interval;
    w.backoff = 1;
    w.jitter = 0;
    w.timeout = wait_timeout(g);
    return w;
}

// Waits for each disk to reach `target`, concurrently.
asio::awaitable<std::vector<per_id>> wait_for(finovy::client& c, const globals& g, const invocation& inv,
                                              const std::vector<std::string>& ids, finovy::disk_status target)
{
    progress prog(ids, true);
    auto results = co_await for_ids(ids, [&](per_id& r) -> asio::awaitable<void> {
        auto w = disk_waiting(g, inv);
        w.on_observe = [&](const finovy::disk& seen) { prog.update(r.id, status_text(seen)); };
        auto [ec, d] = co_await finovy::async_wait_for_disk_status(c, r.id, target, w, call(g, r.diag), tok);
        r.ec = ec;
        if (!d.id.empty())
            r.object = json::value_from(d);
        r.done = status_text(d);
        prog.finish(r.id, ec ? ec.message() : r.done);
    });
    co_return results;
}

asio::awaitable<outcome> disks_create(finovy::client& c, const globals& g, const invocation& inv)
{
    finovy::disk_create_request req;
    req.area = area_option(inv);
    req.size_gb = inv.vm["size"].as<int>();
    req.count = inv.vm["count"].as<int>();
    if (inv.vm.count("mount"))
        req.mount_on = inv.vm["mount"].as<std::string>();
    bool wait = inv.vm.count("wait") > 0;
    finovy::diagnostics d;
    // The API answers the first disk's id only: to wait for the others, they are told apart from
    // the host's disks before the create.
    finovy::disk_list_request on_host;
    std::set<std::string> before;
    if (wait && req.count > 1)
    {
        on_host.host_id = *req.mount_on;
        auto [lec, disks] = co_await finovy::async_list_all_disks(c, on_host, {}, call(g, d), tok);
        if (lec)
            co_return failed(lec, d);
        for (const auto& x : disks)
            before.insert(x.id);
    }
    auto [ec, id] = co_await c.async_create_disk(req, call(g, d), tok);
    if (ec)
        co_return failed(ec, d);
    outcome o;
    json::object doc{{"id", id}, {"count", req.count}};
    if (!wait)
    {
        o.doc = std::move(doc);
        o.text = g.headers ? "created " + id + (req.count > 1 ? " (and " + std::to_string(req.count - 1) + " more)" : "") + "\n"
                           : id + "\n";
        co_return o;
    }
    std::vector<std::string> ids{id};
    if (req.count > 1)
    {
        auto [lec, disks] = co_await finovy::async_list_all_disks(c, on_host, {}, call(g, d), tok);
        if (lec)
            co_return failed(lec, d);
        for (const auto& x : disks)
            if (x.id != id && !before.count(x.id))
                ids.push_back(x.id);
    }
    auto results = co_await wait_for(c, g, inv, ids, finovy::disk_status::in_use);
    json::array disks;
    std::vector<finovy::disk> ready;
    for (const auto& r : results)
    {
        if (!r.object.is_null())
            disks.push_back(r.object);
        if (r.ec)
        {
            report(r.id, r.ec, r.diag);
            o.exit = worse(o.exit, exit_for(r.ec, true));
        }
        else
            ready.push_back(json::value_to<finovy::disk>(r.object));
    }
    doc["disks"] = std::move(disks);
    o.doc = std::move(doc);
    o.text = table(disk_rows(ready), g.headers);
    if (g.headers)
        o.text += std::to_string(ready.size()) + " of " + std::to_string(req.count) + " in use\n";
    co_return o;
}

asio::awaitable<outcome> disks_list(finovy::client& c, const globals& g, const invocation& inv)
{
    finovy::disk_list_request filter;
    if (inv.vm.count("host"))
        filter.host_id = inv.vm["host"].as<std::string>();
    if (inv.vm.count("area"))
        filter.area = area_option(inv);
    finovy::diagnostics d;
    auto [ec, all] = co_await finovy::async_list_all_disks(c, filter, {.concurrency = 4}, call(g, d), tok);
    if (ec)
        co_return failed(ec, d);
    outcome o;
    o.doc = json::object{{"total", all.size()}, {"disks", json::value_from(all)}};
    if (!all.empty())
        o.text = table(disk_rows(all), g.headers);
    if (g.headers)
        o.text += all.empty() ? "no disks\n" : std::to_string(all.size()) + (all.size() == 1 ? " disk\n" : " disks\n");
    co_return o;
}

asio::awaitable<outcome> disks_get(finovy::client& c, const globals& g, const invocation& inv)
{
    std::vector<finovy::disk> found;
    auto results = co_await for_ids(inv.ids, [&](per_id& r) -> asio::awaitable<void> {
        auto [ec, x] = co_await c.async_get_disk(r.id, call(g, r.diag), tok);
        r.ec = ec;
        if (ec)
            co_return;
        r.object = json::value_from(x);
        r.done = status_text(x);
    });
    for (const auto& r : results)
        if (!r.ec)
            found.push_back(json::value_to<finovy::disk>(r.object));
    co_return summarize_details(g, results, "disk", found.empty() ? "" : table(disk_rows(found), g.headers));
}

// mount, unmount, destroy: each id at once, then (--wait) until in use, waiting, or gone.
asio::awaitable<outcome> disks_change(finovy::client& c, const globals& g, const invocation& inv)
{
    const auto& sub = inv.sub;
    bool wait = inv.vm.count("wait") > 0;
    progress prog(inv.ids, wait);
    auto results = co_await for_ids(inv.ids, [&](per_id& r) -> asio::awaitable<void> {
        if (sub == "mount")
            std::tie(r.ec) = co_await c.async_mount_disk(r.id, inv.vm["host"].as<std::string>(), call(g, r.diag), tok);
        else if (sub == "unmount")
            std::tie(r.ec) = co_await c.async_unmount_disk(r.id, call(g, r.diag), tok);
        else
            std::tie(r.ec) = co_await c.async_destroy_disk(r.id, call(g, r.diag), tok);
        r.done = sub == "mount" ? "mounting" : sub == "unmount" ? "unmounting" : "destroying";
        if (r.ec || !wait)
        {
            prog.finish(r.id, r.ec ? r.ec.message() : r.done);
            co_return;
        }
        prog.update(r.id, r.done);
        auto w = disk_waiting(g, inv);
        w.on_observe = [&](const finovy::disk& seen) { prog.update(r.id, status_text(seen)); };
        if (sub == "destroy")
        {
            std::tie(r.ec) = co_await finovy::async_wait_for_disk_gone(c, r.id, w, call(g, r.diag), tok);
            r.done = "gone";
        }
        else
        {
            auto target = sub == "mount" ? finovy::disk_status::in_use : finovy::disk_status::waiting;
            auto [ec, d] = co_await finovy::async_wait_for_disk_status(c, r.id, target, w, call(g, r.diag), tok);
            r.ec = ec;
            if (!d.id.empty())
                r.object = json::value_from(d);
            r.done = status_text(d);
        }
        prog.finish(r.id, r.ec ? r.ec.message() : r.done);
    });
    co_return summarize(g, results, "disk", wait);
}

asio::awaitable<outcome> disks_usage(finovy::client& c, const globals& g, const invocation& inv)
{
    std::vector<std::string> areas;
    if (inv.vm.count("area"))
        areas.emplace_back(finovy::to_string(area_option(inv)));
    else
        for (int a = 0; a <= 2; ++a)
            areas.emplace_back(finovy::to_string(static_cast<finovy::area>(a)));
    auto results = co_await for_ids(areas, [&](per_id& r) -> asio::awaitable<void> {
        auto [ec, gb] = co_await c.async_get_disk_usage(*parse_area(r.id), call(g, r.diag), tok);
        r.ec = ec;
        r.object = gb;
    });
    outcome o;
    json::array arr;
    std::vector<std::vector<std::string>> rows{{"AREA", "USED_GB"}};
    for (const auto& r : results)
    {
        if (r.ec)   // the failure shape of the commands that take several ids: an error row
        {
            report(r.id, r.ec, r.diag);
            o.exit = failure;
            arr.push_back(json::object{{"area", r.id}, {"error", error_json(r.ec, r.diag)}});
            rows.push_back({r.id, "error: " + r.ec.message()});
            continue;
        }
        arr.push_back(json::object{{"area", r.id}, {"used_gb", r.object}});
        rows.push_back({r.id, std::to_string(r.object.as_int64())});
    }
    o.doc = std::move(arr);
    o.text = table(rows, g.headers);
    co_return o;
}

}   // namespace

asio::awaitable<outcome> disks_command(finovy::client& c, const globals& g, const invocation& inv)
{
    const auto& sub = inv.sub;
    if (sub == "create")
        co_return co_await disks_create(c, g, inv);
    if (sub == "list")
        co_return co_await disks_list(c, g, inv);
    if (sub == "get")
        co_return co_await disks_get(c, g, inv);
    if (sub == "usage")
        co_return co_await disks_usage(c, g, inv);
    co_return co_await disks_change(c, g, inv);
}

}   // namespace cli
