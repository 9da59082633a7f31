// SPDX-License-Identifier: BSL-1.0
// Tenants, tokens, routing, billing and the host endpoints of the simulator.
#include "world.hpp"

#include <cstdio>

#include "fields.hpp"

#include <algorithm>
#include <stdexcept>

namespace finovy::sim::detail {

namespace {

constexpr std::int64_t hour_ms = 3'600'000;

// The HTTP status an API error travels with when fault_options::error_http_status is set.
unsigned http_status_for(int code)
{
    switch (code)
    {
    case 401: return 401;
    case 1001:
    case 1037: return 403;
    case 1007: return 400;
    case 1021:
    case 220001:
    case 220016: return 404;
    case 500: return 500;
    case 503: return 503;
    case 220025: return 429;
    case 6003:
    case 9000:
    case 9001: return 402;
    default: return code >= 6000 ? 409 : 400;
    }
}

std::string_view strip_prefix(std::string_view s, std::string_view prefix, bool& matched)
{
    matched = s.substr(0, prefix.size()) == prefix;
    return matched ? s.substr(prefix.size()) : s;
}

// "GET /v1/pve/open/one/{id}": the route of a request, for stats and logs.
std::string route_of(std::string_view method, std::string_view path)
{
    std::string r(method);
    r += ' ';
    bool matched = false;
    for (std::string_view p : {"/v1/pve/open/packAge/", "/v1/pve/open/operate/", "/v1/pve/open/reboot/",
                               "/v1/pve/open/one/", "/v1/pve/open/delete/", "/v1/PveMachineHardDisk/open/info/"})
    {
        strip_prefix(path, p, matched);
        if (matched)
            return r + std::string(p) + (p.find("packAge") != std::string_view::npos ? "{type}" : "{id}");
    }
    strip_prefix(path, "/v1/PveMachineHardDisk/open/memoryTotal/", matched);
    if (matched)
        return r + "/v1/PveMachineHardDisk/open/memoryTotal/{area}";
    return r + std::string(path);
}

}   // namespace

// ---------------------------------------------------------------------------------------------
world::world(const options& opts, std::uint64_t seed, clock::time_point now)
    : rng(seed), opts_(opts), start_(now)
{
    faults = opts.faults;
    catalog_ = parse_catalog(opts.catalog_json.empty() ? default_catalog_json() : opts.catalog_json);
    epoch_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    auto ts = opts.tenants.empty() ? default_tenants() : opts.tenants;
    for (const auto& t : ts)
        upsert_tenant(t, now);
    for (const auto& tok : opts.static_tokens)
        tokens_[tok] = {tenants_.front().get(), clock::time_point::max()};
}

std::int64_t world::sim_ms(clock::time_point now) const
{
    auto real = std::chrono::duration<double, std::milli>(now - start_).count();
    return epoch_ms_ + static_cast<std::int64_t>(real * opts_.time_scale) + offset_ms_;
}

void world::advance(std::chrono::milliseconds simulated)
{
    if (simulated.count() < 0 || simulated.count() > max_offset_ms - offset_ms_)
        throw std::invalid_argument("advance: simulated time moves forward, and at most 100 years in all");
    offset_ms_ += simulated.count();
}

bool world::chance(double p)
{
    if (p <= 0)
        return false;
    if (p >= 1)
        return true;
    return std::uniform_real_distribution<double>(0, 1)(rng) < p;
}

bool world::should_fault(std::string_view path) const
{
    if (path.substr(0, 4) != "/v1/")
        return false;
    if (faults.paths.empty())
        return true;
    return std::any_of(faults.paths.begin(), faults.paths.end(),
                       [&](const std::string& p) { return path.find(p) != std::string_view::npos; });
}

tenant_state* world::find_tenant(std::string_view uuid)
{
    for (auto& t : tenants_)
        if (t->cfg.uuid == uuid)
            return t.get();
    return nullptr;
}

void world::upsert_tenant(const tenant& cfg, clock::time_point now)
{
    if (auto* t = find_tenant(cfg.uuid))
    {
        settle(*t, sim_ms(now));
        t->cfg = cfg;
        return;
    }
    auto t = std::make_unique<tenant_state>();
    t->cfg = cfg;
    t->settled_ms = sim_ms(now);
    tenants_.push_back(std::move(t));
}

// Brings the wallet up to date: pay-as-you-go resources are billed per (simulated) hour, pro rata.
void world::settle(tenant_state& t, std::int64_t now_ms)
{
    if (now_ms > t.settled_ms)
    {
        t.cfg.balance -= t.rate_per_hour * static_cast<double>(now_ms - t.settled_ms) / hour_ms;
        t.settled_ms = now_ms;
    }
}

double world::balance(tenant_state& t, std::int64_t now_ms)
{
    settle(t, now_ms);
    return t.cfg.balance;
}

std::string world::random_text(std::size_t n)
{
    static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string s(n, ' ');
    for (auto& c : s)
        c = alphabet[pick(rng)];
    return s;
}

std::string world::new_id(std::string_view prefix)
{
    for (;;)
    {
        std::string id = std::string(prefix) + random_text(10 - prefix.size());
        if (!hosts_.count(id) && !disks_.count(id))
            return id;
    }
}

// ---------------------------------------------------------------------------------------------
// Envelopes.

answer world::reply(const json::value& data, bool success_field)
{
    json::object env;
    env["code"] = 0;
    env["data"] = data;
    env["msg"] = "success";
    if (success_field)
        env["success"] = true;
    char trace[40];
    std::snprintf(trace, sizeof trace, "%08llx%08llx", static_cast<unsigned long long>(++trace_seq_),
                  static_cast<unsigned long long>(rng() & 0xffffffffu));
    env["traceId"] = trace;
    answer a;
    a.body = json::serialize(env);
    return a;
}

answer world::fail(int code, std::string msg)
{
    json::object env;
    env["code"] = code;
    env["data"] = nullptr;
    env["msg"] = std::move(msg);
    env["success"] = false;
    char trace[40];
    std::snprintf(trace, sizeof trace, "%08llx%08llx", static_cast<unsigned long long>(++trace_seq_),
                  static_cast<unsigned long long>(rng() & 0xffffffffu));
    env["traceId"] = trace;
    answer a;
    a.status = faults.error_http_status ? http_status_for(code) : 200;
    a.body = json::serialize(env);
    return a;
}

// ---------------------------------------------------------------------------------------------
// Routing.

namespace {
// An IMF-fixdate (RFC 9110 5.6.7) of simulated milliseconds since 1970.
std::string http_date(std::int64_t ms)
{
    using namespace std::chrono;
    const sys_seconds t{duration_cast<seconds>(milliseconds(ms))};
    const auto days = floor<std::chrono::days>(t);
    const year_month_day ymd{days};
    const hh_mm_ss hms{t - days};
    static constexpr const char* wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* mn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char out[40];
    std::snprintf(out, sizeof out, "%s, %02u %s %04d %02ld:%02ld:%02ld GMT", wd[weekday(days).c_encoding()],
                  static_cast<unsigned>(ymd.day()), mn[static_cast<unsigned>(ymd.month()) - 1],
                  static_cast<int>(ymd.year()), static_cast<long>(hms.hours().count()),
                  static_cast<long>(hms.minutes().count()), static_cast<long>(hms.seconds().count()));
    return out;
}
}   // namespace

answer world::handle(std::string_view method, std::string_view target, std::string_view body,
                     std::string_view token, clock::time_point now)
{
    auto a = handle_request(method, target, body, token, now);
    a.date = http_date(sim_ms(now));
    return a;
}

answer world::handle_request(std::string_view method, std::string_view target, std::string_view body,
                             std::string_view token, clock::time_point now)
{
    auto qpos = target.find('?');
    std::string_view path = target.substr(0, qpos);
    std::string_view query = qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1);

    if (path.substr(0, 7) == "/__sim/")
    {
        auto a = admin(method, path, query, body, now);
        a.faultable = false;
        return a;
    }
    if (auto it = find_script(method, path); it != faults.script.end())
    {
        scripted_fault f = *it;
        if (--it->count == 0)
            faults.script.erase(it);
        injected["scripted"]++;
        answer real;
        if (f.process)
            real = route(method, path, query, body, token, now, false);
        else
            requests_by_route_[real.route = route_of(method, path)]++;
        return scripted_answer(f, std::move(real));
    }
    return route(method, path, query, body, token, now, true);
}

answer world::route(std::string_view method, std::string_view path, std::string_view query, std::string_view body,
                    std::string_view token, clock::time_point now, bool limit)
{
    answer a;
    auto finish = [&](answer r) {
        r.route = route_of(method, path);
        requests_by_route_[r.route]++;
        return r;
    };

    if (path == "/v1/auth/getToken")
        return finish(method == "POST" ? get_token(body, now) : fail(1001, "请求方法错误"));

    // Every other endpoint needs a live token.
    auto it = tokens_.find(std::string(token));
    if (token.empty() || it == tokens_.end() || it->second.expires <= now)
    {
        if (it != tokens_.end())
            tokens_.erase(it);
        return finish(fail(401, token.empty() ? "身份认证失败: 缺少Finovy-Access-Token" : "身份认证失败: token无效或已过期"));
    }
    tenant_state& t = *it->second.owner;
    t.requests++;
    if (limit && faults.rate_limit_rps > 0 && should_fault(path))
        if (auto wait = rate_limited(t, now))
        {
            injected["rate_limit"]++;
            if (faults.rate_limit_mode == rate_limit_answer::http_429)
            {
                a.status = 429;
                a.body = "Too Many Requests";
                a.retry_after = retry_after_seconds(*wait);   // whole seconds until the limit admits again
            }
            else
                a = fail(220025, "请求太过频繁,请稍后再试");
            a.tenant = t.cfg.uuid;
            return finish(std::move(a));
        }

    auto is = [&](std::string_view verb, std::string_view p) { return method == verb && path == p; };
    auto tail = [&](std::string_view verb, std::string_view p, std::string_view& rest) {
        bool matched = false;
        rest = strip_prefix(path, p, matched);
        return matched && method == verb && !rest.empty() && rest.find('/') == std::string_view::npos;
    };
    std::string_view rest;

    if (is("GET", "/v1/pve/open/image"))
        a = list_images();
    else if (tail("GET", "/v1/pve/open/packAge/", rest))
        a = list_packages(rest);
    else if (is("POST", "/v1/pve/open/createquantity"))
        a = create_quantity(t, body, now);
    else if (is("POST", "/v1/pve/open/createRent"))
        a = create_rent(t, body, now);
    else if (tail("GET", "/v1/pve/open/operate/", rest))
        a = operate(t, rest, query, now);
    else if (tail("GET", "/v1/pve/open/reboot/", rest))
        a = reboot(t, rest, now);
    else if (tail("GET", "/v1/pve/open/one/", rest))
        a = get_host(t, rest, now);
    else if (is("GET", "/v1/pve/open/mypage"))
        a = list_hosts(t, query, now);
    else if (tail("DELETE", "/v1/pve/open/delete/", rest))
        a = delete_host(t, rest, now);
    // The disk-create page shows GET in its example and POST in its header: accept both.
    else if (is("POST", "/v1/PveMachineHardDisk/open/create") || is("GET", "/v1/PveMachineHardDisk/open/create"))
        a = create_disk(t, body, now);
    else if (is("POST", "/v1/PveMachineHardDisk/open/pveCreate"))
        a = mount_disk(t, body, now);
    else if (is("POST", "/v1/PveMachineHardDisk/open/getList"))
        a = list_disks(t, body, now);
    else if (tail("GET", "/v1/PveMachineHardDisk/open/info/", rest))
        a = get_disk(t, rest, now);
    else if (is("PUT", "/v1/PveMachineHardDisk/open/updateStatus"))
        a = update_disk(t, body, now);
    else if (tail("GET", "/v1/PveMachineHardDisk/open/memoryTotal/", rest))
        a = disk_total(t, rest, now);
    else
    {
        a.status = 404;
        a.body = R"({"code":404,"msg":"no such endpoint","data":null})";
    }
    a.tenant = t.cfg.uuid;
    return finish(std::move(a));
}

// ---------------------------------------------------------------------------------------------
// Authentication.

answer world::get_token(std::string_view body, clock::time_point now)
{
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object())
        return fail(1001, "请求参数格式错误");
    auto uuid = str_field(v.get_object(), "uuid");
    auto secret = str_field(v.get_object(), "secret");
    if (!uuid.ok() || !secret.ok())
        return fail(1007, "请求缺少必要参数: uuid, secret");
    auto* t = find_tenant(uuid.value);
    if (!t || t->cfg.secret != secret.value)
        return fail(1001, "无权限: uuid或secret错误");

    if (tokens_.size() > 10000)
        std::erase_if(tokens_, [&](const auto& kv) { return kv.second.expires <= now; });
    std::string token;
    do
        token = random_text(22);
    while (tokens_.count(token));
    tokens_[token] = {t, now + opts_.token_ttl};
    ++tokens_issued_;
    json::object data;
    data["token"] = token;
    data["effectiveTime"] = opts_.token_ttl.count();
    auto a = reply(data);
    a.tenant = t->cfg.uuid;
    return a;
}

// ---------------------------------------------------------------------------------------------
// Catalog.

answer world::list_images()
{
    json::array arr;
    for (const auto& i : catalog_.images)
        arr.push_back(json::object{{"imageId", i.id},
                                   {"type", i.type},
                                   {"systemImageName", i.name},
                                   {"systemImageVersion", i.version}});
    return reply(arr, false);
}

answer world::list_packages(std::string_view type)
{
    auto kind = parse_int(type);
    if (!kind || (*kind != 0 && *kind != 1))
        return fail(1001, "参数错误: type须为0或1");
    json::array arr;
    for (const auto& p : catalog_.packages)
    {
        if (p.use_type != 2 && p.use_type != *kind)
            continue;
        json::object o;
        o["packageId"] = p.id;
        o["name"] = p.name;
        o["gpuNumber"] = p.gpu_number;
        o["gpuName"] = p.gpu_name.empty() ? json::value(nullptr) : json::value(p.gpu_name);
        o["memoryNumber"] = p.memory;
        o["rigidDiskNumber"] = p.disk;
        o["amount"] = p.amount;
        o["cpuNumber"] = p.cpu;
        o["bandWidth"] = p.bandwidth;
        o["type"] = p.type;
        o["pveMachineType"] = std::to_string(p.machine_use);
        o["area"] = std::to_string(p.area);
        o["useType"] = std::to_string(p.use_type);
        o["discount"] = p.discount;
        arr.push_back(std::move(o));
    }
    return reply(arr, false);
}

}   // namespace finovy::sim::detail
