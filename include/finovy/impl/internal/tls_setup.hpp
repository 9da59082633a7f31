// SPDX-License-Identifier: BSL-1.0
// How every wire sets up a TLS client: SNI and the peer's name check, or the address check for an
// IP endpoint, and the session to resume. Each step's result is checked: a step that fails is an
// error, never a connection that would skip verification (fail closed).
#ifndef FINOVY_IMPL_INTERNAL_TLS_SETUP_HPP
#define FINOVY_IMPL_INTERNAL_TLS_SETUP_HPP

#include <finovy/error.hpp>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <string>

namespace finovy::detail {

inline error_code tls_setup_error()
{
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    return code ? error_code(static_cast<int>(code), boost::asio::error::get_ssl_category())
                : error_code(boost::asio::ssl::error::unspecified_system_error);
}

inline error_code configure_tls_client(SSL* ssl, const std::string& server_name, SSL_SESSION* session)
{
    if (server_name.empty() || server_name.find('\0') != std::string::npos)
        return client_errc::invalid_endpoint;
    boost::system::error_code not_ip;
    boost::asio::ip::make_address(server_name, not_ip);
    if (!not_ip)
    {
        // An address: no SNI (RFC 6066 forbids it), the certificate must name the address.
        if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), server_name.c_str()) != 1)
            return tls_setup_error();
    }
    else
    {
        if (SSL_set_tlsext_host_name(ssl, server_name.c_str()) != 1)
            return tls_setup_error();
        if (SSL_set1_host(ssl, server_name.c_str()) != 1)
            return tls_setup_error();
    }
    if (session && SSL_set_session(ssl, session) != 1)
        ERR_clear_error();   // not resumable here: a full handshake, still verified
    return {};
}

}   // namespace finovy::detail

#endif
