#pragma once
// Packed key runs (schema 5): the key index (batch_writer.h) as blobs instead of one SQLite row
// per (key hash, block) pair. A merge sorts its pairs and cuts them into packs of up to
// kKeyPackPairs pairs; each pack is one row key_packs(run, first_hash, first_id, pairs) keyed by
// its first pair. A pack is fixed-width little-endian: per pair the key hash (8 bytes, signed)
// then the block's first_id (8 bytes, signed), sorted by (hash, first_id).
//
// Why: one SQLite row per pair cost ~0.7 us of record and B-tree work per pair (a log with its
// own source address is one pair); a pack of kKeyPackPairs pairs is one row.
//
// A lookup of hash h in one run reads the packs whose first hash is in [M, h], M being the
// largest first hash < h in that run (the pack before may end with h) - see
// keyPackLookupSql(). Within a pack it binary-searches. A damaged pack (length not a multiple
// of 16, pairs out of order, garbage values) yields fewer or wrong candidate blocks, never a
// read out of bounds; search checks every candidate's logs, so a wrong candidate is harmless.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fabric::sqlite {
class Statement;
}

namespace fabric::faz {

inline constexpr std::size_t kKeyPackPairs = 1016;  // 16,256 bytes: the row stays on its 64 KiB page
inline constexpr std::size_t kKeyPackPairBytes = 16;

using KeyPair = std::pair<std::int64_t, std::int64_t>;  // (key hash, block first_id)

// Appends pairs [begin, end) (sorted) as one pack to `out` (cleared first).
void encodeKeyPack(const KeyPair* begin, const KeyPair* end, std::string& out);

// Writes one run's pairs (sorted, unique) as packs through `insert`, a prepared
// "INSERT INTO key_packs(run, first_hash, first_id, pairs) VALUES(?1,?2,?3,?4)"; `scratch` holds
// each pack's bytes. Used by the writer's merges and by the schema-4 upgrade: one way to cut runs.
void insertKeyPacks(sqlite::Statement& insert, std::int64_t run, const std::vector<KeyPair>& pairs,
                    std::string& scratch);

// Number of whole pairs in a pack, and pair i (i < count).
std::size_t keyPackCount(std::string_view pack);
KeyPair keyPackPair(std::string_view pack, std::size_t i);

// The first_ids paired with `hash` in the pack, appended to `out` in pack order.
void findInKeyPack(std::string_view pack, std::int64_t hash, std::vector<std::int64_t>& out);

// SQL yielding the first_id of every block whose key index entry in any run (key_runs) has the
// hash bound at parameters ?1..?4 (the same hash, four times: use keyPackLookupBinds). Needs the
// store functions (registerStoreFunctions): fabric_key_pack_ids(pack, hash) returns the matching
// first_ids as a JSON array, expanded by json_each.
std::string keyPackLookupSql();
inline constexpr int kKeyPackLookupBinds = 4;

}  // namespace fabric::faz
