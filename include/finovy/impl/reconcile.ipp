// SPDX-License-Identifier: BSL-1.0
// Reconciliation of a create journal with the account (reconcile.hpp).
#ifndef FINOVY_IMPL_RECONCILE_IPP
#define FINOVY_IMPL_RECONCILE_IPP

#include <finovy/impl/create_rounds.ipp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/creator.hpp>
#include <finovy/impl/internal/identify.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/listing.hpp>
#include <finovy/reconcile.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

namespace finovy {

FINOVY_DECL std::string_view to_string(reconciled::verdict v) noexcept
{
    switch (v)
    {
    case reconciled::verdict::found: return "found";
    case reconciled::verdict::absent: return "absent";
    case reconciled::verdict::contested: return "contested";
    case reconciled::verdict::pending: return "pending";
    }
    return "pending";
}

}   // namespace finovy

namespace finovy::detail {

FINOVY_DECL std::shared_ptr<creator> creator_of(client_impl& impl);

namespace reconcile_helpers {

namespace asio = boost::asio;
inline auto tuple_token() { return asio::as_tuple(asio::use_awaitable); }

// The journal's functions, awaitable, back on the awaiting coroutine's executor.
inline auto journal_load(create_journal& j)
{
    auto token = tuple_token();
    return asio::async_initiate<decltype(token), void(error_code, journal_snapshot)>(
        [&j](auto handler) {
            auto ex = asio::get_associated_executor(handler);
            j.async_load([ex, h = std::move(handler)](error_code ec, journal_snapshot s) mutable {
                asio::post(ex, [h = std::move(h), ec, s = std::move(s)]() mutable { std::move(h)(ec, std::move(s)); });
            });
        },
        token);
}

using create_helpers::journal_write;

// Entries of one round: the same package, image and kind, and the same marker.
struct round_key
{
    std::string package, image;
    int kind = 0;   // billing_kind
    std::optional<time_point> marker;
    std::vector<std::string> marker_ids;
    bool marker_tie = false;

    auto tie() const { return std::tie(marker, package, image, kind, marker_ids, marker_tie); }
    bool operator<(const round_key& o) const { return tie() < o.tie(); }   // oldest marker first (unset: empty account)
};

inline listing_marker marker_of(const round_key& k)
{
    listing_marker m;
    m.any = k.marker.has_value();
    m.newest = k.marker.value_or(time_point{});
    m.at_newest = k.marker_ids;
    m.tie_may_continue = k.marker_tie;
    return m;
}

struct catalog
{
    std::map<int, std::vector<host_package>> packages;
    std::vector<image> images;

    std::optional<host_signature> signature(const round_key& k) const
    {
        auto it = packages.find(k.kind);
        if (it == packages.end())
            return std::nullopt;
        auto p = std::find_if(it->second.begin(), it->second.end(), [&](const auto& x) { return x.id == k.package; });
        auto i = std::find_if(images.begin(), images.end(), [&](const auto& x) { return x.id == k.image; });
        if (p == it->second.end() || i == images.end())
            return std::nullopt;
        return host_signature::of(*p, *i, static_cast<billing_kind>(k.kind));
    }
};

// Settles one round's entries against the hosts nobody claims yet (`pool`, which loses the hosts
// given out). `inferred` entries (created, their host told apart by a listing) take part with
// their host: if the group is now contested (a host of theirs showed late), they are opened
// again; otherwise, once past the listing's lag, they are confirmed. `changed` gets what is to be
// written; `out` the verdicts of the entries that were open, and of those opened again.
class round_settler
{
public:
    round_settler(std::vector<host>& pool, const reconcile_options& o, std::vector<reconciled>& out,
                  std::vector<journal_entry>& changed)
        : pool_(pool), o_(o), out_(out), changed_(changed)
    {
    }

    void settle(const round_key& key, std::vector<journal_entry*>& entries, const catalog& cat)
    {
        drop_gone_inferred(entries);
        sig_ = cat.signature(key);
        find_candidates(marker_of(key));
        found_ = identify_entries(entries);
        share_hosts(entries);
        for (std::size_t k = 0; k < entries.size(); ++k)
        {
            if (entries[k]->inferred)
                recheck_inferred(*entries[k], k);
            else
                settle_open(*entries[k], k);
        }
        std::erase_if(pool_, [&](const host& h) { return taken_.count(h.id) != 0; });
    }

private:
    bool listed(const std::string& id) const
    {
        return std::any_of(pool_.begin(), pool_.end(), [&](const host& h) { return h.id == id; });
    }
    bool past_lag(const journal_entry& e) const { return now_ - e.recorded > o_.appear_timeout; }

    // An inferred entry whose host is gone (deleted since) has nothing left to check: it must not
    // compete for the hosts of the open ones.
    void drop_gone_inferred(std::vector<journal_entry*>& entries)
    {
        std::erase_if(entries, [&](journal_entry* e) {
            if (!e->inferred || listed(e->host_id))
                return false;
            if (past_lag(*e))
            {
                e->inferred = false;
                changed_.push_back(*e);
            }
            return true;
        });
    }

    void find_candidates(const listing_marker& marker)
    {
        if (!sig_)
            return;
        for (std::size_t h = 0; h < pool_.size(); ++h)
            if (marker.newer(pool_[h]) && sig_->matches(pool_[h]))
            {
                candidates_.push_back(h);
                times_.push_back(pool_[h].created);
            }
    }

    // The windows in Date's clock, searched over the skew the entries knew (the widest of them),
    // as the batch did.
    identification identify_entries(const std::vector<journal_entry*>& entries) const
    {
        std::vector<claim> claims;
        auto lo = std::chrono::milliseconds::max(), hi = std::chrono::milliseconds::min();
        for (auto* e : entries)
        {
            claims.push_back({e->state == journal_state::made || e->inferred ? claim_kind::made : claim_kind::maybe,
                              time_window{e->not_before, e->not_after}});
            lo = std::min(lo, e->skew_min.value_or(-o_.clock_margin));
            hi = std::max(hi, e->skew_max.value_or(o_.clock_margin));
        }
        return identify_skewed(claims, times_, {lo, hi});
    }

    // The hosts the group explains; those of inferred entries stay theirs, the rest go to the open ones.
    void share_hosts(const std::vector<journal_entry*>& entries)
    {
        std::set<std::string> assigned;
        for (std::size_t k = 0; k < entries.size(); ++k)
            if (found_.host[k])
                assigned.insert(id_of(*found_.host[k]));
        for (std::size_t k = 0; k < entries.size(); ++k)
            if (entries[k]->inferred && found_.contested[k].empty() && assigned.count(entries[k]->host_id))
                kept_.insert(entries[k]->host_id);
        std::set_difference(assigned.begin(), assigned.end(), kept_.begin(), kept_.end(), std::back_inserter(free_));
        taken_ = kept_;
    }

    const std::string& id_of(std::size_t candidate) const { return pool_[candidates_[candidate]].id; }

    std::vector<std::string> contested_ids(std::size_t k) const
    {
        std::vector<std::string> ids;
        for (auto c : found_.contested[k])
            ids.push_back(id_of(c));
        return ids;
    }

    void report(journal_entry& e, reconciled::verdict v)
    {
        reconciled r;
        r.result = v;
        r.entry = e;
        out_.push_back(std::move(r));
        changed_.push_back(e);
    }

    void recheck_inferred(journal_entry& e, std::size_t k)
    {
        if (!found_.contested[k].empty() || (sig_ && !kept_.count(e.host_id) && listed(e.host_id)))
        {
            e.state = journal_state::made;
            e.inferred = false;
            e.candidates = contested_ids(k);
            if (std::find(e.candidates.begin(), e.candidates.end(), e.host_id) == e.candidates.end())
                e.candidates.push_back(e.host_id);
            e.host_id.clear();
            e.message = "reconciliation: another host of the package and image showed in its window, so the "
                        "one the listing told apart may not be its own";
            report(e, reconciled::verdict::contested);
        }
        else if (past_lag(e))
        {
            e.inferred = false;   // the listing has had its time to show anything else
            changed_.push_back(e);
        }
    }

    void settle_open(journal_entry& e, std::size_t k)
    {
        auto v = reconciled::verdict::pending;
        if (!sig_)
            e.message = "reconciliation: the package or the image is not in the catalog";
        else if (found_.host[k] && !free_.empty())
        {
            e.state = journal_state::created;
            e.host_id = free_.back();
            free_.pop_back();
            e.inferred = true;
            e.candidates.clear();
            e.message = "reconciliation found its host";
            taken_.insert(e.host_id);
            v = reconciled::verdict::found;
        }
        else if (!found_.contested[k].empty())
        {
            e.candidates = contested_ids(k);
            e.message = "reconciliation: it cannot be told apart from other new hosts of the package and image";
            v = reconciled::verdict::contested;
        }
        else if (e.state != journal_state::made && past_lag(e))
        {
            e.state = journal_state::absent;
            e.message = "reconciliation: no host was made for it";
            v = reconciled::verdict::absent;
        }
        else
            e.message = e.state == journal_state::made ? "reconciliation: the host it made is not listed"
                                                       : "reconciliation: too recent to say";
        report(e, v);
    }

    std::vector<host>& pool_;
    const reconcile_options& o_;
    std::vector<reconciled>& out_;
    std::vector<journal_entry>& changed_;
    const std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
    std::optional<host_signature> sig_;
    std::vector<std::size_t> candidates_;   // indexes into pool_
    std::vector<time_point> times_;         // their createTimes
    identification found_;
    std::set<std::string> kept_, taken_;
    std::vector<std::string> free_;
};

// The journal's open entries (of the batches asked for), grouped by round; `cat` gets the billing
// kinds whose packages are needed.
inline std::map<round_key, std::vector<journal_entry*>> rounds_of(journal_snapshot& snap, const reconcile_options& o,
                                                                  catalog& cat)
{
    std::map<round_key, std::vector<journal_entry*>> rounds;
    auto wanted = [&](const journal_entry& e) {
        return o.batches.empty() || std::find(o.batches.begin(), o.batches.end(), e.batch) != o.batches.end();
    };
    for (auto* list : {&snap.unsettled, &snap.inferred})
        for (auto& e : *list)
            if (wanted(e))
            {
                const int kind = static_cast<int>(e.period ? billing_kind::fixed_period : billing_kind::pay_as_you_go);
                rounds[round_key{e.package_id, e.image_id, kind, e.marker, e.marker_ids, e.marker_tie}].push_back(&e);
                cat.packages[kind];
            }
    return rounds;
}

inline asio::awaitable<error_code> fetch_catalog(client& c, catalog& cat, call_options call, diagnostics& diag)
{
    for (auto& [kind, packages] : cat.packages)
    {
        auto [ec, got] = co_await c.async_list_packages(static_cast<billing_kind>(kind), call_context(call, diag),
                                                        tuple_token());
        if (ec)
            co_return ec;
        packages = std::move(got);
    }
    auto [ec, images] = co_await c.async_list_images(call_context(call, diag), tuple_token());
    cat.images = std::move(images);
    co_return ec;
}

// The account's hosts nobody else has: hosts the journal or this client gave out are someone's,
// but those told apart by a listing are looked at again with their entries.
inline void drop_claimed(std::vector<host>& hosts, const journal_snapshot& snap, client_impl& impl)
{
    std::unordered_set<std::string> claimed(snap.claimed.begin(), snap.claimed.end()), inferred;
    for (const auto& id : creator_of(impl)->claimed())
        claimed.insert(id);
    for (const auto& e : snap.inferred)
        inferred.insert(e.host_id);
    std::erase_if(hosts, [&](const host& h) { return claimed.count(h.id) != 0 && !inferred.count(h.id); });
}

inline asio::awaitable<error_code> reconcile(impl_ptr impl, create_journal* journal,
                                             reconcile_options o, call_options call,
                                             std::shared_ptr<result_state<reconcile_report>> st)
{
    client c = client_access::view(impl);
    auto& diag = st->diag;
    auto [lec, snap] = co_await journal_load(*journal);
    if (lec)
    {
        diagnostics_access::set_client_message(diag, "the journal could not be read");
        co_return lec;
    }
    catalog cat;
    auto rounds = rounds_of(snap, o, cat);
    if (rounds.empty())
        co_return error_code{};
    if (auto ec = co_await fetch_catalog(c, cat, call, diag))
        co_return ec;
    auto [hec, hosts] = co_await async_list_all_hosts(c, {}, call_context(call, diag), tuple_token());
    if (hec)
        co_return hec;
    if (co_await cancelled())
        co_return asio::error::operation_aborted;
    drop_claimed(hosts, snap, *impl);
    auto& report = st->value;
    std::vector<journal_entry> changed;
    for (auto& [key, entries] : rounds)
        round_settler(hosts, o, report.entries, changed).settle(key, entries, cat);
    for (const auto& r : report.entries)
        if (r.result == reconciled::verdict::found)
            creator_of(*impl)->claim(r.entry.host_id);
    if (changed.empty())
        co_return error_code{};
    auto [wec] = co_await journal_write(*journal, std::move(changed));
    if (wec)
        diagnostics_access::set_client_message(diag, "the journal could not record what reconciliation found");
    co_return wec;
}

}   // namespace reconcile_helpers

FINOVY_DECL void start_reconcile(impl_ptr impl, create_journal* journal, reconcile_options o,
                                 call_context ctx, diagnostics* own, handler_for<reconcile_report> h)
{
    auto ex = boost::asio::make_strand(impl->executor);
    auto home = impl->executor;
    start_composed<reconcile_report>(
        ex, std::move(home), ctx.diag, own, std::move(h),
        [&](std::shared_ptr<result_state<reconcile_report>> st) {
            auto call = owned_options(ctx.options, *st);
            return reconcile_helpers::reconcile(impl, journal, o, call, std::move(st));
        },
        true);
}

}   // namespace finovy::detail

#endif
