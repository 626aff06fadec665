#pragma once
// Internal to common/net: the Asio pieces its .cpp files share (transports, the connection core,
// TLS contexts, the dialer). Never include this outside common/net/*.cpp — Asio costs ~20 s per
// translation unit, and the public surface is link.h.

#include <array>
#include <deque>

#include <asio.hpp>
#include <asio/ssl.hpp>

#include "common/net/frame_codec.h"
#include "common/net/link.h"

namespace fabric::net::detail {

using asio::ip::tcp;
using ErrorHandler = std::function<void(const asio::error_code&, std::size_t)>;

asio::io_context& ioOf(EventLoop& loop);

// Writes `line` to `log`, or to stderr when `log` is empty.
void logLine(const LogHandler& log, const std::string& line);
std::string endpointText(const std::string& address, std::uint16_t port);
// "127.0.0.1:5555" of a connected socket ("?" once it is gone).
PeerInfo socketPeer(tcp::socket& socket);
// Subject CN and serialNumber of the verified peer certificate, if any.
void fillPeerCertificate(SSL* ssl, PeerInfo& peer);
// Why a read ended: "peer closed the connection", "read failed: …".
std::string readErrorReason(const asio::error_code& ec);
// Why a TLS handshake failed, naming the certificate check when that was the cause.
std::string handshakeErrorReason(const asio::error_code& ec, SSL* ssl);

// --- TLS contexts (tls_context.cpp): TLS 1.2+ only, files from TlsConfig. ---
// Throw std::runtime_error naming the file and OpenSSL's reason.
std::shared_ptr<asio::ssl::context> makeServerContext(const TlsConfig& tls);
std::shared_ptr<asio::ssl::context> makeClientContext(const TlsConfig& tls);
// Makes the client check the server certificate names `name` (SAN IP when `name` is an address,
// else SAN DNS / CN) and sends SNI for DNS names.
void setExpectedPeerName(SSL* ssl, const std::string& name);

// --- Transports (transport.cpp): the byte pipe under a connection. ---
class Transport {
 public:
  virtual ~Transport() = default;
  virtual void readSome(asio::mutable_buffer buffer, ErrorHandler handler) = 0;
  virtual void writeAll(asio::const_buffer buffer, ErrorHandler handler) = 0;
  // Ends the connection (TLS close_notify first, bounded by a short timer), then closes the socket.
  // `keep` keeps the owner alive until the last callback.
  virtual void shutdown(std::shared_ptr<void> keep) = 0;
  virtual tcp::socket& socket() = 0;
  virtual SSL* ssl() { return nullptr; }
};

class TcpTransport final : public Transport {
 public:
  explicit TcpTransport(tcp::socket socket) : socket_(std::move(socket)) {}
  void readSome(asio::mutable_buffer buffer, ErrorHandler handler) override;
  void writeAll(asio::const_buffer buffer, ErrorHandler handler) override;
  void shutdown(std::shared_ptr<void> keep) override;
  tcp::socket& socket() override { return socket_; }

 private:
  tcp::socket socket_;
};

class TlsTransport final : public Transport {
 public:
  TlsTransport(tcp::socket socket, std::shared_ptr<asio::ssl::context> context)
      : context_(std::move(context)), stream_(std::move(socket), *context_) {}
  asio::ssl::stream<tcp::socket>& stream() { return stream_; }
  void readSome(asio::mutable_buffer buffer, ErrorHandler handler) override;
  void writeAll(asio::const_buffer buffer, ErrorHandler handler) override;
  void shutdown(std::shared_ptr<void> keep) override;
  tcp::socket& socket() override { return stream_.next_layer(); }
  SSL* ssl() override { return stream_.native_handle(); }

 private:
  std::shared_ptr<asio::ssl::context> context_;  // outlives the stream
  asio::ssl::stream<tcp::socket> stream_;
};

// Server-side TLS handshake with a deadline; `done` gets "" or the reason, on the loop.
void serverHandshake(std::shared_ptr<TlsTransport> transport, std::chrono::milliseconds timeout,
                     std::function<void(const std::string& error)> done);

// --- The connection core (connection.cpp): read loop, write queue, close with a reason. ---
// One read and one write in flight at most; everything on the loop thread. Subclasses keep
// themselves alive through self() in every callback.
class Connection {
 public:
  using CloseHook = std::function<void(const std::string& reason)>;
  Connection(asio::io_context& io, std::shared_ptr<Transport> transport, PeerInfo peer,
             LogHandler log, std::string kind);
  virtual ~Connection();
  // Runs (posted, after the subclass's own close handler) when the connection closes; used by the
  // clients to reconnect. Cleared by detach().
  void setCloseHook(CloseHook hook) { close_hook_ = std::move(hook); }
  // Closes without calling any handler (the owner is going away).
  void detach(const std::string& reason);

 protected:
  virtual std::shared_ptr<void> self() = 0;
  virtual void onBytes(std::string_view bytes) = 0;
  // Drops the subclass's data/message handler once the close is told (it often captures the
  // connection itself); runs on the loop, right before the close handler.
  virtual void dropDataHandler() = 0;
  virtual void onClosing() {}  // cancel the subclass's timers

  // The onClose() of both connection kinds: keeps `handler`; if the close was already told while
  // nobody listened, tells this late listener, once (posted, never re-entrantly).
  void setCloseHandler(std::function<void(const std::string& reason)> handler);

  void startReading();
  void pauseReads();
  void resumeReads();
  bool queueWrite(std::string bytes);
  void closeWith(const std::string& reason);
  bool connectionOpen() const { return !closed_; }
  std::size_t pending() const { return pending_bytes_; }
  const PeerInfo& peerInfo() const { return peer_; }
  const std::string& closeReason() const { return reason_; }
  asio::io_context& io() { return io_; }
  const LogHandler& log() const { return log_; }
  bool closeNotified() const { return close_notified_; }
  void postCloseDelivery();

 private:
  void doRead();
  void doWrite();
  void finish();
  // The handler call for a close, invoked later on the loop (never re-entrantly).
  void deliverClose(const std::string& reason);

  asio::io_context& io_;
  std::shared_ptr<Transport> transport_;
  PeerInfo peer_;
  LogHandler log_;
  std::string kind_;
  std::array<char, 16384> buffer_{};
  std::deque<std::string> queue_;
  std::string inflight_;           // what the write in flight sends (queued frames, joined)
  std::size_t pending_bytes_ = 0;  // queue_ + inflight_
  bool reading_ = false;
  bool paused_ = false;
  bool writing_ = false;
  bool closed_ = false;
  bool finished_ = false;
  bool close_notified_ = false;
  bool silent_ = false;
  std::string reason_;
  std::function<void(const std::string& reason)> on_close_;
  bool close_pending_ = false;  // closed and told before onClose was set
  CloseHook close_hook_;
  std::unique_ptr<asio::steady_timer> flush_timer_;
};

// --- Concrete connections. ---
class FramedLinkImpl final : public FramedLink, public Connection {
 public:
  FramedLinkImpl(asio::io_context& io, std::shared_ptr<Transport> transport, PeerInfo peer,
                 LinkOptions options);
  // Starts reading, heartbeats and the peer-timeout watchdog.
  void start();
  // Runs once, when the first frame (heartbeat or message) arrives: the peer accepted us.
  void setFirstFrameHook(std::function<void()> hook) { first_frame_hook_ = std::move(hook); }

  bool send(const nlohmann::json& message) override;
  void close(const std::string& reason) override { closeWith(reason); }
  bool isOpen() const override { return connectionOpen(); }
  const PeerInfo& peer() const override { return peerInfo(); }
  void onMessage(MessageHandler handler) override;
  void onClose(CloseHandler handler) override { setCloseHandler(std::move(handler)); }

 protected:
  std::shared_ptr<void> self() override { return shared_from_this(); }
  void onBytes(std::string_view bytes) override;
  void dropDataHandler() override { on_message_ = nullptr; }
  void onClosing() override;

 private:
  void deliverPending();
  void armHeartbeat();
  void armWatchdog();

  LinkOptions options_;
  FrameDecoder decoder_;
  MessageHandler on_message_;
  std::deque<nlohmann::json> undelivered_;
  asio::steady_timer heartbeat_timer_;
  asio::steady_timer watchdog_timer_;
  std::chrono::steady_clock::time_point last_frame_;
  std::function<void()> first_frame_hook_;
};

class ByteStreamImpl final : public ByteStream,
                             public Connection,
                             public std::enable_shared_from_this<ByteStreamImpl> {
 public:
  ByteStreamImpl(asio::io_context& io, std::shared_ptr<Transport> transport, PeerInfo peer,
                 LogHandler log);
  void start() { startReading(); }

  bool write(std::string bytes) override { return queueWrite(std::move(bytes)); }
  std::size_t pendingBytes() const override { return pending(); }
  void close(const std::string& reason) override { closeWith(reason); }
  bool isOpen() const override { return connectionOpen(); }
  const PeerInfo& peer() const override { return peerInfo(); }
  void onData(DataHandler handler) override;
  void onClose(CloseHandler handler) override { setCloseHandler(std::move(handler)); }
  void pauseReading() override { pauseReads(); }
  void resumeReading() override { resumeReads(); }

 protected:
  std::shared_ptr<void> self() override { return shared_from_this(); }
  void onBytes(std::string_view bytes) override;
  void dropDataHandler() override { on_data_ = nullptr; }

 private:
  DataHandler on_data_;
  std::string undelivered_;
  bool waiting_for_handler_ = false;  // reading paused until onData is set
};

// --- Incoming connections (listener.cpp). ---
// A listening socket and its accept loop. Callbacks hold the Listener, so destroying the owner
// while a handshake is pending is safe: close() marks it closed and late arrivals are dropped.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  using Accepted = std::function<void(tcp::socket socket)>;
  Listener(asio::io_context& io, Accepted accepted, LogHandler log)
      : io_(io), acceptor_(io), retry_timer_(io), accepted_(std::move(accepted)), log_(std::move(log)) {}
  // "" or the reason ("bind 127.0.1.1:8013: Address already in use").
  std::string listen(const std::string& address, std::uint16_t port);
  std::uint16_t port() const { return port_; }
  bool isOpen() const { return open_; }
  void close();
  asio::io_context& io() { return io_; }
  const LogHandler& log() const { return log_; }

 private:
  void doAccept();
  asio::io_context& io_;
  tcp::acceptor acceptor_;
  asio::steady_timer retry_timer_;
  Accepted accepted_;
  LogHandler log_;
  std::uint16_t port_ = 0;
  bool open_ = false;
};

// The listen() of LinkServer and StreamServer: refuses a second listen while `slot` listens,
// makes the TLS server context when `tls` is given ("TLS: <why>" when its files are unusable),
// then listens with a Listener whose accepted sockets go to `accepted` together with the listener
// (its own callback holds it weakly: the listener owns the callback) and the context (null without
// `tls`). "" and the listener in `slot`, or the reason and `slot` unchanged.
using AcceptedOn = std::function<void(std::shared_ptr<Listener> listener, tcp::socket socket,
                                      std::shared_ptr<asio::ssl::context> context)>;
std::string listenOn(asio::io_context& io, std::shared_ptr<Listener>& slot, const TlsConfig* tls,
                     const LogHandler& log, const std::string& address, std::uint16_t port, AcceptedOn accepted);

// Handshakes an accepted socket as a TLS server, then hands over a started FramedLink (or, for
// acceptTlsStream, a started ByteStream) unless `listener` was closed meanwhile. A refused
// handshake is logged with its reason.
void acceptTlsLink(std::shared_ptr<Listener> listener, tcp::socket socket,
                   std::shared_ptr<asio::ssl::context> context, const LinkOptions& options,
                   std::function<void(std::shared_ptr<FramedLink>)> on_link);
void acceptTlsStream(std::shared_ptr<Listener> listener, tcp::socket socket,
                     std::shared_ptr<asio::ssl::context> context, const LinkOptions& options,
                     std::function<void(std::shared_ptr<ByteStream>)> on_stream);

// --- Outgoing connections (dialer.cpp). ---
struct DialResult {
  std::string error;  // "" on success
  std::shared_ptr<Transport> transport;
  PeerInfo peer;
};

// Connects (binding source_address), then for TLS handshakes and verifies the server. `done` runs
// once on the loop unless cancel() came first.
class Dialer : public std::enable_shared_from_this<Dialer> {
 public:
  using Done = std::function<void(DialResult)>;
  static std::shared_ptr<Dialer> start(asio::io_context& io, bool use_tls, const TlsConfig& tls,
                                       const ClientOptions& options, Done done);
  Dialer(asio::io_context& io, Done done) : io_(io), socket_(io), resolver_(io), timer_(io), done_(std::move(done)) {}
  void cancel();

 private:
  void begin(bool use_tls, const TlsConfig& tls, const ClientOptions& options);
  void connectTo(const tcp::endpoint& endpoint);
  void handshake();
  void fail(const std::string& reason);

  asio::io_context& io_;
  tcp::socket socket_;
  tcp::resolver resolver_;
  asio::steady_timer timer_;
  Done done_;
  std::shared_ptr<asio::ssl::context> context_;
  std::shared_ptr<TlsTransport> tls_;
  std::string target_;        // "host:port" for reasons
  std::string expected_name_;
  std::string source_address_;
  std::uint16_t port_ = 0;
  bool finished_ = false;
};

// The reconnect policy shared by LinkClient and StreamClient: dial, hand the result over, and after
// every failure or close wait backoff (doubling from min to max, back to min once healthy).
class Reconnector : public std::enable_shared_from_this<Reconnector> {
 public:
  using Connected = std::function<void(DialResult&)>;
  Reconnector(EventLoop& loop, bool use_tls, TlsConfig tls, ClientOptions options,
              Connected connected, LinkClient::DownHandler on_down);
  void start();
  void stop();
  // The current connection ended (or failed): report it and schedule the next attempt.
  void lost(const std::string& reason);
  // The connection proved itself: the next failure waits backoff_min again.
  void healthy() { backoff_ = options_.backoff_min; }
  bool stopped() const { return stopped_; }

 private:
  void attempt();

  asio::io_context& io_;
  bool use_tls_;
  TlsConfig tls_;
  ClientOptions options_;
  Connected connected_;
  LinkClient::DownHandler on_down_;
  asio::steady_timer retry_timer_;
  std::shared_ptr<Dialer> dialer_;
  std::chrono::milliseconds backoff_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace fabric::net::detail
