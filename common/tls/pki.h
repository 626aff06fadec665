#pragma once
// CONTRACT (written before the implementation; the implementation may add, not change meaning).
// The lab PKI, made with OpenSSL's API (no openssl command line): a lab CA and one ECDSA P-256
// certificate per node whose SAN holds the node's address and name and whose subject carries the
// node's serial number (FGVM…, FAZ-VM…, FCTEMS…), as appliance certificates do. A node started on its
// own, with no certificate in its home directory, makes a self-signed one on first start, as
// appliances ship with a factory certificate.
// Errors (OpenSSL failure, unreadable files) throw fabric::tls::PkiError naming the step.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace fabric::tls {

struct PkiError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CertificateSpec {
  std::string common_name;                // "FGVM01TM00000001" or "fgt"
  std::string serial_number;              // subject serialNumber attribute; may be empty
  std::vector<std::string> dns_names;     // SAN DNS entries ("fgt", "localhost")
  std::vector<std::string> ip_addresses;  // SAN IP entries ("127.0.1.1")
  int days = 825;
};

struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

KeyPair makeCertificateAuthority(const std::string& name);
// A leaf certificate signed by `ca`, usable for TLS server and client authentication.
KeyPair issueCertificate(const KeyPair& ca, const CertificateSpec& spec);
KeyPair makeSelfSigned(const CertificateSpec& spec);

// The TLS files of a node's home directory: DIR/tls/ca.pem (the CA it trusts), DIR/tls/node.pem,
// DIR/tls/node.key (mode 0600).
struct NodeTlsFiles {
  std::filesystem::path ca;
  std::filesystem::path cert;
  std::filesystem::path key;
};
NodeTlsFiles nodeTlsFiles(const std::filesystem::path& home);
// Returns the node's files; when node.pem or node.key is missing, writes a self-signed certificate
// for `spec` (and ca.pem = that certificate when ca.pem is missing too). Writes are atomic.
NodeTlsFiles ensureNodeCertificate(const std::filesystem::path& home, const CertificateSpec& spec);
// Writes a CA-issued certificate into a node home (used by fabricctl up).
NodeTlsFiles installNodeCertificate(const std::filesystem::path& home, const KeyPair& ca,
                                    const KeyPair& node);

// The subject serialNumber attribute of a PEM certificate ("" when absent).
std::string subjectSerialNumber(const std::string& cert_pem);

// --- Additions to the contract (implementation-side; meaning above unchanged) ---

// Who a certificate names: subject CN and serialNumber ("" when absent).
struct CertificateSubject {
  std::string common_name;
  std::string serial_number;
};
CertificateSubject certificateSubject(const std::string& cert_pem);

// The X.509 serial number of a PEM certificate, uppercase hex without separators (FortiOS's
// "Client cert SN" form). Throws PkiError when the text is not a certificate.
std::string certificateSerial(const std::string& cert_pem);

// Throws PkiError unless `key_pem` is the private key of `cert_pem` (checked before installing or
// reusing a node's files, so a mismatched pair is reported instead of failing every handshake).
void checkKeyMatchesCertificate(const std::string& cert_pem, const std::string& key_pem);

}  // namespace fabric::tls
