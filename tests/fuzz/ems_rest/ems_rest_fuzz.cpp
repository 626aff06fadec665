// Arbitrary requests to the EMS REST handler. Input: byte 0 picks method, client address and
// whether the session cookie / CSRF header are sent; then the path up to the first '\n'; the rest
// is the body. Every answer must be the product's envelope with a status from the documented set.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string_view>

#include "ems_fuzz_env.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fabric::ems::fuzz::Env env;
  if (size == 0) return 0;
  static const char* kMethods[] = {"GET", "POST", "PUT", "DELETE"};
  static const char* kClients[] = {"127.0.1.1", "127.0.0.1", "127.0.1.9", "::1"};
  const uint8_t selector = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto nl = rest.find('\n');
  fabric::http::HttpRequest r;
  r.method = kMethods[selector & 3];
  r.remote_address = kClients[(selector >> 2) & 3];
  r.path = std::string(rest.substr(0, nl));
  if (nl != std::string_view::npos) r.body = std::string(rest.substr(nl + 1));
  if (selector & 16) r.headers.push_back({"Cookie", env.cookie});
  if (selector & 32) r.headers.push_back({"X-CSRFToken", env.csrf});
  if (selector & 64) r.headers.push_back({"Cookie", std::string(rest.substr(0, 80))});

  auto response = env.rest.handle(r);
  static const std::set<int> kStatuses = {200, 400, 401, 403, 404, 405, 409, 500};
  if (!kStatuses.count(response.status)) std::abort();
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.contains("result") || !body["result"]["retval"].is_number_integer() ||
      !body["result"]["message"].is_string() || !body.contains("data")) {
    std::abort();
  }
  if ((response.status == 200) != (body["result"]["retval"] == 1)) std::abort();
  // An input that signed the session out: sign in again for the following inputs.
  if (r.path.find("signout") != std::string::npos) env.signin();
  return 0;
}
