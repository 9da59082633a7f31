// SPDX-License-Identifier: BSL-1.0
// provisiond's fleets: batches of hosts created by the SDK's batch creation
// (finovy::async_create_hosts_and_wait, or async_create_hosts when they are not to be started),
// paced by the client's rate governor, and deleted on request.
//
// A fleet's provisioning is one composed operation whose cancellation slot is bound to the
// fleet's own cancellation_signal: DELETE (and shutdown) emit it, the batch sends no further
// create, stops its waits and completes promptly, saying what became of each host; then every
// host it created is deleted. Hosts whose create was in flight are still found by the batch's
// listing, so none is left behind, except those the server may have made without saying so
// (outcome "unknown": check the account).
//
// The registry keeps every fleet of the service's life, so that GET shows how it went. While a
// batch runs, its hosts are known from the waits' observations (wait_options::on_observe); once
// it has completed, from its result.
//
// Single-threaded, like the rest of the service: every member, and the work it starts, runs on
// the one thread that runs the client's io_context.
#ifndef PROVISIOND_FLEETS_HPP
#define PROVISIOND_FLEETS_HPP

#include <finovy/client.hpp>
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

struct fleet_spec
{
    std::string package, image;
    std::size_t count = 0;
    bool start = true;   // power each host on and wait for it to run (status 2)
};

struct fleet_settings
{
    finovy::hub_options hub{};                          // each fleet's polling rounds
    finovy::wait_options wait{};                        // per host: first_delay, timeout
    std::size_t create_concurrency = 8;                 // creates in flight per fleet
    std::size_t delete_concurrency = 8;                 // deletes in flight per fleet
    std::chrono::milliseconds delete_retry{5'000};      // while a host boots or shuts down (6000, 6001)
    std::chrono::milliseconds delete_timeout{600'000};  // per host
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
    fleet_registry(finovy::client& api, fleet_settings settings);
    fleet_registry(const fleet_registry&) = delete;
    fleet_registry& operator=(const fleet_registry&) = delete;

    // Starts a fleet's provisioning and returns its id; nullopt once the service is stopping.
    std::optional<std::string> create(fleet_spec spec);

    // {"id", "package", "image", "start", "state", "requested", "created", "running", "failed",
    //  "cancelled", "deleted", "done", "error", "hosts": [{"id", "outcome", "error", "deleted",
    //  "host"}]} ("host": the model's JSON as last seen, or null; no "hosts" when !with_hosts).
    // nullopt: no such fleet.
    std::optional<boost::json::value> describe(std::string_view id, bool with_hosts = true) const;
    boost::json::value list() const;   // every fleet, without hosts

    // Cancels the fleet's work and deletes the hosts it created, in the background.
    removal remove(std::string_view id);

    // Cancels all work (hosts are left as they are) and completes once it has all stopped.
    // Fleets can be neither created nor deleted afterwards.
    boost::asio::awaitable<void> stop();

    // Fleets per state: provisioning, ready, failed, cancelling, deleting, deleted, delete_failed,
    // stopped.
    std::map<std::string, std::size_t> count_by_state() const;

    struct fleet;   // fleets.cpp

private:
    void run(boost::asio::awaitable<void> work);
    boost::asio::awaitable<void> provision(std::shared_ptr<fleet> f);
    void start_deleting(const std::shared_ptr<fleet>& f);
    boost::asio::awaitable<void> delete_worker(std::shared_ptr<fleet> f);
    boost::asio::awaitable<void> delete_host(fleet& f, const std::string& id);
    std::string new_id();

    finovy::client& api_;
    fleet_settings settings_;
    std::map<std::string, std::shared_ptr<fleet>, std::less<>> fleets_;
    std::set<boost::asio::steady_timer*> pauses_;   // deletes waiting to try again: cut short by stop()
    boost::asio::steady_timer idle_;                 // wakes stop() when the last work ends
    std::size_t active_ = 0;                         // work coroutines running
    std::uint64_t random_state_;
    bool stopping_ = false;
};

}   // namespace provisiond

#endif
