// Plain POSIX sockets and one thread per connection: a console has a handful of clients, so a
// thread each keeps the code a straight read → handle → write loop.
#include "common/console/local_socket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <list>
#include <mutex>
#include <thread>

namespace fabric::console {
namespace {

std::string errnoText(const std::string& step) { return step + ": " + std::strerror(errno); }

bool fillAddress(const std::filesystem::path& path, sockaddr_un& addr) {
  std::memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  const std::string s = path.string();
  if (s.size() >= sizeof(addr.sun_path)) return false;
  std::memcpy(addr.sun_path, s.c_str(), s.size() + 1);
  return true;
}

bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::string checkSocketPath(const std::filesystem::path& path) {
  sockaddr_un addr{};
  if (fillAddress(path, addr)) return "";
  return "socket path " + path.string() + " is longer than " + std::to_string(sizeof(addr.sun_path) - 1) +
         " bytes (use a shorter home directory)";
}

struct LocalSocketServer::Impl {
  LocalHandlerFactory factory;
  std::size_t max_frame;
  std::size_t max_connections;
  int listen_fd = -1;
  int wake[2] = {-1, -1};
  std::thread acceptor;
  std::atomic<bool> stopping{false};

  struct Connection {
    int fd = -1;
    std::thread thread;
    std::atomic<bool> done{false};
  };
  std::mutex mutex;
  std::list<Connection> connections;

  void reapFinished() {
    std::lock_guard lock(mutex);
    for (auto it = connections.begin(); it != connections.end();) {
      if (it->done) {
        it->thread.join();
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
  }

  void serveConnection(Connection& c) {
    LocalSocketHandlerPtr handler;
    try {
      handler = factory();
    } catch (const std::exception& e) {
      writeAll(c.fd, net::encodeFrame({{"type", "error"}, {"message", e.what()}}));
    }
    net::FrameDecoder decoder(max_frame);
    char buf[16384];
    while (handler && !stopping) {
      ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      if (std::string err = decoder.feed(std::string_view(buf, static_cast<std::size_t>(n))); !err.empty()) {
        writeAll(c.fd, net::encodeFrame({{"type", "error"}, {"message", err}}));
        break;
      }
      bool open = true;
      while (auto message = decoder.next()) {
        nlohmann::json reply;
        try {
          reply = handler->handle(*message);
        } catch (const std::exception& e) {
          reply = {{"type", "error"}, {"message", e.what()}};
        }
        if (!reply.is_null() && !writeAll(c.fd, net::encodeFrame(reply))) open = false;
        if (!open || handler->finished()) {
          open = false;
          break;
        }
      }
      if (!open) break;
    }
    handler.reset();  // on this thread, before the fd closes
    {
      std::lock_guard lock(mutex);
      ::close(c.fd);
      c.fd = -1;
    }
    c.done = true;
  }

  void acceptLoop() {
    while (!stopping) {
      pollfd fds[2] = {{listen_fd, POLLIN, 0}, {wake[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return;
      }
      if (fds[1].revents != 0 || stopping) return;
      const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      reapFinished();
      std::lock_guard lock(mutex);
      if (connections.size() >= max_connections) {
        writeAll(fd, net::encodeFrame({{"type", "error"},
                                       {"message", "too many local connections (" +
                                                       std::to_string(max_connections) + ")"}}));
        ::close(fd);
        continue;
      }
      Connection& c = connections.emplace_back();
      c.fd = fd;
      c.thread = std::thread([this, &c] { serveConnection(c); });
    }
  }
};

LocalSocketServer::LocalSocketServer(std::filesystem::path path, LocalHandlerFactory factory,
                                     std::size_t max_frame, std::size_t max_connections)
    : path_(std::move(path)), impl_(std::make_unique<Impl>()) {
  impl_->factory = std::move(factory);
  impl_->max_frame = max_frame;
  impl_->max_connections = max_connections;
}

LocalSocketServer::~LocalSocketServer() { stop(); }

std::string LocalSocketServer::start() {
  if (impl_->listen_fd >= 0) return "already started";
  sockaddr_un addr{};
  if (!fillAddress(path_, addr)) return checkSocketPath(path_);

  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(path_, ec))) {
    LocalSocketClient probe;
    if (probe.connect(path_).empty()) return "another process is listening on " + path_.string();
    if (!std::filesystem::is_socket(std::filesystem::symlink_status(path_, ec)))
      return path_.string() + " exists and is not a socket";
    std::filesystem::remove(path_, ec);
  }

  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errnoText("socket");
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    std::string err = errnoText("bind " + path_.string());
    ::close(fd);
    return err;
  }
  // Owner only before listen(): until then nobody can connect, so there is no window (and no
  // process-wide umask games in a threaded daemon).
  if (::chmod(path_.c_str(), 0600) != 0) {
    std::string err = errnoText("chmod " + path_.string());
    ::close(fd);
    return err;
  }
  if (::listen(fd, 16) != 0) {
    std::string err = errnoText("listen " + path_.string());
    ::close(fd);
    return err;
  }
  if (::pipe2(impl_->wake, O_CLOEXEC) != 0) {
    std::string err = errnoText("pipe");
    ::close(fd);
    return err;
  }
  impl_->listen_fd = fd;
  impl_->stopping = false;
  impl_->acceptor = std::thread([impl = impl_.get()] { impl->acceptLoop(); });
  return "";
}

void LocalSocketServer::stop() {
  Impl& im = *impl_;
  if (im.listen_fd < 0) return;
  im.stopping = true;
  [[maybe_unused]] ssize_t n = ::write(im.wake[1], "x", 1);
  if (im.acceptor.joinable()) im.acceptor.join();
  {
    std::lock_guard lock(im.mutex);
    for (auto& c : im.connections)
      if (c.fd >= 0) ::shutdown(c.fd, SHUT_RDWR);
  }
  for (auto& c : im.connections)
    if (c.thread.joinable()) c.thread.join();
  im.connections.clear();
  ::close(im.listen_fd);
  ::close(im.wake[0]);
  ::close(im.wake[1]);
  im.listen_fd = im.wake[0] = im.wake[1] = -1;
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

LocalSocketClient::LocalSocketClient(std::size_t max_frame) : decoder_(max_frame) {}

LocalSocketClient::~LocalSocketClient() { close(); }

std::string LocalSocketClient::connect(const std::filesystem::path& path) {
  close();
  sockaddr_un addr{};
  if (!fillAddress(path, addr)) return error_ = checkSocketPath(path);
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return error_ = errnoText("socket");
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    error_ = errnoText("connect " + path.string());
    close();
    return error_;
  }
  error_.clear();
  return "";
}

bool LocalSocketClient::send(const nlohmann::json& message) {
  if (fd_ < 0) {
    if (error_.empty()) error_ = "not connected";
    return false;
  }
  if (!writeAll(fd_, net::encodeFrame(message))) {
    error_ = errnoText("send");
    return false;
  }
  return true;
}

std::optional<nlohmann::json> LocalSocketClient::receive() {
  char buf[16384];
  for (;;) {
    if (auto message = decoder_.next()) return message;
    if (fd_ < 0) {
      if (error_.empty()) error_ = "not connected";
      return std::nullopt;
    }
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = errnoText("receive");
      return std::nullopt;
    }
    if (n == 0) {
      error_ = "connection closed by the daemon";
      return std::nullopt;
    }
    if (std::string err = decoder_.feed(std::string_view(buf, static_cast<std::size_t>(n))); !err.empty()) {
      error_ = err;
      return std::nullopt;
    }
  }
}

void LocalSocketClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace fabric::console
