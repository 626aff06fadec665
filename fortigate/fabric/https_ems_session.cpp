#include "fortigate/fabric/https_ems_session.h"

#include <cctype>

namespace fabric::fortigate {
namespace {

bool iequals(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

EmsReply toReply(const http::ClientResult& r) {
  EmsReply out;
  out.status = r.status;
  out.error = r.error;
  if (r.ok()) out.body = nlohmann::json::parse(r.body, nullptr, false);
  if (out.body.is_discarded()) out.body = nullptr;
  return out;
}

class HttpsEmsSession final : public EmsSession {
 public:
  HttpsEmsSession(const EmsTarget& t, const http::ClientTls& tls, const std::string& source)
      : client_(t.host, t.port, tls, source, t.timeout) {}

  EmsReply signIn(const std::string& name, const std::string& password) override {
    client_.clearCookies();
    csrf_.clear();
    const auto r = client_.request("POST", "/api/v1/auth/signin",
                                   nlohmann::json{{"name", name}, {"password", password}}.dump(),
                                   {{"Content-Type", "application/json"}});
    csrf_ = setCookieValue(r.headers, "csrftoken");
    return toReply(r);
  }
  EmsReply get(const std::string& path) override { return toReply(client_.request("GET", path)); }
  EmsReply post(const std::string& path, const nlohmann::json& body) override {
    http::Headers h{{"Content-Type", "application/json"}};
    if (!csrf_.empty()) h.emplace_back("X-CSRFToken", csrf_);
    return toReply(client_.request("POST", path, body.dump(), h));
  }
  std::string peerSerialNumber() const override { return client_.peerSerialNumber(); }

 private:
  http::HttpsClient client_;
  std::string csrf_;
};

}  // namespace

std::string setCookieValue(const http::Headers& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (!iequals(key, "Set-Cookie")) continue;
    const auto eq = value.find('=');
    if (eq == std::string::npos) continue;
    auto trim = [](std::string s) {
      while (!s.empty() && s.front() == ' ') s.erase(s.begin());
      while (!s.empty() && s.back() == ' ') s.pop_back();
      return s;
    };
    if (trim(value.substr(0, eq)) != name) continue;
    std::string v = value.substr(eq + 1, value.find(';', eq) == std::string::npos ? std::string::npos
                                                                                    : value.find(';', eq) - eq - 1);
    v = trim(v);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return v;
  }
  return {};
}

std::unique_ptr<EmsSession> HttpsEmsSessionFactory::open(const EmsTarget& target) {
  return std::make_unique<HttpsEmsSession>(target, tls_, source_address_);
}

}  // namespace fabric::fortigate
