#pragma once
// The real EmsSession: the EMS /api/v1 over HTTPS (common/http HttpsClient, CA-verified, bound to
// the FortiGate's own address, timeout = forticlient-ems-rest-api-call-timeout). Sign-in keeps the
// `sessionid` cookie in the client and the `csrftoken` cookie value for the X-CSRFToken header of
// writes (docs/protocols.md "FortiGate → EMS REST").

#include <string>

#include "common/http/http.h"
#include "fortigate/fabric/ems_client.h"

namespace fabric::fortigate {

class HttpsEmsSessionFactory final : public EmsSessionFactory {
 public:
  HttpsEmsSessionFactory(http::ClientTls tls, std::string source_address)
      : tls_(std::move(tls)), source_address_(std::move(source_address)) {}
  std::unique_ptr<EmsSession> open(const EmsTarget& target) override;

 private:
  http::ClientTls tls_;
  std::string source_address_;
};

// The value of cookie `name` set by a response's Set-Cookie headers ("" when absent).
std::string setCookieValue(const http::Headers& headers, const std::string& name);

}  // namespace fabric::fortigate
