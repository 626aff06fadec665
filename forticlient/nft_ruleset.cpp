#include "forticlient/nft_ruleset.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cctype>
#include <cstring>
#include <stdexcept>

namespace fabric::forticlient {
namespace {

std::string family(const std::string& address) {
  unsigned char buf[16];
  if (::inet_pton(AF_INET, address.c_str(), buf) == 1) return "ip";
  if (::inet_pton(AF_INET6, address.c_str(), buf) == 1) return "ip6";
  throw std::invalid_argument("'" + address + "' is not an IP address");
}

std::string comment(const std::string& text) {
  std::string out;
  for (char c : text) {
    bool safe = std::isalnum(static_cast<unsigned char>(c)) || c == ' ' || c == '-' || c == '_' ||
                c == '.' || c == ':';
    out += safe ? c : '_';
  }
  return out;
}

}  // namespace

std::string quarantineRuleset(const std::vector<AllowedPeer>& peers) {
  std::string out_rules, in_rules;
  for (const auto& p : peers) {
    if (p.port < 1 || p.port > 65535) {
      throw std::invalid_argument("port " + std::to_string(p.port) + " of " + p.address + " is invalid");
    }
    const std::string fam = family(p.address);
    const std::string port = std::to_string(p.port);
    out_rules += "\t\t" + fam + " daddr " + p.address + " tcp dport " + port + " accept comment \"" +
                 comment(p.what) + "\"\n";
    in_rules += "\t\t" + fam + " saddr " + p.address + " tcp sport " + port +
                " ct state established,related accept comment \"" + comment(p.what) + "\"\n";
  }
  std::string r;
  r += "table inet " + std::string(kNftTable) + "\n";
  r += "delete table inet " + std::string(kNftTable) + "\n";
  r += "table inet " + std::string(kNftTable) + " {\n";
  r += "\tchain output {\n";
  r += "\t\ttype filter hook output priority 0; policy drop;\n";
  r += "\t\toif \"lo\" accept\n";
  r += out_rules;
  r += "\t}\n";
  r += "\tchain input {\n";
  r += "\t\ttype filter hook input priority 0; policy drop;\n";
  r += "\t\tiif \"lo\" accept\n";
  r += in_rules;
  r += "\t}\n";
  r += "}\n";
  return r;
}

std::string releaseRuleset() {
  // Creating the table first makes the delete succeed whether or not it exists.
  return "table inet " + std::string(kNftTable) + "\ndelete table inet " + kNftTable + "\n";
}

std::string ProcessNftRunner::apply(const std::string& ruleset) {
  int in[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    return std::string("pipe: ") + std::strerror(errno);
  }
  pid_t pid = ::fork();
  if (pid < 0) return std::string("fork: ") + std::strerror(errno);
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(err[1], 1);
    ::dup2(err[1], 2);
    ::execlp(nft_.c_str(), nft_.c_str(), "-f", "-", static_cast<char*>(nullptr));
    const char msg[] = "cannot run nft\n";
    (void)!::write(2, msg, sizeof msg - 1);
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(err[1]);
  // nft reads all of stdin before writing diagnostics, so write first, then drain its output.
  std::size_t done = 0;
  while (done < ruleset.size()) {
    ssize_t n = ::write(in[1], ruleset.data() + done, ruleset.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(in[1]);
  std::string output;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(err[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(err[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
  return "nft -f - failed (exit " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
         "): " + output;
}

}  // namespace fabric::forticlient
