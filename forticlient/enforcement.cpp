#include "forticlient/enforcement.h"

#include <stdexcept>

namespace fabric::forticlient {

std::string Enforcement::sync(bool quarantined, const std::vector<AllowedPeer>& peers) {
  if (!runner_) return {};
  std::string ruleset;
  try {
    ruleset = quarantined ? quarantineRuleset(peers) : releaseRuleset();
  } catch (const std::invalid_argument& e) {
    last_error_ = std::string("cannot build the quarantine ruleset: ") + e.what();
    return last_error_;
  }
  if (synced_ && ruleset == applied_) return {};
  if (auto err = runner_->apply(ruleset); !err.empty()) {
    last_error_ = err;
    return err;
  }
  synced_ = true;
  applied_ = ruleset;
  last_error_.clear();
  return {};
}

nlohmann::json Enforcement::status() const {
  nlohmann::json j = {{"mode", runner_ ? "nftables" : "in-process"}};
  if (runner_) {
    j["applied"] = !synced_ ? "nothing yet" : applied_ == releaseRuleset() ? "none" : "quarantine";
  }
  if (!last_error_.empty()) j["last_error"] = last_error_;
  return j;
}

}  // namespace fabric::forticlient
