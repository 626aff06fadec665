#pragma once
// In-test peers of the agent over real TLS: a framed-JSON server playing the EMS or a FortiGate
// (records every message, answers `register` with a configurable reply) and an RFC 5425 TLS
// syslog receiver playing the FortiAnalyzer (can go down and come back on the same port).
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/logfmt/syslog_frame_decoder.h"
#include "common/net/link.h"
#include "child_process.h"

namespace fabric::testing {

class PeerServer {
 public:
  PeerServer(net::EventLoop& loop, net::TlsConfig tls, std::string address)
      : loop_(loop), address_(std::move(address)) {
    loop_.call([&] {
      server_ = std::make_unique<net::LinkServer>(loop, tls, net::LinkOptions{}, [this](auto link) {
        onLink(std::move(link));
      });
      error_ = server_->listen(address_, 0);
      port_ = server_->port();
    });
  }
  ~PeerServer() {
    loop_.call([this] {
      for (auto& l : links_) l->close("test over");
      server_->close();
    });
  }
  const std::string& error() const { return error_; }
  std::uint16_t port() const { return port_; }
  void setRegisterReply(nlohmann::json reply) {
    std::lock_guard<std::mutex> l(m_);
    register_reply_ = std::move(reply);
  }
  // To the latest link, or to the link whose `register` carried `uid`.
  bool send(const nlohmann::json& message, const std::string& uid = "") {
    return loop_.call([&] {
      if (uid.empty()) return link_ && link_->send(message);
      auto it = by_uid_.find(uid);
      return it != by_uid_.end() && it->second->send(message);
    });
  }
  std::vector<nlohmann::json> messages() const {
    std::lock_guard<std::mutex> l(m_);
    return messages_;
  }
  std::vector<std::string> peerAddresses() const {
    std::lock_guard<std::mutex> l(m_);
    return peer_addresses_;
  }
  // The index of the first message at or after `from` for which `match` holds, or -1.
  int find(const std::function<bool(const nlohmann::json&)>& match, std::size_t from = 0) const {
    auto all = messages();
    for (std::size_t i = from; i < all.size(); ++i) {
      if (match(all[i])) return static_cast<int>(i);
    }
    return -1;
  }
  int waitFor(const std::function<bool(const nlohmann::json&)>& match, std::size_t from = 0) const {
    int idx = -1;
    waitUntil([&] { return (idx = find(match, from)) >= 0; });
    return idx;
  }
  std::size_t count() const {
    std::lock_guard<std::mutex> l(m_);
    return messages_.size();
  }

 private:
  void onLink(std::shared_ptr<net::FramedLink> link) {
    link_ = link;
    links_.push_back(link);
    {
      std::lock_guard<std::mutex> l(m_);
      peer_addresses_.push_back(link->peer().address);
    }
    std::weak_ptr<net::FramedLink> weak = link;
    link->onMessage([this, weak](const nlohmann::json& m) {
      auto self = weak.lock();
      if (!self) return;
      if (m.value("type", "") == "register") by_uid_[m.value("uid", "")] = self;
      nlohmann::json reply;
      {
        std::lock_guard<std::mutex> l(m_);
        messages_.push_back(m);
        if (m.value("type", "") == "register") reply = register_reply_;
      }
      if (!reply.is_null()) self->send(reply);
    });
    link->onClose([](const std::string&) {});
  }

  net::EventLoop& loop_;
  std::string address_;
  std::unique_ptr<net::LinkServer> server_;
  std::uint16_t port_ = 0;
  std::string error_;
  std::shared_ptr<net::FramedLink> link_;
  std::vector<std::shared_ptr<net::FramedLink>> links_;
  std::map<std::string, std::shared_ptr<net::FramedLink>> by_uid_;
  mutable std::mutex m_;
  nlohmann::json register_reply_;
  std::vector<nlohmann::json> messages_;
  std::vector<std::string> peer_addresses_;
};

class SyslogReceiver {
 public:
  SyslogReceiver(net::EventLoop& loop, net::TlsConfig tls, std::string address)
      : loop_(loop), tls_(std::move(tls)), address_(std::move(address)) {}
  ~SyslogReceiver() { down(); }
  // Listens (on `port`, 0 = any); "" or the reason.
  std::string up(std::uint16_t port = 0) {
    return loop_.call([&] {
      server_ = std::make_unique<net::StreamServer>(
          loop_, net::StreamServer::Mode::Tls, tls_, [this](std::shared_ptr<net::ByteStream> s) {
            auto decoder = std::make_shared<logfmt::SyslogFrameDecoder>();
            {
              std::lock_guard<std::mutex> l(m_);
              peer_addresses_.push_back(s->peer().address);
            }
            s->onData([this, decoder](std::string_view bytes) {
              decoder->feed(
                  bytes,
                  [this](std::string_view msg) {
                    std::lock_guard<std::mutex> l(m_);
                    auto gt = msg.find('>');
                    lines_.emplace_back(msg.substr(gt == std::string_view::npos ? 0 : gt + 1));
                  },
                  [this](const logfmt::FrameError& e) {
                    std::lock_guard<std::mutex> l(m_);
                    errors_.push_back(e.reason);
                  });
            });
            s->onClose([](const std::string&) {});
            streams_.push_back(std::move(s));
          });
      auto err = server_->listen(address_, port);
      port_ = server_->port();
      return err;
    });
  }
  // Closes the listener and every connection: the analyzer is unreachable.
  void down() {
    loop_.call([this] {
      if (server_) server_->close();
      server_.reset();
      for (auto& s : streams_) s->close("analyzer down");
      streams_.clear();
    });
  }
  std::uint16_t port() const { return port_; }
  std::vector<std::string> lines() const {
    std::lock_guard<std::mutex> l(m_);
    return lines_;
  }
  std::vector<std::string> errors() const {
    std::lock_guard<std::mutex> l(m_);
    return errors_;
  }
  std::vector<std::string> peerAddresses() const {
    std::lock_guard<std::mutex> l(m_);
    return peer_addresses_;
  }
  // Index of the first line at or after `from` containing `needle`, or -1.
  int find(const std::string& needle, std::size_t from = 0) const {
    auto all = lines();
    for (std::size_t i = from; i < all.size(); ++i) {
      if (all[i].find(needle) != std::string::npos) return static_cast<int>(i);
    }
    return -1;
  }
  int waitFor(const std::string& needle, std::size_t from = 0) const {
    int idx = -1;
    waitUntil([&] { return (idx = find(needle, from)) >= 0; });
    return idx;
  }

 private:
  net::EventLoop& loop_;
  net::TlsConfig tls_;
  std::string address_;
  std::unique_ptr<net::StreamServer> server_;
  std::vector<std::shared_ptr<net::ByteStream>> streams_;
  std::uint16_t port_ = 0;
  mutable std::mutex m_;
  std::vector<std::string> lines_;
  std::vector<std::string> errors_;
  std::vector<std::string> peer_addresses_;
};

}  // namespace fabric::testing
