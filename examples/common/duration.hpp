// SPDX-License-Identifier: BSL-1.0
// The one duration syntax of the finovy tool, provisiond and the examples: a sequence of
// <number><unit>, units ms, s, m (minutes) and h, as in 500ms, 30s, 2m, 1h, 1m30s, 1.5s. A bare
// number is refused: "30" could mean seconds or milliseconds. "min" is read as "m", so that
// provisiond's earlier "10min" still works; the documented spelling is "m".
#ifndef FINOVY_EXAMPLE_DURATION_HPP
#define FINOVY_EXAMPLE_DURATION_HPP

#include <boost/any.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace example {

// Parses `text` (1 ms to 27,000 h); on failure returns 0 and says why in `why` (else empty).
std::chrono::milliseconds read_duration(std::string_view text, std::string& why);

// A duration option's value for Boost.Program_options: po::value<example::duration>().
struct duration
{
    std::chrono::milliseconds value{0};
};

// Found by argument-dependent lookup: program_options calls it to read a duration option, and
// puts the option's name in the error it throws.
void validate(boost::any& v, const std::vector<std::string>& values, duration*, int);

}   // namespace example

#endif
