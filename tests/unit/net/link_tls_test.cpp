// Verification: every refusal the TLS layer must make, seen from both ends.
#include <catch2/catch.hpp>

#include "common/net/link.h"
#include "tests/unit/net/net_test_support.h"

using namespace fabric::net;
using namespace fabric::net::test;
using namespace std::chrono_literals;

namespace {

struct Refusal {
  TestPki pki;
  EventLoop loop;
  Recorder recorder;
  int server_links = 0;
  int client_links = 0;
  std::vector<std::string> downs;

  LinkOptions options() {
    LinkOptions options;
    options.heartbeat_interval = 100ms;
    options.log = [this](const std::string& line) { recorder.log.push_back(line); };
    return options;
  }
  ClientOptions clientTo(std::uint16_t port) {
    ClientOptions client;
    client.host = "127.0.0.1";
    client.port = port;
    client.backoff_min = 50ms;
    client.backoff_max = 500ms;
    client.link = options();
    return client;
  }
  // Runs a server with `server_tls` and a client with `client_tls` until the client reported a
  // failure (on_down); returns the first reason.
  std::string run(const TlsConfig& server_tls, const TlsConfig& client_tls,
                  ClientOptions* overrides = nullptr) {
    LinkServer server(loop, server_tls, options(), [this](std::shared_ptr<FramedLink>) { ++server_links; });
    const std::string error = loop.call([&] { return server.listen("127.0.0.1", 0); });
    REQUIRE(error == "");
    ClientOptions client_options = clientTo(loop.call([&] { return server.port(); }));
    if (overrides) {
      overrides->port = client_options.port;
      client_options = *overrides;
    }
    LinkClient client(loop, client_tls, client_options,
                      [this](std::shared_ptr<FramedLink>) { ++client_links; },
                      [this](const std::string& reason) { downs.push_back(reason); });
    loop.start();
    loop.call([&] { client.start(); });
    REQUIRE(waitUntil([&] { return loop.call([&] { return downs.size() >= 2; }); }));
    loop.stop();
    return downs.front();
  }
};

}  // namespace

TEST_CASE("a client without a certificate is refused when the server requires one") {
  Refusal t;
  TlsConfig anonymous;
  anonymous.ca = t.pki.ca_path;
  const std::string reason = t.run(t.pki.server, anonymous);
  CHECK(t.server_links == 0);
  CHECK(t.recorder.logged("refused"));
  CHECK(t.recorder.logged("certificate"));
  // With TLS 1.3 the client learns it from the server's alert (or a reset), after its own
  // handshake finished.
  CHECK_FALSE(reason.empty());
}

TEST_CASE("a client certificate from another CA is refused by the server") {
  Refusal t;
  const std::string reason = t.run(t.pki.server, t.pki.foreign_client);
  CHECK(t.server_links == 0);
  CHECK(t.recorder.logged("refused: peer certificate rejected: unable to get local issuer certificate"));
  CHECK_FALSE(reason.empty());
}

TEST_CASE("a server certificate from another CA is refused by the client") {
  Refusal t;
  const std::string reason = t.run(t.pki.foreign_server, t.pki.client);
  CHECK(t.client_links == 0);
  CHECK(t.server_links == 0);
  CHECK(contains(reason, "TLS handshake with 127.0.0.1:"));
  CHECK(contains(reason, "peer certificate rejected: unable to get local issuer certificate"));
}

TEST_CASE("a server whose certificate does not name the expected peer is refused") {
  Refusal t;
  TlsConfig client = t.pki.client;
  client.expected_peer_name = "fortianalyzer.example.com";
  const std::string reason = t.run(t.pki.server, client);
  CHECK(t.client_links == 0);
  CHECK(contains(reason, "peer certificate rejected: hostname mismatch"));
}

TEST_CASE("a dialled address missing from the server's SAN is refused") {
  Refusal t;
  ClientOptions options = t.clientTo(0);
  options.host = "127.0.0.1";
  TlsConfig client = t.pki.client;
  client.expected_peer_name = "127.0.0.9";  // not in the server certificate's SAN
  const std::string reason = t.run(t.pki.server, client, &options);
  CHECK(t.client_links == 0);
  CHECK(contains(reason, "peer certificate rejected: IP address mismatch"));
}

TEST_CASE("the expected name may be a SAN DNS name instead of the dialled address") {
  TestPki pki;
  EventLoop loop;
  int server_links = 0, client_links = 0;
  LinkServer server(loop, pki.server, {}, [&](std::shared_ptr<FramedLink>) { ++server_links; });
  REQUIRE(server.listen("127.0.0.1", 0) == "");
  TlsConfig client_tls = pki.client;
  client_tls.expected_peer_name = "faz";
  ClientOptions options;
  options.host = "127.0.0.1";
  options.port = server.port();
  LinkClient client(loop, client_tls, options, [&](std::shared_ptr<FramedLink>) { ++client_links; });
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return server_links == 1 && client_links == 1; }); }));
  loop.stop();
}

TEST_CASE("the backoff between failed attempts grows from min to max") {
  TestPki pki;
  EventLoop loop;
  Recorder recorder;
  std::vector<std::string> downs;
  ClientOptions options;
  options.host = "127.0.0.1";
  options.port = 1;  // nothing listens on port 1 of loopback
  options.backoff_min = 10ms;
  options.backoff_max = 40ms;
  options.link.log = [&](const std::string& line) { recorder.log.push_back(line); };
  LinkClient client(loop, pki.client, options, [](std::shared_ptr<FramedLink>) {},
                    [&](const std::string& reason) { downs.push_back(reason); });
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return downs.size() >= 5; }); }));
  loop.stop();
  CHECK(contains(downs[0], "connect to 127.0.0.1:1: Connection refused"));
  CHECK(recorder.logged("retrying in 10 ms"));
  CHECK(recorder.logged("retrying in 20 ms"));
  CHECK(recorder.logged("retrying in 40 ms"));
  CHECK_FALSE(recorder.logged("retrying in 80 ms"));
}

TEST_CASE("a client dialling a host name resolves it and verifies the name against the SAN DNS") {
  TestPki pki;
  EventLoop loop;
  int server_links = 0;
  std::vector<PeerInfo> client_saw;
  LinkServer server(loop, pki.server, {}, [&](std::shared_ptr<FramedLink>) { ++server_links; });
  REQUIRE(server.listen("127.0.0.1", 0) == "");
  ClientOptions options;
  options.host = "localhost";
  options.port = server.port();
  LinkClient client(loop, pki.client, options,
                    [&](std::shared_ptr<FramedLink> link) { client_saw.push_back(link->peer()); });
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return server_links == 1 && client_saw.size() == 1; }); }));
  CHECK(loop.call([&] { return client_saw[0].common_name; }) == "FAZ-VM0000000001");
  loop.stop();
}

TEST_CASE("stop() closes the client's link without calling on_down, and no reconnect follows") {
  TestPki pki;
  EventLoop loop;
  std::vector<std::shared_ptr<FramedLink>> accepted;
  std::vector<std::string> server_closed;
  LinkServer server(loop, pki.server, {}, [&](std::shared_ptr<FramedLink> link) {
    accepted.push_back(link);
    link->onClose([&](const std::string& reason) { server_closed.push_back(reason); });
  });
  REQUIRE(server.listen("127.0.0.1", 0) == "");
  ClientOptions options;
  options.host = "127.0.0.1";
  options.port = server.port();
  options.backoff_min = 10ms;
  int links = 0;
  std::vector<std::string> downs;
  LinkClient client(loop, pki.client, options, [&](std::shared_ptr<FramedLink>) { ++links; },
                    [&](const std::string& reason) { downs.push_back(reason); });
  loop.start();
  loop.call([&] { client.start(); });
  REQUIRE(waitUntil([&] { return loop.call([&] { return links == 1 && accepted.size() == 1; }); }));
  loop.call([&] { client.stop(); });
  // The server sees the close (TLS close_notify), the client says nothing and stays down.
  REQUIRE(waitUntil([&] { return loop.call([&] { return !server_closed.empty(); }); }));
  bool waited = false;
  auto marker = loop.after(200ms, [&] { waited = true; });
  REQUIRE(waitUntil([&] { return loop.call([&] { return waited; }); }));
  loop.call([&] {
    CHECK(server_closed[0] == "peer closed the connection");
    CHECK(downs.empty());
    CHECK(links == 1);
    CHECK(accepted.size() == 1);
    CHECK(client.link() == nullptr);
  });
  loop.stop();
}
