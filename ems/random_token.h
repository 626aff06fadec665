#pragma once
// Unpredictable values from OpenSSL's CSPRNG: session ids, CSRF tokens, quarantine access codes,
// flow id suffixes. Throws std::runtime_error when the generator fails.

#include <cstddef>
#include <string>

namespace fabric::ems {

std::string randomHex(std::size_t bytes);
// `length` characters from an alphabet without look-alikes (no 0/O, 1/I): typed by a user.
std::string randomAccessCode(std::size_t length = 8);

}  // namespace fabric::ems
