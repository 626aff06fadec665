#include "common/tls/openssl_util.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include "common/tls/pki.h"

namespace fabric::tls {

std::string opensslError(const std::string& step) {
  std::string text = step;
  bool first = true;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    text += first ? ": " : "; ";
    text += buf;
    first = false;
  }
  return text;
}

namespace {
BioPtr memoryBio(const std::string& text) {
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) throw PkiError(opensslError("cannot allocate a memory BIO"));
  return bio;
}
}  // namespace

X509Ptr parseCertificatePem(const std::string& pem, const std::string& what) {
  auto bio = memoryBio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) throw PkiError(opensslError(what + " is not a PEM certificate"));
  return cert;
}

PkeyPtr parsePrivateKeyPem(const std::string& pem, const std::string& what) {
  auto bio = memoryBio(pem);
  // An empty passphrase callback: lab keys are unencrypted, and an encrypted key must fail here
  // rather than prompt on the terminal.
  static pem_password_cb* const kNoPassphrase = [](char*, int, int, void*) { return 0; };
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, kNoPassphrase, nullptr));
  // Key text is a secret: the error names the file's role, never its contents.
  if (!key) throw PkiError(opensslError(what + " is not an unencrypted PEM private key"));
  return key;
}

std::string subjectAttribute(X509* cert, int nid) {
  X509_NAME* name = X509_get_subject_name(cert);
  int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return {};
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return {};
  std::string value(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return value;
}

std::string serialHex(X509* cert) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
  if (!serial) return {};
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(ASN1_INTEGER_to_BN(serial, nullptr), BN_free);
  if (!bn) return {};
  char* hex = BN_bn2hex(bn.get());
  if (!hex) return {};
  std::string value(hex);
  OPENSSL_free(hex);
  return value;
}

}  // namespace fabric::tls
