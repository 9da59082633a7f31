// SPDX-License-Identifier: BSL-1.0
// finovy-sim: the Finovy host-rental API, simulated on loopback over HTTPS.
#include <finovy/sim/server.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

namespace po = boost::program_options;
using namespace finovy::sim;

namespace {

const char* const about = R"(finovy-sim: a stateful simulator of the Finovy (渲大师) host-rental open API.

It serves every documented endpoint (v1/auth/getToken, the nine host endpoints and the six
cloud-disk endpoints) over HTTPS with keep-alive, with the documents' JSON shapes and quirks.
Its first line on stdout is "finovy-sim listening on https://127.0.0.1:PORT", followed by the
CA file clients must trust and the demo credentials. It stops cleanly on SIGINT or SIGTERM.

Host statuses: 0 off, 1 booting (also while rebooting), 2 running, 4 shutting down, 5 expired
(a fixed-period host whose period has ended). Status 3 (扣费中, "billing") means, in this
simulator, a running pay-as-you-go host whose tenant's wallet has gone below zero: it keeps
running and billing until it is powered off or the wallet is topped up.
Billing: pay-as-you-go hosts cost their package's amount x discount per simulated hour from
power-on to power-off, prorated; disks cost 0.001 per GB-hour; createRent charges
amount x discount x hours of the period at once. --time-scale makes simulated hours pass faster.

Built-in tenants (unless --tenants): A27550582 (the demo tenant), B94230045, U00000001 (no
real-name verification: creates answer 1037) and P00000001 (a wallet of 0.5).

createquantity answers data true and no host id (the seed documents), or with --create-answers id
the new host's id (the newer upstream page); GET|PUT /__sim/config {"create_answers":"true"|"id"}
changes it at run time.

Rate limit (--rate-limit-rps): per tenant account, every token of an account sharing it. The
default algorithm is a sliding window: at most rps requests in any one second (for a fractional
rps, n = max(1, floor(rps)) in any n/rps seconds); "bucket" is a token bucket of capacity rps.
Throttled requests answer 220025, or 429 with Retry-After: the whole seconds until the limit
admits again. /__sim/stats reports it: "rate_limit": {"rps", "algorithm", "mode", "admitted",
"throttled", "by_tenant": {uuid: {"admitted", "throttled"}}}.

Scripted faults: "the next N requests to path P answer X", set through /__sim/faults:
  {"script": [{"path": "createquantity", "method": "POST", "count": 2, "code": 1005, "process": true}]}
Keys: path (required; matches /v1 paths containing it), method (default any), count (default 1),
and exactly one answer: code (an API code in an envelope; with http_status, under that status),
http_status alone (that status with an HTML body, like the 502/503 fault) or reset: true (the
connection is reset instead). process: true carries the request out first, then answers the
script (a server that acted but answered an error); false (default) does not carry it out.
retry_after: N adds a Retry-After header. A request takes the first entry that matches it and
decrements its count; entries are removed at 0. Scripted requests are neither rate limited nor
given random faults. "script" replaces the whole script; GET /__sim/faults shows what is left;
POST /__sim/reset {"faults":true} clears it.

Administration (no token, never faulted): GET /__sim/health, GET /__sim/stats,
GET|PUT /__sim/faults (JSON with the fault option names below, in snake_case, e.g.
{"latency_ms":200,"close_every":3,"paths":["createRent"],"rate_limit_algorithm":"bucket"}),
POST /__sim/reset ({"state":true,"stats":true,"faults":false}), POST /__sim/time {"advance_ms":N},
GET|PUT /__sim/config {"create_answers":"true"|"id"},
POST /__sim/tenants {"uuid","secret","balance","realName"},
POST /__sim/hosts {"uuid","count","packageId","imageId","status":0|2}.

Options)";

std::string read_file(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<tenant> parse_tenants(const std::string& text)
{
    auto v = boost::json::parse(text);
    std::vector<tenant> out;
    for (const auto& e : v.as_array())
    {
        const auto& o = e.as_object();
        tenant t;
        t.uuid = o.at("uuid").as_string();
        t.secret = o.at("secret").as_string();
        if (auto* b = o.if_contains("balance"))
            t.balance = b->to_number<double>();
        if (auto* r = o.if_contains("realName"))
            t.real_name = r->as_bool();
        out.push_back(std::move(t));
    }
    if (out.empty())
        throw std::runtime_error("--tenants: the file lists no tenant");
    return out;
}

}   // namespace

int main(int argc, char** argv)
{
    options o;
    long token_ttl = 0, boot = 0, shutdown = 0, reboot = 0, disk = 0, latency = 0, jitter = 0, lag = 0, lag_jitter = 0;
    std::string tenants_file, catalog_file, rate_mode = "code", rate_algorithm = "sliding", create_answers = "true";
    std::vector<std::string> names;

    po::options_description desc(about);
    // clang-format off
    desc.add_options()
        ("help,h", "print this help and exit")
        ("address", po::value(&o.address)->default_value("127.0.0.1"), "address to listen on")
        ("port", po::value(&o.port)->default_value(8443), "port to listen on; 0 picks a free port")
        ("plain", po::bool_switch(&o.plain), "serve plain HTTP instead of HTTPS (debugging only: tokens travel in clear)")
        ("cert-dir", po::value(&o.cert_dir)->default_value("finovy-sim-certs"),
            "directory of ca.pem (clients trust it), ca-key.pem, server.pem and server-key.pem; "
            "they are created when absent, read when present")
        ("cert-name", po::value(&names)->composing(),
            "a name (DNS or IP) of the server certificate; repeatable; default 127.0.0.1 and localhost")
        ("static-token", po::value(&o.static_tokens)->composing(),
            "a token that never expires, for the first tenant; repeatable")
        ("tenants", po::value(&tenants_file),
            "JSON file: an array of {\"uuid\",\"secret\",\"balance\",\"realName\"}; the first is the demo tenant")
        ("catalog", po::value(&catalog_file),
            "JSON file: {\"images\":[...],\"packages\":[...]} in the API's shapes; a package may add \"capacity\" "
            "(hosts of it that may exist at once, past which creates answer 6002)")
        ("token-ttl-ms", po::value(&token_ttl)->default_value(1800000), "lifetime of tokens from getToken (effectiveTime)")
        ("boot-ms", po::value(&boot)->default_value(1500), "power on: 0 -> 1 for this long -> 2 (real milliseconds)")
        ("shutdown-ms", po::value(&shutdown)->default_value(1000), "power off: 2 -> 4 for this long -> 0")
        ("reboot-ms", po::value(&reboot)->default_value(1500), "reboot: 2 -> 1 for this long -> 2")
        ("disk-ms", po::value(&disk)->default_value(500), "disk mount (0 -> 1 -> 2), unmount (2 -> 0) and destroy (0 -> 4 -> gone)")
        ("time-scale", po::value(&o.time_scale)->default_value(1.0),
            "simulated seconds per real second, for billing and fixed periods (3600: an hour a second)")
        ("pending-rate", po::value(&o.faults.pending_rate)->default_value(0.0), "probability that a create answers 6005 (creation pending)")
        ("latency-ms", po::value(&latency)->default_value(0), "fault: delay before each request is processed")
        ("latency-jitter-ms", po::value(&jitter)->default_value(0), "fault: plus a uniform random delay up to this")
        ("listing-lag-ms", po::value(&lag)->default_value(0), "a new host shows in mypage and one/{id} only this long after it was made")
        ("listing-lag-jitter-ms", po::value(&lag_jitter)->default_value(0), "plus a uniform random part up to this")
        ("http-error-rate", po::value(&o.faults.http_error_rate)->default_value(0.0),
            "fault: fraction answered 502 or 503 with an HTML body, unprocessed")
        ("malformed-rate", po::value(&o.faults.malformed_rate)->default_value(0.0),
            "fault: fraction processed but answered with a body that is not JSON")
        ("truncated-rate", po::value(&o.faults.truncated_rate)->default_value(0.0),
            "fault: fraction processed but answered with JSON cut in half (valid HTTP framing)")
        ("close-every", po::value(&o.faults.close_every)->default_value(0),
            "fault: close each connection silently after every N-th answer (no Connection: close)")
        ("reset-mid-response-rate", po::value(&o.faults.reset_mid_response_rate)->default_value(0.0),
            "fault: fraction processed, half answered, then reset (RST)")
        ("reset-before-response-rate", po::value(&o.faults.reset_before_response_rate)->default_value(0.0),
            "fault: fraction processed, then reset without an answer")
        ("create-answers", po::value(&create_answers)->default_value("true"),
            "what createquantity answers: true (data true, no host id: the seed documents) or id (the new host's id)")
        ("rate-limit-rps", po::value(&o.faults.rate_limit_rps)->default_value(0.0),
            "fault: requests per second allowed per tenant account; 0: no limit")
        ("rate-limit-algorithm", po::value(&rate_algorithm)->default_value("sliding"),
            "how the limit counts: sliding (at most rps in any one-second window) or bucket (token bucket, bursts of rps)")
        ("rate-limit-mode", po::value(&rate_mode)->default_value("code"),
            "how the limit answers: code (HTTP 200, code 220025) or http (HTTP 429, Retry-After)")
        ("fault-path", po::value(&o.faults.paths)->composing(),
            "faults apply only to paths containing this; repeatable; default: every /v1 path")
        ("error-http-status", po::bool_switch(&o.faults.error_http_status),
            "API errors carry a matching HTTP status (401, 403, 404, 409, 429, 500...) instead of 200")
        ("seed", po::value(&o.seed)->default_value(0), "seed of every random choice (ids, faults); 0: random")
        ("log-requests", po::bool_switch(&o.log_requests), "log a line per request on stderr (never a token)");
    // clang-format on

    try
    {
        po::variables_map vm;
        po::store(po::parse_command_line(argc, argv, desc), vm);
        if (vm.count("help"))
        {
            std::cout << desc << '\n';
            return 0;
        }
        po::notify(vm);
        if (rate_mode != "code" && rate_mode != "http")
            throw std::runtime_error("--rate-limit-mode must be code or http");
        o.faults.rate_limit_mode = rate_mode == "http" ? rate_limit_answer::http_429 : rate_limit_answer::api_code;
        if (rate_algorithm != "sliding" && rate_algorithm != "bucket")
            throw std::runtime_error("--rate-limit-algorithm must be sliding or bucket");
        o.faults.rate_limit_algorithm =
            rate_algorithm == "bucket" ? rate_limiter::token_bucket : rate_limiter::sliding_window;
        if (create_answers != "true" && create_answers != "id")
            throw std::runtime_error("--create-answers must be id or true");
        o.create_answers = create_answers == "id" ? create_answer::host_id : create_answer::true_value;
        o.token_ttl = std::chrono::milliseconds(token_ttl);
        o.boot_time = std::chrono::milliseconds(boot);
        o.shutdown_time = std::chrono::milliseconds(shutdown);
        o.reboot_time = std::chrono::milliseconds(reboot);
        o.disk_time = std::chrono::milliseconds(disk);
        o.faults.latency = std::chrono::milliseconds(latency);
        o.faults.latency_jitter = std::chrono::milliseconds(jitter);
        o.faults.listing_lag = std::chrono::milliseconds(lag);
        o.faults.listing_lag_jitter = std::chrono::milliseconds(lag_jitter);
        if (!names.empty())
            o.cert_names = names;
        if (!tenants_file.empty())
            o.tenants = parse_tenants(read_file(tenants_file));
        if (!catalog_file.empty())
            o.catalog_json = read_file(catalog_file);
        if (o.time_scale <= 0 || token_ttl <= 0 || boot < 0 || shutdown < 0 || reboot < 0 || disk < 0)
            throw std::runtime_error("durations and --time-scale must be positive");
        for (double r : {o.faults.http_error_rate, o.faults.malformed_rate, o.faults.truncated_rate,
                         o.faults.reset_mid_response_rate, o.faults.reset_before_response_rate, o.faults.pending_rate})
            if (r < 0 || r > 1)
                throw std::runtime_error("rates must be in [0, 1]");
    }
    catch (const std::exception& e)
    {
        std::cerr << "finovy-sim: " << e.what() << "\n(see finovy-sim --help)\n";
        return 2;
    }

    try
    {
        // Signals first: a script may send SIGTERM as soon as it reads the first line.
        boost::asio::io_context ioc;
        boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
        signals.async_wait([](auto, int) {});
        server sim(o);
        sim.start();
        const auto& t = sim.first_tenant();
        std::cout << "finovy-sim listening on " << sim.url() << '\n';
        if (!o.plain)
            std::cout << "ca-file: " << sim.ca_file() << '\n';
        std::cout << "demo-uuid: " << t.uuid << '\n' << "demo-secret: " << t.secret << '\n';
        for (const auto& tok : o.static_tokens)
            std::cout << "static-token: " << tok << '\n';
        std::cout << "stats: " << sim.url() << "/__sim/stats" << std::endl;
        ioc.run();
        sim.stop();
        std::cerr << "finovy-sim: stopped\n";
    }
    catch (const std::exception& e)
    {
        std::cerr << "finovy-sim: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
