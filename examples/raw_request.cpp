// SPDX-License-Identifier: BSL-1.0
// client::async_request: any request through the client's pool, TLS, timeouts and retries, for
// an endpoint the SDK does not cover yet. The answer comes back uninterpreted: any HTTP status
// is a success, and the body is the server's text.
#include "common/example.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/parse.hpp>

using boost::beast::http::verb;

asio::awaitable<void> co_main(finovy::client& api)
{
    // A documented endpoint, read raw: the API's envelope {"code", "msg", "data", ...}.
    // with_token = true adds the access token (fetched first if need be).
    finovy::raw_response r = co_await api.async_request(verb::get, "/v1/pve/open/image", {}, true, {});
    auto doc = boost::json::parse(r.body).as_object();
    std::cout << "HTTP " << r.status << ", code " << doc.at("code") << ", " << doc.at("data").as_array().size()
              << " images\n";

    // This API changes things with GETs: say so, and a failed attempt is not sent again.
    finovy::call_options not_idempotent{.idempotent = false};
    auto [ec, page] = co_await api.async_request(verb::get, "/v1/pve/open/mypage?page=1&size=5", {}, true,
                                                 not_idempotent, asio::as_tuple(asio::use_awaitable));
    std::cout << "mypage: " << (ec ? ec.message() : "HTTP " + std::to_string(page.status)) << '\n';

    // The simulator's own statistics; a real endpoint answers 404, which is no error here.
    auto stats = co_await api.async_request(verb::get, "/__sim/stats", {}, false, {});
    if (stats.status == 200)
        std::cout << "simulator stats: " << stats.body.substr(0, 100) << "...\n";
    else
        std::cout << "/__sim/stats: HTTP " << stats.status << " (not a simulator)\n";
}
