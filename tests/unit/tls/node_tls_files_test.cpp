#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/base/atomic_file.h"
#include "common/tls/pki.h"

namespace fs = std::filesystem;
using namespace fabric::tls;

namespace {

struct TempHome {
  fs::path path;
  explicit TempHome(const std::string& tag) {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("fabric-tls-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
  }
  ~TempHome() { fs::remove_all(path); }
};

fs::perms permsOf(const fs::path& p) { return fs::status(p).permissions() & fs::perms::all; }

CertificateSpec emsSpec() {
  CertificateSpec spec;
  spec.common_name = "ems";
  spec.serial_number = "FCTEMS0000000001";
  spec.dns_names = {"ems"};
  spec.ip_addresses = {"127.0.3.1"};
  return spec;
}

}  // namespace

TEST_CASE("nodeTlsFiles names the files under HOME/tls") {
  auto files = nodeTlsFiles("/var/lib/fgt");
  CHECK(files.ca == fs::path("/var/lib/fgt/tls/ca.pem"));
  CHECK(files.cert == fs::path("/var/lib/fgt/tls/node.pem"));
  CHECK(files.key == fs::path("/var/lib/fgt/tls/node.key"));
}

TEST_CASE("ensureNodeCertificate makes a self-signed factory certificate once, then reuses it") {
  TempHome home("ensure");
  auto files = ensureNodeCertificate(home.path, emsSpec());
  REQUIRE(fs::exists(files.cert));
  REQUIRE(fs::exists(files.key));
  REQUIRE(fs::exists(files.ca));
  CHECK(permsOf(files.key) == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(permsOf(files.cert.parent_path()) == fs::perms::owner_all);
  auto cert = *fabric::readFile(files.cert);
  auto key = *fabric::readFile(files.key);
  CHECK(*fabric::readFile(files.ca) == cert);
  CHECK(subjectSerialNumber(cert) == "FCTEMS0000000001");
  CHECK_NOTHROW(checkKeyMatchesCertificate(cert, key));

  auto again = ensureNodeCertificate(home.path, emsSpec());
  CHECK(again.cert == files.cert);
  CHECK(*fabric::readFile(files.cert) == cert);
  CHECK(*fabric::readFile(files.key) == key);
}

TEST_CASE("ensureNodeCertificate keeps an installed lab CA and regenerates a half-written pair") {
  TempHome home("half");
  KeyPair ca = makeCertificateAuthority("Fabric Lab CA");
  fs::create_directories(home.path / "tls");
  REQUIRE(fabric::writeFileAtomically(nodeTlsFiles(home.path).ca, ca.cert_pem).empty());
  REQUIRE(fabric::writeFileAtomically(nodeTlsFiles(home.path).key, "stale key from a crash", 0600).empty());
  auto files = ensureNodeCertificate(home.path, emsSpec());
  CHECK(*fabric::readFile(files.ca) == ca.cert_pem);
  CHECK_NOTHROW(checkKeyMatchesCertificate(*fabric::readFile(files.cert), *fabric::readFile(files.key)));
}

TEST_CASE("ensureNodeCertificate refuses a damaged pair and changes nothing") {
  TempHome home("damaged");
  auto files = ensureNodeCertificate(home.path, emsSpec());
  auto cert = *fabric::readFile(files.cert);
  REQUIRE(fabric::writeFileAtomically(files.key, makeSelfSigned(emsSpec()).key_pem, 0600).empty());
  auto key = *fabric::readFile(files.key);
  CHECK_THROWS_WITH(ensureNodeCertificate(home.path, emsSpec()), Catch::Contains("does not match"));
  CHECK(*fabric::readFile(files.cert) == cert);
  CHECK(*fabric::readFile(files.key) == key);
}

TEST_CASE("installNodeCertificate writes CA, certificate and a 0600 key; a mismatched pair writes nothing") {
  TempHome home("install");
  KeyPair ca = makeCertificateAuthority("Fabric Lab CA");
  KeyPair node = issueCertificate(ca, emsSpec());
  auto files = installNodeCertificate(home.path, ca, node);
  CHECK(*fabric::readFile(files.ca) == ca.cert_pem);
  CHECK(*fabric::readFile(files.cert) == node.cert_pem);
  CHECK(*fabric::readFile(files.key) == node.key_pem);
  CHECK(permsOf(files.key) == (fs::perms::owner_read | fs::perms::owner_write));
  // ensureNodeCertificate on a provisioned home reuses the CA-issued pair.
  ensureNodeCertificate(home.path, emsSpec());
  CHECK(*fabric::readFile(files.cert) == node.cert_pem);

  TempHome other("install-bad");
  KeyPair wrong = issueCertificate(ca, emsSpec());
  CHECK_THROWS_AS(installNodeCertificate(other.path, ca, KeyPair{node.cert_pem, wrong.key_pem}), PkiError);
  CHECK_FALSE(fs::exists(nodeTlsFiles(other.path).cert));
  CHECK_FALSE(fs::exists(nodeTlsFiles(other.path).key));
}
