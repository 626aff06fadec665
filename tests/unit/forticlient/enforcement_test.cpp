#include "forticlient/enforcement.h"

#include <catch2/catch.hpp>

using namespace fabric::forticlient;

namespace {

struct FakeNft final : NftRunner {
  std::vector<std::string> applied;
  std::string fail;
  std::string apply(const std::string& ruleset) override {
    if (!fail.empty()) return fail;
    applied.push_back(ruleset);
    return {};
  }
};

const std::vector<AllowedPeer> kPeers = {{"127.0.0.20", 8013, "ems"}, {"127.0.0.10", 8013, "fortigate FGT-A"}};

}  // namespace

TEST_CASE("without nftables nothing but the in-process gate applies") {
  Enforcement e(nullptr);
  CHECK(e.sync(true, kPeers).empty());
  CHECK(e.status()["mode"] == "in-process");
  CHECK_FALSE(e.nftables());
}

TEST_CASE("nftables follows the state and the allowed peers, once per change") {
  FakeNft nft;
  Enforcement e(&nft);
  CHECK(e.status()["applied"] == "nothing yet");
  REQUIRE(e.sync(false, kPeers).empty());  // start, not quarantined: any stale table removed
  CHECK(nft.applied.back() == releaseRuleset());
  REQUIRE(e.sync(true, kPeers).empty());
  CHECK(nft.applied.back() == quarantineRuleset(kPeers));
  CHECK(e.status()["applied"] == "quarantine");
  REQUIRE(e.sync(true, kPeers).empty());
  CHECK(nft.applied.size() == 2);  // unchanged: not applied again
  auto moved = kPeers;
  moved[1].address = "127.0.0.11";
  REQUIRE(e.sync(true, moved).empty());
  CHECK(nft.applied.size() == 3);
  REQUIRE(e.sync(false, moved).empty());
  CHECK(e.status()["applied"] == "none");
}

TEST_CASE("a failing nft or a peer that is not an address is reported and retried") {
  FakeNft nft;
  Enforcement e(&nft);
  nft.fail = "nft -f - failed (exit 1): Operation not permitted";
  CHECK(e.sync(true, kPeers) == nft.fail);
  CHECK(e.status()["last_error"] == nft.fail);
  nft.fail.clear();
  CHECK(e.sync(true, kPeers).empty());
  CHECK_FALSE(e.status().contains("last_error"));
  CHECK(e.sync(true, {{"ems.lab", 8013, "ems"}}).find("is not an IP address") != std::string::npos);
}
