#pragma once
// The EMS REST API as the connector sees it (the seam between the call logic and HTTPS): one
// session per EMS, keeping the sign-in cookie and CSRF token. The real one is HttpsEmsSession
// (https_ems_session.h, common/http HttpsClient); unit tests use a fake.
// Threading: a session is used by one thread at a time (the connector thread).

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "fortigate/fabric/ems_target.h"

namespace fabric::fortigate {

struct EmsReply {
  int status = 0;         // HTTP status; 0 when no answer arrived
  std::string error;      // transport failure ("connect …: Connection refused", "timed out after 5 s", …)
  nlohmann::json body;    // parsed envelope; null when the body was not JSON
  bool answered() const { return error.empty() && status != 0; }
  // `result.message` of the EMS envelope ("" when absent).
  std::string message() const;
  // `result.retval` >= 1 and a 2xx status.
  bool ok() const;
};

class EmsSession {
 public:
  virtual ~EmsSession() = default;
  virtual EmsReply signIn(const std::string& name, const std::string& password) = 0;
  virtual EmsReply get(const std::string& path) = 0;
  // Writes carry the CSRF token of the session.
  virtual EmsReply post(const std::string& path, const nlohmann::json& body) = 0;
  // The certificate subject serialNumber of the EMS seen on the last connection ("" before any).
  virtual std::string peerSerialNumber() const = 0;
};

class EmsSessionFactory {
 public:
  virtual ~EmsSessionFactory() = default;
  virtual std::unique_ptr<EmsSession> open(const EmsTarget& target) = 0;
};

}  // namespace fabric::fortigate
