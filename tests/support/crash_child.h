#pragma once
// The kill -9 tests' child process: fork() a child that works without pause and reports progress
// (fixed-size records) through a pipe; the parent reads the reports, then kills the child with
// SIGKILL mid-work and checks what survived on disk. The child is killed and reaped on every path
// out of the test, failures included.

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <type_traits>

namespace fabric::test {

class CrashChild {
 public:
  // Runs `body(write_fd)` in the child; it is meant never to return (the child _exit(0)s if it does).
  template <typename Body>
  explicit CrashChild(Body body) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) {
      close(fds[0]);
      close(fds[1]);
      throw std::runtime_error("fork failed");
    }
    if (pid_ == 0) {
      close(fds[0]);
      body(fds[1]);
      _exit(0);
    }
    close(fds[1]);
    read_fd_ = fds[0];
  }
  ~CrashChild() {
    if (!reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(read_fd_);
  }
  CrashChild(const CrashChild&) = delete;
  CrashChild& operator=(const CrashChild&) = delete;

  // The next report, whole; false once the pipe is closed (the child is gone) or on a short read.
  template <typename T>
  bool read(T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    return ::read(read_fd_, &value, sizeof value) == static_cast<ssize_t>(sizeof value);
  }

  // SIGKILL now and reap; true when the child was indeed ended by a signal.
  bool kill9() {
    if (reaped_ || kill(pid_, SIGKILL) != 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, 0) != pid_) return false;
    reaped_ = true;
    return WIFSIGNALED(status);
  }

 private:
  pid_t pid_ = -1;
  int read_fd_ = -1;
  bool reaped_ = false;
};

}  // namespace fabric::test
