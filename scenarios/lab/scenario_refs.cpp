#include "scenarios/lab/scenario.h"

namespace fabric::lab {

std::optional<std::string> expandReferences(std::string_view text, const ReferenceLookup& lookup, std::string& error) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    auto start = text.find("${", i);
    if (start == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, start - i));
    auto end = text.find('}', start);
    if (end == std::string_view::npos) {
      error = "reference '" + std::string(text.substr(start)) + "' is not closed with '}'";
      return std::nullopt;
    }
    std::string ref(text.substr(start + 2, end - start - 2));
    auto dot = ref.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == ref.size()) {
      error = "reference ${" + ref + "} must be ${NAME.ATTR} (e.g. ${pc1.ip}, ${ems.serial})";
      return std::nullopt;
    }
    auto value = lookup(ref.substr(0, dot), ref.substr(dot + 1));
    if (!value) {
      error = "unknown reference ${" + ref + "} (nodes: ip, serial, hostname; endpoints: ip, hostname, uid, serial)";
      return std::nullopt;
    }
    out += *value;
    i = end + 1;
  }
  return out;
}

}  // namespace fabric::lab
