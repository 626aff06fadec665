#include "common/logfmt/field_list.h"

namespace fabric::logfmt {

std::string& FieldList::ownedString() {
  if (owned_used_ == owned_.size()) owned_.emplace_back();
  std::string& s = owned_[owned_used_++];
  s.clear();
  return s;
}

std::size_t FieldList::count(std::string_view key) const {
  std::size_t n = 0;
  for (const Field& f : fields_) n += (f.key == key) ? 1 : 0;
  return n;
}

}  // namespace fabric::logfmt
