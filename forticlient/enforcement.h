#pragma once
// How one endpoint enforces its quarantine beyond the in-process gate of EndpointCore::act (which
// always applies): with an NftRunner (option --enforce-nftables, CAP_NET_ADMIN in the endpoint's
// own network namespace) the nftables ruleset follows the state and the allowed peers (the EMS and
// every FortiGate of the gateway list); without one, nothing else is touched.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "forticlient/nft_ruleset.h"

namespace fabric::forticlient {

class Enforcement {
 public:
  explicit Enforcement(NftRunner* runner) : runner_(runner) {}

  // Brings the kernel ruleset in line: quarantined → the quarantine ruleset for `peers` (replacing
  // any previous one), released → the table removed. Skips the call when nothing changed. Returns
  // "" or the reason (kept for status()).
  std::string sync(bool quarantined, const std::vector<AllowedPeer>& peers);

  bool nftables() const { return runner_ != nullptr; }
  // {"mode":"in-process"|"nftables","applied":"quarantine"|"none"|…,"last_error"?}
  nlohmann::json status() const;

 private:
  NftRunner* runner_;
  bool synced_ = false;
  std::string applied_;  // the ruleset text last applied successfully
  std::string last_error_;
};

}  // namespace fabric::forticlient
