#include "scenarios/lab/node_configs.h"

#include <sstream>

#include "fortigate/schema/fortigate_schema.h"

namespace fabric::lab {

std::string fortigateConfig(const LabPlan& plan, const std::string& sealed_ems_password) {
  const NodePlan& fgt = *plan.node("fortigate");
  const NodePlan& ems = *plan.node("ems");
  const NodePlan& faz = *plan.node("fortianalyzer");
  std::ostringstream o;
  o << "#config-version=" << fortigate::kConfigVersion << ":opmode=0:vdom=0:user=admin\n"
    << "config system global\n"
    << "    set hostname \"" << fgt.hostname << "\"\n"
    << "    set admin-sport " << fgt.port("https") << "\n"
    << "end\n"
    // The seed document, in its order.
    << "config system automation-trigger\n"
    << "    edit \"trigger01\"\n"
    << "        set trigger-type event-based\n"
    << "        set event-type ioc\n"
    << "        set ioc-level high\n"
    << "    next\n"
    << "end\n"
    << "config system automation-action\n"
    << "    edit \"action01\"\n"
    << "        set action-type quarantine-forticlient\n"
    << "        set minimum-interval 0\n"
    << "    next\n"
    << "end\n"
    << "config system automation-stitch\n"
    << "    edit \"stitch01\"\n"
    << "        set status enable\n"
    << "        set trigger \"trigger01\"\n"
    << "        set action \"action01\"\n"
    << "    next\n"
    << "end\n"
    << "config firewall address\n"
    << "    edit \"EMS01\"\n"
    << "        set type ipmask\n"
    << "        set subnet " << ems.address << " 255.255.255.255\n"
    << "    next\n"
    << "end\n"
    << "config endpoint-control forticlient-ems\n"
    << "    edit \"e01\"\n"
    << "        set address \"EMS01\"\n"
    << "        set serial-number " << ems.serial << "\n"
    << "        set listen-port " << ems.port("telemetry") << "\n"
    << "        set rest-api-auth userpass\n"
    << "        set https-port " << ems.port("https") << "\n"
    << "        set admin-username \"" << plan.ems_admin << "\"\n"
    << "        set admin-password ENC " << sealed_ems_password << "\n"
    << "        set admin-type Windows\n"
    << "    next\n"
    << "end\n"
    << "config log fortianalyzer setting\n"
    << "    set status enable\n"
    << "    set server \"" << faz.address << "\"\n"
    << "    set serial \"" << faz.serial << "\"\n"
    << "end\n";
  return o.str();
}

std::string emsConfig(const LabPlan& plan, const std::string& password_hash) {
  const NodePlan& fgt = *plan.node("fortigate");
  const NodePlan& ems = *plan.node("ems");
  const NodePlan& faz = *plan.node("fortianalyzer");
  // Endpoints live in 127.B.1.0/24; a fleet's continue into 127.B.2.0 and on: its rule matches the
  // lab's /16 (the nodes in it never register as endpoints).
  const std::string endpoints_net = (plan.netns ? "10." : "127.") + std::to_string(plan.octet) +
                                    (plan.fleet ? ".0.0" : ".1.0");
  std::ostringstream o;
  o << "config system global\n"
    << "    set hostname \"" << ems.hostname << "\"\n"
    << "end\n"
    << "config system admin\n"
    << "    edit \"" << plan.ems_admin << "\"\n"
    << "        set password ENC " << password_hash << "\n"
    << "        set role super-admin\n"
    << "    next\n"
    << "end\n"
    << "config system server\n"
    << "    set listen-ip " << ems.address << "\n"
    << "    set https-port " << ems.port("https") << "\n"
    << "    set fct-port " << ems.port("telemetry") << "\n"
    << "    set remote-https-access enable\n"
    << "end\n"
    << "config endpoint profile\n"
    << "    edit \"lab-profile\"\n"
    << "        set faz-address " << faz.address << "\n"
    << "        set faz-port " << faz.port("syslog-tls") << "\n"
    << "    next\n"
    << "end\n"
    << "config endpoint gateway-list\n"
    << "    edit \"lab-gateways\"\n"
    << "        config fortigate\n"
    << "            edit \"" << fgt.hostname << "\"\n"
    << "                set address " << fgt.address << "\n"
    << "                set port " << fgt.port("telemetry") << "\n"
    << "            next\n"
    << "        end\n"
    << "    next\n"
    << "end\n"
    << "config endpoint assignment-rule\n"
    << "    edit 1\n"
    << "        set comments \"every endpoint of the lab\"\n"
    << "        set match-ip " << endpoints_net << (plan.fleet ? " 255.255.0.0" : " 255.255.255.0") << "\n"
    << "        set profile \"lab-profile\"\n"
    << "        set gateway-list \"lab-gateways\"\n"
    << "    next\n"
    << "end\n"
    // The EMS's own event log goes to the same analyzer (RFC 5425, TLS verified by the lab CA).
    << "config log fortianalyzer setting\n"
    << "    set status enable\n"
    << "    set server " << faz.address << "\n"
    << "    set port " << faz.port("syslog-tls") << "\n"
    << "end\n";
  return o.str();
}

std::string fortianalyzerConfig(const LabPlan& plan) {
  const NodePlan& faz = *plan.node("fortianalyzer");
  const NodePlan& fgt = *plan.node("fortigate");
  const NodePlan& ems = *plan.node("ems");
  std::ostringstream o;
  o << "config system global\n"
    << "    set hostname \"" << faz.hostname << "\"\n"
    << "end\n"
    << "config system admin setting\n"
    << "    set https_port " << faz.port("https") << "\n"
    << "end\n"
    << "config system log-receiver\n"
    << "    set syslog-udp-port " << faz.port("syslog") << "\n"
    << "    set syslog-tcp-port " << faz.port("syslog") << "\n"
    << "    set syslog-tls-port " << faz.port("syslog-tls") << "\n"
    << "end\n"
    << "config system device\n"
    << "    edit \"" << fgt.serial << "\"\n"
    << "        set devname \"" << fgt.hostname << "\"\n"
    << "        set ip \"" << fgt.address << "\"\n"
    << "    next\n"
    << "    edit \"" << ems.serial << "\"\n"
    << "        set devname \"" << ems.hostname << "\"\n"
    << "        set ip \"" << ems.address << "\"\n"
    << "    next\n"
    << "end\n"
    << "config system threat-feed\n"
    << "    edit \"lab-demo\"\n"
    << "        set file \"../../" << plan.feed << "\"\n"
    << "        set format csv\n"
    << "    next\n"
    << "end\n";
  return o.str();
}

std::string demoFeed() {
  return "# The lab's demo threat feed (scenarios/README.md, \"The demo threat feed\").\n"
         "# CSV: indicator,type,level,threat. The FortiAnalyzer reloads this file when it changes.\n"
         "indicator,type,level,threat\n"
         "malware.bad.example,domain,high,Lab.Malware.Demo\n"
         "suspicious.bad.example,domain,medium,Lab.Suspicious.Demo\n";
}

}  // namespace fabric::lab
