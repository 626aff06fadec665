#include "forticlient/agent.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <optional>
#include <iostream>
#include <unordered_map>

#include "common/base/atomic_file.h"
#include "common/console/local_socket.h"
#include "common/tls/pki.h"
#include "forticlient/control_protocol.h"
#include "forticlient/real_activity.h"

namespace fabric::forticlient {
namespace {

constexpr std::chrono::milliseconds kTick{100};
constexpr std::chrono::milliseconds kRealTimeout{3000};
// At most this many endpoints connecting at once (not yet registered with the EMS and a FortiGate);
// one that has not managed within kStartSettle stops counting (its peers may be down: the others
// must still start).
constexpr std::size_t kStartWindow = 256;
constexpr std::chrono::seconds kStartSettle{10};

nlohmann::json errorReply(const std::string& message) {
  return {{"type", "error"}, {"message", message}};
}

// The FortiClient uid DIR/tls/node.pem names (its subject CN), when it names one: the lab issues
// each endpoint a certificate for its uid, and the EMS and FortiGate accept a `register` only for
// the uid of the certificate on the link.
std::optional<std::string> certificateUid(const std::filesystem::path& dir) {
  auto pem = readFile(tls::nodeTlsFiles(dir).cert);
  if (!pem) return std::nullopt;
  std::string cn;
  try {
    cn = tls::certificateSubject(*pem).common_name;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::transform(cn.begin(), cn.end(), cn.begin(), [](unsigned char c) { return std::toupper(c); });
  if (cn.size() != 40 || !std::all_of(cn.begin(), cn.end(), [](unsigned char c) { return std::isxdigit(c); }))
    return std::nullopt;
  return cn;
}

// A new endpoint whose certificate names a uid takes that uid (written to agent.json before the
// usual load applies the overrides); an existing one keeps its own and is told when they differ.
void adoptCertificateUid(const std::filesystem::path& dir, Identity fresh) {
  auto uid = certificateUid(dir);
  if (!uid) return;
  const auto file = dir / "agent.json";
  if (auto text = readFile(file)) {
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_object() && j.value("uid", "") != *uid)
      std::fprintf(stderr, "forticlient: %s has uid %s but the certificate names %s: the EMS and FortiGate will refuse "
                   "this endpoint\n", file.c_str(), j.value("uid", "").c_str(), uid->c_str());
    return;
  }
  fresh.uid = *uid;
  if (auto err = writeFileAtomically(file, fresh.toJson().dump(2) + "\n"); !err.empty()) throw std::runtime_error(err);
}

}  // namespace

std::vector<EndpointSpec> singleEndpoint(const RunOptions& options) {
  EndpointSpec spec;
  spec.dir = options.common.home;
  adoptCertificateUid(spec.dir, fleetIdentity(options.common.seed, 0, options.identity.os.value_or(Os::kWindows),
                                              options.identity.ip.value_or("127.1.0.1")));
  spec.identity = loadOrCreateIdentity(options.common.home, options.common.seed, options.identity);
  return {spec};
}

std::vector<EndpointSpec> fleetEndpoints(const FleetOptions& options) {
  std::vector<EndpointSpec> specs;
  specs.reserve(options.count);
  for (std::uint32_t i = 0; i < options.count; ++i) {
    auto ip = ipv4Add(options.first_ip, i);
    if (!ip) throw std::runtime_error("--first-ip + --count overflows IPv4");
    EndpointSpec spec;
    spec.dir = options.common.home / "endpoints" / std::to_string(i);
    IdentityOverrides pinned;
    pinned.ip = *ip;
    // The identity of endpoint i is made from (seed, i) once and then kept in its agent.json.
    const auto file = spec.dir / "agent.json";
    if (!std::filesystem::exists(file)) {
      Identity id = fleetIdentity(options.common.seed, i,
                                  options.os ? *options.os : fleetOs(i, options.linux_every, options.macos_every), *ip);
      if (!options.hostname_prefix.empty()) id.hostname = options.hostname_prefix + std::to_string(i + 1);
      if (auto uid = certificateUid(spec.dir)) id.uid = *uid;  // the endpoint's own certificate
      std::error_code ec;
      std::filesystem::create_directories(spec.dir, ec);
      if (ec) throw std::runtime_error("cannot create " + spec.dir.string() + ": " + ec.message());
      if (auto err = writeFileAtomically(file, id.toJson().dump(2) + "\n"); !err.empty()) {
        throw std::runtime_error(err);
      }
    }
    spec.identity = loadOrCreateIdentity(spec.dir, options.common.seed, pinned);
    specs.push_back(std::move(spec));
  }
  return specs;
}

// The control socket: one handler per connection, each request answered through Agent::handle.
struct Agent::Control {
  struct Handler final : console::LocalSocketHandler {
    explicit Handler(Agent& a) : agent(a) {}
    nlohmann::json handle(const nlohmann::json& message) override { return agent.handle(message); }
    Agent& agent;
  };
  explicit Control(Agent& agent)
      : server(agent.home_.consoleSocket(),
               [&agent] { return std::make_unique<Handler>(agent); }) {}
  console::LocalSocketServer server;
};

Agent::Agent(const CommonRunOptions& options, std::vector<EndpointSpec> endpoints, const Clock& clock)
    : options_(options), specs_(std::move(endpoints)), clock_(clock), home_(options.home, "forticlient") {}

Agent::~Agent() { stop(); }

void Agent::diag(const std::string& line) {
  std::time_t t = std::chrono::system_clock::to_time_t(clock_.now());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::lock_guard<std::mutex> lock(diag_mutex_);
  std::cerr << stamp << " forticlient: " << line << std::endl;
}

std::string Agent::start() {
  if (specs_.empty()) return "no endpoint to run";
  if (options_.enforce_nftables && specs_.size() > 1) {
    return "--enforce-nftables needs one endpoint in its own network namespace; a fleet shares "
           "one namespace and enforces quarantine in-process only";
  }
  try {
    std::filesystem::remove(home_.readyFile());  // a kill -9 leaves the previous run's behind
    home_.writePid();
    const Identity& first = specs_.front().identity;
    nlohmann::json identity = {{"serial", first.uid}, {"hostname", first.hostname},
                               {"endpoints", specs_.size()}};
    if (auto err = writeFileAtomically(home_.file("identity.json"), identity.dump(2) + "\n");
        !err.empty()) {
      return err;
    }
    tls::CertificateSpec cert;
    // A factory certificate names the endpoint's uid, as lab-issued ones do (fleets share one).
    cert.common_name = specs_.size() == 1 ? first.uid : "forticlient-fleet";
    cert.serial_number = first.serial;
    cert.dns_names = {first.hostname};
    cert.ip_addresses = {first.ip};
    auto files = tls::ensureNodeCertificate(home_.dir(), cert);
    RuntimeOptions ro;
    ro.ems = options_.ems;
    ro.tls.ca = files.ca;
    ro.tls.cert = files.cert;
    ro.tls.key = files.key;
    ro.log_buffer_bytes = options_.log_buffer_bytes;
    ro.link.log = [this](const std::string& line) { diag(line); };
    if (options_.enforce_nftables) nft_ = std::make_unique<ProcessNftRunner>();
    for (const auto& spec : specs_) {
      RuntimeOptions own = ro;
      // A fleet endpoint with its own certificate (DIR/endpoints/<i>/tls/node.pem + node.key, for
      // its uid) uses it; the others share the fleet's.
      const auto mine = tls::nodeTlsFiles(spec.dir);
      if (spec.dir != home_.dir() && std::filesystem::exists(mine.cert) && std::filesystem::exists(mine.key)) {
        own.tls.cert = mine.cert;
        own.tls.key = mine.key;
      }
      runtimes_.push_back(std::make_unique<EndpointRuntime>(
          loop_, clock_, spec.dir, spec.identity, own, nft_.get(),
          [this](const std::string& line) { diag(line); }));
    }
  } catch (const std::exception& e) {
    return e.what();
  }
  loop_.start();
  started_ = true;
  loop_.call([this] {
    startMoreEndpoints();
    tick_ = loop_.every(kTick, [this] {
      startMoreEndpoints();
      for (auto& rt : runtimes_) rt->tick();
    });
  });
  if (auto err = startControlSocket(); !err.empty()) return err;
  nlohmann::json ready = {{"serial", specs_.front().identity.uid},
                          {"address", specs_.front().identity.ip},
                          {"ports", nlohmann::json::object()},
                          {"endpoints", specs_.size()},
                          {"control_socket", home_.consoleSocket().string()}};
  try {
    home_.writeReady(ready);
  } catch (const std::exception& e) {
    return e.what();
  }
  diag("running " + std::to_string(specs_.size()) + " endpoint(s); EMS " + options_.ems.host + ":" +
       std::to_string(options_.ems.port) + "; quarantine enforcement " +
       (nft_ ? "in-process + nftables" : "in-process"));
  return {};
}

void Agent::startMoreEndpoints() {
  if (started_at_.size() >= runtimes_.size()) return;
  const auto now = std::chrono::steady_clock::now();
  std::size_t connecting = 0;
  for (std::size_t i = 0; i < started_at_.size(); ++i) {
    const EndpointCore& core = runtimes_[i]->core();
    const bool linked = core.registered() && (core.fortigateRegistered() || core.fabric().gateways.empty());
    if (!linked && now - started_at_[i] < kStartSettle) ++connecting;
  }
  while (connecting < kStartWindow && started_at_.size() < runtimes_.size()) {
    runtimes_[started_at_.size()]->start();
    started_at_.push_back(now);
    ++connecting;
  }
}

std::string Agent::startControlSocket() {
  if (auto err = console::checkSocketPath(home_.consoleSocket()); !err.empty()) return err;
  control_ = std::make_unique<Control>(*this);
  return control_->server.start();
}

void Agent::stop() {
  if (control_) {
    control_->server.stop();
    control_.reset();
  }
  if (started_) {
    loop_.call([this] {
      tick_.reset();
      for (auto& rt : runtimes_) rt->stop();
    });
    loop_.stop();
    started_ = false;
  }
  runtimes_.clear();
  home_.clearRuntimeFiles();
}

nlohmann::json Agent::handle(const nlohmann::json& request) {
  if (!request.is_object()) return errorReply("a request must be a JSON object");
  if (!started_) return errorReply("the agent is not running");
  struct Answer {
    nlohmann::json reply;
    std::optional<Activity> real;
    std::string source_ip;
  };
  Answer answer = loop_.call([&] {
    std::vector<EndpointCore*> cores;
    cores.reserve(runtimes_.size());
    for (auto& rt : runtimes_) cores.push_back(&rt->core());
    ControlOutcome out = handleControl(request, cores);
    Answer a;
    if (out.endpoint) {
      EndpointRuntime& rt = *runtimes_[*out.endpoint];
      if (out.reaction) rt.apply(*out.reaction);
      else rt.logsAppended();
      a.source_ip = rt.core().identity().ip;
    }
    const auto brief = request.find("brief");
    const bool is_brief = brief != request.end() && brief->is_boolean() && brief->get<bool>();
    if (out.reply.value("type", "") == "status-result" && !is_brief) {
      // The core's view plus the runtime's links, log buffer and enforcement.
      std::unordered_map<std::string, std::size_t> by_uid;
      for (std::size_t i = 0; i < runtimes_.size(); ++i) by_uid[runtimes_[i]->core().identity().uid] = i;
      for (auto& e : out.reply["endpoints"]) {
        if (auto it = by_uid.find(e.value("uid", "")); it != by_uid.end()) e = runtimes_[it->second]->status();
      }
    }
    a.reply = std::move(out.reply);
    a.real = std::move(out.real_activity);
    return a;
  });
  if (answer.real && options_.real_connections) {
    RealOutcome r = performRealActivity(*answer.real, answer.source_ip, kRealTimeout);
    if (r.attempted) answer.reply["connection"] = {{"ok", r.ok}, {"detail", r.detail}};
  }
  return answer.reply;
}

}  // namespace fabric::forticlient
