#include "fortianalyzer/daemon/faz_node.h"

#include <set>
#include <stdexcept>

#include "common/base/atomic_file.h"
#include "common/logfmt/log_line_builder.h"
#include "common/logfmt/log_time.h"
#include "fortianalyzer/daemon/faz_cli.h"
#include "fortianalyzer/daemon/faz_schema.h"

namespace fabric::faz {

using json = nlohmann::json;

namespace {

std::int64_t toNs(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::string trimOutput(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (auto& c : text)
    if (c == '\n') c = ' ';
  return text;
}

}  // namespace

FazNode::FazNode(FazNodeOptions options, const Clock& clock, Executor post)
    : options_(std::move(options)),
      clock_(clock),
      post_(std::move(post)),
      outbox_(static_cast<std::uint64_t>(toNs(clock.now()) / 1000000) * 1000,
              static_cast<std::uint32_t>(std::hash<std::string>{}(options_.serial))),
      started_(clock.now()),
      alive_(std::make_shared<std::atomic<bool>>(true)) {
  engine_ = std::make_unique<config::Engine>(makeFortiAnalyzerSchema(), "FAZ-VM64", options_.secret_key);
  if (auto text = readFile(options_.config_file)) {
    config::LineResult r = engine_->load(*text);
    if (!r.ok()) throw std::runtime_error(options_.config_file + ": " + trimOutput(r.output));
  } else {
    saveConfig();
  }
  config_ = readFazConfig(*engine_, options_.home);

  IngestOptions ingest;
  ingest.store.path = (options_.home / "logs.db").string();
  ingest.store.retention = config_.retention;
  // max-message-size is enforced by the receivers and for FortiGate link lines (so a change applies
  // at once); the pipeline only drops what no configuration allows (the schema's largest value).
  ingest.max_message = kLargestMaxMessage;
  ingest.ioc = config_.ioc;
  pipeline_ = std::make_unique<IngestPipeline>(std::move(ingest), clock_);

  auto alive = alive_;
  pipeline_->setCommitListener([this, alive](LinkId link, std::uint64_t seq) {
    if (seq == 0) return;  // syslog links never ack
    post_([this, alive, link, seq] {
      if (*alive) onCommitted(link, seq);
    });
  });
  pipeline_->setIocListener([this, alive](const IocEvent& event) {
    if (!event.notification) return;
    // A start-up rescan rebuilds the verdicts held in memory; it must not notify again what an
    // earlier run already notified.
    if (event.notification->rescan && startup_rescan_.load()) return;
    // Notifications raised together (one commit can raise hundreds) are handled in one loop task,
    // so the outbox file is rewritten once for all of them, not once per notification.
    bool first = false;
    {
      std::lock_guard<std::mutex> lock(pending_mutex_);
      first = pending_notifications_.empty();
      pending_notifications_.push_back(*event.notification);
    }
    if (!first) return;
    post_([this, alive] {
      // A notification delivered while the node shuts down (the pipeline's last commit) runs
      // after the node is gone: touch nothing of it then.
      if (!*alive) return;
      std::vector<ioc::IocNotification> batch;
      {
        std::lock_guard<std::mutex> lock(pending_mutex_);
        batch.swap(pending_notifications_);
      }
      onNotifications(batch);
    });
  });
  pipeline_->setResumeListener([this, alive] {
    post_([this, alive] {
      if (*alive) onResume();
    });
  });

  event_log_.open(options_.event_log, std::ios::app);
  event_link_ = pipeline_->openLink(SenderInfo{"127.0.0.1", Transport::kLocal, true, "event-log"});

  // Notifications not yet acknowledged survive a restart (and a kill -9: saved after each change).
  std::string outbox_error;
  if (auto text = readFile(options_.home / "ioc-outbox.json")) {
    json state = json::parse(*text, nullptr, false);
    if (state.is_discarded())
      outbox_error = "not valid JSON";
    else
      outbox_.loadState(state, &outbox_error);
  }

  for (const auto& [serial, device] : config_.devices)
    pipeline_->registerDevice(DeviceRecord{serial, device.devname, serial, device.ip, true, {}, {}, 0});

  // Acknowledged compromised hosts: handed to the IoC engine before the start-up rescan rebuilds
  // the verdicts, which re-applies them.
  std::string acks_error = loadAcknowledgements();

  feeds_ = std::make_unique<FeedManager>(*pipeline_, clock_);
  feeds_->setLoadListener([this, alive](const FeedStatus& s) {
    post_([this, alive, s] {
      if (!*alive) return;
      if (!s.error.empty()) {
        writeEvent(events::kFeedNotLoaded, {{"feed", s.name}, {"file", s.file}, {"reason", s.error}});
        return;
      }
      writeEvent(events::kFeedLoaded,
                 {{"feed", s.name}, {"indicators", std::to_string(s.indicators)}, {"badlines", std::to_string(s.bad_lines)},
                  {"rescanlogs", std::to_string(s.rescan_logs_scanned)}, {"rescanmatched", std::to_string(s.rescan_logs_matched)}});
    });
  });
  if (options_.sync_feed_load) {
    startup_rescan_ = true;
    feeds_->reconcile(config_.ioc_enabled ? config_.feeds : std::vector<FeedConfig>{});
    startup_rescan_ = false;
  } else {
    feeds_->reconcileAsync(config_.ioc_enabled ? config_.feeds : std::vector<FeedConfig>{});
  }
  feeds_->startPolling(options_.feed_poll);

  engine_->setCommitListener([this] {
    saveConfig();
    applyConfig();
  });
  registerFazCommands(*this);
  writeEvent(events::kStarted,
             {{"serial", options_.serial}, {"version", kFazVersion}});
  if (!outbox_error.empty())
    writeEvent(events::kOutboxIgnored, {{"reason", outbox_error}});
  if (!acks_error.empty()) writeEvent(events::kAcksIgnored, {{"reason", acks_error}});
}

std::string FazNode::loadAcknowledgements() {
  auto text = readFile(options_.home / "ioc-acks.json");
  if (!text) return "";
  json state = json::parse(*text, nullptr, false);
  if (state.is_discarded() || !state.is_object() || !state.contains("acknowledgements") ||
      !state["acknowledgements"].is_array())
    return "not a saved acknowledgement list";
  std::vector<ioc::Acknowledgement> acks;
  for (const auto& j : state["acknowledgements"]) {
    std::string error;
    auto ack = ioc::acknowledgementFromJson(j, &error);
    if (!ack) return error;
    acks.push_back(std::move(*ack));
  }
  pipeline_->withIoc([&](ioc::IocEngine& engine) { engine.restoreAcknowledgements(acks); });
  return "";
}

std::string FazNode::saveAcknowledgements() {
  std::vector<ioc::Acknowledgement> acks;
  pipeline_->withIoc([&](ioc::IocEngine& engine) { acks = engine.acknowledgements(); });
  json list = json::array();
  for (const auto& ack : acks) list.push_back(ioc::toJson(ack));
  std::string error =
      writeFileAtomically(options_.home / "ioc-acks.json", json{{"acknowledgements", list}}.dump(), 0600);
  if (!error.empty()) writeEvent(events::kAcksNotSaved, {{"reason", error}});
  return error;
}

std::string FazNode::acknowledgeHost(const std::string& endpoint, const std::string& by, bool* found) {
  *found = false;
  pipeline_->withIoc([&](ioc::IocEngine& engine) { *found = engine.acknowledge(endpoint, by); });
  if (!*found) return "";
  std::string error = saveAcknowledgements();
  writeEvent(events::kHostAcknowledged, {{"endpoint", endpoint}, {"user", by.empty() ? "console" : by}});
  return error;
}

void FazNode::saveOutbox() {
  std::string error = writeFileAtomically(options_.home / "ioc-outbox.json", outbox_.saveState().dump(), 0600);
  if (!error.empty()) writeEvent(events::kOutboxNotSaved, {{"reason", error}});
}

FazNode::~FazNode() {
  *alive_ = false;
  if (feeds_) feeds_->stop();
  for (auto& [key, link] : links_)
    if (link.pipeline_link) pipeline_->closeLink(link.pipeline_link);
  if (pipeline_) pipeline_->close();
  // Notifications the pipeline's last commits raised while closing: their posted task will find
  // the node gone, so keep them in the outbox now (sent to the first FortiGate after a restart).
  std::vector<ioc::IocNotification> last;
  {
    std::lock_guard<std::mutex> lock(pending_mutex_);
    last.swap(pending_notifications_);
  }
  if (config_.ioc_enabled && !last.empty()) {
    for (const auto& n : last) outbox_.add(n, clock_.now(), {});
    saveOutbox();
  }
}

void FazNode::saveConfig() {
  std::string error = writeFileAtomically(options_.config_file, engine_->save(), 0600);
  if (!error.empty())
    writeEvent(events::kConfigNotSaved, {{"reason", error}});
}

void FazNode::applyConfig() {
  FazConfig old = std::move(config_);
  config_ = readFazConfig(*engine_, options_.home);
  ioc::IocSettings settings = config_.ioc;
  pipeline_->withIoc([&](ioc::IocEngine& engine) { engine.setSettings(settings); });
  for (const auto& [serial, device] : config_.devices)
    pipeline_->registerDevice(DeviceRecord{serial, device.devname, serial, device.ip, true, {}, {}, 0});
  for (const auto& [serial, device] : old.devices)
    if (!config_.devices.count(serial)) pipeline_->unregisterDevice(serial);
  // Links already up keep their service decision until they reconnect, except that a newly
  // registered device is marked registered at once.
  for (auto& [key, link] : links_) {
    if (link.state.phase == FortiGateLinkState::Phase::kReady && config_.isRegistered(link.state.serial)) {
      link.state.registered = true;
      link.state.service = true;
    }
  }
  feeds_->reconcileAsync(config_.ioc_enabled ? config_.feeds : std::vector<FeedConfig>{});
  if (old.retention.max_age != config_.retention.max_age || old.retention.max_db_bytes != config_.retention.max_db_bytes) {
    pipeline_->setRetention(config_.retention);
    writeEvent(events::kLiveSettingApplied,
               {{"setting", "system log settings"},
                {"retention_days", std::to_string(config_.retention.max_age.count() / 86400)},
                {"retention_max_size", std::to_string(config_.retention.max_db_bytes / (1024 * 1024))}});
  }
  if (old.max_message != config_.max_message)
    writeEvent(events::kLiveSettingApplied,
               {{"setting", "system log-receiver"}, {"max_message_size", std::to_string(config_.max_message)}});
  if (config_hook_) config_hook_(old, config_);
}

FortiGateLinkKey FazNode::openFortiGateLink(FortiGatePeer peer) {
  FortiGateLinkKey key = next_key_++;
  FortiGateLink link;
  link.state.peer_address = peer.address;
  link.state.certificate_serial = peer.certificate_serial;
  link.peer = std::move(peer);
  links_.emplace(key, std::move(link));
  return key;
}

void FazNode::onFortiGateMessage(FortiGateLinkKey key, const json& message) {
  auto it = links_.find(key);
  if (it == links_.end()) return;
  FortiGateLink& link = it->second;
  LinkContext context{options_.serial, &config_};
  LinkActions actions = handleLinkMessage(link.state, message, context);

  for (const auto& out : actions.send) link.peer.send(out);
  if (actions.hello_accepted) {
    link.pipeline_link = pipeline_->openLink(SenderInfo{link.state.peer_address, Transport::kFortiGateLink,
                                                        link.state.registered, link.state.serial});
    by_pipeline_link_[link.pipeline_link] = key;
    writeEvent(events::kLinkUp,
               {{"serial", link.state.serial}, {"ip", link.state.peer_address},
                {"registered", link.state.registered ? "yes" : "no"}});
    if (wantsNotifications(link.state)) {
      auto pending = outbox_.onHello(link.state.serial);
      if (!pending.empty()) saveOutbox();  // held notifications now target this serial
      for (const auto& message : pending) link.peer.send(message);
    }
  }
  if (!actions.note.empty())
    writeEvent(events::kLinkNote, actions.note, {{"ip", link.state.peer_address}});
  if (actions.ioc_acked && outbox_.acknowledge(link.state.serial, *actions.ioc_acked)) saveOutbox();
  if (actions.submit) {
    MessageBatch batch;
    std::size_t oversized = 0;
    for (const auto& line : actions.submit->lines) {
      if (line.size() > config_.max_message) {
        ++oversized;  // dropped and counted, as the syslog receivers do; the seq is still acked
        continue;
      }
      batch.add(line);
    }
    if (oversized && link.pipeline_link) pipeline_->noteOversized(link.pipeline_link, oversized);
    link.held.emplace_back(actions.submit->seq, std::move(batch));
    submitHeld(link);
  }
  if (!actions.close_reason.empty()) {
    writeEvent(events::kLinkClosed,
               {{"ip", link.state.peer_address}, {"reason", actions.close_reason}});
    auto close = link.peer.close;
    close(actions.close_reason);
  }
}

void FazNode::submitHeld(FortiGateLink& link) {
  while (!link.held.empty()) {
    auto& [seq, batch] = link.held.front();
    SubmitResult r = pipeline_->trySubmit(link.pipeline_link, batch, seq);
    if (r == SubmitResult::kQueueFull) return;  // retried from onResume()
    link.held.pop_front();
  }
}

void FazNode::onResume() {
  for (auto& [key, link] : links_) submitHeld(link);
  if (resume_hook_) resume_hook_();
}

void FazNode::onFortiGateClosed(FortiGateLinkKey key, const std::string& reason) {
  auto it = links_.find(key);
  if (it == links_.end()) return;
  FortiGateLink& link = it->second;
  if (link.state.phase != FortiGateLinkState::Phase::kClosed)
    writeEvent(events::kLinkDown,
               {{"serial", link.state.serial}, {"ip", link.state.peer_address}, {"reason", reason}});
  // Held batches were never acked: the FortiGate resends them on its next link.
  if (link.pipeline_link) {
    pipeline_->closeLink(link.pipeline_link);
    by_pipeline_link_.erase(link.pipeline_link);
  }
  links_.erase(it);
}

void FazNode::onCommitted(LinkId pipeline_link, std::uint64_t seq) {
  auto by = by_pipeline_link_.find(pipeline_link);
  if (by == by_pipeline_link_.end()) return;
  auto it = links_.find(by->second);
  if (it == links_.end()) return;
  if (auto ack = onLogsCommitted(it->second.state, seq)) it->second.peer.send(*ack);
}

void FazNode::onNotifications(const std::vector<ioc::IocNotification>& notifications) {
  if (!config_.ioc_enabled || notifications.empty()) return;
  std::vector<std::string> targets;
  std::vector<FortiGateLink*> receivers;
  std::set<std::string> seen;
  for (auto& [key, link] : links_) {
    if (!wantsNotifications(link.state)) continue;
    receivers.push_back(&link);
    if (seen.insert(link.state.serial).second) targets.push_back(link.state.serial);
  }
  std::vector<IocOutbox::Added> added;
  added.reserve(notifications.size());
  for (const auto& n : notifications) added.push_back(outbox_.add(n, clock_.now(), targets));
  saveOutbox();  // before sending: a notification the FortiGate may act on is never forgotten
  std::string sent_to;
  for (const auto& t : targets) sent_to += (sent_to.empty() ? "" : " ") + t;
  for (size_t i = 0; i < notifications.size(); ++i) {
    const ioc::IocNotification& notification = notifications[i];
    writeEvent(events::kIocNotification,
               {{"flowid", added[i].flow_id},
                {"iocid", added[i].id},
                {"endpointip", notification.ip},
                {"fctuid", notification.uid},
                {"indicator", notification.indicator},
                {"ioclevel", std::string(ioc::toString(notification.level))},
                {"threat", notification.threat},
                {"rescan", notification.rescan ? "yes" : "no"},
                {"sentto", sent_to.empty() ? "none (held for the next FortiGate link)" : sent_to}});
    // Sent after the event is written, so step 2's timestamp never follows the FortiGate's step 3.
    for (FortiGateLink* link : receivers) link->peer.send(added[i].message);
  }
}

void FazNode::writeEvent(const FazEvent& event, const EventFields& fields) {
  writeEvent(event, event.msg, fields);
}

void FazNode::writeEvent(const FazEvent& event, const std::string& msg, const EventFields& fields) {
  std::int64_t now = toNs(clock_.now());
  std::string date, time;
  logfmt::formatDateTime(now, 0, date, time);
  logfmt::LogLineBuilder b;
  b.add("date", date, logfmt::Bare)
      .add("time", time, logfmt::Bare)
      .add("devname", config_.hostname)
      .add("devid", options_.serial)
      .add("logid", event.logid)
      .add("eventtime", now)
      .add("tz", "+0000")
      .add("type", "event", logfmt::Bare)
      .add("subtype", event.subtype, logfmt::Bare)
      .add("level", event.level, logfmt::Bare)
      .add("msg", msg);
  for (const auto& [key, value] : fields) b.add(key, value);
  std::string line = b.take();
  if (event_log_) {
    event_log_ << line << '\n';
    event_log_.flush();
  }
  if (pipeline_ && event_link_) {
    MessageBatch batch;
    batch.add(line);
    pipeline_->trySubmit(event_link_, batch, 0);  // full queue: the line stays in event.log only
  }
}

json FazNode::fortiGateLinks() const {
  json out = json::array();
  for (const auto& [key, link] : links_) {
    const auto& s = link.state;
    out.push_back(json{{"serial", s.serial},
                       {"hostname", s.hostname},
                       {"version", s.version},
                       {"ip", s.peer_address},
                       {"ready", s.phase == FortiGateLinkState::Phase::kReady},
                       {"registered", s.registered},
                       {"service", s.service},
                       {"log_messages", s.log_messages},
                       {"log_lines", s.log_lines},
                       {"refused_lines", s.refused_lines},
                       {"last_seq", s.last_seq},
                       {"acked_seq", s.acked_seq},
                       {"ioc_acks", s.ioc_acks}});
  }
  return out;
}

json FazNode::devicesJson() {
  std::map<std::string, json> devices;
  for (const auto& d : pipeline_->listDevices()) {
    json j{{"devid", d.devid}, {"devname", d.devname}, {"serial", d.serial}, {"ip", d.ip},
           {"registered", d.registered}, {"log_count", d.log_count}, {"connected", false}};
    if (d.first_seen_ns) j["first_seen_ns"] = *d.first_seen_ns;
    if (d.last_seen_ns) j["last_seen_ns"] = *d.last_seen_ns;
    devices[d.devid] = std::move(j);
  }
  for (const auto& [serial, d] : config_.devices) {
    json& j = devices[serial];
    if (j.is_null()) j = json{{"devid", serial}, {"serial", serial}, {"log_count", 0}, {"connected", false}};
    j["registered"] = true;
    if (!d.devname.empty()) j["devname"] = d.devname;
    if (!d.ip.empty()) j["ip"] = d.ip;
  }
  for (const auto& [key, link] : links_) {
    if (link.state.serial.empty()) continue;
    json& j = devices[link.state.serial];
    if (j.is_null())
      j = json{{"devid", link.state.serial}, {"serial", link.state.serial}, {"log_count", 0},
               {"registered", link.state.registered}};
    j["connected"] = true;
    if (!j.contains("devname") || j["devname"] == "") j["devname"] = link.state.hostname;
    if (!j.contains("ip") || j["ip"] == "") j["ip"] = link.state.peer_address;
  }
  // The analyzer's own event log lines carry its serial; it is not one of its log devices.
  devices.erase(options_.serial);
  json out = json::array();
  for (auto& [id, j] : devices) out.push_back(std::move(j));
  return out;
}

json FazNode::statusJson() const {
  return json{{"serial", options_.serial},
              {"hostname", config_.hostname},
              {"version", kFazVersion},
              {"platform", "FortiAnalyzer-VM64"},
              {"started_ns", toNs(started_)},
              {"uptime_s", std::chrono::duration_cast<std::chrono::seconds>(clock_.now() - started_).count()},
              {"ports", ports_},
              {"fortigate_links", links_.size()}};
}

}  // namespace fabric::faz
