#pragma once
// A whole EMS without sockets, wired as the daemon wires it: configuration engine, state database
// (in memory or a file), endpoint registry, command queue, audit log, event lines, agent protocol,
// quarantine service, admin sessions and the REST API, on a manual clock. `Sink` receives the
// event lines and `Transport` stands in for the agent links; each user picks its own.
// Used by the EMS unit tests (tests/unit/ems) and the EMS fuzz targets (tests/fuzz/ems_*).

#include <memory>
#include <string>

#include "common/base/clock.h"
#include "common/config/engine.h"
#include "ems/agent_protocol.h"
#include "ems/ems_schema.h"
#include "ems/quarantine_service.h"
#include "ems/rest_api.h"
#include "ems/session_store.h"
#include "ems/state_db.h"

namespace fabric::ems::test {

inline const std::string kSerial = "FCTEMS0000012345";

template <typename Sink, typename Transport>
struct EmsStack {
  // `key` is the 32-byte configuration secret key; the configuration starts empty.
  EmsStack(const std::string& key, const std::string& db_path)
      : engine(makeEmsSchema(), "FCTEMS", key),
        db(openStateDb(db_path)),
        registry(*db),
        queue(*db),
        audit(*db),
        events(sink, clock, "FCTEMS", kSerial),
        state{engine, registry, queue, audit, events, clock, kSerial},
        agents(state, transport),
        quarantine(state, agents),
        sessions(clock),
        rest(state, quarantine, sessions) {}
  EmsStack(const EmsStack&) = delete;
  EmsStack& operator=(const EmsStack&) = delete;

  ManualClock clock;
  Sink sink;
  Transport transport;
  config::Engine engine;
  std::unique_ptr<SqliteDb> db;
  EndpointRegistry registry;
  CommandQueue queue;
  AuditLog audit;
  EmsEvents events;
  EmsState state;
  AgentProtocol agents;
  QuarantineService quarantine;
  SessionStore sessions;
  RestApi rest;
};

}  // namespace fabric::ems::test
