# Dependencies: Debian packages only (scripts/setup-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Catch2 2 REQUIRED)
# LZ4 (liblz4-dev): the analyzer's log segments compress each block (fortianalyzer/store).
find_package(PkgConfig REQUIRED)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)

# Standalone Asio (libasio-dev) is header-only and ships no CMake package.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(fabric_asio INTERFACE)
target_include_directories(fabric_asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
target_compile_definitions(fabric_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED)
target_link_libraries(fabric_asio INTERFACE Threads::Threads OpenSSL::SSL OpenSSL::Crypto)

# cpp-httplib (libcpp-httplib-dev) with OpenSSL. Include it only in the few files that adapt bytes
# (common/http/*.cpp). Debian 12 ships the "split" build: httplib.h holds declarations only and the
# implementation is the shared library libcpp-httplib.so (built with OpenSSL, zlib and brotli; the
# zlib/brotli defines only add internal compressor classes, so they are not needed here). A
# header-only httplib.h (no library found) works too.
find_path(HTTPLIB_INCLUDE_DIR httplib.h REQUIRED)
find_library(HTTPLIB_LIBRARY cpp-httplib)
add_library(fabric_httplib INTERFACE)
target_include_directories(fabric_httplib SYSTEM INTERFACE ${HTTPLIB_INCLUDE_DIR})
target_compile_definitions(fabric_httplib INTERFACE CPPHTTPLIB_OPENSSL_SUPPORT)
target_link_libraries(fabric_httplib INTERFACE Threads::Threads OpenSSL::SSL OpenSSL::Crypto)
if(HTTPLIB_LIBRARY)
  target_link_libraries(fabric_httplib INTERFACE ${HTTPLIB_LIBRARY})
endif()
