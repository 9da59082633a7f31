// SPDX-License-Identifier: BSL-1.0
// The SQLite create journal: what is written is read back after the file is reopened, even by a
// process that was killed right after the write completed; concurrent writes all land; a
// service's own tables share the file; a bad path is a clear error.
#include <finovy/sqlite_journal.hpp>

#include <boost/test/unit_test.hpp>

#include <sqlite3.h>

#include <csignal>
#include <filesystem>
#include <future>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace finovy;
using namespace std::chrono_literals;

namespace {

struct temp_dir
{
    std::filesystem::path path;
    temp_dir()
    {
        char tmpl[] = "/tmp/finovy-journal-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
    std::string file(const char* name) const { return (path / name).string(); }
};

journal_entry entry(std::string intent, journal_state st)
{
    journal_entry e;
    e.intent = std::move(intent);
    e.batch = "fleet-1";
    e.package_id = "Ofc2C4G8xx";
    e.image_id = "4005";
    e.state = st;
    e.recorded = time_point(std::chrono::milliseconds(1'765'000'000'123));
    e.not_before = time_point(std::chrono::milliseconds(1'765'000'000'000));
    e.marker = time_point(std::chrono::milliseconds(1'764'999'999'000));
    e.marker_ids = {"m1", "m2"};
    return e;
}

// Blocking helpers for a test: the journal calls handlers on its own thread.
error_code write(create_journal& j, std::vector<journal_entry> es)
{
    std::promise<error_code> p;
    j.async_write(std::move(es), [&](error_code ec) { p.set_value(ec); });
    return p.get_future().get();
}

journal_snapshot load(create_journal& j)
{
    std::promise<journal_snapshot> p;
    j.async_load([&](error_code ec, journal_snapshot s) {
        BOOST_TEST(!ec);
        p.set_value(std::move(s));
    });
    return p.get_future().get();
}

}   // namespace

BOOST_AUTO_TEST_SUITE(sqlite_journal)

BOOST_AUTO_TEST_CASE(what_is_written_is_read_back_after_reopening)
{
    temp_dir dir;
    {
        sqlite_create_journal j(dir.file("state.db"));
        BOOST_TEST(!write(j, {entry("i-1", journal_state::intended), entry("i-2", journal_state::intended)}));
        auto done = entry("i-2", journal_state::created);
        done.host_id = "H2";
        done.period = rental_period{period_unit::week, 2};
        done.candidates = {"c1", "c2"};
        done.api_code = 0;
        done.http_status = 200;
        done.trace_id = "t-9";
        done.message = "ok";
        BOOST_TEST(!write(j, {done, entry("i-3", journal_state::unknown)}));
    }
    sqlite_create_journal j(dir.file("state.db"));
    auto s = load(j);
    BOOST_REQUIRE(s.unsettled.size() == 2u);   // i-1 intended, i-3 unknown; i-2 settled
    BOOST_TEST(s.unsettled[0].intent == "i-1");
    BOOST_TEST(s.unsettled[1].intent == "i-3");
    BOOST_TEST((s.unsettled[0].marker_ids == std::vector<std::string>{"m1", "m2"}));
    BOOST_TEST((s.unsettled[0].recorded == entry("x", journal_state::intended).recorded));
    BOOST_TEST(!s.unsettled[0].not_after.has_value());
    BOOST_TEST((s.claimed == std::vector<std::string>{"H2"}));

    std::promise<std::vector<journal_entry>> p;
    j.async_entries("fleet-1", [&](error_code ec, std::vector<journal_entry> v) {
        BOOST_TEST(!ec);
        p.set_value(std::move(v));
    });
    auto all = p.get_future().get();
    BOOST_REQUIRE(all.size() == 3u);
    BOOST_TEST(all[1].intent == "i-2");   // first-written order, whatever the updates
    BOOST_TEST((all[1].state == journal_state::created));
    BOOST_TEST(all[1].period.has_value());
    BOOST_TEST((all[1].period->unit == period_unit::week));
    BOOST_TEST(all[1].period->count == 2);
    BOOST_TEST((all[1].candidates == std::vector<std::string>{"c1", "c2"}));
    BOOST_TEST(all[1].trace_id == "t-9");
    BOOST_TEST(all[1].http_status == 200u);
}

BOOST_AUTO_TEST_CASE(a_completed_write_survives_a_killed_process)
{
    temp_dir dir;
    const auto path = dir.file("state.db");
    pid_t child = ::fork();
    BOOST_REQUIRE(child >= 0);
    if (child == 0)
    {
        auto* j = new sqlite_create_journal(path);   // never destroyed: the process dies
        std::promise<void> p;
        j->async_write({entry("i-killed", journal_state::intended)}, [&](error_code ec) {
            if (ec)
                ::_exit(3);
            p.set_value();
        });
        p.get_future().get();
        ::kill(::getpid(), SIGKILL);
        ::_exit(4);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    BOOST_TEST(WIFSIGNALED(status));
    sqlite_create_journal j(path);
    auto s = load(j);
    BOOST_REQUIRE(s.unsettled.size() == 1u);
    BOOST_TEST(s.unsettled[0].intent == "i-killed");
}

BOOST_AUTO_TEST_CASE(concurrent_writes_all_land)
{
    temp_dir dir;
    sqlite_create_journal j(dir.file("state.db"));
    std::vector<std::thread> threads;
    std::atomic<int> failures{0};
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int k = 0; k < 25; ++k)
                if (write(j, {entry("i-" + std::to_string(t) + "-" + std::to_string(k), journal_state::intended)}))
                    ++failures;
        });
    for (auto& t : threads)
        t.join();
    BOOST_TEST(failures.load() == 0);
    BOOST_TEST(load(j).unsettled.size() == 200u);
}

BOOST_AUTO_TEST_CASE(a_service_keeps_its_own_tables_in_the_same_file)
{
    temp_dir dir;
    sqlite_create_journal j(dir.file("state.db"));
    std::promise<error_code> p;
    j.async_run(
        [](sqlite3* db) {
            int rc = sqlite3_exec(db, "CREATE TABLE fleets (id TEXT PRIMARY KEY); INSERT INTO fleets VALUES ('f-1')",
                                  nullptr, nullptr, nullptr);
            return rc == SQLITE_OK ? error_code{} : error_code(rc, sqlite_category());
        },
        [&](error_code ec) { p.set_value(ec); });
    BOOST_TEST(!p.get_future().get());
    // A failing piece of work is rolled back and says why.
    std::promise<error_code> q;
    j.async_run(
        [](sqlite3* db) {
            sqlite3_exec(db, "INSERT INTO fleets VALUES ('f-2')", nullptr, nullptr, nullptr);
            return error_code(SQLITE_CONSTRAINT, sqlite_category());
        },
        [&](error_code ec) { q.set_value(ec); });
    auto ec = q.get_future().get();
    BOOST_TEST(ec.category().name() == std::string("finovy.sqlite"));
    std::promise<int> count;
    j.async_run(
        [&](sqlite3* db) {
            sqlite3_stmt* s = nullptr;
            sqlite3_prepare_v2(db, "SELECT count(*) FROM fleets", -1, &s, nullptr);
            sqlite3_step(s);
            count.set_value(sqlite3_column_int(s, 0));
            sqlite3_finalize(s);
            return error_code{};
        },
        [](error_code) {});
    BOOST_TEST(count.get_future().get() == 1);
}

BOOST_AUTO_TEST_CASE(a_path_that_cannot_be_opened_is_a_clear_error)
{
    try
    {
        sqlite_create_journal j("/nonexistent-dir/state.db");
        BOOST_FAIL("opening must fail");
    }
    catch (const boost::system::system_error& e)
    {
        BOOST_TEST(e.code().category().name() == std::string("finovy.sqlite"));
        BOOST_TEST(std::string(e.what()).find("/nonexistent-dir/state.db") != std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
