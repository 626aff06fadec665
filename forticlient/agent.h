#pragma once
// The forticlient daemon: one endpoint, or a fleet of N endpoints in one process, each with its
// own identity, state directory, source address and links, on one EventLoop. Owns the node home
// (pid, ready.json, identity.json, tls/), the local control socket DIR/console.sock that
// `forticlient act|status|release` talk to, and the periodic log-shipping tick.
//
// Threading: start()/stop()/handle() may be called from any thread; everything they touch of the
// endpoints runs on the loop. A real connection of an allowed activity runs on the caller's thread
// (it blocks up to its timeout) after the loop has answered.

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/base/clock.h"
#include "common/net/link.h"
#include "common/node/node_home.h"
#include "forticlient/cli_options.h"
#include "forticlient/endpoint_runtime.h"
#include "forticlient/identity.h"

namespace fabric::forticlient {

struct EndpointSpec {
  std::filesystem::path dir;  // quarantine.json, logbuf/, agent.json
  Identity identity;
};

// The endpoint of `forticlient --home DIR`: DIR itself (identity from DIR/agent.json, created from
// the seed on first start). Throws std::runtime_error with a clear message.
std::vector<EndpointSpec> singleEndpoint(const RunOptions& options);
// The endpoints of `forticlient fleet`: DIR/endpoints/<index>/, identities deterministic from the
// seed and the index, addresses first-ip + index. Throws std::runtime_error.
std::vector<EndpointSpec> fleetEndpoints(const FleetOptions& options);

class Agent {
 public:
  Agent(const CommonRunOptions& options, std::vector<EndpointSpec> endpoints,
        const Clock& clock);
  ~Agent();

  // Writes the pid, loads (or makes) the TLS files, starts every endpoint and the control socket,
  // then writes ready.json. "" or the reason.
  std::string start();
  void stop();

  // One control request (control_protocol.h); the reply. Thread-safe.
  nlohmann::json handle(const nlohmann::json& request);

  std::size_t endpointCount() const { return specs_.size(); }
  // Diagnostics go to stderr, one timestamped line each.
  void diag(const std::string& line);

 private:
  std::string startControlSocket();
  // Starts endpoints (loop thread) while fewer than kStartWindow started ones are still connecting:
  // a fleet of thousands dialling at once makes every TLS handshake queue behind the others until
  // the servers time them out, and all retry together.
  void startMoreEndpoints();

  CommonRunOptions options_;
  std::vector<EndpointSpec> specs_;
  const Clock& clock_;
  node::NodeHome home_;
  std::mutex diag_mutex_;
  net::EventLoop loop_;
  std::unique_ptr<NftRunner> nft_;
  std::vector<std::unique_ptr<EndpointRuntime>> runtimes_;
  std::vector<std::chrono::steady_clock::time_point> started_at_;  // per started endpoint
  std::shared_ptr<net::EventLoop::Timer> tick_;
  struct Control;
  std::unique_ptr<Control> control_;
  bool started_ = false;
};

}  // namespace fabric::forticlient
