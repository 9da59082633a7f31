// SPDX-License-Identifier: BSL-1.0
// Text from the server kept in diagnostics, bounded: an envelope's msg goes into describe(),
// error_with_diagnostics::what() and log lines, and a server may send megabytes of it. Pure
// functions, unit-tested (bounds_test.cpp).
#ifndef FINOVY_IMPL_INTERNAL_CLIPPED_TEXT_HPP
#define FINOVY_IMPL_INTERNAL_CLIPPED_TEXT_HPP

#include <cstddef>
#include <string>

namespace finovy::detail {

inline constexpr std::size_t max_api_message_bytes = 1024;   // the API's are a few words
inline constexpr std::size_t max_trace_id_bytes = 256;       // the API's are 32 characters or so

// `s` when it has at most `max_bytes` bytes; else its first `max_bytes` at most, cut before a UTF-8
// character (never inside one: the rest stays valid UTF-8), and "... (N bytes)" saying how long
// it was.
inline std::string clip_text(std::string s, std::size_t max_bytes)
{
    if (s.size() <= max_bytes)
        return s;
    const auto whole = s.size();
    std::size_t cut = max_bytes;
    // Back over continuation bytes (10xxxxxx) to the start of the character the cut falls in; at
    // most 3, as in valid UTF-8 (text that is not UTF-8 is cut where it is).
    for (int k = 0; k < 3 && cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80; ++k)
        --cut;
    if ((static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
        cut = max_bytes;
    s.resize(cut);
    s += "... (" + std::to_string(whole) + " bytes)";
    return s;
}

}   // namespace finovy::detail

#endif
