// Fuzz target of the agent's message handlers: one input is a sequence of messages separated by
// newlines; the first byte of each line picks where it comes from (e = EMS, f = FortiGate,
// c = control socket), the rest is parsed as JSON and handed to EndpointCore / handleControl.
// Nothing may crash, and the persisted quarantine state must stay loadable.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/base/clock.h"
#include "forticlient/control_protocol.h"
#include "forticlient/endpoint_core.h"

using namespace fabric::forticlient;

namespace {

struct CountingSink final : fabric::logship::LogSink {
  std::size_t lines = 0;
  std::string append(const std::vector<std::string>& batch) override {
    lines += batch.size();
    return {};
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("fct-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(std::filesystem::temp_directory_path() /
                                      ("fct-fuzz-" + std::to_string(::getpid())), ec);
    });
    return d;
  }();
  std::filesystem::remove(dir / "q.json");
  fabric::ManualClock clock;
  CountingSink sink;
  EndpointCore windows(fleetIdentity("fuzz", 0, Os::kWindows, "127.1.0.1"), QuarantineStore(dir / "q.json"),
                       sink, clock);
  EndpointCore linux_ep(fleetIdentity("fuzz", 1, Os::kLinux, "127.1.0.2"), QuarantineStore(dir / "l.json"),
                        sink, clock);
  std::vector<EndpointCore*> cores = {&windows, &linux_ep};
  std::string input(reinterpret_cast<const char*>(data), size);
  std::size_t pos = 0;
  while (pos < input.size()) {
    auto end = input.find('\n', pos);
    if (end == std::string::npos) end = input.size();
    std::string line = input.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line.begin() + 1, line.end(), nullptr, false);
    if (j.is_discarded()) continue;
    switch (line[0]) {
      case 'e':
        windows.onEmsMessage(j);
        linux_ep.onEmsMessage(j);
        break;
      case 'f':
        windows.onFortigateMessage("FGT-A", j);
        break;
      default:
        handleControl(j, cores);
        break;
    }
    (void)windows.status().dump();
  }
  // The state on disk is always one the agent can restart from.
  (void)QuarantineStore(dir / "q.json").load();
  std::filesystem::remove(dir / "l.json");
  return 0;
}
