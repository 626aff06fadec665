// Certificate making with OpenSSL 3's API: ECDSA P-256 keys, SHA-256 signatures, random 128-bit
// serials, SAN DNS + IP entries built as GENERAL_NAMEs (never through a config string, so a name
// containing ',' or ':' cannot smuggle in another entry).
#include "common/tls/pki.h"

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "common/tls/openssl_util.h"

namespace fabric::tls {
namespace {

constexpr int kCaDays = 3650;
constexpr long kBackdateSeconds = 300;  // tolerate small clock skew between lab nodes

PkeyPtr generateKey() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) throw PkiError(opensslError("cannot generate an ECDSA P-256 key"));
  return key;
}

void setRandomSerial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw PkiError(opensslError("cannot draw a serial"));
  bytes[0] &= 0x7f;  // positive, as RFC 5280 requires
  bytes[0] |= 0x40;  // and never shorter than 16 bytes
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(BN_bin2bn(bytes, sizeof bytes, nullptr), BN_free);
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)))
    throw PkiError(opensslError("cannot set the certificate serial"));
}

void addNameEntry(X509_NAME* name, int nid, const std::string& value, const char* label) {
  if (value.empty()) return;
  if (!X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8,
                                  reinterpret_cast<const unsigned char*>(value.data()),
                                  static_cast<int>(value.size()), -1, 0))
    throw PkiError(opensslError(std::string("cannot set subject ") + label + " '" + value + "'"));
}

void addExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, ctx, nid, value);
  if (!ext) throw PkiError(opensslError(std::string("cannot build extension ") + OBJ_nid2sn(nid)));
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (!ok) throw PkiError(opensslError(std::string("cannot add extension ") + OBJ_nid2sn(nid)));
}

void addSubjectAltName(X509* cert, const CertificateSpec& spec) {
  if (spec.dns_names.empty() && spec.ip_addresses.empty()) return;
  std::unique_ptr<GENERAL_NAMES, decltype(&GENERAL_NAMES_free)> names(sk_GENERAL_NAME_new_null(),
                                                                       GENERAL_NAMES_free);
  for (const auto& dns : spec.dns_names) {
    if (dns.empty()) throw PkiError("SAN DNS name is empty");
    ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
    if (!ia5 || !ASN1_STRING_set(ia5, dns.data(), static_cast<int>(dns.size()))) {
      ASN1_IA5STRING_free(ia5);
      throw PkiError(opensslError("cannot encode SAN DNS name '" + dns + "'"));
    }
    GENERAL_NAME* gn = GENERAL_NAME_new();
    GENERAL_NAME_set0_value(gn, GEN_DNS, ia5);
    sk_GENERAL_NAME_push(names.get(), gn);
  }
  for (const auto& ip : spec.ip_addresses) {
    ASN1_OCTET_STRING* octets = a2i_IPADDRESS(ip.c_str());
    if (!octets) throw PkiError(opensslError("SAN IP address '" + ip + "' is not an IPv4/IPv6 address"));
    GENERAL_NAME* gn = GENERAL_NAME_new();
    GENERAL_NAME_set0_value(gn, GEN_IPADD, octets);
    sk_GENERAL_NAME_push(names.get(), gn);
  }
  if (!X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT))
    throw PkiError(opensslError("cannot add subjectAltName"));
}

std::string toPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_X509(bio.get(), cert)) throw PkiError(opensslError("cannot write certificate PEM"));
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(bio.get(), &mem);
  return std::string(mem->data, mem->length);
}

std::string toPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr))
    throw PkiError(opensslError("cannot write private key PEM"));
  BUF_MEM* mem = nullptr;
  BIO_get_mem_ptr(bio.get(), &mem);
  return std::string(mem->data, mem->length);
}

enum class Role { kAuthority, kLeaf, kSelfSignedLeaf };

// Builds and signs one certificate. `issuer`/`issuer_key` are null for a self-signed one.
KeyPair build(Role role, const std::string& common_name, const CertificateSpec& spec, int days,
              X509* issuer, EVP_PKEY* issuer_key) {
  if (common_name.empty()) throw PkiError("certificate common name is empty");
  if (days <= 0) throw PkiError("certificate validity must be at least one day");
  PkeyPtr key = generateKey();
  X509Ptr cert(X509_new());
  if (!cert || !X509_set_version(cert.get(), X509_VERSION_3)) throw PkiError(opensslError("cannot create X509"));
  setRandomSerial(cert.get());
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds);
  X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr);

  X509_NAME* subject = X509_get_subject_name(cert.get());
  addNameEntry(subject, NID_organizationName, "Fabric Lab", "O");
  addNameEntry(subject, NID_commonName, common_name, "CN");
  addNameEntry(subject, NID_serialNumber, spec.serial_number, "serialNumber");
  X509* signer = issuer ? issuer : cert.get();
  EVP_PKEY* signer_key = issuer_key ? issuer_key : key.get();
  if (!X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) || !X509_set_pubkey(cert.get(), key.get()))
    throw PkiError(opensslError("cannot set issuer or public key"));

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, signer, cert.get(), nullptr, nullptr, 0);
  switch (role) {
    case Role::kAuthority:
      addExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE");
      addExtension(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
      break;
    case Role::kLeaf:
      addExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
      addExtension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature,keyAgreement");
      addExtension(cert.get(), &ctx, NID_ext_key_usage, "serverAuth,clientAuth");
      break;
    case Role::kSelfSignedLeaf:
      // A factory certificate is its own trust anchor (it doubles as ca.pem), so it must be
      // allowed to sign itself; OpenSSL rejects a self-signed anchor without keyCertSign.
      addExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
      addExtension(cert.get(), &ctx, NID_key_usage, "critical,digitalSignature,keyAgreement,keyCertSign");
      addExtension(cert.get(), &ctx, NID_ext_key_usage, "serverAuth,clientAuth");
      break;
  }
  addExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  addExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  if (role != Role::kAuthority) addSubjectAltName(cert.get(), spec);

  if (X509_sign(cert.get(), signer_key, EVP_sha256()) <= 0) throw PkiError(opensslError("cannot sign certificate"));
  return KeyPair{toPem(cert.get()), toPem(key.get())};
}

}  // namespace

KeyPair makeCertificateAuthority(const std::string& name) {
  return build(Role::kAuthority, name, CertificateSpec{}, kCaDays, nullptr, nullptr);
}

KeyPair issueCertificate(const KeyPair& ca, const CertificateSpec& spec) {
  X509Ptr ca_cert = parseCertificatePem(ca.cert_pem, "CA certificate");
  PkeyPtr ca_key = parsePrivateKeyPem(ca.key_pem, "CA private key");
  if (X509_check_private_key(ca_cert.get(), ca_key.get()) != 1)
    throw PkiError(opensslError("CA private key does not match the CA certificate"));
  if (X509_check_ca(ca_cert.get()) == 0) throw PkiError("CA certificate is not a certificate authority");
  return build(Role::kLeaf, spec.common_name, spec, spec.days, ca_cert.get(), ca_key.get());
}

KeyPair makeSelfSigned(const CertificateSpec& spec) {
  return build(Role::kSelfSignedLeaf, spec.common_name, spec, spec.days, nullptr, nullptr);
}

CertificateSubject certificateSubject(const std::string& cert_pem) {
  X509Ptr cert = parseCertificatePem(cert_pem);
  return CertificateSubject{subjectAttribute(cert.get(), NID_commonName),
                            subjectAttribute(cert.get(), NID_serialNumber)};
}

std::string certificateSerial(const std::string& cert_pem) {
  X509Ptr cert = parseCertificatePem(cert_pem);
  return serialHex(cert.get());
}

std::string subjectSerialNumber(const std::string& cert_pem) {
  return certificateSubject(cert_pem).serial_number;
}

void checkKeyMatchesCertificate(const std::string& cert_pem, const std::string& key_pem) {
  X509Ptr cert = parseCertificatePem(cert_pem);
  PkeyPtr key = parsePrivateKeyPem(key_pem);
  if (X509_check_private_key(cert.get(), key.get()) != 1)
    throw PkiError(opensslError("private key does not match the certificate"));
}

}  // namespace fabric::tls
