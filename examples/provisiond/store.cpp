// SPDX-License-Identifier: BSL-1.0
// provisiond's state file (see store.hpp).
#include "store.hpp"

#include <finovy/sqlite_journal.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sqlite3.h>

#include <functional>
#include <future>
#include <variant>

namespace provisiond {

namespace asio = boost::asio;

namespace {

constexpr const char* schema = R"(
CREATE TABLE IF NOT EXISTS provisiond_fleets (
  id TEXT PRIMARY KEY,
  package TEXT NOT NULL,
  image TEXT NOT NULL,
  count INTEGER NOT NULL,
  start INTEGER NOT NULL,
  state TEXT NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  delete_requested INTEGER NOT NULL DEFAULT 0,
  created_ms INTEGER NOT NULL,
  finished_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS provisiond_deletes (
  fleet TEXT NOT NULL,
  host_id TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (fleet, host_id)
);
)";

auto tuple_token() { return asio::as_tuple(asio::use_awaitable); }

error_code sqlite_error(int rc) { return error_code(rc, finovy::sqlite_category()); }

// Runs `work` on the journal's thread in a transaction; back on the caller's executor.
auto run(finovy::sqlite_create_journal& j, std::function<error_code(sqlite3*)> work)
{
    auto token = tuple_token();
    return asio::async_initiate<decltype(token), void(error_code)>(
        [&j](auto handler, std::function<error_code(sqlite3*)> w) {
            auto ex = asio::get_associated_executor(handler);
            j.async_run(std::move(w), [ex, h = std::move(handler)](error_code ec) mutable {
                asio::post(ex, [h = std::move(h), ec]() mutable { std::move(h)(ec); });
            });
        },
        token, std::move(work));
}

// One statement with text and integer parameters, its rows given to `row`.
error_code exec(sqlite3* db, const char* sql, const std::vector<std::variant<std::string, std::int64_t>>& params,
                const std::function<void(sqlite3_stmt*)>& row = {})
{
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
    if (rc != SQLITE_OK)
        return sqlite_error(rc);
    for (std::size_t i = 0; i < params.size(); ++i)
    {
        const int at = static_cast<int>(i) + 1;
        if (auto* t = std::get_if<std::string>(&params[i]))
            sqlite3_bind_text(s, at, t->data(), static_cast<int>(t->size()), SQLITE_TRANSIENT);
        else
            sqlite3_bind_int64(s, at, std::get<std::int64_t>(params[i]));
    }
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        if (row)
            row(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? error_code{} : sqlite_error(rc);
}

std::string text(sqlite3_stmt* s, int i)
{
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

fleet_record fleet_of(sqlite3_stmt* s)
{
    fleet_record f;
    f.id = text(s, 0);
    f.package = text(s, 1);
    f.image = text(s, 2);
    f.count = static_cast<std::size_t>(sqlite3_column_int64(s, 3));
    f.start = sqlite3_column_int(s, 4) != 0;
    f.state = text(s, 5);
    f.error = text(s, 6);
    f.delete_requested = sqlite3_column_int(s, 7) != 0;
    f.created_ms = sqlite3_column_int64(s, 8);
    f.finished_ms = sqlite3_column_int64(s, 9);
    return f;
}

constexpr const char* fleet_columns =
    "SELECT id, package, image, count, start, state, error, delete_requested, created_ms, finished_ms "
    "FROM provisiond_fleets ";

}   // namespace

store::store(const std::string& path)
{
    if (path.empty())
    {
        memory_ = std::make_unique<finovy::memory_create_journal>();
        return;
    }
    sqlite_ = std::make_unique<finovy::sqlite_create_journal>(path);
    // provisiond's own tables, before any request is served (blocking once, at start-up).
    std::promise<error_code> made;
    sqlite_->async_run(
        [](sqlite3* db) {
            int rc = sqlite3_exec(db, schema, nullptr, nullptr, nullptr);
            return rc == SQLITE_OK ? error_code{} : sqlite_error(rc);
        },
        [&](error_code ec) { made.set_value(ec); });
    if (auto ec = made.get_future().get())
        throw boost::system::system_error(ec, "provisiond: the state file " + path);
}

store::~store() = default;

finovy::create_journal& store::journal()
{
    if (sqlite_)
        return *sqlite_;
    return *memory_;
}

asio::awaitable<error_code> store::save(fleet_record f)
{
    if (!sqlite_)
    {
        fleets_[f.id] = std::move(f);
        co_return error_code{};
    }
    // (Each operation is built in a statement of its own: GCC 12 destroys some temporaries of a
    // co_await expression twice, closures among them.)
    auto op = run(*sqlite_, [f = std::move(f)](sqlite3* db) {
        return exec(db,
                    "INSERT INTO provisiond_fleets (id, package, image, count, start, state, error, delete_requested, "
                    "created_ms, finished_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(id) DO "
                    "UPDATE SET state = ?6, error = ?7, delete_requested = ?8, finished_ms = ?10",
                    {f.id, f.package, f.image, static_cast<std::int64_t>(f.count), std::int64_t(f.start ? 1 : 0),
                     f.state, f.error, std::int64_t(f.delete_requested ? 1 : 0), f.created_ms, f.finished_ms});
    });
    auto [ec] = co_await std::move(op);
    co_return ec;
}

asio::awaitable<error_code> store::save_delete(std::string fleet, host_delete d)
{
    if (!sqlite_)
    {
        deletes_[fleet][d.host_id] = std::move(d);
        co_return error_code{};
    }
    auto op = run(*sqlite_, [fleet = std::move(fleet), d = std::move(d)](sqlite3* db) {
        return exec(db,
                    "INSERT INTO provisiond_deletes (fleet, host_id, deleted, error) VALUES (?1, ?2, ?3, ?4) "
                    "ON CONFLICT(fleet, host_id) DO UPDATE SET deleted = ?3, error = ?4",
                    {fleet, d.host_id, std::int64_t(d.deleted ? 1 : 0), d.error});
    });
    auto [ec] = co_await std::move(op);
    co_return ec;
}

asio::awaitable<std::tuple<error_code, std::vector<fleet_record>>> store::fleets(std::int64_t finished_since_ms)
{
    std::vector<fleet_record> out;
    if (!sqlite_)
    {
        for (const auto& [id, f] : fleets_)
            if (f.finished_ms == 0 || f.finished_ms >= finished_since_ms)
                out.push_back(f);
        co_return std::tuple(error_code{}, std::move(out));
    }
    auto op = run(*sqlite_, [&out, finished_since_ms](sqlite3* db) {
        return exec(db, (std::string(fleet_columns) + "WHERE finished_ms = 0 OR finished_ms >= ?1 ORDER BY created_ms").c_str(),
                    {finished_since_ms}, [&](sqlite3_stmt* s) { out.push_back(fleet_of(s)); });
    });
    auto [ec] = co_await std::move(op);
    co_return std::tuple(ec, std::move(out));
}

asio::awaitable<std::tuple<error_code, std::optional<fleet_record>>> store::fleet(std::string id)
{
    std::optional<fleet_record> out;
    if (!sqlite_)
    {
        if (auto it = fleets_.find(id); it != fleets_.end())
            out = it->second;
        co_return std::tuple(error_code{}, std::move(out));
    }
    auto op = run(*sqlite_, [&out, id](sqlite3* db) {
        return exec(db, (std::string(fleet_columns) + "WHERE id = ?1").c_str(), {id},
                    [&](sqlite3_stmt* s) { out = fleet_of(s); });
    });
    auto [ec] = co_await std::move(op);
    co_return std::tuple(ec, std::move(out));
}

asio::awaitable<std::tuple<error_code, std::vector<host_delete>>> store::deletes(std::string fleet)
{
    std::vector<host_delete> out;
    if (!sqlite_)
    {
        for (const auto& [id, d] : deletes_[fleet])
            out.push_back(d);
        co_return std::tuple(error_code{}, std::move(out));
    }
    auto op = run(*sqlite_, [&out, fleet](sqlite3* db) {
        return exec(db, "SELECT host_id, deleted, error FROM provisiond_deletes WHERE fleet = ?1", {fleet},
                    [&](sqlite3_stmt* s) { out.push_back({text(s, 0), sqlite3_column_int(s, 1) != 0, text(s, 2)}); });
    });
    auto [ec] = co_await std::move(op);
    co_return std::tuple(ec, std::move(out));
}

asio::awaitable<std::tuple<error_code, std::vector<finovy::journal_entry>>> store::entries(std::string fleet)
{
    std::vector<finovy::journal_entry> out;
    if (!sqlite_)
    {
        for (auto& e : memory_->entries())
            if (e.batch == fleet)
                out.push_back(std::move(e));
        co_return std::tuple(error_code{}, std::move(out));
    }
    auto token = tuple_token();
    auto op = asio::async_initiate<decltype(token), void(error_code, std::vector<finovy::journal_entry>)>(
        [this](auto handler, std::string batch) {
            auto ex = asio::get_associated_executor(handler);
            sqlite_->async_entries(std::move(batch),
                                   [ex, h = std::move(handler)](error_code ec, std::vector<finovy::journal_entry> v) mutable {
                                       asio::post(ex, [h = std::move(h), ec, v = std::move(v)]() mutable {
                                           std::move(h)(ec, std::move(v));
                                       });
                                   });
        },
        token, std::move(fleet));
    auto [ec, got] = co_await std::move(op);
    co_return std::tuple(ec, std::move(got));
}

}   // namespace provisiond
