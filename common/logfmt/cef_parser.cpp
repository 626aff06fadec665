#include "common/logfmt/cef_parser.h"

#include <array>
#include <utility>

#include "common/logfmt/kv_parser.h"

namespace fabric::logfmt {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 32> kCefKeyMap{{
    {"src", "srcip"},
    {"dst", "dstip"},
    {"spt", "srcport"},
    {"dpt", "dstport"},
    {"shost", "srcname"},
    {"dhost", "hostname"},
    {"request", "url"},
    {"requestClientApplication", "agent"},
    {"requestMethod", "method"},
    {"deviceExternalId", "devid"},
    {"dvchost", "devname"},
    {"deviceSeverity", "level"},
    {"act", "action"},
    {"app", "service"},
    {"duser", "user"},
    {"suser", "user"},
    {"fname", "filename"},
    {"fsize", "filesize"},
    {"fileHash", "filehash"},
    {"externalId", "sessionid"},
    {"externalID", "sessionid"},
    {"out", "sentbyte"},
    {"in", "rcvdbyte"},
    {"deviceInboundInterface", "srcintf"},
    {"deviceOutboundInterface", "dstintf"},
    {"sourceTranslatedAddress", "transip"},
    {"sourceTranslatedPort", "transport"},
    {"destinationTranslatedAddress", "tranip"},
    {"destinationTranslatedPort", "tranport"},
    {"smac", "srcmac"},
    {"dmac", "dstmac"},
    {"dvc", "devip"},
}};

constexpr std::array<std::string_view, 4> kVendorPrefixes{"FTNTFGT", "FortinetFortiGate", "FTNTFPX",
                                                          "ad."};

std::string_view mapKey(std::string_view key) {
  for (std::string_view prefix : kVendorPrefixes) {
    if (key.size() > prefix.size() && key.substr(0, prefix.size()) == prefix) {
      return key.substr(prefix.size());
    }
  }
  for (const auto& [cef, fortios] : kCefKeyMap) {
    if (key == cef) return fortios;
  }
  return key;
}

// Labels FortiOS gives its CEF custom fields, and the FortiOS field each one carries.
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kCefLabels{{
    {"Virus", "virus"},
    {"Reference", "ref"},
    {"Policy Id", "policyid"},
    {"Duration", "duration"},
    {"Packets Sent", "sentpkt"},
    {"Packets Received", "rcvdpkt"},
}};

std::string_view fortiOsNameOfLabel(std::string_view label) {
  for (const auto& [l, name] : kCefLabels) {
    if (label == l) return name;
  }
  return {};
}

bool hasEscape(std::string_view s) { return s.find('\\') != std::string_view::npos; }

// Unescapes `raw` into storage owned by `out` when it holds escapes; otherwise returns it as is.
std::string_view unescape(std::string_view raw, bool extension, FieldList& out, std::uint8_t& flags) {
  if (!hasEscape(raw)) return raw;
  std::string& buf = out.ownedString();
  buf.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      char n = raw[i + 1];
      if (n == '\\' || n == '|' || (extension && n == '=')) {
        buf.push_back(n);
        ++i;
        continue;
      }
      if (extension && (n == 'n' || n == 'r')) {
        buf.push_back(n == 'n' ? '\n' : '\r');
        ++i;
        continue;
      }
    }
    buf.push_back(c);
  }
  flags |= Field::kUnescaped;
  return buf;
}

// Position of the space that starts the next ` key=` at or after `from`, or npos.
std::size_t nextKeyStart(std::string_view s, std::size_t from) {
  std::size_t eq = from;
  while ((eq = s.find('=', eq)) != std::string_view::npos) {
    if (eq > 0 && s[eq - 1] != '\\') {
      std::size_t k = eq;
      while (k > from && isKeyChar(s[k - 1])) --k;
      if (k < eq && k > from && s[k - 1] == ' ') return k - 1;
    }
    ++eq;
  }
  return std::string_view::npos;
}

void addCat(std::string_view value, FieldList& out) {
  std::size_t colon = value.find(':');
  if (colon == std::string_view::npos) {
    if (!out.has("type")) out.add("type", value);
    return;
  }
  if (!out.has("type")) out.add("type", value.substr(0, colon));
  if (!out.has("subtype")) out.add("subtype", value.substr(colon + 1));
}

bool allDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

bool looksLikeCef(std::string_view s) {
  if (s.substr(0, 4) == "CEF:") return true;
  std::size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  return i > 0 && i < s.size() && s[i] == '|';
}

bool parseCef(std::string_view body, CefHeader& header, FieldList& out, std::string& error) {
  std::string_view s = body;
  while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  if (s.substr(0, 4) == "CEF:") s.remove_prefix(4);
  std::array<std::string_view, 7> parts;
  std::size_t start = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size() && n < 7; ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
      continue;
    }
    if (s[i] == '|') {
      parts[n++] = s.substr(start, i - start);
      start = i + 1;
    }
  }
  if (n < 7) {
    error = "CEF header has " + std::to_string(n) + " of 7 '|'-separated fields";
    return false;
  }
  std::uint8_t ignored = 0;
  header.version = parts[0];
  header.vendor = unescape(parts[1], false, out, ignored);
  header.product = unescape(parts[2], false, out, ignored);
  header.device_version = unescape(parts[3], false, out, ignored);
  header.signature_id = unescape(parts[4], false, out, ignored);
  header.name = unescape(parts[5], false, out, ignored);
  header.severity = unescape(parts[6], false, out, ignored);

  std::string_view ext = s.substr(start);
  std::size_t pos = 0;
  while (pos < ext.size()) {
    while (pos < ext.size() && ext[pos] == ' ') ++pos;
    if (pos >= ext.size()) break;
    std::size_t k = pos;
    while (k < ext.size() && isKeyChar(ext[k])) ++k;
    if (k == pos || k >= ext.size() || ext[k] != '=') {
      // Not a key: skip to the next ` key=`.
      std::size_t next = nextKeyStart(ext, pos);
      if (next == std::string_view::npos) break;
      pos = next;
      continue;
    }
    std::string_view key = ext.substr(pos, k - pos);
    std::size_t vstart = k + 1;
    std::size_t next = nextKeyStart(ext, vstart);
    std::size_t vend = next == std::string_view::npos ? ext.size() : next;
    std::string_view raw = ext.substr(vstart, vend - vstart);
    while (!raw.empty() && raw.back() == ' ') raw.remove_suffix(1);
    std::uint8_t flags = 0;
    std::string_view value = unescape(raw, true, out, flags);
    if (key == "cat") {
      addCat(value, out);
    } else {
      out.add(mapKey(key), value, flags);
    }
    pos = vend;
  }

  // FortiOS puts some fields in CEF custom slots named by a label (`cs1=EICAR cs1Label=Virus`,
  // `cn2=5 cn2Label=Packets Sent`); readers such as Sekoia's key them by the label. Known labels
  // give the FortiOS field too; the csN/cnN pairs stay as written.
  std::size_t custom = out.size();
  for (std::size_t i = 0; i < custom; ++i) {
    std::string_view label_key = out.all()[i].key;
    if (label_key.size() < 8 || label_key.substr(label_key.size() - 5) != "Label") continue;
    std::string_view slot = label_key.substr(0, label_key.size() - 5);  // "cs1"
    if (slot.size() != 3 || (slot.substr(0, 2) != "cs" && slot.substr(0, 2) != "cn")) continue;
    std::string_view name = fortiOsNameOfLabel(out.all()[i].value);
    if (name.empty()) continue;
    for (std::size_t j = 0; j < custom; ++j) {
      const Field& f = out.all()[j];
      if (f.key == slot) {
        out.add(name, f.value, f.flags);
        break;
      }
    }
  }

  if (!out.has("logid") && header.signature_id.size() == 10 && allDigits(header.signature_id)) {
    out.add("logid", header.signature_id);
  }
  if (!out.has("type")) {
    std::string_view first = header.name.substr(0, header.name.find(' '));
    if (first.find(':') != std::string_view::npos) addCat(first, out);
  }
  return true;
}

}  // namespace fabric::logfmt
