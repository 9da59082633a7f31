// SPDX-License-Identifier: BSL-1.0
/// \file
/// finovy::sim::server: the simulator of the Finovy host-rental API, started in-process (CMake
/// target `finovy::sim`).
#ifndef FINOVY_SIM_SERVER_HPP
#define FINOVY_SIM_SERVER_HPP

#include <finovy/sim/options.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace finovy::sim {

/**
 * \brief A stateful simulator of the Finovy host-rental API over HTTPS, for tests.
 * \details The server runs on its own thread with its own `io_context`, so a test can start it
 * in-process and drive it with any client (link the CMake target `finovy::sim`).
 *
 * \code
 * finovy::sim::server sim{{.static_tokens = {"test-token"}, .boot_time = 100ms}};
 * sim.start();                       // binds 127.0.0.1 on a free port
 * finovy::client_options o{.endpoint = sim.url(), .access_token = "test-token", .ca_file = sim.ca_file()};
 * \endcode
 *
 * \par Thread safety
 * Every public member function is thread-safe.
 */
class server
{
public:
    /// A server with these options; nothing runs before start().
    explicit server(options opts = {});
    /// Stops the server (stop()).
    ~server();   // stops the server
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    /// \brief Creates or loads the certificates, binds and starts serving on a thread of its own.
    /// \throws std::runtime_error or boost::system::system_error on failure.
    void start();

    /// Stops accepting, closes every connection and joins the thread. Idempotent.
    void stop();

    unsigned short port() const;   ///< the port it listens on (after start())
    std::string url() const;       ///< https://127.0.0.1:PORT (http:// with options::plain)
    std::string ca_file() const;   ///< the CA certificate clients must trust (empty with plain)
    std::string cert_dir() const;  ///< where the certificates are
    const tenant& first_tenant() const;   ///< the first tenant: the one static_tokens belong to

    // Administration, the same as the /__sim endpoints.

    boost::json::object stats();                                ///< what `GET /__sim/stats` answers: requests (by route, by tenant), connections, TLS, tenants, rate limit
    void reset_stats();                                         ///< zeroes the counters (`POST /__sim/reset`)
    void reset_state();                                         ///< forgets hosts, disks, tokens, wallets (`POST /__sim/reset`)
    fault_options faults();                                     ///< the faults in force, with what is left of the script
    void set_faults(const fault_options& f);                    ///< replaces the faults, the script too (`PUT /__sim/faults` merges changes instead)
    /// \brief Appends a scripted fault: the next `f.count` requests whose path contains `f.path` (and
    /// whose method is `f.method`, when given) get its answer.
    /// \details For example, a server that acts on a create but answers "request in progress", twice:
    /// \code
    /// finovy::sim::server sim;
    /// sim.start();
    /// sim.script({.path = "createquantity", .method = "POST", .count = 2, .code = 1005, .process = true});
    /// \endcode
    /// \throws std::invalid_argument unless `f` names exactly one answer (see scripted_fault).
    void script(const scripted_fault& f);
    void advance_time(std::chrono::milliseconds simulated);      ///< moves the simulated clock forward (`POST /__sim/time`)
    void upsert_tenant(const tenant& t);                         ///< adds or changes a tenant (`POST /__sim/tenants`)
    void set_create_answers(create_answer a);                    ///< what createquantity answers from now on (`PUT /__sim/config`)
    /// Creates hosts directly (no billing, no faults) with `status`; returns their ids (`POST /__sim/hosts`).
    std::vector<std::string> add_hosts(const std::string& uuid, std::size_t count,
                                       const std::string& package_id, const std::string& image_id,
                                       int status = 0);

    /// Every host of tenant `uuid`, oldest first, including those the listing's lag still hides
    /// (`GET /__sim/hosts?uuid=`): a test's ground truth.
    std::vector<host_record> hosts(const std::string& uuid);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}   // namespace finovy::sim

#endif
