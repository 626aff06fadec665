// Fuzz target of the scenario parser: no input crashes it, every error names a line inside the
// text, and a parsed scenario survives format -> parse unchanged (apart from line numbers).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scenarios/lab/scenario.h"

using namespace fabric::lab;

namespace {
Scenario withoutLines(Scenario s) {
  for (auto& e : s.endpoints) e.line = e.line == 0 ? 0 : 1;
  for (auto& step : s.steps) step.line = 0;
  return s;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto outcome = parseScenario(text);
  if (auto* error = std::get_if<ScenarioError>(&outcome)) {
    std::size_t lines = 1;
    for (char c : text) lines += c == '\n';
    if (error->line < 1 || static_cast<std::size_t>(error->line) > lines || error->message.empty()) std::abort();
    return 0;
  }
  const auto& scenario = std::get<Scenario>(outcome);
  auto again = parseScenario(formatScenario(scenario));
  if (!std::holds_alternative<Scenario>(again)) std::abort();
  if (!(withoutLines(std::get<Scenario>(again)) == withoutLines(scenario))) std::abort();
  return 0;
}
