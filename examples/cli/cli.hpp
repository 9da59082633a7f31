// The finovy command-line tool: shared declarations of its parts.
#ifndef FINOVY_CLI_HPP
#define FINOVY_CLI_HPP

#include <finovy.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <boost/program_options.hpp>

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

// A usage error: the message goes to stderr with a hint, and the tool exits with 2.
struct usage_error : std::runtime_error
{
    using std::runtime_error::runtime_error;
};

struct globals
{
    finovy::client_options client;
    bool json = false;
    bool verbose = false;
    std::optional<std::chrono::milliseconds> timeout;   // --timeout: calls and waits
};

// What a command produced: a table (text) or one JSON document, and the exit code.
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

// Printing. The models' JSON is the SDK's: boost::json::value_from, finovy::to_json,
// printed by finovy::to_json_text (no exponents).
json::value error_json(const finovy::error_code& ec, const finovy::diagnostics& d);
std::string table(const std::vector<std::vector<std::string>>& rows);   // first row: headers
std::string iso_time(finovy::time_point t);

// Progress of waits on stderr: a live line per host on a terminal, plain lines otherwise.
class progress
{
public:
    progress(std::vector<std::string> ids, bool enabled);
    void update(const std::string& id, const std::string& status);
    void finish(const std::string& id, const std::string& result);

private:
    void redraw();
    struct line
    {
        std::string id, status;
        bool done = false;
    };
    std::vector<line> lines_;
    std::chrono::steady_clock::time_point start_;
    bool enabled_, tty_;
    bool drawn_ = false;
};

}   // namespace cli

#endif
