#include "common/config/cmdb_handler.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>

#include "common/config/cli_session.h"
#include "common/config/values.h"

namespace fabric::config {
namespace {

using nlohmann::json;

// FortiOS reports the configuration revision as a 32-hex-digit digest.
std::string revisionText(unsigned long revision) {
  std::string input = "fabric-config-revision-" + std::to_string(revision);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest, &len, EVP_md5(), nullptr);
  std::string out;
  char hex[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", digest[i]);
    out += hex;
  }
  return out;
}

struct Target {
  const TableSchema* table = nullptr;  // top-level table
  const TableSchema* leaf = nullptr;   // the table the request addresses (child when nested)
  std::string key;                     // top-level mkey ("" when absent)
  std::string child_key;               // nested mkey ("" when absent)
  bool has_key = false, has_child = false, has_child_key = false;
};

class Call {
 public:
  Call(EngineState& state, const CmdbRequest& request, const CmdbContext& context)
      : state_(state), req_(request), ctx_(context) {}

  CmdbResponse run();

 private:
  json envelope(int http_status) const;
  CmdbResponse error(int http_status) const;
  CmdbResponse cliError(const LineResult& r, unsigned long old_revision) const;
  CmdbResponse get(const Target& t);
  CmdbResponse write(const Target& t);
  std::optional<std::string> query(const std::string& name) const;
  bool matches(const json& row) const;
  // Appends the commands that set `body` on the entry being edited.
  std::optional<LineResult> bodyCommands(const TableSchema& table, const json& body, std::vector<Command>& out) const;

  EngineState& state_;
  const CmdbRequest& req_;
  const CmdbContext& ctx_;
  std::string mkey_;  // for the envelope
};

Command cmd(std::vector<std::string> words) {
  Command c;
  for (auto& w : words) c.words.push_back(Token{std::move(w), true});
  c.words[0].quoted = false;
  return c;
}

json Call::envelope(int http_status) const {
  json out = {{"http_method", req_.method}, {"revision", revisionText(state_.revision)}};
  out["vdom"] = ctx_.vdom;
  out["path"] = req_.path.size() > 0 ? req_.path[0] : "";
  out["name"] = req_.path.size() > 1 ? req_.path[1] : "";
  out["status"] = http_status == 200 ? "success" : "error";
  out["http_status"] = http_status;
  if (!mkey_.empty()) out["mkey"] = mkey_;
  out["serial"] = ctx_.serial;
  out["version"] = ctx_.version;
  out["build"] = ctx_.build;
  return out;
}

CmdbResponse Call::error(int http_status) const { return {http_status, envelope(http_status)}; }

CmdbResponse Call::cliError(const LineResult& r, unsigned long old_revision) const {
  json out = envelope(500);
  out["revision_changed"] = state_.revision != old_revision;
  out["old_revision"] = revisionText(old_revision);
  out["error"] = r.return_code;
  out["cli_error"] = r.output;
  return {500, out};
}

std::optional<std::string> Call::query(const std::string& name) const {
  for (const auto& [k, v] : req_.query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

bool fieldMatches(const json& value, const std::string& op, const std::string& operand) {
  auto test = [&](const std::string& text) {
    if (op == "==") return text == operand;
    if (op == "!=") return text != operand;
    if (op == "=@") return text.find(operand) != std::string::npos;
    if (op == "!@") return text.find(operand) == std::string::npos;
    return false;
  };
  if (value.is_array()) {
    bool any = false;
    for (const auto& item : value) {
      std::string text = item.is_object() && item.contains("name") ? item["name"].get<std::string>() : item.dump();
      any = any || test(text);
    }
    return (op == "!=" || op == "!@") ? (value.empty() || any) : any;
  }
  if (value.is_string()) return test(value.get<std::string>());
  if (value.is_number()) {
    const std::string text = value.dump();
    if (op == "<" || op == ">" || op == "<=" || op == ">=") {
      try {
        double a = value.get<double>(), b = std::stod(operand);
        return op == "<" ? a < b : op == ">" ? a > b : op == "<=" ? a <= b : a >= b;
      } catch (...) {
        return false;
      }
    }
    return test(text);
  }
  return false;
}

// One `filter=` parameter: comma-separated alternatives.
bool filterMatches(const json& row, const std::string& filter) {
  static const char* kOps[] = {"==", "!=", "=@", "!@", "<=", ">=", "<", ">"};
  size_t start = 0;
  while (start <= filter.size()) {
    size_t comma = filter.find(',', start);
    std::string term = filter.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t best = std::string::npos;
    std::string op;
    for (const char* candidate : kOps) {
      size_t pos = term.find(candidate);
      if (pos != std::string::npos && (pos < best || (pos == best && std::string(candidate).size() > op.size()))) {
        best = pos;
        op = candidate;
      }
    }
    if (best != std::string::npos) {
      std::string field = term.substr(0, best), operand = term.substr(best + op.size());
      if (row.contains(field) && fieldMatches(row[field], op, operand)) return true;
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

bool Call::matches(const json& row) const {
  for (const auto& [k, v] : req_.query) {
    if (k == "filter" && !filterMatches(row, v)) return false;
  }
  return true;
}

size_t toSize(const std::optional<std::string>& text, size_t fallback) {
  if (!text) return fallback;
  try {
    long long v = std::stoll(*text);
    return v < 0 ? fallback : static_cast<size_t>(v);
  } catch (...) {
    return fallback;
  }
}

}  // namespace
}  // namespace fabric::config

namespace fabric::config {
namespace {

CmdbResponse Call::run() {
  const auto& p = req_.path;
  if (req_.method != "GET" && req_.method != "POST" && req_.method != "PUT" && req_.method != "DELETE") {
    return error(405);
  }
  if (p.size() < 2) return error(404);
  std::string name = p[0] + " " + p[1];
  std::replace(name.begin(), name.end(), '.', ' ');
  Target t;
  t.table = state_.schema->find(name);
  if (!t.table) return error(404);
  t.leaf = t.table;
  if (p.size() > 2) {
    if (t.table->singleton()) return error(404);
    t.key = p[2];
    t.has_key = true;
    mkey_ = t.key;
  }
  if (p.size() > 3) {
    t.leaf = t.table->child(p[3]);
    if (!t.leaf) return error(404);
    t.has_child = true;
  }
  if (p.size() > 4) {
    t.child_key = p[4];
    t.has_child_key = true;
  }
  if (p.size() > 5) return error(404);
  if (req_.method == "GET") return get(t);
  return write(t);
}

CmdbResponse Call::get(const Target& t) {
  auto action = query("action");
  json out;
  if (action && *action == "schema") {
    out = envelope(200);
    out["results"] = cmdbSchema(*t.leaf, t.has_child ? t.leaf->name() : req_.path[1]);
    return {200, out};
  }
  if (action && *action == "default") {
    out = envelope(200);
    out["results"] = cmdbRow(*t.leaf, t.leaf->integerMkey() ? "0" : "", Node{});
    if (!t.leaf->singleton()) {
      out["results"].erase("q_origin_key");
    }
    return {200, out};
  }
  const TableData& top = state_.tree.tables[t.table->name()];
  if (t.table->singleton()) {
    out = envelope(200);
    out["results"] = cmdbRow(*t.table, "", *top.find(""));
    return {200, out};
  }
  const TableData* data = &top;
  std::string only;
  bool one = false;
  if (t.has_key) {
    const Node* node = top.find(t.key);
    if (!node) return error(404);
    if (!t.has_child) {
      only = t.key;
      one = true;
    } else {
      static const TableData kEmpty;
      auto it = node->children.find(t.leaf->name());
      data = it == node->children.end() ? &kEmpty : &it->second;
      if (t.has_child_key) {
        if (!data->find(t.child_key)) return error(404);
        only = t.child_key;
        one = true;
      }
    }
  }
  json rows = json::array();
  const size_t start = toSize(query("start"), 0);
  const size_t count = toSize(query("count"), static_cast<size_t>(-1));
  size_t seen = 0;
  auto add = [&](const std::string& key) {
    json row = cmdbRow(*t.leaf, key, *data->find(key));
    if (!matches(row)) return;
    if (seen++ < start || rows.size() >= count) return;
    rows.push_back(std::move(row));
  };
  if (one) {
    add(only);
  } else {
    for (const auto& key : data->order) add(key);
  }
  out = envelope(200);
  out["results"] = std::move(rows);
  if (!one) {
    out["matched_count"] = seen;
    out["next_idx"] = rows.empty() ? 0 : start + out["results"].size() - 1;
  }
  return {200, out};
}

// JSON value -> the words of `set <attribute> …`; nullopt means `unset`.
std::optional<std::vector<std::string>> wordsOf(const Attribute& a, const json& value, bool& keep) {
  keep = false;
  if (value.is_null()) return std::nullopt;
  std::vector<std::string> words;
  if (value.is_number_integer() || value.is_number_unsigned()) return std::vector<std::string>{value.dump()};
  if (value.is_number()) return std::vector<std::string>{value.dump()};
  if (value.is_boolean()) return std::vector<std::string>{value.get<bool>() ? "enable" : "disable"};
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    if (a.isSecret() && text.rfind("ENC ", 0) == 0) {
      keep = true;  // a client sending back what GET returned: keep the stored secret
      return words;
    }
    if (a.type == AttrType::kIpMask || a.type == AttrType::kIpv4Classnet || (a.multi && a.type == AttrType::kOption)) {
      size_t start = 0;
      while (start < text.size()) {
        size_t space = text.find(' ', start);
        if (space != start) words.push_back(text.substr(start, space == std::string::npos ? space : space - start));
        if (space == std::string::npos) break;
        start = space + 1;
      }
      if (words.empty()) return std::nullopt;
      return words;
    }
    return std::vector<std::string>{text};
  }
  if (value.is_array()) {
    for (const auto& item : value) {
      if (item.is_object() && item.contains("name")) {
        words.push_back(item["name"].is_string() ? item["name"].get<std::string>() : item["name"].dump());
      } else if (item.is_string()) {
        words.push_back(item.get<std::string>());
      } else {
        words.push_back(item.dump());
      }
    }
    if (words.empty()) return std::nullopt;
    return words;
  }
  return std::vector<std::string>{value.dump()};
}

std::optional<LineResult> Call::bodyCommands(const TableSchema& table, const json& body,
                                             std::vector<Command>& out) const {
  for (const auto& [field, value] : body.items()) {
    if (field == "q_origin_key" || (!table.singleton() && field == table.mkey())) continue;
    if (const TableSchema* child = table.child(field)) {
      if (!value.is_array()) {
        return cliFail({"value parse error before '" + field + "'"}, -651);
      }
      out.push_back(cmd({"config", field}));
      out.push_back(cmd({"purge"}));
      for (const auto& item : value) {
        if (!item.is_object()) return cliFail({"value parse error before '" + field + "'"}, -651);
        std::string key = item.contains(child->mkey()) ? (item[child->mkey()].is_string()
                                                              ? item[child->mkey()].get<std::string>()
                                                              : item[child->mkey()].dump())
                                                       : (child->integerMkey() ? "0" : "");
        out.push_back(cmd({"edit", key}));
        if (auto err = bodyCommands(*child, item, out)) return err;
        out.push_back(cmd({"next"}));
      }
      out.push_back(cmd({"end"}));
      continue;
    }
    const Attribute* a = table.attribute(field);
    if (!a) {
      out.push_back(cmd({"set", field, "x"}));  // fails exactly as the CLI does
      continue;
    }
    bool keep = false;
    auto words = wordsOf(*a, value, keep);
    if (keep) continue;
    if (!words) {
      out.push_back(cmd({"unset", field}));
      continue;
    }
    std::vector<std::string> line = {"set", field};
    line.insert(line.end(), words->begin(), words->end());
    out.push_back(cmd(std::move(line)));
  }
  return std::nullopt;
}

std::string keyText(const json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

CmdbResponse Call::write(const Target& t) {
  const std::string& m = req_.method;
  const TableSchema& top = *t.table;
  const TableData& data = state_.tree.tables[top.name()];
  const json& body = req_.body.is_object() ? req_.body : json::object();
  if (!req_.body.is_null() && !req_.body.is_object()) return error(400);
  std::vector<Command> script;
  script.push_back(cmd({"config"}));
  {
    // `config` takes the table name as several words.
    std::string name = top.name();
    size_t start = 0;
    while (true) {
      size_t space = name.find(' ', start);
      script.back().words.push_back(Token{name.substr(start, space == std::string::npos ? space : space - start), false});
      if (space == std::string::npos) break;
      start = space + 1;
    }
  }
  const unsigned long old_revision = state_.revision;
  std::string created_key;

  if (top.singleton()) {
    if (m != "PUT" || t.has_key) return error(405);
    if (auto err = bodyCommands(top, body, script)) return cliError(*err, old_revision);
    script.push_back(cmd({"end"}));
  } else if (!t.has_child) {
    std::string key = t.key;
    if (m == "POST") {
      if (!t.has_key) {
        if (body.contains(top.mkey())) key = keyText(body[top.mkey()]);
        else if (top.integerMkey()) key = "0";
      }
      if (top.integerMkey() && key == "0") {
        unsigned long long next = 1;
        for (const auto& [k, n] : data.entries) next = std::max(next, std::stoull(k) + 1);
        key = std::to_string(next);
      }
      if (data.find(key)) {
        mkey_ = key;
        return cliError(cliFail({"object already exists"}, -5), old_revision);
      }
      created_key = key;
    } else {
      if (!t.has_key) return error(405);
      if (!data.find(key)) return error(404);
    }
    if (m == "DELETE") {
      script.push_back(cmd({"delete", key}));
    } else {
      script.push_back(cmd({"edit", key}));
      if (auto err = bodyCommands(top, body, script)) return cliError(*err, old_revision);
      script.push_back(cmd({"next"}));
    }
    script.push_back(cmd({"end"}));
  } else {
    const Node* parent = data.find(t.key);
    if (!parent) return error(404);
    auto it = parent->children.find(t.leaf->name());
    const TableData* child_data = it == parent->children.end() ? nullptr : &it->second;
    std::string key = t.child_key;
    if (m == "POST") {
      if (!t.has_child_key) {
        if (body.contains(t.leaf->mkey())) key = keyText(body[t.leaf->mkey()]);
        else if (t.leaf->integerMkey()) key = "0";
      }
      if (t.leaf->integerMkey() && key == "0") {
        unsigned long long next = 1;
        if (child_data) for (const auto& [k, n] : child_data->entries) next = std::max(next, std::stoull(k) + 1);
        key = std::to_string(next);
      }
      if (child_data && child_data->find(key)) return cliError(cliFail({"object already exists"}, -5), old_revision);
      created_key = key;
    } else {
      if (!t.has_child_key) return error(405);
      if (!child_data || !child_data->find(key)) return error(404);
    }
    script.push_back(cmd({"edit", t.key}));
    script.push_back(cmd({"config", t.leaf->name()}));
    if (m == "DELETE") {
      script.push_back(cmd({"delete", key}));
    } else {
      script.push_back(cmd({"edit", key}));
      if (auto err = bodyCommands(*t.leaf, body, script)) return cliError(*err, old_revision);
      script.push_back(cmd({"next"}));
    }
    script.push_back(cmd({"end"}));
    script.push_back(cmd({"next"}));
    script.push_back(cmd({"end"}));
  }

  CliSession session(state_, state_.tree, /*live=*/true);
  for (const auto& command : script) {
    LineResult r = session.run(command);
    if (!r.ok()) return cliError(r, old_revision);
  }
  if (!created_key.empty() && !t.has_child) mkey_ = created_key;
  json out = envelope(200);
  out["old_revision"] = revisionText(old_revision);
  out["revision_changed"] = state_.revision != old_revision;
  if (!created_key.empty() && t.has_child) out["mkey"] = created_key;
  return {200, out};
}

}  // namespace

CmdbResponse handleCmdb(EngineState& state, const CmdbRequest& request, const CmdbContext& context) {
  Call call(state, request, context);
  return call.run();
}

}  // namespace fabric::config
