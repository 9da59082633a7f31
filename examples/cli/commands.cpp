// The finovy tool's commands, each a coroutine over the SDK's public API.
#include "cli.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <iostream>
#include <sstream>

namespace cli {

namespace asio = boost::asio;
using finovy::error_code;

namespace {

constexpr auto tok = asio::as_tuple(asio::use_awaitable);

// The per-call settings of every request: the --timeout deadline and a diagnostics object.
finovy::call_context call(const globals& g, finovy::diagnostics& d)
{
    finovy::call_options o;
    if (g.timeout)
        o.deadline = *g.timeout;
    return {o, d};
}

outcome failed(const globals&, const error_code& ec, const finovy::diagnostics& d, bool waiting = false)
{
    outcome o;
    o.exit = waiting && ec == finovy::client_errc::timeout ? timed_out : failure;
    std::cerr << "finovy: error: " << d.describe(ec) << " (" << ec.category().name() << ':' << ec.value() << ")\n";
    o.doc = json::object{{"error", error_json(ec, d)}};
    return o;
}

std::string status_text(const finovy::host& h)
{
    std::ostringstream os;
    os << h.status;
    return os.str();
}

std::string or_dash(const std::optional<std::string>& s) { return s && !s->empty() ? *s : "-"; }

// One result per id of a multi-id command.
struct per_id
{
    std::string id;
    error_code ec;
    finovy::diagnostics diag;
    std::optional<finovy::host> host;
    std::string done;   // what happened, for the table
};

// Runs f(result) for every id at once and waits for all.
template <class F>
asio::awaitable<std::vector<per_id>> for_ids(const std::vector<std::string>& ids, F f)
{
    std::vector<per_id> results(ids.size());
    std::size_t left = ids.size();
    asio::steady_timer all_done(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    for (std::size_t i = 0; i < ids.size(); ++i)
    {
        results[i].id = ids[i];
        asio::co_spawn(
            co_await asio::this_coro::executor,
            [&, i]() -> asio::awaitable<void> {
                co_await f(results[i]);
                if (--left == 0)
                    all_done.cancel();
            },
            asio::detached);
    }
    if (left > 0)
        co_await all_done.async_wait(tok);
    co_return results;
}

outcome summarize(const globals&, const std::vector<per_id>& results, bool waiting, bool show_password = false)
{
    outcome o;
    json::array arr;
    std::vector<std::vector<std::string>> rows{{"ID", "RESULT"}};
    for (const auto& r : results)
    {
        json::object item{{"id", r.id}, {"ok", !r.ec}};
        if (r.host)
            item["host"] = finovy::to_json(*r.host, {.reveal_secrets = show_password});
        if (r.ec)
        {
            item["error"] = error_json(r.ec, r.diag);
            std::cerr << "finovy: error: " << r.id << ": " << r.diag.describe(r.ec) << " (" << r.ec.category().name()
                      << ':' << r.ec.value() << ")\n";
            int code = waiting && r.ec == finovy::client_errc::timeout ? timed_out : failure;
            o.exit = o.exit == timed_out ? timed_out : std::max(o.exit, code);
            rows.push_back({r.id, "error: " + r.ec.message()});
        }
        else
            rows.push_back({r.id, r.done});
        arr.push_back(std::move(item));
    }
    o.doc = std::move(arr);
    o.text = table(rows);
    return o;
}

finovy::wait_options waiting_options(const globals& g, const invocation& inv)
{
    finovy::wait_options w;
    auto interval = std::chrono::milliseconds(inv.vm.count("poll-interval") ? inv.vm["poll-interval"].as<long>() : 3000);
    w.first_delay = std::min(interval, std::chrono::milliseconds(1000));
    w.interval = w.max_interval = interval;
    w.jitter = 0;
    w.timeout = g.timeout.value_or(std::chrono::minutes(10));
    return w;
}

finovy::hub_options hub_settings(const invocation& inv)
{
    finovy::hub_options h;
    h.interval = std::chrono::milliseconds(inv.vm.count("poll-interval") ? inv.vm["poll-interval"].as<long>() : 3000);
    return h;
}

// --- catalog ---------------------------------------------------------------------------------

asio::awaitable<outcome> images(finovy::client& c, const globals& g)
{
    finovy::diagnostics d;
    auto [ec, list] = co_await c.async_list_images(call(g, d), tok);
    if (ec)
        co_return failed(g, ec, d);
    outcome o;
    std::vector<std::vector<std::string>> rows{{"ID", "TYPE", "SYSTEM", "VERSION"}};
    for (const auto& i : list)
        rows.push_back({i.id, i.type, i.system_name, i.system_version});
    o.doc = json::value_from(list);
    o.text = table(rows);
    co_return o;
}

asio::awaitable<outcome> packages(finovy::client& c, const globals& g, const invocation& inv)
{
    auto kind = inv.vm.count("fixed-period") ? finovy::billing_kind::fixed_period : finovy::billing_kind::pay_as_you_go;
    finovy::diagnostics d;
    auto [ec, list] = co_await c.async_list_packages(kind, call(g, d), tok);
    if (ec)
        co_return failed(g, ec, d);
    outcome o;
    std::vector<std::vector<std::string>> rows{
        {"ID", "NAME", "GPU", "CPU", "MEMORY_GB", "DISK_GB", "PRICE/H", "DISCOUNT", "TYPE", "AREA", "USE", "BILLING"}};
    for (const auto& p : list)
    {
        std::ostringstream price, discount;
        price << p.price_per_hour;
        discount << p.discount;
        rows.push_back({p.id, p.name, p.gpu_count ? std::to_string(p.gpu_count) + "x " + p.gpu_name.value_or("?") : "-",
                        std::to_string(p.cpu_count), std::to_string(p.memory_gb), std::to_string(p.disk_gb),
                        price.str(), discount.str(), p.type, std::string(finovy::to_string(p.area)),
                        std::string(finovy::to_string(p.use)), std::string(finovy::to_string(p.billing))});
    }
    o.doc = json::value_from(list);
    o.text = table(rows);
    co_return o;
}

// --- hosts -----------------------------------------------------------------------------------

std::vector<std::vector<std::string>> host_rows(const std::vector<finovy::host>& hosts)
{
    std::vector<std::vector<std::string>> rows{
        {"ID", "NAME", "STATUS", "BILLING", "CPU", "MEMORY_GB", "GPU", "OS", "ADDRESS", "CREATED"}};
    for (const auto& h : hosts)
        rows.push_back({h.id, h.name, status_text(h), std::string(finovy::to_string(h.billing)),
                        std::to_string(h.cpu_count), std::to_string(h.memory_gb), h.gpu_configuration,
                        h.operating_system,
                        h.address && !h.address->empty() ? *h.address + ":" + std::to_string(h.port.value_or(0)) : "-",
                        iso_time(h.created)});
    return rows;
}

asio::awaitable<outcome> hosts_list(finovy::client& c, const globals& g, const invocation& inv)
{
    finovy::diagnostics d;
    outcome o;
    if (inv.vm.count("all"))
    {
        auto [ec, all] = co_await finovy::async_list_all_hosts(c, {.concurrency = 4}, call(g, d), tok);
        if (ec)
            co_return failed(g, ec, d);
        o.text = table(host_rows(all)) + std::to_string(all.size()) + " hosts\n";
        o.doc = json::object{{"total", all.size()}, {"hosts", json::value_from(all)}};
        co_return o;
    }
    int page = inv.vm["page"].as<int>(), size = inv.vm["page-size"].as<int>();
    auto [ec, p] = co_await c.async_list_hosts(page, size, call(g, d), tok);
    if (ec)
        co_return failed(g, ec, d);
    auto pages = (p.total + size - 1) / size;
    o.text = table(host_rows(p.items)) + "page " + std::to_string(page) + " of " + std::to_string(pages) + ", " +
             std::to_string(p.total) + " hosts\n";
    o.doc = json::object{{"page", page}, {"page_size", size}, {"total", p.total}, {"hosts", json::value_from(p.items)}};
    co_return o;
}

std::string host_details(const finovy::host& h, bool show_password)
{
    std::vector<std::vector<std::string>> rows{{"FIELD", "VALUE"}};
    rows.push_back({"id", h.id});
    rows.push_back({"name", h.name});
    rows.push_back({"status", status_text(h)});
    rows.push_back({"billing", std::string(finovy::to_string(h.billing))});
    rows.push_back({"gpu", h.gpu_configuration});
    rows.push_back({"cpus", std::to_string(h.cpu_count)});
    rows.push_back({"memory_gb", std::to_string(h.memory_gb)});
    rows.push_back({"disk_gb", std::to_string(h.disk_gb)});
    rows.push_back({"os", h.operating_system});
    rows.push_back({"account", or_dash(h.account)});
    if (show_password)
        rows.push_back({"password", h.password ? std::string(h.password->reveal()) : "-"});
    rows.push_back({"address", or_dash(h.address)});
    rows.push_back({"port", h.port ? std::to_string(*h.port) : "-"});
    rows.push_back({"mac", or_dash(h.mac)});
    rows.push_back({"area", h.area ? std::string(finovy::to_string(*h.area)) : "-"});
    rows.push_back({"created", iso_time(h.created)});
    rows.push_back({"expires", h.expires ? iso_time(*h.expires) : "-"});
    return table(rows);
}

asio::awaitable<outcome> hosts_get(finovy::client& c, const globals& g, const invocation& inv)
{
    bool show = inv.vm.count("show-password") > 0;
    finovy::diagnostics d;
    auto [ec, h] = co_await c.async_get_host(inv.ids.at(0), call(g, d), tok);
    if (ec)
        co_return failed(g, ec, d);
    outcome o;
    o.doc = finovy::to_json(h, {.reveal_secrets = show});
    o.text = host_details(h, show);
    co_return o;
}

asio::awaitable<outcome> hosts_create(finovy::client& c, const globals& g, const invocation& inv)
{
    auto pkg = inv.vm["package"].as<std::string>();
    auto img = inv.vm["image"].as<std::string>();
    finovy::diagnostics d;
    std::string id;
    if (inv.vm.count("fixed-period"))
    {
        finovy::rental_period period{finovy::period_unit::day, inv.vm["periods"].as<int>()};
        auto unit = inv.vm["period-unit"].as<std::string>();
        bool known = false;
        for (int u = 0; u <= 5; ++u)
            if (finovy::to_string(static_cast<finovy::period_unit>(u)) == unit || unit == std::to_string(u))
            {
                period.unit = static_cast<finovy::period_unit>(u);
                known = true;
            }
        if (!known)
            throw usage_error("--period-unit must be hour, day, week, month, quarter or year");
        auto [ec, rid] = co_await c.async_create_fixed_period_host(pkg, img, period, call(g, d), tok);
        if (ec)
            co_return failed(g, ec, d);
        id = rid;
    }
    else
    {
        // The default token throws error_with_diagnostics: the way to get the server's details here.
        error_code ec;
        try
        {
            id = (co_await finovy::async_create_host_resolved(c, pkg, img)).id;
        }
        catch (const finovy::error_with_diagnostics& e)
        {
            ec = e.code();
            d = e.get_diagnostics();
        }
        if (ec)
            co_return failed(g, ec, d);
    }
    finovy::host h;
    if (inv.vm.count("wait"))
    {
        auto w = waiting_options(g, inv);
        progress prog({id}, !g.json || isatty(2));
        w.on_observe = [&](const finovy::host& seen) { prog.update(id, status_text(seen)); };
        auto [ec, ready] = co_await finovy::async_wait_for_status(c, id, finovy::host_status::off, w, call(g, d), tok);
        prog.finish(id, ec ? ec.message() : status_text(ready));
        if (ec)
            co_return failed(g, ec, d, true);
        h = ready;
    }
    else
    {
        auto [ec, got] = co_await c.async_get_host(id, call(g, d), tok);
        if (ec)
            co_return failed(g, ec, d);
        h = got;
    }
    outcome o;
    o.doc = json::value_from(h);
    o.text = "created " + h.id + " (" + status_text(h) + ")\n";
    co_return o;
}

asio::awaitable<outcome> hosts_power(finovy::client& c, const globals& g, const invocation& inv)
{
    const auto& sub = inv.sub;
    bool wait = inv.vm.count("wait") > 0;
    finovy::watch_hub hub(c, hub_settings(inv));
    progress prog(inv.ids, wait);
    auto results = co_await for_ids(inv.ids, [&](per_id& r) -> asio::awaitable<void> {
        if (!wait)
        {
            if (sub == "start")
                std::tie(r.ec) = co_await c.async_power_on(r.id, call(g, r.diag), tok);
            else if (sub == "stop")
                std::tie(r.ec) = co_await c.async_power_off(r.id, call(g, r.diag), tok);
            else
                std::tie(r.ec) = co_await c.async_reboot(r.id, call(g, r.diag), tok);
            r.done = sub == "start" ? "powering on" : sub == "stop" ? "powering off" : "rebooting";
            co_return;
        }
        auto w = waiting_options(g, inv);
        w.on_observe = [&](const finovy::host& seen) { prog.update(r.id, status_text(seen)); };
        std::tuple<error_code, finovy::host> res;
        if (sub == "start")
            res = co_await hub.async_power_on_and_wait(r.id, w, call(g, r.diag), tok);
        else if (sub == "stop")
            res = co_await hub.async_power_off_and_wait(r.id, w, call(g, r.diag), tok);
        else
            res = co_await hub.async_reboot_and_wait(r.id, w, call(g, r.diag), tok);
        r.ec = std::get<0>(res);
        if (!r.ec)
        {
            r.host = std::get<1>(res);
            r.done = status_text(*r.host);
        }
        prog.finish(r.id, r.ec ? r.ec.message() : r.done);
    });
    co_return summarize(g, results, wait);
}

asio::awaitable<outcome> hosts_wait(finovy::client& c, const globals& g, const invocation& inv)
{
    auto status = inv.vm["status"].as<std::string>();
    if (status != "running" && status != "off")
        throw usage_error("--status must be running or off");
    auto target = status == "running" ? finovy::host_status::running : finovy::host_status::off;
    finovy::watch_hub hub(c, hub_settings(inv));
    progress prog(inv.ids, true);
    auto results = co_await for_ids(inv.ids, [&](per_id& r) -> asio::awaitable<void> {
        auto w = waiting_options(g, inv);
        w.first_delay = std::chrono::milliseconds(0);
        w.on_observe = [&](const finovy::host& seen) { prog.update(r.id, status_text(seen)); };
        auto [ec, h] = co_await hub.async_wait_for_status(r.id, target, w, call(g, r.diag), tok);
        r.ec = ec;
        if (!ec)
        {
            r.host = h;
            r.done = status_text(h);
        }
        prog.finish(r.id, ec ? ec.message() : r.done);
    });
    co_return summarize(g, results, true);
}

asio::awaitable<outcome> hosts_delete(finovy::client& c, const globals& g, const invocation& inv)
{
    auto results = co_await for_ids(inv.ids, [&](per_id& r) -> asio::awaitable<void> {
        std::tie(r.ec) = co_await c.async_delete_host(r.id, call(g, r.diag), tok);
        r.done = "deleted";
    });
    co_return summarize(g, results, false);
}

// --- disks -----------------------------------------------------------------------------------

std::optional<finovy::area> parse_area(const std::string& s)
{
    for (int a = 0; a <= 2; ++a)
        if (finovy::to_string(static_cast<finovy::area>(a)) == s || s == std::to_string(a))
            return static_cast<finovy::area>(a);
    return std::nullopt;
}

std::vector<std::vector<std::string>> disk_rows(const std::vector<finovy::disk>& disks)
{
    std::vector<std::vector<std::string>> rows{{"ID", "STATUS", "SIZE_GB", "AREA", "HOST", "CREATED"}};
    for (const auto& d : disks)
    {
        std::ostringstream st;
        st << d.status;
        rows.push_back({d.id, st.str(), std::to_string(d.size_gb), std::string(finovy::to_string(d.area)),
                        or_dash(d.host_id), iso_time(d.created)});
    }
    return rows;
}

asio::awaitable<outcome> disks(finovy::client& c, const globals& g, const invocation& inv)
{
    finovy::diagnostics d;
    outcome o;
    const auto& sub = inv.sub;
    if (sub == "create")
    {
        finovy::disk_create_request req;
        auto area = parse_area(inv.vm["area"].as<std::string>());
        if (!area)
            throw usage_error("--area must be south_china, west_china or international (or 0, 1, 2)");
        req.area = *area;
        req.size_gb = inv.vm["size"].as<int>();
        req.count = inv.vm["count"].as<int>();
        if (inv.vm.count("mount"))
            req.mount_on = inv.vm["mount"].as<std::string>();
        auto [ec, id] = co_await c.async_create_disk(req, call(g, d), tok);
        if (ec)
            co_return failed(g, ec, d);
        o.doc = json::object{{"id", id}, {"count", req.count}};
        o.text = "created " + id + (req.count > 1 ? " (and " + std::to_string(req.count - 1) + " more)" : "") + "\n";
    }
    else if (sub == "list")
    {
        finovy::disk_list_request filter;
        if (inv.vm.count("host"))
            filter.host_id = inv.vm["host"].as<std::string>();
        if (inv.vm.count("area"))
        {
            filter.area = parse_area(inv.vm["area"].as<std::string>());
            if (!filter.area)
                throw usage_error("--area must be south_china, west_china or international (or 0, 1, 2)");
        }
        auto [ec, all] = co_await finovy::async_list_all_disks(c, filter, {.concurrency = 4}, call(g, d), tok);
        if (ec)
            co_return failed(g, ec, d);
        o.doc = json::object{{"total", all.size()}, {"disks", json::value_from(all)}};
        o.text = table(disk_rows(all)) + std::to_string(all.size()) + " disks\n";
    }
    else if (sub == "get")
    {
        auto [ec, x] = co_await c.async_get_disk(inv.ids.at(0), call(g, d), tok);
        if (ec)
            co_return failed(g, ec, d);
        o.doc = json::value_from(x);
        o.text = table(disk_rows({x}));
    }
    else
    {
        const auto& id = inv.ids.at(0);
        error_code ec;
        if (sub == "mount")
            std::tie(ec) = co_await c.async_mount_disk(id, inv.vm["host"].as<std::string>(), call(g, d), tok);
        else if (sub == "unmount")
            std::tie(ec) = co_await c.async_unmount_disk(id, call(g, d), tok);
        else
            std::tie(ec) = co_await c.async_destroy_disk(id, call(g, d), tok);
        if (ec)
            co_return failed(g, ec, d);
        std::string what = sub == "mount" ? "mounting" : sub == "unmount" ? "unmounting" : "destroying";
        o.doc = json::object{{"id", id}, {"ok", true}, {"state", what}};
        o.text = id + ": " + what + " (the server finishes it shortly; see disks get)\n";
    }
    co_return o;
}

asio::awaitable<outcome> token(finovy::client& c, const globals& g)
{
    finovy::diagnostics d;
    auto [ec, t] = co_await c.async_get_token(call(g, d), tok);
    if (ec)
        co_return failed(g, ec, d);
    auto expires = std::chrono::system_clock::now() + t.lifetime;
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.lifetime).count();
    outcome o;
    o.doc = json::object{{"lifetime_ms", t.lifetime.count()}, {"expires_at", iso_time(expires)}};
    o.text = "a new token is valid for " + std::to_string(secs / 60) + " min " + std::to_string(secs % 60) +
             " s, until " + iso_time(expires) + "\n";
    co_return o;
}

}   // namespace

asio::awaitable<outcome> run(const globals& g, const invocation& inv)
{
    finovy::client c(co_await asio::this_coro::executor, g.client);
    const auto& cmd = inv.command;
    if (cmd == "images")
        co_return co_await images(c, g);
    if (cmd == "packages")
        co_return co_await packages(c, g, inv);
    if (cmd == "token")
        co_return co_await token(c, g);
    if (cmd == "disks")
        co_return co_await disks(c, g, inv);
    const auto& sub = inv.sub;
    if (sub == "list")
        co_return co_await hosts_list(c, g, inv);
    if (sub == "get")
        co_return co_await hosts_get(c, g, inv);
    if (sub == "create")
        co_return co_await hosts_create(c, g, inv);
    if (sub == "wait")
        co_return co_await hosts_wait(c, g, inv);
    if (sub == "delete")
        co_return co_await hosts_delete(c, g, inv);
    co_return co_await hosts_power(c, g, inv);
}

}   // namespace cli
