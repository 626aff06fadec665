#include "fortianalyzer/store/sqlite_db.h"

#include <arpa/inet.h>

#include <string>
#include <vector>

#include "fortianalyzer/store/field_codec.h"
#include "fortianalyzer/store/key_packs.h"
#include "fortianalyzer/store/log_block.h"
#include "fortianalyzer/store/raw_fields.h"

namespace fabric::faz {
namespace {

void fieldFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  const unsigned char* key = sqlite3_value_text(argv[2]);
  if (key == nullptr) {
    sqlite3_result_null(ctx);
    return;
  }
  std::string_view keyView(reinterpret_cast<const char*>(key), sqlite3_value_bytes(argv[2]));
  if (sqlite3_value_type(argv[0]) != SQLITE_NULL) {
    const void* blob = sqlite3_value_blob(argv[0]);
    int blobLen = sqlite3_value_bytes(argv[0]);
    auto found = findField(std::string_view(static_cast<const char*>(blob), blobLen), keyView);
    if (found) {
      sqlite3_result_text(ctx, found->data(), static_cast<int>(found->size()), SQLITE_TRANSIENT);
    } else {
      sqlite3_result_null(ctx);
    }
    return;
  }
  const unsigned char* raw = sqlite3_value_text(argv[1]);
  if (raw == nullptr) {
    sqlite3_result_null(ctx);
    return;
  }
  auto found = findRawField(
      std::string_view(reinterpret_cast<const char*>(raw), sqlite3_value_bytes(argv[1])), keyView);
  if (found) {
    sqlite3_result_text(ctx, found->data(), static_cast<int>(found->size()), SQLITE_TRANSIENT);
  } else {
    sqlite3_result_null(ctx);
  }
}

void ipInFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  const unsigned char* text = sqlite3_value_text(argv[0]);
  if (text == nullptr) {
    sqlite3_result_int(ctx, 0);
    return;
  }
  in_addr addr{};
  if (inet_pton(AF_INET, reinterpret_cast<const char*>(text), &addr) != 1) {
    sqlite3_result_int(ctx, 0);
    return;
  }
  uint32_t ip = ntohl(addr.s_addr);
  auto net = static_cast<uint32_t>(sqlite3_value_int64(argv[1]));
  int prefix = sqlite3_value_int(argv[2]);
  uint32_t mask = prefix <= 0 ? 0 : (prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1));
  sqlite3_result_int(ctx, (ip & mask) == (net & mask) ? 1 : 0);
}

// fabric_block_has_key(keys, hash1, hash2, ...): 1 when the block's `keys` blob (log_block.h) holds
// a key whose blockKeyHash is one of the hashes; how search finds blocks not yet in key_packs.
void blockHasKeyFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  const void* blob = sqlite3_value_blob(argv[0]);
  std::string_view keys(static_cast<const char*>(blob), blob ? sqlite3_value_bytes(argv[0]) : 0);
  for (const auto& k : decodeBlockKeys(keys)) {
    std::int64_t h = blockKeyHash(k.kind, k.value);
    for (int i = 1; i < argc; ++i) {
      if (sqlite3_value_int64(argv[i]) == h) {
        sqlite3_result_int(ctx, 1);
        return;
      }
    }
  }
  sqlite3_result_int(ctx, 0);
}

// fabric_key_pack_ids(pack, hash): the first_ids paired with `hash` in a key pack (key_packs.h),
// as a JSON array for json_each. A damaged pack yields fewer or wrong ids, never a bad read.
void keyPackIdsFunction(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const void* blob = sqlite3_value_blob(argv[0]);
  std::string_view pack(static_cast<const char*>(blob), blob ? sqlite3_value_bytes(argv[0]) : 0);
  std::vector<std::int64_t> ids;
  findInKeyPack(pack, sqlite3_value_int64(argv[1]), ids);
  std::string json = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) json += ',';
    json += std::to_string(ids[i]);
  }
  json += ']';
  sqlite3_result_text(ctx, json.data(), static_cast<int>(json.size()), SQLITE_TRANSIENT);
}

}  // namespace

void registerStoreFunctions(sqlite3* db) {
  int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  sqlite3_create_function(db, "fabric_field", 3, flags, nullptr, fieldFunction, nullptr, nullptr);
  sqlite3_create_function(db, "fabric_ip_in", 3, flags, nullptr, ipInFunction, nullptr, nullptr);
  sqlite3_create_function(db, "fabric_block_has_key", -1, flags, nullptr, blockHasKeyFunction,
                          nullptr, nullptr);
  sqlite3_create_function(db, "fabric_key_pack_ids", 2, flags, nullptr, keyPackIdsFunction, nullptr,
                          nullptr);
}

}  // namespace fabric::faz
