#pragma once
// CONTRACT (written before the implementation so that the FortiGate daemon and the config engine
// can be built in parallel). The implementation may add to this header; it must not change the
// meaning of what is here without updating every caller.
//
// The configuration engine: the FortiOS CLI language driven by a schema that is data (DESIGN.md
// "Configuration: one language, four schemas"). One Engine holds one node's schema and tree.
// Threading: not thread-safe; a daemon's Engine is owned by its event loop and only touched there.

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace fabric::config {

class Schema;  // schema.h: tables, singletons, nested tables, typed attributes, datasources
class Session;

// Result of running one CLI line. `output` is exactly what a FortiOS console prints for the line
// (show text, get text, or the error lines followed by "Command fail. Return code <n>"), each line
// ending in '\n'. `return_code` is 0 on success, else the FortiOS code (-1, -3, -5, -15, -61, -651…).
struct LineResult {
  std::string output;
  int return_code = 0;
  bool ok() const { return return_code == 0; }
};

// Addresses a table entry, a singleton or a nested table entry: alternating names and mkeys, e.g.
//   {"system global"}                                   singleton
//   {"system automation-trigger", "trigger01"}          table entry
//   {"system api-user", "bot", "trusthost", "1"}        nested table entry
using Path = std::vector<std::string>;

// A node-specific command (execute …, diagnose …, get system status): receives the words after the
// registered prefix. Runs at the top level of a session.
using CommandHandler = std::function<LineResult(Session&, std::span<const std::string> args)>;

// Context for the REST cmdb face (FortiOS REST API v2 envelope fields).
struct CmdbContext {
  std::string serial;   // "FGVM01TM00000001"
  std::string version;  // "v6.0.x"
  int build = 0;
  std::string vdom = "root";
};

// A REST cmdb call, already split: for /api/v2/cmdb/system/automation-stitch/stitch01?filter=…
// path = {"system", "automation-stitch", "stitch01"}; query holds decoded parameters in order
// (repeated keys repeat); body is the parsed JSON body (null when there is none).
struct CmdbRequest {
  std::string method;  // GET, POST, PUT, DELETE
  std::vector<std::string> path;
  std::vector<std::pair<std::string, std::string>> query;
  nlohmann::json body;
};
struct CmdbResponse {
  int http_status = 200;
  nlohmann::json body;  // the full FortiOS envelope
};

class Engine {
 public:
  // `secret_key` is the node's key for reversible secrets (ENC …); 32 bytes.
  Engine(std::shared_ptr<const Schema> schema, std::string hostname_for_prompt_default,
         std::string secret_key);
  ~Engine();

  // Replaces the tree with the configuration text (a config file as save() writes it, or any
  // script of CLI lines). All-or-nothing: on failure the tree is unchanged and the result names the
  // first failing line ("line 12: …" + the CLI error text).
  LineResult load(std::string_view text);
  // The whole configuration as a config file: header line, then `show` of every non-default object.
  std::string save() const;

  // Called after every successful change (next/end/delete/purge/rename/REST write/command hook).
  void setCommitListener(std::function<void()> listener);
  // Monotonic revision counter, bumped on every commit (the REST `revision`).
  unsigned long revision() const;

  std::unique_ptr<Session> openSession();
  // Registers `execute api-user generate-key`, `diagnose endpoint record list`, … by word prefix.
  void addCommand(std::vector<std::string> prefix, CommandHandler handler);

  CmdbResponse cmdb(const CmdbRequest& request, const CmdbContext& context);

  // Read access, values printed as FortiOS `get` shows them but unquoted: "enable", "10.0.0.1
  // 255.255.255.255", "\"a\" \"b\"" for multi-value lists is returned as {"a","b"} by values().
  // Defaults apply: an unset attribute returns its default. nullopt when the object is missing.
  std::optional<std::string> value(const Path& object, std::string_view attribute) const;
  std::optional<std::vector<std::string>> values(const Path& object, std::string_view attribute) const;
  // mkeys of a table (or nested table) in display order.
  std::vector<std::string> keys(const Path& table) const;
  // Secrets: the clear text of a reversible secret (e.g. forticlient-ems admin-password), and a
  // check of a candidate against a one-way password (system admin password).
  std::optional<std::string> secret(const Path& object, std::string_view attribute) const;
  bool verifyPassword(const Path& object, std::string_view attribute, std::string_view candidate) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A console session: its own config/edit context stack and pending (uncommitted) edits.
class Session {
 public:
  virtual ~Session() = default;
  virtual LineResult execute(std::string_view line) = 0;
  // "FGT # ", "FGT (automation-trigger) # ", "FGT (trigger01) # " — hostname from system global.
  virtual std::string prompt() const = 0;
  // True while inside config/edit; a script that ends there has its pending edits discarded.
  virtual bool inConfigMode() const = 0;
};

}  // namespace fabric::config
