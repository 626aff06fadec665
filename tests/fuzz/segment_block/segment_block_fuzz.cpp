// A block as read back from a segment file (log_segments.h): the frame (codec, length, raw or LZ4
// bytes) then the block codec (log_block.h). Damaged bytes must decode to fewer rows or be
// refused, never read out of bounds; what decodes must re-encode to a block that decodes the same.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fortianalyzer/store/log_block.h"
#include "fortianalyzer/store/log_segments.h"

using namespace fabric::faz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view frame(reinterpret_cast<const char*>(data), size);
  std::string block;
  if (!decodeSegmentFrame(frame, block)) return 0;
  std::vector<StoredLogView> logs;
  bool whole = decodeBlock(block, 1000, logs);
  BlockBuilder again;
  for (const auto& log : logs) again.add(log);
  std::string reframed;
  encodeSegmentFrame(again.bytes(), reframed);
  std::string back;
  std::vector<StoredLogView> relogs;
  // The builder numbers from its first log's id (a damaged block's first delta need not be 0).
  const LogId first = logs.empty() ? 1000 : again.firstId();
  if (!decodeSegmentFrame(reframed, back) || !decodeBlock(back, first, relogs) ||
      relogs.size() != logs.size()) {
    __builtin_trap();
  }
  for (std::size_t i = 0; i < logs.size(); ++i) {
    if (relogs[i].id != logs[i].id || relogs[i].col != logs[i].col) __builtin_trap();
  }
  (void)whole;
  return 0;
}
