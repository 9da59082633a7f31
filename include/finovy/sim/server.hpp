// finovy-sim: a stateful simulator of the Finovy host-rental API over HTTPS.
//
// The server runs on its own thread with its own io_context, so a test can start it in-process
// and drive it with any client. Every public member function is thread-safe.
//
//     finovy::sim::server sim{{.boot_time = 100ms}};
//     sim.start();                       // binds 127.0.0.1 on a free port
//     client_options o{.endpoint = sim.url(), .ca_file = sim.ca_file(), .access_token = ...};
#ifndef FINOVY_SIM_SERVER_HPP
#define FINOVY_SIM_SERVER_HPP

#include <finovy/sim/options.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace finovy::sim {

class server
{
public:
    explicit server(options opts = {});
    ~server();   // stops the server
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Creates or loads the certificates, binds and starts serving on a thread of its own.
    // Throws std::runtime_error or boost::system::system_error on failure.
    void start();

    // Stops accepting, closes every connection and joins the thread. Idempotent.
    void stop();

    unsigned short port() const;
    std::string url() const;       // https://127.0.0.1:PORT (http:// with options::plain)
    std::string ca_file() const;   // the CA certificate clients must trust (empty with plain)
    std::string cert_dir() const;
    const tenant& first_tenant() const;

    // Administration, the same as the /__sim endpoints.
    boost::json::object stats();                                // see /__sim/stats
    void reset_stats();
    void reset_state();                                         // hosts, disks, tokens, wallets
    fault_options faults();                                     // with what is left of the script
    void set_faults(const fault_options& f);                    // replaces the script too
    // Appends a scripted fault: the next f.count requests whose path contains f.path (and whose
    // method is f.method, when given) get its answer. For example, a server that acts on a create
    // but answers "request in progress", twice:
    //     sim.script({.path = "createquantity", .method = "POST", .count = 2, .code = 1005, .process = true});
    // Throws std::invalid_argument unless f names exactly one answer (see scripted_fault).
    void script(const scripted_fault& f);
    void advance_time(std::chrono::milliseconds simulated);      // moves the simulated clock forward
    void upsert_tenant(const tenant& t);
    // Creates hosts directly (no billing, no faults); returns their ids.
    std::vector<std::string> add_hosts(const std::string& uuid, std::size_t count,
                                       const std::string& package_id, const std::string& image_id,
                                       int status = 0);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}   // namespace finovy::sim

#endif
