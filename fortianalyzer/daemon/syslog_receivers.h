#pragma once
// The analyzer's syslog receivers (DESIGN.md "Wire protocols"): UDP 514, TCP 514 (newline or
// octet-counting framing; the same port also takes the FortiGate's TLS link, told apart by the first
// byte) and TLS 6514 (RFC 5425). Each connection (and each UDP sender address) is one ingest
// pipeline link; complete messages go to the pipeline in one batch per read.
//
// Bad input never stalls other senders: oversized frames are dropped and counted
// (noteOversized), other framing errors are counted (noteFramingError) and a stream that cannot be
// resynchronised is closed. When the pipeline's queue is full a TCP/TLS connection stops reading
// until the pipeline says there is room (back-pressure on that sender only); UDP datagrams that do
// not fit are dropped and counted by the pipeline (refused_full), as UDP syslog does.
//
// Threading: owned by the node's event loop; every member runs there.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/net/link.h"
#include "fortianalyzer/daemon/syslog_stream.h"
#include "fortianalyzer/ingest/ingest_pipeline.h"

namespace fabric::faz {

struct ReceiverPorts {
  std::uint16_t udp = 514;
  std::uint16_t tcp = 514;  // also the FortiGate link (TLS sniffed)
  std::uint16_t tls = 6514;
};

class SyslogReceivers {
 public:
  // Called with (peer address, reason) when a stream is closed because its framing broke.
  using EventSink = std::function<void(const std::string& address, const std::string& reason)>;
  SyslogReceivers(net::EventLoop& loop, IngestPipeline& pipeline, net::TlsConfig tls, std::size_t max_message,
                  net::StreamServer::LinkHandler on_fortigate_link, net::LinkOptions link_options = {},
                  EventSink on_event = {});
  ~SyslogReceivers();
  // Binds all three; "" or the reason. Port 0 picks a free port; ports() tells which.
  std::string listen(const std::string& address, const ReceiverPorts& ports);
  ReceiverPorts ports() const;
  // Moves the receivers whose port differs from `ports` to their new port (0 = any free port): the
  // new socket is bound first, then the old one closed; connections already accepted stay up.
  // All or nothing: when one new port cannot be bound, every receiver keeps its old port and the
  // reason is returned ("syslog udp: bind 127.0.0.1:514: Address already in use").
  std::string rebind(const std::string& address, const ReceiverPorts& ports);
  // Messages longer than this are dropped and counted oversized: UDP datagrams at once, stream
  // connections accepted from now on (an open connection keeps the limit it started with).
  void setMaxMessage(std::size_t max_message) { max_message_ = max_message; }
  // The pipeline has room again: resume paused connections.
  void onResume();
  void close();

 private:
  struct Connection;
  void onStream(std::shared_ptr<net::ByteStream> stream, Transport transport);
  void onDatagram(std::string_view datagram, const net::PeerInfo& from);
  void flushUdp();
  std::unique_ptr<net::UdpReceiver> makeUdp();
  std::unique_ptr<net::StreamServer> makeTcp();
  std::unique_ptr<net::StreamServer> makeTls();
  net::TlsConfig tls_config_;
  net::StreamServer::LinkHandler on_fortigate_link_;
  net::LinkOptions link_options_;
  bool submit(Connection& connection);  // false: still held (queue full)

  net::EventLoop& loop_;
  IngestPipeline& pipeline_;
  std::size_t max_message_;
  EventSink on_event_;
  std::unique_ptr<net::UdpReceiver> udp_;
  std::unique_ptr<net::StreamServer> tcp_;
  std::unique_ptr<net::StreamServer> tls_;
  std::set<std::shared_ptr<Connection>> connections_;
  std::map<std::string, LinkId> udp_links_;
  std::map<LinkId, MessageBatch> udp_pending_;
  bool udp_flush_posted_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace fabric::faz
