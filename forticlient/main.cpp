// forticlient: parses the command line, wires the agent, waits for SIGTERM/SIGINT.
#include <csignal>
#include <functional>
#include <iostream>

#include "common/node/node_home.h"
#include "forticlient/agent.h"
#include "forticlient/cli_options.h"
#include "forticlient/control_client.h"

using namespace fabric::forticlient;

namespace {

int runDaemon(const CommonRunOptions& common,
              const std::function<std::vector<EndpointSpec>()>& make_endpoints) {
  // Block the stop signals before any thread starts, so that only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  fabric::node::raiseOpenFileLimit();  // a fleet holds three sockets per endpoint

  std::vector<EndpointSpec> endpoints;
  try {
    endpoints = make_endpoints();
  } catch (const std::exception& e) {
    std::cerr << "forticlient: " << e.what() << "\n";
    return 1;
  }
  fabric::RealClock clock;
  Agent agent(common, std::move(endpoints), clock);
  if (auto err = agent.start(); !err.empty()) {
    std::cerr << "forticlient: " << err << "\n";
    return 1;
  }
  int sig = 0;
  sigwait(&stop_signals, &sig);
  agent.diag(std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
  agent.stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  ParseResult parsed = parseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.command) {
    (parsed.exit_code == 0 ? std::cout : std::cerr) << parsed.output << "\n";
    return parsed.exit_code;
  }
  return std::visit(
      [](const auto& cmd) -> int {
        using T = std::decay_t<decltype(cmd)>;
        if constexpr (std::is_same_v<T, RunOptions>) {
          return runDaemon(cmd.common, [&] { return singleEndpoint(cmd); });
        } else if constexpr (std::is_same_v<T, FleetOptions>) {
          return runDaemon(cmd.common, [&] { return fleetEndpoints(cmd); });
        } else if constexpr (std::is_same_v<T, ActOptions>) {
          return runAct(cmd, std::cout, std::cerr);
        } else if constexpr (std::is_same_v<T, StatusOptions>) {
          return runStatus(cmd, std::cout, std::cerr);
        } else {
          return runRelease(cmd, std::cout, std::cerr);
        }
      },
      *parsed.command);
}
