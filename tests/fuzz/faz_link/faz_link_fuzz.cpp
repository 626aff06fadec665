// Fuzz target: the analyzer's FortiGate link handler. Input: one JSON message per line, fed in
// order to one link (lines starting with '!' are "the pipeline committed seq N"). Oracles: no
// crash; acks only for seqs that were submitted, never decreasing, never twice; nothing submitted
// or sent after the link is closed; submitted lines are exactly the message's lines.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "fortianalyzer/daemon/fortigate_link_handler.h"

using namespace fabric::faz;
using json = nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  FazConfig config;
  config.devices["FGT1"] = RegisteredDevice{"FGT1", "", ""};
  if (size > 0) config.unregistered = static_cast<UnregisteredDeviceOption>(data[0] % 3);
  LinkContext ctx{"FAZ1", &config};
  FortiGateLinkState state;
  std::set<std::uint64_t> submitted;
  std::uint64_t last_ack = 0;

  auto checkAck = [&](const json& ack) {
    std::uint64_t seq = ack.at("seq").get<std::uint64_t>();
    if (seq <= last_ack) std::abort();
    if (seq > state.last_seq) std::abort();
    last_ack = seq;
  };

  while (!input.empty()) {
    std::size_t nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);
    if (!line.empty() && line[0] == '!') {
      std::uint64_t seq = std::strtoull(std::string(line.substr(1)).c_str(), nullptr, 10);
      if (auto ack = onLogsCommitted(state, seq)) checkAck(*ack);
      continue;
    }
    json message = json::parse(line, nullptr, false);
    if (message.is_discarded()) continue;
    bool wasClosed = state.phase == FortiGateLinkState::Phase::kClosed;
    LinkActions a = handleLinkMessage(state, message, ctx);
    if (wasClosed && (a.submit || !a.send.empty())) std::abort();
    if (a.submit) {
      if (!submitted.insert(a.submit->seq).second) std::abort();
      const json& lines = message.at("lines");
      if (lines.size() != a.submit->lines.size()) std::abort();
      for (std::size_t i = 0; i < lines.size(); ++i)
        if (lines[i].get<std::string>() != a.submit->lines[i]) std::abort();
    }
    for (const auto& out : a.send)
      if (out.at("type") == "logs-ack") checkAck(out);
  }
  return 0;
}
