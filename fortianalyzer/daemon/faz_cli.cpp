#include "fortianalyzer/daemon/faz_cli.h"

#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <sstream>

#include "fortianalyzer/daemon/faz_node.h"
#include "fortianalyzer/search/log_display.h"
#include "fortianalyzer/search/log_filter.h"
#include "fortianalyzer/search/log_search.h"

namespace fabric::faz {

using config::LineResult;
using json = nlohmann::json;

namespace {

struct LogFilterState {
  std::vector<std::string> filters;  // field==value and free-style filters, AND-ed
  std::string devid;
  std::string type;
  std::int64_t start_line = 1;
  std::int64_t view_lines = 10;
};

struct CliState {
  std::map<const config::Session*, LogFilterState> filters;
  std::unique_ptr<LogSearch> search;  // loop thread only
};

LineResult fail(const std::string& message, int code = -1) {
  return LineResult{message + "\nCommand fail. Return code " + std::to_string(code) + "\n", code};
}

LineResult ok(std::string text) {
  if (!text.empty() && text.back() != '\n') text += '\n';
  return LineResult{std::move(text), 0};
}

bool parseCount(const std::string& text, std::int64_t min, std::int64_t max, std::int64_t& out) {
  if (text.empty() || text.size() > 9) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  out = std::stoll(text);
  return out >= min && out <= max;
}

std::string row(const std::string& label, const std::string& value) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-32s: %s\n", label.c_str(), value.c_str());
  return buf;
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

LineResult systemStatus(FazNode& node) {
  std::time_t now = std::time(nullptr);
  char when[64];
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(when, sizeof when, "%a %b %d %H:%M:%S UTC %Y", &tm);
  IngestCounters counters = node.pipeline().counters();
  std::string out;
  out += row("Platform Type", "FAZVM64");
  out += row("Platform Full Name", "FortiAnalyzer-VM64");
  out += row("Version", kFazVersion);
  out += row("Serial Number", node.serial());
  out += row("Hostname", node.config().hostname);
  out += row("Current Time", when);
  out += row("Time Zone", "(GMT) Greenwich Mean Time");
  out += row("Log Database", node.pipeline().storePath());
  out += row("Logs Stored", std::to_string(counters.store.committed_id));
  return ok(out);
}

LineResult logFilter(CliState& state, config::Session& session, std::span<const std::string> args) {
  LogFilterState& f = state.filters[&session];
  if (args.empty()) return fail("Usage: execute log filter <field|free-style|device|category|start-line|view-lines|reset|dump> ...");
  const std::string& what = args[0];
  if (what == "reset") {
    f = LogFilterState{};
    return ok("");
  }
  if (what == "dump") {
    std::string out;
    out += "device: " + (f.devid.empty() ? std::string("any") : f.devid) + "\n";
    out += "category: " + (f.type.empty() ? std::string("any") : f.type) + "\n";
    out += "start-line: " + std::to_string(f.start_line) + "\n";
    out += "view-lines: " + std::to_string(f.view_lines) + "\n";
    for (const auto& filter : f.filters) out += "filter: " + filter + "\n";
    return ok(out);
  }
  if (what == "field") {
    if (args.size() != 3) return fail("Usage: execute log filter field <name> <value>");
    std::string filter = args[1] + "==" + args[2];
    FilterParseResult parsed = parseFilter(filter);
    if (!parsed.error.empty()) return fail(parsed.error);
    f.filters.push_back(filter);
    return ok("");
  }
  if (what == "free-style") {
    if (args.size() != 2) return fail("Usage: execute log filter free-style <filter>");
    FilterParseResult parsed = parseFilter(args[1]);
    if (!parsed.error.empty()) return fail(parsed.error);
    f.filters.push_back(args[1]);
    return ok("");
  }
  if (what == "device") {
    if (args.size() != 2) return fail("Usage: execute log filter device <devid>");
    f.devid = args[1] == "any" ? "" : args[1];
    return ok("");
  }
  if (what == "category") {
    if (args.size() != 2) return fail("Usage: execute log filter category <type>");
    f.type = args[1] == "any" ? "" : args[1];
    return ok("");
  }
  if (what == "start-line" || what == "view-lines") {
    std::int64_t n = 0;
    if (args.size() != 2 || !parseCount(args[1], 1, what == "view-lines" ? 1000 : 100000000, n))
      return fail("Usage: execute log filter " + what + (what == "view-lines" ? " <1-1000>" : " <1-100000000>"));
    (what == "start-line" ? f.start_line : f.view_lines) = n;
    return ok("");
  }
  return fail("command parse error before '" + what + "'", -61);
}

LineResult logDisplay(FazNode& node, CliState& state, config::Session& session) {
  LogFilterState& f = state.filters[&session];
  if (!state.search) {
    try {
      state.search = std::make_unique<LogSearch>(node.pipeline().storePath());
    } catch (const std::exception& e) {
      return fail(std::string("log database unavailable: ") + e.what());
    }
  }
  LogQuery query;
  query.filters = f.filters;
  query.devid = f.devid;
  query.type = f.type;
  query.offset = f.start_line - 1;
  query.limit = f.view_lines;
  LogQuery count = query;
  count.count_only = true;
  count.offset = 0;
  LogQueryResult found = state.search->run(count);
  if (!found.error.empty()) return fail(found.error);
  LogQueryResult rows = state.search->run(query);
  if (!rows.error.empty()) return fail(rows.error);
  return ok(formatLogDisplay(rows.rows, found.count, f.start_line));
}

LineResult msgstat(FazNode& node) {
  IngestCounters c = node.pipeline().counters();
  std::ostringstream out;
  out << "received: " << c.received << "  bytes: " << c.bytes << "  stored: " << c.store.committed_id
      << "\n";
  out << "malformed: " << c.malformed << "  oversized: " << c.oversized << "  empty: " << c.empty
      << "  framing-errors: " << c.framing_errors << "  refused-queue-full: " << c.refused_full << "\n";
  out << "ioc-matched-logs: " << c.ioc_matched_logs << "  ioc-notifications: " << c.ioc_notifications
      << "\n";
  out << "queued: " << c.queued_messages << "  open-links: " << c.open_links
      << "  store-write-failures: " << c.store.write_failures << "\n";
  if (!c.store.last_error.empty()) out << "store-last-error: " << c.store.last_error << "\n";
  // The ports in use (they follow a configuration change at once).
  const auto& ports = node.ports();
  auto port = [&](const char* key) { return ports.contains(key) ? ports[key].dump() : std::string("-"); };
  out << "listening: udp " << port("syslog_udp") << "  tcp " << port("syslog_tcp") << "  tls "
      << port("syslog_tls") << "  https " << port("https")
      << "  max-message-size: " << node.config().max_message << "\n";
  out << "\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-18s %-15s %10s %10s %9s %9s %9s\n", "sender", "transport", "received",
                "stored", "malformed", "oversized", "framing");
  out << line;
  for (const auto& s : c.senders) {
    std::snprintf(line, sizeof line, "%-18s %-15s %10llu %10llu %9llu %9llu %9llu\n", s.address.c_str(),
                  std::string(toString(s.transport)).c_str(), (unsigned long long)s.received,
                  (unsigned long long)s.stored, (unsigned long long)s.malformed,
                  (unsigned long long)s.oversized, (unsigned long long)s.framing_errors);
    out << line;
  }
  return ok(out.str());
}

LineResult deviceList(FazNode& node) {
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof line, "%-20s %-20s %-16s %-12s %-9s %10s\n", "devid", "devname", "ip", "registered",
                "connected", "logs");
  out << line;
  for (const auto& d : node.devicesJson()) {
    std::snprintf(line, sizeof line, "%-20s %-20s %-16s %-12s %-9s %10s\n", str(d, "devid").c_str(),
                  str(d, "devname").c_str(), str(d, "ip").c_str(),
                  d.value("registered", false) ? "yes" : "unregistered", d.value("connected", false) ? "yes" : "no",
                  str(d, "log_count").c_str());
    out << line;
  }
  return ok(out.str());
}

LineResult iocDiagnose(FazNode& node, std::span<const std::string> args) {
  const std::string what = args.empty() ? "" : args[0];
  if (what == "feed" && args.size() == 2 && args[1] == "list") {
    json feeds = json::array();
    for (const auto& s : node.feeds().status()) feeds.push_back(s.toJson(20));
    return ok(feeds.dump(2));
  }
  if (what == "compromised-hosts") {
    json hosts;
    node.pipeline().withIoc([&](ioc::IocEngine& engine) { hosts = engine.compromisedHosts(); });
    return ok(hosts.dump(2));
  }
  if (what == "outbox") return ok(node.outbox().toJson().dump(2));
  return fail("Usage: diagnose ioc <feed list|compromised-hosts|outbox>");
}

}  // namespace

void registerFazCommands(FazNode& node) {
  auto state = std::make_shared<CliState>();
  FazNode* n = &node;
  auto& engine = node.engine();
  engine.addCommand({"get", "system", "status"},
                    [n](config::Session&, std::span<const std::string>) { return systemStatus(*n); });
  engine.addCommand({"execute", "log", "filter"}, [state](config::Session& s, std::span<const std::string> args) {
    return logFilter(*state, s, args);
  });
  engine.addCommand({"execute", "log", "display"}, [n, state](config::Session& s, std::span<const std::string>) {
    return logDisplay(*n, *state, s);
  });
  engine.addCommand({"execute", "ioc", "acknowledge"}, [n](config::Session&, std::span<const std::string> args) {
    if (args.size() != 1) return fail("Usage: execute ioc acknowledge <endpoint>");
    bool found = false;
    std::string error = n->acknowledgeHost(args[0], "admin", &found);
    if (!found) return fail("endpoint '" + args[0] + "' is not a compromised host");
    return error.empty() ? ok("") : fail("acknowledged, but not saved (lost at the next restart): " + error);
  });
  engine.addCommand({"diagnose", "fortilogd", "msgstat"},
                    [n](config::Session&, std::span<const std::string>) { return msgstat(*n); });
  engine.addCommand({"diagnose", "dvm", "device", "list"},
                    [n](config::Session&, std::span<const std::string>) { return deviceList(*n); });
  engine.addCommand({"diagnose", "ioc"},
                    [n](config::Session&, std::span<const std::string> args) { return iocDiagnose(*n, args); });
}

}  // namespace fabric::faz
