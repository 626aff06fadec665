// Fuzz target: header + key=value body + normalised record + observable extraction on one line.
// Oracles: every view lies in the input or in the record's own storage; the writer re-emits every
// parsed field so that it parses back to the same key and value.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/logfmt/log_line_builder.h"
#include "common/logfmt/log_record.h"
#include "common/logfmt/observable_extractor.h"

using namespace fabric::logfmt;

namespace {

bool within(std::string_view inner, std::string_view outer) {
  return inner.empty() || (inner.data() >= outer.data() && inner.data() + inner.size() <= outer.data() + outer.size());
}

bool builderKey(std::string_view k) {
  if (k.empty()) return false;
  for (char c : k) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool printable(std::string_view v) {
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  std::string line(reinterpret_cast<const char*>(bytes), size);
  LogRecord r;
  bool ok = parseLogLine(line, 1764331200'000000000, r);
  if (!ok && r.error.empty()) std::abort();
  std::string_view body = r.header.body;
  if (!within(body, line) || !within(r.header.hostname, line) || !within(r.header.timestamp, line)) std::abort();
  for (const Field& f : r.fields.all()) {
    if (f.key.empty()) std::abort();
    if (!(f.flags & Field::kUnescaped) && !within(f.value, line) && f.value.data() != nullptr &&
        r.format != BodyFormat::kCef) {
      std::abort();
    }
  }
  std::vector<Observable> obs;
  extractObservables(r, obs);
  for (const Observable& o : obs) {
    if (o.value.empty() || o.field.empty()) std::abort();
  }

  // Writer round trip over the parsed fields.
  if (ok && r.format == BodyFormat::kKeyValue) {
    LogLineBuilder b;
    std::vector<std::pair<std::string, std::string>> written;
    for (const Field& f : r.fields.all()) {
      if (!builderKey(f.key) || !printable(f.value)) continue;
      b.add(f.key, f.value, (f.flags & Field::kQuoted) ? Quoted : Bare);
      written.emplace_back(std::string(f.key), std::string(f.value));
    }
    if (!written.empty()) {
      std::string out = b.take();
      LogRecord back;
      if (!parseLogLine(out, 0, back)) std::abort();
      // The rebuilt line starts with a plain key, so no header can swallow a field; CSV/CEF
      // detection may still reinterpret it (a bare first value followed by ',' and key=).
      if (back.format == BodyFormat::kKeyValue) {
        if (back.fields.size() != written.size()) std::abort();
        for (std::size_t i = 0; i < written.size(); ++i) {
          if (back.fields[i].key != written[i].first || back.fields[i].value != written[i].second) std::abort();
        }
      }
    }
  }
  return 0;
}
