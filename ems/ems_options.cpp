#include "ems/ems_options.h"

#include <CLI/CLI.hpp>

namespace fabric::ems {

ParsedCommandLine parseCommandLine(int argc, char** argv) {
  CLI::App app{"FortiClient EMS (Fabric Lab)", "ems"};
  DaemonOptions daemon;
  CliOptions cli;
  int https_port = -1, fct_port = -1;
  app.add_option("--home", daemon.home, "node home directory");
  app.add_option("--listen", daemon.listen, "address to listen on (default: config system server listen-ip)");
  app.add_option("--https-port", https_port, "REST API port (overrides https-port; 0 = any free port)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--fct-port", fct_port, "FortiClient Telemetry port (overrides fct-port; 0 = any free port)")
      ->check(CLI::Range(0, 65535));
  auto* sub = app.add_subcommand("cli", "local console of the running EMS");
  sub->add_option("--home", cli.home, "node home directory")->required();
  sub->add_option("-c", cli.lines, "run this line (repeatable)");
  sub->add_flag("--echo", cli.echo, "print the prompt and line before each output");

  ParsedCommandLine parsed;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    parsed.exit_code = app.exit(e);
    return parsed;
  }
  if (sub->parsed()) {
    parsed.options = cli;
    return parsed;
  }
  if (daemon.home.empty()) {
    std::fprintf(stderr, "ems: --home DIR is required\n");
    parsed.exit_code = 2;
    return parsed;
  }
  if (https_port >= 0) daemon.https_port = https_port;
  if (fct_port >= 0) daemon.fct_port = fct_port;
  parsed.options = daemon;
  return parsed;
}

}  // namespace fabric::ems
