// SPDX-License-Identifier: BSL-1.0
// provisiond's fleets: batches of hosts created by the SDK's batch creation
// (finovy::async_create_hosts_and_wait, or async_create_hosts when they are not to be started),
// recorded in the state file (store.hpp) so that a stop or a crash loses nothing.
//
// - A fleet is recorded before POST answers, and each of its creates in the SDK's journal before
//   it is sent (the fleet's id is the batch's name): the journal holds every host it buys.
// - DELETE, or a stop, cancels the batch: no further create is sent, those sent finish and are
//   recorded. DELETE then deletes every host the journal gives the fleet; entries whose outcome
//   is still open are reconciled (finovy::async_reconcile, this fleet only) until settled, so
//   that none of its hosts is left. A host that cannot be told apart from another program's is
//   never deleted: the fleet ends delete_failed, naming the candidates.
// - At start, the journal is reconciled (a crash may have left creates open), fleets whose work
//   was interrupted resume their waits, and unfinished deletes go on.
// - One watch_hub polls for every fleet. Finished fleets leave memory after a retention period;
//   GET still finds them in the state file.
//
// Single-threaded, like the rest of the service: every member, and the work it starts, runs on
// the one thread that runs the client's io_context.
#ifndef PROVISIOND_FLEETS_HPP
#define PROVISIOND_FLEETS_HPP

#include "store.hpp"

#include <finovy/client.hpp>
#include <finovy/create_options.hpp>
#include <finovy/wait.hpp>
#include <finovy/watch_hub.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace provisiond {

namespace asio = boost::asio;

struct fleet_spec
{
    std::string package, image;
    std::size_t count = 0;
    bool start = true;   // power each host on and wait for it to run (status 2)
};

struct fleet_settings
{
    finovy::hub_options hub{};                          // the shared polling rounds
    finovy::wait_options wait{};                        // per host: first_delay, timeout
    std::size_t create_concurrency = 8;                 // creates in flight per fleet
    std::size_t delete_concurrency = 8;                 // deletes in flight per fleet
    std::chrono::milliseconds delete_retry{5'000};      // while a host boots or shuts down (6000, 6001)
    std::chrono::milliseconds delete_timeout{600'000};  // a fleet's deletes, in all
    std::chrono::milliseconds appear_timeout{30'000};   // a create's host shows in the listing by then
    std::chrono::milliseconds retention{3'600'000};     // a finished fleet stays in memory this long
};

// What DELETE did.
enum class removal
{
    not_found,
    started,    // the fleet's work is being cancelled and its hosts deleted
    repeated,   // that was done already, or is under way
    stopping,   // the service is shutting down
};

class fleet_registry
{
public:
    fleet_registry(finovy::client& api, store& state, fleet_settings settings);
    fleet_registry(const fleet_registry&) = delete;
    fleet_registry& operator=(const fleet_registry&) = delete;

    // Picks up what the state file holds: reconciles the journal, resumes interrupted waits and
    // deletes. Once, before serving.
    asio::awaitable<error_code> resume();

    // Records a fleet and starts it; its id, or nullopt once the service is stopping (or the
    // state file cannot be written: `why` says).
    asio::awaitable<std::optional<std::string>> create(fleet_spec spec, std::string& why);

    // {"id", "package", "image", "start", "state", "requested", "created", "running", "failed",
    //  "cancelled", "deleted", "done", "error", "unresolved", "hosts": [{"id", "outcome", "error",
    //  "deleted", "host"}]} ("host": the model's JSON as last seen, or null; no "hosts" when
    //  !with_hosts). From the state file when the fleet has left memory. nullopt: no such fleet.
    asio::awaitable<std::optional<boost::json::value>> describe(std::string id, bool with_hosts = true);
    boost::json::value list() const;   // the fleets in memory, without hosts

    // Cancels the fleet's work and deletes its hosts, in the background.
    asio::awaitable<removal> remove(std::string id);

    // Stops: no new fleet or delete, batches cancelled (their sent creates finish and are
    // recorded), waits and deletes stopped; completes once all work has stopped. What is left is
    // picked up by resume() at the next start.
    asio::awaitable<void> stop();

    // Fleets in memory per state: provisioning, ready, failed, cancelling, deleting, deleted,
    // delete_failed.
    std::map<std::string, std::size_t> count_by_state() const;

    struct fleet;   // fleets.cpp

private:
    void run(asio::awaitable<void> work);
    asio::awaitable<void> provision(std::shared_ptr<fleet> f);
    asio::awaitable<void> resume_waits(std::shared_ptr<fleet> f);
    asio::awaitable<void> wait_for_host(std::shared_ptr<fleet> f, std::string id);
    asio::awaitable<void> delete_fleet(std::shared_ptr<fleet> f);
    asio::awaitable<void> delete_hosts(std::shared_ptr<fleet> f, std::vector<std::string> ids);
    asio::awaitable<void> delete_host(std::shared_ptr<fleet> f, std::string id);
    asio::awaitable<void> load_hosts(fleet& f);
    asio::awaitable<void> finish(std::shared_ptr<fleet> f, std::string state);
    asio::awaitable<void> pause(std::chrono::milliseconds d);
    asio::awaitable<void> save(fleet& f);
    void evict_old();
    std::string new_id();

    finovy::client& api_;
    store& store_;
    fleet_settings settings_;
    finovy::watch_hub hub_;
    std::map<std::string, std::shared_ptr<fleet>, std::less<>> fleets_;
    std::set<asio::steady_timer*> pauses_;   // work waiting to try again: cut short by stop()
    asio::steady_timer idle_;                // wakes stop() when the last work ends
    std::size_t active_ = 0;                 // work coroutines running
    std::uint64_t random_state_;
    bool stopping_ = false;
};

}   // namespace provisiond

#endif
