// Raw byte streams: StreamServer (TCP, TLS, sniff), StreamClient, UdpReceiver.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "common/net/frame_codec.h"
#include "common/net/link.h"
#include "tests/unit/net/net_test_support.h"

using namespace fabric::net;
using namespace fabric::net::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

ClientOptions clientTo(std::uint16_t port) {
  ClientOptions options;
  options.host = "127.0.0.1";
  options.port = port;
  options.backoff_min = 20ms;
  options.backoff_max = 200ms;
  return options;
}

}  // namespace

TEST_CASE("sniff mode hands TLS connections to the link handler and plain bytes to the stream handler") {
  TestPki pki;
  EventLoop loop;
  std::vector<std::shared_ptr<FramedLink>> links;
  std::vector<json> link_messages;
  std::string plain;
  PeerInfo plain_peer;
  StreamServer server(
      loop, StreamServer::Mode::SniffTlsLink, pki.server,
      [&](std::shared_ptr<ByteStream> stream) {
        plain_peer = stream->peer();
        stream->onData([&](std::string_view bytes) { plain.append(bytes); });
      },
      [&](std::shared_ptr<FramedLink> link) {
        links.push_back(link);
        link->onMessage([&](const json& message) { link_messages.push_back(message); });
      });
  REQUIRE(loop.call([&] { return server.listen("127.0.0.1", 0); }) == "");
  const std::uint16_t port = loop.call([&] { return server.port(); });

  LinkClient link_client(loop, pki.client, clientTo(port), [](std::shared_ptr<FramedLink> link) {
    link->send(json{{"type", "hello"}, {"serial", "FGVM01TM00000001"}});
  });
  const std::string syslog = "<134>date=2026-11-29 time=05:00:00 devname=\"fgt\" logid=\"0000000013\"\n";
  StreamClient plain_client(loop, false, {}, clientTo(port),
                            [&](std::shared_ptr<ByteStream> stream) { stream->write(syslog); });
  loop.start();
  loop.call([&] {
    link_client.start();
    plain_client.start();
  });
  REQUIRE(waitUntil([&] { return loop.call([&] { return !link_messages.empty() && plain.size() >= syslog.size(); }); }));
  loop.call([&] {
    CHECK(plain == syslog);  // first byte '<' included
    CHECK(plain_peer.address == "127.0.0.1");
    CHECK(plain_peer.common_name.empty());
    REQUIRE(links.size() == 1);
    CHECK(links[0]->peer().serial_number == "FGVM01TM00000001");
    CHECK(link_messages[0]["type"] == "hello");
  });
  loop.stop();
}

TEST_CASE("a StreamClient over TLS delivers every write, in order") {
  TestPki pki;
  EventLoop loop;
  std::string received;
  std::vector<PeerInfo> peers;
  StreamServer server(loop, StreamServer::Mode::Tls, pki.server, [&](std::shared_ptr<ByteStream> stream) {
    peers.push_back(stream->peer());
    stream->onData([&](std::string_view bytes) { received.append(bytes); });
  });
  REQUIRE(loop.call([&] { return server.listen("127.0.0.1", 0); }) == "");
  std::string expected;
  for (int i = 0; i < 2000; ++i) expected += "<134>line " + std::to_string(i) + "\n";
  StreamClient client(loop, true, pki.client, clientTo(loop.call([&] { return server.port(); })),
                      [&](std::shared_ptr<ByteStream> stream) {
                        for (int i = 0; i < 2000; ++i)
                          stream->write("<134>line " + std::to_string(i) + "\n");
                      });
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return received.size() >= expected.size(); }); }));
  loop.call([&] {
    CHECK(received == expected);
    CHECK(peers.at(0).common_name == "FGVM01TM00000001");
    REQUIRE(client.stream() != nullptr);
    CHECK(client.stream()->pendingBytes() == 0);
  });
  loop.stop();
}

TEST_CASE("pauseReading holds the sender back (pendingBytes grows); resumeReading lets it all through") {
  EventLoop loop;
  std::shared_ptr<ByteStream> server_side;
  std::size_t received = 0;
  StreamServer server(loop, StreamServer::Mode::Tcp, {}, [&](std::shared_ptr<ByteStream> stream) {
    server_side = stream;
    stream->pauseReading();
    stream->onData([&](std::string_view bytes) { received += bytes.size(); });
  });
  REQUIRE(loop.call([&] { return server.listen("127.0.0.1", 0); }) == "");
  const std::size_t total = 64u << 20;  // far more than loopback socket buffers hold
  std::shared_ptr<ByteStream> client_side;
  StreamClient client(loop, false, {}, clientTo(loop.call([&] { return server.port(); })),
                      [&](std::shared_ptr<ByteStream> stream) {
                        client_side = stream;
                        for (std::size_t sent = 0; sent < total; sent += 1u << 20)
                          stream->write(std::string(1u << 20, 'x'));
                      });
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return server_side && client_side; }); }));
  // Paused: the kernel buffers fill and the rest stays queued at the sender.
  bool settled = false;
  auto marker = loop.after(300ms, [&] { settled = true; });
  REQUIRE(waitUntil([&] { return loop.call([&] { return settled; }); }));
  loop.call([&] {
    CHECK(client_side->pendingBytes() > 0);
    CHECK(received < total);
    server_side->resumeReading();
  });
  REQUIRE(waitUntil([&] { return loop.call([&] { return received == total; }); }));
  CHECK(loop.call([&] { return client_side->pendingBytes(); }) == 0);
  loop.stop();
}

TEST_CASE("a UDP datagram arrives whole, with the sender's address") {
  EventLoop loop;
  std::vector<std::pair<std::string, PeerInfo>> datagrams;
  UdpReceiver receiver(loop, [&](std::string_view datagram, const PeerInfo& from) {
    datagrams.emplace_back(std::string(datagram), from);
  });
  REQUIRE(loop.call([&] { return receiver.listen("127.0.0.1", 0); }) == "");
  const std::uint16_t port = loop.call([&] { return receiver.port(); });
  REQUIRE(port != 0);
  loop.start();

  const std::string message = "<134>logver=700 type=\"traffic\" srcip=10.0.0.5";
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::sendto(fd, message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) ==
          static_cast<ssize_t>(message.size()));
  sockaddr_in local{};
  socklen_t length = sizeof local;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
  ::close(fd);

  REQUIRE(waitUntil([&] { return loop.call([&] { return !datagrams.empty(); }); }));
  loop.call([&] {
    CHECK(datagrams[0].first == message);
    CHECK(datagrams[0].second.address == "127.0.0.1");
    CHECK(datagrams[0].second.port == ntohs(local.sin_port));
  });
  loop.stop();
}

TEST_CASE("a plain TCP stream server sees the peer close") {
  EventLoop loop;
  std::vector<std::string> closed;
  std::string received;
  StreamServer server(loop, StreamServer::Mode::Tcp, {}, [&](std::shared_ptr<ByteStream> stream) {
    stream->onData([&](std::string_view bytes) { received.append(bytes); });
    stream->onClose([&](const std::string& reason) { closed.push_back(reason); });
  });
  REQUIRE(loop.call([&] { return server.listen("127.0.0.1", 0); }) == "");
  StreamClient client(loop, false, {}, clientTo(loop.call([&] { return server.port(); })),
                      [&](std::shared_ptr<ByteStream> stream) { stream->write("bye\n"); });
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return received == "bye\n"; }); }));
  loop.call([&] { client.stop(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return !closed.empty(); }); }));
  CHECK(loop.call([&] { return closed[0]; }) == "peer closed the connection");
  loop.stop();
}

namespace {
// A raw loopback TCP connection (no Asio in tests): connects and returns the descriptor.
int rawConnect(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}
}  // namespace

TEST_CASE("sniff mode closes a connection that sends nothing within handshake_timeout") {
  TestPki pki;
  EventLoop loop;
  Recorder recorder;
  LinkOptions options;
  options.handshake_timeout = 200ms;
  options.log = [&](const std::string& line) { recorder.log.push_back(line); };
  int streams = 0;
  StreamServer server(
      loop, StreamServer::Mode::SniffTlsLink, pki.server,
      [&](std::shared_ptr<ByteStream>) { ++streams; }, [](std::shared_ptr<FramedLink>) {}, options);
  REQUIRE(server.listen("127.0.0.1", 0) == "");
  loop.start();
  const int fd = rawConnect(loop.call([&] { return server.port(); }));
  REQUIRE(fd >= 0);
  REQUIRE(waitUntil([&] { return loop.call([&] { return recorder.logged("sent nothing within 200 ms"); }); }));
  char byte = 0;
  CHECK(::recv(fd, &byte, 1, 0) == 0);  // the server closed it
  ::close(fd);
  CHECK(loop.call([&] { return streams; }) == 0);
  loop.stop();
}

TEST_CASE("plain bytes sent to a TLS link server are refused with the handshake's reason") {
  TestPki pki;
  EventLoop loop;
  Recorder recorder;
  LinkOptions options;
  options.log = [&](const std::string& line) { recorder.log.push_back(line); };
  int links = 0;
  LinkServer server(loop, pki.server, options, [&](std::shared_ptr<FramedLink>) { ++links; });
  REQUIRE(server.listen("127.0.0.1", 0) == "");
  loop.start();
  const int fd = rawConnect(loop.call([&] { return server.port(); }));
  REQUIRE(fd >= 0);
  const std::string junk = "GET / HTTP/1.0\r\n\r\n";
  REQUIRE(::send(fd, junk.data(), junk.size(), 0) == static_cast<ssize_t>(junk.size()));
  REQUIRE(waitUntil([&] { return loop.call([&] { return recorder.logged("refused: "); }); }));
  ::close(fd);
  CHECK(loop.call([&] { return links; }) == 0);
  CHECK(loop.call([&] { return recorder.logged("TLS handshake from 127.0.0.1:"); }));
  loop.stop();
}
