#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
// bench_ingest: the FortiAnalyzer ingest pipeline end to end — messages -> parse -> IoC match
// (1,000,000 indicators loaded) -> durable SQLite store — with logs/s (wall) and CPU per log.
//
//   bench_ingest direct LOGFILE [DB] [INDICATORS=1000000] [BATCH=256] [CLEAN_CACHE=65536]
//       Lines of LOGFILE (gen-fgt-logs.py output) are copied into MessageBatches of BATCH lines by
//       this thread (what a receiver does after framing) and submitted; no network.
//   bench_ingest feed OUT INDICATORS
//       Writes the mixed CSV feed used here to OUT (the daemon benchmark loads it into the real
//       fortianalyzer: tests/bench/faz_vs_syslog_ng.sh).
//
// Output: wall logs/s; process CPU-seconds (all threads) per log; the parse+match thread's and the
// store writer thread's CPU per log; the feed load time and RSS per indicator.
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "fortianalyzer/ingest/ingest_pipeline.h"

using namespace fabric::faz;

namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double processCpu() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

double threadCpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

long rssBytes() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

// A CSV feed of `count` indicators shaped like bench_ioc's mixed feed (40 % domains, 20 % URLs,
// 20 % IPv4 with 1 in 10 a /24, 20 % SHA-256/MD5), plus `bad.example`, which gen-fgt-logs.py's
// BAD_EVERY lines hit (evil-N.bad.example: a subdomain match).
std::string mixedFeed(size_t count) {
  std::mt19937_64 rng(11);
  auto label = [&](int lo, int hi) {
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::string s(static_cast<size_t>(lo + static_cast<int>(rng() % (hi - lo + 1))), 'a');
    for (char& c : s) c = kChars[rng() % 36];
    return s;
  };
  static const char* kTlds[] = {"com", "net", "org", "info", "xyz", "top", "ru", "example"};
  auto domain = [&] { return label(6, 14) + "." + label(2, 6) + "." + kTlds[rng() % 8]; };
  std::string text = "indicator,type,level,threat\nbad.example,domain,high,Lab C2\n";
  text.reserve(count * 48);
  for (size_t i = 1; i < count; ++i) {
    switch (i % 10) {
      case 0: case 1: case 2: case 3:
        text += domain() + ",domain,high,Bench\n";
        break;
      case 4: case 5:
        text += "http://" + domain() + "/" + label(4, 12) + "/" + label(4, 10) + ".php,url,medium,Bench\n";
        break;
      case 6: case 7: {
        std::string ip = std::to_string(1 + rng() % 223) + "." + std::to_string(rng() % 256) + "." +
                         std::to_string(rng() % 256) + ".";
        text += (i % 100 == 6) ? ip + "0/24,ip,medium,Bench\n" : ip + std::to_string(rng() % 256) + ",ip,high,Bench\n";
        break;
      }
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        std::string h(i % 10 == 8 ? 64 : 32, '0');
        for (char& c : h) c = kHex[rng() % 16];
        text += h + (h.size() == 64 ? ",sha256" : ",md5") + ",high,Bench\n";
      }
    }
  }
  return text;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Run {
  double t0 = 0, c0 = 0;
  uint64_t lines = 0;
};

void report(IngestPipeline& p, const Run& run, double feederCpu, const char* feederName) {
  double wall = now() - run.t0, cpu = processCpu() - run.c0;
  auto c = p.counters();
  double n = static_cast<double>(c.stored);
  std::printf("ingest: %llu received, %llu stored, %llu malformed, %llu IoC-matched logs, %llu notifications\n",
              static_cast<unsigned long long>(c.received), static_cast<unsigned long long>(c.stored),
              static_cast<unsigned long long>(c.malformed),
              static_cast<unsigned long long>(c.ioc_matched_logs),
              static_cast<unsigned long long>(c.ioc_notifications));
  std::printf("ingest: %.2f s wall = %.0f logs/s (durable: flushed)\n", wall, n / wall);
  std::printf("ingest: process CPU %.2f s = %.2f CPU-us/log -> %.0f logs/s per CPU-second "
              "(%.0f logs/s if 2 cores were fully ours)\n",
              cpu, cpu / n * 1e6, n / cpu, 2 * n / cpu);
  std::printf("ingest: %s thread %.2f CPU-us/log, parse+match thread %.2f CPU-us/log, "
              "store writer thread %.2f CPU-us/log\n",
              feederName, feederCpu / n * 1e6, c.parse_cpu_ns / 1e3 / n,
              c.store.writer_cpu_ns / 1e3 / n);
  int64_t bytes = static_cast<int64_t>(std::filesystem::file_size(p.storePath()));
  std::string wal = p.storePath() + "-wal";
  if (std::filesystem::exists(wal)) bytes += static_cast<int64_t>(std::filesystem::file_size(wal));
  std::printf("ingest: checkpoint thread %.2f CPU-us/log (%lld checkpoints, %lld by the writer at the WAL cap)\n",
              c.store.checkpoint_cpu_ns / 1e3 / n, static_cast<long long>(c.store.checkpoints),
              static_cast<long long>(c.store.writer_checkpoints));
  std::printf("ingest: IoC clean-observable cache %llu hits, %llu misses\n",
              static_cast<unsigned long long>(c.ioc_cache_hits),
              static_cast<unsigned long long>(c.ioc_cache_misses));
  std::printf("ingest: database %.1f MB = %.0f bytes/log\n", bytes / 1e6, bytes / n);
}

void loadFeed(IngestPipeline& p, size_t indicators) {
  if (indicators == 0) return;
  std::string text = mixedFeed(indicators);
  long rss0 = rssBytes();
  double t = now(), c = processCpu();
  auto r = p.loadFeed({.name = "bench", .format = ioc::FeedFormat::kCsv}, text);
  double wall = now() - t, cpu = processCpu() - c;
  long rss = rssBytes() - rss0;
  std::printf("feed: %zu indicators (mixed CSV) loaded in %.2f s wall, %.2f s CPU; RSS +%.0f B/indicator, "
              "index %.0f B/indicator; %zu errors\n",
              r.indicators, wall, cpu, static_cast<double>(rss) / r.indicators,
              static_cast<double>(r.memoryBytes) / r.indicators, r.errors.size());
}

IngestOptions makeOptions(const std::string& db, size_t cleanCache = 65536) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  IngestOptions o;
  o.store.path = db;
  o.ioc_clean_cache_entries = cleanCache;
  return o;
}

int direct(int argc, char** argv) {
  std::string logFile = argv[2];
  std::string db = argc > 3 ? argv[3] : "/tmp/bench_ingest.db";
  size_t indicators = argc > 4 ? std::stoull(argv[4]) : 1000000;
  size_t batchLines = argc > 5 ? std::stoull(argv[5]) : 256;
  size_t cleanCache = argc > 6 ? std::stoull(argv[6]) : 65536;
  std::string content = readFile(logFile);
  fabric::RealClock clock;
  IngestPipeline p(makeOptions(db, cleanCache), clock);
  loadFeed(p, indicators);
  LinkId link = p.openLink({.address = "127.0.0.1", .transport = Transport::kLocal});

  Run run{now(), processCpu(), 0};
  double f0 = threadCpu();
  MessageBatch batch;
  size_t pos = 0;
  uint64_t seq = 0;
  while (pos < content.size()) {
    size_t end = content.find('\n', pos);
    if (end == std::string::npos) end = content.size();
    batch.add(std::string_view(content).substr(pos, end - pos));
    pos = end + 1;
    if (batch.size() == batchLines || pos >= content.size()) {
      if (p.submit(link, batch, ++seq, std::chrono::minutes(5)) != SubmitResult::kAccepted) {
        std::fprintf(stderr, "submit refused\n");
        return 1;
      }
    }
  }
  double feederCpu = threadCpu() - f0;
  if (!p.flush(std::chrono::minutes(10))) {
    std::fprintf(stderr, "flush timed out\n");
    return 1;
  }
  report(p, run, feederCpu, "feeder");
  return 0;
}

// Writes the benchmark's mixed CSV feed to a file, for the daemon benchmark
// (tests/bench/faz_vs_syslog_ng.sh configures it as a `system threat-feed`).
int feed(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: bench_ingest feed OUT INDICATORS\n");
    return 2;
  }
  std::string text = mixedFeed(std::stoull(argv[3]));
  std::ofstream out(argv[2], std::ios::binary);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: bench_ingest direct LOGFILE [DB] [INDICATORS=1000000] [BATCH=256] [CLEAN_CACHE=65536]\n"
                 "       bench_ingest feed OUT INDICATORS\n");
    return 2;
  }
  std::string mode = argv[1];
  if (mode == "direct") return direct(argc, argv);
  if (mode == "feed") return feed(argc, argv);
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
