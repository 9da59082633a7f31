// SPDX-License-Identifier: BSL-1.0
// The finovy tool's output: error documents, tables, and the progress of waits. The models'
// JSON is the SDK's (finovy/json.hpp).
#include "cli.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <map>
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

std::string table(const std::vector<std::vector<std::string>>& rows, bool headers)
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
    for (std::size_t i = headers ? 0 : 1; i < rows.size(); ++i)
    {
        const auto& r = rows[i];
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
        lines_.push_back({std::move(id), "", false});
}

progress::~progress() { end(); }

double progress::elapsed() const
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void progress::plain(const std::string& what)
{
    std::ostringstream os;
    os << what << " (" << std::fixed << std::setprecision(1) << elapsed() << " s)\n";
    std::cerr << os.str();
}

void progress::set_title(std::string title)
{
    if (!enabled_ || title == title_)
        return;
    title_ = std::move(title);
    if (tty_)
        redraw(false);
    else
        plain(title_);
}

progress::line& progress::find(const std::string& id)
{
    for (auto& l : lines_)
        if (l.id == id)
            return l;
    lines_.push_back({id, "", false});
    return lines_.back();
}

void progress::update(const std::string& id, const std::string& status)
{
    if (!enabled_)
        return;
    auto& l = find(id);
    if (l.status == status)
        return;
    l.status = status;
    if (tty_)
        redraw(false);
    else
        plain(id + ": " + status);
}

void progress::finish(const std::string& id, const std::string& result)
{
    if (!enabled_)
        return;
    auto& l = find(id);
    bool changed = l.status != result;
    l.status = result;
    l.done = true;
    if (tty_)
        redraw(false);
    else if (changed)
        plain(id + ": " + result);
}

void progress::tick()
{
    if (on_terminal())
        redraw(true);
}

void progress::end()
{
    if (on_terminal() && !ended_)
        redraw(true);
    ended_ = true;
}

void progress::redraw(bool force)
{
    // At most ten draws a second: a fleet's statuses change by the thousand.
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_draw_ < std::chrono::milliseconds(100))
        return;
    last_draw_ = now;
    std::size_t rows = 24;
    winsize ws{};
    if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
        rows = ws.ws_row;
    std::ostringstream clock;
    clock << std::fixed << std::setprecision(1) << elapsed() << " s";
    std::vector<std::string> out;
    if (!title_.empty())
        out.push_back(title_ + "  " + clock.str());
    if (lines_.size() + out.size() + 1 < std::min<std::size_t>(rows, 20))
        for (const auto& l : lines_)
            out.push_back(l.id + "  " + (l.done ? "" : "... ") + (l.status.empty() ? "pending" : l.status) + (title_.empty() ? "  " + clock.str() : ""));
    else
    {
        // Too many to draw: one line of counts by status.
        std::map<std::string, std::size_t> by;
        std::size_t done = 0;
        for (const auto& l : lines_)
        {
            ++by[l.status.empty() ? "pending" : l.status];
            done += l.done ? 1 : 0;
        }
        std::string s = std::to_string(done) + " of " + std::to_string(lines_.size()) + " done:";
        for (const auto& [status, n] : by)
            s += " " + status + " " + std::to_string(n) + ",";
        s.pop_back();
        out.push_back(s + (title_.empty() ? "  " + clock.str() : ""));
    }
    std::string text;
    if (drawn_ > 0)
        text += "\x1b[" + std::to_string(drawn_) + "F";   // back to the first line drawn last time
    for (const auto& l : out)
        text += "\x1b[2K" + l + "\n";
    text += "\x1b[J";   // clears what the last drawing had below
    std::cerr << text << std::flush;
    drawn_ = out.size();
}

}   // namespace cli
