// The analyzer's schema and its mapping into FazConfig.
#include <catch2/catch.hpp>

#include "common/config/engine.h"
#include "fortianalyzer/daemon/faz_config.h"
#include "fortianalyzer/daemon/faz_schema.h"

using namespace fabric;
using namespace fabric::faz;

namespace {
config::Engine makeEngine() { return config::Engine(makeFortiAnalyzerSchema(), "FAZ-VM64", std::string(32, 'k')); }
}  // namespace

TEST_CASE("defaults") {
  auto engine = makeEngine();
  FazConfig c = readFazConfig(engine, "/home/faz");
  CHECK(c.hostname == "FAZ-VM64");
  CHECK(c.https_port == 443);
  CHECK(c.syslog_udp_port == 514);
  CHECK(c.syslog_tcp_port == 514);
  CHECK(c.syslog_tls_port == 6514);
  CHECK(c.max_message == 65536);
  CHECK(c.ioc.notification);
  CHECK(c.ioc.notificationThrottle == std::chrono::minutes(1440));
  CHECK(c.unregistered == UnregisteredDeviceOption::kAddAllowService);
  CHECK(c.retention.max_age.count() == 0);
  CHECK(c.devices.empty());
  CHECK(c.feeds.empty());
  CHECK(engine.verifyPassword({"system admin user", "admin"}, "password", ""));
}

TEST_CASE("a configuration file maps onto FazConfig") {
  auto engine = makeEngine();
  auto r = engine.load(R"(config system global
    set hostname "FAZ-LAB"
end
config system admin setting
    set https_port 8443
    set unreg_dev_opt add_no_service
end
config system log ioc
    set notification-throttle 30
end
config system log settings
    set retention-days 7
    set retention-max-size 100
end
config system log-receiver
    set syslog-udp-port 1514
    set syslog-tcp-port 1515
    set syslog-tls-port 16514
end
config system device
    edit "FGVM01TM26000001"
        set devname "FGT-LAB"
        set ip "127.0.1.1"
    next
end
config system threat-feed
    edit "lab"
        set file "feeds/lab.txt"
        set type url
        set level medium
        set threat "Lab list"
    next
    edit "stix"
        set status disable
        set file "/srv/stix.json"
        set format stix
    next
end
)");
  REQUIRE(r.ok());
  FazConfig c = readFazConfig(engine, "/home/faz");
  CHECK(c.hostname == "FAZ-LAB");
  CHECK(c.https_port == 8443);
  CHECK(c.unregistered == UnregisteredDeviceOption::kAddNoService);
  CHECK(c.ioc.notificationThrottle == std::chrono::minutes(30));
  CHECK(c.retention.max_age == std::chrono::hours(24 * 7));
  CHECK(c.retention.max_db_bytes == 100LL * 1024 * 1024);
  CHECK(c.syslog_udp_port == 1514);
  CHECK(c.syslog_tcp_port == 1515);
  CHECK(c.syslog_tls_port == 16514);
  REQUIRE(c.isRegistered("FGVM01TM26000001"));
  CHECK(c.devices["FGVM01TM26000001"].devname == "FGT-LAB");
  REQUIRE(c.feeds.size() == 2);
  CHECK(c.feeds[0].source.name == "lab");
  CHECK(c.feeds[0].file == "/home/faz/feeds/lab.txt");
  CHECK(c.feeds[0].source.format == ioc::FeedFormat::kPlain);
  CHECK(c.feeds[0].source.plainType == ioc::PlainFeedType::kUrl);
  CHECK(c.feeds[0].source.level == ioc::IocLevel::kMedium);
  CHECK(c.feeds[0].source.threat == "Lab list");
  CHECK(c.feeds[0].enabled);
  CHECK(c.feeds[1].file == "/srv/stix.json");
  CHECK(c.feeds[1].source.format == ioc::FeedFormat::kStix);
  CHECK_FALSE(c.feeds[1].enabled);
}

TEST_CASE("bad values are refused by the schema") {
  auto engine = makeEngine();
  auto session = engine.openSession();
  session->execute("config system threat-feed");
  session->execute("edit \"x\"");
  CHECK_FALSE(session->execute("set level low").ok());
  CHECK_FALSE(session->execute("set format yaml").ok());
  auto end = session->execute("end");
  CHECK_FALSE(end.ok());  // file must be set
  CHECK(engine.keys({"system threat-feed"}).empty());
  auto s2 = engine.openSession();
  s2->execute("config system log-receiver");
  CHECK_FALSE(s2->execute("set syslog-udp-port 70000").ok());
}

TEST_CASE("a commit moves the listeners whose configured port changed, not those overridden at start") {
  auto engine = makeEngine();
  auto session = engine.openSession();
  ConfiguredPorts applied = configuredPorts(readFazConfig(engine, "/home/faz"));
  CHECK(applied == ConfiguredPorts{443, 514, 514, 6514});

  // An unrelated change moves nothing (even when the daemon runs on overridden ports).
  REQUIRE(session->execute("config system global").ok());
  REQUIRE(session->execute("set hostname \"FAZ-2\"").ok());
  REQUIRE(session->execute("end").ok());
  PortMoves none = portMoves(applied, configuredPorts(readFazConfig(engine, "/home/faz")));
  CHECK_FALSE(none.syslog);
  CHECK_FALSE(none.https);

  REQUIRE(session->execute("config system log-receiver").ok());
  REQUIRE(session->execute("set syslog-tls-port 16514").ok());
  REQUIRE(session->execute("end").ok());
  ConfiguredPorts now = configuredPorts(readFazConfig(engine, "/home/faz"));
  CHECK(now.syslog_tls == 16514);
  PortMoves syslog = portMoves(applied, now);
  CHECK(syslog.syslog);
  CHECK_FALSE(syslog.https);

  REQUIRE(session->execute("config system admin setting").ok());
  REQUIRE(session->execute("set https_port 8443").ok());
  REQUIRE(session->execute("end").ok());
  PortMoves both = portMoves(applied, configuredPorts(readFazConfig(engine, "/home/faz")));
  CHECK(both.syslog);
  CHECK(both.https);
  // Once bound, the same configuration moves nothing more.
  CHECK_FALSE(portMoves(configuredPorts(readFazConfig(engine, "/home/faz")),
                        configuredPorts(readFazConfig(engine, "/home/faz"))).https);
}
