# fabric_add_subdirs(): add every direct subfolder that holds a CMakeLists.txt, in sorted order,
# so that components and test folders are picked up without editing a shared list.
function(fabric_add_subdirs)
  file(GLOB children RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*/CMakeLists.txt)
  list(SORT children)
  foreach(child ${children})
    get_filename_component(dir ${child} DIRECTORY)
    add_subdirectory(${dir})
  endforeach()
endfunction()

# Test code (never the product libraries it links) builds for a short build: with the optimizing
# build types it is compiled -Og (about half the compile time of -O2, still debuggable), and every
# test translation unit reuses one precompiled header of Catch2, nlohmann/json and the standard
# library (tests/test_pch.h), compiled once by fabric_test_pch. The product code keeps the build
# type's flags. Catch2's main is compiled once too (fabric_catch_main, tests/CMakeLists.txt).
set(FABRIC_TEST_COMPILE_OPTIONS $<$<CONFIG:Release,RelWithDebInfo,MinSizeRel>:-Og>)
set(FABRIC_TEST_DEFINITIONS
  FABRIC_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
  FABRIC_BIN_DIR="${CMAKE_BINARY_DIR}/bin"
  FABRIC_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
file(WRITE ${CMAKE_BINARY_DIR}/fabric_test_pch.cpp "// The translation unit that builds the tests' precompiled header.\n")
add_library(fabric_test_pch OBJECT ${CMAKE_BINARY_DIR}/fabric_test_pch.cpp)
target_link_libraries(fabric_test_pch PRIVATE Catch2::Catch2 nlohmann_json::nlohmann_json)
target_compile_options(fabric_test_pch PRIVATE ${FABRIC_TEST_COMPILE_OPTIONS})
target_compile_definitions(fabric_test_pch PRIVATE ${FABRIC_TEST_DEFINITIONS})
target_precompile_headers(fabric_test_pch PRIVATE ${PROJECT_SOURCE_DIR}/tests/test_pch.h)

# fabric_add_test(NAME name SOURCES ... LIBS ... [LABELS ...] [TIMEOUT s])
# One Catch2 (v2) executable, one ctest entry. The shared main lives in tests/catch_main.cpp.
function(fabric_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  set_target_properties(${T_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${T_NAME} PRIVATE fabric_catch_main Catch2::Catch2 ${T_LIBS})
  # Shared test helpers are included as "tests/support/…".
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_definitions(${T_NAME} PRIVATE ${FABRIC_TEST_DEFINITIONS})
  target_compile_options(${T_NAME} PRIVATE ${FABRIC_TEST_COMPILE_OPTIONS})
  target_precompile_headers(${T_NAME} REUSE_FROM fabric_test_pch)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "${T_LABELS}")
endfunction()

# fabric_add_fuzzer(NAME name SOURCES ... LIBS ... CORPUS dir)
# With FABRIC_FUZZ=ON: a libFuzzer binary. Otherwise: the same LLVMFuzzerTestOneInput linked with
# the corpus replay driver (tests/fuzz/replay_main.cpp, compiled once as fabric_fuzz_replay), and a
# ctest entry that replays the committed corpus through it. Fuzz targets keep the product flags.
if(NOT FABRIC_FUZZ)
  add_library(fabric_fuzz_replay STATIC ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cpp)
endif()
function(fabric_add_fuzzer)
  cmake_parse_arguments(F "" "NAME;CORPUS" "SOURCES;LIBS" ${ARGN})
  add_executable(${F_NAME} ${F_SOURCES})
  set_target_properties(${F_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
  target_link_libraries(${F_NAME} PRIVATE ${F_LIBS})
  target_include_directories(${F_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  if(FABRIC_FUZZ)
    target_link_options(${F_NAME} PRIVATE -fsanitize=fuzzer)
  else()
    target_link_libraries(${F_NAME} PRIVATE fabric_fuzz_replay)
    add_test(NAME ${F_NAME}_corpus COMMAND ${F_NAME} ${F_CORPUS})
    set_tests_properties(${F_NAME}_corpus PROPERTIES TIMEOUT 300 LABELS fuzz)
  endif()
endfunction()
