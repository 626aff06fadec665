#include "fortigate/fabric/ems_connector.h"

#include <algorithm>

#include "fortigate/fabric/event_lines.h"

namespace fabric::fortigate {
namespace {

std::string describe(const EmsReply& r) {
  std::string m = r.message();
  return "HTTP " + std::to_string(r.status) + (m.empty() ? "" : ": " + m);
}

std::string where(const EmsTarget& t) { return "EMS \"" + t.name + "\" (" + t.baseUrl() + ")"; }

AttemptOutcome retry(int status, std::string message, std::string url) {
  return {AttemptOutcome::Kind::Retry, status, std::move(message), std::move(url)};
}

}  // namespace

std::string EmsReply::message() const {
  if (body.is_object() && body.contains("result") && body["result"].is_object() &&
      body["result"].contains("message") && body["result"]["message"].is_string())
    return body["result"]["message"].get<std::string>();
  return {};
}

bool EmsReply::ok() const {
  if (!answered() || status < 200 || status > 299) return false;
  if (!body.is_object() || !body.contains("result") || !body["result"].is_object()) return false;
  const auto& result = body["result"];
  if (!result.contains("retval")) return false;
  const auto& rv = result["retval"];
  return rv.is_number() && rv.get<double>() >= 1;
}

std::chrono::milliseconds RetryPolicy::backoffAfter(int attempts) const {
  auto wait = first_backoff;
  for (int i = 1; i < attempts && wait < max_backoff; ++i) wait *= 2;
  return std::min(wait, max_backoff);
}

EmsConnector::EmsConnector(EmsSessionFactory& factory) : factory_(factory) {}

AttemptOutcome EmsConnector::signInAndVerify(Cached& c, const EmsTarget& t) {
  const std::string signin_url = t.baseUrl() + "/api/v1/auth/signin";
  if (!c.signed_in) {
    const auto r = c.session->signIn(t.username, t.password);
    if (!r.error.empty()) return retry(0, where(t) + " unreachable: " + r.error, signin_url);
    if (r.status == 401 || r.status == 403 || (r.answered() && !r.ok() && r.status < 500))
      return retry(r.status,
                   where(t) + " refused the sign-in of admin \"" + t.username + "\" (wrong credentials?): " + describe(r),
                   signin_url);
    if (!r.ok()) return retry(r.status, where(t) + " sign-in failed: " + describe(r), signin_url);
    c.signed_in = true;
  }
  if (!c.verified) {
    const auto cert_serial = c.session->peerSerialNumber();
    if (!cert_serial.empty() && cert_serial != t.serial)
      return retry(0,
                   "EMS serial mismatch: forticlient-ems \"" + t.name + "\" expects " + t.serial +
                       ", the certificate of " + t.baseUrl() + " says " + cert_serial,
                   signin_url);
    const std::string url = t.baseUrl() + "/api/v1/system/serial_number";
    const auto r = c.session->get("/api/v1/system/serial_number");
    if (!r.error.empty()) return retry(0, where(t) + " unreachable: " + r.error, url);
    if (!r.ok()) return retry(r.status, where(t) + " serial number query failed: " + describe(r), url);
    const nlohmann::json data = r.body.contains("data") ? r.body["data"] : nlohmann::json();
    const std::string api_serial = data.is_string() ? data.get<std::string>() : data.dump();
    if (api_serial != t.serial)
      return retry(r.status,
                   "EMS serial mismatch: forticlient-ems \"" + t.name + "\" expects " + t.serial + ", " + url +
                       " says " + api_serial,
                   url);
    c.verified = true;
  }
  return {AttemptOutcome::Kind::Done, 200, {}, {}};
}

EmsConnector::Cached& EmsConnector::sessionFor(const EmsTarget& t) {
  const std::string fingerprint = t.host + "|" + std::to_string(t.port) + "|" + t.username + "|" +
                                  std::to_string(std::hash<std::string>{}(t.password)) + "|" + t.serial + "|" +
                                  std::to_string(t.timeout.count());
  auto& c = sessions_[t.name];
  if (c.fingerprint != fingerprint || !c.session) {
    c = Cached{};
    c.fingerprint = fingerprint;
    c.session = factory_.open(t);
  }
  return c;
}

CommandReport EmsConnector::checkCommand(const std::string& uid, std::int64_t command_id, const EmsTarget& t) {
  auto& c = sessionFor(t);
  const std::string path = "/api/v1/endpoints/" + uid;
  CommandReport out;
  out.url = t.baseUrl() + path;
  auto ready = signInAndVerify(c, t);
  if (ready.kind != AttemptOutcome::Kind::Done) {
    sessions_.erase(t.name);
    out.message = ready.message;
    return out;
  }
  auto r = c.session->get(path);
  if (r.status == 401) {
    c.signed_in = false;
    ready = signInAndVerify(c, t);
    if (ready.kind != AttemptOutcome::Kind::Done) {
      sessions_.erase(t.name);
      out.message = ready.message;
      return out;
    }
    r = c.session->get(path);
  }
  if (!r.error.empty()) {
    sessions_.erase(t.name);
    out.message = where(t) + " unreachable: " + r.error;
    return out;
  }
  if (r.status == 404) {
    out.kind = CommandReport::Kind::Unknown;
    out.message = where(t) + " has no endpoint " + uid + ": " + describe(r);
    return out;
  }
  if (!r.ok()) {
    out.message = where(t) + " answered " + describe(r);
    return out;
  }
  const auto& d = r.body.contains("data") ? r.body["data"] : nlohmann::json();
  if (d.is_object() && d.contains("commands") && d["commands"].is_array()) {
    for (const auto& cmd : d["commands"]) {
      if (!cmd.is_object() || !cmd.contains("id") || !cmd["id"].is_number_integer() ||
          cmd["id"].get<std::int64_t>() != command_id)
        continue;
      const std::string status = cmd.contains("status") && cmd["status"].is_string() ? cmd["status"].get<std::string>() : "";
      if (status == "pending") {
        out.kind = CommandReport::Kind::Pending;
        return out;
      }
      if (status != "done" && status != "failed" && status != "timeout") break;
      out.kind = CommandReport::Kind::Settled;
      out.status = status;
      if (cmd.contains("result") && cmd["result"].is_object() && cmd["result"].contains("message") &&
          cmd["result"]["message"].is_string())
        out.message = cmd["result"]["message"].get<std::string>();
      return out;
    }
  }
  out.kind = CommandReport::Kind::Unknown;
  out.message = where(t) + " does not list command " + std::to_string(command_id) + " of endpoint " + uid;
  return out;
}

AttemptOutcome EmsConnector::attempt(const EmsCall& call, const EmsTarget& t) {
  auto& c = sessionFor(t);
  auto ready = signInAndVerify(c, t);
  if (ready.kind != AttemptOutcome::Kind::Done) {
    sessions_.erase(t.name);
    return ready;
  }
  const std::string path = "/api/v1/endpoints/" + call.request.action;
  const std::string url = t.baseUrl() + path;
  nlohmann::json body = {{"flow_id", call.request.flow_id}};
  if (!call.request.uid.empty())
    body["uid"] = call.request.uid;
  else
    body["ip"] = call.request.ip;
  auto r = c.session->post(path, body);
  if (r.status == 401) {  // the session expired on the EMS: sign in again once
    c.signed_in = false;
    ready = signInAndVerify(c, t);
    if (ready.kind != AttemptOutcome::Kind::Done) {
      sessions_.erase(t.name);
      return ready;
    }
    r = c.session->post(path, body);
  }
  if (!r.error.empty()) {
    sessions_.erase(t.name);
    return retry(0, where(t) + " unreachable: " + r.error, url);
  }
  if (r.ok()) {
    const auto& d = r.body.contains("data") ? r.body["data"] : nlohmann::json();
    std::string summary = "EMS accepted " + call.request.action + " of " + call.request.ip;
    if (d.is_object()) {
      if (d.contains("state") && d["state"].is_string()) summary += ", state=" + d["state"].get<std::string>();
      if (d.contains("command_id") && !d["command_id"].is_null()) summary += ", command_id=" + d["command_id"].dump();
      if (d.contains("delivered") && d["delivered"].is_boolean())
        summary += std::string(", delivered=") + (d["delivered"].get<bool>() ? "yes" : "no (endpoint offline, EMS keeps it)");
    }
    AttemptOutcome done{AttemptOutcome::Kind::Done, r.status, summary, url};
    if (d.is_object() && d.contains("command_id") && d["command_id"].is_number_integer())
      done.command_id = d["command_id"].get<std::int64_t>();
    done.uid = d.is_object() && d.contains("uid") && d["uid"].is_string() ? d["uid"].get<std::string>() : call.request.uid;
    return done;
  }
  if (r.status == 400 || r.status == 403 || r.status == 404 || r.status == 409)
    return {AttemptOutcome::Kind::Fail, r.status, where(t) + " refused " + call.code() + ": " + describe(r), url};
  return retry(r.status, where(t) + " answered " + describe(r), url);
}

EmsConnectorWorker::EmsConnectorWorker(DeviceInfo device, EmsCallQueue& queue, EmsSessionFactory& factory,
                                       ResolveTarget resolve, LogLine log, const Clock& clock, RetryPolicy policy)
    : device_(std::move(device)),
      queue_(queue),
      connector_(factory),
      resolve_(std::move(resolve)),
      log_(std::move(log)),
      clock_(clock),
      policy_(policy) {}

EmsConnectorWorker::~EmsConnectorWorker() { stop(); }

int EmsConnectorWorker::drainOnce() {
  int n = 0;
  while (auto call = queue_.takeDue()) {
    process(*call);
    ++n;
    {
      std::lock_guard lock(mutex_);
      if (stop_) return n;
    }
  }
  for (const auto& check : queue_.dueCommandChecks()) {  // not counted: they are not calls
    followUp(check);
    std::lock_guard lock(mutex_);
    if (stop_) break;
  }
  return n;
}

void EmsConnectorWorker::process(const EmsCall& call) {
  EmsRestFields f;
  f.ems_name = call.request.ems_name;
  f.ems_serial = call.request.ems_serial;
  f.srcip = call.request.ip;
  f.flow_id = call.request.flow_id;
  std::string reason;
  auto target = resolve_(call.request.ems_name, reason);
  if (!target) {
    const std::string msg = call.code() + " failed: " + reason;
    queue_.fail(call.id, 0, reason);
    f.msg = msg;
    log_(emsRestApiError(f));
    return;
  }
  const auto o = connector_.attempt(call, *target);
  f.url = o.url;
  f.httpcode = o.http_status;
  switch (o.kind) {
    case AttemptOutcome::Kind::Done: {
      queue_.complete(call.id, o.http_status, o.message);
      if (o.command_id > 0 && !o.uid.empty())
        queue_.trackCommand(call.id, o.uid, o.command_id, clock_.now() + policy_.backoffAfter(1));
      const bool recovered = ems_in_error_.erase(call.request.ems_name) > 0 || call.attempts > 1;
      if (recovered) {
        f.msg = call.code() + " completed (attempt " + std::to_string(call.attempts) + "): " + o.message;
        log_(emsRestApiOk(f));
      }
      break;
    }
    case AttemptOutcome::Kind::Fail:
      ems_in_error_.insert(call.request.ems_name);
      queue_.fail(call.id, o.http_status, o.message);
      f.msg = call.code() + " failed: " + o.message;
      log_(emsRestApiError(f));
      break;
    case AttemptOutcome::Kind::Retry:
      ems_in_error_.insert(call.request.ems_name);
      if (call.attempts >= policy_.max_attempts) {
        const std::string msg = "gave up after " + std::to_string(call.attempts) + " attempts: " + o.message;
        queue_.fail(call.id, o.http_status, msg);
        f.msg = call.code() + " failed: " + msg;
      } else {
        const auto wait = policy_.backoffAfter(call.attempts);
        queue_.retryLater(call.id, o.http_status, o.message, clock_.now() + wait);
        f.msg = call.code() + " attempt " + std::to_string(call.attempts) + " failed, retry in " +
                std::to_string(wait.count()) + " ms: " + o.message;
      }
      log_(emsRestApiError(f));
      break;
  }
}

void EmsConnectorWorker::followUp(const CommandCheck& k) {
  std::string reason;
  auto target = resolve_(k.call.request.ems_name, reason);
  if (!target) {
    queue_.commandSettled(k.call_id, "unknown", "cannot follow the command: " + reason);
    return;
  }
  const auto r = connector_.checkCommand(k.uid, k.command_id, *target);
  switch (r.kind) {
    case CommandReport::Kind::Pending:
    case CommandReport::Kind::Retry:
      queue_.commandStillPending(k.call_id, clock_.now() + policy_.backoffAfter(k.checks + 2));
      return;
    case CommandReport::Kind::Unknown:
      queue_.commandSettled(k.call_id, "unknown", r.message);
      return;
    case CommandReport::Kind::Settled:
      break;
  }
  if (r.status == "done") {
    queue_.commandSettled(k.call_id, "done", r.message);
    return;
  }
  const std::string msg = "EMS reports command " + std::to_string(k.command_id) +
                          (r.status == "timeout" ? " timed out" : " failed") + " at the endpoint: " + r.message;
  queue_.commandSettled(k.call_id, r.status, msg);
  EmsRestFields f;
  f.ems_name = k.call.request.ems_name;
  f.ems_serial = k.call.request.ems_serial;
  f.srcip = k.call.request.ip;
  f.flow_id = k.call.request.flow_id;
  f.url = r.url;
  f.httpcode = 200;
  f.msg = k.call.code() + " failed: " + msg;
  ems_in_error_.insert(k.call.request.ems_name);  // an error was logged: the next success recovers
  log_(emsRestApiError(f));
}

void EmsConnectorWorker::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
}

void EmsConnectorWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void EmsConnectorWorker::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void EmsConnectorWorker::loop() {
  for (;;) {
    try {
      drainOnce();
    } catch (const std::exception& e) {
      EmsRestFields f;
      f.msg = std::string("EMS call queue error: ") + e.what();
      log_(emsRestApiError(f));
    }
    std::unique_lock lock(mutex_);
    if (stop_) return;
    if (woken_) {
      woken_ = false;
      continue;
    }
    auto wait = std::chrono::milliseconds(1000);
    if (auto next = queue_.nextDueTime()) {
      const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(*next - clock_.now());
      wait = std::clamp(until, std::chrono::milliseconds(0), wait);
    }
    cv_.wait_for(lock, wait, [this] { return stop_ || woken_; });
    if (stop_) return;
    woken_ = false;
  }
}

}  // namespace fabric::fortigate
