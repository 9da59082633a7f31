// SPDX-License-Identifier: BSL-1.0
#ifndef FINOVY_IMPL_CONFIGURATION_IPP
#define FINOVY_IMPL_CONFIGURATION_IPP

#include <finovy/configuration.hpp>

#include <boost/property_tree/ini_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>

namespace finovy {

namespace detail::cfg {

// One source of settings. Every message names keys, variables, files and profiles, never a value.
struct layer
{
    config_values v;
    std::string conflict;   // the message when it gives both an endpoint and sandbox = true
};

inline std::optional<std::string> non_empty(const std::string& s)
{
    if (s.empty())
        return std::nullopt;
    return s;
}

inline std::optional<std::string> non_empty(const std::optional<std::string>& s)
{
    return s ? non_empty(*s) : std::nullopt;
}

inline std::optional<std::string> env(const char* name)
{
    const char* e = std::getenv(name);
    if (!e || !*e)
        return std::nullopt;
    return std::string(e);
}

inline std::optional<bool> parse_bool(std::string_view s)
{
    std::string l;
    for (char c : s)
        l += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (l == "1" || l == "true" || l == "yes" || l == "on")
        return true;
    if (l == "0" || l == "false" || l == "no" || l == "off")
        return false;
    return std::nullopt;
}

inline std::string trim(std::string_view s)
{
    auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && ws(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && ws(s.back()))
        s.remove_suffix(1);
    return std::string(s);
}

// ';' and '#' start a comment at the start of a value or after a space or a tab ("value ; note");
// inside a value ("a#b", a URL's "#part") they are part of it. There is no quoting. The parser drops
// only whole-line comments.
inline std::string without_comment(std::string_view value)
{
    for (std::size_t i = 0; i < value.size(); ++i)
        if ((value[i] == ';' || value[i] == '#') && (i == 0 || value[i - 1] == ' ' || value[i - 1] == '\t'))
            return trim(value.substr(0, i));
    return std::string(value);
}

// A key as a message may quote it: one that looks like a key (endpont, region), not like a
// secret pasted in the wrong place.
inline std::string quoted_key(std::string_view key)
{
    bool plain = !key.empty() && key.size() <= 24;
    for (char c : key)
        plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    return plain ? "key \"" + std::string(key) + "\"" : std::string("a key");
}

// "profile   staging" -> "profile staging"; other names as they are.
inline std::string section_name(std::string_view raw)
{
    std::string s = trim(raw);
    if (s.size() > 8 && s.compare(0, 7, "profile") == 0 && (s[7] == ' ' || s[7] == '\t'))
        return "profile " + trim(std::string_view(s).substr(8));
    return s;
}

inline layer from_environment()
{
    layer l;
    l.v.endpoint = env("FINOVY_ENDPOINT");
    l.v.access_token = env("FINOVY_ACCESS_TOKEN");
    l.v.uuid = env("FINOVY_UUID");
    l.v.secret = env("FINOVY_SECRET");
    l.v.ca_file = env("FINOVY_CA_FILE");
    if (auto s = env("FINOVY_SANDBOX"))
    {
        l.v.sandbox = parse_bool(*s);
        if (!l.v.sandbox)
            throw configuration_error("FINOVY_SANDBOX must be 1, true, yes, on, 0, false, no or off");
    }
    l.v.proxy = env("https_proxy");
    if (!l.v.proxy)
        l.v.proxy = env("HTTPS_PROXY");
    l.v.no_proxy = env("no_proxy");
    if (!l.v.no_proxy)
        l.v.no_proxy = env("NO_PROXY");
    l.conflict = "FINOVY_ENDPOINT and FINOVY_SANDBOX are both set; they exclude each other";
    return l;
}

// The file's text; nullopt when it does not exist and was not named.
inline std::optional<std::string> read_text(const std::string& path, bool named_file, struct stat& st)
{
    if (::stat(path.c_str(), &st) != 0)
    {
        int err = errno;
        if (err == ENOENT && !named_file)
            return std::nullopt;
        throw configuration_error("config file " + path + ": " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode))
        throw configuration_error("config file " + path + ": not a regular file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw configuration_error("config file " + path + ": " + std::strerror(errno));
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad())
        throw configuration_error("config file " + path + ": cannot be read");
    return text;
}

// The INI tree, inline comments removed from the values.
inline boost::property_tree::ptree parse_ini(const std::string& path, const std::string& text)
{
    boost::property_tree::ptree tree;
    try
    {
        std::istringstream is(text);
        boost::property_tree::read_ini(is, tree);
    }
    catch (const boost::property_tree::ini_parser_error& e)   // its message never quotes the line
    {
        throw configuration_error("config file " + path + ":" + std::to_string(e.line()) + ": " + e.message());
    }
    for (auto& [raw, child] : tree)
    {
        child.data() = without_comment(child.data());   // key = value before the first section
        for (auto& [key, value] : child)
            value.data() = without_comment(value.data());
    }
    return tree;
}

// Every section header: the parser drops sections without keys, which still make a profile exist.
inline std::vector<std::string> section_headers(const std::string& text)
{
    std::vector<std::string> headers;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
    {
        auto t = trim(line);
        if (!t.empty() && t[0] == '[' && t.find(']') != std::string::npos)
            headers.push_back(section_name(std::string_view(t).substr(1, t.find(']') - 1)));
    }
    return headers;
}

inline bool names_profile(const std::string& name, const std::string& wanted, const std::string& profile)
{
    return name == wanted || (profile == "default" && name == "profile default");
}

// The wanted profile's section (null if none has keys); warns about keys outside sections and
// about a secret in a file others may read.
inline const boost::property_tree::ptree* find_section(const boost::property_tree::ptree& tree,
                                                       const std::string& path, const struct stat& st,
                                                       const std::string& wanted, const std::string& profile,
                                                       std::vector<std::string>& warnings)
{
    bool holds_secret = false;
    const boost::property_tree::ptree* section = nullptr;
    for (const auto& [raw, child] : tree)
    {
        if (child.empty())   // key = value before the first section
        {
            holds_secret |= (raw == "secret" || raw == "access_token") && !child.data().empty();
            warnings.push_back("config file " + path + ": " + quoted_key(raw) + " outside any section is ignored");
            continue;
        }
        for (const auto& [key, value] : child)
            holds_secret |= (key == "secret" || key == "access_token") && !value.data().empty();
        if (!section && names_profile(section_name(raw), wanted, profile))
            section = &child;
    }
    if ((st.st_mode & 077) != 0 && holds_secret)
    {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        warnings.push_back("config file " + path + " holds a secret and is readable by others (mode " + mode +
                           "); chmod 600 " + path);
    }
    return section;
}

// The section's keys into `out`.
inline void apply_section(const boost::property_tree::ptree& section, const std::string& label, layer& out,
                          std::vector<std::string>& warnings)
{
    auto text_value = [](const boost::property_tree::ptree& v) { return non_empty(v.data()); };
    for (const auto& [key, value] : section)
    {
        if (key == "endpoint")
            out.v.endpoint = text_value(value);
        else if (key == "access_token")
            out.v.access_token = text_value(value);
        else if (key == "uuid")
            out.v.uuid = text_value(value);
        else if (key == "secret")
            out.v.secret = text_value(value);
        else if (key == "ca_file")
        {
            out.v.ca_file = text_value(value);
            const char* home = std::getenv("HOME");
            if (out.v.ca_file && out.v.ca_file->rfind("~/", 0) == 0 && home && *home)
                out.v.ca_file = home + out.v.ca_file->substr(1);
        }
        else if (key == "sandbox")
        {
            if (!value.data().empty())
            {
                out.v.sandbox = parse_bool(value.data());
                if (!out.v.sandbox)
                    throw configuration_error(label + ": sandbox must be true or false");
            }
        }
        else if (key == "proxy")
            out.v.proxy = text_value(value);
        else if (key == "no_proxy")
            out.v.no_proxy = text_value(value);
        else
            warnings.push_back(label + ": unknown " + quoted_key(key) + " is ignored");
    }
    out.conflict = label + ": endpoint and sandbox = true exclude each other";
}

// Reads the profile's section of the file into `out`. Returns false when the file does not exist.
inline bool read_file(const std::string& path, bool named_file, const std::string& profile, bool named_profile,
                      layer& out, std::vector<std::string>& warnings)
{
    struct stat st{};
    auto text = read_text(path, named_file, st);
    if (!text)
        return false;
    auto tree = parse_ini(path, *text);
    std::string wanted = profile == "default" ? "default" : "profile " + profile;
    const auto* section = find_section(tree, path, st, wanted, profile, warnings);
    if (section)
    {
        apply_section(*section, "config file " + path + " [" + wanted + "]", out, warnings);
        return true;
    }
    auto headers = section_headers(*text);
    bool exists = std::any_of(headers.begin(), headers.end(),
                              [&](const std::string& h) { return names_profile(h, wanted, profile); });
    if (!exists && named_profile)
    {
        std::string hint;
        if (profile != "default" && std::find(headers.begin(), headers.end(), profile) != headers.end())
            hint = " (a section [" + profile + "] exists: name it [profile " + profile + "])";
        throw configuration_error("profile '" + profile + "' not found in config file " + path + hint);
    }
    return true;   // no such profile (not named), or an empty section
}

}   // namespace detail::cfg

FINOVY_DECL std::string default_config_file()
{
    const char* home = std::getenv("HOME");
    if (!home || !*home)
        return {};
    return std::string(home) + "/.config/finovy/config";
}

namespace detail::cfg {

constexpr std::size_t no_layer = static_cast<std::size_t>(-1);

inline layer explicit_layer(const config_values& values)
{
    layer given;
    given.v = values;
    for (auto* s : {&given.v.endpoint, &given.v.access_token, &given.v.uuid, &given.v.secret, &given.v.ca_file,
                    &given.v.proxy, &given.v.no_proxy})
        *s = non_empty(*s);
    given.conflict = "an endpoint and sandbox were both given explicitly; they exclude each other";
    return given;
}

// The config file's layer: sets out.profile, out.file and out.file_found.
inline layer profile_layer(const config_sources& sources, loaded_configuration& out)
{
    auto from_env = [&](const char* name) { return sources.use_environment ? env(name) : std::nullopt; };
    auto named_profile = non_empty(sources.profile);
    if (!named_profile)
        named_profile = from_env("FINOVY_PROFILE");
    out.profile = named_profile.value_or("default");
    layer profile;
    if (!sources.use_config_file)
        return profile;
    auto named_file = non_empty(sources.config_file);
    if (!named_file)
        named_file = from_env("FINOVY_CONFIG_FILE");
    out.file = named_file ? *named_file : default_config_file();
    if (!out.file.empty())
        out.file_found =
            read_file(out.file, named_file.has_value(), out.profile, named_profile.has_value(), profile, out.warnings);
    else if (named_profile)
        throw configuration_error("profile '" + out.profile + "' not found: no config file (HOME is not set)");
    if (!out.file_found && named_profile)
        throw configuration_error("profile '" + out.profile + "' not found: no config file " + out.file);
    return profile;
}

// Each setting from the first layer that gives it; `at` is that layer's rank.
inline std::string pick(const std::vector<layer>& layers, std::optional<std::string> config_values::*m,
                        std::size_t& at)
{
    for (at = 0; at < layers.size(); ++at)
        if (layers[at].v.*m)
            return *(layers[at].v.*m);
    at = no_layer;
    return {};
}

inline void merge(std::vector<layer>& layers, std::size_t environment_at, client_options& o)
{
    for (const auto& l : layers)
        if (l.v.endpoint && l.v.sandbox == true)
            throw configuration_error(l.conflict);
    std::size_t endpoint_at = no_layer, sandbox_at = no_layer;
    auto endpoint = pick(layers, &config_values::endpoint, endpoint_at);
    for (std::size_t i = 0; i < layers.size() && sandbox_at == no_layer; ++i)
        if (layers[i].v.sandbox)
            sandbox_at = i;
    if (sandbox_at < endpoint_at && *layers[sandbox_at].v.sandbox)
        o.endpoint = std::string(sandbox_endpoint);
    else if (endpoint_at != no_layer)
        o.endpoint = endpoint;

    std::size_t token_at = no_layer, uuid_at = no_layer, secret_at = no_layer, unused = no_layer;
    o.access_token = pick(layers, &config_values::access_token, token_at);
    o.uuid = pick(layers, &config_values::uuid, uuid_at);
    o.secret = pick(layers, &config_values::secret, secret_at);
    if (std::min(uuid_at, secret_at) < token_at)
        o.access_token.clear();
    o.ca_file = pick(layers, &config_values::ca_file, unused);
    // https_proxy is the proxy of https:// URLs, as for curl: an http:// endpoint (a local
    // simulator, allow_insecure_http) does not go through it, as if it were unset. A proxy given
    // explicitly or by the profile stays, and the client says it cannot be used.
    if (environment_at != no_layer && o.endpoint.rfind("http://", 0) == 0)
        layers[environment_at].v.proxy.reset();
    o.proxy = pick(layers, &config_values::proxy, unused);
    o.no_proxy = pick(layers, &config_values::no_proxy, unused);
}

}   // namespace detail::cfg

FINOVY_DECL loaded_configuration load_configuration(const config_values& explicit_values, const config_sources& sources)
{
    loaded_configuration out;
    std::vector<detail::cfg::layer> layers;   // the first wins
    layers.push_back(detail::cfg::explicit_layer(explicit_values));
    std::size_t environment_at = detail::cfg::no_layer;
    if (sources.use_environment)
    {
        environment_at = layers.size();
        layers.push_back(detail::cfg::from_environment());
    }
    auto profile = detail::cfg::profile_layer(sources, out);
    if (sources.use_config_file)
        layers.push_back(std::move(profile));
    detail::cfg::merge(layers, environment_at, out.options);
    return out;
}

}   // namespace finovy

#endif
