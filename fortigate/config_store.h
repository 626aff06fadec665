#pragma once
// The FortiGate's configuration file: loaded once at start, rewritten atomically (0600: it holds
// ENC secrets) after every commit, and every commit logged as config-change events (0100044545/
// 44546/44547) attributed to whoever made it (the console, or the REST caller). Runs on the
// node's EventLoop.

#include <filesystem>
#include <functional>
#include <string>

#include "common/config/engine.h"
#include "fortigate/event_log.h"

namespace fabric::fortigate {

class ConfigStore {
 public:
  ConfigStore(config::Engine& engine, std::filesystem::path file, EventLog* log);

  // Loads the file into the engine (or writes the defaults when it does not exist yet), then
  // installs the commit listener. "" or the reason ("/x/fortigate.conf: line 3: …").
  std::string open();

  // Who the next commits are attributed to (user="…" ui="…"); the console by default.
  struct Actor {
    std::string user = "admin";
    std::string ui = "console";
  };
  class ScopedActor {
   public:
    ScopedActor(ConfigStore* store, Actor actor);
    ~ScopedActor();
    ScopedActor(const ScopedActor&) = delete;
    ScopedActor& operator=(const ScopedActor&) = delete;

   private:
    ConfigStore* store_;
    Actor previous_;
  };

  // Called after each commit has been written (hostname changes, features that follow config).
  void addListener(std::function<void()> listener);
  const std::string& lastWriteError() const { return write_error_; }

 private:
  void committed();

  config::Engine& engine_;
  std::filesystem::path file_;
  EventLog* log_;
  std::string saved_;  // the text last written
  Actor actor_;
  std::string write_error_;
  std::vector<std::function<void()>> listeners_;
};

}  // namespace fabric::fortigate
