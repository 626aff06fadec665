// Every published sample line (testdata/real-logs), not a sample of them: each pair as the published
// Elastic parser reads it, each CEF extension as Sekoia's reader splits it, and the IoC fields of
// FORMAT-NOTES.md. (real_logs_test.cpp checks acceptance, framing and a field-by-field sample.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "common/logfmt/ip_text.h"
#include "common/logfmt/log_record.h"
#include "common/logfmt/observable_extractor.h"
#include "common/logfmt/syslog_frame_decoder.h"


#include "real_logs_support.h"

using namespace fabric::logfmt;
using namespace fabric::logfmt::test;

// ---------------------------------------------------------------------------------------------
// Every line, not a sample: the pairs the published Elastic parser reads, and the IoC fields of
// FORMAT-NOTES.md.
namespace {

// Elastic's FortiGate ingest pipeline (elastic/integrations, packages/fortinet_fortigate/
// data_stream/log/elasticsearch/ingest_pipeline/default.yml): after the PRI, control characters are
// removed, the message is split on spaces outside double quotes, each token on '=' outside quotes,
// a token of exactly two parts becomes a field whose value loses one leading and one trailing
// quote; later duplicates overwrite earlier ones; keys with non-word characters and "N/A" values are
// dropped. Ported from its Painless `splitUnquoted`, quirks included (a backslash escapes nothing).
std::vector<std::string> elasticSplitUnquoted(const std::string& input, char sep) {
  auto trim = [](std::string s) {
    std::size_t b = 0, e = s.size();
    while (b < e && static_cast<unsigned char>(s[b]) <= ' ') ++b;
    while (e > b && static_cast<unsigned char>(s[e - 1]) <= ' ') --e;
    return s.substr(b, e - b);
  };
  std::vector<std::string> tokens;
  std::size_t start = 0;
  bool in_quotes = false;
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '"') {
      in_quotes = !in_quotes;
    } else if (input[i] == sep && !in_quotes) {
      std::string token = trim(input.substr(start, i - start));
      if (!token.empty()) tokens.push_back(token);
      start = i + 1;
    }
  }
  std::string last = input.substr(start);
  if (last != std::string(1, sep) && !last.empty()) tokens.push_back(trim(last));
  return tokens;
}

std::map<std::string, std::string> elasticFields(std::string line, char sep) {
  if (!line.empty() && line[0] == '<') {
    std::size_t close = line.find('>');
    if (close != std::string::npos && close <= 4) line.erase(0, close + 1);
  }
  std::string clean;
  for (char c : line)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) clean.push_back(c);
  std::map<std::string, std::string> out;
  for (const std::string& token : elasticSplitUnquoted(clean, sep)) {
    std::vector<std::string> kv = elasticSplitUnquoted(token, '=');
    if (kv.size() != 2) continue;
    std::string v = kv[1];
    if (!v.empty() && v.front() == '"') v.erase(0, 1);
    if (!v.empty() && v.back() == '"') v.pop_back();
    out[kv[0]] = v;
  }
  for (auto it = out.begin(); it != out.end();) {
    bool word = !it->first.empty();
    for (char c : it->first) word = word && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    it = (!word || it->second == "N/A") ? out.erase(it) : std::next(it);
  }
  return out;
}

bool isHex(std::string_view s) {
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

struct SampleLine {
  std::string file;
  std::size_t line;
  std::string text;
};

std::vector<SampleLine> allSampleLines() {
  std::vector<SampleLine> out;
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kDir))
    if (entry.path().extension() == ".log") files.push_back(entry.path().filename().string());
  std::sort(files.begin(), files.end());
  for (const std::string& f : files) {
    std::vector<std::string> lines = records(f);
    for (std::size_t i = 0; i < lines.size(); ++i) out.push_back({f, i + 1, lines[i]});
  }
  return out;
}

}  // namespace

TEST_CASE("every key=value and CSV sample line reads as Elastic's published parser reads it") {
  // Lines on which Elastic's splitter is wrong, by its own construction; the quirk tests above
  // check what this parser makes of them.
  const std::set<std::pair<std::string, std::size_t>> elastic_wrong{
      {"elastic-fortigate-pipeline-fix.log", 1},  // `\"` inside forwardedfor toggles Elastic's quote state
      {"elastic-fortigate-pipeline-7-4.log", 25},  // unterminated msg="…: Elastic drops the pair
      {"sekoia-fortigate.log", 70},               // `\"` inside a quoted value, as in fix.log
  };
  std::size_t compared = 0, pairs = 0;
  LogRecord r;
  for (const SampleLine& s : allSampleLines()) {
    INFO(s.file << ":" << s.line << ": " << s.text.substr(0, 300));
    REQUIRE(parseLogLine(s.text, 0, r));
    if (r.format == BodyFormat::kCef || elastic_wrong.count({s.file, s.line})) continue;
    std::map<std::string, std::string> expected = elasticFields(s.text, r.format == BodyFormat::kCsv ? ',' : ' ');
    // Ours, with Elastic's view of duplicates (the last one) and of names and sentinels.
    std::map<std::string, std::string> ours;
    for (const Field& f : r.fields.all()) ours[std::string(f.key)] = std::string(f.value);
    for (const auto& [key, value] : expected) {
      INFO("key " << key);
      auto it = ours.find(key);
      REQUIRE(it != ours.end());
      // FortiProxy CSV-doubled `""x""`: Elastic keeps one pair of quotes, this parser none.
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"' && it->second == value.substr(1, value.size() - 2))
        continue;
      // A stray token glued to the closing quote (`msg="…"|`, 7-6 line 2): Elastic keeps the quote
      // and the junk in the value, this parser ends the value at the quote and skips the token.
      if (value.rfind(it->second + "\"", 0) == 0 && value.find_first_of(" =", it->second.size()) == std::string::npos)
        continue;
      // Elastic leaves `\\` and `\=` as written; FORMAT-NOTES.md (and this parser) reads them as escapes.
      std::string unescaped;
      for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size() && (value[i + 1] == '\\' || value[i + 1] == '=' || value[i + 1] == '"')) ++i;
        unescaped.push_back(value[i]);
      }
      CHECK(it->second == unescaped);
      ++pairs;
    }
    for (const auto& [key, value] : ours) {
      if (expected.count(key) || value == "N/A") continue;
      INFO("key " << key << " = '" << value << "' read by this parser only");
      // Elastic drops a bare empty value (`date= desc=…`: '=' splits into one part) and keys with
      // non-word characters (FortiManager's `ad.vd`).
      bool word = true;
      for (char c : key) word = word && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
      CHECK((value.empty() || !word));
    }
    ++compared;
  }
  INFO(compared << " lines, " << pairs << " pairs compared");
  CHECK(compared >= 260);
  CHECK(pairs >= 7400);
}

TEST_CASE("every sample line yields the IoC observables FORMAT-NOTES.md lists") {
  std::size_t urls_rebuilt = 0, ip_lists = 0, sha256 = 0, crc32 = 0, fct = 0, referers = 0, peers = 0;
  LogRecord r;
  std::vector<Observable> obs;
  for (const SampleLine& s : allSampleLines()) {
    INFO(s.file << ":" << s.line << ": " << s.text.substr(0, 300));
    REQUIRE(parseLogLine(s.text, 0, r));
    extractObservables(r, obs);
    // One observable per (kind, value): when two fields hold the same value (srcip == dstip, a
    // repeated ipaddr item) the first field names it.
    auto has = [&](ObservableKind kind, std::string_view, const std::string& value) {
      for (const Observable& o : obs)
        if (o.kind == kind && o.value == value) return true;
      return false;
    };
    // A host name as RFC 1123 writes it, with a non-numeric last label (not "[example.com]").
    auto looksLikeDomain = [](const std::string& v) {
      std::size_t dot = v.rfind('.');
      if (dot == std::string::npos || dot + 1 >= v.size()) return false;
      for (char c : v)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')) return false;
      return !std::isdigit(static_cast<unsigned char>(v.back()));
    };
    auto lower = [](std::string v) {
      for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return v;
    };
    const bool forticlient = r.fields.has("fctver");
    // srcip / dstip that are addresses are IP observables.
    for (std::string_view key : {"srcip", "dstip"}) {
      std::string v(r.get(key));
      if (isIp(v)) CHECK(has(ObservableKind::kIp, key, v));
    }
    // A path-only url is rebuilt from hostname (FortiOS) or remotename (FortiClient).
    std::string url(r.slot(Slot::kUrl));
    std::string host(forticlient ? r.get("remotename") : r.get("hostname"));
    if (host.size() > 4 && host.front() == '[') host = host.substr(1, host.find("](") - 1);  // markdown sample
    if (!url.empty() && url.front() == '/' && !host.empty() && host != "N/A") {
      bool found = false;
      for (const Observable& o : obs)
        found = found || (o.kind == ObservableKind::kUrl && o.field == "url" &&
                          (o.value == "http://" + lower(host) + url || o.value == "https://" + lower(host) + url));
      CHECK(found);
      ++urls_rebuilt;
    } else if (!url.empty() && url.front() != '/' && url.find("://") != std::string::npos) {
      bool found = false;
      for (const Observable& o : obs) found = found || (o.kind == ObservableKind::kUrl && o.field == "url");
      CHECK(found);
    }
    // hostname is a destination, except in FortiClient logs where it is the endpoint itself.
    if (forticlient) {
      ++fct;
      for (const Observable& o : obs) CHECK(o.field != "hostname");
      std::string remote(r.get("remotename"));
      if (looksLikeDomain(remote)) CHECK(has(ObservableKind::kDomain, "remotename", lower(remote)));
    }
    // qname is a domain.
    std::string qname(r.get("qname"));
    if (looksLikeDomain(qname)) CHECK(has(ObservableKind::kDomain, "qname", lower(qname)));
    // ipaddr may be a list: every address in it.
    std::string ipaddr(r.get("ipaddr"));
    if (!ipaddr.empty()) {
      std::size_t items = 0;
      for (std::size_t i = 0; i < ipaddr.size();) {
        std::size_t end = ipaddr.find_first_of(", ;", i);
        if (end == std::string::npos) end = ipaddr.size();
        std::string item = ipaddr.substr(i, end - i);
        if (isIp(item)) {
          CHECK(has(ObservableKind::kIp, "ipaddr", item));
          ++items;
        }
        i = end + 1;
      }
      if (items > 1) ++ip_lists;
    }
    // analyticscksum is a SHA-256; checksum a CRC32 that is never an IoC.
    std::string cksum(r.get("analyticscksum"));
    if (cksum.size() == 64 && isHex(cksum)) {
      CHECK(has(ObservableKind::kSha256, "analyticscksum", lower(cksum)));
      ++sha256;
    }
    // The rarer carriers: the referring page, X-Forwarded-For items, the VPN peer, the DNAT
    // destination, the server certificate's name.
    std::string referer(r.get("referralurl"));
    if (referer.find("://") != std::string::npos) {
      bool found = false;
      for (const Observable& o : obs) found = found || (o.kind == ObservableKind::kUrl && o.field == "referralurl");
      CHECK(found);
      ++referers;
    }
    for (std::string_view key : {"forwardedfor", "remip", "tranip"}) {
      std::string list(r.get(key));
      for (std::size_t i = 0; i < list.size();) {
        std::size_t end = list.find_first_of(", ;", i);
        if (end == std::string::npos) end = list.size();
        std::string item = list.substr(i, end - i);
        if (isIp(item)) {
          CHECK(has(ObservableKind::kIp, key, item));
          ++peers;
        }
        i = end + 1;
      }
    }
    std::string cert(r.get("scertcname"));
    if (cert.rfind("*.", 0) == 0) cert = cert.substr(2);
    if (looksLikeDomain(cert)) CHECK(has(ObservableKind::kDomain, "scertcname", lower(cert)));
    std::string crc(r.get("checksum"));
    if (!crc.empty()) {
      ++crc32;
      for (const Observable& o : obs) CHECK(o.value.find(lower(crc)) == std::string::npos);
    }
  }
  CHECK(urls_rebuilt >= 10);
  CHECK(ip_lists >= 2);
  CHECK(sha256 >= 3);
  CHECK(crc32 >= 1);
  CHECK(fct >= 2);
  CHECK(referers >= 3);
  CHECK(peers >= 10);
}

TEST_CASE("every CEF sample line: each extension pair as Sekoia's CEF reader splits it, under its FortiOS name") {
  // The extension as a CEF reader splits it: a value runs to the next ` key=`; `\=` `\\` `\|` are
  // escapes. Names as docs/log-format.md lists them: vendor prefixes stripped, standard CEF keys
  // renamed, `cat` split into type/subtype (checked by the exact-line test), the rest as written.
  const std::map<std::string, std::string> renamed{
      {"src", "srcip"}, {"dst", "dstip"}, {"spt", "srcport"}, {"dpt", "dstport"}, {"shost", "srcname"},
      {"dhost", "hostname"}, {"request", "url"}, {"requestClientApplication", "agent"},
      {"requestMethod", "method"}, {"deviceExternalId", "devid"}, {"dvchost", "devname"},
      {"deviceSeverity", "level"}, {"act", "action"}, {"app", "service"}, {"duser", "user"}, {"suser", "user"},
      {"fname", "filename"}, {"fsize", "filesize"}, {"fileHash", "filehash"}, {"externalId", "sessionid"},
      {"externalID", "sessionid"}, {"out", "sentbyte"}, {"in", "rcvdbyte"}, {"deviceInboundInterface", "srcintf"},
      {"deviceOutboundInterface", "dstintf"}, {"sourceTranslatedAddress", "transip"},
      {"sourceTranslatedPort", "transport"}, {"destinationTranslatedAddress", "tranip"},
      {"destinationTranslatedPort", "tranport"}, {"smac", "srcmac"}, {"dmac", "dstmac"}, {"dvc", "devip"}};
  std::size_t lines = 0, pairs = 0;
  LogRecord r;
  for (const SampleLine& s : allSampleLines()) {
    INFO(s.file << ":" << s.line << ": " << s.text.substr(0, 300));
    REQUIRE(parseLogLine(s.text, 0, r));
    if (r.format != BodyFormat::kCef) continue;
    ++lines;
    // The extension starts after the 7th unescaped '|'.
    std::size_t pos = 0;
    for (int bars = 0; bars < 7; ++pos) {
      REQUIRE(pos < s.text.size());
      if (s.text[pos] == '\\') ++pos;
      else if (s.text[pos] == '|') ++bars;
    }
    std::string ext = s.text.substr(pos);
    auto isKey = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; };
    std::vector<std::size_t> starts;  // positions of keys: at 0 or after a space, [A-Za-z0-9_.]+=
    for (std::size_t i = 0; i < ext.size(); ++i) {
      if (i != 0 && ext[i - 1] != ' ') continue;
      std::size_t k = i;
      while (k < ext.size() && isKey(ext[k])) ++k;
      if (k > i && k < ext.size() && ext[k] == '=' && (k == 0 || ext[k - 1] != '\\')) starts.push_back(i);
    }
    for (std::size_t n = 0; n < starts.size(); ++n) {
      std::size_t eq = ext.find('=', starts[n]);
      std::string key = ext.substr(starts[n], eq - starts[n]);
      std::size_t end = n + 1 < starts.size() ? starts[n + 1] : ext.size();
      std::string raw = ext.substr(eq + 1, end - eq - 1);
      while (!raw.empty() && raw.back() == ' ') raw.pop_back();
      std::string value;
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size() && (raw[i + 1] == '=' || raw[i + 1] == '\\' || raw[i + 1] == '|')) ++i;
        value.push_back(raw[i]);
      }
      if (key == "cat") continue;
      std::string name = key;
      for (std::string prefix : {"FTNTFGT", "FortinetFortiGate", "FTNTFPX", "ad."})
        if (name.size() > prefix.size() && name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
      if (auto it = renamed.find(name); it != renamed.end() && name == key) name = it->second;
      INFO(key << " -> " << name << " = '" << value << "'");
      bool found = false;
      r.fields.forEach(name, [&](const Field& f) { found = found || f.value == value; });
      CHECK(found);
      ++pairs;
    }
  }
  CHECK(lines >= 30);
  CHECK(pairs >= 900);
}
