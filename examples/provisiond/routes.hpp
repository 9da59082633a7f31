// SPDX-License-Identifier: BSL-1.0
// provisiond's HTTP API: the routes, the JSON they read and write, and /metrics.
//
//   POST   /fleets        {"package": "...", "image": "...", "count": N, "start": true}  -> 202 {"id": "..."}
//   GET    /fleets        {"fleets": [...]}, each without its hosts
//   GET    /fleets/{id}   {"id", "requested", "created", "running", "failed", "done", "hosts": [...], ...}
//   DELETE /fleets/{id}   cancels the fleet's work and deletes its hosts: 202 (again: 200)
//   GET    /metrics       the client's counters and histograms, Prometheus text format 0.0.4
//   GET    /healthz       ok
//
// Errors are JSON, {"error": "..."}: 400 (a body that is not the JSON above), 401 (an API key is
// set and the request does not carry it), 404 (no such path or fleet), 405 (a method the path does
// not take, with Allow), 503 (the service is stopping, or its state file cannot be written).
//
// With an API key (--api-key-file), every request but GET /healthz must carry it, as
// `Authorization: Bearer KEY` or `X-API-Key: KEY`; without it nothing is done.
#ifndef PROVISIOND_ROUTES_HPP
#define PROVISIOND_ROUTES_HPP

#include "fleets.hpp"
#include "http_server.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace provisiond {

struct route_settings
{
    std::size_t max_count = 100;   // hosts per fleet
    std::string api_key;           // empty: none asked for
};

// The service's request handler. `api` and `fleets` must outlive the server.
request_handler make_routes(finovy::client& api, fleet_registry& fleets, route_settings settings);

// A POST /fleets body, or why it is not one.
std::variant<fleet_spec, std::string> parse_fleet_spec(std::string_view body, std::size_t max_count);

}   // namespace provisiond

#endif
