#include "ems/ems_node.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "common/base/atomic_file.h"
#include "common/base/clock.h"
#include "common/config/engine.h"
#include "common/console/console.h"
#include "common/http/http.h"
#include "common/logship/analyzer_sender.h"
#include "common/logship/disk_log_buffer.h"
#include "common/net/link.h"
#include "common/node/node_home.h"
#include "common/tls/pki.h"
#include "ems/agent_protocol.h"
#include "ems/console_commands.h"
#include "ems/ems_schema.h"
#include "ems/event_log_sink.h"
#include "ems/quarantine_service.h"
#include "ems/rest_api.h"
#include "ems/session_store.h"
#include "ems/state_db.h"

namespace fabric::ems {
namespace {

// Agent links by connection id, for the protocol handler.
class LinkTransport final : public AgentTransport {
 public:
  std::map<ConnId, std::shared_ptr<net::FramedLink>> links;
  bool send(ConnId conn, const nlohmann::json& message) override {
    auto it = links.find(conn);
    return it != links.end() && it->second->send(message);
  }
  void close(ConnId conn, const std::string& reason) override {
    auto it = links.find(conn);
    if (it != links.end()) it->second->close(reason);
  }
};

int portOf(const std::optional<int>& override_port, const config::Engine& engine, const char* attribute) {
  if (override_port) return *override_port;
  return std::stoi(engine.value({"system server"}, attribute).value_or("0"));
}

}  // namespace

struct EmsNode::Impl {
  explicit Impl(DaemonOptions o) : options(std::move(o)), home(options.home, "ems") {}

  DaemonOptions options;
  node::NodeHome home;
  node::NodeIdentity identity;
  RealClock clock;
  std::unique_ptr<logship::DiskLogBuffer> log_buffer;  // DIR/logbuf: event lines for the FortiAnalyzer
  std::unique_ptr<EventLogSink> sink;
  std::unique_ptr<config::Engine> engine;
  std::unique_ptr<SqliteDb> db;
  std::unique_ptr<EndpointRegistry> registry;
  std::unique_ptr<CommandQueue> commands;
  std::unique_ptr<AuditLog> audit;
  std::unique_ptr<EmsEvents> events;
  std::unique_ptr<EmsState> state;
  LinkTransport transport;
  std::unique_ptr<AgentProtocol> agents;
  std::unique_ptr<QuarantineService> quarantine;
  std::unique_ptr<SessionStore> sessions;
  std::unique_ptr<RestApi> rest;
  // Declared after the state: destroyed before it, so no callback outlives what it touches.
  net::EventLoop loop;
  std::unique_ptr<net::LinkServer> link_server;
  std::unique_ptr<http::HttpsServer> https;
  std::unique_ptr<console::ConsoleServer> console;
  std::unique_ptr<logship::AnalyzerSender> faz;  // uses log_buffer; on the loop
  std::shared_ptr<net::EventLoop::Timer> faz_tick;
  AnalyzerSetting faz_setting;
  std::atomic<bool> posting{false};  // the loop runs and takes posted work
  std::shared_ptr<net::EventLoop::Timer> expiry_timer;  // command-timeout checks
  ConnId next_conn = 1;
  bool running = false;

  std::string loadConfig();
  void onCommit();
  void applyAnalyzerSetting();
  void flushEvents();
  config::LineResult analyzerStatus() const;
  void onLink(std::shared_ptr<net::FramedLink> link);
};

std::string EmsNode::Impl::loadConfig() {
  engine = std::make_unique<config::Engine>(makeEmsSchema(), identity.hostname, home.secretKey());
  if (auto text = readFile(home.configFile())) {
    auto r = engine->load(*text);
    if (!r.ok()) return home.configFile().string() + ": " + r.output;
    // A hand-written file may hold clear-text passwords: store it as `show` prints it (hashed).
    if (const std::string saved = engine->save(); saved != *text) {
      if (auto err = writeFileAtomically(home.configFile(), saved, 0600); !err.empty()) return err;
    }
  } else if (auto err = writeFileAtomically(home.configFile(), engine->save(), 0600); !err.empty()) {
    return err;
  }
  return "";
}

void EmsNode::Impl::onCommit() {
  if (auto err = writeFileAtomically(home.configFile(), engine->save(), 0600); !err.empty()) {
    std::fprintf(stderr, "ems: cannot save %s: %s\n", home.configFile().c_str(), err.c_str());
  }
  events->setHostname(engine->value({"system global"}, "hostname").value_or(identity.hostname));
  applyAnalyzerSetting();
  try {
    agents->onConfigChanged();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ems: profile push failed: %s\n", e.what());
  }
}

// Follows `config log fortianalyzer setting`: lines are buffered for, and sent to, the analyzer it
// names while it is enabled. Lines buffered before it was disabled stay on disk until it is enabled
// again (to any analyzer).
void EmsNode::Impl::applyAnalyzerSetting() {
  AnalyzerSetting next = analyzerSetting(*engine);
  sink->setShipping(next.enabled);
  if (faz) {
    if (next.enabled) {
      faz->connect(next.server, next.port);
    } else {
      faz->disconnect("disabled (config log fortianalyzer setting)");
    }
  }
  faz_setting = next;
}

void EmsNode::Impl::flushEvents() {
  if (sink->flush() == 0 || !faz) return;
  if (auto e = faz->pump(); !e.empty()) std::fprintf(stderr, "ems: log buffer commit failed: %s\n", e.c_str());
}

config::LineResult EmsNode::Impl::analyzerStatus() const {
  std::string out = "FortiAnalyzer logging: " + std::string(faz_setting.enabled ? "enable" : "disable") + "\n";
  if (faz_setting.enabled) {
    out += "Server: " + faz_setting.server + ":" + std::to_string(faz_setting.port) + " (RFC 5425 syslog over TLS)\n";
  }
  out += "Connection: " + (faz ? faz->state() : std::string("not started")) + "\n";
  const auto b = faz ? faz->bufferStatus() : nlohmann::json::object();
  out += "Logs pending: " + std::to_string(log_buffer->pendingLines() + sink->queuedLines()) + " (" +
         std::to_string(log_buffer->pendingBytes()) + " bytes on disk)\n";
  out += "Logs sent: " + std::to_string(b.value("delivered_lines", 0ull)) + " since start\n";
  out += "Logs refused: " + std::to_string(log_buffer->refusedLines()) + "\n";
  if (!sink->lastError().empty()) out += "Last error: " + sink->lastError() + "\n";
  return config::LineResult{out, 0};
}

void EmsNode::Impl::onLink(std::shared_ptr<net::FramedLink> link) {
  const ConnId id = next_conn++;
  transport.links[id] = link;
  // The link verified the agent certificate against the lab CA; its CN binds the uid (register).
  agents->onOpen(id, link->peer().address, link->peer().common_name);
  link->onMessage([this, id](const nlohmann::json& message) {
    try {
      agents->onMessage(id, message);
    } catch (const std::exception& e) {  // a store failure: drop the link, the agent retries
      transport.close(id, std::string("EMS error: ") + e.what());
    }
  });
  link->onClose([this, id](const std::string& reason) {
    try {
      agents->onClose(id, reason);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ems: closing link %llu: %s\n", static_cast<unsigned long long>(id), e.what());
    }
    transport.links.erase(id);
  });
}

EmsNode::EmsNode(DaemonOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

EmsNode::~EmsNode() { stop(); }

std::string EmsNode::start() {
  Impl& m = *impl_;
  try {
    m.identity = m.home.identity("FCTEMS00", "FCTEMS");
    if (auto err = m.loadConfig(); !err.empty()) return err;
    m.log_buffer = std::make_unique<logship::DiskLogBuffer>(m.home.file("logbuf"));
    if (m.log_buffer->recoveredTornBytes() > 0) {
      std::fprintf(stderr, "ems: log buffer: cut a torn tail of %llu bytes left by an interrupted write\n",
                   static_cast<unsigned long long>(m.log_buffer->recoveredTornBytes()));
    }
    // Lines logged during one loop turn go to the disk buffer together at its end (one fsync).
    m.sink = std::make_unique<EventLogSink>(m.home.eventLog(), *m.log_buffer, [&m] {
      if (m.posting) m.loop.post([&m] { m.flushEvents(); });
    });
    m.db = openStateDb(m.home.file("state.db").string());
    m.registry = std::make_unique<EndpointRegistry>(*m.db);
    m.registry->markAllOffline();
    m.commands = std::make_unique<CommandQueue>(*m.db);
    m.audit = std::make_unique<AuditLog>(*m.db);
    m.events = std::make_unique<EmsEvents>(
        *m.sink, m.clock, m.engine->value({"system global"}, "hostname").value_or(m.identity.hostname),
        m.identity.serial);
    m.state = std::make_unique<EmsState>(
        EmsState{*m.engine, *m.registry, *m.commands, *m.audit, *m.events, m.clock, m.identity.serial});
    m.agents = std::make_unique<AgentProtocol>(*m.state, m.transport);
    m.quarantine = std::make_unique<QuarantineService>(*m.state, *m.agents);
    m.sessions = std::make_unique<SessionStore>(m.clock);
    m.rest = std::make_unique<RestApi>(*m.state, *m.quarantine, *m.sessions);
    registerConsoleCommands(*m.engine, *m.state, *m.agents, *m.quarantine);
    m.engine->addCommand({"execute", "log", "fortianalyzer", "test-connectivity"},
                         [&m](config::Session&, std::span<const std::string> args) {
                           if (!args.empty()) return config::LineResult{"command parse error before '" + args[0] + "'\nCommand fail. Return code -61\n", -61};
                           return m.analyzerStatus();
                         });
    m.engine->setCommitListener([&m] { m.onCommit(); });
    m.applyAnalyzerSetting();  // lines logged while starting are buffered; sent once the loop runs

    std::string address = m.options.listen;
    if (address.empty()) address = m.engine->value({"system server"}, "listen-ip").value_or("0.0.0.0");
    tls::CertificateSpec spec;
    spec.common_name = m.identity.serial;
    spec.serial_number = m.identity.serial;
    spec.dns_names = {"ems", "localhost"};
    spec.ip_addresses = {"127.0.0.1"};
    if (address != "0.0.0.0" && address != "127.0.0.1") spec.ip_addresses.push_back(address);
    const auto files = tls::ensureNodeCertificate(m.home.dir(), spec);

    m.loop.start();
    m.running = true;
    m.loop.call([&] {
      logship::SenderOptions so;
      so.tls = net::TlsConfig{files.ca, files.cert, files.key, true, ""};
      if (address != "0.0.0.0") so.source_address = address;
      m.faz = std::make_unique<logship::AnalyzerSender>(m.loop, *m.log_buffer, so, [](const std::string& line) {
        std::fprintf(stderr, "ems: %s\n", line.c_str());
      });
      m.applyAnalyzerSetting();
      m.posting = true;
      m.flushEvents();  // lines logged while starting
      m.faz_tick = m.loop.every(std::chrono::milliseconds(100), [&m] {
        if (auto e = m.faz->tick(); !e.empty()) std::fprintf(stderr, "ems: log buffer commit failed: %s\n", e.c_str());
      });
    });
    net::LinkOptions link_options;
    link_options.log = [](const std::string& line) { std::fprintf(stderr, "ems: fct link: %s\n", line.c_str()); };
    m.link_server = std::make_unique<net::LinkServer>(
        m.loop, net::TlsConfig{files.ca, files.cert, files.key, true, ""}, link_options,
        [&m](std::shared_ptr<net::FramedLink> link) { m.onLink(std::move(link)); });
    const int fct_port = portOf(m.options.fct_port, *m.engine, "fct-port");
    std::string err = m.loop.call([&] { return m.link_server->listen(address, static_cast<std::uint16_t>(fct_port)); });
    if (!err.empty()) return "FortiClient Telemetry listener: " + err;

    m.https = std::make_unique<http::HttpsServer>(
        http::ServerTls{files.cert, files.key, files.ca, false},
        [&m](const http::HttpRequest& request) { return m.rest->handle(request); }, &m.loop);
    const int https_port = portOf(m.options.https_port, *m.engine, "https-port");
    if (err = m.https->listen(address, static_cast<std::uint16_t>(https_port)); !err.empty()) {
      return "HTTPS listener: " + err;
    }
    m.console = std::make_unique<console::ConsoleServer>(m.loop, *m.engine, m.home.consoleSocket());
    if (err = m.console->start(); !err.empty()) return "console: " + err;
    m.expiry_timer = m.loop.call([&m] {
      return m.loop.every(std::chrono::seconds(1), [&m] {
        try {
          m.agents->expireCommands();
        } catch (const std::exception& e) {
          std::fprintf(stderr, "ems: command timeout check failed: %s\n", e.what());
        }
      });
    });

    m.home.writePid();
    m.home.writeReady({{"pid", ::getpid()},
                       {"serial", m.identity.serial},
                       {"address", address},
                       {"ports", {{"https", m.https->port()}, {"link", m.link_server->port()}}}});
    std::fprintf(stderr, "ems: %s ready on %s (https %u, fct %u)\n", m.identity.serial.c_str(), address.c_str(),
                 m.https->port(), m.link_server->port());
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

void EmsNode::stop() {
  Impl& m = *impl_;
  if (!m.running) return;
  m.running = false;
  // HTTP request threads wait on the loop: stop them while the loop still runs.
  if (m.https) m.https->stop();
  if (m.console) m.console->stop();
  m.loop.call([&m] {
    m.expiry_timer.reset();
    if (m.link_server) m.link_server->close();
    // Drop our references here, on the loop: a link still closing when the loop stops would
    // otherwise be destroyed with the node, after the loop (and its sockets' io_context) is gone —
    // with hundreds of agent links open at SIGTERM that freed sockets into a dead io_context
    // (heap corruption at exit). What is still in flight is released by the loop's own teardown.
    auto links = std::move(m.transport.links);
    m.transport.links.clear();
    for (auto& [id, link] : links) link->close("EMS shutting down");
    // Lines not yet delivered stay in DIR/logbuf and are sent after the next start.
    m.posting = false;
    if (m.sink) m.flushEvents();
    m.faz_tick.reset();
    m.faz.reset();
  });
  m.loop.stop();
  m.home.clearRuntimeFiles();
}

}  // namespace fabric::ems
