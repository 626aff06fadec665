#pragma once
// Shared pieces of the link-layer tests: a temporary lab PKI on disk, a running EventLoop, and
// waiting on a condition with a deadline (never a fixed sleep as the assertion).

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/net/link.h"
#include "common/tls/pki.h"
#include "tests/support/temp_dir.h"

namespace fabric::net::test {

using TempDir = ::fabric::test::TempDir;

inline void writeFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// Writes `pair` as NAME.pem / NAME.key into `dir` and returns a TlsConfig trusting `ca_pem_path`.
inline TlsConfig writeIdentity(const std::filesystem::path& dir, const std::string& name,
                               const tls::KeyPair& pair, const std::filesystem::path& ca_pem_path) {
  TlsConfig config;
  config.ca = ca_pem_path;
  config.cert = dir / (name + ".pem");
  config.key = dir / (name + ".key");
  writeFile(config.cert, pair.cert_pem);
  writeFile(config.key, pair.key_pem);
  return config;
}

// A lab CA with a server (analyzer) and a client (FortiGate) certificate, plus a second, foreign
// CA with certificates of its own, all as files.
struct TestPki {
  TempDir dir;
  tls::KeyPair ca = tls::makeCertificateAuthority("Fabric Lab CA");
  tls::KeyPair foreign_ca = tls::makeCertificateAuthority("Somebody Else CA");
  std::filesystem::path ca_path = dir.path() / "ca.pem";
  std::filesystem::path foreign_ca_path = dir.path() / "foreign-ca.pem";
  TlsConfig server;          // CN/serial FAZ-VM0000000001, SAN 127.0.0.1 + localhost
  TlsConfig client;          // CN/serial FGVM01TM00000001
  TlsConfig foreign_server;  // same names, issued by the foreign CA
  TlsConfig foreign_client;

  static tls::CertificateSpec serverSpec() {
    tls::CertificateSpec spec;
    spec.common_name = "FAZ-VM0000000001";
    spec.serial_number = "FAZ-VM0000000001";
    spec.dns_names = {"localhost", "faz"};
    spec.ip_addresses = {"127.0.0.1"};
    return spec;
  }
  static tls::CertificateSpec clientSpec() {
    tls::CertificateSpec spec;
    spec.common_name = "FGVM01TM00000001";
    spec.serial_number = "FGVM01TM00000001";
    spec.dns_names = {"fgt"};
    spec.ip_addresses = {"127.0.0.1", "127.0.0.2"};
    return spec;
  }

  TestPki() {
    writeFile(ca_path, ca.cert_pem);
    writeFile(foreign_ca_path, foreign_ca.cert_pem);
    server = writeIdentity(dir.path(), "server", tls::issueCertificate(ca, serverSpec()), ca_path);
    client = writeIdentity(dir.path(), "client", tls::issueCertificate(ca, clientSpec()), ca_path);
    foreign_server = writeIdentity(dir.path(), "foreign-server",
                                   tls::issueCertificate(foreign_ca, serverSpec()), ca_path);
    foreign_client = writeIdentity(dir.path(), "foreign-client",
                                   tls::issueCertificate(foreign_ca, clientSpec()), ca_path);
  }
};

// Polls `condition` until it holds or `limit` passes; returns whether it held.
template <typename Condition>
bool waitUntil(Condition condition, std::chrono::milliseconds limit = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// State every test shares with its callbacks; touched only on the loop thread (read it through
// loop.call()).
struct Recorder {
  std::vector<std::string> log;
  bool logged(const std::string& needle) const {
    for (const auto& line : log)
      if (line.find(needle) != std::string::npos) return true;
    return false;
  }
};

inline bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace fabric::net::test
