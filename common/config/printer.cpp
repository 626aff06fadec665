#include "common/config/printer.h"

#include "common/config/lexer.h"
#include "common/config/values.h"

namespace fabric::config {
namespace {

void indent(int level, std::string& out) { out.append(static_cast<size_t>(level) * 4, ' '); }

// FortiOS `get` pads the attribute name to a 20-character column.
void getLine(const std::string& name, const std::string& value, std::string& out) {
  out += name;
  if (name.size() < 20) out.append(20 - name.size(), ' ');
  out += ": ";
  out += value;
  out += '\n';
}

}  // namespace

std::string formatMkey(const TableSchema& table, const std::string& key) {
  return table.integerMkey() ? key : quote(key);
}

void showEntryBody(const TableSchema& table, const Node& node, bool full, int level, std::string& out) {
  for (const auto& a : table.attributes()) {
    const auto& values = effective(a, node.attrs);
    if (!full && isDefault(a, values)) continue;
    std::string text = formatShow(a, values);
    if (text.empty()) continue;  // an empty secret, list or option prints nothing
    indent(level, out);
    out += "set " + a.name + " " + text + "\n";
  }
  for (const auto& child : table.children()) {
    auto it = node.children.find(child->name());
    static const TableData kEmpty;
    const TableData& data = it == node.children.end() ? kEmpty : it->second;
    if (!full && data.size() == 0) continue;
    showTable(*child, child->name(), data, full, level, out);
  }
}

void showTable(const TableSchema& table, const std::string& config_name, const TableData& data, bool full,
               int level, std::string& out, const std::string* only) {
  indent(level, out);
  out += "config " + config_name + "\n";
  if (table.singleton()) {
    if (const Node* node = data.find("")) showEntryBody(table, *node, full, level + 1, out);
  } else {
    for (const auto& key : data.order) {
      if (only && key != *only) continue;
      indent(level + 1, out);
      out += "edit " + formatMkey(table, key) + "\n";
      showEntryBody(table, *data.find(key), full, level + 2, out);
      indent(level + 1, out);
      out += "next\n";
    }
  }
  indent(level, out);
  out += "end\n";
}

void getEntry(const TableSchema& table, const std::string& key, const Node& node, std::string& out) {
  if (!table.singleton()) getLine(table.mkey(), key, out);
  for (const auto& a : table.attributes()) getLine(a.name, formatGet(a, effective(a, node.attrs)), out);
  for (const auto& child : table.children()) {
    out += child->name() + ":\n";
    auto it = node.children.find(child->name());
    if (it == node.children.end()) continue;
    for (const auto& child_key : it->second.order) {
      out += "    == [ " + child_key + " ]\n";
      out += "    " + child->mkey() + ": " + child_key + "\n";
    }
  }
}

void getTable(const TableSchema& table, const TableData& data, std::string& out) {
  for (const auto& key : data.order) {
    out += "== [ " + key + " ]\n";
    out += table.mkey() + ": " + key + "\n";
  }
}

}  // namespace fabric::config
