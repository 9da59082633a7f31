// SPDX-License-Identifier: BSL-1.0
/// \file
/// Build configuration of finovy-cpp.
///
/// By default the library is header-only: every public header includes its out-of-line
/// definitions (impl/\*.ipp). Define `FINOVY_SEPARATE_COMPILATION` (the `finovy::compiled` CMake
/// target does) and compile `<finovy/src.hpp>` once in one translation unit, or link
/// `finovy::compiled`, to build the heavy code only once.
#ifndef FINOVY_CONFIG_HPP
#define FINOVY_CONFIG_HPP

/// \cond FINOVY_INTERNAL
#ifdef FINOVY_SEPARATE_COMPILATION
#define FINOVY_DECL
#else
#define FINOVY_DECL inline
#define FINOVY_HEADER_ONLY 1
#endif
/// \endcond

// The release, as in CMake's project(VERSION), which checks at configure time that they agree.
#define FINOVY_VERSION_MAJOR 0   ///< The library's major version.
#define FINOVY_VERSION_MINOR 1   ///< The library's minor version.
#define FINOVY_VERSION_PATCH 0   ///< The library's patch version.
/// The library's version, "MAJOR.MINOR.PATCH".
#define FINOVY_VERSION_STRING "0.1.0"

#endif
