// SPDX-License-Identifier: BSL-1.0
// The watch hub (watch_hub.hpp): one polling loop for many waits, each a wait_fsm it drives.
#ifndef FINOVY_IMPL_WATCH_HUB_IPP
#define FINOVY_IMPL_WATCH_HUB_IPP

#include <finovy/impl/internal/bounded.hpp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/impl/internal/wait_driver.hpp>
#include <finovy/watch_hub.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <algorithm>
#include <atomic>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace finovy::detail {

// The hub's state. Everything but the counters is touched only on `strand`.
class hub_impl : public std::enable_shared_from_this<hub_impl>
{
public:
    using clock = std::chrono::steady_clock;
    using action = host_wait_fsm::action;
    static constexpr int page_size = 25;

    hub_impl(impl_ptr c, hub_options o)
        : client_(client_access::view(c)), strand(boost::asio::make_strand(c->executor)), opts(o), nap(strand)
    {
    }

    // One wait: its machine, and where its coroutine waits for the end.
    struct waiter
    {
        waiter(std::string i, host_wait_fsm m) : id(std::move(i)), fsm(std::move(m)) {}

        std::string id;
        host_wait_fsm fsm;
        std::function<void(const host&)> on_observe;
        action end;                      // how it ended, once fsm.done()
        diagnostics read_diag;           // the failed read that ended it
        boost::asio::steady_timer* timer = nullptr;   // at the deadline; cancelled when it ends
        result_state<host>* st = nullptr;
    };

    // `self` keeps the hub alive while the wait runs.
    boost::asio::awaitable<error_code> wait(std::shared_ptr<hub_impl> self, std::string id, host_status target,
                                            then_wait act, wait_options o, call_options call,
                                            std::shared_ptr<result_state<host>> st);
    void stop();

    client client_;
    boost::asio::strand<boost::asio::any_io_executor> strand;
    hub_options opts;
    std::atomic<std::uint64_t> rounds{0}, targeted_rounds{0}, page_requests{0}, host_requests{0}, completed{0};
    std::atomic<std::size_t> waiting{0};

private:
    // Where a host was seen in the listing (newest first), and the listing's size then.
    struct position
    {
        std::int64_t index = 0;
        std::int64_t total = 0;
    };
    enum class plan
    {
        read_each,
        scan_all,
        scan_some,
    };

    void enter(waiter& w, clock::time_point now);
    boost::asio::awaitable<error_code> ended(waiter& w);
    void apply(waiter& w, const action& a);
    void wake_for(clock::time_point at);
    void start_loop();
    boost::asio::awaitable<void> loop(std::shared_ptr<hub_impl> self);
    std::vector<std::string> due(clock::time_point now, bool all);
    clock::time_point wake_time() const;
    boost::asio::awaitable<void> nap_until(clock::time_point at);
    void loop_failed(error_code ec);
    boost::asio::awaitable<void> reported_round(std::vector<std::string> ready, clock::time_point start);
    boost::asio::awaitable<void> round(std::vector<std::string> ready);
    plan plan_for(const std::vector<std::string>& ready, std::set<std::int64_t>& targeted) const;
    boost::asio::awaitable<void> scan_all(std::unordered_set<std::string>& seen);
    boost::asio::awaitable<void> read_rest(const std::vector<std::string>& ready,
                                           const std::unordered_set<std::string>& seen);
    boost::asio::awaitable<void> fetch_pages(const std::vector<std::int64_t>& pages, std::unordered_set<std::string>& seen);
    call_options polling() const;
    void take(const host_page& p, std::unordered_set<std::string>& seen);
    void observe(const host& h, clock::time_point now);
    void failed_read(const std::string& id, const error_code& ec, diagnostics& d, clock::time_point now);
    void complete(waiter& w, const action& a);
    void forget(waiter& w);
    std::vector<waiter*> all_waiters() const;

    std::unordered_map<std::string, std::vector<waiter*>> watched_;
    std::unordered_map<std::string, position> positions_;
    boost::asio::steady_timer nap;
    clock::time_point nap_until_ = clock::time_point::max();
    clock::time_point next_round_ = clock::time_point::min();   // the next round that looks at every wait
    bool napping_ = false;
    bool loop_running_ = false;
    bool stopped_ = false;
    std::int64_t known_total_ = -1;   // the account's host count, from the last page seen
};

FINOVY_DECL std::vector<hub_impl::waiter*> hub_impl::all_waiters() const
{
    std::vector<waiter*> all;
    for (const auto& [id, ws] : watched_)
        all.insert(all.end(), ws.begin(), ws.end());
    return all;
}

FINOVY_DECL void hub_impl::forget(waiter& w)
{
    auto it = watched_.find(w.id);
    if (it == watched_.end())
        return;
    std::erase(it->second, &w);
    if (it->second.empty())
    {
        watched_.erase(it);
        positions_.erase(w.id);
    }
    --waiting;
}

FINOVY_DECL void hub_impl::complete(waiter& w, const action& a)
{
    if (a.step != wait_step::done)
        return;
    w.end = a;
    forget(w);
    ++completed;
    w.timer->cancel();   // same strand as the waiting coroutine
}

// What a wait's machine said, done outside the loop's own planning: an end, or a look due
// before the loop means to wake (a wait registered while the hub sleeps must not wait for it).
FINOVY_DECL void hub_impl::apply(waiter& w, const action& a)
{
    if (a.step == wait_step::done)
        complete(w, a);
    else if (a.step == wait_step::read)
        wake_for(clock::now());
    else if (a.step == wait_step::sleep)
        wake_for(a.until);
}

FINOVY_DECL void hub_impl::wake_for(clock::time_point at)
{
    if (!loop_running_)
        start_loop();
    else if (napping_ && at < nap_until_)
        nap.cancel();   // the loop plans again
}

FINOVY_DECL void hub_impl::observe(const host& h, clock::time_point now)
{
    auto it = watched_.find(h.id);
    if (it == watched_.end())
        return;
    auto ws = it->second;   // complete() edits the list
    for (auto* w : ws)
    {
        if (!w->fsm.counts(now))
            continue;   // still in its first delay
        w->st->value = h;
        if (auto ec = observe_safely(w->on_observe, h, w->st->diag))
            complete(*w, w->fsm.on_stopped(ec));
        else
            apply(*w, w->fsm.on_status(h.status, now));
    }
}

FINOVY_DECL void hub_impl::failed_read(const std::string& id, const error_code& ec, diagnostics& d,
                                       clock::time_point now)
{
    auto it = watched_.find(id);
    if (it == watched_.end())
        return;
    auto ws = it->second;
    for (auto* w : ws)
    {
        if (!w->fsm.counts(now))
            continue;
        auto a = w->fsm.on_error(ec, d.http_status(), now);
        if (a.why == wait_end::failed)
            w->read_diag = d;
        apply(*w, a);
    }
}

FINOVY_DECL boost::asio::awaitable<error_code> hub_impl::wait(std::shared_ptr<hub_impl> /* kept alive */, std::string id,
                                                             host_status target, then_wait act, wait_options o,
                                                             call_options call, std::shared_ptr<result_state<host>> st)
{
    if (!valid_id(id))
    {
        diagnostics_access::set_client_message(st->diag, "host id must be 1 to 64 characters of A-Z, a-z, 0-9, '-' or '_'");
        co_return client_errc::invalid_argument;
    }
    auto changed = co_await change_host(client_, id, act, call, *st);
    if (changed)
        co_return changed;
    if (stopped_)
        co_return boost::asio::error::operation_aborted;
    const auto started = clock::now();
    waiter w(id, host_wait_fsm(host_wait_target(target, act, o), host_wait_settings(o, opts.interval)));
    w.on_observe = std::move(o.on_observe);
    w.st = st.get();
    boost::asio::steady_timer timer(strand);
    w.timer = &timer;
    enter(w, started);
    auto result = co_await ended(w);
    report_wait(client_, act == then_wait::nothing ? "hub_wait_for_status" : wait_name(act), call, id, result,
                w.fsm.looks(), w.fsm.seen() ? static_cast<int>(st->value.status) : -1, started);
    co_return result;
}

FINOVY_DECL void hub_impl::enter(waiter& w, clock::time_point now)
{
    auto a = w.fsm.start(now);
    w.timer->expires_at(w.fsm.deadline());
    watched_[w.id].push_back(&w);
    ++waiting;
    apply(w, a);
}

// Until the wait ends: by the loop (its timer cancelled), its deadline, or a cancellation.
FINOVY_DECL boost::asio::awaitable<error_code> hub_impl::ended(waiter& w)
{
    // A named token, and the cancellation read in its own statement: GCC 12 miscompiled this loop
    // with a temporary token and `co_await cancelled() || stopped_` (SIGILL at the first wait).
    const auto tok = boost::asio::as_tuple(boost::asio::use_awaitable);
    while (!w.fsm.done())
    {
        co_await w.timer->async_wait(tok);
        if (w.fsm.done())
            break;
        const bool stop = co_await cancelled();
        if (stop || stopped_)
            complete(w, w.fsm.on_cancelled());
        else
            apply(w, w.fsm.on_timer(clock::now()));   // the deadline: timed out
    }
    describe_end(w.st->diag, "host", w.id, w.end, w.fsm, &w.read_diag);
    co_return w.end.ec;
}

FINOVY_DECL void hub_impl::start_loop()
{
    if (loop_running_ || stopped_ || watched_.empty())
        return;
    loop_running_ = true;
    auto self = shared_from_this();
    boost::asio::co_spawn(strand, loop(self), [self](std::exception_ptr ep) {
        if (ep)   // out of memory, say: no wait may be left waiting for a loop that is gone
        {
            diagnostics d;
            self->loop_failed(error_from_exception(ep, d));
        }
    });
}

FINOVY_DECL void hub_impl::loop_failed(error_code ec)
{
    loop_running_ = false;
    napping_ = false;
    for (auto* w : all_waiters())
    {
        diagnostics_access::set_client_message(w->st->diag, "the watch hub's polling failed: " + ec.message());
        complete(*w, w->fsm.on_stopped(ec));
    }
}

// Requests of the hub: in the background lane, and patient: a wait ends by its own timeout.
FINOVY_DECL call_options hub_impl::polling() const
{
    call_options o;
    o.background = true;
    auto last = clock::now() + std::chrono::seconds(60);
    for (const auto& [id, ws] : watched_)
        for (auto* w : ws)
            last = std::max(last, w->fsm.deadline());
    o.deadline = std::chrono::duration_cast<std::chrono::milliseconds>(last - clock::now());
    return o;
}

FINOVY_DECL void hub_impl::take(const host_page& p, std::unordered_set<std::string>& seen)
{
    known_total_ = p.total;
    auto now = clock::now();
    std::int64_t index = static_cast<std::int64_t>(p.number - 1) * page_size;
    for (const auto& h : p.items)
    {
        if (watched_.count(h.id))
        {
            positions_[h.id] = {index, p.total};
            seen.insert(h.id);
            observe(h, now);
        }
        ++index;
    }
}

FINOVY_DECL boost::asio::awaitable<void> hub_impl::fetch_pages(const std::vector<std::int64_t>& pages,
                                                              std::unordered_set<std::string>& seen)
{
    namespace asio = boost::asio;
    const auto call = polling();
    co_await for_each_bounded(pages.size(), opts.max_concurrent_requests, [&](std::size_t i) -> asio::awaitable<void> {
        diagnostics d;
        auto [e, p] = co_await client_.async_list_hosts(static_cast<int>(pages[i]) + 1, page_size, call_context(call, d),
                                                        asio::as_tuple(asio::use_awaitable));
        ++page_requests;
        if (!e)
            take(p, seen);
    });
}

// How a round reads: scan every page, fetch only the pages that should hold the hosts waited
// for, or read those hosts one by one, whichever costs fewest requests.
FINOVY_DECL hub_impl::plan hub_impl::plan_for(const std::vector<std::string>& ready,
                                              std::set<std::int64_t>& targeted) const
{
    if (known_total_ < 0)
        return ready.size() > 1 ? plan::scan_all : plan::read_each;
    const std::int64_t all_pages = (known_total_ + page_size - 1) / page_size;
    std::size_t unplaced = 0;
    for (const auto& id : ready)
    {
        auto it = positions_.find(id);
        if (it == positions_.end())
        {
            ++unplaced;
            continue;
        }
        // Newest first: hosts created since push it down, deleted ones before it pull it up.
        auto index = it->second.index + (known_total_ - it->second.total);
        targeted.insert(std::clamp<std::int64_t>(index / page_size, 0, std::max<std::int64_t>(all_pages - 1, 0)));
    }
    const auto some = static_cast<std::int64_t>(targeted.size() + unplaced);
    const auto each = static_cast<std::int64_t>(ready.size());
    if (all_pages > 0 && all_pages <= some && all_pages <= each)
        return plan::scan_all;
    if (!targeted.empty() && some < each)
        return plan::scan_some;
    return plan::read_each;
}

FINOVY_DECL boost::asio::awaitable<void> hub_impl::scan_all(std::unordered_set<std::string>& seen)
{
    namespace asio = boost::asio;
    const auto tok = asio::as_tuple(asio::use_awaitable);
    diagnostics d;
    auto [ec, first] = co_await client_.async_list_hosts(1, page_size, call_context(polling(), d), tok);
    ++page_requests;
    if (ec)
        co_return;
    take(first, seen);
    std::vector<std::int64_t> rest;
    for (std::int64_t p = 1; p < (first.total + page_size - 1) / page_size; ++p)
        rest.push_back(p);
    co_await fetch_pages(rest, seen);
}

// Hosts the pages did not show (deleted, or moved by concurrent changes) are read one by one.
FINOVY_DECL boost::asio::awaitable<void> hub_impl::read_rest(const std::vector<std::string>& ready,
                                                            const std::unordered_set<std::string>& seen)
{
    namespace asio = boost::asio;
    std::vector<std::string> rest;
    for (const auto& id : ready)
        if (!seen.count(id) && watched_.count(id))
            rest.push_back(id);
    const auto call = polling();
    const auto tok = asio::as_tuple(asio::use_awaitable);
    co_await for_each_bounded(rest.size(), opts.max_concurrent_requests, [&](std::size_t i) -> asio::awaitable<void> {
        diagnostics d;
        auto [e, h] = co_await client_.async_get_host(rest[i], call_context(call, d), tok);
        ++host_requests;
        if (!e)
            observe(h, clock::now());
        else
            failed_read(rest[i], e, d, clock::now());
    });
}

// One round for the hosts `ready`: its pages (plan_for()), then what they did not show.
FINOVY_DECL boost::asio::awaitable<void> hub_impl::round(std::vector<std::string> ready)
{
    std::unordered_set<std::string> seen;
    std::set<std::int64_t> targeted;
    const auto how = plan_for(ready, targeted);
    if (how == plan::scan_all)
        co_await scan_all(seen);
    else if (how == plan::scan_some)
    {
        ++targeted_rounds;
        co_await fetch_pages(std::vector<std::int64_t>(targeted.begin(), targeted.end()), seen);
    }
    co_await read_rest(ready, seen);
}

FINOVY_DECL boost::asio::awaitable<void> hub_impl::reported_round(std::vector<std::string> ready,
                                                                 clock::time_point start)
{
    ++rounds;
    const auto before_pages = page_requests.load(), before_reads = host_requests.load();
    const auto before_done = completed.load();
    const auto looked_for = ready.size();
    co_await round(std::move(ready));
    if (const auto& impl = client_access::impl(client_); impl->opts.events)
    {
        hub_round_event e;
        e.waiting = looked_for;
        e.completed = static_cast<std::size_t>(completed.load() - before_done);
        e.page_requests = static_cast<std::size_t>(page_requests.load() - before_pages);
        e.host_requests = static_cast<std::size_t>(host_requests.load() - before_reads);
        e.latency = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - start);
        impl->emit(e);
    }
}

// The hosts to read now: every wait's at a regular round (`all`), else those whose look is due.
// Their machines hear the timer; those it ends are completed.
FINOVY_DECL std::vector<std::string> hub_impl::due(clock::time_point now, bool all)
{
    std::vector<std::string> ready;
    std::unordered_set<std::string> listed;
    for (auto* w : all_waiters())
    {
        if (!w->fsm.reading() && (all || w->fsm.until() <= now))
        {
            auto a = w->fsm.on_timer(now);
            if (a.step == wait_step::done)
                complete(*w, a);
        }
        if (w->fsm.reading() && listed.insert(w->id).second)
            ready.push_back(w->id);
    }
    return ready;
}

// When a look is due next: a wait's, or the next regular round once any wait has looked.
FINOVY_DECL hub_impl::clock::time_point hub_impl::wake_time() const
{
    auto at = clock::time_point::max();
    bool looked = false;
    for (const auto& [id, ws] : watched_)
        for (auto* w : ws)
        {
            at = std::min(at, w->fsm.reading() ? clock::time_point::min() : w->fsm.until());
            looked = looked || w->fsm.looked();
        }
    return looked ? std::min(at, next_round_) : at;
}

// A nap that wake_for() cuts short.
FINOVY_DECL boost::asio::awaitable<void> hub_impl::nap_until(clock::time_point at)
{
    napping_ = true;
    nap_until_ = at;
    nap.expires_at(at);
    const auto tok = boost::asio::as_tuple(boost::asio::use_awaitable);
    co_await nap.async_wait(tok);
    napping_ = false;
}

FINOVY_DECL boost::asio::awaitable<void> hub_impl::loop(std::shared_ptr<hub_impl> /* kept alive */)
{
    co_await boost::asio::this_coro::throw_if_cancelled(false);
    while (!stopped_ && !watched_.empty())
    {
        const auto now = clock::now();
        const bool regular = now >= next_round_;
        auto ready = due(now, regular);
        if (ready.empty())
        {
            if (!watched_.empty() && !stopped_)
                co_await nap_until(wake_time());
            continue;
        }
        if (regular)   // rounds that look at every wait: every interval, from start to start
            next_round_ = saturating_deadline(now, opts.interval);
        co_await reported_round(std::move(ready), now);
    }
    loop_running_ = false;
    // A wait registered while this loop was finishing would otherwise wait for nothing.
    start_loop();
}

FINOVY_DECL void hub_impl::stop()
{
    stopped_ = true;
    nap.cancel();
    for (auto* w : all_waiters())
        w->timer->cancel();   // they see `stopped_` and complete with operation_aborted
}

FINOVY_DECL void start_hub_wait(std::shared_ptr<hub_impl> hub, std::string host_id, host_status target, then_wait act,
                                wait_options o, call_context ctx, diagnostics* own, handler_for<host> h)
{
    auto ex = hub->strand;
    auto home = hub->client_.get_executor();
    start_composed<host>(
        ex, std::move(home), ctx.diag, own, std::move(h),
        [&](std::shared_ptr<result_state<host>> st) {
            auto* raw = hub.get();
            auto call = owned_options(ctx.options, *st);
            return raw->wait(std::move(hub), std::move(host_id), target, act, std::move(o), call, std::move(st));
        },
        true);
}

}   // namespace finovy::detail

namespace finovy {

FINOVY_DECL watch_hub::watch_hub(client& c, hub_options opts)
{
    if (!detail::client_access::impl(c))
        detail::throw_moved_from();
    impl_ = std::make_shared<detail::hub_impl>(detail::client_access::impl(c), opts);
}

FINOVY_DECL watch_hub::~watch_hub()
{
    boost::asio::post(impl_->strand, [hub = impl_] { hub->stop(); });
}

FINOVY_DECL hub_stats watch_hub::stats() const
{
    hub_stats s;
    s.rounds = impl_->rounds.load();
    s.targeted_rounds = impl_->targeted_rounds.load();
    s.page_requests = impl_->page_requests.load();
    s.host_requests = impl_->host_requests.load();
    s.completed = impl_->completed.load();
    s.waiting = impl_->waiting.load();
    return s;
}

}   // namespace finovy

#endif
