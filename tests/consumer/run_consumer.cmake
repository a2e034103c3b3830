# Builds and runs one consumer project the way a user would (see CMakeLists.txt next to this).
#   cmake -DMODE=find_package|add_subdirectory -DQSCORE_SOURCE_DIR=<src> -DQSCORE_BINARY_DIR=<build>
#         -DWORK=<scratch dir> -DGENERATOR=<generator> -DCXX=<compiler> [-DJOBS=2]
#         -P run_consumer.cmake
# find_package: installs the qscore build tree into WORK/prefix (cmake --install), then builds
# tests/consumer/find_package against that prefix. add_subdirectory: builds
# tests/consumer/add_subdirectory, which builds qscore from QSCORE_SOURCE_DIR itself.
foreach(var MODE QSCORE_SOURCE_DIR QSCORE_BINARY_DIR WORK GENERATOR CXX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_consumer.cmake needs -D${var}=...")
  endif()
endforeach()
if(NOT DEFINED JOBS)
  set(JOBS 2)
endif()

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${what} failed (${status}):\n${ARGN}\n${output}\n${errors}")
  endif()
  message(STATUS "${what}: ok")
  set(last_output "${output}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(configure_args -S "${QSCORE_SOURCE_DIR}/tests/consumer/${MODE}" -B "${WORK}/build"
    -G "${GENERATOR}" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_COMPILER=${CXX}")

if(MODE STREQUAL "find_package")
  run("install qscore into ${WORK}/prefix"
      "${CMAKE_COMMAND}" --install "${QSCORE_BINARY_DIR}" --prefix "${WORK}/prefix")
  file(GLOB config "${WORK}/prefix/lib*/cmake/qscore/qscore-config.cmake")
  if(NOT EXISTS "${WORK}/prefix/include/qscore/qscore.hpp" OR NOT config)
    message(FATAL_ERROR "the install lacks include/qscore/qscore.hpp or lib/cmake/qscore/qscore-config.cmake")
  endif()
  file(GLOB_RECURSE yaml_in_headers "${WORK}/prefix/include/qscore/*")
  foreach(header IN LISTS yaml_in_headers)
    file(STRINGS "${header}" yaml_include REGEX "#include[ ]*[<\"]yaml-cpp")
    if(yaml_include)
      message(FATAL_ERROR "installed header ${header} includes yaml-cpp")
    endif()
  endforeach()
  list(APPEND configure_args "-DCMAKE_PREFIX_PATH=${WORK}/prefix")
elseif(MODE STREQUAL "add_subdirectory")
  list(APPEND configure_args "-DQSCORE_SOURCE_DIR=${QSCORE_SOURCE_DIR}")
else()
  message(FATAL_ERROR "MODE must be find_package or add_subdirectory, not '${MODE}'")
endif()

run("configure the ${MODE} consumer" "${CMAKE_COMMAND}" ${configure_args})
if(MODE STREQUAL "find_package")
  # The package found must be the one just installed, not another qscore on this machine.
  file(STRINGS "${WORK}/build/CMakeCache.txt" found REGEX "^qscore_DIR:")
  if(NOT found MATCHES "=${WORK}/prefix/")
    message(FATAL_ERROR "find_package(qscore) did not use ${WORK}/prefix: ${found}")
  endif()
endif()
run("build the ${MODE} consumer" "${CMAKE_COMMAND}" --build "${WORK}/build" -j ${JOBS})
run("run the ${MODE} consumer" "${WORK}/build/consumer")
message(STATUS "${last_output}")
