#pragma once
// `forticlient status` without --json: the lines printed for one endpoint of a status-result
// (identity, quarantine, each link, the log buffer, the enforcement). Pure.

#include <string>

#include <nlohmann/json.hpp>

namespace fabric::forticlient {

std::string formatEndpointStatus(const nlohmann::json& endpoint);

}  // namespace fabric::forticlient
