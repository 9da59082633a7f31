// SPDX-License-Identifier: BSL-1.0
// provisiond's fleets (see fleets.hpp).
#include "fleets.hpp"

#include <finovy/create.hpp>
#include <finovy/json.hpp>
#include <finovy/reconcile.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/value_from.hpp>

#include <algorithm>
#include <exception>
#include <iostream>
#include <random>
#include <tuple>
#include <vector>

namespace provisiond {

namespace json = boost::json;

namespace {

constexpr auto tuple_token = asio::as_tuple(asio::use_awaitable);

std::int64_t now_ms()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool done_state(std::string_view s)
{
    return s != "provisioning" && s != "cancelling" && s != "deleting";
}

}   // namespace

// One host of a fleet, as the fleet knows it.
struct fleet_host
{
    std::string outcome;             // created_host::outcome's name, or the journal's state
    std::string error;               // why it is not a plain success
    std::optional<finovy::host> seen;   // the last observation
};

struct fleet_registry::fleet
{
    fleet_record rec;
    std::map<std::string, fleet_host> hosts;     // by id: those it made
    std::size_t refused = 0, cancelled = 0;      // entries without a host
    std::vector<std::string> unresolved;         // hosts it may have made, not told apart from others'
    std::vector<std::unique_ptr<asio::cancellation_signal>> signals;   // its batch's or its waits'
    bool working = false;                        // a batch or waits run
    std::set<std::string> deleted;
    std::map<std::string, std::string> delete_errors;

    void cancel_work()
    {
        for (auto& s : signals)
            s->emit(asio::cancellation_type::terminal);
    }
    asio::cancellation_slot new_slot()
    {
        signals.push_back(std::make_unique<asio::cancellation_signal>());
        return signals.back()->slot();
    }
    void note(const finovy::created_host& h)
    {
        if (h.id.empty())
        {
            if (!h.candidates.empty())
                unresolved.insert(unresolved.end(), h.candidates.begin(), h.candidates.end());
            (h.result == finovy::created_host::outcome::cancelled ? cancelled : refused) += 1;
            return;
        }
        auto& fh = hosts[h.id];
        fh.outcome = std::string(finovy::to_string(h.result));
        fh.error = h.error ? h.diag.describe(h.error) : std::string();
        if (h.details)
            fh.seen = *h.details;
    }
};

fleet_registry::fleet_registry(finovy::client& api, store& state, fleet_settings settings)
    : api_(api), store_(state), settings_(std::move(settings)), hub_(api, settings_.hub), idle_(api.get_executor()),
      random_state_(std::random_device{}() ^
                    static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()))
{
}

std::string fleet_registry::new_id()
{
    static constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (;;)
    {
        std::string id = "f-";
        for (int i = 0; i < 10; ++i)
        {
            // splitmix64: ids need to be distinct and not guessable at a glance, not secret
            std::uint64_t z = (random_state_ += 0x9e3779b97f4a7c15ULL);
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
            id += alphabet[(z ^ (z >> 31)) % alphabet.size()];
        }
        if (!fleets_.contains(id))
            return id;
    }
}

void fleet_registry::run(asio::awaitable<void> work)
{
    ++active_;
    asio::co_spawn(api_.get_executor(), std::move(work), [this](std::exception_ptr ep) {
        if (ep)
        {
            try
            {
                std::rethrow_exception(ep);
            }
            catch (const std::exception& e)
            {
                std::cerr << "provisiond: fleet work failed: " << e.what() << '\n';
            }
        }
        if (--active_ == 0)
            idle_.cancel();
    });
}

asio::awaitable<void> fleet_registry::save(fleet& f)
{
    if (auto ec = co_await store_.save(f.rec))
        std::cerr << "provisiond: fleet " << f.rec.id << ": the state file cannot be written: " << ec.message() << '\n';
}

asio::awaitable<void> fleet_registry::pause(std::chrono::milliseconds d)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    pauses_.insert(&t);
    co_await t.async_wait(tuple_token);
    pauses_.erase(&t);
}

// --- creating -------------------------------------------------------------------------------

asio::awaitable<std::optional<std::string>> fleet_registry::create(fleet_spec spec, std::string& why)
{
    if (stopping_)
    {
        why = "the service is stopping";
        co_return std::nullopt;
    }
    auto f = std::make_shared<fleet>();
    f->rec.id = new_id();
    f->rec.package = std::move(spec.package);
    f->rec.image = std::move(spec.image);
    f->rec.count = spec.count;
    f->rec.start = spec.start;
    f->rec.created_ms = now_ms();
    if (auto ec = co_await store_.save(f->rec))   // recorded before the answer, and before any create
    {
        why = "the state file cannot be written: " + ec.message();
        co_return std::nullopt;
    }
    fleets_.emplace(f->rec.id, f);
    std::cerr << "provisiond: fleet " << f->rec.id << ": creating " << f->rec.count << " host(s)\n";
    run(provision(f));
    co_return f->rec.id;
}

asio::awaitable<void> fleet_registry::provision(std::shared_ptr<fleet> f)
{
    f->working = true;
    finovy::call_options call;
    call.tag = f->rec.id;   // in the client's events: which fleet a request served
    finovy::diagnostics diag;
    // DELETE and stop() emit the fleet's signal: no further create is sent, those sent finish
    // and are recorded, the waits stop.
    auto token = asio::bind_cancellation_slot(f->new_slot(), tuple_token);
    finovy::create_options c;
    c.concurrency = settings_.create_concurrency;
    c.journal = &store_.journal();
    c.batch = f->rec.id;
    c.appear_timeout = settings_.appear_timeout;
    c.on_settled = [f](const finovy::created_host& h) { f->note(h); };   // recorded already
    std::tuple<finovy::error_code, std::vector<finovy::created_host>> outcome;
    if (f->rec.start)
    {
        finovy::create_wait_options o;
        o.target = finovy::host_status::running;
        o.wait = settings_.wait;
        o.shared_hub = &hub_;
        o.create = c;
        o.wait.on_observe = [f](const finovy::host& h) { f->hosts[h.id].seen = h; };   // progress for GET
        // Built in its own statement: no temporary lives across the co_await (GCC 12).
        auto op = finovy::async_create_hosts_and_wait(api_, f->rec.package, f->rec.image, f->rec.count, std::move(o),
                                                      finovy::call_context(call, diag), token);
        outcome = co_await std::move(op);
    }
    else
    {
        auto op = finovy::async_create_hosts(api_, f->rec.package, f->rec.image, f->rec.count, c,
                                             finovy::call_context(call, diag), token);
        outcome = co_await std::move(op);
    }
    auto& [ec, made] = outcome;
    f->refused = f->cancelled = 0;
    f->unresolved.clear();
    for (const auto& h : made)
        f->note(h);
    f->working = false;
    std::cerr << "provisiond: fleet " << f->rec.id << ": " << f->hosts.size() << " of " << f->rec.count
              << " host(s) created" << (ec ? " (" + ec.message() + ")" : std::string()) << '\n';
    if (ec && ec != asio::error::operation_aborted)
        f->rec.error = diag.describe(ec);
    if (f->rec.delete_requested)
        co_await delete_fleet(f);
    else if (!stopping_)   // stopped: it stays `provisioning`, and its waits resume at the next start
        co_await finish(f, ec || f->hosts.empty() ? "failed" : "ready");
}

asio::awaitable<void> fleet_registry::finish(std::shared_ptr<fleet> f, std::string state)
{
    f->rec.state = std::move(state);
    f->rec.finished_ms = done_state(f->rec.state) ? now_ms() : 0;
    co_await save(*f);
}

// --- resuming -------------------------------------------------------------------------------

// The hosts the journal gives the fleet, and what became of their deletes.
asio::awaitable<void> fleet_registry::load_hosts(fleet& f)
{
    auto [ec, entries] = co_await store_.entries(f.rec.id);
    if (ec)
        std::cerr << "provisiond: fleet " << f.rec.id << ": the state file cannot be read: " << ec.message() << '\n';
    f.unresolved.clear();
    f.refused = f.cancelled = 0;
    for (const auto& e : entries)
    {
        if (!e.host_id.empty())
        {
            auto& h = f.hosts[e.host_id];
            if (h.outcome.empty())
                h.outcome = "created";
        }
        else if (e.state == finovy::journal_state::refused || e.state == finovy::journal_state::absent)
            ++f.refused;
        else if (e.state == finovy::journal_state::cancelled)
            ++f.cancelled;
        else
            f.unresolved.insert(f.unresolved.end(), e.candidates.begin(), e.candidates.end());
    }
    auto [dec, deletes] = co_await store_.deletes(f.rec.id);
    for (const auto& d : deletes)
        if (d.deleted)
            f.deleted.insert(d.host_id);
        else
            f.delete_errors[d.host_id] = d.error;
}

asio::awaitable<error_code> fleet_registry::resume()
{
    // A crash leaves creates open in the journal: settle what can be (the rest, later, per fleet).
    finovy::diagnostics d;
    finovy::reconcile_options ro;
    ro.appear_timeout = settings_.appear_timeout;
    auto rop = finovy::async_reconcile(api_, store_.journal(), ro, finovy::call_context(d), tuple_token);
    auto [rec, report] = co_await std::move(rop);
    if (rec)
        std::cerr << "provisiond: reconciling the journal failed (retried per fleet): " << d.describe(rec) << '\n';
    else if (!report.entries.empty())
        std::cerr << "provisiond: reconciled " << report.entries.size() << " open create(s): "
                  << report.count(finovy::reconciled::verdict::found) << " found, "
                  << report.count(finovy::reconciled::verdict::absent) << " absent\n";
    auto [ec, records] = co_await store_.fleets(now_ms() - settings_.retention.count());
    if (ec)
        co_return ec;
    for (auto& r : records)
    {
        auto f = std::make_shared<fleet>();
        f->rec = std::move(r);
        co_await load_hosts(*f);
        fleets_.emplace(f->rec.id, f);
        if (f->rec.delete_requested && f->rec.state != "deleted")
            run(delete_fleet(f));
        else if (f->rec.state == "provisioning" || f->rec.state == "cancelling")
            run(resume_waits(f));
    }
    co_return error_code{};
}

// A fleet interrupted while provisioning: its hosts are powered on (those still off) and waited for.
asio::awaitable<void> fleet_registry::resume_waits(std::shared_ptr<fleet> f)
{
    std::cerr << "provisiond: fleet " << f->rec.id << ": resuming with " << f->hosts.size() << " host(s)\n";
    f->working = true;
    std::vector<std::string> ids;
    for (const auto& [id, h] : f->hosts)
        if (!f->deleted.count(id))
            ids.push_back(id);
    if (f->rec.start && !ids.empty())
    {
        // One coroutine per host, each cancellable through a signal of the fleet's; the last one
        // to end wakes this one.
        std::size_t left = ids.size();
        asio::steady_timer all(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
        for (std::size_t k = 0; k < ids.size(); ++k)
        {
            auto slot = f->new_slot();
            ++active_;
            asio::co_spawn(api_.get_executor(), wait_for_host(f, ids[k]),
                           asio::bind_cancellation_slot(slot, [this, &left, &all](std::exception_ptr) {
                               if (--left == 0)
                                   all.cancel();
                               if (--active_ == 0)
                                   idle_.cancel();
                           }));
        }
        co_await all.async_wait(tuple_token);
    }
    f->working = false;
    if (f->rec.delete_requested)
        co_await delete_fleet(f);
    else if (!stopping_)
        co_await finish(f, f->hosts.empty() ? "failed" : "ready");
}

asio::awaitable<void> fleet_registry::wait_for_host(std::shared_ptr<fleet> f, std::string id)
{
    finovy::diagnostics d;
    auto read = api_.async_get_host(id, finovy::call_context(d), tuple_token);
    auto [ec, h] = co_await std::move(read);
    if (ec)
    {
        f->hosts[id].error = d.describe(ec);
        co_return;
    }
    f->hosts[id].seen = h;
    auto w = settings_.wait;
    w.on_observe = [f](const finovy::host& seen) { f->hosts[seen.id].seen = seen; };
    std::tuple<finovy::error_code, finovy::host> got;
    if (h.status == finovy::host_status::off)
    {
        auto op = hub_.async_power_on_and_wait(id, std::move(w), finovy::call_context(d), tuple_token);
        got = co_await std::move(op);
    }
    else
    {
        auto op = hub_.async_wait_for_status(id, finovy::host_status::running, std::move(w), finovy::call_context(d),
                                             tuple_token);
        got = co_await std::move(op);
    }
    auto& [wec, seen] = got;
    if (!seen.id.empty())
        f->hosts[id].seen = seen;
    f->hosts[id].error = wec ? d.describe(wec) : std::string();
}

// --- deleting -------------------------------------------------------------------------------

asio::awaitable<removal> fleet_registry::remove(std::string id)
{
    if (stopping_)
        co_return removal::stopping;
    auto it = fleets_.find(id);
    std::shared_ptr<fleet> f;
    if (it != fleets_.end())
        f = it->second;
    else
    {
        // A fleet that left memory: DELETE still deletes its hosts.
        auto [ec, rec] = co_await store_.fleet(id);
        if (ec || !rec)
            co_return removal::not_found;
        f = std::make_shared<fleet>();
        f->rec = std::move(*rec);
        co_await load_hosts(*f);
        fleets_.emplace(f->rec.id, f);
    }
    if (f->rec.delete_requested)
        co_return removal::repeated;
    f->rec.delete_requested = true;
    if (f->working)
    {
        f->rec.state = "cancelling";   // the batch, or the waits, start the deletes once they stop
        co_await save(*f);
        f->cancel_work();
    }
    else
    {
        co_await save(*f);
        run(delete_fleet(f));
    }
    co_return removal::started;
}

// Deletes every host the journal gives the fleet; open creates are reconciled (this fleet only)
// until settled, and their hosts deleted too. Bounded by delete_timeout.
asio::awaitable<void> fleet_registry::delete_fleet(std::shared_ptr<fleet> f)
{
    f->rec.state = "deleting";
    f->rec.finished_ms = 0;
    co_await save(*f);
    const auto give_up = std::chrono::steady_clock::now() + settings_.delete_timeout;
    for (;;)
    {
        co_await load_hosts(*f);
        std::vector<std::string> left;
        for (const auto& [id, h] : f->hosts)
            if (!f->deleted.count(id))
                left.push_back(id);
        f->delete_errors.clear();
        if (!left.empty())
            co_await delete_hosts(f, left);
        if (stopping_)
            co_return;   // the deletes go on at the next start
        auto [ec, entries] = co_await store_.entries(f->rec.id);
        bool open = static_cast<bool>(ec), contested = false;
        for (const auto& e : entries)
            if (finovy::unsettled(e.state))
                (e.candidates.empty() ? open : contested) = true;
        bool undeleted = !f->delete_errors.empty() && std::chrono::steady_clock::now() < give_up;
        if (!open && !undeleted)
        {
            if (contested)
                f->rec.error = "some creates may have made hosts that cannot be told apart from another program's; "
                               "none of those was deleted (see \"unresolved\")";
            co_await finish(f, !contested && f->delete_errors.empty() ? "deleted" : "delete_failed");
            std::cerr << "provisiond: fleet " << f->rec.id << ": " << f->deleted.size() << " host(s) deleted\n";
            co_return;
        }
        if (std::chrono::steady_clock::now() >= give_up)
        {
            f->rec.error = "not every host could be deleted before the delete timeout";
            co_await finish(f, "delete_failed");
            co_return;
        }
        co_await pause(settings_.delete_retry);
        if (stopping_)
            co_return;
        if (open)
        {
            // Creates whose outcome is open: the listing decides, once their hosts had time to show.
            finovy::reconcile_options ro;
            ro.appear_timeout = settings_.appear_timeout;
            ro.batches = {f->rec.id};
            auto op = finovy::async_reconcile(api_, store_.journal(), ro, tuple_token);
            co_await std::move(op);
        }
    }
}

asio::awaitable<void> fleet_registry::delete_hosts(std::shared_ptr<fleet> f, std::vector<std::string> ids)
{
    // delete_concurrency workers share the list.
    std::size_t next = 0, left = std::min(std::max<std::size_t>(settings_.delete_concurrency, 1), ids.size());
    asio::steady_timer all(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    auto worker = [this, f, &ids, &next, &left, &all]() -> asio::awaitable<void> {
        while (next < ids.size() && !stopping_)
            co_await delete_host(f, ids[next++]);
        if (--left == 0)
            all.cancel();
    };
    const std::size_t workers = left;
    for (std::size_t k = 0; k < workers; ++k)
        run(worker());
    co_await all.async_wait(tuple_token);
}

asio::awaitable<void> fleet_registry::delete_host(std::shared_ptr<fleet> f, std::string id)
{
    const auto give_up = std::chrono::steady_clock::now() + settings_.delete_timeout;
    finovy::call_options call;
    call.tag = f->rec.id;
    for (;;)
    {
        finovy::diagnostics diag;
        auto op = api_.async_delete_host(id, finovy::call_context(call, diag), tuple_token);
        auto [ec] = co_await std::move(op);
        if (!ec || ec == finovy::api_errc::host_not_found)   // gone either way
        {
            f->deleted.insert(id);
            host_delete done{id, true, {}};   // (named: GCC 12 and braced temporaries in co_await)
            co_await store_.save_delete(f->rec.id, std::move(done));
            co_return;
        }
        // The API refuses to delete a host that boots or shuts down; a delete whose outcome is
        // unknown is safe to send again (a second one answers host_not_found).
        bool later = ec == finovy::api_errc::host_booting || ec == finovy::api_errc::host_shutting_down ||
                     ec == finovy::client_errc::outcome_unknown;
        if (!later || stopping_ || std::chrono::steady_clock::now() + settings_.delete_retry > give_up)
        {
            f->delete_errors[id] = diag.describe(ec);
            host_delete failed{id, false, diag.describe(ec)};
            co_await store_.save_delete(f->rec.id, std::move(failed));
            co_return;
        }
        co_await pause(settings_.delete_retry);
    }
}

// --- stopping -------------------------------------------------------------------------------

asio::awaitable<void> fleet_registry::stop()
{
    stopping_ = true;
    for (auto& [id, f] : fleets_)
        if (f->working)
            f->cancel_work();
    for (auto* p : pauses_)
        p->cancel();
    while (active_ > 0)
    {
        idle_.expires_at(asio::steady_timer::time_point::max());
        co_await idle_.async_wait(tuple_token);
    }
}

// --- describing -----------------------------------------------------------------------------

void fleet_registry::evict_old()
{
    const auto horizon = now_ms() - settings_.retention.count();
    std::erase_if(fleets_, [&](const auto& kv) {
        const auto& r = kv.second->rec;
        return done_state(r.state) && r.finished_ms != 0 && r.finished_ms < horizon && !kv.second->working;
    });
}

namespace {

json::value describe_fleet(const fleet_registry::fleet& f, bool with_hosts)
{
    std::size_t created = 0, running = 0, failed = f.refused;
    json::array hosts;
    for (const auto& [id, h] : f.hosts)
    {
        const bool gone = f.deleted.contains(id);
        ++created;
        if (h.seen && !gone && finovy::status_reached(h.seen->status, finovy::host_status::running))
            ++running;
        if (!h.error.empty())
            ++failed;
        if (!with_hosts)
            continue;
        json::object e{{"id", id},
                       {"outcome", h.outcome},
                       {"error", h.error.empty() ? json::value(nullptr) : json::value(h.error)},
                       {"deleted", gone},
                       {"host", h.seen ? json::value_from(*h.seen) : json::value(nullptr)}};
        if (auto d = f.delete_errors.find(id); d != f.delete_errors.end())
            e["delete_error"] = d->second;
        hosts.push_back(std::move(e));
    }
    json::array unresolved;
    for (const auto& id : std::set<std::string>(f.unresolved.begin(), f.unresolved.end()))
        unresolved.push_back(json::string(id));
    json::object o{{"id", f.rec.id},
                   {"package", f.rec.package},
                   {"image", f.rec.image},
                   {"start", f.rec.start},
                   {"state", f.rec.state},
                   {"requested", f.rec.count},
                   {"created", created},
                   {"running", running},
                   {"failed", failed},
                   {"cancelled", f.cancelled},
                   {"deleted", f.deleted.size()},
                   {"done", done_state(f.rec.state)},
                   {"error", f.rec.error.empty() ? json::value(nullptr) : json::value(f.rec.error)},
                   {"unresolved", std::move(unresolved)}};
    if (with_hosts)
        o["hosts"] = std::move(hosts);
    return o;
}

}   // namespace

asio::awaitable<std::optional<json::value>> fleet_registry::describe(std::string id, bool with_hosts)
{
    evict_old();
    if (auto it = fleets_.find(id); it != fleets_.end())
        co_return describe_fleet(*it->second, with_hosts);
    auto [ec, rec] = co_await store_.fleet(id);   // it left memory: the state file has it
    if (ec || !rec)
        co_return std::nullopt;
    fleet f;
    f.rec = std::move(*rec);
    co_await load_hosts(f);
    co_return describe_fleet(f, with_hosts);
}

json::value fleet_registry::list() const
{
    json::array all;
    for (const auto& [id, f] : fleets_)
        all.push_back(describe_fleet(*f, false));
    return json::object{{"fleets", std::move(all)}};
}

std::map<std::string, std::size_t> fleet_registry::count_by_state() const
{
    std::map<std::string, std::size_t> n;
    for (auto s : {"provisioning", "ready", "failed", "cancelling", "deleting", "deleted", "delete_failed"})
        n[s] = 0;   // every state present, so that queries need no special case
    for (const auto& [id, f] : fleets_)
        ++n[f->rec.state];
    return n;
}

}   // namespace provisiond
