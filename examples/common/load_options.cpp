// SPDX-License-Identifier: BSL-1.0
// example::load_options(): the examples' settings from the command line, the environment and the
// profile (example.hpp), through the flags every program here shares (settings.hpp).
#include "example.hpp"
#include "settings.hpp"

#include <boost/program_options/parsers.hpp>

#include <cstdlib>
#include <filesystem>

finovy::client_options example::load_options(int argc, char** argv)
{
    const std::string name = argc > 0 ? std::filesystem::path(argv[0]).filename().string() : "example";
    po::options_description shown("Usage: " + name +
                                  " [options]\n\nThe client's settings (a flag wins over the variables shown, which win "
                                  "over the profile's keys)");
    shown.add_options()("help,h", "print this help and exit");
    shown.add(setting_options());
    po::options_description all;
    all.add(shown).add(hidden_setting_options());
    try
    {
        po::variables_map vm;
        po::store(po::command_line_parser(argc, argv).options(all).run(), vm);
        if (vm.count("help"))
        {
            std::cout << shown << '\n';
            std::exit(0);
        }
        auto cfg = load_settings(vm);
        for (const auto& w : cfg.warnings)
            std::cerr << name << ": warning: " << w << '\n';
        if (!has_credentials(cfg.options))
            throw usage_error(missing_credentials_message());
        return cfg.options;
    }
    catch (const std::exception& e)   // usage_error, finovy::configuration_error, program_options' errors
    {
        std::cerr << name << ": " << e.what() << "\n(see " << name << " --help)\n";
        std::exit(2);
    }
}
