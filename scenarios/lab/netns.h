#pragma once
// Network-namespace mode (root): every node and endpoint is its own host in its own network
// namespace "<lab_id>-<name>", joined to the lab bridge by a veth pair, with its lab address on
// eth0 in 10.B.0.0/16. The "internet" host (namespace "<lab_id>-internet", 10.B.2.1) runs
// `fabricctl internet-host`: HTTP on port 80 answering every request, and DNS on port 53 answering
// every name with its own address; every namespace's resolv.conf (/etc/netns/<ns>/resolv.conf,
// which `ip netns exec` mounts over /etc/resolv.conf) points at it.
//
// The commands run are `ip` (iproute2); every failure throws std::runtime_error with the command
// and its output. Teardown removes what setup made and ignores what is already gone.

#include <string>
#include <vector>

#include "scenarios/lab/lab_plan.h"

namespace fabric::lab {

// Every `ip` command of setup, in order (pure: tests check names, lengths and addresses).
std::vector<std::vector<std::string>> netnsSetupCommands(const LabPlan& plan);
std::vector<std::vector<std::string>> netnsTeardownCommands(const LabPlan& plan);
std::string internetNamespace(const LabPlan& plan);
std::vector<std::string> labNamespaces(const LabPlan& plan);  // nodes, endpoints, internet

void setupNetwork(const LabPlan& plan);
void teardownNetwork(const LabPlan& plan);

}  // namespace fabric::lab
