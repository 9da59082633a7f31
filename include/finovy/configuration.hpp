// SPDX-License-Identifier: BSL-1.0
/// \file
/// Client options from explicit settings, the environment and a config file with profiles: the
/// one loader of the SDK, which the finovy tool uses too.
///
/// \code
/// auto cfg = finovy::load_configuration();          // FINOVY_* variables, ~/.config/finovy/config
/// for (const auto& w : cfg.warnings) std::cerr << w << '\n';
/// finovy::client api(ioc, cfg.options);
/// \endcode
///
/// Sources, the first that gives a setting wins:
/// 1. explicit values (config_values: the caller's code, a command line);
/// 2. the environment: FINOVY_ENDPOINT, FINOVY_ACCESS_TOKEN, FINOVY_UUID, FINOVY_SECRET,
///    FINOVY_CA_FILE, FINOVY_SANDBOX (1/true/yes/on or 0/false/no/off), https_proxy (else
///    HTTPS_PROXY; for https:// endpoints only, an http:// one ignores it) and no_proxy (else
///    NO_PROXY): the lower-case name wins, as with curl. An empty variable counts as unset;
/// 3. the profile's section of the config file (below);
/// 4. client_options' defaults (the production endpoint).
///
/// The config file is INI like the AWS CLI's:
/// \code{.unparsed}
/// [default]
/// endpoint = https://client.xuandashi.com
/// [profile staging]
/// sandbox = true
/// uuid = A27550582
/// secret = ...
/// ca_file = ~/finovy/ca.pem
/// \endcode
/// with the keys endpoint, access_token, uuid, secret, ca_file (a leading ~/ is the home
/// directory), sandbox (true/false), proxy, no_proxy. ';' and '#' start comments: a line's, or
/// one after a value when a space or a tab precedes them (`uuid = A27550582 ; staging`); within
/// a value (`secret = a#b`) they are part of it. Values are not quoted. The profile "default" is
/// [default] (or [profile default]); any other is [profile NAME].
///
/// Rules:
/// - sandbox = true selects finovy::sandbox_endpoint, unless a source above it gives an
///   endpoint; sandbox = false only cancels a sandbox = true of a source below. One source
///   giving both an endpoint and sandbox = true is an error.
/// - A source that gives uuid or secret overrides an access_token of a source below it (the
///   client would otherwise prefer the token and ignore the credentials given last).
/// - The profile is config_sources::profile, else FINOVY_PROFILE, else "default". A profile
///   that was named (explicitly or by FINOVY_PROFILE) must exist; "default" need not.
/// - The file is config_sources::config_file, else FINOVY_CONFIG_FILE, else
///   $HOME/.config/finovy/config. A missing default file is fine; a missing file that was named
///   is an error, and so is a file that cannot be read or parsed.
/// - Warnings: a file that holds a secret or an access_token and that group or others may read
///   (mode & 077) ("chmod 600" advice); unknown keys; settings outside any section.
///
/// Errors throw finovy::configuration_error. Neither errors nor warnings ever contain a
/// secret, a token or any other value of the file: they name keys, variables, files and
/// profiles. The loader reads the environment (getenv): do not change the environment
/// concurrently from another thread.
#ifndef FINOVY_CONFIGURATION_HPP
#define FINOVY_CONFIGURATION_HPP

#include <finovy/client_options.hpp>
#include <finovy/config.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace finovy {

/// Where the settings come from.
struct config_sources
{
    std::optional<std::string> profile;       ///< else FINOVY_PROFILE, else "default"
    std::optional<std::string> config_file;   ///< else FINOVY_CONFIG_FILE, else ~/.config/finovy/config
    bool use_environment = true;              ///< false: no variable is read (HOME excepted, for the file)
    bool use_config_file = true;              ///< false: no file is read
};

/// Settings given explicitly, which win over every other source. Unset: not given.
struct config_values
{
    std::optional<std::string> endpoint;       ///< client_options::endpoint
    std::optional<std::string> access_token;   ///< client_options::access_token
    std::optional<std::string> uuid;           ///< client_options::uuid
    std::optional<std::string> secret;         ///< client_options::secret
    std::optional<std::string> ca_file;        ///< client_options::ca_file
    std::optional<std::string> proxy;          ///< client_options::proxy
    std::optional<std::string> no_proxy;       ///< client_options::no_proxy
    std::optional<bool> sandbox;               ///< true: finovy::sandbox_endpoint (see the rules above)
};

/// What load_configuration() found.
struct loaded_configuration
{
    client_options options;              ///< client_options' defaults and the settings found
    std::vector<std::string> warnings;   ///< for the user, one sentence each; never a secret
    std::string profile;                 ///< the profile used
    std::string file;                    ///< the config file looked for; empty: none
    bool file_found = false;             ///< it exists and was read
};

/// \brief A configuration that cannot be used: a named file or profile that does not exist, a file
/// that cannot be parsed, a value that is not a boolean, an endpoint and sandbox together.
/// \details Its message names keys, variables, files and profiles, never a value.
class configuration_error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

/// \brief Loads client options from `explicit_values`, the environment and the config file, as the
/// file's description says.
/// \throws configuration_error.
FINOVY_DECL loaded_configuration load_configuration(const config_values& explicit_values = {},
                                                    const config_sources& sources = {});

/// `$HOME/.config/finovy/config`; empty when HOME is not set.
FINOVY_DECL std::string default_config_file();

}   // namespace finovy

#ifdef FINOVY_HEADER_ONLY
#include <finovy/impl/configuration.ipp>
#endif

#endif
