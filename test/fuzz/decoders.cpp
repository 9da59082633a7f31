// SPDX-License-Identifier: BSL-1.0
// Fuzzes the envelope and every decoder of the API's answers: read_envelope, decode(...) of
// each model, and the small decoders of detail/request.hpp.
//
// Input: one selector byte, then a JSON document. The selector picks the decoder ('i' image,
// 'I' images, 'p' package, 'P' packages, 'h' host, 'H' host page, 'd' disk, 'D' disk page,
// 't' token, 'c' createquantity, 'n' new id, 'a' acknowledgement, 'u' disk usage; any other
// byte picks one by its value). The decoder reads the envelope's data, or the whole document
// when it has no envelope. Checked: failures are bad_response (or operation_rejected) with a
// reason; successes hold values within the documented ranges, and print.
#include "check.hpp"

#include <finovy/decode.hpp>
#include <finovy/impl/internal/request.hpp>

#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string_view>

namespace {

namespace json = boost::json;
using namespace finovy;

constexpr std::int64_t max_time_ms = 7'258'118'400'000;   // 2200-01-01, as decode.hpp documents

void check_time(time_point t)
{
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    FINOVY_FUZZ_CHECK(ms >= 0 && ms <= max_time_ms, "time %lld ms", static_cast<long long>(ms));
}

void check(const image&) {}
void check(const host_package&) {}
void check(const host& h)
{
    FINOVY_FUZZ_CHECK(!h.id.empty(), "a host without an id");
    check_time(h.created);
    if (h.expires)
        check_time(*h.expires);
}
void check(const disk& d)
{
    FINOVY_FUZZ_CHECK(!d.id.empty(), "a disk without an id");
    check_time(d.created);
}
void check(const token_info& t)
{
    FINOVY_FUZZ_CHECK(!t.token.reveal().empty(), "an empty token");
    FINOVY_FUZZ_CHECK(t.lifetime.count() > 0 && t.lifetime <= std::chrono::hours(24 * 366), "lifetime %lld ms",
                      static_cast<long long>(t.lifetime.count()));
}
template <class T>
void check(const std::vector<T>& v)
{
    for (const auto& x : v)
        check(x);
}
template <class T>
void check(const page<T>& p)
{
    FINOVY_FUZZ_CHECK(p.total >= 0 && p.total <= 10'000'000, "totalCounts %lld", static_cast<long long>(p.total));
    check(p.items);
}

void print(std::ostream& os, const token_info& v) { os << v; }
void print(std::ostream& os, const image& v) { os << v; }
void print(std::ostream& os, const host_package& v) { os << v; }
void print(std::ostream& os, const host& v) { os << v; }
void print(std::ostream& os, const disk& v) { os << v; }
template <class T>
void print(std::ostream& os, const std::vector<T>& v)
{
    for (const auto& x : v)
        print(os, x);
}
template <class T>
void print(std::ostream& os, const page<T>& p)
{
    print(os, p.items);
}

void check_failure(error_code ec, const std::string& why, bool may_reject)
{
    FINOVY_FUZZ_CHECK(ec == client_errc::bad_response || (may_reject && ec == client_errc::operation_rejected),
                      "unexpected error %s", ec.message().c_str());
    FINOVY_FUZZ_CHECK(!why.empty(), "a failure without a reason (%s)", ec.message().c_str());
}

// As the client decodes a result (detail::decode_result resets it first).
template <class T>
void run_model(const json::value& data)
{
    T out{};
    std::string why;
    if (auto ec = detail::decode_result<T>(data, &out, why))
        return check_failure(ec, why, false);
    check(out);
    std::ostringstream os;
    print(os, out);
}

void run_created(const json::value& data)
{
    std::optional<std::string> id;
    std::string why;
    if (auto ec = detail::decode_created(data, &id, why))
        return check_failure(ec, why, true);
    FINOVY_FUZZ_CHECK(!id || !id->empty(), "an empty id");
}

void run_id(const json::value& data)
{
    std::string id;
    std::string why;
    if (auto ec = detail::decode_id(data, &id, why))
        return check_failure(ec, why, false);
    FINOVY_FUZZ_CHECK(!id.empty(), "an empty id");
}

void run_ack(const json::value& data)
{
    std::string why;
    if (auto ec = detail::decode_ack(data, nullptr, why))
        return check_failure(ec, why, true);
}

void run_usage(const json::value& data)
{
    std::int64_t gb = -1;
    std::string why;
    if (auto ec = detail::decode_disk_usage(data, &gb, why))
        return check_failure(ec, why, false);
    FINOVY_FUZZ_CHECK(gb >= 0, "disk usage %lld GB", static_cast<long long>(gb));
}

using runner = void (*)(const json::value&);
constexpr std::string_view selectors = "iIpPhHdDtcnau";
constexpr runner runners[] = {run_model<image>,      run_model<std::vector<image>>,
                              run_model<host_package>, run_model<std::vector<host_package>>,
                              run_model<host>,       run_model<host_page>,
                              run_model<disk>,       run_model<disk_page>,
                              run_model<token_info>, run_created,
                              run_id,                run_ack,
                              run_usage};
static_assert(std::size(runners) == selectors.size());

}   // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    auto pos = selectors.find(static_cast<char>(data[0]));
    runner run = runners[pos != std::string_view::npos ? pos : data[0] % selectors.size()];

    boost::system::error_code ec;
    json::value doc = json::parse(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), ec);
    if (ec)
        return 0;

    envelope env;
    std::string why;
    if (auto eec = read_envelope(doc, env, why))
    {
        check_failure(eec, why, false);
        run(doc);   // a bare data document
    }
    else if (env.data)
        run(*env.data);
    return 0;
}
