# SPDX-License-Identifier: BSL-1.0
# ctest: installs the build into a temporary prefix, checks what a user finds there (the programs,
# the documentation, the man pages), then
# 1. configures, builds and runs a consumer project that finds it with
#    find_package(finovy CONFIG REQUIRED);
# 2. compiles and links a program with `pkg-config --cflags --libs finovy` alone, and runs it;
# 3. the same with `pkg-config --cflags --libs finovy-sim`: a test that starts the simulator in-process.
set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "install failed")
endif()

# Only what users need is installed: no example programs besides the finovy tool.
file(GLOB installed_programs RELATIVE "${prefix}/bin" "${prefix}/bin/*")
list(SORT installed_programs)
if(NOT installed_programs STREQUAL "finovy;finovy-sim")
  message(FATAL_ERROR "bin/ holds ${installed_programs}, not finovy;finovy-sim")
endif()

# The documentation the README and `finovy --help` point to: the guides and the CLI reference in
# share/doc/finovy, and the man pages of the installed programs (none for provisiond, an example
# that is not installed).
foreach(doc README.md CHANGELOG.md LICENSE docs/README.md docs/cli.md docs/getting-started.md
            docs/migrating.md docs/retries-and-mutation-safety.md docs/configuration-and-observability.md)
  if(NOT EXISTS "${prefix}/share/doc/finovy/${doc}")
    message(FATAL_ERROR "share/doc/finovy/${doc} is not installed")
  endif()
endforeach()
file(GLOB man_pages RELATIVE "${prefix}/share/man/man1" "${prefix}/share/man/man1/*")
list(SORT man_pages)
if(NOT man_pages STREQUAL "finovy-sim.1;finovy.1")
  message(FATAL_ERROR "share/man/man1 holds '${man_pages}', not finovy-sim.1;finovy.1 (help2man missing? scripts/install-deps)")
endif()
find_program(MAN man REQUIRED)
foreach(page ${man_pages})
  execute_process(COMMAND "${MAN}" -l "${prefix}/share/man/man1/${page}" OUTPUT_VARIABLE text RESULT_VARIABLE rc)
  if(rc OR NOT text MATCHES "SYNOPSIS")
    message(FATAL_ERROR "man -l share/man/man1/${page} failed:\n${text}")
  endif()
endforeach()

execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${WORK_DIR}/build" -G Ninja
                        -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_PREFIX_PATH=${prefix}" ${LAUNCHER}
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configure failed")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${WORK_DIR}/build" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "build failed")
endif()
foreach(app app_header_only app_compiled app_sim)
  execute_process(COMMAND "${WORK_DIR}/build/${app}" RESULT_VARIABLE rc)
  if(rc)
    message(FATAL_ERROR "${app} failed")
  endif()
endforeach()

# pkg-config: the .pc file is found below the prefix's libdir, whatever the prefix.
find_program(PKG_CONFIG pkg-config REQUIRED)
file(GLOB_RECURSE pc_files "${prefix}/*/finovy.pc")
list(LENGTH pc_files n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one installed finovy.pc, found: ${pc_files}")
endif()
get_filename_component(pc_dir "${pc_files}" DIRECTORY)
set(ENV{PKG_CONFIG_PATH} "${pc_dir}")
execute_process(COMMAND "${PKG_CONFIG}" --modversion finovy OUTPUT_VARIABLE pc_version
                OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(rc OR NOT pc_version STREQUAL VERSION)
  message(FATAL_ERROR "pkg-config --modversion finovy: '${pc_version}', expected ${VERSION}")
endif()
execute_process(COMMAND "${PKG_CONFIG}" --cflags --libs finovy OUTPUT_VARIABLE pc_flags
                OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "pkg-config --cflags --libs finovy failed")
endif()
message(STATUS "pkg-config --cflags --libs finovy: ${pc_flags}")
separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
execute_process(COMMAND ${LAUNCHER_PROGRAM} "${CXX}" "${SOURCE_DIR}/pkgconfig_main.cpp"
                        -o "${WORK_DIR}/app_pkgconfig" ${pc_flags}
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "compiling and linking with pkg-config's flags failed")
endif()
execute_process(COMMAND "${WORK_DIR}/app_pkgconfig" "${VERSION}" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "app_pkgconfig failed")
endif()

# pkg-config for the simulator's library: its flags alone build a program that starts the
# simulator in-process and calls it with the client (finovy-sim requires finovy).
execute_process(COMMAND "${PKG_CONFIG}" --cflags --libs finovy-sim OUTPUT_VARIABLE pc_sim_flags
                OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "pkg-config --cflags --libs finovy-sim failed")
endif()
message(STATUS "pkg-config --cflags --libs finovy-sim: ${pc_sim_flags}")
separate_arguments(pc_sim_flags UNIX_COMMAND "${pc_sim_flags}")
execute_process(COMMAND ${LAUNCHER_PROGRAM} "${CXX}" "${SOURCE_DIR}/sim_main.cpp" -o "${WORK_DIR}/app_pkgconfig_sim"
                        ${pc_sim_flags}
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "compiling and linking sim_main.cpp with pkg-config's flags for finovy-sim failed")
endif()
execute_process(COMMAND "${WORK_DIR}/app_pkgconfig_sim" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "app_pkgconfig_sim failed")
endif()
