# ctest: installs the build into a temporary prefix, then configures, builds and runs a
# consumer project that finds it with find_package(finovy CONFIG REQUIRED).
set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "install failed")
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
