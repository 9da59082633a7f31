# SPDX-License-Identifier: BSL-1.0
# Warnings for the project's own targets (not applied to consumers).
function(finovy_warnings target)
  # The GCC-only ones are left out for clang (the fuzz preset), in an order that keeps GCC's
  # command lines, and so ccache's entries, as they were.
  set(gnu $<CXX_COMPILER_ID:GNU>)
  target_compile_options(${target} PRIVATE -Wall -Wextra $<${gnu}:-Wshadow=local>
                                           -Wno-missing-field-initializers
                                           $<${gnu}:-Wno-restrict>   # GCC 12 false positives in std::string (PR 105329)
                                           $<${gnu}:-Wno-subobject-linkage>)   # and for lambdas in coroutine frames
endfunction()
