#pragma once
// The log database layout (one file, SQLite WAL). Kept in one place so the writer, the search and
// the tests agree on names.
//
//   blocks(first_id PK, last_id, count, min_time_ns, max_time_ns, keys BLOB, data BLOB,
//          seg, seg_off, seg_len)
//       one row per block of up to kBlockMaxRows logs (log_block.h): the logs' header columns,
//       fields blob and raw line, either in segment file `seg` at [seg_off, seg_off + seg_len)
//       (log_segments.h; `data` empty) or, when seg is NULL, inline in `data` (version 2 blocks,
//       blocks rewritten by retention); `keys` lists the block's key index values
//   indexes: blocks(min_time_ns), blocks(max_time_ns), blocks(seg) where seg is not NULL
//   key_packs(run, first_hash, first_id, pairs BLOB) PK (run, first_hash, first_id), WITHOUT ROWID
//       every distinct devid / type / subtype / srcip / endpoint_uid / flow_id value of a block,
//       as a pair blockKeyHash(kind, value) -> the block's first_id, in the run of the merge that
//       indexed the block (batch_writer.h), packed up to kKeyPackPairs sorted pairs per row
//       (key_packs.h; the row is keyed by its first pair); search picks candidate blocks here
//       (a seek and a short scan per run), then checks their logs (a hash collision, or the
//       pair of a block retention removed, only adds a candidate)
//   key_runs(run PK): the runs; a run's number is the key index watermark it was merged up to,
//       so a block's keys are in the smallest run >= its first_id
//   devices(devid PK, devname, serial, ip, registered, first_seen_ns, last_seen_ns, log_count)
//   meta(key PK, value): next id, clean-close marker
//
// Versions 2 (every block inline), 3 (block_keys without runs) and 4 (block_keys, one row per
// pair) are upgraded in place by the writer; version 1 (one row per log, five secondary indexes) is refused with a clear error.

#include <array>
#include <string_view>

#include "fortianalyzer/store/sqlite_db.h"

namespace fabric::faz {

inline constexpr int kSchemaVersion = 5;

// Header columns that hold a log field by the same name, so search reads them (and, when
// `indexed`, picks blocks by them) instead of the fields blob. `flowid` is the log field name of the flow_id column.
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

// Writer connection: WAL, synchronous=NORMAL, incremental auto-vacuum, schema created/checked
// (versions 2 and 3 upgraded).
// Throws SqliteError when the file is not a log database of a version this build knows.
void prepareWriterDatabase(SqliteDb& db);

// Reader connection: checks the schema version; throws SqliteError otherwise.
void prepareReaderDatabase(SqliteDb& db);

}  // namespace fabric::faz
