#ifndef FINOVY_IMPL_WATCH_HUB_IPP
#define FINOVY_IMPL_WATCH_HUB_IPP

#include <finovy/impl/internal/bounded.hpp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/operation.hpp>
#include <finovy/impl/internal/wait_goal.hpp>
#include <finovy/watch_hub.hpp>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <unordered_map>
#include <unordered_set>

namespace finovy::detail {

// The hub's state. Everything but the counters is touched only on `strand`.
class hub_impl : public std::enable_shared_from_this<hub_impl>
{
public:
    using clock = std::chrono::steady_clock;

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
        bool done = false;
        error_code result;
        bool seen = false;
        int errors = 0;
        boost::asio::steady_timer* timer = nullptr;
        result_state<host>* st = nullptr;
    };

    boost::asio::awaitable<error_code> wait(std::shared_ptr<hub_impl> self, std::string id, host_status target,
                                            then_wait act, wait_options o, std::shared_ptr<result_state<host>> st);
    void stop();

    client client_;
    boost::asio::strand<boost::asio::any_io_executor> strand;
    hub_options opts;
    std::atomic<std::uint64_t> rounds{0}, page_requests{0}, host_requests{0}, completed{0};
    std::atomic<std::size_t> waiting{0};

private:
    boost::asio::awaitable<void> loop(std::shared_ptr<hub_impl> self);
    void observe(const host& h, clock::time_point now);
    void failed_read(const std::string& id, const error_code& ec, diagnostics& d, clock::time_point now);
    void complete(waiter& w, error_code ec);
    void forget(waiter& w);

    std::unordered_map<std::string, std::vector<waiter*>> watched_;
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
        watched_.erase(it);
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
        if (w->ready_at > now)
            continue;
        w->st->value = h;
        w->seen = true;
        w->errors = 0;
        if (w->o.on_observe)
            w->o.on_observe(h);
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
        if (ec == api_errc::host_not_found || !transient_wait_error(ec) || ++w->errors > w->o.max_consecutive_errors)
        {
            w->st->diag = d;
            complete(*w, ec);
        }
    }
}

FINOVY_DECL boost::asio::awaitable<error_code> hub_impl::wait(std::shared_ptr<hub_impl> self, std::string id,
                                                             host_status target, then_wait act, wait_options o,
                                                             std::shared_ptr<result_state<host>> st)
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
        if (act == then_wait::power_on)
            std::tie(ec) = co_await client_.async_power_on(id, d, tok);
        else if (act == then_wait::power_off)
            std::tie(ec) = co_await client_.async_power_off(id, d, tok);
        else
            std::tie(ec) = co_await client_.async_reboot(id, d, tok);
        if (ec)
        {
            st->diag = std::move(d);
            co_return ec;
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
        w.goal.leave_by = now + o.first_delay + 2 * opts.interval;
    }
    w.ready_at = now + o.first_delay;
    asio::steady_timer timer(strand, now + o.timeout);
    w.o = std::move(o);
    w.timer = &timer;
    w.st = st.get();
    watched_[id].push_back(&w);
    ++waiting;
    if (!loop_running_)
    {
        loop_running_ = true;
        asio::co_spawn(strand, loop(self), asio::detached);
    }

    co_await timer.async_wait(tok);
    if (!w.done)
    {
        forget(w);
        ++completed;
        bool cancelled = (co_await asio::this_coro::cancellation_state).cancelled() != asio::cancellation_type::none;
        std::string last = w.seen ? "last seen " + describe_status(st->value.status) : "never seen";
        if (cancelled || stopped_)
        {
            diagnostics_access::set_client_message(st->diag, "wait for host " + id + " cancelled (" + last + ")");
            co_return asio::error::operation_aborted;
        }
        diagnostics_access::set_client_message(st->diag, "host " + id + " did not become " + describe_status(target) +
                                                             " within " + std::to_string(w.o.timeout.count()) +
                                                             " ms (" + last + ")");
        co_return client_errc::timeout;
    }
    co_return w.result;
}

FINOVY_DECL boost::asio::awaitable<void> hub_impl::loop(std::shared_ptr<hub_impl> self)
{
    namespace asio = boost::asio;
    co_await asio::this_coro::throw_if_cancelled(false);
    const auto tok = asio::as_tuple(asio::use_awaitable);
    constexpr int page_size = 25;
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

        // Scan the account's pages, or read the watched hosts: whichever costs fewer calls.
        std::unordered_set<std::string> seen;
        auto pages = known_total_ < 0 ? std::int64_t(-1) : (known_total_ + page_size - 1) / page_size;
        bool scan = known_total_ < 0 ? ready.size() > 1 : pages > 0 && pages <= static_cast<std::int64_t>(ready.size());
        if (scan)
        {
            auto take = [&](host_page& p) {
                known_total_ = p.total;
                auto now = clock::now();
                for (const auto& h : p.items)
                {
                    seen.insert(h.id);
                    observe(h, now);
                }
            };
            diagnostics d;
            auto [ec, first] = co_await client_.async_list_hosts(1, page_size, call_context(d), tok);
            ++page_requests;
            if (!ec)
            {
                take(first);
                auto total_pages = static_cast<std::size_t>((first.total + page_size - 1) / page_size);
                co_await for_each_bounded(total_pages > 1 ? total_pages - 1 : 0, opts.max_concurrent_requests,
                                          [&](std::size_t i) -> asio::awaitable<void> {
                                              diagnostics pd;
                                              auto [e, p] = co_await client_.async_list_hosts(
                                                  static_cast<int>(i) + 2, page_size, call_context(pd), tok);
                                              ++page_requests;
                                              if (!e)
                                                  take(p);
                                          });
            }
        }
        // Watched hosts no page showed: read them one by one.
        std::vector<std::string> rest;
        for (const auto& id : ready)
            if (!seen.count(id) && watched_.count(id))
                rest.push_back(id);
        co_await for_each_bounded(rest.size(), opts.max_concurrent_requests, [&](std::size_t i) -> asio::awaitable<void> {
            diagnostics d;
            auto [e, h] = co_await client_.async_get_host(rest[i], call_context(d), tok);
            ++host_requests;
            if (!e)
                observe(h, clock::now());
            else
                failed_read(rest[i], e, d, clock::now());
        });

        if (watched_.empty() || stopped_)
            break;
        nap.expires_at(round_start + opts.interval);
        co_await nap.async_wait(tok);
    }
    loop_running_ = false;
    // A wait registered while this loop was finishing would otherwise wait for nothing.
    if (!stopped_ && !watched_.empty())
    {
        loop_running_ = true;
        asio::co_spawn(strand, loop(self), asio::detached);
    }
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
                                wait_options o, diagnostics* own, handler_for<host> h)
{
    auto* user = o.diag;
    auto ex = hub->strand;
    start_composed<host>(ex, hub->client_.get_executor(), user, own, std::move(h),
        [&](std::shared_ptr<result_state<host>> st) {
            auto* raw = hub.get();
            return raw->wait(std::move(hub), std::move(host_id), target, act, std::move(o), std::move(st));
        },
        true);
}

}   // namespace finovy::detail

namespace finovy {

FINOVY_DECL watch_hub::watch_hub(client& c, hub_options opts)
    : impl_(std::make_shared<detail::hub_impl>(detail::client_access::impl(c), opts))
{
}

FINOVY_DECL watch_hub::~watch_hub()
{
    boost::asio::post(impl_->strand, [hub = impl_] { hub->stop(); });
}

FINOVY_DECL hub_stats watch_hub::stats() const
{
    hub_stats s;
    s.rounds = impl_->rounds.load();
    s.page_requests = impl_->page_requests.load();
    s.host_requests = impl_->host_requests.load();
    s.completed = impl_->completed.load();
    s.waiting = impl_->waiting.load();
    return s;
}

}   // namespace finovy

#endif
