// Separate compilation: part 1 of <finovy/src.hpp> (one list of the library's definitions).
#define FINOVY_SRC_PART 1
#include <finovy/src.hpp>
