// SPDX-License-Identifier: BSL-1.0
// One round of creates of one package and image (create.hpp), as a state machine without I/O:
// the driver (create.ipp) lists, sends and sleeps as its actions say, and feeds it what happened.
//
//   start ──> list_marker ──marker──> send (the driver sends each entry it may take, concurrently)
//         ──creates done──> [list ──listing──> sleep ──> list ...] ──> done
//
// - The marker is the newest host when the round begins (identify.hpp). Without it nothing is sent.
// - An entry is sent only if its batch was not cancelled before: otherwise it is `cancelled` and
//   never `unknown`. A cancelled batch never stops a create already sent.
// - After the creates, if any entry holds a host whose id is unknown (`made`: answered `true`;
//   `maybe`: the outcome is unknown), the new hosts are listed and identified. While `made`
//   entries lack a host (the listing may lag the creates) the round sleeps and lists again, until
//   appear_timeout; then they stay unresolved. `maybe` entries never prolong the round: a host
//   that appears for them later is the journal's reconciliation's to find (reconcile.hpp).
// - Once every host is told apart, the listing is read once more after confirm_pause: a host of
//   ours it lagged on would show then, and make the answer doubtful rather than wrong.
// - Identification uses the last listing only, so that what is final was unambiguous then.
#ifndef FINOVY_IMPL_INTERNAL_CREATE_ROUND_HPP
#define FINOVY_IMPL_INTERNAL_CREATE_ROUND_HPP

#include <finovy/impl/internal/deadline.hpp>
#include <finovy/impl/internal/identify.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace finovy::detail {

struct round_settings
{
    std::chrono::milliseconds appear_timeout{10'000};     // how long a made host may take to be listed
    std::chrono::milliseconds first_relist{250};          // the first pause before listing again (doubles)
    std::chrono::milliseconds max_relist{2'000};          // ... up to this
    // Once the listing has told every host apart, it is read once more this much later: a host of
    // ours it did not show yet (its lag) would make the answer doubtful, and must not be missed.
    std::chrono::milliseconds confirm_pause{250};
};

enum class round_step
{
    list_marker,   // list the first page
    send,          // send the entries (may_send() says which)
    list,          // list the hosts newer than the marker
    sleep,         // then list again at `until`
    done,
};

template <class Clock = std::chrono::steady_clock>
class create_round
{
public:
    using local_time = typename Clock::time_point;

    struct action
    {
        round_step step = round_step::done;
        local_time until{};
    };

    enum class state
    {
        waiting,     // not sent yet
        sending,
        known,       // created, id answered
        made,        // created (`true`), id not known yet
        maybe,       // outcome unknown
        refused,     // the server refused, or it was not delivered: no host
        cancelled,   // never sent
    };

    struct entry
    {
        std::size_t batch = 0;
        state st = state::waiting;
        std::string id;                     // known, or identified
        time_window window;                 // when the create left and its answer came (Date's clock)
        std::vector<std::string> contested; // identification failed: the hosts it competes for
        bool final = false;                 // nothing about it changes any more
    };

    create_round(std::vector<std::size_t> batches_of_entries, round_settings s) : settings_(s)
    {
        entries_.resize(batches_of_entries.size());
        for (std::size_t i = 0; i < entries_.size(); ++i)
            entries_[i].batch = batches_of_entries[i];
    }

    const std::vector<entry>& entries() const noexcept { return entries_; }
    const listing_marker& marker() const noexcept { return marker_; }
    bool failed() const noexcept { return failed_; }   // the marker could not be listed: nothing sent
    std::size_t listings() const noexcept { return listings_; }

    action start() { return {round_step::list_marker}; }

    // The first page of the listing, or nullptr if it could not be had.
    action on_marker(const host_page* first)
    {
        if (!first)
        {
            failed_ = true;
            for (auto& e : entries_)
                finish(e, state::cancelled);
            return {round_step::done};
        }
        marker_ = listing_marker::of(*first);
        return {round_step::send};
    }

    // Every waiting entry of `batch` is withdrawn.
    void cancel_batch(std::size_t batch)
    {
        for (auto& e : entries_)
            if (e.batch == batch && e.st == state::waiting)
                finish(e, state::cancelled);
    }

    // True when entry i is to be sent now (it is then `sending`); false if it was withdrawn.
    bool may_send(std::size_t i)
    {
        auto& e = entries_[i];
        if (e.st != state::waiting)
            return false;
        e.st = state::sending;
        return true;
    }

    // The server's clock may have read `earliest` when the request left.
    void on_sent(std::size_t i, std::optional<time_point> earliest) { entries_[i].window.earliest = earliest; }

    // The create's outcome: `st` known (with `id`), made, maybe or refused; the server's clock read
    // at most `latest` when the answer (or the failure) came.
    void on_answer(std::size_t i, state st, std::string id, std::optional<time_point> latest)
    {
        auto& e = entries_[i];
        e.window.latest = latest;
        if (st == state::known)
            e.id = std::move(id);
        if (st == state::known || st == state::refused)
            finish(e, st);
        else
            e.st = st;
    }

    // Every entry was sent or withdrawn.
    action on_creates_done(local_time now)
    {
        for (auto& e : entries_)
            if (e.st == state::waiting || e.st == state::sending)
                finish(e, state::cancelled);   // (the driver sends or withdraws each: defensive)
        appear_by_ = saturating_deadline(now, settings_.appear_timeout);
        pause_ = settings_.first_relist;
        return unresolved() ? action{round_step::list} : settle();
    }

    // A host whose making is bracketed (its create answered its id, or a group left no doubt):
    // what createtime_skew learns from.
    struct skew_sample
    {
        time_point created, earliest, latest;
    };

    // The hosts newer than the marker, or nullptr if the listing failed. `sig`: the traits of the
    // package and image (nullptr if they are not known: nothing can be identified). `claimed`:
    // ids nobody else may take. `skew`: what createTime's clock is to Date's. samples() then says
    // what the listing taught about the skew.
    action on_listing(const std::vector<host>* newer, const host_signature* sig,
                      const std::unordered_set<std::string>& claimed, const createtime_skew& skew, local_time now)
    {
        ++listings_;
        samples_.clear();
        skew_bounds_.reset();
        if (newer && sig)
        {
            assign_from(*newer, *sig, claimed, skew);
            if (made_missing_ == 0)
            {
                if (confirmed_ || !told_apart() || settings_.confirm_pause.count() <= 0)
                    return settle();
                confirmed_ = true;   // the next listing is the confirmation
                return {round_step::sleep, now + settings_.confirm_pause};
            }
        }
        if (now + pause_ >= appear_by_)
            return settle();
        action a{round_step::sleep, now + pause_};
        pause_ = std::min(pause_ * 2, settings_.max_relist);
        return a;
    }

    action on_slept() { return {round_step::list}; }

    const std::vector<skew_sample>& samples() const noexcept { return samples_; }
    // The offsets at which the last listing's identification holds, if it was found by trying them.
    const std::optional<std::pair<time_point::duration, time_point::duration>>& skew_bounds() const noexcept
    {
        return skew_bounds_;
    }

private:
    // Some entry's host was told apart by the listing (not answered by the server).
    bool told_apart() const
    {
        return std::any_of(entries_.begin(), entries_.end(), [](const entry& e) {
            return (e.st == state::made || e.st == state::maybe) && !e.id.empty();
        });
    }

    bool unresolved() const
    {
        return std::any_of(entries_.begin(), entries_.end(),
                           [](const entry& e) { return e.st == state::made || e.st == state::maybe; });
    }

    void finish(entry& e, state st)
    {
        e.st = st;
        e.final = true;
    }

    // Identification over the whole listing, replacing what an earlier listing said.
    // Identification over the whole listing, replacing what an earlier listing said. What the
    // listing teaches of the skew (answered ids; groups that left no doubt) is used at once: a
    // second pass with the narrower windows can tell apart what the first could not.
    void assign_from(const std::vector<host>& newer, const host_signature& sig,
                     const std::unordered_set<std::string>& claimed, const createtime_skew& skew)
    {
        std::unordered_map<std::string, const entry*> ours;   // answered ids of this round
        for (const auto& e : entries_)
            if (e.st == state::known)
                ours.emplace(e.id, &e);
        auto learnt = skew;
        for (const auto& h : newer)
            if (auto it = ours.find(h.id); it != ours.end())
                sample(h.created, it->second->window, learnt);
        candidates_.clear();
        std::vector<time_point> times;
        for (const auto& h : newer)
            if (marker_.newer(h) && sig.matches(h) && !claimed.count(h.id) && !ours.count(h.id))
            {
                candidates_.push_back(h.id);
                times.push_back(h.created);
            }
        claim_of_.clear();
        for (std::size_t i = 0; i < entries_.size(); ++i)
            if (entries_[i].st == state::made || entries_[i].st == state::maybe)
                claim_of_.push_back(i);
        for (int pass = 0; pass < 2; ++pass)
        {
            const auto before = learnt.bounds();
            std::vector<claim> claims;
            for (auto i : claim_of_)
                claims.push_back({entries_[i].st == state::made ? claim_kind::made : claim_kind::maybe,
                                  entries_[i].window});
            auto found = identify_skewed(claims, times, learnt.bounds());
            if (found.learnt)
            {
                learnt.narrow(found.learnt->first, found.learnt->second);
                skew_bounds_ = found.learnt;
            }
            made_missing_ = found.made_missing;
            for (std::size_t k = 0; k < claims.size(); ++k)
            {
                auto& e = entries_[claim_of_[k]];
                e.id = found.host[k] ? candidates_[*found.host[k]] : std::string();
                if (found.host[k] && found.exact[k] && pass == 0)
                    sample(times[*found.host[k]], e.window, learnt);
                e.contested.clear();
                for (auto h : found.contested[k])
                    e.contested.push_back(candidates_[h]);
            }
            if (learnt.bounds() == before)
                break;
        }
    }

    void sample(time_point created, const time_window& w, createtime_skew& learnt)
    {
        if (!w.earliest || !w.latest)
            return;
        samples_.push_back({created, *w.earliest, *w.latest});
        learnt.on_sample(created, *w.earliest, *w.latest);
    }

    // The last listing's word is final.
    action settle()
    {
        for (auto& e : entries_)
            if (e.st == state::made || e.st == state::maybe)
                e.final = true;
        return {round_step::done};
    }

    round_settings settings_;
    std::vector<entry> entries_;
    listing_marker marker_;
    bool failed_ = false;
    local_time appear_by_{};
    std::chrono::milliseconds pause_{};
    std::size_t made_missing_ = 0;
    bool confirmed_ = false;
    std::size_t listings_ = 0;
    std::vector<std::string> candidates_;
    std::vector<std::size_t> claim_of_;
    std::vector<skew_sample> samples_;
    std::optional<std::pair<time_point::duration, time_point::duration>> skew_bounds_;
};

}   // namespace finovy::detail

#endif
