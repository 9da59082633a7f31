// SPDX-License-Identifier: BSL-1.0
// provisiond's HTTP API (see routes.hpp).
#include "routes.hpp"

#include <finovy/impl/internal/number.hpp>   // the SDK's reader of numbers
#include <finovy/json.hpp>
#include <finovy/metrics.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>

namespace provisiond {

namespace json = boost::json;

namespace {

struct context
{
    finovy::client& api;
    fleet_registry& fleets;
    route_settings settings;
};

response json_value_response(http::status status, const json::value& v)
{
    return json_response(status, finovy::to_json_text(v));
}

response method_not_allowed(std::string_view allow)
{
    auto res = json_error(http::status::method_not_allowed, "method not allowed; allowed: " + std::string(allow));
    res.set(http::field::allow, allow);
    return res;
}

response metrics(const context& c)
{
    std::string body = finovy::to_prometheus(c.api.stats());
    body += "# HELP provisiond_fleets Fleets of the service per state.\n"
            "# TYPE provisiond_fleets gauge\n";
    for (const auto& [state, n] : c.fleets.count_by_state())
        body += "provisiond_fleets{state=\"" + state + "\"} " + std::to_string(n) + '\n';
    response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.set(http::field::server, "provisiond");
    res.body() = std::move(body);
    return res;
}

response create_fleet(context& c, const request& req)
{
    auto parsed = parse_fleet_spec(req.body(), c.settings.max_count);
    if (auto* why = std::get_if<std::string>(&parsed))
        return json_error(http::status::bad_request, *why);
    auto id = c.fleets.create(std::move(std::get<fleet_spec>(parsed)));
    if (!id)
        return json_error(http::status::service_unavailable, "the service is stopping");
    auto res = json_value_response(http::status::accepted, json::object{{"id", *id}});
    res.set(http::field::location, "/fleets/" + *id);
    return res;
}

response fleet_resource(context& c, const request& req, std::string_view id)
{
    if (req.method() == http::verb::get)
    {
        if (auto doc = c.fleets.describe(id))
            return json_value_response(http::status::ok, *doc);
    }
    else if (req.method() == http::verb::delete_)
    {
        switch (c.fleets.remove(id))
        {
        case removal::started: return json_value_response(http::status::accepted, *c.fleets.describe(id, false));
        case removal::repeated: return json_value_response(http::status::ok, *c.fleets.describe(id, false));
        case removal::stopping: return json_error(http::status::service_unavailable, "the service is stopping");
        case removal::not_found: break;
        }
    }
    else
        return method_not_allowed("GET, DELETE");
    return json_error(http::status::not_found, "no fleet " + std::string(id));
}

response route(context& c, const request& req)
{
    std::string_view path = req.target();
    path = path.substr(0, path.find('?'));   // no route takes a query
    auto method = req.method();
    if (path == "/healthz")
    {
        if (method != http::verb::get)
            return method_not_allowed("GET");
        response res{http::status::ok, 11};
        res.set(http::field::content_type, "text/plain");
        res.body() = "ok\n";
        return res;
    }
    if (path == "/metrics")
        return method == http::verb::get ? metrics(c) : method_not_allowed("GET");
    if (path == "/fleets" || path == "/fleets/")
    {
        if (method == http::verb::post)
            return create_fleet(c, req);
        if (method == http::verb::get)
            return json_value_response(http::status::ok, c.fleets.list());
        return method_not_allowed("GET, POST");
    }
    constexpr std::string_view prefix = "/fleets/";
    if (path.starts_with(prefix) && path.find('/', prefix.size()) == std::string_view::npos)
        return fleet_resource(c, req, path.substr(prefix.size()));
    return json_error(http::status::not_found, "no such resource");
}

// A coroutine that is a plain function, not a lambda: it holds its context itself.
asio::awaitable<response> handle(std::shared_ptr<context> c, const request& req)
{
    co_return route(*c, req);
}

}   // namespace

std::variant<fleet_spec, std::string> parse_fleet_spec(std::string_view body, std::size_t max_count)
{
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec)
        return "the body is not JSON: " + ec.message();
    auto* o = v.if_object();
    if (!o)
        return std::string("the body must be a JSON object");
    for (const auto& kv : *o)
        if (kv.key() != "package" && kv.key() != "image" && kv.key() != "count" && kv.key() != "start")
            return "unknown field \"" + std::string(kv.key()) + "\" (fields: package, image, count, start)";

    fleet_spec spec;
    auto id_field = [&](std::string_view name, std::string& out) -> std::string {
        auto* f = o->if_contains(name);
        if (!f)
            return std::string("missing field \"").append(name).append("\"");
        if (f->is_string())
            out = f->get_string();
        else if (auto text = finovy::detail::integer_text(*f); text && text->front() != '-')
            out = std::move(*text);   // image ids are often written as numbers; none is negative
        if (out.empty() || out.size() > 64)
            return std::string("\"").append(name).append("\" must be an id: a string of 1 to 64 characters");
        return {};
    };
    if (auto why = id_field("package", spec.package); !why.empty())
        return why;
    if (auto why = id_field("image", spec.image); !why.empty())
        return why;

    auto* count = o->if_contains("count");
    if (!count)
        return std::string("missing field \"count\"");
    // A JSON number (a string is refused: this API is ours, not the vendor's), read as the SDK
    // reads the API's integers: 3.0 is 3, 1e300 is out of range.
    auto n = count->is_number() ? finovy::detail::read_integer(*count)
                                : finovy::detail::number_read<std::int64_t>{finovy::detail::number_status::bad};
    if (n.status == finovy::detail::number_status::bad)
        return std::string("\"count\" must be an integer");
    if (!n.ok() || n.value <= 0 || static_cast<std::uint64_t>(n.value) > max_count)
        return "\"count\" must be between 1 and " + std::to_string(max_count);
    spec.count = static_cast<std::size_t>(n.value);

    if (auto* start = o->if_contains("start"))
    {
        if (!start->is_bool())
            return std::string("\"start\" must be true or false");
        spec.start = start->get_bool();
    }
    return spec;
}

request_handler make_routes(finovy::client& api, fleet_registry& fleets, route_settings settings)
{
    auto c = std::make_shared<context>(context{api, fleets, settings});
    return [c](const request& req) { return handle(c, req); };
}

}   // namespace provisiond
