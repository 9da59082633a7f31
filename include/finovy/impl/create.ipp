// SPDX-License-Identifier: BSL-1.0
// Creating hosts and learning which they are (create.hpp), with the client's creation rounds
// (impl/internal/creator.hpp).
#ifndef FINOVY_IMPL_CREATE_IPP
#define FINOVY_IMPL_CREATE_IPP

#include <finovy/create.hpp>
#include <finovy/impl/internal/bounded.hpp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/creator.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/impl/internal/wait_goal.hpp>
#include <finovy/listing.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <unordered_map>

namespace finovy::detail {

// -------------------------------------------------------------------------------------------------
// The queue of batches waiting for a round

FINOVY_DECL bool creator::enqueue(std::shared_ptr<create_request> rq)
{
    std::lock_guard lk(m_);
    queue_.push_back(std::move(rq));
    bool start = !running_;
    running_ = true;
    return start;
}

FINOVY_DECL std::vector<std::shared_ptr<create_request>> creator::next_round()
{
    std::lock_guard lk(m_);
    std::vector<std::shared_ptr<create_request>> round;
    if (queue_.empty())
    {
        running_ = false;
        snapshot.reset();   // the next round comes after a gap: the account may have changed
        return round;
    }
    const auto package = queue_.front()->package, image = queue_.front()->image;
    for (auto it = queue_.begin(); it != queue_.end();)
        if ((*it)->package == package && (*it)->image == image)
        {
            round.push_back(std::move(*it));
            it = queue_.erase(it);
        }
        else
            ++it;
    return round;
}

FINOVY_DECL bool creator::withdraw(const create_request* rq)
{
    std::lock_guard lk(m_);
    auto it = std::find_if(queue_.begin(), queue_.end(), [&](const auto& q) { return q.get() == rq; });
    if (it == queue_.end())
        return false;
    queue_.erase(it);
    return true;
}

FINOVY_DECL void creator::stop_runner(error_code ec)
{
    std::lock_guard lk(m_);
    running_ = false;
    snapshot.reset();
    for (auto& rq : queue_)
    {
        rq->failed = ec;
        rq->done->fulfil({}, true);
    }
    queue_.clear();
}

FINOVY_DECL void creator::finish(create_request& rq)
{
    std::lock_guard lk(m_);
    rq.done->fulfil({}, true);
}

FINOVY_DECL creator& creation_of(client_impl& impl)
{
    std::call_once(impl.creation_once, [&] { impl.creation = std::make_shared<creator>(); });
    return *impl.creation;
}

namespace create_helpers {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;
inline auto tuple_token() { return asio::as_tuple(asio::use_awaitable); }

inline bool same_shape(const host& h, const host_package& p)
{
    return h.cpu_count == p.cpu_count && h.memory_gb == p.memory_gb && h.disk_gb == p.disk_gb &&
           h.gpu_count.value_or(0) == p.gpu_count;
}

// One slot of a round: which request, which of its hosts.
struct slot_ref
{
    create_request* rq;
    std::size_t k;
    created_host& out() const { return rq->slots[k]; }
};

// Sends one create and files its answer in the slot.
inline asio::awaitable<void> create_one(client& c, creator& cr, slot_ref s,
                                        std::optional<rental_period> period = std::nullopt)
{
    auto& out = s.out();
    if (s.rq->cancelled.load())
    {
        out.result = created_host::outcome::cancelled;
        out.error = asio::error::operation_aborted;
        co_return;
    }
    diagnostics d;
    error_code ec;
    std::optional<std::string> id;
    if (period)
    {
        std::string rented;
        std::tie(ec, rented) = co_await c.async_create_fixed_period_host(s.rq->package, s.rq->image, *period,
                                                                          call_context(s.rq->call, d), tuple_token());
        if (!ec)
            id = std::move(rented);
    }
    else
        std::tie(ec, id) = co_await c.async_create_pay_as_you_go_host(s.rq->package, s.rq->image,
                                                                       call_context(s.rq->call, d), tuple_token());
    if (!ec)
    {
        out.result = created_host::outcome::created;
        if (id)
        {
            out.id = std::move(*id);
            if (!period)
                cr.answers = creator::mode::answers_id;
        }
        else
        {
            s.rq->unidentified[s.k] = true;
            auto expected = creator::mode::unknown;
            cr.answers.compare_exchange_strong(expected, creator::mode::answers_true);
        }
    }
    else if (ec == client_errc::outcome_unknown || ec == asio::error::operation_aborted)
    {
        out.result = created_host::outcome::unknown;   // sent, perhaps acted on: never resent
        out.error = client_errc::outcome_unknown;
    }
    else
    {
        out.result = created_host::outcome::refused;
        out.error = ec;
    }
}

inline std::vector<slot_ref> slots_of(const std::vector<std::shared_ptr<create_request>>& round)
{
    std::vector<slot_ref> all;
    for (const auto& rq : round)
        for (std::size_t k = 0; k < rq->slots.size(); ++k)
            all.push_back({rq.get(), k});
    return all;
}

// Hands the hosts that appeared in the account to the round's slots: those answered `true`
// first, then those whose outcome was unknown (they turned out to be made). Oldest first.
inline void assign(std::vector<slot_ref>& slots, std::vector<host>& fresh, bool ambiguous)
{
    std::sort(fresh.begin(), fresh.end(), [](const host& a, const host& b) { return a.created < b.created; });
    std::size_t next = 0;
    for (auto& s : slots)
        if (s.rq->unidentified[s.k])
        {
            auto& out = s.out();
            if (ambiguous || next >= fresh.size())
                out.error = client_errc::host_not_resolved;
            else
            {
                out.id = fresh[next].id;
                out.details = std::move(fresh[next]);
                ++next;
            }
            s.rq->unidentified[s.k] = false;
        }
    if (ambiguous)
        return;
    for (auto& s : slots)
        if (s.out().result == created_host::outcome::unknown && next < fresh.size())
        {
            auto& out = s.out();
            out.result = created_host::outcome::created;   // the listing shows it was made
            out.error = {};
            out.id = fresh[next].id;
            out.details = std::move(fresh[next]);
            ++next;
        }
}

// The account's hosts, as ids.
inline std::unordered_set<std::string> ids_of(const std::vector<host>& hosts)
{
    std::unordered_set<std::string> ids;
    for (const auto& h : hosts)
        ids.insert(h.id);
    return ids;
}

}   // namespace create_helpers

// One round: list before (unless the server answers ids), create every slot of the round's
// requests, list after and hand out the new hosts.
FINOVY_DECL asio::awaitable<void> run_round(client& c, creator& cr, std::vector<std::shared_ptr<create_request>> round)
{
    using namespace create_helpers;
    const auto& lead = *round.front();
    const auto started = std::chrono::system_clock::now();
    std::optional<std::unordered_set<std::string>> before;
    if (cr.answers.load() != creator::mode::answers_id)
    {
        if (cr.snapshot)
            before = std::move(cr.snapshot);   // the previous round's listing, just taken
        else
        {
            diagnostics d;
            auto [ec, hosts] = co_await async_list_all_hosts(c, {}, call_context(lead.call, d), tuple_token());
            if (ec)
            {
                for (auto& rq : round)
                {
                    rq->failed = ec;
                    rq->diag = d;
                    diagnostics_access::set_client_message(rq->diag, "listing the account before creating failed: " +
                                                                         std::string(d.client_message().empty()
                                                                                         ? ec.message()
                                                                                         : d.client_message()));
                }
                co_return;
            }
            before = ids_of(hosts);
        }
    }
    cr.snapshot.reset();

    auto slots = slots_of(round);
    co_await for_each_bounded(slots.size(), std::max<std::size_t>(lead.concurrency, 1),
                              [&](std::size_t i) -> asio::awaitable<void> { co_await create_one(c, cr, slots[i]); });

    std::size_t unidentified = 0, unknown = 0;
    std::unordered_set<std::string> assigned;
    for (auto& s : slots)
    {
        unidentified += s.rq->unidentified[s.k] ? 1 : 0;
        unknown += s.out().result == created_host::outcome::unknown ? 1 : 0;
        if (!s.out().id.empty())
            assigned.insert(s.out().id);
    }
    if (!before || unidentified + unknown == 0)
        co_return;   // the server said which hosts it made, or it made none

    // Which hosts appeared. The account may lag behind the creates: look again a few times.
    std::vector<host> fresh;
    bool ambiguous = false;
    std::unordered_set<std::string> after_ids;
    for (int attempt = 0; attempt < 5; ++attempt)
    {
        diagnostics d;
        auto [ec, after] = co_await async_list_all_hosts(c, {}, call_context(lead.call, d), tuple_token());
        if (ec)
            break;   // the slots stay unidentified: host_not_resolved
        after_ids = ids_of(after);
        fresh.clear();
        for (auto& h : after)
            if (!before->count(h.id) && !assigned.count(h.id))
                fresh.push_back(std::move(h));
        if (fresh.size() > unidentified + unknown)
        {
            // Someone else creates too: keep hosts of this package, made since the round began.
            if (!cr.catalog_known)
            {
                auto [pe, pkgs] = co_await c.async_list_packages(billing_kind::pay_as_you_go, call_context(lead.call),
                                                                 tuple_token());
                auto [ie, imgs] = co_await c.async_list_images(call_context(lead.call), tuple_token());
                if (!pe && !ie)
                {
                    cr.packages = std::move(pkgs);
                    cr.images = std::move(imgs);
                    cr.catalog_known = true;
                }
            }
            const host_package* pkg = nullptr;
            for (const auto& p : cr.packages)
                if (p.id == lead.package)
                    pkg = &p;
            std::string os;
            for (const auto& i : cr.images)
                if (i.id == lead.image)
                    os = i.system_name;
            std::erase_if(fresh, [&](const host& h) {
                return (pkg && !same_shape(h, *pkg)) || (!os.empty() && h.operating_system != os) ||
                       h.created + std::chrono::minutes(5) < started;
            });
            ambiguous = fresh.size() > unidentified + unknown;
        }
        if (fresh.size() >= unidentified || ambiguous)
            break;
        asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(200 * (attempt + 1)));
        co_await t.async_wait(tuple_token());
    }
    assign(slots, fresh, ambiguous);
    if (!after_ids.empty())
        cr.snapshot = std::move(after_ids);   // the next round's "before", if it follows at once
}

// The round runner: one per client while batches wait, on a strand of its own.
FINOVY_DECL asio::awaitable<void> run_rounds(client c, impl_ptr impl)
{
    co_await asio::this_coro::throw_if_cancelled(false);
    auto& cr = creation_of(*impl);
    for (;;)
    {
        auto round = cr.next_round();
        if (round.empty())
            co_return;
        std::erase_if(round, [&](const std::shared_ptr<create_request>& rq) {
            if (!rq->cancelled.load())
                return false;
            cr.finish(*rq);   // cancelled while queued: nothing was sent for it
            return true;
        });
        if (!round.empty())
            co_await run_round(c, cr, round);
        for (auto& rq : round)
            cr.finish(*rq);
    }
}

namespace create_helpers {

// Submits a batch and waits for it: through a round (listings), or at once when the server
// answers ids (no listing needed) or for fixed-period hosts.
inline asio::awaitable<error_code> submit(impl_ptr impl, std::shared_ptr<create_request> rq,
                                          std::optional<rental_period> period)
{
    client c = client_access::view(impl);
    auto& cr = creation_of(*impl);
    if (period || cr.answers.load() == creator::mode::answers_id)
    {
        std::vector<slot_ref> slots;
        for (std::size_t k = 0; k < rq->slots.size(); ++k)
            slots.push_back({rq.get(), k});
        co_await for_each_bounded(slots.size(), std::max<std::size_t>(rq->concurrency, 1),
                                  [&](std::size_t i) -> asio::awaitable<void> {
                                      if (co_await cancelled())
                                          rq->cancelled = true;
                                      co_await create_one(c, cr, slots[i], period);
                                  });
        for (std::size_t k = 0; k < rq->slots.size(); ++k)
            if (rq->unidentified[k])
                rq->slots[k].error = client_errc::host_not_resolved;   // the server stopped answering ids
        co_return co_await cancelled() ? error_code(asio::error::operation_aborted) : error_code{};
    }

    rq->done = std::make_shared<pending<bool>>(co_await asio::this_coro::executor);
    rq->done->timer.expires_at(asio::steady_timer::time_point::max());
    if (cr.enqueue(rq))
    {
        asio::co_spawn(asio::make_strand(impl->executor), run_rounds(client_access::view(impl), impl), [impl](std::exception_ptr ep) {
            if (ep)
            {
                diagnostics ignored;
                creation_of(*impl).stop_runner(error_from_exception(ep, ignored));
            }
        });
    }
    bool cancelled_once = false;
    for (;;)
    {
        co_await rq->done->timer.async_wait(tuple_token());
        if (rq->done->done)
            break;
        if (co_await cancelled() && !cancelled_once)
        {
            cancelled_once = true;
            rq->cancelled = true;
            if (cr.withdraw(rq.get()))
                break;   // not started: nothing was sent
            // Its round runs: no further create is sent for it; its creates in flight answer soon.
            continue;
        }
    }
    if (rq->failed)
        co_return rq->failed;
    co_return rq->cancelled.load() ? error_code(asio::error::operation_aborted) : error_code{};
}

inline std::shared_ptr<create_request> make_request(std::string package, std::string image, std::size_t count,
                                                    std::size_t concurrency, const call_options& call)
{
    auto rq = std::make_shared<create_request>();
    rq->package = std::move(package);
    rq->image = std::move(image);
    rq->slots.resize(count);
    rq->unidentified.assign(count, false);
    rq->concurrency = concurrency;
    rq->call = call;
    rq->tag.assign(call.tag);      // the caller's view may not outlive the initiation
    rq->call.tag = rq->tag;
    rq->call.background = false;   // creates go first
    return rq;
}

inline asio::awaitable<error_code> create_batch(impl_ptr impl, std::shared_ptr<create_request> rq,
                                                std::optional<rental_period> period,
                                                std::shared_ptr<result_state<std::vector<created_host>>> st)
{
    auto ec = co_await submit(impl, rq, period);
    st->value = std::move(rq->slots);
    if (ec && rq->failed)
        st->diag = std::move(rq->diag);
    co_return ec;
}

// Powers the batch's hosts on (or not) and waits for each through one hub.
inline asio::awaitable<error_code> create_and_wait_batch(impl_ptr impl, std::shared_ptr<create_request> rq,
                                                         create_wait_options o,
                                                         std::shared_ptr<result_state<std::vector<created_host>>> st)
{
    client c = client_access::view(impl);
    auto ec = co_await submit(impl, rq, std::nullopt);
    auto& slots = rq->slots;
    if (!ec)
    {
        std::vector<std::size_t> made;
        for (std::size_t k = 0; k < slots.size(); ++k)
            if (slots[k].ok())
                made.push_back(k);
        watch_hub hub(c, o.hub);
        co_await for_each_bounded(made.size(), made.size(), [&](std::size_t i) -> asio::awaitable<void> {
            auto& slot = slots[made[i]];
            error_code wec;
            host h;
            diagnostics d;
            if (o.target == host_status::running)
                std::tie(wec, h) = co_await hub.async_power_on_and_wait(slot.id, o.wait, call_context(rq->call, d),
                                                                         tuple_token());
            else
                std::tie(wec, h) = co_await hub.async_wait_for_status(slot.id, o.target, o.wait,
                                                                       call_context(rq->call, d), tuple_token());
            if (!h.id.empty())
                slot.details = std::move(h);
            slot.error = wec;
        });
        if (co_await cancelled())
            ec = asio::error::operation_aborted;
    }
    st->value = std::move(slots);
    if (ec && rq->failed)
        st->diag = std::move(rq->diag);
    co_return ec;
}

inline asio::awaitable<error_code> create_one_host(impl_ptr impl, std::shared_ptr<create_request> rq, bool wait,
                                                   host_status target, wait_options o,
                                                   std::shared_ptr<result_state<host>> st)
{
    client c = client_access::view(impl);
    if (auto ec = co_await submit(impl, rq, std::nullopt))
    {
        if (rq->failed)
            st->diag = std::move(rq->diag);
        co_return ec;
    }
    auto& slot = rq->slots.front();
    if (!slot.ok())
    {
        diagnostics_access::set_client_message(
            st->diag, slot.error == client_errc::host_not_resolved
                          ? "the host was created, but it could not be told apart from others in the account"
                          : "creating the host failed: " + slot.error.message());
        co_return slot.error ? slot.error : error_code(client_errc::host_not_resolved);
    }
    if (slot.details)
        st->value = std::move(*slot.details);
    else   // the server answered the id: read the host
    {
        diagnostics d;
        auto [ec, h] = co_await c.async_get_host(slot.id, call_context(rq->call, d), tuple_token());
        if (ec)
        {
            st->diag = std::move(d);
            st->value.id = slot.id;
            co_return ec;
        }
        st->value = std::move(h);
    }
    if (!wait)
        co_return error_code{};
    if (co_await cancelled())   // never power on what the caller no longer wants
        co_return asio::error::operation_aborted;
    auto act = target == host_status::running ? then_wait::power_on : then_wait::nothing;
    co_return co_await act_then_poll(client_access::view(impl), st->value.id, act, target, std::move(o), rq->call,
                                     st);
}

}   // namespace create_helpers

FINOVY_DECL void start_create_hosts(impl_ptr impl, std::string package_id, std::string image_id, std::size_t count,
                                    create_options o, call_context ctx, diagnostics* own,
                                    handler_for<std::vector<created_host>> h)
{
    auto rq = create_helpers::make_request(std::move(package_id), std::move(image_id), count, o.concurrency,
                                           ctx.options);
    auto ex = boost::asio::make_strand(impl->executor);
    auto home = impl->executor;
    start_composed<std::vector<created_host>>(
        ex, std::move(home), ctx.diag, own, std::move(h),
        [&](std::shared_ptr<result_state<std::vector<created_host>>> st) {
            return create_helpers::create_batch(impl, rq, std::nullopt, std::move(st));
        },
        true);
}

FINOVY_DECL void start_create_fixed_period_hosts(impl_ptr impl, std::string package_id, std::string image_id,
                                                 rental_period period, std::size_t count, create_options o,
                                                 call_context ctx, diagnostics* own,
                                                 handler_for<std::vector<created_host>> h)
{
    auto rq = create_helpers::make_request(std::move(package_id), std::move(image_id), count, o.concurrency,
                                           ctx.options);
    auto ex = boost::asio::make_strand(impl->executor);
    auto home = impl->executor;
    start_composed<std::vector<created_host>>(
        ex, std::move(home), ctx.diag, own, std::move(h),
        [&](std::shared_ptr<result_state<std::vector<created_host>>> st) {
            return create_helpers::create_batch(impl, rq, period, std::move(st));
        },
        true);
}

FINOVY_DECL void start_create_hosts_and_wait(impl_ptr impl, std::string package_id, std::string image_id,
                                             std::size_t count, create_wait_options o, call_context ctx,
                                             diagnostics* own, handler_for<std::vector<created_host>> h)
{
    auto rq = create_helpers::make_request(std::move(package_id), std::move(image_id), count, o.concurrency,
                                           ctx.options);
    auto ex = boost::asio::make_strand(impl->executor);
    auto home = impl->executor;
    start_composed<std::vector<created_host>>(
        ex, std::move(home), ctx.diag, own, std::move(h),
        [&](std::shared_ptr<result_state<std::vector<created_host>>> st) {
            return create_helpers::create_and_wait_batch(impl, rq, std::move(o), std::move(st));
        },
        true);
}

FINOVY_DECL void start_create_resolved(impl_ptr impl, std::string package_id, std::string image_id, bool wait,
                                       host_status target, wait_options o, call_context ctx, diagnostics* own,
                                       handler_for<host> h)
{
    auto rq = create_helpers::make_request(std::move(package_id), std::move(image_id), 1, 1, ctx.options);
    auto ex = boost::asio::make_strand(impl->executor);
    auto home = impl->executor;
    start_composed<host>(
        ex, std::move(home), ctx.diag, own, std::move(h),
        [&](std::shared_ptr<result_state<host>> st) {
            return create_helpers::create_one_host(impl, rq, wait, target, std::move(o), std::move(st));
        },
        wait);
}

}   // namespace finovy::detail

#endif
