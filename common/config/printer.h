#pragma once
// Printing the tree as FortiOS does: `show` (only non-default settings, replayable commands, four
// spaces per level), `show full-configuration` (every setting) and `get` (`name : value` lines).

#include <string>

#include "common/config/schema.h"
#include "common/config/tree.h"

namespace fabric::config {

// `edit "name"` for string keys, `edit 1` for integer keys.
std::string formatMkey(const TableSchema& table, const std::string& key);

// `config <name>` … `end` at `level`; `only` limits the output to one entry (nullptr = all).
void showTable(const TableSchema& table, const std::string& config_name, const TableData& data, bool full,
               int level, std::string& out, const std::string* only = nullptr);
// The `set` lines and nested tables of one entry, at `level`.
void showEntryBody(const TableSchema& table, const Node& node, bool full, int level, std::string& out);

// `get` of one entry (or of a singleton, key empty).
void getEntry(const TableSchema& table, const std::string& key, const Node& node, std::string& out);
// `get` of a whole table: one `== [ key ]` block per entry.
void getTable(const TableSchema& table, const TableData& data, std::string& out);

}  // namespace fabric::config
