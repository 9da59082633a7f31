# SPDX-License-Identifier: BSL-1.0
# ctest api_reference_overloads: each asynchronous function of the given headers is documented for
# itself (issue 19): a doc comment of its own (no member group sharing one text between
# overloads), which says what `co_await` returns and throws (\awaits, \awaits_void or \hub_awaits,
# docs/Doxyfile.in), mentions `ctx` only on the overload that takes a call_context, and says what
# `ctx` does on that one.
#   cmake -DHEADERS="a.hpp;b.hpp" -P check_api_docs.cmake
set(failures "")
set(checked 0)
foreach(header IN LISTS HEADERS)
  file(READ "${header}" text)
  string(REPLACE ";" "<semicolon>" text "${text}")   # CMake lists split on ';'
  if(text MATCHES "///@\\{")
    string(APPEND failures "${header}: a member group (///@{) shares one comment between overloads\n")
  endif()
  # Each doc comment ("/**" to "*/"), and the declaration after it: "template <...>\n auto async_x(".
  string(REPLACE "/**" ";" chunks "${text}")
  list(REMOVE_AT chunks 0)
  foreach(chunk IN LISTS chunks)
    string(FIND "${chunk}" "*/" doc_end)
    string(SUBSTRING "${chunk}" 0 ${doc_end} doc)
    math(EXPR code_start "${doc_end} + 2")
    string(SUBSTRING "${chunk}" ${code_start} -1 code)
    if(NOT code MATCHES "^\n[ ]*template <[^\n]*\n[ ]*auto (async_[a-z_]+)\\(([^{]*)")
      continue()
    endif()
    set(name "${CMAKE_MATCH_1}")
    set(declaration "${CMAKE_MATCH_2}")
    math(EXPR checked "${checked} + 1")
    if(NOT doc MATCHES "\\\\(awaits|awaits_void|hub_awaits)")
      string(APPEND failures "${header}: ${name}: no \\awaits (what co_await returns and throws)\n")
    endif()
    if(declaration MATCHES "call_context")
      if(NOT doc MATCHES "`ctx`|ctx_call")
        string(APPEND failures "${header}: ${name} (with a call_context): says nothing of ctx\n")
      endif()
    elseif(doc MATCHES "[^a-z_]ctx[^a-z_]")
      string(APPEND failures "${header}: ${name} (without a call_context): mentions ctx\n")
    endif()
  endforeach()
endforeach()
if(checked LESS 40)
  string(APPEND failures "only ${checked} documented asynchronous functions found: the pattern no longer matches the headers\n")
endif()
if(failures)
  message(FATAL_ERROR "${failures}")
endif()
message(STATUS "${checked} asynchronous functions, each documented for itself")
