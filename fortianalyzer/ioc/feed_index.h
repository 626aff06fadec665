#pragma once
// One loaded threat feed: its indicators in four KeyTables (domains, URLs, IP prefixes, hashes) with
// interned (level, threat) attributes. Built once from feed text by buildFeed(), then shared
// read-only (std::shared_ptr<const FeedIndex>) so a new version can be built off the event loop and
// swapped in.

#include <bitset>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fortianalyzer/ioc/indicator.h"
#include "fortianalyzer/ioc/key_table.h"
#include "fortianalyzer/ioc/normalize.h"
#include "fortianalyzer/ioc/plain_feed_parser.h"

namespace fabric::faz::ioc {

enum class FeedFormat { kPlain, kCsv, kStix };
std::string_view toString(FeedFormat format);  // "plain", "csv", "stix"
bool parseFeedFormat(std::string_view text, FeedFormat* format);

// What to load and how to read it.
struct FeedSource {
  std::string name;
  FeedFormat format = FeedFormat::kPlain;
  PlainFeedType plainType = PlainFeedType::kDomain;  // plain lists only
  IocLevel level = IocLevel::kHigh;  // plain: every line; STIX: objects that carry no level
  std::string threat;                // default threat name; empty = the feed name
};

struct FeedMatch {
  IndicatorKind kind;
  IocLevel level;
  std::string indicator;  // as stored: "*.bad.example", "bad.example/x", "10.0.0.0/8", hex hash
  std::string_view threat;
};

class FeedIndex {
 public:
  FeedIndex(std::string name, FeedFormat format);

  // Adds one normalised indicator (as the parsers emit them). A duplicate keeps the higher level
  // (and the threat name that came with it).
  void add(const Indicator& indicator);
  void reserve(IndicatorKind kind, std::size_t count);
  void finish();

  // Probes take canonical forms (normalize.h). Each returns the best match of this feed: highest
  // level, then most specific (exact domain before parent, longer prefix before shorter).
  std::optional<FeedMatch> matchDomain(std::string_view domain) const;
  std::optional<FeedMatch> matchUrl(std::string_view normalizedUrl) const;
  std::optional<FeedMatch> matchIp(const IpPrefix& address) const;
  std::optional<FeedMatch> matchHash(std::string_view digestBytes) const;

  const std::string& name() const { return name_; }
  FeedFormat format() const { return format_; }
  std::size_t size() const;
  std::size_t count(IndicatorKind kind) const;
  std::size_t duplicates() const { return duplicates_; }
  std::size_t memoryBytes() const;

 private:
  struct Attr {
    IocLevel level;
    std::uint32_t threat;
  };
  std::uint32_t attrFor(IocLevel level, const std::string& threat);
  FeedMatch makeMatch(IndicatorKind kind, std::uint32_t attr, std::string indicator) const;
  static std::string ipKey(const IpPrefix& prefix);

  std::string name_;
  FeedFormat format_;
  KeyTable domains_;
  KeyTable urls_;
  KeyTable ips_;  // key: [4|6][prefix length][masked address bytes]
  KeyTable hashes_;  // key: raw digest bytes
  // Label counts present among plain and wildcard ("*." excluded) domain keys: a parent suffix is
  // only probed when some key has its label count, which skips most probes of a deep name.
  std::bitset<128> plainLabelCounts_;
  std::bitset<128> wildcardLabelCounts_;
  std::bitset<129> v4Lengths_;
  std::bitset<129> v6Lengths_;
  std::vector<std::uint8_t> v4LengthList_;  // prefix lengths in use, longest first
  std::vector<std::uint8_t> v6LengthList_;
  std::vector<Attr> attrs_;
  std::vector<std::string> threats_;
  std::unordered_map<std::string, std::uint32_t> threatIds_;
  std::unordered_map<std::uint64_t, std::uint32_t> attrIds_;  // (threat << 8 | level) -> attr
  std::size_t duplicates_ = 0;
  // attrFor() cache: feeds mostly repeat one (level, threat) pair line after line.
  std::optional<std::uint32_t> lastAttr_;
  IocLevel lastLevel_ = IocLevel::kHigh;
  std::string lastThreat_;
};

using FeedIndexPtr = std::shared_ptr<const FeedIndex>;

struct FeedLoadReport {
  std::string feed;
  FeedFormat format = FeedFormat::kPlain;
  bool loaded = false;     // false: `fatal` says why, nothing changed
  std::string fatal;
  std::size_t indicators = 0;   // distinct indicators now in the feed
  std::size_t duplicates = 0;   // repeated indicators folded into one
  std::vector<FeedError> errors;  // each bad line / object, with its reason
  std::size_t omittedErrors = 0;
  std::size_t memoryBytes = 0;
};

// Parses `text` in source.format straight into a new index (no intermediate indicator list).
// Pure: safe to run on any thread. On a fatal error the returned index is null.
FeedIndexPtr buildFeed(const FeedSource& source, std::string_view text, FeedLoadReport* report);

}  // namespace fabric::faz::ioc
