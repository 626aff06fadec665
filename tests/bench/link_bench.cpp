// Link-layer throughput on loopback (common/net): framed JSON messages over a verified TLS link,
// syslog bytes over a TLS stream, and EventLoop::call round trips. One process, one loop.
// Usage: bench_link [messages=200000] [stream_megabytes=200] [calls=100000]
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "common/net/link.h"
#include "common/tls/pki.h"

using namespace fabric::net;
using Clock = std::chrono::steady_clock;

namespace {

double cpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

void write(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }

template <typename Condition>
void waitFor(Condition condition) {
  while (!condition()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

}  // namespace

int main(int argc, char** argv) {
  const long messages = argc > 1 ? std::stol(argv[1]) : 200000;
  const long megabytes = argc > 2 ? std::stol(argv[2]) : 200;
  const long calls = argc > 3 ? std::stol(argv[3]) : 100000;

  const auto dir = std::filesystem::temp_directory_path() / ("bench-link-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto ca = fabric::tls::makeCertificateAuthority("Bench CA");
  fabric::tls::CertificateSpec spec;
  spec.common_name = "FAZ-VM0000000001";
  spec.ip_addresses = {"127.0.0.1"};
  auto node = fabric::tls::issueCertificate(ca, spec);
  write(dir / "ca.pem", ca.cert_pem);
  write(dir / "node.pem", node.cert_pem);
  write(dir / "node.key", node.key_pem);
  TlsConfig tls;
  tls.ca = dir / "ca.pem";
  tls.cert = dir / "node.pem";
  tls.key = dir / "node.key";
  LinkOptions quiet;
  quiet.log = [](const std::string&) {};

  EventLoop loop;
  long received = 0;
  std::size_t stream_bytes = 0;
  LinkServer server(loop, tls, quiet, [&](std::shared_ptr<FramedLink> link) {
    link->onMessage([&](const nlohmann::json&) { ++received; });
  });
  StreamServer stream_server(loop, StreamServer::Mode::Tls, tls, [&](std::shared_ptr<ByteStream> s) {
    s->onData([&](std::string_view bytes) { stream_bytes += bytes.size(); });
  });
  if (auto e = server.listen("127.0.0.1", 0); !e.empty()) return std::fprintf(stderr, "%s\n", e.c_str()), 1;
  if (auto e = stream_server.listen("127.0.0.1", 0); !e.empty()) return std::fprintf(stderr, "%s\n", e.c_str()), 1;
  loop.start();

  // 1. Framed JSON: a 300-byte message shaped like a link's log/event traffic.
  nlohmann::json message = {{"type", "log"},
                            {"serial", "FGVM01TM00000001"},
                            {"line", std::string(220, 'k')}};
  ClientOptions options;
  options.host = "127.0.0.1";
  options.port = server.port();
  options.link = quiet;
  std::atomic<bool> up{false};
  std::shared_ptr<FramedLink> link;
  LinkClient client(loop, tls, options, [&](std::shared_ptr<FramedLink> l) { link = l; up = true; });
  loop.call([&] { client.start(); });
  waitFor([&] { return up.load(); });
  double cpu0 = cpuSeconds();
  auto t0 = Clock::now();
  loop.call([&] {
    for (long i = 0; i < messages; ++i) link->send(message);
  });
  waitFor([&] { return loop.call([&] { return received; }) >= messages; });
  double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  double cpu = cpuSeconds() - cpu0;
  std::printf("framed link: %ld messages of %zu bytes in %.2f s wall, %.2f CPU-s: %.0f msg/s wall, %.0f msg/CPU-s\n",
              messages, nlohmann::json(message).dump().size() + 4, wall, cpu, messages / wall, messages / cpu);

  // 2. TLS byte stream: 674-byte syslog lines, the sender keeping at most 8 MiB queued.
  const std::string line = "<189>" + std::string(668, 'x') + "\n";
  std::string chunk;
  while (chunk.size() < (1u << 20)) chunk += line;
  const std::size_t total = static_cast<std::size_t>(megabytes) << 20;
  ClientOptions stream_options = options;
  stream_options.port = stream_server.port();
  std::shared_ptr<ByteStream> stream;
  std::atomic<bool> stream_up{false};
  StreamClient stream_client(loop, true, tls, stream_options, [&](std::shared_ptr<ByteStream> s) {
    stream = s;
    stream_up = true;
  });
  loop.call([&] { stream_client.start(); });
  waitFor([&] { return stream_up.load(); });
  std::size_t queued = 0;
  std::function<void()> pump = [&] {
    while (queued < total && stream->pendingBytes() < (8u << 20)) {
      stream->write(chunk);
      queued += chunk.size();
    }
  };
  cpu0 = cpuSeconds();
  t0 = Clock::now();
  auto pump_timer = loop.every(std::chrono::milliseconds(1), pump);
  waitFor([&] { return loop.call([&] { return stream_bytes >= queued && queued >= total; }); });
  wall = std::chrono::duration<double>(Clock::now() - t0).count();
  cpu = cpuSeconds() - cpu0;
  const double mb = static_cast<double>(queued) / (1 << 20);
  std::printf("tls stream: %.0f MiB (%.0f lines of 674 bytes) in %.2f s wall, %.2f CPU-s: %.0f MiB/s, %.0f lines/s wall\n",
              mb, queued / 674.0, wall, cpu, mb / wall, queued / 674.0 / wall);
  loop.call([&] { pump_timer.reset(); });

  // 3. EventLoop::call from another thread.
  long counter = 0;
  t0 = Clock::now();
  for (long i = 0; i < calls; ++i) loop.call([&] { return ++counter; });
  wall = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("EventLoop::call: %ld round trips in %.2f s: %.1f us each\n", calls, wall, wall / calls * 1e6);

  loop.stop();
  std::filesystem::remove_all(dir);
  return 0;
}
