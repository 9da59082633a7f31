# SPDX-License-Identifier: BSL-1.0
# Writes a program's man page from its --help with help2man, so that the page says what --help
# says (cmake/FinovyManPages.cmake runs it at build time):
#   cmake -DHELP2MAN=... -DPROGRAM=... -DNAME=... -DDESCRIPTION=... -DVERSION=... -DOUTPUT=...
#         [-DINCLUDE=static.h2m] [-DCOMMANDS=ON] -P man_page.cmake
# INCLUDE holds sections written once (ENVIRONMENT, FILES, SEE ALSO). COMMANDS (the finovy tool)
# adds a section COMMANDS with the help of each command that `PROGRAM help` lists.
set(extra "${OUTPUT}.h2m")
set(text "")
if(INCLUDE)
  file(READ "${INCLUDE}" text)
endif()

# Help text as roff: verbatim lines, '-' kept a minus sign (options stay copyable), and no line
# read as a request.
function(as_roff in out)
  string(REPLACE "\\" "\\e" in "${in}")
  string(REPLACE "-" "\\-" in "${in}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" in "${in}")
  set(${out} ".nf\n${in}.fi\n" PARENT_SCOPE)
endfunction()

if(COMMANDS)
  execute_process(COMMAND "${PROGRAM}" help OUTPUT_VARIABLE usage RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "${PROGRAM} help failed")
  endif()
  # The commands: the lines after "Commands:" up to the first empty one, e.g.
  # "  hosts get ID...           show hosts": the lower-case words before the arguments.
  string(REGEX MATCH "Commands:\n([^\n]+\n)+" block "${usage}")
  string(REPLACE ";" "," block "${block}")
  string(REPLACE "\n" ";" lines "${block}")
  string(APPEND text "[COMMANDS]\nEach command's options, as \\fBfinovy help\\fR \\fICOMMAND\\fR prints them.\n")
  foreach(line IN LISTS lines)
    if(NOT line MATCHES "^  ([a-z]+)( [a-z]+)?")
      continue()
    endif()
    set(words ${CMAKE_MATCH_1})
    if(CMAKE_MATCH_2)
      string(STRIP "${CMAKE_MATCH_2}" sub)
      list(APPEND words ${sub})
    endif()
    execute_process(COMMAND "${PROGRAM}" help ${words} OUTPUT_VARIABLE help RESULT_VARIABLE rc)
    if(rc)
      message(FATAL_ERROR "${PROGRAM} help ${words} failed")
    endif()
    list(JOIN words " " title)
    as_roff("${help}" help)
    string(APPEND text ".SS \"${title}\"\n${help}")
  endforeach()
endif()
file(WRITE "${extra}" "${text}")

execute_process(COMMAND "${HELP2MAN}" --no-info --locale C.UTF-8 --section 1 --name "${DESCRIPTION}" --version-string "${VERSION}"
                        --include "${extra}" --output "${OUTPUT}" "${PROGRAM}"
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "help2man failed for ${PROGRAM}")
endif()
# The help holds Chinese (渲大师): say the page is UTF-8, as man-db reads it from the first line.
file(READ "${OUTPUT}" page)
file(WRITE "${OUTPUT}" "'\\\" -*- coding: UTF-8 -*-\n${page}")
