// SPDX-License-Identifier: BSL-1.0
// The simulator's administration: /__sim endpoints, statistics, tenants, faults and the catalog.
#include "world.hpp"

#include "fields.hpp"

#include <limits>
#include <stdexcept>

namespace finovy::sim {

std::vector<tenant> default_tenants()
{
    // The first two are the accounts of the vendor's own examples (upstream/auth-getToken.md).
    return {
        {"A27550582", "9M8Lqh9aiq2cFELYAoqvLH1DMExkFvWEl5dsLOp72JE", 100000.0, true},
        {"B94230045", "7vIhzkQLKy/w8U9aLvE87foLBhz5LCp622WIoIvDbB4", 100000.0, true},
        {"U00000001", "unverified-secret", 100000.0, false},
        {"P00000001", "poor-secret", 0.5, true},
    };
}

const char* default_catalog_json()
{
    // Two storage types (so that 7005 can happen), both billing kinds, GPU and non-GPU, three areas.
    return R"({
  "images": [
    {"imageId": "4005", "type": "BL",   "systemImageName": "Ubuntu Server",  "systemImageVersion": "20.04 x64"},
    {"imageId": "4006", "type": "BL",   "systemImageName": "Debian",         "systemImageVersion": "12 x64"},
    {"imageId": "507",  "type": "ceph", "systemImageName": "Windows",        "systemImageVersion": "10 Pro x64"},
    {"imageId": "508",  "type": "ceph", "systemImageName": "Windows Server", "systemImageVersion": "2019 x64"},
    {"imageId": "509",  "type": "ceph", "systemImageName": "Ubuntu Server",  "systemImageVersion": "22.04 x64"}
  ],
  "packages": [
    {"packageId": "Wy1KiMqtPO", "name": "T使用---显卡*1", "gpuNumber": 1, "gpuName": "RTX 3090", "memoryNumber": 16,
     "rigidDiskNumber": 128, "cpuNumber": 4, "bandWidth": 30, "amount": 1.10, "discount": 1.00, "type": "ceph",
     "pveMachineType": "1", "area": "0", "useType": "2"},
    {"packageId": "teTapaSUFq", "name": "算法---显卡*4", "gpuNumber": 4, "gpuName": "A100", "memoryNumber": 128,
     "rigidDiskNumber": 500, "cpuNumber": 32, "bandWidth": 100, "amount": 12.50, "discount": 0.80, "type": "ceph",
     "pveMachineType": "2", "area": "1", "useType": "0", "capacity": 50},
    {"packageId": "Ofc2C4G8xx", "name": "办公---2核8G", "gpuNumber": 0, "gpuName": null, "memoryNumber": 8,
     "rigidDiskNumber": 80, "cpuNumber": 2, "bandWidth": 10, "amount": 0.30, "discount": 1.00, "type": "BL",
     "pveMachineType": "0", "area": "0", "useType": "0"},
    {"packageId": "Rnt8C32Gyy", "name": "包时段---显卡*2", "gpuNumber": 2, "gpuName": "RTX 4090", "memoryNumber": 32,
     "rigidDiskNumber": 256, "cpuNumber": 8, "bandWidth": 50, "amount": 2.40, "discount": 0.90, "type": "ceph",
     "pveMachineType": "1", "area": "2", "useType": "1"},
    {"packageId": "Lmt1GPUzzz", "name": "限量---显卡*1", "gpuNumber": 1, "gpuName": "RTX 3060", "memoryNumber": 16,
     "rigidDiskNumber": 128, "cpuNumber": 4, "bandWidth": 20, "amount": 0.90, "discount": 1.00, "type": "BL",
     "pveMachineType": "1", "area": "2", "useType": "2", "capacity": 1}
  ]
})";
}

boost::json::object to_json(const fault_options& f)
{
    boost::json::array paths;
    for (const auto& p : f.paths)
        paths.push_back(boost::json::string(p));
    return {
        {"latency_ms", f.latency.count()},
        {"latency_jitter_ms", f.latency_jitter.count()},
        {"listing_lag_ms", f.listing_lag.count()},
        {"listing_lag_jitter_ms", f.listing_lag_jitter.count()},
        {"http_error_rate", f.http_error_rate},
        {"malformed_rate", f.malformed_rate},
        {"truncated_rate", f.truncated_rate},
        {"close_every", f.close_every},
        {"reset_mid_response_rate", f.reset_mid_response_rate},
        {"reset_before_response_rate", f.reset_before_response_rate},
        {"rate_limit_rps", f.rate_limit_rps},
        {"rate_limit_mode", detail::name(f.rate_limit_mode)},
        {"rate_limit_algorithm", detail::name(f.rate_limit_algorithm)},
        {"pending_rate", f.pending_rate},
        {"error_http_status", f.error_http_status},
        {"paths", std::move(paths)},
        {"script", detail::script_json(f.script)},
    };
}

void merge_faults(fault_options& f, const boost::json::object& changes)
{
    fault_options out = f;
    auto number = [](const boost::json::value& v, std::string_view key) {
        if (!v.is_number())
            throw std::invalid_argument(std::string(key) + " must be a number");
        double d = v.to_number<double>();
        if (d < 0)
            throw std::invalid_argument(std::string(key) + " must not be negative");
        return d;
    };
    auto rate = [&](const boost::json::value& v, std::string_view key) {
        double d = number(v, key);
        if (d > 1)
            throw std::invalid_argument(std::string(key) + " must be in [0, 1]");
        return d;
    };
    // Bounded before the cast to an integer, which is undefined past the type's range.
    auto at_most = [&](const boost::json::value& v, std::string_view key, double max) {
        double d = number(v, key);
        if (!(d <= max))
            throw std::invalid_argument(std::string(key) + " must be at most " + std::to_string(std::int64_t(max)));
        return d;
    };
    constexpr double max_latency_ms = 86'400'000;   // a day: longer than any client waits
    for (const auto& [k, v] : changes)
    {
        if (k == "latency_ms")
            out.latency = std::chrono::milliseconds(static_cast<long>(at_most(v, k, max_latency_ms)));
        else if (k == "latency_jitter_ms")
            out.latency_jitter = std::chrono::milliseconds(static_cast<long>(at_most(v, k, max_latency_ms)));
        else if (k == "listing_lag_ms")
            out.listing_lag = std::chrono::milliseconds(static_cast<long>(at_most(v, k, max_latency_ms)));
        else if (k == "listing_lag_jitter_ms")
            out.listing_lag_jitter = std::chrono::milliseconds(static_cast<long>(at_most(v, k, max_latency_ms)));
        else if (k == "http_error_rate")
            out.http_error_rate = rate(v, k);
        else if (k == "malformed_rate")
            out.malformed_rate = rate(v, k);
        else if (k == "truncated_rate")
            out.truncated_rate = rate(v, k);
        else if (k == "close_every")
            out.close_every = static_cast<unsigned>(at_most(v, k, std::numeric_limits<unsigned>::max()));
        else if (k == "reset_mid_response_rate")
            out.reset_mid_response_rate = rate(v, k);
        else if (k == "reset_before_response_rate")
            out.reset_before_response_rate = rate(v, k);
        else if (k == "rate_limit_rps")
            out.rate_limit_rps = number(v, k);
        else if (k == "pending_rate")
            out.pending_rate = rate(v, k);
        else if (k == "rate_limit_mode")
        {
            if (!v.is_string() || (v.get_string() != "code" && v.get_string() != "http"))
                throw std::invalid_argument("rate_limit_mode must be \"code\" or \"http\"");
            out.rate_limit_mode = v.get_string() == "http" ? rate_limit_answer::http_429 : rate_limit_answer::api_code;
        }
        else if (k == "rate_limit_algorithm")
        {
            if (!v.is_string() || (v.get_string() != "sliding" && v.get_string() != "bucket"))
                throw std::invalid_argument("rate_limit_algorithm must be \"sliding\" or \"bucket\"");
            out.rate_limit_algorithm =
                v.get_string() == "bucket" ? rate_limiter::token_bucket : rate_limiter::sliding_window;
        }
        else if (k == "script")
            out.script = detail::parse_script(v);
        else if (k == "error_http_status")
        {
            if (!v.is_bool())
                throw std::invalid_argument("error_http_status must be true or false");
            out.error_http_status = v.get_bool();
        }
        else if (k == "paths")
        {
            if (!v.is_array())
                throw std::invalid_argument("paths must be an array of strings");
            out.paths.clear();
            for (const auto& p : v.get_array())
            {
                if (!p.is_string())
                    throw std::invalid_argument("paths must be an array of strings");
                out.paths.emplace_back(p.get_string());
            }
        }
        else
            throw std::invalid_argument("unknown fault: " + std::string(k));
    }
    f = std::move(out);
}

namespace detail {

const image_def* catalog::find_image(std::string_view id) const
{
    for (const auto& i : images)
        if (i.id == id)
            return &i;
    return nullptr;
}

const package_def* catalog::find_package(std::string_view id) const
{
    for (const auto& p : packages)
        if (p.id == id)
            return &p;
    return nullptr;
}

catalog parse_catalog(std::string_view text)
{
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object())
        throw std::invalid_argument("catalog: not a JSON object");
    catalog c;
    auto need_str = [](const json::object& o, std::string_view k) {
        auto f = str_field(o, k);
        if (!f.ok())
            throw std::invalid_argument("catalog: missing or bad " + std::string(k));
        return f.value;
    };
    auto need_int = [](const json::object& o, std::string_view k, std::int64_t def, bool required) {
        auto f = int_field(o, k);
        if (f.state == fstate::missing && !required)
            return def;
        if (!f.ok())
            throw std::invalid_argument("catalog: missing or bad " + std::string(k));
        return f.value;
    };
    auto number = [](const json::object& o, std::string_view k, double def) {
        auto it = o.find(k);
        auto d = it == o.end() ? finovy::detail::number_read<double>{} : finovy::detail::read_decimal(it->value());
        if (d.status == finovy::detail::number_status::absent)
            return def;
        if (!d.ok())
            throw std::invalid_argument("catalog: bad " + std::string(k));
        return d.value;
    };
    if (auto* imgs = v.get_object().if_contains("images"); imgs && imgs->is_array())
        for (const auto& e : imgs->get_array())
        {
            if (!e.is_object())
                throw std::invalid_argument("catalog: an image is not an object");
            const auto& o = e.get_object();
            c.images.push_back({need_str(o, "imageId"), need_str(o, "type"), need_str(o, "systemImageName"),
                                need_str(o, "systemImageVersion")});
        }
    if (auto* pkgs = v.get_object().if_contains("packages"); pkgs && pkgs->is_array())
        for (const auto& e : pkgs->get_array())
        {
            if (!e.is_object())
                throw std::invalid_argument("catalog: a package is not an object");
            const auto& o = e.get_object();
            package_def p;
            p.id = need_str(o, "packageId");
            p.name = need_str(o, "name");
            auto gn = str_field(o, "gpuName");
            p.gpu_name = gn.ok() ? gn.value : "";
            p.type = need_str(o, "type");
            p.gpu_number = static_cast<int>(need_int(o, "gpuNumber", 0, false));
            p.memory = static_cast<int>(need_int(o, "memoryNumber", 0, true));
            p.disk = static_cast<int>(need_int(o, "rigidDiskNumber", 0, true));
            p.cpu = static_cast<int>(need_int(o, "cpuNumber", 0, true));
            p.bandwidth = static_cast<int>(need_int(o, "bandWidth", 0, false));
            p.amount = number(o, "amount", 0);
            p.discount = number(o, "discount", 1);
            p.machine_use = static_cast<int>(need_int(o, "pveMachineType", 0, false));
            p.area = static_cast<int>(need_int(o, "area", 0, true));
            p.use_type = static_cast<int>(need_int(o, "useType", 2, false));
            p.capacity = static_cast<int>(need_int(o, "capacity", -1, false));
            if (p.area < 0 || p.area > 2 || p.use_type < 0 || p.use_type > 2)
                throw std::invalid_argument("catalog: area must be 0..2 and useType 0..2 in " + p.id);
            c.packages.push_back(std::move(p));
        }
    if (c.images.empty() || c.packages.empty())
        throw std::invalid_argument("catalog: needs at least one image and one package");
    return c;
}

// ---------------------------------------------------------------------------------------------

json::object world::stats(clock::time_point now)
{
    auto now_ms = sim_ms(now);
    json::object by_route, by_tenant, tenants, inj;
    std::uint64_t total = 0;
    for (const auto& [r, n] : requests_by_route_)
    {
        by_route[r] = n;
        total += n;
    }
    for (const auto& [k, n] : injected)
        inj[k] = n;
    for (auto& t : tenants_)
    {
        by_tenant[t->cfg.uuid] = t->requests;
        purge_disks(*t, now, now_ms);
        json::object by_status;
        for (auto* h : t->hosts)
        {
            advance_host(*h, now, now_ms);
            auto key = std::to_string(visible_status(*h, now_ms));
            by_status[key] = by_status.contains(key) ? by_status[key].as_int64() + 1 : 1;
        }
        tenants[t->cfg.uuid] = json::object{{"balance", balance(*t, now_ms)},
                                             {"real_name", t->cfg.real_name},
                                             {"hosts", t->hosts.size()},
                                             {"disks", t->disks.size()},
                                             {"hosts_by_status", std::move(by_status)}};
    }
    return {
        {"requests", json::object{{"total", total}, {"by_route", std::move(by_route)}, {"by_tenant", std::move(by_tenant)}}},
        {"connections", json::object{{"accepted", connections_accepted}, {"open", connections_open}}},
        {"tls", json::object{{"handshakes_full", handshakes_full},
                             {"handshakes_resumed", handshakes_resumed},
                             {"handshakes_failed", handshakes_failed}}},
        {"tokens_issued", tokens_issued_},
        {"faults_injected", std::move(inj)},
        {"rate_limit", rate_limit_stats()},
        {"tenants", std::move(tenants)},
        {"sim_time_ms", now_ms},
    };
}

void world::reset_stats()
{
    requests_by_route_.clear();
    limit_counts_.clear();
    injected.clear();
    for (auto& t : tenants_)
        t->requests = 0;
    connections_accepted = 0;
    handshakes_full = handshakes_resumed = handshakes_failed = 0;
    tokens_issued_ = 0;
}

void world::reset_state(clock::time_point now)
{
    hosts_.clear();
    disks_.clear();
    package_use_.clear();
    std::erase_if(tokens_, [](const auto& kv) { return kv.second.expires != clock::time_point::max(); });
    std::vector<tenant> cfgs = opts_.tenants.empty() ? default_tenants() : opts_.tenants;
    tenants_.clear();
    for (const auto& t : cfgs)
        upsert_tenant(t, now);
    for (auto& kv : tokens_)
        kv.second.owner = tenants_.front().get();
    offset_ms_ = 0;
}

json::object world::config_json() const
{
    return {{"create_answers", opts_.create_answers == create_answer::host_id ? "id" : "true"}};
}

answer world::admin(std::string_view method, std::string_view path, std::string_view query, std::string_view body,
                    clock::time_point now)
{
    answer a;
    a.route = std::string(method) + " " + std::string(path);
    auto ok = [&](const json::value& v) {
        a.body = json::serialize(v);
        return a;
    };
    auto bad = [&](unsigned status, std::string msg) {
        a.status = status;
        a.body = json::serialize(json::object{{"error", std::move(msg)}});
        return a;
    };
    json::object in;
    if (!body.empty())
    {
        boost::system::error_code ec;
        auto v = json::parse(body, ec);
        if (ec || !v.is_object())
            return bad(400, "the body must be a JSON object");
        in = std::move(v.get_object());
    }
    try
    {
        if (path == "/__sim/health" && method == "GET")
            return ok(json::object{{"ok", true}});
        if (path == "/__sim/stats" && method == "GET")
            return ok(stats(now));
        if (path == "/__sim/faults" && method == "GET")
            return ok(to_json(faults));
        if (path == "/__sim/faults" && (method == "PUT" || method == "POST"))
        {
            merge_faults(faults, in);
            return ok(to_json(faults));
        }
        if (path == "/__sim/config" && method == "GET")
            return ok(config_json());
        if (path == "/__sim/config" && (method == "PUT" || method == "POST"))
        {
            // Server options changeable at run time (kept across /__sim/reset).
            auto answers = opts_.create_answers;
            for (const auto& [k, v] : in)
            {
                if (k != "create_answers")
                    return bad(400, "unknown option: " + std::string(k));
                if (!v.is_string() || (v.get_string() != "true" && v.get_string() != "id"))
                    return bad(400, "create_answers must be \"true\" or \"id\"");
                answers = v.get_string() == "id" ? create_answer::host_id : create_answer::true_value;
            }
            opts_.create_answers = answers;
            return ok(config_json());
        }
        if (path == "/__sim/reset" && method == "POST")
        {
            auto flag = [&](std::string_view k, bool def) {
                auto* v = in.if_contains(k);
                return v && v->is_bool() ? v->get_bool() : def;
            };
            if (flag("state", true))
                reset_state(now);
            if (flag("stats", true))
                reset_stats();
            if (flag("faults", false))
                faults = opts_.faults;
            return ok(json::object{{"ok", true}});
        }
        if (path == "/__sim/time" && method == "POST")
        {
            auto ms = int_field(in, "advance_ms");
            if (!ms.ok() || ms.value < 0 || ms.value > max_offset_ms - offset_ms_)
                return bad(400, "advance_ms: a non-negative integer is required, and simulated time stays within "
                                "100 years of the real one (" + std::to_string(max_offset_ms - offset_ms_) +
                                " ms more at most)");
            advance(std::chrono::milliseconds(ms.value));
            return ok(json::object{{"sim_time_ms", sim_ms(now)}});
        }
        if (path == "/__sim/tenants" && method == "POST")
        {
            auto uuid = str_field(in, "uuid");
            if (!uuid.ok() || uuid.value.empty())
                return bad(400, "uuid is required");
            tenant t;
            if (auto* existing = find_tenant(uuid.value))
            {
                settle(*existing, sim_ms(now));
                t = existing->cfg;
            }
            t.uuid = uuid.value;
            if (auto s = str_field(in, "secret"); s.ok())
                t.secret = s.value;
            if (auto* b = in.if_contains("balance"); b && b->is_number())
                t.balance = b->to_number<double>();
            if (auto* r = in.if_contains("realName"); r && r->is_bool())
                t.real_name = r->get_bool();
            upsert_tenant(t, now);
            return ok(json::object{{"uuid", t.uuid}, {"balance", t.balance}, {"realName", t.real_name}});
        }
        if (path == "/__sim/hosts" && method == "GET")
        {
            auto uuid = query_param(query, "uuid");
            if (!uuid || !find_tenant(*uuid))
                return bad(400, "uuid: a tenant's uuid is required");
            json::array arr;
            for (const auto& h : hosts_of(std::string(*uuid)))
                arr.push_back(json::object{{"id", h.id},
                                           {"packageId", h.package_id},
                                           {"imageId", h.image_id},
                                           {"createTime", h.created_ms},
                                           {"visibleTime", h.visible_ms},
                                           {"status", h.status},
                                           {"useType", h.use_type}});
            return ok(json::object{{"hosts", std::move(arr)}});
        }
        if (path == "/__sim/hosts" && method == "POST")
        {
            auto uuid = str_field(in, "uuid");
            auto count = int_field(in, "count");
            if (!uuid.ok() || !count.ok() || count.value < 1 || count.value > 100000)
                return bad(400, "uuid and count (1..100000) are required");
            auto pkg = str_field(in, "packageId");
            auto img = str_field(in, "imageId");
            auto status = int_field(in, "status");
            if (status.state == fstate::bad || (status.ok() && status.value != 0 && status.value != 2))
                return bad(400, "status must be 0 or 2");
            auto ids = add_hosts(uuid.value, static_cast<std::size_t>(count.value), pkg.ok() ? pkg.value : "",
                                 img.ok() ? img.value : "", status.ok() ? static_cast<int>(status.value) : 0, now);
            json::array arr;
            for (auto& id : ids)
                arr.push_back(json::string(id));
            return ok(json::object{{"ids", std::move(arr)}});
        }
    }
    catch (const std::exception& e)
    {
        return bad(400, e.what());
    }
    return bad(404, "no such admin endpoint");
}

}   // namespace detail
}   // namespace finovy::sim
