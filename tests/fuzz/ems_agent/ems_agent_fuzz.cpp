// Arbitrary frames on agent links: the input is parsed as JSON (a non-JSON input is sent as a JSON
// string) and delivered both to a registered link and to a fresh, unregistered one. Nothing may
// crash; a refused message must say why; an unregistered link must never become registered by
// anything but a valid `register`.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "../ems_rest/ems_fuzz_env.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fabric::ems::fuzz::Env env;
  static fabric::ems::ConnId next = 100;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto message = nlohmann::json::parse(text, nullptr, false);
  if (message.is_discarded()) message = text;

  // The registered endpoint's link (re-registered when an input closed it).
  if (env.transport.closed[1]) {
    env.agents.onClose(1, "closed by fuzz input");
    env.transport.closed[1] = false;
    env.agents.onOpen(1, "127.0.5.1");
    if (!env.agents.onMessage(1, {{"type", "register"}, {"uid", "0123456789ABCDEF0123456789ABCDEF01234567"},
                                  {"hostname", "PC-01"}, {"os", "windows"}, {"ip", "127.0.5.1"}})
             .empty()) {
      std::abort();
    }
  }
  const std::string on_registered = env.agents.onMessage(1, message);
  if (!on_registered.empty() && on_registered.size() < 5) std::abort();

  const fabric::ems::ConnId fresh = next++;
  env.agents.onOpen(fresh, "127.0.5.2");
  const std::string on_fresh = env.agents.onMessage(fresh, message);
  const bool is_register = message.is_object() && message.value("type", nlohmann::json()) == "register";
  if (!is_register && message.is_object() && message.value("type", nlohmann::json()) != "heartbeat" &&
      on_fresh.empty()) {
    std::abort();  // only register (or a heartbeat) is accepted before register
  }
  if (!on_fresh.empty() && !env.transport.closed[fresh] && !is_register) std::abort();
  env.agents.onClose(fresh, "done");
  env.transport.closed.erase(fresh);
  return 0;
}
