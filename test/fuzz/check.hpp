// SPDX-License-Identifier: BSL-1.0
// What the fuzz targets assert: a broken invariant aborts with a message, under libFuzzer
// (which then saves the input) and in the corpus replays alike, NDEBUG or not.
#ifndef FINOVY_TEST_FUZZ_CHECK_HPP
#define FINOVY_TEST_FUZZ_CHECK_HPP

#include <cstdio>
#include <cstdlib>

#define FINOVY_FUZZ_CHECK(cond, ...)                                                       \
    do                                                                                     \
    {                                                                                      \
        if (!(cond))                                                                       \
        {                                                                                  \
            std::fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
            std::fprintf(stderr, __VA_ARGS__);                                             \
            std::fputc('\n', stderr);                                                      \
            std::abort();                                                                  \
        }                                                                                  \
    } while (false)

#endif
