// Feeds untrusted JSON to the FortiGate's fabric message handlers: the telemetry handler (register,
// status) of the endpoint registry, and the analyzer link session (hello-ack, logs-ack, ioc). The
// first byte picks the handler; the rest is the JSON text. Nothing may crash or throw, and a refused
// message must leave the registry unchanged.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <unistd.h>
#include <string>

#include <nlohmann/json.hpp>

#include "common/base/clock.h"
#include "fortigate/fabric/endpoint_registry.h"
#include "fortigate/fabric/faz_link_session.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) return 0;
  static fabric::ManualClock clock;
  fabric::fortigate::DeviceInfo device{"FGVM01TM26000001", "FGT", "v6.0.4", 0};
  if (data[0] & 1) {
    fabric::fortigate::EndpointRegistry registry(device, clock);
    const auto before = registry.size();
    auto out = registry.handleMessage(1, {"127.0.0.1", ""}, json);
    if (!out.error.empty() && registry.size() != before) __builtin_trap();
    registry.recordList();
    registry.handleMessage(1, {"127.0.0.1", ""}, json);
    registry.linkClosed(1, "fuzz");
  } else {
    // One buffer for the whole run: files per input would make the fuzzer crawl.
    static fabric::logship::DiskLogBuffer buffer(std::filesystem::temp_directory_path() /
                                                ("fuzz-faz-logbuf-" + std::to_string(::getpid())), 1 << 20);
    fabric::fortigate::FazLinkSession session(device, buffer, 4);
    if (buffer.pendingLines() == 0) session.enqueueLine("a");  // only after an ack committed it
    session.onConnected();
    session.nextLogs();
    session.onMessage(json);
    session.statusText();
  }
  return 0;
}
