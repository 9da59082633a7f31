# Warnings for the project's own targets (not applied to consumers).
function(finovy_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow=local
                                           -Wno-missing-field-initializers
                                           -Wno-restrict   # GCC 12 false positives in std::string (PR 105329)
                                           -Wno-subobject-linkage)   # and for lambdas in coroutine frames
endfunction()
