// SPDX-License-Identifier: BSL-1.0
// sqlite_create_journal (sqlite_journal.hpp): one connection, one thread that owns it, a queue of
// tasks; consecutive writes share a transaction (group commit). Entries keep the order they were
// first written in (the table's rowid, which an upsert does not change).
#include <finovy/sqlite_journal.hpp>

#include <boost/system/system_error.hpp>

#include <sqlite3.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <sstream>
#include <thread>
#include <variant>

namespace finovy {

namespace {

class sqlite_error_category final : public boost::system::error_category
{
public:
    const char* name() const noexcept override { return "finovy.sqlite"; }
    std::string message(int code) const override { return sqlite3_errstr(code); }
};

error_code sqlite_error(int code) { return error_code(code, sqlite_category()); }

constexpr const char* schema = R"(
CREATE TABLE IF NOT EXISTS finovy_create_journal (
  intent TEXT PRIMARY KEY,
  batch TEXT NOT NULL,
  package_id TEXT NOT NULL,
  image_id TEXT NOT NULL,
  period_unit INTEGER,
  period_count INTEGER,
  state TEXT NOT NULL,
  host_id TEXT NOT NULL DEFAULT '',
  recorded_ms INTEGER NOT NULL,
  not_before_ms INTEGER,
  not_after_ms INTEGER,
  marker_ms INTEGER,
  marker_ids TEXT NOT NULL DEFAULT '',
  marker_tie INTEGER NOT NULL DEFAULT 0,
  api_code INTEGER NOT NULL DEFAULT 0,
  http_status INTEGER NOT NULL DEFAULT 0,
  trace_id TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '',
  candidates TEXT NOT NULL DEFAULT '',
  inferred INTEGER NOT NULL DEFAULT 0,
  skew_min_ms INTEGER,
  skew_max_ms INTEGER
);
CREATE INDEX IF NOT EXISTS finovy_create_journal_state ON finovy_create_journal(state);
CREATE INDEX IF NOT EXISTS finovy_create_journal_batch ON finovy_create_journal(batch);
)";

constexpr const char* upsert_sql = R"(
INSERT INTO finovy_create_journal (intent, batch, package_id, image_id, period_unit, period_count, state, host_id,
  recorded_ms, not_before_ms, not_after_ms, marker_ms, marker_ids, marker_tie, api_code, http_status, trace_id,
  message, candidates, inferred, skew_min_ms, skew_max_ms)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)
ON CONFLICT(intent) DO UPDATE SET batch = ?2, package_id = ?3, image_id = ?4, period_unit = ?5, period_count = ?6,
  state = ?7, host_id = ?8, recorded_ms = ?9, not_before_ms = ?10, not_after_ms = ?11, marker_ms = ?12,
  marker_ids = ?13, marker_tie = ?14, api_code = ?15, http_status = ?16, trace_id = ?17, message = ?18,
  candidates = ?19, inferred = ?20, skew_min_ms = ?21, skew_max_ms = ?22
)";

constexpr const char* columns = "intent, batch, package_id, image_id, period_unit, period_count, state, host_id, "
                                "recorded_ms, not_before_ms, not_after_ms, marker_ms, marker_ids, marker_tie, "
                                "api_code, http_status, trace_id, message, candidates, inferred, skew_min_ms, skew_max_ms";

std::int64_t ms_of(time_point t)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
time_point time_of(std::int64_t ms) { return time_point(std::chrono::milliseconds(ms)); }

// Ids are letters, digits, '-' and '_': a space separates them.
std::string join(const std::vector<std::string>& ids)
{
    std::string s;
    for (const auto& id : ids)
        s += (s.empty() ? "" : " ") + id;
    return s;
}
std::vector<std::string> split(std::string_view s)
{
    std::vector<std::string> out;
    std::istringstream in{std::string(s)};
    for (std::string id; in >> id;)
        out.push_back(id);
    return out;
}

// A prepared statement, finalized when it goes.
struct statement
{
    sqlite3_stmt* s = nullptr;
    statement(sqlite3* db, const char* sql, int& rc) { rc = sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
    ~statement() { sqlite3_finalize(s); }
    statement(const statement&) = delete;
    statement& operator=(const statement&) = delete;
};

void bind_text(sqlite3_stmt* s, int i, const std::string& v) { sqlite3_bind_text(s, i, v.data(), int(v.size()), SQLITE_TRANSIENT); }
void bind_time(sqlite3_stmt* s, int i, const std::optional<time_point>& t)
{
    if (t)
        sqlite3_bind_int64(s, i, ms_of(*t));
    else
        sqlite3_bind_null(s, i);
}
std::string text_at(sqlite3_stmt* s, int i)
{
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}
std::optional<time_point> time_at(sqlite3_stmt* s, int i)
{
    if (sqlite3_column_type(s, i) == SQLITE_NULL)
        return std::nullopt;
    return time_of(sqlite3_column_int64(s, i));
}

journal_entry row_of(sqlite3_stmt* s)
{
    journal_entry e;
    e.intent = text_at(s, 0);
    e.batch = text_at(s, 1);
    e.package_id = text_at(s, 2);
    e.image_id = text_at(s, 3);
    if (sqlite3_column_type(s, 4) != SQLITE_NULL)
        e.period = rental_period{static_cast<period_unit>(sqlite3_column_int(s, 4)), sqlite3_column_int(s, 5)};
    e.state = journal_state_from_string(text_at(s, 6)).value_or(journal_state::unknown);
    e.host_id = text_at(s, 7);
    e.recorded = time_of(sqlite3_column_int64(s, 8));
    e.not_before = time_at(s, 9);
    e.not_after = time_at(s, 10);
    e.marker = time_at(s, 11);
    e.marker_ids = split(text_at(s, 12));
    e.marker_tie = sqlite3_column_int(s, 13) != 0;
    e.api_code = sqlite3_column_int(s, 14);
    e.http_status = static_cast<unsigned>(sqlite3_column_int(s, 15));
    e.trace_id = text_at(s, 16);
    e.message = text_at(s, 17);
    e.candidates = split(text_at(s, 18));
    e.inferred = sqlite3_column_int(s, 19) != 0;
    for (auto [i, v] : {std::pair(20, &e.skew_min), std::pair(21, &e.skew_max)})
        if (sqlite3_column_type(s, i) != SQLITE_NULL)
            *v = std::chrono::milliseconds(sqlite3_column_int64(s, i));
    return e;
}

}   // namespace

const boost::system::error_category& sqlite_category() noexcept
{
    static const sqlite_error_category c;
    return c;
}

struct sqlite_create_journal::impl
{
    struct write_task
    {
        std::vector<journal_entry> entries;
        boost::asio::any_completion_handler<void(error_code)> done;
    };
    struct load_task
    {
        boost::asio::any_completion_handler<void(error_code, journal_snapshot)> done;
    };
    struct entries_task
    {
        std::string batch;
        boost::asio::any_completion_handler<void(error_code, std::vector<journal_entry>)> done;
    };
    struct run_task
    {
        std::function<error_code(sqlite3*)> work;
        boost::asio::any_completion_handler<void(error_code)> done;
    };
    using task = std::variant<write_task, load_task, entries_task, run_task>;

    std::string path;
    sqlite3* db = nullptr;
    std::mutex m;
    std::condition_variable cv;
    std::deque<task> queue;
    bool stopping = false;
    std::thread worker;

    error_code exec(const char* sql)
    {
        int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
        return rc == SQLITE_OK ? error_code{} : sqlite_error(rc);
    }

    // Runs `body` in one immediate transaction; rolls back on its error.
    template <class Body>
    error_code transaction(Body body)
    {
        if (auto ec = exec("BEGIN IMMEDIATE"))
            return ec;
        auto ec = body();
        if (ec)
        {
            exec("ROLLBACK");
            return ec;
        }
        if (auto cec = exec("COMMIT"))
        {
            exec("ROLLBACK");
            return cec;
        }
        return {};
    }

    error_code upsert(const journal_entry& e)
    {
        int rc = 0;
        statement st(db, upsert_sql, rc);
        if (rc != SQLITE_OK)
            return sqlite_error(rc);
        auto* s = st.s;
        bind_text(s, 1, e.intent);
        bind_text(s, 2, e.batch);
        bind_text(s, 3, e.package_id);
        bind_text(s, 4, e.image_id);
        if (e.period)
        {
            sqlite3_bind_int(s, 5, static_cast<int>(e.period->unit));
            sqlite3_bind_int(s, 6, e.period->count);
        }
        bind_text(s, 7, std::string(to_string(e.state)));
        bind_text(s, 8, e.host_id);
        sqlite3_bind_int64(s, 9, ms_of(e.recorded));
        bind_time(s, 10, e.not_before);
        bind_time(s, 11, e.not_after);
        bind_time(s, 12, e.marker);
        bind_text(s, 13, join(e.marker_ids));
        sqlite3_bind_int(s, 14, e.marker_tie ? 1 : 0);
        sqlite3_bind_int(s, 15, e.api_code);
        sqlite3_bind_int(s, 16, static_cast<int>(e.http_status));
        bind_text(s, 17, e.trace_id);
        bind_text(s, 18, e.message);
        bind_text(s, 19, join(e.candidates));
        sqlite3_bind_int(s, 20, e.inferred ? 1 : 0);
        for (auto [i, v] : {std::pair(21, e.skew_min), std::pair(22, e.skew_max)})
            if (v)
                sqlite3_bind_int64(s, i, v->count());
            else
                sqlite3_bind_null(s, i);
        rc = sqlite3_step(s);
        return rc == SQLITE_DONE ? error_code{} : sqlite_error(rc);
    }

    template <class Row>
    error_code select(const std::string& sql, const std::string* param, Row row)
    {
        int rc = 0;
        statement st(db, sql.c_str(), rc);
        if (rc != SQLITE_OK)
            return sqlite_error(rc);
        if (param)
            bind_text(st.s, 1, *param);
        while ((rc = sqlite3_step(st.s)) == SQLITE_ROW)
            row(st.s);
        return rc == SQLITE_DONE ? error_code{} : sqlite_error(rc);
    }

    // Consecutive writes go in one transaction; each is told how it went.
    void run_writes(std::vector<write_task>& writes)
    {
        auto ec = transaction([&] {
            for (auto& w : writes)
                for (auto& e : w.entries)
                    if (auto uec = upsert(e))
                        return uec;
            return error_code{};
        });
        for (auto& w : writes)
            std::move(w.done)(ec);
        writes.clear();
    }

    void run(load_task& t)
    {
        journal_snapshot snap;
        auto ec = select(std::string("SELECT ") + columns +
                             " FROM finovy_create_journal WHERE state IN ('intended', 'made', 'unknown') ORDER BY rowid",
                         nullptr, [&](sqlite3_stmt* s) { snap.unsettled.push_back(row_of(s)); });
        if (!ec)
            ec = select(std::string("SELECT ") + columns +
                            " FROM finovy_create_journal WHERE state = 'created' AND inferred <> 0 ORDER BY rowid",
                        nullptr, [&](sqlite3_stmt* s) { snap.inferred.push_back(row_of(s)); });
        if (!ec)
            ec = select("SELECT host_id FROM finovy_create_journal WHERE host_id <> ''", nullptr,
                        [&](sqlite3_stmt* s) { snap.claimed.push_back(text_at(s, 0)); });
        std::move(t.done)(ec, ec ? journal_snapshot{} : std::move(snap));
    }

    void run(entries_task& t)
    {
        std::vector<journal_entry> out;
        auto ec = select(std::string("SELECT ") + columns + " FROM finovy_create_journal WHERE batch = ?1 ORDER BY rowid",
                         &t.batch, [&](sqlite3_stmt* s) { out.push_back(row_of(s)); });
        std::move(t.done)(ec, ec ? std::vector<journal_entry>{} : std::move(out));
    }

    void run(run_task& t)
    {
        error_code ec;
        try
        {
            ec = transaction([&] { return t.work(db); });
        }
        catch (...)
        {
            exec("ROLLBACK");
            ec = sqlite_error(SQLITE_ABORT);
        }
        std::move(t.done)(ec);
    }

    void loop()
    {
        std::vector<write_task> writes;
        for (;;)
        {
            std::deque<task> batch;
            {
                std::unique_lock lk(m);
                cv.wait(lk, [&] { return stopping || !queue.empty(); });
                if (queue.empty())
                    return;
                batch.swap(queue);
            }
            for (auto& t : batch)
            {
                if (auto* w = std::get_if<write_task>(&t))
                {
                    writes.push_back(std::move(*w));
                    continue;
                }
                if (!writes.empty())
                    run_writes(writes);   // in order: what was written before is read after
                std::visit([&](auto& x) {
                    if constexpr (!std::is_same_v<std::decay_t<decltype(x)>, write_task>)
                        run(x);
                }, t);
            }
            if (!writes.empty())
                run_writes(writes);
        }
    }

    void push(task t)
    {
        {
            std::lock_guard lk(m);
            queue.push_back(std::move(t));
        }
        cv.notify_one();
    }
};

sqlite_create_journal::sqlite_create_journal(const std::string& path) : impl_(std::make_unique<impl>())
{
    auto& d = *impl_;
    d.path = path;
    auto fail = [&](int rc, const std::string& what) {
        std::string detail = d.db ? sqlite3_errmsg(d.db) : sqlite3_errstr(rc);
        sqlite3_close(d.db);
        d.db = nullptr;
        throw boost::system::system_error(sqlite_error(rc), "finovy: the journal " + path + ": " + what + ": " + detail);
    };
    int rc = sqlite3_open_v2(path.c_str(), &d.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK)
        fail(rc, "cannot be opened");
    sqlite3_busy_timeout(d.db, 5000);
    // WAL with FULL: every commit is synced; readers (another process inspecting it) do not block it.
    for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"})
        if ((rc = sqlite3_exec(d.db, pragma, nullptr, nullptr, nullptr)) != SQLITE_OK)
            fail(rc, "cannot be set up");
    if ((rc = sqlite3_exec(d.db, schema, nullptr, nullptr, nullptr)) != SQLITE_OK)
        fail(rc, "its table cannot be created");
    d.worker = std::thread([&d] { d.loop(); });
}

sqlite_create_journal::~sqlite_create_journal()
{
    {
        std::lock_guard lk(impl_->m);
        impl_->stopping = true;
    }
    impl_->cv.notify_one();
    impl_->worker.join();
    sqlite3_close(impl_->db);
}

void sqlite_create_journal::async_write(std::vector<journal_entry> entries,
                                        boost::asio::any_completion_handler<void(error_code)> done)
{
    impl_->push(impl::write_task{std::move(entries), std::move(done)});
}

void sqlite_create_journal::async_load(boost::asio::any_completion_handler<void(error_code, journal_snapshot)> done)
{
    impl_->push(impl::load_task{std::move(done)});
}

void sqlite_create_journal::async_entries(
    std::string batch, boost::asio::any_completion_handler<void(error_code, std::vector<journal_entry>)> done)
{
    impl_->push(impl::entries_task{std::move(batch), std::move(done)});
}

void sqlite_create_journal::async_run(std::function<error_code(sqlite3*)> work,
                                      boost::asio::any_completion_handler<void(error_code)> done)
{
    impl_->push(impl::run_task{std::move(work), std::move(done)});
}

const std::string& sqlite_create_journal::path() const noexcept { return impl_->path; }

}   // namespace finovy
