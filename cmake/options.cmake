# Build options (osquery's cmake/options.cmake is the model).
#   FABRIC_SANITIZE=address  -> ASan + UBSan
#   FABRIC_SANITIZE=thread   -> TSan
#   FABRIC_FUZZ=ON           -> fuzz targets linked with libFuzzer (needs clang); otherwise the same
#                               targets are built with a corpus-replay driver and run by ctest.
set(FABRIC_SANITIZE "" CACHE STRING "Sanitizer build: '', 'address' (ASan+UBSan) or 'thread' (TSan)")
option(FABRIC_FUZZ "Link fuzz targets with libFuzzer (clang only)" OFF)
option(FABRIC_WERROR "Treat warnings as errors" OFF)

add_compile_options(-Wall -Wextra -Wno-unused-parameter)
if(FABRIC_WERROR)
  add_compile_options(-Werror)
endif()

if(FABRIC_SANITIZE STREQUAL "address")
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
elseif(FABRIC_SANITIZE STREQUAL "thread")
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
elseif(NOT FABRIC_SANITIZE STREQUAL "")
  message(FATAL_ERROR "FABRIC_SANITIZE must be '', 'address' or 'thread'")
endif()

if(FABRIC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "FABRIC_FUZZ=ON needs clang (CXX=clang++-14)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Link with lld (Debian package lld, installed by scripts/setup-deps.sh) when the compiler takes it:
# the ~65 test, fuzz and daemon executables carry debug info, and GNU ld spends several times as
# long on each. -DFABRIC_LLD=OFF keeps the default linker.
option(FABRIC_LLD "Link with lld when available" ON)
if(FABRIC_LLD)
  include(CheckLinkerFlag)
  check_linker_flag(CXX -fuse-ld=lld FABRIC_HAVE_LLD)
  if(FABRIC_HAVE_LLD)
    add_link_options(-fuse-ld=lld)
  endif()
endif()

# ccache unless a launcher was chosen (-DCMAKE_CXX_COMPILER_LAUNCHER= turns it off). Translation
# units that use a precompiled header (tests, common/net) are cached only with this sloppiness.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT DEFINED CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER env CCACHE_SLOPPINESS=pch_defines,time_macros ${CCACHE_PROGRAM})
endif()
