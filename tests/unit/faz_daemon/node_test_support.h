#pragma once
// A FazNode in a temporary home with a hand-driven executor (the test thread plays the event loop)
// and fake FortiGate peers that record what the analyzer sends them.

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "common/base/clock.h"
#include "fortianalyzer/daemon/faz_node.h"
#include "fortianalyzer/search/log_search.h"
#include "tests/support/temp_dir.h"

namespace fabric::faz::test {

// The node's home: a fresh directory, removed at scope exit.
using TempHome = fabric::test::TempDir;

// Collects work posted from the pipeline's threads; the test runs it with drainUntil().
class ManualLoop {
 public:
  FazNode::Executor executor() {
    return [this](std::function<void()> fn) {
      std::lock_guard<std::mutex> lock(mutex_);
      queue_.push_back(std::move(fn));
    };
  }
  void drain() {
    for (;;) {
      std::function<void()> fn;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (queue_.empty()) return;
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
  }
  // Runs posted work until `done` holds (checked after each drain); false after `timeout`.
  bool drainUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      drain();
      if (done()) return true;
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

 private:
  std::mutex mutex_;
  std::deque<std::function<void()>> queue_;
};

struct FakeFortiGate {
  std::vector<nlohmann::json> received;
  std::string closed_reason;
  bool closed = false;
  FortiGatePeer peer(const std::string& address = "127.0.9.1") {
    FortiGatePeer p;
    p.address = address;
    p.send = [this](const nlohmann::json& m) {
      received.push_back(m);
      return true;
    };
    p.close = [this](const std::string& reason) {
      closed = true;
      closed_reason = reason;
    };
    return p;
  }
  std::vector<nlohmann::json> ofType(const std::string& type) const {
    std::vector<nlohmann::json> out;
    for (const auto& m : received)
      if (m.value("type", "") == type) out.push_back(m);
    return out;
  }
};

inline FazNodeOptions nodeOptions(const std::filesystem::path& home) {
  FazNodeOptions o;
  o.home = home;
  o.serial = "FAZ-VM0000000042";
  o.secret_key = std::string(32, 's');
  o.config_file = (home / "fortianalyzer.conf").string();
  o.event_log = (home / "event.log").string();
  o.feed_poll = std::chrono::milliseconds(50);
  return o;
}

inline std::string fortiClientLine(const std::string& ip, const std::string& uid, const std::string& domain) {
  return "date=2026-11-29 time=05:00:00 logver=1 id=96882 type=securityevent subtype=webfilter "
         "eventtype=webfilter level=warning uid=" + uid + " devid=FCT8000000000001 hostname=pc-1 deviceip=" + ip +
         " devicemac=00-11-22-33-44-55 fctver=7.0.9.0493 user=alice remotename=" + domain + " url=\"http://" +
         domain + "/dl/x.exe\" utmaction=blocked";
}

inline std::string fortiGateLine(const std::string& srcip) {
  return "date=2026-11-29 time=05:00:01 devname=\"FGT-LAB\" devid=\"FGVM01TM26000001\" logid=\"0000000013\" "
         "type=\"traffic\" subtype=\"forward\" level=\"notice\" vd=\"root\" srcip=" + srcip +
         " dstip=93.184.216.34 action=\"accept\"";
}

// A FortiClient uid used by the node tests.
inline const std::string kUid = "0123456789ABCDEF0123456789ABCDEF01234567";

// Runs CLI lines in one console session; each must succeed.
inline void configure(FazNode& node, const std::vector<std::string>& lines) {
  auto session = node.engine().openSession();
  for (const auto& line : lines) {
    auto r = session->execute(line);
    INFO(line << " -> " << r.output);
    REQUIRE(r.ok());
  }
}

// Stored logs matching one filter ("" = all).
inline std::int64_t countLogs(FazNode& node, const std::string& filter) {
  LogSearch search(node.pipeline().storePath());
  LogQuery q;
  if (!filter.empty()) q.filters.push_back(filter);
  q.count_only = true;
  return search.run(q).count;
}

// Submits syslog lines as one TLS sender would, waiting for the queue.
inline void submitSyslog(FazNode& node, const std::vector<std::string>& lines) {
  LinkId link = node.pipeline().openLink(SenderInfo{"127.0.9.50", Transport::kTls, false, "test"});
  MessageBatch batch;
  for (const auto& l : lines) batch.add(l);
  REQUIRE(node.pipeline().submit(link, batch, 0, std::chrono::seconds(10)) == SubmitResult::kAccepted);
  node.pipeline().closeLink(link);
}

}  // namespace fabric::faz::test
