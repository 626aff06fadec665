#pragma once
// Secrets of the configuration. Reversible secrets (an EMS admin password the node must replay)
// are sealed with AES-256-GCM under the node's key with a random 96-bit IV, so the same password
// seals differently each time; the stored form is base64(iv | ciphertext | tag), printed
// `ENC <base64>`. One-way admin passwords are salted SHA-256, stored as `SH2<base64(salt|digest)>`
// as FortiOS prints them (`set password ENC SH2…`).

#include <optional>
#include <string>
#include <string_view>

namespace fabric::config {

class SecretBox {
 public:
  // A key of any other length than 32 bytes is first hashed with SHA-256.
  explicit SecretBox(std::string_view key);

  std::string seal(std::string_view clear) const;
  // nullopt when the text was not sealed under this key (or is malformed).
  std::optional<std::string> open(std::string_view sealed) const;

  static std::string hashPassword(std::string_view clear);
  static bool verifyPassword(std::string_view stored, std::string_view candidate);
  // True when `stored` has the shape hashPassword() produces.
  static bool isPasswordHash(std::string_view stored);

 private:
  unsigned char key_[32];
};

std::string base64Encode(std::string_view bytes);
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace fabric::config
