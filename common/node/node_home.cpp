#include "common/node/node_home.h"

#include <sys/resource.h>

#include <openssl/rand.h>
#include <unistd.h>

#include <stdexcept>
#include <system_error>

#include "common/base/atomic_file.h"

namespace fabric::node {
namespace {

constexpr std::size_t kSecretKeyBytes = 32;
constexpr std::size_t kSerialLength = 16;

std::string randomBytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

void writeOrThrow(const std::filesystem::path& path, const std::string& contents, unsigned mode) {
  const std::string err = writeFileAtomically(path, contents, mode);
  if (!err.empty()) throw std::runtime_error(err);
}

}  // namespace

NodeHome::NodeHome(std::filesystem::path dir, std::string program)
    : dir_(std::move(dir)), program_(std::move(program)) {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) throw std::runtime_error("cannot create home directory " + dir_.string() + ": " + ec.message());
  if (!std::filesystem::is_directory(dir_, ec))
    throw std::runtime_error("home " + dir_.string() + " is not a directory");
}

std::filesystem::path NodeHome::configFile() const { return dir_ / (program_ + ".conf"); }
std::filesystem::path NodeHome::consoleSocket() const { return consoleSocketIn(dir_); }
std::filesystem::path NodeHome::pidFile() const { return dir_ / (program_ + ".pid"); }
std::filesystem::path NodeHome::readyFile() const { return dir_ / "ready.json"; }
std::filesystem::path NodeHome::eventLog() const { return dir_ / "event.log"; }

std::string NodeHome::secretKey() const {
  const auto path = dir_ / "secret.key";
  if (auto existing = readFile(path)) {
    if (existing->size() != kSecretKeyBytes)
      throw std::runtime_error(path.string() + " holds " + std::to_string(existing->size()) +
                               " bytes, expected " + std::to_string(kSecretKeyBytes));
    return *existing;
  }
  std::string key = randomBytes(kSecretKeyBytes);
  writeOrThrow(path, key, 0600);
  return key;
}

NodeIdentity NodeHome::identity(const std::string& serial_prefix,
                                const std::string& default_hostname) const {
  const auto path = dir_ / "identity.json";
  if (auto text = readFile(path)) {
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("serial") || !j["serial"].is_string() ||
        j["serial"].get<std::string>().empty())
      throw std::runtime_error(path.string() + " is not a valid identity (needs a string \"serial\")");
    NodeIdentity id;
    id.serial = j["serial"].get<std::string>();
    const auto hostname = j.find("hostname");
    id.hostname = hostname != j.end() && hostname->is_string() ? hostname->get<std::string>()
                                                               : default_hostname;
    return id;
  }
  NodeIdentity id;
  id.serial = serial_prefix;
  const std::string random = randomBytes(kSerialLength);
  for (std::size_t i = 0; id.serial.size() < kSerialLength; ++i)
    id.serial.push_back(static_cast<char>('0' + static_cast<unsigned char>(random[i]) % 10));
  id.hostname = default_hostname;
  writeOrThrow(path, nlohmann::json{{"serial", id.serial}, {"hostname", id.hostname}}.dump(2) + "\n",
               0644);
  return id;
}

void NodeHome::writePid() const {
  writeOrThrow(pidFile(), std::to_string(::getpid()) + "\n", 0644);
}

void NodeHome::writeReady(const nlohmann::json& info) const {
  nlohmann::json j = info.is_object() ? info : nlohmann::json::object();
  if (!j.contains("pid")) j["pid"] = ::getpid();
  writeOrThrow(readyFile(), j.dump(2) + "\n", 0644);
}

void NodeHome::clearRuntimeFiles() const {
  std::error_code ec;
  std::filesystem::remove(readyFile(), ec);
  std::filesystem::remove(pidFile(), ec);
}

unsigned long raiseOpenFileLimit() {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    struct rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return static_cast<unsigned long>(limit.rlim_cur);
}

}  // namespace fabric::node
