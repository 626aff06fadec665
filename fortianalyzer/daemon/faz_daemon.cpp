#include "fortianalyzer/daemon/faz_daemon.h"

#include <unistd.h>

#include <stdexcept>

#include "common/base/clock.h"
#include "common/console/console.h"
#include "common/console/local_socket.h"
#include "common/http/http.h"
#include "common/net/link.h"
#include "common/node/node_home.h"
#include "common/tls/pki.h"
#include "fortianalyzer/daemon/faz_api.h"
#include "fortianalyzer/daemon/faz_node.h"
#include "fortianalyzer/daemon/syslog_receivers.h"

namespace fabric::faz {

using json = nlohmann::json;

struct FazDaemon::Impl {
  FazDaemonOptions options;
  RealClock clock;
  std::unique_ptr<node::NodeHome> home;
  net::EventLoop loop;
  std::unique_ptr<FazNode> node;          // loop-owned
  std::unique_ptr<SyslogReceivers> receivers;  // loop-owned
  std::unique_ptr<FazApi> api;
  std::unique_ptr<http::HttpsServer> https;
  std::unique_ptr<console::ConsoleServer> console;
  bool started = false;

  void onFortiGateLink(std::shared_ptr<net::FramedLink> link) {
    std::weak_ptr<net::FramedLink> weak = link;
    FortiGatePeer peer;
    peer.address = link->peer().address;
    peer.certificate_serial = link->peer().serial_number;
    peer.send = [weak](const json& message) {
      auto l = weak.lock();
      return l && l->send(message);
    };
    peer.close = [weak](const std::string& reason) {
      if (auto l = weak.lock()) l->close(reason);
    };
    FortiGateLinkKey key = node->openFortiGateLink(std::move(peer));
    link->onMessage([this, key](const json& message) {
      if (node) node->onFortiGateMessage(key, message);
    });
    link->onClose([this, key](const std::string& reason) {
      if (node) node->onFortiGateClosed(key, reason);
    });
  }
};

FazDaemon::FazDaemon(FazDaemonOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

FazDaemon::~FazDaemon() { stop(); }

std::string FazDaemon::start() {
  Impl& d = *impl_;
  try {
    d.home = std::make_unique<node::NodeHome>(d.options.home, "fortianalyzer");
    // One daemon per home (two would share logs.db): a console socket that answers means another
    // one runs here.
    {
      console::LocalSocketClient probe;
      if (probe.connect(d.home->consoleSocket()).empty()) {
        d.home.reset();  // its runtime files are not ours to remove
        return "another fortianalyzer is already running in " + d.options.home.string();
      }
    }
    if (auto e = console::checkSocketPath(d.home->consoleSocket()); !e.empty()) throw std::runtime_error(e);
    node::NodeIdentity identity = d.home->identity("FAZ-VM00", "FAZ-VM64");
    std::string secret = d.home->secretKey();
    tls::CertificateSpec spec;
    spec.common_name = identity.serial;
    spec.serial_number = identity.serial;
    spec.dns_names = {"fortianalyzer", "localhost"};
    if (d.options.listen != "0.0.0.0") spec.ip_addresses = {d.options.listen};
    tls::NodeTlsFiles files = tls::ensureNodeCertificate(d.home->dir(), spec);
    d.home->writePid();

    d.loop.start();
    FazNodeOptions node_options;
    node_options.home = d.home->dir();
    node_options.serial = identity.serial;
    node_options.secret_key = secret;
    node_options.config_file = d.home->configFile().string();
    node_options.event_log = d.home->eventLog().string();
    node_options.feed_poll = d.options.feed_poll;

    net::TlsConfig tls{files.ca, files.cert, files.key, true, ""};
    std::string error = d.loop.call([&]() -> std::string {
      d.node = std::make_unique<FazNode>(node_options, d.clock, [&d](std::function<void()> fn) {
        d.loop.post(std::move(fn));
      });
      const FazConfig& config = d.node->config();
      net::LinkOptions link_options;
      link_options.heartbeat_interval = d.options.link_heartbeat;
      link_options.peer_timeout = d.options.link_timeout;
      d.receivers = std::make_unique<SyslogReceivers>(
          d.loop, d.node->pipeline(), tls, config.max_message,
          [&d](std::shared_ptr<net::FramedLink> link) { d.onFortiGateLink(std::move(link)); }, link_options,
          [&d](const std::string& address, const std::string& reason) {
            if (d.node) d.node->writeEvent("system", "warning", "syslog connection closed", {{"ip", address}, {"reason", reason}});
          });
      ReceiverPorts ports{d.options.udp_port.value_or(config.syslog_udp_port),
                          d.options.tcp_port.value_or(config.syslog_tcp_port),
                          d.options.tls_port.value_or(config.syslog_tls_port)};
      std::string e = d.receivers->listen(d.options.listen, ports);
      if (!e.empty()) return e;
      d.node->setResumeHook([&d] {
        if (d.receivers) d.receivers->onResume();
      });
      return "";
    });
    if (!error.empty()) throw std::runtime_error(error);

    d.api = std::make_unique<FazApi>(*d.node, [&d](const std::function<void()>& fn) { d.loop.call([&] { fn(); }); });
    d.https = std::make_unique<http::HttpsServer>(
        http::ServerTls{files.cert, files.key, files.ca, false},
        [&d](const http::HttpRequest& request) { return d.api->handle(request); }, nullptr);
    std::uint16_t https_port = d.options.https_port.value_or(d.loop.call([&] { return d.node->config().https_port; }));
    if (auto e = d.https->listen(d.options.listen, https_port); !e.empty()) throw std::runtime_error("https: " + e);

    d.console = std::make_unique<console::ConsoleServer>(d.loop, d.node->engine(), d.home->consoleSocket());
    if (auto e = d.console->start(); !e.empty()) throw std::runtime_error("console: " + e);

    json ports;
    d.loop.call([&] {
      ReceiverPorts p = d.receivers->ports();
      ports = json{{"https", d.https->port()}, {"syslog_udp", p.udp}, {"syslog_tcp", p.tcp},
                   {"syslog_tls", p.tls}, {"link", p.tcp}};
      d.node->setPorts(ports);
      d.node->writeEvent("system", "information", "FortiAnalyzer ready",
                         {{"address", d.options.listen}, {"ports", ports.dump()}});
    });
    d.home->writeReady(json{{"pid", static_cast<long>(::getpid())},
                            {"serial", identity.serial},
                            {"address", d.options.listen},
                            {"ports", ports}});
    d.started = true;
    return "";
  } catch (const std::exception& e) {
    stop();
    return e.what();
  }
}

void FazDaemon::stop() {
  Impl& d = *impl_;
  if (d.https) d.https->stop();
  if (d.console) d.console->stop();
  d.https.reset();
  d.console.reset();
  d.api.reset();
  if (d.node || d.receivers) {
    d.loop.call([&] {
      if (d.receivers) d.receivers->close();
      d.receivers.reset();
      d.node.reset();
    });
  }
  d.loop.stop();
  if (d.home) d.home->clearRuntimeFiles();
  d.home.reset();
  d.started = false;
}

}  // namespace fabric::faz
