// CliSession: table-level edits (edit, delete, purge, rename) and entry-level commands (set,
// unset, append, select, unselect, config <nested>, next, end, abort, show, get).
#include <algorithm>
#include <charconv>

#include "common/config/cli_session.h"
#include "common/config/integrity.h"
#include "common/config/printer.h"
#include "common/config/values.h"

namespace fabric::config {
namespace {

constexpr int kParseError = -61;
constexpr int kNotFound = -3;
constexpr int kDuplicated = -15;
constexpr int kInUse = -23;
constexpr int kSetOperator = -651;
constexpr unsigned long long kMaxIntegerKey = 4294967295ULL;

LineResult parseError(const std::string& token) {
  return cliFail({"command parse error before '" + token + "'"}, kParseError);
}
LineResult notFound(const std::string& value) {
  return cliFail({"entry not found in datasource", "value parse error before '" + value + "'"}, kNotFound);
}

// Checks an mkey as typed; integer keys are normalised ("007" -> "7").
std::optional<LineResult> checkKey(const TableSchema& table, std::string& key) {
  if (table.integerMkey()) {
    unsigned long long v = 0;
    auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), v);
    if (key.empty() || ec != std::errc() || p != key.data() + key.size() || v > kMaxIntegerKey) {
      return cliFail({"value parse error before '" + key + "'"}, kSetOperator);
    }
    key = std::to_string(v);
    return std::nullopt;
  }
  if (key.empty() || (table.mkeySize() && key.size() > table.mkeySize())) {
    return cliFail({"value parse error before '" + key + "'"}, kSetOperator);
  }
  return std::nullopt;
}

}  // namespace

LineResult CliSession::doEdit(const std::vector<Token>& w) {
  if (w.size() != 2) return parseError(w.size() > 2 ? w[2].text : "");
  const TableSchema& table = *frames_.back().table;
  std::string key = w[1].text;
  if (auto err = checkKey(table, key)) return *err;
  TableData& data = container();
  if (table.integerMkey() && key == "0") {
    unsigned long long next = 1;
    for (const auto& [k, node] : data.entries) next = std::max(next, std::stoull(k) + 1);
    if (next > kMaxIntegerKey) return cliFail({"value parse error before '0'"}, kSetOperator);
    key = std::to_string(next);
  }
  Frame frame;
  frame.table = &table;
  frame.entry = true;
  frame.key = key;
  if (const Node* existing = data.find(key)) {
    frame.staged = *existing;
  } else if (table.maxEntries() && data.size() >= table.maxEntries()) {
    return cliFail({"The number of entries has reached the limit of " + std::to_string(table.maxEntries()) + "."},
                   kSetOperator);
  }
  frames_.push_back(std::move(frame));
  return {};
}

LineResult CliSession::doDelete(const std::vector<Token>& w, bool purge) {
  const TableSchema& table = *frames_.back().table;
  TableData& data = container();
  std::vector<std::string> victims;
  if (purge) {
    if (w.size() != 1) return parseError(w[1].text);
    victims = data.order;
  } else {
    if (w.size() != 2) return parseError(w.size() > 2 ? w[2].text : "");
    std::string key = w[1].text;
    if (table.integerMkey()) (void)checkKey(table, key);
    if (!data.find(key)) return notFound(w[1].text);
    victims.push_back(key);
  }
  if (topLevel()) {
    for (const auto& key : victims) {
      size_t refs = countReferences(*state_.schema, tree_, table.name(), key);
      if (refs) return cliFail({"The entry is used by other " + std::to_string(refs) + " entries"}, kInUse);
    }
  }
  if (victims.empty()) return {};
  for (const auto& key : victims) data.erase(key);
  if (topLevel() && live_) state_.committed();
  return {};
}

LineResult CliSession::doRename(const std::vector<Token>& w) {
  if (w.size() != 4 || w[2].text != "to") return parseError(w.size() > 2 ? w[2].text : "");
  const TableSchema& table = *frames_.back().table;
  TableData& data = container();
  std::string from = w[1].text, to = w[3].text;
  if (table.integerMkey()) (void)checkKey(table, from);
  if (!data.find(from)) return notFound(w[1].text);
  if (auto err = checkKey(table, to)) return *err;
  if (data.find(to)) return cliFail({"Duplicated entry."}, kDuplicated);
  data.rename(from, to);
  if (topLevel()) {
    renameReferences(*state_.schema, tree_, table.name(), from, to);
    if (live_) state_.committed();
  }
  return {};
}

LineResult CliSession::runEntry(const std::vector<Token>& w) {
  const std::string& verb = w[0].text;
  Frame& frame = frames_.back();
  const TableSchema& table = *frame.table;
  if (verb == "set" || verb == "append" || verb == "select" || verb == "unselect") return doSet(w, verb);
  if (verb == "unset") {
    if (w.size() != 2) return parseError(w.size() > 2 ? w[2].text : "");
    if (!table.attribute(w[1].text)) return parseError(w[1].text);
    frame.staged.attrs.erase(w[1].text);
    return {};
  }
  if (verb == "config") {
    if (w.size() != 2) return parseError(w.size() > 2 ? w[2].text : "");
    const TableSchema* child = table.child(w[1].text);
    if (!child) return parseError(w[1].text);
    Frame nested;
    nested.table = child;
    frames_.push_back(std::move(nested));
    return {};
  }
  if (verb == "next") {
    if (table.singleton()) return cliFail({"Unknown action 0"}, -1);
    if (w.size() > 1) return parseError(w[1].text);
    return commitEntry(false);
  }
  if (verb == "end") {
    if (w.size() > 1) return parseError(w[1].text);
    return commitEntry(true);
  }
  if (verb == "abort") {
    leave(table.singleton() ? 1 : 2);
    return {};
  }
  if (verb == "show" || verb == "get") {
    bool full = verb == "show" && w.size() > 1 && w[1].text == "full-configuration";
    if (w.size() > (full ? 2u : 1u)) return parseError(w.back().text);
    LineResult r;
    if (verb == "get") {
      getEntry(table, frame.key, frame.staged, r.output);
    } else {
      TableData one;
      one.put(frame.key, frame.staged);
      showTable(table, table.name(), one, full, 0, r.output);
    }
    return r;
  }
  return cliFail({"Unknown action 0"}, -1);
}

LineResult CliSession::doSet(const std::vector<Token>& w, const std::string& verb) {
  Frame& frame = frames_.back();
  if (w.size() < 2) return parseError("");
  const Attribute* a = frame.table->attribute(w[1].text);
  if (!a) return parseError(w[1].text);
  const bool list_verb = verb != "set";
  if (list_verb && !a->multi) return parseError(w[1].text);
  std::vector<Token> words(w.begin() + 2, w.end());
  if (verb == "set" && words.empty()) return parseError(w[1].text);
  std::vector<std::string> parsed;
  if (auto err = parseValue(*a, words, state_.secrets, parsed)) return cliFail(err->lines, err->code);
  if (!a->datasource.empty() && verb != "unselect") {
    auto target = tree_.tables.find(a->datasource);
    for (const auto& v : parsed) {
      if (target == tree_.tables.end() || !target->second.find(v)) return notFound(v);
    }
  }
  std::vector<std::string> result = effective(*a, frame.staged.attrs);
  if (verb == "set") {
    result = std::move(parsed);
  } else if (verb == "unselect") {
    for (const auto& v : parsed) result.erase(std::remove(result.begin(), result.end(), v), result.end());
  } else {
    for (auto& v : parsed) {
      if (std::find(result.begin(), result.end(), v) == result.end()) result.push_back(std::move(v));
    }
  }
  if (isDefault(*a, result) || (a->multi && result.empty())) {  // an emptied list returns to its default
    frame.staged.attrs.erase(a->name);
  } else {
    frame.staged.attrs[a->name] = std::move(result);
  }
  return {};
}

LineResult CliSession::commitEntry(bool leave_table) {
  Frame& frame = frames_.back();
  const TableSchema& table = *frame.table;
  const size_t pop_after = (table.singleton() || !leave_table) ? 1 : 2;
  if (auto reason = missingRequired(table, frame.staged)) {
    leave(pop_after);  // FortiOS discards the setting
    return cliFail({*reason, "object set operator error, -651 discard the setting"}, kSetOperator);
  }
  if (auto dangling = danglingReference(table, frame.staged, tree_)) {
    leave(pop_after);
    return notFound(*dangling);
  }
  const bool top = topLevel();
  TableData& data = container();  // stays valid: it is in the tree or in an outer frame
  std::string key = std::move(frame.key);
  Node staged = std::move(frame.staged);
  leave(pop_after);
  const Node* current = data.find(key);
  const bool changed = !current || !(*current == staged);
  if (changed) data.put(key, std::move(staged));
  if (changed && top && live_) state_.committed();
  return {};
}

}  // namespace fabric::config
