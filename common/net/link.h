#pragma once
// CONTRACT (written before the implementation so that every node can be built in parallel; the
// implementation may add to this header, not change the meaning of what is here).
//
// The one connection idiom of Fabric Lab (DESIGN.md "Concurrency", "Framed JSON", "TLS
// everywhere, verified"): an EventLoop owns a node's state; every persistent link is a FramedLink
// (framed JSON over verified TLS, heartbeats both ways, a silent peer dropped); raw byte streams
// (syslog over TCP/TLS, the analyzer's port 514 that also accepts FortiGate links) use
// StreamServer/StreamClient. Asio is included only in the .cpp files of this folder.
//
// Callbacks always run on the EventLoop's thread. Every object here may be used only from that
// thread, except EventLoop::post/call and the constructors/destructors.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace fabric::net {

// One thread running one asio::io_context. Owns the node's state: other threads (HTTP request
// threads, console connections) call() into it and wait for the answer.
class EventLoop {
 public:
  EventLoop();
  ~EventLoop();  // stops and joins
  void start();  // runs the loop on its own thread
  void stop();   // idempotent
  void post(std::function<void()> fn);
  // Runs `fn` on the loop and waits for its result (runs inline when already on the loop thread,
  // and before start(), when no loop thread exists yet: setting up listeners then is plain code).
  // After stop() it throws std::future_error instead of waiting forever.
  template <typename F>
  auto call(F fn) -> decltype(fn()) {
    if (onLoopThread() || !started()) return fn();
    auto task = std::make_shared<std::packaged_task<decltype(fn())()>>(std::move(fn));
    auto result = task->get_future();
    // The posted function is the task's only owner: if the loop stops first and drops it, the
    // promise breaks and get() throws std::future_error instead of waiting forever.
    post([task = std::move(task)] { (*task)(); });
    return result.get();
  }
  bool onLoopThread() const;
  // A repeating timer on the loop; cancel by destroying the returned handle.
  struct Timer;
  std::shared_ptr<Timer> every(std::chrono::milliseconds period, std::function<void()> fn);
  std::shared_ptr<Timer> after(std::chrono::milliseconds delay, std::function<void()> fn);
  void* ioContext();  // the asio::io_context*, for adapters in common/net only

  // --- Additions to the contract ---
  // True between start() and stop() (a loop thread exists).
  bool running() const;
  // True once start() was called, also after stop().
  bool started() const;
  // Like call() for void work, but safe on shutdown paths: runs `fn` inline when called on the loop
  // thread or when no loop thread is running (before start(), after stop()), else on the loop,
  // waiting for it. The destructors of this folder's classes use it.
  void runOnLoop(const std::function<void()>& fn);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// TLS material of a node (common/tls NodeTlsFiles: DIR/tls/ca.pem, node.pem, node.key).
struct TlsConfig {
  std::filesystem::path ca;
  std::filesystem::path cert;
  std::filesystem::path key;
  bool require_peer_certificate = true;  // servers: demand and verify a client certificate
  std::string expected_peer_name;        // clients: verify the server's SAN/CN against this ("" = the host dialled)
};

// Who is at the other end, from the verified certificate and the socket.
struct PeerInfo {
  std::string address;        // "127.0.1.5"
  std::uint16_t port = 0;
  std::string common_name;    // certificate subject CN ("" when no certificate)
  std::string serial_number;  // certificate subject serialNumber ("" when absent)
  // --- Addition to the contract ---
  std::string certificate_serial;  // the certificate's X.509 serial, uppercase hex ("" when no certificate)
};

// Receives one line per notable event (link closed and why, handshake refused, reconnect
// scheduled); runs on the loop thread. Empty: lines go to stderr prefixed "fabric-net: ".
using LogHandler = std::function<void(const std::string& line)>;

struct LinkOptions {
  std::chrono::milliseconds heartbeat_interval{5000};
  std::chrono::milliseconds peer_timeout{15000};  // no frame for this long: closed, reason logged
  std::size_t max_frame = 1 << 20;
  // --- Additions to the contract ---
  LogHandler log;
  // Deadline for TCP connect + TLS handshake (and, in sniff mode, for the first byte).
  std::chrono::milliseconds handshake_timeout{10000};
};

// One framed-JSON connection. Created by LinkServer (accepted) or LinkClient (dialled).
class FramedLink : public std::enable_shared_from_this<FramedLink> {
 public:
  using MessageHandler = std::function<void(const nlohmann::json& message)>;
  using CloseHandler = std::function<void(const std::string& reason)>;
  virtual ~FramedLink() = default;
  // Queues one message (encodeFrame); ignored (returns false) once the link is closed.
  virtual bool send(const nlohmann::json& message) = 0;
  virtual void close(const std::string& reason) = 0;
  virtual bool isOpen() const = 0;
  virtual const PeerInfo& peer() const = 0;
  // Set once, before or right after the link is handed out; heartbeats are not delivered.
  virtual void onMessage(MessageHandler handler) = 0;
  virtual void onClose(CloseHandler handler) = 0;
};

// Accepts TLS connections and hands each verified link to `on_link`.
class LinkServer {
 public:
  using LinkHandler = std::function<void(std::shared_ptr<FramedLink>)>;
  LinkServer(EventLoop& loop, TlsConfig tls, LinkOptions options, LinkHandler on_link);
  ~LinkServer();
  // Binds and listens; returns "" or the reason ("bind 127.0.1.1:8013: Address already in use").
  // Port 0 picks a free port; port() tells which.
  std::string listen(const std::string& address, std::uint16_t port);
  std::uint16_t port() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Keeps one outgoing link up: connects (binding the local socket to `source_address` when set),
// verifies the server, and reconnects with exponential backoff (min..max) after every failure or
// close. `on_link` runs for each new established link; `on_down` with the reason of each failure.
struct ClientOptions {
  std::string host;
  std::uint16_t port = 0;
  std::string source_address;
  std::chrono::milliseconds backoff_min{200};
  std::chrono::milliseconds backoff_max{5000};
  LinkOptions link;
};
class LinkClient {
 public:
  using LinkHandler = std::function<void(std::shared_ptr<FramedLink>)>;
  using DownHandler = std::function<void(const std::string& reason)>;
  LinkClient(EventLoop& loop, TlsConfig tls, ClientOptions options, LinkHandler on_link,
             DownHandler on_down = {});
  ~LinkClient();  // closes the link and stops reconnecting
  void start();
  void stop();
  std::shared_ptr<FramedLink> link() const;  // the current link, or null while down

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Raw byte streams: syslog receivers (TCP, TLS) and senders (RFC 5425 over TLS).
class ByteStream {
 public:
  using DataHandler = std::function<void(std::string_view bytes)>;
  using CloseHandler = std::function<void(const std::string& reason)>;
  virtual ~ByteStream() = default;
  virtual bool write(std::string bytes) = 0;
  virtual std::size_t pendingBytes() const = 0;  // queued, not yet written
  virtual void close(const std::string& reason) = 0;
  virtual bool isOpen() const = 0;
  virtual const PeerInfo& peer() const = 0;
  virtual void onData(DataHandler handler) = 0;
  virtual void onClose(CloseHandler handler) = 0;
  // Back-pressure: stop/resume reading from the socket.
  virtual void pauseReading() = 0;
  virtual void resumeReading() = 0;
};

// Plain TCP, TLS, or "sniff": the first byte decides (0x16 = TLS handshake → `on_tls_link` gets a
// FramedLink, the analyzer's FortiGate link; anything else → `on_stream` gets the plain bytes,
// first byte included). UDP datagrams arrive through listenUdp.
class StreamServer {
 public:
  enum class Mode { Tcp, Tls, SniffTlsLink };
  using StreamHandler = std::function<void(std::shared_ptr<ByteStream>)>;
  using LinkHandler = LinkServer::LinkHandler;
  StreamServer(EventLoop& loop, Mode mode, TlsConfig tls, StreamHandler on_stream,
               LinkHandler on_tls_link = {}, LinkOptions link_options = {});
  ~StreamServer();
  std::string listen(const std::string& address, std::uint16_t port);
  std::uint16_t port() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class UdpReceiver {
 public:
  using DatagramHandler = std::function<void(std::string_view datagram, const PeerInfo& from)>;
  UdpReceiver(EventLoop& loop, DatagramHandler on_datagram);
  ~UdpReceiver();
  std::string listen(const std::string& address, std::uint16_t port);
  std::uint16_t port() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Dials one outgoing byte stream (TLS when `tls` is set, else TCP) with the same reconnect policy
// as LinkClient.
class StreamClient {
 public:
  using StreamHandler = std::function<void(std::shared_ptr<ByteStream>)>;
  using DownHandler = LinkClient::DownHandler;
  StreamClient(EventLoop& loop, bool use_tls, TlsConfig tls, ClientOptions options,
               StreamHandler on_stream, DownHandler on_down = {});
  ~StreamClient();
  void start();
  void stop();
  std::shared_ptr<ByteStream> stream() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fabric::net
