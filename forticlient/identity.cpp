#include "forticlient/identity.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

#include "common/base/atomic_file.h"
#include "forticlient/digest.h"

namespace fabric::forticlient {
namespace {

// Version strings as FortiClient EMS shows them for each platform.
constexpr std::array<const char*, 3> kWindowsVersions = {
    "Microsoft Windows 11 Professional Edition, 64-bit (build 22000)",
    "Microsoft Windows 11 Enterprise Edition, 64-bit (build 22631)",
    "Microsoft Windows 10 Professional Edition, 64-bit (build 19045)"};
constexpr std::array<const char*, 3> kMacosVersions = {
    "macOS Sonoma 14.2.1", "macOS Ventura 13.6.3", "macOS Monterey 12.7.2"};
constexpr std::array<const char*, 3> kLinuxVersions = {
    "Ubuntu 22.04.3 LTS", "Red Hat Enterprise Linux 9.3 (Plow)", "Debian GNU/Linux 12 (bookworm)"};

constexpr std::array<const char*, 16> kFirstNames = {
    "john", "mary", "ahmed", "li", "sofia", "pierre", "anna", "raj",
    "emma", "lucas", "yuki", "omar", "nina", "diego", "eva", "tom"};
constexpr std::array<const char*, 16> kLastNames = {
    "doe", "smith", "khan", "wang", "rossi", "martin", "novak", "patel",
    "brown", "silva", "tanaka", "haddad", "berg", "lopez", "weber", "clark"};

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

unsigned byteAt(const std::string& hex, std::size_t i) {
  return static_cast<unsigned>(std::stoul(hex.substr(i * 2, 2), nullptr, 16));
}

std::string macText(std::array<unsigned, 6> b) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i) out += '-';
    out += kHex[(b[i] >> 4) & 0xf];
    out += kHex[b[i] & 0xf];
  }
  return out;
}

bool isMac(const std::string& mac) {
  if (mac.size() != 17) return false;
  for (std::size_t i = 0; i < mac.size(); ++i) {
    if (i % 3 == 2) {
      if (mac[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(mac[i]))) {
      return false;
    }
  }
  return true;
}

bool isHostname(const std::string& h) {
  if (h.empty() || h.size() > 63) return false;
  return std::all_of(h.begin(), h.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

const std::string& field(const nlohmann::json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) {
    throw std::invalid_argument(std::string("agent identity: field '") + name +
                                "' is missing or not a string");
  }
  return it->get_ref<const std::string&>();
}

bool isFctSerial(const std::string& s) {
  return s.size() == 16 && s.rfind("FCT", 0) == 0 &&
         std::all_of(s.begin() + 3, s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// "FCT8" + 12 digits: a number drawn from `key`'s hash, plus `offset`. Different keys give
// different serials (a 1-in-10^12 chance of a clash); one key with offsets 0..N-1 gives N
// consecutive, distinct serials.
std::string serialFrom(const std::string& key, std::uint64_t offset) {
  constexpr std::uint64_t kRange = 1000000000000ULL;  // 12 digits
  const std::uint64_t base = std::stoull(sha1Hex("fct-serial/" + key).substr(0, 15), nullptr, 16) % kRange;
  std::string digits = std::to_string((base + offset) % kRange);
  return "FCT8" + std::string(12 - digits.size(), '0') + digits;
}

// Every endpoint made before serials were drawn per endpoint got this one.
constexpr const char* kSharedLegacySerial = "FCT8000000000000";

}  // namespace

std::string toString(Os os) {
  switch (os) {
    case Os::kWindows: return "windows";
    case Os::kMacos: return "macos";
    case Os::kLinux: return "linux";
  }
  return "windows";
}

std::optional<Os> parseOs(std::string_view text) {
  if (text == "windows") return Os::kWindows;
  if (text == "macos") return Os::kMacos;
  if (text == "linux") return Os::kLinux;
  return std::nullopt;
}

nlohmann::json Identity::toJson() const {
  return {{"uid", uid},   {"serial", serial},     {"hostname", hostname}, {"os", toString(os)},
          {"os_version", os_version}, {"ip", ip}, {"mac", mac},           {"user", user},
          {"pcdomain", pcdomain},     {"fctver", fctver}};
}

Identity Identity::fromJson(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("agent identity: not a JSON object");
  Identity id;
  id.uid = field(j, "uid");
  id.serial = field(j, "serial");
  id.hostname = field(j, "hostname");
  auto os = parseOs(field(j, "os"));
  if (!os) throw std::invalid_argument("agent identity: os must be windows, macos or linux");
  id.os = *os;
  id.os_version = field(j, "os_version");
  id.ip = field(j, "ip");
  id.mac = field(j, "mac");
  id.user = field(j, "user");
  id.pcdomain = field(j, "pcdomain");
  id.fctver = field(j, "fctver");
  if (auto err = validate(id); !err.empty()) throw std::invalid_argument("agent identity: " + err);
  return id;
}

bool isIpv4(const std::string& text) {
  in_addr addr{};
  return ::inet_pton(AF_INET, text.c_str(), &addr) == 1;
}

std::optional<std::string> ipv4Add(const std::string& ip, std::uint32_t offset) {
  in_addr addr{};
  if (::inet_pton(AF_INET, ip.c_str(), &addr) != 1) return std::nullopt;
  std::uint64_t value = ntohl(addr.s_addr);
  value += offset;
  if (value > 0xffffffffULL) return std::nullopt;
  addr.s_addr = htonl(static_cast<std::uint32_t>(value));
  char buf[INET_ADDRSTRLEN];
  ::inet_ntop(AF_INET, &addr, buf, sizeof buf);
  return std::string(buf);
}

std::string validate(const Identity& id) {
  if (id.uid.size() != 40 || !isHex(id.uid, 40) || upper(id.uid) != id.uid) {
    return "uid must be 40 upper-case hex characters";
  }
  if (!isFctSerial(id.serial)) return "serial '" + id.serial + "' is not FCT followed by 13 digits";
  if (!isHostname(id.hostname)) return "hostname '" + id.hostname + "' is not a valid host name";
  if (!isIpv4(id.ip)) return "ip '" + id.ip + "' is not an IPv4 address";
  if (!isMac(id.mac)) return "mac '" + id.mac + "' is not of the form 00-11-22-33-44-55";
  if (id.user.empty()) return "user is empty";
  if (id.os_version.empty()) return "os_version is empty";
  if (id.fctver.empty()) return "fctver is empty";
  return {};
}

Os fleetOs(std::uint32_t index, std::uint32_t linux_every, std::uint32_t macos_every) {
  const std::uint32_t n = index + 1;
  if (linux_every && n % linux_every == 0) return Os::kLinux;
  if (macos_every && n % macos_every == 0) return Os::kMacos;
  return Os::kWindows;
}

Identity fleetIdentity(const std::string& seed, std::uint32_t index, Os os, const std::string& ip) {
  const std::string h = sha1Hex(seed + "/" + std::to_string(index));
  Identity id;
  id.uid = upper(h);
  // Each endpoint has its own FortiClient serial (its devid in every log line): drawn from the
  // seed, plus the index so that the endpoints of one fleet never share one.
  id.serial = serialFrom(seed, index);
  id.os = os;
  std::size_t pick = byteAt(h, 0) % 3;
  const auto first = kFirstNames[byteAt(h, 1) % kFirstNames.size()];
  const auto last = kLastNames[byteAt(h, 2) % kLastNames.size()];
  // The last three MAC bytes are drawn from the seed, plus the index: unique across a fleet of up
  // to 16M endpoints, and two single endpoints (index 0, different seeds) do not share a MAC.
  const std::uint32_t nic = (static_cast<std::uint32_t>(std::stoul(sha1Hex("fct-mac/" + seed).substr(0, 6), nullptr, 16)) +
                             index) & 0xffffffu;
  std::array<unsigned, 6> mac{0, 0, 0, (nic >> 16) & 0xff, (nic >> 8) & 0xff, nic & 0xff};
  switch (os) {
    case Os::kWindows: {
      id.os_version = kWindowsVersions[pick];
      id.fctver = "7.2.8.1140";
      // Windows' default machine name: DESKTOP- and 7 characters; ours end with the index.
      id.hostname = "DESKTOP-" + upper(h.substr(4, 1)) + std::to_string(100000 + index % 900000);
      id.user = std::string(first) + "." + last + "@LAB";
      id.pcdomain = "LAB.LOCAL";
      mac[0] = 0x00; mac[1] = 0x15; mac[2] = 0x5D;  // Hyper-V OUI
      break;
    }
    case Os::kMacos: {
      id.os_version = kMacosVersions[pick];
      id.fctver = "7.2.8.1044";
      std::string name = first;
      name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
      id.hostname = name + "s-MacBook-Pro-" + std::to_string(index);
      id.user = std::string(first) + last[0];
      id.pcdomain = "WORKGROUP";
      mac[0] = 0x3C; mac[1] = 0x22; mac[2] = 0xFB;  // Apple OUI
      break;
    }
    case Os::kLinux: {
      id.os_version = kLinuxVersions[pick];
      id.fctver = "7.2.8.0644";
      id.hostname = "linux-ws-" + std::to_string(index);
      id.user = std::string(first) + last[0];
      id.pcdomain = "WORKGROUP";
      mac[0] = 0x52; mac[1] = 0x54; mac[2] = 0x00;  // QEMU/KVM OUI
      break;
    }
  }
  id.mac = macText(mac);
  id.ip = ip;
  return id;
}

Identity loadOrCreateIdentity(const std::filesystem::path& dir, const std::string& seed,
                              const IdentityOverrides& overrides) {
  const auto path = dir / "agent.json";
  Identity id;
  bool changed = false;
  if (auto text = readFile(path)) {
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded()) throw std::runtime_error(path.string() + " is not valid JSON");
    try {
      // An agent.json written before serials were per endpoint holds the serial every endpoint
      // shared: give it its own, drawn from its uid (kept from then on).
      if (j.is_object() && j.value("serial", "") == kSharedLegacySerial && j.contains("uid") && j["uid"].is_string()) {
        j["serial"] = serialFrom(j["uid"].get<std::string>(), 0);
        changed = true;
      }
      id = Identity::fromJson(j);
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(path.string() + ": " + e.what());
    }
  } else {
    if (std::filesystem::exists(path)) throw std::runtime_error("cannot read " + path.string());
    id = fleetIdentity(seed, 0, overrides.os.value_or(Os::kWindows), overrides.ip.value_or("127.1.0.1"));
    changed = true;
  }
  if (overrides.os && *overrides.os != id.os) {
    // A different OS means a different version string and FortiClient build too.
    Identity fresh = fleetIdentity(seed, 0, *overrides.os, id.ip);
    id.os = fresh.os;
    id.os_version = fresh.os_version;
    id.fctver = fresh.fctver;
    changed = true;
  }
  auto apply = [&](const std::optional<std::string>& value, std::string& target) {
    if (value && *value != target) {
      target = *value;
      changed = true;
    }
  };
  apply(overrides.hostname, id.hostname);
  apply(overrides.ip, id.ip);
  apply(overrides.user, id.user);
  if (auto err = validate(id); !err.empty()) throw std::runtime_error("invalid identity: " + err);
  if (changed) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());
    if (auto err = writeFileAtomically(path, id.toJson().dump(2) + "\n"); !err.empty()) {
      throw std::runtime_error(err);
    }
  }
  return id;
}

}  // namespace fabric::forticlient
