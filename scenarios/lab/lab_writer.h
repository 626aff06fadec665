#pragma once
// Writes a lab directory from its plan (`fabricctl up`, before anything starts):
//
//   DIR/lab.json                 the plan (written last: a lab without it is incomplete)
//   DIR/secrets.json             0600: the EMS administrator's password (the only clear copy)
//   DIR/ca/ca.pem, ca.key        the lab CA (key 0600)
//   DIR/feeds/demo-feed.txt      the demo threat feed
//   DIR/nodes/<node>/            node homes (common/node layout): <node>.conf, identity.json,
//                                secret.key, tls/ca.pem node.pem node.key
//   DIR/endpoints/<name>/        agent homes: tls/ files issued by the lab CA
//   DIR/endpoints/fleet/         fleet labs: the fleet's home (tls/ca.pem only) and, per endpoint i,
//                                endpoints/<i>/tls/ with its own CA-issued certificate (CN = uid)
//   DIR/run/                     fabricctl's pid records and the programs' output
//
// Errors throw std::runtime_error naming the file or step.

#include <filesystem>
#include <string>

#include "scenarios/lab/lab_plan.h"

namespace fabric::lab {

struct LabSecrets {
  std::string ems_admin_password;
};

// Refuses a directory that already holds a lab.json (one lab per directory).
void writeLab(const std::filesystem::path& dir, const LabPlan& plan, const LabSecrets& secrets);

// Reads DIR/lab.json (throws with a message that says to run `fabricctl up` when it is missing).
LabPlan readLab(const std::filesystem::path& dir);
LabSecrets readSecrets(const std::filesystem::path& dir);

// A fresh FortiClient uid (40 upper-case hex digits) for an endpoint certificate's CN: the agent
// adopts it on first start, and the EMS and FortiGate accept a `register` only for the uid of the
// certificate on the link (one endpoint cannot speak for another).
std::string newFortiClientUid();

// A random password of `length` letters and digits.
std::string randomPassword(std::size_t length = 20);

}  // namespace fabric::lab
