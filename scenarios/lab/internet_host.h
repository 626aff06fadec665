#pragma once
// The "internet" of a network-namespace lab (`fabricctl internet-host`): one process in its own
// namespace that answers HTTP on port 80 (200, a short page naming the host asked for) and DNS on
// UDP port 53 (every A query gets the host's own address), so every outside name an endpoint
// visits resolves to it and is reachable until the endpoint is quarantined.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace fabric::lab {

// Pure DNS: the answer to one query datagram (A record `address` for any name, TTL 60; other
// query types get an empty NOERROR answer), or nullopt when the datagram is not a query.
std::optional<std::string> dnsAnswer(std::string_view query, uint32_t address_host_order);

// Runs until `stop` is set; writes `ready_file` once both sockets listen. Returns the exit status.
int runInternetHost(const std::string& address, int http_port, int dns_port,
                    const std::filesystem::path& ready_file, const std::atomic<bool>& stop);

}  // namespace fabric::lab
