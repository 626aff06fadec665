#include "common/config/cli_session.h"

#include <algorithm>

#include "common/config/integrity.h"
#include "common/config/printer.h"

namespace fabric::config {
namespace {

constexpr int kUnknownAction = -1;
constexpr int kParseError = -61;

LineResult unknownAction() { return cliFail({"Unknown action 0"}, kUnknownAction); }
LineResult parseError(const std::string& token) {
  return cliFail({"command parse error before '" + token + "'"}, kParseError);
}

// Finds the table named by words[start…]: the longest run of words that is a table name.
// On failure `error_token` is the first word that cannot continue any table name.
const TableSchema* resolveTable(const Schema& schema, const std::vector<Token>& w, size_t start, size_t& end,
                                std::string& error_token) {
  std::string name;
  const TableSchema* found = nullptr;
  for (size_t i = start; i < w.size(); ++i) {
    std::string candidate = name.empty() ? w[i].text : name + " " + w[i].text;
    bool prefix = false;
    for (const auto& t : schema.tables()) {
      if (t->name() == candidate) {
        found = t.get();
        end = i + 1;
      }
      if (t->name().size() > candidate.size() && t->name().compare(0, candidate.size() + 1, candidate + " ") == 0) {
        prefix = true;
      }
    }
    if (!prefix) {
      if (!found || end != i + 1) error_token = w[i].text;
      break;
    }
    name = std::move(candidate);
  }
  return found;
}

}  // namespace

LineResult cliFail(const std::vector<std::string>& lines, int code) {
  LineResult r;
  for (const auto& line : lines) r.output += line + "\n";
  r.output += "Command fail. Return code " + std::to_string(code) + "\n";
  r.return_code = code;
  return r;
}

CliSession::CliSession(EngineState& state, Tree& tree, bool live) : state_(state), tree_(tree), live_(live) {}

LineResult CliSession::execute(std::string_view line) {
  std::string text = pending_ + std::string(line);
  LexResult lexed = lex(text);
  if (lexed.unterminated) {
    pending_ = text + "\n";  // FortiOS keeps reading until the quote is closed
    return {};
  }
  pending_.clear();
  LineResult total;
  for (const auto& command : lexed.commands) {
    LineResult r = run(command);
    total.output += r.output;
    if (!r.ok()) {
      total.return_code = r.return_code;
      break;
    }
  }
  return total;
}

std::string CliSession::prompt() const {
  std::string host = state_.hostname;
  auto global = tree_.tables.find("system global");
  if (global != tree_.tables.end()) {
    if (const Node* node = global->second.find("")) {
      auto it = node->attrs.find("hostname");
      if (it != node->attrs.end() && !it->second.empty()) host = it->second[0];
    }
  }
  if (frames_.empty()) return host + " # ";
  const Frame& f = frames_.back();
  std::string where = f.entry && !f.table->singleton() ? f.key : f.table->shortName();
  return host + " (" + where + ") # ";
}

LineResult CliSession::run(const Command& command) {
  const auto& w = command.words;
  if (w.empty()) return {};
  if (frames_.empty()) return runTop(w);
  return frames_.back().entry ? runEntry(w) : runTable(w);
}

LineResult CliSession::runTop(const std::vector<Token>& w) {
  const std::string& verb = w[0].text;
  if (verb == "config") return doConfig(w);
  if (verb == "show") return doShowOrGet(w, false);
  if (live_) {
    const std::pair<std::vector<std::string>, CommandHandler>* best = nullptr;
    for (const auto& entry : state_.commands) {
      const auto& prefix = entry.first;
      if (prefix.size() > w.size()) continue;
      bool match = true;
      for (size_t i = 0; i < prefix.size() && match; ++i) match = w[i].text == prefix[i];
      if (match && (!best || prefix.size() > best->first.size())) best = &entry;
    }
    if (best) {
      std::vector<std::string> args;
      for (size_t i = best->first.size(); i < w.size(); ++i) args.push_back(w[i].text);
      return best->second(*this, args);
    }
  }
  if (verb == "get") return doShowOrGet(w, true);
  return unknownAction();
}

LineResult CliSession::doConfig(const std::vector<Token>& w) {
  size_t end = 0;
  std::string error_token;
  const TableSchema* table = resolveTable(*state_.schema, w, 1, end, error_token);
  if (!table) return parseError(w.size() > 1 ? (error_token.empty() ? w.back().text : error_token) : "");
  if (end < w.size()) return parseError(w[end].text);
  Frame frame;
  frame.table = table;
  if (table->singleton()) {
    frame.entry = true;
    if (const Node* node = tree_.tables[table->name()].find("")) frame.staged = *node;
  }
  frames_.push_back(std::move(frame));
  return {};
}

LineResult CliSession::doShowOrGet(const std::vector<Token>& w, bool get) {
  size_t i = 1;
  bool full = false;
  if (!get && i < w.size() && w[i].text == "full-configuration") {
    full = true;
    ++i;
  }
  LineResult r;
  if (i == w.size()) {
    if (get) return parseError("");
    for (const auto& t : state_.schema->tables()) {
      showTable(*t, t->name(), tree_.tables[t->name()], full, 0, r.output);
    }
    return r;
  }
  size_t end = 0;
  std::string error_token;
  const TableSchema* table = resolveTable(*state_.schema, w, i, end, error_token);
  if (!table) return parseError(error_token.empty() ? w.back().text : error_token);
  const TableData& data = tree_.tables[table->name()];
  std::string key;
  bool one = false;
  if (end < w.size()) {
    if (table->singleton() || w[end].text == "|") return parseError(w[end].text);
    if (end + 1 < w.size()) return parseError(w[end + 1].text);
    key = w[end].text;
    one = true;
    if (!data.find(key)) {
      return cliFail({"entry not found in datasource", "value parse error before '" + key + "'"}, -3);
    }
  }
  if (get) {
    if (table->singleton()) {
      getEntry(*table, "", *data.find(""), r.output);
    } else if (one) {
      getEntry(*table, key, *data.find(key), r.output);
    } else {
      getTable(*table, data, r.output);
    }
  } else {
    showTable(*table, table->name(), data, full, 0, r.output, one ? &key : nullptr);
  }
  return r;
}

void CliSession::leave(size_t count) {
  for (size_t i = 0; i < count && !frames_.empty(); ++i) frames_.pop_back();
}

bool CliSession::topLevel() const {
  // The innermost table frame is frames_[0], or the frame is a (top-level) singleton.
  for (size_t i = frames_.size(); i-- > 0;) {
    if (!frames_[i].entry) return i == 0;
  }
  return true;
}

TableData& CliSession::container() {
  size_t t = frames_.size() - 1;
  const TableSchema* table = frames_[t].table;
  if (table->singleton()) return tree_.tables[table->name()];
  if (frames_[t].entry) --t;
  if (t == 0) return tree_.tables[table->name()];
  return frames_[t - 1].staged.children[table->name()];
}

LineResult CliSession::runTable(const std::vector<Token>& w) {
  const std::string& verb = w[0].text;
  const TableSchema& table = *frames_.back().table;
  if (verb == "edit") return doEdit(w);
  if (verb == "delete") return doDelete(w, false);
  if (verb == "purge") return doDelete(w, true);
  if (verb == "rename") return doRename(w);
  if (verb == "end" || verb == "abort") {
    if (w.size() > 1) return parseError(w[1].text);
    leave(1);
    return {};
  }
  if (verb == "show") {
    bool full = w.size() > 1 && w[1].text == "full-configuration";
    if (w.size() > (full ? 2u : 1u)) return parseError(w.back().text);
    LineResult r;
    showTable(table, table.name(), container(), full, 0, r.output);
    return r;
  }
  if (verb == "get") {
    LineResult r;
    if (w.size() > 2) return parseError(w[2].text);
    if (w.size() == 2) {
      const Node* node = container().find(w[1].text);
      if (!node) return cliFail({"entry not found in datasource", "value parse error before '" + w[1].text + "'"}, -3);
      getEntry(table, w[1].text, *node, r.output);
    } else {
      getTable(table, container(), r.output);
    }
    return r;
  }
  return unknownAction();
}

}  // namespace fabric::config
