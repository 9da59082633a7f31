// SPDX-License-Identifier: BSL-1.0
// The finovy tool's hosts commands.
#include "commands.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/signal_set.hpp>

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <list>
#include <map>
#include <set>

namespace cli {

namespace {

constexpr int interrupted_exit = 130;   // 128 + SIGINT, as shells report it

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

std::string address(const finovy::host& h)
{
    return h.address && !h.address->empty() ? *h.address + ":" + std::to_string(h.port.value_or(0)) : "-";
}

finovy::wait_options waiting_options(const globals& g, const invocation& inv)
{
    finovy::wait_options w;
    auto interval = poll_interval(inv);
    w.first_delay = std::min(interval, std::chrono::milliseconds(1000));
    w.interval = w.max_interval = interval;
    w.jitter = 0;
    w.timeout = wait_timeout(g);
    return w;
}

finovy::hub_options hub_settings(const invocation& inv)
{
    finovy::hub_options h;
    h.interval = poll_interval(inv);
    return h;
}

// --- list, get ---------------------------------------------------------------------------------

asio::awaitable<outcome> hosts_list(finovy::client& c, const globals& g, const invocation& inv)
{
    finovy::diagnostics d;
    outcome o;
    if (!inv.vm.count("page"))
    {
        auto [ec, all] = co_await finovy::async_list_all_hosts(c, {.concurrency = 4}, call(g, d), tok);
        if (ec)
            co_return failed(ec, d);
        if (!all.empty())
            o.text = table(host_rows(all), g.headers);
        if (g.headers)
            o.text += all.empty() ? "no hosts\n" : std::to_string(all.size()) + (all.size() == 1 ? " host\n" : " hosts\n");
        o.doc = json::object{{"total", all.size()}, {"hosts", json::value_from(all)}};
        co_return o;
    }
    int page = inv.vm["page"].as<int>();
    int size = inv.vm.count("page-size") ? inv.vm["page-size"].as<int>() : 25;
    auto [ec, p] = co_await c.async_list_hosts(page, size, call(g, d), tok);
    if (ec)
        co_return failed(ec, d);
    if (!p.items.empty())
        o.text = table(host_rows(p.items), g.headers);
    if (g.headers)
        o.text += p.total == 0 ? "no hosts\n"
                               : "page " + std::to_string(page) + " of " + std::to_string((p.total + size - 1) / size) +
                                     ", " + std::to_string(p.total) + " hosts\n";
    o.doc = json::object{{"total", p.total}, {"page", page}, {"page_size", size}, {"hosts", json::value_from(p.items)}};
    co_return o;
}

std::string host_details(const finovy::host& h, bool show_password, bool headers)
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
    return table(rows, headers);
}

asio::awaitable<outcome> hosts_get(finovy::client& c, const globals& g, const invocation& inv)
{
    bool show = inv.vm.count("show-password") > 0;
    std::map<std::string, std::string> details;
    auto results = co_await for_ids(inv.ids, [&](per_id& r) -> asio::awaitable<void> {
        auto [ec, h] = co_await c.async_get_host(r.id, call(g, r.diag), tok);
        r.ec = ec;
        if (ec)
            co_return;
        r.object = finovy::to_json(h, {.reveal_secrets = show});
        r.done = status_text(h);
        details[r.id] = host_details(h, show, g.headers);
    });
    std::string shown;
    for (const auto& r : results)
        if (!r.ec)
            shown += (shown.empty() ? "" : "\n") + details[r.id];
    co_return summarize_details(g, results, "host", std::move(shown));
}

// --- create --------------------------------------------------------------------------------------

// Ctrl-C (SIGINT, SIGTERM) while creating cancels the operations holding its slots: the batch
// sends no further create and lets those already sent finish, so that every host bought is
// printed rather than lost with the process. A second one exits at once (those still in flight
// are then the account's to show).
class interrupter
{
public:
    explicit interrupter(const asio::any_io_executor& ex) : signals_(ex, SIGINT, SIGTERM)
    {
        signals_.async_wait([this](error_code e, int) {
            if (e)
                return;   // cancelled: `this` may be gone
            fired_ = true;
            std::cerr << "finovy: interrupted: no further create is sent; waiting for those already sent "
                         "(Ctrl-C again to quit at once)\n";
            signals_.async_wait([](error_code again, int) {
                if (!again)
                    std::_Exit(interrupted_exit);
            });
            for (auto& s : cancels_)
                s.emit(asio::cancellation_type::terminal);
        });
    }
    ~interrupter() { signals_.cancel(); }
    asio::cancellation_slot slot() { return cancels_.emplace_back().slot(); }
    bool fired() const noexcept { return fired_; }

private:
    asio::signal_set signals_;
    std::list<asio::cancellation_signal> cancels_;   // stable addresses
    bool fired_ = false;
};

// The clock of the terminal's progress block, until cancelled.
asio::awaitable<void> ticking(progress& prog)
{
    asio::steady_timer t(co_await asio::this_coro::executor);
    for (;;)
    {
        t.expires_after(std::chrono::milliseconds(250));
        auto [e] = co_await t.async_wait(tok);
        if (e)
            co_return;
        prog.tick();
    }
}

finovy::rental_period period_of(const invocation& inv)
{
    finovy::rental_period period{finovy::period_unit::day, inv.vm["periods"].as<int>()};
    auto unit = inv.vm["period-unit"].as<std::string>();
    for (int u = 0; u <= 5; ++u)
        if (finovy::to_string(static_cast<finovy::period_unit>(u)) == unit || unit == std::to_string(u))
        {
            period.unit = static_cast<finovy::period_unit>(u);
            return period;
        }
    throw usage_error("--period-unit must be hour, day, week, month, quarter or year");
}

const char* outcome_name(finovy::created_host::outcome r)
{
    using o = finovy::created_host::outcome;
    return r == o::created ? "created" : r == o::refused ? "refused" : r == o::unknown ? "unknown" : "cancelled";
}

// After a batch that does not wait by itself: power the new hosts on, and/or wait for them, at once.
asio::awaitable<void> follow_up(finovy::client& c, const globals& g, std::vector<finovy::created_host>& hosts,
                                bool start, bool wait, const finovy::wait_options& w, const invocation& inv,
                                interrupter& intr)
{
    std::vector<std::string> ids;
    for (const auto& h : hosts)
        if (h.ok())
            ids.push_back(h.id);
    finovy::watch_hub hub(c, hub_settings(inv));
    std::map<std::string, finovy::host> seen;
    auto results = co_await for_ids(ids, [&](per_id& r) -> asio::awaitable<void> {
        auto bound = asio::bind_cancellation_slot(intr.slot(), tok);
        finovy::host h;
        if (wait && start)
            std::tie(r.ec, h) = co_await hub.async_power_on_and_wait(r.id, w, call(g, r.diag), bound);
        else if (wait)
            std::tie(r.ec, h) = co_await hub.async_wait_for_status(r.id, finovy::host_status::off, w, call(g, r.diag), bound);
        else
            std::tie(r.ec) = co_await c.async_power_on(r.id, call(g, r.diag), bound);
        if (!h.id.empty())
            seen[r.id] = h;
    });
    for (auto& h : hosts)
        for (const auto& r : results)
            if (r.id == h.id && !h.id.empty())
            {
                h.error = r.ec;
                if (seen.count(h.id))
                    h.details = seen[h.id];
            }
}

asio::awaitable<outcome> hosts_create(finovy::client& c, const globals& g, const invocation& inv)
{
    const auto& vm = inv.vm;
    auto pkg = vm["package"].as<std::string>();
    auto img = vm["image"].as<std::string>();
    auto count = static_cast<std::size_t>(vm["count"].as<int>());
    bool start = vm.count("start") > 0, wait = vm.count("wait") > 0, fixed = vm.count("fixed-period") > 0;
    auto period = fixed ? std::optional(period_of(inv)) : std::nullopt;
    std::string of_n = " of " + std::to_string(count) + (count == 1 ? " host" : " hosts");

    interrupter intr(co_await asio::this_coro::executor);
    progress prog({}, isatty(2) || (wait && !g.json));
    prog.set_title("creating " + std::to_string(count) + (count == 1 ? " host" : " hosts"));
    std::set<std::string> observed;
    auto w = waiting_options(g, inv);
    w.on_observe = [&](const finovy::host& h) {
        if (observed.insert(h.id).second)
            prog.set_title("created " + std::to_string(observed.size()) + of_n);
        prog.update(h.id, status_text(h));
    };

    finovy::diagnostics d;
    error_code ec;
    std::vector<finovy::created_host> hosts;
    auto work = [&]() -> asio::awaitable<void> {
        auto bound = asio::bind_cancellation_slot(intr.slot(), tok);
        if (fixed)
            std::tie(ec, hosts) =
                co_await finovy::async_create_fixed_period_hosts(c, pkg, img, *period, count, {}, call(g, d), bound);
        else if (wait)
        {
            finovy::create_wait_options o;
            o.target = start ? finovy::host_status::running : finovy::host_status::off;
            o.wait = w;
            o.hub = hub_settings(inv);
            std::tie(ec, hosts) = co_await finovy::async_create_hosts_and_wait(c, pkg, img, count, o, call(g, d), bound);
        }
        else
            std::tie(ec, hosts) = co_await finovy::async_create_hosts(c, pkg, img, count, {}, call(g, d), bound);
        if (!ec && !intr.fired() && (fixed ? start || wait : start && !wait))
        {
            prog.set_title("created " + std::to_string(finovy::created_count(hosts)) + of_n);
            co_await follow_up(c, g, hosts, start, wait, w, inv, intr);
        }
    };
    if (prog.on_terminal())
    {
        using namespace asio::experimental::awaitable_operators;
        co_await (work() || ticking(prog));
    }
    else
        co_await work();

    // Each host: a row, an entry of the JSON array, and a line on stderr when it failed.
    outcome o;
    json::array arr;
    std::vector<std::vector<std::string>> rows{{"ID", "OUTCOME", "STATUS", "ADDRESS"}};
    std::size_t k = 0, made = 0;
    for (const auto& h : hosts)
    {
        ++k;
        made += h.result == finovy::created_host::outcome::created && !h.id.empty() ? 1 : 0;
        json::object item{{"id", h.id.empty() ? json::value(nullptr) : json::value(h.id)},
                          {"ok", h.ok()},
                          {"outcome", outcome_name(h.result)}};
        if (h.details)
            item["host"] = json::value_from(*h.details);
        if (!h.candidates.empty())
        {
            // Not told apart: hosts that may be this one (none is claimed).
            json::array may_be;
            for (const auto& id : h.candidates)
                may_be.push_back(json::string(id));
            item["candidates"] = std::move(may_be);
        }
        auto err = h.error ? h.error : h.ok() ? error_code{} : ec;   // else the batch's failure
        if (err)
        {
            const auto& why = h.error ? h.diag : d;   // the entry's own: the server's code, msg, traceId
            item["error"] = error_json(err, why);
            std::string what = "host " + std::to_string(k) + " of " + std::to_string(hosts.size());
            if (!h.id.empty())
                what += " (" + h.id + (h.details ? ", last seen " + status_text(*h.details) : "") + ")";
            report(what + ": " + outcome_name(h.result), err, why);
            o.exit = worse(o.exit, exit_for(err, wait));
        }
        if (!h.id.empty())
            prog.finish(h.id, err ? err.message() : h.details ? status_text(*h.details) : outcome_name(h.result));
        rows.push_back({h.id.empty() ? "-" : h.id, outcome_name(h.result), h.details ? status_text(*h.details) : "-",
                        h.details ? address(*h.details) : "-"});
        arr.push_back(std::move(item));
    }
    prog.set_title("created " + std::to_string(made) + of_n);
    prog.end();
    if (ec && ec != asio::error::operation_aborted)
        report("the batch", ec, d);
    if (ec || hosts.size() < count)
        o.exit = worse(o.exit, failure);
    if (intr.fired())
    {
        std::cerr << "finovy: interrupted: " << made << of_n << " created (listed above)\n";
        o.exit = interrupted_exit;
    }
    if (made > 0 || g.headers)
        o.text = table(rows, g.headers);
    if (g.headers)
    {
        o.text += "created " + std::to_string(made) + of_n;
        if (wait)
        {
            std::size_t ready = 0;
            for (const auto& h : hosts)
                ready += h.ok() ? 1 : 0;
            o.text += ", " + std::to_string(ready) + (start ? " running" : " ready");
        }
        o.text += "\n";
    }
    o.doc = std::move(arr);
    co_return o;
}

// --- power, wait, delete -------------------------------------------------------------------------

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
        if (!std::get<1>(res).id.empty())
            r.object = json::value_from(std::get<1>(res));
        r.done = status_text(std::get<1>(res));
        prog.finish(r.id, r.ec ? r.ec.message() : r.done);
    });
    co_return summarize(g, results, "host", wait);
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
        if (!h.id.empty())
            r.object = json::value_from(h);
        r.done = status_text(h);
        prog.finish(r.id, ec ? ec.message() : r.done);
    });
    co_return summarize(g, results, "host", true);
}

asio::awaitable<outcome> hosts_delete(finovy::client& c, const globals& g, const invocation& inv)
{
    auto results = co_await for_ids(inv.ids, [&](per_id& r) -> asio::awaitable<void> {
        std::tie(r.ec) = co_await c.async_delete_host(r.id, call(g, r.diag), tok);
        r.done = "deleted";
    });
    co_return summarize(g, results, "host", false);
}

}   // namespace

asio::awaitable<outcome> hosts_command(finovy::client& c, const globals& g, const invocation& inv)
{
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
