#pragma once
// CONTRACT (written before the implementation; the implementation may add, not change meaning).
//
// The local console of every daemon: `<program> cli --home DIR [-c LINE]...` talks to the running
// daemon over DIR/console.sock (a Unix socket, mode 0600: local root/owner only, as the appliance
// console is) in framed JSON (common/net/frame_codec.h):
//   client → daemon  {"type":"open"}                       → {"type":"prompt","prompt":"FGT # "}
//   client → daemon  {"type":"line","text":"show system global"}
//   daemon → client  {"type":"result","output":"…","return_code":0,"prompt":"FGT (global) # "}
// Each connection is one config::Session (its own config/edit context), run on the node's
// EventLoop. The client prints output exactly as the console would; it exits non-zero when any
// line failed (return_code != 0), and with a clear message when no daemon runs in DIR.
// Additions: a result also carries "config_mode" (the session is inside config/edit); the line
// "exit" at the top level ends the session ({"type":"result", "exit": true}); a malformed request
// is answered {"type":"error","message":…}.

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/config/engine.h"

namespace fabric::net {
class EventLoop;
}

namespace fabric::console {

class ConsoleServer {
 public:
  // Sessions are opened with `engine.openSession()` and run on `loop`.
  ConsoleServer(net::EventLoop& loop, config::Engine& engine, std::filesystem::path socket_path);
  ~ConsoleServer();
  std::string start();  // "" or the reason
  // Closes every connection and waits for them; call it from a thread other than the loop's, while
  // the loop still runs (each connection closes its session on the loop).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ClientOptions {
  std::filesystem::path socket_path;
  std::vector<std::string> lines;  // -c LINE…; when empty: stdin (interactive with prompts on a tty,
                                   // else a script, one line per line)
  bool echo_commands = false;      // scripts: print "<prompt><line>" before each output
};
// Runs the client side; returns the process exit status (0 all lines ok, 1 a line failed,
// 2 could not reach the daemon).
int runConsoleClient(const ClientOptions& options);

}  // namespace fabric::console
