// SPDX-License-Identifier: BSL-1.0
// The simulator's world driven directly, with a controlled clock: a fixture shared by the unit
// tests of its rules (sim_world_test.cpp) and of its limits and scripted faults (sim_limits_test.cpp).
#ifndef FINOVY_TEST_UNIT_SIM_WORLD_SUPPORT_HPP
#define FINOVY_TEST_UNIT_SIM_WORLD_SUPPORT_HPP

#include "../../src/sim/world.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <memory>
#include <optional>
#include <string>

namespace sim_test {

using namespace finovy::sim;
using namespace finovy::sim::detail;
using namespace std::chrono_literals;
namespace json = boost::json;

struct reply
{
    unsigned status;
    int code;
    json::value data;
    std::string msg;
};

struct sim_world
{
    options opts;
    clock::time_point now = clock::now();
    std::unique_ptr<world> w;
    std::string token = "static-test-token";

    explicit sim_world(options o = {}) : opts(std::move(o))
    {
        opts.static_tokens.push_back(token);
        w = std::make_unique<world>(opts, 42, now);
    }

    reply call(std::string_view method, std::string_view target, std::string_view body = {},
               std::optional<std::string> tok = std::nullopt)
    {
        auto a = w->handle(method, target, body, tok ? *tok : token, now);
        reply r{a.status, -1, nullptr, {}};
        boost::system::error_code ec;
        auto v = json::parse(a.body, ec);
        if (!ec && v.is_object())
        {
            r.code = static_cast<int>(v.at("code").to_number<std::int64_t>());
            if (auto* d = v.as_object().if_contains("data"))
                r.data = *d;
            if (auto* m = v.as_object().if_contains("msg"); m && m->is_string())
                r.msg = m->as_string();
        }
        return r;
    }

    int code(std::string_view method, std::string_view target, std::string_view body = {})
    {
        return call(method, target, body).code;
    }

    std::string login(const tenant& t)
    {
        auto r = call("POST", "/v1/auth/getToken",
                      json::serialize(json::object{{"uuid", t.uuid}, {"secret", t.secret}}), "");
        BOOST_REQUIRE_EQUAL(r.code, 0);
        return std::string(r.data.at("token").as_string());
    }

    std::string status(const std::string& id) { return std::string(call("GET", "/v1/pve/open/one/" + id).data.at("status").as_string()); }

    // A pay-as-you-go host of the demo tenant, by package and image.
    std::string create(std::string pkg = "Wy1KiMqtPO", std::string img = "507")
    {
        auto r = call("POST", "/v1/pve/open/createquantity",
                      json::serialize(json::object{{"packageId", pkg}, {"imageId", img}}));
        BOOST_REQUIRE_EQUAL(r.code, 0);
        BOOST_REQUIRE(r.data.as_bool());
        auto page = call("GET", "/v1/pve/open/mypage?page=1&pageSize=1");
        return std::string(page.data.at("data").as_array().at(0).at("id").as_string());
    }

    void start(const std::string& id)
    {
        BOOST_REQUIRE_EQUAL(code("GET", "/v1/pve/open/operate/" + id + "?type=1"), 0);
        now += opts.boot_time;
        BOOST_REQUIRE_EQUAL(status(id), "2");
    }

    void stop(const std::string& id)
    {
        BOOST_REQUIRE_EQUAL(code("GET", "/v1/pve/open/operate/" + id + "?type=0"), 0);
        now += opts.shutdown_time;
        BOOST_REQUIRE_EQUAL(status(id), "0");
    }
};


}   // namespace sim_test

#endif
