// Fuzz target: the CEF and CSV body parsers called directly (whatever format detection says).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/logfmt/cef_parser.h"
#include "common/logfmt/kv_parser.h"

using namespace fabric::logfmt;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  std::string body(reinterpret_cast<const char*>(bytes), size);
  CefHeader h;
  FieldList f;
  std::string error;
  bool ok = parseCef(body, h, f, error);
  if (ok != error.empty()) std::abort();
  for (const Field& x : f.all()) {
    if (x.key.empty()) std::abort();
  }
  FieldList c;
  parseCsv(body, c);
  for (const Field& x : c.all()) {
    if (x.key.empty()) std::abort();
    for (char ch : x.key) {
      if (ch == ',' || ch == '=') std::abort();
    }
  }
  (void)looksLikeCsv(body);
  (void)looksLikeCef(body);
  return 0;
}
