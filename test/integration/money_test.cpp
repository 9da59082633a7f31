// SPDX-License-Identifier: BSL-1.0
// Issue 17, money-safe fleets, against the simulator over real TLS: a batch never claims a host
// it did not buy (another program's, another package's, one made before it) and never forgets one
// it did (cancellation lets sent creates finish; lost answers and lagging listings are
// reconciled); every entry carries the server's word; a journal records each intent before its
// create leaves and reconciliation settles what a batch, or a crash, left open.
#include <boost/test/unit_test.hpp>

#include "client_test_support.hpp"

#include <finovy/create.hpp>
#include <finovy/create_journal.hpp>
#include <finovy/reconcile.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>

#include <map>
#include <set>
#include <sstream>

namespace {

struct money_fixture : sim_fixture
{
    explicit money_fixture(sim::create_answer answers = sim::create_answer::true_value)
        : sim_fixture(options_for(answers))
    {
    }

    static sim::options options_for(sim::create_answer answers)
    {
        auto o = fast_sim_options();
        o.boot_time = 150ms;
        o.create_answers = answers;
        return o;
    }

    // The ground truth: every host of the account, by id.
    std::map<std::string, sim::host_record> truth() const
    {
        std::map<std::string, sim::host_record> m;
        for (auto& h : sim.hosts(sim.first_tenant().uuid))
            m.emplace(h.id, h);
        return m;
    }

    void faults(std::function<void(sim::fault_options&)> change)
    {
        auto f = sim.faults();
        change(f);
        sim.set_faults(f);
    }
};

struct answers_true : money_fixture
{
};
struct answers_id : money_fixture
{
    answers_id() : money_fixture(sim::create_answer::host_id) {}
};

std::size_t count_of(const std::vector<created_host>& v, created_host::outcome o)
{
    return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [&](auto& h) { return h.result == o; }));
}

// Every host of `package` in the account is an entry's, and every entry's id is a host of it.
void every_bought_host_is_reported(const std::map<std::string, sim::host_record>& truth,
                                   const std::vector<created_host>& made, const std::string& package,
                                   const std::set<std::string>& not_ours = {})
{
    std::set<std::string> reported;
    for (const auto& h : made)
        if (!h.id.empty())
        {
            BOOST_TEST(reported.insert(h.id).second);   // no host twice
            auto it = truth.find(h.id);
            BOOST_TEST_REQUIRE((it != truth.end()));
            BOOST_TEST(it->second.package_id == package);
            BOOST_TEST(!not_ours.count(h.id));
        }
    for (const auto& [id, h] : truth)
        if (h.package_id == package && !not_ours.count(id))
            BOOST_TEST(reported.count(id) == 1u, "host " << id << " was bought but not reported");
}

// A journal that counts creates the server has seen when each intent is recorded.
struct watching_journal : create_journal
{
    std::function<std::uint64_t()> creates_seen;
    std::vector<std::uint64_t> seen_at_intent;
    bool fail_outcomes = false;   // as if the process died after sending
    memory_create_journal inner;

    void async_write(std::vector<journal_entry> entries, asio::any_completion_handler<void(error_code)> done) override
    {
        for (const auto& e : entries)
            if (e.state == journal_state::intended)
                seen_at_intent.push_back(creates_seen());
        if (fail_outcomes && entries.front().state != journal_state::intended)
            return std::move(done)(make_error_code(boost::system::errc::io_error));
        inner.async_write(std::move(entries), std::move(done));
    }
    void async_load(asio::any_completion_handler<void(error_code, journal_snapshot)> done) override
    {
        inner.async_load(std::move(done));
    }
};

}   // namespace

BOOST_AUTO_TEST_SUITE(money_safety)

// The report: createquantity answering `true`, 30 % of the creates answered 502 before the
// server acted, and another program creating a GPU host 50 ms after the start.
BOOST_FIXTURE_TEST_CASE(another_programs_host_is_never_claimed, answers_true)
{
    faults([](auto& f) {
        f.http_error_rate = 0.3;
        f.paths = {"createquantity"};
    });
    std::string foreign;
    std::vector<created_host> made;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        asio::co_spawn(
            co_await asio::this_coro::executor,
            [&]() -> asio::awaitable<void> {
                co_await sleep_for(50ms);
                auto ids = sim.add_hosts(sim.first_tenant().uuid, 1, "Wy1KiMqtPO", "507");
                foreign = ids.front();
            },
            asio::detached);
        made = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 10);
    });
    BOOST_TEST(!foreign.empty());
    auto truth = this->truth();
    every_bought_host_is_reported(truth, made, "Ofc2C4G8xx", {foreign});
    // What was refused or lost before the server acted made nothing: the entries say unknown.
    std::size_t ours = 0;
    for (auto& [id, h] : truth)
        ours += h.package_id == "Ofc2C4G8xx" ? 1 : 0;
    BOOST_TEST(created_count(made) == ours);
    BOOST_TEST(count_of(made, created_host::outcome::unknown) == 10u - ours);
}

BOOST_FIXTURE_TEST_CASE(a_host_of_the_package_made_before_the_batch_is_not_taken, answers_true)
{
    // Another program's host of the same package and image, made before the batch, and the
    // batch's own lost answers: counts alone would hand it out.
    auto before = sim.add_hosts(sim.first_tenant().uuid, 1, "Ofc2C4G8xx", "4005").front();
    sim.script({.path = "createquantity", .method = "POST", .count = 2, .http_status = 502});
    std::vector<created_host> made;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        made = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 4, {.concurrency = 1});
    });
    every_bought_host_is_reported(truth(), made, "Ofc2C4G8xx", {before});
    BOOST_TEST(created_count(made) == 2u);
    BOOST_TEST(count_of(made, created_host::outcome::unknown) == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_cancelled_batch_lets_sent_creates_finish_and_records_them, answers_id)
{
    faults([](auto& f) {
        f.latency = 400ms;
        f.paths = {"createquantity"};
    });
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        asio::cancellation_signal sig;
        asio::steady_timer t(co_await asio::this_coro::executor, 1s);
        t.async_wait([&](error_code) { sig.emit(asio::cancellation_type::terminal); });
        std::vector<created_host> settled;
        create_options o;
        o.concurrency = 8;
        o.on_settled = [&](const created_host& h) { settled.push_back(h); };
        auto [ec, made] = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 30, o, call_context{},
                                                      asio::bind_cancellation_slot(sig.slot(), token()));
        BOOST_TEST((ec == asio::error::operation_aborted));
        BOOST_TEST(count_of(made, created_host::outcome::unknown) == 0u);   // never sent is cancelled
        BOOST_TEST(count_of(made, created_host::outcome::cancelled) > 0u);
        BOOST_TEST(created_count(made) >= 8u);                              // those in flight finished
        for (const auto& h : made)
            if (h.result == created_host::outcome::cancelled)
                BOOST_TEST((h.error == asio::error::operation_aborted));
        BOOST_TEST(settled.size() == made.size());   // each once, before the completion
        every_bought_host_is_reported(truth(), made, "Ofc2C4G8xx");
    });
}

BOOST_FIXTURE_TEST_CASE(a_cancelled_batch_still_identifies_what_it_made, answers_true)
{
    faults([](auto& f) {
        f.latency = 200ms;
        f.paths = {"createquantity"};
    });
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        asio::cancellation_signal sig;
        asio::steady_timer t(co_await asio::this_coro::executor, 500ms);
        t.async_wait([&](error_code) { sig.emit(asio::cancellation_type::terminal); });
        auto [ec, made] = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 20, {.concurrency = 4},
                                                      call_context{}, asio::bind_cancellation_slot(sig.slot(), token()));
        BOOST_TEST((ec == asio::error::operation_aborted));
        BOOST_TEST(count_of(made, created_host::outcome::unknown) == 0u);
        for (const auto& h : made)
            if (h.result == created_host::outcome::created)
                BOOST_TEST(!h.id.empty());
        every_bought_host_is_reported(truth(), made, "Ofc2C4G8xx");
    });
}

BOOST_FIXTURE_TEST_CASE(entries_and_composed_creates_carry_the_servers_word, answers_true)
{
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        auto made = co_await async_create_hosts(c, "Wy1KiMqtPO", "4005", 2);   // ceph package, BL image: 7005
        for (const auto& h : made)
        {
            BOOST_TEST((h.result == created_host::outcome::refused));
            BOOST_TEST((h.error == api_errc::type_mismatch));
            BOOST_TEST(h.diag.api_code() == 7005);
            BOOST_TEST(h.diag.http_status() == 200u);
            BOOST_TEST(!h.diag.trace_id().empty());
            std::ostringstream line;
            line << h;
            BOOST_TEST(line.str().find("7005") != std::string::npos);
        }
        try
        {
            co_await async_create_host_resolved(c, "Wy1KiMqtPO", "4005");
            BOOST_FAIL("a refused create must throw");
        }
        catch (const error_with_diagnostics& e)
        {
            BOOST_TEST((e.code() == api_errc::type_mismatch));
            BOOST_TEST(e.get_diagnostics().api_code() == 7005);
            BOOST_TEST(!e.get_diagnostics().trace_id().empty());
            // The message is said once.
            std::string what = e.what(), msg = e.code().message();
            BOOST_TEST(what.find(msg) == what.rfind(msg));
        }
        diagnostics d;
        auto [ec, h] = co_await async_create_host_and_wait(c, "Wy1KiMqtPO", "4005", {}, call_context({}, d), token());
        BOOST_TEST((ec == api_errc::type_mismatch));
        BOOST_TEST(d.api_code() == 7005);
        BOOST_TEST(d.http_status() == 200u);
    });
}

BOOST_FIXTURE_TEST_CASE(intents_are_journalled_before_their_creates_leave, answers_id)
{
    auto journal = std::make_shared<watching_journal>();
    journal->creates_seen = [&] { return route_count("POST /v1/pve/open/createquantity"); };
    std::vector<created_host> made, settled;
    std::vector<journal_state> journalled_when_settled;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        create_options o;
        o.concurrency = 1;
        o.journal = journal.get();
        o.batch = "fleet-7";
        o.on_settled = [&](const created_host& h) {
            settled.push_back(h);
            for (const auto& e : journal->inner.entries())
                if (e.intent == h.intent)
                    journalled_when_settled.push_back(e.state);
        };
        made = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 5, o);
    });
    BOOST_TEST(created_count(made) == 5u);
    BOOST_TEST((journal->seen_at_intent == std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
    auto entries = journal->inner.entries();
    BOOST_TEST(entries.size() == 5u);
    for (const auto& e : entries)
    {
        BOOST_TEST((e.state == journal_state::created));
        BOOST_TEST(e.batch == "fleet-7");
        BOOST_TEST(!e.host_id.empty());
        BOOST_TEST(e.not_before.has_value());   // the simulator sends Date
    }
    BOOST_TEST(settled.size() == 5u);
    BOOST_TEST(journalled_when_settled.size() == 5u);
    for (auto s : journalled_when_settled)
        BOOST_TEST((s == journal_state::created));   // durable before the caller hears of it
}

BOOST_FIXTURE_TEST_CASE(a_lagging_listing_is_waited_for, answers_true)
{
    faults([](auto& f) { f.listing_lag = 600ms; });
    std::vector<created_host> made;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        made = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 5);
    });
    BOOST_TEST(created_count(made) == 5u);
    BOOST_TEST(route_count("GET /v1/pve/open/mypage") > 2u);   // listed again until they showed
    every_bought_host_is_reported(truth(), made, "Ofc2C4G8xx");
}

BOOST_FIXTURE_TEST_CASE(a_crash_after_sending_is_settled_by_reconciliation, answers_id)
{
    // The process "dies" once its creates are sent: no outcome is recorded; the listing lags.
    faults([](auto& f) { f.listing_lag = 500ms; });
    auto journal = std::make_shared<watching_journal>();
    journal->creates_seen = [] { return std::uint64_t{0}; };
    journal->fail_outcomes = true;
    sim.script({.path = "createquantity", .method = "POST", .count = 1, .process = true, .reset = true});
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        create_options o;
        o.journal = journal.get();
        co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 4, o, token());
    });
    auto open = journal->inner.entries();
    BOOST_TEST(open.size() == 4u);
    for (const auto& e : open)
        BOOST_TEST(unsettled(e.state));
    // Another program makes a host of the package with another image meanwhile; the restarted
    // process reconciles.
    auto theirs = sim.add_hosts(sim.first_tenant().uuid, 1, "Ofc2C4G8xx", "4006").front();
    std::this_thread::sleep_for(700ms);
    journal->fail_outcomes = false;
    auto report = run([&]() -> asio::awaitable<reconcile_report> {
        client c(co_await asio::this_coro::executor, options());
        co_return co_await async_reconcile(c, *journal, {.appear_timeout = 100ms});
    });
    BOOST_TEST(report.count(reconciled::verdict::found) == 4u);
    std::set<std::string> ids;
    for (const auto& e : journal->inner.entries())
    {
        BOOST_TEST((e.state == journal_state::created));
        ids.insert(e.host_id);
    }
    BOOST_TEST(ids.size() == 4u);
    BOOST_TEST(!ids.count(theirs));
    for (const auto& [id, h] : truth())
        BOOST_TEST((ids.count(id) == 1u || id == theirs));
    // Nothing left open: a second run has nothing to do.
    auto again = run([&]() -> asio::awaitable<reconcile_report> {
        client c(co_await asio::this_coro::executor, options());
        co_return co_await async_reconcile(c, *journal);
    });
    BOOST_TEST(again.entries.empty());
}

BOOST_FIXTURE_TEST_CASE(reconciliation_never_guesses_between_lookalikes, answers_id)
{
    // As above, but the other program's host has the same package and image, made within the
    // window in which the crashed creates could have made theirs: none of the five is taken.
    auto journal = std::make_shared<watching_journal>();
    journal->creates_seen = [] { return std::uint64_t{0}; };
    journal->fail_outcomes = true;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        create_options o;
        o.journal = journal.get();
        co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 4, o, token());
    });
    auto theirs = sim.add_hosts(sim.first_tenant().uuid, 1, "Ofc2C4G8xx", "4005").front();
    journal->fail_outcomes = false;
    auto report = run([&]() -> asio::awaitable<reconcile_report> {
        client c(co_await asio::this_coro::executor, options());
        co_return co_await async_reconcile(c, *journal, {.appear_timeout = 100ms});
    });
    BOOST_TEST(report.count(reconciled::verdict::contested) == 4u);
    for (const auto& r : report.entries)
    {
        BOOST_TEST(r.entry.host_id.empty());
        BOOST_TEST(r.entry.candidates.size() == 5u);
        BOOST_TEST((std::find(r.entry.candidates.begin(), r.entry.candidates.end(), theirs) !=
                    r.entry.candidates.end()));
    }
}

BOOST_FIXTURE_TEST_CASE(a_later_round_never_takes_an_earlier_rounds_late_host, answers_true)
{
    // Round 1's hosts show in the listing only after round 2 began.
    faults([](auto& f) { f.listing_lag = 1500ms; });
    std::vector<created_host> first, second;
    run([&]() -> asio::awaitable<void> {
        client c(co_await asio::this_coro::executor, options());
        create_options o;
        o.appear_timeout = 200ms;
        first = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 2, o);
        faults([](auto& f) { f.listing_lag = 0ms; });
        second = co_await async_create_hosts(c, "Ofc2C4G8xx", "4005", 2, o);
    });
    for (const auto& h : first)
        BOOST_TEST((h.error == client_errc::host_not_resolved));
    auto truth = this->truth();
    std::vector<std::string> by_age;
    for (auto& h : sim.hosts(sim.first_tenant().uuid))
        by_age.push_back(h.id);
    BOOST_REQUIRE(by_age.size() == 4u);
    for (const auto& h : second)   // either told apart correctly, or not at all
        if (!h.id.empty())
            BOOST_TEST((h.id == by_age[2] || h.id == by_age[3]));
}

BOOST_AUTO_TEST_SUITE_END()
