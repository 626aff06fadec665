#include "common/config/engine.h"

#include "common/config/cli_session.h"
#include "common/config/cmdb_handler.h"
#include "common/config/engine_state.h"
#include "common/config/printer.h"
#include "common/config/values.h"

namespace fabric::config {

namespace {

// Finds the node a Path names: {"table"} (singleton), {"table", key}, {"table", key, child, key}…
const Node* findNode(const EngineState& state, const Path& path, const TableSchema** schema_out) {
  if (path.empty()) return nullptr;
  const TableSchema* table = state.schema->find(path[0]);
  if (!table) return nullptr;
  auto it = state.tree.tables.find(table->name());
  if (it == state.tree.tables.end()) return nullptr;
  const Node* node = nullptr;
  size_t i = 1;
  if (table->singleton()) {
    node = it->second.find("");
  } else {
    if (path.size() < 2) return nullptr;
    node = it->second.find(path[1]);
    i = 2;
  }
  while (node && i + 1 < path.size()) {
    const TableSchema* child = table->child(path[i]);
    if (!child) return nullptr;
    auto c = node->children.find(path[i]);
    if (c == node->children.end()) return nullptr;
    node = c->second.find(path[i + 1]);
    table = child;
    i += 2;
  }
  if (i != path.size()) return nullptr;
  if (schema_out) *schema_out = table;
  return node;
}

std::string buildNumber(const std::string& version) {
  auto pos = version.find("build");
  if (pos == std::string::npos) return "0000";
  return version.substr(pos + 5, 4);
}

}  // namespace

Engine::Engine(std::shared_ptr<const Schema> schema, std::string hostname, std::string secret_key)
    : impl_(std::make_unique<Impl>(std::move(schema), std::move(hostname), secret_key)) {
  // A fresh node carries its hostname in `system global`, as a factory FortiGate does.
  auto global = impl_->state.tree.tables.find("system global");
  const TableSchema* table = impl_->state.schema->find("system global");
  if (global != impl_->state.tree.tables.end() && table && table->attribute("hostname")) {
    global->second.find("")->attrs["hostname"] = {impl_->state.hostname};
  }
}

Engine::~Engine() = default;

LineResult Engine::load(std::string_view text) {
  EngineState& state = impl_->state;
  LexResult lexed = lex(text);
  if (lexed.unterminated) {
    return cliFail({"line " + std::to_string(lexed.unterminated_line) + ": unterminated quoted string"}, -61);
  }
  // A config file (as save() writes it, header first) lists every entry, built-in ones included,
  // so it starts from empty tables; any other script applies to the factory configuration.
  const bool config_file = text.substr(0, 16) == "#config-version=";
  Tree scratch = Tree::fresh(*state.schema, /*with_builtins=*/!config_file);
  // The loaded text replaces everything but the hostname, which a file may omit.
  if (auto global = scratch.tables.find("system global"); global != scratch.tables.end()) {
    auto current = state.tree.tables.find("system global");
    const Node* node = current == state.tree.tables.end() ? nullptr : current->second.find("");
    if (node && node->attrs.count("hostname")) global->second.find("")->attrs["hostname"] = node->attrs.at("hostname");
  }
  CliSession session(state, scratch, /*live=*/false);
  size_t last_line = 0;
  for (const auto& command : lexed.commands) {
    last_line = command.line;
    LineResult r = session.run(command);
    if (!r.ok()) {
      r.output = "line " + std::to_string(command.line) + ": " + r.output;
      return r;
    }
  }
  if (session.inConfigMode()) {
    return cliFail({"line " + std::to_string(last_line) + ": configuration ends inside a config block (missing 'end')"},
                   -61);
  }
  state.tree = std::move(scratch);
  ++state.revision;
  return {};
}

std::string Engine::save() const {
  const EngineState& state = impl_->state;
  std::string out = "#config-version=" + state.schema->configVersion() + ":opmode=0:vdom=0:user=admin\n";
  out += "#buildno=" + buildNumber(state.schema->configVersion()) + "\n";
  out += "#global_vdom=1\n";
  for (const auto& table : state.schema->tables()) {
    auto it = state.tree.tables.find(table->name());
    static const TableData kEmpty;
    showTable(*table, table->name(), it == state.tree.tables.end() ? kEmpty : it->second, false, 0, out);
  }
  return out;
}

CmdbResponse Engine::cmdb(const CmdbRequest& request, const CmdbContext& context) {
  return handleCmdb(impl_->state, request, context);
}

void Engine::setCommitListener(std::function<void()> listener) { impl_->state.listener = std::move(listener); }

unsigned long Engine::revision() const { return impl_->state.revision; }

std::unique_ptr<Session> Engine::openSession() {
  return std::make_unique<CliSession>(impl_->state, impl_->state.tree, /*live=*/true);
}

void Engine::addCommand(std::vector<std::string> prefix, CommandHandler handler) {
  impl_->state.commands.emplace_back(std::move(prefix), std::move(handler));
}

std::optional<std::string> Engine::value(const Path& object, std::string_view attribute) const {
  auto all = values(object, attribute);
  if (!all) return std::nullopt;
  const TableSchema* table = nullptr;
  findNode(impl_->state, object, &table);
  const Attribute* a = table ? table->attribute(attribute) : nullptr;
  if (a && a->isSecret()) return all->empty() ? "" : "ENC " + (*all)[0];
  std::string out;
  for (const auto& v : *all) {
    if (!out.empty()) out.push_back(' ');
    out += (a && a->multi && a->type == AttrType::kString) ? quote(v) : v;
  }
  return out;
}

std::optional<std::vector<std::string>> Engine::values(const Path& object, std::string_view attribute) const {
  const TableSchema* table = nullptr;
  const Node* node = findNode(impl_->state, object, &table);
  if (!node) return std::nullopt;
  if (!table->singleton() && attribute == table->mkey()) return std::vector<std::string>{object.back()};
  const Attribute* a = table->attribute(attribute);
  if (!a) return std::nullopt;
  return effective(*a, node->attrs);
}

std::vector<std::string> Engine::keys(const Path& table_path) const {
  const EngineState& state = impl_->state;
  if (table_path.size() == 1) {
    auto it = state.tree.tables.find(table_path[0]);
    return it == state.tree.tables.end() ? std::vector<std::string>{} : it->second.order;
  }
  if (table_path.size() < 3) return {};
  Path parent(table_path.begin(), table_path.end() - 1);
  const Node* node = findNode(state, parent, nullptr);
  if (!node) return {};
  auto it = node->children.find(table_path.back());
  return it == node->children.end() ? std::vector<std::string>{} : it->second.order;
}

std::optional<std::string> Engine::secret(const Path& object, std::string_view attribute) const {
  const TableSchema* table = nullptr;
  const Node* node = findNode(impl_->state, object, &table);
  if (!node) return std::nullopt;
  const Attribute* a = table->attribute(attribute);
  if (!a || a->type != AttrType::kPassword) return std::nullopt;
  const auto& v = effective(*a, node->attrs);
  if (v.empty()) return std::string();
  return impl_->state.secrets.open(v[0]);
}

bool Engine::verifyPassword(const Path& object, std::string_view attribute, std::string_view candidate) const {
  const TableSchema* table = nullptr;
  const Node* node = findNode(impl_->state, object, &table);
  if (!node) return false;
  const Attribute* a = table->attribute(attribute);
  if (!a || a->type != AttrType::kPasswordHash) return false;
  const auto& v = effective(*a, node->attrs);
  return SecretBox::verifyPassword(v.empty() ? "" : v[0], candidate);
}

}  // namespace fabric::config
