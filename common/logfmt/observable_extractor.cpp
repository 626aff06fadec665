#include "common/logfmt/observable_extractor.h"

#include <cstring>

#include "common/logfmt/ip_text.h"

namespace fabric::logfmt {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool isSentinel(std::string_view v) {
  return v.empty() || v == "N/A" || v == "n/a" || v == "(null)" || v == "unknown" || v == "none";
}

bool isHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

bool isHexString(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

class Emitter {
 public:
  explicit Emitter(std::vector<Observable>& out) : out_(out) {}
  ~Emitter() { out_.resize(n_); }

  // Returns the value string of a new slot; call commit() to keep it.
  std::string& begin(ObservableKind kind, std::string_view field) {
    if (n_ == out_.size()) out_.push_back(Observable{kind, std::string(), field});
    Observable& o = out_[n_];
    o.kind = kind;
    o.field = field;
    o.value.clear();
    return o.value;
  }
  void commit() {
    const Observable& o = out_[n_];
    for (std::size_t i = 0; i < n_; ++i) {
      if (out_[i].kind == o.kind && out_[i].value == o.value) return;  // duplicate
    }
    ++n_;
  }

 private:
  std::vector<Observable>& out_;
  std::size_t n_ = 0;
};

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// "[server.example.com](https://server.example.com/)" -> "server.example.com"
std::string_view stripMarkdown(std::string_view v) {
  if (v.size() > 4 && v.front() == '[') {
    std::size_t close = v.find("](");
    if (close != std::string_view::npos && v.back() == ')') return v.substr(1, close - 1);
  }
  return v;
}

void emitHost(Emitter& e, std::string_view field, std::string_view raw) {
  raw = trim(raw);
  if (isSentinel(raw)) return;
  std::string_view v = stripMarkdown(raw);
  if (isIp(v)) {
    e.begin(ObservableKind::kIp, field).assign(v);
    e.commit();
    return;
  }
  if (v.size() > 2 && v.front() == '[' && v.back() == ']' && isIpv6(v.substr(1, v.size() - 2))) {
    e.begin(ObservableKind::kIp, field).assign(v.substr(1, v.size() - 2));
    e.commit();
    return;
  }
  std::string& s = e.begin(ObservableKind::kDomain, field);
  if (normaliseDomain(v, s)) e.commit();
}

void emitIp(Emitter& e, std::string_view field, std::string_view v, bool allow_domain) {
  v = trim(v);
  if (isSentinel(v)) return;
  if (isIp(v)) {
    e.begin(ObservableKind::kIp, field).assign(v);
    e.commit();
  } else if (allow_domain && v.find('.') != std::string_view::npos) {
    std::string& s = e.begin(ObservableKind::kDomain, field);
    if (normaliseDomain(v, s)) e.commit();
  }
}

// First '/', '?' or '#' at or after `from` (npos if none). string_view::find_first_of would call
// memchr three times per character.
std::size_t findPathStart(std::string_view url, std::size_t from) {
  for (std::size_t i = from; i < url.size(); ++i) {
    char c = url[i];
    if (c == '/' || c == '?' || c == '#') return i;
  }
  return std::string_view::npos;
}

// Host part of the url's authority, lower-cased, into `out` (appending).
void appendLowerAuthority(std::string& out, std::string_view url) {
  std::size_t scheme_end = url.find("://");
  std::size_t host_start = scheme_end + 3;
  std::size_t host_end = findPathStart(url, host_start);
  if (host_end == std::string_view::npos) host_end = url.size();
  std::size_t base = out.size();
  out.resize(base + url.size());
  char* o = out.data() + base;
  for (std::size_t i = 0; i < host_end; ++i) *o++ = lower(url[i]);
  std::memcpy(o, url.data() + host_end, url.size() - host_end);
}

void emitUrl(Emitter& e, const LogRecord& r, std::string_view field, std::string_view url) {
  url = trim(url);
  if (isSentinel(url)) return;
  if (url.front() == '/') {
    if (field != "url") return;  // only a webfilter `url` is written path-only
    // FortiClient's `hostname` is the endpoint itself; its destination is `remotename`.
    std::string_view host_field =
        r.isFortiClient() ? r.slot(Slot::kRemotename) : r.slot(Slot::kHostname);
    host_field = stripMarkdown(trim(host_field));
    if (isSentinel(host_field)) return;
    std::string_view service = r.slot(Slot::kService);
    bool https = equalsIgnoreCase(service, "https") || r.slot(Slot::kDstport) == "443";
    while (!host_field.empty() && host_field.back() == '.') host_field.remove_suffix(1);
    std::string_view scheme = https ? "https://" : "http://";
    std::string& s = e.begin(ObservableKind::kUrl, field);
    s.resize(scheme.size() + host_field.size() + url.size());
    char* o = s.data();
    std::memcpy(o, scheme.data(), scheme.size());
    o += scheme.size();
    for (char c : host_field) *o++ = lower(c);
    std::memcpy(o, url.data(), url.size());
    e.commit();
    return;
  }
  std::string& s = e.begin(ObservableKind::kUrl, field);
  std::size_t scheme = url.find("://");
  if (scheme != std::string_view::npos && scheme > 0 && findPathStart(url, 0) > scheme) {
    appendLowerAuthority(s, url);
  } else {
    s.append("http://");
    std::size_t host_end = findPathStart(url, 0);
    if (host_end == std::string_view::npos) host_end = url.size();
    for (std::size_t i = 0; i < host_end; ++i) s.push_back(lower(url[i]));
    s.append(url.substr(host_end));
  }
  e.commit();
}

// A certificate name: a leading "*." wildcard names the domain's subdomains, so the domain itself
// is the observable (a feed entry for it, or a parent, matches).
void emitCertName(Emitter& e, std::string_view field, std::string_view name) {
  name = trim(name);
  if (name.size() > 2 && name[0] == '*' && name[1] == '.') name.remove_prefix(2);
  emitHost(e, field, name);
}

// `san="a;b;c"`: every name of the list.
void emitCertNameList(Emitter& e, std::string_view field, std::string_view list) {
  std::size_t i = 0;
  while (i < list.size()) {
    std::size_t end = list.find_first_of(";,", i);
    if (end == std::string_view::npos) end = list.size();
    if (end > i) emitCertName(e, field, list.substr(i, end - i));
    i = end + 1;
  }
}

void emitIpList(Emitter& e, std::string_view field, std::string_view list) {
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && (list[i] == ',' || list[i] == ' ' || list[i] == ';')) ++i;
    std::size_t start = i;
    while (i < list.size() && list[i] != ',' && list[i] != ' ' && list[i] != ';') ++i;
    if (i > start) emitIp(e, field, list.substr(start, i - start), false);
  }
}

void emitHash(Emitter& e, std::string_view field, std::string_view v, bool sha256_only) {
  v = trim(v);
  ObservableKind kind;
  switch (v.size()) {
    case 64: kind = ObservableKind::kSha256; break;
    case 40: kind = ObservableKind::kSha1; break;
    case 32: kind = ObservableKind::kMd5; break;
    default: return;
  }
  if ((sha256_only && kind != ObservableKind::kSha256) || !isHexString(v)) return;
  std::string& s = e.begin(kind, field);
  for (char c : v) s.push_back(lower(c));
  e.commit();
}

}  // namespace

bool normaliseDomain(std::string_view raw, std::string& out) {
  std::string_view v = stripMarkdown(trim(raw));
  // strip a :port suffix (a single colon followed by digits)
  std::size_t colon = v.rfind(':');
  if (colon != std::string_view::npos && v.find(':') == colon && colon + 1 < v.size()) {
    bool digits = true;
    for (char c : v.substr(colon + 1)) digits = digits && c >= '0' && c <= '9';
    if (digits) v = v.substr(0, colon);
  }
  while (!v.empty() && v.back() == '.') v.remove_suffix(1);
  if (v.empty() || v.size() > 253 || v.front() == '.' || v.front() == '-') return false;
  out.resize(v.size());
  char* o = out.data();
  for (char c : v) {
    char l = lower(c);
    if (!isHostChar(l)) return false;
    *o++ = l;
  }
  // A host name has at least two labels and its last label is not all digits (so an invalid
  // address such as 321.321.321.321 is not taken for a domain).
  std::size_t dot = out.rfind('.');
  if (dot == std::string::npos || out.find("..") != std::string::npos) return false;
  for (std::size_t i = dot + 1; i < out.size(); ++i) {
    if (out[i] < '0' || out[i] > '9') return true;
  }
  return false;
}

void extractObservables(const LogRecord& r, std::vector<Observable>& out) {
  Emitter e(out);
  emitUrl(e, r, "url", r.slot(Slot::kUrl));
  if (!r.isFortiClient()) emitHost(e, "hostname", r.slot(Slot::kHostname));
  emitHost(e, "qname", r.slot(Slot::kQname));
  emitHost(e, "remotename", r.slot(Slot::kRemotename));
  emitHost(e, "sni", r.slot(Slot::kSni));
  emitIp(e, "srcip", r.slot(Slot::kSrcip), true);
  emitIp(e, "dstip", r.slot(Slot::kDstip), true);
  emitIpList(e, "ipaddr", r.slot(Slot::kIpaddr));
  emitHash(e, "analyticscksum", r.slot(Slot::kAnalyticsCksum), true);
  emitHash(e, "filehash", r.slot(Slot::kFilehash), false);
  // Rarer carriers (FORMAT-NOTES.md): the referring page, the client behind a proxy, the VPN
  // peer, the real destination of a DNAT, the resolved destination name, the server
  // certificate's names. Not the FortiGate's own or internal addresses (transip, locip,
  // tunnelip, assignip, clientip).
  emitUrl(e, r, "referralurl", r.slot(Slot::kReferralUrl));
  emitIpList(e, "forwardedfor", r.slot(Slot::kForwardedFor));
  emitIp(e, "remip", r.slot(Slot::kRemip), false);
  emitIp(e, "tranip", r.slot(Slot::kTranip), false);
  emitHost(e, "dstname", r.slot(Slot::kDstname));
  emitCertName(e, "scertcname", r.slot(Slot::kScertCname));
  emitCertNameList(e, "san", r.slot(Slot::kSan));
}

}  // namespace fabric::logfmt
