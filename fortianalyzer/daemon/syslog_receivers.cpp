#include "fortianalyzer/daemon/syslog_receivers.h"

namespace fabric::faz {

struct SyslogReceivers::Connection {
  std::shared_ptr<net::ByteStream> stream;
  LinkId link = 0;
  SyslogStream decoder;
  MessageBatch held;
  bool paused = false;
  bool closed = false;
  Connection(std::shared_ptr<net::ByteStream> s, LinkId l, std::size_t max_message)
      : stream(std::move(s)), link(l), decoder(max_message) {}
};

SyslogReceivers::SyslogReceivers(net::EventLoop& loop, IngestPipeline& pipeline, net::TlsConfig tls,
                                 std::size_t max_message, net::StreamServer::LinkHandler on_fortigate_link,
                                 net::LinkOptions link_options, EventSink on_event)
    : loop_(loop),
      pipeline_(pipeline),
      max_message_(max_message),
      on_event_(std::move(on_event)),
      tls_config_(std::move(tls)),
      on_fortigate_link_(std::move(on_fortigate_link)),
      link_options_(std::move(link_options)) {
  udp_ = makeUdp();
  tcp_ = makeTcp();
  tls_ = makeTls();
}

std::unique_ptr<net::UdpReceiver> SyslogReceivers::makeUdp() {
  return std::make_unique<net::UdpReceiver>(
      loop_, [this](std::string_view datagram, const net::PeerInfo& from) { onDatagram(datagram, from); });
}

std::unique_ptr<net::StreamServer> SyslogReceivers::makeTcp() {
  net::TlsConfig link_tls = tls_config_;
  link_tls.require_peer_certificate = true;  // a FortiGate link is authenticated by its certificate
  return std::make_unique<net::StreamServer>(
      loop_, net::StreamServer::Mode::SniffTlsLink, link_tls,
      [this](std::shared_ptr<net::ByteStream> s) { onStream(std::move(s), Transport::kTcp); }, on_fortigate_link_,
      link_options_);
}

std::unique_ptr<net::StreamServer> SyslogReceivers::makeTls() {
  net::TlsConfig syslog_tls = tls_config_;
  syslog_tls.require_peer_certificate = false;  // RFC 5425 senders need not present a certificate
  return std::make_unique<net::StreamServer>(
      loop_, net::StreamServer::Mode::Tls, syslog_tls,
      [this](std::shared_ptr<net::ByteStream> s) { onStream(std::move(s), Transport::kTls); });
}

std::string SyslogReceivers::rebind(const std::string& address, const ReceiverPorts& ports) {
  ReceiverPorts now = this->ports();
  std::unique_ptr<net::UdpReceiver> udp;
  std::unique_ptr<net::StreamServer> tcp, tls;
  if (ports.udp != now.udp) {
    udp = makeUdp();
    if (auto e = udp->listen(address, ports.udp); !e.empty()) return "syslog udp: " + e;
  }
  if (ports.tcp != now.tcp) {
    tcp = makeTcp();
    if (auto e = tcp->listen(address, ports.tcp); !e.empty()) {
      if (udp) udp->close();
      return "syslog tcp: " + e;
    }
  }
  if (ports.tls != now.tls) {
    tls = makeTls();
    if (auto e = tls->listen(address, ports.tls); !e.empty()) {
      if (udp) udp->close();
      if (tcp) tcp->close();
      return "syslog tls: " + e;
    }
  }
  // Every new port is up: only now are the old ones closed.
  if (udp) {
    udp_->close();
    udp_ = std::move(udp);
  }
  if (tcp) {
    tcp_->close();
    tcp_ = std::move(tcp);
  }
  if (tls) {
    tls_->close();
    tls_ = std::move(tls);
  }
  return "";
}

SyslogReceivers::~SyslogReceivers() {
  *alive_ = false;
  close();
}

std::string SyslogReceivers::listen(const std::string& address, const ReceiverPorts& ports) {
  if (auto e = udp_->listen(address, ports.udp); !e.empty()) return "syslog udp: " + e;
  if (auto e = tcp_->listen(address, ports.tcp); !e.empty()) return "syslog tcp: " + e;
  if (auto e = tls_->listen(address, ports.tls); !e.empty()) return "syslog tls: " + e;
  return "";
}

ReceiverPorts SyslogReceivers::ports() const { return ReceiverPorts{udp_->port(), tcp_->port(), tls_->port()}; }

void SyslogReceivers::close() {
  if (udp_) udp_->close();
  if (tcp_) tcp_->close();
  if (tls_) tls_->close();
  flushUdp();
  // Closing a stream may run its close handler at once; it must find nothing left to do.
  auto connections = std::move(connections_);
  connections_.clear();
  for (const auto& c : connections) {
    c->closed = true;
    c->stream->close("analyzer shutting down");
    pipeline_.closeLink(c->link);
  }
  for (const auto& [address, link] : udp_links_) pipeline_.closeLink(link);
  udp_links_.clear();
}

void SyslogReceivers::onStream(std::shared_ptr<net::ByteStream> stream, Transport transport) {
  const net::PeerInfo& peer = stream->peer();
  LinkId link = pipeline_.openLink(SenderInfo{peer.address, transport, false,
                                              std::string(toString(transport)) + " " + peer.address + ":" +
                                                  std::to_string(peer.port)});
  auto connection = std::make_shared<Connection>(stream, link, max_message_);
  connections_.insert(connection);
  std::weak_ptr<Connection> weak = connection;
  stream->onData([this, weak](std::string_view bytes) {
    auto c = weak.lock();
    if (!c || c->closed) return;
    StreamFeedResult r = c->decoder.feed(bytes, c->held);
    if (r.oversized) pipeline_.noteOversized(c->link, r.oversized);
    for (const auto& reason : r.framing_errors) pipeline_.noteFramingError(c->link, reason);
    submit(*c);
    if (r.fatal) {
      std::string reason = "syslog framing error: " + (r.framing_errors.empty() ? std::string("stream broken")
                                                                                 : r.framing_errors.back());
      if (on_event_) on_event_(c->stream->peer().address, reason);
      c->stream->close(reason);
    }
  });
  stream->onClose([this, weak, alive = alive_](const std::string&) {
    if (!*alive) return;
    auto c = weak.lock();
    if (!c || c->closed) return;
    c->closed = true;
    StreamFeedResult r = c->decoder.finish(c->held);
    if (r.oversized) pipeline_.noteOversized(c->link, r.oversized);
    for (const auto& reason : r.framing_errors) pipeline_.noteFramingError(c->link, reason);
    // A connection that still holds a refused batch stays until the pipeline takes it.
    if (submit(*c)) {
      pipeline_.closeLink(c->link);
      connections_.erase(c);
    }
  });
}

bool SyslogReceivers::submit(Connection& c) {
  if (c.held.empty()) return true;
  SubmitResult r = pipeline_.trySubmit(c.link, c.held, 0);
  if (r == SubmitResult::kQueueFull) {
    if (!c.paused && !c.closed) {
      c.paused = true;
      c.stream->pauseReading();
    }
    return false;
  }
  c.held.clear();
  if (c.paused && !c.closed) {
    c.paused = false;
    c.stream->resumeReading();
  }
  return true;
}

void SyslogReceivers::onResume() {
  std::vector<std::shared_ptr<Connection>> done;
  for (const auto& c : connections_)
    if (submit(*c) && c->closed) done.push_back(c);
  for (const auto& c : done) {
    pipeline_.closeLink(c->link);
    connections_.erase(c);
  }
}

void SyslogReceivers::onDatagram(std::string_view datagram, const net::PeerInfo& from) {
  auto it = udp_links_.find(from.address);
  if (it == udp_links_.end())
    it = udp_links_.emplace(from.address, pipeline_.openLink(SenderInfo{from.address, Transport::kUdp, false,
                                                                         "udp " + from.address})).first;
  // One datagram is one message; a trailing LF is framing, not content.
  while (!datagram.empty() && (datagram.back() == '\n' || datagram.back() == '\r')) datagram.remove_suffix(1);
  if (datagram.size() > max_message_) {
    pipeline_.noteOversized(it->second);
    return;
  }
  udp_pending_[it->second].add(datagram);
  // Datagrams that arrive in one burst go to the pipeline as one batch per sender.
  if (!udp_flush_posted_) {
    udp_flush_posted_ = true;
    loop_.post([this, alive = alive_] {
      if (*alive) flushUdp();
    });
  }
}

void SyslogReceivers::flushUdp() {
  udp_flush_posted_ = false;
  for (auto& [link, batch] : udp_pending_)
    if (!batch.empty()) {
      pipeline_.trySubmit(link, batch, 0);  // full: dropped and counted by the pipeline (refused_full)
      batch.clear();
    }
}

}  // namespace fabric::faz
