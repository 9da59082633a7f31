// SPDX-License-Identifier: BSL-1.0
// Defects of issue 11 about how calls run: the executor a handler completes on (12), a moved-from
// client and the DNS cache (13).
#include <boost/test/unit_test.hpp>

#include "../common/scripted_wire.hpp"
#include "client_test_support.hpp"

#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/listing.hpp>

#include <boost/asio/execution.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <string_view>
#include <typeinfo>

namespace {

// An executor that runs each function as a job of its own, posted to an io_context, and tells
// each job apart: its number, and whether it is an Asio strand running its queue (whatever a
// strand runs inline then belongs to that strand, not to this executor).
struct jobs
{
    static inline thread_local int current = 0;
    static inline thread_local bool strand = false;
    static inline std::atomic<int> next{0};
};

class job_executor
{
public:
    explicit job_executor(asio::io_context& ctx) : ctx_(&ctx) {}

    asio::execution_context& query(asio::execution::context_t) const noexcept { return *ctx_; }
    static constexpr asio::execution::blocking_t query(asio::execution::blocking_t) noexcept
    {
        return asio::execution::blocking.never;
    }
    job_executor require(asio::execution::blocking_t::never_t) const noexcept { return *this; }

    template <class F>
    void execute(F f) const
    {
        const bool strand = std::string_view(typeid(F).name()).find("strand_executor_service") != std::string_view::npos;
        const int id = ++jobs::next;
        asio::post(ctx_->get_executor(), [f = std::move(f), id, strand]() mutable {
            const int saved = jobs::current;
            const bool saved_strand = jobs::strand;
            jobs::current = id;
            jobs::strand = strand;
            std::move(f)();
            jobs::current = saved;
            jobs::strand = saved_strand;
        });
    }

    friend bool operator==(const job_executor& a, const job_executor& b) noexcept { return a.ctx_ == b.ctx_; }
    friend bool operator!=(const job_executor& a, const job_executor& b) noexcept { return a.ctx_ != b.ctx_; }

private:
    asio::io_context* ctx_;
};

client_options scripted(std::string endpoint = "https://127.0.0.1:8443")
{
    client_options o;
    o.endpoint = std::move(endpoint);
    o.access_token = "scripted-token";
    o.retry.initial_backoff = 1ms;
    o.retry.max_backoff = 2ms;
    o.attempt_timeout = 2s;
    o.deadline = 5s;
    o.ssl_context = shared_tls_context();
    return o;
}

std::uint64_t lookups(const client& c) { return detail::client_access::impl(c)->net.lookups(); }

}   // namespace

BOOST_AUTO_TEST_SUITE(completion_executor)

// Defect 12: a handler without an executor of its own runs as a job of client::get_executor(),
// not inline inside the strand the call ran on.
BOOST_AUTO_TEST_CASE(a_callback_completes_on_the_clients_executor)
{
    sim_fixture f;
    f.sim.add_hosts(f.sim.first_tenant().uuid, 30, "Ofc2C4G8xx", "4005", 2);
    asio::io_context ioc;
    job_executor jex(ioc);
    auto o = f.options();
    int attempt_job = 0;
    o.observer = [&](const attempt_event&) { attempt_job = jobs::current; };
    client c(asio::any_io_executor(jex), o);

    struct seen
    {
        bool done = false;
        error_code ec;
        int job = 0;
        bool in_strand = true;
        int attempt_job = 0;
    };
    seen call, listing;
    c.async_list_images([&](error_code ec, std::vector<image>) {
        call = {true, ec, jobs::current, jobs::strand, attempt_job};
    });
    ioc.run();
    BOOST_TEST_REQUIRE(call.done);
    BOOST_TEST(!call.ec);
    BOOST_TEST(call.job != 0);            // a job of the client's executor...
    BOOST_TEST(!call.in_strand);          // ... of its own, not a strand's
    BOOST_TEST(call.job != call.attempt_job);

    ioc.restart();
    async_list_all_hosts(c, list_options{}, [&](error_code ec, std::vector<host> hosts) {
        listing = {true, ec, jobs::current, jobs::strand, attempt_job};
        BOOST_TEST(hosts.size() == 30u);
    });
    ioc.run();
    BOOST_TEST_REQUIRE(listing.done);
    BOOST_TEST(!listing.ec);
    BOOST_TEST(listing.job != 0);
    BOOST_TEST(!listing.in_strand);
}

// With the client on a strand, handlers run inside it.
BOOST_AUTO_TEST_CASE(a_client_on_a_strand_completes_inside_it)
{
    sim_fixture f;
    f.sim.add_hosts(f.sim.first_tenant().uuid, 30, "Ofc2C4G8xx", "4005", 2);
    asio::io_context ioc;
    auto strand = asio::make_strand(ioc);
    client c(strand, f.options());
    int inside = 0, done = 0;
    for (int i = 0; i < 4; ++i)
        c.async_list_images([&](error_code ec, std::vector<image>) {
            inside += !ec && strand.running_in_this_thread();
            ++done;
        });
    async_list_all_hosts(c, list_options{}, [&](error_code ec, std::vector<host> hosts) {
        inside += !ec && hosts.size() == 30u && strand.running_in_this_thread();
        ++done;
    });
    ioc.run();
    BOOST_TEST(done == 5);
    BOOST_TEST(inside == 5);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(client_state)

// Defect 13: a moved-from client says so at once, instead of dereferencing null.
BOOST_AUTO_TEST_CASE(a_moved_from_client_throws_shut_down)
{
    asio::io_context ioc;
    client a(ioc, scripted());
    client b(std::move(a));
    auto shut_down = [](const boost::system::system_error& e) { return e.code() == client_errc::shut_down; };
    BOOST_CHECK_EXCEPTION(a.async_get_host("rEJjwEY5Wt", [](error_code, host) {}), boost::system::system_error,
                          shut_down);
    BOOST_CHECK_EXCEPTION(a.async_power_on("rEJjwEY5Wt", [](error_code) {}), boost::system::system_error, shut_down);
    BOOST_CHECK_EXCEPTION(async_list_all_hosts(a, list_options{}, [](error_code, std::vector<host>) {}),
                          boost::system::system_error, shut_down);
    BOOST_TEST(a.stats().calls == 0u);
    a.close();
    client c(std::move(b));   // the state moved along: the last owner works
    BOOST_TEST(c.options().endpoint == "https://127.0.0.1:8443");
    BOOST_TEST(!b.options().endpoint.empty());   // a moved-from client answers what an empty one would
}

// Defect 13: the name is looked up again after dns_cache_ttl, and concurrent connects share one
// look-up.
BOOST_AUTO_TEST_CASE(dns_cache_ttl_and_shared_look_ups)
{
    run([&]() -> asio::awaitable<void> {
        auto ex = co_await asio::this_coro::executor;
        for (auto ttl : {std::chrono::milliseconds(60'000), std::chrono::milliseconds(0)})
        {
            auto s = scripted_server::make();
            s->answer = [](const seen_request& r) {
                auto a = default_reply(r);
                a.bytes = http_answer(200, scripted_host_json, "Connection: close\r\n");   // a new connection each time
                return a;
            };
            auto o = scripted("https://localhost:8443");
            o.dns_cache_ttl = ttl;
            o.max_connections = 4;
            client c(ex, o);
            s->install(c);
            diagnostics d;
            for (int i = 0; i < 3; ++i)
            {
                auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", d, token());
                BOOST_TEST_REQUIRE(!ec, ec.message() << " " << d.client_message());
            }
            BOOST_TEST(s->connects == 3);
            BOOST_TEST(lookups(c) == (ttl.count() == 0 ? 3u : 1u));
            const auto before = lookups(c);
            auto ok = co_await run_concurrently(4, [&](int) -> asio::awaitable<bool> {
                auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", token());
                co_return !ec;
            });
            BOOST_TEST(std::count(ok.begin(), ok.end(), true) == 4);
            BOOST_TEST(s->connects == 7);
            BOOST_TEST(lookups(c) - before == (ttl.count() == 0 ? 1u : 0u));   // four connects, one look-up
        }
        // A failed connect forgets the addresses.
        auto s = scripted_server::make();
        s->fail_at = 1;   // the first connect
        s->fail_with = fault::reset;
        client c(ex, scripted("https://localhost:8443"));
        s->install(c);
        auto [ec, h] = co_await c.async_get_host("rEJjwEY5Wt", token());
        BOOST_TEST(!ec);
        BOOST_TEST(lookups(c) == 2u);
    });
}

BOOST_AUTO_TEST_SUITE_END()
