#include "fortigate/fabric/fabric_commands.h"

#include <memory>

#include "common/config/engine.h"
#include "fortigate/fabric/automation.h"
#include "fortigate/fabric/ems_call_queue.h"
#include "fortigate/fabric/endpoint_registry.h"
#include "fortigate/fabric/faz_link_session.h"
#include "fortigate/fabric/quarantine_service.h"

namespace fabric::fortigate {
namespace {

config::LineResult fail(const std::string& message, int code = -1) {
  return {message + "\nCommand fail. Return code " + std::to_string(code) + "\n", code};
}

config::LineResult ok(std::string text) {
  if (!text.empty() && text.back() != '\n') text += '\n';
  return {std::move(text), 0};
}

}  // namespace

void registerFabricCommands(config::Engine& engine, FabricCommandTargets targets) {
  auto t = std::make_shared<FabricCommandTargets>(std::move(targets));
  using Args = std::span<const std::string>;

  engine.addCommand({"diagnose", "endpoint", "record", "list"}, [t](config::Session&, Args args) {
    if (args.size() > 1) return fail("command parse error before '" + args[1] + "'", -61);
    return ok(t->registry.recordList(args.empty() ? std::string() : args[0]));
  });

  engine.addCommand({"diagnose", "endpoint", "forticlient-ems-rest-api", "queue-complete-calls"},
                    [t](config::Session&, Args args) {
                      if (args.size() != 1) return fail("usage: queue-complete-calls Q-<endpoint ip>|U-<endpoint ip>");
                      auto out = t->quarantine.requestCode(args[0], "diagnose");
                      if (!out.accepted) return fail(out.message);
                      return ok(out.message);
                    });

  engine.addCommand({"diagnose", "endpoint", "forticlient-ems-rest-api", "queue-list"},
                    [t](config::Session&, Args args) {
                      if (!args.empty()) return fail("command parse error before '" + args[0] + "'", -61);
                      return ok(t->queue.diagnoseList());
                    });

  engine.addCommand({"diagnose", "automation", "test"}, [t](config::Session&, Args args) {
    if (args.empty() || args.size() > 2) return fail("usage: diagnose automation test <stitch> [<endpoint ip>]");
    std::uint64_t run_id = 0;
    const auto error = t->automation.testStitch(args[0], args.size() > 1 ? args[1] : std::string(), &run_id);
    if (!error.empty()) return fail(error);
    std::string text = "automation test is done. stitch:" + args[0] + "\n";
    if (const auto* run = t->automation.run(run_id)) {
      for (const auto& s : run->steps)
        text += "    action " + s.action + ": " + toString(s.status) + (s.detail.empty() ? "" : " (" + s.detail + ")") + "\n";
    }
    return ok(text);
  });

  engine.addCommand({"diagnose", "test", "application", "autod"}, [t](config::Session&, Args args) {
    if (args.size() == 1 && args[0] == "2") return ok(t->automation.autodSettings());
    if (args.size() == 1 && args[0] == "3") return ok(t->automation.autodHistory());
    return ok("autod test usage:\n2. show stitch settings and statistics\n3. show log history\n");
  });

  engine.addCommand({"execute", "log", "fortianalyzer", "test-connectivity"}, [t](config::Session&, Args) {
    std::string text;
    if (t->faz_status) text += t->faz_status();
    if (t->faz) text += t->faz->statusText();
    if (text.empty()) return fail("FortiAnalyzer logging is disabled (config log fortianalyzer setting)");
    return ok(text);
  });
}

}  // namespace fabric::fortigate
