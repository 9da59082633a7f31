// SPDX-License-Identifier: BSL-1.0
/// \file
/// sqlite_create_journal: a create journal (create_journal.hpp) in a SQLite file, durable before
/// each create leaves. An optional library: CMake target `finovy::journal_sqlite`
/// (`pkg-config finovy-journal-sqlite`), built when Debian's `libsqlite3-dev` is there; the SDK
/// itself does not depend on SQLite.
///
/// Guarantees: the database is in WAL mode with `synchronous = FULL`, so a write's completion
/// means its transaction is in the write-ahead log and synced to the disk: it survives a crash of
/// the process or of the machine (as far as the disk honours fsync). Writes run on a thread of the
/// journal's own, never on the caller's: writes that arrive while one is being synced are
/// committed together in the next transaction (group commit), so a batch's concurrent intents
/// cost one sync, not one each. Limits: one process at a time should use a file (another may read
/// it); a full disk or a read-only file fails the write, and the batch then does not send the
/// create.
#ifndef FINOVY_SQLITE_JOURNAL_HPP
#define FINOVY_SQLITE_JOURNAL_HPP

#include <finovy/create_journal.hpp>

#include <boost/asio/any_completion_handler.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

struct sqlite3;

namespace finovy {

/// The error category of SQLite's result codes ("finovy.sqlite").
const boost::system::error_category& sqlite_category() noexcept;

/**
 * \brief A create journal in a SQLite file (see the file's description).
 * \par Thread safety
 * Every member function may be called from any thread; the handlers are called on the journal's
 * own thread (the SDK's batches return to their executors by themselves).
 */
class sqlite_create_journal final : public create_journal
{
public:
    /// \brief Opens the journal at `path`, creating the file and its table if needed.
    /// \throws boost::system::system_error (sqlite_category()) if it cannot be opened or set up.
    explicit sqlite_create_journal(const std::string& path);
    /// Finishes the writes asked for, then closes the file.
    ~sqlite_create_journal() override;
    sqlite_create_journal(const sqlite_create_journal&) = delete;
    sqlite_create_journal& operator=(const sqlite_create_journal&) = delete;

    /// Upserts `entries` by intent in one transaction (with the other writes waiting), synced.
    void async_write(std::vector<journal_entry> entries,
                     boost::asio::any_completion_handler<void(error_code)> done) override;
    /// The unsettled entries and every claimed host id.
    void async_load(boost::asio::any_completion_handler<void(error_code, journal_snapshot)> done) override;

    /// Every entry of `batch`, oldest first: what a service knows of one of its batches.
    void async_entries(std::string batch,
                       boost::asio::any_completion_handler<void(error_code, std::vector<journal_entry>)> done);

    /// \brief Runs `work` on the journal's thread with its database, in one synced transaction, in
    /// order with the journal's own writes: a service keeps its own tables in the same file.
    /// \details `work` returns an error to roll its transaction back; `done` gets that error, or
    /// SQLite's. `work` must not keep the `sqlite3*`.
    void async_run(std::function<error_code(sqlite3*)> work, boost::asio::any_completion_handler<void(error_code)> done);

    /// The file's path.
    const std::string& path() const noexcept;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}   // namespace finovy

#endif
