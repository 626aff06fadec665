#include "ems/console_commands.h"

#include <string>

namespace fabric::ems {
namespace {

config::LineResult fail(const std::string& message, int code = -1) {
  return {message + "\nCommand fail. Return code " + std::to_string(code) + "\n", code};
}

std::string pad(const std::string& s, std::size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

}  // namespace

void registerConsoleCommands(config::Engine& engine, EmsState& state, AgentProtocol& agents,
                             QuarantineService& quarantine) {
  engine.addCommand({"get", "system", "status"}, [&state, &agents](config::Session&, auto args) {
    if (!args.empty()) return fail("command parse error before '" + args[0] + "'", -61);
    std::string out;
    out += "Version: FortiClient EMS v" + std::string(kEmsVersion) + "\n";
    out += "Serial-Number: " + state.serial + "\n";
    out += "Hostname: " + state.config.value({"system global"}, "hostname").value_or("FCTEMS") + "\n";
    out += "Remote HTTPS access: " +
           state.config.value({"system server"}, "remote-https-access").value_or("disable") + "\n";
    out += "Endpoints: " + std::to_string(state.endpoints.count()) + " registered, " +
           std::to_string(agents.onlineCount()) + " online\n";
    out += "Pending commands: " + std::to_string(state.commands.allPending().size()) + "\n";
    return config::LineResult{out, 0};
  });

  engine.addCommand({"diagnose", "endpoint", "list"}, [&state](config::Session&, auto args) {
    if (!args.empty()) return fail("command parse error before '" + args[0] + "'", -61);
    std::string out = pad("uid", 41) + pad("hostname", 16) + pad("ip", 16) + pad("os", 8) +
                      pad("link", 8) + "quarantine\n";
    auto all = state.endpoints.all();
    for (const auto& e : all) {
      out += pad(e.uid, 41) + pad(e.hostname, 16) + pad(e.ip, 16) + pad(e.os, 8) +
             pad(e.online ? "online" : "offline", 8) + e.quarantine;
      auto pending = state.commands.pending(e.uid);
      if (!pending.empty()) out += " (pending: " + pending.back().action + ")";
      out += "\n";
    }
    out += "Total: " + std::to_string(all.size()) + " endpoints\n";
    return config::LineResult{out, 0};
  });

  engine.addCommand({"diagnose", "endpoint", "commands"}, [&state](config::Session&, auto args) {
    if (args.size() > 1) return fail("command parse error before '" + args[1] + "'", -61);
    auto list = args.empty() ? state.commands.allPending() : state.commands.recent(args[0], 20);
    std::string out;
    for (const auto& c : list) {
      out += "id=" + std::to_string(c.id) + " uid=" + c.uid + " action=" + c.action + " status=" + c.status +
             " sent=" + std::to_string(c.sent_count) + " source=" + c.source + " flow_id=" + c.flow_id;
      if (c.status != "pending") out += " result=\"" + c.result_message + "\"";
      out += "\n";
    }
    out += "Total: " + std::to_string(list.size()) + " commands\n";
    return config::LineResult{out, 0};
  });

  engine.addCommand({"diagnose", "audit", "list"}, [&state](config::Session&, auto args) {
    int limit = 20;
    if (args.size() > 1) return fail("command parse error before '" + args[1] + "'", -61);
    if (args.size() == 1) {
      try {
        limit = std::stoi(args[0]);
      } catch (const std::exception&) {
        limit = 0;
      }
      if (limit < 1 || limit > 10000) return fail("value parse error before '" + args[0] + "'", -3);
    }
    std::string out;
    for (const auto& a : state.audit.recent(limit)) {
      out += "id=" + std::to_string(a.id) + " time=" + std::to_string(a.time) + " admin=" + a.admin +
             " client=" + a.client + " action=" + a.action + " target=" + a.target + " result=" + a.result;
      if (!a.message.empty()) out += " msg=\"" + a.message + "\"";
      out += "\n";
    }
    return config::LineResult{out, 0};
  });

  for (const char* action : {"quarantine", "unquarantine"}) {
    engine.addCommand({"execute", "endpoint", action}, [&quarantine, action](config::Session&, auto args) {
      if (args.size() != 1) return fail("Usage: execute endpoint " + std::string(action) + " <uid|ip>");
      QuarantineRequest r;
      r.action = action;
      if (isValidUid(args[0])) {
        r.uid = args[0];
      } else if (isValidIpv4(args[0])) {
        r.ip = args[0];
      } else {
        return fail("value parse error before '" + args[0] + "'", -3);
      }
      r.from_fortigate = false;
      r.client = "console";
      r.admin = "console";
      auto outcome = quarantine.request(r);
      if (!outcome.ok()) return fail(outcome.message);
      return config::LineResult{outcome.message + " (command " + outcome.data["command_id"].dump() + ", flow " +
                                    outcome.data["flow_id"].get<std::string>() + ")\n",
                                0};
    });
  }
}

}  // namespace fabric::ems
