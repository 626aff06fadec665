#pragma once
// Internal: the console session. Holds the config/edit context stack; an entry being edited is a
// staged copy, written into the tree (or into its parent's staged copy, for a nested table) only
// by `next`/`end` after validation, so a failed or aborted edit changes nothing.

#include <string>
#include <string_view>
#include <vector>

#include "common/config/engine.h"
#include "common/config/engine_state.h"
#include "common/config/lexer.h"

namespace fabric::config {

class CliSession final : public Session {
 public:
  // `tree` is the tree this session edits: the engine's own, or a scratch tree while loading.
  // `live` sessions notify the commit listener and may run node commands.
  CliSession(EngineState& state, Tree& tree, bool live);

  LineResult execute(std::string_view line) override;
  std::string prompt() const override;
  bool inConfigMode() const override { return !frames_.empty(); }

  LineResult run(const Command& command);

 private:
  struct Frame {
    const TableSchema* table = nullptr;
    bool entry = false;  // false: table level (after `config`); true: in `edit` or a singleton
    std::string key;
    Node staged;
  };

  LineResult runTop(const std::vector<Token>& w);
  LineResult runTable(const std::vector<Token>& w);
  LineResult runEntry(const std::vector<Token>& w);

  LineResult doConfig(const std::vector<Token>& w);
  LineResult doShowOrGet(const std::vector<Token>& w, bool get);
  LineResult doEdit(const std::vector<Token>& w);
  LineResult doDelete(const std::vector<Token>& w, bool purge);
  LineResult doRename(const std::vector<Token>& w);
  LineResult doSet(const std::vector<Token>& w, const std::string& verb);
  LineResult commitEntry(bool leave_table);

  // The table the current table frame edits: a tree table, or a nested table of the parent's
  // staged entry.
  TableData& container();
  bool topLevel() const;  // the current table frame is a top-level table
  void leave(size_t frames);

  EngineState& state_;
  Tree& tree_;
  bool live_;
  std::vector<Frame> frames_;
  std::string pending_;  // input that ended inside a quote, waiting for the rest
};

}  // namespace fabric::config
