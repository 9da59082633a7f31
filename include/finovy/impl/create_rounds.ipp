// SPDX-License-Identifier: BSL-1.0
// A client's creation rounds (create.hpp): the driver of create_round.hpp on Asio. One runner per
// package and image while batches wait for it, on a strand of its own; a round lists the marker,
// sends the creates (each intent journalled first), lists and identifies the hosts whose ids are
// not known, and settles every entry: claims, journal, the on_settled callback.
#ifndef FINOVY_IMPL_CREATE_ROUNDS_IPP
#define FINOVY_IMPL_CREATE_ROUNDS_IPP

#include <finovy/create.hpp>
#include <finovy/create_journal.hpp>
#include <finovy/impl/internal/bounded.hpp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/create_round.hpp>
#include <finovy/impl/internal/creator.hpp>
#include <finovy/impl/internal/operation.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <tuple>
#include <unordered_map>

namespace finovy::detail {

FINOVY_DECL std::shared_ptr<creator> creator_of(client_impl& impl);

namespace create_helpers {

namespace asio = boost::asio;
using sys_clock = std::chrono::system_clock;
inline auto tuple_token() { return asio::as_tuple(asio::use_awaitable); }

// How long after the client gave up on a create (no answer: a timeout, a reset) the server may
// still act on it (a request it queued): the window of such an `unknown` entry stays open longer.
inline constexpr auto late_act = std::chrono::seconds(60);

// journal.async_write(), awaitable: completes with the journal's error, back on the awaiting
// coroutine's executor whatever thread the journal completes on (inline, or its own).
inline auto journal_write(create_journal& j, std::vector<journal_entry> entries)
{
    auto token = tuple_token();
    return asio::async_initiate<decltype(token), void(error_code)>(
        [&j](auto handler, std::vector<journal_entry> e) {
            auto ex = asio::get_associated_executor(handler);
            j.async_write(std::move(e), [ex, h = std::move(handler)](error_code ec) mutable {
                asio::post(ex, [h = std::move(h), ec]() mutable { std::move(h)(ec); });
            });
        },
        token, std::move(entries));
}

// The batch's on_settled, once per entry; its exceptions are not the batch's business.
inline void notify(create_batch& b, std::size_t k)
{
    if (b.reported[k])
        return;
    b.reported[k] = true;
    if (!b.opts.on_settled)
        return;
    try
    {
        b.opts.on_settled(b.entries[k]);
    }
    catch (...)
    {
    }
}

inline std::string joined(const std::vector<std::string>& ids)
{
    std::string s;
    for (const auto& id : ids)
        s += (s.empty() ? "" : ", ") + id;
    return s;
}

// One round of one key: see create_round.hpp for its rules.
class round_runner
{
public:
    using round = create_round<>;
    using state = round::state;

    round_runner(impl_ptr impl, std::shared_ptr<creator> cr, std::vector<batch_ptr> batches)
        : c_(client_access::view(impl)), cr_(std::move(cr)), batches_(std::move(batches)), fsm_(entry_batches(), settings())
    {
    }

    const std::vector<batch_ptr>& batches() const noexcept { return batches_; }

    asio::awaitable<void> run()
    {
        fsm_.start();
        co_await list_marker();
        if (fsm_.failed())
            co_return;
        std::size_t concurrency = 1;
        for (const auto& b : batches_)
            concurrency = std::max(concurrency, b->opts.concurrency);
        co_await for_each_bounded(slots_.size(), concurrency,
                                  [this](std::size_t i) -> asio::awaitable<void> { co_await send_one(i); });
        auto act = fsm_.on_creates_done(std::chrono::steady_clock::now());
        while (act.step != round_step::done)
        {
            if (act.step == round_step::sleep)
            {
                asio::steady_timer t(co_await asio::this_coro::executor, act.until);
                co_await t.async_wait(tuple_token());
                act = fsm_.on_slept();
                continue;
            }
            act = co_await list_and_identify();
        }
        for (std::size_t i = 0; i < slots_.size(); ++i)
            co_await settle(i);
    }

    // An exception escaped run(): what has not been settled is told so.
    void abandon(error_code ec)
    {
        for (auto& b : batches_)
            if (!b->failed)
                b->failed = ec;
    }

private:
    struct slot
    {
        create_batch* batch;
        std::size_t k;   // its entry in the batch
        time_point recorded{};
    };

    std::vector<std::size_t> entry_batches()
    {
        std::vector<std::size_t> of;
        for (std::size_t b = 0; b < batches_.size(); ++b)
            for (std::size_t k = 0; k < batches_[b]->entries.size(); ++k)
            {
                of.push_back(b);
                slots_.push_back({batches_[b].get(), k});
            }
        return of;
    }

    round_settings settings() const
    {
        round_settings s;
        s.appear_timeout = std::chrono::milliseconds(0);
        for (const auto& b : batches_)
            s.appear_timeout = std::max(s.appear_timeout, b->opts.appear_timeout);
        return s;
    }

    const create_batch& lead() const { return *batches_.front(); }
    created_host& entry(std::size_t i) { return slots_[i].batch->entries[slots_[i].k]; }

    // The server's clock now, as Date headers tell it (unset: no Date seen).
    std::optional<time_point> server_earliest()
    {
        auto b = client_access::impl(c_)->server_time(sys_clock::now());
        return b ? std::optional<time_point>(b->earliest) : std::nullopt;
    }
    std::optional<time_point> server_latest()
    {
        auto b = client_access::impl(c_)->server_time(sys_clock::now());
        return b ? std::optional<time_point>(b->latest) : std::nullopt;
    }
    createtime_skew skew() const { return cr_->skew(lead().opts.clock_margin); }

    asio::awaitable<void> list_marker()
    {
        diagnostics d;
        auto [ec, first] = co_await c_.async_list_hosts(1, 25, call_context(lead().call, d), tuple_token());
        if (!ec)
        {
            marker_total_ = first.total;
            fsm_.on_marker(&first);
            co_return;
        }
        fsm_.on_marker(nullptr);
        diagnostics_access::set_client_message(
            d, "listing the account before creating failed, so nothing was sent: " +
                   (d.client_message().empty() ? ec.message() : std::string(d.client_message())));
        for (auto& b : batches_)
        {
            b->failed = ec;
            b->diag = d;
        }
        for (std::size_t i = 0; i < slots_.size(); ++i)
        {
            entry(i).error = ec;
            entry(i).diag = d;
        }
    }

    asio::awaitable<void> send_one(std::size_t i)
    {
        auto& b = *slots_[i].batch;
        if (b.cancelled.load())
            fsm_.cancel_batch(batch_index(b));
        if (!fsm_.may_send(i))
            co_return;   // withdrawn: settled at the end, as `cancelled`
        fsm_.on_sent(i, server_earliest());
        if (b.opts.journal && !co_await record_intent(i))
            co_return;
        diagnostics d;
        auto [ec, id] = co_await send_create(b, d);
        entry(i).diag = std::move(d);
        on_create_answered(i, ec, std::move(id));
        if (fsm_.entries()[i].final)
            co_await settle(i);
        else if (b.opts.journal)   // made or unknown: what the journal's reconciliation would need
        {
            const auto js = fsm_.entries()[i].st == state::made ? journal_state::made : journal_state::unknown;
            std::vector<journal_entry> one(1, journal_of(i, js));
            co_await journal_write(*b.opts.journal, std::move(one));
        }
    }

    // The journal learns of a create before it is sent; false (and the entry refused) if it cannot.
    asio::awaitable<bool> record_intent(std::size_t i)
    {
        auto& b = *slots_[i].batch;
        auto& out = entry(i);
        out.intent = cr_->make_name("i-");
        slots_[i].recorded = sys_clock::now();
        auto je = journal_of(i, journal_state::intended);
        // Unanswered yet: made, if at all, before the create's deadline, or a while after.
        const auto deadline = b.call.deadline.value_or(client_access::impl(c_)->opts.deadline);
        if (auto latest = server_latest())
            je.not_after = saturating_deadline(*latest, deadline, late_act);
        std::vector<journal_entry> one(1, std::move(je));
        auto [jec] = co_await journal_write(*b.opts.journal, std::move(one));
        if (!jec)
            co_return true;
        out.error = jec;
        diagnostics_access::set_client_message(out.diag,
                                               "the journal could not record the intent, so the create was not sent");
        fsm_.on_answer(i, state::refused, {}, server_latest());
        co_return false;
    }

    asio::awaitable<std::tuple<error_code, std::optional<std::string>>> send_create(const create_batch& b,
                                                                                     diagnostics& d)
    {
        if (!b.period)
            co_return co_await c_.async_create_pay_as_you_go_host(b.package, b.image, call_context(b.call, d),
                                                                   tuple_token());
        auto [ec, rented] = co_await c_.async_create_fixed_period_host(b.package, b.image, *b.period,
                                                                       call_context(b.call, d), tuple_token());
        co_return std::tuple(ec, ec ? std::nullopt : std::optional<std::string>(std::move(rented)));
    }

    void on_create_answered(std::size_t i, error_code ec, std::optional<std::string> id)
    {
        auto latest = server_latest();
        entry(i).error = ec;
        if (!ec && id)
            fsm_.on_answer(i, state::known, std::move(*id), latest);
        else if (!ec)
            fsm_.on_answer(i, state::made, {}, latest);
        else if (ec == client_errc::outcome_unknown || ec == asio::error::operation_aborted)
        {
            // A server that answered (a 5xx, an unreadable answer) was done with the request; one
            // that did not (a timeout, a reset) may still act on it a while.
            if (latest && entry(i).diag.http_status() == 0)
                *latest += late_act;
            fsm_.on_answer(i, state::maybe, {}, latest);
        }
        else
            fsm_.on_answer(i, state::refused, {}, latest);
    }

    std::size_t batch_index(const create_batch& b) const
    {
        for (std::size_t k = 0; k < batches_.size(); ++k)
            if (batches_[k].get() == &b)
                return k;
        return 0;
    }

    // The traits that tell this round's hosts from others: the catalog, fetched once per client.
    asio::awaitable<std::optional<host_signature>> signature()
    {
        const auto kind = lead().period ? billing_kind::fixed_period : billing_kind::pay_as_you_go;
        if (!cr_->has_catalog(kind))
        {
            auto [pe, pkgs] = co_await c_.async_list_packages(kind, call_context(lead().call), tuple_token());
            auto [ie, imgs] = co_await c_.async_list_images(call_context(lead().call), tuple_token());
            if (pe || ie)
            {
                list_error_ = pe ? pe : ie;
                list_message_ = "the catalog (packages and images) could not be listed";
                co_return std::nullopt;
            }
            cr_->set_catalog(kind, std::move(pkgs), std::move(imgs));
        }
        auto sig = cr_->signature(lead().package, lead().image, kind);
        if (!sig)
            list_message_ = "the package or the image is not in the catalog, so its hosts cannot be recognized";
        co_return sig;
    }

    // The hosts listed before the marker's (newest first), read until a page reaches it. The
    // pages must agree on the total, else the account changed while read: the listing failed.
    asio::awaitable<std::tuple<error_code, std::vector<host>>> list_newer()
    {
        const auto& call = lead().call;
        const auto& marker = fsm_.marker();
        diagnostics d;
        auto [ec, first] = co_await c_.async_list_hosts(1, 25, call_context(call, d), tuple_token());
        if (ec)
            co_return std::tuple(ec, std::vector<host>{});
        const std::int64_t total = first.total, pages = (total + 24) / 25;
        std::vector<host> out = std::move(first.items);
        auto reached = [&](const std::vector<host>& hs) {
            return std::any_of(hs.begin(), hs.end(), [&](const host& h) { return marker.older(h); });
        };
        bool done = reached(out), consistent = true;
        // The pages the new hosts should fill, at once; then one at a time, if they were more.
        std::int64_t next = 2, upto = std::min(pages, (std::max<std::int64_t>(total - marker_total_, 0) + 24) / 25 + 1);
        while (!done && next <= pages)
        {
            upto = std::max(upto, next);
            std::vector<host_page> got(static_cast<std::size_t>(upto - next + 1));
            error_code failed;
            co_await for_each_bounded(got.size(), 4, [&](std::size_t j) -> asio::awaitable<void> {
                diagnostics pd;
                auto [e, p] = co_await c_.async_list_hosts(static_cast<int>(next) + static_cast<int>(j), 25,
                                                           call_context(call, pd), tuple_token());
                if (e && !failed)
                    failed = e;
                got[j] = std::move(p);
            });
            if (failed)
                co_return std::tuple(failed, std::vector<host>{});
            for (auto& p : got)
            {
                consistent = consistent && p.total == total;
                done = done || reached(p.items);
                std::move(p.items.begin(), p.items.end(), std::back_inserter(out));
            }
            next = upto + 1;
        }
        if (!consistent)
            co_return std::tuple(error_code(asio::error::try_again), std::vector<host>{});
        co_return std::tuple(error_code{}, std::move(out));
    }

    asio::awaitable<round::action> list_and_identify()
    {
        auto sig = co_await signature();
        const auto now = std::chrono::steady_clock::now();
        if (!sig)
            co_return fsm_.on_listing(nullptr, nullptr, {}, skew(), now);
        auto [ec, hosts] = co_await list_newer();
        if (ec)
        {
            list_error_ = ec;
            list_message_ = ec == asio::error::try_again ? "the account changed while it was listed"
                                                         : "listing the new hosts failed: " + ec.message();
            co_return fsm_.on_listing(nullptr, &*sig, {}, skew(), std::chrono::steady_clock::now());
        }
        list_error_ = {};
        list_message_.clear();
        listed_.clear();
        for (auto& h : hosts)
            listed_.emplace(h.id, h);
        auto next = fsm_.on_listing(&hosts, &*sig, cr_->claimed(), skew(), std::chrono::steady_clock::now());
        for (const auto& x : fsm_.samples())
            cr_->learn_skew(x.created, x.earliest, x.latest);
        if (const auto& b = fsm_.skew_bounds())
            cr_->narrow_skew(b->first, b->second);
        co_return next;
    }

    // Entry i is final: fill it in, claim its host, journal it, tell the caller.
    asio::awaitable<void> settle(std::size_t i)
    {
        auto& s = slots_[i];
        auto& out = entry(i);
        if (s.batch->reported[s.k] || settled_.count(i))
            co_return;
        settled_.insert(i);
        const auto& fe = fsm_.entries()[i];
        auto js = describe(fe, out);
        if (!out.id.empty())
            cr_->claim(out.id);
        if (s.batch->opts.journal && !out.intent.empty())
        {
            std::vector<journal_entry> one(1, journal_of(i, js));
            auto [jec] = co_await journal_write(*s.batch->opts.journal, std::move(one));
            if (jec && !out.error)
            {
                out.error = jec;   // the host is ours, but no record of it survives a crash
                diagnostics_access::set_client_message(out.diag, "the journal could not record the outcome");
            }
        }
        notify(*s.batch, s.k);
    }

    // What the machine's verdict means for the caller's entry; returns the journal's state.
    journal_state describe(const round::entry& fe, created_host& out)
    {
        using outcome = created_host::outcome;
        auto say = [&](std::string m) { diagnostics_access::set_client_message(out.diag, std::move(m)); };
        switch (fe.st)
        {
        case state::known:
            out.result = outcome::created;
            out.id = fe.id;
            return journal_state::created;
        case state::refused:
            out.result = outcome::refused;
            return journal_state::refused;
        case state::cancelled:
        case state::waiting:
        case state::sending:
            out.result = outcome::cancelled;
            if (!out.error)
                out.error = asio::error::operation_aborted;
            return journal_state::cancelled;
        case state::made:
        case state::maybe: break;
        }
        const bool made = fe.st == state::made;
        if (!fe.id.empty())
        {
            out.result = outcome::created;
            out.id = fe.id;
            out.error = {};
            if (auto it = listed_.find(fe.id); it != listed_.end())
                out.details = it->second;
            if (!made)
                say("its answer was lost, but the listing shows the host it made");
            return journal_state::created;
        }
        out.candidates = fe.contested;
        std::string why = !fe.contested.empty()
                              ? "it cannot be told apart from other new hosts of the package and image (" +
                                    joined(fe.contested) + "): none is claimed"
                          : !list_message_.empty() ? list_message_
                                                   : "no new host of the package and image was listed for it";
        if (made)
        {
            out.result = outcome::created;
            out.error = client_errc::host_not_resolved;
            say("the server made the host, but " + why);
            return journal_state::made;
        }
        out.result = outcome::unknown;
        out.error = client_errc::outcome_unknown;
        say(std::string(out.diag.client_message()) + (out.diag.client_message().empty() ? "" : "; ") +
            "the request may have been acted on, and " + why);
        return journal_state::unknown;
    }

    journal_entry journal_of(std::size_t i, journal_state st)
    {
        const auto& s = slots_[i];
        const auto& out = entry(i);
        const auto& fe = fsm_.entries()[i];
        journal_entry je;
        je.intent = out.intent;
        je.batch = s.batch->name;
        je.package_id = s.batch->package;
        je.image_id = s.batch->image;
        je.period = s.batch->period;
        je.state = st;
        je.host_id = out.id.empty() ? fe.id : out.id;
        je.recorded = s.recorded;
        je.not_before = fe.window.earliest;   // Date's clock; the skew says how createTime's differs
        je.not_after = fe.window.latest;
        const auto [lo, hi] = skew().bounds();
        je.skew_min = std::chrono::floor<std::chrono::milliseconds>(lo);
        je.skew_max = std::chrono::ceil<std::chrono::milliseconds>(hi);
        const auto& m = fsm_.marker();
        if (m.any)
            je.marker = m.newest;
        je.marker_ids = m.at_newest;
        je.marker_tie = m.tie_may_continue;
        je.api_code = out.diag.api_code();
        je.http_status = out.diag.http_status();
        je.trace_id = std::string(out.diag.trace_id());
        je.message = std::string(out.diag.client_message());
        je.candidates = out.candidates.empty() ? fe.contested : out.candidates;
        je.inferred = st == journal_state::created && (fe.st == state::made || fe.st == state::maybe);
        return je;
    }

    client c_;
    std::shared_ptr<creator> cr_;
    std::vector<batch_ptr> batches_;
    std::vector<slot> slots_;
    round fsm_;
    std::int64_t marker_total_ = 0;
    std::unordered_map<std::string, host> listed_;
    std::unordered_set<std::size_t> settled_;
    error_code list_error_;
    std::string list_message_;
};

}   // namespace create_helpers

// The runner of one key: rounds one after the other while batches wait for them.
FINOVY_DECL asio::awaitable<void> run_rounds(client c, std::shared_ptr<creator> cr, std::string key)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    for (;;)
    {
        auto batches = cr->next_round(key);
        if (batches.empty())
            co_return;
        create_helpers::round_runner r(client_access::impl(c), cr, std::move(batches));
        std::exception_ptr ep;
        try
        {
            co_await r.run();
        }
        catch (...)
        {
            ep = std::current_exception();
        }
        if (ep)
        {
            diagnostics ignored;
            r.abandon(error_from_exception(ep, ignored));
        }
        for (const auto& b : r.batches())
            cr->finish(*b);
    }
}

}   // namespace finovy::detail

#endif
