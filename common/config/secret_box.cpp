#include "common/config/secret_box.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace fabric::config {
namespace {

constexpr size_t kIvSize = 12;
constexpr size_t kTagSize = 16;
constexpr size_t kSaltSize = 12;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string randomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  return out;
}

std::string saltedDigest(std::string_view salt, std::string_view clear) {
  std::string input(salt);
  input.append(clear);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  OPENSSL_cleanse(input.data(), input.size());
  return std::string(salt) + std::string(reinterpret_cast<char*>(digest), sizeof digest);
}

}  // namespace

std::string base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  for (char c : text) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;
  if (text.back() == '=') ++pad;
  if (text.size() >= 2 && text[text.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

SecretBox::SecretBox(std::string_view key) {
  if (key.size() == sizeof key_) {
    std::memcpy(key_, key.data(), sizeof key_);
  } else {
    SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), key_);
  }
}

std::string SecretBox::seal(std::string_view clear) const {
  std::string iv = randomBytes(kIvSize);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out = iv;
  out.resize(kIvSize + clear.size() + kTagSize);
  int len = 0, total = 0;
  auto* dst = reinterpret_cast<unsigned char*>(out.data()) + kIvSize;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_,
                                 reinterpret_cast<const unsigned char*>(iv.data())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), dst, &len, reinterpret_cast<const unsigned char*>(clear.data()),
                        static_cast<int>(clear.size())) != 1) {
    throw std::runtime_error("AES-256-GCM encrypt failed");
  }
  total = len;
  if (EVP_EncryptFinal_ex(ctx.get(), dst + total, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, dst + clear.size()) != 1) {
    throw std::runtime_error("AES-256-GCM encrypt failed");
  }
  return base64Encode(out);
}

std::optional<std::string> SecretBox::open(std::string_view sealed) const {
  auto raw = base64Decode(sealed);
  if (!raw || raw->size() < kIvSize + kTagSize) return std::nullopt;
  const size_t clear_size = raw->size() - kIvSize - kTagSize;
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string clear(clear_size, '\0');
  int len = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_, bytes) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(clear.data()), &len, bytes + kIvSize,
                        static_cast<int>(clear_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize,
                          const_cast<unsigned char*>(bytes + kIvSize + clear_size)) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(clear.data()) + len, &len) != 1) {
    return std::nullopt;
  }
  return clear;
}

std::string SecretBox::hashPassword(std::string_view clear) {
  return "SH2" + base64Encode(saltedDigest(randomBytes(kSaltSize), clear));
}

bool SecretBox::isPasswordHash(std::string_view stored) {
  if (stored.substr(0, 3) != "SH2") return false;
  auto raw = base64Decode(stored.substr(3));
  return raw && raw->size() == kSaltSize + SHA256_DIGEST_LENGTH;
}

bool SecretBox::verifyPassword(std::string_view stored, std::string_view candidate) {
  if (stored.empty()) return candidate.empty();
  if (!isPasswordHash(stored)) return false;
  auto raw = base64Decode(stored.substr(3));
  std::string expected = saltedDigest(std::string_view(*raw).substr(0, kSaltSize), candidate);
  return CRYPTO_memcmp(expected.data(), raw->data(), expected.size()) == 0;
}

}  // namespace fabric::config
