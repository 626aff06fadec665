#pragma once
// Hex digests (OpenSSL EVP) used for deterministic identities and access-code hashes.

#include <string>
#include <string_view>

namespace fabric::forticlient {

std::string sha1Hex(std::string_view data);    // 40 lower-case hex
std::string sha256Hex(std::string_view data);  // 64 lower-case hex
bool isHex(std::string_view text, std::size_t length);

}  // namespace fabric::forticlient
