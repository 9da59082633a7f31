// SPDX-License-Identifier: BSL-1.0
// Separate compilation: part 3 of <finovy/src.hpp> (one list of the library's definitions).
#define FINOVY_SRC_PART 3
#include <finovy/src.hpp>
