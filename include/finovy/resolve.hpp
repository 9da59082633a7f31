// SPDX-License-Identifier: BSL-1.0
/// \file
/// Kept for code written against earlier versions: id-resolving creates are in create.hpp.
#ifndef FINOVY_RESOLVE_HPP
#define FINOVY_RESOLVE_HPP

#include <finovy/create.hpp>

#endif
