// Feeds arbitrary scripts to a FortiGate CLI session and to Engine::load. Must never crash, hang
// or leak, and keeps these invariants:
//  - a failed command leaves the saved configuration unchanged;
//  - whatever the session committed, save() reloads into a fresh engine and saves identically.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "common/config/engine.h"
#include "fortigate/schema/fortigate_schema.h"

namespace {

std::shared_ptr<const fabric::config::Schema> schema() {
  static auto s = fabric::fortigate::makeFortiGateSchema();
  return s;
}

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string key = "0123456789abcdef0123456789abcdef";

  fabric::config::Engine engine(schema(), "FGT", key);
  auto session = engine.openSession();
  size_t start = 0;
  while (start <= input.size()) {
    size_t end = input.find('\n', start);
    std::string_view line = input.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    const std::string before = engine.save();
    auto result = session->execute(line);
    if (!result.ok()) {
      check(engine.save() == before);
      check(result.output.find("Command fail. Return code ") != std::string::npos);
    }
    (void)session->prompt();
    if (end == std::string_view::npos) break;
    start = end + 1;
  }

  const std::string saved = engine.save();
  fabric::config::Engine reloaded(schema(), "FGT", key);
  auto loaded = reloaded.load(saved);
  check(loaded.ok());
  check(reloaded.save() == saved);

  fabric::config::Engine direct(schema(), "FGT", key);
  const std::string pristine = direct.save();
  if (!direct.load(input).ok()) check(direct.save() == pristine);
  return 0;
}
