#include "fortianalyzer/daemon/ioc_outbox.h"

#include <cstdio>
#include <ctime>

namespace fabric::faz {

using json = nlohmann::json;

std::string makeFlowId(std::chrono::system_clock::time_point time, std::uint64_t counter,
                       std::uint32_t salt) {
  std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "F-%04d%02d%02d-%06llu-%04x", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, static_cast<unsigned long long>(counter % 1000000), salt & 0xffff);
  return text;
}

json iocMessage(const ioc::IocNotification& n, const std::string& id, const std::string& flow_id) {
  return json{{"type", "ioc"},
              {"id", id},
              {"endpoint_ip", n.ip},
              {"uid", n.uid},
              {"hostname", n.hostname},
              {"indicator", n.indicator},
              {"indicator_type", std::string(ioc::toString(n.kind))},
              {"threat", n.threat},
              {"level", std::string(ioc::toString(n.level))},
              {"verdict", n.verdict},
              {"log_ids", n.logIds},
              {"feed", n.feed},
              {"flow_id", flow_id},
              {"rescan", n.rescan}};
}

IocOutbox::IocOutbox(std::uint64_t first_id, std::uint32_t salt) : next_id_(first_id), salt_(salt) {}

IocOutbox::Added IocOutbox::add(const ioc::IocNotification& notification,
                                std::chrono::system_clock::time_point now,
                                const std::vector<std::string>& targets) {
  Entry entry;
  entry.id = std::to_string(next_id_++);
  ++counter_;
  entry.flow_id = makeFlowId(now, counter_, salt_ + static_cast<std::uint32_t>(counter_ * 2654435761u));
  entry.message = iocMessage(notification, entry.id, entry.flow_id);
  entry.targets.insert(targets.begin(), targets.end());
  Added added{entry.id, entry.flow_id, entry.message};
  entries_.push_back(std::move(entry));
  while (entries_.size() > kMaxOutbox) {
    entries_.pop_front();
    ++dropped_;
  }
  return added;
}

std::vector<json> IocOutbox::onHello(const std::string& serial) {
  std::vector<json> out;
  for (auto& entry : entries_) {
    if (entry.targets.empty()) entry.targets.insert(serial);
    if (entry.targets.count(serial) && !entry.acked.count(serial)) out.push_back(entry.message);
  }
  return out;
}

bool IocOutbox::acknowledge(const std::string& serial, const std::string& id) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->id != id) continue;
    if (!it->targets.count(serial)) return false;
    it->acked.insert(serial);
    return true;
  }
  return false;
}

json IocOutbox::toJson() const {
  json out = json::array();
  for (const auto& entry : entries_) {
    const json& m = entry.message;
    out.push_back(json{{"id", entry.id},
                       {"flow_id", entry.flow_id},
                       {"endpoint_ip", m["endpoint_ip"]},
                       {"uid", m["uid"]},
                       {"indicator", m["indicator"]},
                       {"level", m["level"]},
                       {"rescan", m["rescan"]},
                       {"targets", entry.targets},
                       {"acked", entry.acked}});
  }
  return out;
}

}  // namespace fabric::faz
