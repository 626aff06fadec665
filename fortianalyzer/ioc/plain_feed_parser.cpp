#include "fortianalyzer/ioc/plain_feed_parser.h"

#include <vector>

#include "fortianalyzer/ioc/normalize.h"

namespace fabric::faz::ioc {

std::string_view toString(PlainFeedType type) {
  switch (type) {
    case PlainFeedType::kDomain: return "domain";
    case PlainFeedType::kAddress: return "address";
    case PlainFeedType::kUrl: return "url";
    case PlainFeedType::kMalware: return "malware";
  }
  return "unknown";
}

bool parsePlainFeedType(std::string_view text, PlainFeedType* type) {
  for (auto candidate : {PlainFeedType::kDomain, PlainFeedType::kAddress, PlainFeedType::kUrl,
                         PlainFeedType::kMalware}) {
    if (text == toString(candidate)) {
      *type = candidate;
      return true;
    }
  }
  return false;
}

FeedParseStatus parsePlainFeed(std::string_view text, const PlainFeedOptions& options,
                               const IndicatorSink& sink) {
  FeedParseStatus status;
  std::size_t lineNumber = 0;
  std::vector<std::string> prefixes;
  auto emit = [&](IndicatorKind kind, std::string value, std::string threat) {
    sink(Indicator{kind, std::move(value), options.level, std::move(threat)});
    ++status.indicators;
  };
  while (!text.empty()) {
    ++lineNumber;
    std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    auto bad = [&](std::string reason) { addError(status, FeedError{lineNumber, {}, std::move(reason)}); };

    if (line.size() > kMaxFeedLineLength) {
      bad("line longer than " + std::to_string(kMaxFeedLineLength) + " bytes");
      continue;
    }
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;

    // The first blank-separated token is the indicator; after it only a "# comment" may follow,
    // except in malware hash lists where the rest of the line is the description.
    std::size_t tokenEnd = 0;
    while (tokenEnd < line.size() && !isBlank(line[tokenEnd])) ++tokenEnd;
    std::string_view token = line.substr(0, tokenEnd);
    std::string_view tail = trim(line.substr(tokenEnd));
    if (!tail.empty() && tail.front() == '#') tail = {};
    if (!tail.empty() && options.type != PlainFeedType::kMalware) {
      // "a - b" with blanks around the dash is still one range.
      if (options.type == PlainFeedType::kAddress && tail.front() == '-') {
        token = line;
        tail = {};
      } else {
        bad("unexpected text after the indicator: " + quoteValue(tail));
        continue;
      }
    }

    switch (options.type) {
      case PlainFeedType::kDomain: {
        Normalized domain = normalizeDomain(token, true);
        if (!domain.ok()) {
          bad(domain.error + ": " + quoteValue(token));
          break;
        }
        emit(IndicatorKind::kDomain, std::move(domain.value), options.threat);
        break;
      }
      case PlainFeedType::kUrl: {
        Normalized url = normalizeUrl(token);
        if (!url.ok()) {
          bad(url.error + ": " + quoteValue(token));
          break;
        }
        emit(IndicatorKind::kUrl, std::move(url.value), options.threat);
        break;
      }
      case PlainFeedType::kAddress: {
        std::string error;
        prefixes.clear();
        if (!parseAddressValue(token, &prefixes, &error)) {
          bad(error);
          break;
        }
        for (auto& prefix : prefixes) emit(IndicatorKind::kIp, std::move(prefix), options.threat);
        break;
      }
      case PlainFeedType::kMalware: {
        std::string error;
        if (!parseHexHash(token, &error)) {
          bad(error + ": " + quoteValue(token));
          break;
        }
        std::string threat = tail.empty() ? options.threat : std::string(tail);
        emit(IndicatorKind::kHash, toLower(token), std::move(threat));
        break;
      }
    }
  }
  return status;
}

FeedParseResult parsePlainFeed(std::string_view text, const PlainFeedOptions& options) {
  return collect([&](const IndicatorSink& sink) { return parsePlainFeed(text, options, sink); });
}

}  // namespace fabric::faz::ioc
