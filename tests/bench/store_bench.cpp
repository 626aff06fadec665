// bench_store: pushes N realistic FortiGate webfilter records (the shape of
// /work/shared/bench/gen-fgt-logs.py lines, ~675 bytes, 33 fields) through LogStore's real path
// (append -> queue -> writer thread -> batched transactions), then times indexed queries.
// usage: bench_store [N=1000000] [DB=/tmp/bench_store.db] [ENDPOINTS=0] [MAX_BATCH=default]
//        bench_store query DB     (only the queries, on the store an earlier run left)
//   ENDPOINTS=0: srcip as gen-fgt-logs.py makes it (sequential runs of 250 per /24);
//   ENDPOINTS=k: srcip drawn pseudo-randomly from k endpoints (a fleet logging interleaved).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "common/base/clock.h"
#include "fortianalyzer/search/log_search.h"
#include "fortianalyzer/store/log_store.h"

namespace {

using fabric::faz::LogToStore;

double cpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

const char* kHosts[] = {"www.example.com", "cdn.example.net", "api.service.io", "mail.corp.local"};

// Record i, as the parser would hand it over: header columns, every key=value, the raw line.
int64_t gEndpoints = 0;

LogToStore makeRecord(int64_t i) {
  LogToStore r;
  char buf[64];
  int64_t e = gEndpoints > 0 ? static_cast<int64_t>((static_cast<uint64_t>(i) * 2654435761u) % gEndpoints) : i;
  std::string ip = "10.0." + std::to_string((e / 250) % 250) + "." + std::to_string(e % 250 + 1);
  std::string host = (i % 1000 == 0) ? "evil-" + std::to_string(i % 1000) + ".bad.example"
                                     : kHosts[(i * 7919) % 4];
  std::snprintf(buf, sizeof buf, "12:%02lld:%02lld", static_cast<long long>((i / 60) % 60),
                static_cast<long long>(i % 60));
  int64_t eventtime = 1764331200000000000LL + i;
  auto add = [&](const char* k, std::string v, bool quoted) {
    r.raw += k;
    r.raw += '=';
    if (quoted) r.raw += '"';
    r.raw += v;
    if (quoted) r.raw += '"';
    r.raw += ' ';
    r.fields.emplace_back(k, std::move(v));
  };
  r.raw.reserve(720);
  r.fields.reserve(34);
  add("date", "2026-11-28", false);
  add("time", buf, false);
  add("devname", "FGT-LAB", true);
  add("devid", "FGVM01TM00000001", true);
  add("eventtime", std::to_string(eventtime), false);
  add("tz", "+0000", true);
  add("logid", "0316013056", true);
  add("type", "utm", true);
  add("subtype", "webfilter", true);
  add("eventtype", "ftgd_allow", true);
  add("level", "notice", true);
  add("vd", "root", true);
  add("policyid", "1", false);
  add("sessionid", std::to_string(100000 + i), false);
  add("srcip", ip, false);
  add("srcport", std::to_string(40000 + i % 20000), false);
  add("srcintf", "port2", true);
  add("srcintfrole", "lan", true);
  add("dstip", "93.184.216." + std::to_string(i % 250), false);
  add("dstport", "443", false);
  add("dstintf", "port1", true);
  add("dstintfrole", "wan", true);
  add("proto", "6", false);
  add("service", "HTTPS", true);
  add("hostname", host, true);
  add("profile", "default", true);
  add("action", "passthrough", true);
  add("reqtype", "direct", true);
  add("url", "https://" + host + "/path/" + std::to_string(i % 977), true);
  add("sentbyte", std::to_string(i % 5000), false);
  add("rcvdbyte", std::to_string(i % 9000), false);
  add("direction", "outgoing", true);
  add("msg", "URL belongs to an allowed category in policy", true);
  add("method", "domain", true);
  add("cat", "52", false);
  add("catdesc", "Information Technology", true);
  r.raw.pop_back();
  r.time_ns = eventtime;
  r.received_ns = eventtime + 1000;
  r.devid = "FGVM01TM00000001";
  r.devname = "FGT-LAB";
  r.logid = "0316013056";
  r.type = "utm";
  r.subtype = "webfilter";
  r.level = "notice";
  r.srcip = ip;
  r.dstip = "93.184.216." + std::to_string(i % 250);
  r.hostname = host;
  r.source_addr = "127.0.1.1";
  r.registered_device = true;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  // `bench_store query DB`: only the queries, on a store an earlier run left (warm page cache).
  bool queryOnly = argc > 2 && std::string(argv[1]) == "query";
  int64_t n = queryOnly ? 0 : argc > 1 ? std::stoll(argv[1]) : 1000000;
  std::string path = argc > 2 ? argv[2] : "/tmp/bench_store.db";
  gEndpoints = argc > 3 ? std::stoll(argv[3]) : 0;
  if (queryOnly) {
    fabric::faz::LogSearch count(path);
    fabric::faz::LogQuery all;
    all.count_only = true;
    n = count.run(all).count;
  } else {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    std::filesystem::remove_all(path + ".segments");
  }

  // 1. The cost of building the records alone, to separate it from the store's cost.
  if (!queryOnly) {
  double c0 = cpuSeconds(), t0 = now();
  size_t sink = 0;
  for (int64_t i = 0; i < n; ++i) sink += makeRecord(i).raw.size();
  double genWall = now() - t0, genCpu = cpuSeconds() - c0;
  std::printf("generate only: %lld records (%.0f bytes avg raw) in %.2f s wall, %.2f s CPU\n",
              static_cast<long long>(n), static_cast<double>(sink) / n, genWall, genCpu);

  // 2. The real path: append from this thread, the writer thread commits batches.
  fabric::RealClock clock;
  fabric::faz::LogStoreOptions opt;
  opt.path = path;
  if (argc > 4) opt.max_batch = std::stoull(argv[4]);
  std::printf("max_batch %zu, max_queued_logs %zu\n", opt.max_batch, opt.max_queued_logs);
  double c1 = cpuSeconds(), t1 = now();
  {
    fabric::faz::LogStore store(opt, clock);
    for (int64_t i = 0; i < n; ++i) store.append(makeRecord(i));
    if (!store.flush(std::chrono::minutes(10))) {
      std::fprintf(stderr, "flush timed out\n");
      return 1;
    }
    double wall = now() - t1, cpu = cpuSeconds() - c1;
    auto st = store.stats();
    int64_t bytes = static_cast<int64_t>(std::filesystem::file_size(path));
    if (std::filesystem::exists(path + "-wal")) bytes += std::filesystem::file_size(path + "-wal");
    int64_t segmentBytes = 0;  // block bytes (fortianalyzer/store/log_segments.h)
    if (std::filesystem::is_directory(path + ".segments")) {
      for (const auto& e : std::filesystem::directory_iterator(path + ".segments")) {
        segmentBytes += static_cast<int64_t>(e.file_size());
      }
    }
    bytes += segmentBytes;
    std::printf("store: %lld logs committed in %lld batches, %.2f s wall, %.2f s CPU "
                "(incl. record building)\n",
                static_cast<long long>(st.logs_committed),
                static_cast<long long>(st.batches_committed), wall, cpu);
    std::printf("store: %.0f logs/s end-to-end; %.0f logs/s net of record building; "
                "%.2f CPU-us/log net\n",
                n / wall, n / std::max(1e-9, wall - genWall), (cpu - genCpu) / n * 1e6);
    std::printf("store: writer thread %.2f s CPU = %.2f CPU-us/log -> one core sustains %.0f logs/s\n",
                st.writer_cpu_ns / 1e9, st.writer_cpu_ns / 1e3 / n, n / (st.writer_cpu_ns / 1e9));
    std::printf("store: checkpoint thread %.2f s CPU = %.2f CPU-us/log (%lld checkpoints; %lld by the "
                "writer at the WAL cap)\n",
                st.checkpoint_cpu_ns / 1e9, st.checkpoint_cpu_ns / 1e3 / n,
                static_cast<long long>(st.checkpoints), static_cast<long long>(st.writer_checkpoints));
    std::printf("store: database + WAL + segments %.1f MB, %.0f bytes/log (segments %.0f bytes/log)\n",
                bytes / 1e6, static_cast<double>(bytes) / n, static_cast<double>(segmentBytes) / n);
    store.close();
  }
  }

  // 3. Indexed queries on the full store.
  fabric::faz::LogSearch search(path);
  auto timeQuery = [&](const char* label, fabric::faz::LogQuery q) {
    double t = now();
    auto r = search.run(q);
    double ms = (now() - t) * 1e3;
    if (!r.error.empty()) {
      std::printf("query %-44s ERROR %s\n", label, r.error.c_str());
      return;
    }
    std::printf("query %-44s %8.2f ms  rows=%zu count=%lld\n", label, ms, r.rows.size(),
                static_cast<long long>(r.count));
  };
  fabric::faz::LogQuery q;
  q.limit = 100;
  timeQuery("newest 100", q);
  q.filters = {"srcip==10.0.7.42"};
  timeQuery("srcip==10.0.7.42 (limit 100)", q);
  q.count_only = true;
  timeQuery("count srcip==10.0.7.42", q);
  q = {};
  q.devid = "FGVM01TM00000001";
  q.from_ns = 1764331200000000000LL + n / 2;
  q.to_ns = *q.from_ns + 1000;
  q.limit = 1000;
  timeQuery("devid + 1 us time window (limit 1000)", q);
  q = {};
  q.type = "utm";
  q.subtype = "webfilter";
  q.limit = 100;
  timeQuery("type=utm subtype=webfilter (limit 100)", q);
  q = {};
  q.filters = {"hostname=@bad.example"};
  q.limit = 100;
  timeQuery("hostname=@bad.example (scan, limit 100)", q);
  q.count_only = true;
  timeQuery("count hostname=@bad.example (full scan)", q);
  q = {};
  q.filters = {"sessionid==100042"};
  q.limit = 10;
  timeQuery("sessionid==100042 (no column: full scan)", q);
  return 0;
}
