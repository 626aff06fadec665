#include "common/logfmt/kv_parser.h"

#include <cstdint>
#include <cstring>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "SWAR scanning assumes little-endian loads");

namespace fabric::logfmt {
namespace {

inline bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Word-at-a-time scanning (SWAR): ~40 values per line make these loops the parser's hot spot.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
inline std::uint64_t load8(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
// Non-zero when some byte of `w` equals `b`.
inline std::uint64_t hasByte(std::uint64_t w, unsigned char b) {
  std::uint64_t x = w ^ (kOnes * b);
  return (x - kOnes) & ~x & kHighs;
}
// Non-zero when some byte of `w` is below `n` (n <= 128).
inline std::uint64_t hasLess(std::uint64_t w, unsigned char n) { return (w - kOnes * n) & ~w & kHighs; }

// Index of the lowest flagged byte of a non-zero mask. The lowest flag of these tricks is exact
// (borrows only create false flags above a true one). Little-endian load order.
inline int firstFlagged(std::uint64_t mask) { return __builtin_ctzll(mask) >> 3; }

// First '"', '\\' or '\n' at or after p (or end).
inline const char* findQuoteEnd(const char* p, const char* end) {
  while (end - p >= 8) {
    std::uint64_t w = load8(p);
    std::uint64_t m = hasByte(w, '"') | hasByte(w, '\\') | hasByte(w, '\n');
    if (m) return p + firstFlagged(m);
    p += 8;
  }
  while (p < end && *p != '"' && *p != '\\' && *p != '\n') ++p;
  return p;
}

// First '=' or space/tab/CR/LF at or after p (or end): the end of a key.
inline const char* findKeyEnd(const char* p, const char* end) {
  while (end - p >= 8) {
    std::uint64_t w = load8(p);
    std::uint64_t m = hasByte(w, '=') | hasLess(w, 0x21);
    if (m) {
      const char* c = p + firstFlagged(m);
      if (*c == '=' || isSpace(*c)) return c;
      p = c + 1;
      continue;
    }
    p += 8;
  }
  while (p < end && *p != '=' && !isSpace(*p)) ++p;
  return p;
}

// First space/tab/CR/LF at or after p (or end).
inline const char* findSpace(const char* p, const char* end) {
  while (end - p >= 8) {
    std::uint64_t m = hasLess(load8(p), 0x21);  // bytes <= ' '
    if (m) {
      const char* c = p + firstFlagged(m);
      if (isSpace(*c)) return c;
      p = c + 1;  // another control character: part of the value
      continue;
    }
    p += 8;
  }
  while (p < end && !isSpace(*p)) ++p;
  return p;
}

template <bool kCsv>
inline bool isSep(char c) {
  if constexpr (kCsv) {
    return c == ',' || c == '\r' || c == '\n';
  } else {
    return isSpace(c);
  }
}

// Reads a quoted value starting just after the opening quote at `p`, whose closing quote is not
// the first '"', '\\' or LF (findQuoteEnd): escapes and/or an unterminated value. Sets
// `value`/`flags` and returns the position after the closing quote (or where an unterminated
// value stopped).
const char* readQuotedSlow(const char* p, const char* end, FieldList& out, std::string_view& value,
                           std::uint8_t& flags) {
  std::string* buf = nullptr;
  const char* seg = p;  // start of the not-yet-copied run
  const char* i = p;
  while (i < end) {
    char c = *i;
    if (c == '\\' && i + 1 < end && (i[1] == '"' || i[1] == '\\' || i[1] == '=')) {
      if (!buf) buf = &out.ownedString();
      buf->append(seg, static_cast<std::size_t>(i - seg));
      buf->push_back(i[1]);
      i += 2;
      seg = i;
      continue;
    }
    if (c == '"') {
      if (buf) {
        buf->append(seg, static_cast<std::size_t>(i - seg));
        value = *buf;
        flags |= Field::kUnescaped;
      } else {
        value = std::string_view(p, static_cast<std::size_t>(i - p));
      }
      return i + 1;
    }
    if (c == '\n') break;  // an unterminated quote never runs into the next line
    ++i;
  }
  // Unterminated: the value runs to the end of the line; trailing CR/LF are not part of it.
  const char* stop = i;
  while (stop > seg && (stop[-1] == '\r' || stop[-1] == '\n')) --stop;
  flags |= Field::kUnterminated;
  if (buf) {
    if (stop > seg) buf->append(seg, static_cast<std::size_t>(stop - seg));
    value = *buf;
    flags |= Field::kUnescaped;
  } else {
    value = std::string_view(p, static_cast<std::size_t>(stop - p));
  }
  return i;
}

// [A-Za-z0-9_.-], as a table: the simple-layout check runs over every key of every line.
struct KeyCharTable {
  bool ok[256] = {};
  constexpr KeyCharTable() {
    for (int c = 0; c < 256; ++c) ok[c] = isKeyChar(static_cast<char>(c));
  }
};
constexpr KeyCharTable kKeyChars;

inline bool onlyKeyChars(const char* p, const char* end) {
  bool ok = true;
  for (; p < end; ++p) ok &= kKeyChars.ok[static_cast<unsigned char>(*p)];
  return ok;
}

// `""x""`: a value doubled-quoted by a CSV export. Returns the end of the value, or nullptr when
// the text at `p` (just after '=') is not that shape.
template <bool kCsv>
const char* readDoubledQuoted(const char* p, const char* end, std::string_view& value) {
  if (end - p < 4 || p[0] != '"' || p[1] != '"' || isSep<kCsv>(p[2]) || p[2] == '"') {
    return nullptr;
  }
  for (const char* i = p + 2; i + 1 < end; ++i) {
    if (i[0] == '"' && i[1] == '"' && (i + 2 == end || isSep<kCsv>(i[2]))) {
      value = std::string_view(p + 2, static_cast<std::size_t>(i - (p + 2)));
      return i + 2;
    }
    if (isSpace(*i) && !kCsv) return nullptr;
  }
  return nullptr;
}

template <bool kCsv>
KvStats parseDelimited(std::string_view body, FieldList& out) {
  KvStats stats;
  bool simple = !kCsv;  // KvStats::simple_layout, cleared by anything the simple reader reads differently
  const char* p = body.data();
  const char* end = p + body.size();
  while (p < end) {
    while (p < end && (isSpace(*p) || (kCsv && *p == ','))) {
      if (*p == '\t') simple = false;
      ++p;
    }
    if (p == end) break;
    const char* k = p;
    if constexpr (kCsv) {
      while (p < end && *p != '=' && !isSep<kCsv>(*p)) ++p;
    } else {
      p = findKeyEnd(p, end);
    }
    if (p == end || *p != '=' || p == k) {
      ++stats.stray_tokens;
      simple = false;
      while (p < end && !isSep<kCsv>(*p)) ++p;
      continue;
    }
    std::string_view key(k, static_cast<std::size_t>(p - k));
    if constexpr (!kCsv) simple = simple && onlyKeyChars(k, p);
    ++p;  // '='
    std::string_view value;
    std::uint8_t flags = 0;
    if (p < end && *p == '"') {
      if (const char* after = readDoubledQuoted<kCsv>(p, end, value)) {
        flags = Field::kQuoted;
        p = after;
        simple = false;
      } else {
        // Fast path: no escape and no line break before the closing quote -> a view into the line.
        flags = Field::kQuoted;
        const char* q = findQuoteEnd(p + 1, end);
        if (q < end && *q == '"') {
          value = std::string_view(p + 1, static_cast<std::size_t>(q - (p + 1)));
          p = q + 1;
        } else {
          p = readQuotedSlow(p + 1, end, out, value, flags);
          if (flags & Field::kUnterminated) stats.unterminated_quote = true;
          simple = false;
        }
      }
    } else {
      const char* v = p;
      if constexpr (kCsv) {
        while (p < end && !isSep<kCsv>(*p)) ++p;
      } else {
        p = findSpace(p, end);  // a tab after the value is caught by the gap loop
      }
      value = std::string_view(v, static_cast<std::size_t>(p - v));
    }
    out.add(key, value, flags);
  }
  stats.simple_layout = simple;
  return stats;
}

}  // namespace

KvStats parseKeyValue(std::string_view body, FieldList& out) {
  return parseDelimited<false>(body, out);
}

KvStats parseCsv(std::string_view body, FieldList& out) { return parseDelimited<true>(body, out); }

bool startsWithKey(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && isKeyChar(s[i])) ++i;
  return i > 0 && i < s.size() && s[i] == '=';
}

bool looksLikeCsv(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && isKeyChar(s[i])) ++i;
  if (i == 0 || i >= s.size() || s[i] != '=') return false;
  ++i;
  if (i < s.size() && s[i] == '"') {
    std::size_t close = s.find('"', i + 1);
    if (close == std::string_view::npos) return false;
    i = close + 1;
  } else {
    while (i < s.size() && s[i] != ',' && !isSpace(s[i])) ++i;
  }
  return i < s.size() && s[i] == ',' && startsWithKey(s.substr(i + 1));
}

}  // namespace fabric::logfmt
