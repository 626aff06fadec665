#include "fortigate/config_diff.h"

#include <map>
#include <sstream>

namespace fabric::fortigate {
namespace {

struct Entry {
  std::map<std::string, std::string> attrs;  // top-level `set` lines of the entry
  std::string text;                          // the whole block, nested tables included
};
struct Table {
  bool singleton = false;
  std::vector<std::string> order;
  std::map<std::string, Entry> entries;
};
using Parsed = std::map<std::string, Table>;

std::string unquote(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::size_t indentOf(const std::string& line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

// Reads the `show` layout: `config <table>` at column 0, `edit <key>` at 4, `set` at 8 (4 for a
// singleton), `next` at 4, `end` at 0. Deeper lines are nested tables, kept in the entry's text.
Parsed parse(const std::string& text) {
  Parsed out;
  std::istringstream in(text);
  std::string line;
  Table* table = nullptr;
  Entry* entry = nullptr;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t indent = indentOf(line);
    const std::string body = line.substr(indent);
    if (indent == 0) {
      if (body.rfind("config ", 0) == 0) {
        table = &out[body.substr(7)];
        entry = nullptr;
      } else {
        table = nullptr;
        entry = nullptr;
      }
      continue;
    }
    if (!table) continue;
    if (indent == 4 && body.rfind("edit ", 0) == 0) {
      std::string key = unquote(body.substr(5));
      table->order.push_back(key);
      entry = &table->entries[key];
      continue;
    }
    if (indent == 4 && body == "next") {
      entry = nullptr;
      continue;
    }
    if (indent == 4 && !entry) {  // a singleton's own settings
      table->singleton = true;
      table->order.push_back("");
      entry = &table->entries[""];
    }
    if (!entry) continue;
    entry->text += body + "\n";
    const std::size_t attr_indent = table->singleton ? 4 : 8;
    if (indent == attr_indent && body.rfind("set ", 0) == 0) {
      const std::string rest = body.substr(4);
      const auto space = rest.find(' ');
      entry->attrs[rest.substr(0, space)] = space == std::string::npos ? "" : rest.substr(space + 1);
    }
  }
  return out;
}

std::string shown(const std::string& value) {
  if (value.rfind("ENC ", 0) == 0) return "*";
  return unquote(value);
}

std::string attrDiff(const Entry* before, const Entry& after) {
  std::string out;
  for (const auto& [name, value] : after.attrs) {
    const std::string* old = nullptr;
    if (before) {
      auto it = before->attrs.find(name);
      if (it != before->attrs.end()) old = &it->second;
    }
    if (old && *old == value) continue;
    if (old && value.rfind("ENC ", 0) != 0)
      out += name + "[" + shown(*old) + "->" + shown(value) + "]";
    else
      out += name + "[" + shown(value) + "]";
  }
  if (before) {
    for (const auto& [name, value] : before->attrs)
      if (!after.attrs.count(name)) out += name + "[" + shown(value) + "->]";
  }
  return out;
}

}  // namespace

std::vector<ConfigChange> diffConfigs(const std::string& before, const std::string& after) {
  const Parsed a = parse(before);
  const Parsed b = parse(after);
  std::vector<ConfigChange> out;
  // Tables in the order the new file lists them; then tables that vanished entirely.
  std::vector<std::string> tables;
  for (const auto& [name, _] : b) tables.push_back(name);
  for (const auto& [name, _] : a)
    if (!b.count(name)) tables.push_back(name);
  static const Table kEmpty;
  for (const auto& name : tables) {
    const Table& ta = a.count(name) ? a.at(name) : kEmpty;
    const Table& tb = b.count(name) ? b.at(name) : kEmpty;
    const bool singleton = ta.singleton || tb.singleton;
    for (const auto& key : tb.order) {
      const Entry& eb = tb.entries.at(key);
      auto it = ta.entries.find(key);
      if (it == ta.entries.end()) {
        out.push_back({singleton ? ConfigChange::Action::kEdit : ConfigChange::Action::kAdd, name, key,
                       attrDiff(nullptr, eb)});
      } else if (it->second.text != eb.text) {
        out.push_back({ConfigChange::Action::kEdit, name, key, attrDiff(&it->second, eb)});
      }
    }
    for (const auto& key : ta.order) {
      if (tb.entries.count(key)) continue;
      if (singleton) {
        // Every setting went back to its default.
        out.push_back({ConfigChange::Action::kEdit, name, key, attrDiff(&ta.entries.at(key), Entry{})});
      } else {
        out.push_back({ConfigChange::Action::kDelete, name, key, ""});
      }
    }
  }
  return out;
}

std::string cfgPath(const std::string& table) {
  std::string out = table;
  for (auto& c : out)
    if (c == ' ') c = '.';
  return out;
}

const char* actionName(ConfigChange::Action action) {
  switch (action) {
    case ConfigChange::Action::kAdd: return "Add";
    case ConfigChange::Action::kEdit: return "Edit";
    case ConfigChange::Action::kDelete: return "Delete";
  }
  return "Edit";
}

}  // namespace fabric::fortigate
