#include "fortianalyzer/ioc/csv_feed_parser.h"

#include <optional>
#include <vector>

#include "fortianalyzer/ioc/normalize.h"

namespace fabric::faz::ioc {

namespace {

// Splits one line into fields; on failure returns false with the reason.
bool splitCsvLine(std::string_view line, std::vector<std::string>* fields, std::string* error) {
  fields->clear();
  std::size_t pos = 0;
  while (true) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    std::string field;
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < line.size()) {
        char c = line[pos++];
        if (c == '"') {
          if (pos < line.size() && line[pos] == '"') {
            field.push_back('"');
            ++pos;
          } else {
            closed = true;
            break;
          }
        } else {
          field.push_back(c);
        }
      }
      if (!closed) {
        *error = "unterminated quote in column " + std::to_string(fields->size() + 1);
        return false;
      }
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
      if (pos < line.size() && line[pos] != ',') {
        *error = "text after closing quote in column " + std::to_string(fields->size() + 1);
        return false;
      }
    } else {
      std::size_t comma = line.find(',', pos);
      std::string_view raw = line.substr(pos, comma == std::string_view::npos ? std::string_view::npos
                                                                              : comma - pos);
      if (raw.find('"') != std::string_view::npos) {
        *error = "stray quote in unquoted column " + std::to_string(fields->size() + 1);
        return false;
      }
      field = std::string(trim(raw));
      pos = comma == std::string_view::npos ? line.size() : comma;
    }
    fields->push_back(std::move(field));
    if (pos >= line.size()) return true;
    ++pos;  // the comma
  }
}

struct Columns {
  std::size_t indicator = SIZE_MAX;
  std::size_t type = SIZE_MAX;
  std::size_t level = SIZE_MAX;
  std::size_t threat = SIZE_MAX;
  std::size_t count = 0;
};

}  // namespace

bool parseCsvType(std::string_view text, IndicatorKind* kind, std::size_t* expectedHexLength) {
  std::string t = toLower(trim(text));
  *expectedHexLength = 0;
  if (t == "domain" || t == "fqdn" || t == "hostname" || t == "domain-name") {
    *kind = IndicatorKind::kDomain;
  } else if (t == "url" || t == "uri") {
    *kind = IndicatorKind::kUrl;
  } else if (t == "ip" || t == "ipv4" || t == "ipv6" || t == "cidr" || t == "address" ||
             t == "ip-src" || t == "ip-dst") {
    *kind = IndicatorKind::kIp;
  } else if (t == "md5" || t == "sha1" || t == "sha-1" || t == "sha256" || t == "sha-256" ||
             t == "hash" || t == "filehash") {
    *kind = IndicatorKind::kHash;
    if (t == "md5") *expectedHexLength = 32;
    if (t == "sha1" || t == "sha-1") *expectedHexLength = 40;
    if (t == "sha256" || t == "sha-256") *expectedHexLength = 64;
  } else {
    return false;
  }
  return true;
}

FeedParseStatus parseCsvFeed(std::string_view text, const CsvFeedOptions& options,
                             const IndicatorSink& sink) {
  FeedParseStatus status;
  std::optional<Columns> columns;
  std::vector<std::string> fields;
  std::vector<std::string> values;
  std::size_t lineNumber = 0;
  while (!text.empty()) {
    ++lineNumber;
    std::size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    auto bad = [&](std::string reason) {
      addError(status, FeedError{lineNumber, {}, std::move(reason)});
    };
    if (line.size() > kMaxFeedLineLength) {
      if (!columns) {
        status.fatal = "line " + std::to_string(lineNumber) + ": CSV header longer than " +
                       std::to_string(kMaxFeedLineLength) + " bytes";
        return status;
      }
      bad("line longer than " + std::to_string(kMaxFeedLineLength) + " bytes");
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty() || trim(line).front() == '#') continue;

    std::string error;
    if (!splitCsvLine(line, &fields, &error)) {
      if (!columns) {
        status.fatal = "line " + std::to_string(lineNumber) + ": CSV header: " + error;
        return status;
      }
      bad(error);
      continue;
    }

    if (!columns) {
      Columns c;
      c.count = fields.size();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        std::string name = toLower(fields[i]);
        std::size_t* slot = name == "indicator" ? &c.indicator
                            : name == "type"    ? &c.type
                            : name == "level"   ? &c.level
                            : name == "threat"  ? &c.threat
                                                : nullptr;
        if (slot == nullptr) continue;
        if (*slot != SIZE_MAX) {
          status.fatal = "line " + std::to_string(lineNumber) + ": CSV header names column '" +
                         name + "' twice";
          return status;
        }
        *slot = i;
      }
      if (c.indicator == SIZE_MAX || c.type == SIZE_MAX || c.level == SIZE_MAX) {
        status.fatal = "line " + std::to_string(lineNumber) +
                       ": CSV header must name the columns indicator,type,level[,threat]; got " +
                       quoteValue(line);
        return status;
      }
      columns = c;
      continue;
    }

    if (fields.size() != columns->count) {
      bad("expected " + std::to_string(columns->count) + " columns, got " +
          std::to_string(fields.size()));
      continue;
    }
    const std::string& value = fields[columns->indicator];
    if (value.empty()) {
      bad("empty indicator");
      continue;
    }
    IndicatorKind kind;
    std::size_t hexLength = 0;
    if (!parseCsvType(fields[columns->type], &kind, &hexLength)) {
      bad("unknown type " + quoteValue(fields[columns->type]) +
          " (expected domain, url, ip, md5, sha1, sha256 or hash)");
      continue;
    }
    auto level = parseLevel(fields[columns->level]);
    if (!level) {
      bad(levelError(fields[columns->level]));
      continue;
    }
    if (hexLength != 0 && value.size() != hexLength) {
      bad("type " + toLower(fields[columns->type]) + " needs " + std::to_string(hexLength) +
          " hex characters, got " + std::to_string(value.size()));
      continue;
    }
    values.clear();
    if (!normalizeIndicator(kind, value, &values, &error)) {
      bad(error + ": " + quoteValue(value));
      continue;
    }
    std::string threat = columns->threat != SIZE_MAX ? fields[columns->threat] : std::string();
    if (threat.empty()) threat = options.threat;
    for (auto& v : values) {
      sink(Indicator{kind, std::move(v), *level, threat});
      ++status.indicators;
    }
  }
  if (!columns) status.fatal = "CSV feed has no header line";
  return status;
}

FeedParseResult parseCsvFeed(std::string_view text, const CsvFeedOptions& options) {
  return collect([&](const IndicatorSink& sink) { return parseCsvFeed(text, options, sink); });
}

}  // namespace fabric::faz::ioc
