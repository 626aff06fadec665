// REST representations of entries and of the schema (`?action=schema`).
#include "common/config/cmdb_handler.h"
#include "common/config/values.h"

namespace fabric::config {
namespace {

const char* typeName(const Attribute& a) {
  switch (a.type) {
    case AttrType::kString: return a.datasource.empty() ? "string" : "string";
    case AttrType::kInteger: return "integer";
    case AttrType::kOption: return "option";
    case AttrType::kIpv4: return "ipv4-address";
    case AttrType::kIpMask: return "ipv4-classnet-any";
    case AttrType::kIpv4Classnet: return "ipv4-classnet";
    case AttrType::kPassword: return "password";
    case AttrType::kPasswordHash: return "password";
  }
  return "string";
}

std::string dotted(const std::string& table_name) {
  std::string out = table_name;
  auto last = out.rfind(' ');
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == ' ') out[i] = i == last ? '.' : '.';
  }
  return out;
}

}  // namespace

nlohmann::json cmdbRow(const TableSchema& table, const std::string& key, const Node& node) {
  nlohmann::json row = nlohmann::json::object();
  if (!table.singleton()) {
    if (table.integerMkey()) {
      row[table.mkey()] = std::stoull(key);
    } else {
      row[table.mkey()] = key;
    }
    row["q_origin_key"] = row[table.mkey()];
  }
  for (const auto& a : table.attributes()) row[a.name] = formatJson(a, effective(a, node.attrs));
  for (const auto& child : table.children()) {
    nlohmann::json rows = nlohmann::json::array();
    auto it = node.children.find(child->name());
    if (it != node.children.end()) {
      for (const auto& k : it->second.order) rows.push_back(cmdbRow(*child, k, *it->second.find(k)));
    }
    row[child->name()] = std::move(rows);
  }
  return row;
}

nlohmann::json cmdbSchema(const TableSchema& table, const std::string& name) {
  nlohmann::json out = {{"name", name}, {"category", table.singleton() ? "complex" : "table"}};
  if (!table.singleton()) {
    out["mkey"] = table.mkey();
    out["mkey_type"] = table.integerMkey() ? "integer" : "string";
    if (table.maxEntries()) out["max_entries"] = table.maxEntries();
  }
  nlohmann::json children = nlohmann::json::object();
  for (const auto& a : table.attributes()) {
    nlohmann::json attr = {{"name", a.name}, {"category", "unitary"}, {"type", typeName(a)}};
    if (a.multi) attr["multiple_values"] = true;
    if (a.size) attr["size"] = a.size;
    if (a.type == AttrType::kInteger) {
      attr["min-value"] = a.min;
      attr["max-value"] = a.max;
    }
    if (!a.options.empty()) {
      nlohmann::json options = nlohmann::json::array();
      for (const auto& o : a.options) options.push_back({{"name", o}});
      attr["options"] = std::move(options);
    }
    if (!a.default_value.empty() && !a.isSecret()) attr["default"] = formatJson(a, a.default_value);
    if (!a.datasource.empty()) attr["datasource"] = nlohmann::json::array({dotted(a.datasource)});
    if (a.required) attr["required"] = true;
    children[a.name] = std::move(attr);
  }
  for (const auto& child : table.children()) {
    nlohmann::json c = cmdbSchema(*child, child->name());
    c["category"] = "table";
    children[child->name()] = std::move(c);
  }
  out["children"] = std::move(children);
  return out;
}

}  // namespace fabric::config
