// SPDX-License-Identifier: BSL-1.0
// Parses an HTTP/1.1 answer into storage the connection keeps across requests. Beast's
// response_parser would build a header map, one allocation per field, for the three things
// the client reads: the status, Retry-After, Date (when asked for) and the body (keep-alive is the
// parser's own).
#ifndef FINOVY_IMPL_INTERNAL_ANSWER_PARSER_HPP
#define FINOVY_IMPL_INTERNAL_ANSWER_PARSER_HPP

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <string>
#include <string_view>

namespace finovy::detail {

class answer_parser final : public boost::beast::http::basic_parser<false>
{
public:
    using error_code = boost::beast::error_code;
    using string_view = boost::beast::string_view;

    // `body` is cleared and receives the answer's body.
    // `want_date`: keep the Date header (the server's clock, server_clock.hpp).
    explicit answer_parser(std::string& body, bool want_date = false) : body_(body), want_date_(want_date)
    {
        body_.clear();
    }

    unsigned status() const noexcept { return status_; }
    std::chrono::seconds retry_after() const noexcept { return retry_after_; }   // 0: none
    std::string_view date() const noexcept { return {date_, date_size_}; }       // empty: none, or not asked for

private:
    void on_request_impl(boost::beast::http::verb, string_view, string_view, int, error_code& ec) override
    {
        ec = boost::beast::http::error::bad_version;   // unreachable: this parses answers
    }

    void on_response_impl(int code, string_view, int, error_code&) override { status_ = static_cast<unsigned>(code); }

    void on_field_impl(boost::beast::http::field name, string_view, string_view value, error_code&) override
    {
        if (name == boost::beast::http::field::date && want_date_ && value.size() <= sizeof date_)
        {
            std::copy(value.begin(), value.end(), date_);
            date_size_ = value.size();
        }
        if (name != boost::beast::http::field::retry_after)
            return;
        unsigned secs = 0;   // an HTTP date instead of seconds is ignored: backoff applies then
        auto [end, err] = std::from_chars(value.data(), value.data() + value.size(), secs);
        if (err == std::errc{} && end == value.data() + value.size())
            retry_after_ = std::chrono::seconds(std::min(secs, 60u));
    }

    void on_header_impl(error_code&) override {}

    void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override
    {
        if (length)   // within body_limit: the base class checked it
            body_.reserve(static_cast<std::size_t>(*length));
    }

    std::size_t on_body_impl(string_view s, error_code&) override
    {
        body_.append(s.data(), s.size());
        return s.size();
    }

    void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}

    std::size_t on_chunk_body_impl(std::uint64_t, string_view s, error_code&) override
    {
        body_.append(s.data(), s.size());
        return s.size();
    }

    void on_finish_impl(error_code&) override {}

    std::string& body_;
    bool want_date_ = false;
    char date_[32];
    std::size_t date_size_ = 0;
    unsigned status_ = 0;
    std::chrono::seconds retry_after_{0};
};

}   // namespace finovy::detail

#endif
