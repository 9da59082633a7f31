// SPDX-License-Identifier: BSL-1.0
// What provisiond keeps across restarts (--state PATH): its fleets and the deletes of their hosts,
// in one SQLite file with the SDK's create journal (finovy::sqlite_create_journal), which records
// every host a fleet buys (journal_entry::batch is the fleet's id) durably before its create is
// sent. Without a state file, the same in memory (nothing survives the process).
//
// Every write completes once it is durable; the coroutines return on the caller's executor.
#ifndef PROVISIOND_STORE_HPP
#define PROVISIOND_STORE_HPP

#include <finovy/create_journal.hpp>
#include <finovy/error.hpp>

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace finovy {
class sqlite_create_journal;
}

namespace provisiond {

using finovy::error_code;

// A fleet as the state file keeps it.
struct fleet_record
{
    std::string id, package, image;
    std::size_t count = 0;
    bool start = true;
    std::string state = "provisioning";   // see fleets.hpp
    std::string error;                    // why the batch failed as a whole
    bool delete_requested = false;
    std::int64_t created_ms = 0, finished_ms = 0;   // finished: 0 while work remains
};

// What became of a host's delete.
struct host_delete
{
    std::string host_id;
    bool deleted = false;   // else it failed, with `error`
    std::string error;
};

class store
{
public:
    // Opens (creates) the state file, or keeps everything in memory when `path` is empty.
    // Throws boost::system::system_error when the file cannot be opened.
    explicit store(const std::string& path);
    ~store();

    finovy::create_journal& journal();
    bool durable() const noexcept { return sqlite_ != nullptr; }

    boost::asio::awaitable<error_code> save(fleet_record f);
    boost::asio::awaitable<error_code> save_delete(std::string fleet, host_delete d);
    // Fleets still at work, and those finished since `finished_since_ms`.
    boost::asio::awaitable<std::tuple<error_code, std::vector<fleet_record>>> fleets(std::int64_t finished_since_ms);
    boost::asio::awaitable<std::tuple<error_code, std::optional<fleet_record>>> fleet(std::string id);
    boost::asio::awaitable<std::tuple<error_code, std::vector<host_delete>>> deletes(std::string fleet);
    // The journal's entries of the fleet's batch, oldest first.
    boost::asio::awaitable<std::tuple<error_code, std::vector<finovy::journal_entry>>> entries(std::string fleet);

private:
    std::unique_ptr<finovy::sqlite_create_journal> sqlite_;
    std::unique_ptr<finovy::memory_create_journal> memory_;
    // In memory only (no state file):
    std::map<std::string, fleet_record> fleets_;
    std::map<std::string, std::map<std::string, host_delete>> deletes_;
};

}   // namespace provisiond

#endif
