#include "forticlient/status_text.h"

namespace fabric::forticlient {
namespace {

std::string text(const nlohmann::json& j, const char* key, const std::string& fallback = "") {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

std::string formatEndpointStatus(const nlohmann::json& e) {
  std::string s;
  s += text(e, "hostname") + " " + text(e, "ip") + " " + text(e, "os") + " uid " + text(e, "uid");
  if (!text(e, "serial").empty()) s += " serial " + text(e, "serial");
  s += "\n";
  const auto& q = e.contains("quarantine") ? e["quarantine"] : nlohmann::json::object();
  s += "  quarantine: " + text(q, "state", "none");
  if (text(q, "state") == "quarantined") {
    s += " since " + text(q, "since") + " by " + text(q, "source", "?");
    if (!text(q, "flow_id").empty()) s += " (flow " + text(q, "flow_id") + ")";
  }
  s += "\n";
  const auto links = e.contains("links") ? e["links"] : nlohmann::json::object();
  if (links.contains("ems")) {
    s += "  EMS " + text(links["ems"], "address") + ":" + text(links["ems"], "port") + ": " +
         text(links["ems"], "state") + ", serial " + text(e, "ems_serial", "N/A") +
         (e.value("registered", false) ? ", registered" : ", not registered") + "\n";
  }
  const auto fgt_serials = e.contains("fortigates_registered") ? e["fortigates_registered"]
                                                               : nlohmann::json::object();
  if (links.contains("fortigates")) {
    for (const auto& f : links["fortigates"]) {
      s += "  FortiGate " + text(f, "name") + " " + text(f, "address") + ":" + text(f, "port") + ": " +
           text(f, "state");
      if (fgt_serials.contains(text(f, "name"))) s += ", serial " + text(fgt_serials, text(f, "name").c_str());
      s += "\n";
    }
  }
  if (links.contains("fortianalyzer")) {
    s += "  FortiAnalyzer: " + text(links["fortianalyzer"], "state") + "\n";
  }
  if (e.contains("log_buffer")) {
    const auto& b = e["log_buffer"];
    s += "  log buffer: " + text(b, "pending_lines", "0") + " line(s) waiting, " +
         text(b, "delivered_lines", "0") + " sent\n";
  }
  if (e.contains("enforcement")) {
    s += "  enforcement: " + text(e["enforcement"], "mode");
    if (e["enforcement"].contains("last_error")) s += " (error: " + text(e["enforcement"], "last_error") + ")";
    s += "\n";
  }
  return s;
}

}  // namespace fabric::forticlient
