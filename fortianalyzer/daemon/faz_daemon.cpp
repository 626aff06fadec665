#include "fortianalyzer/daemon/faz_daemon.h"

#include <unistd.h>

#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

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
  node::NodeIdentity identity;
  http::ServerTls https_tls;
  // The configured ports the listeners were bound for (a command-line override counts as the
  // configured value until the configuration's value changes). Loop thread only.
  ConfiguredPorts applied;
  std::mutex https_mutex;            // guards https against the threads that move it
  std::vector<std::thread> movers;   // HTTPS port moves (never on the loop: stop() joins)
  std::mutex movers_mutex;

  void joinMovers() {
    std::vector<std::thread> done;
    {
      std::lock_guard<std::mutex> lock(movers_mutex);
      done.swap(movers);
    }
    for (auto& t : done) t.join();
  }

  std::uint16_t httpsPort() {
    std::lock_guard<std::mutex> lock(https_mutex);
    return https ? https->port() : 0;
  }

  // On the loop: the ports in use to the node (status, diagnose) and to ready.json.
  void publishPorts() {
    ReceiverPorts p = receivers->ports();
    json ports{{"https", httpsPort()}, {"syslog_udp", p.udp}, {"syslog_tcp", p.tcp},
               {"syslog_tls", p.tls}, {"link", p.tcp}};
    node->setPorts(ports);
    if (!started) return;
    json ready{{"pid", static_cast<long>(::getpid())}, {"serial", identity.serial}, {"address", options.listen},
               {"ports", ports}};
    try {
      home->writeReady(ready);
    } catch (const std::exception& e) {
      // A live port change must not take the daemon down; the event log says ready.json is stale.
      node->writeEvent(events::kConfigNotSaved, {{"file", "ready.json"}, {"reason", e.what()}});
    }
  }

  // On the loop, after every configuration change (FazNode::setConfigHook).
  void onConfig(const FazConfig& now) {
    if (!receivers) return;
    receivers->setMaxMessage(now.max_message);
    const ConfiguredPorts wanted = configuredPorts(now);
    const PortMoves moves = portMoves(applied, wanted);
    const bool move = moves.syslog;
    ReceiverPorts want = receivers->ports();
    if (wanted.syslog_udp != applied.syslog_udp) want.udp = wanted.syslog_udp;
    if (wanted.syslog_tcp != applied.syslog_tcp) want.tcp = wanted.syslog_tcp;
    if (wanted.syslog_tls != applied.syslog_tls) want.tls = wanted.syslog_tls;
    if (move) {
      ReceiverPorts before = receivers->ports();
      std::string error = receivers->rebind(options.listen, want);
      if (error.empty()) {
        applied.syslog_udp = wanted.syslog_udp;
        applied.syslog_tcp = wanted.syslog_tcp;
        applied.syslog_tls = wanted.syslog_tls;
        ReceiverPorts p = receivers->ports();
        node->writeEvent(events::kPortChanged,
                         {{"setting", "system log-receiver"},
                          {"syslog_udp_port", std::to_string(before.udp) + "->" + std::to_string(p.udp)},
                          {"syslog_tcp_port", std::to_string(before.tcp) + "->" + std::to_string(p.tcp)},
                          {"syslog_tls_port", std::to_string(before.tls) + "->" + std::to_string(p.tls)}});
        publishPorts();
      } else {
        // The old listeners keep running and the configuration goes back to the ports they serve.
        node->writeEvent(events::kPortNotChanged, {{"setting", "system log-receiver"}, {"reason", error}});
        ConfiguredPorts keep = applied;
        loop.post([this, keep] {
          if (!node) return;
          auto session = node->engine().openSession();
          session->execute("config system log-receiver");
          session->execute("set syslog-udp-port " + std::to_string(keep.syslog_udp));
          session->execute("set syslog-tcp-port " + std::to_string(keep.syslog_tcp));
          session->execute("set syslog-tls-port " + std::to_string(keep.syslog_tls));
          session->execute("end");
        });
      }
    }
    if (moves.https) {
      std::uint16_t from = applied.https;
      applied.https = now.https_port;  // a failed move restores it (and the configuration)
      std::lock_guard<std::mutex> lock(movers_mutex);
      movers.emplace_back([this, port = now.https_port, from] { moveHttps(port, from); });
    }
  }

  // Off the loop: the old HTTPS server's stop() waits for requests that may be waiting for the loop.
  void moveHttps(std::uint16_t port, std::uint16_t configured_before) {
    auto fresh = std::make_unique<http::HttpsServer>(
        https_tls, [this](const http::HttpRequest& request) { return api->handle(request); }, nullptr);
    std::string error = fresh->listen(options.listen, port);
    std::uint16_t old_port = httpsPort();
    if (error.empty()) {
      std::unique_ptr<http::HttpsServer> old;
      {
        std::lock_guard<std::mutex> lock(https_mutex);
        old = std::move(https);
        https = std::move(fresh);
      }
      if (old) old->stop();
    }
    std::uint16_t new_port = httpsPort();
    loop.post([this, error, old_port, new_port, configured_before] {
      if (!node) return;
      if (error.empty()) {
        node->writeEvent(events::kPortChanged,
                         {{"setting", "system admin setting"},
                          {"https_port", std::to_string(old_port) + "->" + std::to_string(new_port)}});
        publishPorts();
        return;
      }
      node->writeEvent(events::kPortNotChanged, {{"setting", "system admin setting"}, {"reason", "https: " + error}});
      applied.https = configured_before;
      auto session = node->engine().openSession();
      session->execute("config system admin setting");
      session->execute("set https_port " + std::to_string(configured_before));
      session->execute("end");
    });
  }

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
    d.identity = d.home->identity("FAZ-VM00", "FAZ-VM64");
    const node::NodeIdentity& identity = d.identity;
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
            if (d.node) d.node->writeEvent(events::kSyslogClosed, {{"ip", address}, {"reason", reason}});
          });
      ReceiverPorts ports{d.options.udp_port.value_or(config.syslog_udp_port),
                          d.options.tcp_port.value_or(config.syslog_tcp_port),
                          d.options.tls_port.value_or(config.syslog_tls_port)};
      std::string e = d.receivers->listen(d.options.listen, ports);
      if (!e.empty()) return e;
      d.applied = configuredPorts(config);
      d.node->setConfigHook([&d](const FazConfig&, const FazConfig& now) { d.onConfig(now); });
      d.node->setResumeHook([&d] {
        if (d.receivers) d.receivers->onResume();
      });
      return "";
    });
    if (!error.empty()) throw std::runtime_error(error);

    d.api = std::make_unique<FazApi>(*d.node, [&d](const std::function<void()>& fn) { d.loop.call([&] { fn(); }); });
    d.https_tls = http::ServerTls{files.cert, files.key, files.ca, false};
    {
      std::lock_guard<std::mutex> lock(d.https_mutex);
      d.https = std::make_unique<http::HttpsServer>(
          d.https_tls, [&d](const http::HttpRequest& request) { return d.api->handle(request); }, nullptr);
      std::uint16_t https_port = d.options.https_port.value_or(d.loop.call([&] { return d.node->config().https_port; }));
      if (auto e = d.https->listen(d.options.listen, https_port); !e.empty()) throw std::runtime_error("https: " + e);
    }

    d.console = std::make_unique<console::ConsoleServer>(d.loop, d.node->engine(), d.home->consoleSocket());
    if (auto e = d.console->start(); !e.empty()) throw std::runtime_error("console: " + e);

    d.loop.call([&] {
      d.publishPorts();
      d.node->writeEvent(events::kReady, {{"address", d.options.listen}, {"ports", d.node->ports().dump()}});
      d.started = true;
      // ready.json: every listener is up (a failure to write it stops the start).
      d.home->writeReady(json{{"pid", static_cast<long>(::getpid())}, {"serial", identity.serial},
                              {"address", d.options.listen}, {"ports", d.node->ports()}});
    });
    return "";
  } catch (const std::exception& e) {
    stop();
    return e.what();
  }
}

void FazDaemon::stop() {
  Impl& d = *impl_;
  // The console first: no commit can start another HTTPS port move after the join below.
  if (d.console) d.console->stop();
  d.joinMovers();
  std::unique_ptr<http::HttpsServer> https;
  {
    std::lock_guard<std::mutex> lock(d.https_mutex);  // the loop may read its port meanwhile
    https = std::move(d.https);
  }
  if (https) https->stop();
  https.reset();
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
  d.joinMovers();
  if (d.home) d.home->clearRuntimeFiles();
  d.home.reset();
  d.started = false;
}

}  // namespace fabric::faz
