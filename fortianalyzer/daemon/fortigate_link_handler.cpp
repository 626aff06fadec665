#include "fortianalyzer/daemon/fortigate_link_handler.h"

namespace fabric::faz {
namespace {

using json = nlohmann::json;

LinkActions closeWith(FortiGateLinkState& state, std::string reason) {
  state.phase = FortiGateLinkState::Phase::kClosed;
  LinkActions actions;
  actions.close_reason = std::move(reason);
  return actions;
}

bool printableId(const std::string& text, std::size_t max) {
  if (text.empty() || text.size() > max) return false;
  for (unsigned char c : text)
    if (c <= 0x20 || c >= 0x7f) return false;
  return true;
}

// Optional string field: absent is fine, any other type is not.
bool optionalString(const json& message, const char* key, std::string& out) {
  auto it = message.find(key);
  if (it == message.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  out = it->get<std::string>();
  return true;
}

LinkActions onHello(FortiGateLinkState& state, const json& message, const LinkContext& context) {
  if (state.phase != FortiGateLinkState::Phase::kAwaitHello)
    return closeWith(state, "second hello on the link");
  auto serial = message.find("serial");
  if (serial == message.end() || !serial->is_string())
    return closeWith(state, "hello without a string 'serial'");
  std::string s = serial->get<std::string>();
  if (!printableId(s, 35)) return closeWith(state, "hello serial must be 1..35 printable characters");
  if (!state.certificate_serial.empty() && state.certificate_serial != s)
    return closeWith(state, "hello serial '" + s + "' does not match the certificate serial '" +
                                state.certificate_serial + "'");
  std::string hostname, version;
  if (!optionalString(message, "hostname", hostname) || hostname.size() > 64)
    return closeWith(state, "hello 'hostname' must be a string of at most 64 characters");
  if (!optionalString(message, "version", version) || version.size() > 64)
    return closeWith(state, "hello 'version' must be a string of at most 64 characters");

  state.serial = std::move(s);
  state.hostname = std::move(hostname);
  state.version = std::move(version);
  state.registered = context.config && context.config->isRegistered(state.serial);
  UnregisteredDeviceOption option =
      context.config ? context.config->unregistered : UnregisteredDeviceOption::kAddAllowService;

  LinkActions actions;
  actions.send.push_back(
      json{{"type", "hello-ack"}, {"serial", context.analyzer_serial}, {"registered", state.registered}});
  if (!state.registered && option == UnregisteredDeviceOption::kIgnore) {
    state.phase = FortiGateLinkState::Phase::kClosed;
    actions.close_reason = "device " + state.serial + " is not registered (unreg_dev_opt ignore)";
    return actions;
  }
  state.service = state.registered || option == UnregisteredDeviceOption::kAddAllowService;
  state.phase = FortiGateLinkState::Phase::kReady;
  actions.hello_accepted = true;
  if (!state.registered)
    actions.note = "unregistered device " + state.serial + " connected (" +
                   (state.service ? "add_allow_service" : "add_no_service") + ")";
  return actions;
}

LinkActions onLogs(FortiGateLinkState& state, const json& message) {
  if (state.phase != FortiGateLinkState::Phase::kReady) return closeWith(state, "logs before hello");
  auto seq = message.find("seq");
  if (seq == message.end() || !seq->is_number_integer() ||
      (!seq->is_number_unsigned() && seq->get<std::int64_t>() < 0))
    return closeWith(state, "logs without a non-negative integer 'seq'");
  std::uint64_t n = seq->get<std::uint64_t>();
  if (n <= state.last_seq)
    return closeWith(state, "logs seq " + std::to_string(n) + " is not above the previous seq " +
                                std::to_string(state.last_seq));
  auto lines = message.find("lines");
  if (lines == message.end() || !lines->is_array())
    return closeWith(state, "logs without an array 'lines'");
  if (lines->size() > kMaxLinesPerMessage)
    return closeWith(state, "logs message with " + std::to_string(lines->size()) +
                                " lines exceeds the limit of " + std::to_string(kMaxLinesPerMessage));
  for (std::size_t i = 0; i < lines->size(); ++i)
    if (!(*lines)[i].is_string())
      return closeWith(state, "logs lines[" + std::to_string(i) + "] is not a string");

  state.last_seq = n;
  ++state.log_messages;
  LinkActions actions;
  if (!state.service) {
    // add_no_service: the device is listed, its logs are not accepted and never acked.
    state.refused_lines += lines->size();
    return actions;
  }
  state.log_lines += lines->size();
  if (lines->empty()) {
    if (state.pending.empty()) {
      state.acked_seq = n;
      actions.send.push_back(json{{"type", "logs-ack"}, {"seq", n}});
    } else {
      state.pending.push_back({n, true});
    }
    return actions;
  }
  LinkActions::Submit submit;
  submit.seq = n;
  submit.lines.reserve(lines->size());
  for (const auto& line : *lines) submit.lines.push_back(line.get<std::string>());
  state.pending.push_back({n, false});
  actions.submit = std::move(submit);
  return actions;
}

LinkActions onIocAck(FortiGateLinkState& state, const json& message) {
  if (state.phase != FortiGateLinkState::Phase::kReady) return closeWith(state, "ioc-ack before hello");
  auto id = message.find("id");
  if (id == message.end() || !id->is_string() || id->get_ref<const std::string&>().empty())
    return closeWith(state, "ioc-ack without a string 'id'");
  ++state.ioc_acks;
  LinkActions actions;
  actions.ioc_acked = id->get<std::string>();
  return actions;
}

}  // namespace

LinkActions handleLinkMessage(FortiGateLinkState& state, const json& message, const LinkContext& context) {
  if (state.phase == FortiGateLinkState::Phase::kClosed) return {};
  if (!message.is_object()) return closeWith(state, "message is not a JSON object");
  auto type = message.find("type");
  if (type == message.end() || !type->is_string()) return closeWith(state, "message without a string 'type'");
  const std::string& t = type->get_ref<const std::string&>();
  if (t == "hello") return onHello(state, message, context);
  if (state.phase == FortiGateLinkState::Phase::kAwaitHello && t != "heartbeat")
    return closeWith(state, "expected hello, got '" + t.substr(0, 32) + "'");
  if (t == "logs") return onLogs(state, message);
  if (t == "ioc-ack") return onIocAck(state, message);
  if (t == "heartbeat") return {};
  ++state.unknown_messages;
  LinkActions actions;
  actions.note = "unknown message type '" + t.substr(0, 32) + "' ignored";
  return actions;
}

std::optional<json> onLogsCommitted(FortiGateLinkState& state, std::uint64_t seq) {
  std::optional<std::uint64_t> ack;
  while (!state.pending.empty() && state.pending.front().seq <= seq) {
    ack = state.pending.front().seq;
    state.pending.pop_front();
  }
  // Empty logs messages queued behind the committed ones are acked with them.
  while (ack && !state.pending.empty() && state.pending.front().empty) {
    ack = state.pending.front().seq;
    state.pending.pop_front();
  }
  if (!ack || *ack <= state.acked_seq || state.phase == FortiGateLinkState::Phase::kClosed) return std::nullopt;
  state.acked_seq = *ack;
  return json{{"type", "logs-ack"}, {"seq", *ack}};
}

}  // namespace fabric::faz
