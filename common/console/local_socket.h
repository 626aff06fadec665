#pragma once
// A small generic local-socket server and client: a Unix stream socket (mode 0600, owner only),
// framed JSON (common/net/frame_codec.h), one handler object per connection, request → reply.
// Used by the console of every daemon (console.h) and by the FortiClient agent's control socket.
//
// Threading: each accepted connection gets its own thread; its handler is created, called (one
// message at a time) and destroyed on that thread. Handlers that touch node state hop onto the
// node's EventLoop themselves (EventLoop::call). stop() must not run on a thread a handler waits
// for (e.g. the EventLoop's), since it joins the connection threads.

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/net/frame_codec.h"

namespace fabric::console {

class LocalSocketHandler {
 public:
  virtual ~LocalSocketHandler() = default;
  // The reply to one message, or null for none. An exception is answered
  // {"type":"error","message":what()} and the connection stays open.
  virtual nlohmann::json handle(const nlohmann::json& message) = 0;
  // True once the handler wants the connection closed (after its last reply was sent).
  virtual bool finished() const { return false; }
};
using LocalSocketHandlerPtr = std::unique_ptr<LocalSocketHandler>;
using LocalHandlerFactory = std::function<LocalSocketHandlerPtr()>;

class LocalSocketServer {
 public:
  LocalSocketServer(std::filesystem::path path, LocalHandlerFactory factory,
                    std::size_t max_frame = net::kDefaultMaxFrame, std::size_t max_connections = 32);
  ~LocalSocketServer();  // stop()
  // Binds and starts accepting; "" or the reason. A stale socket file (nobody answering) is
  // replaced; a live one is refused ("another process is listening on …").
  std::string start();
  // Closes the listener and every connection, joins their threads, removes the socket file.
  void stop();
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Impl;
  std::filesystem::path path_;
  std::unique_ptr<Impl> impl_;
};

// Blocking client: one connection, request → reply.
class LocalSocketClient {
 public:
  explicit LocalSocketClient(std::size_t max_frame = net::kDefaultMaxFrame);
  ~LocalSocketClient();
  // "" or the reason ("connect /home/x/console.sock: No such file or directory").
  std::string connect(const std::filesystem::path& path);
  bool send(const nlohmann::json& message);
  // The next message; nullopt when the connection closed or broke (see error()).
  std::optional<nlohmann::json> receive();
  std::optional<nlohmann::json> request(const nlohmann::json& message) {
    if (!send(message)) return std::nullopt;
    return receive();
  }
  const std::string& error() const { return error_; }
  void close();

 private:
  int fd_ = -1;
  net::FrameDecoder decoder_;
  std::string error_;
};

// Fills a sockaddr_un-sized path check: "" when `path` fits in sun_path, else the reason.
std::string checkSocketPath(const std::filesystem::path& path);

}  // namespace fabric::console
