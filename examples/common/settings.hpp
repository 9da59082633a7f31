// SPDX-License-Identifier: BSL-1.0
// One mapping of command-line flags onto the SDK's configuration, shared by the finovy tool,
// provisiond and the examples (not part of the SDK's API). Each flag is named after its key in a
// profile of the config file and its FINOVY_* variable: --access-token, access_token,
// FINOVY_ACCESS_TOKEN. The flags win over the environment, which wins over the profile: the
// order of finovy::load_configuration(), which does the rest.
#ifndef FINOVY_EXAMPLE_SETTINGS_HPP
#define FINOVY_EXAMPLE_SETTINGS_HPP

#include <finovy/configuration.hpp>

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace example {

namespace po = boost::program_options;

// Wrong flags or values: the programs print it with a hint and exit with 2.
struct usage_error : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

// One flag of the client's settings.
struct setting_flag
{
    const char* name;         // "endpoint": --endpoint
    const char* value_name;   // "URL"; empty: a switch without a value (--sandbox)
    const char* help;         // ends with the variables that give it too: [FINOVY_ENDPOINT]
    bool is_file = false;     // a path: shell completion offers file names
};

// In the order help lists them: profile, config-file, endpoint, sandbox, access-token, uuid,
// secret, ca-file, proxy, no-proxy, allow-insecure-http.
const std::vector<setting_flag>& setting_flags();

// The flags above as Boost.Program_options options, for --help and parsing.
po::options_description setting_options(unsigned line_length = 100);

// Deprecated spellings, accepted but not shown: --token (now --access-token). Parse with them, do
// not print them.
po::options_description hidden_setting_options();

// The client options the flags in `vm` give, then the environment, then the profile. Throws
// usage_error for flags that contradict each other, finovy::configuration_error for a
// configuration that cannot be used (an unknown profile, an unreadable file...). Its warnings
// (a config file others may read, a deprecated flag) never hold a secret.
finovy::loaded_configuration load_settings(const po::variables_map& vm);

// Whether `o` can authenticate: an access token, or uuid and secret.
bool has_credentials(const finovy::client_options& o);

// What to say when they are missing.
std::string missing_credentials_message();

}   // namespace example

#endif
