// SPDX-License-Identifier: BSL-1.0
// Errors as values: asio::as_tuple(asio::use_awaitable) gives (error_code, result) instead of
// throwing; a finovy::diagnostics passed to the call receives what the server said.
#include "common/example.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

using namespace std::chrono_literals;

asio::awaitable<void> co_main(finovy::client& api)
{
    constexpr auto tuple = asio::as_tuple(asio::use_awaitable);

    // A host that does not exist: API code 1021, whatever the HTTP status.
    finovy::diagnostics d;
    auto [ec, h] = co_await api.async_get_host("NoSuchHost", d, tuple);
    std::cout << "error_code: " << ec.message() << " (" << ec.category().name() << ':' << ec.value() << ")\n"
              << "server said: code " << d.api_code() << " \"" << d.api_message() << "\", traceId "
              << d.trace_id() << ", HTTP " << d.http_status() << ", " << d.attempts() << " attempt(s)\n"
              << "in one line: " << d.describe(ec) << '\n';
    if (ec != finovy::api_errc::host_not_found)
        throw std::runtime_error("expected host_not_found");

    // Per-call options and diagnostics together: a call_context.
    finovy::call_options quick{.attempt_timeout = 5s, .deadline = 10s, .max_attempts = 2};
    finovy::diagnostics d2;
    auto [ec2, images] = co_await api.async_list_images(finovy::call_context(quick, d2), tuple);
    if (ec2)
    {
        std::cout << "images failed: " << d2.describe(ec2) << '\n';
        co_return;
    }
    std::cout << images.size() << " images\n";

    // Compare an error_code with an api_errc or client_errc value directly.
    auto [ec3, disk] = co_await api.async_get_disk("NoSuchDisk", tuple);
    std::cout << "disk: " << ec3.message() << (ec3 == finovy::api_errc::disk_not_found ? " (220001)" : "") << '\n';
}
