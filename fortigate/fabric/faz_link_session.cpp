#include "fortigate/fabric/faz_link_session.h"

#include <sstream>

namespace fabric::fortigate {

namespace {
constexpr std::size_t kBatchBytes = 256 * 1024;
}

FazLinkSession::FazLinkSession(DeviceInfo device, logship::DiskLogBuffer& buffer, std::size_t batch_lines)
    : device_(std::move(device)), buffer_(buffer), batch_lines_(batch_lines ? batch_lines : 1) {}

FazLinkSession::Enqueued FazLinkSession::enqueueLines(const std::vector<std::string>& lines) {
  return outcome(buffer_.append(lines));
}

FazLinkSession::Enqueued FazLinkSession::stageLines(const std::vector<std::string>& lines,
                                                    logship::StagedAppend& out) {
  auto error = buffer_.stage(lines, out);
  // Only a refusal is an outcome now; an accepted stage is reported by finishStaged().
  if (error.empty()) return {};
  return outcome(std::move(error));
}

FazLinkSession::Enqueued FazLinkSession::finishStaged(const logship::StagedAppend& staged,
                                                      const std::string& write_error) {
  buffer_.finishStaged(staged, write_error);
  return outcome(write_error);
}

FazLinkSession::Enqueued FazLinkSession::outcome(std::string error) {
  Enqueued out;
  out.error = std::move(error);
  if (out.error.empty()) {
    refusing_ = false;
    return out;
  }
  out.accepted = false;
  out.first_refusal = !refusing_;
  refusing_ = true;
  return out;
}

nlohmann::json FazLinkSession::onConnected() {
  inflight_.reset();
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
  if (!connected_ || inflight_ || buffer_.pendingLines() == 0) return std::nullopt;
  auto batch = buffer_.peek(batch_lines_, kBatchBytes);
  if (batch.lines.empty()) return std::nullopt;
  inflight_ = Batch{++seq_, batch.end_offset, batch.lines.size()};
  return nlohmann::json{{"type", "logs"}, {"seq", inflight_->seq}, {"lines", std::move(batch.lines)}};
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
    if (inflight_ && inflight_->seq <= seq) {
      // Committed only now: a kill -9 before this point sends the batch again after the restart.
      last_commit_error_ = buffer_.commit(inflight_->end_offset);
      if (!last_commit_error_.empty()) {
        in.error = "cannot commit the acknowledged logs in the buffer: " + last_commit_error_;
        return in;
      }
      acked_lines_ += inflight_->lines;
      inflight_.reset();
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
  o << "\nlogs: unsent " << unsentLines() << ", in flight " << inflightLines() << ", acknowledged " << acked_lines_
    << ", dropped " << droppedLines() << " (buffer full)\n";
  o << "disk buffer: " << buffer_.pendingBytes() << " bytes waiting";
  if (refusing_) o << ", FULL: new lines are refused";
  if (!last_commit_error_.empty()) o << ", last commit error: " << last_commit_error_;
  o << "\nioc notifications received: " << ioc_received_ << "\n";
  return o.str();
}

}  // namespace fabric::fortigate
