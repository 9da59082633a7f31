// The finovy tool's output: error documents, tables, and the progress of waits. The models'
// JSON is the SDK's (finovy/json.hpp).
#include "cli.hpp"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace cli {

std::string iso_time(finovy::time_point t)
{
    auto secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
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
