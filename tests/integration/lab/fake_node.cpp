// A stand-in for a lab program in the supervision test (the real daemons are tested with the
// scenarios): it follows the daemon conventions (--home DIR, pid file, ready.json written once
// "listening", clean exit on SIGTERM) and can misbehave on request, so every path of
// LabController is exercised: --fail-start (exit before ready), --ignore-term (needs SIGKILL),
// --never-ready.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace {
volatile sig_atomic_t g_stop = 0;
void onTerm(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  std::string home;
  bool fail_start = false, ignore_term = false, never_ready = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--home" && i + 1 < argc) home = argv[++i];
    else if (a == "--listen" || a == "--ems" || a == "--os" || a == "--hostname" || a == "--ip") ++i;
  }
  std::ifstream behaviour(home + "/fake.behaviour");
  std::string word;
  while (behaviour >> word) {
    fail_start |= word == "fail-start";
    ignore_term |= word == "ignore-term";
    never_ready |= word == "never-ready";
  }
  std::printf("fake node in %s\n", home.c_str());
  std::fflush(stdout);
  if (fail_start) {
    std::fprintf(stderr, "cannot listen: address in use\n");
    return 1;
  }
  signal(SIGTERM, ignore_term ? SIG_IGN : onTerm);
  std::ofstream(home + "/fake.pid") << getpid() << "\n";
  if (!never_ready) {
    std::ofstream(home + "/ready.json.tmp") << "{\"pid\": " << getpid() << ", \"ports\": {}}\n";
    std::rename((home + "/ready.json.tmp").c_str(), (home + "/ready.json").c_str());
  }
  while (!g_stop) pause();
  std::remove((home + "/ready.json").c_str());
  return 0;
}
