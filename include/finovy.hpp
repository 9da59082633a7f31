// SPDX-License-Identifier: BSL-1.0
/// \file
/// finovy-cpp: the C++20 coroutine SDK for the Finovy (渲大师) cloud host-rental open API. This
/// umbrella header includes every public header but the simulator's (finovy/sim/).

/**
 * \mainpage finovy-cpp API reference
 *
 * A C++20 coroutine SDK for the Finovy (渲大师) cloud host-rental open API, in the Boost.Asio
 * family: every endpoint is an Asio asynchronous operation that takes any completion token.
 *
 * Where to start:
 * - finovy::client (client.hpp): every endpoint; what all operations share (completion tokens,
 *   errors, retries, executor, cancellation, thread safety, lifetimes) is on its page.
 * - finovy::client_options (client_options.hpp), finovy::call_options (call_context.hpp),
 *   finovy::load_configuration() (configuration.hpp).
 * - Waiting: finovy::async_wait_for_status() and the other waits (wait.hpp), finovy::watch_hub.
 * - Fleets: finovy::async_create_hosts() and the other creates (create.hpp); whole listings and
 *   finovy::host_pager (listing.hpp).
 * - Errors: finovy::api_errc, finovy::client_errc (error.hpp), finovy::diagnostics.
 * - Pacing: rate_limit.hpp (the rate governor and the retry budget).
 * - Testing: finovy::sim::server (sim/server.hpp).
 *
 * The guides are in the repository's docs/ directory (docs/README.md).
 */

/// \namespace finovy
/// The SDK.

/// \namespace finovy::sim
/// finovy-sim, the simulator of the API, in-process (CMake target `finovy::sim`).

#ifndef FINOVY_HPP
#define FINOVY_HPP

#include <finovy/call_context.hpp>
#include <finovy/client.hpp>
#include <finovy/client_options.hpp>
#include <finovy/configuration.hpp>
#include <finovy/create.hpp>
#include <finovy/create_journal.hpp>
#include <finovy/create_options.hpp>
#include <finovy/credentials.hpp>
#include <finovy/decode.hpp>
#include <finovy/diagnostics.hpp>
#include <finovy/enums.hpp>
#include <finovy/error.hpp>
#include <finovy/json.hpp>
#include <finovy/events.hpp>
#include <finovy/listing.hpp>
#include <finovy/metrics.hpp>
#include <finovy/models.hpp>
#include <finovy/rate_limit.hpp>
#include <finovy/reconcile.hpp>
#include <finovy/secret.hpp>
#include <finovy/stats.hpp>
#include <finovy/wait.hpp>
#include <finovy/watch_hub.hpp>
#include <finovy/with_diagnostics.hpp>

#endif
