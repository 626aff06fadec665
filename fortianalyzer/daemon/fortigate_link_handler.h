#pragma once
// The FortiAnalyzer side of the FortiGate link (docs/protocols.md "FortiGate ↔ FortiAnalyzer"):
// a pure function of (message, link state, analyzer context) → actions. No socket, no pipeline:
// the daemon carries out the actions (send, submit lines to the ingest pipeline, close), and calls
// onLogsCommitted() when the pipeline reports a seq committed, so `logs-ack` never precedes the
// commit.
//
// Rules:
//   hello      first message; `serial` 1..35 printable characters, equal to the certificate's
//              serialNumber when the certificate has one. Answered with hello-ack {serial of the
//              analyzer, registered}. An unregistered device is served according to unreg_dev_opt.
//   logs       `seq` (integer > the link's previous seq), `lines` (array of strings, at most
//              kMaxLinesPerMessage). Lines are submitted with the seq; the ack follows the commit.
//              An empty `lines` is acked as soon as everything before it is.
//   ioc-ack    `id` of a notification the analyzer sent; clears it from the outbox.
//   heartbeat  handled by the link layer; ignored here if it arrives.
// A malformed message (not an object, missing/mistyped field, logs before hello, a second hello)
// closes the link with a specific reason; the FortiGate reconnects and resends what was not acked.
// An unknown `type` is counted and ignored (a newer peer).

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fortianalyzer/daemon/faz_config.h"

namespace fabric::faz {

inline constexpr std::size_t kMaxLinesPerMessage = 10000;

struct FortiGateLinkState {
  enum class Phase { kAwaitHello, kReady, kClosed };
  Phase phase = Phase::kAwaitHello;
  std::string peer_address;
  std::string certificate_serial;  // from the verified certificate ("" when it has none)
  std::string serial;              // from hello
  std::string hostname;
  std::string version;
  bool registered = false;
  bool service = false;  // logs accepted and IoC notifications sent
  std::uint64_t last_seq = 0;   // highest logs seq received
  std::uint64_t acked_seq = 0;  // highest logs-ack sent
  struct Pending {
    std::uint64_t seq;
    bool empty;
  };
  std::deque<Pending> pending;  // submitted logs messages not yet acked, in seq order
  std::uint64_t log_messages = 0;
  std::uint64_t log_lines = 0;
  std::uint64_t refused_lines = 0;  // add_no_service: lines not accepted
  std::uint64_t ioc_acks = 0;
  std::uint64_t unknown_messages = 0;
};

struct LinkContext {
  std::string analyzer_serial;
  const FazConfig* config = nullptr;
};

struct LinkActions {
  std::vector<nlohmann::json> send;
  struct Submit {
    std::uint64_t seq = 0;
    std::vector<std::string> lines;
  };
  std::optional<Submit> submit;  // lines to hand to the ingest pipeline under `seq`
  std::optional<std::string> ioc_acked;  // id the FortiGate acknowledged
  bool hello_accepted = false;   // the link just became ready (resend pending notifications)
  std::string close_reason;      // non-empty: close the link with this reason
  std::string note;              // something worth a log line ("unknown message type 'x'")
};

LinkActions handleLinkMessage(FortiGateLinkState& state, const nlohmann::json& message,
                              const LinkContext& context);

// The pipeline committed every line this link submitted up to `seq`: the logs-ack to send, if any.
std::optional<nlohmann::json> onLogsCommitted(FortiGateLinkState& state, std::uint64_t seq);

// Whether IoC notifications go to this link.
inline bool wantsNotifications(const FortiGateLinkState& state) {
  return state.phase == FortiGateLinkState::Phase::kReady && state.service;
}

}  // namespace fabric::faz
