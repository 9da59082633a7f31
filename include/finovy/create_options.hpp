// SPDX-License-Identifier: BSL-1.0
/// \file
/// What a batch of creates reports for each host (created_host) and how it creates
/// (create_options, create_wait_options). The functions are in create.hpp.
#ifndef FINOVY_CREATE_OPTIONS_HPP
#define FINOVY_CREATE_OPTIONS_HPP

#include <finovy/diagnostics.hpp>
#include <finovy/models.hpp>
#include <finovy/wait.hpp>
#include <finovy/watch_hub.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace finovy {

class create_journal;

/// What happened to one host of a batch.
struct created_host
{
    /// The outcome of one create.
    enum class outcome
    {
        created,    ///< the server made it; `id` is set unless `error` is client_errc::host_not_resolved
        refused,    ///< no host: the server refused (`error` is its code: 6002, 7005, 1037...), or the
                    ///< request was never delivered, or the journal could not record the intent
        unknown,    ///< sent, and perhaps acted on (the answer was lost): `error` is
                    ///< client_errc::outcome_unknown; the journal's reconciliation settles it
        cancelled,  ///< never sent: the batch was cancelled first (`error` is operation_aborted), or
                    ///< the listing that starts a round failed (`error` is its error)
    };
    outcome result = outcome::cancelled;   ///< see outcome
    std::string id;                        ///< the new host's id, when known
    std::optional<host> details;           ///< the host as last seen, when the batch saw it (listing, wait)
    /// Why it is not a plain success: the refusal's code, client_errc::outcome_unknown,
    /// client_errc::host_not_resolved, `asio::error::operation_aborted`; for the `_and_wait`
    /// functions, also the wait's failure (client_errc::timeout, client_errc::unexpected_status...).
    error_code error;
    /// What the server and the client said: the API's code, msg and traceId, the HTTP status of
    /// the create (or of the wait that failed), and the client's explanation.
    diagnostics diag;
    /// When the host could not be told apart (client_errc::host_not_resolved, or an `unknown`
    /// entry): the new hosts of the package and image it competes for. None of them is claimed.
    std::vector<std::string> candidates;
    std::string intent;                    ///< its journal entry, when create_options::journal is set

    /// Created, identified, and (for the `_and_wait` functions) at the target.
    bool ok() const noexcept { return result == outcome::created && !id.empty() && !error; }
};

/// The outcome's name: "created", "refused", "unknown", "cancelled".
FINOVY_DECL std::string_view to_string(created_host::outcome o) noexcept;

/// One line for a log: id (or "-"), outcome, and what went wrong with diagnostics::describe().
FINOVY_DECL std::ostream& operator<<(std::ostream& os, const created_host& h);

/// \brief How a batch creates.
/// \details With GCC 12 (Debian 12's compiler), a temporary built with braces inside a `co_await`
/// expression is destroyed twice (a compiler bug). Harmless for most members; but when
/// `on_settled` holds a callable, build the options in a named variable first:
/// `create_options o{.on_settled = f}; co_await async_create_hosts(api, p, i, n, o);`.
struct create_options
{
    std::size_t concurrency = 8;   ///< creates in flight at once
    /// Called with each entry as soon as it is settled (its id known, refused, cancelled, or found
    /// unresolvable), before the batch completes, once per entry: so that a service can record
    /// the hosts it buys as they are bought. With a journal, after the entry's outcome is durable.
    /// On the batch's strand; it must not block. An exception it throws is swallowed.
    std::function<void(const created_host&)> on_settled;
    /// Where intents and outcomes are recorded durably (create_journal.hpp); none by default. It
    /// must outlive the operation (a journal serves a whole service: keep one).
    create_journal* journal = nullptr;
    /// The batch's name in the journal (journal_entry::batch); empty: a random one. Copied when
    /// the operation starts. (A view, like call_options::tag: with GCC 12, a temporary holding a
    /// std::string in a co_await expression is corrupted, docs/compile-time.md says more.)
    std::string_view batch;
    /// How long a host the server said it made (`true`) may take to show in the listing, which
    /// may lag the creates: the round lists again until then, then reports
    /// client_errc::host_not_resolved.
    std::chrono::milliseconds appear_timeout{10'000};
    /// Allowance between the server's Date header and its hosts' createTime (two clocks, perhaps
    /// of two machines), which bound when a create's host can have been made: used until the
    /// client has learnt the difference from hosts whose making it bracketed (any create that
    /// answered an id, for one).
    std::chrono::milliseconds clock_margin{2'000};
    /// The waits of the `_and_wait` functions tolerate "host not found" (1021) this long after
    /// they start: a new host may not be readable at once.
    std::chrono::milliseconds not_found_grace{15'000};
};

/// How async_create_hosts_and_wait() creates and waits.
struct create_wait_options
{
    host_status target = host_status::running;   ///< running: power each on and wait; off: wait until ready
    wait_options wait{};                         ///< per host: first_delay, timeout, fail_on, on_observe...
    hub_options hub{};                           ///< the batch's own polling: interval, requests in flight
    /// Poll through this hub instead of one of the batch's own (`hub` is then unused): a service
    /// running many batches shares one polling loop. It must outlive the operation.
    watch_hub* shared_hub = nullptr;
    create_options create{};                     ///< how the hosts are created
};

/// The number of entries that are ok().
inline std::size_t created_count(const std::vector<created_host>& hosts) noexcept
{
    std::size_t n = 0;
    for (const auto& h : hosts)
        n += h.ok() ? 1 : 0;
    return n;
}

}   // namespace finovy

#endif
