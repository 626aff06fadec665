// build/bin/fortigate: parses the options, wires a FortiGateNode and runs it until SIGTERM/SIGINT;
// `fortigate cli` is the console client.
#include <csignal>
#include <iostream>

#include "common/base/clock.h"
#include "common/console/console.h"
#include "common/node/node_home.h"
#include "fortigate/daemon_options.h"
#include "fortigate/fabric_component.h"
#include "fortigate/fortigate_node.h"

int main(int argc, char** argv) {
  int exit_code = 0;
  auto options = fabric::fortigate::parseCommandLine(argc, argv, exit_code);
  if (!options) return exit_code;
  std::signal(SIGPIPE, SIG_IGN);
  fabric::node::raiseOpenFileLimit();  // one socket per agent link: thousands of endpoints

  if (options->mode == fabric::fortigate::DaemonOptions::Mode::kCli) {
    fabric::console::ClientOptions client;
    client.socket_path = fabric::node::NodeHome::consoleSocketIn(options->home);
    client.lines = options->lines;
    client.echo_commands = options->echo;
    return fabric::console::runConsoleClient(client);
  }

  // Block the stop signals before any thread starts, so only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  fabric::RealClock clock;
  try {
    fabric::fortigate::FortiGateNode node({options->home, options->listen}, clock);
    node.addComponent(std::make_unique<fabric::fortigate::FabricComponent>());
    if (std::string err = node.start(); !err.empty()) {
      std::cerr << "fortigate: " << err << "\n";
      node.stop();
      return 1;
    }
    std::cout << "fortigate " << node.identity().serial << " listening on https://" << options->listen << ":"
              << node.httpsPort() << " (home " << options->home.string() << ")" << std::endl;
    int signal = 0;
    sigwait(&stop_signals, &signal);
    node.stop();
  } catch (const std::exception& e) {
    std::cerr << "fortigate: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
