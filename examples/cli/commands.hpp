// SPDX-License-Identifier: BSL-1.0
// What the finovy tool's commands share: per-call settings, errors, several ids at once.
#ifndef FINOVY_CLI_COMMANDS_HPP
#define FINOVY_CLI_COMMANDS_HPP

#include "cli.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sstream>

namespace cli {

namespace asio = boost::asio;
using finovy::error_code;

inline constexpr auto tok = asio::as_tuple(asio::use_awaitable);

// The per-call settings of every request: the --timeout deadline and a diagnostics object.
finovy::call_context call(const globals& g, finovy::diagnostics& d);

// "finovy: error: [what: ]<description> (category:code)" on stderr.
void report(const std::string& what, const error_code& ec, const finovy::diagnostics& d);

// 3 for a wait that timed out, else 1.
int exit_for(const error_code& ec, bool waiting);
// Folds one more result's exit code in: a timeout while waiting wins, then a failure.
int worse(int so_far, int next);

// A failed single call: reported, with {"error": ...} as the JSON document.
outcome failed(const error_code& ec, const finovy::diagnostics& d, bool waiting = false);

template <class T>
std::string status_text(const T& object)   // a host's or a disk's status name
{
    std::ostringstream os;
    os << object.status;
    return os.str();
}

std::string or_dash(const std::optional<std::string>& s);

// --poll-interval, and the wait's deadline (--timeout, else ten minutes).
std::chrono::milliseconds poll_interval(const invocation& inv);
std::chrono::milliseconds wait_timeout(const globals& g);

// One result per id of a multi-id command.
struct per_id
{
    std::string id;
    error_code ec;
    finovy::diagnostics diag;
    json::value object;   // the host or disk (null: not known)
    std::string done;     // what happened, for the table and "result"
};

// Runs f(result) for every id at once and waits for all; results in the order of the ids.
template <class F>
asio::awaitable<std::vector<per_id>> for_ids(const std::vector<std::string>& ids, F f)
{
    std::vector<per_id> results(ids.size());
    std::size_t left = ids.size();
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
    for (std::size_t i = 0; i < ids.size(); ++i)
    {
        results[i].id = ids[i];
        asio::co_spawn(
            ex,
            [&, i]() -> asio::awaitable<void> {
                co_await f(results[i]);
                if (--left == 0)
                    all_done.cancel();
            },
            asio::detached);
    }
    if (left > 0)
        co_await all_done.async_wait(tok);
    co_return results;
}

// The outcome of a multi-id command, the one shape of their failures: a table ID/RESULT with a row
// "error: <message>" per failed id, a line per failure on stderr, and a JSON array of
// {"id", "ok", "result" (when ok), key: the object (when known), "error" (when not ok)}.
outcome summarize(const globals& g, const std::vector<per_id>& results, const char* key, bool waiting);
// For the commands that show what they read (hosts get, disks get): `details` when every id
// succeeded; else `details` of those that did, then the table of summarize().
outcome summarize_details(const globals& g, const std::vector<per_id>& results, const char* key, std::string details);
// Whether any id failed.
bool any_failed(const std::vector<per_id>& results);

asio::awaitable<outcome> hosts_command(finovy::client& c, const globals& g, const invocation& inv);
asio::awaitable<outcome> disks_command(finovy::client& c, const globals& g, const invocation& inv);

}   // namespace cli

#endif
