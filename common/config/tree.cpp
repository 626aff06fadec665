#include "common/config/tree.h"

#include <algorithm>

#include "common/config/schema.h"

namespace fabric::config {

const Node* TableData::find(const std::string& key) const {
  auto it = entries.find(key);
  return it == entries.end() ? nullptr : &it->second;
}

Node* TableData::find(const std::string& key) {
  auto it = entries.find(key);
  return it == entries.end() ? nullptr : &it->second;
}

void TableData::put(const std::string& key, Node node) {
  auto [it, inserted] = entries.insert_or_assign(key, std::move(node));
  if (inserted) order.push_back(key);
}

bool TableData::erase(const std::string& key) {
  if (entries.erase(key) == 0) return false;
  order.erase(std::find(order.begin(), order.end(), key));
  return true;
}

void TableData::rename(const std::string& from, const std::string& to) {
  auto node = entries.extract(from);
  if (node.empty()) return;
  node.key() = to;
  entries.insert(std::move(node));
  std::replace(order.begin(), order.end(), from, to);
}

Tree Tree::fresh(const Schema& schema, bool with_builtins) {
  Tree tree;
  for (const auto& table : schema.tables()) {
    TableData& data = tree.tables[table->name()];
    if (table->singleton()) data.put("", Node{});
    if (!with_builtins) continue;
    for (const auto& builtin : table->builtins()) {
      Node node;
      for (const auto& [attr, values] : builtin.values) node.attrs[attr] = values;
      data.put(table->singleton() ? "" : builtin.mkey, std::move(node));
    }
  }
  return tree;
}

}  // namespace fabric::config
