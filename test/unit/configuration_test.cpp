// SPDX-License-Identifier: BSL-1.0
// The configuration loader (finovy/configuration.hpp): precedence of explicit values, the
// environment and profiles; the sandbox and credential rules; files missing, invalid or readable
// by others; and no message that shows a secret.
#include <finovy/client.hpp>
#include <finovy/configuration.hpp>

#include <boost/asio/io_context.hpp>

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

using namespace finovy;
namespace fs = std::filesystem;

namespace {

constexpr const char* the_secret = "S3cr3t-9M8Lqh9aiq2cFELY";
constexpr const char* the_token = "T0ken-0123456789abcdef";

// Clears every variable the loader reads (and HOME) for the test, and restores them afterwards.
struct env_fixture
{
    static constexpr const char* names[] = {
        "FINOVY_ENDPOINT", "FINOVY_ACCESS_TOKEN", "FINOVY_UUID", "FINOVY_SECRET", "FINOVY_CA_FILE",
        "FINOVY_SANDBOX",  "FINOVY_PROFILE",      "FINOVY_CONFIG_FILE", "https_proxy", "HTTPS_PROXY",
        "no_proxy",        "NO_PROXY",            "HOME"};
    std::map<std::string, std::optional<std::string>> saved;
    fs::path dir;

    env_fixture()
    {
        for (const char* n : names)
        {
            const char* v = std::getenv(n);
            saved[n] = v ? std::optional<std::string>(v) : std::nullopt;
            ::unsetenv(n);
        }
        std::string tmpl = (fs::temp_directory_path() / "finovy-config-XXXXXX").string();
        BOOST_REQUIRE(::mkdtemp(tmpl.data()));
        dir = tmpl;
        set("HOME", dir.string());   // no ~/.config/finovy/config unless a test writes one
    }
    ~env_fixture()
    {
        for (const auto& [n, v] : saved)
            if (v)
                ::setenv(n.c_str(), v->c_str(), 1);
            else
                ::unsetenv(n.c_str());
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    static void set(const char* name, const std::string& value) { ::setenv(name, value.c_str(), 1); }

    std::string write(const std::string& name, const std::string& content, fs::perms mode = fs::perms(0600))
    {
        auto p = dir / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << content;
        fs::permissions(p, mode);
        return p.string();
    }

    // Loads with the file at `path`; returns the error's message, or "" without error.
    static std::string error_of(const config_values& v, const config_sources& s)
    {
        try
        {
            load_configuration(v, s);
        }
        catch (const configuration_error& e)
        {
            return e.what();
        }
        return "";
    }
};

config_sources file(const std::string& path, std::optional<std::string> profile = std::nullopt)
{
    config_sources s;
    s.config_file = path;
    s.profile = std::move(profile);
    return s;
}

bool has_warning(const loaded_configuration& c, const std::string& part)
{
    for (const auto& w : c.warnings)
        if (w.find(part) != std::string::npos)
            return true;
    return false;
}

}   // namespace

BOOST_FIXTURE_TEST_SUITE(configuration, env_fixture)

BOOST_AUTO_TEST_CASE(defaults_without_any_source)
{
    auto c = load_configuration();
    BOOST_TEST(c.options.endpoint == std::string(production_endpoint));
    BOOST_TEST(c.options.access_token.empty());
    BOOST_TEST(c.options.uuid.empty());
    BOOST_TEST(c.options.secret.empty());
    BOOST_TEST(c.options.ca_file.empty());
    BOOST_TEST(c.options.proxy.empty());
    BOOST_TEST(c.options.no_proxy.empty());
    BOOST_TEST(c.profile == "default");
    BOOST_TEST(c.file == (dir / ".config/finovy/config").string());   // the default file, absent: fine
    BOOST_TEST(!c.file_found);
    BOOST_TEST(c.warnings.empty());
    BOOST_TEST(default_config_file() == c.file);
    ::unsetenv("HOME");
    BOOST_TEST(default_config_file().empty());
    BOOST_TEST(load_configuration().file.empty());
}

BOOST_AUTO_TEST_CASE(environment_variables)
{
    set("FINOVY_ENDPOINT", "https://env.example:8443");
    set("FINOVY_ACCESS_TOKEN", the_token);
    set("FINOVY_UUID", "A27550582");
    set("FINOVY_SECRET", the_secret);
    set("FINOVY_CA_FILE", "/etc/finovy/ca.pem");
    auto c = load_configuration();
    BOOST_TEST(c.options.endpoint == "https://env.example:8443");
    BOOST_TEST(c.options.access_token == the_token);
    BOOST_TEST(c.options.uuid == "A27550582");
    BOOST_TEST(c.options.secret == the_secret);
    BOOST_TEST(c.options.ca_file == "/etc/finovy/ca.pem");

    // An empty variable is unset.
    set("FINOVY_ENDPOINT", "");
    BOOST_TEST(load_configuration().options.endpoint == std::string(production_endpoint));

    // use_environment = false reads none of them.
    config_sources no_env;
    no_env.use_environment = false;
    auto n = load_configuration({}, no_env);
    BOOST_TEST(n.options.uuid.empty());
    BOOST_TEST(n.options.access_token.empty());
}

BOOST_AUTO_TEST_CASE(sandbox_variable)
{
    for (auto yes : {"1", "true", "TRUE", "yes", "Yes", "on"})
    {
        set("FINOVY_SANDBOX", yes);
        BOOST_TEST(load_configuration().options.endpoint == std::string(sandbox_endpoint), yes);
    }
    for (auto no : {"0", "false", "No", "off"})
    {
        set("FINOVY_SANDBOX", no);
        BOOST_TEST(load_configuration().options.endpoint == std::string(production_endpoint), no);
    }
    set("FINOVY_SANDBOX", the_secret);   // a value that is not a boolean is not echoed
    auto e = error_of({}, {});
    BOOST_TEST(e.find("FINOVY_SANDBOX") != std::string::npos, e);
    BOOST_TEST(e.find(the_secret) == std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(proxy_variables_lower_case_wins)
{
    set("HTTPS_PROXY", "http://upper:3128");
    set("NO_PROXY", "upper.example");
    auto c = load_configuration();
    BOOST_TEST(c.options.proxy == "http://upper:3128");
    BOOST_TEST(c.options.no_proxy == "upper.example");
    set("https_proxy", "http://lower:3128");
    set("no_proxy", ".lower.example,10.0.0.1");
    c = load_configuration();
    BOOST_TEST(c.options.proxy == "http://lower:3128");
    BOOST_TEST(c.options.no_proxy == ".lower.example,10.0.0.1");
    set("https_proxy", "");   // empty: the upper-case one counts
    BOOST_TEST(load_configuration().options.proxy == "http://upper:3128");
}

BOOST_AUTO_TEST_CASE(profiles_of_the_file)
{
    auto path = write("config", "; comment\n"
                                "# another\n"
                                "[default]\n"
                                "endpoint = https://default.example\n"
                                "uuid = U-default\n"
                                "\n"
                                "[profile staging]\n"
                                "sandbox = true\n"
                                "uuid = U-staging\n"
                                "secret = " + std::string(the_secret) + "\n"
                                "ca_file = ~/certs/ca.pem\n"
                                "proxy = http://proxy.corp:3128\n"
                                "no_proxy = *\n"
                                "[profile   tokened]\n"
                                "access_token=" + the_token + "\n"
                                "endpoint=https://t.example\n");
    auto d = load_configuration({}, file(path));
    BOOST_TEST(d.file_found);
    BOOST_TEST(d.profile == "default");
    BOOST_TEST(d.options.endpoint == "https://default.example");
    BOOST_TEST(d.options.uuid == "U-default");
    BOOST_TEST(d.warnings.empty());

    auto s = load_configuration({}, file(path, "staging"));
    BOOST_TEST(s.profile == "staging");
    BOOST_TEST(s.options.endpoint == std::string(sandbox_endpoint));
    BOOST_TEST(s.options.uuid == "U-staging");
    BOOST_TEST(s.options.secret == the_secret);
    BOOST_TEST(s.options.ca_file == (dir / "certs/ca.pem").string());
    BOOST_TEST(s.options.proxy == "http://proxy.corp:3128");
    BOOST_TEST(s.options.no_proxy == "*");

    auto t = load_configuration({}, file(path, "tokened"));
    BOOST_TEST(t.options.access_token == the_token);
    BOOST_TEST(t.options.endpoint == "https://t.example");

    // FINOVY_PROFILE and FINOVY_CONFIG_FILE; the explicit profile beats the variable.
    set("FINOVY_CONFIG_FILE", path);
    set("FINOVY_PROFILE", "staging");
    BOOST_TEST(load_configuration().options.uuid == "U-staging");
    config_sources named;
    named.profile = "tokened";
    BOOST_TEST(load_configuration({}, named).options.access_token == the_token);
    // use_config_file = false reads no file.
    config_sources no_file;
    no_file.use_config_file = false;
    auto n = load_configuration({}, no_file);
    BOOST_TEST(n.options.uuid.empty());
    BOOST_TEST(n.file.empty());
}

BOOST_AUTO_TEST_CASE(the_default_file_and_profile)
{
    write(".config/finovy/config", "[profile default]\nuuid = U-home\n");
    auto c = load_configuration();
    BOOST_TEST(c.file_found);
    BOOST_TEST(c.options.uuid == "U-home");   // [profile default] is the default profile too

    // A file without a default section is fine while no profile is named.
    auto path = write("other", "[profile x]\nuuid = U-x\n");
    auto o = load_configuration({}, file(path));
    BOOST_TEST(o.file_found);
    BOOST_TEST(o.options.uuid.empty());
    // Named, "default" must exist too.
    BOOST_TEST(error_of({}, file(path, "default")).find("profile 'default' not found") != std::string::npos);
}

// Every setting from every combination of sources: the explicit value, else the environment's,
// else the profile's.
BOOST_AUTO_TEST_CASE(precedence_explicit_environment_profile)
{
    struct key
    {
        const char* ini;
        const char* var;
        std::optional<std::string> config_values::*given;
        std::string client_options::*result;
    };
    const key keys[] = {
        {"endpoint", "FINOVY_ENDPOINT", &config_values::endpoint, &client_options::endpoint},
        {"access_token", "FINOVY_ACCESS_TOKEN", &config_values::access_token, &client_options::access_token},
        {"uuid", "FINOVY_UUID", &config_values::uuid, &client_options::uuid},
        {"secret", "FINOVY_SECRET", &config_values::secret, &client_options::secret},
        {"ca_file", "FINOVY_CA_FILE", &config_values::ca_file, &client_options::ca_file},
        {"proxy", "https_proxy", &config_values::proxy, &client_options::proxy},
        {"no_proxy", "no_proxy", &config_values::no_proxy, &client_options::no_proxy},
    };
    for (const auto& k : keys)
        for (int mask = 0; mask < 8; ++mask)
        {
            bool in_explicit = mask & 1, in_env = mask & 2, in_profile = mask & 4;
            config_values v;
            if (in_explicit)
                v.*k.given = std::string("explicit-") + k.ini;
            ::unsetenv(k.var);
            if (in_env)
                set(k.var, std::string("env-") + k.ini);
            auto path = write("config", in_profile ? "[profile p]\n" + std::string(k.ini) + " = profile-" + k.ini + "\n"
                                                   : "[profile p]\n");
            auto c = load_configuration(v, file(path, "p"));
            std::string expected = in_explicit ? std::string("explicit-") + k.ini
                                   : in_env    ? std::string("env-") + k.ini
                                   : in_profile ? std::string("profile-") + k.ini
                                               : std::string(k.ini) == "endpoint" ? std::string(production_endpoint)
                                                                                   : std::string();
            const std::string& got = c.options.*k.result;
            BOOST_TEST(got == expected, k.ini << " mask " << mask);
            ::unsetenv(k.var);
        }
    // An empty explicit value is not given.
    set("FINOVY_UUID", "env-uuid");
    BOOST_TEST(load_configuration({.uuid = ""}).options.uuid == "env-uuid");
}

BOOST_AUTO_TEST_CASE(sandbox_rules)
{
    auto sandbox = std::string(sandbox_endpoint), production = std::string(production_endpoint);
    auto with_endpoint = write("e", "[default]\nendpoint = https://profile.example\n");
    auto with_sandbox = write("s", "[default]\nsandbox = yes\n");
    auto sandbox_off = write("o", "[default]\nsandbox = false\n");

    // One source with both is an error, whatever the source.
    auto e = error_of({.endpoint = "https://x.example", .sandbox = true}, {});
    BOOST_TEST(e.find("exclude each other") != std::string::npos, e);
    set("FINOVY_ENDPOINT", "https://env.example");
    set("FINOVY_SANDBOX", "1");
    e = error_of({}, {});
    BOOST_TEST(e.find("FINOVY_ENDPOINT and FINOVY_SANDBOX") != std::string::npos, e);
    ::unsetenv("FINOVY_ENDPOINT");
    ::unsetenv("FINOVY_SANDBOX");
    auto both = write("b", "[default]\nendpoint = https://profile.example\nsandbox = true\n");
    e = error_of({}, file(both));
    BOOST_TEST(e.find(both) != std::string::npos, e);
    BOOST_TEST(e.find("[default]") != std::string::npos, e);
    // Both, but sandbox = false: the endpoint.
    BOOST_TEST(load_configuration({.endpoint = "https://x.example", .sandbox = false}).options.endpoint ==
               "https://x.example");

    // Sandbox above an endpoint: the sandbox.
    BOOST_TEST(load_configuration({.sandbox = true}, file(with_endpoint)).options.endpoint == sandbox);
    set("FINOVY_SANDBOX", "true");
    BOOST_TEST(load_configuration({}, file(with_endpoint)).options.endpoint == sandbox);
    // An endpoint above a sandbox: the endpoint.
    BOOST_TEST(load_configuration({.endpoint = "https://x.example"}).options.endpoint == "https://x.example");
    ::unsetenv("FINOVY_SANDBOX");
    set("FINOVY_ENDPOINT", "https://env.example");
    BOOST_TEST(load_configuration({}, file(with_sandbox)).options.endpoint == "https://env.example");
    BOOST_TEST(load_configuration({.sandbox = true}, file(with_sandbox)).options.endpoint == sandbox);
    // sandbox = false cancels a sandbox below it, and leaves an endpoint below it alone.
    ::unsetenv("FINOVY_ENDPOINT");
    BOOST_TEST(load_configuration({.sandbox = false}, file(with_sandbox)).options.endpoint == production);
    set("FINOVY_SANDBOX", "0");
    BOOST_TEST(load_configuration({}, file(with_sandbox)).options.endpoint == production);
    BOOST_TEST(load_configuration({}, file(with_endpoint)).options.endpoint == "https://profile.example");
    set("FINOVY_SANDBOX", "1");
    BOOST_TEST(load_configuration({}, file(sandbox_off)).options.endpoint == sandbox);
    auto bad = write("bad", "[default]\nsandbox = " + std::string(the_secret) + "\n");
    e = error_of({}, file(bad));
    BOOST_TEST(e.find("sandbox must be true or false") != std::string::npos, e);
    BOOST_TEST(e.find(the_secret) == std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(credentials_given_last_replace_a_token_from_below)
{
    auto tokened = write("t", "[default]\naccess_token = " + std::string(the_token) + "\n");
    // uuid and secret above a token: the token is dropped, or the client would use it.
    auto c = load_configuration({.uuid = "U", .secret = the_secret}, file(tokened));
    BOOST_TEST(c.options.access_token.empty());
    BOOST_TEST(c.options.uuid == "U");
    set("FINOVY_SECRET", the_secret);   // the secret alone above it is enough
    c = load_configuration({}, file(tokened));
    BOOST_TEST(c.options.access_token.empty());
    BOOST_TEST(c.options.secret == the_secret);
    ::unsetenv("FINOVY_SECRET");
    // A token above uuid and secret, or beside them: kept, and they too (the token command uses them).
    auto creds = write("c", "[default]\nuuid = U\nsecret = " + std::string(the_secret) + "\n");
    c = load_configuration({.access_token = the_token}, file(creds));
    BOOST_TEST(c.options.access_token == the_token);
    BOOST_TEST(c.options.uuid == "U");
    BOOST_TEST(c.options.secret == the_secret);
    c = load_configuration({.access_token = the_token, .uuid = "U2"});
    BOOST_TEST(c.options.access_token == the_token);
    BOOST_TEST(c.options.uuid == "U2");
}

BOOST_AUTO_TEST_CASE(missing_and_invalid_files)
{
    auto missing = (dir / "nope").string();
    auto e = error_of({}, file(missing));   // named explicitly
    BOOST_TEST(e.find(missing) != std::string::npos, e);
    BOOST_TEST(e.find("No such file") != std::string::npos, e);
    set("FINOVY_CONFIG_FILE", missing);   // named by the environment
    BOOST_TEST(!error_of({}, {}).empty());
    ::unsetenv("FINOVY_CONFIG_FILE");
    BOOST_TEST(error_of({}, file(dir.string())).find("not a regular file") != std::string::npos);

    // Named profiles must exist, with or without a file.
    auto path = write("config", "[default]\nuuid = U\n[staging]\nuuid = S\n[profile empty]\n");
    e = error_of({}, file(path, "prod"));
    BOOST_TEST(e.find("profile 'prod' not found") != std::string::npos, e);
    e = error_of({}, file(path, "staging"));   // AWS's credentials-file spelling: a hint
    BOOST_TEST(e.find("[profile staging]") != std::string::npos, e);
    set("FINOVY_PROFILE", "prod");
    BOOST_TEST(error_of({}, file(path)).find("profile 'prod' not found") != std::string::npos);
    ::unsetenv("FINOVY_PROFILE");
    auto empty = load_configuration({}, file(path, "empty"));   // exists, without keys
    BOOST_TEST(empty.options.uuid.empty());
    config_sources no_file_profile;
    no_file_profile.profile = "staging";   // the default file is absent
    BOOST_TEST(error_of({}, no_file_profile).find("profile 'staging' not found") != std::string::npos);

    // Syntax errors give the file and line, never the line's text.
    auto broken = write("broken", "[default]\nuuid = U\n" + std::string(the_secret) + "\n");
    e = error_of({}, file(broken));
    BOOST_TEST(e.find(broken + ":3:") != std::string::npos, e);
    BOOST_TEST(e.find(the_secret) == std::string::npos, e);
    auto dup = write("dup", "[default]\nsecret = " + std::string(the_secret) + "\nsecret = x\n");
    e = error_of({}, file(dup));
    BOOST_TEST(e.find("duplicate") != std::string::npos, e);
    BOOST_TEST(e.find(the_secret) == std::string::npos, e);
    BOOST_TEST(error_of({}, file(write("bracket", "[default\nuuid = U\n"))).find("unmatched") != std::string::npos);
    BOOST_TEST(load_configuration({}, file(write("zero", ""))).file_found);
}

BOOST_AUTO_TEST_CASE(warnings_for_readable_secrets_and_unknown_keys)
{
    auto open_secret = write("open", "[default]\nuuid = U\nsecret = " + std::string(the_secret) + "\n",
                             fs::perms(0644));
    auto c = load_configuration({}, file(open_secret));
    BOOST_TEST(has_warning(c, "readable by others"));
    BOOST_TEST(has_warning(c, "chmod 600 " + open_secret));
    BOOST_TEST(has_warning(c, "0644"));
    // A token in another profile counts too: the file is readable all the same.
    auto group = write("group", "[default]\nuuid = U\n[profile x]\naccess_token = " + std::string(the_token) + "\n",
                       fs::perms(0640));
    BOOST_TEST(has_warning(load_configuration({}, file(group)), "chmod 600"));
    // Private, or without secrets: no warning.
    BOOST_TEST(load_configuration({}, file(write("private", "[default]\nsecret = x\n", fs::perms(0600)))).warnings.empty());
    BOOST_TEST(load_configuration({}, file(write("public", "[default]\nuuid = U\nsecret =\n", fs::perms(0644))))
                   .warnings.empty());

    auto typo = write("typo", "region = x\n[default]\nendpont = https://x.example\n");
    c = load_configuration({}, file(typo));
    BOOST_TEST(has_warning(c, "unknown key \"endpont\""));
    BOOST_TEST(has_warning(c, "key \"region\" outside any section"));
    BOOST_TEST(c.options.endpoint == std::string(production_endpoint));
}

BOOST_AUTO_TEST_CASE(no_message_shows_a_secret)
{
    std::vector<std::string> messages;
    auto collect = [&](const config_values& v, const config_sources& s) {
        try
        {
            auto c = load_configuration(v, s);
            messages.insert(messages.end(), c.warnings.begin(), c.warnings.end());
        }
        catch (const configuration_error& e)
        {
            messages.push_back(e.what());
        }
    };
    std::string s = the_secret, t = the_token;
    set("FINOVY_SECRET", s);
    set("FINOVY_ACCESS_TOKEN", t);
    collect({.access_token = t, .secret = s}, file(write("a", "[default]\nsecret = " + s + "\naccess_token = " + t +
                                                                  "\n" + s + " = " + t + "\n",
                                                              fs::perms(0666))));
    collect({}, file(write("b", "secret = " + s + "\n[default]\nsandbox = " + s + "\n")));
    collect({}, file(write("c", "[default]\n" + s + "\n")));
    collect({}, file(write("d", "[default]\nendpoint = https://" + t + "\nsandbox = 1\n")));
    collect({.endpoint = "https://" + t, .sandbox = true}, {});
    set("FINOVY_SANDBOX", s);
    collect({}, {});
    BOOST_TEST(messages.size() >= 6u);
    for (const auto& m : messages)
    {
        BOOST_TEST(m.find(s) == std::string::npos, m);
        BOOST_TEST(m.find(t) == std::string::npos, m);
    }
}

// Issue 18, defect 2: https_proxy is for https:// endpoints. Applied to an http:// endpoint
// (allow_insecure_http, a local simulator), it made the client's construction throw.
BOOST_AUTO_TEST_CASE(the_environments_proxy_applies_by_scheme)
{
    set("https_proxy", "http://proxy.corp:3128");
    set("FINOVY_ENDPOINT", "http://127.0.0.1:8080");
    auto c = load_configuration();
    BOOST_TEST(c.options.proxy.empty());
    c.options.allow_insecure_http = true;
    boost::asio::io_context io;
    BOOST_CHECK_NO_THROW(client(io, c.options));
    ::unsetenv("https_proxy");
    set("HTTPS_PROXY", "http://proxy.corp:3128");
    BOOST_TEST(load_configuration().options.proxy.empty());
    // An https:// endpoint, the default one included, goes through it.
    set("FINOVY_ENDPOINT", "https://api.example");
    BOOST_TEST(load_configuration().options.proxy == "http://proxy.corp:3128");
    ::unsetenv("FINOVY_ENDPOINT");
    BOOST_TEST(load_configuration().options.proxy == "http://proxy.corp:3128");
    BOOST_TEST(load_configuration({.endpoint = "http://127.0.0.1:1"}).options.proxy.empty());
    // A proxy given explicitly, or by the profile, is kept: the client then says it cannot be used.
    c = load_configuration({.endpoint = "http://127.0.0.1:1", .proxy = "http://explicit:3128"});
    BOOST_TEST(c.options.proxy == "http://explicit:3128");
    auto path = write("config", "[default]\nendpoint = http://127.0.0.1:1\nproxy = http://profile:3128\n");
    BOOST_TEST(load_configuration({}, file(path)).options.proxy == "http://profile:3128");
    c.options.allow_insecure_http = true;
    BOOST_CHECK_THROW(client(io, c.options), std::invalid_argument);
}

// Issue 18, defect 3: ';' and '#' start comments, inline ones too (after a space or a tab); a
// ';' or '#' inside a value (a secret, a URL's fragment) stays. The file has no quoting.
BOOST_AUTO_TEST_CASE(inline_comments_are_not_values)
{
    auto path = write("config", "[default] ; the production account\n"
                                "endpoint = https://default.example ; production\n"
                                "uuid = U-1\t# mine\n"
                                "secret = a#b;c\n"
                                "no_proxy = localhost,.internal   # the office\n"
                                "ca_file = ; none yet\n"
                                "sandbox = false # not the sandbox\n"
                                "proxy = http://proxy.corp:3128;# no space before: part of the value\n");
    auto c = load_configuration({}, file(path));
    BOOST_TEST(c.options.endpoint == "https://default.example");
    BOOST_TEST(c.options.uuid == "U-1");
    BOOST_TEST(c.options.secret == "a#b;c");
    BOOST_TEST(c.options.no_proxy == "localhost,.internal");
    BOOST_TEST(c.options.ca_file.empty());
    BOOST_TEST(c.options.proxy == "http://proxy.corp:3128;# no space before: part of the value");
    BOOST_TEST(c.warnings.empty());
    // A commented-out secret is no secret for the readable-file warning.
    auto open = write("open", "[default]\nuuid = U\nsecret = # to do\n", fs::perms(0644));
    BOOST_TEST(load_configuration({}, file(open)).warnings.empty());
    auto staging = write("staging", "[profile staging]\nsandbox = true ; the sandbox\n");
    BOOST_TEST(load_configuration({}, file(staging, "staging")).options.endpoint == std::string(sandbox_endpoint));
}

BOOST_AUTO_TEST_SUITE_END()
