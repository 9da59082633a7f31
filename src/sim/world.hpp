// SPDX-License-Identifier: BSL-1.0
// The simulator's state and the API's rules: tenants, tokens, hosts, disks, billing.
// Pure logic, single-threaded, no sockets: the server feeds it requests and the current time.
#ifndef FINOVY_SIM_WORLD_HPP
#define FINOVY_SIM_WORLD_HPP

#include "limits.hpp"

#include <finovy/sim/options.hpp>

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace finovy::sim::detail {

namespace json = boost::json;

struct image_def
{
    std::string id, type, name, version;
};

struct package_def
{
    std::string id, name, gpu_name, type;
    int gpu_number = 0, memory = 0, disk = 0, cpu = 0, bandwidth = 0;
    double amount = 0;       // price per hour
    double discount = 1;     // multiplier
    int machine_use = 0, area = 0, use_type = 2;
    int capacity = -1;       // hosts of this package that may exist at once (-1: unlimited); 6002 past it
};

struct catalog
{
    std::vector<image_def> images;
    std::vector<package_def> packages;
    const image_def* find_image(std::string_view id) const;
    const package_def* find_package(std::string_view id) const;
};

catalog parse_catalog(std::string_view text);   // throws std::invalid_argument

struct host_rec;
struct disk_rec;

struct tenant_state
{
    tenant cfg;
    double rate_per_hour = 0;          // what running pay-as-you-go hosts and disks cost
    std::int64_t settled_ms = 0;       // simulated time the balance was last brought up to date
    std::vector<host_rec*> hosts;      // in creation order
    std::vector<disk_rec*> disks;      // in creation order
    std::uint64_t requests = 0;
    rate_window limit;                 // shared by every token of the account
};

struct host_rec
{
    std::string id;
    tenant_state* owner = nullptr;
    const package_def* pkg = nullptr;
    const image_def* img = nullptr;
    int use_type = 0;                  // 0 pay-as-you-go, 1 fixed period
    int status = 0;                    // 0 off, 1 booting, 2 running, 4 shutting down, 5 expired
    int next_status = 0;               // where a transitional status goes
    clock::time_point transition_at{};
    bool ever_started = false;
    bool billed = false;               // counted in owner->rate_per_hour
    std::int64_t create_ms = 0;
    std::int64_t visible_ms = 0;       // listings and one/{id} show it from then (faults.listing_lag)
    std::optional<std::int64_t> expire_ms;
    std::string account, password, address, mac;
    int port = 0;
};

struct disk_rec
{
    std::string id;
    tenant_state* owner = nullptr;
    std::string host_id;               // the host it is (or was last) mounted on
    int area = 0, memory = 0;
    int status = 0;                    // 0 waiting, 1 mounting, 2 in use, 3 suspended, 4 destroying
    int next_status = 0;               // -1: gone once the transition ends
    clock::time_point transition_at{};
    bool was_mounted = false;
    std::int64_t create_ms = 0;
};

// What the HTTP layer sends back.
struct answer
{
    unsigned status = 200;
    std::string body;
    std::string route;                 // "GET /v1/pve/open/one/{id}", for stats and logs
    std::string tenant;                // uuid, when authenticated
    bool faultable = true;             // false for /__sim
    bool scripted = false;             // a scripted fault's answer: no random fault on top
    bool reset = false;                // reset the connection instead of answering
    std::optional<unsigned> retry_after;
    std::string date;                  // the Date header: the simulated clock, as HTTP servers send it
};

// An nginx-like error page, what gateways answer.
std::string html_error(unsigned status);

// Scripted faults as JSON (the "script" of /__sim/faults); parse_script throws std::invalid_argument.
json::array script_json(const std::vector<scripted_fault>& script);
std::vector<scripted_fault> parse_script(const json::value& v);

class world
{
public:
    world(const options& opts, std::uint64_t seed, clock::time_point now);

    // Serves one request. `token` is the Finovy-Access-Token header (empty when absent).
    answer handle(std::string_view method, std::string_view target, std::string_view body,
                  std::string_view token, clock::time_point now);

    // Faults and stats are read by the HTTP layer.
    fault_options faults;
    std::mt19937_64 rng;
    bool should_fault(std::string_view path) const;
    bool chance(double p);
    // Whether a scripted fault will answer this request (handle() consumes it).
    bool scripted(std::string_view method, std::string_view path) const;

    // Counters the HTTP layer updates.
    std::uint64_t connections_accepted = 0, connections_open = 0;
    std::uint64_t handshakes_full = 0, handshakes_resumed = 0, handshakes_failed = 0;
    std::map<std::string, std::uint64_t> injected;   // fault name -> count

    json::object stats(clock::time_point now);
    void reset_stats();
    void reset_state(clock::time_point now);
    // Simulated time runs ahead of the real one by at most a century: every date the simulator
    // answers stays within what clients accept (the SDK's decoders: up to the year 2200), and
    // sim_ms() far from overflowing.
    static constexpr std::int64_t max_offset_ms = 100 * 8766 * 3'600'000LL;
    // Moves simulated time forward; throws std::invalid_argument (nothing changed) for a negative
    // step or one past max_offset_ms in all.
    void advance(std::chrono::milliseconds simulated);
    void upsert_tenant(const tenant& t, clock::time_point now);
    std::vector<std::string> add_hosts(const std::string& uuid, std::size_t count, const std::string& package_id,
                                       const std::string& image_id, int status, clock::time_point now);
    const tenant& first_tenant() const { return tenants_.front()->cfg; }
    void set_create_answers(create_answer a) { opts_.create_answers = a; }
    // Every host of tenant `uuid`, lag or not, oldest first (tests' ground truth).
    std::vector<host_record> hosts_of(const std::string& uuid);

private:
    struct token_rec
    {
        tenant_state* owner;
        clock::time_point expires;     // max(): never
    };
    struct api_error
    {
        int code;
        std::string msg;
    };

    std::int64_t sim_ms(clock::time_point now) const;
    tenant_state* find_tenant(std::string_view uuid);
    void settle(tenant_state& t, std::int64_t now_ms);
    double balance(tenant_state& t, std::int64_t now_ms);
    void advance_host(host_rec& h, clock::time_point now, std::int64_t now_ms);
    int visible_status(host_rec& h, std::int64_t now_ms);
    bool listed(const host_rec& h, std::int64_t now_ms) const { return h.visible_ms <= now_ms; }
    bool advance_disk(disk_rec& d, clock::time_point now, std::int64_t now_ms);   // false: the disk is gone
    void purge_disks(tenant_state& t, clock::time_point now, std::int64_t now_ms);
    host_rec* find_host(tenant_state& t, std::string_view id, clock::time_point now);
    disk_rec* find_disk(tenant_state& t, std::string_view id, clock::time_point now);
    int disks_on(const host_rec& h) const;
    void start_billing(host_rec& h, std::int64_t now_ms);
    void stop_billing(host_rec& h, std::int64_t now_ms);
    void erase_host(host_rec& h, clock::time_point now, std::int64_t now_ms);
    std::string new_id(std::string_view prefix);
    std::string random_text(std::size_t n);
    host_rec& create_host(tenant_state& t, const package_def& p, const image_def& i, int use_type,
                          std::optional<std::int64_t> expire_ms, std::int64_t now_ms);

    json::object host_json(host_rec& h, std::int64_t now_ms);
    json::object disk_json(disk_rec& d, std::int64_t now_ms);
    answer reply(const json::value& data, bool success_field = true);
    answer fail(int code, std::string msg);
    // nullopt: admitted; otherwise how long until the account's limit admits a request.
    std::optional<clock::duration> rate_limited(tenant_state& t, clock::time_point now);
    json::object rate_limit_stats() const;
    std::vector<scripted_fault>::iterator find_script(std::string_view method, std::string_view path);
    answer scripted_answer(const scripted_fault& f, answer real);

    answer handle_request(std::string_view method, std::string_view target, std::string_view body,
                          std::string_view token, clock::time_point now);
    // Serves a /v1 request; `limit`: subject to the rate limit.
    answer route(std::string_view method, std::string_view path, std::string_view query, std::string_view body,
                 std::string_view token, clock::time_point now, bool limit);

    answer get_token(std::string_view body, clock::time_point now);
    answer list_images();
    answer list_packages(std::string_view type);
    // What both creates check after their own parameters, in the documents' order: nullopt when
    // the host may be made. refused_use_type: the package billing kind this create cannot use.
    std::optional<answer> refuse_create(const tenant_state& t, const package_def* p, const image_def* i,
                                        int refused_use_type, const char* refused_msg);
    answer create_quantity(tenant_state& t, std::string_view body, clock::time_point now);
    answer create_rent(tenant_state& t, std::string_view body, clock::time_point now);
    answer operate(tenant_state& t, std::string_view id, std::string_view query, clock::time_point now);
    answer reboot(tenant_state& t, std::string_view id, clock::time_point now);
    answer get_host(tenant_state& t, std::string_view id, clock::time_point now);
    answer list_hosts(tenant_state& t, std::string_view query, clock::time_point now);
    answer delete_host(tenant_state& t, std::string_view id, clock::time_point now);
    answer create_disk(tenant_state& t, std::string_view body, clock::time_point now);
    answer mount_disk(tenant_state& t, std::string_view body, clock::time_point now);
    answer list_disks(tenant_state& t, std::string_view body, clock::time_point now);
    answer get_disk(tenant_state& t, std::string_view id, clock::time_point now);
    answer update_disk(tenant_state& t, std::string_view body, clock::time_point now);
    answer disk_total(tenant_state& t, std::string_view area, clock::time_point now);
    json::object config_json() const;
    answer admin(std::string_view method, std::string_view path, std::string_view query, std::string_view body,
                 clock::time_point now);

    options opts_;
    catalog catalog_;
    std::vector<std::unique_ptr<tenant_state>> tenants_;
    std::unordered_map<std::string, token_rec> tokens_;
    std::unordered_map<std::string, std::unique_ptr<host_rec>> hosts_;
    std::unordered_map<std::string, std::unique_ptr<disk_rec>> disks_;
    std::unordered_map<const package_def*, int> package_use_;
    clock::time_point start_;
    std::int64_t epoch_ms_ = 0;        // wall clock at start
    std::int64_t offset_ms_ = 0;       // advance()d simulated time
    std::map<std::string, std::uint64_t> requests_by_route_;
    std::map<std::string, rate_limit_counts> limit_counts_;   // by tenant uuid
    std::uint64_t tokens_issued_ = 0;
    std::uint64_t trace_seq_ = 0;
    int next_port_ = 50000;
};

}   // namespace finovy::sim::detail

#endif
