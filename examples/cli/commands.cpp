// SPDX-License-Identifier: BSL-1.0
// The finovy tool's commands, each a coroutine over the SDK's public API: what they share, the
// catalog, the token, and the dispatch (hosts.cpp and disks.cpp hold the others).
#include "commands.hpp"

#include <algorithm>
#include <iostream>

namespace cli {

finovy::call_context call(const globals& g, finovy::diagnostics& d)
{
    finovy::call_options o;
    if (g.timeout)
        o.deadline = *g.timeout;
    return {o, d};
}

void report(const std::string& what, const error_code& ec, const finovy::diagnostics& d)
{
    std::cerr << "finovy: error: " << (what.empty() ? "" : what + ": ") << d.describe(ec) << " ("
              << ec.category().name() << ':' << ec.value() << ")\n";
}

int exit_for(const error_code& ec, bool waiting)
{
    return waiting && ec == finovy::client_errc::timeout ? timed_out : failure;
}

int worse(int so_far, int next)
{
    if (so_far == timed_out || next == timed_out)
        return timed_out;
    return std::max(so_far, next);
}

outcome failed(const error_code& ec, const finovy::diagnostics& d, bool waiting)
{
    outcome o;
    o.exit = exit_for(ec, waiting);
    report("", ec, d);
    o.doc = json::object{{"error", error_json(ec, d)}};
    return o;
}

std::string or_dash(const std::optional<std::string>& s) { return s && !s->empty() ? *s : "-"; }

std::chrono::milliseconds poll_interval(const invocation& inv)
{
    return inv.vm.count("poll-interval") ? inv.vm["poll-interval"].as<duration>().value : std::chrono::seconds(3);
}

std::chrono::milliseconds wait_timeout(const globals& g) { return g.timeout.value_or(std::chrono::minutes(10)); }

outcome summarize(const globals& g, const std::vector<per_id>& results, const char* key, bool waiting)
{
    outcome o;
    json::array arr;
    std::vector<std::vector<std::string>> rows{{"ID", "RESULT"}};
    for (const auto& r : results)
    {
        json::object item{{"id", r.id}, {"ok", !r.ec}};
        if (!r.ec)
            item["result"] = r.done;
        if (!r.object.is_null())
            item[key] = r.object;
        if (r.ec)
        {
            item["error"] = error_json(r.ec, r.diag);
            report(r.id, r.ec, r.diag);
            o.exit = worse(o.exit, exit_for(r.ec, waiting));
            rows.push_back({r.id, "error: " + r.ec.message()});
        }
        else
            rows.push_back({r.id, r.done});
        arr.push_back(std::move(item));
    }
    o.doc = std::move(arr);
    o.text = table(rows, g.headers);
    return o;
}

bool any_failed(const std::vector<per_id>& results)
{
    return std::any_of(results.begin(), results.end(), [](const per_id& r) { return bool(r.ec); });
}

outcome summarize_details(const globals& g, const std::vector<per_id>& results, const char* key, std::string details)
{
    auto o = summarize(g, results, key, false);
    if (!any_failed(results))
        o.text = std::move(details);
    else if (!details.empty())
        o.text = details + "\n" + o.text;
    return o;
}

namespace {

// --- catalog ---------------------------------------------------------------------------------

asio::awaitable<outcome> images(finovy::client& c, const globals& g)
{
    finovy::diagnostics d;
    auto [ec, list] = co_await c.async_list_images(call(g, d), tok);
    if (ec)
        co_return failed(ec, d);
    outcome o;
    std::vector<std::vector<std::string>> rows{{"ID", "TYPE", "SYSTEM", "VERSION"}};
    for (const auto& i : list)
        rows.push_back({i.id, i.type, i.system_name, i.system_version});
    o.doc = json::value_from(list);
    o.text = table(rows, g.headers);
    co_return o;
}

asio::awaitable<outcome> packages(finovy::client& c, const globals& g, const invocation& inv)
{
    auto kind = inv.vm.count("fixed-period") ? finovy::billing_kind::fixed_period : finovy::billing_kind::pay_as_you_go;
    finovy::diagnostics d;
    auto [ec, list] = co_await c.async_list_packages(kind, call(g, d), tok);
    if (ec)
        co_return failed(ec, d);
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
    o.text = table(rows, g.headers);
    co_return o;
}

// A new token, fetched with uuid and secret. Printed only with --show, on stdout only and alone
// (`$(finovy token --show)`): never in a log, an error or the verbose lines.
asio::awaitable<outcome> token(finovy::client& c, const globals& g, const invocation& inv)
{
    finovy::diagnostics d;
    auto [ec, t] = co_await c.async_get_token(call(g, d), tok);
    if (ec)
        co_return failed(ec, d);
    auto expires = std::chrono::system_clock::now() + t.lifetime;
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.lifetime).count();
    std::string validity = "valid for " + std::to_string(secs / 60) + " min " + std::to_string(secs % 60) +
                           " s, until " + iso_time(expires);
    bool show = inv.vm.count("show") > 0;
    outcome o;
    json::object doc{{"lifetime_ms", t.lifetime.count()}, {"expires_at", iso_time(expires)}};
    if (show)
        doc["token"] = t.token.reveal();
    o.doc = std::move(doc);
    if (show)
    {
        o.text = std::string(t.token.reveal()) + "\n";
        if (!g.json)
            std::cerr << "finovy: the token is " << validity << '\n';
    }
    else
        o.text = "a new token is " + validity + "\n";
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
        co_return co_await token(c, g, inv);
    if (cmd == "disks")
        co_return co_await disks_command(c, g, inv);
    co_return co_await hosts_command(c, g, inv);
}

}   // namespace cli
