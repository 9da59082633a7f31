// SPDX-License-Identifier: BSL-1.0
// Parsing of the endpoint URL: scheme://host[:port][/base-path].
#ifndef FINOVY_IMPL_INTERNAL_ENDPOINT_HPP
#define FINOVY_IMPL_INTERNAL_ENDPOINT_HPP

#include <finovy/error.hpp>

#include <charconv>
#include <string>
#include <string_view>

namespace finovy::detail {

struct endpoint
{
    bool tls = true;
    std::string host;        // without brackets for IPv6
    std::string port;        // "443" by default
    std::string base_path;   // "" or "/prefix" (no trailing slash)
    std::string host_header; // host[:port] as sent in Host:
};

// `url` fit for a message: userinfo (user:password@) replaced by "***@", control characters by '?'.
// A password may hold an unescaped '/', '?' or '#', so everything up to the URL's last '@' is
// hidden, wherever it is (a path with an '@' loses a little more than needed).
inline std::string redacted_url(std::string_view url)
{
    std::string out;
    auto scheme = url.find("://");
    auto start = scheme == std::string_view::npos ? 0 : scheme + 3;
    // The last '@' anywhere: a password pasted unencoded may hold '/', '?' or '#', which would end
    // the authority of a well-formed URL. Hiding too much is harmless; printing a password is not.
    auto at = url.rfind('@');
    if (at != std::string_view::npos && at >= start)
        out = std::string(url.substr(0, start)) + "***" + std::string(url.substr(at));
    else
        out = std::string(url);
    for (auto& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = '?';
    return out;
}

// Splits an authority into host and port ("[v6]:port" too); false if malformed.
inline bool split_authority(std::string_view authority, std::string_view& host, std::string_view& port)
{
    host = authority;
    if (authority.front() == '[')
    {
        auto close = authority.find(']');
        if (close == std::string_view::npos)
            return false;
        host = authority.substr(1, close - 1);
        auto after = authority.substr(close + 1);
        if (!after.empty())
        {
            if (after.front() != ':')
                return false;
            port = after.substr(1);
        }
    }
    else if (auto colon = authority.rfind(':'); colon != std::string_view::npos)
    {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    return true;
}

// A host, a port (given when `has_port`) and a path that can go into a request line.
inline bool valid_parts(std::string_view host, std::string_view port, bool has_port, std::string_view path)
{
    if (host.empty())
        return false;
    for (char c : host)
        if (c <= ' ' || c == '/' || c == '\\' || c == '%' || static_cast<unsigned char>(c) >= 0x7f)
            return false;
    if (has_port)
    {
        unsigned n = 0;
        auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
        if (port.empty() || ec != std::errc{} || p != port.data() + port.size() || n == 0 || n > 65535)
            return false;
    }
    for (char c : path)
        if (c <= ' ' || static_cast<unsigned char>(c) >= 0x7f)
            return false;
    return true;
}

// Parses `url`; returns invalid_endpoint or insecure_endpoint on failure.
inline error_code parse_endpoint(std::string_view url, bool allow_insecure, endpoint& out)
{
    std::string_view rest;
    if (url.substr(0, 8) == "https://")
    {
        out.tls = true;
        rest = url.substr(8);
    }
    else if (url.substr(0, 7) == "http://")
    {
        if (!allow_insecure)
            return client_errc::insecure_endpoint;
        out.tls = false;
        rest = url.substr(7);
    }
    else
        return client_errc::invalid_endpoint;

    auto slash = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (!path.empty() && path.front() != '/')
        return client_errc::invalid_endpoint;   // no query or fragment in a base URL
    while (!path.empty() && path.back() == '/')
        path.remove_suffix(1);
    if (authority.empty() || authority.find('@') != std::string_view::npos)
        return client_errc::invalid_endpoint;
    std::string_view host, port;
    if (!split_authority(authority, host, port) || !valid_parts(host, port, !port.empty() || authority.back() == ':', path))
        return client_errc::invalid_endpoint;

    out.host = std::string(host);
    out.port = port.empty() ? (out.tls ? "443" : "80") : std::string(port);
    out.base_path = std::string(path);
    bool v6 = out.host.find(':') != std::string::npos;
    out.host_header = v6 ? "[" + out.host + "]" : out.host;
    if (!port.empty() && port != (out.tls ? "443" : "80"))
        out.host_header += ":" + out.port;
    return {};
}

}   // namespace finovy::detail

#endif
