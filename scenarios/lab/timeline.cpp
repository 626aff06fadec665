#include "scenarios/lab/timeline.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace fabric::lab {
namespace {

const char* const kTitles[] = {
    "FortiClient sends logs to the FortiAnalyzer",
    "FortiAnalyzer discovers the IoC and notifies the FortiGate",
    "FortiGate checks the endpoint and its EMS credentials, asks EMS to quarantine",
    "EMS finds the endpoint and sends it the quarantine message",
    "The endpoint quarantines itself and tells FortiGate and EMS",
};

std::string str(const nlohmann::json& row, const char* key) {
  auto it = row.find(key);
  return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string field(const nlohmann::json& row, const char* key) {
  auto f = row.find("fields");
  if (f == row.end() || !f->is_object()) return "";
  return str(*f, key);
}

int64_t timeNs(const nlohmann::json& row) {
  auto it = row.find("time_ns");
  return it != row.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

bool isQuarantineEvent(const nlohmann::json& row) {
  if (str(row, "type") != "event") return false;
  std::string what = field(row, "eventtype") + " " + field(row, "action") + " " + field(row, "msg") + " " +
                     field(row, "logdesc");
  std::transform(what.begin(), what.end(), what.begin(), [](unsigned char c) { return std::tolower(c); });
  return what.find("quarantin") != std::string::npos;
}

int stepOf(const nlohmann::json& row) {
  switch (deviceKind(str(row, "devid"))) {
    case DeviceKind::kFortiClient: return isQuarantineEvent(row) ? 5 : 1;
    case DeviceKind::kFortiAnalyzer: return 2;
    case DeviceKind::kFortiGate: return 3;
    // EMS 0109045013 (command result) and 0109045014 (endpoint reported its new state) are the
    // endpoint telling EMS, i.e. step 5; a quarantined endpoint cannot reach the FortiAnalyzer
    // itself (only its EMS and FortiGate links stay open), so these are step 5's first evidence.
    case DeviceKind::kEms: {
      std::string logid = str(row, "logid");
      return logid == "0109045013" || logid == "0109045014" ? 5 : 4;
    }
    case DeviceKind::kUnknown: return 0;
  }
  return 0;
}

// What a log of the flow says the flow does ("" when it does not say). EMS's lines (0109045010/12/13)
// and the FortiGate's manual-call line (0100044548) carry `action`; a FortiGate refusal or REST API
// line names the call (`Q-<ip>` / `U-<ip>`); a stitch firing (0100046600) or an IoC notification
// starts a quarantine.
std::string flowKindOf(const nlohmann::json& row) {
  const std::string action = field(row, "action");
  if (action == "unquarantine") return "release";
  if (action == "quarantine") return "quarantine";
  const DeviceKind kind = deviceKind(str(row, "devid"));
  if (kind == DeviceKind::kFortiAnalyzer) return "quarantine";
  if (kind == DeviceKind::kFortiGate) {
    if (str(row, "logid") == "0100046600") return "quarantine";
    const std::string msg = field(row, "msg");
    if (msg.rfind("U-", 0) == 0) return "release";
    if (msg.rfind("Q-", 0) == 0) return "quarantine";
  }
  return "";
}

// FortiClient log lines carry only date and time to the second; the moment the FortiAnalyzer
// received the line is the precise time of step 1 ("FortiClient sends logs to the FortiAnalyzer"),
// and of the endpoint's own quarantine/release event in step 5 (whole seconds would put it before
// the steps that caused it).
int64_t stepTimeNs(const nlohmann::json& row, int step) {
  if (step == 1 || deviceKind(str(row, "devid")) == DeviceKind::kFortiClient) {
    auto it = row.find("received_ns");
    if (it != row.end() && it->is_number_integer()) return it->get<int64_t>();
  }
  return timeNs(row);
}

// Where a log stands in its step's sequence of the flow, for logs written in the same instant
// (a node logs several lines of one step with one clock reading): step 3, the FortiGate learns of
// the compromised host (0100022953), fires the stitch (0100046600), then calls EMS; step 4, EMS
// takes the request (0109045010, or refuses it: 0109045011), then sends the command (0109045012),
// which may then time out (0109045015). Other logs come after those named.
int stepRank(const nlohmann::json& row) {
  static const char* const kSequence[][2] = {
      {"0100022953", "0"}, {"0100046600", "1"},                                       // FortiGate
      {"0109045010", "0"}, {"0109045011", "0"}, {"0109045012", "1"}, {"0109045015", "2"},  // EMS
  };
  const std::string logid = str(row, "logid");
  for (const auto& entry : kSequence)
    if (logid == entry[0]) return entry[1][0] - '0';
  return 3;
}

void add(TimelineStep& step, const nlohmann::json& row) {
  int64_t t = stepTimeNs(row, step.number);
  const int rank = stepRank(row);
  // The step's first log: the earliest, and among logs of the same instant the one the flow writes
  // first (by its place in the step, not by the order the store happened to return ties in).
  if (!step.present || t < step.time_ns || (t == step.time_ns && rank < step.rank)) {
    step.time_ns = t;
    step.rank = rank;
    step.device = str(row, "devname");
    if (step.device.empty()) step.device = field(row, "hostname");
    if (step.device.empty()) step.device = str(row, "devid");
    step.summary = field(row, "logdesc");
    if (step.summary.empty()) step.summary = field(row, "msg");
    if (step.summary.empty()) step.summary = str(row, "logid");
  }
  step.present = true;
  ++step.log_count;
}

std::string clock(int64_t ns) {
  std::time_t secs = static_cast<std::time_t>(ns / 1000000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char text[32];
  std::snprintf(text, sizeof text, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>((ns / 1000000) % 1000));
  return text;
}

std::string delta(int64_t ns) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.3fs", static_cast<double>(ns) / 1e9);
  return text;
}

}  // namespace

DeviceKind deviceKind(const std::string& devid) {
  auto starts = [&](const char* p) { return devid.rfind(p, 0) == 0; };
  if (starts("FCTEMS")) return DeviceKind::kEms;
  if (starts("FCT")) return DeviceKind::kFortiClient;
  if (starts("FAZ")) return DeviceKind::kFortiAnalyzer;
  if (starts("FG")) return DeviceKind::kFortiGate;
  return DeviceKind::kUnknown;
}

bool Timeline::hasSteps(int first, int last) const {
  for (int i = first; i <= last; ++i) {
    if (i < 1 || i > static_cast<int>(steps.size()) || !steps[i - 1].present) return false;
  }
  return true;
}

bool Timeline::inOrder(int first, int last) const {
  if (!hasSteps(first, last)) return false;
  for (int i = first + 1; i <= last; ++i) {
    if (steps[i - 1].time_ns < steps[i - 2].time_ns) return false;
  }
  return true;
}

std::vector<std::string> flowIds(const std::vector<nlohmann::json>& endpoint_rows) {
  std::vector<std::string> out;
  for (const auto& row : endpoint_rows) {
    std::string id = str(row, "flow_id");
    if (id.empty()) id = field(row, "flowid");
    if (!id.empty() && std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
  }
  return out;
}

Timeline buildTimeline(const std::string& flow_id, const std::vector<nlohmann::json>& flow_rows,
                       const std::vector<nlohmann::json>& endpoint_rows) {
  Timeline t;
  t.flow_id = flow_id;
  for (int i = 0; i < 5; ++i) t.steps.push_back(TimelineStep{i + 1, kTitles[i]});
  for (const auto& row : flow_rows) {
    if (t.kind.empty()) t.kind = flowKindOf(row);
    int step = stepOf(row);
    if (step < 1) continue;
    add(t.steps[step - 1], row);
    if (step == 2 && t.indicator.empty()) {
      for (const char* key : {"indicator", "ioc", "iocvalue", "url", "hostname"}) {
        t.indicator = field(row, key);
        if (!t.indicator.empty()) break;
      }
    }
  }
  if (t.kind == "release") {
    t.steps[2].title = "FortiGate checks the endpoint and its EMS credentials, asks EMS to release it";
    t.steps[3].title = "EMS finds the endpoint and sends it the unquarantine message";
    t.steps[4].title = "The endpoint releases itself and tells FortiGate and EMS";
  }
  // Step 1: the endpoint's log that carried the indicator, written before the FortiAnalyzer acted.
  if (!t.steps[0].present && t.steps[1].present && !t.indicator.empty()) {
    const nlohmann::json* best = nullptr;
    for (const auto& row : endpoint_rows) {
      if (deviceKind(str(row, "devid")) != DeviceKind::kFortiClient || isQuarantineEvent(row)) continue;
      if (stepTimeNs(row, 1) > t.steps[1].time_ns) continue;
      if (str(row, "raw").find(t.indicator) == std::string::npos) continue;
      if (!best || stepTimeNs(row, 1) >= stepTimeNs(*best, 1)) best = &row;
    }
    if (best) add(t.steps[0], *best);
  }
  return t;
}

std::optional<FlowChoice> parseFlowChoice(const std::string& word) {
  if (word == "latest") return FlowChoice::kLatest;
  if (word == "quarantine") return FlowChoice::kQuarantine;
  if (word == "release") return FlowChoice::kRelease;
  return std::nullopt;
}

std::string toString(FlowChoice choice) {
  switch (choice) {
    case FlowChoice::kLatest: return "latest";
    case FlowChoice::kQuarantine: return "quarantine";
    case FlowChoice::kRelease: return "release";
  }
  return "latest";
}

const Timeline* chooseFlow(const std::vector<Timeline>& timelines, FlowChoice choice) {
  for (auto it = timelines.rbegin(); it != timelines.rend(); ++it) {
    if (choice == FlowChoice::kLatest || it->kind == toString(choice)) return &*it;
  }
  return nullptr;
}

std::string formatTimeline(const Timeline& t, const std::string& endpoint_label) {
  std::ostringstream o;
  o << "Timeline of " << endpoint_label << ", " << (t.kind.empty() ? "" : t.kind + " ") << "flow "
    << (t.flow_id.empty() ? "(none)" : t.flow_id);
  if (!t.indicator.empty()) o << ", indicator " << t.indicator;
  o << "\n";
  int64_t previous = 0;
  int64_t first = 0;
  for (const auto& s : t.steps) {
    char num[8];
    std::snprintf(num, sizeof num, "  %d  ", s.number);
    o << num;
    if (!s.present) {
      o << "--:--:--.---  " << std::string(9, ' ') << "  " << s.title << "  (no log)\n";
      continue;
    }
    if (first == 0) first = s.time_ns;
    std::string d = previous == 0 ? std::string("+0.000s") : delta(s.time_ns - previous);
    o << clock(s.time_ns) << "  " << std::string(d.size() < 9 ? 9 - d.size() : 0, ' ') << d << "  " << s.title
      << "  [" << s.device << (s.summary.empty() ? "" : ": " + s.summary) << "]\n";
    previous = s.time_ns;
  }
  if (first != 0) o << "  total " << delta(previous - first).substr(1) << "\n";
  return o.str();
}

nlohmann::json timelineJson(const Timeline& t) {
  nlohmann::json steps = nlohmann::json::array();
  int64_t previous = 0;
  for (const auto& s : t.steps) {
    nlohmann::json j = {{"step", s.number}, {"title", s.title}, {"present", s.present}};
    if (s.present) {
      j["time_ns"] = s.time_ns;
      j["device"] = s.device;
      j["summary"] = s.summary;
      j["logs"] = s.log_count;
      j["since_previous_ms"] = previous == 0 ? 0.0 : static_cast<double>(s.time_ns - previous) / 1e6;
      previous = s.time_ns;
    }
    steps.push_back(std::move(j));
  }
  return {{"flow_id", t.flow_id}, {"kind", t.kind}, {"indicator", t.indicator}, {"steps", steps}};
}

}  // namespace fabric::lab
