#pragma once
// The FortiAnalyzer's configuration schema (docs/fortianalyzer.md "Configuration"). Real
// FortiAnalyzer 7.x names where the product has the setting (`system global`, `system admin user`,
// `system admin setting`, `system log ioc`); lab tables for what the real product keeps outside its
// CLI (threat feed files, registered devices, syslog ports, retention), marked so in the docs.

#include <memory>

#include "common/config/schema.h"

namespace fabric::faz {

inline constexpr const char* kFazConfigVersion = "FAZVM64-7.2.4-FW-build1396-230131";

std::shared_ptr<const config::Schema> makeFortiAnalyzerSchema();

}  // namespace fabric::faz
