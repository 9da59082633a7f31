// SPDX-License-Identifier: BSL-1.0
// A wire without sockets (impl/internal/wire.hpp) whose peer is a script: for each request
// written, the answer's bytes, delivered in chunks; and a failure injected at the k-th step of
// the exchange, in the spirit of Beast's test::stream and fail_count.
//
// Steps are counted over every connection of the script: each connect, start_tls, handshake try,
// write try, read try and wait. The step `fail_at` fails with `fail_with`: an error code
// (a reset, an end of file, a TLS error, a certificate the client refuses), a timeout (the step
// never completes: only the attempt's deadline ends it) or std::bad_alloc. Independently, the
// next answer can be cut after `truncate_at` bytes, ending in an end of file or a reset.
//
// No TLS: start_tls succeeds (unless told to fail) and ssl() is null; the handshake takes
// `handshake_tries` tries. Tests install it with install(client) before the client's first call.
#ifndef FINOVY_TEST_SCRIPTED_WIRE_HPP
#define FINOVY_TEST_SCRIPTED_WIRE_HPP

#include <finovy/client.hpp>
#include <finovy/impl/internal/client_impl.hpp>
#include <finovy/impl/internal/wire.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace finovy::test {

namespace asio = boost::asio;

enum class fault
{
    none,
    reset,         // asio::error::connection_reset
    eof,           // asio::error::eof
    timeout,       // the step never completes
    tls_error,     // an OpenSSL error (bad record MAC)
    certificate,   // the peer's certificate is refused
    bad_alloc,     // the step throws std::bad_alloc
};

inline const char* to_string(fault f)
{
    switch (f)
    {
    case fault::none: return "none";
    case fault::reset: return "reset";
    case fault::eof: return "eof";
    case fault::timeout: return "timeout";
    case fault::tls_error: return "tls_error";
    case fault::certificate: return "certificate";
    case fault::bad_alloc: return "bad_alloc";
    }
    return "?";
}

inline error_code ssl_error(int reason)
{
    return error_code(static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)), asio::error::get_ssl_category());
}

inline error_code code_of(fault f)
{
    switch (f)
    {
    case fault::reset: return asio::error::connection_reset;
    case fault::eof: return asio::error::eof;
    case fault::tls_error: return ssl_error(SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC);
    case fault::certificate: return ssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED);
    default: return {};
    }
}

// A request as the scripted server saw it.
struct seen_request
{
    std::string method, target, head, body;
    std::size_t connection = 0;   // which wire (1, 2, ...) carried it
};

// What the scripted server answers to one request.
struct reply
{
    std::string bytes;   // the answer
    enum class extra_mode
    {
        same_chunk,   // `after` arrives with the answer's last bytes
        arrived,      // ... in a separate chunk, received already when the answer is read
        later,        // ... in a separate chunk, not yet read by anybody
    };
    std::string after;   // bytes nobody asked for, after the answer
    extra_mode mode = extra_mode::same_chunk;
    bool close = false;   // the peer closes after answering (silently, whatever the headers say)
};

// A TLS context for the clients of scripted tests, made once: OpenSSL 3 takes tens of
// milliseconds to make one, and the scripted wire never uses it.
inline std::shared_ptr<asio::ssl::context> shared_tls_context()
{
    static const auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    return ctx;
}

inline std::string http_answer(unsigned status, std::string_view body, std::string_view extra_headers = {})
{
    std::string s = "HTTP/1.1 " + std::to_string(status) + (status < 300 ? " OK" : " Error") + "\r\n";
    s += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    s += extra_headers;
    s += "\r\n";
    s += body;
    return s;
}

inline const char* scripted_host_json =
    R"({"code":0,"msg":"success","traceId":"t1","data":{"id":"rEJjwEY5Wt","name":"h","gpuConfiguration":"-",)"
    R"("memory":16,"cpu":4,"rigidDisk":128,"operatingSystem":"Windows","hostAccount":"root","hostPw":"EYAHeOJi",)"
    R"("useType":"0","status":"2","address":"a.example","port":54220,"pveMachineType":"0","area":"0",)"
    R"("createTime":1692071029000,"expirationTime":null}})";

// The answers of the endpoints the tests use.
inline reply default_reply(const seen_request& r)
{
    reply out;
    auto has = [&](std::string_view s) { return r.target.find(s) != std::string::npos; };
    if (has("/v1/pve/open/one/"))
        out.bytes = http_answer(200, scripted_host_json);
    else if (has("/v1/auth/getToken"))
        out.bytes = http_answer(200, R"({"code":0,"msg":"success","data":{"token":"scripted-fetched-token",)"
                                     R"("effectiveTime":1800000}})");
    else if (has("/v1/pve/open/mypage"))
        out.bytes = http_answer(200, R"({"code":0,"msg":"success","data":{"list":[],"total":0}})");
    else
        out.bytes = http_answer(200, R"({"code":0,"msg":"success","traceId":"t2","data":true})");
    return out;
}

class scripted_server;

class scripted_wire final : public detail::wire
{
public:
    scripted_wire(const asio::any_io_executor& ex, std::shared_ptr<scripted_server> s, std::size_t number)
        : wire(ex), server_(std::move(s)), number_(number), hang_timer_(ex)
    {
    }

    asio::awaitable<error_code> connect(const std::vector<asio::ip::tcp::endpoint>& eps) override;
    error_code start_tls(asio::ssl::context& ctx, const std::string& server_name, SSL_SESSION* session) override;
    SSL* ssl() const noexcept override { return nullptr; }
    step try_handshake(error_code& ec) override;
    step try_write(std::string_view data, std::size_t& sent, error_code& ec) override;
    step try_read(boost::beast::flat_buffer& buf, error_code& ec) override;
    bool has_pending() const override { return !ready_.empty(); }
    asio::awaitable<error_code> wait(step s) override;
    bool usable(bool look) override
    {
        if (!open_ || !ready_.empty() || peer_end_)
            return false;
        return !look || in_.empty();   // asking the socket sees what arrived meanwhile
    }
    bool data_left() const override { return !ready_.empty(); }
    bool is_open() const override { return open_; }
    void close() override
    {
        open_ = false;
        broken_ = false;
        hang_ = false;
        in_.clear();
        ready_.clear();
        out_.clear();
        peer_end_ = {};
    }

    bool broken() const noexcept { return open_ && broken_; }
    std::size_t number() const noexcept { return number_; }

    // The peer's side, driven by the script.
    struct arrival
    {
        std::string bytes;
        error_code end;              // set: the peer closes (eof) or resets here
        bool with_previous = false;  // arrives together with the chunk before it
    };
    void push(arrival a) { in_.push_back(std::move(a)); }

protected:
    void cancel_io() override { hang_timer_.cancel(); }

private:
    // Counts a step of `phase` (see scripted_server::phases); its injected fault, if any.
    fault begin_step(char phase);
    asio::awaitable<error_code> hang()
    {
        if (!timed_out())
        {
            hang_timer_.expires_at(asio::steady_timer::time_point::max());
            co_await hang_timer_.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        co_return timed_out() ? error_code(client_errc::timeout) : error_code(asio::error::operation_aborted);
    }
    void arrive_one()
    {
        do
        {
            auto a = std::move(in_.front());
            in_.pop_front();
            if (!a.bytes.empty())
                ready_.push_back(std::move(a.bytes));
            if (a.end)
                peer_end_ = a.end;
        } while (!in_.empty() && in_.front().with_previous);
    }
    void received(std::string_view bytes);   // the server reads what was written

    std::shared_ptr<scripted_server> server_;
    std::size_t number_;
    asio::steady_timer hang_timer_;
    bool open_ = false;
    bool broken_ = false;   // a fault was injected: nobody may use it before connecting again
    bool hang_ = false;     // the next wait never completes
    bool tls_ = false;
    int handshake_tries_ = 0;
    char phase_ = 'c';   // of the last try: what a wait waits for
    std::deque<arrival> in_;          // sent by the peer, not yet received
    std::deque<std::string> ready_;   // received, not yet read
    error_code peer_end_;             // received: the peer closed or reset
    std::string out_;                 // written, not yet a whole request
};

class scripted_server : public std::enable_shared_from_this<scripted_server>
{
public:
    // The script.
    std::function<reply(const seen_request&)> answer = default_reply;
    std::size_t read_chunk = 1 << 20;    // bytes per arrival
    std::size_t write_chunk = 1 << 20;   // bytes a write try takes (then it wants to write again)
    int handshake_tries = 2;             // the last one completes; the others want a read
    int fail_at = 0;                     // the step (1, 2, ...) that fails; 0: none
    fault fail_with = fault::none;
    std::optional<std::size_t> truncate_at;   // the next answer is cut after this many bytes, then
    fault truncate_with = fault::eof;         // ... the peer closes (eof) or resets (reset)
    std::set<std::size_t> throwing_wires;     // the factory throws std::bad_alloc instead of making these (1, 2...)

    // What happened.
    int steps = 0;
    // One letter per step: c connect, s start_tls, h handshake, w write, r read (tries and waits).
    // A request is whole once its last write try returned: every 'r' step follows its delivery.
    std::string phases;
    std::vector<std::size_t> answer_sizes;   // of each answer served, before any truncation
    int connects = 0, tls_starts = 0, handshake_tries_seen = 0;
    int misuse = 0;   // a broken or closed wire was written to without connecting again
    std::vector<seen_request> requests;
    std::vector<std::weak_ptr<scripted_wire>> wires;

    static std::shared_ptr<scripted_server> make() { return std::make_shared<scripted_server>(); }

    // Makes `c` use this script's wires. Call before its first call.
    void install(client& c) { detail::client_access::impl(c)->set_wire_factory(&factory, this); }

    std::size_t count(std::string_view target_part) const
    {
        return static_cast<std::size_t>(std::count_if(requests.begin(), requests.end(), [&](const seen_request& r) {
            return r.target.find(target_part) != std::string::npos;
        }));
    }
    // Connections left open after a fault (a pool keeping a broken connection).
    int broken_open() const
    {
        int n = 0;
        for (auto& w : wires)
            if (auto p = w.lock(); p && p->broken())
                ++n;
        return n;
    }
    int open_wires() const
    {
        int n = 0;
        for (auto& w : wires)
            if (auto p = w.lock(); p && p->is_open())
                ++n;
        return n;
    }
    // The peer closes (or sends `bytes` on) every open connection, while they are idle.
    void close_idle(error_code how = asio::error::eof)
    {
        for (auto& w : wires)
            if (auto p = w.lock(); p && p->is_open())
                p->push({{}, how, false});
    }
    void send_idle(const std::string& bytes)
    {
        for (auto& w : wires)
            if (auto p = w.lock(); p && p->is_open())
                p->push({bytes, {}, false});
    }

    // Counts a step; the fault to inject in it, if it is the one.
    fault step(char phase)
    {
        ++steps;
        phases += phase;
        if (steps != fail_at)
            return fault::none;
        if (fail_with == fault::bad_alloc)
            throw std::bad_alloc();
        return fail_with;
    }

    // A whole request arrived on `w`: the answer's arrivals.
    std::vector<scripted_wire::arrival> serve(seen_request r)
    {
        requests.push_back(r);
        reply a = answer(r);
        answer_sizes.push_back(a.bytes.size());
        std::vector<scripted_wire::arrival> out;
        std::string bytes = std::move(a.bytes);
        error_code end = a.close ? error_code(asio::error::eof) : error_code();
        if (truncate_at)
        {
            bytes.resize(std::min(bytes.size(), *truncate_at));
            end = code_of(truncate_with);
            a.after.clear();
            truncate_at.reset();
        }
        const bool extra_separate = !a.after.empty() && a.mode != reply::extra_mode::same_chunk;
        if (!a.after.empty() && a.mode == reply::extra_mode::same_chunk)
            bytes += a.after;
        for (std::size_t i = 0; i < bytes.size(); i += read_chunk)
            out.push_back({bytes.substr(i, read_chunk), {}, false});
        if (extra_separate)
            out.push_back({a.after, {}, a.mode == reply::extra_mode::arrived});
        if (end)
            out.push_back({{}, end, false});
        return out;
    }

private:
    static std::shared_ptr<detail::wire> factory(const asio::any_io_executor& ex, void* context)
    {
        auto* self = static_cast<scripted_server*>(context);
        const std::size_t n = self->wires.size() + 1;
        if (self->throwing_wires.contains(n))
        {
            self->wires.emplace_back();   // counts as made
            throw std::bad_alloc();
        }
        auto w = std::make_shared<scripted_wire>(ex, self->shared_from_this(), n);
        self->wires.push_back(w);
        return w;
    }
};

// -------------------------------------------------------------------------------------------------

inline fault scripted_wire::begin_step(char phase)
{
    phase_ = phase;
    fault f = server_->step(phase);
    if (f != fault::none)
        broken_ = true;
    return f;
}

inline asio::awaitable<error_code> scripted_wire::connect(const std::vector<asio::ip::tcp::endpoint>&)
{
    close();
    tls_ = false;
    handshake_tries_ = 0;
    const fault f = begin_step('c');
    if (f == fault::timeout)
        co_return co_await hang();
    if (f != fault::none)
        co_return code_of(f);
    open_ = true;
    broken_ = false;
    ++server_->connects;
    co_return error_code{};
}

inline error_code scripted_wire::start_tls(asio::ssl::context&, const std::string& server_name, SSL_SESSION*)
{
    const fault f = begin_step('s');
    if (f == fault::timeout)
        hang_ = true;
    else if (f != fault::none)
        return code_of(f);
    if (server_name.empty())
        return client_errc::invalid_endpoint;
    tls_ = true;
    ++server_->tls_starts;
    return {};
}

inline detail::wire::step scripted_wire::try_handshake(error_code& ec)
{
    const fault f = begin_step('h');
    ++server_->handshake_tries_seen;
    if (f == fault::timeout)
    {
        hang_ = true;
        return step::want_read;
    }
    if (f != fault::none)
        return ec = code_of(f), step::failed;
    if (!tls_)
        return step::done;
    return ++handshake_tries_ < server_->handshake_tries ? step::want_read : step::done;
}

inline detail::wire::step scripted_wire::try_write(std::string_view data, std::size_t& sent, error_code& ec)
{
    if (!open_ || broken_)
        ++server_->misuse;
    const fault f = begin_step('w');
    if (f == fault::timeout)
    {
        hang_ = true;
        return step::want_write;
    }
    if (f != fault::none)
        return ec = code_of(f), step::failed;
    if (sent >= data.size())
        return step::done;
    const std::size_t n = std::min(server_->write_chunk, data.size() - sent);
    received(data.substr(sent, n));
    sent += n;
    return sent < data.size() ? step::want_write : step::done;
}

inline detail::wire::step scripted_wire::try_read(boost::beast::flat_buffer& buf, error_code& ec)
{
    const fault f = begin_step('r');
    if (f == fault::timeout)
    {
        hang_ = true;
        return step::want_read;
    }
    if (f != fault::none)
        return ec = code_of(f), step::failed;
    if (!ready_.empty())
    {
        const std::string& chunk = ready_.front();
        auto space = buf.prepare(chunk.size());
        std::memcpy(space.data(), chunk.data(), chunk.size());
        buf.commit(chunk.size());
        ready_.pop_front();
        return step::done;
    }
    if (peer_end_)
        return ec = peer_end_, step::failed;
    return step::want_read;
}

inline asio::awaitable<error_code> scripted_wire::wait(step s)
{
    const char phase = s == step::want_write ? 'w' : phase_ == 'h' || phase_ == 's' ? 'h' : 'r';
    const fault f = begin_step(phase);
    if (f == fault::timeout || hang_)
    {
        hang_ = false;
        co_return co_await hang();
    }
    if (f != fault::none)
        co_return code_of(f);
    if (timed_out())
        co_return client_errc::timeout;
    if (phase == 'r' && ready_.empty() && !peer_end_)
    {
        if (in_.empty())
            co_return co_await hang();   // the peer has nothing to say
        arrive_one();
    }
    co_return error_code{};
}

inline void scripted_wire::received(std::string_view bytes)
{
    for (auto& a : in_)
        if (a.end)
            return;   // the peer is gone: what is written now is lost
    if (peer_end_)
        return;
    out_ += bytes;
    for (;;)
    {
        auto head_end = out_.find("\r\n\r\n");
        if (head_end == std::string::npos)
            return;
        std::string head = out_.substr(0, head_end + 2);
        std::string lower = head;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::size_t length = 0;
        if (auto p = lower.find("\r\ncontent-length:"); p != std::string::npos)
            length = std::stoul(lower.substr(p + 17));
        if (out_.size() < head_end + 4 + length)
            return;
        seen_request r;
        r.head = head;
        r.body = out_.substr(head_end + 4, length);
        r.connection = number_;
        auto sp1 = head.find(' ');
        auto sp2 = head.find(' ', sp1 + 1);
        r.method = head.substr(0, sp1);
        r.target = head.substr(sp1 + 1, sp2 - sp1 - 1);
        out_.erase(0, head_end + 4 + length);
        for (auto& a : server_->serve(std::move(r)))
            in_.push_back(std::move(a));
    }
}

}   // namespace finovy::test

#endif
