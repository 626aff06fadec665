#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "common/base/atomic_file.h"
#include "common/config/engine.h"
#include "common/config/secret_box.h"
#include "common/tls/pki.h"
#include "fortigate/schema/fortigate_schema.h"
#include "scenarios/lab/lab_plan.h"
#include "scenarios/lab/lab_writer.h"
#include "scenarios/lab/node_configs.h"

using namespace fabric;
using namespace fabric::lab;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("lab_layout_test_" + std::to_string(::getpid()) + "_" + randomPassword(6));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

TEST_CASE("a plan gives every node its own address in the lab's /16, endpoints after them") {
  PlanOptions options;
  options.endpoint_count = 3;
  options.octet = 57;
  LabPlan plan = makeLabPlan(options);
  REQUIRE(plan.nodes.size() == 3);
  CHECK(plan.nodes[0].name == "fortianalyzer");
  CHECK(plan.nodes[2].name == "fortigate");
  CHECK(plan.node("fortigate")->address == "127.57.0.1");
  CHECK(plan.node("fortianalyzer")->address == "127.57.0.2");
  CHECK(plan.node("ems")->address == "127.57.0.3");
  REQUIRE(plan.endpoints.size() == 3);
  CHECK(plan.endpoints[2].address == "127.57.1.3");
  CHECK(plan.endpoints[2].hostname == "PC3");
  CHECK(plan.endpoint("127.57.1.2")->name == "pc2");
  CHECK(plan.endpoint("pc2")->hostname == "PC2");
  CHECK(plan.node("fortigate")->serial.rfind("FGVM01TM", 0) == 0);
  CHECK(plan.node("ems")->serial.size() == 16);
  CHECK(plan.node("fortianalyzer")->serial.rfind("FAZ-VM00", 0) == 0);
  CHECK(plan.node("ems")->port("https") == 443);
  CHECK(plan.node("fortianalyzer")->port("syslog-tls") == 6514);
}

TEST_CASE("the same seed gives the same lab, another seed another octet") {
  PlanOptions a;
  a.seed = 7;
  PlanOptions b;
  b.seed = 8;
  CHECK(makeLabPlan(a).toJson() == makeLabPlan(a).toJson());
  std::set<int> octets;
  for (std::uint64_t s = 0; s < 20; ++s) {
    PlanOptions o;
    o.seed = s;
    int octet = makeLabPlan(o).octet;
    CHECK(octet >= 16);
    CHECK(octet <= 239);
    octets.insert(octet);
  }
  CHECK(octets.size() > 10);
}

TEST_CASE("unprivileged labs use the product ports plus 10000; netns labs live in 10.B/16") {
  PlanOptions o;
  o.privileged_ports = false;
  o.netns = true;
  o.octet = 20;
  auto plan = makeLabPlan(o);
  CHECK(plan.node("ems")->port("https") == 10443);
  CHECK(plan.node("fortigate")->port("telemetry") == 18013);
  CHECK(plan.node("fortianalyzer")->port("syslog") == 10514);
  CHECK(plan.node("ems")->address == "10.20.0.3");
  CHECK(plan.internet_address == "10.20.2.1");
  CHECK(plan.bridge == "fablab20");
}

TEST_CASE("lab.json round-trips and names what is wrong") {
  PlanOptions o;
  o.endpoints = {{"pc1", "windows", false}, {"mac", "macos", true}, {"lnx", "linux", false}};
  o.netns = true;
  auto plan = makeLabPlan(o);
  CHECK(LabPlan::fromJson(plan.toJson()).toJson() == plan.toJson());
  auto j = plan.toJson();
  j["nodes"][1].erase("serial");
  CHECK_THROWS_WITH(LabPlan::fromJson(j), Catch::Contains("lab.json node ems: missing \"serial\""));
  j = plan.toJson();
  j["version"] = 2;
  CHECK_THROWS_WITH(LabPlan::fromJson(j), Catch::Contains("unsupported version 2"));
  j = plan.toJson();
  j["octet"] = "x";
  CHECK_THROWS_WITH(LabPlan::fromJson(j), Catch::Contains("\"octet\" has the wrong type"));
}

TEST_CASE("impossible plans are refused") {
  PlanOptions o;
  o.endpoint_count = 0;
  CHECK_THROWS_WITH(makeLabPlan(o), Catch::Contains("between 1 and 250"));
  o.endpoints = {{"pc1", "windows", false}, {"pc1", "linux", false}};
  CHECK_THROWS_WITH(makeLabPlan(o), Catch::Contains("named twice"));
  o.endpoints = {{"pc1", "beos", false}};
  CHECK_THROWS_WITH(makeLabPlan(o), Catch::Contains("unknown os 'beos'"));
}

TEST_CASE("endpoints are Windows unless --os asks for macOS or Linux, for all or one per endpoint") {
  PlanOptions o;
  o.endpoint_count = 3;
  auto plan = makeLabPlan(o);
  for (const auto& e : plan.endpoints) CHECK(e.os == "windows");
  o.endpoint_os = {"macos"};
  plan = makeLabPlan(o);
  for (const auto& e : plan.endpoints) CHECK(e.os == "macos");
  o.endpoint_os = {"linux", "windows", "macos"};
  plan = makeLabPlan(o);
  CHECK(plan.endpoint("pc1")->os == "linux");
  CHECK(plan.endpoint("pc2")->os == "windows");
  CHECK(plan.endpoint("pc3")->os == "macos");
  o.endpoint_os = {"linux", "macos"};
  CHECK_THROWS_WITH(makeLabPlan(o), Catch::Contains("--os names 2 systems for 3 endpoints"));
  o.endpoint_os = {"beos"};
  CHECK_THROWS_WITH(makeLabPlan(o), Catch::Contains("unknown os 'beos'"));
}

TEST_CASE("the FortiGate's file is the seed's configuration and loads into the FortiGate schema") {
  PlanOptions o;
  o.octet = 33;
  auto plan = makeLabPlan(o);
  std::string key(32, 'k');
  std::string text = fortigateConfig(plan, config::SecretBox(key).seal("S3cret-pass"));
  CHECK(text.find("S3cret-pass") == std::string::npos);
  CHECK(text.find("set subnet 127.33.0.3 255.255.255.255") != std::string::npos);
  CHECK(text.find("set serial-number " + plan.node("ems")->serial) != std::string::npos);
  CHECK(text.find("set action-type quarantine-forticlient") != std::string::npos);

  config::Engine engine(fortigate::makeFortiGateSchema(), "FGT", key);
  auto result = engine.load(text);
  INFO(result.output);
  REQUIRE(result.ok());
  CHECK(engine.value({"endpoint-control forticlient-ems", "e01"}, "serial-number") == plan.node("ems")->serial);
  CHECK(engine.value({"endpoint-control forticlient-ems", "e01"}, "rest-api-auth") == std::string("userpass"));
  CHECK(engine.secret({"endpoint-control forticlient-ems", "e01"}, "admin-password") == std::string("S3cret-pass"));
  CHECK(engine.value({"system automation-stitch", "stitch01"}, "trigger") == std::string("trigger01"));
  CHECK(engine.value({"log fortianalyzer setting"}, "server") == plan.node("fortianalyzer")->address);
  CHECK(engine.value({"system global"}, "hostname") == plan.node("fortigate")->hostname);
}

TEST_CASE("the demo feed lists the two documented indicators") {
  std::string feed = demoFeed();
  CHECK(feed.find("malware.bad.example,domain,high,") != std::string::npos);
  CHECK(feed.find("suspicious.bad.example,domain,medium,") != std::string::npos);
}

TEST_CASE("writing a lab puts certificates, identities, keys and configs in every home") {
  TempDir tmp;
  fs::path dir = tmp.path / "lab";
  PlanOptions o;
  o.endpoint_count = 2;
  o.octet = 44;
  auto plan = makeLabPlan(o);
  writeLab(dir, plan, LabSecrets{"pw-0123456789"});

  CHECK(readLab(dir).toJson() == plan.toJson());
  CHECK(readSecrets(dir).ems_admin_password == "pw-0123456789");
  CHECK((fs::status(dir / "secrets.json").permissions() & fs::perms::others_read) == fs::perms::none);
  CHECK((fs::status(dir / "ca" / "ca.key").permissions() & fs::perms::group_read) == fs::perms::none);
  auto ca = readFile(dir / "ca" / "ca.pem");
  REQUIRE(ca);
  for (const auto& node : plan.nodes) {
    fs::path home = dir / node.home;
    INFO(node.name);
    auto cert = readFile(home / "tls" / "node.pem");
    REQUIRE(cert);
    CHECK(tls::subjectSerialNumber(*cert) == node.serial);
    CHECK(readFile(home / "tls" / "ca.pem") == ca);
    CHECK(fs::file_size(home / "secret.key") == 32);
    auto conf = readFile(home / (node.name + ".conf"));
    REQUIRE(conf);
    CHECK(conf->find("pw-0123456789") == std::string::npos);
    auto identity = nlohmann::json::parse(*readFile(home / "identity.json"));
    CHECK(identity["serial"] == node.serial);
  }
  // The FortiGate's sealed EMS password opens with that node's own key.
  config::Engine engine(fortigate::makeFortiGateSchema(), "FGT", *readFile(dir / "nodes/fortigate/secret.key"));
  REQUIRE(engine.load(*readFile(dir / "nodes/fortigate/fortigate.conf")).ok());
  CHECK(engine.secret({"endpoint-control forticlient-ems", "e01"}, "admin-password") == std::string("pw-0123456789"));
  std::set<std::string> uids;
  for (const auto& endpoint : plan.endpoints) {
    auto pem = readFile(dir / endpoint.home / "tls" / "node.pem");
    REQUIRE(pem);
    // The certificate names the endpoint's FortiClient uid: the EMS and FortiGate bind it.
    const auto cn = tls::certificateSubject(*pem).common_name;
    CHECK(cn.size() == 40);
    CHECK(cn.find_first_not_of("0123456789ABCDEF") == std::string::npos);
    uids.insert(cn);
  }
  CHECK(uids.size() == plan.endpoints.size());
  CHECK(readFile(dir / plan.feed) == demoFeed());

  CHECK_THROWS_WITH(writeLab(dir, plan, LabSecrets{"x"}), Catch::Contains("already holds a lab"));
  CHECK_THROWS_WITH(readLab(tmp.path / "nothing"), Catch::Contains("fabricctl up"));
}

TEST_CASE("a fleet plan: pc1..pcN in one fleet home, addresses carrying past .255, one system; refusals") {
  PlanOptions o;
  o.fleet = true;
  o.octet = 77;
  o.endpoint_count = 600;
  o.endpoint_os = {"macos"};
  LabPlan plan = makeLabPlan(o);
  REQUIRE(plan.fleet);
  REQUIRE(plan.endpoints.size() == 600);
  CHECK(plan.endpoints[0].address == "127.77.1.1");
  CHECK(plan.endpoints[254].address == "127.77.1.255");
  CHECK(plan.endpoints[255].address == "127.77.2.0");
  CHECK(plan.endpoints[599].address == "127.77.3.88");
  CHECK(plan.endpoints[599].name == "pc600");
  CHECK(plan.endpoints[599].hostname == "PC600");
  CHECK(plan.endpoints[599].os == "macos");
  CHECK(plan.endpoints[0].home == "endpoints/fleet/endpoints/0");
  CHECK(plan.endpoints[599].home == "endpoints/fleet/endpoints/599");
  CHECK(plan.endpoint("127.77.2.0") == &plan.endpoints[255]);
  CHECK(plan.endpoint("pc256") == &plan.endpoints[255]);
  LabPlan back = LabPlan::fromJson(plan.toJson());
  CHECK(back.fleet);
  CHECK(back.fleet_home == plan.fleet_home);
  CHECK(back.toJson() == plan.toJson());
  CHECK_FALSE(LabPlan::fromJson(makeLabPlan(PlanOptions{}).toJson()).fleet);

  o.endpoint_os = {"macos", "linux"};
  o.endpoint_count = 2;
  CHECK_THROWS_WITH(makeLabPlan(o), Catch::Contains("one system"));
  o.endpoint_os = {};
  o.endpoint_count = kMaxFleetEndpoints + 1;
  CHECK_THROWS_WITH(makeLabPlan(o), Catch::Contains("between 1 and 20000 in a fleet"));
  o.endpoint_count = 10;
  o.netns = true;
  CHECK_THROWS_WITH(makeLabPlan(o), Catch::Contains("network namespaces"));
  PlanOptions many;
  many.endpoint_count = 251;
  CHECK_THROWS_WITH(makeLabPlan(many), Catch::Contains("more with --fleet"));
}

TEST_CASE("writing a fleet lab issues each endpoint its own certificate, CN = a fresh uid; the fleet home gets the CA only") {
  TempDir dir;
  PlanOptions o;
  o.fleet = true;
  o.octet = 78;
  o.endpoint_count = 5;
  LabPlan plan = makeLabPlan(o);
  writeLab(dir.path / "lab", plan, LabSecrets{"pw"});
  const fs::path root = dir.path / "lab";
  auto ca = readFile(root / "ca" / "ca.pem");
  REQUIRE(ca);
  CHECK(readFile(root / plan.fleet_home / "tls" / "ca.pem") == ca);
  CHECK_FALSE(fs::exists(root / plan.fleet_home / "tls" / "node.pem"));
  CHECK_FALSE(fs::exists(root / plan.fleet_home / "tls" / "ca.key"));
  std::set<std::string> cns;
  for (const auto& e : plan.endpoints) {
    auto pem = readFile(root / e.home / "tls" / "node.pem");
    auto key = readFile(root / e.home / "tls" / "node.key");
    REQUIRE(pem);
    REQUIRE(key);
    tls::checkKeyMatchesCertificate(*pem, *key);
    const std::string cn = tls::certificateSubject(*pem).common_name;
    CHECK(cn.size() == 40);
    cns.insert(cn);
  }
  CHECK(cns.size() == plan.endpoints.size());
}
