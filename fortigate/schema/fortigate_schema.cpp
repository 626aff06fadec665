#include "fortigate/schema/fortigate_schema.h"

namespace fabric::fortigate {

std::shared_ptr<const config::Schema> makeFortiGateSchema() {
  auto schema = std::make_shared<config::Schema>(kConfigVersion);
  addSystemTables(*schema);
  addFirewallTables(*schema);
  addEndpointControlTables(*schema);
  addAutomationTables(*schema);
  addLogTables(*schema);
  return schema;
}

}  // namespace fabric::fortigate
