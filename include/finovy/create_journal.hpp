// SPDX-License-Identifier: BSL-1.0
/// \file
/// A journal of creates: each create a batch intends is recorded durably before it is sent, and
/// what became of it after, so that a host bought is never forgotten, even across a crash.
///
/// The API has no idempotency key: once a create is sent, only the account's listing can tell
/// whether it made a host, and which. A batch (create.hpp) given a journal through
/// create_options::journal writes, for each host it requests:
/// 1. an entry in state journal_state::intended, *before* the request leaves (the batch waits
///    until the journal says it is durable; if the journal fails, the create is not sent and the
///    entry reports the journal's error);
/// 2. the outcome as soon as it is known: `created` with the host's id, `refused`, `unknown`,
///    `made` (created, id not yet told apart), `cancelled` (never sent);
/// 3. the identification's verdict when the round lists the account.
///
/// After a crash, async_reconcile() (reconcile.hpp) settles every entry left `intended`, `made`
/// or `unknown`, with the rules a batch identifies hosts by.
///
/// Implementations: memory_create_journal (below; for tests, or a process that only needs
/// reconciliation within its life) and sqlite_create_journal (`<finovy/sqlite_journal.hpp>`,
/// CMake target `finovy::journal_sqlite`: WAL, synced before the request leaves). A journal may be
/// shared by many batches and clients at once; its functions are called from any thread.
#ifndef FINOVY_CREATE_JOURNAL_HPP
#define FINOVY_CREATE_JOURNAL_HPP

#include <finovy/config.hpp>
#include <finovy/error.hpp>
#include <finovy/models.hpp>

#include <boost/asio/any_completion_handler.hpp>

#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace finovy {

/// What the journal knows of one intended create.
enum class journal_state
{
    intended,    ///< recorded before sending; nothing known since (in flight, or the process died)
    created,     ///< a host was made and its id is known (journal_entry::host_id)
    made,        ///< the server said it made a host, which could not be told apart yet
    unknown,     ///< sent, and perhaps acted on: the answer was lost
    refused,     ///< no host: the server refused, or the request was never delivered
    cancelled,   ///< never sent
    absent,      ///< reconciliation found that no host was made for it
};

/// The state's name: "intended", "created", ...
FINOVY_DECL std::string_view to_string(journal_state s) noexcept;
/// The state named `name`, or nullopt.
FINOVY_DECL std::optional<journal_state> journal_state_from_string(std::string_view name) noexcept;

/// True for the states reconciliation still has to settle: intended, made and unknown.
inline bool unsettled(journal_state s) noexcept
{
    return s == journal_state::intended || s == journal_state::made || s == journal_state::unknown;
}

/// One intended create, and what became of it.
struct journal_entry
{
    std::string intent;                     ///< unique, made by the SDK
    std::string batch;                      ///< create_options::batch: which batch wanted it
    std::string package_id;                 ///< the package asked for
    std::string image_id;                   ///< the image asked for
    std::optional<rental_period> period;    ///< for fixed-period creates
    journal_state state = journal_state::intended;   ///< see journal_state
    std::string host_id;                    ///< when created (or identified)
    time_point recorded{};                  ///< the client's clock when the intent was recorded
    /// When the create left, in the server's clock as its Date header tells (unset if the server
    /// sends none): its host was made no earlier.
    std::optional<time_point> not_before;
    /// When its answer came (or, unanswered, the latest it could still be acted on), likewise: its
    /// host was made no later.
    std::optional<time_point> not_after;
    /// What createTime's clock is to the Date header's, at least, as known when the entry was
    /// written; unset: not known (reconcile_options::clock_margin).
    std::optional<std::chrono::milliseconds> skew_min;
    /// What createTime's clock is to the Date header's, at most (see skew_min).
    std::optional<std::chrono::milliseconds> skew_max;
    /// The round's marker: the newest host's createTime when the round began (hosts no newer are
    /// not the create's), and the ids that shared it. Unset: the account was empty.
    std::optional<time_point> marker;
    std::vector<std::string> marker_ids;    ///< ids with createTime == marker then
    bool marker_tie = false;                ///< a whole page shared the marker's time
    int api_code = 0;                       ///< the server's code, on refusal
    unsigned http_status = 0;               ///< the last answer's HTTP status
    std::string trace_id;                   ///< the last answer's traceId
    std::string message;                    ///< why, in words (never a token)
    std::vector<std::string> candidates;    ///< hosts it could not be told from (identification failed)
    /// Its host was told apart by the listing, not answered by the server: while the listing may
    /// still lag, reconciliation checks it again (a host of its own that showed late makes it
    /// contested instead).
    bool inferred = false;
};

/// One line: intent, batch, state, host, message.
FINOVY_DECL std::ostream& operator<<(std::ostream& os, const journal_entry& e);

/// What a journal holds that reconciliation needs.
struct journal_snapshot
{
    std::vector<journal_entry> unsettled;   ///< entries in an unsettled() state
    std::vector<journal_entry> inferred;    ///< `created` entries whose host was told apart (journal_entry::inferred)
    std::vector<std::string> claimed;       ///< every host id recorded: none may be claimed twice
};

/**
 * \brief Where batches record their creates (see the file's description).
 * \details Implement both functions. Each calls its handler exactly once, from any thread,
 * inline or later (the SDK returns to its own executor), and must not block the calling thread
 * for long: do slow I/O elsewhere, as sqlite_create_journal does on a thread of its own.
 */
class create_journal
{
public:
    virtual ~create_journal() = default;

    /// \brief Writes `entries` (new intents, or new states of recorded ones, by journal_entry::intent),
    /// durably, then completes `done`.
    virtual void async_write(std::vector<journal_entry> entries,
                             boost::asio::any_completion_handler<void(error_code)> done) = 0;

    /// \brief Reads what reconciliation needs.
    virtual void async_load(boost::asio::any_completion_handler<void(error_code, journal_snapshot)> done) = 0;
};

/// A journal in memory: durable for the life of the object only. Thread-safe.
class memory_create_journal final : public create_journal
{
public:
    FINOVY_DECL void async_write(std::vector<journal_entry> entries,
                                 boost::asio::any_completion_handler<void(error_code)> done) override;
    FINOVY_DECL void async_load(boost::asio::any_completion_handler<void(error_code, journal_snapshot)> done) override;

    /// Every entry, in the order first written.
    FINOVY_DECL std::vector<journal_entry> entries() const;

private:
    mutable std::mutex m_;
    std::vector<journal_entry> entries_;
    std::map<std::string, std::size_t, std::less<>> index_;
};

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/create_journal.ipp>
#endif

#endif
