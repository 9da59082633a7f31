// SPDX-License-Identifier: BSL-1.0
/// \file
/// finovy-sim, a stateful simulator of the Finovy host-rental API: its options (tenants, timings
/// and injected faults). server.hpp starts it in-process.
#ifndef FINOVY_SIM_OPTIONS_HPP
#define FINOVY_SIM_OPTIONS_HPP

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace finovy::sim {

/// An account of the simulated service.
struct tenant
{
    std::string uuid;            ///< the account's uuid (getToken's)
    std::string secret;          ///< its app secret
    double balance = 100000.0;   ///< wallet, in yuan
    bool real_name = true;       ///< false: creating hosts and disks answers 1037
};

/// How a rate-limited request is answered.
enum class rate_limit_answer
{
    api_code,   ///< HTTP 200 with {"code":220025}
    http_429,   ///< HTTP 429 Too Many Requests, no envelope, Retry-After: whole seconds until admitted
};

/// How the rate limit counts. Both are per tenant account: every token of an account shares it,
/// as several processes sharing one account see it.
enum class rate_limiter
{
    /// At most rps requests in any sliding window of one second (for a fractional rps:
    /// n = max(1, floor(rps)) requests in any n / rps seconds). Only admitted requests count.
    sliding_window,
    /// A token bucket of capacity max(1, rps) refilled at rps per second: bursts of up to
    /// rps, then a steady rps, so up to about 2 x rps in one second.
    token_bucket,
};

/// \brief A scripted fault: "the next `count` requests to `path` answer this".
/// \details Entries are consumed in order: a request takes the first entry that matches it and
/// decrements its count; an entry whose count reaches 0 is removed. Scripts apply to /v1 paths
/// only, whatever fault_options::paths says; a scripted request is neither rate limited nor given a
/// random fault. Exactly one answer: `code` (with or without `http_status`), `http_status` alone,
/// or `reset`.
struct scripted_fault
{
    std::string path;          ///< matches requests whose path contains this (like fault_options::paths)
    std::string method;        ///< "GET", "POST", ... (any case); empty: any method
    unsigned count = 1;        ///< how many matching requests this entry answers
    int code = 0;              ///< an API code in an envelope: HTTP 200, or the matching status with
                               ///< error_http_status, or `http_status` when also given
    unsigned http_status = 0;  ///< without `code`: this status with an HTML body, like the 502/503 fault
    unsigned retry_after = 0;  ///< seconds; when not 0, sent as Retry-After
    bool process = false;      ///< true: the request is carried out first, then the scripted answer
                               ///< replaces the real one (a server that acted but answered an error);
                               ///< false: it is not carried out
    bool reset = false;        ///< instead of an answer, reset the connection (RST)
};

/// \brief Faults injected into the answers of /v1 endpoints (never into /__sim).
/// \details Rates are probabilities in [0, 1], drawn per request from the seeded generator.
struct fault_options
{
    std::chrono::milliseconds latency{0};          ///< added before each request is processed
    std::chrono::milliseconds latency_jitter{0};   ///< plus a uniform random part in [0, jitter]
    double http_error_rate = 0;                    ///< 502/503 with an HTML body; not processed
    double malformed_rate = 0;                     ///< processed; the body is not JSON
    double truncated_rate = 0;                     ///< processed; the JSON is cut short (framing intact)
    unsigned close_every = 0;                      ///< close the connection after every N-th answer, silently
    double reset_mid_response_rate = 0;            ///< processed; half the answer is sent, then RST
    double reset_before_response_rate = 0;         ///< processed; RST instead of an answer
    double rate_limit_rps = 0;                     ///< per tenant account; 0 disables the limit
    rate_limit_answer rate_limit_mode = rate_limit_answer::api_code;     ///< 220025 or HTTP 429
    rate_limiter rate_limit_algorithm = rate_limiter::sliding_window;    ///< how requests are counted
    double pending_rate = 0;                       ///< creates answer 6005 "creation pending"
    /// A new host shows in `mypage` and `one/{id}` only this long after it was made (simulated
    /// time), as a listing served from a lagging replica would: plus a uniform part in [0, jitter].
    std::chrono::milliseconds listing_lag{0};
    std::chrono::milliseconds listing_lag_jitter{0};   ///< see listing_lag
    bool error_http_status = false;                ///< API errors carry a matching 4xx/5xx status
    std::vector<std::string> paths;                ///< only requests whose path contains one of these; empty: all
    std::vector<scripted_fault> script;            ///< scripted answers, consumed in order (see scripted_fault)
};

/// What a successful createquantity answers: the documents disagree.
enum class create_answer
{
    true_value,   ///< data true, and no host id (the seed documents)
    host_id,      ///< data the new host's id (the newer upstream/host-3.createquantity.md)
};

/// The simulator's settings (server's constructor, and finovy-sim's flags).
struct options
{
    std::string address = "127.0.0.1";             ///< the address to listen on
    unsigned short port = 0;                       ///< 0 picks a free port
    bool plain = false;                            ///< serve HTTP instead of HTTPS (debugging only)
    std::string cert_dir;                          ///< ca.pem is written here, or read if present; empty: a temporary directory
    std::vector<std::string> cert_names = {"127.0.0.1", "localhost"};   ///< the names the server certificate is for
    std::vector<std::string> static_tokens;        ///< tokens that never expire, for the first tenant
    std::vector<tenant> tenants;                   ///< empty: the built-in tenants (see default_tenants())
    std::string catalog_json;                      ///< empty: the built-in catalog (see default_catalog_json())

    std::chrono::milliseconds token_ttl = std::chrono::minutes(30);   ///< the lifetime of the tokens getToken issues
    std::chrono::milliseconds boot_time{1500};     ///< power on: 0 -> 1 -> 2
    std::chrono::milliseconds shutdown_time{1000}; ///< power off: 2 -> 4 -> 0
    std::chrono::milliseconds reboot_time{1500};   ///< reboot: 2 -> 1 -> 2
    std::chrono::milliseconds disk_time{500};      ///< mount, unmount and destroy of a disk
    double time_scale = 1.0;                       ///< simulated seconds per real second (billing, periods)
    create_answer create_answers = create_answer::true_value;   ///< changeable at run time: /__sim/config

    fault_options faults;                          ///< the faults at start (changeable at run time)
    std::uint64_t seed = 0;                        ///< 0: seeded from the clock
    bool log_requests = false;                     ///< one line per request on stderr (never a token)
};

/// A host as the simulator knows it, whatever the listing's lag (server::hosts(), `GET /__sim/hosts`).
struct host_record
{
    std::string id;                ///< its id
    std::string package_id;        ///< the package it was made from
    std::string image_id;          ///< its image
    std::int64_t created_ms = 0;   ///< createTime: simulated milliseconds since 1970
    std::int64_t visible_ms = 0;   ///< mypage and one/{id} show it from then
    int status = 0;                ///< its status now
    int use_type = 0;              ///< 0 pay-as-you-go, 1 fixed period
};

/// The tenants the simulator starts with when options::tenants is empty:
/// the demo tenant first, a second verified tenant, an unverified one and a poor one.
std::vector<tenant> default_tenants();

/// The built-in catalog of images and packages, as JSON text (the format --catalog reads).
const char* default_catalog_json();

/// \brief fault_options as JSON, the format of /__sim/faults.
/// \details A "script" key holds the script: an array of objects with the keys of scripted_fault
/// ("path" required; "method", "count", "code", "http_status", "retry_after", "process", "reset"
/// optional).
boost::json::object to_json(const fault_options& f);
/// \brief Applies the JSON `changes` (the format of to_json()) to `f`. Unknown keys are errors; a
/// "script" key replaces the whole script.
/// \throws std::invalid_argument
void merge_faults(fault_options& f, const boost::json::object& changes);

/// Throws std::invalid_argument unless `f` names exactly one answer and a count of at least 1.
void validate(const scripted_fault& f);

}   // namespace finovy::sim

#endif
