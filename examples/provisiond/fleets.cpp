// SPDX-License-Identifier: BSL-1.0
// provisiond's fleets (see fleets.hpp).
#include "fleets.hpp"

#include <finovy/create.hpp>
#include <finovy/json.hpp>

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

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr auto tuple_token = asio::as_tuple(asio::use_awaitable);

enum class fleet_state
{
    provisioning,    // the batch runs
    ready,           // the batch completed with at least one host
    failed,          // the batch failed as a whole, or made no host
    cancelling,      // DELETE: waiting for the batch to stop
    deleting,        // deleting the hosts the batch made
    deleted,         // every one of them is gone
    delete_failed,   // some could not be deleted (see each host's delete_error)
    stopped,         // the service stopped the work
};

std::string_view to_string(fleet_state s)
{
    switch (s)
    {
    case fleet_state::provisioning: return "provisioning";
    case fleet_state::ready: return "ready";
    case fleet_state::failed: return "failed";
    case fleet_state::cancelling: return "cancelling";
    case fleet_state::deleting: return "deleting";
    case fleet_state::deleted: return "deleted";
    case fleet_state::delete_failed: return "delete_failed";
    case fleet_state::stopped: return "stopped";
    }
    return "unknown";
}

bool was_cancelled(const finovy::created_host& h)
{
    return h.result == finovy::created_host::outcome::cancelled || h.error == asio::error::operation_aborted;
}

}   // namespace

struct fleet_registry::fleet
{
    std::string id;
    fleet_spec spec;
    fleet_state state = fleet_state::provisioning;
    std::map<std::string, finovy::host> seen;                  // the waits' last observation of each host
    std::optional<std::vector<finovy::created_host>> result;   // the batch's, once it completed
    std::string error;                                         // why the batch failed as a whole
    asio::cancellation_signal cancel;                          // bound to the batch's cancellation slot
    bool delete_requested = false;
    std::vector<std::string> to_delete;
    std::size_t next_delete = 0;   // the next of to_delete that a delete worker takes
    std::size_t deleters = 0;      // delete workers running
    std::set<std::string> deleted;
    std::map<std::string, std::string> delete_errors;

    bool done() const
    {
        return state != fleet_state::provisioning && state != fleet_state::cancelling &&
               state != fleet_state::deleting;
    }
};

fleet_registry::fleet_registry(finovy::client& api, fleet_settings settings)
    : api_(api), settings_(std::move(settings)), idle_(api.get_executor()),
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

std::optional<std::string> fleet_registry::create(fleet_spec spec)
{
    if (stopping_)
        return std::nullopt;
    auto f = std::make_shared<fleet>();
    f->id = new_id();
    f->spec = std::move(spec);
    fleets_.emplace(f->id, f);
    std::cerr << "provisiond: fleet " << f->id << ": creating " << f->spec.count << " host(s)\n";
    run(provision(f));
    return f->id;
}

asio::awaitable<void> fleet_registry::provision(std::shared_ptr<fleet> f)
{
    finovy::call_options call;
    call.tag = f->id;   // in the client's events: which fleet a request served
    finovy::diagnostics diag;
    // DELETE emits the fleet's signal: the batch stops sending creates, cancels its waits and
    // completes with what became of each host.
    auto token = asio::bind_cancellation_slot(f->cancel.slot(), tuple_token);
    std::tuple<finovy::error_code, std::vector<finovy::created_host>> outcome;
    if (f->spec.start)
    {
        finovy::create_wait_options o;
        o.target = finovy::host_status::running;
        o.wait = settings_.wait;
        o.hub = settings_.hub;
        o.create.concurrency = settings_.create_concurrency;
        o.wait.on_observe = [f](const finovy::host& h) { f->seen[h.id] = h; };   // progress for GET
        // Built in its own statement: no temporary lives across the co_await (GCC 12).
        auto op = finovy::async_create_hosts_and_wait(api_, f->spec.package, f->spec.image, f->spec.count,
                                                      std::move(o), finovy::call_context(call, diag), token);
        outcome = co_await std::move(op);
    }
    else
    {
        finovy::create_options o;
        o.concurrency = settings_.create_concurrency;
        auto op = finovy::async_create_hosts(api_, f->spec.package, f->spec.image, f->spec.count, o,
                                             finovy::call_context(call, diag), token);
        outcome = co_await std::move(op);
    }

    auto& [ec, hosts] = outcome;
    if (ec && ec != asio::error::operation_aborted)
        f->error = diag.describe(ec);
    std::size_t made = 0;
    for (const auto& h : hosts)
        if (h.result == finovy::created_host::outcome::created && !h.id.empty())
            ++made;
    f->result = std::move(hosts);
    std::cerr << "provisiond: fleet " << f->id << ": " << made << " of " << f->spec.count << " host(s) created"
              << (ec ? " (" + ec.message() + ")" : std::string()) << '\n';

    if (f->delete_requested && !stopping_)
        start_deleting(f);
    else if (stopping_)
        f->state = fleet_state::stopped;
    else
        f->state = (ec || made == 0) ? fleet_state::failed : fleet_state::ready;
}

removal fleet_registry::remove(std::string_view id)
{
    if (stopping_)
        return removal::stopping;
    auto it = fleets_.find(id);
    if (it == fleets_.end())
        return removal::not_found;
    auto f = it->second;
    if (f->delete_requested)
        return removal::repeated;
    f->delete_requested = true;
    if (f->state == fleet_state::provisioning)
    {
        f->state = fleet_state::cancelling;   // provision() starts the deletes once the batch is done
        f->cancel.emit(asio::cancellation_type::terminal);
    }
    else
        start_deleting(f);
    return removal::started;
}

void fleet_registry::start_deleting(const std::shared_ptr<fleet>& f)
{
    f->to_delete.clear();
    for (const auto& h : *f->result)
        if (!h.id.empty() && std::find(f->to_delete.begin(), f->to_delete.end(), h.id) == f->to_delete.end())
            f->to_delete.push_back(h.id);
    f->next_delete = 0;
    if (f->to_delete.empty())
    {
        f->state = fleet_state::deleted;
        return;
    }
    f->state = fleet_state::deleting;
    f->deleters = std::min(std::max<std::size_t>(settings_.delete_concurrency, 1), f->to_delete.size());
    for (std::size_t i = 0; i < f->deleters; ++i)
        run(delete_worker(f));
}

asio::awaitable<void> fleet_registry::delete_worker(std::shared_ptr<fleet> f)
{
    while (f->next_delete < f->to_delete.size() && !stopping_)
    {
        const std::string id = f->to_delete[f->next_delete++];
        co_await delete_host(*f, id);
    }
    if (--f->deleters > 0)
        co_return;
    if (f->deleted.size() + f->delete_errors.size() < f->to_delete.size())
        f->state = fleet_state::stopped;   // the service stopped before every delete was tried
    else
        f->state = f->delete_errors.empty() ? fleet_state::deleted : fleet_state::delete_failed;
    std::cerr << "provisiond: fleet " << f->id << ": " << f->deleted.size() << " of " << f->to_delete.size()
              << " host(s) deleted\n";
}

asio::awaitable<void> fleet_registry::delete_host(fleet& f, const std::string& id)
{
    const auto give_up = std::chrono::steady_clock::now() + settings_.delete_timeout;
    finovy::call_options call;
    call.tag = f.id;
    for (;;)
    {
        finovy::diagnostics diag;
        auto op = api_.async_delete_host(id, finovy::call_context(call, diag), tuple_token);
        auto [ec] = co_await std::move(op);
        if (!ec || ec == finovy::api_errc::host_not_found)   // gone either way
        {
            f.deleted.insert(id);
            co_return;
        }
        // The API refuses to delete a host that boots or shuts down; a delete whose outcome is
        // unknown is safe to send again (a second one answers host_not_found).
        bool later = ec == finovy::api_errc::host_booting || ec == finovy::api_errc::host_shutting_down ||
                     ec == finovy::client_errc::outcome_unknown;
        if (!later || stopping_ || std::chrono::steady_clock::now() + settings_.delete_retry > give_up)
        {
            f.delete_errors[id] = diag.describe(ec);
            co_return;
        }
        asio::steady_timer pause(co_await asio::this_coro::executor, settings_.delete_retry);
        pauses_.insert(&pause);
        co_await pause.async_wait(tuple_token);
        pauses_.erase(&pause);
    }
}

asio::awaitable<void> fleet_registry::stop()
{
    stopping_ = true;
    for (auto& [id, f] : fleets_)
        if (f->state == fleet_state::provisioning)
            f->cancel.emit(asio::cancellation_type::terminal);
    for (auto* p : pauses_)
        p->cancel();
    while (active_ > 0)
    {
        idle_.expires_at(asio::steady_timer::time_point::max());
        co_await idle_.async_wait(tuple_token);
    }
}

std::optional<json::value> fleet_registry::describe(std::string_view id, bool with_hosts) const
{
    auto it = fleets_.find(id);
    if (it == fleets_.end())
        return std::nullopt;
    const fleet& f = *it->second;

    std::size_t created = 0, running = 0, failed = 0, cancelled = 0;
    json::array hosts;
    auto add = [&](const std::string& hid, std::string_view outcome, const finovy::error_code& ec,
                   const finovy::host* seen) {
        bool gone = f.deleted.contains(hid);
        if (seen && !gone && finovy::status_reached(seen->status, finovy::host_status::running))
            ++running;
        if (!with_hosts)
            return;
        json::object e{{"id", hid.empty() ? json::value(nullptr) : json::value(hid)},
                       {"outcome", outcome},
                       {"error", ec ? json::value(ec.message()) : json::value(nullptr)},
                       {"deleted", gone},
                       {"host", seen ? json::value_from(*seen) : json::value(nullptr)}};
        if (auto d = f.delete_errors.find(hid); d != f.delete_errors.end())
            e["delete_error"] = d->second;
        hosts.push_back(std::move(e));
    };
    if (f.result)
    {
        for (const auto& h : *f.result)
        {
            const finovy::host* seen = h.details ? &*h.details : nullptr;
            if (auto s = f.seen.find(h.id); !seen && s != f.seen.end())
                seen = &s->second;
            if (h.result == finovy::created_host::outcome::created && !h.id.empty())
                ++created;
            if (was_cancelled(h))
                ++cancelled;
            else if (!h.ok())
                ++failed;
            add(h.id, to_string(h.result), h.error, seen);
        }
    }
    else
    {
        created = f.seen.size();   // those seen so far; the batch's result says the rest
        for (const auto& [hid, h] : f.seen)
            add(hid, "created", {}, &h);
    }

    json::object o{{"id", f.id},
                   {"package", f.spec.package},
                   {"image", f.spec.image},
                   {"start", f.spec.start},
                   {"state", to_string(f.state)},
                   {"requested", f.spec.count},
                   {"created", created},
                   {"running", running},
                   {"failed", failed},
                   {"cancelled", cancelled},
                   {"deleted", f.deleted.size()},
                   {"done", f.done()},
                   {"error", f.error.empty() ? json::value(nullptr) : json::value(f.error)}};
    if (with_hosts)
        o["hosts"] = std::move(hosts);
    return o;
}

json::value fleet_registry::list() const
{
    json::array all;
    for (const auto& [id, f] : fleets_)
        all.push_back(*describe(id, false));
    return json::object{{"fleets", std::move(all)}};
}

std::map<std::string, std::size_t> fleet_registry::count_by_state() const
{
    std::map<std::string, std::size_t> n;
    for (auto s : {fleet_state::provisioning, fleet_state::ready, fleet_state::failed, fleet_state::cancelling,
                   fleet_state::deleting, fleet_state::deleted, fleet_state::delete_failed, fleet_state::stopped})
        n[std::string(to_string(s))] = 0;   // every state present, so that queries need no special case
    for (const auto& [id, f] : fleets_)
        ++n[std::string(to_string(f->state))];
    return n;
}

}   // namespace provisiond
