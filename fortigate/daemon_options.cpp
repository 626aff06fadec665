#include "fortigate/daemon_options.h"

#include <CLI/CLI.hpp>

namespace fabric::fortigate {

std::optional<DaemonOptions> parseCommandLine(int argc, char** argv, int& exit_code) {
  DaemonOptions options;
  CLI::App app{"FortiGate (Fabric Lab): FortiOS CLI, REST API v2 and Security Fabric peer"};
  app.add_option("--home", options.home, "node home directory (configuration, keys, sockets, logs)")->required();
  app.add_option("--listen", options.listen, "address of the HTTPS admin API (port: system global admin-sport)");
  auto* cli = app.add_subcommand("cli", "console of the daemon running in --home");
  cli->add_option("--home", options.home, "node home directory of the running daemon")->required();
  cli->add_option("-c", options.lines, "run LINE (repeatable) and exit; without -c, lines come from stdin");
  cli->add_flag("--echo", options.echo, "print the prompt and each line before its output");
  // `fortigate cli --home X` must not also require the top-level --home.
  app.require_subcommand(0, 1);
  app.get_option("--home")->required(false);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    exit_code = app.exit(e);
    return std::nullopt;
  }
  if (cli->parsed()) {
    options.mode = DaemonOptions::Mode::kCli;
  } else if (options.home.empty()) {
    std::cerr << "--home is required\n" << app.help();
    exit_code = 2;
    return std::nullopt;
  }
  return options;
}

}  // namespace fabric::fortigate
