#pragma once
// Compact encoding of a log's key/value pairs for the `fields` BLOB column: for each pair,
// varint(key length) key varint(value length) value. Decoding never reads past the blob, so a
// corrupted blob yields fewer pairs, never a crash. Pairs whose value is already held by a column
// (srcip, devid, …) are left out by the store and put back by the search layer.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fabric::faz {

using FieldPairs = std::vector<std::pair<std::string, std::string>>;

// Appends the encoding of one pair to `out`.
void encodeField(std::string& out, std::string_view key, std::string_view value);

// All pairs of a blob, in stored order.
std::vector<std::pair<std::string_view, std::string_view>> decodeFields(std::string_view blob);

// The value of the first pair named `key`, or nullopt.
std::optional<std::string_view> findField(std::string_view blob, std::string_view key);

}  // namespace fabric::faz
