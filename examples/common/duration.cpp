// SPDX-License-Identifier: BSL-1.0
// The one duration syntax (duration.hpp).
#include "duration.hpp"

#include <boost/program_options/errors.hpp>
#include <boost/program_options/value_semantic.hpp>

#include <cctype>
#include <cmath>
#include <sstream>

namespace example {

std::chrono::milliseconds read_duration(std::string_view text_view, std::string& why)
{
    const std::string text(text_view);
    why.clear();
    double total_ms = 0;
    std::size_t i = 0;
    bool any = false;
    while (i < text.size())
    {
        std::size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
            ++i;
        std::string number = text.substr(start, i - start);
        std::size_t ustart = i;
        while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])))
            ++i;
        std::string unit = text.substr(ustart, i - ustart);
        double n = 0;
        std::istringstream is(number);
        if (number.empty() || !(is >> n) || !is.eof())
        {
            why = "'" + text + "' is not a duration (examples: 500ms, 30s, 2m, 1h, 1m30s)";
            return {};
        }
        if (unit.empty())
        {
            why = "'" + text + "' has no unit; write " + number + "s (or " + number + "ms, " + number + "m, " + number +
                  "h)";
            return {};
        }
        if (unit == "min")   // provisiond's earlier spelling
            unit = "m";
        double scale = unit == "ms" ? 1 : unit == "s" ? 1e3 : unit == "m" ? 60e3 : unit == "h" ? 3600e3 : 0;
        if (scale == 0)
        {
            why = "'" + text + "': unknown unit '" + unit + "' (use ms, s, m or h)";
            return {};
        }
        total_ms += n * scale;
        any = true;
    }
    if (!any)
    {
        why = "an empty duration (examples: 500ms, 30s, 2m, 1h)";
        return {};
    }
    if (total_ms < 1 || total_ms > 1e11)   // 1e11 ms: three years
    {
        why = "'" + text + "' is out of range (1ms to 27000h)";
        return {};
    }
    return std::chrono::milliseconds(static_cast<long long>(std::llround(total_ms)));
}

void validate(boost::any& v, const std::vector<std::string>& values, duration*, int)
{
    namespace po = boost::program_options;
    po::validators::check_first_occurrence(v);
    const auto& text = po::validators::get_single_string(values);
    std::string why;
    auto d = read_duration(text, why);
    if (!why.empty())   // program_options puts the option's name in
        throw po::error_with_option_name("option '%canonical_option%': " + why);
    v = duration{d};
}

}   // namespace example
