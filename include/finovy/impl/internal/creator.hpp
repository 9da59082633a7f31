// SPDX-License-Identifier: BSL-1.0
// The creation rounds of one client (create.hpp): a queue of batches waiting for a round, the
// mode the server answers createquantity in, and the account as the last round left it.
#ifndef FINOVY_IMPL_INTERNAL_CREATOR_HPP
#define FINOVY_IMPL_INTERNAL_CREATOR_HPP

#include <finovy/create.hpp>
#include <finovy/impl/internal/pending.hpp>

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace finovy::detail {

// One batch: its hosts' slots, filled by whoever runs its creates.
struct create_request
{
    std::string package, image;
    std::vector<created_host> slots;
    std::vector<bool> unidentified;      // created (`true` answered), id not yet known
    std::size_t concurrency = 8;
    std::string tag;                     // call.tag views it
    call_options call;
    error_code failed;                   // the batch as a whole
    diagnostics diag;
    std::atomic<bool> cancelled{false};  // no further create for it
    std::shared_ptr<pending<bool>> done; // fulfilled when its round is over
};

class creator
{
public:
    enum class mode
    {
        unknown,
        answers_true,   // the seed documents: data true, no id
        answers_id,     // the newer vendor page: data is the new host's id
    };

    std::atomic<mode> answers{mode::unknown};

    // Queues `rq` for a round; true when the caller must start the round runner.
    bool enqueue(std::shared_ptr<create_request> rq);
    // Takes the next round's requests (same package and image as the oldest waiting), or none.
    std::vector<std::shared_ptr<create_request>> next_round();
    // Withdraws a request whose round has not started; false if it has.
    bool withdraw(const create_request* rq);
    // The runner ends: it fails whatever still waits with `ec` (an exception it could not handle).
    void stop_runner(error_code ec);
    // Fulfils `rq->done` (under the lock, as pending requires).
    void finish(create_request& rq);

    // Only for the round runner: the account's ids after the last round, valid while rounds follow
    // each other without a gap.
    std::optional<std::unordered_set<std::string>> snapshot;
    // Catalog details used to tell this client's new hosts from others', fetched once.
    std::vector<host_package> packages;
    std::vector<image> images;
    bool catalog_known = false;

private:
    std::mutex m_;
    std::deque<std::shared_ptr<create_request>> queue_;
    bool running_ = false;
};

}   // namespace finovy::detail

#endif
