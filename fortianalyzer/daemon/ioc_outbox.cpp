#include "fortianalyzer/daemon/ioc_outbox.h"

#include <algorithm>
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

json IocOutbox::saveState() const {
  json entries = json::array();
  for (const auto& e : entries_)
    entries.push_back(json{{"id", e.id}, {"flow_id", e.flow_id}, {"message", e.message},
                           {"targets", e.targets}, {"acked", e.acked}});
  return json{{"next_id", next_id_}, {"counter", counter_}, {"dropped", dropped_}, {"entries", entries}};
}

bool IocOutbox::loadState(const json& state, std::string* error) {
  auto fail = [&](const std::string& why) {
    if (error) *error = why;
    return false;
  };
  if (!state.is_object()) return fail("not a JSON object");
  for (const char* key : {"next_id", "counter", "dropped"})
    if (!state.contains(key) || !state[key].is_number_unsigned()) return fail(std::string("'") + key + "' is not a non-negative integer");
  if (!state.contains("entries") || !state["entries"].is_array()) return fail("'entries' is not an array");
  std::deque<Entry> entries;
  for (const auto& e : state["entries"]) {
    if (!e.is_object() || !e.contains("id") || !e["id"].is_string() || !e.contains("flow_id") ||
        !e["flow_id"].is_string() || !e.contains("message") || !e["message"].is_object() ||
        !e.contains("targets") || !e["targets"].is_array() || !e.contains("acked") || !e["acked"].is_array())
      return fail("an entry lacks id, flow_id, message, targets or acked");
    Entry entry;
    entry.id = e["id"].get<std::string>();
    entry.flow_id = e["flow_id"].get<std::string>();
    entry.message = e["message"];
    for (const auto& t : e["targets"]) {
      if (!t.is_string()) return fail("a target is not a string");
      entry.targets.insert(t.get<std::string>());
    }
    for (const auto& a : e["acked"]) {
      if (!a.is_string()) return fail("an acked serial is not a string");
      entry.acked.insert(a.get<std::string>());
    }
    entries.push_back(std::move(entry));
  }
  // Ids only grow: never reuse one handed out before the restart.
  next_id_ = std::max(next_id_, state["next_id"].get<std::uint64_t>());
  counter_ = state["counter"].get<std::uint64_t>();
  dropped_ = state["dropped"].get<std::uint64_t>();
  entries_ = std::move(entries);
  return true;
}

}  // namespace fabric::faz
