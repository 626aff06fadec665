// `<program> cli --home DIR`: runs lines on the daemon's console and prints exactly what the
// console prints. -c lines, then (without -c) standard input: interactive with prompts on a tty,
// otherwise a script.
#include <unistd.h>

#include <iostream>
#include <string>

#include "common/console/console.h"
#include "common/console/local_socket.h"

namespace fabric::console {
namespace {

constexpr int kOk = 0;
constexpr int kLineFailed = 1;
constexpr int kUnreachable = 2;

struct Runner {
  LocalSocketClient client;
  std::string prompt;
  bool failed = false;
  bool config_mode = false;
  bool exited = false;

  // false when the daemon went away.
  bool run(const std::string& line, bool echo) {
    if (echo) std::cout << prompt << line << "\n";
    auto reply = client.request({{"type", "line"}, {"text", line}});
    if (!reply) {
      std::cerr << "console: lost the daemon: " << client.error() << "\n";
      return false;
    }
    if (reply->value("type", "") == "error") {
      std::cerr << "console: " << reply->value("message", "error") << "\n";
      failed = true;
      return true;
    }
    std::cout << reply->value("output", "");
    std::cout.flush();
    if (reply->value("return_code", 0) != 0) failed = true;
    prompt = reply->value("prompt", prompt);
    config_mode = reply->value("config_mode", false);
    exited = reply->value("exit", false);
    return true;
  }
};

}  // namespace

int runConsoleClient(const ClientOptions& options) {
  Runner r;
  if (std::string err = r.client.connect(options.socket_path); !err.empty()) {
    std::cerr << "cannot reach the daemon: no daemon answers on " << options.socket_path.string() << " ("
              << err << ")\n";
    return kUnreachable;
  }
  auto opened = r.client.request({{"type", "open"}});
  if (!opened || opened->value("type", "") != "prompt") {
    std::cerr << "cannot open a console session: "
              << (opened ? opened->value("message", opened->dump()) : r.client.error()) << "\n";
    return kUnreachable;
  }
  r.prompt = opened->value("prompt", "");

  if (!options.lines.empty()) {
    for (const auto& line : options.lines) {
      if (!r.run(line, options.echo_commands)) return kUnreachable;
      if (r.exited) break;
    }
  } else if (::isatty(STDIN_FILENO) != 0) {
    std::string line;
    for (;;) {
      std::cout << r.prompt << std::flush;
      if (!std::getline(std::cin, line)) {
        std::cout << "\n";
        break;
      }
      if (!r.run(line, false)) return kUnreachable;
      if (r.exited) break;
    }
  } else {
    std::string line;
    while (std::getline(std::cin, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!r.run(line, options.echo_commands)) return kUnreachable;
      if (r.exited) break;
    }
  }
  if (r.config_mode && !r.exited) {
    std::cerr << "console: input ended inside config mode; uncommitted changes were discarded\n";
    r.failed = true;
  }
  return r.failed ? kLineFailed : kOk;
}

}  // namespace fabric::console
