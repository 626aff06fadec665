#pragma once
// FieldList: the parsed key=value pairs of one log line, in line order, as views.
//
// Keys and values are std::string_view into the caller's line (zero-copy). A value that contained
// escapes (\" \\ \= \|) is unescaped into storage owned by the FieldList; its view points there.
// Therefore a FieldList (and anything holding its views) is valid only while the line it was
// parsed from is alive and until the next clear()/parse into the same list. It is move-only.
//
// Duplicate keys are all kept, in order (FortiAnalyzer-forwarded lines carry `tz` twice);
// find()/get() return the FIRST occurrence, forEach() visits every one.

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace fabric::logfmt {

struct Field {
  enum Flag : std::uint8_t {
    kQuoted = 1,        // the value was written in double quotes
    kUnescaped = 2,     // the value contained escapes; `value` points to an unescaped copy
    kUnterminated = 4,  // an opening quote had no closing quote; the value runs to end of line
  };
  std::string_view key;
  std::string_view value;
  std::uint8_t flags = 0;
};

class FieldList {
 public:
  FieldList() = default;
  FieldList(const FieldList&) = delete;
  FieldList& operator=(const FieldList&) = delete;
  FieldList(FieldList&&) = default;
  FieldList& operator=(FieldList&&) = default;

  // Forget every field; keeps allocated capacity so a reused list parses without allocating.
  void clear() {
    fields_.clear();
    owned_used_ = 0;
  }
  void add(std::string_view key, std::string_view value, std::uint8_t flags = 0) {
    fields_.push_back(Field{key, value, flags});
  }
  // A fresh, empty string owned by this list (for an unescaped value); its address is stable
  // until clear(). Fill it completely before taking a view of it.
  std::string& ownedString();

  const Field* find(std::string_view key) const {
    for (const Field& f : fields_) {
      if (f.key.size() == key.size() && f.key == key) return &f;
    }
    return nullptr;
  }
  // The first value of `key`, or an empty view when absent.
  std::string_view get(std::string_view key) const {
    const Field* f = find(key);
    return f ? f->value : std::string_view{};
  }
  bool has(std::string_view key) const { return find(key) != nullptr; }
  std::size_t count(std::string_view key) const;
  template <class Fn>
  void forEach(std::string_view key, Fn&& fn) const {
    for (const Field& f : fields_) {
      if (f.key == key) fn(f);
    }
  }

  const std::vector<Field>& all() const { return fields_; }
  std::vector<Field>& mutableAll() { return fields_; }
  std::size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  const Field& operator[](std::size_t i) const { return fields_[i]; }

 private:
  std::vector<Field> fields_;
  std::deque<std::string> owned_;  // deque: element addresses survive push_back
  std::size_t owned_used_ = 0;
};

}  // namespace fabric::logfmt
