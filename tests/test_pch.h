// The precompiled header of every test translation unit (fabric_add_test, cmake/helpers.cmake):
// what nearly all of them include, parsed once per build instead of once per file. A test still
// includes what it uses; this list only makes it faster.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>
