// SPDX-License-Identifier: BSL-1.0
// Creating hosts (create.hpp): a client's batches and their rounds' queues (creator.hpp), a
// batch's submission and cancellation, the waits that follow, one host. The rounds themselves are
// in create_rounds.ipp.
#ifndef FINOVY_IMPL_CREATE_IPP
#define FINOVY_IMPL_CREATE_IPP

#include <finovy/create.hpp>
#include <finovy/create_journal.hpp>
#include <finovy/impl/create_rounds.ipp>
#include <finovy/impl/internal/bounded.hpp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/creator.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/impl/internal/wait_driver.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <ostream>

namespace finovy {

FINOVY_DECL std::string_view to_string(created_host::outcome o) noexcept
{
    switch (o)
    {
    case created_host::outcome::created: return "created";
    case created_host::outcome::refused: return "refused";
    case created_host::outcome::unknown: return "unknown";
    case created_host::outcome::cancelled: return "cancelled";
    }
    return "unknown";
}

FINOVY_DECL std::ostream& operator<<(std::ostream& os, const created_host& h)
{
    os << (h.id.empty() ? std::string("-") : h.id) << ' ' << to_string(h.result);
    if (h.error)
        os << ": " << h.diag.describe(h.error);
    if (!h.candidates.empty())
    {
        os << " (candidates:";
        for (const auto& c : h.candidates)
            os << ' ' << c;
        os << ')';
    }
    return os;
}

}   // namespace finovy

namespace finovy::detail {

// -------------------------------------------------------------------------------------------------
// The creator: queues of batches per key, claims, catalog

FINOVY_DECL bool creator::enqueue(batch_ptr b)
{
    std::lock_guard lk(m_);
    auto& l = lanes_[b->key()];
    l.waiting.push_back(std::move(b));
    bool start = !l.running;
    l.running = true;
    return start;
}

FINOVY_DECL std::vector<batch_ptr> creator::next_round(const std::string& key)
{
    std::lock_guard lk(m_);
    auto& l = lanes_[key];
    std::vector<batch_ptr> round(std::make_move_iterator(l.waiting.begin()), std::make_move_iterator(l.waiting.end()));
    l.waiting.clear();
    if (round.empty())
        lanes_.erase(key);   // the runner stops
    return round;
}

FINOVY_DECL bool creator::withdraw(const create_batch* b)
{
    std::lock_guard lk(m_);
    auto it = lanes_.find(b->key());
    if (it == lanes_.end())
        return false;
    auto& w = it->second.waiting;
    auto q = std::find_if(w.begin(), w.end(), [&](const batch_ptr& p) { return p.get() == b; });
    if (q == w.end())
        return false;
    w.erase(q);
    return true;
}

FINOVY_DECL void creator::stop_runner(const std::string& key, error_code ec)
{
    std::lock_guard lk(m_);
    auto it = lanes_.find(key);
    if (it == lanes_.end())
        return;
    for (auto& b : it->second.waiting)
    {
        b->failed = ec;
        b->done->fulfil({}, true);
    }
    lanes_.erase(it);
}

FINOVY_DECL void creator::finish(create_batch& b)
{
    std::lock_guard lk(m_);
    b.done->fulfil({}, true);
}

FINOVY_DECL void creator::claim(const std::string& id)
{
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lk(m_);
    while (!claimed_order_.empty() && now - claimed_order_.front().first > std::chrono::hours(24))
    {
        claimed_.erase(claimed_order_.front().second);
        claimed_order_.pop_front();
    }
    if (claimed_.insert(id).second)
        claimed_order_.emplace_back(now, id);
}

FINOVY_DECL std::unordered_set<std::string> creator::claimed()
{
    std::lock_guard lk(m_);
    return claimed_;
}

FINOVY_DECL bool creator::has_catalog(billing_kind kind)
{
    std::lock_guard lk(m_);
    return packages_.count(static_cast<int>(kind)) != 0;
}

FINOVY_DECL void creator::set_catalog(billing_kind kind, std::vector<host_package> packages, std::vector<image> images)
{
    std::lock_guard lk(m_);
    packages_[static_cast<int>(kind)] = std::move(packages);
    images_ = std::move(images);
}

FINOVY_DECL std::optional<host_signature> creator::signature(const std::string& package, const std::string& image_id,
                                                             billing_kind kind)
{
    std::lock_guard lk(m_);
    auto it = packages_.find(static_cast<int>(kind));
    if (it == packages_.end())
        return std::nullopt;
    auto p = std::find_if(it->second.begin(), it->second.end(), [&](const host_package& x) { return x.id == package; });
    auto i = std::find_if(images_.begin(), images_.end(), [&](const image& x) { return x.id == image_id; });
    if (p == it->second.end() || i == images_.end())
        return std::nullopt;
    return host_signature::of(*p, *i, kind);
}

FINOVY_DECL std::string creator::make_name(const char* prefix)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::lock_guard lk(m_);
    std::string s = prefix;
    for (auto v = rng_(); s.size() < 16 + std::char_traits<char>::length(prefix); v >>= 4)
        s += digits[v & 15];
    return s;
}

FINOVY_DECL createtime_skew creator::skew(std::chrono::milliseconds margin)
{
    std::lock_guard lk(m_);
    auto s = skew_;
    s.set_margin(margin);
    return s;
}

FINOVY_DECL void creator::learn_skew(time_point created, time_point earliest, time_point latest)
{
    std::lock_guard lk(m_);
    skew_.on_sample(created, earliest, latest);
}

FINOVY_DECL void creator::narrow_skew(time_point::duration lo, time_point::duration hi)
{
    std::lock_guard lk(m_);
    skew_.narrow(lo, hi);
}

namespace {
inline const char creator_key = 0;
}

FINOVY_DECL std::shared_ptr<creator> creator_of(client_impl& impl)
{
    return impl.attachment<creator>(&creator_key, [] { return std::make_shared<creator>(); });
}

namespace create_helpers {

// Submits a batch to its key's rounds and waits until they are over. A cancellation withdraws it
// if its round has not started (nothing was sent); otherwise it marks it so that no further create
// is sent, and waits for the creates in flight and their identification.
inline asio::awaitable<error_code> submit(impl_ptr impl, batch_ptr b)
{
    auto cr = creator_of(*impl);
    b->done = std::make_shared<pending<bool>>(co_await asio::this_coro::executor);
    b->done->timer.expires_at(asio::steady_timer::time_point::max());
    if (b->entries.empty())
        co_return error_code{};
    if (cr->enqueue(b))
    {
        auto key = b->key();
        asio::co_spawn(asio::make_strand(impl->executor), run_rounds(client_access::view(impl), cr, key),
                       [cr, key](std::exception_ptr ep) {
                           if (ep)
                           {
                               diagnostics ignored;
                               cr->stop_runner(key, error_from_exception(ep, ignored));
                           }
                       });
    }
    bool cancelled_once = false;
    for (;;)
    {
        co_await b->done->timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (b->done->done)
            break;
        if (co_await cancelled() && !cancelled_once)
        {
            cancelled_once = true;
            b->cancelled = true;
            if (cr->withdraw(b.get()))
            {
                for (std::size_t k = 0; k < b->entries.size(); ++k)
                {
                    b->entries[k].result = created_host::outcome::cancelled;
                    b->entries[k].error = asio::error::operation_aborted;
                    notify(*b, k);
                }
                break;   // its round had not started: nothing was sent
            }
        }
    }
    if (b->failed)
        co_return b->failed;
    co_return b->cancelled.load() ? error_code(asio::error::operation_aborted) : error_code{};
}

inline batch_ptr make_batch(impl_ptr& impl, batch_spec& spec, const call_options& call)
{
    auto b = std::make_shared<create_batch>();
    b->package = std::move(spec.package_id);
    b->image = std::move(spec.image_id);
    b->period = spec.period;
    b->opts = std::move(spec.create);
    b->name = b->opts.batch.empty() ? creator_of(*impl)->make_name("b-") : std::string(b->opts.batch);
    b->opts.batch = {};   // the caller's view may not outlive the initiation
    b->call = call;
    b->tag.assign(call.tag);   // the caller's view may not outlive the initiation
    b->call.tag = b->tag;
    b->call.background = false;   // creates go first
    b->entries.resize(spec.count);
    b->reported.assign(spec.count, false);
    return b;
}

// The wait of a create_and_wait: tolerant of a host not yet readable.
inline wait_options wait_after_create(wait_options w, const create_options& c)
{
    w.not_found_grace = std::max(w.not_found_grace, c.not_found_grace);
    return w;
}

// Powers the batch's hosts on (or not) and waits for each through one hub.
inline asio::awaitable<void> wait_for_batch(client& c, create_batch& b, const create_wait_options& o)
{
    std::vector<std::size_t> made;
    for (std::size_t k = 0; k < b.entries.size(); ++k)
        if (b.entries[k].ok())
            made.push_back(k);
    if (made.empty())
        co_return;
    std::optional<watch_hub> own;
    watch_hub* hub = o.shared_hub;
    if (!hub)
        hub = &own.emplace(c, o.hub);
    const auto w = wait_after_create(o.wait, b.opts);
    co_await for_each_bounded(made.size(), made.size(), [&](std::size_t i) -> asio::awaitable<void> {
        auto& e = b.entries[made[i]];
        error_code ec;
        host h;
        diagnostics d;
        if (o.target == host_status::running)
            std::tie(ec, h) = co_await hub->async_power_on_and_wait(e.id, w, call_context(b.call, d),
                                                                     asio::as_tuple(asio::use_awaitable));
        else
            std::tie(ec, h) = co_await hub->async_wait_for_status(e.id, o.target, w, call_context(b.call, d),
                                                                   asio::as_tuple(asio::use_awaitable));
        if (!h.id.empty())
            e.details = std::move(h);
        e.error = ec;
        if (ec)
            e.diag = std::move(d);
    });
}

inline asio::awaitable<error_code> create_batch_body(impl_ptr impl, batch_ptr b,
                                                     std::optional<create_wait_options> wait,
                                                     std::shared_ptr<result_state<std::vector<created_host>>> st)
{
    client c = client_access::view(impl);
    auto ec = co_await submit(impl, b);
    if (!ec && wait)
    {
        co_await wait_for_batch(c, *b, *wait);
        if (co_await cancelled())
            ec = asio::error::operation_aborted;
    }
    st->value = std::move(b->entries);
    if (ec && b->failed)
        st->diag = std::move(b->diag);
    co_return ec;
}

// Reads a host just created: "host not found" is tolerated for `grace` (the API may lag).
inline asio::awaitable<error_code> read_new_host(client& c, const std::string& id, std::chrono::milliseconds grace,
                                                 const call_options& call, host& out, diagnostics& diag)
{
    const auto give_up = saturating_deadline(std::chrono::steady_clock::now(), grace);
    for (auto pause = std::chrono::milliseconds(100);; pause = std::min(pause * 2, std::chrono::milliseconds(2'000)))
    {
        diag = {};
        auto [ec, h] = co_await c.async_get_host(id, call_context(call, diag), asio::as_tuple(asio::use_awaitable));
        if (!ec)
        {
            out = std::move(h);
            co_return ec;
        }
        if (ec != api_errc::host_not_found || std::chrono::steady_clock::now() + pause > give_up)
            co_return ec;
        asio::steady_timer t(co_await asio::this_coro::executor, pause);
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
        if (co_await cancelled())
            co_return asio::error::operation_aborted;
    }
}

// One host: the batch of one, its host read when only its id is known, then its wait.
inline asio::awaitable<error_code> create_one_body(impl_ptr impl, batch_ptr b, std::optional<create_wait_options> wait,
                                                   std::shared_ptr<result_state<host>> st)
{
    client c = client_access::view(impl);
    auto submitted = co_await submit(impl, b);
    if (submitted)
    {
        const auto ec = submitted;
        st->diag = b->failed ? std::move(b->diag) : std::move(b->entries.front().diag);
        co_return ec;
    }
    auto& e = b->entries.front();
    if (!e.ok())
    {
        st->diag = std::move(e.diag);   // the create's own: the server's code, msg, status, traceId
        st->value.id = e.id;
        co_return e.error ? e.error : error_code(client_errc::host_not_resolved);
    }
    if (e.details)
        st->value = std::move(*e.details);
    else   // the server answered the id: read the host, which may not be readable at once
    {
        auto ec = co_await read_new_host(c, e.id, b->opts.not_found_grace, b->call, st->value, st->diag);
        if (ec)
        {
            st->value.id = e.id;
            co_return ec;
        }
    }
    if (!wait)
        co_return error_code{};
    if (co_await cancelled())   // never power on what the caller no longer wants
        co_return asio::error::operation_aborted;
    auto act = wait->target == host_status::running ? then_wait::power_on : then_wait::nothing;
    // Built in its own statement: no temporary lives across the co_await (GCC 12).
    auto waited = act_then_poll(client_access::view(impl), st->value.id, act, wait->target,
                                wait_after_create(wait->wait, b->opts), b->call, st);
    co_return co_await std::move(waited);
}

}   // namespace create_helpers

FINOVY_DECL void start_create_batch(impl_ptr impl, batch_spec spec, call_context ctx, diagnostics* own,
                                    handler_for<std::vector<created_host>> h)
{
    auto wait = std::move(spec.wait);
    auto b = create_helpers::make_batch(impl, spec, ctx.options);
    auto ex = boost::asio::make_strand(impl->executor);
    auto home = impl->executor;
    start_composed<std::vector<created_host>>(
        ex, std::move(home), ctx.diag, own, std::move(h),
        [&](std::shared_ptr<result_state<std::vector<created_host>>> st) {
            return create_helpers::create_batch_body(impl, b, std::move(wait), std::move(st));
        },
        true);
}

FINOVY_DECL void start_create_one(impl_ptr impl, batch_spec spec, call_context ctx, diagnostics* own,
                                  handler_for<host> h)
{
    auto wait = std::move(spec.wait);
    auto b = create_helpers::make_batch(impl, spec, ctx.options);
    auto ex = boost::asio::make_strand(impl->executor);
    auto home = impl->executor;
    start_composed<host>(
        ex, std::move(home), ctx.diag, own, std::move(h),
        [&](std::shared_ptr<result_state<host>> st) {
            return create_helpers::create_one_body(impl, b, std::move(wait), std::move(st));
        },
        true);
}

}   // namespace finovy::detail

#endif
