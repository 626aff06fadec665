// ConsoleServer: each console connection is one config::Session, created, used and destroyed on
// the node's EventLoop (the Engine is not thread-safe); the connection thread only moves frames.
#include <future>

#include "common/console/console.h"
#include "common/console/local_socket.h"
#include "common/net/link.h"

namespace fabric::console {
namespace {

class ConsoleConnection final : public LocalSocketHandler {
 public:
  ConsoleConnection(net::EventLoop& loop, config::Engine& engine) : loop_(loop) {
    session_ = loop_.call([&engine] { return engine.openSession(); });
  }
  ~ConsoleConnection() override {
    // A script that ends inside config/edit has its pending edits discarded with the session.
    try {
      loop_.call([this] { session_.reset(); });
    } catch (const std::exception&) {
      // The loop is gone (daemon shutting down): nothing else can use the engine any more.
      session_.reset();
    }
  }

  nlohmann::json handle(const nlohmann::json& message) override {
    return loop_.call([this, &message] { return handleOnLoop(message); });
  }
  bool finished() const override { return finished_; }

 private:
  nlohmann::json handleOnLoop(const nlohmann::json& message) {
    const std::string type = message.value("type", "");
    if (type == "open") return {{"type", "prompt"}, {"prompt", session_->prompt()}};
    if (type != "line") return {{"type", "error"}, {"message", "unknown message type '" + type + "'"}};
    const auto text = message.find("text");
    if (text == message.end() || !text->is_string())
      return {{"type", "error"}, {"message", "a line message needs a string 'text'"}};
    const std::string line = text->get<std::string>();
    if (!session_->inConfigMode() && isExit(line)) {
      finished_ = true;
      return {{"type", "result"}, {"output", ""}, {"return_code", 0}, {"prompt", ""}, {"exit", true}};
    }
    config::LineResult r = session_->execute(line);
    return {{"type", "result"},
            {"output", r.output},
            {"return_code", r.return_code},
            {"prompt", session_->prompt()},
            {"config_mode", session_->inConfigMode()}};
  }

  static bool isExit(const std::string& line) {
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos) return false;
    const auto last = line.find_last_not_of(" \t\r");
    return line.substr(first, last - first + 1) == "exit";
  }

  net::EventLoop& loop_;
  std::unique_ptr<config::Session> session_;
  bool finished_ = false;
};

}  // namespace

struct ConsoleServer::Impl {
  Impl(net::EventLoop& loop, config::Engine& engine, std::filesystem::path path)
      : server(std::move(path), [&loop, &engine]() -> LocalSocketHandlerPtr {
          return std::make_unique<ConsoleConnection>(loop, engine);
        }) {}
  LocalSocketServer server;
};

ConsoleServer::ConsoleServer(net::EventLoop& loop, config::Engine& engine, std::filesystem::path socket_path)
    : impl_(std::make_unique<Impl>(loop, engine, std::move(socket_path))) {}

ConsoleServer::~ConsoleServer() { stop(); }

std::string ConsoleServer::start() { return impl_->server.start(); }

void ConsoleServer::stop() { impl_->server.stop(); }

}  // namespace fabric::console
