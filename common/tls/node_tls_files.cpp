// A node home's TLS files. Order of writes matters for kill -9: the key is written before the
// certificate, and a home counts as provisioned only when both exist, so a crash in between makes
// the next start generate a fresh pair rather than pair a new key with an old certificate.
#include <system_error>

#include "common/base/atomic_file.h"
#include "common/tls/openssl_util.h"
#include "common/tls/pki.h"

namespace fabric::tls {
namespace {

constexpr unsigned kKeyMode = 0600;
constexpr unsigned kCertMode = 0644;

void prepareDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw PkiError("cannot create " + dir.string() + ": " + ec.message());
  // The directory holds a private key: owner only.
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  if (ec) throw PkiError("cannot restrict " + dir.string() + ": " + ec.message());
}

void write(const std::filesystem::path& path, const std::string& contents, unsigned mode) {
  std::string err = writeFileAtomically(path, contents, mode);
  if (!err.empty()) throw PkiError(err);
}

std::string readOrThrow(const std::filesystem::path& path) {
  auto text = readFile(path);
  if (!text) throw PkiError("cannot read " + path.string());
  return *text;
}

bool selfIssued(const std::string& cert_pem) {
  X509Ptr cert = parseCertificatePem(cert_pem);
  return X509_check_issued(cert.get(), cert.get()) == X509_V_OK;
}

}  // namespace

NodeTlsFiles nodeTlsFiles(const std::filesystem::path& home) {
  const auto dir = home / "tls";
  return NodeTlsFiles{dir / "ca.pem", dir / "node.pem", dir / "node.key"};
}

NodeTlsFiles ensureNodeCertificate(const std::filesystem::path& home, const CertificateSpec& spec) {
  const NodeTlsFiles files = nodeTlsFiles(home);
  prepareDirectory(files.cert.parent_path());
  std::error_code ec;
  const bool have_pair = std::filesystem::exists(files.cert, ec) && std::filesystem::exists(files.key, ec);
  std::string cert_pem;
  if (have_pair) {
    // Reuse, but refuse a damaged or mismatched pair instead of overwriting what an operator put there.
    cert_pem = readOrThrow(files.cert);
    try {
      checkKeyMatchesCertificate(cert_pem, readOrThrow(files.key));
    } catch (const PkiError& e) {
      throw PkiError(files.cert.string() + " / " + files.key.string() + ": " + e.what());
    }
  } else {
    KeyPair pair = makeSelfSigned(spec);
    write(files.key, pair.key_pem, kKeyMode);
    write(files.cert, pair.cert_pem, kCertMode);
    cert_pem = pair.cert_pem;
  }
  // A self-signed node trusts itself until a lab CA is installed; a CA-issued certificate without
  // its ca.pem is left for the TLS layer to report (it names the missing file).
  if (!std::filesystem::exists(files.ca, ec) && selfIssued(cert_pem)) write(files.ca, cert_pem, kCertMode);
  return files;
}

NodeTlsFiles installNodeCertificate(const std::filesystem::path& home, const KeyPair& ca,
                                    const KeyPair& node) {
  parseCertificatePem(ca.cert_pem, "CA certificate");
  checkKeyMatchesCertificate(node.cert_pem, node.key_pem);
  const NodeTlsFiles files = nodeTlsFiles(home);
  prepareDirectory(files.cert.parent_path());
  write(files.ca, ca.cert_pem, kCertMode);
  write(files.key, node.key_pem, kKeyMode);
  write(files.cert, node.cert_pem, kCertMode);
  return files;
}

}  // namespace fabric::tls
