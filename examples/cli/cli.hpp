// SPDX-License-Identifier: BSL-1.0
// The finovy command-line tool: shared declarations of its parts.
//
//   spec.cpp      the command and option tables, help, bash completion, durations
//   main.cpp      the command line, global settings, printing the outcome
//   commands.cpp  helpers shared by the commands, catalog, token, dispatch
//   hosts.cpp     hosts commands        disks.cpp  disks commands
//   output.cpp    tables, error documents, progress on stderr
#ifndef FINOVY_CLI_HPP
#define FINOVY_CLI_HPP

#include "../common/duration.hpp"
#include "../common/settings.hpp"

#include <finovy.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <boost/program_options.hpp>

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace cli {

namespace po = boost::program_options;
namespace json = boost::json;

enum exit_code : int
{
    ok = 0,
    failure = 1,   // API or transport error
    usage = 2,
    timed_out = 3,   // a wait ran out of time
};

// A usage error: the message goes to stderr with a hint, and the tool exits with 2. The same type
// as the shared settings' (../common/settings.hpp), which throw it too.
using example::usage_error;

// --- the tables (spec.cpp) ---------------------------------------------------------------------

// A duration option's value: "500ms", "30s", "2m", "1h", "1m30s", the syntax every program here
// shares (../common/duration.hpp; program_options reads it through example::validate()).
using example::duration;
// Parses `text`; throws usage_error with a hint (a bare number has no unit) naming `option`.
std::chrono::milliseconds parse_duration(const std::string& text, const std::string& option);

enum class arg_kind
{
    flag,       // no value
    text,
    file,       // a path: completed as file names
    integer,
    duration,
};

struct option_spec
{
    const char* name;   // "package", or "yes,y" with a short form
    arg_kind kind = arg_kind::flag;
    const char* value_name = "";   // shown in help: --package P
    const char* help = "";
    bool required = false;
    const char* default_value = nullptr;   // as text
    std::vector<std::string> choices = {};   // for completion and help
};

struct command_spec
{
    std::string command, sub, args, about;
    int min_ids = 0, max_ids = 0;   // -1: any number
    std::vector<option_spec> options;

    std::string name() const { return sub.empty() ? command : command + " " + sub; }
};

const std::vector<command_spec>& commands();
const std::vector<option_spec>& global_option_specs();
// The commands that group subcommands: hosts, disks.
bool is_group(const std::string& word);
// The command named by `words` ("hosts", "create"), or null.
const command_spec* find_command(const std::vector<std::string>& words);

po::options_description describe(const std::vector<option_spec>& specs, const std::string& caption);
void print_usage(std::ostream& os);                                  // finovy --help, finovy help
void print_group_usage(std::ostream& os, const std::string& group);   // finovy hosts --help, finovy help hosts
void print_command_usage(std::ostream& os, const command_spec& c);    // finovy hosts create --help
void print_version(std::ostream& os, bool json);
std::string bash_completion();

// --- running -------------------------------------------------------------------------------------

struct globals
{
    finovy::client_options client;
    bool json = false;
    bool verbose = false;
    bool headers = true;                                 // --no-headers: false
    std::optional<std::chrono::milliseconds> timeout;   // --timeout: calls and waits
};

// What a command produced: a table (text) or one JSON document, and the exit code.
// Failures have one shape in every command: a line per failure on stderr ("finovy: error:
// [ID: ]what happened (category:code)"), the same error object in JSON (error_json), and, for
// the commands that take several ids, the table ID RESULT with a row "error: ..." per failed id.
struct outcome
{
    std::string text;
    json::value doc;
    int exit = ok;
};

// One command line, after the global options: "hosts start A B --wait" is
// {command "hosts", sub "start", ids {A, B}, options {--wait}}.
struct invocation
{
    std::string command, sub;
    std::vector<std::string> ids;
    po::variables_map vm;
};

boost::asio::awaitable<outcome> run(const globals& g, const invocation& inv);

// --- printing (output.cpp) -----------------------------------------------------------------------
// The models' JSON is the SDK's: boost::json::value_from, finovy::to_json, printed by
// finovy::to_json_text (no exponents).
json::value error_json(const finovy::error_code& ec, const finovy::diagnostics& d);
// Aligned columns; rows[0] holds the headers, left out when `headers` is false.
std::string table(const std::vector<std::vector<std::string>>& rows, bool headers = true);
std::string iso_time(finovy::time_point t);

// Progress of long operations on stderr. On a terminal: a live block, a line per object (or one
// line of counts by status when there are too many to draw); otherwise plain lines when a status
// changes. Objects may be added as they become known (update() with a new id).
class progress
{
public:
    progress(std::vector<std::string> ids, bool enabled);
    ~progress();   // end()
    progress(const progress&) = delete;
    progress& operator=(const progress&) = delete;

    void set_title(std::string title);   // a first line, e.g. "created 3 of 5 hosts"
    void update(const std::string& id, const std::string& status);
    void finish(const std::string& id, const std::string& result);
    void tick();   // redraws the terminal block (its clock)
    void end();    // the last drawing
    bool on_terminal() const noexcept { return enabled_ && tty_; }

private:
    struct line
    {
        std::string id, status;
        bool done = false;
    };
    line& find(const std::string& id);
    void redraw(bool force);
    void plain(const std::string& what);
    double elapsed() const;

    std::vector<line> lines_;
    std::string title_;
    std::chrono::steady_clock::time_point start_, last_draw_{};
    bool enabled_, tty_;
    bool ended_ = false;
    std::size_t drawn_ = 0;   // terminal lines drawn last time
};

}   // namespace cli

#endif
