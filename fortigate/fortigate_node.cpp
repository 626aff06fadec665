#include "fortigate/fortigate_node.h"

#include <arpa/inet.h>

#include "common/console/console.h"
#include "common/console/local_socket.h"
#include "common/http/http.h"
#include "common/net/link.h"
#include "fortigate/cli_commands.h"
#include "fortigate/schema/fortigate_schema.h"

namespace fabric::fortigate {
namespace {

bool isIpAddress(const std::string& text) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, text.c_str(), buf) == 1 || ::inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

}  // namespace

FortiGateNode::FortiGateNode(NodeOptions options, const Clock& clock)
    : options_(std::move(options)), clock_(clock), home_(options_.home, "fortigate") {
  identity_ = home_.identity(kSerialPrefix, "");
  info_ = SystemInfo::fromConfigVersion(kConfigVersion, identity_.serial);
  // FortiOS's factory hostname is the serial number.
  const std::string default_hostname = identity_.hostname.empty() ? identity_.serial : identity_.hostname;
  loop_ = std::make_unique<net::EventLoop>();
  engine_ = std::make_unique<config::Engine>(makeFortiGateSchema(), default_hostname, home_.secretKey());
  event_log_ = std::make_unique<EventLog>(home_.eventLog(), clock_, identity_.serial, default_hostname);
  config_store_ = std::make_unique<ConfigStore>(*engine_, home_.configFile(), event_log_.get());
  auth_ = std::make_unique<AdminAuth>(*engine_, clock_, event_log_.get(), identity_.serial);
  rest_ = std::make_unique<RestApi>(*engine_, *auth_, info_, config_store_.get());
  addFortiGateCommands(*engine_, info_, clock_);
}

FortiGateNode::~FortiGateNode() { stop(); }

void FortiGateNode::addComponent(std::unique_ptr<NodeComponent> component) {
  components_.push_back(std::move(component));
}

void FortiGateNode::refreshHostname() {
  info_.hostname = currentHostname(*engine_, identity_.serial);
  event_log_->setHostname(info_.hostname);
}

std::string FortiGateNode::start() {
  if (started_) return "already started";
  // One daemon per home: a console socket that answers means another one runs here.
  {
    console::LocalSocketClient probe;
    if (probe.connect(home_.consoleSocket()).empty())
      return "another fortigate is already running in " + home_.dir().string();
  }
  if (std::string err = console::checkSocketPath(home_.consoleSocket()); !err.empty()) return err;
  if (std::string err = event_log_->open(); !err.empty()) return err;
  if (std::string err = config_store_->open(); !err.empty()) return "cannot load the configuration: " + err;
  refreshHostname();
  config_store_->addListener([this] { refreshHostname(); });

  tls::CertificateSpec spec;
  spec.common_name = identity_.serial;
  spec.serial_number = identity_.serial;
  spec.dns_names = {"fortigate", "localhost"};
  if (isIpAddress(options_.listen_address)) spec.ip_addresses = {options_.listen_address};
  try {
    tls_files_ = tls::ensureNodeCertificate(home_.dir(), spec);
  } catch (const std::exception& e) {
    return std::string("TLS: ") + e.what();
  }

  loop_->start();
  started_ = true;
  if (std::string err = loop_->call([this] { return startOnLoop(); }); !err.empty()) return err;

  const auto port_text = engine_->value({"system global"}, "admin-sport").value_or("443");
  const auto port = static_cast<std::uint16_t>(std::stoi(port_text));
  https_ = std::make_unique<http::HttpsServer>(
      http::ServerTls{tls_files_.cert, tls_files_.key, tls_files_.ca, false},
      [this](const http::HttpRequest& r) { return rest_->handle(r); }, loop_.get());
  if (std::string err = https_->listen(options_.listen_address, port); !err.empty()) return "HTTPS: " + err;
  https_port_ = https_->port();
  ports_["https"] = https_port_;

  console_ = std::make_unique<console::ConsoleServer>(*loop_, *engine_, home_.consoleSocket());
  if (std::string err = console_->start(); !err.empty()) return "console: " + err;

  try {
    home_.writePid();
    home_.writeReady({{"serial", identity_.serial},
                      {"hostname", info_.hostname},
                      {"address", options_.listen_address},
                      {"ports", ports_}});
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

std::string FortiGateNode::startOnLoop() {
  for (auto& component : components_) {
    if (std::string err = component->start(*this); !err.empty()) return component->name() + ": " + err;
    ++started_components_;
  }
  return "";
}

void FortiGateNode::stop() {
  if (!started_) return;
  started_ = false;
  // Listeners first (their threads wait on the loop), then components on the loop, then the loop.
  if (https_) https_->stop();
  if (console_) console_->stop();
  loop_->call([this] {
    while (started_components_ > 0) components_[--started_components_]->stop();
  });
  loop_->stop();
  home_.clearRuntimeFiles();
}

}  // namespace fabric::fortigate
