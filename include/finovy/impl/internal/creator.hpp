// SPDX-License-Identifier: BSL-1.0
// What one client keeps for its creation rounds (create.hpp): batches waiting for a round of
// their package and image, the hosts its rounds claimed, and the catalog that tells a package's
// hosts apart. Attached to the client (client_impl::attachment), which knows nothing of it.
#ifndef FINOVY_IMPL_INTERNAL_CREATOR_HPP
#define FINOVY_IMPL_INTERNAL_CREATOR_HPP

#include <finovy/call_context.hpp>
#include <finovy/create_options.hpp>
#include <finovy/impl/internal/identify.hpp>
#include <finovy/impl/internal/pending.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

namespace finovy::detail {

struct batch_spec;

// One batch: what it asks for, and what became of each of its hosts.
struct create_batch
{
    std::string package, image;
    std::optional<rental_period> period;   // fixed-period creates
    create_options opts;
    std::string name;                      // its journal name (opts.batch, or made up)
    call_options call;                     // call.tag views `tag`
    std::string tag;
    std::vector<created_host> entries;
    std::vector<bool> reported;            // on_settled was called for it
    std::atomic<bool> cancelled{false};    // no further create for it
    error_code failed;                     // the batch as a whole (the marker listing)
    diagnostics diag;
    std::shared_ptr<pending<bool>> done;   // fulfilled when its round is over

    // Rounds share a key: the same package, image and kind of create.
    std::string key() const
    {
        std::string k = package + '\n' + image;
        if (period)
            k += "\nrent " + std::to_string(static_cast<int>(period->unit)) + ' ' + std::to_string(period->count);
        return k;
    }
};
using batch_ptr = std::shared_ptr<create_batch>;

class creator
{
public:
    // Queues `b` for a round of its key; true when the caller must start that key's runner.
    bool enqueue(batch_ptr b);
    // The next round of `key`: every batch waiting for it; none (and the runner stops) if none waits.
    std::vector<batch_ptr> next_round(const std::string& key);
    // Withdraws a batch whose round has not started; false if it has.
    bool withdraw(const create_batch* b);
    // The runner of `key` stopped on an exception: what waits fails with `ec`.
    void stop_runner(const std::string& key, error_code ec);
    // Fulfils `b.done` (under the lock, as pending requires).
    void finish(create_batch& b);

    // Hosts this client's rounds gave to an entry: no later round may take them.
    void claim(const std::string& id);
    std::unordered_set<std::string> claimed();

    // The traits of `package` with `image`, from the catalog (fetched by the caller once);
    // nullopt if either is not in it.
    std::optional<host_signature> signature(const std::string& package, const std::string& image, billing_kind kind);
    bool has_catalog(billing_kind kind);
    void set_catalog(billing_kind kind, std::vector<host_package> packages, std::vector<image> images);

    // A fresh random name: batches without one, and journal intents.
    std::string make_name(const char* prefix);

    // What createTime's clock is to Date's, as this client's hosts have taught it (identify.hpp);
    // `margin` is the allowance while nothing is learned.
    createtime_skew skew(std::chrono::milliseconds margin);
    void learn_skew(time_point created, time_point earliest, time_point latest);
    void narrow_skew(time_point::duration lo, time_point::duration hi);

private:
    struct lane
    {
        std::deque<batch_ptr> waiting;
        bool running = false;
    };

    std::mutex m_;
    std::map<std::string, lane> lanes_;
    // Claimed ids, and when: after a day they are older than any round's marker, so forgotten.
    std::unordered_set<std::string> claimed_;
    std::deque<std::pair<std::chrono::steady_clock::time_point, std::string>> claimed_order_;
    std::map<int, std::vector<host_package>> packages_;   // by billing kind
    std::vector<image> images_;
    std::mt19937_64 rng_{std::random_device{}()};
    createtime_skew skew_;
};

}   // namespace finovy::detail

#endif
