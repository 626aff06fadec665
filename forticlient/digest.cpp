#include "forticlient/digest.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace fabric::forticlient {
namespace {

std::string digestHex(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
    throw std::runtime_error("OpenSSL digest failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 0xf];
  }
  return hex;
}

}  // namespace

std::string sha1Hex(std::string_view data) { return digestHex(EVP_sha1(), data); }
std::string sha256Hex(std::string_view data) { return digestHex(EVP_sha256(), data); }

bool isHex(std::string_view text, std::size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!ok) return false;
  }
  return true;
}

}  // namespace fabric::forticlient
