#pragma once
// Internal: the FortiOS REST API v2 `cmdb` face of the tree. Reads walk the tree; writes are
// turned into the same CLI commands a console would type and run through a CliSession, so REST
// and CLI share one validation path, one set of errors and one commit.

#include <nlohmann/json.hpp>

#include "common/config/engine.h"
#include "common/config/engine_state.h"

namespace fabric::config {

CmdbResponse handleCmdb(EngineState& state, const CmdbRequest& request, const CmdbContext& context);

// The REST representation of one entry (`q_origin_key` and every attribute, nested tables as arrays).
nlohmann::json cmdbRow(const TableSchema& table, const std::string& key, const Node& node);
// `?action=schema`
nlohmann::json cmdbSchema(const TableSchema& table, const std::string& name);

}  // namespace fabric::config
