# SPDX-License-Identifier: BSL-1.0
# Man pages made at build time from the programs' --help by Debian's help2man (scripts/install-deps
# installs it), with the sections written once in docs/man/NAME.h2m: so a page cannot disagree
# with the program's own help. The pages go to build/.../man/NAME.1; the test man_pages renders
# them with `man -l`.
find_program(FINOVY_HELP2MAN help2man)
if(NOT FINOVY_HELP2MAN)
  message(WARNING "help2man not found: no man pages, and the test man_pages fails (scripts/install-deps installs it)")
endif()
set(FINOVY_MAN_PAGES "" CACHE INTERNAL "the man pages made")

# finovy_man_page(TARGET NAME DESCRIPTION [COMMANDS] [INSTALL])
function(finovy_man_page target name description)
  cmake_parse_arguments(M "COMMANDS;INSTALL" "" "" ${ARGN})
  if(NOT FINOVY_HELP2MAN OR CMAKE_CROSSCOMPILING)
    return()
  endif()
  set(out ${PROJECT_BINARY_DIR}/man/${name}.1)
  set(include ${PROJECT_SOURCE_DIR}/docs/man/${name}.h2m)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DHELP2MAN=${FINOVY_HELP2MAN} -DPROGRAM=$<TARGET_FILE:${target}> -DNAME=${name}
            -DDESCRIPTION=${description} -DVERSION=${PROJECT_VERSION} -DOUTPUT=${out} -DINCLUDE=${include}
            -DCOMMANDS=${M_COMMANDS} -P ${PROJECT_SOURCE_DIR}/cmake/man_page.cmake
    DEPENDS ${target} ${include} ${PROJECT_SOURCE_DIR}/cmake/man_page.cmake
    COMMENT "Generating the man page ${name}(1) from ${name} --help"
    VERBATIM)
  add_custom_target(${name}-man-page ALL DEPENDS ${out})
  if(M_INSTALL)
    install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
  endif()
  set(FINOVY_MAN_PAGES ${FINOVY_MAN_PAGES} ${out} CACHE INTERNAL "the man pages made")
endfunction()
