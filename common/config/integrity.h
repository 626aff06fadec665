#pragma once
// Datasource integrity: who references an entry, renaming references, required attributes.

#include <optional>
#include <string>

#include "common/config/schema.h"
#include "common/config/tree.h"

namespace fabric::config {

// How many values in the tree name `key` of table `table` (top-level tables only are targets).
size_t countReferences(const Schema& schema, const Tree& tree, const std::string& table, const std::string& key);
// Rewrites every reference to `from` in table `table` so that it names `to`.
void renameReferences(const Schema& schema, Tree& tree, const std::string& table, const std::string& from,
                      const std::string& to);
// The first attribute that must be set but is not: FortiOS's "Attribute 'x' MUST be set."
std::optional<std::string> missingRequired(const TableSchema& table, const Node& node);
// The first datasource value of `node` (not of its nested tables) that names no existing entry.
std::optional<std::string> danglingReference(const TableSchema& table, const Node& node, const Tree& tree);

}  // namespace fabric::config
