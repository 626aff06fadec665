// Feeds arbitrary HTTP requests to the FortiGate REST handler (RestApi::handle), without sockets.
// Input: "METHOD TARGET\n" + "Name: value\n"… + "\n" + body. Must never crash, hang or leak, and:
//  - every answer has a status among those the API documents;
//  - JSON answers are valid JSON;
//  - a request that did not succeed leaves the configuration unchanged.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "common/base/clock.h"
#include "common/config/engine.h"
#include "common/http/http.h"
#include "fortigate/admin_auth.h"
#include "fortigate/event_log.h"
#include "fortigate/rest_api.h"
#include "fortigate/schema/fortigate_schema.h"
#include "fortigate/system_info.h"

namespace {

constexpr std::string_view kKey = "fuzzkey0123456789abcdefghijklm";  // corpus files use it

std::shared_ptr<const fabric::config::Schema> schema() {
  static auto s = fabric::fortigate::makeFortiGateSchema();
  return s;
}

void check(bool condition) {
  if (!condition) std::abort();
}

fabric::http::HttpRequest parseRequest(std::string_view input) {
  fabric::http::HttpRequest r;
  auto takeLine = [&input]() {
    const auto nl = input.find('\n');
    std::string_view line = input.substr(0, nl);
    input = nl == std::string_view::npos ? std::string_view{} : input.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };
  std::string_view first = takeLine();
  const auto space = first.find(' ');
  r.method = std::string(first.substr(0, space));
  std::string_view target = space == std::string_view::npos ? std::string_view{} : first.substr(space + 1);
  const auto q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = fabric::http::parseUrlEncoded(target.substr(q + 1));
  while (!input.empty()) {
    std::string_view line = takeLine();
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  r.body = std::string(input);
  r.remote_address = "127.0.0.1";
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16384) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  fabric::ManualClock clock;
  fabric::config::Engine engine(schema(), "FGVM01TM26000001", "0123456789abcdef0123456789abcdef");
  auto session = engine.openSession();
  for (const std::string line : {std::string("config system api-user"), std::string("edit \"bot\""),
                                 std::string("set accprofile \"super_admin\""), "set api-key " + std::string(kKey),
                                 std::string("next"), std::string("end")})
    check(session->execute(line).ok());
  fabric::fortigate::EventLog log("/dev/null", clock, "FGVM01TM26000001", "FGT");  // never opened: no I/O
  fabric::fortigate::AdminAuth auth(engine, clock, &log, "FGVM01TM26000001");
  auto info = fabric::fortigate::SystemInfo::fromConfigVersion(fabric::fortigate::kConfigVersion, "FGVM01TM26000001");
  fabric::fortigate::RestApi api(engine, auth, info, nullptr);

  // Two requests from one input when it holds a form feed: lets the fuzzer log in, then use the session.
  std::string_view rest = input;
  while (true) {
    const auto split = rest.find('\f');
    const std::string before = engine.save();
    const fabric::http::HttpResponse response = api.handle(parseRequest(rest.substr(0, split)));
    static const std::set<int> kStatuses = {200, 400, 401, 403, 404, 405, 500};
    check(kStatuses.count(response.status) == 1);
    if (response.content_type == "application/json")
      check(!nlohmann::json::parse(response.body, nullptr, false).is_discarded());
    if (response.status != 200) check(engine.save() == before);
    if (split == std::string_view::npos) break;
    rest = rest.substr(split + 1);
  }
  return 0;
}
