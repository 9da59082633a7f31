// SPDX-License-Identifier: BSL-1.0
// The transport's pure logic: endpoint parsing, retry decisions, backoff, the pool's
// bookkeeping driven by a mock clock, and the answer parser fed byte by byte.
#include "mock_clock.hpp"

#include <finovy/impl/internal/answer_parser.hpp>
#include <finovy/impl/internal/endpoint.hpp>
#include <finovy/impl/internal/pool_state.hpp>
#include <finovy/impl/internal/request.hpp>
#include <finovy/impl/internal/retry.hpp>
#include <finovy/impl/internal/shared_flight.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <optional>
#include <random>
#include <stdexcept>

using namespace finovy;
using namespace finovy::detail;
using namespace std::chrono_literals;
namespace asio = boost::asio;

BOOST_AUTO_TEST_SUITE(endpoints)

BOOST_AUTO_TEST_CASE(valid_urls)
{
    endpoint e;
    BOOST_TEST(!parse_endpoint("https://client.xuandashi.com", false, e));
    BOOST_TEST(e.tls);
    BOOST_TEST(e.host == "client.xuandashi.com");
    BOOST_TEST(e.port == "443");
    BOOST_TEST(e.base_path == "");
    BOOST_TEST(e.host_header == "client.xuandashi.com");

    BOOST_TEST(!parse_endpoint("https://127.0.0.1:8443/api/", false, e));
    BOOST_TEST(e.host == "127.0.0.1");
    BOOST_TEST(e.port == "8443");
    BOOST_TEST(e.base_path == "/api");
    BOOST_TEST(e.host_header == "127.0.0.1:8443");

    BOOST_TEST(!parse_endpoint("https://[::1]:9000", false, e));
    BOOST_TEST(e.host == "::1");
    BOOST_TEST(e.host_header == "[::1]:9000");

    BOOST_TEST(!parse_endpoint("http://localhost:8080", true, e));
    BOOST_TEST(!e.tls);
    BOOST_TEST(e.port == "8080");
}

BOOST_AUTO_TEST_CASE(refused_urls)
{
    endpoint e;
    BOOST_TEST((parse_endpoint("http://localhost:8080", false, e) == client_errc::insecure_endpoint));
    for (auto bad : {"ftp://x", "https://", "https://:443", "https://host:0", "https://host:65536", "https://host:x",
                     "https://user@host", "https://host?x=1", "https://ho st", "client.xuandashi.com", "https://[::1",
                     "https://host:"})
        BOOST_TEST((parse_endpoint(bad, true, e) == client_errc::invalid_endpoint), bad);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(retries)

attempt_outcome api(int code, bool delivered = true) { return {error_code(code, api_category()), delivered, 200, code}; }
attempt_outcome http(unsigned status, bool delivered = true)
{
    return {client_errc::http_status, delivered, status, 0};
}
attempt_outcome transport(bool delivered) { return {boost::asio::error::connection_reset, delivered, 0, 0}; }

BOOST_AUTO_TEST_CASE(reads_are_retried_on_anything_transient)
{
    BOOST_TEST((classify({}, true, true) == retry_decision::done));
    for (int code : {1005, 6005, 7003, 500, 503})
        BOOST_TEST((classify(api(code), true, true) == retry_decision::retry), code);
    for (unsigned s : {500u, 502u, 503u, 504u})
        BOOST_TEST((classify(http(s), true, true) == retry_decision::retry), s);
    BOOST_TEST((classify(transport(true), true, true) == retry_decision::retry));
    BOOST_TEST((classify({client_errc::timeout, true, 0, 0}, true, true) == retry_decision::retry));
    BOOST_TEST((classify({client_errc::bad_response, true, 200, 0}, true, true) == retry_decision::retry));
    for (int code : {1001, 1021, 7005, 9001, 1037})
        BOOST_TEST((classify(api(code), true, true) == retry_decision::done), code);
    BOOST_TEST((classify(http(404), true, true) == retry_decision::done));
    BOOST_TEST((classify({client_errc::body_too_large, true, 200, 0}, true, true) == retry_decision::done));
}

BOOST_AUTO_TEST_CASE(throttling_is_not_failure)
{
    // Resent until the deadline, paced by the governor, reads and changes alike.
    for (bool resend_safe : {true, false})
    {
        BOOST_TEST((classify(api(220025), resend_safe, true) == retry_decision::retry_throttled));
        BOOST_TEST((classify(http(429), resend_safe, true) == retry_decision::retry_throttled));
    }
}

BOOST_AUTO_TEST_CASE(changes_are_never_resent_once_they_may_have_arrived)
{
    // Explicit refusals: nothing happened, so a create may be sent again.
    for (int code : {6005, 7003})
        BOOST_TEST((classify(api(code), false, true) == retry_decision::retry), code);
    // It may have happened: 1005 "request in progress" included.
    for (int code : {1005, 500, 503})
        BOOST_TEST((classify(api(code), false, true) == retry_decision::outcome_unknown), code);
    for (unsigned s : {500u, 502u, 503u, 504u})
        BOOST_TEST((classify(http(s), false, true) == retry_decision::outcome_unknown), s);
    BOOST_TEST((classify(transport(true), false, true) == retry_decision::outcome_unknown));
    BOOST_TEST((classify({client_errc::timeout, true, 0, 0}, false, true) == retry_decision::outcome_unknown));
    BOOST_TEST((classify({client_errc::bad_response, true, 200, 0}, false, true) == retry_decision::outcome_unknown));
    // Not sent in full: provably not acted on.
    BOOST_TEST((classify(transport(false), false, true) == retry_decision::retry));
    BOOST_TEST((classify({client_errc::timeout, false, 0, 0}, false, true) == retry_decision::retry));
}

BOOST_AUTO_TEST_CASE(a_certificate_the_client_does_not_trust_is_not_retried)
{
    error_code verify(static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_CERTIFICATE_VERIFY_FAILED)),
                      boost::asio::error::get_ssl_category());
    BOOST_TEST((classify({verify, false, 0, 0}, true, true) == retry_decision::done));
    // Another TLS failure, which may heal (it was "wrong version number", which cannot: issue 18).
    error_code other(static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC)),
                     boost::asio::error::get_ssl_category());
    BOOST_TEST((classify({other, false, 0, 0}, true, true) == retry_decision::retry));
}

// Issue 18, defect 7: a name that does not exist, and a server that does not speak TLS, cannot
// heal; a name server that did not answer can.
BOOST_AUTO_TEST_CASE(failures_that_cannot_heal_are_not_retried)
{
    auto tls = [](int reason) {
        return error_code(static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)), boost::asio::error::get_ssl_category());
    };
    for (bool resend_safe : {true, false})
    {
        for (error_code ec : {error_code(boost::asio::error::host_not_found), error_code(boost::asio::error::no_data),
                              error_code(boost::asio::error::service_not_found), tls(SSL_R_WRONG_VERSION_NUMBER),
                              tls(SSL_R_PACKET_LENGTH_TOO_LONG), tls(SSL_R_UNKNOWN_PROTOCOL)})
            BOOST_TEST((classify({ec, false, 0, 0}, resend_safe, true) == retry_decision::done), ec.message());
        BOOST_TEST((classify({boost::asio::error::host_not_found_try_again, false, 0, 0}, resend_safe, true) ==
                    retry_decision::retry));
    }
    // Once the request went out, garbage in the stream may mean anything: as any failure then.
    BOOST_TEST((classify({tls(SSL_R_WRONG_VERSION_NUMBER), true, 0, 0}, true, true) == retry_decision::retry));
    BOOST_TEST((classify({tls(SSL_R_WRONG_VERSION_NUMBER), true, 0, 0}, false, true) ==
                retry_decision::outcome_unknown));
    // The waiters read the same table.
    BOOST_TEST(!transient(classify(error_code(boost::asio::error::host_not_found))));
    BOOST_TEST(transient(classify(error_code(boost::asio::error::host_not_found_try_again))));
}

BOOST_AUTO_TEST_CASE(the_waiters_read_the_same_table)
{
    BOOST_TEST(transient(classify(error_code(api_errc::too_many_requests))));
    BOOST_TEST(transient(classify(error_code(api_errc::request_in_progress))));
    BOOST_TEST(transient(classify(error_code(client_errc::timeout))));
    BOOST_TEST(transient(classify(error_code(client_errc::http_status), 503)));
    BOOST_TEST(!transient(classify(error_code(client_errc::http_status), 404)));
    BOOST_TEST(!transient(classify(error_code(api_errc::unauthorized))));
    BOOST_TEST(!transient(classify(error_code(api_errc::host_not_found))));
    BOOST_TEST(!transient(classify(error_code(client_errc::invalid_argument))));
    BOOST_TEST(!transient(classify(error_code(client_errc::shut_down))));
    // ... and is_retryable_api_code is derived from it.
    for (int code : {401, 500, 503, 1005, 6005, 7003, 220025})
        BOOST_TEST(is_retryable_api_code(code), code);
    for (int code : {1001, 1021, 6000, 7005, 220002})
        BOOST_TEST(!is_retryable_api_code(code), code);
}

BOOST_AUTO_TEST_CASE(unauthorized_renews_once)
{
    BOOST_TEST((classify(api(401), false, true) == retry_decision::renew_token));
    BOOST_TEST((classify(api(401), true, false) == retry_decision::done));
    BOOST_TEST((classify({client_errc::http_status, true, 401, 0}, true, true) == retry_decision::renew_token));
}

BOOST_AUTO_TEST_CASE(full_jitter_backoff_is_bounded)
{
    retry_policy p{10, 100ms, 1000ms, 2.0};
    std::mt19937 rng(7);
    for (int attempt = 1; attempt <= 8; ++attempt)
    {
        auto cap = std::min<long long>(1000, 100LL << (attempt - 1));
        std::chrono::milliseconds lo{100000}, hi{0};
        for (int k = 0; k < 500; ++k)
        {
            auto d = backoff(p, attempt, std::uniform_real_distribution<double>(0, 1)(rng));
            lo = std::min(lo, d);
            hi = std::max(hi, d);
        }
        BOOST_TEST(lo.count() >= 0);
        BOOST_TEST(hi.count() <= cap, attempt);
        BOOST_TEST(hi.count() > cap / 2, attempt);   // spread over the whole range
        BOOST_TEST(lo.count() < cap / 4, attempt);
    }
    BOOST_TEST(backoff(p, 1, 0.5, 3000ms).count() == 3000);   // Retry-After is a floor
    BOOST_TEST(backoff(p, 3, 1.0).count() == 400);
    BOOST_TEST(backoff(p, 3, std::nan("")).count() == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pool)

using mock_clock = finovy::test::basic_mock_clock<struct pool_tests>;

struct fake_conn
{
    int id;
};

struct fake_waiter
{
    bool queued = false;
    std::list<fake_waiter*>::iterator pos;
};

using state = pool_state<fake_conn, fake_waiter, mock_clock>;

BOOST_AUTO_TEST_CASE(grows_to_its_size_then_queues_fifo)
{
    state p(2, 1000ms);
    std::vector<std::unique_ptr<fake_conn>> expired;
    fake_waiter w1, w2, w3, w4;
    state::grant g1, g2, g3, g4;
    BOOST_TEST((p.acquire(&w1, g1, expired) == state::acquire_result::granted));
    BOOST_TEST(g1.create);
    BOOST_TEST((p.acquire(&w2, g2, expired) == state::acquire_result::granted));
    BOOST_TEST((p.acquire(&w3, g3, expired) == state::acquire_result::must_wait));
    BOOST_TEST((p.acquire(&w4, g4, expired) == state::acquire_result::must_wait));
    BOOST_TEST(p.waiting() == 2u);
    BOOST_TEST(p.size() == 2u);
    state::grant none;
    BOOST_TEST((p.acquire(nullptr, none, expired) == state::acquire_result::must_wait));
    BOOST_TEST(p.waiting() == 2u);   // without a waiter nothing is queued

    // A returned connection goes to the first waiter, in order.
    state::grant out;
    std::vector<std::unique_ptr<fake_conn>> discard;
    auto* served = p.release(std::make_unique<fake_conn>(fake_conn{1}), true, out, discard);
    BOOST_TEST(served == &w3);
    BOOST_TEST(!w3.queued);
    BOOST_TEST(out.conn->id == 1);
    BOOST_TEST(!out.create);

    // A broken connection's slot goes to the next waiter, who connects anew.
    state::grant out2;
    served = p.release(std::make_unique<fake_conn>(fake_conn{2}), false, out2, discard);
    BOOST_TEST(served == &w4);
    BOOST_TEST(out2.create);
    BOOST_TEST(!out2.conn);
    BOOST_TEST(discard.size() == 1u);
    BOOST_TEST(p.size() == 2u);

    // Nobody waits: back to the idle list; then a broken one frees its slot.
    state::grant out3;
    BOOST_TEST(p.release(std::make_unique<fake_conn>(fake_conn{3}), true, out3, discard) == nullptr);
    BOOST_TEST(p.idle() == 1u);
    BOOST_TEST(p.release(nullptr, false, out3, discard) == nullptr);
    BOOST_TEST(p.size() == 1u);
}

BOOST_AUTO_TEST_CASE(reuses_the_most_recent_and_expires_idle_ones)
{
    mock_clock::current = {};
    state p(3, 1000ms);
    std::vector<std::unique_ptr<fake_conn>> bin;
    fake_waiter w;
    state::grant g;
    for (int i = 0; i < 3; ++i)
        p.acquire(&w, g, bin);
    state::grant out;
    p.release(std::make_unique<fake_conn>(fake_conn{1}), true, out, bin);
    mock_clock::advance(600ms);
    p.release(std::make_unique<fake_conn>(fake_conn{2}), true, out, bin);
    mock_clock::advance(300ms);
    p.release(std::make_unique<fake_conn>(fake_conn{3}), true, out, bin);
    BOOST_TEST(p.idle() == 3u);

    mock_clock::advance(200ms);   // #1 idle 1100 ms: expired; #2 500 ms; #3 200 ms
    state::grant got;
    BOOST_TEST((p.acquire(&w, got, bin) == state::acquire_result::granted));
    BOOST_TEST(got.conn->id == 3);   // most recently used
    BOOST_TEST(bin.size() == 1u);
    BOOST_TEST(bin[0]->id == 1);
    BOOST_TEST(p.size() == 2u);

    mock_clock::advance(600ms);   // #2 idle 1100 ms
    bin.clear();
    p.drop_expired(mock_clock::now(), bin);
    BOOST_TEST(bin.size() == 1u);
    BOOST_TEST(p.idle() == 0u);
    BOOST_TEST(p.size() == 1u);   // only the one in use
}

BOOST_AUTO_TEST_CASE(a_waiter_that_gives_up_is_not_served)
{
    state p(1, 1000ms);
    std::vector<std::unique_ptr<fake_conn>> bin;
    fake_waiter a, b, c;
    state::grant g;
    p.acquire(&a, g, bin);
    p.acquire(&b, g, bin);
    p.acquire(&c, g, bin);
    BOOST_TEST(p.withdraw(b));
    BOOST_TEST(!p.withdraw(b));
    state::grant out;
    BOOST_TEST(p.release(std::make_unique<fake_conn>(fake_conn{1}), true, out, bin) == &c);
    BOOST_TEST(!p.withdraw(c));   // served meanwhile: must use what it got
}

BOOST_AUTO_TEST_CASE(closing_fails_waiters_and_drops_idle)
{
    state p(1, 1000ms);
    std::vector<std::unique_ptr<fake_conn>> bin;
    fake_waiter a, b;
    state::grant g;
    p.acquire(&a, g, bin);
    p.acquire(&b, g, bin);
    std::vector<fake_waiter*> failed;
    p.close(bin, failed);
    BOOST_TEST(failed.size() == 1u);
    BOOST_TEST(failed[0] == &b);
    BOOST_TEST((p.acquire(&a, g, bin) == state::acquire_result::closed));
    state::grant out;
    BOOST_TEST(p.release(std::make_unique<fake_conn>(fake_conn{1}), true, out, bin) == nullptr);
    BOOST_TEST(p.size() == 0u);
    BOOST_TEST(bin.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(request_helpers)

BOOST_AUTO_TEST_CASE(ids)
{
    BOOST_TEST(valid_id("rEJjwEY5Wt"));
    BOOST_TEST(valid_id("507"));
    BOOST_TEST(valid_id("a-b_c"));
    for (auto bad : {"", "a/b", "a b", "a?b", "../x", "a\r\nb", "é"})
        BOOST_TEST(!valid_id(bad), bad);
    BOOST_TEST(!valid_id(std::string(65, 'a')));
}

BOOST_AUTO_TEST_CASE(special_data_shapes)
{
    std::string why;
    std::optional<std::string> created;
    BOOST_TEST(!decode_created(boost::json::value(true), &created, why));
    BOOST_TEST(!created.has_value());
    BOOST_TEST(!decode_created(boost::json::value("dyMFQQgHIW"), &created, why));
    BOOST_TEST(created.value() == "dyMFQQgHIW");
    BOOST_TEST((decode_created(boost::json::value(false), &created, why) == client_errc::operation_rejected));
    BOOST_TEST((decode_ack(boost::json::value(false), nullptr, why) == client_errc::operation_rejected));
    BOOST_TEST(!decode_ack(boost::json::value(nullptr), nullptr, why));

    std::string id;
    BOOST_TEST(!decode_id(boost::json::value("x1"), &id, why));
    BOOST_TEST((decode_id(boost::json::value(true), &id, why) == client_errc::bad_response));

    std::int64_t gb = -1;
    BOOST_TEST(!decode_disk_usage(boost::json::parse(R"({"memory": 998})"), &gb, why));
    BOOST_TEST(gb == 998);
    BOOST_TEST(!decode_disk_usage(boost::json::parse(R"({"memory": "40"})"), &gb, why));
    BOOST_TEST(gb == 40);
    BOOST_TEST(!decode_disk_usage(boost::json::value(12), &gb, why));
    BOOST_TEST(gb == 12);
    BOOST_TEST((decode_disk_usage(boost::json::parse(R"({"memory": "lots"})"), &gb, why) == client_errc::bad_response));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(answer_parsing)

namespace {
// Feeds `text` in pieces of `step` bytes, as reads would deliver it.
boost::beast::error_code feed(answer_parser& p, std::string_view text, std::size_t step, bool eof = false)
{
    std::string pending;
    for (std::size_t at = 0; at < text.size(); at += step)
    {
        pending.append(text.substr(at, step));
        boost::beast::error_code ec;
        auto used = p.put(boost::asio::buffer(pending), ec);
        pending.erase(0, used);
        if (ec && ec != boost::beast::http::error::need_more)
            return ec;
    }
    boost::beast::error_code ec;
    if (eof)
        p.put_eof(ec);
    return ec;
}
}   // namespace

BOOST_AUTO_TEST_CASE(status_body_retry_after_and_keep_alive)
{
    const std::string text = "HTTP/1.1 429 Too Many Requests\r\nServer: x\r\nRetry-After: 7\r\n"
                             "Content-Length: 11\r\n\r\n{\"code\":1}x";
    for (std::size_t step : {1u, 3u, 1000u})
    {
        std::string body = "left over from the previous answer";
        answer_parser p(body);
        p.eager(true);
        BOOST_TEST(!feed(p, text, step));
        BOOST_TEST(p.is_done());
        BOOST_TEST(p.status() == 429u);
        BOOST_TEST(p.retry_after().count() == 7);
        BOOST_TEST(p.keep_alive());
        BOOST_TEST(body == "{\"code\":1}x");
    }
}

BOOST_AUTO_TEST_CASE(chunked_closing_and_to_end_of_file)
{
    std::string body;
    answer_parser chunked(body);
    chunked.eager(true);
    BOOST_TEST(!feed(chunked, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                              "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", 2));
    BOOST_TEST(chunked.is_done());
    BOOST_TEST(body == "abcde");
    BOOST_TEST(!chunked.keep_alive());
    BOOST_TEST(chunked.retry_after().count() == 0);

    answer_parser to_eof(body);
    to_eof.eager(true);
    BOOST_TEST(!feed(to_eof, "HTTP/1.0 200 OK\r\n\r\n{\"a\":1}", 4, true));
    BOOST_TEST(to_eof.is_done());
    BOOST_TEST(body == "{\"a\":1}");
}

BOOST_AUTO_TEST_CASE(limits_and_garbage_are_errors)
{
    std::string body;
    answer_parser big(body);
    big.eager(true);
    big.body_limit(10);
    BOOST_TEST((feed(big, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", 100) ==
                boost::beast::http::error::body_limit));
    answer_parser garbage(body);
    BOOST_TEST(feed(garbage, "<html>not http</html>\r\n\r\n", 100));
    answer_parser date(body);   // an HTTP date in Retry-After is ignored, not an error
    BOOST_TEST(!feed(date, "HTTP/1.1 503 x\r\nRetry-After: Wed, 21 Oct 2026 07:28:00 GMT\r\nContent-Length: 0\r\n\r\n", 9));
    BOOST_TEST(date.retry_after().count() == 0);
    BOOST_TEST(date.status() == 503u);
}

BOOST_AUTO_TEST_SUITE_END()

// A DNS look-up cannot be interrupted: an attempt waits for it only until its deadline, and
// concurrent attempts share one.
BOOST_AUTO_TEST_SUITE(shared_look_ups)

namespace {

// A stand-in for getaddrinfo: ends after `d` whatever happens, and says that it did.
asio::awaitable<std::tuple<error_code, int>> stubborn(std::chrono::milliseconds d, int value, std::shared_ptr<bool> ended)
{
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    *ended = true;
    co_return std::tuple(error_code{}, value);
}

struct outcome
{
    error_code ec;
    int value = 0;
    std::chrono::milliseconds took{};
};

outcome wait_for(std::chrono::milliseconds op_time, std::chrono::milliseconds deadline_in, std::shared_ptr<bool> ended,
                 std::optional<std::chrono::milliseconds> cancel_after = std::nullopt)
{
    asio::io_context io;
    asio::cancellation_signal cancel;
    outcome out;
    const auto start = std::chrono::steady_clock::now();
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            auto flight = std::make_shared<shared_flight<int>>();
            auto [ec, v] = co_await flight->join(co_await asio::this_coro::executor,
                                                 std::chrono::steady_clock::now() + deadline_in,
                                                 [&] { return stubborn(op_time, 7, ended); });
            out.ec = ec;
            out.value = v;
            out.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
        },
        asio::bind_cancellation_slot(cancel.slot(), asio::detached));
    asio::steady_timer canceller(io);
    if (cancel_after)
    {
        canceller.expires_after(*cancel_after);
        canceller.async_wait([&](error_code) { cancel.emit(asio::cancellation_type::terminal); });
    }
    io.run();   // returns once the stubborn operation has ended too
    return out;
}

}   // namespace

BOOST_AUTO_TEST_CASE(the_result_when_it_comes_first)
{
    auto ended = std::make_shared<bool>(false);
    auto o = wait_for(10ms, 5s, ended);
    BOOST_TEST(!o.ec);
    BOOST_TEST(o.value == 7);
    BOOST_TEST(o.took.count() < 2000);
}

BOOST_AUTO_TEST_CASE(a_timeout_at_the_deadline_and_the_operation_ends_alone)
{
    auto ended = std::make_shared<bool>(false);
    auto o = wait_for(600ms, 30ms, ended);
    BOOST_TEST((o.ec == client_errc::timeout));
    BOOST_TEST(o.value == 0);
    BOOST_TEST(o.took.count() < 500, o.took.count() << " ms: the wait outlasted its deadline");
    BOOST_TEST(*ended);
}

BOOST_AUTO_TEST_CASE(an_exception_of_the_operation_reaches_the_caller)
{
    asio::io_context io;
    std::string caught;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            auto throwing = []() -> asio::awaitable<std::tuple<error_code, int>> {
                co_await asio::post(asio::use_awaitable);
                throw std::runtime_error("look-up exploded");
            };
            try
            {
                auto flight = std::make_shared<shared_flight<int>>();
                co_await flight->join(co_await asio::this_coro::executor, std::chrono::steady_clock::now() + 5s,
                                      throwing);
            }
            catch (const std::runtime_error& e)
            {
                caught = e.what();
            }
        },
        asio::detached);
    io.run();
    BOOST_TEST(caught == "look-up exploded");
}

BOOST_AUTO_TEST_CASE(the_callers_cancellation_ends_the_wait)
{
    auto ended = std::make_shared<bool>(false);
    auto o = wait_for(600ms, 5s, ended, 30ms);
    BOOST_TEST((o.ec == asio::error::operation_aborted));
    BOOST_TEST(o.took.count() < 500, o.took.count() << " ms: cancellation was not prompt");
    BOOST_TEST(*ended);
}

BOOST_AUTO_TEST_CASE(concurrent_callers_share_one_operation)
{
    asio::io_context io;
    auto flight = std::make_shared<shared_flight<int>>();
    int started = 0;
    std::vector<int> got;
    auto ended = std::make_shared<bool>(false);
    for (int k = 0; k < 5; ++k)
        asio::co_spawn(
            io,
            [&]() -> asio::awaitable<void> {
                auto [ec, v] = co_await flight->join(co_await asio::this_coro::executor,
                                                     std::chrono::steady_clock::now() + 5s, [&] {
                                                         ++started;
                                                         return stubborn(20ms, 42, ended);
                                                     });
                got.push_back(ec ? -1 : v);
            },
            asio::detached);
    io.run();
    BOOST_TEST(started == 1);
    BOOST_TEST(got == std::vector<int>(5, 42), boost::test_tools::per_element());
    BOOST_TEST(!flight->running());
}

BOOST_AUTO_TEST_SUITE_END()
