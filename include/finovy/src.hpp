// SPDX-License-Identifier: BSL-1.0
/// \file
/// The library's out-of-line definitions, for builds with `FINOVY_SEPARATE_COMPILATION`.
///
/// Compile this header in exactly one translation unit of a program that defines
/// `FINOVY_SEPARATE_COMPILATION` everywhere (or link the `finovy::compiled` CMake target).
///
/// Every public header X.hpp has its out-of-line definitions in impl/X.ipp (which includes the
/// internal .ipp files it needs, once); this is the one list of them. `FINOVY_SRC_PART` (1 to 3)
/// compiles a third of it, so that a build can spread the library over several translation units
/// (src/part*.cpp); without it, everything.
#ifndef FINOVY_SRC_HPP
#define FINOVY_SRC_HPP

#ifndef FINOVY_SEPARATE_COMPILATION
#error "<finovy/src.hpp> is for FINOVY_SEPARATE_COMPILATION builds; header-only builds need no source file"
#endif

#if !defined(FINOVY_SRC_PART) || FINOVY_SRC_PART == 1
// The client: its calls, the pool, the transport and the wires. The heaviest part.
#include <finovy/impl/client.ipp>
#endif

#if !defined(FINOVY_SRC_PART) || FINOVY_SRC_PART == 2
// Composed operations: waits, the watch hub, whole listings, creates.
#include <finovy/impl/create.ipp>
#include <finovy/impl/create_journal.ipp>
#include <finovy/impl/listing.ipp>
#include <finovy/impl/reconcile.ipp>
#include <finovy/impl/wait.ipp>
#include <finovy/impl/watch_hub.ipp>
#endif

#if !defined(FINOVY_SRC_PART) || FINOVY_SRC_PART == 3
// Models, errors, decoding, JSON and configuration (Boost.JSON and Boost.PropertyTree only).
#include <finovy/impl/configuration.ipp>
#include <finovy/impl/decode.ipp>
#include <finovy/impl/diagnostics.ipp>
#include <finovy/impl/enums.ipp>
#include <finovy/impl/error.ipp>
#include <finovy/impl/json.ipp>
#include <finovy/impl/metrics.ipp>
#include <finovy/impl/models.ipp>
#endif

#endif
