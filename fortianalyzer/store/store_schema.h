#pragma once
// The log database layout (one file, SQLite WAL). Kept in one place so the writer, the search and
// the tests agree on column names.
//
//   logs(id, time_ns, received_ns, devid, devname, logid, type, subtype, level, srcip, dstip,
//        endpoint_uid, hostname, flow_id, source_addr, registered, fields BLOB, raw)
//   indexes: time_ns; (devid,time_ns); (type,subtype,time_ns); (srcip,time_ns);
//            (endpoint_uid,time_ns) and (flow_id,time_ns), both partial (NOT NULL)
//   devices(devid PK, devname, serial, ip, registered, first_seen_ns, last_seen_ns, log_count)
//   meta(key PK, value): schema version, clean-close marker

#include <array>
#include <string_view>

#include "fortianalyzer/store/sqlite_db.h"

namespace fabric::faz {

inline constexpr int kSchemaVersion = 1;

// Columns that hold a log field by the same name, so search can use them (and their indexes)
// instead of the fields blob. `flowid` is the log field name of the flow_id column.
struct FieldColumn {
  std::string_view field;
  std::string_view column;
  bool indexed;
};
inline constexpr std::array<FieldColumn, 11> kFieldColumns{{
    {"devid", "devid", true},
    {"devname", "devname", false},
    {"logid", "logid", false},
    {"type", "type", true},
    {"subtype", "subtype", false},
    {"level", "level", false},
    {"srcip", "srcip", true},
    {"dstip", "dstip", false},
    {"hostname", "hostname", false},
    {"flowid", "flow_id", true},
    {"endpoint_uid", "endpoint_uid", true},
}};

// Writer connection: WAL, synchronous=NORMAL, incremental auto-vacuum, schema created/checked.
// Throws SqliteError when the file is not a log database of a version this build knows.
void prepareWriterDatabase(SqliteDb& db);

// Reader connection: checks the schema version; throws SqliteError otherwise.
void prepareReaderDatabase(SqliteDb& db);

}  // namespace fabric::faz
