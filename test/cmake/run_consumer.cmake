# SPDX-License-Identifier: BSL-1.0
# ctest: installs the build into a temporary prefix, then
# 1. configures, builds and runs a consumer project that finds it with
#    find_package(finovy CONFIG REQUIRED);
# 2. compiles and links a program with `pkg-config --cflags --libs finovy` alone, and runs it.
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
