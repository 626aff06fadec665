#include "scenarios/lab/lab_writer.h"

#include <openssl/rand.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/base/atomic_file.h"
#include "common/config/secret_box.h"
#include "common/tls/pki.h"
#include "scenarios/lab/node_configs.h"

namespace fabric::lab {
namespace {

namespace fs = std::filesystem;

std::string randomBytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

void write(const fs::path& path, const std::string& contents, unsigned mode = 0644) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) throw std::runtime_error("cannot create " + path.parent_path().string() + ": " + ec.message());
  std::string err = writeFileAtomically(path, contents, mode);
  if (!err.empty()) throw std::runtime_error(err);
}

tls::CertificateSpec nodeSpec(const NodePlan& node) {
  tls::CertificateSpec spec;
  spec.common_name = node.serial;
  spec.serial_number = node.serial;
  spec.dns_names = {node.name, node.hostname};
  spec.ip_addresses = {node.address};
  return spec;
}

tls::CertificateSpec endpointSpec(const EndpointPlan& endpoint) {
  tls::CertificateSpec spec;
  spec.common_name = newFortiClientUid();
  spec.dns_names = {endpoint.name, endpoint.hostname};
  spec.ip_addresses = {endpoint.address};
  return spec;
}

}  // namespace

std::string newFortiClientUid() {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char b : randomBytes(20)) {
    out += kHex[b >> 4];
    out += kHex[b & 0xf];
  }
  return out;
}

std::string randomPassword(std::size_t length) {
  static const char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  std::string bytes = randomBytes(length);
  std::string out;
  for (unsigned char b : bytes) out.push_back(kAlphabet[b % (sizeof kAlphabet - 1)]);
  return out;
}

void writeLab(const fs::path& dir, const LabPlan& plan, const LabSecrets& secrets) {
  if (fs::exists(dir / "lab.json"))
    throw std::runtime_error(dir.string() + " already holds a lab (lab.json); stop it with `fabricctl down --dir " +
                             dir.string() + "` and remove it, or choose another --dir");
  fs::create_directories(dir);
  fs::create_directories(dir / "run");

  tls::KeyPair ca = tls::makeCertificateAuthority("Fabric Lab CA " + plan.lab_id);
  write(dir / "ca" / "ca.pem", ca.cert_pem);
  write(dir / "ca" / "ca.key", ca.key_pem, 0600);

  const fs::path feed = fs::absolute(dir / plan.feed);
  write(feed, demoFeed());

  for (const auto& node : plan.nodes) {
    const fs::path home = dir / node.home;
    fs::create_directories(home);
    tls::installNodeCertificate(home, ca, tls::issueCertificate(ca, nodeSpec(node)));
    write(home / "identity.json",
          nlohmann::json{{"serial", node.serial}, {"hostname", node.hostname}}.dump(2) + "\n");
    std::string key = randomBytes(32);
    write(home / "secret.key", key, 0600);
    std::string conf;
    if (node.name == "fortigate") {
      conf = fortigateConfig(plan, config::SecretBox(key).seal(secrets.ems_admin_password));
    } else if (node.name == "ems") {
      conf = emsConfig(plan, config::SecretBox::hashPassword(secrets.ems_admin_password));
    } else {
      conf = fortianalyzerConfig(plan);
    }
    write(home / (node.name + ".conf"), conf);
  }
  if (plan.fleet) {
    // The fleet process trusts the lab CA; it gets no certificate of its own (each endpoint has
    // one, below, and the CA key stays with fabricctl: an agent cannot mint another uid's).
    write(tls::nodeTlsFiles(dir / plan.fleet_home).ca, ca.cert_pem);
  }
  // One certificate per endpoint. Each costs a key pair, a signature and three fsync'ed files, so
  // a fleet of thousands is issued by several threads (fsync latency, not CPU, dominates).
  const std::size_t workers = plan.endpoints.size() < 64 ? 1 : 8;
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::string first_error;
  auto issue = [&] {
    for (std::size_t i = next++; i < plan.endpoints.size(); i = next++) {
      try {
        const fs::path home = dir / plan.endpoints[i].home;
        fs::create_directories(home);
        tls::installNodeCertificate(home, ca, tls::issueCertificate(ca, endpointSpec(plan.endpoints[i])));
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (first_error.empty()) first_error = e.what();
        next = plan.endpoints.size();
      }
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(issue);
  issue();
  for (auto& t : threads) t.join();
  if (!first_error.empty()) throw std::runtime_error(first_error);
  write(dir / "secrets.json",
        nlohmann::json{{"ems_admin", plan.ems_admin}, {"ems_admin_password", secrets.ems_admin_password}}.dump(2) +
            "\n",
        0600);
  write(dir / "lab.json", plan.toJson().dump(2) + "\n");
}

LabPlan readLab(const fs::path& dir) {
  auto text = readFile(dir / "lab.json");
  if (!text)
    throw std::runtime_error("no lab in " + dir.string() + " (no lab.json): create one with `fabricctl up --dir " +
                             dir.string() + "`");
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error((dir / "lab.json").string() + " is not valid JSON");
  return LabPlan::fromJson(j);
}

LabSecrets readSecrets(const fs::path& dir) {
  auto text = readFile(dir / "secrets.json");
  if (!text) throw std::runtime_error("cannot read " + (dir / "secrets.json").string());
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object() || !j.contains("ems_admin_password") || !j["ems_admin_password"].is_string())
    throw std::runtime_error((dir / "secrets.json").string() + " has no ems_admin_password");
  return LabSecrets{j["ems_admin_password"].get<std::string>()};
}

}  // namespace fabric::lab
