// SPDX-License-Identifier: BSL-1.0
// The cloud-disk endpoints of the simulator (upstream/disk-*.md).
#include "world.hpp"

#include "fields.hpp"

#include <algorithm>

namespace finovy::sim::detail {

namespace {
constexpr int max_disks_per_host = 30;
constexpr std::int64_t max_gb_per_area = 1000;
constexpr std::int64_t min_disk_gb = 20;
constexpr double price_per_gb_hour = 0.001;   // 20 GB: 0.02 per hour, the documents' example
}   // namespace

// Applies a finished transition; false when the disk has been destroyed.
bool world::advance_disk(disk_rec& d, clock::time_point now, std::int64_t now_ms)
{
    if ((d.status == 1 || d.status == 2 || d.status == 4) && d.next_status != d.status && now >= d.transition_at)
    {
        if (d.next_status < 0)
            return false;
        d.status = d.next_status;
    }
    // Arrears suspend a disk and unmount it; a topped-up wallet makes it wait to be mounted again.
    double bal = balance(*d.owner, now_ms);
    if (bal < 0 && d.status != 3 && d.status != 4)
    {
        d.status = 3;
        d.next_status = 3;
    }
    else if (bal >= 0 && d.status == 3)
    {
        d.status = 0;
        d.next_status = 0;
    }
    return true;
}

void world::purge_disks(tenant_state& t, clock::time_point now, std::int64_t now_ms)
{
    for (std::size_t k = 0; k < t.disks.size();)
    {
        auto* d = t.disks[k];
        if (advance_disk(*d, now, now_ms))
        {
            ++k;
            continue;
        }
        settle(t, now_ms);
        t.rate_per_hour -= d->memory * price_per_gb_hour;
        t.disks.erase(t.disks.begin() + static_cast<std::ptrdiff_t>(k));
        disks_.erase(d->id);
    }
}

disk_rec* world::find_disk(tenant_state& t, std::string_view id, clock::time_point now)
{
    purge_disks(t, now, sim_ms(now));
    auto it = disks_.find(std::string(id));
    if (it == disks_.end() || it->second->owner != &t)
        return nullptr;
    return it->second.get();
}

int world::disks_on(const host_rec& h) const
{
    int n = 0;
    for (const auto* d : h.owner->disks)
        if (d->host_id == h.id && (d->status == 1 || d->status == 2))
            ++n;
    return n;
}

json::object world::disk_json(disk_rec& d, std::int64_t)
{
    json::object o;
    o["id"] = d.id;
    o["uuid"] = d.owner->cfg.uuid;
    o["pveId"] = d.host_id.empty() ? json::value(nullptr) : json::value(d.host_id);
    o["name"] = "HD-" + d.id;
    o["isMount"] = d.was_mounted ? 1 : 0;
    o["bus"] = "scsi";
    o["area"] = std::to_string(d.area);
    o["memory"] = d.memory;
    o["amount"] = d.memory * price_per_gb_hour;
    o["useType"] = "0";
    o["status"] = std::to_string(d.status);
    o["createTime"] = d.create_ms;
    return o;
}

answer world::create_disk(tenant_state& t, std::string_view body, clock::time_point now)
{
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object())
        return fail(1001, "请求参数格式错误");
    const auto& o = v.get_object();
    auto area = int_field(o, "area");
    auto memory = int_field(o, "memory");
    auto is_mount = int_field(o, "isMount");
    auto count = int_field(o, "buyNumber");   // the older document's field; one disk when absent
    auto pve = str_field(o, "pveId");
    if (area.state == fstate::missing || memory.state == fstate::missing || is_mount.state == fstate::missing)
        return fail(1007, "请求缺少必要参数: area, memory, isMount");
    if (!area.ok() || area.value < 0 || area.value > 2 || !memory.ok())
        return fail(1001, "权限不足: 参数错误");
    if (!is_mount.ok() || (is_mount.value != 0 && is_mount.value != 1))
        return fail(220020, "创建云硬盘的是否挂载主机参数错误");
    if (count.state == fstate::bad || (count.ok() && (count.value < 1 || count.value > 10)))
        return fail(220020, "创建云硬盘的购买数量参数错误");
    std::int64_t n = count.ok() ? count.value : 1;
    if (!t.cfg.real_name)
        return fail(1037, "未进行实名认证");
    if (memory.value < min_disk_gb)
        return fail(220013, "云硬盘内存小于20G");
    // More than an area holds can never fit; refused before memory x buyNumber can overflow.
    if (memory.value > max_gb_per_area)
        return fail(220014, "云硬盘内存大于1000G");
    auto now_ms = sim_ms(now);
    purge_disks(t, now, now_ms);
    std::int64_t used = 0;
    for (const auto* d : t.disks)
        if (d->area == area.value)
            used += d->memory;
    if (used + memory.value * n > max_gb_per_area)
        return fail(220014, "云硬盘内存大于1000G");

    host_rec* h = nullptr;
    if (is_mount.value == 1)
    {
        if (!pve.ok() || pve.value.empty())
            return fail(220015, "主机实例ID未传参");
        h = find_host(t, pve.value, now);
        if (!h)
            return fail(220016, "主机实例不存在");
        if (h->use_type != 0)
            return fail(220017, "主机实例订购类型不是按量类型");
        if (h->pkg->area != area.value)
            return fail(220018, "云硬盘和主机实例不在同一地区");
        if (!h->ever_started)
            return fail(220012, "主机未开机");
        if (h->status != 0)
            return fail(220009, "主机未关机");
        if (disks_on(*h) + n > max_disks_per_host)
            return fail(220010, "主机挂载硬盘限制");
    }
    double rate = static_cast<double>(memory.value * n) * price_per_gb_hour;
    if (balance(t, now_ms) < rate)
        return fail(6003, "钱包余额不足一小时");

    std::string first;
    for (std::int64_t k = 0; k < n; ++k)
    {
        auto d = std::make_unique<disk_rec>();
        d->id = new_id("");
        d->owner = &t;
        d->area = static_cast<int>(area.value);
        d->memory = static_cast<int>(memory.value);
        d->create_ms = now_ms;
        if (h)
        {
            d->host_id = h->id;
            d->was_mounted = true;
            d->status = 1;
            d->next_status = 2;
            d->transition_at = now + opts_.disk_time;
        }
        if (first.empty())
            first = d->id;
        t.disks.push_back(d.get());
        disks_.emplace(d->id, std::move(d));
    }
    t.rate_per_hour += rate;
    return reply(json::string(first));
}

answer world::mount_disk(tenant_state& t, std::string_view body, clock::time_point now)
{
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object())
        return fail(1001, "请求参数格式错误");
    auto id = str_field(v.get_object(), "id");
    auto pve = str_field(v.get_object(), "pveId");
    if (!id.ok() || !pve.ok())
        return fail(1007, "请求缺少必要参数: id, pveId");
    auto* d = find_disk(t, id.value, now);
    // A disk being destroyed (4) is answered as gone. The mount page (upstream/disk-2.pvecreate.md)
    // lists no code for "wrong status" but 220002 "already mounted", whose remedy ("unmount it
    // first") cannot apply: a destroy cannot be undone (disk-5.updatestatus.md) and the disk is gone
    // when it completes. 220001's remedy, "create a disk first", is the one that helps.
    if (!d || d->status == 4)
        return fail(220001, "云硬盘不存在");
    if (d->status != 0)
        return fail(220002, "硬盘已挂载");
    auto* h = find_host(t, pve.value, now);
    if (!h)
        return fail(220016, "主机实例不存在");
    if (h->use_type != 0)
        return fail(220017, "主机实例订购类型不是按量类型");
    if (h->pkg->area != d->area)
        return fail(220018, "云硬盘和主机实例不在同一地区");
    if (!h->ever_started)
        return fail(220012, "主机从未开机");
    if (h->status != 0)
        return fail(220009, "主机未关机");
    if (disks_on(*h) >= max_disks_per_host)
        return fail(220010, "主机挂载硬盘限制");
    if (!d->host_id.empty() && d->host_id != h->id)
    {
        // Moving a disk between hosts needs both hosts off.
        auto* prev = find_host(t, d->host_id, now);
        if (prev && prev->status != 0)
            return fail(220024, "主机不在同一节点上");
    }
    d->host_id = h->id;
    d->was_mounted = true;
    d->status = 1;
    d->next_status = 2;
    d->transition_at = now + opts_.disk_time;
    return reply(true);
}

answer world::list_disks(tenant_state& t, std::string_view body, clock::time_point now)
{
    boost::system::error_code ec;
    auto v = json::parse(body.empty() ? std::string_view("{}") : body, ec);
    if (ec || !v.is_object())
        return fail(1001, "请求参数格式错误");
    const auto& o = v.get_object();
    auto page = int_field(o, "page");
    auto size = int_field(o, "pageSize");
    if (page.state == fstate::missing || size.state == fstate::missing)
        return fail(1007, "请求缺少必要参数: page, pageSize");
    if (!page.ok() || !size.ok() || page.value < 1 || size.value < 1)
        return fail(1001, "权限不足: 分页参数错误");
    std::int64_t page_size = std::min<std::int64_t>(size.value, 100);
    auto pve = str_field(o, "pveId");
    auto area = int_field(o, "area");
    auto use = int_field(o, "useType");
    auto status = int_field(o, "status");
    auto now_ms = sim_ms(now);
    purge_disks(t, now, now_ms);
    std::vector<disk_rec*> match;
    for (auto it = t.disks.rbegin(); it != t.disks.rend(); ++it)
    {
        auto* d = *it;
        if (pve.ok() && d->host_id != pve.value)
            continue;
        if (area.ok() && d->area != area.value)
            continue;
        if (use.ok() && use.value != 0)
            continue;
        if (status.ok() && d->status != status.value)
            continue;
        match.push_back(d);
    }
    json::array arr;
    auto total = static_cast<std::int64_t>(match.size());
    auto [first, last] = slice_of_page(page.value, page_size, total);
    for (auto k = first; k < last; ++k)
        arr.push_back(disk_json(*match[static_cast<std::size_t>(k)], now_ms));
    json::object data;
    data["data"] = std::move(arr);
    data["totalCounts"] = total;
    return reply(data);
}

answer world::get_disk(tenant_state& t, std::string_view id, clock::time_point now)
{
    auto* d = find_disk(t, id, now);
    if (!d)
        return fail(220001, "云硬盘不存在");
    return reply(disk_json(*d, sim_ms(now)));
}

answer world::update_disk(tenant_state& t, std::string_view body, clock::time_point now)
{
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    if (ec || !v.is_object())
        return fail(1001, "请求参数格式错误");
    auto id = str_field(v.get_object(), "id");
    auto status = int_field(v.get_object(), "status");
    if (!id.ok() || status.state == fstate::missing)
        return fail(1007, "请求缺少必要参数: id, status");
    if (!status.ok() || (status.value != 0 && status.value != 5))
        return fail(1001, "权限不足: status须为0(卸载)或5(销毁)");
    auto* d = find_disk(t, id.value, now);
    if (!d)
        return fail(220001, "云硬盘不存在");
    host_rec* h = d->host_id.empty() ? nullptr : find_host(t, d->host_id, now);
    if (status.value == 0)
    {
        if (d->status != 2 || d->next_status == 0)
            return fail(220006, "硬盘已卸载");
        if (!h)
            return fail(220016, "主机实例不存在");
        if (h->status != 0)
            return fail(220009, "主机未关机");
        d->next_status = 0;   // stays "in use" until the unmount completes
        d->transition_at = now + opts_.disk_time;
        return reply(true);
    }
    if (d->status != 0)
        return fail(220022, "云盘状态为待挂载才可以销毁退还");
    if (h && h->status != 0)
        return fail(220009, "主机未关机");
    d->status = 4;
    d->next_status = -1;
    d->transition_at = now + opts_.disk_time;
    return reply(true);
}

answer world::disk_total(tenant_state& t, std::string_view area, clock::time_point now)
{
    auto a = parse_int(area);
    if (!a || *a < 0 || *a > 2)
        return fail(1001, "权限不足: area须为0、1或2");
    purge_disks(t, now, sim_ms(now));
    std::int64_t total = 0;
    for (const auto* d : t.disks)
        if (d->area == *a)
            total += d->memory;
    return reply(json::object{{"memory", total}});
}

}   // namespace finovy::sim::detail
