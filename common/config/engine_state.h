#pragma once
// Internal: the state one Engine owns, shared by its sessions and its REST face.

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/config/engine.h"
#include "common/config/schema.h"
#include "common/config/secret_box.h"
#include "common/config/tree.h"

namespace fabric::config {

struct EngineState {
  EngineState(std::shared_ptr<const Schema> s, std::string host, std::string_view key)
      : schema(std::move(s)), hostname(std::move(host)), secrets(key), tree(Tree::fresh(*schema)) {}

  std::shared_ptr<const Schema> schema;
  std::string hostname;
  SecretBox secrets;
  Tree tree;
  unsigned long revision = 0;
  std::function<void()> listener;
  std::vector<std::pair<std::vector<std::string>, CommandHandler>> commands;

  void committed() {
    ++revision;
    if (listener) listener();
  }
};

struct Engine::Impl {
  Impl(std::shared_ptr<const Schema> schema, std::string hostname, std::string_view key)
      : state(std::move(schema), std::move(hostname), key) {}
  EngineState state;
};

// `message` lines, then `Command fail. Return code <code>`.
LineResult cliFail(const std::vector<std::string>& lines, int code);

}  // namespace fabric::config
