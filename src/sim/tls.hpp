// SPDX-License-Identifier: BSL-1.0
// Certificates for the simulator: a private CA and a server certificate it signs.
#ifndef FINOVY_SIM_TLS_HPP
#define FINOVY_SIM_TLS_HPP

#include <string>
#include <vector>

namespace finovy::sim::detail {

struct cert_files
{
    std::string ca;           // ca.pem: what clients trust
    std::string server;       // server.pem
    std::string server_key;   // server-key.pem
};

// Reads the certificates in `dir`, or creates them: ca.pem and ca-key.pem when ca.pem is absent,
// server.pem and server-key.pem (for `names`: IP addresses or DNS names) when they are absent.
// Throws std::runtime_error with OpenSSL's reason on failure.
cert_files ensure_certificates(const std::string& dir, const std::vector<std::string>& names);

}   // namespace finovy::sim::detail

#endif
