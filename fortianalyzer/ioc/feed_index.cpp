#include "fortianalyzer/ioc/feed_index.h"

#include <algorithm>
#include <cstring>

#include "fortianalyzer/ioc/csv_feed_parser.h"
#include "fortianalyzer/ioc/stix_feed_parser.h"

namespace fabric::faz::ioc {

std::string_view toString(FeedFormat format) {
  switch (format) {
    case FeedFormat::kPlain: return "plain";
    case FeedFormat::kCsv: return "csv";
    case FeedFormat::kStix: return "stix";
  }
  return "unknown";
}

bool parseFeedFormat(std::string_view text, FeedFormat* format) {
  for (auto candidate : {FeedFormat::kPlain, FeedFormat::kCsv, FeedFormat::kStix}) {
    if (text == toString(candidate)) {
      *format = candidate;
      return true;
    }
  }
  return false;
}

FeedIndex::FeedIndex(std::string name, FeedFormat format)
    : name_(std::move(name)), format_(format) {}

std::uint32_t FeedIndex::attrFor(IocLevel level, const std::string& threat) {
  if (lastAttr_ && lastLevel_ == level && lastThreat_ == threat) return *lastAttr_;
  auto [threatIt, newThreat] =
      threatIds_.emplace(threat, static_cast<std::uint32_t>(threats_.size()));
  if (newThreat) threats_.push_back(threat);
  std::uint64_t key = (std::uint64_t{threatIt->second} << 8) | static_cast<std::uint8_t>(level);
  auto [attrIt, newAttr] = attrIds_.emplace(key, static_cast<std::uint32_t>(attrs_.size()));
  if (newAttr) attrs_.push_back(Attr{level, threatIt->second});
  lastAttr_ = attrIt->second;
  lastLevel_ = level;
  lastThreat_ = threat;
  return attrIt->second;
}

std::string FeedIndex::ipKey(const IpPrefix& prefix) {
  std::string key;
  key.reserve(2 + prefix.bytes());
  key.push_back(prefix.v6 ? '6' : '4');
  key.push_back(static_cast<char>(prefix.length));
  key.append(reinterpret_cast<const char*>(prefix.addr.data()), (prefix.length + 7) / 8);
  return key;
}

void FeedIndex::reserve(IndicatorKind kind, std::size_t count) {
  switch (kind) {
    case IndicatorKind::kDomain: domains_.reserve(count); break;
    case IndicatorKind::kUrl: urls_.reserve(count); break;
    case IndicatorKind::kIp: ips_.reserve(count); break;
    case IndicatorKind::kHash: hashes_.reserve(count); break;
  }
}

void FeedIndex::add(const Indicator& indicator) {
  KeyTable* table = nullptr;
  std::string key;
  std::string_view keyView = indicator.value;
  switch (indicator.kind) {
    case IndicatorKind::kDomain: {
      table = &domains_;
      bool wildcard = indicator.value.rfind("*.", 0) == 0;
      std::size_t labels = static_cast<std::size_t>(
          std::count(indicator.value.begin(), indicator.value.end(), '.') + (wildcard ? 0 : 1));
      if (labels >= 128) return;  // cannot happen for a valid (<= 253 characters) domain
      (wildcard ? wildcardLabelCounts_ : plainLabelCounts_).set(labels);
      break;
    }
    case IndicatorKind::kUrl: table = &urls_; break;
    case IndicatorKind::kIp: {
      auto prefix = parseIpPrefix(indicator.value, true, nullptr);
      if (!prefix) return;  // parsers emit canonical values only; nothing to add otherwise
      (prefix->v6 ? v6Lengths_ : v4Lengths_).set(prefix->length);
      key = ipKey(*prefix);
      keyView = key;
      table = &ips_;
      break;
    }
    case IndicatorKind::kHash: {
      auto bytes = parseHexHash(indicator.value, nullptr);
      if (!bytes) return;
      key = std::move(*bytes);
      keyView = key;
      table = &hashes_;
      break;
    }
  }
  const std::uint32_t attr = attrFor(indicator.level, indicator.threat);
  bool inserted = false;
  std::uint32_t* slot = table->insert(keyView, attr, &inserted);
  if (slot == nullptr || inserted) return;
  ++duplicates_;
  if (attrs_[*slot].level < indicator.level) *slot = attr;
}

void FeedIndex::finish() {
  for (KeyTable* table : {&domains_, &urls_, &ips_, &hashes_}) table->shrink();
  v4LengthList_.clear();
  v6LengthList_.clear();
  for (int length = 128; length >= 0; --length) {
    if (length <= 32 && v4Lengths_.test(length)) v4LengthList_.push_back(static_cast<std::uint8_t>(length));
    if (v6Lengths_.test(length)) v6LengthList_.push_back(static_cast<std::uint8_t>(length));
  }
  threatIds_.clear();
  threatIds_.rehash(0);
  attrIds_.clear();
  attrIds_.rehash(0);
}

FeedMatch FeedIndex::makeMatch(IndicatorKind kind, std::uint32_t attr, std::string indicator) const {
  const Attr& a = attrs_[attr];
  return FeedMatch{kind, a.level, std::move(indicator), threats_[a.threat]};
}

std::optional<FeedMatch> FeedIndex::matchDomain(std::string_view domain) const {
  if (domains_.size() == 0 || domain.empty() || domain.size() > 253) return std::nullopt;
  // One copy of the domain with room for the wildcard: for the parent "b.c" of "a.b.c" the plain key
  // is a view of the copy and the wildcard key "*.b.c" is made by writing '*' just before the dot.
  char buffer[256];
  std::memcpy(buffer, domain.data(), domain.size());
  const std::string_view view(buffer, domain.size());
  std::size_t labels = static_cast<std::size_t>(std::count(domain.begin(), domain.end(), '.')) + 1;
  if (labels >= 128) return std::nullopt;

  const std::uint32_t* best = nullptr;
  std::string_view bestKey;
  auto consider = [&](std::string_view key) {
    const std::uint32_t* attr = domains_.find(key);
    if (attr == nullptr) return;
    if (best == nullptr || attrs_[*attr].level > attrs_[*best].level) {
      best = attr;
      bestKey = key;
    }
  };
  // The domain itself: plain entries match themselves (and, below, their subdomains).
  if (plainLabelCounts_.test(labels)) consider(view);
  std::string wildcardKey;
  for (std::size_t dot = view.find('.'); dot != std::string_view::npos && dot > 0;
       dot = view.find('.', dot + 1)) {
    --labels;  // labels of the parent after this dot
    if (plainLabelCounts_.test(labels)) consider(view.substr(dot + 1));
    if (wildcardLabelCounts_.test(labels)) {
      char saved = buffer[dot - 1];
      buffer[dot - 1] = '*';
      const std::uint32_t* attr = domains_.find(view.substr(dot - 1));
      if (attr != nullptr && (best == nullptr || attrs_[*attr].level > attrs_[*best].level)) {
        best = attr;
        wildcardKey = std::string(view.substr(dot - 1));
        bestKey = wildcardKey;
      }
      buffer[dot - 1] = saved;
    }
  }
  if (best == nullptr) return std::nullopt;
  return makeMatch(IndicatorKind::kDomain, *best, std::string(bestKey));
}

std::optional<FeedMatch> FeedIndex::matchUrl(std::string_view normalizedUrl) const {
  if (urls_.size() == 0) return std::nullopt;
  const std::uint32_t* exact = urls_.find(normalizedUrl);
  std::string_view base = urlWithoutQuery(normalizedUrl);
  const std::uint32_t* withoutQuery = base.size() != normalizedUrl.size() ? urls_.find(base) : nullptr;
  if (exact != nullptr && (withoutQuery == nullptr || attrs_[*exact].level >= attrs_[*withoutQuery].level)) {
    return makeMatch(IndicatorKind::kUrl, *exact, std::string(normalizedUrl));
  }
  if (withoutQuery != nullptr) return makeMatch(IndicatorKind::kUrl, *withoutQuery, std::string(base));
  return std::nullopt;
}

std::optional<FeedMatch> FeedIndex::matchIp(const IpPrefix& address) const {
  if (ips_.size() == 0) return std::nullopt;
  const auto& lengths = address.v6 ? v6LengthList_ : v4LengthList_;
  const std::uint32_t* best = nullptr;
  IpPrefix bestPrefix;
  for (std::uint8_t length : lengths) {
    if (length > address.length) continue;
    IpPrefix masked = maskedTo(address, length);
    const std::uint32_t* attr = ips_.find(ipKey(masked));
    if (attr != nullptr && (best == nullptr || attrs_[*attr].level > attrs_[*best].level)) {
      best = attr;
      bestPrefix = masked;
    }
  }
  if (best == nullptr) return std::nullopt;
  return makeMatch(IndicatorKind::kIp, *best, formatIpPrefix(bestPrefix));
}

std::optional<FeedMatch> FeedIndex::matchHash(std::string_view digestBytes) const {
  const std::uint32_t* attr = hashes_.find(digestBytes);
  if (attr == nullptr) return std::nullopt;
  return makeMatch(IndicatorKind::kHash, *attr, toHex(digestBytes));
}

std::size_t FeedIndex::size() const {
  return domains_.size() + urls_.size() + ips_.size() + hashes_.size();
}

std::size_t FeedIndex::count(IndicatorKind kind) const {
  switch (kind) {
    case IndicatorKind::kDomain: return domains_.size();
    case IndicatorKind::kUrl: return urls_.size();
    case IndicatorKind::kIp: return ips_.size();
    case IndicatorKind::kHash: return hashes_.size();
  }
  return 0;
}

std::size_t FeedIndex::memoryBytes() const {
  std::size_t bytes = sizeof(*this) + domains_.memoryBytes() + urls_.memoryBytes() +
                      ips_.memoryBytes() + hashes_.memoryBytes() + attrs_.capacity() * sizeof(Attr) +
                      threats_.capacity() * sizeof(std::string);
  for (const auto& threat : threats_) {
    if (threat.capacity() > 15) bytes += threat.capacity() + 1;  // beyond the small-string buffer
  }
  return bytes;
}

FeedIndexPtr buildFeed(const FeedSource& source, std::string_view text, FeedLoadReport* report) {
  *report = FeedLoadReport{};
  report->feed = source.name;
  report->format = source.format;
  auto index = std::make_shared<FeedIndex>(source.name, source.format);
  const std::string threat = source.threat.empty() ? source.name : source.threat;
  IndicatorSink sink = [&index](Indicator&& indicator) { index->add(indicator); };

  FeedParseStatus status;
  switch (source.format) {
    case FeedFormat::kPlain: {
      static constexpr IndicatorKind kKindOf[] = {IndicatorKind::kDomain, IndicatorKind::kIp,
                                                  IndicatorKind::kUrl, IndicatorKind::kHash};
      index->reserve(kKindOf[static_cast<int>(source.plainType)],
                     static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
      status = parsePlainFeed(text, PlainFeedOptions{source.plainType, source.level, threat}, sink);
      break;
    }
    case FeedFormat::kCsv:
      status = parseCsvFeed(text, CsvFeedOptions{threat}, sink);
      break;
    case FeedFormat::kStix:
      status = parseStixFeed(text, StixFeedOptions{threat, source.level}, sink);
      break;
  }
  report->errors = std::move(status.errors);
  report->omittedErrors = status.omittedErrors;
  if (!status.fatal.empty()) {
    report->fatal = std::move(status.fatal);
    return nullptr;
  }
  index->finish();
  report->loaded = true;
  report->indicators = index->size();
  report->duplicates = index->duplicates();
  report->memoryBytes = index->memoryBytes();
  return index;
}

}  // namespace fabric::faz::ioc
