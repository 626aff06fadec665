#pragma once
// RAII owners for OpenSSL objects and the error text helper shared by the PKI and the TLS link
// layer. Internal to common/tls and common/net: nothing outside them needs OpenSSL types.

#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace fabric::tls {

struct BioFree {
  void operator()(BIO* p) const { BIO_free_all(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

// "<step>: <OpenSSL error queue text>"; drains the thread's error queue.
std::string opensslError(const std::string& step);

// PEM parsing; throw PkiError naming `what` when the text is not a PEM certificate / private key.
X509Ptr parseCertificatePem(const std::string& pem, const std::string& what = "certificate");
PkeyPtr parsePrivateKeyPem(const std::string& pem, const std::string& what = "private key");

// The first value of a subject attribute (NID_commonName, NID_serialNumber), "" when absent.
std::string subjectAttribute(X509* cert, int nid);

// The certificate's X.509 serial number as uppercase hex without separators, as FortiOS prints it
// ("Client cert SN: 2B8D4FF0…"); "" when it cannot be read.
std::string serialHex(X509* cert);

}  // namespace fabric::tls
