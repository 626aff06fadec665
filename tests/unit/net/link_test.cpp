// FramedLink over verified TLS: LinkServer and LinkClient on 127.0.0.1, port 0.
#include <catch2/catch.hpp>

#include "common/base/atomic_file.h"
#include "common/net/frame_codec.h"
#include "common/net/link.h"
#include "tests/unit/net/net_test_support.h"

using namespace fabric::net;
using namespace fabric::net::test;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

LinkOptions quickOptions(Recorder& recorder) {
  LinkOptions options;
  options.heartbeat_interval = 100ms;
  options.peer_timeout = 2000ms;
  options.log = [&recorder](const std::string& line) { recorder.log.push_back(line); };
  return options;
}

ClientOptions clientTo(std::uint16_t port, Recorder& recorder) {
  ClientOptions options;
  options.host = "127.0.0.1";
  options.port = port;
  options.backoff_min = 20ms;
  options.backoff_max = 200ms;
  options.link = quickOptions(recorder);
  return options;
}

}  // namespace

TEST_CASE("a message sent over a link comes back from an echo server, in order") {
  TestPki pki;
  EventLoop loop;
  Recorder recorder;
  LinkServer server(loop, pki.server, quickOptions(recorder), [](std::shared_ptr<FramedLink> link) {
    std::weak_ptr<FramedLink> weak = link;
    link->onMessage([weak](const json& message) {
      if (auto self = weak.lock()) self->send(json{{"type", "echo"}, {"of", message}});
    });
  });
  REQUIRE(loop.call([&] { return server.listen("127.0.0.1", 0); }) == "");
  const std::uint16_t port = loop.call([&] { return server.port(); });
  REQUIRE(port != 0);

  std::vector<json> received;
  LinkClient client(loop, pki.client, clientTo(port, recorder), [&](std::shared_ptr<FramedLink> link) {
    link->onMessage([&](const json& message) { received.push_back(message); });
    for (int i = 0; i < 100; ++i) link->send(json{{"type", "ping"}, {"n", i}});
  });
  loop.start();
  loop.call([&] { client.start(); });

  REQUIRE(waitUntil([&] { return loop.call([&] { return received.size() >= 100; }); }));
  loop.call([&] {
    REQUIRE(received.size() == 100);
    for (int i = 0; i < 100; ++i) {
      CHECK(received[i]["type"] == "echo");
      CHECK(received[i]["of"]["n"] == i);
    }
    // Heartbeats flow both ways but are never delivered.
    for (const auto& message : received) CHECK(message["of"]["type"] != "heartbeat");
  });
  loop.stop();
}

TEST_CASE("both ends see who is at the other end: address, CN, serial number and certificate serial") {
  TestPki pki;
  EventLoop loop;
  Recorder recorder;
  std::vector<PeerInfo> server_saw;
  LinkServer server(loop, pki.server, quickOptions(recorder),
                    [&](std::shared_ptr<FramedLink> link) { server_saw.push_back(link->peer()); });
  REQUIRE(loop.call([&] { return server.listen("127.0.0.1", 0); }) == "");
  std::vector<PeerInfo> client_saw;
  LinkClient client(loop, pki.client, clientTo(loop.call([&] { return server.port(); }), recorder),
                    [&](std::shared_ptr<FramedLink> link) { client_saw.push_back(link->peer()); });
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return !server_saw.empty() && !client_saw.empty(); }); }));
  loop.call([&] {
    CHECK(server_saw[0].address == "127.0.0.1");
    CHECK(server_saw[0].port != 0);
    CHECK(server_saw[0].common_name == "FGVM01TM00000001");
    CHECK(server_saw[0].serial_number == "FGVM01TM00000001");
    CHECK(client_saw[0].address == "127.0.0.1");
    CHECK(client_saw[0].port == server.port());
    CHECK(client_saw[0].common_name == "FAZ-VM0000000001");
    CHECK(client_saw[0].serial_number == "FAZ-VM0000000001");
    // The X.509 serial of the certificate each end presented (uppercase hex).
    CHECK(server_saw[0].certificate_serial == fabric::tls::certificateSerial(fabric::readFile(pki.client.cert).value_or("")));
    CHECK(client_saw[0].certificate_serial == fabric::tls::certificateSerial(fabric::readFile(pki.server.cert).value_or("")));
    CHECK_FALSE(server_saw[0].certificate_serial.empty());
    REQUIRE(client.link() != nullptr);
    CHECK(client.link()->isOpen());
  });
  loop.stop();
}

TEST_CASE("the client binds its socket to source_address: the server sees 127.0.0.2") {
  TestPki pki;
  EventLoop loop;
  Recorder recorder;
  std::vector<PeerInfo> server_saw;
  LinkServer server(loop, pki.server, quickOptions(recorder),
                    [&](std::shared_ptr<FramedLink> link) { server_saw.push_back(link->peer()); });
  REQUIRE(loop.call([&] { return server.listen("127.0.0.1", 0); }) == "");
  ClientOptions options = clientTo(loop.call([&] { return server.port(); }), recorder);
  options.source_address = "127.0.0.2";
  LinkClient client(loop, pki.client, options, [](std::shared_ptr<FramedLink>) {});
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return !server_saw.empty(); }); }));
  CHECK(loop.call([&] { return server_saw[0].address; }) == "127.0.0.2");
  loop.stop();
}

TEST_CASE("a peer that sends no frame is dropped after peer_timeout, with the reason") {
  TestPki pki;
  EventLoop loop;
  Recorder recorder;
  LinkOptions options = quickOptions(recorder);
  options.peer_timeout = 300ms;
  std::vector<std::string> closed;
  LinkServer server(loop, pki.server, options, [&](std::shared_ptr<FramedLink> link) {
    link->onClose([&](const std::string& reason) { closed.push_back(reason); });
  });
  REQUIRE(loop.call([&] { return server.listen("127.0.0.1", 0); }) == "");
  // A TLS byte stream that never writes: a silent peer (no heartbeats).
  std::shared_ptr<ByteStream> silent;
  StreamClient client(loop, true, pki.client, clientTo(loop.call([&] { return server.port(); }), recorder),
                      [&](std::shared_ptr<ByteStream> stream) { silent = stream; });
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return !closed.empty(); }); }));
  loop.call([&] {
    CHECK(closed[0] == "no frame from peer for 300 ms (peer timeout)");
    CHECK(recorder.logged("closed: no frame from peer for 300 ms (peer timeout)"));
    CHECK(recorder.logged("(FGVM01TM00000001)"));
  });
  loop.stop();
}

TEST_CASE("heartbeats keep an otherwise idle link open past peer_timeout") {
  TestPki pki;
  EventLoop loop;
  Recorder recorder;
  LinkOptions options = quickOptions(recorder);
  options.heartbeat_interval = 20ms;
  options.peer_timeout = 200ms;
  std::vector<std::string> closed;
  std::shared_ptr<FramedLink> accepted;
  LinkServer server(loop, pki.server, options, [&](std::shared_ptr<FramedLink> link) {
    accepted = link;
    link->onClose([&](const std::string& reason) { closed.push_back(reason); });
  });
  REQUIRE(loop.call([&] { return server.listen("127.0.0.1", 0); }) == "");
  ClientOptions client_options = clientTo(loop.call([&] { return server.port(); }), recorder);
  client_options.link = options;
  int links = 0;
  LinkClient client(loop, pki.client, client_options, [&](std::shared_ptr<FramedLink>) { ++links; });
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return accepted != nullptr; }); }));
  // Wait (on the loop's own timer) five peer timeouts, then the link must still be the first one.
  bool waited = false;
  auto marker = loop.after(1000ms, [&] { waited = true; });
  REQUIRE(waitUntil([&] { return loop.call([&] { return waited; }); }));
  loop.call([&] {
    CHECK(closed.empty());
    CHECK(accepted->isOpen());
    CHECK(links == 1);
  });
  loop.stop();
}

TEST_CASE("an oversized frame closes the link with the codec's reason") {
  TestPki pki;
  EventLoop loop;
  Recorder recorder;
  LinkOptions options = quickOptions(recorder);
  options.max_frame = 1024;
  std::vector<std::string> closed;
  std::vector<json> delivered;
  LinkServer server(loop, pki.server, options, [&](std::shared_ptr<FramedLink> link) {
    link->onMessage([&](const json& message) { delivered.push_back(message); });
    link->onClose([&](const std::string& reason) { closed.push_back(reason); });
  });
  REQUIRE(loop.call([&] { return server.listen("127.0.0.1", 0); }) == "");
  StreamClient client(loop, true, pki.client, clientTo(loop.call([&] { return server.port(); }), recorder),
                      [&](std::shared_ptr<ByteStream> stream) {
                        stream->write(encodeFrame(json{{"type", "hello"}}));
                        std::string big = encodeFrame(json{{"type", "x"}, {"pad", std::string(5000, 'a')}});
                        stream->write(big);
                      });
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return !closed.empty(); }); }));
  loop.call([&] {
    CHECK(contains(closed[0], "exceeds the 1024-byte limit"));
    CHECK(recorder.logged("exceeds the 1024-byte limit"));
    REQUIRE(delivered.size() == 1);  // the frame before the bad one still arrived
    CHECK(delivered[0]["type"] == "hello");
  });
  loop.stop();
}

TEST_CASE("invalid JSON in a frame closes the link with the reason") {
  TestPki pki;
  EventLoop loop;
  Recorder recorder;
  std::vector<std::string> closed;
  LinkServer server(loop, pki.server, quickOptions(recorder), [&](std::shared_ptr<FramedLink> link) {
    link->onClose([&](const std::string& reason) { closed.push_back(reason); });
  });
  REQUIRE(loop.call([&] { return server.listen("127.0.0.1", 0); }) == "");
  StreamClient client(loop, true, pki.client, clientTo(loop.call([&] { return server.port(); }), recorder),
                      [&](std::shared_ptr<ByteStream> stream) {
                        stream->write(std::string("\0\0\0\x05{oops", 9));
                      });
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return !closed.empty(); }); }));
  CHECK(loop.call([&] { return closed[0]; }) == "frame is not valid JSON");
  loop.stop();
}

TEST_CASE("LinkClient reconnects after the server goes away and comes back on the same port") {
  TestPki pki;
  EventLoop loop;
  Recorder recorder;
  std::vector<std::shared_ptr<FramedLink>> accepted;
  auto on_link = [&](std::shared_ptr<FramedLink> link) { accepted.push_back(link); };
  auto first = std::make_unique<LinkServer>(loop, pki.server, quickOptions(recorder), on_link);
  REQUIRE(loop.call([&] { return first->listen("127.0.0.1", 0); }) == "");
  const std::uint16_t port = loop.call([&] { return first->port(); });

  int links = 0;
  std::vector<std::string> downs;
  LinkClient client(loop, pki.client, clientTo(port, recorder),
                    [&](std::shared_ptr<FramedLink>) { ++links; },
                    [&](const std::string& reason) { downs.push_back(reason); });
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return links == 1 && accepted.size() == 1; }); }));

  // The server goes away: listener closed and its link closed.
  loop.call([&] {
    first.reset();
    accepted[0]->close("server shutting down");
  });
  REQUIRE(waitUntil([&] { return loop.call([&] { return !downs.empty() && client.link() == nullptr; }); }));
  // While nobody listens, attempts fail with "connection refused" and are retried.
  REQUIRE(waitUntil([&] { return loop.call([&] { return downs.size() >= 3; }); }));
  loop.call([&] {
    CHECK(contains(downs.back(), "refused"));
    CHECK(recorder.logged("retrying in"));
  });

  LinkServer second(loop, pki.server, quickOptions(recorder), on_link);
  REQUIRE(loop.call([&] { return second.listen("127.0.0.1", port); }) == "");
  REQUIRE(waitUntil([&] { return loop.call([&] { return links == 2 && accepted.size() == 2; }); }));
  CHECK(loop.call([&] { return client.link() != nullptr; }));
  loop.stop();
}

TEST_CASE("listen reports a port in use and unusable TLS files") {
  TestPki pki;
  EventLoop loop;
  Recorder recorder;
  LinkServer first(loop, pki.server, quickOptions(recorder), [](std::shared_ptr<FramedLink>) {});
  REQUIRE(first.listen("127.0.0.1", 0) == "");
  LinkServer second(loop, pki.server, quickOptions(recorder), [](std::shared_ptr<FramedLink>) {});
  const std::string error = second.listen("127.0.0.1", first.port());
  CHECK(error == "bind 127.0.0.1:" + std::to_string(first.port()) + ": Address already in use");
  CHECK(first.listen("127.0.0.1", 0) == "already listening on port " + std::to_string(first.port()));
  CHECK(second.listen("not-an-address", 0) == "invalid listen address 'not-an-address'");

  TlsConfig missing = pki.server;
  missing.key = pki.dir.path() / "nope.key";
  LinkServer third(loop, missing, quickOptions(recorder), [](std::shared_ptr<FramedLink>) {});
  CHECK(contains(third.listen("127.0.0.1", 0), "cannot read key file"));
}
