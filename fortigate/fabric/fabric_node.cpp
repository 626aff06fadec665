#include "fortigate/fabric/fabric_node.h"

#include <iostream>

#include "common/config/engine.h"
#include "fortigate/fabric/fabric_commands.h"
#include "fortigate/fabric/https_ems_session.h"

namespace fabric::fortigate {
namespace {

constexpr auto kTick = std::chrono::milliseconds(100);

void note(const std::string& text) { std::cerr << "fortigate-fabric: " << text << "\n"; }

// "host", "host:port" → host and port (default when absent or unreadable).
std::pair<std::string, std::uint16_t> splitServer(const std::string& server, std::uint16_t default_port) {
  const auto colon = server.rfind(':');
  if (colon == std::string::npos || server.find(':') != colon) return {server, default_port};
  try {
    const int port = std::stoi(server.substr(colon + 1));
    if (port > 0 && port < 65536) return {server.substr(0, colon), static_cast<std::uint16_t>(port)};
  } catch (...) {
  }
  return {server.substr(0, colon), default_port};
}

}  // namespace

FortiGateFabric::FortiGateFabric(net::EventLoop& loop, config::Engine& config, DeviceInfo device, const Clock& clock,
                                 EventLogSink& log, FabricNodeOptions options)
    : loop_(loop),
      config_(config),
      device_(device),
      clock_(clock),
      log_(log),
      options_(std::move(options)),
      registry_(device, clock),
      queue_(options_.home / "ems_calls.db", clock),
      automation_store_(options_.home / "automation.db"),
      automation_(device, config, clock, log, &automation_store_),
      quarantine_(device, config, registry_, queue_, clock, log, options_.seed,
                  [this] {
                    // The connector must see the configuration the call was queued under.
                    if (config_.revision() != seen_revision_) refreshConfig();
                    if (worker_) worker_->wake();
                  }),
      quarantine_action_(quarantine_),
      faz_buffer_(options_.home / "faz-logbuf", options_.faz_buffer_bytes),
      faz_session_(device, faz_buffer_) {
  faz_writer_ = std::make_unique<logship::LogBufferWriter>(
      options_.home / "faz-logbuf",
      [this, alive = alive_](std::vector<logship::LogBufferWriter::Result> results) {
        auto shared = std::make_shared<std::vector<logship::LogBufferWriter::Result>>(std::move(results));
        loop_.post([this, alive, shared] {
          if (*alive) onFazWritten(*shared);
        });
      },
      options_.faz_sync_for_test);
  automation_.setRunner("quarantine-forticlient", &quarantine_action_);
  http::ClientTls ems_tls{options_.tls.ca, options_.tls.cert, options_.tls.key};
  ems_factory_ = std::make_unique<HttpsEmsSessionFactory>(ems_tls, options_.address);
  worker_ = std::make_unique<EmsConnectorWorker>(
      device, queue_, *ems_factory_,
      [this](const std::string& name, std::string& reason) { return snapshotTarget(name, reason); },
      [this, alive = alive_](const EventRecord& event) {
        loop_.post([this, alive, event] {
          if (*alive) log_.write(event);
        });
      },
      clock, options_.retry);
  registerFabricCommands(config_, {registry_, automation_, quarantine_, queue_, &faz_session_,
                                   [this] { return fazStatus(); }});
}

FortiGateFabric::~FortiGateFabric() { stop(); }

std::string FortiGateFabric::start() {
  std::string error = loop_.call([this]() -> std::string {
    refreshConfig();
    auto link_options = options_.link;
    telemetry_ = std::make_unique<net::LinkServer>(
        loop_, options_.tls, link_options, [this](std::shared_ptr<net::FramedLink> l) { onTelemetryLink(std::move(l)); });
    auto e = telemetry_->listen(options_.address, options_.telemetry_port);
    if (!e.empty()) return "telemetry: " + e;
    timer_ = loop_.every(kTick, [this] { tick(); });
    return {};
  });
  if (!error.empty()) return error;
  worker_->start();
  return {};
}

void FortiGateFabric::stop() {
  if (worker_) worker_->stop();
  // Lines already staged are written (and recovered as pending on the next start); their
  // outcome is not applied once the fabric is stopped.
  if (faz_writer_) faz_writer_->stop();
  loop_.runOnLoop([this] {
    if (stopped_) return;
    stopped_ = true;
    *alive_ = false;
    timer_.reset();
    faz_client_.reset();
    if (telemetry_) telemetry_->close();
    for (auto& [id, weak] : telemetry_links_)
      if (auto l = weak.lock()) l->close("FortiGate shutting down");
    telemetry_links_.clear();
    telemetry_.reset();
  });
}

std::uint16_t FortiGateFabric::telemetryPort() const { return telemetry_ ? telemetry_->port() : 0; }

void FortiGateFabric::forwardToAnalyzer(const std::string& line) {
  loop_.post([this, alive = alive_, line] {
    if (!*alive) return;
    faz_pending_.push_back(line);
    // Lines posted before this one runs join the same batch; batches staged while the writer
    // thread syncs share its next fsync.
    if (faz_pending_.size() == 1)
      loop_.post([this, alive] {
        if (*alive) appendPendingFaz();
      });
  });
}

void FortiGateFabric::appendPendingFaz() {
  if (config_.revision() != seen_revision_) refreshConfig();
  std::vector<std::string> lines;
  lines.swap(faz_pending_);
  // Logging to the analyzer disabled: nothing is queued for it (FortiOS does not either).
  if (faz_server_.empty() || lines.empty()) return;
  // The loop only encodes; the writer thread writes and fsyncs, and onFazWritten() accepts.
  logship::StagedAppend staged;
  auto r = faz_session_.stageLines(lines, staged);
  if (r.first_refusal) reportFazRefusal(r.error);
  if (r.accepted && staged.lines > 0) faz_writer_->submit(std::move(staged));
}

void FortiGateFabric::onFazWritten(const std::vector<logship::LogBufferWriter::Result>& results) {
  for (const auto& result : results) {
    auto r = faz_session_.finishStaged(result.staged, result.error);
    if (r.first_refusal) reportFazRefusal(r.error);
  }
  flushFaz();
}

void FortiGateFabric::reportFazRefusal(const std::string& error) {
  note("analyzer log buffer: " + error);
  const bool full = error.rfind("log buffer full", 0) == 0;
  log_.write(analyzerBufferFull((full ? "FortiAnalyzer log buffer full, logs dropped until the analyzer catches up: "
                                      : "FortiAnalyzer log buffer not writable, logs dropped: ") +
                                error));
}

void FortiGateFabric::tick() {
  if (config_.revision() != seen_revision_) refreshConfig();
  if (auto due = automation_.nextDue(); due && *due <= clock_.now()) automation_.poll();
  flushFaz();
}

void FortiGateFabric::refreshConfig() {
  seen_revision_ = config_.revision();
  refreshEmsSnapshot();
  applyFazSettings();
  if (worker_) worker_->wake();  // a fixed entry may unblock retrying calls sooner than their backoff
}

void FortiGateFabric::refreshEmsSnapshot() {
  std::map<std::string, std::pair<std::optional<EmsTarget>, std::string>> snap;
  for (const auto& name : config_.keys({"endpoint-control forticlient-ems"})) {
    std::string reason;
    auto t = readEmsTarget(config_, name, reason);
    snap[name] = {std::move(t), reason};
  }
  std::lock_guard lock(snapshot_mutex_);
  ems_snapshot_ = std::move(snap);
}

std::optional<EmsTarget> FortiGateFabric::snapshotTarget(const std::string& name, std::string& reason) {
  std::lock_guard lock(snapshot_mutex_);
  auto it = ems_snapshot_.find(name);
  if (it == ems_snapshot_.end()) {
    reason = "forticlient-ems entry \"" + name + "\" no longer exists";
    return std::nullopt;
  }
  reason = it->second.second;
  return it->second.first;
}

void FortiGateFabric::applyFazSettings() {
  const config::Path p{"log fortianalyzer setting"};
  const bool enabled = config_.value(p, "status").value_or("disable") == "enable";
  const std::string server = enabled ? config_.value(p, "server").value_or("") : std::string();
  if (server == faz_server_) return;
  faz_client_.reset();
  if (faz_session_.connected()) faz_session_.onDisconnected("configuration changed");
  faz_server_ = server;
  if (server.empty()) return;
  const auto [host, port] = splitServer(server, options_.faz_default_port);
  net::ClientOptions co;
  co.host = host;
  co.port = port;
  co.source_address = options_.address;
  co.link = options_.link;
  faz_client_ = std::make_unique<net::LinkClient>(
      loop_, options_.tls, co, [this](std::shared_ptr<net::FramedLink> l) { onFazLink(std::move(l)); },
      [this, alive = alive_](const std::string& reason) {
        if (*alive) faz_session_.onDisconnected(reason);
      });
  faz_client_->start();
}

void FortiGateFabric::onFazLink(std::shared_ptr<net::FramedLink> link) {
  faz_link_ = link;
  std::weak_ptr<net::FramedLink> weak = link;
  link->onMessage([this, weak, alive = alive_](const nlohmann::json& m) {
    if (!*alive) return;
    auto in = faz_session_.onMessage(m);
    auto l = weak.lock();
    for (const auto& reply : in.replies)
      if (l) l->send(reply);
    if (!in.error.empty()) note("analyzer link: " + in.error);
    if (in.ioc) automation_.onIocEvent(*in.ioc);
    flushFaz();
  });
  link->onClose([this, alive = alive_](const std::string& reason) {
    if (*alive) faz_session_.onDisconnected(reason);
  });
  link->send(faz_session_.onConnected());
  flushFaz();
}

void FortiGateFabric::flushFaz() {
  auto link = faz_link_.lock();
  if (!link || !link->isOpen() || !faz_session_.connected()) return;
  while (auto batch = faz_session_.nextLogs()) link->send(*batch);
}

void FortiGateFabric::onTelemetryLink(std::shared_ptr<net::FramedLink> link) {
  const std::uint64_t id = next_link_id_++;
  telemetry_links_[id] = link;
  std::weak_ptr<net::FramedLink> weak = link;
  // The link verified the agent certificate against the lab CA; its CN binds the uid (register).
  const TelemetryPeer peer{link->peer().address, link->peer().certificate_serial, link->peer().common_name};
  link->onMessage([this, id, weak, peer, alive = alive_](const nlohmann::json& m) {
    if (!*alive) return;
    auto out = registry_.handleMessage(id, peer, m);
    auto l = weak.lock();
    if (out.reply && l) l->send(*out.reply);
    for (const auto& event : out.events) log_.write(event);
    if (out.superseded_link) {
      auto old = telemetry_links_.find(out.superseded_link);
      if (old != telemetry_links_.end()) {
        if (auto o = old->second.lock()) o->close("superseded by a new telemetry link of the same FortiClient");
        telemetry_links_.erase(old);
      }
    }
    if (!out.error.empty()) {
      note("telemetry link from " + peer.address + ": " + out.error);
      if (out.close_link && l) l->close(out.error);
    }
  });
  link->onClose([this, id, alive = alive_](const std::string& reason) {
    if (!*alive) return;
    telemetry_links_.erase(id);
    for (const auto& event : registry_.linkClosed(id, reason)) log_.write(event);
  });
}

std::string FortiGateFabric::fazStatus() const {
  if (faz_server_.empty()) return {};
  return "FortiAnalyzer server: " + faz_server_ + "\n";
}

}  // namespace fabric::fortigate
