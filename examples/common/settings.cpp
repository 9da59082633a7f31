// SPDX-License-Identifier: BSL-1.0
// The flags of the client's settings, mapped onto finovy::load_configuration() (settings.hpp).
#include "settings.hpp"

#include <boost/program_options/value_semantic.hpp>

#include <optional>

namespace example {

// clang-format off
const std::vector<setting_flag>& setting_flags()
{
    static const std::vector<setting_flag> list = {
        {"profile", "NAME", "profile of the config file [FINOVY_PROFILE]; default: default"},
        {"config-file", "FILE", "INI file of profiles [FINOVY_CONFIG_FILE]; default ~/.config/finovy/config", true},
        {"endpoint", "URL", "API base URL [FINOVY_ENDPOINT]; default https://client.xuandashi.com"},
        {"sandbox", "", "use the sandbox, https://client-sandbox.xuandashi.com [FINOVY_SANDBOX]"},
        {"access-token", "TOKEN", "access token [FINOVY_ACCESS_TOKEN]"},
        {"uuid", "UUID", "account id; with --secret, a token is fetched and renewed [FINOVY_UUID]"},
        {"secret", "SECRET", "app secret [FINOVY_SECRET]"},
        {"ca-file", "FILE", "PEM file of a CA to trust besides the system's [FINOVY_CA_FILE]", true},
        {"proxy", "URL", "HTTP proxy to reach the API through, http://[user:password@]host:port (CONNECT; TLS "
                         "stays end to end) [https_proxy, HTTPS_PROXY]"},
        {"no-proxy", "LIST", "hosts reached without the proxy: names, .domain suffixes, addresses, or * for "
                             "all [no_proxy, NO_PROXY]"},
        {"allow-insecure-http", "", "accept an http:// endpoint (debugging only)"},
    };
    return list;
}
// clang-format on

po::options_description setting_options(unsigned line_length)
{
    po::options_description d("", line_length, line_length / 2);
    for (const auto& f : setting_flags())
    {
        if (*f.value_name)
            d.add_options()(f.name, po::value<std::string>()->value_name(f.value_name), f.help);
        else
            d.add_options()(f.name, f.help);
    }
    return d;
}

po::options_description hidden_setting_options()
{
    po::options_description d;
    d.add_options()("token", po::value<std::string>(), "deprecated: --access-token");
    return d;
}

finovy::loaded_configuration load_settings(const po::variables_map& vm)
{
    auto flag = [&](const char* name) {
        return vm.count(name) ? std::optional<std::string>(vm[name].as<std::string>()) : std::nullopt;
    };
    if (vm.count("access-token") && vm.count("token"))
        throw usage_error("give --access-token, not --access-token and --token (its former name)");
    finovy::config_values given;
    given.endpoint = flag("endpoint");
    given.access_token = vm.count("token") ? flag("token") : flag("access-token");
    given.uuid = flag("uuid");
    given.secret = flag("secret");
    given.ca_file = flag("ca-file");
    given.proxy = flag("proxy");
    given.no_proxy = flag("no-proxy");
    if (vm.count("sandbox"))
        given.sandbox = true;
    finovy::config_sources sources;
    sources.profile = flag("profile");
    sources.config_file = flag("config-file");
    auto cfg = finovy::load_configuration(given, sources);
    cfg.options.allow_insecure_http = vm.count("allow-insecure-http") > 0;
    if (vm.count("token"))
        cfg.warnings.emplace_back("--token is deprecated: write --access-token");
    return cfg;
}

bool has_credentials(const finovy::client_options& o)
{
    return !o.access_token.empty() || (!o.uuid.empty() && !o.secret.empty());
}

std::string missing_credentials_message()
{
    return "credentials needed: --access-token, or --uuid and --secret (or FINOVY_ACCESS_TOKEN, FINOVY_UUID, "
           "FINOVY_SECRET, or the keys access_token, uuid, secret of a profile)";
}

}   // namespace example
