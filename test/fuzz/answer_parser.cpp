// SPDX-License-Identifier: BSL-1.0
// Fuzzes the HTTP answer parser (detail/answer_parser.hpp) as the transport drives it: bytes
// arrive in two reads split at a point the input chooses, are parsed eagerly from a buffer that
// keeps what the parser did not take, and an end of stream ends an answer without a length.
//
// Input: byte 0 picks the split (its share of the rest), byte 1 holds flags (bit 0: the answer
// to a HEAD, whose body is skipped; bit 1: a 64-byte body limit instead of 1 MiB; bit 2: a
// 256-byte header limit instead of 64 KiB), then the bytes of the answer. Checked: a complete
// answer has the status its status line says, a body within the limit (the Content-Length's
// size when one was given; none after HEAD or with 1xx, 204, 304), a Retry-After of at most 60 s.
#include "check.hpp"

#include <finovy/impl/internal/answer_parser.hpp>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

namespace http = boost::beast::http;

// The status the first status line of `s` announces: "HTTP/1.x NNN".
int announced_status(std::string_view s)
{
    if (s.size() < 12 || s.substr(0, 7) != "HTTP/1.")
        return -1;
    int n = 0;
    for (char c : s.substr(9, 3))
    {
        if (c < '0' || c > '9')
            return -1;
        n = n * 10 + (c - '0');
    }
    return n;
}

}   // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2)
        return 0;
    const std::string_view wire(reinterpret_cast<const char*>(data + 2), size - 2);
    const std::size_t split = wire.size() * data[0] / 256;
    const bool head = data[1] & 1;
    const std::uint64_t body_limit = data[1] & 2 ? 64 : 1024 * 1024;

    std::string body = "left over from the previous answer";
    finovy::detail::answer_parser p(body);
    FINOVY_FUZZ_CHECK(body.empty(), "the body is not cleared");
    p.header_limit(data[1] & 4 ? 256 : 64 * 1024);
    p.body_limit(body_limit);
    p.eager(true);
    if (head)
        p.skip(true);

    std::string buffer;   // what arrived and the parser has not taken yet
    boost::beast::error_code ec;
    auto feed = [&](std::string_view bytes) {
        buffer.append(bytes);
        while (!buffer.empty() && !ec && !p.is_done())
        {
            std::size_t used = p.put(boost::asio::buffer(buffer), ec);
            FINOVY_FUZZ_CHECK(used <= buffer.size(), "put took %zu of %zu bytes", used, buffer.size());
            buffer.erase(0, used);
            if (ec == http::error::need_more)
            {
                ec = {};
                break;   // wait for the next read
            }
            if (used == 0)
                break;
        }
    };
    feed(wire.substr(0, split));
    if (!ec && !p.is_done())
        feed(wire.substr(split));
    if (!ec && !p.is_done() && p.got_some())
        p.put_eof(ec);   // the connection ends the answer

    FINOVY_FUZZ_CHECK(body.size() <= body_limit || !p.is_done() || ec, "a body of %zu bytes past the limit",
                      body.size());
    if (ec || !p.is_done())
        return 0;
    const int status = announced_status(wire);
    FINOVY_FUZZ_CHECK(static_cast<int>(p.status()) == status, "status %u, the status line says %d", p.status(),
                      status);
    FINOVY_FUZZ_CHECK(body.size() <= body_limit, "a body of %zu bytes past the limit", body.size());
    if (head || status / 100 == 1 || status == 204 || status == 304)   // answers without a body
        FINOVY_FUZZ_CHECK(body.empty(), "a body of %zu bytes with status %d", body.size(), status);
    else if (auto length = p.content_length())
        FINOVY_FUZZ_CHECK(body.size() == *length, "a body of %zu bytes, Content-Length %llu", body.size(),
                          static_cast<unsigned long long>(*length));
    FINOVY_FUZZ_CHECK(p.retry_after() <= std::chrono::seconds(60), "Retry-After %lld s",
                      static_cast<long long>(p.retry_after().count()));
    return 0;
}
