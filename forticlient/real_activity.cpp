#include "forticlient/real_activity.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fabric::forticlient {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// First IPv4 address of `host` (an IP literal is returned as is).
std::string resolve(const std::string& host, std::string& err) {
  in_addr a{};
  if (::inet_pton(AF_INET, host.c_str(), &a) == 1) return host;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0 || !res) {
    err = "cannot resolve " + host + ": " + ::gai_strerror(rc);
    return {};
  }
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(res->ai_addr)->sin_addr, text, sizeof text);
  ::freeaddrinfo(res);
  return text;
}

bool waitFor(int fd, short events, std::chrono::milliseconds timeout) {
  pollfd p{fd, events, 0};
  int rc;
  do {
    rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
  } while (rc < 0 && errno == EINTR);
  return rc > 0;
}

// Connects `fd` (bound to source_ip) to ip:port; "" or the reason.
std::string connectTo(Fd& s, const std::string& source_ip, const std::string& ip, int port,
                      std::chrono::milliseconds timeout) {
  s.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s.fd < 0) return std::string("socket: ") + std::strerror(errno);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  if (::inet_pton(AF_INET, source_ip.c_str(), &local.sin_addr) == 1 &&
      ::bind(s.fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    return "bind " + source_ip + ": " + std::strerror(errno);
  }
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, ip.c_str(), &remote.sin_addr);
  const std::string where = ip + ":" + std::to_string(port);
  if (::connect(s.fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0 && errno != EINPROGRESS) {
    return "connect " + where + ": " + std::strerror(errno);
  }
  if (!waitFor(s.fd, POLLOUT, timeout)) return "connect " + where + ": timed out";
  int soerr = 0;
  socklen_t len = sizeof soerr;
  ::getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
  if (soerr != 0) return "connect " + where + ": " + std::strerror(soerr);
  return {};
}

std::string httpStatusLine(int fd, const Activity& a, std::chrono::milliseconds timeout) {
  std::string req = "GET " + a.path + " HTTP/1.1\r\nHost: " + a.host +
                    "\r\nUser-Agent: FortiClient\r\nConnection: close\r\n\r\n";
  std::size_t done = 0;
  while (done < req.size()) {
    if (!waitFor(fd, POLLOUT, timeout)) return {};
    ssize_t n = ::send(fd, req.data() + done, req.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return {};
    done += static_cast<std::size_t>(n);
  }
  std::string got;
  char buf[512];
  while (got.find("\r\n") == std::string::npos && got.size() < 4096) {
    if (!waitFor(fd, POLLIN, timeout)) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<std::size_t>(n));
  }
  auto eol = got.find("\r\n");
  return eol == std::string::npos ? std::string() : got.substr(0, eol);
}

}  // namespace

RealOutcome performRealActivity(const Activity& a, const std::string& source_ip,
                                std::chrono::milliseconds timeout) {
  RealOutcome out;
  if (a.kind == ActivityKind::kDownload && a.host.empty()) return out;
  out.attempted = true;
  std::string err;
  const std::string ip = resolve(a.host, err);
  if (ip.empty()) {
    out.detail = err;
    return out;
  }
  if (a.kind == ActivityKind::kResolve) {
    out.ok = true;
    out.detail = a.host + " resolved to " + ip;
    return out;
  }
  Fd s;
  if (auto e = connectTo(s, source_ip, ip, a.port, timeout); !e.empty()) {
    out.detail = e;
    return out;
  }
  out.ok = true;
  out.detail = "connected to " + ip + ":" + std::to_string(a.port);
  if (a.scheme == "http") {
    std::string status = httpStatusLine(s.fd, a, timeout);
    out.detail += status.empty() ? ", no HTTP answer" : ", " + status;
  }
  return out;
}

}  // namespace fabric::forticlient
