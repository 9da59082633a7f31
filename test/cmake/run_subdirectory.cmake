# SPDX-License-Identifier: BSL-1.0
# ctest: configures, builds and runs a project that adds finovy-cpp with add_subdirectory.
file(REMOVE_RECURSE "${WORK_DIR}")
execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${WORK_DIR}" -G Ninja -DCMAKE_BUILD_TYPE=Debug
                        "-DFINOVY_SOURCE_DIR=${FINOVY_SOURCE_DIR}" ${LAUNCHER}
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configure failed")
endif()
# Builds only what the consumer needs: the app and the compiled library.
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${WORK_DIR}" --target app RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "build failed")
endif()
execute_process(COMMAND "${WORK_DIR}/app" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "app failed")
endif()
