// bench_logfmt: single-thread throughput of the log format layer on a file of log lines
// (e.g. /work/shared/bench/gen-fgt-logs.py output). Stages, each measured separately on the same
// bytes held in memory (disk is not measured):
//   framing         newline framing of the file in 64 KiB chunks (as socket reads deliver it)
//   +parse          + syslog header + body (kv/CSV/CEF) + normalised record
//   +observables    + IoC observable extraction            <- the figure that matters
//   octet+all       the same with RFC 5425 octet-counted frames (FortiClient -> FortiAnalyzer)
//   lookup          FieldList::get() linear scan: ns per lookup of 8 keys (7 present, 1 absent)
// usage: bench_logfmt FILE [ROUNDS]   (default 3 rounds; the best round is reported)
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/logfmt/log_record.h"
#include "common/logfmt/observable_extractor.h"
#include "common/logfmt/syslog_frame_decoder.h"

using namespace fabric::logfmt;
using Clock = std::chrono::steady_clock;

namespace {

struct Result {
  std::size_t lines = 0;
  std::size_t observables = 0;
  std::size_t refused = 0;
  double seconds = 0;      // wall clock
  double cpu_seconds = 0;  // this thread's CPU time (what the layer costs on a busy machine)
};

double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

enum class Stage { kFraming, kParse, kAll };

// Cost of the linear FieldList lookup on parsed lines (keys spread over the line, one missing).
void reportLookup(const std::string& stream) {
  const std::string_view keys[] = {"action", "policyid", "sessionid", "catdesc", "msg", "dstintf", "proto", "nosuchkey"};
  LogRecord record;
  std::size_t lookups = 0;
  std::size_t found = 0;
  double parse_only = 0;
  double with_lookup = 0;
  for (int pass = 0; pass < 2; ++pass) {
    auto start = Clock::now();
    for (std::size_t pos = 0; pos < stream.size();) {
      std::size_t lf = stream.find('\n', pos);
      if (lf == std::string::npos) lf = stream.size();
      parseLogLine(std::string_view(stream).substr(pos, lf - pos), 0, record);
      if (pass == 1) {
        for (std::string_view k : keys) {
          found += record.fields.get(k).empty() ? 0 : 1;
          ++lookups;
        }
      }
      pos = lf + 1;
    }
    (pass == 0 ? parse_only : with_lookup) = std::chrono::duration<double>(Clock::now() - start).count();
  }
  std::printf("lookup        %8zu lookups (%zu found): %.1f ns per FieldList::get()\n", lookups, found,
              lookups ? (with_lookup - parse_only) / double(lookups) * 1e9 : 0.0);
}

Result run(const std::string& stream, Framing framing, Stage stage) {
  constexpr std::size_t kChunk = 64 * 1024;
  SyslogFrameDecoder decoder(65536, framing);
  LogRecord record;
  std::vector<Observable> obs;
  Result r;
  auto onMessage = [&](std::string_view msg) {
    ++r.lines;
    if (stage == Stage::kFraming) return;
    if (!parseLogLine(msg, 0, record)) {
      ++r.refused;
      return;
    }
    if (stage == Stage::kAll) {
      extractObservables(record, obs);
      r.observables += obs.size();
    }
  };
  auto onError = [](const FrameError& e) { std::fprintf(stderr, "frame error: %s\n", e.reason.c_str()); };
  auto start = Clock::now();
  double cpu_start = threadCpuSeconds();
  for (std::size_t i = 0; i < stream.size(); i += kChunk) {
    decoder.feed(std::string_view(stream).substr(i, kChunk), onMessage, onError);
  }
  decoder.finish(onMessage, onError);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.cpu_seconds = threadCpuSeconds() - cpu_start;
  return r;
}

void report(const char* name, const std::string& stream, Framing framing, Stage stage, int rounds) {
  Result best;
  for (int i = 0; i < rounds; ++i) {
    Result r = run(stream, framing, stage);
    if (i == 0 || r.seconds < best.seconds) best = r;
  }
  std::printf("%-13s %8zu lines  wall %7.3f s %10.0f lines/s %7.1f MB/s | cpu %7.3f s %10.0f lines/s"
              " %7.1f MB/s  (%zu observables, %zu refused)\n",
              name, best.lines, best.seconds, best.lines / best.seconds, stream.size() / best.seconds / 1e6,
              best.cpu_seconds, best.lines / best.cpu_seconds, stream.size() / best.cpu_seconds / 1e6,
              best.observables, best.refused);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [ROUNDS]\n", argv[0]);
    return 2;
  }
  int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string newline = ss.str();

  std::string octet;
  octet.reserve(newline.size() + newline.size() / 64);
  std::size_t lines = 0;
  for (std::size_t pos = 0; pos < newline.size();) {
    std::size_t lf = newline.find('\n', pos);
    if (lf == std::string::npos) lf = newline.size();
    if (lf > pos) {
      appendOctetCounted(octet, std::string_view(newline).substr(pos, lf - pos));
      ++lines;
    }
    pos = lf + 1;
  }
  std::printf("%s: %zu lines, %zu bytes (%.0f bytes/line), best of %d rounds, one thread\n", argv[1], lines,
              newline.size(), lines ? double(newline.size()) / lines : 0.0, rounds);
  report("framing", newline, Framing::kNewline, Stage::kFraming, rounds);
  report("+parse", newline, Framing::kNewline, Stage::kParse, rounds);
  report("+observables", newline, Framing::kNewline, Stage::kAll, rounds);
  report("octet+all", octet, Framing::kOctetCounting, Stage::kAll, rounds);
  reportLookup(newline);
  return 0;
}
