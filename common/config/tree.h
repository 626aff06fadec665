#pragma once
// The configuration tree: committed objects of one node. A Node holds only attributes that differ
// from their defaults (so `show` is a walk), plus its nested tables. Entries are found by mkey in
// O(log n) and kept in display order (the order they were created in, as FortiOS shows them).

#include <map>
#include <string>
#include <vector>

namespace fabric::config {

class Schema;
class TableSchema;
struct TableData;

struct Node {
  std::map<std::string, std::vector<std::string>> attrs;
  std::map<std::string, TableData> children;  // nested tables by name ("actions", "trusthost")
  bool operator==(const Node&) const;
};

struct TableData {
  std::map<std::string, Node> entries;
  std::vector<std::string> order;

  const Node* find(const std::string& key) const;
  Node* find(const std::string& key);
  // Inserts or replaces; a new key goes to the end of the display order.
  void put(const std::string& key, Node node);
  bool erase(const std::string& key);
  void rename(const std::string& from, const std::string& to);
  size_t size() const { return entries.size(); }
  bool operator==(const TableData&) const = default;
};

inline bool Node::operator==(const Node& other) const {
  return attrs == other.attrs && children == other.children;
}

// A singleton is stored as a TableData with one entry under the empty key.
struct Tree {
  std::map<std::string, TableData> tables;

  // A fresh tree: every singleton present, every table holding its built-in entries (or empty
  // tables, for a config file that lists every entry itself).
  static Tree fresh(const Schema& schema, bool with_builtins = true);
};

}  // namespace fabric::config
