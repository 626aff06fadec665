#include "ems/random_token.h"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace fabric::ems {
namespace {

std::vector<unsigned char> randomBytes(std::size_t n) {
  std::vector<unsigned char> bytes(n);
  if (n > 0 && RAND_bytes(bytes.data(), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return bytes;
}

}  // namespace

std::string randomHex(std::size_t bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : randomBytes(bytes)) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string randomAccessCode(std::size_t length) {
  static const char kAlphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";  // 32 symbols: no bias
  std::string out;
  for (unsigned char b : randomBytes(length)) out.push_back(kAlphabet[b & 31]);
  return out;
}

}  // namespace fabric::ems
