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

asio::awaitable<response> create_fleet(context& c, const request& req)
{
    auto parsed = parse_fleet_spec(req.body(), c.settings.max_count);
    if (auto* why = std::get_if<std::string>(&parsed))
        co_return json_error(http::status::bad_request, *why);
    std::string why;
    auto op = c.fleets.create(std::move(std::get<fleet_spec>(parsed)), why);
    auto id = co_await std::move(op);
    if (!id)
        co_return json_error(http::status::service_unavailable, why);
    auto res = json_value_response(http::status::accepted, json::object{{"id", *id}});
    res.set(http::field::location, "/fleets/" + *id);
    co_return res;
}

asio::awaitable<response> fleet_resource(context& c, const request& req, std::string id)
{
    if (req.method() == http::verb::get)
    {
        if (auto doc = co_await c.fleets.describe(id))
            co_return json_value_response(http::status::ok, *doc);
    }
    else if (req.method() == http::verb::delete_)
    {
        auto r = co_await c.fleets.remove(id);
        auto brief = co_await c.fleets.describe(id, false);
        switch (r)
        {
        case removal::started: co_return json_value_response(http::status::accepted, *brief);
        case removal::repeated: co_return json_value_response(http::status::ok, *brief);
        case removal::stopping: co_return json_error(http::status::service_unavailable, "the service is stopping");
        case removal::not_found: break;
        }
    }
    else
        co_return method_not_allowed("GET, DELETE");
    co_return json_error(http::status::not_found, "no fleet " + id);
}

// The key, compared in a time that does not depend on where it differs.
bool carries_key(const request& req, const std::string& key)
{
    std::string_view given = req[http::field::authorization];
    if (given.starts_with("Bearer "))
        given.remove_prefix(7);
    else
        given = req["X-API-Key"];
    unsigned char diff = given.size() == key.size() ? 0 : 1;
    for (std::size_t i = 0; i < key.size(); ++i)
        diff |= static_cast<unsigned char>(key[i] ^ (i < given.size() ? given[i] : 0));
    return diff == 0;
}

asio::awaitable<response> route(context& c, const request& req)
{
    std::string_view path = req.target();
    path = path.substr(0, path.find('?'));   // no route takes a query
    auto method = req.method();
    if (path == "/healthz")
    {
        if (method != http::verb::get)
            co_return method_not_allowed("GET");
        response res{http::status::ok, 11};
        res.set(http::field::content_type, "text/plain");
        res.body() = "ok\n";
        co_return res;
    }
    if (!c.settings.api_key.empty() && !carries_key(req, c.settings.api_key))
    {
        auto res = json_error(http::status::unauthorized, "an API key is required (Authorization: Bearer KEY)");
        res.set(http::field::www_authenticate, "Bearer");
        co_return res;
    }
    if (path == "/metrics")
        co_return method == http::verb::get ? metrics(c) : method_not_allowed("GET");
    if (path == "/fleets" || path == "/fleets/")
    {
        if (method == http::verb::post)
            co_return co_await create_fleet(c, req);
        if (method == http::verb::get)
            co_return json_value_response(http::status::ok, c.fleets.list());
        co_return method_not_allowed("GET, POST");
    }
    constexpr std::string_view prefix = "/fleets/";
    if (path.starts_with(prefix) && path.find('/', prefix.size()) == std::string_view::npos)
        co_return co_await fleet_resource(c, req, std::string(path.substr(prefix.size())));
    co_return json_error(http::status::not_found, "no such resource");
}

// A coroutine that is a plain function, not a lambda: it holds its context itself.
asio::awaitable<response> handle(std::shared_ptr<context> c, const request& req)
{
    co_return co_await route(*c, req);
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
