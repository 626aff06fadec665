#pragma once
// Child processes of fabricctl: the lab's daemons (detached into their own session so that they
// outlive `fabricctl up` and ignore the terminal's Ctrl-C) and short commands whose output is
// captured (`<program> cli`, `forticlient act|status`). Every process is addressed by pid, never by
// name. Errors throw std::runtime_error naming the program and the failing call.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fabric::lab {

struct DaemonSpec {
  std::filesystem::path program;
  std::vector<std::string> args;    // without argv[0]
  std::filesystem::path output;     // stdout and stderr are appended here
  std::string netns;                // non-empty: run inside this network namespace (ip netns exec)
};

// fork + setsid + exec. The pid is the daemon's own (exec replaces the child; `ip netns exec`
// execs the program in place too).
pid_t spawnDaemon(const DaemonSpec& spec);

// True while `pid` runs (a zombie child of ours is reaped and counts as gone).
bool processAlive(pid_t pid);

// True when /proc/<pid>/cmdline holds `needle` as one of its arguments (guards against a reused pid).
bool processHasArgument(pid_t pid, const std::string& needle);

// SIGTERM, wait up to `grace` for the exit, then SIGKILL and wait for it. Returns true when the
// process had to be killed.
bool stopProcess(pid_t pid, std::chrono::milliseconds grace);
void killProcess(pid_t pid);  // SIGKILL and wait until it is gone

struct CommandResult {
  int exit_code = -1;      // 128 + signal when killed by a signal
  std::string output;      // stdout and stderr, interleaved as written
  bool timed_out = false;
};

// Runs a command to completion (killed after `timeout`), with `input` on its standard input.
CommandResult runCommand(const std::filesystem::path& program, const std::vector<std::string>& args,
                         std::chrono::milliseconds timeout, const std::string& input = "",
                         const std::string& netns = "");

}  // namespace fabric::lab
