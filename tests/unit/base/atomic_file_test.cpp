#include "common/base/atomic_file.h"

#include <catch2/catch.hpp>
#include <filesystem>

namespace fs = std::filesystem;

TEST_CASE("writeFileAtomically replaces the whole file and leaves no temporary behind") {
  auto dir = fs::temp_directory_path() / ("fabric-atomic-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto file = dir / "fgt.conf";
  REQUIRE(fabric::writeFileAtomically(file, "first\n").empty());
  REQUIRE(fabric::writeFileAtomically(file, "second\n", 0600).empty());
  CHECK(*fabric::readFile(file) == "second\n");
  CHECK((fs::status(file).permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir)) ++entries;
  CHECK(entries == 1);
  fs::remove_all(dir);
}

TEST_CASE("writeFileAtomically reports the failing step") {
  auto err = fabric::writeFileAtomically("/nonexistent-dir/x.conf", "x");
  CHECK(err.find("cannot create") != std::string::npos);
  CHECK_FALSE(fabric::readFile("/nonexistent-dir/x.conf").has_value());
}
