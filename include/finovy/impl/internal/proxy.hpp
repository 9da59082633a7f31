// SPDX-License-Identifier: BSL-1.0
// HTTP proxies: reading the proxy URL (its user and password for Proxy-Authorization: Basic,
// percent-decoded, and base64) and matching a host against no_proxy. The CONNECT request itself
// is transport.ipp's (open_tunnel). Pure functions, unit-tested (governor_test.cpp).
#ifndef FINOVY_IMPL_INTERNAL_PROXY_HPP
#define FINOVY_IMPL_INTERNAL_PROXY_HPP

#include <finovy/error.hpp>

#include <boost/asio/ip/address.hpp>

#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace finovy::detail {

inline std::string base64(std::string_view in)
{
    static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < in.size(); i += 3)
    {
        unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
        out += table[v >> 18 & 63];
        out += table[v >> 12 & 63];
        out += table[v >> 6 & 63];
        out += table[v & 63];
    }
    if (i < in.size())
    {
        unsigned v = (unsigned char)in[i] << 16 | (i + 1 < in.size() ? (unsigned char)in[i + 1] << 8 : 0u);
        out += table[v >> 18 & 63];
        out += table[v >> 12 & 63];
        out += i + 1 < in.size() ? table[v >> 6 & 63] : '=';
        out += '=';
    }
    return out;
}

inline std::string percent_decoded(std::string_view s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i)
    {
        unsigned v = 0;
        if (s[i] == '%' && i + 2 < s.size() &&
            std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16).ptr == s.data() + i + 3)
        {
            out += static_cast<char>(v);
            i += 2;
        }
        else
            out += s[i];
    }
    return out;
}

struct proxy_url
{
    std::string host, port;
    std::string user, password;
    bool has_credentials = false;
};

// http://[user[:password]@]host[:port][/]. https:// proxies (TLS to the proxy) are not supported.
inline error_code parse_proxy_url(std::string_view url, proxy_url& out)
{
    std::string_view rest = url;
    if (rest.substr(0, 7) == "http://")
        rest.remove_prefix(7);
    else if (rest.find("://") != std::string_view::npos)
        return client_errc::invalid_endpoint;   // only http:// proxies
    // The userinfo ends at the last '@', as curl reads it: a password pasted unencoded may hold
    // '@', ':', '/', '?' or '#'.
    if (auto at = rest.rfind('@'); at != std::string_view::npos)
    {
        auto info = rest.substr(0, at);
        rest.remove_prefix(at + 1);
        auto colon = info.find(':');
        out.user = percent_decoded(info.substr(0, colon));
        out.password = colon == std::string_view::npos ? std::string() : percent_decoded(info.substr(colon + 1));
        out.has_credentials = true;
    }
    while (!rest.empty() && rest.back() == '/')
        rest.remove_suffix(1);
    if (rest.find_first_of("/?#") != std::string_view::npos)
        return client_errc::invalid_endpoint;
    std::string_view host = rest, port;
    if (!rest.empty() && rest.front() == '[')
    {
        auto close = rest.find(']');
        if (close == std::string_view::npos)
            return client_errc::invalid_endpoint;
        host = rest.substr(1, close - 1);
        if (close + 1 < rest.size())
        {
            if (rest[close + 1] != ':')
                return client_errc::invalid_endpoint;
            port = rest.substr(close + 2);
        }
    }
    else if (auto colon = rest.rfind(':'); colon != std::string_view::npos)
    {
        host = rest.substr(0, colon);
        port = rest.substr(colon + 1);
    }
    if (host.empty())
        return client_errc::invalid_endpoint;
    for (char c : host)
        if (c <= ' ' || c == '/' || c == '@' || static_cast<unsigned char>(c) >= 0x7f)
            return client_errc::invalid_endpoint;
    unsigned n = 1080;   // curl's default
    if (!port.empty())
    {
        auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
        if (ec != std::errc{} || p != port.data() + port.size() || n == 0 || n > 65535)
            return client_errc::invalid_endpoint;
    }
    out.host = std::string(host);
    out.port = std::to_string(n);
    return {};
}

inline bool iequal(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

// no_proxy: comma- (or space-) separated entries; "*" matches every host; "example.com" and
// ".example.com" match example.com and its subdomains; an IP address matches itself ("[::1]" or
// "::1"). Degenerate entries ("", "[]", ".", "..") match nothing.
inline bool bypasses_proxy(std::string_view host, std::string_view no_proxy)
{
    std::size_t i = 0;
    while (i < no_proxy.size())
    {
        auto end = no_proxy.find_first_of(", ", i);
        auto entry = no_proxy.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
        i = end == std::string_view::npos ? no_proxy.size() : end + 1;
        if (entry == "*")
            return true;
        if (entry.size() >= 2 && entry.front() == '[' && entry.back() == ']')
            entry = entry.substr(1, entry.size() - 2);
        if (!entry.empty() && entry.front() == '.')
            entry.remove_prefix(1);
        if (entry.empty() || entry.front() == '.')
            continue;   // nothing left to name a host: "example.com." would match "." as a suffix
        if (iequal(host, entry))
            return true;
        if (host.size() > entry.size() && host[host.size() - entry.size() - 1] == '.' &&
            iequal(host.substr(host.size() - entry.size()), entry))
        {
            boost::system::error_code not_ip;
            boost::asio::ip::make_address(std::string(host), not_ip);
            if (not_ip)
                return true;   // a subdomain (an IP address has no domains)
        }
    }
    return false;
}

}   // namespace finovy::detail

#endif
