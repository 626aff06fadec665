#include "forticlient/endpoint_runtime.h"

namespace fabric::forticlient {

struct EndpointRuntime::FortigateLink {
  Gateway gateway;
  std::unique_ptr<net::LinkClient> client;
  std::shared_ptr<net::FramedLink> link;
  std::string state = "connecting";
  std::shared_ptr<int> alive = std::make_shared<int>(0);  // declared last: released first
};

namespace {

net::ClientOptions dialOptions(const RuntimeOptions& o, const std::string& host, int port,
                               const std::string& source) {
  net::ClientOptions c;
  c.host = host;
  c.port = static_cast<std::uint16_t>(port);
  c.source_address = source;
  c.backoff_min = o.backoff_min;
  c.backoff_max = o.backoff_max;
  c.link = o.link;
  return c;
}

// Runs `fn` only while `token` (the owner's liveness token) exists.
template <typename Fn>
auto guarded(const std::shared_ptr<int>& token, Fn fn) {
  return [weak = std::weak_ptr<int>(token), fn = std::move(fn)](auto&&... args) {
    if (weak.expired()) return;
    fn(std::forward<decltype(args)>(args)...);
  };
}

}  // namespace

EndpointRuntime::EndpointRuntime(net::EventLoop& loop, const Clock& clock,
                                 const std::filesystem::path& dir, Identity identity,
                                 const RuntimeOptions& options, NftRunner* nft, DiagnosticLog diag)
    : loop_(loop),
      options_(options),
      diag_(std::move(diag)),
      buffer_(std::make_unique<logship::DiskLogBuffer>(dir / "logbuf", options.log_buffer_bytes)),
      core_(std::make_unique<EndpointCore>(std::move(identity), QuarantineStore(dir / "quarantine.json"),
                                           *buffer_, clock)),
      enforcement_(nft),
      faz_(loop, *buffer_,
           logship::SenderOptions{options.tls, core_->identity().ip, options.backoff_min, options.backoff_max,
                                  options.link},
           [this](const std::string& line) { note(line); }) {
  faz_.disconnect("no profile");
  if (buffer_->recoveredTornBytes() > 0) {
    note("log buffer: cut a torn tail of " + std::to_string(buffer_->recoveredTornBytes()) +
         " bytes left by an interrupted write");
  }
}

EndpointRuntime::~EndpointRuntime() { stop(); }

void EndpointRuntime::note(const std::string& line) const {
  if (diag_) diag_(core_->identity().hostname + " (" + core_->identity().ip + "): " + line);
}

void EndpointRuntime::start() {
  if (started_) return;
  started_ = true;
  if (core_->quarantine().quarantined) note("starting quarantined (state persisted since " +
                                            std::to_string(core_->quarantine().since) + ")");
  enforce();
  ems_state_ = "connecting";
  ems_ = std::make_unique<net::LinkClient>(
      loop_, options_.tls,
      dialOptions(options_, options_.ems.host, options_.ems.port, core_->identity().ip),
      guarded(alive_, [this](std::shared_ptr<net::FramedLink> link) { onEmsLink(std::move(link)); }),
      guarded(alive_, [this](const std::string& reason) {
        if (ems_state_ != "down: " + reason) note("EMS link down: " + reason);
        ems_state_ = "down: " + reason;
      }));
  ems_->start();
}

void EndpointRuntime::stop() {
  if (!started_) return;
  started_ = false;
  faz_.disconnect("stopped");
  fortigates_.clear();
  ems_.reset();
  ems_link_.reset();
}

void EndpointRuntime::onEmsLink(std::shared_ptr<net::FramedLink> link) {
  ems_link_ = link;
  ems_state_ = "up";
  note("EMS link up (" + link->peer().address + ":" + std::to_string(link->peer().port) + ")");
  std::weak_ptr<net::FramedLink> weak_link = link;
  link->onMessage(guarded(alive_, [this](const nlohmann::json& m) { onEmsMessage(m); }));
  link->onClose(guarded(alive_, [this, weak_link](const std::string& reason) {
    if (ems_link_ == weak_link.lock()) {
      ems_link_.reset();
      ems_state_ = "down: " + reason;
      note("EMS link closed: " + reason);
    }
  }));
  link->send(core_->emsRegister());
}

void EndpointRuntime::onEmsMessage(const nlohmann::json& message) {
  Reaction r = core_->onEmsMessage(message);
  if (!r.error.empty()) note("EMS message refused: " + r.error);
  apply(r);
}

void EndpointRuntime::send(const Outgoing& out) {
  const std::string type = out.message.value("type", "");
  if (out.to == Outgoing::To::kEms) {
    if (!ems_link_ || !ems_link_->send(out.message)) {
      // EMS keeps a command pending until its result arrives and `register` carries the state,
      // so nothing is lost; say so.
      note("EMS link down: '" + type + "' not sent (the next register carries the state)");
    }
    return;
  }
  for (auto& f : fortigates_) {
    if (!f->link || !f->link->send(out.message)) {
      note("FortiGate " + f->gateway.name + " link down: '" + type +
           "' not sent (the next register carries the state)");
    }
  }
}

void EndpointRuntime::apply(const Reaction& r) {
  for (const auto& out : r.out) send(out);
  if (r.fabric_changed) syncFortigates();
  if (r.fabric_changed || r.quarantine_changed) {
    if (r.quarantine_changed) {
      note(std::string("quarantine state: ") + core_->quarantine().stateName() +
           (core_->quarantine().flow_id.empty() ? "" : " (flow " + core_->quarantine().flow_id + ")"));
    }
    enforce();
  }
  logsAppended();
}

void EndpointRuntime::enforce() {
  std::vector<AllowedPeer> peers;
  peers.push_back({options_.ems.host, options_.ems.port, "ems"});
  for (const auto& g : core_->fabric().gateways) {
    peers.push_back({g.address, g.port, "fortigate " + g.name});
  }
  if (auto err = enforcement_.sync(core_->quarantine().quarantined, peers); !err.empty()) {
    note("nftables enforcement failed (in-process enforcement still applies): " + err);
  }
  syncAnalyzer();
}

void EndpointRuntime::syncFortigates() {
  const auto& wanted = core_->fabric().gateways;
  std::vector<std::unique_ptr<FortigateLink>> next;
  for (const auto& g : wanted) {
    std::unique_ptr<FortigateLink> kept;
    for (auto& f : fortigates_) {
      if (f && f->gateway == g) kept = std::move(f);
    }
    if (!kept) {
      kept = std::make_unique<FortigateLink>();
      kept->gateway = g;
      FortigateLink* fl = kept.get();
      note("dialling FortiGate " + g.name + " at " + g.address + ":" + std::to_string(g.port));
      kept->client = std::make_unique<net::LinkClient>(
          loop_, options_.tls, dialOptions(options_, g.address, g.port, core_->identity().ip),
          guarded(fl->alive,
                  [this, fl](std::shared_ptr<net::FramedLink> link) {
                    fl->link = link;
                    fl->state = "up";
                    note("FortiGate " + fl->gateway.name + " link up");
                    std::weak_ptr<net::FramedLink> weak_link = link;
                    link->onMessage(guarded(fl->alive, [this, fl](const nlohmann::json& m) {
                      onFortigateMessage(*fl, m);
                    }));
                    link->onClose(guarded(fl->alive, [this, fl, weak_link](const std::string& reason) {
                      if (fl->link != weak_link.lock()) return;
                      fl->link.reset();
                      fl->state = "down: " + reason;
                      core_->onFortigateClosed(fl->gateway.name);
                      note("FortiGate " + fl->gateway.name + " link closed: " + reason);
                    }));
                    link->send(core_->fortigateRegister());
                  }),
          guarded(fl->alive, [fl](const std::string& reason) { fl->state = "down: " + reason; }));
      kept->client->start();
    }
    next.push_back(std::move(kept));
  }
  for (auto& f : fortigates_) {
    if (f) {
      note("FortiGate " + f->gateway.name + " left the gateway list: link closed");
      core_->onFortigateClosed(f->gateway.name);
    }
  }
  fortigates_ = std::move(next);
}

void EndpointRuntime::onFortigateMessage(FortigateLink& fgt, const nlohmann::json& message) {
  Reaction r = core_->onFortigateMessage(fgt.gateway.name, message);
  if (!r.error.empty()) note("FortiGate " + fgt.gateway.name + " message refused: " + r.error);
  apply(r);
}

void EndpointRuntime::syncAnalyzer() {
  const auto& profile = core_->fabric().profile;
  if (!profile) {
    faz_.disconnect("no profile");
    return;
  }
  if (core_->quarantine().quarantined) {
    if (faz_.active()) note("FortiAnalyzer stream closed while quarantined; log lines stay buffered on disk");
    faz_.disconnect("blocked: endpoint is quarantined (lines buffered on disk)");
    return;
  }
  faz_.connect(profile->faz_address, profile->faz_port);
}

void EndpointRuntime::logsAppended() {
  if (auto err = faz_.pump(); !err.empty()) note("log buffer commit failed: " + err);
}

void EndpointRuntime::tick() {
  if (auto err = faz_.tick(); !err.empty()) note("log buffer commit failed: " + err);
}

nlohmann::json EndpointRuntime::status() const {
  nlohmann::json j = core_->status();
  nlohmann::json fgts = nlohmann::json::array();
  for (const auto& f : fortigates_) {
    fgts.push_back({{"name", f->gateway.name},
                    {"address", f->gateway.address},
                    {"port", f->gateway.port},
                    {"state", f->state}});
  }
  j["links"] = {{"ems", {{"address", options_.ems.host}, {"port", options_.ems.port}, {"state", ems_state_}}},
                {"fortigates", fgts},
                {"fortianalyzer", {{"state", faz_.state()}}}};
  j["log_buffer"] = faz_.bufferStatus();
  j["enforcement"] = enforcement_.status();
  return j;
}

}  // namespace fabric::forticlient
