#include "common/tls/pki.h"

#include <catch2/catch.hpp>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

using namespace fabric::tls;

namespace {

using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;

X509Ptr parse(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
}

// Verifies `leaf` against `anchor` for a TLS purpose (X509_PURPOSE_SSL_SERVER / _CLIENT), optionally
// with a host name or IP check, as the TLS layer does. Returns the X509_V_* result.
int verify(const std::string& leaf_pem, const std::string& anchor_pem, int purpose,
           const std::string& host = "", const std::string& ip = "") {
  auto leaf = parse(leaf_pem);
  auto anchor = parse(anchor_pem);
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
  X509_STORE_add_cert(store.get(), anchor.get());
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(), X509_STORE_CTX_free);
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr);
  X509_STORE_CTX_set_purpose(ctx.get(), purpose);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  if (!host.empty()) X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  if (!ip.empty()) X509_VERIFY_PARAM_set1_ip_asc(param, ip.c_str());
  X509_verify_cert(ctx.get());
  return X509_STORE_CTX_get_error(ctx.get());
}

CertificateSpec fgtSpec() {
  CertificateSpec spec;
  spec.common_name = "fgt";
  spec.serial_number = "FGVM01TM00000001";
  spec.dns_names = {"fgt", "localhost"};
  spec.ip_addresses = {"127.0.1.1"};
  return spec;
}

}  // namespace

TEST_CASE("the lab CA is a CA certificate with an ECDSA P-256 key") {
  KeyPair ca = makeCertificateAuthority("Fabric Lab CA");
  auto cert = parse(ca.cert_pem);
  REQUIRE(cert);
  CHECK(X509_check_ca(cert.get()) == 1);
  CHECK((X509_get_key_usage(cert.get()) & KU_KEY_CERT_SIGN) != 0);
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  CHECK(EVP_PKEY_get_base_id(key) == EVP_PKEY_EC);
  char group[64] = {};
  size_t len = 0;
  REQUIRE(EVP_PKEY_get_group_name(key, group, sizeof group, &len) == 1);
  CHECK(std::string(group) == "prime256v1");
  CHECK(certificateSubject(ca.cert_pem).common_name == "Fabric Lab CA");
  CHECK(ca.key_pem.find("PRIVATE KEY") != std::string::npos);
}

TEST_CASE("an issued certificate verifies against its CA for server and client use, with its SAN") {
  KeyPair ca = makeCertificateAuthority("Fabric Lab CA");
  KeyPair fgt = issueCertificate(ca, fgtSpec());
  CHECK(verify(fgt.cert_pem, ca.cert_pem, X509_PURPOSE_SSL_SERVER) == X509_V_OK);
  CHECK(verify(fgt.cert_pem, ca.cert_pem, X509_PURPOSE_SSL_CLIENT) == X509_V_OK);
  CHECK(verify(fgt.cert_pem, ca.cert_pem, X509_PURPOSE_SSL_SERVER, "fgt") == X509_V_OK);
  CHECK(verify(fgt.cert_pem, ca.cert_pem, X509_PURPOSE_SSL_SERVER, "localhost") == X509_V_OK);
  CHECK(verify(fgt.cert_pem, ca.cert_pem, X509_PURPOSE_SSL_SERVER, "", "127.0.1.1") == X509_V_OK);
  CHECK(verify(fgt.cert_pem, ca.cert_pem, X509_PURPOSE_SSL_SERVER, "ems") == X509_V_ERR_HOSTNAME_MISMATCH);
  CHECK(verify(fgt.cert_pem, ca.cert_pem, X509_PURPOSE_SSL_SERVER, "", "127.0.1.2") == X509_V_ERR_IP_ADDRESS_MISMATCH);
  auto cert = parse(fgt.cert_pem);
  CHECK(X509_check_ca(cert.get()) == 0);
  CHECK((X509_get_extended_key_usage(cert.get()) & (XKU_SSL_SERVER | XKU_SSL_CLIENT)) == (XKU_SSL_SERVER | XKU_SSL_CLIENT));
}

TEST_CASE("a certificate from another CA does not verify") {
  KeyPair ca = makeCertificateAuthority("Fabric Lab CA");
  KeyPair other = makeCertificateAuthority("Fabric Lab CA");  // same name, different key
  KeyPair rogue = issueCertificate(other, fgtSpec());
  CHECK(verify(rogue.cert_pem, ca.cert_pem, X509_PURPOSE_SSL_SERVER) != X509_V_OK);
}

TEST_CASE("serial numbers are random and subjectSerialNumber reads the subject attribute") {
  KeyPair ca = makeCertificateAuthority("Fabric Lab CA");
  KeyPair a = issueCertificate(ca, fgtSpec());
  KeyPair b = issueCertificate(ca, fgtSpec());
  auto ca_ = parse(a.cert_pem);
  auto cb = parse(b.cert_pem);
  CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(ca_.get()), X509_get0_serialNumber(cb.get())) != 0);
  CHECK(subjectSerialNumber(a.cert_pem) == "FGVM01TM00000001");
  CHECK(certificateSubject(a.cert_pem).common_name == "fgt");

  CertificateSpec plain;
  plain.common_name = "agent-1";
  CHECK(subjectSerialNumber(issueCertificate(ca, plain).cert_pem).empty());
  CHECK(subjectSerialNumber(ca.cert_pem).empty());
}

TEST_CASE("certificateSerial is the X.509 serial in uppercase hex, as FortiOS prints Client cert SN") {
  KeyPair ca = makeCertificateAuthority("Fabric Lab CA");
  KeyPair a = issueCertificate(ca, fgtSpec());
  auto cert = parse(a.cert_pem);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr),
                                                BN_free);
  const auto serial = certificateSerial(a.cert_pem);
  CHECK(serial.size() == 32);  // 16 random bytes, the top one never below 0x40
  CHECK(serial.find_first_not_of("0123456789ABCDEF") == std::string::npos);
  std::unique_ptr<BIGNUM, decltype(&BN_free)> back(nullptr, BN_free);
  BIGNUM* parsed = nullptr;
  REQUIRE(BN_hex2bn(&parsed, serial.c_str()) > 0);
  back.reset(parsed);
  CHECK(BN_cmp(bn.get(), back.get()) == 0);
  CHECK(certificateSerial(issueCertificate(ca, fgtSpec()).cert_pem) != serial);
  CHECK_THROWS_AS(certificateSerial("not a certificate"), PkiError);
}

TEST_CASE("a self-signed certificate is its own trust anchor") {
  CertificateSpec spec = fgtSpec();
  spec.common_name = "FGVM01TM00000001";
  KeyPair self = makeSelfSigned(spec);
  CHECK(verify(self.cert_pem, self.cert_pem, X509_PURPOSE_SSL_SERVER, "", "127.0.1.1") == X509_V_OK);
  CHECK(verify(self.cert_pem, self.cert_pem, X509_PURPOSE_SSL_CLIENT) == X509_V_OK);
  KeyPair ca = makeCertificateAuthority("Fabric Lab CA");
  CHECK(verify(self.cert_pem, ca.cert_pem, X509_PURPOSE_SSL_SERVER) != X509_V_OK);
  CHECK(subjectSerialNumber(self.cert_pem) == "FGVM01TM00000001");
}

TEST_CASE("bad certificate input is refused with a PkiError naming the problem") {
  KeyPair ca = makeCertificateAuthority("Fabric Lab CA");
  CertificateSpec spec = fgtSpec();
  spec.ip_addresses = {"127.0.1.999"};
  CHECK_THROWS_WITH(issueCertificate(ca, spec), Catch::Contains("SAN IP address '127.0.1.999'"));
  spec = fgtSpec();
  spec.common_name = "";
  CHECK_THROWS_WITH(issueCertificate(ca, spec), Catch::Contains("common name is empty"));
  spec = fgtSpec();
  spec.days = 0;
  CHECK_THROWS_AS(makeSelfSigned(spec), PkiError);
  spec = fgtSpec();
  spec.serial_number = std::string(65, 'F');  // X.520 upper bound is 64
  CHECK_THROWS_WITH(makeSelfSigned(spec), Catch::Contains("serialNumber"));
  CHECK_THROWS_WITH(subjectSerialNumber("not a pem"), Catch::Contains("not a PEM certificate"));
  KeyPair other = makeCertificateAuthority("x");
  CHECK_THROWS_WITH(issueCertificate(KeyPair{ca.cert_pem, other.key_pem}, fgtSpec()),
                    Catch::Contains("does not match"));
  KeyPair leaf = issueCertificate(ca, fgtSpec());
  CHECK_THROWS_WITH(issueCertificate(leaf, fgtSpec()), Catch::Contains("not a certificate authority"));
  CHECK_NOTHROW(checkKeyMatchesCertificate(leaf.cert_pem, leaf.key_pem));
  CHECK_THROWS_AS(checkKeyMatchesCertificate(leaf.cert_pem, other.key_pem), PkiError);
}

TEST_CASE("IPv6 SAN entries are accepted") {
  KeyPair ca = makeCertificateAuthority("Fabric Lab CA");
  CertificateSpec spec = fgtSpec();
  spec.ip_addresses = {"::1"};
  KeyPair leaf = issueCertificate(ca, spec);
  CHECK(verify(leaf.cert_pem, ca.cert_pem, X509_PURPOSE_SSL_SERVER, "", "::1") == X509_V_OK);
}
