// SPDX-License-Identifier: BSL-1.0
/// \file
/// Per-call settings, taken the same way by every operation: the client's `async_*` functions, the
/// waits, listings, creates and the watch hub.
///
/// \code
/// co_await api.async_get_host(id, finovy::call_options{.deadline = 5s});
/// finovy::diagnostics d;
/// auto [ec, h] = co_await api.async_get_host(id, d, asio::as_tuple(asio::use_awaitable));
/// co_await finovy::async_list_all_hosts(api, {}, finovy::call_context(opts, d));
/// \endcode
#ifndef FINOVY_CALL_CONTEXT_HPP
#define FINOVY_CALL_CONTEXT_HPP

#include <finovy/diagnostics.hpp>

#include <chrono>
#include <optional>
#include <string_view>
#include <type_traits>

namespace finovy {

/// \brief Overrides of client_options for one call (or for each request of a composed operation).
/// \details Unset members take the client's setting.
struct call_options
{
    std::optional<std::chrono::milliseconds> attempt_timeout;   ///< overrides client_options::attempt_timeout
    std::optional<std::chrono::milliseconds> deadline;          ///< overrides client_options::deadline
    std::optional<int> max_attempts;                            ///< overrides retry_policy::max_attempts
    /// Whether the request may be sent again after it possibly reached the server. Unset: the
    /// operation decides (reads yes; creates, power changes, deletes no; async_request: GET and HEAD
    /// only, but this API changes things with GETs, so say false for those).
    std::optional<bool> idempotent;
    /// Wait in the rate governor's background lane (rate_limit.hpp), behind every foreground call:
    /// for polling that can wait. The library's waiters and watch hub poll there.
    bool background = false;
    /// Echoed in the client's events (client_options::events), to correlate a call with the caller's
    /// own request. Never sent to the server. Copied when the operation starts.
    std::string_view tag;
};

/// \brief Per-call settings: options overriding the client's, and where to write diagnostics.
/// \details Converts from either, so that `async_get_host(id, diag)` and
/// `async_get_host(id, call_options{.deadline = 5s})` both work.
struct call_context
{
    /// No overrides, no diagnostics.
    call_context() = default;
    /// Diagnostics only. `d` is written when the operation completes: what went wrong on failure;
    /// on success, only diagnostics::attempts().
    call_context(diagnostics& d) noexcept : diag(&d) {}
    /// Options only.
    call_context(const call_options& o) : options(o) {}
    /// Options, and diagnostics (as above).
    call_context(const call_options& o, diagnostics& d) : options(o), diag(&d) {}

    call_options options;           ///< the overrides
    diagnostics* diag = nullptr;    ///< where to write diagnostics, or null; must outlive the operation
};

// Both are trivially destructible on purpose: GCC 12 destroys some temporaries of a co_await
// expression twice (`co_await api.async_get_host(id, call_options{...})`), which is harmless only
// for such types.
static_assert(std::is_trivially_destructible_v<call_options> && std::is_trivially_destructible_v<call_context>);

}   // namespace finovy

#endif
