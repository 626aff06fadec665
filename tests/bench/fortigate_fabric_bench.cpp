// bench_fortigate_fabric: the FortiGate fabric features without sockets.
//   registry   N telemetry registrations, then N lookups by ip, then `diagnose endpoint record list`
//   automation M IoC events through stitch01 with a no-op action (match + run + history)
//   queue      K EMS calls through the SQLite queue: enqueue, takeDue, complete (each write fsync'ed)
//   store      min(M, 5000) IoC events with the automation store (the daemon's case: runs in SQLite)
//   analyzer   L event lines into the analyzer's on-disk buffer, one append (fsync) per line, then
//              in appends of 100 (what one loop turn of a burst did), then the daemon's way: each
//              line staged on the caller's thread ("the loop") and written + fsync'ed by the
//              LogBufferWriter thread, which groups the lines queued during one fsync
// Usage: bench_fortigate_fabric [N=10000] [M=20000] [K=2000] [DIR=/tmp] [L=2000]
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "common/config/engine.h"
#include "common/logship/disk_log_buffer.h"
#include "common/logship/log_buffer_writer.h"
#include "fortigate/fabric/automation.h"
#include "fortigate/fabric/automation_store.h"
#include "fortigate/fabric/faz_link_session.h"
#include "fortigate/fabric/ems_call_queue.h"
#include "fortigate/fabric/endpoint_registry.h"
#include "fortigate/fabric/event_lines.h"
#include "fortigate/schema/fortigate_schema.h"

using namespace fabric;
using namespace fabric::fortigate;
using Clock_ = std::chrono::steady_clock;

namespace {
double secondsSince(Clock_::time_point t) { return std::chrono::duration<double>(Clock_::now() - t).count(); }
std::string ipOf(int i) { return "10." + std::to_string(i / 65536 % 256) + "." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256); }
struct NullSink final : EventLogSink {
  void write(const EventRecord&) override { ++n; }
  long n = 0;
};
struct NoopRunner final : ActionRunner {
  ActionResult run(const ActionContext&) override { return {true, "ok"}; }
};
}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int m = argc > 2 ? std::atoi(argv[2]) : 20000;
  const int k = argc > 3 ? std::atoi(argv[3]) : 2000;
  const std::filesystem::path dir = argc > 4 ? argv[4] : "/tmp";
  const int l = argc > 5 ? std::atoi(argv[5]) : 2000;
  ManualClock clock;
  DeviceInfo device{"FGVM01TM26000001", "FGT", "v6.0.4", 0};

  EndpointRegistry reg(device, clock);
  auto t = Clock_::now();
  for (int i = 0; i < n; ++i) {
    char uid[41];
    std::snprintf(uid, sizeof uid, "%040X", i);
    auto out = reg.handleMessage(static_cast<std::uint64_t>(i + 1), {ipOf(i), ""},
                                 {{"type", "register"}, {"uid", uid}, {"hostname", "WIN-" + std::to_string(i)},
                                  {"os", "windows"}, {"ip", ipOf(i)}, {"mac", "00-0C-29-AA-BB-CC"}, {"user", "u"},
                                  {"fctver", "7.0.9.0493"}, {"ems_serial", "FCTEMS0000012345"}});
    if (!out.error.empty()) return std::fprintf(stderr, "%s\n", out.error.c_str()), 1;
  }
  const double reg_s = secondsSince(t);
  t = Clock_::now();
  long found = 0;
  for (int i = 0; i < n; ++i) found += reg.findByIp(ipOf(i)) != nullptr;
  const double look_s = secondsSince(t);
  t = Clock_::now();
  const auto list = reg.recordList();
  const double list_s = secondsSince(t);
  std::printf("registry: %d registrations %.3f s (%.0f/s), %ld lookups %.4f s (%.0f/s), record list %.3f s (%zu bytes)\n",
              n, reg_s, n / reg_s, found, look_s, n / look_s, list_s, list.size());

  config::Engine cfg(makeFortiGateSchema(), "FGT", "0123456789abcdef0123456789abcdef");
  auto s = cfg.openSession();
  for (const char* l : {"config system automation-trigger", "edit \"t\"", "set event-type ioc", "set ioc-level medium",
                        "next", "end", "config system automation-action", "edit \"a\"",
                        "set action-type quarantine-forticlient", "next", "end", "config system automation-stitch",
                        "edit \"s\"", "set trigger \"t\"", "set action \"a\"", "next", "end"})
    s->execute(l);
  NullSink sink;
  NoopRunner runner;
  AutomationEngine automation(device, cfg, clock, sink);
  automation.setRunner("quarantine-forticlient", &runner);
  IocEvent e;
  e.id = "1";
  e.indicator = "evil.example.com";
  e.level = "high";
  t = Clock_::now();
  for (int i = 0; i < m; ++i) {
    e.endpoint_ip = ipOf(i);
    automation.onIocEvent(e);
  }
  const double auto_s = secondsSince(t);
  std::printf("automation: %d IoC events %.3f s (%.0f/s), %ld event lines\n", m, auto_s, m / auto_s, sink.n);

  const auto db = dir / ("bench_ems_calls_" + std::to_string(::getpid()) + ".db");
  {
    EmsCallQueue q(db, clock);
    t = Clock_::now();
    for (int i = 0; i < k; ++i) q.enqueue({"quarantine", ipOf(i), "", "e01", "FCTEMS0000012345", "F-1", "bench"});
    const double enq_s = secondsSince(t);
    t = Clock_::now();
    int done = 0;
    while (auto c = q.takeDue()) {
      q.complete(c->id, 200, "ok");
      ++done;
    }
    const double drain_s = secondsSince(t);
    std::printf("queue: %d enqueues %.3f s (%.0f/s); %d take+complete %.3f s (%.0f/s)\n", k, enq_s, k / enq_s, done,
                drain_s, done / drain_s);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);

  const auto adb = dir / ("bench_automation_" + std::to_string(::getpid()) + ".db");
  {
    AutomationStore store(adb);
    NullSink stored_sink;
    AutomationEngine stored(device, cfg, clock, stored_sink, &store);
    stored.setRunner("quarantine-forticlient", &runner);
    const int events = std::min(m, 5000);
    t = Clock_::now();
    for (int i = 0; i < events; ++i) {
      e.endpoint_ip = ipOf(i);
      stored.onIocEvent(e);
    }
    const double store_s = secondsSince(t);
    std::printf("automation with store: %d IoC events %.3f s (%.0f/s)\n", events, store_s, events / store_s);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(adb.string() + suffix);

  const auto buf_dir = dir / ("bench_faz_logbuf_" + std::to_string(::getpid()));
  {
    logship::DiskLogBuffer buffer(buf_dir);
    FazLinkSession session(device, buffer);
    const std::string line = stitchTriggered({"stitch01", "trigger01", "log", {"action01"}, "10.0.0.5",
                                              "F-20261129-000001-abcd"})
                                 .render(device, clock.now());
    t = Clock_::now();
    for (int i = 0; i < l; ++i) session.enqueueLine(line);
    const double one_s = secondsSince(t);
    const std::vector<std::string> hundred(100, line);
    t = Clock_::now();
    for (int i = 0; i < l / 100; ++i) session.enqueueLines(hundred);
    const double batch_s = secondsSince(t);
    std::printf("analyzer buffer: %d lines of %zu bytes one per append %.3f s (%.0f/s); in appends of 100 %.3f s "
                "(%.0f lines/s)\n",
                l, line.size(), one_s, l / one_s, batch_s, (l / 100 * 100) / batch_s);
  }
  std::filesystem::remove_all(buf_dir);
  {
    logship::DiskLogBuffer buffer(buf_dir);
    FazLinkSession session(device, buffer);
    std::mutex mu;
    std::condition_variable cv;
    std::vector<logship::LogBufferWriter::Result> done;
    logship::LogBufferWriter writer(buf_dir, [&](std::vector<logship::LogBufferWriter::Result> r) {
      std::lock_guard g(mu);
      for (auto& x : r) done.push_back(std::move(x));
      cv.notify_all();
    });
    const std::string line = stitchTriggered({"stitch01", "trigger01", "log", {"action01"}, "10.0.0.5",
                                              "F-20261129-000001-abcd"})
                                 .render(device, clock.now());
    // One line per "loop turn": the caller stages and submits, then applies what the writer
    // finished so far (as the loop does when the writer's post arrives); the time the caller
    // spends is what the event loop pays per lone line.
    double loop_s = 0;
    std::size_t accepted = 0, finished = 0;
    auto apply = [&](std::vector<logship::LogBufferWriter::Result>& batch) {
      finished += batch.size();
      for (const auto& r : batch) accepted += session.finishStaged(r.staged, r.error).accepted ? r.staged.lines : 0;
    };
    t = Clock_::now();
    for (int i = 0; i < l; ++i) {
      const auto turn = Clock_::now();
      logship::StagedAppend staged;
      session.stageLines({line}, staged);
      writer.submit(std::move(staged));
      std::vector<logship::LogBufferWriter::Result> batch;
      {
        std::lock_guard g(mu);
        batch.swap(done);
      }
      apply(batch);
      loop_s += secondsSince(turn);
    }
    {
      std::unique_lock g(mu);
      cv.wait(g, [&] { return finished + done.size() >= static_cast<std::size_t>(l); });
    }
    std::vector<logship::LogBufferWriter::Result> rest;
    {
      std::lock_guard g(mu);
      rest.swap(done);
    }
    apply(rest);
    const double all_s = secondsSince(t);
    std::printf("analyzer buffer via writer thread: %d lone lines, caller (loop) time %.4f s (%.1f us/line); all "
                "fsync'ed and accepted in %.3f s (%.0f lines/s), %llu fsyncs, %zu accepted\n",
                l, loop_s, loop_s / l * 1e6, all_s, l / all_s, static_cast<unsigned long long>(writer.syncs()),
                accepted);
  }
  std::filesystem::remove_all(buf_dir);
  return 0;
}
