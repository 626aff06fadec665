#include "forticlient/quarantine_store.h"

#include <stdexcept>

#include "common/base/atomic_file.h"

namespace fabric::forticlient {

nlohmann::json QuarantineState::toWire() const {
  nlohmann::json j = {{"state", stateName()}};
  j["since"] = quarantined ? nlohmann::json(since) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json QuarantineState::toJson() const {
  return {{"state", stateName()},   {"since", since},   {"flow_id", flow_id},
          {"command_id", command_id}, {"source", source}, {"access_code_hash", access_code_hash}};
}

QuarantineState QuarantineState::fromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("not a JSON object");
  auto str = [&](const char* name) {
    auto it = j.find(name);
    if (it == j.end() || !it->is_string()) {
      throw std::invalid_argument(std::string("field '") + name + "' is missing or not a string");
    }
    return it->get<std::string>();
  };
  QuarantineState s;
  std::string state = str("state");
  if (state != "none" && state != "quarantined") {
    throw std::invalid_argument("state must be none or quarantined, not '" + state + "'");
  }
  s.quarantined = state == "quarantined";
  auto since = j.find("since");
  if (since == j.end() || !since->is_number_integer()) {
    throw std::invalid_argument("field 'since' is missing or not an integer");
  }
  s.since = since->get<std::int64_t>();
  s.flow_id = str("flow_id");
  s.command_id = str("command_id");
  s.source = str("source");
  s.access_code_hash = str("access_code_hash");
  return s;
}

QuarantineState QuarantineStore::load() const {
  auto text = readFile(file_);
  if (!text) {
    if (std::filesystem::exists(file_)) throw std::runtime_error("cannot read " + file_.string());
    return {};
  }
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error(file_.string() + " is not valid JSON");
  try {
    return QuarantineState::fromJson(j);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(file_.string() + ": " + e.what());
  }
}

std::string QuarantineStore::save(const QuarantineState& state) const {
  return writeFileAtomically(file_, state.toJson().dump(2) + "\n", 0600);
}

}  // namespace fabric::forticlient
