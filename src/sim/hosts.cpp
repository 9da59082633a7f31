// SPDX-License-Identifier: BSL-1.0
// The host endpoints of the simulator: create, power, reboot, read, list, delete.
#include "world.hpp"

#include "fields.hpp"

#include <algorithm>
#include <stdexcept>

namespace finovy::sim::detail {

namespace {

constexpr std::int64_t hour_ms = 3'600'000;
// At most ten years of rent: the expiry stays within the dates clients accept (the SDK's
// decoders: up to 2200), even a century ahead (world::max_offset_ms).
constexpr std::int64_t max_rent_hours = 10 * 8766;

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

}   // namespace

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
    h->visible_ms = now_ms + faults.listing_lag.count();
    if (faults.listing_lag_jitter.count() > 0)
        h->visible_ms += std::uniform_int_distribution<std::int64_t>(0, faults.listing_lag_jitter.count())(rng);
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

std::optional<answer> world::refuse_create(const tenant_state& t, const package_def* p, const image_def* i,
                                           int refused_use_type, const char* refused_msg)
{
    if (!p || !i)
        return fail(1001, "权限不足: 主机模板或镜像不存在");
    if (p->use_type == refused_use_type)
        return fail(1001, refused_msg);
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
    return std::nullopt;
}

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
    if (auto refused = refuse_create(t, p, i, 1, "权限不足: 该主机模板仅支持包时段"))
        return *refused;
    auto& h = create_host(t, *p, *i, 0, std::nullopt, sim_ms(now));
    // The seed documents answer true and no host id; the newer upstream page answers the id
    // (with "success", as its example shows).
    if (opts_.create_answers == create_answer::host_id)
        return reply(json::string(h.id));
    return reply(true, false);
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
    if (!num.ok() || num.value < 1 || num.value > 1000 || !type.ok() || period_hours(type.value) == 0 ||
        period_hours(type.value) * num.value > max_rent_hours)
        return fail(1001, "权限不足: 购买周期参数错误");
    const auto* p = catalog_.find_package(pid.value);
    const auto* i = catalog_.find_image(iid.value);
    if (auto refused = refuse_create(t, p, i, 0, "权限不足: 该主机模板仅支持按量"))
        return *refused;
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
    if (!h || !listed(*h, sim_ms(now)))
        return fail(1021, "机器不存在");
    return reply(host_json(*h, sim_ms(now)));
}

std::vector<host_record> world::hosts_of(const std::string& uuid)
{
    std::vector<host_record> out;
    auto* t = find_tenant(uuid);
    if (!t)
        return out;
    const auto now = clock::now();
    const auto now_ms = sim_ms(now);
    for (auto* h : t->hosts)
    {
        advance_host(*h, now, now_ms);
        out.push_back({h->id, h->pkg->id, h->img->id, h->create_ms, h->visible_ms, visible_status(*h, now_ms),
                       h->use_type});
    }
    return out;
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
    // Newest first, as in the documents' example; without the hosts the listing's lag hides, all
    // among the newest (their lag is at most listing_lag + jitter).
    const auto horizon = now_ms - faults.listing_lag.count() - faults.listing_lag_jitter.count();
    std::vector<host_rec*> newest;   // listed, newest first, down to the first that cannot lag
    std::size_t hidden = 0, tail = t.hosts.size();
    for (; tail > 0 && t.hosts[tail - 1]->create_ms >= horizon; --tail)
        if (listed(*t.hosts[tail - 1], now_ms))
            newest.push_back(t.hosts[tail - 1]);
        else
            ++hidden;
    auto total = static_cast<std::int64_t>(t.hosts.size() - hidden);
    auto nth = [&](std::int64_t k) -> host_rec& {   // the k-th listed host, newest first
        auto n = static_cast<std::size_t>(k);
        return n < newest.size() ? *newest[n] : *t.hosts[tail - 1 - (n - newest.size())];
    };
    json::array arr;
    auto [first, last] = slice_of_page(*page, page_size, total);
    for (auto k = first; k < last; ++k)
    {
        auto& h = nth(k);
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
