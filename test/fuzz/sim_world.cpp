// SPDX-License-Identifier: BSL-1.0
// Fuzzes the simulator's request handling, world::handle (src/sim/world.hpp), with sequences of
// requests against one fresh world, authenticated by a static token so that every endpoint is
// reached, and checks its answers with the client's own decoders.
//
// Input: one request per line, "MTAtarget body":
//   M  method: G GET, P POST, U PUT, D DELETE, H HEAD; any other byte is the method itself
//   T  token: s the static token, g the last one getToken answered, n none, any other byte is
//      a wrong token
//   A  time that passes first: '0' none, '1'..'9' 10^(A-1) ms (up to 28 hours)
//   target up to the first space, the body after it. "$H" and "$D" stand for the ids of the
//   last host and disk created, so that sequences reach existing hosts and disks.
// Checked: a status that is HTTP's; a JSON body with a valid envelope (/v1 answers, status 200);
// success data that the client decodes (the simulator answers what the SDK accepts).
// FINOVY_FUZZ_TRACE=1 prints each request's route, status and code (to write seeds).
#include "check.hpp"

#include "../../src/sim/world.hpp"

#include <finovy/decode.hpp>
#include <finovy/impl/internal/request.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

namespace json = boost::json;
using finovy::sim::detail::clock;

constexpr std::string_view static_token = "fuzz-static-token";
constexpr int max_requests = 64;

std::string substitute(std::string_view s, const std::string& host_id, const std::string& disk_id)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i)
    {
        if (s[i] == '$' && i + 1 < s.size() && (s[i + 1] == 'H' || s[i + 1] == 'D'))
            out += s[++i] == 'H' ? host_id : disk_id;
        else
            out += s[i];
    }
    return out;
}

// /__sim/hosts adds up to 100,000 hosts a request, for tests of large fleets: legitimate, and
// slow enough to end a run as a timeout. The fuzzer gets 100 at a time.
bool too_many_hosts(std::string_view body)
{
    boost::system::error_code ec;
    auto v = json::parse(body, ec);
    const json::value* count = !ec && v.is_object() ? v.get_object().if_contains("count") : nullptr;
    if (!count)
        return false;
    if (count->is_string())
        return count->get_string().size() > 2;
    return count->is_number() && count->to_number<double>() > 100;
}

template <class T>
void decodes(const json::value& data, const std::string& route)
{
    T out{};
    std::string why;
    auto ec = finovy::detail::decode_result<T>(data, &out, why);
    FINOVY_FUZZ_CHECK(!ec, "the client cannot decode the answer of %s: %s", route.c_str(), why.c_str());
}

// The decoder the client uses for each route's data.
void check_data(const std::string& route, const json::value& data)
{
    std::string why;
    auto ends = [&](std::string_view tail) { return route.ends_with(tail); };
    if (route == "POST /v1/auth/getToken")
        decodes<finovy::token_info>(data, route);
    else if (route == "GET /v1/pve/open/image")
        decodes<std::vector<finovy::image>>(data, route);
    else if (ends("/v1/pve/open/packAge/{type}"))
        decodes<std::vector<finovy::host_package>>(data, route);
    else if (ends("/v1/pve/open/one/{id}"))
        decodes<finovy::host>(data, route);
    else if (route == "GET /v1/pve/open/mypage")
        decodes<finovy::host_page>(data, route);
    else if (ends("/v1/PveMachineHardDisk/open/info/{id}"))
        decodes<finovy::disk>(data, route);
    else if (route == "POST /v1/PveMachineHardDisk/open/getList")
        decodes<finovy::disk_page>(data, route);
    else if (ends("/memoryTotal/{area}"))
    {
        std::int64_t gb = 0;
        FINOVY_FUZZ_CHECK(!finovy::detail::decode_disk_usage(data, &gb, why), "%s: %s", route.c_str(), why.c_str());
    }
    else if (ends("/v1/pve/open/createquantity"))
    {
        std::optional<std::string> id;
        FINOVY_FUZZ_CHECK(!finovy::detail::decode_created(data, &id, why), "%s: %s", route.c_str(), why.c_str());
    }
    else if (ends("/v1/pve/open/createRent") || ends("/v1/PveMachineHardDisk/open/create"))
    {
        std::string id;
        FINOVY_FUZZ_CHECK(!finovy::detail::decode_id(data, &id, why), "%s: %s", route.c_str(), why.c_str());
    }
    else
        FINOVY_FUZZ_CHECK(!finovy::detail::decode_ack(data, nullptr, why), "%s: %s", route.c_str(), why.c_str());
}

}   // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const bool trace = std::getenv("FINOVY_FUZZ_TRACE") != nullptr;
    static const finovy::sim::options opts = [] {
        finovy::sim::options o;
        o.static_tokens = {std::string(static_token)};
        return o;
    }();
    clock::time_point now(std::chrono::hours(1));
    finovy::sim::detail::world w(opts, 1, now);
    std::string host_id = "NoSuchHost", disk_id = "NoSuchDisk", token = "not-issued-yet";

    std::string_view in(reinterpret_cast<const char*>(data), size);
    for (int n = 0; n < max_requests && !in.empty(); ++n)
    {
        auto eol = in.find('\n');
        std::string_view line = in.substr(0, eol);
        in.remove_prefix(eol == std::string_view::npos ? in.size() : eol + 1);
        if (line.size() < 3)
            continue;

        std::string_view method;
        switch (line[0])
        {
        case 'G': method = "GET"; break;
        case 'P': method = "POST"; break;
        case 'U': method = "PUT"; break;
        case 'D': method = "DELETE"; break;
        case 'H': method = "HEAD"; break;
        default: method = line.substr(0, 1);
        }
        std::string_view tok;
        switch (line[1])
        {
        case 's': tok = static_token; break;
        case 'g': tok = token; break;
        case 'n': break;
        default: tok = line.substr(1, 1);
        }
        if (line[2] >= '1' && line[2] <= '9')
        {
            std::int64_t ms = 1;
            for (char c = '1'; c < line[2]; ++c)
                ms *= 10;
            now += std::chrono::milliseconds(ms);
        }
        std::string_view rest = line.substr(3);
        auto space = rest.find(' ');
        std::string target = substitute(rest.substr(0, space), host_id, disk_id);
        std::string body = space == std::string_view::npos ? std::string() : substitute(rest.substr(space + 1), host_id, disk_id);

        if (target.starts_with("/__sim/hosts") && too_many_hosts(body))
            continue;
        auto a = w.handle(method, target, body, tok, now);
        if (trace)   // to see what a seed reaches; bodies are not printed (they hold tokens)
            std::fprintf(stderr, "%s -> %u %.40s\n", a.route.c_str(), a.status,
                         a.body.substr(0, a.body.find(",\"data\"")).c_str());

        FINOVY_FUZZ_CHECK(a.status >= 200 && a.status <= 599, "HTTP status %u", a.status);
        if (!target.starts_with("/v1/") || a.status != 200)
            continue;   // /__sim administration, 404s, 429s: not the API's envelope
        boost::system::error_code ec;
        json::value doc = json::parse(a.body, ec);
        FINOVY_FUZZ_CHECK(!ec, "%s: the body is not JSON", a.route.c_str());
        finovy::envelope env;
        std::string why;
        FINOVY_FUZZ_CHECK(!finovy::read_envelope(doc, env, why), "%s: %s", a.route.c_str(), why.c_str());
        if (env.code != 0)
            continue;
        FINOVY_FUZZ_CHECK(env.data, "%s: success without data", a.route.c_str());
        check_data(a.route, *env.data);

        // Remember what later requests may name.
        if (a.route == "POST /v1/auth/getToken")
            token = env.data->at("token").as_string();
        else if (a.route == "GET /v1/pve/open/mypage" || a.route == "POST /v1/PveMachineHardDisk/open/getList")
        {
            // The last of the page: hosts from createquantity, which may not answer their id.
            const auto& items = env.data->at("data").as_array();
            if (!items.empty())
                (a.route.ends_with("mypage") ? host_id : disk_id) = items.back().at("id").as_string();
        }
        else if (env.data->is_string() && a.route.find("HardDisk") != std::string::npos)
            disk_id = env.data->get_string();
        else if (env.data->is_string())
            host_id = env.data->get_string();
    }
    return 0;
}
