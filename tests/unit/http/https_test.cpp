// HttpsServer and HttpsClient over real loopback TLS with lab certificates.
#include <catch2/catch.hpp>
#include <filesystem>
#include <future>
#include <random>
#include <thread>

#include "common/http/http.h"
#include "common/net/link.h"
#include "common/tls/pki.h"

namespace fs = std::filesystem;
using namespace fabric::http;

namespace {

struct Pki {
  fs::path dir;
  ServerTls server;
  ClientTls client;          // trusts the CA, presents the client certificate
  ClientTls other_ca;        // trusts an unrelated CA
  Pki() {
    std::random_device rd;
    dir = fs::temp_directory_path() / ("https_test_" + std::to_string(rd()));
    auto ca = fabric::tls::makeCertificateAuthority("Fabric Lab CA");
    auto node = fabric::tls::issueCertificate(
        ca, {.common_name = "FGVM01TM00000001", .serial_number = "FGVM01TM00000001",
             .dns_names = {"fgt"}, .ip_addresses = {"127.0.0.1"}});
    auto files = fabric::tls::installNodeCertificate(dir / "server", ca, node);
    server = {files.cert, files.key, files.ca, false};
    auto agent = fabric::tls::issueCertificate(ca, {.common_name = "agent", .serial_number = "FCT0001",
                                                    .ip_addresses = {"127.0.0.1"}});
    auto afiles = fabric::tls::installNodeCertificate(dir / "client", ca, agent);
    client = {afiles.ca, afiles.cert, afiles.key};
    auto other = fabric::tls::makeCertificateAuthority("Other CA");
    auto ofiles = fabric::tls::installNodeCertificate(dir / "other", other,
                                                      fabric::tls::issueCertificate(other, {.common_name = "x"}));
    other_ca = {ofiles.ca, {}, {}};
  }
  ~Pki() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

HttpResponse echo(const HttpRequest& r) {
  nlohmann::json query = nlohmann::json::array();
  for (const auto& [k, v] : r.query) query.push_back({k, v});
  HttpResponse out;
  out.status = r.path == "/missing" ? 404 : 200;
  out.body = nlohmann::json{{"method", r.method},
                            {"path", r.path},
                            {"query", query},
                            {"body", r.body},
                            {"remote", r.remote_address},
                            {"x", r.header("X-Test").value_or("")},
                            {"cookie", r.cookie("session").value_or("")}}
                 .dump();
  if (r.path == "/login") out.headers.emplace_back("Set-Cookie", "session=\"s1\"; path=/; HttpOnly");
  if (r.path == "/logout") out.headers.emplace_back("Set-Cookie", "session=; path=/; max-age=0");
  return out;
}

}  // namespace

TEST_CASE("request and answer travel intact over verified TLS") {
  Pki pki;
  HttpsServer server(pki.server, echo, nullptr);
  REQUIRE(server.listen("127.0.0.1", 0) == "");
  REQUIRE(server.port() != 0);

  HttpsClient client("127.0.0.1", server.port(), {pki.client.ca, {}, {}});
  auto r = client.request("POST", "/api/v2/cmdb/firewall/address?filter=name%3D%3DEMS01&vdom=root&filter=b",
                          R"({"name":"a b"})", {{"X-Test", "yes"}});
  REQUIRE(r.ok());
  CHECK(r.status == 200);
  auto j = nlohmann::json::parse(r.body);
  CHECK(j["method"] == "POST");
  CHECK(j["path"] == "/api/v2/cmdb/firewall/address");
  CHECK(j["query"] == nlohmann::json::parse(R"([["filter","name==EMS01"],["vdom","root"],["filter","b"]])"));
  CHECK(j["body"] == R"({"name":"a b"})");
  CHECK(j["remote"] == "127.0.0.1");
  CHECK(j["x"] == "yes");
  CHECK(client.peerSerialNumber() == "FGVM01TM00000001");

  auto missing = client.request("GET", "/missing");
  CHECK(missing.ok());
  CHECK(missing.status == 404);
  for (const auto& [k, v] : missing.headers)
    if (k == "Content-Type") CHECK(v == "application/json");
}

TEST_CASE("cookies are kept between calls, cleared by an expiring Set-Cookie or clearCookies") {
  Pki pki;
  HttpsServer server(pki.server, echo, nullptr);
  REQUIRE(server.listen("127.0.0.1", 0) == "");
  HttpsClient client("127.0.0.1", server.port(), {pki.client.ca, {}, {}});
  CHECK(nlohmann::json::parse(client.request("GET", "/").body)["cookie"] == "");
  REQUIRE(client.request("POST", "/login").status == 200);
  CHECK(nlohmann::json::parse(client.request("GET", "/").body)["cookie"] == "s1");
  REQUIRE(client.request("POST", "/logout").status == 200);
  CHECK(nlohmann::json::parse(client.request("GET", "/").body)["cookie"] == "");
  REQUIRE(client.request("POST", "/login").status == 200);
  client.clearCookies();
  CHECK(nlohmann::json::parse(client.request("GET", "/").body)["cookie"] == "");
}

TEST_CASE("the client refuses a server its CA did not sign, or whose name does not match") {
  Pki pki;
  HttpsServer server(pki.server, echo, nullptr);
  REQUIRE(server.listen("127.0.0.1", 0) == "");
  HttpsClient wrong_ca("127.0.0.1", server.port(), pki.other_ca);
  auto r = wrong_ca.request("GET", "/");
  CHECK(r.status == 0);
  CHECK_THAT(r.error, Catch::StartsWith("certificate verify failed: "));

  HttpsClient wrong_name("localhost", server.port(), {pki.client.ca, {}, {}});
  auto n = wrong_name.request("GET", "/");
  CHECK(n.status == 0);
  CHECK_THAT(n.error, Catch::StartsWith("certificate verify failed: "));
}

TEST_CASE("client certificates: required and verified when the server asks") {
  Pki pki;
  ServerTls tls = pki.server;
  tls.require_client_cert = true;
  HttpsServer server(tls, echo, nullptr);
  REQUIRE(server.listen("127.0.0.1", 0) == "");
  HttpsClient anonymous("127.0.0.1", server.port(), {pki.client.ca, {}, {}});
  auto refused = anonymous.request("GET", "/");
  CHECK(refused.status == 0);
  CHECK_FALSE(refused.ok());
  HttpsClient with_cert("127.0.0.1", server.port(), pki.client);
  auto ok = with_cert.request("GET", "/");
  CHECK(ok.status == 200);
}

TEST_CASE("source address: the server sees the address the client bound") {
  Pki pki;
  HttpsServer server(pki.server, echo, nullptr);
  REQUIRE(server.listen("127.0.0.1", 0) == "");
  HttpsClient client("127.0.0.1", server.port(), {pki.client.ca, {}, {}}, "127.0.0.7");
  auto r = client.request("GET", "/");
  REQUIRE(r.ok());
  CHECK(nlohmann::json::parse(r.body)["remote"] == "127.0.0.7");
}

TEST_CASE("failures are named: refused, timed out, busy port, handler exception, body too large") {
  Pki pki;
  std::uint16_t closed_port = 0;
  {
    HttpsServer probe(pki.server, echo, nullptr);
    REQUIRE(probe.listen("127.0.0.1", 0) == "");
    closed_port = probe.port();
  }
  HttpsClient nobody("127.0.0.1", closed_port, {pki.client.ca, {}, {}});
  auto refused = nobody.request("GET", "/");
  CHECK(refused.status == 0);
  CHECK(refused.error == "connect 127.0.0.1:" + std::to_string(closed_port) + ": Connection refused");

  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  HttpsServer slow(
      pki.server,
      [released](const HttpRequest& r) {
        if (r.path == "/slow") released.wait();
        if (r.path == "/throw") throw std::runtime_error("boom");
        return HttpResponse{};
      },
      nullptr);
  REQUIRE(slow.listen("127.0.0.1", 0) == "");
  HttpsClient impatient("127.0.0.1", slow.port(), {pki.client.ca, {}, {}}, {}, std::chrono::milliseconds(300));
  auto timed_out = impatient.request("GET", "/slow");
  release.set_value();
  CHECK(timed_out.status == 0);
  CHECK_THAT(timed_out.error, Catch::StartsWith("timed out after 300 ms"));

  HttpsClient client("127.0.0.1", slow.port(), {pki.client.ca, {}, {}});
  auto thrown = client.request("GET", "/throw");
  CHECK(thrown.status == 500);
  CHECK_THAT(thrown.body, Catch::Contains("boom"));
  auto big = client.request("POST", "/", std::string(5 << 20, 'x'));
  CHECK(big.status == 413);

  HttpsServer second(pki.server, echo, nullptr);
  CHECK(second.listen("127.0.0.1", slow.port()) ==
        "bind 127.0.0.1:" + std::to_string(slow.port()) + ": Address already in use");

  ServerTls broken = pki.server;
  broken.key = pki.dir / "nope.key";
  HttpsServer bad_tls(broken, echo, nullptr);
  CHECK_THAT(bad_tls.listen("127.0.0.1", 0), Catch::Contains("nope.key"));
}

TEST_CASE("with an EventLoop, handlers run on the loop's thread") {
  Pki pki;
  fabric::net::EventLoop loop;
  loop.start();
  HttpsServer server(
      pki.server,
      [&loop](const HttpRequest&) {
        HttpResponse r;
        r.body = loop.onLoopThread() ? "on loop" : "elsewhere";
        return r;
      },
      &loop);
  REQUIRE(server.listen("127.0.0.1", 0) == "");
  HttpsClient client("127.0.0.1", server.port(), {pki.client.ca, {}, {}});
  CHECK(client.request("GET", "/").body == "on loop");
  server.stop();
  loop.stop();
}
