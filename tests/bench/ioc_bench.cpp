// bench_ioc: load time, memory per indicator and lookup rate of the FortiAnalyzer IoC engine.
// Usage: bench_ioc [domains|mixed|all] [indicator count, default 1000000]
// Feeds are generated in memory with a fixed seed; "load" = parse + index the feed text.
// Memory: RSS delta from /proc/self/statm around the load (feed text already resident), and the
// index's own accounting (FeedIndex::memoryBytes).
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "common/base/clock.h"
#include "fortianalyzer/ioc/ioc_engine.h"

using namespace fabric::faz::ioc;
using Clock = std::chrono::steady_clock;

namespace {

long rssBytes() {
  std::ifstream statm("/proc/self/statm");
  long size = 0;
  long resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of this process: the machine is shared, so wall time alone overstates the cost.
double cpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

class Generator {
 public:
  explicit Generator(std::uint64_t seed) : rng_(seed) {}
  std::string label(int minLength, int maxLength) {
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::uniform_int_distribution<int> length(minLength, maxLength);
    std::uniform_int_distribution<int> pick(0, 35);
    std::string out(static_cast<std::size_t>(length(rng_)), 'a');
    for (char& c : out) c = kChars[pick(rng_)];
    return out;
  }
  // e.g. "k3j9x2qa.b7v.example" (about 20 characters, like real blocklist entries)
  std::string domain() {
    static const char* kTlds[] = {"com", "net", "org", "info", "xyz", "top", "ru", "example"};
    return label(6, 14) + "." + label(2, 6) + "." + kTlds[rng_() % 8];
  }
  std::string url() { return "http://" + domain() + "/" + label(4, 12) + "/" + label(4, 10) + ".php"; }
  std::string ipv4() {
    return std::to_string(1 + rng_() % 223) + "." + std::to_string(rng_() % 256) + "." +
           std::to_string(rng_() % 256) + "." + std::to_string(rng_() % 256);
  }
  std::string hex(int chars) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(static_cast<std::size_t>(chars), '0');
    for (char& c : out) c = kHex[rng_() % 16];
    return out;
  }
  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

struct LoadFigures {
  double seconds = 0;
  double cpu = 0;
  long rssDelta = 0;
  std::size_t accounted = 0;
  std::size_t indicators = 0;
};

LoadFigures load(IocEngine& engine, const FeedSource& source, const std::string& text) {
  LoadFigures figures;
  long before = rssBytes();
  auto start = Clock::now();
  double cpuStart = cpuSeconds();
  FeedLoadReport report = engine.loadFeed(source, text);
  figures.seconds = secondsSince(start);
  figures.cpu = cpuSeconds() - cpuStart;
  figures.rssDelta = rssBytes() - before;
  figures.accounted = report.memoryBytes;
  figures.indicators = report.indicators;
  if (!report.loaded || !report.errors.empty()) {
    std::fprintf(stderr, "load of %s failed: %s (%zu errors)\n", source.name.c_str(),
                 report.fatal.c_str(), report.errors.size());
    std::exit(1);
  }
  return figures;
}

void printLoad(const char* what, const LoadFigures& f) {
  std::printf("%-32s %8zu indicators  load %.3f s (cpu %.3f s)  RSS delta %6.1f MB (%5.1f B/indicator)  "
              "accounted %6.1f MB (%5.1f B/indicator)\n",
              what, f.indicators, f.seconds, f.cpu, f.rssDelta / 1e6,
              static_cast<double>(f.rssDelta) / static_cast<double>(f.indicators), f.accounted / 1e6,
              static_cast<double>(f.accounted) / static_cast<double>(f.indicators));
}

// Matches each log once through the engine (normalisation + every feed + result building).
void lookups(const char* what, const IocEngine& engine, const std::vector<LogObservables>& logs,
             bool expectHit) {
  std::size_t hits = 0;
  auto start = Clock::now();
  double cpuStart = cpuSeconds();
  for (const auto& log : logs) hits += engine.match(log).empty() ? 0 : 1;
  double seconds = secondsSince(start);
  double cpu = cpuSeconds() - cpuStart;
  std::printf("%-32s %8zu lookups  %.3f s (cpu %.3f s)  %9.0f lookups/s (per cpu s %9.0f)  (%zu hits)\n",
              what, logs.size(), seconds, cpu, static_cast<double>(logs.size()) / seconds,
              static_cast<double>(logs.size()) / cpu, hits);
  if ((hits == logs.size()) != expectHit || (!expectHit && hits != 0)) {
    std::fprintf(stderr, "unexpected hit count for %s\n", what);
    std::exit(1);
  }
}

LogObservables logWith(fabric::logfmt::ObservableKind kind, std::string value) {
  LogObservables log;
  log.endpointIp = "10.0.0.1";
  log.observables.push_back(fabric::logfmt::Observable{kind, std::move(value), "bench"});
  return log;
}

constexpr std::size_t kProbes = 1000000;
using fabric::logfmt::ObservableKind;

// 1. Plain domain list. Returns whether the targets are met.
bool runDomains(std::size_t count) {
  const std::size_t probes = kProbes;
  fabric::RealClock clock;
  Generator gen(42);
  std::vector<std::string> domains;
  domains.reserve(count);
  std::string text;
  for (std::size_t i = 0; i < count; ++i) {
    domains.push_back(gen.domain());
    text += domains.back();
    text += '\n';
  }
  IocEngine engine(clock);
  FeedSource domainFeed{"bench-domains", FeedFormat::kPlain, PlainFeedType::kDomain, IocLevel::kHigh, ""};
  std::printf("feed text: %.1f MB, %zu lines\n", text.size() / 1e6, count);
  LoadFigures domainLoad = load(engine, domainFeed, text);
  printLoad("plain domains", domainLoad);
  std::string().swap(text);

  std::vector<LogObservables> hitLogs;
  std::vector<LogObservables> missLogs;
  for (std::size_t i = 0; i < probes; ++i) {
    // subdomain of a listed domain: exercises the parent walk
    hitLogs.push_back(logWith(ObservableKind::kDomain, "www." + domains[gen.rng()() % domains.size()]));
    missLogs.push_back(logWith(ObservableKind::kDomain, "www." + gen.domain()));
  }
  std::vector<std::string>().swap(domains);
  lookups("domain lookups, hit (subdomain)", engine, hitLogs, true);
  lookups("domain lookups, miss", engine, missLogs, false);
  // Index-level: canonical probe, no engine overhead.
  {
    FeedIndexPtr index = engine.feed("bench-domains");
    std::size_t hits = 0;
    auto start = Clock::now();
    double cpuStart = cpuSeconds();
    for (const auto& log : hitLogs) hits += index->matchDomain(log.observables[0].value) ? 1 : 0;
    double seconds = secondsSince(start);
    double cpu = cpuSeconds() - cpuStart;
    std::printf("%-32s %8zu lookups  %.3f s (cpu %.3f s)  %9.0f lookups/s (per cpu s %9.0f)  (%zu hits)\n",
                "FeedIndex::matchDomain, hit", hitLogs.size(), seconds, cpu, hitLogs.size() / seconds,
                hitLogs.size() / cpu, hits);
  }
  bool ok = domainLoad.seconds <= 2.0 &&
            static_cast<double>(domainLoad.rssDelta) / domainLoad.indicators <= 200.0;
  std::printf("target (plain domains: load <= 2 s, <= 200 B/indicator RSS): %s\n",
              ok ? "met" : "NOT met");
  return ok;
}

// 2. Mixed CSV feed: 40% domains, 20% URLs, 20% IPv4 (1 in 10 a /24), 20% hashes (SHA-256/MD5).
bool runMixed(std::size_t count) {
  const std::size_t probes = kProbes;
  fabric::RealClock clock;
  IocEngine engine(clock);
  std::string text;
  Generator mixed(7);
  std::vector<LogObservables> mixedHits;
  text = "indicator,type,level,threat\n";
  for (std::size_t i = 0; i < count; ++i) {
    std::size_t bucket = i % 10;
    std::string value;
    const char* type;
    ObservableKind kind;
    if (bucket < 4) {
      value = mixed.domain();
      type = "domain";
      kind = ObservableKind::kDomain;
    } else if (bucket < 6) {
      value = mixed.url();
      type = "url";
      kind = ObservableKind::kUrl;
    } else if (bucket < 8) {
      value = mixed.ipv4();
      if (i % 100 == 6) value += "/24";
      type = "ip";
      kind = ObservableKind::kIp;
    } else {
      value = mixed.hex(bucket == 8 ? 64 : 32);
      type = bucket == 8 ? "sha256" : "md5";
      kind = bucket == 8 ? ObservableKind::kSha256 : ObservableKind::kMd5;
    }
    text += value;
    text += ',';
    text += type;
    text += i % 3 == 0 ? ",medium,Suspicious thing\n" : ",high,Bad thing\n";
    if (i % (count / std::min(count, probes) + 1) == 0 && mixedHits.size() < probes) {
      std::string probe = value;
      if (kind == ObservableKind::kIp && probe.size() > 3 && probe.substr(probe.size() - 3) == "/24") {
        probe = probe.substr(0, probe.size() - 3);  // the network address itself is inside
      }
      mixedHits.push_back(logWith(kind, probe));
    }
  }
  FeedSource mixedFeed{"bench-mixed", FeedFormat::kCsv, PlainFeedType::kDomain, IocLevel::kHigh, ""};
  LoadFigures mixedLoad = load(engine, mixedFeed, text);
  printLoad("CSV mixed", mixedLoad);
  std::string().swap(text);
  lookups("mixed lookups, hit", engine, mixedHits, true);
  std::vector<LogObservables> mixedMisses;
  Generator miss(99);
  for (std::size_t i = 0; i < probes; ++i) {
    switch (i % 4) {
      case 0: mixedMisses.push_back(logWith(ObservableKind::kDomain, "www." + miss.domain())); break;
      case 1: mixedMisses.push_back(logWith(ObservableKind::kUrl, miss.url())); break;
      case 2: mixedMisses.push_back(logWith(ObservableKind::kIp, "2001:db8::" + miss.hex(4))); break;
      default: mixedMisses.push_back(logWith(ObservableKind::kSha256, miss.hex(64))); break;
    }
  }
  lookups("mixed lookups, miss", engine, mixedMisses, false);
  bool ok = mixedLoad.seconds <= 2.0 &&
            static_cast<double>(mixedLoad.rssDelta) / mixedLoad.indicators <= 200.0;
  std::printf("target (mixed CSV: load <= 2 s, <= 200 B/indicator RSS): %s\n", ok ? "met" : "NOT met");
  return ok;
}

}  // namespace

// Usage: bench_ioc [domains|mixed|all] [indicator count, default 1000000]. Run one scenario per
// process for clean RSS figures.
int main(int argc, char** argv) {
  std::string scenario = argc > 1 ? argv[1] : "all";
  const std::size_t count = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
  if (count == 0 || (scenario != "all" && scenario != "domains" && scenario != "mixed")) {
    std::fprintf(stderr, "usage: bench_ioc [domains|mixed|all] [count > 0]\n");
    return 64;
  }
  bool ok = true;
  if (scenario != "mixed") ok = runDomains(count) && ok;
  if (scenario != "domains") ok = runMixed(count) && ok;
  return ok ? 0 : 2;
}
