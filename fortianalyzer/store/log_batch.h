#pragma once
// LogBatch: many logs in one arena, for appending to the store without one allocation per log.
// Each row holds its integer columns inline and its text columns as (offset, length) into one
// shared byte buffer, so a batch of thousands of logs is two allocations, moved as a whole
// through the store's queue, bound to SQLite by views and freed at once after the commit.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fortianalyzer/store/log_record.h"

namespace fabric::faz {

class LogBatch {
 public:
  // Text columns of the logs table (store_schema.h), plus the fields blob.
  enum Col : std::uint8_t {
    kDevid, kDevname, kLogid, kType, kSubtype, kLevel, kSrcip, kDstip, kEndpointUid, kHostname,
    kFlowId, kSourceAddr, kRaw, kFieldsBlob, kColCount
  };
  struct Row {
    std::int64_t time_ns = 0;
    std::int64_t received_ns = 0;
    bool registered = false;
    std::array<std::uint32_t, kColCount> off{};
    std::array<std::uint32_t, kColCount> len{};
  };

  // Starts a row; fill it with set() before starting the next one.
  Row& addRow(std::int64_t time_ns, std::int64_t received_ns, bool registered);
  // Copies `text` into the arena as column `col` of the last row.
  void set(Col col, std::string_view text);
  // Adds one LogToStore (fields blob computed as LogStore::append does).
  void add(const LogToStore& log);

  std::string_view text(const Row& row, Col col) const {
    return std::string_view(arena_.data() + row.off[col], row.len[col]);
  }
  const std::vector<Row>& rows() const { return rows_; }
  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }
  // Approximate memory held (queue accounting).
  std::size_t bytes() const { return arena_.size() + rows_.size() * sizeof(Row); }
  void reserve(std::size_t rows, std::size_t bytes) {
    rows_.reserve(rows);
    arena_.reserve(bytes);
  }
  void clear() {
    rows_.clear();
    arena_.clear();
  }

 private:
  std::string arena_;
  std::vector<Row> rows_;
};

}  // namespace fabric::faz
