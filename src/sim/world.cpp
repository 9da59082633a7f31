// Tenants, tokens, routing, billing and the host endpoints of the simulator.
#include "world.hpp"

#include "fields.hpp"

#include <algorithm>
#include <stdexcept>

namespace finovy::sim::detail {

namespace {

constexpr std::int64_t hour_ms = 3'600'000;

constexpr std::int64_t period_hours(std::int64_t type)
{
    switch (type)
    {
    case 0: return 1;
    case 1: return 24;
    case 2: return 24 * 7;
    case 3: return 24 * 30;
    case 4: return 24 * 91;
    case 5: return 24 * 365;
    default: return 0;
    }
}

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

bool world::rate_limited(tenant_state& t, clock::time_point now)
{
    if (faults.rate_limit_rps <= 0)
        return false;
    double burst = std::max(1.0, faults.rate_limit_rps);
    if (t.bucket_at == clock::time_point{})
        t.bucket = burst;
    else
        t.bucket = std::min(
            burst, t.bucket + std::chrono::duration<double>(now - t.bucket_at).count() * faults.rate_limit_rps);
    t.bucket_at = now;
    if (t.bucket < 1)
        return true;
    t.bucket -= 1;
    return false;
}

// ---------------------------------------------------------------------------------------------
// Routing.

answer world::handle(std::string_view method, std::string_view target, std::string_view body,
                     std::string_view token, clock::time_point now)
{
    auto qpos = target.find('?');
    std::string_view path = target.substr(0, qpos);
    std::string_view query = qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1);

    if (path.substr(0, 7) == "/__sim/")
    {
        auto a = admin(method, path, body, now);
        a.faultable = false;
        return a;
    }

    answer a;
    auto finish = [&](answer r, std::string route) {
        r.route = std::move(route);
        requests_by_route_[r.route]++;
        return r;
    };

    if (path == "/v1/auth/getToken")
    {
        if (method != "POST")
            return finish(fail(1001, "请求方法错误"), std::string(method) + " /v1/auth/getToken");
        a = get_token(body, now);
        return finish(std::move(a), "POST /v1/auth/getToken");
    }

    // Every other endpoint needs a live token.
    auto route_name = [&]() -> std::string {
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
    };

    auto it = tokens_.find(std::string(token));
    if (token.empty() || it == tokens_.end() || it->second.expires <= now)
    {
        if (it != tokens_.end())
            tokens_.erase(it);
        return finish(fail(401, token.empty() ? "身份认证失败: 缺少Finovy-Access-Token" : "身份认证失败: token无效或已过期"),
                      route_name());
    }
    tenant_state& t = *it->second.owner;
    t.requests++;
    if (should_fault(path) && rate_limited(t, now))
    {
        injected["rate_limit"]++;
        if (faults.rate_limit_mode == rate_limit_answer::http_429)
        {
            a.status = 429;
            a.body = "Too Many Requests";
            a.retry_after = 1;
        }
        else
            a = fail(220025, "请求太过频繁,请稍后再试");
        a.tenant = t.cfg.uuid;
        return finish(std::move(a), route_name());
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
    return finish(std::move(a), route_name());
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

// ---------------------------------------------------------------------------------------------
// Hosts.

void world::advance_host(host_rec& h, clock::time_point now, std::int64_t now_ms)
{
    if (h.status == 5)
        return;
    if (h.expire_ms && now_ms >= *h.expire_ms)
    {
        stop_billing(h, now_ms);
        h.status = 5;
        return;
    }
    if ((h.status == 1 || h.status == 4) && now >= h.transition_at)
        h.status = h.next_status;
}

// Status 3 (扣费中, "billing"): in the simulator, a running pay-as-you-go host whose tenant's
// wallet is below zero. It keeps running (and billing) until it is powered off or the wallet is topped up.
int world::visible_status(host_rec& h, std::int64_t now_ms)
{
    if (h.status == 2 && h.use_type == 0 && balance(*h.owner, now_ms) < 0)
        return 3;
    return h.status;
}

host_rec* world::find_host(tenant_state& t, std::string_view id, clock::time_point now)
{
    auto it = hosts_.find(std::string(id));
    if (it == hosts_.end() || it->second->owner != &t)
        return nullptr;   // another tenant's host does not exist for this one
    advance_host(*it->second, now, sim_ms(now));
    return it->second.get();
}

void world::start_billing(host_rec& h, std::int64_t now_ms)
{
    if (h.use_type != 0 || h.billed)
        return;
    settle(*h.owner, now_ms);
    h.owner->rate_per_hour += h.pkg->amount * h.pkg->discount;
    h.billed = true;
}

void world::stop_billing(host_rec& h, std::int64_t now_ms)
{
    if (!h.billed)
        return;
    settle(*h.owner, now_ms);
    h.owner->rate_per_hour -= h.pkg->amount * h.pkg->discount;
    h.billed = false;
}

host_rec& world::create_host(tenant_state& t, const package_def& p, const image_def& i, int use_type,
                             std::optional<std::int64_t> expire_ms, std::int64_t now_ms)
{
    auto h = std::make_unique<host_rec>();
    h->id = new_id("");
    h->owner = &t;
    h->pkg = &p;
    h->img = &i;
    h->use_type = use_type;
    h->create_ms = now_ms;
    h->expire_ms = expire_ms;
    h->account = i.name.find("Windows") != std::string::npos ? "administrator" : "root";
    h->password = random_text(8);
    auto& ref = *h;
    t.hosts.push_back(h.get());
    hosts_.emplace(h->id, std::move(h));
    package_use_[&p]++;
    return ref;
}

json::object world::host_json(host_rec& h, std::int64_t now_ms)
{
    // Never-started pay-as-you-go hosts have no credentials nor address yet (the documents'
    // second example); fixed-period ones show "" and 0, the first example's other quirk.
    bool reachable = h.ever_started;
    json::object o;
    o["id"] = h.id;
    o["name"] = "渲大师" + h.id;
    o["gpuConfiguration"] = h.pkg->gpu_number > 0 ? h.pkg->gpu_name + "*" + std::to_string(h.pkg->gpu_number) : "-";
    o["gpuNumber"] = h.pkg->gpu_number > 0 ? json::value(h.pkg->gpu_number) : json::value(nullptr);
    o["memory"] = h.pkg->memory;
    o["cpu"] = h.pkg->cpu;
    o["rigidDisk"] = h.pkg->disk;
    o["operatingSystem"] = h.img->name;
    if (reachable || h.use_type == 1)
    {
        o["hostAccount"] = h.account;
        o["hostPw"] = h.password;
    }
    else
    {
        o["hostAccount"] = nullptr;
        o["hostPw"] = nullptr;
    }
    o["useType"] = std::to_string(h.use_type);
    o["status"] = std::to_string(visible_status(h, now_ms));
    if (reachable)
    {
        o["address"] = h.address;
        o["port"] = h.port;
        o["mac"] = h.mac;
        o["ipv4"] = h.address + ":" + std::to_string(h.port);
    }
    else if (h.use_type == 1)
    {
        o["address"] = "";
        o["port"] = 0;
        o["mac"] = nullptr;
        o["ipv4"] = nullptr;
    }
    else
    {
        o["address"] = nullptr;
        o["port"] = nullptr;
        o["mac"] = nullptr;
        o["ipv4"] = nullptr;
    }
    o["pveMachineType"] = std::to_string(h.pkg->machine_use);
    o["area"] = std::to_string(h.pkg->area);
    o["createTime"] = h.create_ms;
    o["expirationTime"] = h.expire_ms ? json::value(*h.expire_ms) : json::value(nullptr);
    return o;
}

namespace {
struct create_params
{
    const package_def* pkg = nullptr;
    const image_def* img = nullptr;
};
}   // namespace

answer world::create_quantity(tenant_state& t, std::string_view body, clock::time_point now)
{
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object())
        return fail(1001, "请求参数格式错误");
    auto pid = str_field(v.get_object(), "packageId");
    auto iid = str_field(v.get_object(), "imageId");
    if (!pid.ok() || !iid.ok())
        return fail(1007, "请求缺少必要参数: packageId, imageId");
    const auto* p = catalog_.find_package(pid.value);
    const auto* i = catalog_.find_image(iid.value);
    if (!p || !i)
        return fail(1001, "权限不足: 主机模板或镜像不存在");
    if (p->use_type == 1)
        return fail(1001, "权限不足: 该主机模板仅支持包时段");
    if (!t.cfg.real_name)
        return fail(1037, "未进行实名认证");
    if (p->type != i->type)
        return fail(7005, "主机模板类型与镜像类型不一致");
    if (p->capacity >= 0 && package_use_[p] >= p->capacity)
        return fail(6002, "资源不足, 请重新选择配置");
    if (chance(faults.pending_rate))
    {
        injected["pending"]++;
        return fail(6005, "创建等待");
    }
    create_host(t, *p, *i, 0, std::nullopt, sim_ms(now));
    return reply(true, false);   // the documents' answer: true, and no host id
}

answer world::create_rent(tenant_state& t, std::string_view body, clock::time_point now)
{
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object())
        return fail(1001, "请求参数格式错误");
    const auto& o = v.get_object();
    auto pid = str_field(o, "packageId");
    auto iid = str_field(o, "imageId");
    auto num = int_field(o, "periodNumber");
    auto type = int_field(o, "periodType");
    if (!pid.ok() || !iid.ok() || num.state == fstate::missing || type.state == fstate::missing)
        return fail(1007, "请求缺少必要参数: packageId, imageId, periodNumber, periodType");
    if (!num.ok() || num.value < 1 || num.value > 1000 || !type.ok() || period_hours(type.value) == 0)
        return fail(1001, "权限不足: 购买周期参数错误");
    const auto* p = catalog_.find_package(pid.value);
    const auto* i = catalog_.find_image(iid.value);
    if (!p || !i)
        return fail(1001, "权限不足: 主机模板或镜像不存在");
    if (p->use_type == 0)
        return fail(1001, "权限不足: 该主机模板仅支持按量");
    if (!t.cfg.real_name)
        return fail(1037, "未进行实名认证");
    if (p->type != i->type)
        return fail(7005, "主机模板类型与镜像类型不一致");
    if (p->capacity >= 0 && package_use_[p] >= p->capacity)
        return fail(6002, "资源不足, 请重新选择配置");
    if (chance(faults.pending_rate))
    {
        injected["pending"]++;
        return fail(6005, "创建等待");
    }
    auto now_ms = sim_ms(now);
    std::int64_t hours = period_hours(type.value) * num.value;
    double cost = p->amount * p->discount * static_cast<double>(hours);
    if (balance(t, now_ms) < cost)
        return fail(9001, "钱包余额不足");
    t.cfg.balance -= cost;
    auto& h = create_host(t, *p, *i, 1, now_ms + hours * hour_ms, now_ms);
    return reply(json::string(h.id), false);
}

answer world::operate(tenant_state& t, std::string_view id, std::string_view query, clock::time_point now)
{
    auto type = query_param(query, "type");
    if (!type || type->empty())
        return fail(1007, "请求缺少必要参数: type");
    if (*type != "0" && *type != "1")
        return fail(1001, "权限不足: type须为0或1");
    auto* h = find_host(t, id, now);
    if (!h)
        return fail(1021, "机器不存在");
    auto now_ms = sim_ms(now);
    if (h->status == 1)
        return fail(6000, "开机中");
    if (h->status == 4)
        return fail(6001, "关机中");
    if (h->status == 5)
        return fail(1003, "主机已过期");
    if (*type == "1")
    {
        if (h->status == 2)
            return reply(true);   // already running: nothing to do
        if (!t.cfg.real_name)
            return fail(1037, "未进行实名认证");
        if (h->use_type == 0 && balance(t, now_ms) < h->pkg->amount * h->pkg->discount)
            return fail(6003, "钱包余额不足一小时");
        if (!h->ever_started)
        {
            h->ever_started = true;
            h->address = "rdp-" + std::to_string(h->pkg->area) + ".sim.finovy.test";
            h->port = next_port_++;
            char mac[18];
            std::snprintf(mac, sizeof mac, "22:C1:%02X:%02X:%02X:%02X", unsigned(rng() & 0xff),
                          unsigned(rng() & 0xff), unsigned(rng() & 0xff), unsigned(rng() & 0xff));
            h->mac = mac;
            if (next_port_ > 65000)
                next_port_ = 50000;
        }
        h->status = 1;
        h->next_status = 2;
        h->transition_at = now + opts_.boot_time;
        start_billing(*h, now_ms);
    }
    else
    {
        if (h->status == 0)
            return reply(true);   // already off
        h->status = 4;
        h->next_status = 0;
        h->transition_at = now + opts_.shutdown_time;
        stop_billing(*h, now_ms);
    }
    return reply(true);
}

answer world::reboot(tenant_state& t, std::string_view id, clock::time_point now)
{
    auto* h = find_host(t, id, now);
    if (!h)
        return fail(1021, "机器不存在");
    if (h->status == 5)
        return fail(7004, "主机未运行，不能重启");
    if (!h->ever_started)
        return fail(7002, "未启动的主机不能重启");
    if (h->status == 1 || h->status == 4)
        return fail(7003, "主机不可用，不能重启");
    if (h->status != 2)
        return fail(7004, "主机未运行，不能重启");
    h->status = 1;
    h->next_status = 2;
    h->transition_at = now + opts_.reboot_time;
    return reply(true);
}

answer world::get_host(tenant_state& t, std::string_view id, clock::time_point now)
{
    auto* h = find_host(t, id, now);
    if (!h)
        return fail(1021, "机器不存在");
    return reply(host_json(*h, sim_ms(now)));
}

answer world::list_hosts(tenant_state& t, std::string_view query, clock::time_point now)
{
    auto page_s = query_param(query, "page");
    auto size_s = query_param(query, "pageSize");
    if (!page_s || !size_s || page_s->empty() || size_s->empty())
        return fail(1007, "请求缺少必要参数: page, pageSize");
    auto page = parse_int(*page_s);
    auto size = parse_int(*size_s);
    if (!page || !size || *page < 1 || *size < 1)
        return fail(1001, "权限不足: 分页参数错误");
    std::int64_t page_size = std::min<std::int64_t>(*size, 25);   // "at most 25 per query"
    auto now_ms = sim_ms(now);
    auto total = static_cast<std::int64_t>(t.hosts.size());
    json::array arr;
    // Newest first, as in the documents' example.
    for (std::int64_t k = (*page - 1) * page_size; k < std::min(total, *page * page_size); ++k)
    {
        auto& h = *t.hosts[static_cast<std::size_t>(total - 1 - k)];
        advance_host(h, now, now_ms);
        arr.push_back(host_json(h, now_ms));
    }
    json::object data;
    data["data"] = std::move(arr);
    data["totalCounts"] = total;
    return reply(data);
}

void world::erase_host(host_rec& h, clock::time_point now, std::int64_t now_ms)
{
    stop_billing(h, now_ms);
    for (auto* d : h.owner->disks)
        if (d->host_id == h.id && (d->status == 1 || d->status == 2))
        {
            advance_disk(*d, now, now_ms);
            if (d->status == 1 || d->status == 2)
                d->status = 0;   // a deleted host's disks wait to be mounted again
        }
    auto& v = h.owner->hosts;
    v.erase(std::find(v.begin(), v.end(), &h));
    package_use_[h.pkg]--;
    hosts_.erase(h.id);
}

answer world::delete_host(tenant_state& t, std::string_view id, clock::time_point now)
{
    auto* h = find_host(t, id, now);
    if (!h)
        return fail(1021, "机器不存在");
    if (h->status == 1)
        return fail(6000, "开机中");
    if (h->status == 4)
        return fail(6001, "关机中");
    erase_host(*h, now, sim_ms(now));
    return reply(true);
}

std::vector<std::string> world::add_hosts(const std::string& uuid, std::size_t count, const std::string& package_id,
                                          const std::string& image_id, int status, clock::time_point now)
{
    auto* t = find_tenant(uuid);
    const auto* p = catalog_.find_package(package_id.empty() ? catalog_.packages.front().id : package_id);
    const auto* i = image_id.empty() ? nullptr : catalog_.find_image(image_id);
    if (!i && p)
        for (const auto& img : catalog_.images)
            if (img.type == p->type)
            {
                i = &img;
                break;
            }
    if (!t || !p || !i || (status != 0 && status != 2))
        throw std::invalid_argument("add_hosts: unknown tenant, package or image, or status not 0 or 2");
    std::vector<std::string> ids;
    ids.reserve(count);
    auto now_ms = sim_ms(now);
    for (std::size_t k = 0; k < count; ++k)
    {
        auto& h = create_host(*t, *p, *i, p->use_type == 1 ? 1 : 0, std::nullopt, now_ms);
        if (status == 2)
        {
            h.ever_started = true;
            h.status = 2;
            h.address = "rdp.sim.finovy.test";
            h.port = next_port_;
        }
        ids.push_back(h.id);
    }
    return ids;
}

}   // namespace finovy::sim::detail
