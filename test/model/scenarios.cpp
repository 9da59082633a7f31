// SPDX-License-Identifier: BSL-1.0
// finovy-scenarios: a model-based test of money-safe batches (issue 17). Each scenario is drawn
// from its seed: an account with hosts already in it, a batch of creates of one package and
// image (createquantity answering `true` or ids, or createRent), while the simulator loses answers
// before and after acting, throttles, lags its listing, and another program creates hosts of the
// same and other packages and deletes some (paging churn); the batch may be cancelled at any
// moment. Then the journal is reconciled. Checked on every scenario, against the simulator's
// ground truth (server::hosts):
//   1. no entry, nor journal entry, names a host of another package or image, or one that existed
//      before the batch;
//   2. no host is named twice;
//   3. never more hosts bought than requested;
//   4. every host the batch bought is tracked: reported with its id, found by reconciliation, or
//      named as a candidate of an entry the journal keeps open (none is forgotten).
// Counted, not failed: hosts of the same package and image that the other program made during the
// batch and that an entry whose own create made nothing was given (no client can tell those
// apart: create.hpp's limits), entries left contested or unknown.
// Hosts made before the batch are visible when it starts: one that the listing's lag still hides
// is create.hpp's documented limit, not exercised here.
//
//   finovy-scenarios [--count N] [--seed S] [--workers W] [--verbose]
// Exit status 1 when an invariant fails; each failure names its seed (--seed S --count 1 replays it).
#include <finovy/create.hpp>
#include <finovy/create_journal.hpp>
#include <finovy/reconcile.hpp>
#include <finovy/sim/server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace asio = boost::asio;
using namespace std::chrono_literals;
using finovy::error_code;

namespace {

struct combo
{
    const char* package;
    const char* image;
    bool rent = false;
};

// Valid package and image pairs of the simulator's catalog.
const combo combos[] = {
    {"Ofc2C4G8xx", "4005"}, {"Ofc2C4G8xx", "4006"}, {"Wy1KiMqtPO", "507"}, {"Wy1KiMqtPO", "509"},
    {"teTapaSUFq", "508"},  {"Rnt8C32Gyy", "507", true},
};

struct params
{
    std::uint64_t seed = 0;
    bool answers_id = false;
    combo target;
    int count = 1;
    int concurrency = 1;
    std::vector<combo> before;              // hosts in the account already
    struct foreign_step
    {
        std::chrono::milliseconds at;
        bool create;                        // else delete one of `before`'s
        combo what;
    };
    std::vector<foreign_step> foreign;
    double lost_before = 0, lost_after = 0, unreadable = 0;
    double rate_limit = 0;
    std::chrono::milliseconds lag{0}, latency_jitter{0};
    std::optional<std::chrono::milliseconds> cancel_after;
};

params draw(std::uint64_t seed)
{
    std::mt19937_64 rng(seed);
    auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
    params p;
    p.seed = seed;
    p.answers_id = chance(0.4);
    p.target = chance(0.15) ? combos[5] : chance(0.7) ? combos[0] : combos[2];
    p.count = uniform(1, 10);
    p.concurrency = uniform(1, 6);
    for (int k = uniform(0, 5); k > 0; --k)
        p.before.push_back(chance(0.4) ? p.target : combos[uniform(0, 5)]);
    for (int k = uniform(0, 4); k > 0; --k)
        p.foreign.push_back({std::chrono::milliseconds(uniform(0, 400)), chance(0.7),
                             chance(0.35) ? p.target : combos[uniform(0, 5)]});
    if (chance(0.5))
        p.lost_before = std::uniform_real_distribution<double>(0, 0.35)(rng);
    if (chance(0.4))
        p.lost_after = std::uniform_real_distribution<double>(0, 0.25)(rng);
    if (chance(0.2))
        p.unreadable = std::uniform_real_distribution<double>(0, 0.2)(rng);
    if (chance(0.2))
        p.rate_limit = uniform(15, 60);
    if (chance(0.5))
        p.lag = std::chrono::milliseconds(uniform(20, 250));
    if (chance(0.5))
        p.latency_jitter = std::chrono::milliseconds(uniform(1, 40));
    if (chance(0.3))
        p.cancel_after = std::chrono::milliseconds(uniform(0, 300));
    return p;
}

std::string describe(const params& p)
{
    std::ostringstream o;
    o << "seed " << p.seed << ": " << p.count << " x " << p.target.package << "/" << p.target.image
      << (p.target.rent ? " rent" : p.answers_id ? " (ids)" : " (true)") << ", concurrency " << p.concurrency
      << ", " << p.before.size() << " before, " << p.foreign.size() << " foreign steps, lost " << p.lost_before
      << "/" << p.lost_after << ", unreadable " << p.unreadable << ", limit " << p.rate_limit << ", lag "
      << p.lag.count() << " ms" << (p.cancel_after ? ", cancelled after " + std::to_string(p.cancel_after->count()) + " ms" : "");
    return o.str();
}

struct result
{
    std::vector<std::string> violations;
    int bought = 0, reported = 0, reconciled = 0, lookalikes = 0, contested = 0, unknown = 0, cancelled = 0;
};

struct totals
{
    std::mutex m;
    int scenarios = 0, failed = 0, bought = 0, reported = 0, reconciled = 0, lookalikes = 0, contested = 0,
        unknown = 0, cancelled = 0;
    void add(const params& p, const result& r, bool verbose)
    {
        std::lock_guard lk(m);
        ++scenarios;
        bought += r.bought;
        reported += r.reported;
        reconciled += r.reconciled;
        lookalikes += r.lookalikes;
        contested += r.contested;
        unknown += r.unknown;
        cancelled += r.cancelled;
        if (!r.violations.empty())
        {
            ++failed;
            std::cout << "FAILED " << describe(p) << '\n';
            for (const auto& v : r.violations)
                std::cout << "  " << v << '\n';
        }
        else if (verbose)
            std::cout << "ok " << describe(p) << ": bought " << r.bought << ", reported " << r.reported
                      << ", reconciled " << r.reconciled << ", contested " << r.contested << ", lookalikes "
                      << r.lookalikes << '\n';
    }
};

finovy::client_options client_for(finovy::sim::server& sim, const std::string& uuid)
{
    finovy::client_options o;
    o.endpoint = sim.url();
    o.ca_file = sim.ca_file();
    o.uuid = uuid;
    o.secret = "scenario-secret";
    o.retry.initial_backoff = 5ms;
    o.retry.max_backoff = 50ms;
    o.deadline = 20s;
    return o;
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

// Another program: creates and deletes hosts of the account while the batch runs.
asio::awaitable<void> other_program(finovy::sim::server& sim, const params& p, const std::string& uuid,
                                    std::vector<std::string> deletable, std::set<std::string>& made, bool& done)
{
    finovy::client c(co_await asio::this_coro::executor, client_for(sim, uuid));
    auto steps = p.foreign;
    std::sort(steps.begin(), steps.end(), [](auto& a, auto& b) { return a.at < b.at; });
    auto elapsed = 0ms;
    for (const auto& s : steps)
    {
        co_await sleep_for(s.at - elapsed);
        elapsed = s.at;
        if (s.create)
            for (auto& id : sim.add_hosts(uuid, 1, s.what.package, s.what.image))
                made.insert(id);
        else if (!deletable.empty())
        {
            auto id = deletable.back();
            deletable.pop_back();
            co_await c.async_delete_host(id, asio::as_tuple(asio::use_awaitable));
        }
    }
    done = true;
}

asio::awaitable<result> run_scenario(finovy::sim::server& sim, params p)
{
    result r;
    auto ex = co_await asio::this_coro::executor;
    const std::string uuid = "S" + std::to_string(p.seed);
    finovy::sim::tenant t;
    t.uuid = uuid;
    t.secret = "scenario-secret";
    t.balance = 1e9;
    sim.upsert_tenant(t);
    sim.set_create_answers(p.answers_id ? finovy::sim::create_answer::host_id : finovy::sim::create_answer::true_value);
    finovy::sim::fault_options f;
    f.listing_lag = p.lag;
    sim.set_faults(f);
    std::vector<std::string> deletable;
    for (const auto& c : p.before)
        for (auto& id : sim.add_hosts(uuid, 1, c.package, c.image))
            deletable.push_back(id);
    co_await sleep_for(p.lag + 20ms);   // what was there before is listed when the batch starts
    std::set<std::string> before;
    for (const auto& h : sim.hosts(uuid))
        before.insert(h.id);

    f.paths = {"createquantity", "createRent"};
    f.http_error_rate = p.lost_before;
    f.reset_before_response_rate = p.lost_after;
    f.truncated_rate = p.unreadable;
    f.latency_jitter = p.latency_jitter;
    f.rate_limit_rps = p.rate_limit;
    sim.set_faults(f);

    finovy::client c(ex, client_for(sim, uuid));
    finovy::memory_create_journal journal;
    std::set<std::string> foreign;
    bool other_done = p.foreign.empty();
    if (!p.foreign.empty())
        asio::co_spawn(ex, other_program(sim, p, uuid, deletable, foreign, other_done), asio::detached);
    asio::cancellation_signal cancel;
    asio::steady_timer canceller(ex);
    if (p.cancel_after)
    {
        canceller.expires_after(*p.cancel_after);
        canceller.async_wait([&](error_code ec) {
            if (!ec)
                cancel.emit(asio::cancellation_type::terminal);
        });
    }
    finovy::create_options o;
    o.concurrency = static_cast<std::size_t>(p.concurrency);
    o.journal = &journal;
    o.appear_timeout = 600ms;
    auto token = asio::bind_cancellation_slot(cancel.slot(), asio::as_tuple(asio::use_awaitable));
    std::vector<finovy::created_host> made;
    if (p.target.rent)
    {
        auto op = finovy::async_create_fixed_period_hosts(c, p.target.package, p.target.image,
                                                          {finovy::period_unit::hour, 1}, static_cast<std::size_t>(p.count),
                                                          o, finovy::call_context{}, token);
        std::tie(std::ignore, made) = co_await std::move(op);
    }
    else
    {
        auto op = finovy::async_create_hosts(c, p.target.package, p.target.image, static_cast<std::size_t>(p.count), o,
                                             finovy::call_context{}, token);
        std::tie(std::ignore, made) = co_await std::move(op);
    }
    canceller.cancel();
    while (!other_done)
        co_await sleep_for(20ms);

    // Reconciliation, once the listing has caught up and nothing fails any more.
    sim.set_faults(finovy::sim::fault_options{});
    co_await sleep_for(p.lag + 20ms);
    auto [rec, report] = co_await finovy::async_reconcile(c, journal, {.appear_timeout = 0ms},
                                                          asio::as_tuple(asio::use_awaitable));
    if (rec)
        r.violations.push_back("reconciliation failed: " + rec.message());

    // The ground truth.
    std::map<std::string, finovy::sim::host_record> truth;
    for (auto& h : sim.hosts(uuid))
        truth.emplace(h.id, h);
    std::set<std::string> ours;   // made by the batch
    for (const auto& [id, h] : truth)
        if (!before.count(id) && !foreign.count(id))
            ours.insert(id);
    r.bought = static_cast<int>(ours.size());

    std::set<std::string> named, tracked;
    auto check_named = [&](const std::string& id, const char* by) {
        auto it = truth.find(id);
        if (it == truth.end())
            return;   // deleted meanwhile (only the other program deletes, and only its own)
        if (it->second.package_id != p.target.package || it->second.image_id != p.target.image)
            r.violations.push_back(std::string(by) + " names " + id + ", a host of " + it->second.package_id + "/" +
                                   it->second.image_id);
        if (before.count(id))
            r.violations.push_back(std::string(by) + " names " + id + ", which existed before the batch");
        if (foreign.count(id))
            ++r.lookalikes;
    };
    if (made.size() != static_cast<std::size_t>(p.count))
        r.violations.push_back("the batch has " + std::to_string(made.size()) + " entries for " +
                               std::to_string(p.count));
    for (const auto& h : made)
    {
        r.cancelled += h.result == finovy::created_host::outcome::cancelled ? 1 : 0;
        if (h.id.empty())
            continue;
        if (!named.insert(h.id).second)
            r.violations.push_back("two entries name " + h.id);
        check_named(h.id, "an entry");
        tracked.insert(h.id);
        ++r.reported;
    }
    std::set<std::string> journalled;
    for (const auto& e : journal.entries())
    {
        if (!e.host_id.empty())
        {
            if (!journalled.insert(e.host_id).second)
                r.violations.push_back("two journal entries name " + e.host_id);
            check_named(e.host_id, "the journal");
            if (!tracked.count(e.host_id))
                ++r.reconciled;
            tracked.insert(e.host_id);
        }
        if (finovy::unsettled(e.state))
        {
            r.unknown += e.candidates.empty() ? 1 : 0;
            r.contested += e.candidates.empty() ? 0 : 1;
            tracked.insert(e.candidates.begin(), e.candidates.end());
        }
    }
    if (static_cast<int>(ours.size()) > p.count)
        r.violations.push_back("bought " + std::to_string(ours.size()) + " hosts for " + std::to_string(p.count));
    for (const auto& id : ours)
        if (!tracked.count(id))
            r.violations.push_back("host " + id + " was bought but is tracked nowhere");
    if (!r.violations.empty())
    {
        // What the batch and the journal said, and the truth, to tell why.
        auto ms = [](finovy::time_point t) {
            return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 100000);
        };
        for (const auto& h : made)
        {
            std::ostringstream line;
            line << "entry " << h;
            r.violations.push_back(line.str());
        }
        for (const auto& e : journal.entries())
        {
            std::ostringstream line;
            line << e << " window " << (e.not_before ? ms(*e.not_before) : "-") << ".."
                 << (e.not_after ? ms(*e.not_after) : "-") << " skew "
                 << (e.skew_min ? std::to_string(e.skew_min->count()) : "-") << ".."
                 << (e.skew_max ? std::to_string(e.skew_max->count()) : "-") << (e.inferred ? " inferred" : "");
            r.violations.push_back(line.str());
        }
        for (const auto& [id, h] : truth)
            r.violations.push_back("truth " + id + " " + h.package_id + "/" + h.image_id + " created " +
                                   std::to_string(h.created_ms % 100000) + " visible " +
                                   std::to_string(h.visible_ms % 100000) + (before.count(id) ? " before" : "") +
                                   (foreign.count(id) ? " foreign" : ""));
    }
    co_return r;
}

}   // namespace

int main(int argc, char** argv)
{
    int count = 500, workers = 8;
    std::uint64_t seed = 20261207;
    bool verbose = false;
    for (int i = 1; i < argc; ++i)
    {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc)
            {
                std::cerr << "finovy-scenarios: " << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--count")
            count = std::stoi(next());
        else if (a == "--seed")
            seed = std::stoull(next());
        else if (a == "--workers")
            workers = std::stoi(next());
        else if (a == "--verbose")
            verbose = true;
        else
        {
            std::cerr << "usage: finovy-scenarios [--count N] [--seed S] [--workers W] [--verbose]\n";
            return 2;
        }
    }
    const auto started = std::chrono::steady_clock::now();
    auto certs = std::filesystem::temp_directory_path() / ("finovy-scenarios-" + std::to_string(::getpid()));
    std::filesystem::create_directories(certs);
    {
        finovy::sim::options so;   // the CA and certificate, made once for every scenario's simulator
        so.cert_dir = certs.string();
        finovy::sim::server first(so);
        first.start();
    }
    totals all;
    std::atomic<int> next{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < std::max(1, workers); ++w)
        threads.emplace_back([&] {
            for (int k; (k = next++) < count;)
            {
                auto p = draw(seed + static_cast<std::uint64_t>(k));
                finovy::sim::options so;
                so.cert_dir = certs.string();
                so.seed = p.seed;
                so.boot_time = 50ms;
                finovy::sim::server sim(so);
                sim.start();
                asio::io_context ioc;
                result r;
                asio::co_spawn(ioc, run_scenario(sim, p), [&](std::exception_ptr e, result got) {
                    r = std::move(got);
                    if (e)
                        try
                        {
                            std::rethrow_exception(e);
                        }
                        catch (const std::exception& x)
                        {
                            r.violations.push_back(std::string("exception: ") + x.what());
                        }
                });
                ioc.run();
                all.add(p, r, verbose);
            }
        });
    for (auto& t : threads)
        t.join();
    std::filesystem::remove_all(certs);
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::cout << "scenarios=" << all.scenarios << " failed=" << all.failed << " hosts_bought=" << all.bought
              << " reported_by_batches=" << all.reported << " found_by_reconcile=" << all.reconciled
              << " lookalikes_taken=" << all.lookalikes << " contested_open=" << all.contested
              << " unknown_open=" << all.unknown << " cancelled_entries=" << all.cancelled
              << " seconds=" << seconds << " seeds=" << seed << ".." << seed + static_cast<std::uint64_t>(count) - 1
              << '\n';
    return all.failed == 0 ? 0 : 1;
}
