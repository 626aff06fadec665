#include "fortigate/fabric/faz_link_session.h"

#include <sstream>

namespace fabric::fortigate {

FazLinkSession::FazLinkSession(DeviceInfo device, std::size_t max_buffered_lines, std::size_t batch_lines)
    : device_(std::move(device)), max_lines_(max_buffered_lines), batch_lines_(batch_lines ? batch_lines : 1) {}

std::size_t FazLinkSession::inflightLines() const {
  std::size_t n = 0;
  for (const auto& b : inflight_) n += b.lines.size();
  return n;
}

void FazLinkSession::enqueueLine(std::string line) {
  unsent_.push_back(std::move(line));
  while (unsent_.size() + inflightLines() > max_lines_ && !unsent_.empty()) {
    unsent_.pop_front();
    ++dropped_lines_;
  }
}

nlohmann::json FazLinkSession::onConnected() {
  for (auto it = inflight_.rbegin(); it != inflight_.rend(); ++it)
    for (auto l = it->lines.rbegin(); l != it->lines.rend(); ++l) unsent_.push_front(std::move(*l));
  inflight_.clear();
  seq_ = 0;
  connected_ = true;
  registered_ = false;
  return {{"type", "hello"}, {"serial", device_.serial}, {"hostname", device_.hostname}, {"version", device_.version}};
}

void FazLinkSession::onDisconnected(const std::string& reason) {
  connected_ = false;
  registered_ = false;
  last_down_reason_ = reason;
}

std::optional<nlohmann::json> FazLinkSession::nextLogs() {
  if (!connected_ || unsent_.empty()) return std::nullopt;
  Batch b{++seq_, {}};
  while (!unsent_.empty() && b.lines.size() < batch_lines_) {
    b.lines.push_back(std::move(unsent_.front()));
    unsent_.pop_front();
  }
  nlohmann::json m = {{"type", "logs"}, {"seq", b.seq}, {"lines", b.lines}};
  inflight_.push_back(std::move(b));
  return m;
}

FazInbound FazLinkSession::onMessage(const nlohmann::json& m) {
  FazInbound in;
  if (!m.is_object() || !m.contains("type") || !m["type"].is_string()) {
    in.error = "message without a string \"type\"";
    return in;
  }
  const auto& type = m["type"].get_ref<const std::string&>();
  if (type == "hello-ack") {
    if (m.contains("serial") && m["serial"].is_string()) faz_serial_ = m["serial"].get<std::string>();
    registered_ = m.contains("registered") && m["registered"].is_boolean() && m["registered"].get<bool>();
    return in;
  }
  if (type == "logs-ack") {
    if (!m.contains("seq") || !m["seq"].is_number_integer() || m["seq"].get<long long>() < 0) {
      in.error = "logs-ack without an unsigned \"seq\"";
      return in;
    }
    const auto seq = m["seq"].get<std::uint64_t>();
    if (seq > seq_) {
      in.error = "logs-ack for seq " + std::to_string(seq) + " that was never sent (last " + std::to_string(seq_) + ")";
      return in;
    }
    while (!inflight_.empty() && inflight_.front().seq <= seq) {
      acked_lines_ += inflight_.front().lines.size();
      inflight_.pop_front();
    }
    return in;
  }
  if (type == "ioc") {
    IocEvent e;
    in.error = parseIocNotification(m, e);
    // An ioc with an id is acknowledged even when refused: resending a broken notification cannot fix it.
    if (m.contains("id") && (m["id"].is_string() || m["id"].is_number_integer()))
      in.replies.push_back({{"type", "ioc-ack"}, {"id", m["id"]}});
    if (in.error.empty()) {
      ++ioc_received_;
      in.ioc = std::move(e);
    }
    return in;
  }
  in.error = "unknown message type \"" + type + "\" from the FortiAnalyzer";
  return in;
}

std::string FazLinkSession::statusText() const {
  std::ostringstream o;
  o << "FortiAnalyzer link: " << (connected_ ? "up" : "down");
  if (!faz_serial_.empty()) o << ", analyzer " << faz_serial_ << (registered_ ? " (registered)" : " (not registered)");
  if (!connected_ && !last_down_reason_.empty()) o << ", last failure: " << last_down_reason_;
  o << "\nlogs: unsent " << unsent_.size() << ", in flight " << inflightLines() << ", acknowledged " << acked_lines_
    << ", dropped " << dropped_lines_ << "\nioc notifications received: " << ioc_received_ << "\n";
  return o.str();
}

}  // namespace fabric::fortigate
