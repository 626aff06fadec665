#include "fortigate/cli_commands.h"

#include "fortigate/admin_auth.h"

namespace fabric::fortigate {
namespace {

config::LineResult fail(const std::vector<std::string>& lines, int code) {
  config::LineResult r;
  for (const auto& line : lines) r.output += line + "\n";
  r.output += "Command fail. Return code " + std::to_string(code) + "\n";
  r.return_code = code;
  return r;
}

config::LineResult generateKey(config::Engine& engine, std::span<const std::string> args) {
  if (args.empty()) return fail({"command parse error before ''"}, -61);
  if (args.size() > 1) return fail({"command parse error before '" + args[1] + "'"}, -61);
  const std::string& name = args[0];
  bool exists = false;
  for (const auto& key : engine.keys({"system api-user"})) exists = exists || key == name;
  if (!exists) return fail({"entry not found in datasource", "value parse error before '" + name + "'"}, -3);

  const std::string key = randomToken(kApiKeyLength);
  // Through a session of its own, so the key is stored (ENC) and committed like any other change.
  auto session = engine.openSession();
  for (const std::string line : {std::string("config system api-user"), "edit \"" + name + "\"",
                                 "set api-key " + key, std::string("next"), std::string("end")}) {
    config::LineResult r = session->execute(line);
    if (!r.ok()) return fail({"cannot store the new API key"}, r.return_code);  // never echo the key
  }
  config::LineResult r;
  r.output = "New API key: " + key +
             "\nNOTE: The bearer of this API key will be granted all access privileges assigned to the "
             "api-user " + name + ".\n\n";
  return r;
}

}  // namespace

void addFortiGateCommands(config::Engine& engine, SystemInfo& info, const Clock& clock) {
  engine.addCommand({"execute", "api-user", "generate-key"},
                    [&engine](config::Session&, std::span<const std::string> args) { return generateKey(engine, args); });
  engine.addCommand({"get", "system", "status"},
                    [&engine, &info, &clock](config::Session&, std::span<const std::string> args) {
                      if (!args.empty()) return fail({"command parse error before '" + args[0] + "'"}, -61);
                      info.hostname = currentHostname(engine, info.serial);
                      config::LineResult r;
                      r.output = systemStatusText(info, clock.now());
                      return r;
                    });
}

}  // namespace fabric::fortigate
