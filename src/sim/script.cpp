// SPDX-License-Identifier: BSL-1.0
// Scripted faults: "the next N requests to path P answer X", matched, answered and read from JSON.
#include "world.hpp"

#include "fields.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <stdexcept>
#include <type_traits>

namespace finovy::sim {

namespace {

bool same_method(std::string_view a, std::string_view b)
{
    return std::ranges::equal(a, b, [](char x, char y) {
        return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
    });
}

bool matches(const scripted_fault& f, std::string_view method, std::string_view path)
{
    return f.count > 0 && path.substr(0, 4) == "/v1/" && path.find(f.path) != std::string_view::npos &&
           (f.method.empty() || same_method(f.method, method));
}

}   // namespace

void validate(const scripted_fault& f)
{
    if (f.count == 0)
        throw std::invalid_argument("script: count must be at least 1");
    if (f.http_status != 0 && (f.http_status < 200 || f.http_status > 599))
        throw std::invalid_argument("script: http_status must be in 200..599");
    if ((f.code != 0 || f.http_status != 0) == f.reset)
        throw std::invalid_argument("script: an entry needs exactly one answer: code, http_status or reset");
}

namespace detail {

json::array script_json(const std::vector<scripted_fault>& script)
{
    json::array out;
    for (const auto& f : script)
        out.push_back(json::object{{"path", f.path},
                                   {"method", f.method},
                                   {"count", f.count},
                                   {"code", f.code},
                                   {"http_status", f.http_status},
                                   {"retry_after", f.retry_after},
                                   {"process", f.process},
                                   {"reset", f.reset}});
    return out;
}

std::vector<scripted_fault> parse_script(const json::value& v)
{
    if (!v.is_array())
        throw std::invalid_argument("script must be an array of objects");
    std::vector<scripted_fault> out;
    for (const auto& e : v.get_array())
    {
        if (!e.is_object())
            throw std::invalid_argument("script must be an array of objects");
        const auto& o = e.get_object();
        scripted_fault f;
        auto text = [&](std::string_view k, std::string& to) {
            if (auto* x = o.if_contains(k))
            {
                if (!x->is_string())
                    throw std::invalid_argument("script: " + std::string(k) + " must be a string");
                to = x->get_string();
            }
        };
        auto number = [&](std::string_view k, auto& to, std::int64_t lo, std::int64_t hi) {
            auto n = int_field(o, k);
            if (n.state == fstate::missing)
                return;
            if (!n.ok() || !o.at(k).is_number() || n.value < lo || n.value > hi)
                throw std::invalid_argument("script: " + std::string(k) + " must be an integer in " +
                                            std::to_string(lo) + ".." + std::to_string(hi));
            to = static_cast<std::remove_reference_t<decltype(to)>>(n.value);
        };
        auto flag = [&](std::string_view k, bool& to) {
            if (auto* x = o.if_contains(k))
            {
                if (!x->is_bool())
                    throw std::invalid_argument("script: " + std::string(k) + " must be true or false");
                to = x->get_bool();
            }
        };
        static constexpr std::string_view keys[] = {"path", "method", "count", "code", "http_status",
                                                    "retry_after", "process", "reset"};
        for (const auto& kv : o)
            if (std::ranges::find(keys, std::string_view(kv.key())) == std::end(keys))
                throw std::invalid_argument("script: unknown key " + std::string(kv.key()));
        if (!o.contains("path"))
            throw std::invalid_argument("script: path is required");
        text("path", f.path);
        text("method", f.method);
        number("count", f.count, 1, 1'000'000'000);
        number("code", f.code, INT32_MIN, INT32_MAX);
        number("http_status", f.http_status, 200, 599);
        number("retry_after", f.retry_after, 0, 86400);
        flag("process", f.process);
        flag("reset", f.reset);
        validate(f);
        out.push_back(std::move(f));
    }
    return out;
}

std::string html_error(unsigned status)
{
    auto reason = [&]() -> std::string_view {
        switch (status)
        {
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 429: return "Too Many Requests";
        case 500: return "Internal Server Error";
        case 502: return "Bad Gateway";
        case 503: return "Service Temporarily Unavailable";
        case 504: return "Gateway Time-out";
        default: return "Error";
        }
    }();
    return "<html><head><title>" + std::to_string(status) + " " + std::string(reason) +
           "</title></head><body><center><h1>" + std::to_string(status) +
           "</h1></center><hr><center>nginx</center></body></html>\n";
}

bool world::scripted(std::string_view method, std::string_view path) const
{
    return std::ranges::any_of(faults.script, [&](const scripted_fault& f) { return matches(f, method, path); });
}

std::vector<scripted_fault>::iterator world::find_script(std::string_view method, std::string_view path)
{
    return std::ranges::find_if(faults.script, [&](const scripted_fault& f) { return matches(f, method, path); });
}

answer world::scripted_answer(const scripted_fault& f, answer real)
{
    answer a;
    if (f.reset)
        a.reset = true;
    else if (f.code != 0)
    {
        a = fail(f.code, "scripted fault: code " + std::to_string(f.code));
        if (f.http_status != 0)
            a.status = f.http_status;
    }
    else
    {
        a.status = f.http_status;
        a.body = html_error(f.http_status);
    }
    if (f.retry_after != 0)
        a.retry_after = f.retry_after;
    a.route = std::move(real.route);
    a.tenant = std::move(real.tenant);
    a.scripted = true;
    return a;
}

}   // namespace detail
}   // namespace finovy::sim
