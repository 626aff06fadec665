#pragma once
// The container lab: docker-compose.yml is generated from a network-namespace lab plan, so the
// containers run the same programs with the same configuration files, addresses and ports as
// `fabricctl up --netns`. One image (Dockerfile, Debian 12), one service per node, the internet
// host, and N FortiClient replicas (NET_ADMIN: nftables enforcement in their own network stack).
// Replicas take dynamic addresses from 10.B.1.0/24 (the EMS assignment rule's range) and enroll a
// certificate from the lab CA for their own address at start (docker/agent-entrypoint.sh).

#include <string>
#include <vector>

#include "scenarios/lab/lab_plan.h"

namespace fabric::lab {

struct ComposeService {
  std::string name;
  std::vector<std::string> command;    // argv; [0] is a program in /usr/local/bin of the image
  std::vector<std::string> entrypoint; // replicas: the enrollment script
  std::string ipv4;                    // static address ("" = from the replica range)
  std::vector<std::string> expose;     // "443", "514/udp"
  std::vector<std::string> volumes;    // "host path (relative to the compose file):container path[:ro]"
  std::vector<std::string> environment;  // KEY=value
  bool net_admin = false;
  int replicas = 1;
};

inline constexpr const char* kComposeLabDir = "docker/lab";  // where `fabricctl up --no-start` writes it
inline constexpr const char* kComposeImage = "fabric-lab:latest";

std::vector<ComposeService> composeServices(const LabPlan& plan, int agent_replicas);
std::string composeYaml(const LabPlan& plan, int agent_replicas);

}  // namespace fabric::lab
