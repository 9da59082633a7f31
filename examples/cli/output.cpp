// The finovy tool's output: JSON documents, tables, and the progress of waits.
#include "cli.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace cli {

namespace {
template <class T>
json::value opt(const std::optional<T>& v)
{
    return v ? json::value(*v) : json::value(nullptr);
}
std::string name_of(auto e) { return std::string(finovy::to_string(e)); }
}   // namespace

std::string iso_time(finovy::time_point t)
{
    auto secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

static long long ms(finovy::time_point t)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

json::value to_json(const finovy::host& h, bool show_password)
{
    json::object o{
        {"id", h.id},
        {"name", h.name},
        {"status", name_of(h.status)},
        {"status_code", static_cast<int>(h.status)},
        {"billing", name_of(h.billing)},
        {"gpu_configuration", h.gpu_configuration},
        {"gpu_count", opt(h.gpu_count)},
        {"cpu_count", h.cpu_count},
        {"memory_gb", h.memory_gb},
        {"disk_gb", h.disk_gb},
        {"operating_system", h.operating_system},
        {"account", opt(h.account)},
        {"address", opt(h.address)},
        {"port", opt(h.port)},
        {"mac", opt(h.mac)},
        {"ipv4", opt(h.ipv4)},
        {"use", name_of(h.use)},
        {"area", h.area ? json::value(name_of(*h.area)) : json::value(nullptr)},
        {"created", iso_time(h.created)},
        {"created_ms", ms(h.created)},
        {"expires_ms", h.expires ? json::value(ms(*h.expires)) : json::value(nullptr)},
    };
    if (show_password)
        o["password"] = h.password ? json::value(std::string(h.password->reveal())) : json::value(nullptr);
    return o;
}

json::value to_json(const finovy::disk& d)
{
    return json::object{
        {"id", d.id},
        {"name", d.name},
        {"status", name_of(d.status)},
        {"status_code", static_cast<int>(d.status)},
        {"size_gb", d.size_gb},
        {"area", name_of(d.area)},
        {"host_id", opt(d.host_id)},
        {"ever_mounted", d.ever_mounted},
        {"bus", d.bus},
        {"price_per_hour", d.price_per_hour},
        {"created", iso_time(d.created)},
    };
}

json::value to_json(const finovy::image& i)
{
    return json::object{{"id", i.id}, {"type", i.type}, {"system", i.system_name}, {"version", i.system_version}};
}

json::value to_json(const finovy::host_package& p)
{
    return json::object{
        {"id", p.id},
        {"name", p.name},
        {"gpu_count", p.gpu_count},
        {"gpu_name", opt(p.gpu_name)},
        {"cpu_count", p.cpu_count},
        {"memory_gb", p.memory_gb},
        {"disk_gb", p.disk_gb},
        {"bandwidth_mbps", p.bandwidth_mbps},
        {"price_per_hour", p.price_per_hour},
        {"discount", p.discount},
        {"effective_price_per_hour", p.effective_price_per_hour()},
        {"type", p.type},
        {"use", name_of(p.use)},
        {"area", name_of(p.area)},
        {"billing", name_of(p.billing)},
    };
}

json::value error_json(const finovy::error_code& ec, const finovy::diagnostics& d)
{
    json::object o{
        {"category", ec.category().name()},
        {"code", ec.value()},
        {"message", ec.message()},
        {"detail", d.client_message()},
    };
    if (d.api_code() != 0)
    {
        o["api_code"] = d.api_code();
        o["api_message"] = d.api_message();
    }
    if (!d.trace_id().empty())
        o["trace_id"] = d.trace_id();
    if (d.http_status() != 0)
        o["http_status"] = d.http_status();
    return o;
}

std::string table(const std::vector<std::vector<std::string>>& rows)
{
    if (rows.empty())
        return {};
    // Column widths in display columns: CJK characters take two.
    auto width = [](const std::string& s) {
        std::size_t w = 0;
        for (std::size_t i = 0; i < s.size();)
        {
            auto c = static_cast<unsigned char>(s[i]);
            std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
            w += len >= 3 ? 2 : 1;
            i += len;
        }
        return w;
    };
    std::vector<std::size_t> widths;
    for (const auto& r : rows)
        for (std::size_t k = 0; k < r.size(); ++k)
        {
            if (widths.size() <= k)
                widths.push_back(0);
            widths[k] = std::max(widths[k], width(r[k]));
        }
    std::ostringstream os;
    for (const auto& r : rows)
    {
        for (std::size_t k = 0; k < r.size(); ++k)
        {
            os << r[k];
            if (k + 1 < r.size())
                os << std::string(widths[k] - width(r[k]) + 2, ' ');
        }
        os << '\n';
    }
    return os.str();
}

progress::progress(std::vector<std::string> ids, bool enabled)
    : start_(std::chrono::steady_clock::now()), enabled_(enabled), tty_(isatty(2) != 0)
{
    for (auto& id : ids)
        lines_.push_back({std::move(id), "waiting", false});
}

void progress::update(const std::string& id, const std::string& status)
{
    if (!enabled_)
        return;
    for (auto& l : lines_)
        if (l.id == id && l.status != status)
        {
            l.status = status;
            if (!tty_)
            {
                auto s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
                std::cerr << id << ": " << status << " (" << std::fixed << std::setprecision(1) << s << " s)\n";
            }
        }
    if (tty_)
        redraw();
}

void progress::finish(const std::string& id, const std::string& result)
{
    bool changed = false;
    for (auto& l : lines_)
        if (l.id == id)
        {
            changed = l.status != result;
            l.status = result;
            l.done = true;
        }
    if (!enabled_)
        return;
    if (tty_)
        redraw();
    else if (changed)
    {
        auto s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        std::cerr << id << ": " << result << " (" << std::fixed << std::setprecision(1) << s << " s)\n";
    }
}

void progress::redraw()
{
    // Move back over the lines drawn before, then draw them again.
    if (drawn_)
        std::cerr << "\x1b[" << lines_.size() << "F";
    auto s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    for (const auto& l : lines_)
        std::cerr << "\x1b[2K" << l.id << "  " << (l.done ? "" : "... ") << l.status << "  " << std::fixed
                  << std::setprecision(1) << s << " s\n";
    std::cerr << std::flush;
    drawn_ = true;
}

}   // namespace cli
