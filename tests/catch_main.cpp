// The one main() of every Catch2 test. Tests talk to real daemons over sockets: a daemon that
// closes a connection first (lockout, kill -9, a refused link) must make the test's next write fail
// with EPIPE, which the test can assert on, not kill the test process with SIGPIPE — the daemons
// themselves ignore SIGPIPE for the same reason.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <csignal>

int main(int argc, char* argv[]) {
  std::signal(SIGPIPE, SIG_IGN);
  return Catch::Session().run(argc, argv);
}
