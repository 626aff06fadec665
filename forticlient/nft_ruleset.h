#pragma once
// nftables enforcement of a quarantine (DESIGN.md step 5, network-namespace mode): the ruleset is
// a pure function of the allowed peers, applied with `nft -f -` through a small seam so that tests
// check the text and a fake records what would run.

#include <string>
#include <vector>

namespace fabric::forticlient {

inline constexpr const char* kNftTable = "fabric_quarantine";

struct AllowedPeer {
  std::string address;  // IPv4 or IPv6 literal
  int port = 0;         // TCP port
  std::string what;     // "ems", "fortigate FGT-A" (a comment in the ruleset)
};

// table inet fabric_quarantine: outbound TCP to each allowed peer (new connections too, so the
// links can reconnect), inbound only established/related traffic of those connections, loopback
// kept (in a namespace it reaches only the endpoint itself), everything else dropped.
// The text starts by creating and deleting the table, so applying it replaces any previous one.
// Throws std::invalid_argument when a peer's address is not an IP literal or its port is invalid.
std::string quarantineRuleset(const std::vector<AllowedPeer>& peers);
// Removes the table (release).
std::string releaseRuleset();

// Applies a ruleset. "" on success, else the reason (nft's stderr).
class NftRunner {
 public:
  virtual ~NftRunner() = default;
  virtual std::string apply(const std::string& ruleset) = 0;
};

// Runs `nft -f -` with the ruleset on stdin.
class ProcessNftRunner final : public NftRunner {
 public:
  explicit ProcessNftRunner(std::string nft = "nft") : nft_(std::move(nft)) {}
  std::string apply(const std::string& ruleset) override;

 private:
  std::string nft_;
};

}  // namespace fabric::forticlient
