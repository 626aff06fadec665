#include "fortianalyzer/ioc/stix_feed_parser.h"

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "fortianalyzer/ioc/normalize.h"
#include "fortianalyzer/ioc/stix_pattern.h"

namespace fabric::faz::ioc {

namespace {

using nlohmann::json;

// nlohmann's DOM is recursive to destroy; refuse absurd nesting before building it.
bool nestingWithin(std::string_view text, int limit) {
  int depth = 0;
  bool inString = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    if (c == '"') {
      inString = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::string stringField(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

bool hasLabel(const json& object, std::initializer_list<const char*> wanted) {
  for (const char* field : {"indicator_types", "labels"}) {
    auto it = object.find(field);
    if (it == object.end() || !it->is_array()) continue;
    for (const auto& label : *it) {
      if (!label.is_string()) continue;
      for (const char* w : wanted) {
        if (label.get<std::string>() == w) return true;
      }
    }
  }
  return false;
}

class BundleReader {
 public:
  BundleReader(const StixFeedOptions& options, const IndicatorSink& sink, FeedParseStatus& status)
      : options_(options), sink_(sink), status_(status) {}

  void read(const json& objects) {
    indexThreatNames(objects);
    for (std::size_t i = 0; i < objects.size(); ++i) readObject(i, objects[i]);
  }

 private:
  // malware names reachable from an indicator through relationship "indicates".
  void indexThreatNames(const json& objects) {
    std::unordered_map<std::string, std::string> malwareNames;
    for (const auto& object : objects) {
      if (object.is_object() && stringField(object, "type") == "malware") {
        std::string name = stringField(object, "name");
        if (!name.empty()) malwareNames[stringField(object, "id")] = name;
      }
    }
    for (const auto& object : objects) {
      if (!object.is_object() || stringField(object, "type") != "relationship" ||
          stringField(object, "relationship_type") != "indicates") {
        continue;
      }
      auto it = malwareNames.find(stringField(object, "target_ref"));
      if (it != malwareNames.end()) indicatedThreat_.emplace(stringField(object, "source_ref"), it->second);
    }
  }

  void readObject(std::size_t index, const json& object) {
    std::string where = "objects[" + std::to_string(index) + "]";
    if (!object.is_object()) return error(where, "not a JSON object");
    std::string id = stringField(object, "id");
    if (!id.empty()) where += " (" + id.substr(0, 100) + ")";
    std::string type = stringField(object, "type");
    if (type.empty()) return error(where, "object without a string 'type'");

    if (type == "indicator") return readIndicator(where, object);
    IndicatorKind kind;
    if (type == "domain-name") {
      kind = IndicatorKind::kDomain;
    } else if (type == "url") {
      kind = IndicatorKind::kUrl;
    } else if (type == "ipv4-addr" || type == "ipv6-addr") {
      kind = IndicatorKind::kIp;
    } else if (type == "file") {
      return readFile(where, object);
    } else {
      return;  // identity, malware, relationship, marking-definition, report, …: not indicators
    }
    IocLevel level;
    if (!customLevel(where, object, &level)) return;
    std::string value = stringField(object, "value");
    if (value.empty()) return error(where, type + " object without a string 'value'");
    emitValue(where, kind, value, 0, level, scoThreat(object));
  }

  void readFile(const std::string& where, const json& object) {
    IocLevel level;
    if (!customLevel(where, object, &level)) return;
    auto hashes = object.find("hashes");
    if (hashes == object.end() || !hashes->is_object()) {
      return error(where, "file object without a 'hashes' dictionary");
    }
    bool any = false;
    for (const auto& [algorithm, value] : hashes->items()) {
      std::string a = toLower(algorithm);
      std::size_t hexLength = a == "md5" ? 32 : (a == "sha-1" || a == "sha1") ? 40
                              : (a == "sha-256" || a == "sha256")             ? 64
                                                                              : 0;
      if (hexLength == 0) continue;  // SSDEEP, TLSH, SHA-512…: not matched by this engine
      any = true;
      if (!value.is_string()) {
        error(where, "hash '" + algorithm + "' is not a string");
        continue;
      }
      emitValue(where, IndicatorKind::kHash, value.get<std::string>(), hexLength, level,
                scoThreat(object));
    }
    if (!any) error(where, "file object has no MD5, SHA-1 or SHA-256 hash");
  }

  void readIndicator(const std::string& where, const json& object) {
    auto revoked = object.find("revoked");
    if (revoked != object.end() && revoked->is_boolean() && revoked->get<bool>()) {
      return error(where, "indicator is revoked; skipped");
    }
    std::string patternType = stringField(object, "pattern_type");
    if (object.contains("pattern_type") && patternType != "stix") {
      return error(where, "pattern_type " + quoteValue(patternType) + " is not supported (stix)");
    }
    std::string pattern = stringField(object, "pattern");
    if (pattern.empty()) return error(where, "indicator without a string 'pattern'");

    IocLevel level = options_.defaultLevel;
    if (object.contains("x_fabric_level")) {
      if (!customLevel(where, object, &level)) return;
    } else if (auto c = object.find("confidence"); c != object.end()) {
      if (!c->is_number_integer() || c->get<std::int64_t>() < 0 || c->get<std::int64_t>() > 100) {
        return error(where, "confidence must be an integer 0..100");
      }
      level = c->get<std::int64_t>() >= 70 ? IocLevel::kHigh : IocLevel::kMedium;
    } else if (hasLabel(object, {"benign"})) {
      return error(where, "indicator type 'benign'; skipped");
    } else if (hasLabel(object, {"malicious-activity", "compromised", "attribution"})) {
      level = IocLevel::kHigh;
    } else if (hasLabel(object, {"anomalous-activity", "unknown"})) {
      level = IocLevel::kMedium;
    }

    std::string threat = stringField(object, "name");
    if (threat.empty()) {
      auto it = indicatedThreat_.find(stringField(object, "id"));
      if (it != indicatedThreat_.end()) threat = it->second;
    }
    if (threat.empty()) threat = options_.threat;

    std::vector<StixComparison> comparisons;
    std::string reason;
    if (!parseStixPattern(pattern, &comparisons, &reason)) {
      return error(where, "pattern: " + reason);
    }
    for (auto& comparison : comparisons) {
      emitValue(where, comparison.kind, comparison.value, comparison.hexLength, level, threat);
    }
  }

  bool customLevel(const std::string& where, const json& object, IocLevel* level) {
    *level = options_.defaultLevel;
    auto it = object.find("x_fabric_level");
    if (it == object.end()) return true;
    if (!it->is_string()) {
      error(where, "x_fabric_level must be a string");
      return false;
    }
    auto parsed = parseLevel(it->get<std::string>());
    if (!parsed) {
      error(where, "x_fabric_level: " + levelError(it->get<std::string>()));
      return false;
    }
    *level = *parsed;
    return true;
  }

  std::string scoThreat(const json& object) const {
    std::string threat = stringField(object, "x_fabric_threat");
    return threat.empty() ? options_.threat : threat;
  }

  void emitValue(const std::string& where, IndicatorKind kind, const std::string& value,
                 std::size_t hexLength, IocLevel level, const std::string& threat) {
    if (hexLength != 0 && value.size() != hexLength) {
      return error(where, "hash " + quoteValue(value) + " should have " +
                              std::to_string(hexLength) + " hex characters");
    }
    std::vector<std::string> values;
    std::string reason;
    if (!normalizeIndicator(kind, value, &values, &reason)) {
      return error(where, reason + ": " + quoteValue(value));
    }
    for (auto& v : values) {
      sink_(Indicator{kind, std::move(v), level, threat});
      ++status_.indicators;
    }
  }

  void error(const std::string& where, std::string reason) {
    addError(status_, FeedError{0, where, std::move(reason)});
  }

  const StixFeedOptions& options_;
  const IndicatorSink& sink_;
  FeedParseStatus& status_;
  std::unordered_map<std::string, std::string> indicatedThreat_;
};

}  // namespace

FeedParseStatus parseStixFeed(std::string_view text, const StixFeedOptions& options,
                              const IndicatorSink& sink) {
  FeedParseStatus status;
  if (!nestingWithin(text, kMaxStixJsonDepth)) {
    status.fatal = "JSON nested deeper than " + std::to_string(kMaxStixJsonDepth) + " levels";
    return status;
  }
  json root;
  try {
    root = json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    status.fatal = std::string("not valid JSON: ") + e.what();
    return status;
  }
  if (!root.is_object() || stringField(root, "type") != "bundle") {
    status.fatal = "not a STIX bundle: the top-level object needs \"type\": \"bundle\"";
    return status;
  }
  auto objects = root.find("objects");
  if (objects == root.end()) return status;  // an empty bundle is valid STIX
  if (!objects->is_array()) {
    status.fatal = "STIX bundle 'objects' is not an array";
    return status;
  }
  BundleReader(options, sink, status).read(*objects);
  return status;
}

FeedParseResult parseStixFeed(std::string_view text, const StixFeedOptions& options) {
  return collect([&](const IndicatorSink& sink) { return parseStixFeed(text, options, sink); });
}

}  // namespace fabric::faz::ioc
