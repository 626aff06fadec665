#include "fortianalyzer/store/log_block.h"

#include <catch2/catch.hpp>

#include "fortianalyzer/search/log_match.h"
#include "fortianalyzer/search/log_query.h"

using namespace fabric::faz;

namespace {

std::array<std::string_view, LogBatch::kColCount> cols(std::string_view devid, std::string_view srcip,
                                                        std::string_view raw) {
  std::array<std::string_view, LogBatch::kColCount> c{};
  c[LogBatch::kDevid] = devid;
  c[LogBatch::kType] = "traffic";
  c[LogBatch::kSrcip] = srcip;
  c[LogBatch::kRaw] = raw;
  return c;
}

PlanCondition cond(std::string_view filter) {
  auto parsed = parseFilter(filter);
  REQUIRE(parsed.clause);
  REQUIRE(parsed.clause->any_of.size() == 1);
  return planCondition(parsed.clause->any_of[0]);
}

}  // namespace

TEST_CASE("a block round-trips its logs and lists each distinct key once") {
  BlockBuilder b;
  b.add(10, 300, 301, true, cols("FGT1", "10.0.0.1", "a=1"));
  b.add(11, 100, 101, false, cols("FGT1", "10.0.0.2", "a=2"));
  b.add(13, 200, 201, false, cols("FGT2", "10.0.0.1", "a=3"));
  CHECK(b.firstId() == 10);
  CHECK(b.lastId() == 13);
  CHECK(b.minTime() == 100);
  CHECK(b.maxTime() == 300);
  std::string bytes(b.bytes());
  std::vector<StoredLogView> logs;
  REQUIRE(decodeBlock(bytes, 10, logs));
  REQUIRE(logs.size() == 3);
  CHECK(logs[0].id == 10);
  CHECK(logs[0].registered);
  CHECK(logs[2].id == 13);  // ids need not be consecutive (retention rewrites blocks)
  CHECK(logs[2].time_ns == 200);
  CHECK(logs[2].received_ns == 201);
  CHECK(logs[1].text(LogBatch::kSrcip) == "10.0.0.2");
  CHECK(logs[1].text(LogBatch::kRaw) == "a=2");
  CHECK(logs[1].text(LogBatch::kHostname).empty());

  std::vector<std::pair<BlockKey, std::string>> keys;
  for (const auto& k : b.keys()) keys.emplace_back(k.kind, std::string(k.value));
  std::vector<std::pair<BlockKey, std::string>> want{
      {BlockKey::kDevid, "FGT1"},      {BlockKey::kDevid, "FGT2"},
      {BlockKey::kType, "traffic"},    {BlockKey::kSrcip, "10.0.0.1"},
      {BlockKey::kSrcip, "10.0.0.2"}};
  CHECK(keys == want);
  // The key hash is stored on disk: pinned.
  CHECK(blockKeyHash(BlockKey::kSrcip, "10.0.0.1") == blockKeyHash(BlockKey::kSrcip, "10.0.0.1"));
  CHECK(blockKeyHash(BlockKey::kSrcip, "10.0.0.1") != blockKeyHash(BlockKey::kDevid, "10.0.0.1"));
  CHECK(blockKeyHash(BlockKey::kDevid, "") == static_cast<int64_t>(0xaf63bc4c8601b62cull));
  std::string encodedKeys = encodeBlockKeys(b.keys());  // the decoded views point into it
  auto again = decodeBlockKeys(encodedKeys);
  REQUIRE(again.size() == want.size());
  CHECK(again[4].value == "10.0.0.2");
}

TEST_CASE("a damaged block decodes to the logs before the damage, never past its bytes") {
  BlockBuilder b;
  for (int i = 0; i < 5; ++i) b.add(1 + i, i, i, false, cols("FGT1", "10.0.0.1", "line"));
  std::string bytes(b.bytes());
  std::vector<StoredLogView> logs;
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    CHECK_FALSE(decodeBlock(std::string_view(bytes).substr(0, cut), 1, logs));
    CHECK(logs.size() < 5);
  }
  std::string absurd = bytes;
  absurd[3] = '\x7f';  // a row count far above what the bytes can hold
  CHECK_FALSE(decodeBlock(absurd, 1, logs));
  CHECK(logs.empty());
}

TEST_CASE("conditions keep the search semantics on a decoded log") {
  BlockBuilder b;
  auto c = cols("FGT1", "10.0.1.7", "srcip=10.0.1.7 sentbyte=12abc action=\"Blocked\" msg=\"a \\\"q\\\"\"");
  b.add(42, 5, 5, false, c);
  std::string bytes(b.bytes());
  std::vector<StoredLogView> logs;
  REQUIRE(decodeBlock(bytes, 42, logs));
  const StoredLogView& log = logs[0];
  CHECK(conditionMatches(cond("srcip==10.0.1.0/24"), log));
  CHECK_FALSE(conditionMatches(cond("srcip!=10.0.1.0/24"), log));
  CHECK(conditionMatches(cond("action=@block"), log));      // ASCII case-insensitive
  CHECK_FALSE(conditionMatches(cond("action==blocked"), log));  // == is exact
  CHECK(conditionMatches(cond("msg==a \"q\""), log));       // escapes read as the scanner does
  CHECK(conditionMatches(cond("sentbyte>11"), log));        // leading number, as CAST AS REAL
  CHECK_FALSE(conditionMatches(cond("nosuch>-1"), log));    // a missing field never compares
  CHECK(conditionMatches(cond("nosuch!=x"), log));
  CHECK(conditionMatches(cond("nosuch=="), log));            // absent = empty
  CHECK_FALSE(conditionMatches(cond("nosuch=@"), log));
  CHECK(conditionMatches(cond("hostname=="), log));          // empty column = absent
  CHECK(conditionMatches(cond("id==42"), log));
  CHECK(conditionMatches(cond("id>=42"), log));
  CHECK(conditionMatches(cond("id!=x"), log));
  CHECK(leadingNumber("  -1.5e2xyz") == -150.0);
  CHECK(leadingNumber("abc") == 0.0);
  CHECK(leadingNumber("7e") == 7.0);
}
