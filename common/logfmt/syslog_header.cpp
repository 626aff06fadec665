#include "common/logfmt/syslog_header.h"

#include "common/logfmt/cef_parser.h"
#include "common/logfmt/kv_parser.h"

namespace fabric::logfmt {
namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

// Splits off the next space-delimited token of `s` (advancing `s` past it and one space).
std::string_view nextToken(std::string_view& s) {
  std::size_t sp = s.find(' ');
  std::string_view tok = s.substr(0, sp);
  s = sp == std::string_view::npos ? std::string_view{} : s.substr(sp + 1);
  return tok;
}

bool bodyStartsHere(std::string_view s) { return startsWithKey(s) || looksLikeCef(s); }

bool looksLikeRfc3339(std::string_view s) {
  return s.size() >= 20 && isDigit(s[0]) && isDigit(s[1]) && isDigit(s[2]) && isDigit(s[3]) &&
         s[4] == '-' && isDigit(s[5]) && s[7] == '-' && (s[10] == 'T' || s[10] == 't');
}

bool looksLikeRfc3164Time(std::string_view s) {
  // "Mmm dd hh:mm:ss" / "Mmm  d hh:mm:ss"
  return s.size() >= 16 && s[0] >= 'A' && s[0] <= 'Z' && s[3] == ' ' && s[6] == ' ' &&
         s[9] == ':' && s[12] == ':' && s[15] == ' ' && isDigit(s[7]) && isDigit(s[14]);
}

// Skips an RFC 5424 STRUCTURED-DATA field; returns its length or npos when malformed.
std::size_t structuredDataLength(std::string_view s) {
  if (!s.empty() && s[0] == '-') return 1;
  std::size_t i = 0;
  while (i < s.size() && s[i] == '[') {
    bool quoted = false;
    ++i;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (quoted && c == '\\' && i + 1 < s.size()) {
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ']' && !quoted) {
        break;
      }
    }
    if (i >= s.size()) return std::string_view::npos;
    ++i;  // ']'
  }
  return i == 0 ? std::string_view::npos : i;
}

std::string_view nilToEmpty(std::string_view v) { return v == "-" ? std::string_view{} : v; }

// Hostname and tag after a timestamp, stopping as soon as the body starts.
void parseHostAndTag(std::string_view rest, SyslogHeader& h) {
  if (!rest.empty() && !bodyStartsHere(rest)) {
    h.hostname = nextToken(rest);
    if (!rest.empty() && !bodyStartsHere(rest)) {
      std::size_t sp = rest.find(' ');
      std::string_view tok = rest.substr(0, sp);
      if (!tok.empty() && (tok.back() == ':' || tok.back() == ']')) {
        tok.remove_suffix(tok.back() == ':' ? 1 : 0);
        std::size_t bracket = tok.find('[');
        if (bracket != std::string_view::npos && tok.back() == ']') {
          h.procid = tok.substr(bracket + 1, tok.size() - bracket - 2);
          tok = tok.substr(0, bracket);
        }
        h.app_name = tok;
        nextToken(rest);
      }
    }
  }
  h.body = rest;
}

// Moves `h.body` to the first key= (or CEF start), recording what was skipped.
void findBody(SyslogHeader& h) {
  std::string_view s = h.body;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  if (s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);  // RFC 5424 BOM
  if (s.empty() || bodyStartsHere(s)) {
    h.body = s;
    return;
  }
  const char* begin = s.data();
  std::string_view scan = s;
  while (!scan.empty()) {
    std::size_t sp = scan.find_first_of(" \t");
    if (sp == std::string_view::npos) break;
    scan.remove_prefix(sp + 1);
    if (bodyStartsHere(scan)) {
      h.preamble = std::string_view(begin, static_cast<std::size_t>(scan.data() - begin));
      while (!h.preamble.empty() && (h.preamble.back() == ' ' || h.preamble.back() == '\t')) {
        h.preamble.remove_suffix(1);
      }
      h.body = scan;
      return;
    }
  }
  h.body = s;  // no key= anywhere: the caller decides whether that is acceptable
}

}  // namespace

SyslogHeader parseSyslogHeader(std::string_view line) {
  SyslogHeader h;
  std::string_view s = line;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  if (s.size() >= 3 && s[0] == '<') {
    std::size_t i = 1;
    int pri = 0;
    while (i < s.size() && i <= 3 && isDigit(s[i])) pri = pri * 10 + (s[i++] - '0');
    if (i > 1 && i < s.size() && s[i] == '>' && pri <= 191) {
      h.has_pri = true;
      h.facility = static_cast<std::uint8_t>(pri / 8);
      h.severity = static_cast<std::uint8_t>(pri % 8);
      h.format = HeaderFormat::kPriOnly;
      s.remove_prefix(i + 1);
    }
  } else {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  }

  if (h.has_pri && s.size() >= 2 && s[0] == '1' && s[1] == ' ') {
    std::string_view rest = s.substr(2);
    std::string_view ts = nextToken(rest);
    std::string_view host = nextToken(rest);
    std::string_view app = nextToken(rest);
    std::string_view proc = nextToken(rest);
    std::string_view msgid = nextToken(rest);
    std::size_t sd = structuredDataLength(rest);
    if (!msgid.empty() && sd != std::string_view::npos && (ts == "-" || looksLikeRfc3339(ts))) {
      h.format = HeaderFormat::kRfc5424;
      h.timestamp = nilToEmpty(ts);
      h.hostname = nilToEmpty(host);
      h.app_name = nilToEmpty(app);
      h.procid = nilToEmpty(proc);
      h.msgid = nilToEmpty(msgid);
      h.structured_data = nilToEmpty(rest.substr(0, sd));
      rest.remove_prefix(sd);
      if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
      h.body = rest;
      findBody(h);
      return h;
    }
  }
  if (looksLikeRfc3164Time(s)) {
    h.format = HeaderFormat::kRfc3164;
    h.timestamp = s.substr(0, 15);
    parseHostAndTag(s.substr(16), h);
  } else if (looksLikeRfc3339(s) && s.find(' ') != std::string_view::npos) {
    h.format = h.has_pri ? HeaderFormat::kRfc3164 : HeaderFormat::kRelayFile;
    std::string_view rest = s;
    h.timestamp = nextToken(rest);
    parseHostAndTag(rest, h);
  } else {
    h.body = s;
  }
  findBody(h);
  return h;
}

std::string_view toString(HeaderFormat format) {
  switch (format) {
    case HeaderFormat::kNone: return "none";
    case HeaderFormat::kPriOnly: return "pri-only";
    case HeaderFormat::kRfc5424: return "rfc5424";
    case HeaderFormat::kRfc3164: return "rfc3164";
    case HeaderFormat::kRelayFile: return "relay-file";
  }
  return "unknown";
}

}  // namespace fabric::logfmt
