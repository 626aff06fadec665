#pragma once
// The endpoint's quarantine state, persisted atomically (DIR/quarantine.json) so that it survives a
// restart and a kill -9: the file is either the old state or the new one, never torn.

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace fabric::forticlient {

struct QuarantineState {
  bool quarantined = false;
  std::int64_t since = 0;        // epoch seconds of the last change to quarantined
  std::string flow_id;           // flow of the last change
  std::string command_id;        // EMS command that made the last change ("" for a local release)
  std::string source;            // "fortigate:<serial>", "admin:<name>", "local:access-code"
  std::string access_code_hash;  // sha256(uid ":" code); the code itself is never stored

  // What protocols.md calls `quarantine`: {"state":"none"|"quarantined","since":…}.
  nlohmann::json toWire() const;
  nlohmann::json toJson() const;
  // Throws std::invalid_argument naming the bad field.
  static QuarantineState fromJson(const nlohmann::json& j);
  std::string stateName() const { return quarantined ? "quarantined" : "none"; }
};

class QuarantineStore {
 public:
  explicit QuarantineStore(std::filesystem::path file) : file_(std::move(file)) {}
  // The persisted state; the default (not quarantined) when the file does not exist. Throws
  // std::runtime_error when it exists but cannot be read or parsed: an agent must not silently
  // forget that it is quarantined.
  QuarantineState load() const;
  // "" on success, else the reason (the previous file is then unchanged).
  std::string save(const QuarantineState& state) const;
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
};

}  // namespace fabric::forticlient
