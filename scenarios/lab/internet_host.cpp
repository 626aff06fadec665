#include "scenarios/lab/internet_host.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <nlohmann/json.hpp>

#include "common/base/atomic_file.h"

namespace fabric::lab {
namespace {

uint16_t be16(std::string_view s, std::size_t at) {
  return static_cast<uint16_t>((static_cast<unsigned char>(s[at]) << 8) | static_cast<unsigned char>(s[at + 1]));
}

void put16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}

int bound(int type, const std::string& address, int port) {
  int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  if (::inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1 ||
      ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || (type == SOCK_STREAM && ::listen(fd, 64) != 0)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void serveHttp(int client) {
  // Read the request head (bounded), then answer and close: one request per connection.
  std::string request;
  char buffer[2048];
  pollfd pfd{client, POLLIN, 0};
  while (request.find("\r\n\r\n") == std::string::npos && request.size() < 16384 && ::poll(&pfd, 1, 2000) > 0) {
    ssize_t n = ::read(client, buffer, sizeof buffer);
    if (n <= 0) break;
    request.append(buffer, static_cast<std::size_t>(n));
  }
  std::string host = "unknown";
  auto h = request.find("\r\nHost: ");
  if (h != std::string::npos) host = request.substr(h + 8, request.find("\r\n", h + 8) - h - 8);
  std::string body = "<html><body>Fabric Lab internet host: " + host + "</body></html>\n";
  std::string reply = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\nConnection: close\r\n\r\n" + body;
  ssize_t ignored = ::write(client, reply.data(), reply.size());
  (void)ignored;
  ::close(client);
}

}  // namespace

std::optional<std::string> dnsAnswer(std::string_view q, uint32_t address) {
  if (q.size() < 12 || q.size() > 512) return std::nullopt;
  uint16_t flags = be16(q, 2);
  if (flags & 0x8000) return std::nullopt;  // a response, not a query
  if (be16(q, 4) != 1) return std::nullopt;  // exactly one question
  std::size_t at = 12;
  while (at < q.size() && q[at] != 0) {
    auto len = static_cast<unsigned char>(q[at]);
    if (len > 63) return std::nullopt;  // no compression in questions
    at += 1 + len;
  }
  if (at + 5 > q.size()) return std::nullopt;
  std::size_t question_end = at + 5;
  uint16_t qtype = be16(q, at + 1);
  uint16_t qclass = be16(q, at + 3);
  bool answer = qtype == 1 && qclass == 1;
  std::string out;
  out.append(q.substr(0, 2));                           // id
  put16(out, static_cast<uint16_t>(0x8180 | (flags & 0x0100)));  // response, RA, RD copied
  put16(out, 1);
  put16(out, answer ? 1 : 0);
  put16(out, 0);
  put16(out, 0);
  out.append(q.substr(12, question_end - 12));
  if (answer) {
    put16(out, 0xC00C);  // name: pointer to the question
    put16(out, 1);
    put16(out, 1);
    put16(out, 0);
    put16(out, 60);  // TTL
    put16(out, 4);
    put16(out, static_cast<uint16_t>(address >> 16));
    put16(out, static_cast<uint16_t>(address & 0xffff));
  }
  return out;
}

int runInternetHost(const std::string& address, int http_port, int dns_port, const std::filesystem::path& ready_file,
                    const std::atomic<bool>& stop) {
  in_addr parsed{};
  if (::inet_pton(AF_INET, address.c_str(), &parsed) != 1) {
    std::cerr << "internet-host: '" << address << "' is not an IPv4 address\n";
    return 2;
  }
  int http = bound(SOCK_STREAM, address, http_port);
  int dns = bound(SOCK_DGRAM, address, dns_port);
  if (http < 0 || dns < 0) {
    std::cerr << "internet-host: cannot listen on " << address << ": " << std::strerror(errno) << "\n";
    return 1;
  }
  std::string err = writeFileAtomically(
      ready_file, nlohmann::json{{"pid", ::getpid()}, {"address", address}, {"ports", {{"http", http_port}, {"dns", dns_port}}}}
                          .dump() +
                      "\n");
  if (!err.empty()) {
    std::cerr << "internet-host: " << err << "\n";
    return 1;
  }
  std::cout << "internet host on " << address << ": http " << http_port << ", dns " << dns_port << std::endl;
  pollfd fds[2] = {{http, POLLIN, 0}, {dns, POLLIN, 0}};
  while (!stop) {
    if (::poll(fds, 2, 200) <= 0) continue;
    if (fds[0].revents & POLLIN) {
      int client = ::accept4(http, nullptr, nullptr, SOCK_CLOEXEC);
      if (client >= 0) serveHttp(client);
    }
    if (fds[1].revents & POLLIN) {
      char buffer[512];
      sockaddr_in from{};
      socklen_t len = sizeof from;
      ssize_t n = ::recvfrom(dns, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n > 0) {
        auto reply = dnsAnswer(std::string_view(buffer, static_cast<std::size_t>(n)), ntohl(parsed.s_addr));
        if (reply) ::sendto(dns, reply->data(), reply->size(), 0, reinterpret_cast<sockaddr*>(&from), len);
      }
    }
  }
  ::close(http);
  ::close(dns);
  std::error_code ec;
  std::filesystem::remove(ready_file, ec);
  return 0;
}

}  // namespace fabric::lab
