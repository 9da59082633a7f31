// SPDX-License-Identifier: BSL-1.0
// The watch hub (watch_hub.hpp): one polling loop for many waits.
#ifndef FINOVY_IMPL_WATCH_HUB_IPP
#define FINOVY_IMPL_WATCH_HUB_IPP

#include <finovy/impl/internal/bounded.hpp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/impl/internal/wait_goal.hpp>
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
    static constexpr int page_size = 25;

    hub_impl(impl_ptr c, hub_options o)
        : client_(client_access::view(c)), strand(boost::asio::make_strand(c->executor)), opts(o), nap(strand)
    {
    }

    struct waiter
    {
        std::string id;
        wait_goal goal;
        wait_options o;
        clock::time_point ready_at;      // observations before this do not count
        clock::time_point deadline;
        clock::time_point started;
        bool done = false;
        error_code result;
        bool seen = false;
        int errors = 0;
        int looks = 0;                   // observations and failed reads that counted for it
        boost::asio::steady_timer* timer = nullptr;
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

    void start_loop();
    boost::asio::awaitable<void> loop(std::shared_ptr<hub_impl> self);
    void loop_failed(error_code ec);
    boost::asio::awaitable<void> round(std::vector<std::string> ready);
    boost::asio::awaitable<void> fetch_pages(const std::vector<std::int64_t>& pages, std::unordered_set<std::string>& seen);
    call_options polling() const;
    void take(const host_page& p, std::unordered_set<std::string>& seen);
    void observe(const host& h, clock::time_point now);
    void failed_read(const std::string& id, const error_code& ec, diagnostics& d, clock::time_point now);
    void complete(waiter& w, error_code ec);
    void forget(waiter& w);

    std::unordered_map<std::string, std::vector<waiter*>> watched_;
    std::unordered_map<std::string, position> positions_;
    boost::asio::steady_timer nap;
    bool loop_running_ = false;
    bool stopped_ = false;
    std::int64_t known_total_ = -1;   // the account's host count, from the last page seen
};

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

FINOVY_DECL void hub_impl::complete(waiter& w, error_code ec)
{
    if (w.done)
        return;
    w.done = true;
    w.result = ec;
    forget(w);
    ++completed;
    w.timer->cancel();   // same strand as the waiting coroutine
}

FINOVY_DECL void hub_impl::observe(const host& h, clock::time_point now)
{
    auto it = watched_.find(h.id);
    if (it == watched_.end())
        return;
    auto ws = it->second;   // complete() edits the list
    for (auto* w : ws)
    {
        if (w->ready_at > now || w->done)
            continue;
        ++w->looks;
        w->st->value = h;
        w->seen = true;
        w->errors = 0;
        if (auto ec = observe_safely(w->o.on_observe, h, w->st->diag))
        {
            complete(*w, ec);
            continue;
        }
        auto state = w->goal.observe(h.status, w->o.fail_on, now);
        if (state == goal_state::reached)
            complete(*w, {});
        else if (state == goal_state::hopeless)
        {
            diagnostics_access::set_client_message(w->st->diag, "host " + h.id + " is " + describe_status(h.status) +
                                                                    ": it cannot become " + describe_status(w->goal.target));
            complete(*w, client_errc::unexpected_status);
        }
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
        if (w->ready_at > now)
            continue;
        ++w->looks;
        if (ec == api_errc::host_not_found && now < saturating_deadline(w->started, w->o.not_found_grace))
            continue;   // a new host may not be readable at once
        if (ec == api_errc::host_not_found || !transient_wait_error(ec, d.http_status()) ||
            ++w->errors > w->o.max_consecutive_errors)
        {
            w->st->diag = d;
            complete(*w, ec);
        }
    }
}

FINOVY_DECL boost::asio::awaitable<error_code> hub_impl::wait(std::shared_ptr<hub_impl> /* kept alive */, std::string id,
                                                             host_status target, then_wait act, wait_options o,
                                                             call_options call, std::shared_ptr<result_state<host>> st)
{
    namespace asio = boost::asio;
    const auto tok = asio::as_tuple(asio::use_awaitable);
    if (!valid_id(id))
    {
        diagnostics_access::set_client_message(st->diag, "host id must be 1 to 64 characters of A-Z, a-z, 0-9, '-' or '_'");
        co_return client_errc::invalid_argument;
    }
    if (act != then_wait::nothing)
    {
        diagnostics d;
        error_code ec;
        call.background = false;   // a change goes first
        if (act == then_wait::power_on)
            std::tie(ec) = co_await client_.async_power_on(id, call_context(call, d), tok);
        else if (act == then_wait::power_off)
            std::tie(ec) = co_await client_.async_power_off(id, call_context(call, d), tok);
        else
            std::tie(ec) = co_await client_.async_reboot(id, call_context(call, d), tok);
        if (ec)
        {
            st->diag = std::move(d);
            co_return ec;
        }
        if (co_await cancelled())
        {
            diagnostics_access::set_client_message(st->diag, "cancelled after the change was accepted");
            co_return asio::error::operation_aborted;
        }
    }
    if (stopped_)
        co_return asio::error::operation_aborted;

    auto now = clock::now();
    waiter w;
    w.id = id;
    w.goal.target = target;
    if (act == then_wait::reboot)
    {
        w.goal.must_leave_target = true;
        w.goal.leave_by = saturating_deadline(now, o.first_delay, opts.interval, opts.interval);
    }
    w.ready_at = saturating_deadline(now, o.first_delay);
    w.started = now;
    w.deadline = saturating_deadline(now, o.timeout);
    asio::steady_timer timer(strand, w.deadline);
    w.o = std::move(o);
    w.timer = &timer;
    w.st = st.get();
    watched_[id].push_back(&w);
    ++waiting;
    start_loop();

    co_await timer.async_wait(tok);
    error_code result = w.result;
    if (!w.done)
    {
        forget(w);
        ++completed;
        std::string last = w.seen ? "last seen " + describe_status(st->value.status) : "never seen";
        if (co_await cancelled() || stopped_)
        {
            diagnostics_access::set_client_message(st->diag, "wait for host " + id + " cancelled (" + last + ")");
            result = asio::error::operation_aborted;
        }
        else
        {
            diagnostics_access::set_client_message(st->diag, "host " + id + " did not become " +
                                                                 describe_status(target) + " within " +
                                                                 std::to_string(w.o.timeout.count()) + " ms (" +
                                                                 last + ")");
            result = client_errc::timeout;
        }
    }
    report_wait(client_, act == then_wait::nothing ? "hub_wait_for_status" : wait_name(act), call, id, result,
                w.looks, w.seen ? static_cast<int>(st->value.status) : -1, now);
    co_return result;
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
    std::vector<waiter*> all;
    for (auto& [id, ws] : watched_)
        all.insert(all.end(), ws.begin(), ws.end());
    for (auto* w : all)
    {
        diagnostics_access::set_client_message(w->st->diag, "the watch hub's polling failed: " + ec.message());
        complete(*w, ec);
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
            last = std::max(last, w->deadline);
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

// One round: scan every page, fetch only the pages that should hold the hosts waited for, or
// read those hosts one by one, whichever costs fewest requests. Hosts the pages did not show
// (deleted, or moved by concurrent changes) are read one by one.
FINOVY_DECL boost::asio::awaitable<void> hub_impl::round(std::vector<std::string> ready)
{
    namespace asio = boost::asio;
    const auto tok = asio::as_tuple(asio::use_awaitable);
    std::unordered_set<std::string> seen;
    plan how = plan::read_each;
    std::set<std::int64_t> targeted;
    if (known_total_ < 0)
        how = ready.size() > 1 ? plan::scan_all : plan::read_each;
    else
    {
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
            how = plan::scan_all;
        else if (!targeted.empty() && some < each)
            how = plan::scan_some;
    }
    if (how == plan::scan_all)
    {
        diagnostics d;
        auto [ec, first] = co_await client_.async_list_hosts(1, page_size, call_context(polling(), d), tok);
        ++page_requests;
        if (!ec)
        {
            take(first, seen);
            std::vector<std::int64_t> rest;
            for (std::int64_t p = 1; p < (first.total + page_size - 1) / page_size; ++p)
                rest.push_back(p);
            co_await fetch_pages(rest, seen);
        }
    }
    else if (how == plan::scan_some)
    {
        ++targeted_rounds;
        co_await fetch_pages(std::vector<std::int64_t>(targeted.begin(), targeted.end()), seen);
    }
    std::vector<std::string> rest;
    for (const auto& id : ready)
        if (!seen.count(id) && watched_.count(id))
            rest.push_back(id);
    const auto call = polling();
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

FINOVY_DECL boost::asio::awaitable<void> hub_impl::loop(std::shared_ptr<hub_impl> /* kept alive */)
{
    namespace asio = boost::asio;
    co_await asio::this_coro::throw_if_cancelled(false);
    const auto tok = asio::as_tuple(asio::use_awaitable);
    while (!stopped_ && !watched_.empty())
    {
        auto round_start = clock::now();
        std::vector<std::string> ready;
        auto earliest = clock::time_point::max();
        for (const auto& [id, ws] : watched_)
        {
            bool any = false;
            for (auto* w : ws)
            {
                any = any || w->ready_at <= round_start;
                earliest = std::min(earliest, w->ready_at);
            }
            if (any)
                ready.push_back(id);
        }
        if (ready.empty())
        {
            nap.expires_at(earliest);
            co_await nap.async_wait(tok);
            continue;
        }
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
            e.latency = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - round_start);
            impl->emit(e);
        }
        if (watched_.empty() || stopped_)
            break;
        nap.expires_at(saturating_deadline(round_start, opts.interval));
        co_await nap.async_wait(tok);
    }
    loop_running_ = false;
    // A wait registered while this loop was finishing would otherwise wait for nothing.
    start_loop();
}

FINOVY_DECL void hub_impl::stop()
{
    stopped_ = true;
    nap.cancel();
    std::vector<waiter*> all;
    for (auto& [id, ws] : watched_)
        all.insert(all.end(), ws.begin(), ws.end());
    for (auto* w : all)
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
