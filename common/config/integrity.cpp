#include "common/config/integrity.h"

#include <algorithm>

#include "common/config/values.h"

namespace fabric::config {
namespace {

template <typename Visit>
void walkNode(const TableSchema& table, Node& node, Visit& visit) {
  for (const auto& a : table.attributes()) {
    if (a.datasource.empty()) continue;
    auto it = node.attrs.find(a.name);
    if (it != node.attrs.end()) visit(a, it->second);
  }
  for (auto& [name, data] : node.children) {
    const TableSchema* child = table.child(name);
    if (!child) continue;
    for (auto& [key, entry] : data.entries) walkNode(*child, entry, visit);
  }
}

template <typename Visit>
void walkTree(const Schema& schema, Tree& tree, Visit visit) {
  for (auto& [name, data] : tree.tables) {
    const TableSchema* table = schema.find(name);
    if (!table) continue;
    for (auto& [key, node] : data.entries) walkNode(*table, node, visit);
  }
}

}  // namespace

size_t countReferences(const Schema& schema, const Tree& tree, const std::string& table, const std::string& key) {
  size_t count = 0;
  walkTree(schema, const_cast<Tree&>(tree), [&](const Attribute& a, std::vector<std::string>& values) {
    if (a.datasource == table) count += static_cast<size_t>(std::count(values.begin(), values.end(), key));
  });
  return count;
}

void renameReferences(const Schema& schema, Tree& tree, const std::string& table, const std::string& from,
                      const std::string& to) {
  walkTree(schema, tree, [&](const Attribute& a, std::vector<std::string>& values) {
    if (a.datasource == table) std::replace(values.begin(), values.end(), from, to);
  });
}

std::optional<std::string> missingRequired(const TableSchema& table, const Node& node) {
  for (const auto& a : table.attributes()) {
    bool required = a.required;
    if (!a.required_if_attr.empty()) {
      const Attribute* other = table.attribute(a.required_if_attr);
      if (other) {
        const auto& v = effective(*other, node.attrs);
        required = required || (v.size() == 1 && v[0] == a.required_if_value);
      }
    }
    if (required && effective(a, node.attrs).empty()) return "Attribute '" + a.name + "' MUST be set.";
  }
  return std::nullopt;
}

std::optional<std::string> danglingReference(const TableSchema& table, const Node& node, const Tree& tree) {
  for (const auto& a : table.attributes()) {
    if (a.datasource.empty()) continue;
    auto it = node.attrs.find(a.name);
    if (it == node.attrs.end()) continue;
    auto target = tree.tables.find(a.datasource);
    for (const auto& v : it->second) {
      if (target == tree.tables.end() || !target->second.find(v)) return v;
    }
  }
  return std::nullopt;
}

}  // namespace fabric::config
